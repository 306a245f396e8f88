"""Helpers shared by the command modules."""

from __future__ import annotations

from contextlib import contextmanager

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


@contextmanager
def source_manager(inv, project: Project):
    """The run's SourceManager, holding ``sm.lock`` in the cache dir for as long as it is used
    (dep serialises every command that touches sources through that lock)."""
    from dep.cli.progress import make_progress
    from dep.sources.cache import SourceManagerLock, cache_age_from_env, cache_dir, ensure_sources_dir
    from dep.sources.manager import SourceManager

    env = inv.environ
    age = cache_age_from_env(env)
    cachedir = cache_dir(env, project.gopath)
    ensure_sources_dir(cachedir)
    progress = make_progress(inv.err, inv.verbose)
    lock = SourceManagerLock(cachedir, disabled=bool(env.get("DEPNOLOCK")),
                             warn=lambda line: inv.err.write(line + "\n"))
    with lock:
        try:
            yield SourceManager(cachedir, cache_age=age, progress=progress)
        finally:
            if progress is not None:
                progress.close()
