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
from dep.sources.offline import OfflineLedger
from dep.sources.vcs import SourceError, VCSSource, new_source

DEFAULT_WORKERS = 8


class SourceManager(SourceBridge):
    def __init__(self, cachedir: str, *, cache_age: float = 0, deducer: Deducer | None = None,
                 workers: int = DEFAULT_WORKERS, progress=None, offline: bool = False,
                 mirrors=None) -> None:
        self.cachedir = cachedir
        self.metadata = MetadataCache(cachedir, cache_age)
        self.offline = offline  # everything from the cache; misses go to offline_ledger
        self.offline_ledger = OfflineLedger() if offline else None
        self.deducer = deducer or Deducer(cachedir=cachedir, mirrors=mirrors, offline=self.offline_ledger)
        self._served: dict[ProjectIdentifier, str] = {}  # filled by sources not the project's own
        self._go_env = None
        self.locked: dict[str, tuple[str, list]] = {}  # root -> (revision, packages) of Gopkg.lock
        self.root_tree = None  # callable -> the root project's PackageTree (its imports)
        self._imports: set[str] = set()  # import paths analyses found: nested modules to ask for
        self._root_imports_added = False
        self._proxy_clients: dict = {}
        self._sumdbs: dict = {}
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
                    found = self._open_proxy(pid) or self._open(pid)
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
                src = GitSource(cand.url, self.cachedir, name=name, metadata=self.metadata, gopkgin=gopkgin,
                                offline=self.offline_ledger)
            else:
                src = new_source(cand.vcs, cand.url, self.cachedir, name=name, metadata=self.metadata,
                                 offline=self.offline_ledger)
            candidates.append(src)
        for src in candidates:  # a clone already in the cache is preferred, as in dep
            if src.exists_locally():
                return src
        if self.offline_ledger is not None:
            raise self.offline_ledger.miss(pid.root, "no clone")
        failures = []
        for src in candidates:
            try:
                if src.exists_upstream():
                    return src
                failures.append(f"failed to list versions for {src.url}: no data returned from ls-remote")
            except SourceError as e:
                failures.append(str(e))
        lines = "".join(f"\n\t({i}) {msg}" for i, msg in enumerate(failures, 1))
        if not pid.source and not self._goenv().proxy_entries():
            lines += ("\n\t(a Go module proxy may still serve it: set GOPROXY, e.g. "
                      "GOPROXY=https://proxy.golang.org; see docs/proxy.md)")
        raise SourceError(f"unable to reach a source for {pid.root}:{lines}")

    # -- Go module proxies (docs/proxy.md)

    def _goenv(self):
        """Go's settings (environment, then the go env file), read once per run."""
        with self._lock:
            if self._go_env is None:
                from dep.gomod.goenv import GoEnv

                self._go_env = GoEnv.load()
            return self._go_env

    def _open_proxy(self, pid: ProjectIdentifier):
        """The GOPROXY chain serving ``pid``, or None when dep's VCS source alone serves it:
        GOPROXY set nowhere or starting with ``direct``, GONOPROXY/GOPRIVATE matching, or a
        ``source`` naming another repository (a proxy serves modules by path, not forks)."""
        if pid.source:
            return None
        env = self._goenv()
        entries = env.proxy_entries()
        if not entries or entries[0].url == "direct" or not env.uses_proxy(pid.root):
            return None
        from dep.sources.proxy import ChainSource, ProxySource

        def proxy_source(url: str) -> ProxySource:
            return ProxySource(pid.root, self._proxy_client(url), verify=self._verify_sum,
                               progress=self._bytes_progress(pid), locked=self.locked.get(pid.root),
                               wanted=self._imports_below)

        def served(by: str) -> None:
            with self._lock:
                self._served[pid] = by

        return ChainSource(pid.root, entries, proxy_source, lambda: self._open(pid), on_served=served,
                           offline=self.offline_ledger)

    def _imports_below(self, root: str) -> set[str]:
        """Packages below ``root`` (relative) that the root project or an analysed dependency
        imports: a module zip leaves out nested modules, so these are asked for by name."""
        if not self._root_imports_added:
            seen: set[str] = set()
            if self.root_tree is not None:
                _add_imports(seen, self.root_tree())
            with self._lock:
                self._imports |= seen
                self._root_imports_added = True
        prefix = root + "/"
        with self._lock:
            return {p[len(prefix):] for p in self._imports if p.startswith(prefix)}

    def _proxy_client(self, base: str):
        with self._lock:
            client = self._proxy_clients.get(base)
            if client is None:
                from dep.gomod.proxy import ProxyClient

                client = self._proxy_clients[base] = ProxyClient(base, self.cachedir, offline=self.offline)
            return client

    def _bytes_progress(self, pid: ProjectIdentifier):
        if self.progress is None:
            return None
        return lambda done, total: self.progress("download", str(pid), total, done)

    def _verify_sum(self, module: str, version: str, zip_h1, zip_path: str) -> None:
        """Check a proxy's module zip against the checksum database GOSUMDB names (unless
        GONOSUMDB/GOPRIVATE exempt it or GOSUMDB=off); a zip verified once is marked so and
        not looked up again (as the go command trusts its module cache)."""
        config = self._goenv().sumdb_for(module)
        if config is None:
            return
        h1 = zip_h1()
        marker = zip_path + ".h1"
        try:
            with open(marker, encoding="ascii") as f:
                if f.read().strip() == h1:
                    return
        except (OSError, ValueError):
            pass
        from dep.gomod.proxy import OfflineError, ProxyError
        from dep.gomod.sumdb import SumDBError

        try:
            self._sumdb(config).check(module, version, zip_h1=h1)
        except OfflineError:
            raise
        except ProxyError as e:  # never a reason to try another proxy: verification failed
            raise SumDBError(f"verifying {module}@{version}: {e}") from None
        try:
            tmp = f"{marker}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="ascii") as f:
                f.write(h1 + "\n")
            os.replace(tmp, marker)
        except OSError:
            pass  # only a cache: verified again next time

    def _sumdb(self, config):
        with self._lock:
            db = self._sumdbs.get(config.name)
        if db is None:
            from dep.gomod.sumdb import SumDB

            made = SumDB(config, self.cachedir, self._sumdb_fetch(config))
            with self._lock:
                db = self._sumdbs.setdefault(config.name, made)
        return db

    def _sumdb_fetch(self, config):
        """Go's choice of where to ask the checksum database: unless GOSUMDB named its URL,
        the first GOPROXY entry that says it proxies it (``<proxy>/sumdb/<name>/supported``),
        else the database itself."""
        from dep.gomod.proxy import ProxyNotFound

        if not config.url_given:
            for entry in self._goenv().proxy_entries():
                if entry.url in ("direct", "off"):
                    break
                client = self._proxy_client(entry.url)
                try:
                    if client.sumdb_supported(config.name):
                        return lambda rel: client.sumdb_get(config.name, rel.lstrip("/"))
                except ProxyNotFound:
                    continue
                except DepError:
                    if entry.fallback_on_any_error:
                        continue
                    raise
        direct = self._proxy_client(config.url)
        return lambda rel: direct.get(rel.lstrip("/"), f"checksum database {config.name}")

    def proxy_notes(self) -> tuple[list[str], list[str]]:
        """What GOPROXY changed in this run: the listing notes of projects whose versions came
        from a proxy (semver tags only), and where a request fell through to another entry
        and why (with what the nested-module fetches did)."""
        from dep.sources.proxy import ChainSource

        with self._lock:
            chains = sorted((s for s in self._sources.values() if isinstance(s, ChainSource)),
                            key=lambda c: c.root)
        by_proxy: dict[str, list] = {}
        for c in chains:
            src = c.listed_by
            if src is not None:
                by_proxy.setdefault(src.url, []).append((c.root, src.listed[1]))
        listing = []
        for url, projects in by_proxy.items():
            names = ", ".join(root for root, _ in projects)
            note = (f"versions of {names} come from the Go module proxy {url}, which lists semver tags "
                    "only: branches and other tags are not visible there")
            unpaired = sum(n for _, n in projects)
            if unpaired:
                note += f"; {unpaired} listed versions name no revision in their .info and are left out"
            listing.append(note)
        fallback = [n for c in chains for n in c.notes + c.warnings]
        return listing, fallback

    def served_by(self, pid: ProjectIdentifier) -> str | None:
        """Which mirror rule or proxy served ``pid`` (None: the project's own source). Proxy
        sources record themselves in ``_served``; a mirror rule is the deducer's answer."""
        return self._served.get(pid) or (None if pid.source else self.deducer.mirror_for(pid.root))

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
            with self._lock:
                _add_imports(self._imports, tree)
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

    def export(self, project: ProjectIdentifier, revision: str, dest: str, *, only=None, finish=None,
               expected=None, version=None, packages=()):
        """Export ``revision`` into ``dest`` and return ``finish()`` (the vendor writer prunes
        and digests there). A GOPROXY chain compares that with ``expected`` (the lock's
        digest) and tries its next entry on a mismatch; ``version`` and ``packages`` (the
        lock's) tell it the module version and the nested modules to ask for."""
        self._note("export", project)
        src = self.source(project)
        finish = finish or (lambda: None)
        if hasattr(src, "export_checked"):
            return src.export_checked(revision, dest, only=only, finish=finish, expected=expected,
                                      version=version, packages=packages)
        src.export(revision, dest, only=only)
        return finish()

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


def _add_imports(into: set[str], tree) -> None:
    for pkg in tree.packages.values():
        if pkg.package is not None:
            into.update(pkg.package.imports)
            into.update(pkg.package.test_imports)
