#!/usr/bin/env bash
# One machine: gunicorn (2 uvicorn workers) for the API, and `mlpy worker` for the jobs, on
# one data directory (SQLite: nothing else to install or start). Ctrl-C stops both.
#
#   bash examples/jobs/one-machine.sh            # API on http://127.0.0.1:8000
#   PORT=9000 JOB_WORKERS=4 bash examples/jobs/one-machine.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

export MLPY_DATA_DIR="${MLPY_DATA_DIR:-$PWD/mlpy-data}"
PORT="${PORT:-8000}"
JOB_WORKERS="${JOB_WORKERS:-2}"

# Both commands in this script's process group: one Ctrl-C (or a kill of the group) stops all.
trap 'kill 0' EXIT
mlpy worker --workers "$JOB_WORKERS" &
gunicorn -c examples/gunicorn.conf.py --workers 2 --bind "127.0.0.1:$PORT" mlpy.server.app:app &
wait -n
