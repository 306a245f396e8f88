"""Build real git repositories under a temp dir for tests (uses the ``git`` CLI, 2.20+).

The product never needs the git binary; tests use it only to make fixtures. Every git
command runs with a fixed identity and clock and ignores the user's configuration, so
commit ids are reproducible.

API::

    repo = make_repo(tmp_path / "up", [
        {"files": {"main.go": "package main\\n", "run.sh": Exec("#!/bin/sh\\n"),
                   "link.go": Link("main.go")}, "tag": "v1.0.0"},
        {"files": {"b.go": "package main\\n"}, "tag": "v1.1.0", "annotated": True},
        {"branch": "dev", "files": {"c.go": "package main\\n"}},
    ], default_branch="main")
    repo.path, repo.url        # work tree path, file:// URL
    repo.commits               # commit ids in the order given
    repo.rev("v1.1.0")         # commit id of a tag/branch/any revision (tags peeled)
    repo.tag_object("v1.1.0")  # the tag object id of an annotated tag

    add_submodule(repo.path, "lib/sub", sub.url, sub.commits[-1])   # returns the new commit
    commit(repo.path, {"x.go": "..."}, branch="main", tag="v2.0.0")  # one more commit
    git(repo.path, "symbolic-ref", "HEAD", "refs/heads/dev")          # anything else

Commit spec keys: ``files`` ({path: str | bytes | Exec | Link | None (delete)}), ``branch``
(default: the default branch; created from the current commit when new), ``tag`` (a name or
a list), ``annotated`` (bool), ``message``, ``submodules`` ({path: (url, commit)}: gitlinks
plus ``.gitmodules`` entries, without cloning anything).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GIT_ENV", "Exec", "Link", "Repo", "git", "make_repo", "commit", "add_submodule", "commit_deep_tree"]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dep Test",
    "GIT_AUTHOR_EMAIL": "dep@example.com",
    "GIT_COMMITTER_NAME": "Dep Test",
    "GIT_COMMITTER_EMAIL": "dep@example.com",
    "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class Exec(str):
    """File content to be written with the executable bit."""


class Link(str):
    """A symlink whose target is this string."""


def git(cwd, *args: str, input: bytes | None = None) -> str:
    """Run git in ``cwd``; returns stdout (stripped); raises on failure with git's output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV)
    p = subprocess.run(["git", *args], cwd=str(cwd), env=env, input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", "replace").strip()


@dataclass
class Repo:
    path: str
    default_branch: str
    commits: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return Path(self.path).resolve().as_uri()

    def rev(self, name: str) -> str:
        return git(self.path, "rev-parse", "--verify", name + "^{commit}")

    def tag_object(self, name: str) -> str:
        return git(self.path, "rev-parse", "--verify", "refs/tags/" + name)


def _write_files(root: Path, files: dict) -> None:
    for rel, content in files.items():
        p = root / rel
        if content is None:
            if p.is_symlink() or p.is_file():
                p.unlink()
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink() or p.exists():
            p.unlink()
        if isinstance(content, Link):
            os.symlink(str(content), p)
            continue
        data = content.encode() if isinstance(content, str) else content
        p.write_bytes(data)
        os.chmod(p, 0o755 if isinstance(content, Exec) else 0o644)


def _current_branch(path) -> str:
    return git(path, "symbolic-ref", "--short", "HEAD")


def commit(path, files: dict | None = None, *, branch: str | None = None, tag=None,
           annotated: bool = False, message: str | None = None,
           submodules: dict | None = None) -> str:
    """Make one commit in the work tree at ``path``; returns its id."""
    path = Path(path)
    if branch is not None and branch != _current_branch(path):
        exists = subprocess.run(["git", "rev-parse", "--verify", "-q", "refs/heads/" + branch], cwd=path,
                                stdout=subprocess.DEVNULL, env={**os.environ, **GIT_ENV}).returncode == 0
        has_head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=path,
                                  stdout=subprocess.DEVNULL, env={**os.environ, **GIT_ENV}).returncode == 0
        if exists:
            git(path, "checkout", "-q", branch)
        elif has_head:
            git(path, "checkout", "-q", "-b", branch)
        else:
            git(path, "symbolic-ref", "HEAD", "refs/heads/" + branch)
    _write_files(path, files or {})
    git(path, "add", "-A")
    for sub_path, (url, sha) in (submodules or {}).items():
        (path / sub_path).mkdir(parents=True, exist_ok=True)
        git(path, "config", "-f", ".gitmodules", f"submodule.{sub_path}.path", sub_path)
        git(path, "config", "-f", ".gitmodules", f"submodule.{sub_path}.url", url)
        git(path, "update-index", "--add", "--cacheinfo", f"160000,{sha},{sub_path}")
        git(path, "add", ".gitmodules")
    git(path, "commit", "-q", "--allow-empty", "-m", message or "commit")
    sha = git(path, "rev-parse", "HEAD")
    tags = [tag] if isinstance(tag, str) else list(tag or [])
    for t in tags:
        if annotated:
            git(path, "tag", "-a", "-m", f"tag {t}", t)
        else:
            git(path, "tag", t)
    return sha


def make_repo(path, commits: list[dict], default_branch: str = "master") -> Repo:
    """A repository at ``path`` built from ``commits`` (see the module docstring); HEAD ends
    on ``default_branch``, which the first commit creates unless it names another branch."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "symbolic-ref", "HEAD", "refs/heads/" + default_branch)
    repo = Repo(str(path), default_branch)
    for spec in commits:
        spec = dict(spec)
        branch = spec.pop("branch", None) or default_branch
        repo.commits.append(commit(path, spec.pop("files", None), branch=branch, **spec))
    if commits:
        if subprocess.run(["git", "rev-parse", "--verify", "-q", "refs/heads/" + default_branch], cwd=path,
                          stdout=subprocess.DEVNULL, env={**os.environ, **GIT_ENV}).returncode == 0:
            git(path, "checkout", "-q", default_branch)
        else:
            git(path, "symbolic-ref", "HEAD", "refs/heads/" + default_branch)
    return repo


def add_submodule(path, sub_path: str, url: str, sha: str, *, branch: str | None = None,
                  tag=None, message: str | None = None) -> str:
    """Commit a gitlink at ``sub_path`` pinned to ``sha`` with a ``.gitmodules`` entry for
    ``url`` (relative URLs such as ``../sub`` allowed); returns the new commit id."""
    return commit(path, None, branch=branch, tag=tag, message=message or f"add {sub_path}",
                  submodules={sub_path: (url, sha)})


def commit_deep_tree(repo: Repo, depth: int, leaf: bytes) -> str:
    """A commit (branch ``deep``) on top of ``repo``'s last one adding ``d/d/…/d/x.go`` (``depth`` + 1 levels of
    ``d``) holding ``leaf``, built from tree objects: no file system takes a path that deep."""
    from dulwich.objects import Blob, Commit, Tree
    from dulwich.repo import Repo as DulwichRepo

    with DulwichRepo(repo.path) as r:
        store = r.object_store
        blob = Blob.from_string(leaf)
        store.add_object(blob)
        inner = Tree()
        inner.add(b"x.go", 0o100644, blob.id)
        store.add_object(inner)
        for _ in range(depth):
            outer = Tree()
            outer.add(b"d", 0o040000, inner.id)
            store.add_object(outer)
            inner = outer
        top = Tree()
        for entry in store[r[repo.commits[-1].encode()].tree].iteritems():
            top.add(entry.path, entry.mode, entry.sha)
        top.add(b"d", 0o040000, inner.id)
        store.add_object(top)
        c = Commit()
        c.tree, c.parents = top.id, [repo.commits[-1].encode()]
        c.author = c.committer = b"t <t@t>"
        c.author_time = c.commit_time = 1577836800
        c.author_timezone = c.commit_timezone = 0
        c.message = b"deep\n"
        store.add_object(c)
        r.refs[b"refs/heads/deep"] = c.id  # reachable, so a fetch brings it
    return c.id.decode()
