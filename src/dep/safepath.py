"""Paths that come from untrusted input (a lock, a manifest, a repository, a go-get server)
and the one way such a path becomes a place on disk.

A project name in Gopkg.lock is used as ``vendor/<name>``; a name like ``/home/u`` or
``github.com/../../..`` would put an export (and the prune that follows it) outside the
project. So names are checked as import paths when they are read, and, independently, every
project directory the writer creates goes through ``make_project_dir``, which refuses a
destination that is not a fresh directory strictly inside its base, reached through real
directories only (never through a symlink that an earlier export left there).
"""

from __future__ import annotations

import os

from dep.errors import DepError


class UnsafePathError(DepError):
    """A path from the lock, the manifest or a repository would lead outside where it belongs."""


def import_path_problem(path: str) -> str | None:
    """Why ``path`` cannot be a project root or package import path, or None if it can.

    The rules are the ones every import path meets and every file path inside vendor/
    needs: not empty, no leading or doubled or trailing ``/``, no ``.`` or ``..`` element,
    no backslash, NUL or other control character.
    """
    if not path:
        return "it is empty"
    for ch in path:
        if ch < " " or ch == "\x7f":
            return f"it contains the control character {ch!r}"
        if ch == "\\":
            return "it contains a backslash"
    if path.startswith("/"):
        return "it is an absolute path"
    for element in path.split("/"):
        if element == "":
            return "it has an empty path element"
        if element in (".", ".."):
            return f"it has a {element!r} path element"
    return None


def check_import_path(path: str, what: str) -> None:
    """Raise ``UnsafePathError`` naming ``what`` (e.g. ``project name``) unless ``path`` is usable."""
    problem = import_path_problem(path)
    if problem is not None:
        raise UnsafePathError(f"invalid {what} {_quote(path)}: {problem}; "
                              "it must be an import path such as github.com/user/repo")


def package_path_problem(path: str) -> str | None:
    """Like ``import_path_problem`` for a package path relative to its project root
    (``"."`` is the root itself)."""
    return None if path == "." else import_path_problem(path)


def make_project_dir(base: str, name: str) -> str:
    """Create ``base/name`` as a new, empty directory and return its path.

    Every element of ``name`` is created as (or must already be) a real directory inside
    ``base``: an existing symlink or file on the way is refused, never followed, so an
    export can only ever write inside ``base``. If ``base/name`` itself already exists (a
    nested project root that an enclosing project's export filled), it is emptied first:
    the nested project's own tree takes its place.
    """
    check_import_path(name, "project name")
    here = base
    parts = name.split("/")
    for i, part in enumerate(parts):
        here = os.path.join(here, part)
        last = i == len(parts) - 1
        try:
            os.mkdir(here)
            continue
        except FileExistsError:
            pass
        if os.path.islink(here) or not os.path.isdir(here):
            where = "/".join(parts[:i + 1])
            raise UnsafePathError(
                f"cannot write project {name}: {where} in vendor/ is a symlink or file that another "
                "project's export put there; a project's files are never written through it")
        if last:
            import shutil

            shutil.rmtree(here)  # does not follow symlinks inside
            os.mkdir(here)
    return here


def _quote(text: str) -> str:
    from dep.gofmt import go_quote

    return go_quote(text)
