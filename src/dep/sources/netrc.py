""".netrc credentials for go-get discovery requests, read the way dep reads them.

dep uses its own small reader (not a full netrc parser): ``machine``/``login``/``password``
pairs anywhere on a line, an entry is complete once all three are known, ``macdef`` skips
lines up to the next empty one, and a lone trailing ``default`` token ends the file.
Unreadable files mean no credentials. The first entry whose machine equals the request's
host (``host`` or ``host:port``, exactly) supplies basic auth.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["NetrcEntry", "basic_auth_header", "go_fields", "netrc_path", "parse_netrc", "read_netrc"]


class NetrcEntry(NamedTuple):
    machine: str
    login: str
    password: str


# unicode.IsSpace, which strings.Fields splits on
_GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_SPLIT = str.maketrans({ch: " " for ch in _GO_SPACES})


def go_fields(line: str) -> list[str]:
    """Go's ``strings.Fields``: split on runs of Unicode white space."""
    return [f for f in line.translate(_SPLIT).split(" ") if f]


def parse_netrc(text: str) -> list[NetrcEntry]:
    entries: list[NetrcEntry] = []
    machine = login = password = ""
    in_macro = False
    for line in text.split("\n"):
        if in_macro:
            if line == "":
                in_macro = False
            continue
        fields = go_fields(line)
        i = 0
        while i < len(fields) - 1:
            key, value = fields[i], fields[i + 1]
            if key == "machine":
                machine, login, password = value, "", ""
            elif key == "login":
                login = value
            elif key == "password":
                password = value
            elif key == "macdef":
                in_macro = True
            if machine and login and password:
                entries.append(NetrcEntry(machine, login, password))
                machine = login = password = ""
            i += 2
        if i < len(fields) and fields[i] == "default":
            break
    return entries


def netrc_path(env: Mapping[str, str] | None = None) -> str:
    """``$NETRC`` if set and non-empty, else ``$HOME/.netrc`` (``_netrc`` on Windows)."""
    env = os.environ if env is None else env
    if env.get("NETRC"):
        return env["NETRC"]
    base = "_netrc" if os.name == "nt" else ".netrc"
    home = env.get("HOME", "")
    return os.path.join(home, base) if home else base


def read_netrc(env: Mapping[str, str] | None = None) -> list[NetrcEntry]:
    try:
        with open(netrc_path(env), "rb") as f:
            data = f.read()
    except OSError:
        return []
    return parse_netrc(data.decode("utf-8", "surrogateescape"))


def basic_auth_header(host: str, entries: list[NetrcEntry]) -> str | None:
    """The ``Authorization`` value for ``host`` (``host[:port]`` as in the URL), if any."""
    for entry in entries:
        if entry.machine == host:
            raw = f"{entry.login}:{entry.password}".encode("utf-8", "surrogateescape")
            return "Basic " + base64.b64encode(raw).decode("ascii")
    return None
