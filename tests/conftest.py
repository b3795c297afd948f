"""Project-wide test options: ``--update-golden`` rewrites ``tests/golden/*.py``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/<case>.py from the current codegen instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True, scope="session")
def _jobs_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A job or process route that a test reaches keeps its files in a temporary directory,
    never in ./mlpy-data of the checkout (tests that start servers pass their own)."""
    saved = os.environ.get("MLPY_DATA_DIR")
    os.environ["MLPY_DATA_DIR"] = str(tmp_path_factory.mktemp("mlpy-data"))
    yield
    if saved is None:
        os.environ.pop("MLPY_DATA_DIR", None)
    else:
        os.environ["MLPY_DATA_DIR"] = saved
