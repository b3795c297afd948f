"""The app the HTTP benchmark serves: mlpy's service plus a bare route for comparison.

``POST /bare`` parses the same request body as ``/execute`` and answers a fixed result
without running anything, so the difference between the two is what running costs.
"""

from __future__ import annotations

from mlpy.server import create_app
from mlpy.server.schemas import ExecuteRequest

app = create_app()


@app.post("/bare")
async def bare(request: ExecuteRequest) -> dict[str, object]:
    """The same body as /execute, a fixed answer, nothing run."""
    return {
        "success": True, "value": 4, "error": None, "execution_time": 0.0, "transpile_time": 0.0,
        "error_type": None, "error_line": None, "error_column": None, "stdout": "",
    }
