"""dep: a Python re-implementation of Go's dep (v0.5.4)."""

__version__ = "0.1.0"
