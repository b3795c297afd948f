"""Fixtures for the browser tests: a real uvicorn on a free loopback port, and headless Chromium.

Chromium is Debian's ``chromium`` driven through Debian's ``chromium-driver`` by Selenium; nothing
is downloaded. Every request the page makes is recorded (Chrome's performance log) so a test
can check that the page talks to no host but the service.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.server.helpers import Server, free_port, serving

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``mlpy serve`` on 127.0.0.1 with one job worker and a data directory of its own (the
    playground is on: auto, loopback)."""
    port = free_port()
    home = tmp_path_factory.mktemp("server")
    command = [sys.executable, "-m", "mlpy", "serve", "--port", str(port), "--job-workers", "1"]
    env = {"MLPY_WORKERS": "2", "MLPY_DATA_DIR": str(home / "data")}
    with serving(command, port, home / "server.log", env=env) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile, recording network requests."""
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "the browser tests need Debian's chromium and chromium-driver: "
        "apt-get install -y chromium chromium-driver"
    )
    profile = tempfile.mkdtemp(prefix="mlpy-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requests(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """Requests (url, method, headers) the page made since the last call (drains Chrome's log)."""
    found = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            found.append(message["params"]["request"])
    return found


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """URLs the page asked for since the last call."""
    return [request["url"] for request in requests(driver)]
