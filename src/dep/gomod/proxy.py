"""A client for Go's module proxy protocol (GOPROXY), with dep's download cache.

Requests are ``<base>/<escaped module>/@v/list``, ``@v/<escaped version>.info``, ``.mod``,
``.zip`` and ``/@latest`` (cmd/go/internal/modfetch/proxy.go); a revision query is
``@v/<revision>.info``. Bases are ``https://``, ``http://`` (the go command allows plain
HTTP for a GOPROXY URL, but never sends credentials over it) and ``file://`` (a directory
tree; a missing file is "not found"). 404 and 410 mean "not found" (:class:`ProxyNotFound`),
which a ``,`` in GOPROXY lets fall through to the next entry; any other status or transport
error is a :class:`ProxyError`, which only ``|`` lets fall through (:func:`walk_proxies`).

A proxy is untrusted: module paths and versions are checked before they name a file, only
canonical versions are accepted back, every body has a size cap (module zips Go's 500 MiB,
the rest 16 MiB) and a deadline, and nothing is written outside ``<cachedir>/pydep-proxy/``:

* ``download/<escaped module>/@v/<escaped version>.{info,mod,zip}``: immutable, shared by
  all bases like the go command's module cache;
* ``queries/<base>/...``: lists, ``@latest`` and revision queries, per base URL, refreshed
  on every online use.

With ``offline=True`` only that cache is read, and a miss is an :class:`OfflineError`.
HTTP goes through dep.sources.discovery's stack (HTTP(S)_PROXY/NO_PROXY, redirects,
deadline); each request counts as ``proxy-get`` in dep.sources.vcs.NETWORK_OPS.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import NamedTuple

from dep.errors import DepError
from dep.gomod import module as _module
from dep.gomod import semver
from dep.gomod.pseudo import is_pseudo_version
from dep.sources.vcs import NETWORK_OPS, SourceError

__all__ = ["DIRECT", "MAX_META", "MAX_ZIP_FILE", "ModuleInfo", "OfflineError", "ProxyClient",
           "ProxyError", "ProxyNotFound", "walk_proxies"]

MAX_ZIP_FILE = 500 << 20  # codehost.MaxZipFile
MAX_META = 16 << 20  # lists, .info, .mod (codehost.MaxGoMod)
ZIP_DEADLINE_FACTOR = 30  # a zip may take this many times the per-request limit
_CHUNK = 1 << 16


class ProxyError(SourceError):
    """A proxy request failed (bad status, transport error, invalid answer)."""


class ProxyNotFound(ProxyError):
    """The proxy does not have it (404, 410, missing file): the next GOPROXY entry may."""


class OfflineError(ProxyError):
    """Offline, and the cache does not hold what is needed."""


class ModuleInfo(NamedTuple):
    """A ``.info`` answer: canonical version, commit time (RFC 3339 text) and the VCS
    revision it came from when the proxy says (``Origin.Hash``)."""

    version: str
    time: str
    origin_hash: str | None


class _Direct:
    def __repr__(self) -> str:
        return "DIRECT"


#: What walk_proxies returns when GOPROXY says to go to the repository itself.
DIRECT = _Direct()


def _escaped(path: str, version: str | None = None) -> tuple[str, str]:
    """The escaped module path and version, checked before they name a file or URL."""
    try:
        enc_path = _module.escape_path(path)
        enc_version = _module.escape_version(version) if version is not None else ""
    except DepError as exc:
        at = f"@{version}" if version is not None else ""
        raise ProxyError(f"{path}{at}: {exc}") from None
    return enc_path, enc_version


def _is_canonical(version: str) -> bool:
    return bool(version) and _module.canonical_version(version) == version


def _parse_info(data: bytes, where: str) -> ModuleInfo:
    """A ``.info`` body: JSON with a canonical Version, an RFC 3339 Time if any."""
    import datetime

    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProxyError(f"{where}: invalid JSON: {' '.join(str(exc).split())}") from None
    if not isinstance(doc, dict):
        raise ProxyError(f"{where}: invalid JSON: not an object")
    version, time = doc.get("Version"), doc.get("Time", "")
    if not isinstance(version, str) or not _is_canonical(version):
        raise ProxyError(f"{where}: Version {json.dumps(version)[:80]} is not a canonical "
                         f"module version")
    if not isinstance(time, str):
        raise ProxyError(f"{where}: Time is not a string")
    if time:
        try:
            datetime.datetime.fromisoformat(time.replace("Z", "+00:00"))
        except ValueError:
            raise ProxyError(f"{where}: Time {json.dumps(time)[:80]} is not RFC 3339") from None
    origin = doc.get("Origin")
    hash_ = origin.get("Hash") if isinstance(origin, dict) else None
    # a revision ends up in Gopkg.lock: only a full commit id (git SHA-1/SHA-256, hg) is one
    ok = isinstance(hash_, str) and len(hash_) in (40, 64) and not hash_.strip("0123456789abcdef")
    return ModuleInfo(version, time, hash_ if ok else None)


def _version_fits(path: str, version: str) -> bool:
    """module.Check: the version can be one of the module's (major version suffix)."""
    try:
        _module.check(path, version)
    except DepError:
        return False
    return True


def _list_versions(data: bytes) -> list[str]:
    """Versions: the first field of each line when valid semver and not a pseudo-version,
    sorted (canonical ones only: a module version is always canonical)."""
    out = set()
    for line in data.decode("utf-8", "replace").split("\n"):
        fields = line.split()
        if fields and _is_canonical(fields[0]) and not is_pseudo_version(fields[0]):
            out.add(fields[0])
    return semver.sort_versions(out)


def _safe_name(base: str) -> str:
    """A directory name for a base URL: readable, and unique through a hash."""
    import hashlib
    import re

    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", base.split("://", 1)[-1]).strip("._-")[:60]
    return f"{readable or 'base'}-{hashlib.sha256(base.encode()).hexdigest()[:12]}"


def _write_atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def read_if_present(path: str) -> bytes | None:
    """A cache file's bytes, or None when it is missing or unreadable (a cache miss)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


class ProxyClient:
    """One GOPROXY base URL and dep's cache of what it served."""

    def __init__(self, base_url: str, cachedir: str, *, offline: bool = False,
                 environ: Mapping[str, str] | None = None) -> None:
        from dep.gomod.goenv import proxy_url_problem
        from dep.sources.deduce import GoURL

        why = proxy_url_problem(base_url)
        if why:
            raise ProxyError(f"GOPROXY entry {base_url}: {why}", base_url, why)
        u = GoURL.parse(base_url)
        self.base_url = base_url
        self.offline = offline
        self._environ = environ
        self._url = u
        #: The base URL with its password hidden (url.URL.Redacted), for messages.
        self.redacted = base_url
        if u.user and u.user[1] is not None:
            import dataclasses
            self.redacted = str(dataclasses.replace(u, user=(u.user[0], "xxxxx")))
        self.root = os.path.join(cachedir, "pydep-proxy")
        self._queries = os.path.join(self.root, "queries", _safe_name(self.redacted))
        self._netrc = None

    def __repr__(self) -> str:
        return f"ProxyClient({self.redacted!r})"

    # -- the protocol

    def list(self, path: str) -> list[str]:
        """The module's tagged versions (``@v/list``), sorted; pseudo-versions and
        non-canonical lines are left out as the go command does."""
        enc, _ = _escaped(path)
        data = self._query(f"{enc}/@v/list", what=f"{path}: version list")
        return _list_versions(data)

    def info(self, path: str, query: str) -> ModuleInfo:
        """The ``.info`` for a version, a revision (``@v/<rev>.info``) or ``latest``."""
        if query == "latest":
            return self._latest(path)
        enc, enc_query = _escaped(path, query)
        if _is_canonical(query) and _version_fits(path, query):
            # the proxy must answer with exactly this version (proxyRepo.Stat)
            return self._parse(self._download(enc, enc_query, ".info", f"{path}@{query}"),
                               path, query)
        try:
            data = self._query(f"{enc}/@v/{enc_query}.info", what=f"{path}@{query}")
        except ProxyNotFound:
            data = self._file_revision_info(enc, query)
            if data is None:
                raise
        info = self._parse(data, path, query)
        self._remember_info(path, info.version, data)
        return info

    def _file_revision_info(self, enc: str, rev: str) -> bytes | None:
        """A ``file://`` tree cannot answer a revision query; the ``.info`` there whose
        ``Origin`` names the revision (a tag's over a pseudo-version's) answers it instead."""
        import re

        if self._url.scheme != "file" or not re.fullmatch(r"[0-9a-f]{7,64}", rev):
            return None
        vdir = os.path.join(self._url.path.rstrip("/") or "/", *enc.split("/"), "@v")
        found = []
        try:
            names = [n for n in os.listdir(vdir) if n.endswith(".info")]
        except OSError:
            return None
        for name in names:
            data = read_if_present(os.path.join(vdir, name))
            try:
                origin = (json.loads(data or b"{}").get("Origin") or {}).get("Hash", "")
            except (ValueError, AttributeError):
                continue
            if isinstance(origin, str) and origin.startswith(rev):
                found.append((is_pseudo_version(name[:-len(".info")]), name, data))
        return min(found)[2] if found else None

    def mod(self, path: str, version: str) -> bytes:
        """The go.mod of a module version."""
        enc, enc_version = self._canonical(path, version)
        return self._download(enc, enc_version, ".mod", f"{path}@{version}")

    def zip(self, path: str, version: str,
            progress: Callable[[int, int | None], None] | None = None) -> str:
        """The local path of the module zip in dep's cache, downloading it (streamed,
        capped at MAX_ZIP_FILE) when missing; ``progress(done, total or None)``."""
        enc, enc_version = self._canonical(path, version)
        target = self._download_path(enc, enc_version, ".zip")
        if os.path.isfile(target):
            return target
        what = f"{path}@{version}"
        if self.offline:
            raise self._offline_miss(f"{what}: module zip")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-", suffix=".zip")
        try:
            with os.fdopen(fd, "wb") as out:
                self._get(f"{enc}/@v/{enc_version}.zip", what, MAX_ZIP_FILE, out, progress)
            import zipfile
            if not zipfile.is_zipfile(tmp):
                raise ProxyError(f"{what}: {self._url_for(enc, enc_version, '.zip')} "
                                 f"is not a zip file")
            os.replace(tmp, target)
        except BaseException:
            _remove(tmp)
            raise
        return target

    def sumdb_supported(self, name: str) -> bool:
        """Whether the proxy proxies checksum database ``name`` (``/sumdb/<name>/supported``
        answers 200; 404/410: it does not)."""
        try:
            self.sumdb_get(name, "supported")
        except ProxyNotFound:
            return False
        return True

    def sumdb_get(self, name: str, rel: str) -> bytes:
        """``<base>/sumdb/<name>/<rel>`` (for dep.gomod.sumdb); never cached here."""
        for part in (name, rel):
            _check_rel(f"checksum database {name}", part)
        if self.offline:
            raise self._offline_miss(f"checksum database {name}: {rel}")
        return self._get(f"sumdb/{name}/{rel}", f"checksum database {name}", MAX_META)

    def get(self, rel: str, what: str) -> bytes:
        """``<base>/<rel>`` for a checksum database reached directly (GOSUMDB's URL)."""
        _check_rel(what, rel)
        if self.offline:
            raise self._offline_miss(f"{what}: {rel}")
        return self._get(rel, what, MAX_META)

    # -- caching

    def _canonical(self, path: str, version: str) -> tuple[str, str]:
        enc, enc_version = _escaped(path, version)
        if not _is_canonical(version):
            raise ProxyError(f"{path}@{version}: not a canonical module version")
        return enc, enc_version

    def _download_path(self, enc: str, enc_version: str, ext: str) -> str:
        return os.path.join(self.root, "download", *enc.split("/"), "@v", enc_version + ext)

    def _download(self, enc: str, enc_version: str, ext: str, what: str) -> bytes:
        """An immutable file of the download cache, fetched and kept when missing."""
        target = self._download_path(enc, enc_version, ext)
        data = read_if_present(target)
        if data is not None:
            return data
        if self.offline:
            raise self._offline_miss(f"{what}: {ext[1:]} file")
        data = self._get(f"{enc}/@v/{enc_version}{ext}", what, MAX_META)
        if ext == ".info":  # never keep an answer that is not the one asked for
            path, _, version = what.partition("@")
            self._parse(data, path, version)
        _write_atomic(target, data)
        return data

    def _remember_info(self, path: str, version: str, data: bytes) -> None:
        """Keep a revision query's answer as the version's .info too, as the go command."""
        try:
            enc, enc_version = _escaped(path, version)
        except ProxyError:
            return
        target = self._download_path(enc, enc_version, ".info")
        if not os.path.exists(target):
            _write_atomic(target, data)

    def _query(self, rel: str, *, what: str) -> bytes:
        """An answer that may change (lists, revision and latest queries): fetched online
        and kept per base URL; offline, the kept answer."""
        cached = os.path.join(self._queries, *rel.split("/"))
        if self.offline:
            data = read_if_present(cached)
            if data is None:
                raise self._offline_miss(what)
            return data
        data = self._get(rel, what, MAX_META)
        _write_atomic(cached, data)
        return data

    def _offline_miss(self, what: str) -> OfflineError:
        msg = (f"{what} from proxy {self.redacted} is not in the cache; "
               f"run once without -offline/DEPOFFLINE")
        return OfflineError(msg, self.base_url, "not in the cache")

    def _parse(self, data: bytes, path: str, query: str) -> ModuleInfo:
        """A valid .info; for a canonical version that fits the path, of that version."""
        info = _parse_info(data, f"{path}@{query}: invalid .info from proxy {self.redacted}")
        if info.version != query and _is_canonical(query) and _version_fits(path, query):
            raise ProxyError(f"{path}@{query}: proxy {self.redacted} returned info for "
                             f"version {info.version} instead of the requested version",
                             self.base_url, "wrong version")
        return info

    def _latest(self, path: str) -> ModuleInfo:
        """``@latest``; when the proxy has none, the newest dated line of ``@v/list``
        (pseudo-versions, or lines with a time), as the go command's proxy client."""
        enc, _ = _escaped(path)
        try:
            return self._parse(self._query(f"{enc}/@latest", what=f"{path}@latest"),
                               path, "latest")
        except ProxyNotFound:
            pass
        data = self._query(f"{enc}/@v/list", what=f"{path}: version list")
        import datetime

        from dep.gomod.pseudo import pseudo_version_time

        best, best_time = "", None
        for line in data.decode("utf-8", "replace").split("\n"):
            f = line.split()
            if not f or not _is_canonical(f[0]):
                continue
            try:
                if len(f) >= 2:
                    stamp = datetime.datetime.fromisoformat(f[1].replace("Z", "+00:00"))
                elif is_pseudo_version(f[0]):
                    stamp = pseudo_version_time(f[0])
                else:
                    continue
                if best_time is None or stamp > best_time:
                    best, best_time = f[0], stamp
            except (ValueError, TypeError, DepError):  # an unreadable time is no time
                continue
        if not best:
            raise ProxyNotFound(f"{path}@latest: no versions at proxy {self.redacted}",
                                self.base_url, "not found")
        return self.info(path, best)

    # -- transport

    def _url_for(self, enc: str, enc_version: str, ext: str) -> str:
        return f"{self.redacted.rstrip('/')}/{enc}/@v/{enc_version}{ext}"

    def _get(self, rel: str, what: str, limit: int, out=None,
             progress: Callable[[int, int | None], None] | None = None) -> bytes:
        """GET ``<base>/<rel>``: its body (or, with ``out``, written there), at most
        ``limit`` bytes. ProxyNotFound for 404/410/missing file, ProxyError otherwise."""
        if self._url.scheme == "file":
            return self._get_file(rel, what, limit, out, progress)
        return self._get_http(rel, what, limit, out, progress)

    def _fail(self, what: str, url: str, cause: str, cls=ProxyError) -> ProxyError:
        return cls(f"{what}: reading {url}: {cause}", self.base_url, cause)

    def _copy(self, read, what: str, url: str, limit: int, total: int | None, out, progress):
        chunks: list[bytes] = []
        done = 0
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            done += len(chunk)
            if done > limit:
                raise self._fail(what, url, f"answer larger than {limit} bytes "
                                            f"(the limit for this kind of file)")
            if out is not None:
                out.write(chunk)
            else:
                chunks.append(chunk)
            if progress is not None:
                progress(done, total)
        return b"".join(chunks)

    def _get_file(self, rel, what, limit, out, progress) -> bytes:
        url = f"{self.redacted.rstrip('/')}/{rel}"
        local = os.path.join(self._url.path.rstrip("/") or "/", *rel.split("/"))
        try:
            f = open(local, "rb")
        except FileNotFoundError:
            raise self._fail(what, url, "404 Not Found", ProxyNotFound) from None
        except OSError as exc:
            raise self._fail(what, url, exc.strerror or str(exc)) from None
        with f:
            try:
                total = os.fstat(f.fileno()).st_size
                return self._copy(f.read, what, url, limit, total, out, progress)
            except OSError as exc:
                raise self._fail(what, url, exc.strerror or str(exc)) from None

    def _auth(self) -> str | None:
        """Basic auth for https only (the go command sends none over plain HTTP): the
        URL's user info, else .netrc's entry for the host."""
        import base64

        from dep.sources.netrc import basic_auth_header, read_netrc

        u = self._url
        if u.scheme != "https":
            return None
        if u.user:
            raw = f"{u.user[0]}:{u.user[1] or ''}".encode("utf-8", "surrogateescape")
            return "Basic " + base64.b64encode(raw).decode("ascii")
        if self._netrc is None:
            self._netrc = read_netrc(self._environ)
        return basic_auth_header(u.host, self._netrc)

    def _get_http(self, rel, what, limit, out, progress) -> bytes:
        from urllib.parse import quote

        from dep.sources.discovery import Deadline, TransportError, open_url, total_timeout

        u = self._url
        shown = f"{self.redacted.rstrip('/')}/{rel}"
        if u.user and u.scheme != "https":
            raise self._fail(what, shown, f"refusing to pass credentials to insecure URL: "
                                          f"{self.redacted}")
        path = (u.escaped_path().rstrip("/") if u.path else "") + "/" + quote(rel, safe="/$&+:=@")
        url = f"{u.scheme}://{u.host}{path}"
        seconds = total_timeout(self._environ)
        deadline = Deadline(seconds * (ZIP_DEADLINE_FACTOR if out is not None else 1))
        NETWORK_OPS["proxy-get"] += 1
        try:
            try:
                resp = open_url(url, deadline=deadline, auth=self._auth(), env=self._environ,
                                secure_redirects=True)
            except TransportError as exc:
                raise self._fail(what, shown, str(exc)) from None
            with resp:
                status = resp.status if resp.status is not None else resp.code
                if status != 200:
                    cls = ProxyNotFound if status in (404, 410) else ProxyError
                    raise self._fail(what, shown, f"{status} {resp.reason}".strip(), cls)
                length = resp.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else None
                if total is not None and total > limit:
                    raise self._fail(what, shown, f"answer of {total} bytes is larger than "
                                                  f"{limit} (the limit for this kind of file)")

                def read(n: int) -> bytes:
                    try:
                        chunk = resp.read1(n)
                    except Exception as exc:
                        if deadline.expired:
                            raise self._fail(what, shown, deadline.message()) from None
                        from dep.sources.discovery import _describe
                        raise self._fail(what, shown, _describe(exc)) from None
                    if deadline.expired:
                        raise self._fail(what, shown, deadline.message())
                    return chunk

                return self._copy(read, what, shown, limit, total, out, progress)
        finally:
            deadline.close()


def walk_proxies(entries, path: str, op: Callable[[ProxyClient], object], *,
                 client_for: Callable[[str], ProxyClient]):
    """Go's TryProxies over GOPROXY ``entries``: ``op(client)`` for each proxy in turn until
    one succeeds (its result is returned). "Not found" (and an offline cache miss) moves on
    to the next entry; any other error only when ``|`` followed the entry. ``direct`` ends
    the walk with DIRECT; ``off`` fails. When all fail: one error naming every attempt,
    of the most telling kind (a proxy error over "not found")."""
    errors: list[ProxyError] = []
    best: ProxyError | None = None
    for entry in entries:
        if entry.url == "direct":
            return DIRECT
        if entry.url == "off":
            err: ProxyError = ProxyNotFound(f"{path}: module lookup disabled by GOPROXY=off (dep reads GOPROXY as "
                                            "the go command does; unset it, or put direct in it, for dep's VCS "
                                            "sources)", "off", "module lookup disabled by GOPROXY=off")
        else:
            try:
                return op(client_for(entry.url))
            except ProxyError as exc:
                err = exc
        errors.append(err)
        if best is None or _rank(err) >= _rank(best):
            best = err
        if entry.url == "off" or (not entry.fallback_on_any_error and _rank(err) == 2):
            break
    if best is None:
        raise ProxyNotFound(f"{path}: GOPROXY lists no proxy", "", "no proxy")
    if len(errors) == 1:
        raise best
    text = "; ".join(f"({i}) {e}" for i, e in enumerate(errors, 1))
    raise type(best)(f"{path}: every GOPROXY entry failed: {text}", best.url, best.cause)


def _check_rel(what: str, part: str) -> None:
    """Refuse a path element that could leave the base or change the request."""
    import posixpath

    norm = posixpath.normpath(part)
    if (not part or norm != part or part.startswith("/") or norm.startswith("..")
            or any(c in part for c in "?#%\\") or any(ord(c) < 0x21 for c in part)):
        raise ProxyError(f"{what}: invalid path {part!r}")


def _rank(err: ProxyError) -> int:
    """How telling an error is: not found < not in the offline cache < anything else."""
    if isinstance(err, OfflineError):
        return 1
    return 0 if isinstance(err, ProxyNotFound) else 2
