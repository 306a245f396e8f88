"""Zips from a Go module proxy verified against a real checksum database (issue 12): the server
is golang.org/x/mod/sumdb's own (tests/gomod/sumdbserver), filled with the go.sum lines the go
command computed for the proxy's modules, and dep reaches it the way GOSUMDB says."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.ensure_world import run_dep
from tests.e2e.test_proxy import _reference, _vendor, built, proj  # noqa: F401 (fixtures)
from tests.gomod.test_sumdb import server_bin, start_server  # noqa: F401 (fixtures)
from tests.treesnap import tree


def _gosumdb(start_server, lines, **kw):
    url, vkey, skey = start_server(lines, **kw)
    return f"{vkey} {url}", skey


def test_correct_hashes_are_accepted(built, proj, start_server):
    project, env = proj
    gosumdb, _ = _gosumdb(start_server, built["sums"])
    run_dep(project, env(built["proxy"].as_uri(), GOSUMDB=gosumdb), "ensure", "-vendor-only", ok=True)
    assert _vendor(project) == _reference(built)


def test_a_wrong_hash_is_refused_in_one_line_and_nothing_is_written(built, proj, start_server):
    project, env = proj
    lines = list(built["sums"])
    i = next(i for i, line in enumerate(lines) if line.startswith("github.com/acme/lib ") and "/go.mod" not in line)
    good = lines[i].split()[2]
    lines[i] = lines[i].rsplit(" ", 1)[0] + " h1:" + "A" * 43 + "="
    gosumdb, _ = _gosumdb(start_server, lines)
    before = tree(project)
    r = run_dep(project, env(built["proxy"].as_uri(), GOSUMDB=gosumdb), "ensure", "-vendor-only", ok=False)
    errors = [x for x in r.stderr.splitlines() if "checksum mismatch" in x]
    assert len(errors) == 1, r.stderr
    assert "github.com/acme/lib@v1.1.0" in errors[0] and good in errors[0] and "h1:AAAA" in errors[0]
    assert tree(project) == before


def test_a_forked_tree_head_is_detected(built, proj, start_server):
    project, env = proj
    gosumdb, skey = _gosumdb(start_server, built["sums"] + [f"example.com/pad{i} v1.0.0 h1:{'B' * 43}=" for i in range(3)])
    run_dep(project, env(built["proxy"].as_uri(), GOSUMDB=gosumdb), "ensure", "-vendor-only", ok=True)
    # the same key signs another log of the same records in another order: a fork
    forked, _ = _gosumdb(start_server, list(reversed(built["sums"])) + [f"example.com/x{i} v1.0.0 h1:{'C' * 43}=" for i in range(9)], skey=skey)
    shutil.rmtree(project / "vendor")
    cache = project.parents[4] / "cache"
    shutil.rmtree(cache / "pydep-proxy")  # zips must be verified again,
    shutil.rmtree(cache / "pydep-sumdb" / "sumdb.test" / "lookup")  # with answers not seen before
    r = run_dep(project, env(built["proxy"].as_uri(), GOSUMDB=forked), "ensure", "-vendor-only", ok=False)
    assert "sumdb.test" in r.stderr and not (project / "vendor").exists(), r.stderr


def test_gonosumdb_exempts_modules(built, proj, start_server):
    project, env = proj
    gosumdb, _ = _gosumdb(start_server, [f"example.com/other v1.0.0 h1:{'D' * 43}="])
    run_dep(project, env(built["proxy"].as_uri(), GOSUMDB=gosumdb, GONOSUMDB="github.com/acme"),
            "ensure", "-vendor-only", ok=True)
    assert _vendor(project) == _reference(built)


def test_the_database_is_reached_through_a_proxy_that_offers_it(built, proj, start_server):
    """GOSUMDB names no URL: the first GOPROXY entry answering ``/sumdb/<name>/supported``
    serves the database (Go's rule), so no direct connection to it is made."""
    from tests.e2e.proxyworld import StaticProxy

    project, env = proj
    url, vkey, _ = start_server(built["sums"])
    server = StaticProxy(built["proxy"], sumdb=("sumdb.test", url))
    try:
        run_dep(project, env(server.url, GOSUMDB=vkey), "ensure", "-vendor-only", ok=True)
        assert _vendor(project) == _reference(built)
        assert "/sumdb/sumdb.test/supported" in server.requests
        assert any(p.startswith("/sumdb/sumdb.test/lookup/") for p in server.requests)
    finally:
        server.close()


def test_a_module_the_database_does_not_know_is_refused_not_fallen_through(built, proj, start_server, tmp_path):
    """A lookup answered "not found" fails verification (as in Go); it never sends dep on to
    the next GOPROXY entry, where the zip would go unverified."""
    project, env = proj
    lines = [line for line in built["sums"] if not line.startswith("github.com/acme/util ")]
    gosumdb, _ = _gosumdb(start_server, lines)
    second = tmp_path / "second"
    shutil.copytree(built["proxy"], second)
    r = run_dep(project, env(f"{built['proxy'].as_uri()},{second.as_uri()}", GOSUMDB=gosumdb),
                "ensure", "-vendor-only", ok=False)
    assert "verifying github.com/acme/util@v1.1.0" in r.stderr, r.stderr
    assert not (project / "vendor").exists()
