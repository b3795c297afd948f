"""The playground page in real headless Chromium against a real uvicorn (issue 16)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import requested_urls, requests
from tests.server.helpers import ROOT, Server

WAIT = 20  # seconds: generous, the machine is shared


def wait(driver: webdriver.Chrome) -> WebDriverWait[webdriver.Chrome]:
    return WebDriverWait(driver, WAIT)


def open_page(driver: webdriver.Chrome, server: Server, fragment: str = "") -> WebElement:
    """Load the playground afresh and return its code textarea, focused and empty."""
    driver.get("about:blank")
    driver.get(f"{server.url}/playground{fragment}")
    area = wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#code-editor textarea")))
    return area


def type_script(driver: webdriver.Chrome, area: WebElement, lines: list[str]) -> None:
    """Replace the editor's text by typing ``lines`` (the editor indents after ``{`` itself)."""
    area.click()
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    for i, line in enumerate(lines):
        area.send_keys(line)
        if i + 1 < len(lines):
            area.send_keys(Keys.ENTER)


def texts(driver: webdriver.Chrome, selector: str) -> list[str]:
    """The text of each element matching ``selector``, read at one instant (the highlighted
    copy is redrawn as the user types and as checks come back)."""
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", selector
    )
    return found


def editor_text(driver: webdriver.Chrome) -> str:
    text: str = driver.execute_script("return document.querySelector('#code-editor textarea').value")
    return text


def test_type_run_and_see_the_value(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    script = ["xs = [3, 4, 5];", 'print("n =", len(xs));', "result = {total: sum(xs), n: len(xs)};"]
    type_script(browser, area, script)
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    result = browser.find_element(By.ID, "result")
    wait(browser).until(lambda d: '"total": 12' in result.text)
    assert '"n": 3' in result.text
    assert "run " in browser.find_element(By.ID, "timings").text
    browser.find_element(By.CSS_SELECTOR, "#tabs button[data-tab=output]").click()
    assert browser.find_element(By.ID, "output").text.strip() == "n = 3"


def test_a_syntax_error_is_underlined_where_it_is(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    type_script(browser, area, ["x = 1;", "y = 2;", "result = x +;"])
    underline = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#code-editor .err")))
    assert underline.get_attribute("data-line") == "3"
    assert underline.text == ";"  # line 3, column 13: the token the parser could not take
    assert underline.get_attribute("title").startswith("SyntaxError: unexpected ';'")
    assert texts(browser, "#code-editor .gutter-err") == ["3"]
    # the underline sits on the third line of the text, at the 13th character
    line_height = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('#code-editor textarea')).lineHeight)"
    )
    top = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(), c = document.querySelector('#code-editor code')"
        ".getBoundingClientRect(); return [r.top - c.top, r.left - c.left, r.width];",
        underline,
    )
    assert round(top[0] / line_height) == 2
    assert round(top[1] / top[2]) == 12
    # the message shows on hover
    ActionChains(browser).move_to_element(underline).perform()
    tooltip = browser.find_element(By.CSS_SELECTOR, "#code-editor .tooltip")
    wait(browser).until(lambda d: tooltip.is_displayed())
    assert "SyntaxError" in tooltip.text and "line 3, column 13" in tooltip.text
    # fixing it removes the underline (the check runs again as the user types)
    area.send_keys(Keys.BACKSPACE, " 1;")
    wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#code-editor .err"))


def test_a_warning_is_marked_apart_from_errors(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    type_script(browser, area, ['digits = "\\d+";', "result = y +;"])
    wait(browser).until(lambda d: texts(d, "#code-editor .warn") == ["\\d"])
    assert texts(browser, "#code-editor .err") == [";"]
    assert texts(browser, "#code-editor .gutter-warn") == ["1"]
    assert texts(browser, "#code-editor .gutter-err") == ["2"]
    assert texts(browser, "#problems .problem.warning")[0].startswith("1:11 Warning: unknown escape")


def test_a_runtime_error_points_at_its_line(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    type_script(browser, area, ["a = 1;", "result = a + [2];"])
    browser.find_element(By.ID, "run").click()
    result = browser.find_element(By.ID, "result")
    wait(browser).until(lambda d: "TypeError" in result.text)
    underline = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#code-editor .err")))
    assert underline.get_attribute("data-line") == "2"


def test_share_link_reopens_script_and_context(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    script = ['greeting = "héllo, " + who;', "result = greeting;"]
    type_script(browser, area, script)
    context = browser.find_element(By.ID, "context")
    context.clear()
    context.send_keys('{"who": "Ada"}')
    browser.find_element(By.ID, "share").click()
    wait(browser).until(lambda d: "#code=" in d.current_url)
    link = browser.current_url
    area = open_page(browser, server, "#" + urlsplit(link).fragment)
    assert editor_text(browser) == "\n".join(script)
    assert browser.find_element(By.ID, "context").get_attribute("value") == '{"who": "Ada"}'
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    result = browser.find_element(By.ID, "result")
    wait(browser).until(lambda d: '"héllo, Ada"' in result.text)


def test_tab_indents_and_brackets_match(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    type_script(browser, area, ["if (true) {", "x = 1;"])
    assert editor_text(browser) == "if (true) {\n    x = 1;"  # Enter after { indented the line
    area.send_keys(Keys.HOME, Keys.TAB)
    assert editor_text(browser) == "if (true) {\n        x = 1;"
    area.send_keys(Keys.SHIFT, Keys.TAB)
    assert editor_text(browser) == "if (true) {\n    x = 1;"
    browser.execute_script(
        "const t = document.querySelector('#code-editor textarea'); t.focus(); t.setSelectionRange(3, 3);"
        "t.dispatchEvent(new Event('keyup'));"
    )  # just after "if" before "(": the ( and its ) are matched
    wait(browser).until(lambda d: texts(d, "#code-editor .bracket-match") == ["(", ")"])
    assert texts(browser, "#code-editor .t-keyword")[0] == "if"


def test_examples_and_show_python(browser: webdriver.Chrome, server: Server) -> None:
    open_page(browser, server)
    names = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#examples option")]
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples option")) > 1)
    names = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#examples option")]
    assert sorted(n for n in names if n) == sorted(p.stem for p in (ROOT / "examples").glob("*.ml"))
    browser.find_element(By.CSS_SELECTOR, "#examples option[value=orders]").click()
    assert editor_text(browser) == (ROOT / "examples" / "orders.ml").read_text("utf-8")
    browser.find_element(By.ID, "show-python").click()
    python = browser.find_element(By.ID, "python")
    wait(browser).until(lambda d: "def " in python.text)


def test_a_script_run_as_a_job_shows_status_progress_output_and_result(
    browser: webdriver.Chrome, server: Server
) -> None:
    """The jobs panel against the server's real job worker."""
    area = open_page(browser, server)
    type_script(browser, area, ['print("halfway"); progress(50, "half");', "result = 6 * 7;"])
    browser.find_element(By.ID, "run-job").click()
    info = browser.find_element(By.ID, "job-info")
    wait(browser).until(lambda d: info.get_attribute("data-status") == "successful")
    wait(browser).until(lambda d: "42" in d.find_element(By.ID, "job-result").text)
    assert "halfway" in browser.find_element(By.ID, "job-output").text
    assert browser.find_element(By.ID, "job-percent").text == "100%"


def test_a_running_job_is_dismissed_from_the_panel(browser: webdriver.Chrome, server: Server) -> None:
    area = open_page(browser, server)
    type_script(browser, area, ["while (true) {}"])
    browser.find_element(By.ID, "run-job").click()
    info = browser.find_element(By.ID, "job-info")
    wait(browser).until(lambda d: info.get_attribute("data-status") == "running")
    browser.find_element(By.ID, "job-cancel").click()
    wait(browser).until(lambda d: info.get_attribute("data-status") == "dismissed")


def test_page_asks_only_its_own_service(browser: webdriver.Chrome, server: Server) -> None:
    requested_urls(browser)  # forget earlier tests' requests
    area = open_page(browser, server)
    type_script(browser, area, ["result = 1 +;"])
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#code-editor .err")))
    browser.find_element(By.ID, "show-python").click()
    browser.find_element(By.ID, "run").click()
    wait(browser).until(lambda d: "SyntaxError" in d.find_element(By.ID, "result").text)
    urls = [u for u in requested_urls(browser) if u != "about:blank" and not u.startswith("data:")]
    assert {urlsplit(u).path for u in urls} >= {"/playground", "/check", "/execute", "/transpile"}
    foreign = [u for u in urls if urlsplit(u).netloc != urlsplit(server.url).netloc]
    assert foreign == []


def test_screenshot(browser: webdriver.Chrome, server: Server, tmp_path: Path) -> None:
    """The README's picture: the orders example run. Saved to docs/ with MLPY_SCREENSHOT=1."""
    open_page(browser, server)
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#examples option[value=orders]"))
    browser.find_element(By.CSS_SELECTOR, "#examples option[value=orders]").click()
    browser.find_element(By.ID, "run").click()
    wait(browser).until(lambda d: '"ada"' in d.find_element(By.ID, "result").text)
    shot = tmp_path / "playground.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("MLPY_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "playground.png")


def test_api_key_is_sent_and_kept_in_session_storage(browser: webdriver.Chrome, server: Server) -> None:
    key = "k-123"
    area = open_page(browser, server)
    browser.find_element(By.ID, "api-key").send_keys(key)
    assert browser.execute_script("return sessionStorage.getItem('mlpy-api-key')") == key
    assert browser.execute_script("return localStorage.length") == 0
    browser.get_log("performance")  # forget earlier requests
    type_script(browser, area, ["result = 5;"])
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(browser).until(lambda d: d.find_element(By.ID, "result").text == "5")
    sent = [
        request["headers"].get("X-API-Key")
        for request in requests(browser)
        if request["url"].endswith("/execute")
    ]
    assert sent == [key]
    # a new page in the same tab keeps it (session storage); clearing the field forgets it
    open_page(browser, server)
    assert browser.find_element(By.ID, "api-key").get_attribute("value") == key
    browser.find_element(By.ID, "api-key").clear()
    browser.find_element(By.ID, "api-key").send_keys(" ", Keys.BACKSPACE)
    assert browser.execute_script("return sessionStorage.getItem('mlpy-api-key')") is None
