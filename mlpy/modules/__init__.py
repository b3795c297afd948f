"""mlpy.modules."""
