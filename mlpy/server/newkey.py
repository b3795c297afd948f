"""``python -m mlpy.server.newkey NAME SCOPE[,SCOPE...]``: make an API key and its entry.

Layer 6 (server): imports the standard library and `mlpy.server.keys` (which has the command,
`mlpy.server.keys.main`; this module only runs it, since ``python -m mlpy.server.keys`` would
run a module the package has already imported).
"""

from __future__ import annotations

import sys

from mlpy.server.keys import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
