"""The source manager: one object that answers everything the solver and vendor writer ask.

It turns a project identifier into a VCS source (trying dep's candidate URLs in order),
memoises sources, listings and analyses for the run, persists per-revision data in the
metadata cache, and runs fetches and exports on a bounded thread pool. Progress goes to an
optional callback; nothing here prints.
"""

from __future__ import annotations

import os
import threading

from dep.bridge import ProjectIdentifier, SourceBridge
from dep.errors import DepError
from dep.sources.cache import MetadataCache
from dep.sources.deducer import Deducer
from dep.sources.vcs import SourceError, VCSSource, new_source

DEFAULT_WORKERS = 8


class SourceManager(SourceBridge):
    def __init__(self, cachedir: str, *, cache_age: float = 0, deducer: Deducer | None = None,
                 workers: int = DEFAULT_WORKERS, progress=None) -> None:
        self.cachedir = cachedir
        self.metadata = MetadataCache(cachedir, cache_age)
        self.deducer = deducer or Deducer()
        self.workers = workers
        self.progress = progress  # callable(event: str, project: str[, total: int]) or None
        self._lock = threading.Lock()
        self._sources: dict[ProjectIdentifier, VCSSource | DepError] = {}
        self._source_locks: dict[ProjectIdentifier, threading.Lock] = {}
        self._trees: dict[tuple[ProjectIdentifier, str], object] = {}

    def _note(self, event: str, project: ProjectIdentifier) -> None:
        if self.progress is not None:
            self.progress(event, str(project))

    def note_done(self, event: str, project: str, total: int) -> None:
        """One of ``total`` jobs of ``event`` finished (a cached one too), for a done/total display."""
        if self.progress is not None:
            self.progress(event, project, total)

    # -- choosing a source (dep's maybeSources: first candidate that works wins)

    def source(self, pid: ProjectIdentifier) -> VCSSource:
        with self._lock:
            lock = self._source_locks.setdefault(pid, threading.Lock())
        with lock:  # concurrent askers for one project share one attempt
            found = self._sources.get(pid)
            if found is None:
                try:
                    found = self._open(pid)
                except DepError as e:
                    found = e
                self._sources[pid] = found
        if isinstance(found, DepError):
            raise found
        return found

    def _open(self, pid: ProjectIdentifier) -> VCSSource:
        deduction = self.deducer.deduce(pid.source or pid.root)
        candidates = []
        for cand in deduction.vcs_candidates:
            name = deduction.source_url(cand)
            if cand.vcs == "git":
                from dep.sources.git import GitSource

                gopkgin = (deduction.gopkg_in.major, deduction.gopkg_in.unstable) if deduction.gopkg_in else None
                src = GitSource(cand.url, self.cachedir, name=name, metadata=self.metadata, gopkgin=gopkgin)
            else:
                src = new_source(cand.vcs, cand.url, self.cachedir, name=name, metadata=self.metadata)
            candidates.append(src)
        for src in candidates:  # a clone already in the cache is preferred, as in dep
            if src.exists_locally():
                return src
        failures = []
        for src in candidates:
            try:
                if src.exists_upstream():
                    return src
                failures.append(f"failed to list versions for {src.url}: no data returned from ls-remote")
            except SourceError as e:
                failures.append(str(e))
        lines = "".join(f"\n\t({i}) {msg}" for i, msg in enumerate(failures, 1))
        raise SourceError(f"unable to reach a source for {pid.root}:{lines}")

    # -- SourceBridge

    def deduce_project_root(self, import_path: str) -> str:
        return self.deducer.deduce_root(import_path)

    def source_exists(self, project: ProjectIdentifier) -> bool:
        try:
            self.source(project)
        except DepError:
            return False
        return True

    def list_versions(self, project: ProjectIdentifier) -> list:
        self._note("list", project)
        return self.source(project).list_versions()

    def sync_source(self, project: ProjectIdentifier) -> None:
        """dep's SyncSourceFor: clone the project into the cache, or bring the clone up to
        date, unless that already happened in this run."""
        src = self.source(project)
        with src._lock:
            if not src._fetched:
                src.fetch()

    def revision_present_in(self, project: ProjectIdentifier, revision: str) -> bool:
        return self.source(project).revision_present(revision)

    def list_packages(self, project: ProjectIdentifier, version):
        src = self.source(project)
        rev = str(src.to_revision(version))
        key = (project, rev)
        tree = self._trees.get(key)
        if tree is None:
            self._note("analyse", project)
            tree = src.package_tree(rev, project.root)
            self._trees[key] = tree
        return tree

    def get_manifest_and_lock(self, project: ProjectIdentifier, version) -> tuple:
        """The dependency's ``[[constraint]]`` rules, and no lock: dep's analyzer never hands
        the solver a dependency's Gopkg.lock, so it cannot steer version preference."""
        from dep.manifest import parse_manifest

        src = self.source(project)
        rev = str(src.to_revision(version))
        text = src.read_file(rev, "Gopkg.toml")
        if text is None:
            return {}, None
        # A dependency's manifest only contributes its [[constraint]] rules; warnings are dropped.
        manifest, _ = parse_manifest(text.decode("utf-8", "replace"), f"{project.root}@{rev}/Gopkg.toml")
        return manifest.constraints, None

    # -- bulk work for ensure / vendor

    def export(self, project: ProjectIdentifier, revision: str, dest: str, *, only=None) -> None:
        self._note("export", project)
        self.source(project).export(revision, dest, only=only)

    def run_parallel(self, jobs: list, fn) -> list:
        """Apply ``fn`` to every job on the bounded pool; results in job order; the first
        error (in job order) is raised after all jobs finished, so no work is left half done."""
        if len(jobs) <= 1 or self.workers <= 1:
            return [fn(j) for j in jobs]
        import signal
        import threading
        from concurrent.futures import ThreadPoolExecutor

        # Ctrl-C must not leave jobs running behind the caller's back (one could go on
        # writing into a staging directory the caller then cleans up), nor land inside the
        # pool's own locking (a KeyboardInterrupt there can leave a lock held and hang the
        # exit). So while the pool runs, SIGINT only stops jobs that have not started yet;
        # the running ones finish and the interrupt is raised here afterwards, as dep waits
        # for its in-flight operations. A second Ctrl-C interrupts at once.
        state = {"stop": False}

        def guarded(job):
            return None if state["stop"] else fn(job)

        def on_sigint(signum, frame):
            if state["stop"]:
                raise KeyboardInterrupt
            state["stop"] = True

        catch = (threading.current_thread() is threading.main_thread()
                 and signal.getsignal(signal.SIGINT) is signal.default_int_handler)
        if catch:
            signal.signal(signal.SIGINT, on_sigint)
        try:
            with ThreadPoolExecutor(min(self.workers, len(jobs))) as pool:
                futures = [pool.submit(guarded, j) for j in jobs]
        finally:
            if catch:
                signal.signal(signal.SIGINT, signal.default_int_handler)
        if state["stop"]:
            raise KeyboardInterrupt
        results = []
        for f in futures:
            results.append(f.result())
        return results

    def export_all(self, items: list[tuple[ProjectIdentifier, str]], vendor_dir: str) -> None:
        """Export each (project, revision) into ``vendor_dir/<root>`` in parallel."""
        self.run_parallel(items, lambda it: self.export(it[0], it[1], os.path.join(vendor_dir, it[0].root)))
