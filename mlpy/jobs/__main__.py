"""``python -m mlpy.jobs CONFIG_JSON``: one worker process (started by `mlpy.jobs.Workers`).

Layer 5 (jobs): imports the standard library and `mlpy.jobs.workers`.
"""

import sys

from mlpy.jobs.workers import main

sys.exit(main(sys.argv))
