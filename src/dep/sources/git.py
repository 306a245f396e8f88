"""git sources through dulwich: listing, fetching into the cache, exporting trees.

No git binary is needed. dulwich is imported inside functions, so importing this module is
cheap. Transports: local paths and ``file://`` (read directly), ``http(s)://`` smart protocol,
``ssh://`` and scp-like ``user@host:path`` (the system ``ssh``), ``git://``.

The user's git configuration is honoured: ``url.<base>.insteadOf`` (longest match wins, read
in git's order: system, then global — ``$GIT_CONFIG_GLOBAL``, else the XDG file and
``~/.gitconfig``) and, for HTTP, what dulwich reads from the same files (proxy, sslVerify,
extra headers); ``GIT_SSH_COMMAND``/``GIT_SSH`` for ssh. HTTP credentials: user/password in
the URL, else the first matching entry of the ``store`` helper's files (``~/.git-credentials``,
``$XDG_CONFIG_HOME/git/credentials``), else ``~/.netrc`` (``$NETRC``, read by
``dep.sources.netrc``). Other credential helpers need the git binary and are not used.

Public API: ``resolve_url(url)``, ``ls_remote(url)``, ``versions_from_ls_remote(lines)``,
``GitSource`` (see ``dep.sources.vcs.VCSSource``
for the shared interface; GitSource adds ``export(..., only=)``).

Local repository layout (``<cachedir>/sources/<name>``) is the one ``git clone`` produces —
a ``.git`` directory with ``refs/remotes/origin/*``, ``refs/tags/*`` and
``refs/remotes/origin/HEAD`` — but no files are checked out. Go dep can therefore use a
repository we created and we can use one Go dep cloned: they may share a cache directory.
"""

from __future__ import annotations

import errno as _errno
import io
import os
import re
import shutil
import stat as _stat
import tempfile
import threading
from contextlib import contextmanager
from typing import Iterable, Iterator, Mapping

from dep.sources.cache import MetadataCache, refuses_writes
from dep.sources.vcs import NETWORK_OPS, SourceError, VCSSource

__all__ = [
    "resolve_url",
    "ls_remote",
    "versions_from_ls_remote",
    "GitSource",
]

_HEX40 = re.compile(rb"[0-9a-f]{40}\Z")
_HEX40_STR = re.compile(r"[0-9a-f]{40}\Z")
_HEXPREFIX = re.compile(r"[0-9a-fA-F]{4,40}\Z")
_WANTED_PREFIXES = [b"HEAD", b"refs/heads/", b"refs/tags/"]


# ---------------------------------------------------------------------------------------------
# git configuration


def _config_paths() -> list[str]:
    """Config files in the order git reads them (later files override earlier ones)."""
    env = os.environ
    paths = []
    if "GIT_CONFIG_SYSTEM" in env:
        if env["GIT_CONFIG_SYSTEM"]:
            paths.append(env["GIT_CONFIG_SYSTEM"])
    elif not _truthy(env.get("GIT_CONFIG_NOSYSTEM", "")):
        paths.append("/etc/gitconfig")
    if "GIT_CONFIG_GLOBAL" in env:
        if env["GIT_CONFIG_GLOBAL"]:
            paths.append(env["GIT_CONFIG_GLOBAL"])
    else:
        xdg = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        paths.append(os.path.join(xdg, "git", "config"))
        paths.append(os.path.join(os.path.expanduser("~"), ".gitconfig"))
    return paths


def _truthy(v: str) -> bool:
    return v.strip().lower() in ("1", "true", "yes", "on")


_config_cache: dict = {}
_config_lock = threading.Lock()


def _load_configs() -> list:
    """dulwich ConfigFiles for the files that exist, in git's reading order (memoised by mtime)."""
    from dulwich.config import ConfigFile

    stamp = []
    for p in _config_paths():
        try:
            st = os.stat(p)
        except OSError:
            continue
        stamp.append((p, st.st_mtime_ns, st.st_size))
    key = tuple(stamp)
    with _config_lock:
        hit = _config_cache.get(key)
        if hit is not None:
            return hit
    files = []
    for p, _, _ in stamp:
        try:
            files.append(ConfigFile.from_path(p))
        except Exception:  # unreadable or malformed: git would fail; we ignore that file
            continue
    with _config_lock:
        _config_cache.clear()
        _config_cache[key] = files
    return files


def _instead_of_rules() -> list[tuple[str, str]]:
    rules = []
    for cf in _load_configs():
        for section in cf.sections():
            if len(section) != 2 or section[0].lower() != b"url":
                continue
            try:
                needles = list(cf.get_multivar(section, b"insteadOf"))
            except KeyError:
                continue
            base = section[1].decode("utf-8", "surrogateescape")
            for n in needles:
                rules.append((n.decode("utf-8", "surrogateescape") if isinstance(n, bytes) else str(n), base))
    return rules


def resolve_url(url: str) -> str:
    """``url`` as git would contact it: ``url.<base>.insteadOf`` applied (the longest matching
    prefix wins; among equal ones the first read), ``file://`` URLs and paths left as they are."""
    best_len = -1
    out = url
    for needle, base in _instead_of_rules():
        if needle and url.startswith(needle) and len(needle) > best_len:
            best_len = len(needle)
            out = base + url[len(needle):]
    return out


def submodules_exported() -> bool:
    """The opt-in to vendor submodule contents (DEPSUBMODULES=1). Off by default, as in dep,
    whose ``git checkout-index`` leaves every submodule an empty directory: the contents
    change the project's digest from the one dep wrote to the lock."""
    return _truthy(os.environ.get("DEPSUBMODULES", ""))


def _local_submodules_allowed() -> bool:
    """git's ``protocol.file.allow`` for a submodule: since git 2.38.1 the default, ``user``,
    lets only commands the user typed use the file transport, so a repository's .gitmodules
    cannot make git read another local repository unless the user set ``always``."""
    found: dict = {}  # protocol.file.allow wins over protocol.allow; later files win
    for cf in _load_configs():
        for key in ((b"protocol", b"file"), (b"protocol",)):
            try:
                found[key] = cf.get(key, b"allow")
            except KeyError:
                pass
    allow = found.get((b"protocol", b"file"), found.get((b"protocol",), b"user"))
    return allow.decode("utf-8", "replace").strip().lower() == "always"


def _dulwich_config():
    """The user's config for dulwich's transports, minus url.* sections (already applied)."""
    from dulwich.config import StackedConfig

    class _Cfg(StackedConfig):
        def sections(self):  # type: ignore[override]
            for s in super().sections():
                if not (len(s) == 2 and s[0].lower() == b"url"):
                    yield s

    return _Cfg(list(reversed(_load_configs())))


def _is_local(url: str) -> str | None:
    """The filesystem path for a local URL (``file://`` or a plain path), else None."""
    if url.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(url).path)
    if "://" in url:
        return None
    # scp-like user@host:path or host:path (git: a colon before any slash)
    colon = url.find(":")
    slash = url.find("/")
    if colon > 0 and (slash < 0 or colon < slash):
        return None
    return url


def _http_credentials(url: str) -> tuple[str | None, str | None]:
    from urllib.parse import urlparse

    p = urlparse(url)
    if p.scheme not in ("http", "https") or p.username:
        return None, None
    host = p.hostname or ""
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    for fname in (os.path.join(os.path.expanduser("~"), ".git-credentials"), os.path.join(xdg, "git", "credentials")):
        try:
            with open(fname, encoding="utf-8") as f:
                for line in f:
                    try:
                        c = urlparse(line.strip())
                        if (c.scheme == p.scheme and c.hostname == host and c.port == p.port and c.username
                                and c.password is not None):
                            from urllib.parse import unquote

                            return unquote(c.username), unquote(c.password)
                    except ValueError:
                        continue
        except (OSError, ValueError):
            continue
    from dep.sources.netrc import read_netrc

    for entry in read_netrc(os.environ):  # curl (git's HTTP layer) matches the host name
        if entry.machine == host:
            return entry.login, entry.password
    return None, None


def _client(url: str):
    """(dulwich client, path on the server as bytes) for an already resolved URL."""
    from dulwich.client import get_transport_and_path

    from dep.sources.vcs import check_argument

    _check_scheme(url)
    check_argument(url, url)  # dulwich's ssh vendor hands the host to the ssh command
    user, password = _http_credentials(url)
    ssh_command = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH") or None
    try:
        client, path = get_transport_and_path(url, config=_dulwich_config(), username=user,
                                              password=password, ssh_command=ssh_command)
    except ValueError as e:
        raise SourceError(f"unsupported git URL {url}: {e}", url, str(e)) from None
    return client, path.encode("utf-8", "surrogateescape") if isinstance(path, str) else path


def _cause(e: BaseException, url: str = "") -> str:
    """A one-line cause for a transport/repository exception, worded like git where we can."""
    from dulwich import errors as derr

    name = type(e).__name__
    http = url.startswith(("http://", "https://"))
    shown = url.rstrip("/") + "/" if http else url
    if http and name == "HTTPUnauthorized":
        text = f"Authentication failed for '{shown}'"
    elif isinstance(e, derr.NotGitRepository):
        text = str(e) or (f"repository '{shown}' not found" if http else "not a git repository")
    elif isinstance(e, derr.HangupException):
        text = "the remote end hung up unexpectedly"
        if getattr(e, "stderr_lines", None):
            text = "; ".join(ln.decode("utf-8", "replace").strip() for ln in e.stderr_lines if ln.strip()) or text
    elif http and _urllib3_reason(e):
        text = f"unable to access '{shown}': {_urllib3_reason(e)}"
    elif isinstance(e, OSError) and e.strerror:
        text = f"{e.strerror}: {e.filename}" if e.filename else e.strerror
    else:
        text = str(e) or name
        if name not in text and not isinstance(e, (derr.GitProtocolError, ValueError)):
            text = f"{name}: {text}"
    return " ".join(text.split())


def _urllib3_reason(e: BaseException) -> str:
    """git-like text for urllib3's connection errors ('' when ``e`` is something else)."""
    seen = 0
    while e is not None and not (type(e).__module__ or "").startswith("urllib3") and seen < 5:
        e = e.__cause__ or e.__context__
        seen += 1
    if e is None or not (type(e).__module__ or "").startswith("urllib3"):
        return ""
    reason = getattr(e, "reason", None) or e
    rname = type(reason).__name__
    conn = getattr(reason, "conn", None) or getattr(reason, "pool", None)
    host = getattr(conn, "host", "") if conn is not None else ""
    port = getattr(conn, "port", "") if conn is not None else ""
    if rname == "NameResolutionError":
        return f"Could not resolve host: {host}" if host else "Could not resolve host"
    m = re.search(r"\[Errno -?\d+\] ([^\"')]+)", str(reason))
    if rname in ("NewConnectionError", "ConnectTimeoutError") and host:
        why = m.group(1).strip() if m else ("Connection timed out" if "Timeout" in rname else str(reason))
        return f"Failed to connect to {host} port {port}: {why}"
    if m:
        return m.group(1).strip()
    return str(reason)


_SCHEMES = ("file", "http", "https", "ssh", "git", "git+ssh", "ssh+git")


def _check_scheme(url: str) -> None:
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    if m and m.group(1).lower() not in _SCHEMES:
        raise SourceError(f"unable to find remote helper for '{m.group(1)}'", url,
                          f"unable to find remote helper for '{m.group(1)}'")


# ---------------------------------------------------------------------------------------------
# Listing


def versions_from_ls_remote(lines: Iterable[tuple[str, str]]) -> list:
    """dep's gitSource.listVersions over ``(sha, refname)`` pairs in ``git ls-remote`` order.

    ``HEAD`` must come first to mark default branches; ``refs/heads/<b>`` → branches (default
    when at HEAD's revision; if several are and one is ``master``, only ``master`` stays
    default); ``refs/tags/<t>`` → semver or plain tags, a following ``refs/tags/<t>^{}`` replacing
    the revision of an annotated tag with its commit; anything else is ignored.
    """
    from dep.versions import Branch, PairedVersion, parse_version

    headrev = None
    onedef = multidef = defmaster = False
    smap: dict[str, int] = {}
    vlist: list = []
    for sha, ref in lines:
        if not _HEX40_STR.match(sha):
            continue
        if ref == "HEAD":
            headrev = sha
        elif ref.startswith("refs/heads/"):
            name = ref[len("refs/heads/"):]
            isdef = sha == headrev
            if isdef:
                if onedef:
                    multidef = True
                onedef = True
                if name == "master":
                    defmaster = True
            vlist.append(PairedVersion(Branch(name, isdef), sha))
        elif ref.startswith("refs/tags/"):
            vstr = ref[len("refs/tags/"):]
            if vstr.endswith("^{}"):
                vstr = vstr[:-3]
                if vstr in smap:
                    vlist[smap[vstr]] = PairedVersion(parse_version(vstr), sha)
                    continue
            elif vstr in smap:
                continue
            smap[vstr] = len(vlist)
            vlist.append(PairedVersion(parse_version(vstr), sha))
    if multidef and defmaster:
        for i, pv in enumerate(vlist):
            u = pv.unpaired
            if isinstance(u, Branch) and u.default and u.name != "master":
                vlist[i] = PairedVersion(Branch(u.name, False), pv.revision)
    return vlist


def _ordered_lines(refs: Mapping[bytes, bytes | None], peeled: Mapping[bytes, bytes] | None = None) -> list:
    """``git ls-remote`` order: HEAD first, then refs sorted by name, ``^{}`` after its tag."""
    out = []
    head = refs.get(b"HEAD")
    if head:
        out.append((head.decode("ascii"), "HEAD"))
    names = sorted(n for n in refs if n != b"HEAD" and not n.endswith(b"^{}"))
    for n in names:
        sha = refs[n]
        if not sha:
            continue
        name = n.decode("utf-8", "surrogateescape")
        out.append((sha.decode("ascii"), name))
        p = refs.get(n + b"^{}") or (peeled or {}).get(n)
        if p and p != sha:
            out.append((p.decode("ascii"), name + "^{}"))
    return out


def _local_refs(path: str) -> tuple[dict, dict]:
    """(refs, peeled) of a repository on disk, as a server would advertise them."""
    from dulwich.repo import Repo

    with Repo(path) as repo:
        refs = {}
        peeled = {}
        for name, sha in repo.get_refs().items():
            if name != b"HEAD" and not name.startswith((b"refs/heads/", b"refs/tags/")):
                continue
            refs[name] = sha
            if name.startswith(b"refs/tags/"):
                try:
                    p = repo.get_peeled(name)
                except KeyError:
                    p = None
                if p and p != sha:
                    peeled[name] = p
        return refs, peeled


def _remote_refs(url: str) -> list:
    """ls-remote lines for ``url`` (already resolved). Raises dulwich/OS exceptions."""
    local = _is_local(url)
    if local is not None:
        refs, peeled = _local_refs(local)
        return _ordered_lines(refs, peeled)
    client, path = _client(url)
    try:
        result = client.get_refs(path, ref_prefix=_WANTED_PREFIXES)
    finally:
        try:
            client.close()
        except Exception:
            pass
    refs = getattr(result, "refs", result)
    return _ordered_lines(refs)


def ls_remote(url: str) -> list:
    """dep's git listing of ``url`` (insteadOf applied): a list of ``PairedVersion``.

    Raises ``SourceError`` (``failed to list versions for <url>: <cause>``), including
    dep's ``no data returned from ls-remote`` for an empty repository.
    """
    NETWORK_OPS["ls-remote"] += 1
    return _ls_remote(url)


def _ls_remote(url: str) -> list:
    resolved = resolve_url(url)
    try:
        lines = _remote_refs(resolved)
    except SourceError as e:
        raise SourceError(f"failed to list versions for {url}: {e.cause or e}", url, e.cause or str(e)) from None
    except Exception as e:  # dulwich raises a zoo of types; all mean "cannot list"
        cause = _cause(e, resolved)
        raise SourceError(f"failed to list versions for {url}: {cause}", url, cause) from None
    if not lines:
        cause = "no data returned from ls-remote"
        raise SourceError(f"failed to list versions for {url}: {cause}", url, cause)
    return versions_from_ls_remote(lines)


# ---------------------------------------------------------------------------------------------
# Sources


class _Corrupt(Exception):
    """The local repository is damaged; it is deleted and cloned again."""


def _corruption_types() -> tuple:
    import zlib

    from dulwich import errors as derr

    return (_Corrupt, derr.ObjectFormatException, derr.ChecksumMismatch, derr.NotGitRepository,
            derr.FileFormatException, zlib.error, KeyError, AssertionError, ValueError, EOFError)


def _is_local_damage(e: BaseException) -> bool:
    """Errors a fetch raises when our repository (not the transport) is at fault: objects the
    graph walker claimed to have are missing or unreadable."""
    import zlib

    from dulwich import errors as derr

    return isinstance(e, (derr.ObjectFormatException, derr.ChecksumMismatch, derr.ApplyDeltaError,
                          derr.ObjectMissing, derr.WrongObjectException, zlib.error, KeyError))


# one GitSource per (cachedir, name, url) for submodules
_SUBMODULE_SOURCES: dict = {}
_SUBMODULE_LOCK = threading.Lock()
_MAX_SUBMODULE_DEPTH = 16
_MAX_SUBMODULES = 64  # per exported project, all levels together


class GitSource(VCSSource):
    """A git upstream and its clone under ``<cachedir>/sources/<name>`` (see ``VCSSource``).

    Network operations are counted in ``self.ops`` and ``dep.sources.vcs.NETWORK_OPS``:
    ``ls-remote``, ``clone``, ``fetch``. A revision already in the local clone is exported
    or read without any network operation; ``list_versions()`` answers from the listing cache,
    else from the local clone when it was fetched during this run, else ``ls-remote``.
    A damaged clone (missing objects, broken HEAD or refs) is detected, deleted and cloned again.
    """

    vcs = "git"

    def __init__(self, url: str, cachedir: str, *, name: str | None = None,
                 metadata: MetadataCache | None = None, gopkgin: tuple[int, bool] | None = None,
                 offline=None) -> None:
        super().__init__(url, cachedir, name=name, metadata=metadata, offline=offline)
        self.gitdir = os.path.join(self.path, ".git")
        self.gopkgin = gopkgin
        self._verified = False
        self.warnings: list[str] = []

    def _filtered(self, versions: list) -> list:
        if self.gopkgin is None:
            return versions
        from dep.sources.deduce import filter_gopkg_in_versions

        return filter_gopkg_in_versions(versions, *self.gopkgin)

    # -- local repository

    def exists_locally(self) -> bool:
        return os.path.isdir(self.gitdir)

    def _repo(self):
        """The local Repo, verified once per instance; raises _Corrupt."""
        from dulwich.repo import Repo

        try:
            repo = Repo(self.path)
        except Exception as e:
            raise _Corrupt(_cause(e)) from None
        if not self._verified:
            try:
                self._verify(repo)
            except Exception:
                repo.close()
                raise
            self._verified = True
        return repo

    @staticmethod
    def _verify(repo) -> None:
        """Cheap sanity checks: HEAD parses, refs are readable, every tip object is present,
        and the default branch's commit and root tree parse."""
        from dulwich.objects import Commit, Tag

        try:
            head = repo.refs.read_ref(b"HEAD")
            if head is None or not (head.startswith(b"ref: refs/") or _HEX40.match(head.strip())):
                raise _Corrupt("HEAD is broken")
            refs = repo.refs.as_dict(b"refs/remotes/origin")
            tags = repo.refs.as_dict(b"refs/tags")
            store = repo.object_store
            for sha in list(refs.values()) + list(tags.values()):
                if not _HEX40.match(sha) or sha not in store:
                    raise _Corrupt(f"missing object {sha.decode('ascii', 'replace')}")
            probe = refs.get(b"HEAD") or next(iter(refs.values()), None) or next(iter(tags.values()), None)
            if probe is not None:
                obj = repo[probe]
                while isinstance(obj, Tag):
                    obj = repo[obj.object[1]]
                if isinstance(obj, Commit):
                    repo[obj.tree]
        except _Corrupt:
            raise
        except Exception as e:
            raise _Corrupt(_cause(e)) from None

    def _discard_local(self) -> None:
        """Move the local clone out of the way (atomically), then delete it."""
        parent, base = os.path.split(self.path)
        trash = os.path.join(parent, f".trash-{base[:80]}-{os.getpid()}-{threading.get_ident()}")
        try:
            os.replace(self.path, trash)
        except OSError:
            trash = self.path
        shutil.rmtree(trash, ignore_errors=True)
        self._verified = False
        self._fetched = False

    # -- listing

    def exists_upstream(self) -> bool:
        """True when ``ls-remote`` succeeds (which also primes the listing); else raises."""
        self.list_versions(upstream=True)
        return True

    def _list_versions(self, upstream: bool | None) -> list:
        if upstream is False or self.offline is not None or (self._fetched and self.exists_locally()):
            if not self.exists_locally():
                if self.offline is not None:
                    raise self.offline.miss(self.name, "no clone")
                raise self._list_error("no local copy of the repository")
            try:
                return self._filtered(self._list_local())
            except _Corrupt:
                if upstream is False or self.offline is not None:
                    raise self._list_error("the local copy of the repository is damaged") from None
                self._discard_local()
        self._count("ls-remote")
        versions = _ls_remote(self.url)
        self._listed_upstream = True
        return self._filtered(versions)

    def _list_local(self) -> list:
        repo = self._repo()
        try:
            refs = {}
            peeled = {}
            for name, sha in repo.refs.as_dict(b"refs/remotes/origin").items():
                if name == b"HEAD":
                    continue
                refs[b"refs/heads/" + name] = sha
            for name, sha in repo.refs.as_dict(b"refs/tags").items():
                ref = b"refs/tags/" + name
                refs[ref] = sha
                p = repo.get_peeled(ref)
                if p and p != sha:
                    peeled[ref] = p
            try:
                head = repo.refs[b"refs/remotes/origin/HEAD"]
            except KeyError:
                head = None
            if head:
                refs[b"HEAD"] = head
        except _Corrupt:
            raise
        except Exception as e:
            raise _Corrupt(_cause(e)) from None
        finally:
            repo.close()
        lines = _ordered_lines(refs, peeled)
        if not lines:
            raise self._list_error("no data returned from ls-remote")
        return versions_from_ls_remote(lines)

    # -- fetching

    def fetch(self) -> None:
        """Clone into the cache on first use, else fetch every branch and tag (pruning).
        The listing cache is refreshed from what was fetched."""
        with self._lock:
            if self._fetch_offline():
                return
            done = False
            if self.exists_locally():
                try:
                    self._repo().close()
                    self._update()
                    done = True
                except _corruption_types():
                    self._discard_local()
            if not done:
                self._clone()
            try:
                self.metadata.set_versions(self.name, self._filtered(self._list_local()))
            except (SourceError, _Corrupt):
                pass

    def _clone(self) -> None:
        from dulwich.repo import Repo

        parent = os.path.dirname(self.path)
        try:
            os.makedirs(parent, exist_ok=True)
            tmp = tempfile.mkdtemp(prefix=".tmp-" + os.path.basename(self.path)[:80] + "-", dir=parent)
        except OSError as e:
            raise self.metadata.write_failed(e, parent) from None
        try:
            try:
                repo = Repo.init(tmp)
                try:
                    cfg = repo.get_config()
                    cfg.set((b"remote", b"origin"), b"url", self.url.encode("utf-8"))
                    cfg.set((b"remote", b"origin"), b"fetch", b"+refs/heads/*:refs/remotes/origin/*")
                    cfg.write_to_path()
                finally:
                    repo.close()
            except OSError as e:
                raise self.metadata.write_failed(e, self.path) from None
            self._count("clone")
            if not self._clone_local(tmp):
                with Repo(tmp) as repo:
                    try:
                        self._fetch_into(repo, clone=True)
                    except SourceError as e:
                        raise self._fetch_error(f"unable to get repository: {e.cause}") from None
                    except _Corrupt as e:  # a fresh repository: upstream sent bad data
                        raise self._fetch_error(f"unable to get repository: {e}") from None
            try:
                os.rename(tmp, self.path)  # fails when something is there already
                tmp = None
            except OSError as e:
                if e.errno not in (_errno.ENOTEMPTY, _errno.EEXIST, _errno.ENOTDIR):
                    raise self.metadata.write_failed(e, self.path) from None
                # Another process (DEPNOLOCK=1) published its clone meanwhile: use it when it
                # verifies (ours is deleted below), else it is debris and ours replaces it.
                self._verified = False
                try:
                    self._repo().close()
                except _Corrupt:
                    self._discard_local()
                    try:
                        os.rename(tmp, self.path)
                        tmp = None
                    except OSError as e2:
                        raise self.metadata.write_failed(e2, self.path) from None
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)
        self._verified = True
        self._fetched = True

    def _clone_local(self, target: str) -> bool:
        """Like ``git clone --local``: when upstream is a repository on this machine, copy its
        pack files and loose objects instead of re-encoding every object. False when
        not applicable (remote URL, alternates, shallow upstream) or when the result does not
        verify; the caller then fetches normally."""
        from dulwich.repo import Repo

        local = _is_local(resolve_url(self.url))
        if local is None:
            return False
        try:
            with Repo(local) as up:
                src = up.object_store.path
                if (os.path.exists(os.path.join(src, "info", "alternates"))
                        or os.path.exists(os.path.join(up.controldir(), "shallow"))):
                    return False
                refs = up.get_refs()
                symrefs = up.refs.get_symrefs()
            with Repo(target) as repo:
                dst = repo.object_store.path
                names = sorted(os.listdir(os.path.join(src, "pack"))) if os.path.isdir(os.path.join(src, "pack")) else []
                for ext in (".pack", ".idx"):  # packs before their indexes
                    for name in names:
                        if name.endswith(ext):
                            _copy_file(os.path.join(src, "pack", name), os.path.join(dst, "pack", name))
                for d in os.listdir(src):
                    if len(d) == 2 and all(c in "0123456789abcdef" for c in d):
                        os.makedirs(os.path.join(dst, d), exist_ok=True)
                        for name in os.listdir(os.path.join(src, d)):
                            _copy_file(os.path.join(src, d, name), os.path.join(dst, d, name))
            with Repo(target) as repo:
                self._mirror_refs(repo, refs, symrefs, True)
                self._verify(repo)
            return True
        except Exception as e:
            if refuses_writes(e):  # fetching instead would fail the same way
                raise self.metadata.write_failed(e, self.path) from None
            return False

    def _update(self) -> None:
        from dulwich.repo import Repo

        with Repo(self.path) as repo:
            self._count("fetch")
            try:
                self._fetch_into(repo, clone=False)
            except SourceError as e:
                raise SourceError(f"unable to update repository {self.url}: {e.cause}", self.url, e.cause) from None
        self._fetched = True

    def _fetch_into(self, repo, *, clone: bool, extra_wants: Iterable[bytes] = ()) -> None:
        """Fetch HEAD, branches and tags of upstream into ``repo`` and mirror its refs."""
        from dulwich.client import LocalGitClient
        from dulwich.objects import ZERO_SHA

        store = repo.object_store
        extra = list(extra_wants)

        def wants(refs, depth=None):
            out = []
            seen = set()
            for name, sha in refs.items():
                if not sha or sha == ZERO_SHA or name.endswith(b"^{}"):
                    continue
                if name != b"HEAD" and not name.startswith((b"refs/heads/", b"refs/tags/")):
                    continue
                if sha in seen or sha in store:
                    continue
                seen.add(sha)
                out.append(sha)
            for sha in extra:
                if sha not in store and sha not in seen:
                    out.append(sha)
            return out

        url = resolve_url(self.url)
        try:
            local = _is_local(url)
            if local is not None:
                client, path = LocalGitClient(), local
            else:
                client, path = _client(url)
            try:
                result = client.fetch(path, repo, determine_wants=wants, ref_prefix=_WANTED_PREFIXES)
            finally:
                try:
                    client.close()
                except Exception:
                    pass
        except SourceError:
            raise
        except Exception as e:
            if refuses_writes(e):  # our disk, not upstream: no other version would fare better
                raise self.metadata.write_failed(e, self.path) from None
            if _is_local_damage(e):
                raise _Corrupt(_cause(e)) from None
            cause = _cause(e, url)
            raise SourceError(cause, self.url, cause) from None
        try:
            self._mirror_refs(repo, result.refs, getattr(result, "symrefs", {}) or {}, clone)
        except OSError as e:
            raise self.metadata.write_failed(e, self.path) from None

    @staticmethod
    def _mirror_refs(repo, remote: Mapping[bytes, bytes | None], symrefs: Mapping[bytes, bytes], clone: bool) -> None:
        from dulwich.objects import ZERO_SHA

        desired: dict[bytes, bytes] = {}
        for name, sha in remote.items():
            if not sha or sha == ZERO_SHA or name.endswith(b"^{}"):
                continue
            if name.startswith(b"refs/heads/"):
                desired[b"refs/remotes/origin/" + name[len(b"refs/heads/"):]] = sha
            elif name.startswith(b"refs/tags/"):
                desired[name] = sha
        current = {}
        for base in (b"refs/remotes/origin/", b"refs/tags/"):
            for name, sha in repo.refs.as_dict(base.rstrip(b"/")).items():
                if base == b"refs/remotes/origin/" and name == b"HEAD":
                    continue
                current[base + name] = sha
        changes: dict[bytes, bytes | None] = {}
        for name, sha in desired.items():
            if current.get(name) != sha:
                changes[name] = sha
        for name in current:
            if name not in desired:
                changes[name] = None
        if changes:
            peeled = {n[:-3]: sha for n, sha in remote.items() if n.endswith(b"^{}") and sha}
            _write_packed_refs(repo, changes, peeled)
        # origin/HEAD: a symref to the remote default branch, else HEAD's revision
        os.makedirs(os.path.join(repo.controldir(), "refs", "remotes", "origin"), exist_ok=True)
        target = symrefs.get(b"HEAD")
        head_ref = b"refs/remotes/origin/HEAD"
        if target and target.startswith(b"refs/heads/") and (b"refs/remotes/origin/" + target[11:]) in desired:
            repo.refs.set_symbolic_ref(head_ref, b"refs/remotes/origin/" + target[11:])
            default_name = target[11:]
        elif remote.get(b"HEAD") and remote.get(b"HEAD") != ZERO_SHA:
            try:
                repo.refs.remove_if_equals(head_ref, None)
            except Exception:
                pass
            repo.refs[head_ref] = remote[b"HEAD"]
            default_name = b"master"
        else:
            try:
                repo.refs.remove_if_equals(head_ref, None)
            except Exception:
                pass
            default_name = b"master"
        if clone:
            # as after `git clone`, minus the checkout: HEAD names the default branch (unborn)
            repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/" + default_name)

    def _ensure_commit(self, rev: str) -> bytes:
        """The commit id for ``rev`` in the local clone, cloning/fetching as needed."""
        with self._lock:
            if not self.exists_locally():
                self.fetch()
            sha = self._local_commit(rev)
            if sha is None and not self._fetched:
                self.fetch()
                sha = self._local_commit(rev)
            if sha is None and self.offline is not None:
                self._offline_revision(rev)
            if sha is None and _HEX40_STR.match(rev):
                # not advertised by any ref: ask for it directly (servers may allow it)
                from dulwich.repo import Repo

                try:
                    with Repo(self.path) as repo:
                        self._count("fetch")
                        self._fetch_into(repo, clone=False, extra_wants=[rev.encode("ascii")])
                except SourceError:
                    pass
                sha = self._local_commit(rev)
            if sha is None:
                raise SourceError(f"revision {rev} does not exist in {self.url}", self.url,
                                  f"revision {rev} not found")
            return sha

    def _local_commit(self, rev: str) -> bytes | None:
        """Resolve ``rev`` (full/abbreviated sha, tag or branch name) to a commit locally."""
        try:
            repo = self._repo()
        except _Corrupt:
            self._discard_local()
            self.fetch()
            repo = self._repo()
        try:
            return self._peel_to_commit(repo, rev)
        finally:
            repo.close()

    @staticmethod
    def _peel_to_commit(repo, rev: str) -> bytes | None:
        from dulwich.objects import Commit, Tag

        candidates: list[bytes] = []
        if _HEX40_STR.match(rev):
            candidates.append(rev.encode("ascii"))
        else:
            b = rev.encode("utf-8", "surrogateescape")
            for ref in (b"refs/tags/" + b, b"refs/remotes/origin/" + b, b"refs/heads/" + b, b):
                try:
                    candidates.append(repo.refs[ref])
                    break
                except (KeyError, ValueError):
                    continue
            if not candidates and _HEXPREFIX.match(rev):
                found = _expand_prefix(repo, rev.lower())
                if found:
                    candidates.append(found)
        for sha in candidates:
            for _ in range(32):
                if sha not in repo.object_store:
                    return None
                obj = repo[sha]
                if isinstance(obj, Tag):
                    sha = obj.object[1]
                    continue
                return sha if isinstance(obj, Commit) else None
        return None

    def _has_revision(self, rev: str) -> bool:
        """dep's IsReference: ``rev`` names a commit in the local clone."""
        if not self.exists_locally():
            return False
        try:
            return self._local_commit(rev) is not None
        except Exception:
            return False

    def resolve_revision(self, text: str) -> str:
        """The full commit id for ``text`` (a sha, an abbreviated sha, a tag or branch)."""
        return self._ensure_commit(text).decode("ascii")

    # -- reading trees

    def read_file(self, rev: str, path: str) -> bytes | None:
        """The file at ``path`` in revision ``rev`` (symlinks inside the tree followed), or None."""
        def run():
            from dulwich.objects import Blob, Tree

            commit = self._ensure_commit(rev)
            with self._repo() as repo:
                root = repo[commit].tree
                parts = [p for p in path.split("/") if p]
                for _ in range(40):
                    tree_sha = root
                    mode = _stat.S_IFDIR
                    sha = root
                    for i, part in enumerate(parts):
                        tree = repo[tree_sha]
                        if not isinstance(tree, Tree):
                            return None
                        try:
                            mode, sha = tree[part.encode("utf-8", "surrogateescape")]
                        except KeyError:
                            return None
                        if _stat.S_ISLNK(mode):
                            target = repo[sha].data.decode("utf-8", "surrogateescape")
                            if target.startswith("/"):
                                return None
                            base = parts[:i]
                            rest = parts[i + 1:]
                            parts = _norm_parts(base + target.split("/") + rest)
                            if parts is None:
                                return None
                            break
                        tree_sha = sha
                    else:
                        obj = repo[sha]
                        return obj.data if isinstance(obj, Blob) else None
                return None

        return self._with_repair(run)

    def export(self, rev: str, dest: str, *, only=None) -> None:
        """Write the tree of ``rev`` into ``dest`` (new or empty): files (exec bits kept),
        symlinks, and submodules. No ``.git``.

        A submodule is an empty directory, as dep's ``git checkout-index`` leaves it (so
        digests match every lock dep wrote), unless the DEPSUBMODULES opt-in is on
        (``submodules_exported()``): then its pinned commit is fetched into the cache and
        written too, recursively, within ``_MAX_SUBMODULES``.

        ``only(relpath) -> bool`` may skip regular files (directories and symlinks are always
        written); used for package analysis.
        """
        self._export(rev, dest, only, 0, [_MAX_SUBMODULES] if submodules_exported() else None)

    def _export(self, rev: str, dest: str, only, depth: int, budget: list[int] | None) -> bool:
        """``budget``: how many more submodules may be exported (shared by all levels), or
        None when submodules stay empty directories."""
        if depth > _MAX_SUBMODULE_DEPTH:
            raise SourceError(f"submodules nested too deeply in {self.url}", self.url)

        def run():
            commit = self._ensure_commit(rev)
            os.makedirs(dest, exist_ok=True)
            if attempts:  # a retry after repairing the clone: start again from empty
                _empty_dir(dest)
            attempts.append(1)
            with self._repo() as repo:
                return self._write_tree(repo, commit, os.fsencode(dest), only, depth, budget)

        attempts: list[int] = []

        return self._with_repair(run)

    def _with_repair(self, fn):
        """Run ``fn``; if the local clone turns out damaged, clone again and retry once."""
        try:
            return fn()
        except SourceError:
            raise
        except _corruption_types() as e:
            first = _cause(e)
        with self._lock:
            self._discard_local()
            self._clone()
        try:
            return fn()
        except SourceError:
            raise
        except _corruption_types() as e:
            cause = _cause(e)
            raise SourceError(f"the git repository for {self.url} is damaged ({first}; then {cause})",
                              self.url, cause) from None

    def _write_tree(self, repo, commit: bytes, dest: bytes, only, depth: int, budget: list[int] | None) -> bool:
        """Write the commit's tree under ``dest``; returns True if a ``*.go`` symlink was seen.

        ``dest`` starts empty, so every name is created new (``O_EXCL``, ``mkdir``, never
        replacing what is there): a tree that names one path twice (a duplicate entry, or two
        names one file system takes as the same) is refused, since its second entry could
        turn a directory written a moment ago into a symlink that the next files would be
        written through."""
        from dulwich.objects import S_ISGITLINK

        obj = repo[commit]
        tree_sha = obj.tree
        store = repo.object_store
        saw_go_link = False
        submodules: list[tuple[bytes, bytes]] = []
        stack = [(tree_sha, b"")]
        with _BlobReader(store) as blobs:
            while stack:
                tsha, rel = stack.pop()
                tree = store[tsha]
                for entry in tree.iteritems():
                    name, mode, sha = entry.path, entry.mode, entry.sha
                    if _refused_name(name):
                        raise SourceError(f"invalid path {os.fsdecode(rel + name)!r} in {self.url}", self.url)
                    relpath = rel + name
                    full = dest + b"/" + relpath
                    try:
                        if _stat.S_ISDIR(mode):
                            os.mkdir(full)
                            stack.append((sha, relpath + b"/"))
                            continue
                        if S_ISGITLINK(mode):
                            os.mkdir(full)
                            submodules.append((relpath, sha))
                            continue
                        if _stat.S_ISLNK(mode):
                            if name.endswith(b".go"):
                                saw_go_link = True
                            os.symlink(store[sha].data, full)
                            continue
                        if only is not None and not only(os.fsdecode(relpath)):
                            continue
                        fd = os.open(full, _CREATE_FLAGS, 0o777 if mode & 0o111 else 0o666)
                    except FileExistsError:
                        raise SourceError(
                            f"{self.url} at {commit.decode()}: the path {os.fsdecode(relpath)!r} occurs twice "
                            "in its tree (a duplicate entry, or names this file system does not tell apart); "
                            "refusing to export it", self.url) from None
                    else:
                        try:
                            for chunk in blobs.chunks(sha):
                                view = memoryview(chunk)
                                while view:
                                    n = os.write(fd, view)
                                    view = view[n:]
                        finally:
                            os.close(fd)
        if submodules and budget is not None:
            urls = self._submodule_urls(repo, tree_sha)
            for relpath, sha in submodules:
                rel = os.fsdecode(relpath)
                url = urls.get(rel)
                subdir = dest + b"/" + relpath
                if not url:
                    self._skip_submodule(subdir, f"no url found for submodule path '{rel}' in .gitmodules")
                    continue
                if budget[0] <= 0:
                    self._skip_submodule(subdir, f"submodule '{rel}': more than {_MAX_SUBMODULES} submodules "
                                                 "in one project; the rest are left empty, as dep leaves them")
                    continue
                if _is_local(resolve_url(url)) is not None and not _local_submodules_allowed():
                    self._skip_submodule(subdir, f"submodule '{rel}': its URL {url} is a local path; git "
                                                 "refuses that for submodules unless protocol.file.allow is "
                                                 "'always' in your git config")
                    continue
                budget[0] -= 1
                sub = _submodule_source(url, self.cachedir, self.metadata, self.offline)
                sub_only = None if only is None else (lambda p, _r=rel, _o=only: _o(_r + "/" + p))
                try:
                    if sub._export(sha.decode("ascii"), os.fsdecode(subdir), sub_only, depth + 1, budget):
                        saw_go_link = True
                except SourceError as e:
                    self._skip_submodule(subdir, f"submodule '{rel}': {e}")
        return saw_go_link

    def _skip_submodule(self, subdir: bytes, why: str) -> None:
        """An unreachable submodule is left as an empty directory, which is all dep exports of
        any submodule; the reason is kept in ``self.warnings`` for the caller to show."""
        os.makedirs(subdir, exist_ok=True)
        self.warnings.append(f"{self.url}: {why}")

    def _submodule_urls(self, repo, tree_sha: bytes) -> dict[str, str]:
        from dulwich.config import ConfigFile, parse_submodules

        try:
            _, sha = repo[tree_sha][b".gitmodules"]
        except KeyError:
            return {}
        try:
            cfg = ConfigFile.from_file(io.BytesIO(repo[sha].data))
        except Exception as e:
            raise SourceError(f"malformed .gitmodules in {self.url}: {_cause(e)}", self.url) from None
        out = {}
        for path, url, _name in parse_submodules(cfg):
            p = path.decode("utf-8", "surrogateescape").strip("/")
            out[p] = _join_submodule_url(self.url, url.decode("utf-8", "surrogateescape"))
        return out

    @contextmanager
    def analysis_dir(self, rev: str) -> Iterator[str]:
        """A temporary directory with every directory, symlink and ``*.go`` file of ``rev``
        (submodules included: dep analyses a checkout after ``git submodule update``, though
        it vendors them empty); everything when a ``*.go`` symlink might point at a skipped file."""
        tmp = tempfile.mkdtemp(prefix="dep-analysis-")
        try:
            if self._export(rev, tmp, _go_only, 0, [_MAX_SUBMODULES]):
                shutil.rmtree(tmp)
                os.mkdir(tmp)
                self._export(rev, tmp, None, 0, [_MAX_SUBMODULES])
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def package_tree(self, rev: str, import_root: str):
        """dep's ListPackages of ``rev``, read straight from the object store: only the trees
        the walk enters (never vendor/) and the ``*.go`` blobs it reads; no file is written.
        Messages name ``<cachedir>/sources/<name>/...``, the checkout dep lists packages in.
        When that cannot give exactly what an export would (see ``_NeedsExport``), an export
        is analysed instead."""
        from dep.pkgtree import PackageTree, walk_packages

        def run():
            commit = self._ensure_commit(rev)
            tree = PackageTree(import_root, {})
            with self._repo() as repo, _BlobReader(repo.object_store) as blobs:
                scan, read = _store_walkers(repo.object_store, blobs)
                walk_packages(tree, repo[commit].tree, self.path, scan, read)
            return tree

        try:
            return self._with_repair(run)
        except _NeedsExport:
            return super().package_tree(rev, import_root)


def _write_packed_refs(repo, changes: Mapping[bytes, bytes | None], peeled: Mapping[bytes, bytes]) -> None:
    """Apply ``changes`` (None deletes) to packed-refs, writing correct peeled lines for
    annotated tags (dulwich's own writer claims "peeled" without them), and drop the loose
    copies of the changed refs."""
    from dulwich.file import GitFile
    from dulwich.objects import Tag

    store = repo.object_store
    current = dict(repo.refs.get_packed_refs())
    known_peeled = {}
    for name in current:
        p = repo.refs.get_peeled(name)
        if p is not None:
            known_peeled[name] = p
    for name, sha in changes.items():
        known_peeled.pop(name, None)
        if sha is None:
            current.pop(name, None)
        else:
            current[name] = sha
    path = os.path.join(repo.controldir(), "packed-refs")
    with GitFile(path, "wb") as f:
        f.write(b"# pack-refs with: peeled fully-peeled sorted \n")
        for name in sorted(current):
            sha = current[name]
            f.write(sha + b" " + name + b"\n")
            if not name.startswith(b"refs/tags/"):
                continue
            p = known_peeled.get(name) or peeled.get(name)
            if p is None:
                obj = store[sha]
                p = sha
                while isinstance(obj, Tag):
                    p = obj.object[1]
                    obj = store[p]
            if p != sha:
                f.write(b"^" + p + b"\n")
    for name in changes:
        try:
            os.remove(os.path.join(repo.controldir(), os.fsdecode(name)))
        except OSError:
            pass


_CHUNK = 1 << 20
_BLOB_TYPE = 3  # git's object type number for a blob, in packs and loose headers alike


class _BlobReader:
    """Blob contents of one object store in pieces of at most a MiB, decompressed as they
    are read, so a large file costs a MiB of memory rather than several times its size.
    Pack files stay open for the reader's life (one export), so a small blob costs a seek
    and a read of about its own size. Deltified pack entries (whose base is needed whole
    anyway) go through dulwich's resolver."""

    def __init__(self, store) -> None:
        self.store = store
        self._files: dict = {}

    def __enter__(self) -> _BlobReader:
        return self

    def __exit__(self, *exc) -> None:
        for f in self._files.values():
            f.close()

    def chunks(self, sha: bytes) -> Iterator[bytes]:
        from dulwich.objects import hex_to_sha

        raw = hex_to_sha(sha)
        for pack in self.store.packs:
            try:
                offset = pack.index.object_offset(raw)
            except KeyError:
                continue
            return self._pack_chunks(pack, offset, sha)
        path = self.store._get_shafile_path(sha)
        if os.path.exists(path):
            return _loose_blob_chunks(path, sha)
        type_num, data = self.store.get_raw(sha)  # alternates: rare, and whole
        if type_num != _BLOB_TYPE:
            raise _Corrupt(f"{sha.decode()} is not a blob")
        return iter((data,))

    def _pack_chunks(self, pack, offset: int, sha: bytes) -> Iterator[bytes]:
        import zlib

        path = pack.data.path
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = open(path, "rb", buffering=0)
        f.seek(offset)
        head = f.read(16)  # type and size: at most 10 bytes for any size below 2**64
        byte, k = head[0], 1
        type_num, size, shift = (byte >> 4) & 7, byte & 15, 4
        while byte & 0x80 and k < len(head):
            byte = head[k]
            k += 1
            size |= (byte & 0x7F) << shift
            shift += 7
        if type_num not in (_BLOB_TYPE, 6, 7):  # 6, 7: offset and reference deltas
            raise _Corrupt(f"{sha.decode()} is not a blob")
        if type_num != _BLOB_TYPE:
            resolved_type, chunks = pack.resolve_object(offset, *pack.data.get_object_at(offset))
            if resolved_type != _BLOB_TYPE:
                raise _Corrupt(f"{sha.decode()} is not a blob")
            return iter(chunks if isinstance(chunks, list) else (chunks,))
        f.seek(offset + k)
        return _inflate(f, zlib.decompressobj(), size, sha)


def _inflate(f, d, expected: int, sha: bytes) -> Iterator[bytes]:
    """Decompress the rest of the zlib stream ``d`` is reading from ``f``, at most a chunk
    of output at a time (a small, very compressible input must not expand all at once).
    Reads ask for about what is left (zlib never grows data by more than a few bytes per
    16 KiB), so a small object costs one small read."""
    n = 0
    data = b""
    while not d.eof:
        if not data:
            data = f.read(min(_CHUNK, expected - n + (expected - n) // 1024 + 64))
            if not data:
                break
        out = d.decompress(data, _CHUNK)
        data = d.unconsumed_tail
        n += len(out)
        if n > expected:
            break
        if out:
            yield out
    if n != expected or not d.eof:
        raise _Corrupt(f"object {sha.decode()} does not have the size its header gives")


def _loose_blob_chunks(path: str, sha: bytes) -> Iterator[bytes]:
    import zlib

    with open(path, "rb") as f:
        d = zlib.decompressobj()
        head = b""
        while b"\0" not in head:
            data = f.read(64)
            if not data or len(head) > 64:
                raise _Corrupt(f"loose object {sha.decode()} has no header")
            head += d.decompress(data)
        header, _, first = head.partition(b"\0")
        kind, _, size_text = header.partition(b" ")
        if kind != b"blob" or not size_text.isdigit():
            raise _Corrupt(f"{sha.decode()} is not a blob")
        size = int(size_text)
        if first:
            yield first
        yield from _inflate(f, d, size - len(first), sha)


_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _copy_file(src: str, dst: str) -> None:
    """Copy (never hard-link: damage to the cache must not reach the upstream, nor back)."""
    shutil.copyfile(src, dst)


def _go_only(rel: str) -> bool:
    return rel.endswith(".go")


class _NeedsExport(Exception):
    """The object-store analysis cannot match an analysis of the exported tree: a ``*.go``
    symlink to read (its target may be anywhere, or nowhere), a submodule to enter (its
    contents live in another repository), a directory whose path makes Go's ``*.go`` a glob
    pattern over other directories, or a name the export refuses (it says why)."""


class _StoreEntry:
    """A tree entry named ``*.go``, as ``pkgtree.walk_packages`` wants it."""

    __slots__ = ("name", "path", "mode", "sha")

    def __init__(self, name: str, path: str, mode: int, sha: bytes) -> None:
        self.name, self.path, self.mode, self.sha = name, path, mode, sha


def _store_walkers(store, blobs: _BlobReader):
    """``(scan, read)`` for ``pkgtree.walk_packages`` over git tree objects (a node is a tree
    id, None for a submodule); they raise ``_NeedsExport`` where only an export can tell."""
    from dulwich.objects import S_ISGITLINK, Tree

    def scan(tree_sha: bytes | None, dir_path: str, glob_meta: bool):
        if tree_sha is None or glob_meta:
            raise _NeedsExport
        tree = store[tree_sha]
        if not isinstance(tree, Tree):
            raise _Corrupt(f"{tree_sha.decode()} is not a tree")
        go_files, subdirs = [], []
        for entry in sorted(tree.iteritems(), key=_entry_name):
            name, mode = entry.path, entry.mode
            if _refused_name(name):
                raise _NeedsExport
            text = os.fsdecode(name)
            if _stat.S_ISDIR(mode):
                subdirs.append((text, entry.sha))
            elif S_ISGITLINK(mode):
                subdirs.append((text, None))
            if name.endswith(b".go"):
                go_files.append(_StoreEntry(text, os.path.join(dir_path, text), mode, entry.sha))
        return go_files, subdirs

    def read(entry: _StoreEntry) -> bytes | None:
        if _stat.S_ISLNK(entry.mode):
            raise _NeedsExport
        if _stat.S_ISDIR(entry.mode) or S_ISGITLINK(entry.mode):
            return None  # a directory named *.go, which Go passes over
        return b"".join(blobs.chunks(entry.sha))

    return scan, read


def _entry_name(entry) -> bytes:
    return entry.path


def _refused_name(name: bytes) -> bool:
    """A tree entry name the export refuses to write (it would escape or name ``.git``)."""
    return name in (b".", b"..") or b"/" in name or b"\0" in name or name.lower() == b".git"


def _empty_dir(path: str) -> None:
    """Remove everything inside ``path`` (symlinks as links, never what they point at)."""
    with os.scandir(path) as entries:
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path)
            else:
                os.remove(e.path)


def _norm_parts(parts: list[str]) -> list[str] | None:
    out: list[str] = []
    for p in parts:
        if p in ("", "."):
            continue
        if p == "..":
            if not out:
                return None
            out.pop()
            continue
        out.append(p)
    return out


def _expand_prefix(repo, prefix: str) -> bytes | None:
    """The one object whose id starts with ``prefix`` (None when absent or ambiguous)."""
    pb = prefix.encode("ascii")
    found = None
    for sha in repo.object_store:
        if sha.startswith(pb):
            if found is not None and found != sha:
                return None
            found = sha
    return found


def _join_submodule_url(base: str, url: str) -> str:
    """git's resolution of a relative submodule URL (``./x``, ``../x``) against the
    superproject's URL (``git submodule``'s relative_url); other URLs are returned unchanged."""
    if not (url.startswith("./") or url.startswith("../")):
        return url
    remote = base[:-1] if base.endswith("/") else base
    colonsep = False
    while True:
        if url.startswith("../"):
            url = url[3:]
            i = remote.rfind("/")
            if i >= 0:
                remote, colonsep = remote[:i], False
            else:
                j = remote.rfind(":")
                if j >= 0:
                    remote, colonsep = remote[:j], True
                else:
                    remote = "."
        elif url.startswith("./"):
            url = url[2:]
        else:
            break
    return remote + (":" if colonsep else "/") + url


def _submodule_source(url: str, cachedir: str, metadata: MetadataCache | None, offline=None) -> GitSource:
    key = (cachedir, url, id(metadata), id(offline))
    with _SUBMODULE_LOCK:
        src = _SUBMODULE_SOURCES.get(key)
        if src is None:
            src = GitSource(url, cachedir, metadata=metadata, offline=offline)
            _SUBMODULE_SOURCES[key] = src
        return src
