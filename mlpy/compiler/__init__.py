"""mlpy.compiler."""
