"""Turning import paths into sources, versions and files: deduction, discovery, VCS, cache."""
