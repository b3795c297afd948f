"""mlpy: run untrusted ML scripts inside a Python service."""
