"""Importer tests run against a real SourceManager and real local git upstreams reached
through github.com names (a ``url.<base>.insteadOf`` git config), never the network.

* ``github.com/acme/lib``: v1.0.0, v1.1.0, two untagged commits (``commits[2]`` is on no
  ref, ``commits[3]`` is master's tip), and branch ``dev`` one commit past master; packages
  ``.`` and ``sub``.
* ``github.com/acme/missing``: every URL dep would try leads to a path that does not exist.
* ``github.com/acme/tool``: plain tag ``release-1``, then an untagged master commit.
"""

from __future__ import annotations

import os

import pytest

from tests.gitrepos import make_repo

ROOT = "example.com/app"


class Upstreams:
    def __init__(self, lib, tool) -> None:
        self.lib = lib
        self.tool = tool


@pytest.fixture(scope="session")
def upstream_repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("upstreams")
    lib = make_repo(base / "lib", [
        {"files": {"lib.go": "package lib\n", "sub/sub.go": "package sub\n"}, "tag": "v1.0.0"},
        {"files": {"lib.go": "package lib // 1.1\n"}, "tag": "v1.1.0"},
        {"files": {"lib.go": "package lib // between\n"}},
        {"files": {"lib.go": "package lib // next\n"}},
        {"branch": "dev", "files": {"dev.go": "package lib\n"}},
    ])
    tool = make_repo(base / "tool", [
        {"files": {"tool.go": "package tool\n"}, "tag": "release-1"},
        {"files": {"tool.go": "package tool // next\n"}},
    ])
    return Upstreams(lib, tool)


@pytest.fixture
def sm(tmp_path, upstream_repos, monkeypatch):
    """A SourceManager with its own cache, seeing the upstreams under github.com/acme/."""
    from dep.sources.manager import SourceManager

    cfg = tmp_path / "gitconfig"
    cfg.write_text(f'[url "{upstream_repos.lib.path}"]\n\tinsteadOf = https://github.com/acme/lib\n'
                   f'[url "{upstream_repos.tool.path}"]\n\tinsteadOf = https://github.com/acme/tool\n'
                   + "".join(f'[url "{tmp_path}/nowhere"]\n\tinsteadOf = {scheme}github.com/acme/missing\n'
                             for scheme in ("https://", "ssh://git@", "git://", "http://")))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    cache = tmp_path / "cache"
    os.makedirs(cache / "sources")
    return SourceManager(str(cache))


class Run:
    """What one importer run produced."""

    def __init__(self, manifest, lock, log: list[str]) -> None:
        self.manifest = manifest
        self.lock = lock
        self.log = log

    def constraints(self) -> dict[str, tuple[str, str]]:
        """root -> (constraint as dep prints it, source)."""
        return {name: (str(pp.constraint), pp.source) for name, pp in self.manifest.constraints.items()}

    def locked(self) -> dict[str, tuple[str, str, str]]:
        """root -> (version or "", revision, source)."""
        return {p.name: ("" if p.version is None else str(p.version), p.revision, p.source)
                for p in self.lock.projects}


@pytest.fixture
def run_importer(tmp_path, sm):
    """run_importer(ImporterClass, {relpath: text}, verbose=False) -> Run (errors propagate)."""
    from dep.importers.base import DirFiles

    def run(cls, files: dict[str, str | bytes], verbose: bool = False) -> Run:
        project = tmp_path / "project"
        for rel, content in files.items():
            path = project / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        log: list[str] = []
        importer = cls(sm, log.append, verbose)
        assert importer.has_config(DirFiles(str(project)))
        manifest, lock = importer.import_config(DirFiles(str(project)), ROOT)
        return Run(manifest, lock, log)

    return run
