"""``python -m mlpy``: the same as the ``mlpy`` command."""

import sys

from mlpy.cli import main

sys.exit(main())
