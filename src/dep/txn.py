"""Transactional writes of Gopkg.toml, Gopkg.lock and vendor/: all change, or none does.

Everything new is built in a staging directory inside the project (same filesystem, so
every step of the swap is a rename). The swap logs each rename to a journal before doing
it; if the process dies half way, the next run finds the journal and undoes the logged
steps, so the previous files come back. Only paths this transaction created or moved are
ever touched; nothing outside vendor/ is deleted except the staging directory itself.

A staging directory found in a project is untrusted: a repository can ship one. Recovery
only acts on a stage owned by this user whose journal starts with the header this module
writes (the stage's name and the inode of the project root, which a repository cannot
know in advance; a right guess gains nothing either, as the path rules still hold), and
only replays renames of the project's own Gopkg.toml, Gopkg.lock, vendor/ or paths below
vendor/ to or from that same stage, never through a symlinked directory. Anything else is
left alone, with a warning for the CLI to print. The stage holds its own owner lock file
and a ``.gitignore`` of ``*``, so git never shows it.
"""

from __future__ import annotations

import errno
import os
import stat

from dep.errors import DepError

STAGE_PREFIX = ".dep-txn-"
JOURNAL = "journal"
COMMITTED = "committed"
OWNER = "owner"  # inside the stage: locked by the live run, so no other run recovers it
GITIGNORE = ".gitignore"  # inside the stage, "*": git status never shows a stage
PROJECT_FILES = ("Gopkg.toml", "Gopkg.lock", "vendor", "go.mod", "go.sum", "tools.go")  # go.*, tools.go: dep migrate
_NOT_OURS = " (remove it if it is not needed)"
# never follow a symlink, never block on a FIFO a repository shipped in place of our files
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class TransactionError(DepError):
    """The new state could not be put in place; the previous state was restored."""


def recover_around(start: str) -> list[str]:
    """Before a command reads the project: recover what killed runs left behind in the
    project root, looked for as dep finds the root (from ``start`` up to the first directory
    with a Gopkg.toml), so that a run killed while Gopkg.toml itself was swapped out is
    undone too. Cheap when there is nothing to do: one directory listing per level.
    Returns one-line warnings about staging directories left alone (see ``recover``)."""
    warnings = []
    here = start
    while True:
        try:
            with os.scandir(here) as entries:
                staged = any(e.name.startswith(STAGE_PREFIX) for e in entries)
            if staged:
                warnings += recover(here)
        except OSError:
            pass  # best effort: the command then reports what it finds
        if os.path.lexists(os.path.join(here, "Gopkg.toml")):
            return warnings
        parent = os.path.dirname(here)
        if parent == here:
            return warnings
        here = parent


def recover(root: str) -> list[str]:
    """Undo or finish transactions killed runs left behind in ``root``; return a one-line
    warning for each staging directory this tool did not write for this project (or could
    not undo safely), which is left exactly as it is.

    A stage whose owner file is still locked belongs to a live run (say, another ``dep
    ensure`` with a different cache dir) and is left alone silently.
    """
    warnings = []
    for name in sorted(os.listdir(root)):
        if name.startswith(STAGE_PREFIX):
            problem = _recover_stage(root, name)
            if problem:
                warnings.append(f"left {os.path.join(root, name)} alone: {problem}")
    return warnings


def _recover_stage(root: str, name: str) -> str | None:
    """Recover one stage; None when done (or nothing to do), else why it was left alone."""
    stage = os.path.join(root, name)
    try:
        st = os.lstat(stage)
    except FileNotFoundError:
        return None  # another run recovered it meanwhile
    if stat.S_ISLNK(st.st_mode):
        return "it is a symlink, not a staging directory dep made" + _NOT_OURS
    if not stat.S_ISDIR(st.st_mode):
        return None  # not a stage (an earlier version's .owner file, say): nothing to recover
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return "it belongs to another user" + _NOT_OURS
    fd = _open_owner(stage)
    if fd is None:
        try:
            os.rmdir(stage)  # empty: a run killed before it made its owner file
            return None
        except FileNotFoundError:
            return None
        except OSError:
            return "it has no owner file, so this version of dep did not make it" + _NOT_OURS
    if fd == -1:
        return None  # alive
    try:
        return _recover_owned(root, name, stage)
    finally:
        os.close(fd)


def _open_owner(stage: str) -> int | None:
    """The locked owner file's fd; -1 if a live run holds it; None if there is no usable
    owner file (missing, a symlink, not a regular file)."""
    flags = os.O_WRONLY | _NOFOLLOW
    try:
        fd = os.open(os.path.join(stage, OWNER), flags)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    if not _lock(fd):
        os.close(fd)
        return -1
    return fd


def _lock(fd: int) -> bool:
    """An exclusive, non-blocking lock on ``fd``; False if another live process holds it.
    The kernel drops it when its holder dies, however it dies."""
    try:
        import fcntl
    except ImportError:  # no flock: a concurrent run in one project cannot be told apart
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _recover_owned(root: str, name: str, stage: str) -> str | None:
    """Recover a stage whose owner lock we now hold."""
    try:
        journal = _read_journal(stage)
    except (OSError, UnicodeDecodeError):
        journal = None
    if journal is None:
        return "its journal cannot be read" + _NOT_OURS
    header, steps, committed = journal
    if header is None:  # a run killed before it wrote its journal: nothing was staged yet
        if set(os.listdir(stage)) - {OWNER, GITIGNORE, JOURNAL}:
            return "it has no journal, so dep did not make it" + _NOT_OURS
        _remove_stage(stage)
        return None
    if header != _header(root, name):
        return "its journal was not written by dep for this project" + _NOT_OURS
    for src, dst in steps:
        if not _valid_step(name, src, dst):
            return (f"its journal renames {src!r} to {dst!r}; dep only moves Gopkg.toml, "
                    "Gopkg.lock and vendor/ to and from its own staging directory" + _NOT_OURS)
    if not committed:
        problem = _undo(root, steps)
        if problem:
            return f"{problem}; the previous files are in {stage}{os.sep}previous"
    _remove_stage(stage)
    return None


def _header(root: str, name: str) -> str:
    """The journal's first line: binds it to this stage and to this project root's directory
    (its inode: a directory checked out from a repository gets a fresh one)."""
    return f"dep-txn 1 {name} {os.stat(root).st_ino}"


def _read_journal(stage: str) -> tuple[str | None, list[tuple[str, str]], bool] | None:
    """``(header, steps, committed)``; header None when there is no journal (or it is
    empty); None when the journal is malformed. A last line without its newline was being
    written when the run died (before its rename), so it is not a step."""
    try:
        fd = os.open(os.path.join(stage, JOURNAL), os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None, [], False
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    with open(fd, encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")[:-1]
    if not lines:
        return None, [], False
    steps = []
    for line in lines[1:]:
        if line == COMMITTED:
            return lines[0], steps, True
        src, sep, dst = line.partition("\t")
        if not sep:
            return None
        steps.append((src, dst))
    return lines[0], steps, False


def _valid_step(stage_name: str, src: str, dst: str) -> bool:
    """The only renames a swap makes: a project path X (Gopkg.toml, Gopkg.lock, vendor or
    below vendor/) to ``<stage>/X`` or ``<stage>/previous/X``, or ``<stage>/X`` to X."""
    if src.startswith(stage_name + "/"):
        return _project_path(dst) and src == f"{stage_name}/{dst}"
    return _project_path(src) and dst in (f"{stage_name}/{src}", f"{stage_name}/previous/{src}")


def _project_path(rel: str) -> bool:
    parts = rel.split("/")
    if parts[0] not in PROJECT_FILES or (len(parts) > 1 and parts[0] != "vendor"):
        return False
    return not any(p in ("", ".", "..") or any(c in p for c in "\0\\\t\n") for p in parts)


def _symlinked_parent(root: str, rel: str) -> str | None:
    """The first directory of ``rel`` below ``root`` that is not a real directory (a
    symlink, say), so that renaming ``rel`` would reach outside; None if there is none.
    A missing one is fine: the rename then fails, or is skipped, without reaching anywhere."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        path = os.path.join(root, *parts[:i])
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return path
        except FileNotFoundError:
            return None
    return None


def _undo(root: str, steps: list[tuple[str, str]]) -> str | None:
    """Reverse logged renames, newest first; a step logged but never done is skipped.
    Returns why it stopped, or None when everything was undone."""
    for src, dst in reversed(steps):
        bad = _symlinked_parent(root, src) or _symlinked_parent(root, dst)
        if bad:
            return f"could not undo the interrupted write: {bad} is not a directory (a symlink?)"
        a, b = os.path.join(root, src), os.path.join(root, dst)
        try:
            if os.path.lexists(b) and not os.path.lexists(a):
                os.rename(b, a)
        except OSError as e:
            return f"could not undo the interrupted write: {b}: {e.strerror}"
    return None


def _remove_stage(stage: str) -> None:
    """Delete a stage; its journal and then its owner file go last, so a run that sees it
    meanwhile either finds it owned or finds nothing of it to act on. Best effort: if
    something cannot be deleted, the stage keeps its journal and the next run retries."""
    import shutil

    try:
        entries = os.listdir(stage)
    except OSError:
        return
    for entry in entries:
        if entry not in (OWNER, JOURNAL):
            path = os.path.join(stage, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    try:
        if set(os.listdir(stage)) - {OWNER, JOURNAL}:
            return
        for entry in (JOURNAL, OWNER):
            if os.path.lexists(os.path.join(stage, entry)):
                os.unlink(os.path.join(stage, entry))
        os.rmdir(stage)
    except OSError:
        pass


def _make_stage(root: str) -> tuple[str, int]:
    """A new private staging dir with its locked owner file, its .gitignore and its
    journal header. Another run's recovery may remove the dir before we hold its lock
    (it is empty or unowned then): in that case try another name, never touching it again."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    while True:
        name = STAGE_PREFIX + os.urandom(6).hex()
        path = os.path.join(root, name)
        try:
            os.mkdir(path, 0o700)
            fd = os.open(os.path.join(path, OWNER), flags, 0o600)
        except (FileExistsError, FileNotFoundError):
            continue
        if not _lock(fd) or not _still_there(fd, os.path.join(path, OWNER)):
            os.close(fd)
            continue
        with open(os.path.join(path, GITIGNORE), "w", encoding="utf-8") as f:
            f.write("*\n")
        with open(os.path.join(path, JOURNAL), "x", encoding="utf-8") as f:
            f.write(_header(root, name) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return path, fd


def _still_there(fd: int, path: str) -> bool:
    """Whether ``path`` is still the file open as ``fd`` (not removed by another run's
    recovery between our creating it and locking it)."""
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except FileNotFoundError:
        return False


class Transaction:
    """Stage new files, then ``commit()`` swaps them in; leaving the ``with`` block without
    committing discards the stage and leaves the project as it was."""

    def __init__(self, root: str) -> None:
        self.root = root
        recover(root)  # the commands that read the project first report its warnings
        self.stage, self._owner = _make_stage(root)
        self._name = os.path.basename(self.stage)
        self._files: list[str] = []
        self._vendor = False
        self._drop_vendor = False
        self._keep: list[str] = []
        self._steps: list[tuple[str, str]] = []
        self._journal = None
        self._committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._committed or _undo(self.root, self._steps) is None:
                _remove_stage(self.stage)
            # else the stage keeps the previous files and its journal for the next run
        finally:
            os.close(self._owner)

    def write_file(self, name: str, text: str) -> None:
        """Stage a new version of a top-level file (Gopkg.toml or Gopkg.lock)."""
        with open(os.path.join(self.stage, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        self._files.append(name)

    @property
    def vendor_dir(self) -> str:
        """Where the new vendor/ is built; projects kept as they are go in ``keep_vendored``."""
        path = os.path.join(self.stage, "vendor")
        if not self._vendor:
            os.makedirs(path, exist_ok=True)
            self._vendor = True
        return path

    def drop_vendor(self) -> None:
        """Remove vendor/ at commit time (moved into the stage, so a failure puts it back)."""
        self._drop_vendor = True

    def keep_vendored(self, relpath: str) -> None:
        """Carry ``vendor/<relpath>`` over unchanged (moved, not copied, at commit time)."""
        self.vendor_dir  # noqa: B018 -- makes sure the new vendor/ exists
        self._keep.append(relpath)

    def _rename(self, src: str, dst: str) -> None:
        """Log, then do, one rename of the swap (paths relative to the root, '/'-separated,
        only the renames recovery accepts); never through a symlinked directory."""
        if not _valid_step(self._name, src, dst):
            raise OSError(errno.EINVAL, "not a path dep writes", os.path.join(self.root, src))
        for rel in (src, dst):
            bad = _symlinked_parent(self.root, rel)
            if bad:
                raise OSError(errno.ENOTDIR, "not a directory (a symlink?); dep does not move files through it", bad)
        os.makedirs(os.path.dirname(os.path.join(self.root, dst)), exist_ok=True)
        self._journal.write(f"{src}\t{dst}\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self._steps.append((src, dst))
        os.rename(os.path.join(self.root, src), os.path.join(self.root, dst))

    def commit(self) -> None:
        try:
            fd = os.open(os.path.join(self.stage, JOURNAL), os.O_WRONLY | os.O_APPEND | _NOFOLLOW)
            with open(fd, "a", encoding="utf-8") as self._journal:
                self._swap()
        except OSError as e:
            problem = _undo(self.root, self._steps)
            if problem is None:
                self._steps = []
            raise TransactionError(
                f"could not write {e.filename or 'the project files'}: {e.strerror}; " +
                (problem or "Gopkg.toml, Gopkg.lock and vendor/ were left as they were")) from None
        finally:
            self._journal = None

    def _swap(self) -> None:
        stage = self._name
        os.mkdir(os.path.join(self.stage, "previous"))
        if self._vendor:
            for rel in self._keep:
                self._rename(f"vendor/{rel}", f"{stage}/vendor/{rel}")
            if os.path.lexists(os.path.join(self.root, "vendor")):
                self._rename("vendor", f"{stage}/previous/vendor")
            self._rename(f"{stage}/vendor", "vendor")
        elif self._drop_vendor and os.path.lexists(os.path.join(self.root, "vendor")):
            self._rename("vendor", f"{stage}/previous/vendor")
        for name in self._files:
            if os.path.lexists(os.path.join(self.root, name)):
                self._rename(name, f"{stage}/previous/{name}")
            self._rename(f"{stage}/{name}", name)
        self._journal.write(COMMITTED + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self._committed = True
