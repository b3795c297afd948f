"""mlpy.runtime."""
