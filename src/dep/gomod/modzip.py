"""Which files a module zip holds, as the go command builds it from git (``GOPROXY=direct``).

The go command (cmd/go modfetch ``codeRepo.Zip``) runs ``git archive`` of the revision
(limited to the module's subdirectory), drops directory entries (so submodule gitlinks and
empty directories vanish), adds the repository root's LICENSE for a module in a subdirectory
that has none, and hands the rest to golang.org/x/mod/zip ``Create``, whose checks decide:

- omitted (silently): files in vendored packages (below ``vendor/<dir>/``; from ``go 1.24`` in
  the root go.mod also ``vendor/modules.txt`` and, for nested ``x/vendor/``, only files in
  its subdirectories), files of nested modules (a directory holding a regular file named
  ``go.mod`` in any letter case), ``.hg_archival.txt`` at the root, symlinks, other
  irregular files;
- invalid (the whole module is refused): unclean paths, names ``module.CheckFilePath``
  rejects, a root go.mod not spelled ``go.mod``, names equal under Unicode case folding,
  go.mod or LICENSE above 16 MiB; and the total above 500 MiB.

VCS directories (``.git``, ``.hg``, ...) are NOT skipped on this path (only zips made from a
plain directory skip them), and ``export-ignore``/``export-subst`` attributes are disabled by
the go command, so neither matters here. Not modelled: ``.gitattributes`` eol/``ident``
conversions that ``git archive`` would apply to file contents.

Trees are read from the object store with dulwich; blob contents stream in pieces.
"""

from __future__ import annotations

import posixpath
import re
import stat
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from dep.errors import DepError

__all__ = [
    "MAX_ZIP_FILE", "MAX_GO_MOD", "MAX_LICENSE",
    "ModZipError", "InvalidModuleFilesError", "ModuleTooLargeError", "RevisionError",
    "File", "CheckedFiles", "check_files", "module_files", "check_file_path",
    "revision_files", "h1_of_revision", "go_mod_of_revision", "h1_of_files", "write_zip",
    "is_vendored_package", "go_mod_lang", "files_of_revision", "Revision", "ModuleZip",
]

MAX_ZIP_FILE = 500 << 20
MAX_GO_MOD = 16 << 20
MAX_LICENSE = 16 << 20

_GITLINK = 0o160000


class ModZipError(DepError):
    """A module's files cannot make a module zip."""


class InvalidModuleFilesError(ModZipError):
    """Files the go command refuses to put in a module zip; ``errors`` lists (path, reason)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        path, reason = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"module zip: {_show(path)}: {reason}{more}")


class ModuleTooLargeError(ModZipError):
    """The module's files add up to more than the 500 MiB a module zip may hold."""


class RevisionError(ModZipError):
    """The revision, or the module's directory in it, cannot be read."""


@dataclass
class File:
    """One entry of the source tree: ``name`` relative to the module root (str; undecodable
    bytes kept as surrogate escapes), git ``mode``, ``size`` in bytes and ``open`` returning
    an iterator of content chunks."""

    name: str
    mode: int
    size: int
    open: Callable[[], Iterator[bytes]] = field(repr=False)

    @property
    def is_symlink(self) -> bool:
        return stat.S_ISLNK(self.mode)

    @property
    def is_regular(self) -> bool:
        return stat.S_ISREG(self.mode)

    def read(self) -> bytes:
        return b"".join(self.open())


@dataclass
class CheckedFiles:
    """zip.CheckFiles' verdict: valid files in zip order, omitted and invalid (path, reason)."""

    valid: list[File]
    omitted: list[tuple[str, str]]
    invalid: list[tuple[str, str]]
    size_error: str | None = None

    def raise_for_errors(self) -> None:
        if self.size_error:
            raise ModuleTooLargeError(f"module zip: {self.size_error}")
        if self.invalid:
            raise InvalidModuleFilesError(self.invalid)


# ---------------------------------------------------------------------------------------
# Names


def check_file_path(path: str) -> str | None:
    """Why module.CheckFilePath rejects ``path`` (surrogate escapes = invalid UTF-8), or None."""
    from dep.gomod.module import InvalidPathError
    from dep.gomod.module import check_file_path as check

    try:
        check(path)
    except InvalidPathError as e:
        return str(e)
    return None


def _show(path: str) -> str:
    from dep.gomod.module import go_quote

    return path if path.isprintable() else go_quote(path)


# ---------------------------------------------------------------------------------------
# Case folding (strings.EqualFold, via the smallest member of each rune's fold orbit)

_FOLD_CACHE: dict[str, str] = {}


def _fold_rune(r: str) -> str:
    got = _FOLD_CACHE.get(r)
    if got is not None:
        return got
    orbit = {r}
    todo = [r]
    while todo:
        c = todo.pop()
        for d in (c.lower(), c.upper(), c.title()):
            if len(d) == 1 and d not in orbit:
                orbit.add(d)
                todo.append(d)
    m = min(orbit)
    if "A" <= m <= "Z":
        m = m.lower()
    _FOLD_CACHE[r] = m
    return m


def _fold(s: str) -> str:
    if s.isascii():
        return s.lower()
    return "".join(_fold_rune(r) for r in s)




def _q(s: str) -> str:
    from dep.gomod.module import go_quote

    return go_quote(s)


class _Collisions:
    """zip's collisionChecker: folded path -> (path, is_dir), parents checked as dirs."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, bool]] = {}

    def check(self, p: str, is_dir: bool) -> str | None:
        while True:
            key = _fold(p)
            other = self.seen.get(key)
            if other is not None:
                if other[0] != p:
                    return f"case-insensitive file name collision: {_q(other[0])} and {_q(p)}"
                if other[1] != is_dir:
                    return f"entry {_q(p)} is both a file and a directory"
                if not is_dir:
                    return f"multiple entries for file {_q(p)}"
            else:
                self.seen[key] = (p, is_dir)
            parent = posixpath.dirname(p)
            if parent == "":
                return None
            p, is_dir = parent, True


# ---------------------------------------------------------------------------------------
# The root go.mod's go version (zip reads it with modfile.ParseLax to pick vendor rules)

_GO_VERSION_RE = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)")


def go_mod_lang(data: bytes) -> str:
    """``version.Lang`` of the go directive as ParseLax reads it ("go1.21"), "" when missing
    or when the file does not parse (which Go's zip code treats as older than any release)."""
    from dep.gomod.modfile import ModFileError, parse_gomod

    try:
        go = parse_gomod(data, lax=True).go
    except ModFileError:
        return ""
    m = _GO_VERSION_RE.match(go or "")
    return f"go{m.group(1)}.{m.group(2)}" if m else ""


def _lang_at_least(lang: str, major: int, minor: int) -> bool:
    m = re.match(r"^go(\d+)\.(\d+)$", lang)
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (major, minor)


def is_vendored_package(name: str, lang: str) -> bool:
    """zip's isVendoredPackage: whether ``name`` lies in a vendored package (dropped), for
    the root go.mod's language version ``lang`` ("" = none). From go1.24 vendor/modules.txt
    goes too, and a nested ``x/vendor/`` keeps its own files (Go issue 37397)."""
    new = _lang_at_least(lang, 1, 24)
    if new and name == "vendor/modules.txt":
        return True
    if name.startswith("vendor/"):
        i = len("vendor/")
    else:
        j = name.find("/vendor/")
        if j < 0:
            return False
        i = j + len("/vendor/") if new else len("/vendor/")
    return "/" in name[i:]


# ---------------------------------------------------------------------------------------
# zip.checkFiles


def _clean(p: str) -> bool:
    if p == "" or p.startswith("//"):
        return False
    return posixpath.normpath(p) == p


def check_files(files: Iterable[File]) -> CheckedFiles:
    """Sort ``files`` (in archive order) into valid, omitted and invalid, as zip.CheckFiles."""
    files = list(files)
    cf = CheckedFiles([], [], [])
    seen_err: set[str] = set()

    def add(p: str, omitted: bool, why: str) -> None:
        if p in seen_err:
            return
        seen_err.add(p)
        (cf.omitted if omitted else cf.invalid).append((p, why))

    have_go_mod: set[str] = set()
    lang = ""
    for f in files:
        d, _, base = f.name.rpartition("/")
        if _fold(base) == "go.mod" and f.is_regular:
            have_go_mod.add(d)
            if f.name == "go.mod":
                lang = go_mod_lang(f.read())

    def in_submodule(p: str) -> bool:
        while "/" in p:
            p = p.rpartition("/")[0]
            if p in have_go_mod:
                return True
        return False

    collisions = _Collisions()
    budget = MAX_ZIP_FILE
    for f in files:
        p = f.name
        if not _clean(p):
            add(p, False, "file path is not clean")
            continue
        if p.startswith("/"):
            add(p, False, "file path is not relative")
            continue
        if is_vendored_package(p, lang):
            add(p, True, "file is in vendor directory")
            continue
        if in_submodule(p):
            add(p, True, "file is in another module")
            continue
        if p == ".hg_archival.txt":
            add(p, True, "file is inserted by 'hg archive' and is always omitted")
            continue
        why = check_file_path(p)
        if why:
            add(p, False, why)
            continue
        if p.lower() == "go.mod" and p != "go.mod":
            add(p, False, "go.mod files must have lowercase names")
            continue
        why = collisions.check(p, False)
        if why:
            add(p, False, why)
            continue
        if f.is_symlink:
            add(p, True, "file is a symbolic link")
            continue
        if not f.is_regular:
            add(p, True, "not a regular file")
            continue
        if 0 <= f.size <= budget:
            budget -= f.size
        elif cf.size_error is None:
            cf.size_error = f"module source tree too large (max size is {MAX_ZIP_FILE} bytes)"
        if p == "go.mod" and f.size > MAX_GO_MOD:
            add(p, False, f"go.mod file too large (max size is {MAX_GO_MOD} bytes)")
            continue
        if p == "LICENSE" and f.size > MAX_LICENSE:
            add(p, False, f"LICENSE file too large (max size is {MAX_LICENSE} bytes)")
            continue
        cf.valid.append(f)
    return cf


def module_files(files: Iterable[File]) -> list[tuple[str, File]]:
    """The (zip name without the ``module@version/`` prefix, file) pairs of the module zip,
    in zip order; raises InvalidModuleFilesError / ModuleTooLargeError where Go refuses."""
    cf = check_files(files)
    cf.raise_for_errors()
    return [(f.name, f) for f in cf.valid]


def h1_of_files(files: Iterable[File], module_path: str, version: str) -> str:
    """The module zip's ``h1:`` (dirhash.HashZip with Hash1) without writing the zip."""
    from dep.gomod.dirhash import hash1

    prefix = f"{module_path}@{version}/"
    return hash1((prefix + name, f.open) for name, f in module_files(files))


def write_zip(out, module_path: str, version: str, files: Iterable[File]) -> list[str]:
    """Write the module zip to the binary stream ``out`` (names ``<module>@<version>/...``,
    deflated, streamed); returns the names written. Raises as module_files does."""
    import zipfile

    prefix = f"{module_path}@{version}/"
    names = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, f in module_files(files):
            info = zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=f.size >= (1 << 31)) as w:
                for chunk in f.open():
                    w.write(chunk)
            names.append(prefix + name)
    return names


# ---------------------------------------------------------------------------------------
# Reading a revision's tree from a git object store (dulwich)


def _blob_size(store, sha: bytes, open_files: dict) -> int:
    """A blob's size from its object header (pack, delta or loose), without inflating it;
    ``open_files`` keeps pack files open across calls (the caller closes them)."""
    import os
    import zlib

    from dulwich.objects import hex_to_sha

    raw = hex_to_sha(sha)
    for pack in store.packs:
        try:
            offset = pack.index.object_offset(raw)
        except KeyError:
            continue
        f = open_files.get(pack.data.path)
        if f is None:
            f = open_files[pack.data.path] = open(pack.data.path, "rb", buffering=0)
        f.seek(offset)
        head = f.read(32)
        byte, k = head[0], 1
        type_num, size, shift = (byte >> 4) & 7, byte & 15, 4
        while byte & 0x80:
            byte = head[k]
            k += 1
            size |= (byte & 0x7F) << shift
            shift += 7
        if type_num in (1, 2, 3, 4):
            return size
        if type_num == 6:
            byte = head[k]
            k += 1
            while byte & 0x80:
                byte = head[k]
                k += 1
        else:
            k += 20
        f.seek(offset + k)
        d = zlib.decompressobj()
        out = b""
        while len(out) < 20 and not d.eof:  # two varints: at most 20 bytes
            data = d.unconsumed_tail or f.read(64)
            if not data:
                break
            out += d.decompress(data, 64)
        vals, pos = [], 0
        for _ in range(2):  # source size, then target size
            v = shift = 0
            while True:
                b = out[pos]
                pos += 1
                v |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    break
            vals.append(v)
        return vals[1]
    path = store._get_shafile_path(sha)
    if os.path.exists(path):
        with open(path, "rb") as f:
            d = zlib.decompressobj()
            head = b""
            while b"\0" not in head:
                data = d.unconsumed_tail or f.read(64)
                if not data or len(head) > 64:
                    break
                head += d.decompress(data, 64)
        return int(head.split(b"\0", 1)[0].split(b" ", 1)[1])
    return len(store[sha].data)


class Revision:
    """One commit of a git repository, opened for reading (a context manager): the
    ``rev`` that revision_files and write_zip's callers pass around. Accepts a commit or
    tag id (peeled)."""

    def __init__(self, repo_path: str, commit: str):
        from dulwich.repo import Repo

        from dep.sources.git import _BlobReader

        try:
            self.repo = Repo(repo_path)
        except Exception as e:
            raise RevisionError(f"cannot open git repository {repo_path}: {e}") from None
        self.store = self.repo.object_store
        self.blobs = _BlobReader(self.store)
        self._packs: dict = {}
        try:
            obj = self.repo[commit.encode() if isinstance(commit, str) else commit]
            while obj.type_name == b"tag":
                obj = self.store[obj.object[1]]
            if obj.type_name != b"commit":
                raise KeyError(commit)
            self.tree = obj.tree
        except (KeyError, ValueError):
            self.close()
            raise RevisionError(f"revision {commit} not found in {repo_path}") from None

    def close(self) -> None:
        for f in self._packs.values():
            f.close()
        self.blobs.__exit__(None, None, None)
        self.repo.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def lookup(self, path: str):
        """(mode, sha) of ``path`` in the revision's tree, or None."""
        mode, sha = 0o040000, self.tree
        for part in path.split("/") if path else []:
            if not stat.S_ISDIR(mode):
                return None
            tree = self.store[sha]
            try:
                mode, sha = tree[part.encode("utf-8", "surrogateescape")]
            except KeyError:
                return None
        return mode, sha

    def file(self, name: str, mode: int, sha: bytes) -> File:
        if stat.S_ISLNK(mode) or stat.S_ISREG(mode):
            size = _blob_size(self.store, sha, self._packs)
        else:
            size = 0
        return File(name, mode, size, lambda: self.blobs.chunks(sha))

    def walk(self, tree_sha: bytes, prefix: str = "") -> Iterator[File]:
        """Every non-directory entry below a tree in git's (= git archive's) order;
        gitlinks dropped, as git archive makes them directory entries. A stack of open
        trees rather than recursion: a repository may nest directories thousands deep."""
        stack = [(iter(self.store[tree_sha].iteritems()), prefix)]
        while stack:
            entries, base = stack[-1]
            for entry in entries:
                name = base + entry.path.decode("utf-8", "surrogateescape")
                if stat.S_ISDIR(entry.mode):
                    stack.append((iter(self.store[entry.sha].iteritems()), name + "/"))
                    break
                if entry.mode != _GITLINK:
                    yield self.file(name, entry.mode, entry.sha)
            else:
                stack.pop()


def _subdir(subdir: str) -> str:
    return subdir.strip("/")


def revision_files(rev: Revision, subdir: str = "") -> list[File]:
    """The files the go command hands to zip.Create for the module at ``subdir``: the tree
    below it, plus the repository root's LICENSE when the subdirectory has no entry of
    that name (read as a blob, so even a root symlink contributes its target text)."""
    subdir = _subdir(subdir)
    found = rev.lookup(subdir)
    if found is None or not stat.S_ISDIR(found[0]):
        raise RevisionError(f"module directory {subdir or '.'} not found at the revision")
    files = list(rev.walk(found[1]))
    if subdir and not any(f.name == "LICENSE" for f in files):
        lic = rev.lookup("LICENSE")
        if lic is not None and (stat.S_ISREG(lic[0]) or stat.S_ISLNK(lic[0])):
            data = b"".join(rev.blobs.chunks(lic[1]))
            files.append(File("LICENSE", 0o100644, len(data), lambda: iter((data,))))
    return files


def h1_of_revision(repo_path: str, commit: str, module_path: str, version: str,
                   subdir: str = "") -> str:
    """The go.sum ``h1:`` of ``module_path@version`` whose source is ``subdir`` of the git
    repository at ``repo_path`` at ``commit`` (the prefix in the zip names makes the
    version part of the hash). Refuses as go_mod_of_revision(check=True) and module_files."""
    with Revision(repo_path, commit) as rev:
        _go_mod(rev, module_path, subdir, check=True)
        return h1_of_files(revision_files(rev, subdir), module_path, version)


def _go_mod(rev: Revision, module_path: str, subdir: str, check: bool) -> bytes:
    from dep.gomod.dirhash import legacy_go_mod

    sub = _subdir(subdir)
    found = rev.lookup(posixpath.join(sub, "go.mod") if sub else "go.mod")
    if found is None or not (stat.S_ISREG(found[0]) or stat.S_ISLNK(found[0])):
        return legacy_go_mod(module_path)
    data = b"".join(rev.blobs.chunks(found[1]))  # a symlink yields its target, as git cat-file
    if check:
        from dep.gomod.modfile import module_path as declared_path
        from dep.gomod.module import is_major, split_path_version

        declared = declared_path(data)
        if not declared:
            raise RevisionError(f"{module_path}: go.mod is missing module path")
        path_major = split_path_version(module_path)[1]
        # a fork may declare another path, not another major (gopkg.in: Go issue 34254)
        if not (is_major(declared, path_major) or path_major == "" and declared.startswith("gopkg.in/")):
            raise RevisionError(f"{module_path}: go.mod has module path {declared!r} of another major version")
    return data


def go_mod_of_revision(repo_path: str, commit: str, module_path: str, subdir: str = "",
                       check: bool = True) -> bytes:
    """The go.mod bytes go.sum's ``/go.mod`` line hashes: the blob at ``subdir/go.mod`` as
    stored (the go command reads it with git cat-file, not through the archive), or the
    ``module <path>`` line it synthesizes when there is none. With ``check``, a go.mod
    without a module path or declaring another major version is refused, as the go command
    does (another path of the same major is a fork, and allowed). Which directory holds a
    /vN module (root or vN/) is the caller's choice, passed as ``subdir``."""
    with Revision(repo_path, commit) as rev:
        return _go_mod(rev, module_path, subdir, check)


def files_of_revision(repo_path: str, commit: str, subdir: str = "") -> list[tuple[str, File]]:
    """module_files for a revision (the file handles read the repository while it is open,
    so only names and sizes are usable after this returns)."""
    with Revision(repo_path, commit) as rev:
        return module_files(revision_files(rev, subdir))


# ---------------------------------------------------------------------------------------
# Reading a module zip a proxy served (zip.CheckZip's rules, then the files for unpacking)


class ModuleZip:
    """A downloaded module zip, checked as ``zip.CheckZip`` checks one before unpacking:
    every name under ``<module>@<version>/``, valid and clean file paths, no case-folding
    collisions, no directories or duplicates, sizes within Go's limits (declared sizes are
    checked up front and enforced again while reading, so a lying header cannot exhaust the
    disk). ``files`` maps each name below the prefix to its zip entry, in zip order."""

    def __init__(self, path: str, module_path: str, version: str) -> None:
        import zipfile

        self.path = path
        self.module = f"{module_path}@{version}"
        try:
            self._zf = zipfile.ZipFile(path)
            infos = self._zf.infolist()
        except (OSError, zipfile.BadZipFile, ValueError) as e:
            raise InvalidModuleFilesError([(path, f"not a valid zip file: {e}")]) from None
        prefix = self.module + "/"
        problems: list[tuple[str, str]] = []
        collisions = _Collisions()
        self.files: dict[str, object] = {}
        total = 0
        for info in infos:
            name = info.filename
            if not name.startswith(prefix):
                problems.append((name, f"path does not have prefix {_q(prefix)}"))
                continue
            rel = name[len(prefix):]
            if rel == "" or rel.endswith("/"):
                problems.append((name, "directory entries are not allowed in module zips"))
                continue
            why = check_file_path(rel) if _clean(rel) else "file path is not clean"
            why = why or collisions.check(rel, False)
            if why:
                problems.append((rel, why))
                continue
            limit = MAX_GO_MOD if rel == "go.mod" else MAX_LICENSE if rel == "LICENSE" else MAX_ZIP_FILE
            if info.file_size > limit:
                problems.append((rel, f"file too large (max size is {limit} bytes)"))
                continue
            total += info.file_size
            self.files[rel] = info
        if total > MAX_ZIP_FILE:
            self._zf.close()
            raise ModuleTooLargeError(f"module zip {self.module}: total uncompressed size above {MAX_ZIP_FILE} bytes")
        if problems:
            self._zf.close()
            raise InvalidModuleFilesError(problems)

    def __enter__(self) -> "ModuleZip":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    def chunks(self, rel: str, size: int = 1 << 16) -> Iterator[bytes]:
        """The contents of ``rel``, streamed; never more than the entry declared; damaged
        data (bad CRC, bad deflate stream, truncated file) is a ModZipError naming the file."""
        import zipfile
        import zlib

        info = self.files[rel]
        left = info.file_size
        try:
            with self._zf.open(info) as f:
                while True:
                    chunk = f.read(min(size, left + 1))
                    if not chunk:
                        break
                    left -= len(chunk)
                    if left < 0:
                        raise ModuleTooLargeError(f"module zip {self.module}: {rel} is larger than its header says")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
            raise ModZipError(f"module zip {self.module}: cannot read {rel}: {' '.join(str(e).split())}") from None

    def read(self, rel: str) -> bytes | None:
        """A file's contents, or None when the module has no such file."""
        if rel not in self.files:
            return None
        return b"".join(self.chunks(rel))

    def h1(self) -> str:
        """The ``h1:`` of the zip (dirhash.HashZip): what go.sum and the checksum database hold."""
        from dep.gomod.dirhash import hash1

        prefix = self.module + "/"
        return hash1((prefix + rel, (lambda rel=rel: self.chunks(rel))) for rel in self.files)
