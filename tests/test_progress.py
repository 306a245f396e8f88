"""The progress display: plain lines with -v or in logs, a live rich display on a terminal,
with a bar and done/total once the exports of vendor/ report their total."""

import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys

import pytest

from dep.cli.progress import PlainProgress, RichProgress, make_progress
from tests.gitrepos import make_repo

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def read_all(fd: int) -> str:
    """Everything written to the pty's other end so far (the writer has finished)."""
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO once the last writer closed
            break
        if not data:
            break
        chunks.append(data)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


def test_piped_output_stays_quiet_unless_verbose():
    assert make_progress(io.StringIO(), verbose=False) is None
    out = io.StringIO()
    p = make_progress(out, verbose=True)
    p("list", "github.com/a/b")
    p("export", "github.com/a/b")
    p("export", "github.com/a/b", 1)  # a finished job with the batch's total: no line
    assert isinstance(p, PlainProgress)
    assert out.getvalue() == "(list) listing versions of github.com/a/b\n(export) exporting github.com/a/b\n"


def test_a_terminal_gets_the_live_display():
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        p = make_progress(tty, verbose=False)
        assert isinstance(p, RichProgress)
        p("list", "github.com/a/b")
        p.close()
    os.close(master)


def test_exports_show_a_bar_with_done_and_total():
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        p = RichProgress(tty)
        p("list", "github.com/a/a")
        p._progress.refresh()
        for name in ("a", "b", "c"):
            p("export", f"github.com/a/{name}")
        for name in ("a", "b", "c"):
            p("export", f"github.com/a/{name}", 3)
        p._progress.refresh()
        p.close()
    shown = read_all(master)
    os.close(master)
    assert "[1] listing versions of github.com/a/a" in shown  # a count while the total is unknown
    assert re.search(r"exporting github\.com/a/c ━+ 3/3", shown), shown


def test_downloads_show_bytes_done_and_total_and_one_plain_line_when_done():
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as tty:
        p = RichProgress(tty)
        p("download", "github.com/a/z", 2_000_000, 0)
        p("download", "github.com/a/z", 2_000_000, 1_000_000)
        p._progress.refresh()
        p("download", "github.com/a/z", 2_000_000, 2_000_000)
        assert not p._downloads  # a finished download leaves the display
        p.close()
    shown = read_all(master)
    os.close(master)
    assert "downloading github.com/a/z 1.0 MB/2.0 MB" in shown, shown
    out = io.StringIO()
    q = PlainProgress(out)
    q("download", "github.com/a/z", 10, 4)
    q("download", "github.com/a/z", 10, 10)
    assert out.getvalue() == "(download) downloaded github.com/a/z (10 bytes)\n"


@pytest.fixture
def world(tmp_path):
    """A project importing three libraries, each a real git repository behind a github.com name."""
    gopath = tmp_path / "gopath"
    project = gopath / "src/example.com/app"
    project.mkdir(parents=True)
    rules = []
    for name in ("one", "two", "three"):
        up = make_repo(tmp_path / name, [{"files": {f"{name}.go": f"package {name}\n"}, "tag": "v1.0.0"}])
        rules.append(f'[url "{up.path}"]\n\tinsteadOf = https://github.com/acme/{name}\n')
    (project / "main.go").write_text(
        'package main\n\nimport (\n\t_ "github.com/acme/one"\n\t_ "github.com/acme/three"\n'
        '\t_ "github.com/acme/two"\n)\n\nfunc main() {}\n')
    (project / "Gopkg.toml").write_text("")
    cfg = tmp_path / "gitconfig"
    cfg.write_text("".join(rules))
    (tmp_path / "cache").mkdir()
    env = dict(os.environ, GOPATH=str(gopath), PWD=str(project), GIT_CONFIG_GLOBAL=str(cfg),
               DEPCACHEDIR=str(tmp_path / "cache"), GO111MODULE="off", GOFLAGS="", TERM="xterm",
               COLUMNS="120")
    return project, env


def test_dep_ensure_on_a_terminal_shows_the_export_bar(world):
    project, env = world
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "dep", "ensure"], cwd=project, env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = read_all(master)
    os.close(master)
    assert proc.returncode == 0, shown
    assert re.search(r"exporting github\.com/acme/\w+ ━+ 3/3", shown), shown
    assert sorted(os.listdir(project / "vendor/github.com/acme")) == ["one", "three", "two"]


def test_piped_and_verbose_output_carry_no_totals(world):
    project, env = world
    verbose = subprocess.run([sys.executable, "-m", "dep", "ensure", "-v"], cwd=project, env=env,
                             capture_output=True, text=True)
    assert verbose.returncode == 0, verbose.stderr
    # -v: dep's trace and log, plus one line per started job, exactly as before the bar existed
    # (the done notes that drive the bar are never lines)
    ours = [line for line in verbose.stderr.splitlines()
            if not re.match(r"\(\d+\)|\(\d/3\) Wrote | |Root project |# Bringing", line)]
    assert sorted(ours) == sorted(f"({event}) {verb} github.com/acme/{name}"
                                  for event, verb in (("list", "listing versions of"),
                                                      ("analyse", "analysing"), ("export", "exporting"))
                                  for name in ("one", "two", "three"))
    (project / "Gopkg.lock").unlink()
    shutil.rmtree(project / "vendor")
    quiet = subprocess.run([sys.executable, "-m", "dep", "ensure"], cwd=project, env=env,
                           capture_output=True, text=True)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert sorted(os.listdir(project / "vendor/github.com/acme")) == ["one", "three", "two"]
