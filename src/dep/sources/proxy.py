"""Go module proxies as a source of dep projects (issue 12; see docs/proxy.md).

A dep project is a repository root pinned at a revision; a Go module proxy serves modules by
path and version. At each revision a project is (usually) the module of the same path, so:

- the locked revision becomes a module version by the lock's semver tag when it has one
  (``v2+`` tags of a repository without go.mod as ``+incompatible``), else by the proxy's
  revision query (``@v/<revision>.info``); a repository whose go.mod says ``<root>/vN`` is
  asked for under that path;
- the module zip is checked as the go command checks one (``gomod.modzip.ModuleZip``), against
  the checksum database when one applies, and unpacked through the same filtered export, prune
  and digest path as a VCS tree: the digest must equal the lock's;
- packages a zip leaves out because they are nested modules are fetched as those modules;
- versions come from ``@v/list``: semver tags only, each paired with its revision from the
  ``.info`` files' ``Origin``; branches and other tags are invisible there, and the source says
  so (``listed``).

``ChainSource`` is what GOPROXY makes of one project: its entries in order with Go's fallback
rules (``,`` on not-found only, ``|`` on any error), ``direct`` meaning the VCS source dep has
always used. A tree whose digest differs from the lock's falls through to the next entry; what
served a project, and every fallback and why, is kept for ``dep status -v`` and for ``-v``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from dep.errors import DepError
from dep.sources.vcs import VCSSource, VersionNotFoundError

__all__ = ["ProxySource", "ChainSource"]


def _major(version) -> int:
    """The major version of a lock's semver tag, or -1."""
    from dep.versions import SemverVersion

    return version.major if isinstance(version, SemverVersion) else -1


def _canonical_tag(version) -> str:
    """The Go-canonical spelling of a lock's semver tag (``1.2`` → ``v1.2.0``), or ""."""
    from dep.gomod.semver import canonical
    from dep.versions import SemverVersion

    if not isinstance(version, SemverVersion):
        return ""
    text = str(version)
    return canonical(text if text.startswith("v") else "v" + text)


class ProxySource:
    """One GOPROXY base serving one dep project root, read only.

    Methods mirror ``VCSSource`` where the solver, status and the vendor writer use them;
    errors are ``ProxyError`` (``ProxyNotFound`` when the proxy does not have it)."""

    vcs = "proxy"

    def __init__(self, root: str, client, *, verify: Callable | None = None, progress=None,
                 locked: tuple[str, list] | None = None, wanted: Callable | None = None) -> None:
        self.root = root
        self.locked = locked          # (revision, packages) Gopkg.lock holds: nested modules to ask for
        self.wanted = wanted          # wanted(root) -> packages below it that something imports
        self.client = client
        self.url = client.base_url
        self.name = self.path = self.url  # path: where messages say a file was read
        self.verify = verify          # verify(module, version, h1(), zip path): the checksum database
        self.progress = progress      # progress(done_bytes, total_bytes) while a zip downloads
        self._lock = threading.RLock()
        self._fetched = True          # nothing to bring up to date: every request asks the proxy
        self._modules: dict[str, tuple[str, str]] = {}   # revision -> (module path, version)
        self._zips: dict = {}                            # (module, version) -> verified ModuleZip
        self._listing: list | None = None
        self.listed: tuple[int, int] | None = None  # (versions paired, versions left out) once listed
        self.warnings: list[str] = []

    def __repr__(self) -> str:
        return f"ProxySource({self.root!r}, {self.url!r})"

    # -- existence and versions

    def exists_locally(self) -> bool:
        return False

    def exists_upstream(self) -> bool:
        from dep.gomod.proxy import ProxyNotFound

        try:
            self.client.list(self.root)
        except ProxyNotFound:
            return False
        return True

    def fetch(self) -> None:
        """Nothing to clone: the proxy is asked per request (downloads are cached)."""

    def list_versions(self, upstream: bool | None = None) -> list:
        """The proxy's semver tags, each paired with the revision its ``.info`` names; tags
        whose ``.info`` has no Origin cannot be paired and are left out (and said so)."""
        from dep.gomod.module import is_incompatible
        from dep.versions import PairedVersion, Revision, parse_version

        with self._lock:
            if self._listing is not None:
                return list(self._listing)
            names = self.client.list(self.root)
            infos = _parallel(lambda v: self.client.info(self.root, v), names)
            out, unpaired = [], []
            for name, info in zip(names, infos):
                rev = getattr(info, "origin_hash", None)
                if not rev:
                    unpaired.append(name)
                    continue
                tag = name[: -len("+incompatible")] if is_incompatible(name) else name
                out.append(PairedVersion(parse_version(tag), Revision(rev)))
                self._modules.setdefault(rev, (self.root, name))
            self.listed = (len(out), len(unpaired))
            self._listing = out
            return list(out)

    def to_revision(self, version):
        from dep.versions import PairedVersion, Revision

        if isinstance(version, Revision):
            return version
        if isinstance(version, PairedVersion):
            return version.revision
        for pv in self.list_versions():
            if pv.unpaired == version:
                return pv.revision
        from dep.gofmt import go_quote

        raise VersionNotFoundError(f"version {go_quote(str(version))} does not exist in source "
                                   f"(the Go module proxy {self.url} lists semver tags only)", self.url)

    def revision_present(self, rev: str) -> bool:
        from dep.gomod.proxy import ProxyNotFound

        try:
            self.module_at(rev)
        except ProxyNotFound:
            return False
        return True

    def resolve_revision(self, text: str) -> str:
        """The full revision the proxy's query for ``text`` names (its ``.info`` Origin)."""
        from dep.gomod.proxy import ProxyNotFound

        info = self.client.info(self.root, text)
        rev = getattr(info, "origin_hash", None)
        if not rev:
            raise ProxyNotFound(f"{self.root}: the Go module proxy {self.url} does not say which revision "
                                f"{text} is", self.url)
        self._modules.setdefault(rev, (self.root, info.version))
        return rev

    # -- revision → module version

    def module_at(self, rev: str, version=None) -> tuple[str, str]:
        """(module path, module version) of the project at ``rev``; ``version`` (the lock's
        tag, when known) saves a revision query and names the ``/vN`` path to try."""
        from dep.gomod.proxy import OfflineError, ProxyNotFound

        with self._lock:
            found = self._modules.get(rev)
        if found:
            return found
        paths = [self.root]
        major = _major(version)
        if major >= 2 and not self.root.startswith("gopkg.in/"):
            paths.append(f"{self.root}/v{major}")
        tag = _canonical_tag(version)
        tried, offline = [], []
        for mpath in paths:
            # a v2+ tag is "+incompatible" at the root (no go.mod), else the /vN module's own
            incompatible = major >= 2 and mpath == self.root and not self.root.startswith("gopkg.in/")
            queries = [tag + "+incompatible" if incompatible else tag] if tag else []
            for query in queries + [rev]:
                try:
                    info = self.client.info(mpath, query)
                except OfflineError as e:
                    offline.append(e)
                    continue
                except ProxyNotFound as e:
                    tried.append(str(e))
                    continue
                origin = getattr(info, "origin_hash", None)
                if origin and origin != rev and query != rev:
                    tried.append(f"{mpath}@{query} is revision {origin}, not {rev}")
                    continue
                with self._lock:
                    self._modules[rev] = (mpath, info.version)
                return mpath, info.version
        if offline:
            raise offline[0]
        raise ProxyNotFound(f"{self.root}: the Go module proxy {self.url} has no module for revision {rev}"
                            + (f" ({tried[-1]})" if tried else ""), self.url)

    def module_zip(self, mpath: str, version: str):
        """The module zip (a ``ModuleZip``, kept open for the run), downloaded once, checked
        as Go checks one and against the checksum database (a mismatch is fatal, never a
        fallback)."""
        from dep.gomod.modzip import ModuleZip, ModZipError
        from dep.gomod.proxy import ProxyError

        key = (mpath, version)
        with self._lock:
            mz = self._zips.get(key)
        if mz is not None:
            return mz
        path = self.client.zip(mpath, version, progress=self.progress)
        try:
            mz = ModuleZip(path, mpath, version)
        except ModZipError as e:
            raise ProxyError(f"{self.root}: the zip of {mpath}@{version} from {self.url} is not a valid "
                             f"module zip: {e}", self.url) from None
        try:
            if self.verify is not None:
                self.verify(mpath, version, mz.h1, path)
        except BaseException:
            mz.close()
            raise
        with self._lock:
            kept = self._zips.setdefault(key, mz)
        if kept is not mz:  # another thread got there first
            mz.close()
        return kept

    def forget(self, rev: str) -> None:
        """Drop the zip(s) that made a wrong tree from the download cache, so no later run
        (or other proxy, the cache being shared) serves them again."""
        with self._lock:
            found = self._modules.get(rev)
            stale = [k for k in self._zips if found and k[0].startswith(found[0])]
            zips = [self._zips.pop(k) for k in stale]
        for mz in zips:
            mz.close()
            for path in (mz.path, mz.path + ".h1"):
                try:
                    os.unlink(path)
                except OSError:
                    pass

    # -- trees

    def export(self, rev: str, dest: str, *, only=None, version=None, packages=()) -> None:
        """Write the project at ``rev`` into ``dest``: the module zip's files (those ``only``
        keeps), plus the nested modules holding any of ``packages`` the zip leaves out."""
        from dep.gomod.modzip import ModZipError
        from dep.gomod.proxy import ProxyError

        mpath, mversion = self.module_at(rev, version)
        mz = self.module_zip(mpath, mversion)
        try:
            present = _unpack(mz, dest, "", only)
            license_text = mz.read("LICENSE")
            missing = sorted({p for p in packages if p != "." and p not in present})
            for pkg in missing:
                self._export_nested(rev, pkg, dest, only, present, license_text)
        except ModZipError as e:  # damaged data: an answer of this proxy, never kept
            self.forget(rev)
            raise ProxyError(f"{self.root}: {e} (from {self.url})", self.url) from None

    def nested_module(self, rev: str, pkg: str, known) -> tuple[str, str | None, str | None] | None:
        """The nested module holding project-relative package ``pkg`` at ``rev``, as the go
        command resolves it: its closest directory the proxy has as a module at that revision,
        ``(dir, module path, version)``; ``(dir, None, None)`` when a directory in ``known``
        (one already dealt with) comes first; None when no directory is a module."""
        from dep.gomod.proxy import ProxyNotFound

        parts = pkg.split("/")
        for n in range(len(parts), 0, -1):
            sub = "/".join(parts[:n])
            if sub in known:
                return sub, None, None
            mpath = f"{self.root}/{sub}"
            try:
                return sub, mpath, self.client.info(mpath, rev).version
            except ProxyNotFound:
                continue
        return None

    def _export_nested(self, rev: str, pkg: str, dest: str, only, present: set, license_text) -> None:
        """A package the root module's zip left out: unpack the nested module holding it."""
        found = self.nested_module(rev, pkg, present)
        if found is None:
            self.warnings.append(f"{self.root}: the Go module proxy {self.url} has no files of package {pkg}")
            return
        sub, mpath, version = found
        if mpath is None:  # already unpacked from a nested module found for another package
            return
        mz = self.module_zip(mpath, version)

        def keep(full):
            if full == f"{sub}/LICENSE" and license_text is not None and mz.read("LICENSE") == license_text:
                return False  # the go command copies the root's LICENSE into a nested module's zip
            return only is None or only(full)

        present |= _unpack(mz, dest, sub, keep)
        self.warnings.append(f"{self.root}: package {pkg} came from the nested module {mpath}@{version}")

    @contextmanager
    def analysis_dir(self, rev: str) -> Iterator[str]:
        """The ``*.go`` files at ``rev``, with those of the nested modules holding packages the
        lock lists (at the locked revision) or something imports: a zip leaves them out, and
        the solver checks that imported packages exist."""
        tmp = tempfile.mkdtemp(prefix="dep-analysis-")
        packages = set(self.locked[1]) if self.locked and self.locked[0] == rev else set()
        if self.wanted is not None:
            packages |= self.wanted(self.root)
        try:
            self.export(rev, tmp, only=lambda rel: rel.endswith(".go"), packages=packages)
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    package_tree = VCSSource.package_tree  # ListPackages of what analysis_dir unpacks

    def read_file(self, rev: str, path: str) -> bytes | None:
        from dep.gomod.modzip import ModZipError
        from dep.gomod.proxy import ProxyError

        mpath, mversion = self.module_at(rev)
        try:
            return self.module_zip(mpath, mversion).read(path)
        except ModZipError as e:
            self.forget(rev)
            raise ProxyError(f"{self.root}: {e} (from {self.url})", self.url) from None


def _unpack(mz, dest: str, sub: str, only) -> set[str]:
    """Write the zip's files that ``only(project-relative path)`` keeps below ``dest/sub``;
    returns the directories (relative to the project, "." for its root) that got a file.
    Names were checked by ``ModuleZip`` (clean, relative); directories are made here, never
    followed if something else put a symlink there, and files are created, never replaced."""
    dirs: set[str] = set()
    made: dict[str, str] = {"": dest}
    for rel in mz.files:
        full = f"{sub}/{rel}" if sub else rel
        if only is not None and not only(full):
            continue
        d, _, base = full.rpartition("/")
        target_dir = made.get(d)
        if target_dir is None:
            target_dir = made[d] = _make_dirs(dest, d)
        fd = os.open(os.path.join(target_dir, base), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as out:
            for chunk in mz.chunks(rel):
                out.write(chunk)
        dirs.add(d or ".")
    return dirs


def _make_dirs(base: str, rel: str) -> str:
    from dep.safepath import UnsafePathError

    here = base
    for part in rel.split("/"):
        here = os.path.join(here, part)
        try:
            os.mkdir(here)
        except FileExistsError:
            if os.path.islink(here) or not os.path.isdir(here):
                raise UnsafePathError(f"cannot unpack into {here}: a symlink or file is in the way") from None
    return here


def _parallel(fn, items: list) -> list:
    if len(items) <= 1:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(8, len(items))) as pool:
        return list(pool.map(fn, items))


class ChainSource:
    """One project as GOPROXY serves it: ``entries`` (``goenv.ProxyEntry``) in order, each
    proxy a ``ProxySource`` made by ``source_for(url)``; ``open_direct()`` opens dep's VCS
    source when ``direct`` is reached.

    Each request walks the entries as the go command does (``gomod.proxy.walk_proxies``):
    not found moves on, any other error only after a ``|``, ``off`` stops. A tree whose
    digest is not the lock's counts as not found there. ``served_by`` names what served the
    project; ``notes`` say where it fell through and why."""

    vcs = "proxy"

    def __init__(self, root: str, entries: list, source_for: Callable, open_direct: Callable, *,
                 on_served: Callable[[str], None] | None = None, offline=None) -> None:
        self.root = root
        self._offline = offline  # the run's OfflineLedger when offline
        self.entries = entries
        self._source_for = source_for
        self._open_direct = open_direct
        self._on_served = on_served
        self._sources: dict[str, ProxySource] = {}
        self._direct = None
        self._lock = threading.RLock()
        self._fetched = True
        self.served_by = ""
        self.notes: list[str] = []
        self.url = next((e.url for e in entries if e.url not in ("direct", "off")), "direct")
        self.name = self.path = self.url  # path: where messages say a file was read

    def __repr__(self) -> str:
        return f"ChainSource({self.root!r}, {[e.url for e in self.entries]!r})"

    @property
    def export_cached(self) -> bool:
        """Whether a pruned tree is worth a copy in the export cache: not when a proxy served
        it, as unpacking the downloaded zip again costs less than storing the copy."""
        return self.served_by == "direct"

    @property
    def warnings(self) -> list[str]:
        return [w for s in self._sources.values() for w in s.warnings]

    @property
    def listed_by(self) -> ProxySource | None:
        """The proxy whose listing gave this project's versions, if one did."""
        return next((s for s in self._sources.values() if s.listed is not None), None)

    def proxy(self, url: str) -> ProxySource:
        with self._lock:
            src = self._sources.get(url)
            if src is None:
                src = self._sources[url] = self._source_for(url)
            return src

    def direct(self):
        with self._lock:
            if self._direct is None:
                self._direct = self._open_direct()
            return self._direct

    def walk(self, what: str, fn):
        """``fn(source)`` on the first entry that answers, by Go's fallback rules; ``direct``
        hands the request to the VCS source."""
        from dep.gomod.proxy import DIRECT, OfflineError, ProxyError, walk_proxies

        tried: list[str] = []

        def attempt(src: ProxySource):
            try:
                result = fn(src)
            except ProxyError as e:
                tried.append(str(e))
                raise
            self._served(what, f"proxy {src.url}", tried)
            return result

        try:
            result = walk_proxies(self.entries, self.root, attempt, client_for=self.proxy)
        except OfflineError as e:  # named with everything else the cache lacks, in one error
            if self._offline is None:
                raise
            raise self._offline.miss(self.root, "no proxy download") from e
        except ProxyError as e:
            text = str(e).removeprefix(self.root + ": ")
            raise type(e)(f"{self.root}: {what}: {text}", e.url, e.cause) from None
        if result is DIRECT:
            try:
                result = fn(self.direct())
            except DepError as e:
                if not tried:
                    raise
                from dep.sources.vcs import SourceError

                raise SourceError(f"{e}\n\t(GOPROXY entries before direct: " + "; ".join(_dedupe(tried)) + ")",
                                  getattr(e, "url", ""), getattr(e, "cause", "")) from None
            self._served(what, "direct", tried)
        return result

    def _served(self, what: str, by: str, tried: list[str]) -> None:
        with self._lock:
            if what in ("export", "list versions") or not self.served_by:
                self.served_by = by
                if self._on_served is not None and by != "direct":
                    self._on_served(by)
            if tried:
                self.notes.append(f"{self.root}: {what} from {by} after: " + "; ".join(_dedupe(tried)))

    # -- the VCSSource surface

    def exists_locally(self) -> bool:
        return False

    def exists_upstream(self) -> bool:
        from dep.gomod.proxy import ProxyError

        try:
            return bool(self.walk("find", lambda s: s.client.list(self.root) is not None
                                   if isinstance(s, ProxySource) else s.exists_upstream() or s.exists_locally()))
        except ProxyError:
            return False

    def fetch(self) -> None:
        """Proxies need no sync; a ``direct`` entry syncs its VCS source when it is used."""

    def list_versions(self, upstream: bool | None = None) -> list:
        return self.walk("list versions", lambda s: s.list_versions() if isinstance(s, ProxySource)
                          else s.list_versions(upstream))

    def to_revision(self, version):
        return self.walk("find version", lambda s: s.to_revision(version))

    def revision_present(self, rev: str) -> bool:
        from dep.gomod.proxy import ProxyNotFound

        try:
            return self.walk("find revision", lambda s: bool(s.module_at(rev)) if isinstance(s, ProxySource)
                              else s.revision_present(rev))
        except ProxyNotFound:
            return False

    def resolve_revision(self, text: str) -> str:
        return self.walk("resolve revision", lambda s: s.resolve_revision(text))

    def read_file(self, rev: str, path: str) -> bytes | None:
        return self.walk("read " + path, lambda s: s.read_file(rev, path))

    def package_tree(self, rev: str, import_root: str):
        return self.walk("analyse", lambda s: s.package_tree(rev, import_root))

    def export(self, rev: str, dest: str, *, only=None) -> None:
        self.export_checked(rev, dest, only=only, finish=lambda: None)

    def export_checked(self, rev: str, dest: str, *, only, finish: Callable[[], object], expected=None,
                       version=None, packages=()) -> object:
        """Export, then ``finish()`` (prune and digest); a proxy's tree whose digest is not
        ``expected`` is thrown away (with its cached zip) and the next entry asked."""
        from dep.gomod.proxy import ProxyError, ProxyNotFound

        def one(src):
            if not isinstance(src, ProxySource):
                src.export(rev, dest, only=only)
                return finish()
            try:
                src.export(rev, dest, only=only, version=version, packages=packages)
                digest = finish()
            except ProxyError:
                _empty(dest)
                raise
            if expected is None or getattr(expected, "is_empty", False) or str(digest) == str(expected):
                return digest  # (a lock entry the solve just made has no digest to compare yet)
            _empty(dest)
            src.forget(rev)
            raise ProxyNotFound(f"the tree from {src.url} has digest {digest}, Gopkg.lock has {expected} "
                                "(module zips leave out symlinks, nested modules and vendored packages)", src.url)

        return self.walk("export", one)


def _empty(dest: str) -> None:
    """Clear a destination a failed attempt wrote into, keeping the directory itself."""
    for name in os.listdir(dest):
        path = os.path.join(dest, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
