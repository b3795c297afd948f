"""mlpy.language."""
