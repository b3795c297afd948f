"""``python -m mlpy.server.newkey NAME SCOPE[,SCOPE...]``: make an API key and its entry.

Layer 6 (server): imports the standard library and `mlpy.server.auth` (which has the command,
`mlpy.server.auth.main`; this module only runs it, since ``python -m mlpy.server.auth`` would
run a module the package has already imported).
"""

from __future__ import annotations

import sys

from mlpy.server.auth import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
