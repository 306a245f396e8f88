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
def source_manager(inv, project: Project, progress: bool = True, offline: bool = False):
    """The run's SourceManager, holding ``sm.lock`` in the cache dir for as long as it is used
    (dep serialises every command that touches sources through that lock). ``progress=False``
    shows no progress (for a command whose -v output is dep's own progress lines).
    ``offline`` (the -offline flag, else DEPOFFLINE): sources only from the cache, and what
    is missing there ends the command with one error naming all of it. The user's mirror
    rules are read here, so a bad config file is reported before anything else.

    The manager itself is built on first use: an in-sync ``dep ensure`` never needs a source,
    and skipping the source layer's imports is a good part of its time.
    """
    from dep.sources.cache import SourceManagerLock, cache_age_from_env, cache_dir, ensure_sources_dir
    from dep.sources.mirrors import Mirrors
    from dep.sources.offline import offline_requested

    env = inv.environ
    mirrors = Mirrors.from_environ(env)
    offline = offline_requested(offline, env)
    age = cache_age_from_env(env)
    cachedir = cache_dir(env, project.gopath)
    ensure_sources_dir(cachedir)
    lock = SourceManagerLock(cachedir, disabled=bool(env.get("DEPNOLOCK")),
                             warn=lambda line: inv.err.write(line + "\n"))
    with lock:
        locked = {lp.name: (lp.revision, list(lp.packages)) for lp in project.lock.projects} if project.lock else {}
        lazy = _LazySourceManager(cachedir, age, inv, progress,
                                  (offline, mirrors, _sourced_roots(project), locked, project.package_tree))
        try:
            try:
                yield lazy
            finally:
                # a full disk under the cache is the cause of whatever failed after it (status
                # and init go on past a failed source; the solver tries other versions); so
                # is, offline, what the cache lacks
                if lazy._sm is not None:
                    from dep.ensure import raise_cache_write_failure

                    raise_cache_write_failure(lazy._sm)
                    missing = lazy._sm.offline_ledger and lazy._sm.offline_ledger.error()
                    if missing:
                        raise missing
                    if inv.verbose:  # what module proxies served, and what they could not
                        for note in (n for notes in lazy._sm.proxy_notes() for n in notes):
                            inv.err.write(note + "\n")
        finally:
            lazy.close()


def _sourced_roots(project: Project) -> dict[str, str]:
    """Gopkg.toml rule names and Gopkg.lock names with a ``source``: roots to trust without
    go-get discovery (dep#860, dep#2106). The manifest's source wins over the lock's."""
    found = {}
    if project.lock is not None:
        found.update((lp.name, lp.source) for lp in project.lock.projects if lp.source)
    m = project.manifest
    for rules in (m.constraints, m.overrides):
        found.update((name, props.source) for name, props in rules.items() if props.source)
    return found


class _LazySourceManager:
    __slots__ = ("_args", "_sm", "_progress")

    def __init__(self, cachedir: str, age: float, inv, progress: bool, sources: tuple) -> None:
        self._args = (cachedir, age, inv, progress, sources)
        self._sm = None
        self._progress = None

    def __getattr__(self, name: str):
        if self._sm is None:
            from dep.cli.progress import make_progress
            from dep.sources.manager import SourceManager

            cachedir, age, inv, progress, (offline, mirrors, sourced, locked, root_tree) = self._args
            self._progress = make_progress(inv.err, inv.verbose) if progress else None
            sm = SourceManager(cachedir, cache_age=age, progress=self._progress, offline=offline,
                               mirrors=mirrors)
            for root, source in sourced.items():
                sm.deducer.seed(root, source)
            sm.locked = locked  # what a module proxy must serve of each locked project,
            sm.root_tree = root_tree  # and the imports it must find packages for
            self._sm = sm
        return getattr(self._sm, name)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.close()
