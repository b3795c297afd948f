"""``mlpy serve --help`` explains every option and where the other settings are."""

from __future__ import annotations

import re

import pytest

from mlpy.cli import main


def test_every_serve_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal's width
    for option, words in {
        "--host": "address to listen on",
        "--port": "TCP port",
        "--workers": "server processes",
        "--strict": "strict security mode",
    }.items():
        assert re.search(rf"{option}\b[^-]*?{words}", text), option
    for variable in ("MLPY_WORKERS", "MLPY_MAX_TIMEOUT", "MLPY_CORS_ORIGINS", "docs/http.md"):
        assert variable in text, variable
