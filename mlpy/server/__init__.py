"""mlpy.server."""
