"""dep.gomod.pseudo: pseudo-version strings, and module_version_for judged by the real go.

The judge builds randomized git histories (tags with and without ``v``, shorthands,
prereleases, ``+meta``, non-semver names, branches, merges, v2+ with and without go.mod, a
``/v2`` module) and compares, for every commit, ``resolve_module_version`` with
``go list -m -json <path>@<full hash>`` run with GOPROXY=direct over insteadOf rules.
"""

import datetime as dt
import json
import os
import random
import subprocess

import pytest

from dep.gomod import pseudo as p
from dep.gomod.module import InvalidVersionError
from tests.gitrepos import GIT_ENV, commit, git, make_repo
from tests.gomod.conftest import go_env_for, run_go

T = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)


def test_pseudo_version_forms():
    assert p.pseudo_version("", "", T, "abcdefabcdef") == "v0.0.0-20210304050607-abcdefabcdef"
    assert p.pseudo_version("v2", "", T, "abcdefabcdef") == "v2.0.0-20210304050607-abcdefabcdef"
    assert p.pseudo_version("", "v1.2.3", T, "abcdefabcdef") == "v1.2.4-0.20210304050607-abcdefabcdef"
    assert p.pseudo_version("", "v1.2.9", T, "abcdefabcdef") == "v1.2.10-0.20210304050607-abcdefabcdef"
    assert p.pseudo_version("", "v1.2.3-pre", T, "abcdefabcdef") == "v1.2.3-pre.0.20210304050607-abcdefabcdef"
    assert p.pseudo_version("", "v2.0.0+incompatible", T, "abcdefabcdef") == \
        "v2.0.1-0.20210304050607-abcdefabcdef+incompatible"
    assert p.pseudo_version("", "v1.2", T, "abcdefabcdef") == "v1.2.1-0.20210304050607-abcdefabcdef"
    plus7 = T.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert p.pseudo_version("", "", plus7, "abcdefabcdef") == "v0.0.0-20210304050607-abcdefabcdef"


@pytest.mark.parametrize("v,base", [
    ("v0.0.0-20210304050607-abcdefabcdef", ""),
    ("v1.2.4-0.20210304050607-abcdefabcdef", "v1.2.3"),
    ("v1.2.10-0.20210304050607-abcdefabcdef", "v1.2.9"),
    ("v1.2.3-pre.0.20210304050607-abcdefabcdef", "v1.2.3-pre"),
    ("v2.0.1-0.20210304050607-abcdefabcdef+incompatible", "v2.0.0+incompatible"),
    ("v1.2.3-pre.0.20210304050607-abcdefabcdef+incompatible", "v1.2.3-pre+incompatible"),
])
def test_pseudo_version_parts(v, base):
    assert p.is_pseudo_version(v)
    assert p.pseudo_version_base(v) == base
    assert p.pseudo_version_rev(v) == "abcdefabcdef"
    assert p.pseudo_version_time(v) == T


@pytest.mark.parametrize("v", ["v1.2.3", "v1.2.3-pre", "v0.0.0-2021-abc", "v1.2.0-20210304050607-abc",
                               "1.0.0-0.20210304050607-abcdefabcdef", "v1.2.3-0.2021030405060-abcdef"])
def test_not_pseudo(v):
    assert not p.is_pseudo_version(v)
    with pytest.raises(InvalidVersionError):
        p.pseudo_version_rev(v)


def test_pseudo_base_errors():
    with pytest.raises(InvalidVersionError, match="negative patch"):
        p.pseudo_version_base("v1.2.0-0.20210304050607-abcdefabcdef")
    with pytest.raises(InvalidVersionError, match="lacks base version"):
        p.pseudo_version_base("v0.0.0-20210304050607-abcdefabcdef+incompatible")


def test_local_history_without_go(tmp_path):
    """Committer time in UTC, 12 hex digits, annotated tags, errors for a bad /v2 module."""
    r = make_repo(tmp_path / "r", [{"files": {"a.go": "package a\n"}, "tag": "v1.1.0", "annotated": True}])
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV, GIT_COMMITTER_DATE="2021-03-04T12:06:07+07:00")
    (tmp_path / "r" / "b.go").write_text("package a\n")
    subprocess.run(["git", "add", "-A"], cwd=r.path, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "b"], cwd=r.path, env=env, check=True)
    head = r.rev("HEAD")
    mv = p.resolve_module_version(r.path, head, "example.com/a")
    assert mv.version == f"v1.1.1-0.20210304050607-{head[:12]}"
    assert mv.time == T and mv.base == "v1.1.0" and mv.derived == "pseudo-version after tag v1.1.0"
    assert mv.go_mod is None and mv.commit == head
    tagged = p.resolve_module_version(r.path, r.commits[0], "example.com/a")
    assert tagged.version == "v1.1.0" and tagged.tag == "v1.1.0" and tagged.derived == "tag v1.1.0"
    assert p.module_version_for(r.path, "v1.1.0", "example.com/a") == "v1.1.0"
    with pytest.raises(p.RevisionError, match="missing example.com/a/go.mod"):
        p.resolve_module_version(r.path, head, "example.com/a/v2")
    with pytest.raises(p.RevisionError, match="unknown revision"):
        p.resolve_module_version(r.path, "f" * 40, "example.com/a")


# --- the judge ---------------------------------------------------------------------------

def _tag_names(rng, used):
    out = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        maj = rng.choice([0, 1, 1, 1, 2, 3])
        mi, pa = rng.randint(0, 4), rng.randint(0, 3)
        form = rng.random()
        if form < 0.45:
            t = f"v{maj}.{mi}.{pa}"
        elif form < 0.6:
            t = f"v{maj}.{mi}.{pa}-rc.{rng.randint(1, 3)}"
        elif form < 0.7:
            t = f"{maj}.{mi}.{pa}"
        elif form < 0.8:
            t = f"v{maj}.{mi}"
        elif form < 0.87:
            t = f"v{maj}.{mi}.{pa}+meta"
        else:
            t = f"release-{rng.randint(1, 99)}"
        if t not in used:
            used.add(t)
            out.append(t)
    return out


def _random_history(rng, path, name, mode):
    """mode: "none" (never a go.mod), "v1" (go.mod for the plain path) or "v2" (``/v2`` go.mod),
    the go.mod appearing at a random commit."""
    used: set[str] = set()
    repo = make_repo(path, [{"files": {"a.go": "package a\n"}, "tag": _tag_names(rng, used)}])
    branches = ["master"]
    gomod_at = rng.randint(0, 5) if mode != "none" else 99
    modline = {"v1": f"module github.com/acme/{name}\n", "v2": f"module github.com/acme/{name}/v2\n"}.get(mode)
    for i in range(1, rng.randint(4, 7)):
        action = rng.random()
        if action < 0.2:
            base = rng.choice(repo.commits)
            br = f"b{i}"
            git(path, "checkout", "-q", "-b", br, base)
            branches.append(br)
        elif action < 0.35 and len(branches) > 1:
            other = rng.choice([b for b in branches if b != git(path, "symbolic-ref", "--short", "HEAD")])
            git(path, "merge", "-q", "--no-ff", "-m", f"merge {other}", other)
            repo.commits.append(git(path, "rev-parse", "HEAD"))
            for t in _tag_names(rng, used):
                git(path, "tag", t)
            continue
        files = {f"f{i}.go": "package a\n"}
        if i == gomod_at:
            files["go.mod"] = modline
        repo.commits.append(commit(path, files, tag=_tag_names(rng, used), annotated=rng.random() < 0.3))
    git(path, "checkout", "-q", "master")
    return repo


def _go_versions(go, env, cwd, queries):
    out = run_go(go, ["list", "-m", "-e", "-json", *queries], env, cwd=cwd, check=False).stdout
    dec = json.JSONDecoder()
    res, i = {}, 0
    while i < len(out):
        if out[i].isspace():
            i += 1
            continue
        obj, i = dec.raw_decode(out, i)
        res[(obj["Path"], obj.get("Query") or obj.get("Version", ""))] = obj  # errors: Version = query
    return res


def _kind(v):
    if v.startswith("error"):
        return "error"
    if v.endswith("+incompatible"):
        return "incompatible"
    if p.is_pseudo_version(v):
        base = p.pseudo_version_base(v)
        return "pseudo-none" if not base else "pseudo-pre" if "-" in base else "pseudo-base"
    return "v2" if v.startswith("v2.") else "tag"


def test_module_version_matches_go(go_cmd, tmp_path):
    rng = random.Random(11)
    env = go_env_for(tmp_path / "goenv")
    rewrites, cases = {}, []
    for n in range(20):
        name = f"h{n}"
        mode = ["none", "v1", "v2"][n % 3]
        repo = _random_history(rng, tmp_path / name, name, mode)
        rewrites[f"github.com/acme/{name}"] = repo.path
        paths = [f"github.com/acme/{name}"] + ([f"github.com/acme/{name}/v2"] if mode == "v2" else [])
        cases.append((repo, paths))
    env = go_env_for(tmp_path / "goenv", rewrites)
    # A query for an unknown hash makes go fetch every branch and tag with full history
    # first, so that no later answer depends on a shallow --depth=1 fetch.
    run_go(go_cmd, ["list", "-m", "-e", "-json"] + [f"{paths[0]}@{'0' * 40}" for _, paths in cases],
           env, cwd=tmp_path, check=False)
    queries = [f"{path}@{c}" for repo, paths in cases for path in paths for c in dict.fromkeys(repo.commits)]
    got = _go_versions(go_cmd, env, tmp_path, queries)
    mismatches, compared, kinds = [], 0, set()
    for repo, paths in cases:
        for path in paths:
            for c in dict.fromkeys(repo.commits):
                g = got.get((path, c)) or pytest.fail(f"no go answer for {path}@{c}: {sorted(k for k in got if k[0].startswith(path))}")
                try:
                    mv = p.resolve_module_version(repo.path, c, path)
                    mine = mv.version
                except p.RevisionError as e:
                    mine, mv = f"error: {e}", None
                want = g.get("Version", "") if "Error" not in g else f"error: {g['Error']['Err']}"
                compared += 1
                kinds.add(_kind(want))
                if mine.startswith("error") and want.startswith("error"):
                    continue
                if mine != want:
                    mismatches.append((path, c[:12], mine, want))
                elif mv is not None:
                    assert g["Time"] == mv.time.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert not mismatches, mismatches
    assert compared >= 80
    assert kinds >= {"error", "incompatible", "v2", "pseudo-pre", "pseudo-base", "pseudo-none", "tag"}, kinds
