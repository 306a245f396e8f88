"""``dep version``: the same block of fields as dep, describing this implementation."""

from __future__ import annotations

import os
import sys

from dep import __version__

NAME = "version"
ARGS = ""
LONG = "Show the dep version information."

# The dep release whose behaviour and file formats this implementation reproduces.
COMPATIBLE_WITH = "v0.5.4"


def register(flags) -> None:
    pass


def run(inv, opts, args) -> None:
    # os.uname and sys.version give what platform.machine/python_version would, without
    # importing platform (~10 ms)
    if hasattr(os, "uname"):
        machine = os.uname().machine
    else:  # Windows
        import platform

        machine = platform.machine()
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    inv.out.write(
        "dep:\n"
        f" version     : {COMPATIBLE_WITH}+py.{__version__}\n"
        " build date  : \n"
        " git hash    : \n"
        f" go version  : python{sys.version.split()[0]}\n"
        f" go compiler : {sys.implementation.name}\n"
        f" platform    : {sys.platform}/{machine}\n"
        " features    : ImportDuringSolve=false\n"
    )
