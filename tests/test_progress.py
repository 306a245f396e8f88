import io
import os
import pty

from dep.cli.progress import PlainProgress, RichProgress, make_progress


def test_piped_output_stays_quiet_unless_verbose():
    assert make_progress(io.StringIO(), verbose=False) is None
    out = io.StringIO()
    p = make_progress(out, verbose=True)
    p("list", "github.com/a/b")
    p("export", "github.com/a/b")
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
