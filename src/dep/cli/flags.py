"""Command-line flags with the exact semantics of Go's ``flag`` package, which dep uses.

Go flags are single-dash words (``-skip-lock``; ``--skip-lock`` is the same), take values as
``-f=v`` or ``-f v`` (bools only ``-f`` or ``-f=false``), and parsing stops at the first
non-flag argument or ``--``. Error texts match Go's so scripts see the same messages.
"""

from __future__ import annotations

from dep.cli.tabwriter import align
from dep.gofmt import go_quote

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


class FlagError(Exception):
    """Bad command line; ``str()`` is Go's message, or empty for -h/-help."""


class Flag:
    """One flag; ``kind`` is bool, str or int."""

    __slots__ = ("name", "usage", "kind", "default")

    def __init__(self, name: str, usage: str, kind: type, default: object) -> None:
        self.name = name
        self.usage = usage
        self.kind = kind
        self.default = default

    @property
    def default_text(self) -> str:
        if self.kind is bool:
            return "true" if self.default else "false"
        return str(self.default)


class FlagSet:
    __slots__ = ("flags",)

    def __init__(self) -> None:
        self.flags: dict[str, Flag] = {}

    def bool(self, name: str, usage: str, default: bool = False) -> None:
        self.flags[name] = Flag(name, usage, bool, default)

    def string(self, name: str, usage: str, default: str = "") -> None:
        self.flags[name] = Flag(name, usage, str, default)

    def int(self, name: str, usage: str, default: int = 0) -> None:
        self.flags[name] = Flag(name, usage, int, default)

    def parse(self, args: list[str]) -> tuple[dict[str, object], list[str]]:
        """Return (flag values by name, remaining positional args)."""
        values = {f.name: f.default for f in self.flags.values()}
        i = 0
        while i < len(args):
            s = args[i]
            if len(s) < 2 or s[0] != "-":
                break
            dashes = 2 if s[1] == "-" else 1
            if s == "--":
                i += 1
                break
            name = s[dashes:]
            if not name or name[0] in "-=":
                raise FlagError(f"bad flag syntax: {s}")
            i += 1
            name, has_value, value = name.partition("=")
            flag = self.flags.get(name)
            if flag is None:
                if name in ("help", "h"):
                    raise FlagError("")
                raise FlagError(f"flag provided but not defined: -{name}")
            if flag.kind is bool:
                if not has_value:
                    values[name] = True
                elif value in _TRUE or value in _FALSE:
                    values[name] = value in _TRUE
                else:
                    raise FlagError(f"invalid boolean value {go_quote(value)} for -{name}: parse error")
                continue
            if not has_value:
                if i == len(args):
                    raise FlagError(f"flag needs an argument: -{name}")
                value = args[i]
                i += 1
            if flag.kind is int:
                try:
                    values[name] = int(value, 0)
                except ValueError:
                    raise FlagError(f"invalid value {go_quote(value)} for flag -{name}: parse error") from None
            else:
                values[name] = value
        return values, args[i:]

    def usage_block(self) -> str:
        """dep's flag list: sorted by name, ``(default: <none>)`` for empty defaults."""
        lines = [f"\t-{f.name}\t{f.usage} (default: {f.default_text or '<none>'})"
                 for f in sorted(self.flags.values(), key=lambda f: f.name)]
        return align("\n".join(lines) + "\n") if lines else ""
