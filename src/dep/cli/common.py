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


def recover(inv, root: str | None = None) -> None:
    """Undo a ``dep ensure`` that was killed half way through writing (dep.txn), in ``root``
    or else around the working directory, warning about the staging directories it leaves
    alone because dep did not write them."""
    from dep.txn import recover as recover_in, recover_around

    _warn(inv, recover_in(root) if root else recover_around(Context.from_environ(inv.environ).working_dir))


def _warn(inv, warnings) -> None:
    for w in warnings:
        inv.err.write(f"dep: WARNING: {w}\n")


@contextmanager
def source_manager(inv, project: Project, progress: bool = True):
    """The run's SourceManager, holding ``sm.lock`` in the cache dir for as long as it is used
    (dep serialises every command that touches sources through that lock). ``progress=False``
    shows no progress (for a command whose -v output is dep's own progress lines).

    The manager itself is built on first use: an in-sync ``dep ensure`` never needs a source,
    and skipping the source layer's imports is a good part of its time.
    """
    from dep.sources.cache import SourceManagerLock, cache_age_from_env, cache_dir, ensure_sources_dir

    env = inv.environ
    age = cache_age_from_env(env)
    cachedir = cache_dir(env, project.gopath)
    ensure_sources_dir(cachedir)
    lock = SourceManagerLock(cachedir, disabled=bool(env.get("DEPNOLOCK")),
                             warn=lambda line: inv.err.write(line + "\n"))
    with lock:
        lazy = _LazySourceManager(cachedir, age, inv, progress)
        try:
            try:
                yield lazy
            finally:
                # a full disk under the cache is the cause of whatever failed after it (status
                # and init go on past a failed source; the solver tries other versions)
                if lazy._sm is not None:
                    from dep.ensure import raise_cache_write_failure

                    raise_cache_write_failure(lazy._sm)
        finally:
            lazy.close()


class _LazySourceManager:
    __slots__ = ("_args", "_sm", "_progress")

    def __init__(self, cachedir: str, age: float, inv, progress: bool) -> None:
        self._args = (cachedir, age, inv, progress)
        self._sm = None
        self._progress = None

    def __getattr__(self, name: str):
        if self._sm is None:
            from dep.cli.progress import make_progress
            from dep.sources.manager import SourceManager

            cachedir, age, inv, progress = self._args
            self._progress = make_progress(inv.err, inv.verbose) if progress else None
            self._sm = SourceManager(cachedir, cache_age=age, progress=self._progress)
        return getattr(self._sm, name)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.close()
