"""JobsConfig from MLPY_* variables, and the mlpy.jobs public names."""

from __future__ import annotations

from pathlib import Path

import pytest

import mlpy.jobs
from mlpy.jobs import ConfigError, JobsConfig


def test_settings_are_read_from_mlpy_variables() -> None:
    config = JobsConfig.from_env(
        {"MLPY_DATA_DIR": "/srv/mlpy", "MLPY_JOBS_URL": "redis://127.0.0.1:6379/3",
         "MLPY_JOB_MAX_TIMEOUT": "120", "MLPY_JOB_DEFAULT_TIMEOUT": "30", "MLPY_MAX_QUEUED_JOBS": "5",
         "MLPY_JOB_TTL": "60", "MLPY_JOB_MEMORY_MB": "0", "MLPY_JOB_NICE": "0",
         "MLPY_JOB_HEARTBEAT_TIMEOUT": "2", "MLPY_STRICT": "yes"}
    )  # fmt: skip
    assert config == JobsConfig(
        data_dir=Path("/srv/mlpy"), url="redis://127.0.0.1:6379/3", default_timeout=30.0, max_timeout=120.0,
        max_queued=5, ttl=60.0, memory_mb=0, nice=0, heartbeat_timeout=2.0, strict=True,
    )  # fmt: skip
    assert JobsConfig.from_env({}) == JobsConfig()


def test_every_bad_variable_is_named() -> None:
    with pytest.raises(ConfigError) as caught:
        JobsConfig.from_env({"MLPY_JOB_TTL": "forever", "MLPY_JOB_NICE": "40", "MLPY_MAX_QUEUED_JOBS": "-1"})
    message = str(caught.value)
    assert "MLPY_JOB_TTL='forever'" in message and "MLPY_JOB_NICE='40'" in message
    assert "MLPY_MAX_QUEUED_JOBS='-1': must be 0 or more" in message
    with pytest.raises(
        ConfigError, match="MLPY_JOB_DEFAULT_TIMEOUT .* must not be larger than MLPY_JOB_MAX_TIMEOUT"
    ):
        JobsConfig.from_env({"MLPY_JOB_DEFAULT_TIMEOUT": "100", "MLPY_JOB_MAX_TIMEOUT": "10"})
    with pytest.raises(ConfigError, match="must be a redis:// URL"):
        JobsConfig.from_env({"MLPY_JOBS_URL": "postgres://db"})


def test_the_public_names_are_sorted_and_exist() -> None:
    assert list(mlpy.jobs.__all__) == sorted(set(mlpy.jobs.__all__))
    assert all(hasattr(mlpy.jobs, name) for name in mlpy.jobs.__all__)
