"""Helpers shared by the command modules."""

from __future__ import annotations

from dep.project import Context, Project, load_project


def load(inv) -> Project:
    """Load the project, printing manifest warnings as dep does (even when loading then fails)."""
    from dep.errors import ManifestError

    try:
        project = load_project(Context.from_environ(inv.environ))
    except ManifestError as e:
        _warn(inv, getattr(e, "warnings", ()))
        raise
    _warn(inv, project.warnings)
    return project


def _warn(inv, warnings) -> None:
    for w in warnings:
        inv.err.write(f"dep: WARNING: {w}\n")
