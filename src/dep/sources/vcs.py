"""The interface every VCS source implements, plus the hg, bzr and svn backends (their CLIs).

A source is one upstream URL with one local repository under ``<cachedir>/sources/<name>``
(``dep.sources.cache.source_path``). ``VCSSource`` holds what is shared: identity, the version
list cache (``dep.sources.cache.MetadataCache``), version→revision lookup with dep's error,
network-operation counting, and a per-source thread lock. Backends implement the ``_``-methods.

git lives in ``dep.sources.git`` (dulwich, no git binary). hg, bzr and svn shell out to ``hg``,
``bzr`` (``brz`` is accepted for bzr) and ``svn``; a missing tool gives
``hg is not installed: cannot fetch <url>; install Mercurial or use a git source``.
svn is an extension: import-path deduction still rejects ``.svn`` paths with dep's
``unknown repository type: "svn"``, so an svn source is only reached through
``new_source("svn", ...)`` (see ``SvnSource`` for its layout conventions).

Every command line is built by ``_CLISource._argv``: URLs and paths from a lock, manifest or
go-get server come after ``--``, revisions are glued to their option (``--rev=<rev>``), and
``check_argument`` refuses any such value a tool could still read as an option (git's ssh
transport uses the same check).

Listing rules (dep §8.3): hg = ``hg tags --debug --verbose`` (no ``tip``, local or null-rev
tags), ``hg bookmarks --debug`` (``@`` is the default), ``hg branches -c --debug``
(``default`` is the default unless an ``@`` bookmark exists); bzr = ``bzr tags --show-ids -v``
plus a default pseudo-branch ``(default)`` at the branch tip.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from typing import Iterator

from dep.errors import DepError
from dep.gofmt import go_quote
from dep.sources.cache import MetadataCache, source_path

__all__ = [
    "SourceError",
    "ToolMissingError",
    "UnsupportedSourceError",
    "VersionNotFoundError",
    "NETWORK_OPS",
    "VCSSource",
    "HgSource",
    "BzrSource",
    "SvnSource",
    "new_source",
    "check_argument",
]

#: Every network operation any source in this process performed, by kind
#: (``ls-remote``, ``clone``, ``fetch``; hg/bzr: ``clone``, ``pull``, ``ping``; svn: ``ls``,
#: ``info``, ``export``, ``cat``, ``ping``).
NETWORK_OPS: collections.Counter = collections.Counter()


class SourceError(DepError):
    """A source operation failed. ``url`` and ``cause`` are kept for callers that regroup errors
    (dep lists every failed attempt as ``\\t(n) <message>``)."""

    def __init__(self, message: str, url: str = "", cause: str = "") -> None:
        super().__init__(message)
        self.url = url
        self.cause = cause


class ToolMissingError(SourceError):
    """The VCS command-line tool the source needs is not installed."""


class UnsupportedSourceError(SourceError):
    """A repository type this tool (like dep) cannot use."""


class VersionNotFoundError(SourceError):
    """``version "<v>" does not exist in source``."""


def check_argument(value: str, url: str) -> None:
    """Refuse a value from a lock, manifest or server that a tool could read as an option.

    A command line gets such values only after ``--`` or glued to their option
    (``--rev=<value>``), and this refuses them anyway when they start with ``-``, when the
    host or user of a URL in them starts with ``-`` (ssh would read
    ``ssh://-oProxyCommand=...`` as an option: CVE-2017-1000117), or when they hold a NUL.
    """
    _, sep, rest = value.partition("://")
    if sep:
        authority = rest.split("/", 1)[0]
    elif ":" in value.partition("/")[0]:  # scp-like user@host:path
        authority = value.split(":", 1)[0]
    else:
        authority = ""
    user, _, host = authority.rpartition("@")
    if "\0" in value:
        why = "it contains a NUL byte"
    elif value.startswith("-"):
        why = 'it starts with "-" and could be read as an option'
    elif host.startswith("-") or user.startswith("-"):
        why = 'its host or user starts with "-" and ssh would read it as an option'
    else:
        return
    cause = f"refusing {go_quote(value)}: {why}"
    raise SourceError(cause if value == url else f"{cause} (source {go_quote(url)})", url, cause)


def _one_line(text: str) -> str:
    """Output of a tool squeezed into one line (dep keeps it verbatim; we keep lines readable)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return "; ".join(lines)


class VCSSource:
    """One upstream repository and its local copy in the cache.

    ``url``: what the transport talks to (``remote.origin.url``); ``name``: the identity used
    for the cache directory and cached metadata (defaults to ``url``; gopkg.in sources pass the
    alias ``https://gopkg.in/yaml.v2``). ``ops`` counts this source's network operations.

    Public methods (all may raise ``SourceError``):

    * ``exists_locally()``, ``exists_upstream()``
    * ``list_versions(upstream=None)`` → list of ``PairedVersion``. A fresh cached listing is
      used unless ``upstream=True``; ``upstream=False`` never touches the network.
    * ``fetch()``: clone on first use, else update (all branches and tags, pruned).
    * ``revision_present(rev)``: the revision is in the local copy (which is cloned when
      missing, but never updated).
    * ``resolve_revision(text)`` → the full revision id for a possibly abbreviated one.
    * ``to_revision(version)`` → ``Revision`` (``VersionNotFoundError`` as dep).
    * ``export(rev, dest)``: the tree at ``rev`` written into ``dest`` (no VCS metadata).
    * ``read_file(rev, path)`` → bytes or None when absent.
    * ``analysis_dir(rev)``: context manager yielding a temporary directory holding what
      package analysis needs (at least every directory and every ``*.go`` file).
    * ``package_tree(rev, import_root)`` → dep's ListPackages of ``rev``.
    """

    vcs = ""

    def __init__(self, url: str, cachedir: str, *, name: str | None = None,
                 metadata: MetadataCache | None = None, offline=None) -> None:
        self.url = url
        self.name = name or url
        self.cachedir = cachedir
        self.path = source_path(cachedir, self.name)
        self.metadata = metadata if metadata is not None else MetadataCache(None)
        self.ops: collections.Counter = collections.Counter()
        self._lock = threading.RLock()
        self._fetched = False  # brought up to date with upstream during this run
        self.offline = offline  # a dep.sources.offline.OfflineLedger: never use the network

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r}, path={self.path!r})"

    # -- bookkeeping

    def _count(self, op: str) -> None:
        if self.offline is not None:  # the guarantee: offline, no network operation starts
            raise self.offline.miss(self.name, "no clone" if not self.exists_locally() else f"needs a network {op}")
        self.ops[op] += 1
        NETWORK_OPS[op] += 1

    def _fetch_offline(self) -> bool:
        """Offline, a fetch takes the clone as it is (True); without one, it is missing."""
        if self.offline is None:
            return False
        if not self.exists_locally():
            raise self.offline.miss(self.name, "no clone")
        self._fetched = True
        return True

    def _offline_revision(self, rev: str) -> None:
        """Offline, a revision the clone lacks is missing from the cache (not an error of
        the source: online, a fetch might bring it)."""
        if self.offline is not None and not self._has_revision(rev):
            raise self.offline.miss(self.name, f"revision {rev} not in the cached clone")

    def _list_error(self, cause: str) -> SourceError:
        return SourceError(f"failed to list versions for {self.url}: {cause}", self.url, cause)

    def _fetch_error(self, cause: str) -> SourceError:
        return SourceError(f"failed to fetch source for {self.url}: {cause}", self.url, cause)

    # -- shared behaviour

    _listing_stale = False  # set by a fetch whose result the cached listing may not reflect

    def list_versions(self, upstream: bool | None = None) -> list:
        with self._lock:
            if not upstream and not (upstream is None and self._listing_stale):
                cached = self.metadata.get_versions(self.name)
                if cached is not None:
                    return cached
            versions = self._list_versions(upstream)
            self._listing_stale = False
            self.metadata.set_versions(self.name, versions)
            return list(versions)

    def to_revision(self, version):
        """dep's convertToRevision: a Revision as is, a pair's revision, else via the listing.

        Unpaired versions match listed ones exactly (a ``Branch`` matches only with the same
        ``default`` flag, a semver tag only with the same spelling), as gps's version map does.
        A missing version is looked up again after refreshing a cached listing.
        """
        from dep.versions import PairedVersion, Revision

        if isinstance(version, Revision):
            return version
        if isinstance(version, PairedVersion):
            return version.revision
        for attempt in (False, True):
            if attempt and self._listing_is_fresh():
                break
            for pv in self.list_versions(upstream=True if attempt else None):
                if pv.unpaired == version:
                    return pv.revision
        raise VersionNotFoundError(f"version {go_quote(str(version))} does not exist in source", self.url)

    def _listing_is_fresh(self) -> bool:
        """True when the listing in hand came from upstream during this run."""
        return self._fetched or self._listed_upstream

    _listed_upstream = False

    @contextmanager
    def analysis_dir(self, rev: str) -> Iterator[str]:
        tmp = tempfile.mkdtemp(prefix="dep-analysis-")
        try:
            self.export(rev, tmp)
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def package_tree(self, rev: str, import_root: str):
        """dep's ListPackages of ``rev`` (a ``pkgtree.PackageTree``), from ``analysis_dir``."""
        from dep.pkgtree import list_packages

        with self.analysis_dir(rev) as tmp:
            return list_packages(tmp, import_root)

    # -- backend hooks (abstract)

    def exists_locally(self) -> bool:
        raise NotImplementedError

    def exists_upstream(self) -> bool:
        raise NotImplementedError

    def _list_versions(self, upstream: bool | None) -> list:
        raise NotImplementedError

    def fetch(self) -> None:
        raise NotImplementedError

    def revision_present(self, rev: str) -> bool:
        """dep's revisionPresentIn: ``rev`` is in the local copy (cloned first if there is
        none; never fetched)."""
        with self._lock:
            if not self.exists_locally():
                self.fetch()
            return self._has_revision(rev)

    def _has_revision(self, rev: str) -> bool:
        raise NotImplementedError

    def resolve_revision(self, text: str) -> str:
        raise NotImplementedError

    def export(self, rev: str, dest: str, *, only=None) -> None:
        """Write the tree of ``rev`` into ``dest``. ``only(relpath)`` may let a source skip
        regular files nobody will keep; sources that cannot filter write everything."""
        raise NotImplementedError

    def read_file(self, rev: str, path: str) -> bytes | None:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# Command-line backends


class _CLISource(VCSSource):
    tool = ""
    tools: tuple[str, ...] = ()
    product = ""
    metadir = ""

    def _exe(self) -> str:
        for t in self.tools or (self.tool,):
            found = shutil.which(t)
            if found:
                return found
        raise ToolMissingError(
            f"{self.tool} is not installed: cannot fetch {self.url}; install {self.product} or use a git source",
            self.url, f"{self.tool} is not installed")

    def _env(self) -> dict:
        return dict(os.environ)

    def _argv(self, args: list, operands: tuple[str, ...]) -> list[str]:
        """The one place where values from a lock, manifest or server meet a command line.

        ``args`` are this module's own words, except ``(option, value)`` pairs: the value comes
        from outside and is glued to its option (``--rev=<value>``). ``operands`` (URLs,
        paths) come after ``--``, which hg, bzr and svn all honour. Every outside value also
        passes ``check_argument``.
        """
        argv = [self._exe()]
        for arg in args:
            if isinstance(arg, tuple):
                check_argument(arg[1], self.url)
                arg = arg[0] + arg[1]
            argv.append(arg)
        for value in operands:
            check_argument(value, self.url)
        return [*argv, "--", *operands] if operands else argv

    def _proc(self, args: list, operands: tuple[str, ...] = (), cwd: str | None = None, *,
              merge: bool = True) -> tuple[int, bytes]:
        """Exit status and output (stdout, plus stderr when ``merge``)."""
        argv = self._argv(args, operands)
        try:
            p = subprocess.run(argv, cwd=cwd, env=self._env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT if merge else subprocess.DEVNULL)
        except OSError as e:
            return 127, str(e).encode()
        return p.returncode, p.stdout

    def _run(self, args: list, operands: tuple[str, ...] = (), cwd: str | None = None) -> tuple[int, str]:
        rc, out = self._proc(args, operands, cwd)
        return rc, out.decode("utf-8", "surrogateescape")

    def _check(self, args: list, operands: tuple[str, ...] = (), cwd: str | None = None) -> str:
        rc, out = self._run(args, operands, cwd)
        if rc != 0:
            shown = " ".join(self._argv(args, operands)[1:])
            raise SourceError(f"{self.tool} {shown}: {_one_line(out)}: exit status {rc}",
                              self.url, _one_line(out))
        return out

    def exists_locally(self) -> bool:
        return os.path.isdir(os.path.join(self.path, self.metadir))

    def _ensure_local(self) -> None:
        if not self.exists_locally():
            self.fetch()

    def fetch(self) -> None:
        with self._lock:
            if self._fetch_offline():
                return
            self._exe()
            if self.exists_locally():
                self._count(self._update_op)
                try:
                    self._check(*self._update_args(), cwd=self.path)
                except SourceError as e:
                    raise SourceError(f"unable to update repository {self.url}: {e.cause}", self.url, e.cause) from None
            else:
                os.makedirs(os.path.dirname(self.path), exist_ok=True)
                tmp = tempfile.mkdtemp(prefix=".tmp-" + os.path.basename(self.path)[:80] + "-",
                                       dir=os.path.dirname(self.path))
                target = os.path.join(tmp, "repo")
                self._count("clone")
                try:
                    try:
                        self._check(*self._clone_args(target))
                    except SourceError as e:
                        raise self._fetch_error(f"unable to get repository: {e.cause}") from None
                    if os.path.lexists(self.path):
                        shutil.rmtree(self.path, ignore_errors=True)
                    os.replace(target, self.path)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
            self._fetched = True
            self._listing_stale = True

    def _list_versions(self, upstream: bool | None) -> list:
        if not self.exists_locally():
            self.fetch()
        elif upstream and not self._fetched:
            self.fetch()
        try:
            versions = self._list_local()
        except SourceError as e:
            raise self._list_error(e.cause or str(e)) from None
        self._listed_upstream = self._fetched
        return versions

    def export(self, rev: str, dest: str, *, only=None) -> None:
        with self._lock:
            self._ensure_local()
            if not self._has_revision(rev) and not self._fetched:
                self.fetch()
            self._offline_revision(rev)
            os.makedirs(dest, exist_ok=True)
            self._export(rev, dest)

    def read_file(self, rev: str, path: str) -> bytes | None:
        with self._lock:
            self._ensure_local()
            if not self._has_revision(rev) and not self._fetched:
                self.fetch()
            self._offline_revision(rev)
            return self._read_file(rev, path)

    def _clone_args(self, target: str) -> tuple[list, tuple[str, ...]]:
        """(args, operands) for ``_check``."""
        raise NotImplementedError

    def _update_args(self) -> tuple[list, tuple[str, ...]]:
        raise NotImplementedError

    _update_op = "pull"

    def _list_local(self) -> list:
        raise NotImplementedError

    def _export(self, rev: str, dest: str) -> None:
        raise NotImplementedError

    def _read_file(self, rev: str, path: str) -> bytes | None:
        raise NotImplementedError


class HgSource(_CLISource):
    """Mercurial through ``hg`` (with ``HGRCPATH=`` and ``HGPLAIN=1``, so user extensions and
    localisation cannot change the output we parse). Clones have no working copy (``-U``);
    export uses ``hg archive``. hg subrepositories are not exported."""

    vcs = "hg"
    tool = "hg"
    product = "Mercurial"
    metadir = ".hg"

    def _env(self) -> dict:
        env = dict(os.environ)
        env["HGRCPATH"] = ""
        env["HGPLAIN"] = "1"
        return env

    def exists_upstream(self) -> bool:
        self._count("ping")
        rc, _ = self._run(["identify"], (self.url,))
        return rc == 0

    def _clone_args(self, target: str) -> tuple[list, tuple[str, ...]]:
        return ["clone", "-U"], (self.url, target)

    def _update_args(self) -> tuple[list, tuple[str, ...]]:
        return ["pull"], (self.url,)

    def _list_local(self) -> list:
        from dep.versions import Branch, PairedVersion, parse_version

        vlist = []
        out = self._check(["tags", "--debug", "--verbose"], cwd=self.path)
        for line in out.strip().split("\n"):
            if not line or line.endswith("local"):
                continue
            if line.startswith("tip"):  # dep skips every tag starting with "tip"
                continue
            pair = line.split(":")
            if len(pair) < 2 or pair[1].strip() == "0" * 40:
                continue
            name = pair[0].split(" ", 1)[0]
            vlist.append(PairedVersion(parse_version(name), pair[1].strip()))

        magic_at = False
        out = self._check(["bookmarks", "--debug"], cwd=self.path).strip()
        if out and out != "no bookmarks set":
            for line in out.split("\n"):
                line = line.lstrip(" *")
                pair = line.split(":")
                if len(pair) != 2:
                    continue
                name = pair[0].split(" ", 1)[0]
                if name == "@":
                    magic_at = True
                vlist.append(PairedVersion(Branch(name, name == "@"), pair[1].strip()))

        out = self._check(["branches", "-c", "--debug"], cwd=self.path)
        for line in out.strip().split("\n"):
            if not line:
                continue
            for suffix in (" (inactive)", " (closed)"):
                if line.endswith(suffix):
                    line = line[: -len(suffix)]
            pair = line.split(":")
            if len(pair) < 2:
                continue
            name = pair[0].split(" ", 1)[0]
            vlist.append(PairedVersion(Branch(name, not magic_at and name == "default"), pair[1].strip()))
        return vlist

    def _has_revision(self, rev: str) -> bool:
        if not self.exists_locally():
            return False
        rc, _ = self._run(["log", ("--rev=", rev), "--template", "{node}"], cwd=self.path)
        return rc == 0

    def resolve_revision(self, text: str) -> str:
        self._ensure_local()
        rc, out = self._run(["log", ("--rev=", text), "--template", "{node}\\n"], cwd=self.path)
        lines = out.strip().splitlines()
        if rc != 0 or len(lines) != 1:
            raise SourceError(f"unable to retrieve commit information for {text} in {self.url}: {_one_line(out)}",
                              self.url, _one_line(out))
        return lines[0]

    def _export(self, rev: str, dest: str) -> None:
        self._check(["archive", "--config", "ui.archivemeta=false", ("--rev=", rev), "-t", "files"], (dest,),
                    cwd=self.path)

    def _read_file(self, rev: str, path: str) -> bytes | None:
        rc, out = self._proc(["cat", ("--rev=", rev)], ("path:" + path,), cwd=self.path, merge=False)
        return out if rc == 0 else None


class BzrSource(_CLISource):
    """Bazaar through ``bzr`` (or Breezy's ``brz``). Revisions are bzr revision ids."""

    vcs = "bzr"
    tool = "bzr"
    tools = ("bzr", "brz")
    product = "Bazaar (or Breezy)"
    metadir = ".bzr"

    def exists_upstream(self) -> bool:
        self._count("ping")
        rc, _ = self._run(["info"], (self.url,))
        return rc == 0

    def _clone_args(self, target: str) -> tuple[list, tuple[str, ...]]:
        return ["branch"], (self.url, target)

    def _update_args(self) -> tuple[list, tuple[str, ...]]:
        return ["pull", "--overwrite"], (self.url,)

    def _list_local(self) -> list:
        from dep.versions import Branch, PairedVersion, parse_version

        out = self._check(["tags", "--show-ids", "-v"], cwd=self.path)
        tip = self._check(["version-info", "--custom", "--template={revision_id}", "--revision=branch:."],
                          cwd=self.path).strip()
        vlist = []
        for line in out.strip().split("\n"):
            if not line.strip():
                continue
            idx = line.find(" ")
            if idx < 0:
                continue
            vlist.append(PairedVersion(parse_version(line[:idx]), line[idx:].strip()))
        vlist.append(PairedVersion(Branch("(default)", True), tip))
        return vlist

    def _has_revision(self, rev: str) -> bool:
        if not self.exists_locally():
            return False
        rc, _ = self._run(["revision-info", "--directory=" + self.path, ("--revision=revid:", rev)])
        return rc == 0

    def resolve_revision(self, text: str) -> str:
        self._ensure_local()
        if self._has_revision(text):
            return text
        raise SourceError(f"unable to retrieve commit information for {text} in {self.url}", self.url)

    def _export(self, rev: str, dest: str) -> None:
        tmp = dest.rstrip("/") + ".bzr-export"
        self._check(["export", "--format=dir", ("--revision=revid:", rev), "--directory=" + self.path], (tmp,))
        try:
            for entry in os.listdir(tmp):
                os.replace(os.path.join(tmp, entry), os.path.join(dest, entry))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _read_file(self, rev: str, path: str) -> bytes | None:
        rc, out = self._proc(["cat", ("--revision=revid:", rev), "--directory=" + self.path], (path,),
                             merge=False)
        return out if rc == 0 else None


class SvnSource(_CLISource):
    """Subversion through ``svn``, with the standard layout and no local copy.

    Versions: every directory under ``<url>/tags`` (semver-parsed, else plain), every directory
    under ``<url>/branches`` plus ``trunk`` as the default branch, each paired with the
    last-changed revision of its path (from ``svn ls --xml``). Revisions are svn revision
    numbers (decimal strings).

    A revision number alone does not say which tree to take, so the source keeps a map from
    revision to path (``trunk``, ``branches/<b>``, ``tags/<t>``) built from the last listing
    (the cached listing when this process has not listed yet; trunk wins over branches over tags
    when paths share a revision). ``export``/``read_file`` use ``<url>/<path>@REV`` for a mapped
    revision and fall back to ``trunk`` for any other one (e.g. a bare revision pinned in a
    lock). There is nothing in the cache directory: every operation talks to the repository,
    ``fetch`` just refreshes the listing, and ``exists_locally`` means "listed during this run".
    svn:externals are not exported. Repositories without a ``trunk``/``tags``/``branches``
    layout list no versions.
    """

    vcs = "svn"
    tool = "svn"
    product = "Subversion"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._paths: dict[str, str] = {}

    def _env(self) -> dict:
        env = dict(os.environ)
        env["LC_ALL"] = "C"
        return env

    def _svn(self, op: str, args: list, operands: tuple[str, ...]) -> str:
        self._count(op)
        return self._check([*args, "--non-interactive"], operands)

    def _sub(self, path: str) -> str:
        return self.url.rstrip("/") + "/" + path

    @staticmethod
    def _revnum(rev: str, url: str) -> str:
        text = str(rev).strip()
        text = text[1:] if text[:1] in ("r", "R") else text
        if not text.isdigit():
            raise SourceError(f"{rev!r} is not an svn revision number ({url})", url)
        return str(int(text))

    def exists_locally(self) -> bool:
        return self._fetched

    def exists_upstream(self) -> bool:
        self._count("ping")
        rc, _ = self._run(["info", "--non-interactive"], (self.url,))
        return rc == 0

    def fetch(self) -> None:
        with self._lock:
            self.list_versions(upstream=True)

    def _ls(self, path: str) -> list[tuple[str, str]]:
        """(name, last-changed revision) of the directories in ``<url>/<path>``."""
        import xml.etree.ElementTree as ET

        out = self._check(["ls", "--xml", "--non-interactive"], (self._sub(path) if path else self.url,))
        try:
            root = ET.fromstring(out[out.find("<"):])
        except ET.ParseError as e:
            raise SourceError(f"svn ls: unreadable output: {e}", self.url, str(e)) from None
        found = []
        for entry in root.iter("entry"):
            name, commit = entry.findtext("name"), entry.find("commit")
            if entry.get("kind") == "dir" and name and commit is not None and commit.get("revision"):
                found.append((name, commit.get("revision")))
        return found

    def _list_versions(self, upstream: bool | None) -> list:
        from dep.versions import Branch, PairedVersion, parse_version

        with self._lock:
            self._exe()
            self._count("ls")
            try:
                top = dict(self._ls(""))
                vlist, paths = [], {}
                if "trunk" in top:
                    vlist.append(PairedVersion(Branch("trunk", True), top["trunk"]))
                    paths.setdefault(top["trunk"], "trunk")
                if "branches" in top:
                    for name, rev in self._ls("branches"):
                        vlist.append(PairedVersion(Branch(name, False), rev))
                        paths.setdefault(rev, "branches/" + name)
                if "tags" in top:
                    for name, rev in self._ls("tags"):
                        vlist.append(PairedVersion(parse_version(name), rev))
                        paths.setdefault(rev, "tags/" + name)
            except SourceError as e:
                raise self._list_error(e.cause or str(e)) from None
            self._paths = paths
            self._fetched = self._listed_upstream = True
            return vlist

    def _path_for(self, rev: str) -> str:
        if not self._paths:
            from dep.versions import Branch

            for pv in self.list_versions():
                v = pv.unpaired
                path = ("trunk" if v.default else "branches/" + str(v)) if isinstance(v, Branch) else "tags/" + str(v)
                self._paths.setdefault(str(pv.revision), path)
        return self._paths.get(rev, "trunk")

    def revision_present(self, rev: str) -> bool:
        with self._lock:
            return self._has_revision(rev)

    def _has_revision(self, rev: str) -> bool:
        self._exe()
        try:
            num = self._revnum(rev, self.url)
        except SourceError:
            return False
        self._count("info")
        rc, _ = self._run(["info", "--non-interactive", ("--revision=", num)], (self.url,))
        return rc == 0

    def resolve_revision(self, text: str) -> str:
        num = self._revnum(text, self.url)
        if self._has_revision(num):
            return num
        raise SourceError(f"unable to retrieve commit information for {text} in {self.url}", self.url)

    def export(self, rev: str, dest: str, *, only=None) -> None:
        with self._lock:
            self._exe()
            num = self._revnum(rev, self.url)
            os.makedirs(dest, exist_ok=True)
            target = f"{self._sub(self._path_for(num))}@{num}"
            self._svn("export", ["export", "--force", "--ignore-externals", "-q", ("--revision=", num)],
                      (target, dest))

    def read_file(self, rev: str, path: str) -> bytes | None:
        with self._lock:
            self._exe()
            num = self._revnum(rev, self.url)
            target = f"{self._sub(self._path_for(num))}/{path.strip('/')}@{num}"
            self._count("cat")
            rc, out = self._proc(["cat", "--non-interactive", ("--revision=", num)], (target,), merge=False)
            return out if rc == 0 else None


def new_source(vcs: str, url: str, cachedir: str, *, name: str | None = None,
               metadata: MetadataCache | None = None, offline=None) -> VCSSource:
    """A source of kind ``git``, ``hg``, ``bzr`` or ``svn`` for ``url`` in ``cachedir``
    (``offline``: the run's OfflineLedger when it may not use the network)."""
    if vcs == "git":
        from dep.sources.git import GitSource

        return GitSource(url, cachedir, name=name, metadata=metadata, offline=offline)
    if vcs == "hg":
        return HgSource(url, cachedir, name=name, metadata=metadata, offline=offline)
    if vcs == "bzr":
        return BzrSource(url, cachedir, name=name, metadata=metadata, offline=offline)
    if vcs == "svn":
        return SvnSource(url, cachedir, name=name, metadata=metadata, offline=offline)
    raise UnsupportedSourceError(f"unknown repository type: {go_quote(vcs)}", url)
