// The playground page: wires the editor to the service's routes (/check, /execute, /transpile,
// /jobs), by URLs relative to the page (so a path prefix works). Talks only to the page's own
// origin; the API key lives in sessionStorage only.
"use strict";

const DEFAULT_SCRIPT = `// Write ML here and press Run (Ctrl+Enter).
function greet(name) {
    return "Hello, " + name + "!";
}
print(greet("world"));
result = {sum: 1 + 2, items: [1, 2, 3].map(fn(x) => x * x)};
`;
const CHECK_DELAY_MS = 300;
const JOB_POLL_MS = 400;
const KEY_STORAGE = "mlpy-api-key";

const $ = (id) => document.getElementById(id);
let editor;
let checkTimer = null;
let checkSeq = 0;
let currentJob = null;
let jobTimer = null;
let runError = null; // the last run's error: {code, diagnostic}, shown while the code is unchanged

/** fetch() on the service, with the API key when one is set; JSON in and out. */
async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers["X-API-Key"] = key;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, ok: false, data: { detail: `cannot reach the service (${e.message})` } };
  }
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  return { status: response.status, ok: response.ok, data };
}

/** The message of an HTTP error body ({"detail": str | [{msg, loc}]} or text). */
function httpError(res) {
  const d = res.data && res.data.detail !== undefined ? res.data.detail : res.data;
  if (Array.isArray(d)) return d.map((e) => `${(e.loc || []).join(".")}: ${e.msg}`).join("\n");
  if (res.status === 0) return d;
  if (res.status === 401 || res.status === 403) return `HTTP ${res.status}: ${typeof d === "string" ? d : "an API key is needed"} (set the API key field)`;
  return `HTTP ${res.status}: ${typeof d === "string" ? d : JSON.stringify(d)}`;
}

function setStatus(text, kind = "") {
  $("status").textContent = text;
  $("status").className = kind;
}

function showTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.id === "tab-" + name);
}

/** The context editor's value, or null (and the error shown) when it is not a JSON object. */
function readContext() {
  const text = $("context").value.trim();
  $("context-error").textContent = "";
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("the context must be a JSON object");
    return value;
  } catch (e) {
    $("context-error").textContent = "Context: " + e.message;
    return null;
  }
}

function readTimeout() {
  const t = parseFloat($("timeout").value);
  return Number.isFinite(t) && t > 0 ? t : null;
}

function showProblems(diagnostics) {
  const box = $("problems");
  box.innerHTML = "";
  for (const d of diagnostics) {
    const item = document.createElement("div");
    item.className = d.severity === "warning" ? "problem warning" : "problem";
    item.textContent = `${d.line ?? "?"}:${d.column ?? "?"} ${d.type}: ${d.message}`;
    item.addEventListener("click", () => editor.goTo(d.line || 1, d.column || 1));
    box.appendChild(item);
  }
}

function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, CHECK_DELAY_MS);
}

async function runCheck() {
  const seq = ++checkSeq;
  const res = await api("POST", "check", { code: editor.value }).catch(() => null);
  if (seq !== checkSeq || !res) return; // a newer check is on its way
  if (!res.ok) { showProblems([]); setStatus(httpError(res), "bad"); return; }
  showDiagnostics(res.data.diagnostics);
}

/** Underline ``diagnostics``, plus the last run's error while the code is the code that ran. */
function showDiagnostics(diagnostics) {
  const all = runError && runError.code === editor.value ? [...diagnostics, runError.diagnostic] : diagnostics;
  editor.setDiagnostics(all);
  showProblems(all);
}

function fmt(seconds) {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(seconds < 0.01 ? 3 : 1)} ms`;
}

async function run() {
  const context = readContext();
  if (context === null) return;
  setStatus("Running…");
  runError = null;
  showTab("result");
  const started = performance.now();
  const code = editor.value;
  const res = await api("POST", "execute", { code, context, timeout: readTimeout() });
  const roundTrip = (performance.now() - started) / 1000;
  if (!res.data || res.data.success === undefined) {
    $("result").textContent = httpError(res);
    $("result").className = "bad";
    setStatus("Request refused", "bad");
    return;
  }
  const r = res.data;
  $("output").textContent = r.stdout || "";
  $("timings").textContent = `run ${fmt(r.execution_time)} · compile ${fmt(r.transpile_time)} · round trip ${fmt(roundTrip)}`;
  if (r.success) {
    $("result").textContent = JSON.stringify(r.value, null, 2);
    $("result").className = "ok";
    setStatus("Done", "ok");
  } else {
    $("result").textContent = r.error || r.error_type;
    $("result").className = "bad";
    setStatus(r.error_type || "Failed", "bad");
    if (r.error_line) {
      const diagnostic = { severity: "error", type: r.error_type, message: r.error.replace(/^[^:]*: /, ""),
        line: r.error_line, column: r.error_column, end_line: null, end_column: null };
      runError = { code, diagnostic };
      showDiagnostics([]);
    }
  }
  if (r.stdout) $("result").textContent += `\n\n(printed output: see the Output tab, ${r.stdout.split("\n").length - 1} lines)`;
}

async function showPython() {
  showTab("python");
  const res = await api("POST", "transpile", { code: editor.value });
  if (!res.ok) { $("python").textContent = httpError(res); return; }
  $("python").textContent = res.data.success ? res.data.python
    : res.data.diagnostics.map((d) => `${d.line}:${d.column} ${d.type}: ${d.message}`).join("\n");
}

/** Base64 of UTF-8 text, URL-safe, for the fragment. */
function encodeShare(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeShare(text) {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function share() {
  const params = new URLSearchParams();
  params.set("code", encodeShare(editor.value));
  const context = $("context").value.trim();
  if (context && context !== "{}") params.set("context", encodeShare(context));
  history.replaceState(null, "", "#" + params.toString());
  const link = location.href;
  if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
  setStatus("Link in the address bar (and copied)", "ok");
  return link;
}

function loadShared() {
  if (!location.hash || location.hash.length < 2) return false;
  const params = new URLSearchParams(location.hash.slice(1));
  try {
    if (!params.has("code")) return false;
    editor.value = decodeShare(params.get("code"));
    $("context").value = params.has("context") ? decodeShare(params.get("context")) : "{}";
    return true;
  } catch (e) {
    setStatus("The shared link is damaged: " + e.message, "bad");
    return false;
  }
}

async function loadExamples() {
  const res = await api("GET", "playground/examples");
  if (!res.ok) return;
  const select = $("examples");
  for (const ex of res.data) {
    const option = document.createElement("option");
    option.value = ex.name;
    option.textContent = ex.name;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const ex = res.data.find((e) => e.name === select.value);
    if (!ex) return;
    editor.value = ex.code;
    $("context").value = JSON.stringify(ex.context || {}, null, 2);
  });
}

// -- jobs (issue 13's contract) ------------------------------------------------------------------

function jobsUnavailable(res) {
  $("job-info").textContent = res.status === 404 || res.status === 405
    ? "Jobs are not available on this server." : httpError(res);
}

async function runJob() {
  const context = readContext();
  if (context === null) return;
  showTab("jobs");
  const body = { code: editor.value, context };
  const timeout = readTimeout();
  if (timeout) body.timeout = timeout;
  const res = await api("POST", "jobs", body);
  if (!res.ok) { jobsUnavailable(res); return; }
  watchJob(res.data.jobID);
  refreshJobs();
}

function watchJob(id) {
  currentJob = id;
  clearTimeout(jobTimer);
  $("job-output").textContent = "";
  $("job-result").textContent = "";
  $("job-progress").value = 0;
  $("job-cancel").disabled = false;
  pollJob();
}

const FINISHED = new Set(["successful", "failed", "dismissed"]);

async function pollJob() {
  const id = currentJob;
  if (!id) return;
  const res = await api("GET", `jobs/${encodeURIComponent(id)}`);
  if (id !== currentJob) return;
  if (!res.ok) { jobsUnavailable(res); return; }
  const s = res.data;
  $("job-info").textContent = `${s.jobID}: ${s.status}${s.message ? " · " + s.message : ""}`;
  $("job-info").dataset.status = s.status;
  $("job-progress").value = s.progress ?? 0;
  $("job-percent").textContent = `${s.progress ?? 0}%`;
  const out = await api("GET", `jobs/${encodeURIComponent(id)}/output`);
  if (out.ok) $("job-output").textContent = typeof out.data === "string" ? out.data : (out.data.stdout ?? out.data.output ?? JSON.stringify(out.data));
  if (FINISHED.has(s.status)) {
    $("job-cancel").disabled = true;
    if (s.status !== "dismissed") {
      const results = await api("GET", `jobs/${encodeURIComponent(id)}/results`);
      $("job-result").textContent = JSON.stringify(results.data, null, 2);
    }
    refreshJobs();
    return;
  }
  jobTimer = setTimeout(pollJob, JOB_POLL_MS);
}

async function cancelJob() {
  if (!currentJob) return;
  const res = await api("DELETE", `jobs/${encodeURIComponent(currentJob)}`);
  if (!res.ok) { jobsUnavailable(res); return; }
  clearTimeout(jobTimer);
  pollJob();
}

async function refreshJobs() {
  const res = await api("GET", "jobs?limit=20");
  const body = document.querySelector("#jobs-table tbody");
  body.innerHTML = "";
  if (!res.ok) { if (!currentJob) jobsUnavailable(res); return; }
  for (const job of res.data.jobs || []) {
    const row = document.createElement("tr");
    for (const text of [job.jobID, job.status, `${job.progress ?? 0}%`, job.created || ""]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    }
    row.addEventListener("click", () => watchJob(job.jobID));
    body.appendChild(row);
  }
}

// -- start ---------------------------------------------------------------------------------------

function start() {
  editor = new MLEditor($("code-editor"), { onChange: scheduleCheck, onRun: run });
  if (!loadShared()) editor.value = DEFAULT_SCRIPT;
  $("api-key").value = sessionStorage.getItem(KEY_STORAGE) || "";
  $("api-key").addEventListener("input", () => {
    const key = $("api-key").value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
  });
  $("run").addEventListener("click", run);
  $("run-job").addEventListener("click", runJob);
  $("show-python").addEventListener("click", showPython);
  $("share").addEventListener("click", share);
  $("job-cancel").addEventListener("click", cancelJob);
  $("jobs-refresh").addEventListener("click", refreshJobs);
  $("context").addEventListener("input", readContext);
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target !== editor.input) { e.preventDefault(); run(); }
  });
  window.addEventListener("hashchange", () => { if (loadShared()) scheduleCheck(); });
  loadExamples();
  editor.focus();
}

document.addEventListener("DOMContentLoaded", start);
