"""dep init's notes: texts as dep prints them."""

from dep.feedback import DIRECT, IMPORTED, TRANSITIVE, broken_import_lines, constraint_line, locked_line, short_rev
from dep.lock import LockedProject
from dep.versions import Branch, PairedVersion, Revision, parse_constraint, parse_version

REV = "ff2948a2ac8f538c4ecd55962e919d1e13e74baf"
REV2 = "3f4c3bea144e112a69bbe5d8d01c1b09a544253f"


def test_constraint_and_lock_lines():
    assert constraint_line(parse_constraint("1.0.0"), DIRECT, "a.com/b") == "  Using ^1.0.0 as constraint for direct dep a.com/b"
    assert constraint_line(Revision(REV), IMPORTED, "a.com/b") == f"  Using {REV} as initial hint for imported dep a.com/b"
    assert locked_line(PairedVersion(parse_version("v1.0.0"), REV), TRANSITIVE, "a.com/b") == \
        "  Locking in v1.0.0 (ff2948a) for transitive dep a.com/b"
    assert locked_line(Revision(REV), DIRECT, "a.com/b") == "  Locking in  (ff2948a) for direct dep a.com/b"
    assert locked_line(Revision(REV), IMPORTED, "a.com/b") == "  Trying * (ff2948a) as initial lock for imported dep a.com/b"
    assert locked_line(parse_version("v1.0.0"), DIRECT, "a.com/b") is None
    assert short_rev("abc") == "abc" and short_rev(REV.upper()) == REV.upper()[:7]


def test_imported_locks_that_were_not_kept():
    old = [LockedProject("a.com/gone", REV, Branch("master")),
           LockedProject("a.com/moved", REV, parse_version("v1.0.0"), source="https://x.com/fork"),
           LockedProject("a.com/kept", REV, parse_version("v1.0.0"))]
    new = [LockedProject("a.com/kept", REV, parse_version("v1.0.0"), packages=["."]),
           LockedProject("a.com/moved", REV2, parse_version("v1.1.0"), packages=["."]),
           LockedProject("a.com/new", REV2, None)]
    assert broken_import_lines(old, new) == [
        "Warning: Unable to preserve imported lock v1.0.0 (ff2948a) for a.com/moved(https://x.com/fork). "
        "Locking in v1.1.0 (3f4c3be) for a.com/moved()",
        "Warning: Unable to preserve imported lock master (ff2948a) for a.com/gone. The project was removed "
        "from the lock because it is not used."]
