"""Tests of mlpy.runtime."""
