"""One picture of a directory tree, to assert that a command left it exactly as it was."""

import os


def tree(root) -> dict:
    """Every path under ``root``, relative to it: directories as ``"dir"``, symlinks as
    ``("link", target)`` (never followed), files as ``(mode, bytes)``."""
    out = {}
    root = str(root)
    for dp, dn, fn in os.walk(root):
        for name in dn + fn:
            p = os.path.join(dp, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = "dir"
            else:
                with open(p, "rb") as f:
                    out[rel] = (st.st_mode, f.read())
    return out
