"""Pruned project trees kept in the cache dir, keyed by what decides their contents.

A locked project's vendor tree depends only on its source, revision, prune options and
used packages, and a revision never changes; so once exported, pruned and hashed, the tree
can be copied instead of rebuilt. That turns a warm ``dep ensure -vendor-only`` (say, on a
CI machine with a restored cache) into file copies. Entries are written to a temporary
name and renamed into place, so a reader sees a whole entry or none; an entry that cannot
be read is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import shutil

FORMAT = "pydep-export-v2"  # v1 entries held submodule contents under the default key


def entry_key(name: str, source: str, revision: str, options: int, packages: list[str],
              submodules: bool = False) -> str:
    text = "\n".join([FORMAT, name, source, revision, str(int(options)), *sorted(packages),
                      *(["submodules"] if submodules else [])])
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class ExportCache:
    def __init__(self, cachedir: str) -> None:
        self.root = os.path.join(cachedir, FORMAT)

    def _paths(self, key: str) -> tuple[str, str]:
        entry = os.path.join(self.root, key[:2], key)
        return os.path.join(entry, "tree"), os.path.join(entry, "digest")

    def copy_out(self, key: str, dest: str) -> str | None:
        """Copy the cached tree to ``dest`` and return its digest text, or None on a miss."""
        tree, digest_path = self._paths(key)
        try:
            with open(digest_path, encoding="ascii") as f:
                digest = f.read().strip()
        except (OSError, ValueError):
            return None
        try:
            shutil.copytree(tree, dest, symlinks=True, dirs_exist_ok=True)
        except (OSError, shutil.Error):
            shutil.rmtree(dest, ignore_errors=True)
            return None
        return digest

    def store(self, key: str, tree_dir: str, digest: str) -> None:
        """Keep a copy of ``tree_dir``; failures only mean no cache entry."""
        tree, digest_path = self._paths(key)
        entry = os.path.dirname(tree)
        if os.path.exists(digest_path):
            return
        tmp = f"{entry}.tmp-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            shutil.copytree(tree_dir, os.path.join(tmp, "tree"), symlinks=True)
            with open(os.path.join(tmp, "digest"), "w", encoding="ascii") as f:
                f.write(digest + "\n")
            os.makedirs(os.path.dirname(entry), exist_ok=True)
            os.rename(tmp, entry)
        except OSError:
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
