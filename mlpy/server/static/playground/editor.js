// A small code editor for ML: a textarea over a highlighted copy of its text, with a gutter.
// Line numbers, syntax highlighting, bracket matching, Tab/Shift+Tab indent, auto-indent,
// diagnostics underlined (message on hover and in the gutter). No dependencies, no build.
"use strict";

const ML_KEYWORDS = new Set(("function fn if elif else while for in return break continue try " +
  "except finally throw import as nonlocal capability").split(" "));
const ML_CONSTANTS = new Set(["true", "false", "null", "undefined"]);
const OPEN = { "(": ")", "[": "]", "{": "}" };
const CLOSE = { ")": "(", "]": "[", "}": "{" };

/** Tokens of ML source: [{start, end, kind}] covering every character (LANGUAGE.md §1). */
function mlTokens(text) {
  const tokens = [];
  let i = 0;
  let lastSignificant = null; // kind and text of the last non-space, non-comment token
  let lineStart = true; // nothing but blanks so far on this line
  const n = text.length;
  const push = (start, end, kind) => {
    tokens.push({ start, end, kind });
    if (kind !== "space" && kind !== "comment") {
      lastSignificant = { kind, text: text.slice(start, end) };
      lineStart = false;
    }
  };
  const isOperand = () => {
    if (!lastSignificant) return false;
    const { kind, text: t } = lastSignificant;
    return kind === "number" || kind === "string" || kind === "name" || kind === "constant" ||
      kind === "call" || kind === "prop" || t === ")" || t === "]";
  };
  while (i < n) {
    const c = text[i];
    if (c === "\n" || c === " " || c === "\t" || c === "\r") {
      let j = i;
      while (j < n && /[ \t\r\n]/.test(text[j])) {
        if (text[j] === "\n") lineStart = true;
        j++;
      }
      tokens.push({ start: i, end: j, kind: "space" });
      i = j;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const j = close < 0 ? n : close + 2;
      tokens.push({ start: i, end: j, kind: "comment" });
      i = j;
    } else if (c === "/" && text[i + 1] === "/" && (lineStart || !isOperand())) {
      let j = text.indexOf("\n", i);
      if (j < 0) j = n;
      tokens.push({ start: i, end: j, kind: "comment" });
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      j = Math.min(j + 1, n);
      push(i, j, "string");
      i = j;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] || ""))) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/
        .exec(text.slice(i, i + 400));
      const j = i + Math.max(1, m ? m[0].length : 1);
      push(i, j, "number");
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && (text[k] === " " || text[k] === "\t")) k++;
      const afterDot = lastSignificant && lastSignificant.text === ".";
      let kind = "name";
      if (afterDot) kind = "prop";
      else if (ML_KEYWORDS.has(word)) kind = "keyword";
      else if (ML_CONSTANTS.has(word)) kind = "constant";
      else if (text[k] === "(") kind = "call";
      push(i, j, kind);
      i = j;
    } else if (OPEN[c] || CLOSE[c]) {
      push(i, i + 1, "bracket");
      i += 1;
    } else {
      const m = /^(=>|==|!=|<=|>=|&&|\|\||\/\/|\+=|-=|\*=|\/=|%=|\*\*|.)/s.exec(text.slice(i, i + 3));
      push(i, i + m[0].length, "operator");
      i += m[0].length;
    }
  }
  return tokens;
}

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Offsets where each line starts. */
function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

class MLEditor {
  /** An editor inside ``container``; ``onChange(text)`` after each edit. */
  constructor(container, { onChange = () => {}, onRun = () => {} } = {}) {
    this.onChange = onChange;
    this.onRun = onRun;
    this.diagnostics = [];
    this.container = container;
    container.classList.add("ml-editor");
    container.innerHTML =
      '<div class="gutter" aria-hidden="true"><div class="gutter-lines"></div></div>' +
      '<div class="body"><pre class="highlight" aria-hidden="true"><code></code></pre>' +
      '<textarea class="input" spellcheck="false" autocapitalize="off" autocomplete="off" ' +
      'aria-label="ML code"></textarea></div><div class="tooltip" hidden></div>';
    this.gutter = container.querySelector(".gutter");
    this.gutterLines = container.querySelector(".gutter-lines");
    this.pre = container.querySelector("pre.highlight");
    this.code = this.pre.querySelector("code");
    this.input = container.querySelector("textarea");
    this.tooltip = container.querySelector(".tooltip");
    this.input.addEventListener("input", () => { this.render(); this.onChange(this.input.value); });
    this.input.addEventListener("scroll", () => this.syncScroll());
    this.input.addEventListener("keydown", (e) => this.keydown(e));
    for (const ev of ["keyup", "click", "select"]) this.input.addEventListener(ev, () => this.renderMarks());
    this.input.addEventListener("mousemove", (e) => this.hover(e));
    this.input.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
    this.render();
  }

  get value() { return this.input.value; }

  set value(text) {
    this.input.value = text;
    this.diagnostics = [];
    this.render();
    this.onChange(text);
  }

  focus() { this.input.focus(); }

  /** Show ``diagnostics`` ([{line, column, end_line, end_column, message, type, severity}]). */
  setDiagnostics(diagnostics) {
    this.diagnostics = diagnostics || [];
    this.render();
  }

  /** Put the cursor at 1-based ``line``, ``column`` and scroll it into view. */
  goTo(line, column) {
    const starts = lineStarts(this.input.value);
    const offset = Math.min((starts[line - 1] ?? 0) + Math.max(column - 1, 0), this.input.value.length);
    this.input.focus();
    this.input.setSelectionRange(offset, offset);
    this.renderMarks();
  }

  /** Diagnostic ranges as [start, end) offsets; an empty range covers one character. */
  diagnosticRanges(text) {
    const starts = lineStarts(text);
    const at = (line, column) => Math.min((starts[(line || 1) - 1] ?? text.length) + Math.max((column || 1) - 1, 0), text.length);
    return this.diagnostics.map((d) => {
      let start = at(d.line, d.column);
      let end = d.end_line ? at(d.end_line, d.end_column) : start;
      if (end <= start) end = start + 1;
      if (start >= text.length && start > 0) { start = text.length - 1; end = text.length; }
      return { start, end, diagnostic: d };
    });
  }

  render() {
    const text = this.input.value;
    this.tokens = mlTokens(text);
    this.ranges = this.diagnosticRanges(text);
    this.renderMarks();
    this.renderGutter(text);
  }

  /** The highlighted copy: tokens split at diagnostic and bracket-match boundaries. */
  renderMarks() {
    const text = this.input.value;
    const marks = this.ranges.map((r) => ({ start: r.start, end: r.end, cls: r.diagnostic.severity === "warning" ? "warn" : "err",
      title: `${r.diagnostic.type}: ${r.diagnostic.message}`, line: r.diagnostic.line }));
    for (const m of this.bracketMarks()) marks.push(m);
    const bounds = new Set([0, text.length]);
    for (const t of this.tokens) { bounds.add(t.start); bounds.add(t.end); }
    for (const m of marks) { bounds.add(Math.min(m.start, text.length)); bounds.add(Math.min(m.end, text.length)); }
    const points = [...bounds].sort((a, b) => a - b);
    let html = "";
    let ti = 0;
    for (let p = 0; p + 1 < points.length; p++) {
      const s = points[p], e = points[p + 1];
      while (ti < this.tokens.length && this.tokens[ti].end <= s) ti++;
      const kind = this.tokens[ti] ? this.tokens[ti].kind : "space";
      const classes = kind === "space" ? [] : ["t-" + kind];
      let title = "";
      let line = "";
      for (const m of marks) {
        if (m.start < e && s < m.end) {
          classes.push(m.cls);
          if (m.title) { title = m.title; line = m.line; }
        }
      }
      const piece = escapeHtml(text.slice(s, e));
      if (classes.length === 0) html += piece;
      else html += `<span class="${classes.join(" ")}"${title ? ` title="${escapeHtml(title)}" data-line="${line}"` : ""}>${piece}</span>`;
    }
    this.code.innerHTML = html + "\n";
    this.syncScroll();
  }

  /** The bracket next to the cursor and its partner (or the bracket alone, marked unmatched). */
  bracketMarks() {
    const text = this.input.value;
    const cursor = this.input.selectionStart;
    if (this.input.selectionEnd !== cursor) return [];
    const brackets = this.tokens.filter((t) => t.kind === "bracket");
    let index = brackets.findIndex((t) => t.start === cursor - 1);
    if (index < 0) index = brackets.findIndex((t) => t.start === cursor);
    if (index < 0) return [];
    const here = brackets[index];
    const ch = text[here.start];
    let depth = 0;
    let partner = null;
    if (OPEN[ch]) {
      for (let k = index; k < brackets.length; k++) {
        const b = text[brackets[k].start];
        if (OPEN[b]) depth++; else depth--;
        if (depth === 0) { partner = OPEN[ch] === b ? brackets[k] : null; break; }
      }
    } else {
      for (let k = index; k >= 0; k--) {
        const b = text[brackets[k].start];
        if (CLOSE[b]) depth++; else depth--;
        if (depth === 0) { partner = CLOSE[ch] === b ? brackets[k] : null; break; }
      }
    }
    if (!partner) return [{ start: here.start, end: here.end, cls: "bracket-bad" }];
    return [{ start: here.start, end: here.end, cls: "bracket-match" },
      { start: partner.start, end: partner.end, cls: "bracket-match" }];
  }

  renderGutter(text) {
    const count = lineStarts(text).length;
    const marked = new Map(); // line -> {cls, title}: an error wins over a warning
    for (const r of this.ranges) {
      const line = r.diagnostic.line || 1;
      const cls = r.diagnostic.severity === "warning" ? "gutter-warn" : "gutter-err";
      if (!marked.has(line) || (cls === "gutter-err" && marked.get(line).cls !== cls)) {
        marked.set(line, { cls, title: `${r.diagnostic.type}: ${r.diagnostic.message}` });
      }
    }
    let html = "";
    for (let i = 1; i <= count; i++) {
      const m = marked.get(i);
      html += m ? `<div class="${m.cls}" title="${escapeHtml(m.title)}">${i}</div>` : `<div>${i}</div>`;
    }
    this.gutterLines.innerHTML = html + "<div>&nbsp;</div>";
  }

  syncScroll() {
    this.pre.scrollTop = this.input.scrollTop;
    this.pre.scrollLeft = this.input.scrollLeft;
    this.gutter.scrollTop = this.input.scrollTop;
  }

  /** Replace the selection with ``text`` through the browser, so Undo undoes it. */
  insert(text) {
    if (!document.execCommand("insertText", false, text)) {
      this.input.setRangeText(text, this.input.selectionStart, this.input.selectionEnd, "end");
      this.render();
      this.onChange(this.input.value);
    }
  }

  keydown(e) {
    const ta = this.input;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.onRun();
    } else if (e.key === "Tab" && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      this.indent(e.shiftKey);
    } else if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      const before = ta.value.slice(0, ta.selectionStart);
      const line = before.slice(before.lastIndexOf("\n") + 1);
      let pad = /^[ \t]*/.exec(line)[0];
      if (/[{[(]\s*$/.test(line)) pad += "    ";
      this.insert("\n" + pad);
    } else if (CLOSE[e.key] && e.key === "}") {
      // dedent a closing brace typed on a line of blanks
      const before = ta.value.slice(0, ta.selectionStart);
      const line = before.slice(before.lastIndexOf("\n") + 1);
      if (/^ {4,}$/.test(line) && ta.selectionStart === ta.selectionEnd) {
        e.preventDefault();
        ta.setSelectionRange(ta.selectionStart - 4, ta.selectionStart);
        this.insert("}");
      }
    }
  }

  /** Tab: four spaces, or indent every selected line; Shift+Tab: dedent them. */
  indent(dedent) {
    const ta = this.input;
    const { selectionStart: s, selectionEnd: e, value } = ta;
    if (!dedent && s === e) { this.insert("    "); return; }
    const first = value.lastIndexOf("\n", s - 1) + 1;
    const last = e > s && value[e - 1] === "\n" ? e - 1 : e;
    const block = value.slice(first, last);
    const lines = block.split("\n");
    const changed = lines.map((l) => dedent ? l.replace(/^( {1,4}|\t)/, "") : "    " + l).join("\n");
    ta.setSelectionRange(first, last);
    this.insert(changed);
    ta.setSelectionRange(first, first + changed.length);
    this.renderMarks();
  }

  /** Line and column (1-based) under the mouse, from the monospace grid. */
  positionAt(event) {
    const style = getComputedStyle(this.input);
    if (!this.charWidth) { // measured once: the font is monospace and does not change
      const probe = document.createElement("span");
      probe.textContent = "M".repeat(20);
      this.code.appendChild(probe);
      this.charWidth = probe.getBoundingClientRect().width / 20;
      probe.remove();
    }
    const charWidth = this.charWidth;
    const lineHeight = parseFloat(style.lineHeight);
    const box = this.input.getBoundingClientRect();
    const x = event.clientX - box.left - parseFloat(style.paddingLeft) + this.input.scrollLeft;
    const y = event.clientY - box.top - parseFloat(style.paddingTop) + this.input.scrollTop;
    return { line: Math.floor(y / lineHeight) + 1, column: Math.floor(x / charWidth) + 1 };
  }

  hover(event) {
    if (this.ranges.length === 0) { this.tooltip.hidden = true; return; }
    const { line, column } = this.positionAt(event);
    const starts = lineStarts(this.input.value);
    if (line > starts.length) { this.tooltip.hidden = true; return; }
    const offset = starts[line - 1] + column - 1;
    const lineEnd = line < starts.length ? starts[line] - 1 : this.input.value.length;
    const hit = this.ranges.find((r) => offset >= r.start && offset < Math.max(r.end, r.start + 1) && offset <= lineEnd);
    if (!hit) { this.tooltip.hidden = true; return; }
    const d = hit.diagnostic;
    this.tooltip.textContent = `${d.type}: ${d.message} (line ${d.line}, column ${d.column})`;
    const box = this.container.getBoundingClientRect();
    this.tooltip.style.left = `${event.clientX - box.left + 12}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 16}px`;
    this.tooltip.hidden = false;
  }
}

window.MLEditor = MLEditor;
window.mlTokens = mlTokens;
