"""Transactional writes of Gopkg.toml, Gopkg.lock and vendor/: all change, or none does.

Everything new is built in a staging directory inside the project (same filesystem, so
every step of the swap is a rename). The swap logs each rename to a journal before doing
it; if the process dies half way, the next run finds the journal and undoes the logged
steps, so the previous files come back. Only paths this transaction created or moved are
ever touched; nothing outside vendor/ is deleted except the staging directory itself.
"""

from __future__ import annotations

import os

from dep.errors import DepError

STAGE_PREFIX = ".dep-txn-"
JOURNAL = "journal"
COMMITTED = "committed"


class TransactionError(DepError):
    """The new state could not be put in place; the previous state was restored."""


OWNER_SUFFIX = ".owner"


def _rmtree(path: str) -> None:
    import shutil  # not at the top: dep check imports this module and rarely needs it

    shutil.rmtree(path, ignore_errors=True)


def recover_around(start: str) -> None:
    """Before a command reads the project: recover what killed runs left behind in the
    project root, looked for as dep finds the root (from ``start`` up to the first directory
    with a Gopkg.toml), so that a run killed while Gopkg.toml itself was swapped out is
    undone too. Cheap when there is nothing to do: one directory listing per level."""
    here = start
    while True:
        try:
            with os.scandir(here) as entries:
                staged = any(e.name.startswith(STAGE_PREFIX) for e in entries)
            if staged:
                recover(here)
        except OSError:
            pass  # best effort: the command then reports what it finds
        if os.path.lexists(os.path.join(here, "Gopkg.toml")):
            return
        parent = os.path.dirname(here)
        if parent == here:
            return
        here = parent


def _lock_owner(path: str, create: bool):
    """An exclusive, non-blocking lock on ``path`` (an open file), or None if another live
    process holds it. The kernel drops it when its holder dies, however it dies."""
    try:
        import fcntl
    except ImportError:  # no flock: a concurrent run in one project cannot be told apart
        return open(path, "a") if create or os.path.exists(path) else None
    try:
        f = open(path, "a" if create else "r")
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return None
    return f


def recover(root: str) -> list[str]:
    """Undo or finish transactions a killed run left behind; return the stage dirs handled.

    A stage whose owner file is still locked belongs to a live run (say, another ``dep
    ensure`` with a different cache dir) and is left alone.
    """
    handled = []
    for name in sorted(os.listdir(root)):
        if not name.startswith(STAGE_PREFIX):
            continue
        if name.endswith(OWNER_SUFFIX):
            stage = os.path.join(root, name[:-len(OWNER_SUFFIX)])
            if not os.path.lexists(stage):  # its run died before making the stage
                owner = _lock_owner(stage + OWNER_SUFFIX, create=False)
                if owner is not None:
                    _remove_owner(stage, owner)
            continue
        stage = os.path.join(root, name)
        if not os.path.isdir(stage) or os.path.islink(stage):
            continue
        owner = _lock_owner(stage + OWNER_SUFFIX, create=False)
        if owner is None and os.path.exists(stage + OWNER_SUFFIX):
            continue  # alive
        steps, committed = _read_journal(stage)
        if not committed:
            _undo(steps)
        _rmtree(stage)
        handled.append(stage)
        if owner is not None:
            _remove_owner(stage, owner)
    return handled


def _remove_owner(stage: str, owner) -> None:
    try:
        os.remove(stage + OWNER_SUFFIX)
    except OSError:
        pass
    owner.close()


def _read_journal(stage: str) -> tuple[list[tuple[str, str]], bool]:
    try:
        with open(os.path.join(stage, JOURNAL), encoding="utf-8") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return [], False
    steps = []
    for line in lines:
        if line == COMMITTED:
            return steps, True
        src, sep, dst = line.partition("\t")
        if sep:
            steps.append((src, dst))
    return steps, False


def _undo(steps: list[tuple[str, str]]) -> None:
    """Reverse logged renames, newest first; a step logged but never done is skipped."""
    for src, dst in reversed(steps):
        if os.path.lexists(dst) and not os.path.lexists(src):
            os.rename(dst, src)


def _make_stage(root: str):
    """A new private staging dir (what tempfile.mkdtemp does, without its import cost) and
    its locked owner file, made first so no other run ever sees the dir unowned."""
    while True:
        path = os.path.join(root, STAGE_PREFIX + os.urandom(6).hex())
        if os.path.lexists(path + OWNER_SUFFIX):
            continue
        owner = _lock_owner(path + OWNER_SUFFIX, create=True)
        try:
            os.mkdir(path, 0o700)
            return path, owner
        except FileExistsError:
            if owner is not None:
                owner.close()
            continue


class Transaction:
    """Stage new files, then ``commit()`` swaps them in; leaving the ``with`` block without
    committing discards the stage and leaves the project as it was."""

    def __init__(self, root: str) -> None:
        self.root = root
        recover(root)
        self.stage, self._owner = _make_stage(root)
        self._files: list[str] = []
        self._vendor = False
        self._keep: list[str] = []
        self._steps: list[tuple[str, str]] = []
        self._journal = None
        self._committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            _undo(self._steps)
        _rmtree(self.stage)
        if self._owner is not None:
            _remove_owner(self.stage, self._owner)

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

    def keep_vendored(self, relpath: str) -> None:
        """Carry ``vendor/<relpath>`` over unchanged (moved, not copied, at commit time)."""
        self.vendor_dir  # noqa: B018 -- makes sure the new vendor/ exists
        self._keep.append(relpath)

    def _rename(self, src: str, dst: str) -> None:
        self._journal.write(f"{src}\t{dst}\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self._steps.append((src, dst))
        os.rename(src, dst)

    def commit(self) -> None:
        try:
            self._journal = open(os.path.join(self.stage, JOURNAL), "w", encoding="utf-8")
            backup = os.path.join(self.stage, "previous")
            os.mkdir(backup)
            if self._vendor:
                old = os.path.join(self.root, "vendor")
                for rel in self._keep:
                    dst = os.path.join(self.stage, "vendor", rel)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    self._rename(os.path.join(old, rel), dst)
                if os.path.lexists(old):
                    self._rename(old, os.path.join(backup, "vendor"))
                self._rename(os.path.join(self.stage, "vendor"), old)
            for name in self._files:
                target = os.path.join(self.root, name)
                if os.path.lexists(target):
                    self._rename(target, os.path.join(backup, name))
                self._rename(os.path.join(self.stage, name), target)
            self._journal.write(COMMITTED + "\n")
            self._journal.flush()
            os.fsync(self._journal.fileno())
            self._committed = True
        except OSError as e:
            self._journal.close()
            _undo(self._steps)
            self._steps = []
            raise TransactionError(
                f"could not write {e.filename or 'the project files'}: {e.strerror}; "
                "Gopkg.toml, Gopkg.lock and vendor/ were left as they were") from None
        finally:
            self._journal.close()
