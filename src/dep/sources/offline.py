"""Offline mode (``DEPOFFLINE=1`` or ``-offline``): everything comes from the cache.

Sources and discovery never touch the network in this mode; whatever they need and the cache
lacks is recorded in the run's :class:`OfflineLedger`, so that the command can end with ONE
error naming every missing piece instead of stopping at the first.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from dep.sources.vcs import SourceError

__all__ = ["OfflineLedger", "OfflineMissing", "offline_requested"]

_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool


def offline_requested(flag: bool, environ: Mapping[str, str]) -> bool:
    """The ``-offline`` flag, else ``DEPOFFLINE`` set to a true value (as Go's ParseBool)."""
    return flag or environ.get("DEPOFFLINE", "") in _TRUE


def _message(missing: Mapping[str, str]) -> str:
    items = ", ".join(f"{name} ({what})" for name, what in missing.items())
    return (f"offline (DEPOFFLINE=1): not in the cache: {items}; "
            "run once online to fill the cache")


class OfflineMissing(SourceError):
    """Something an offline run needs is not in the cache (``missing``: name → what)."""

    def __init__(self, missing: Mapping[str, str]) -> None:
        super().__init__(_message(missing), cause="not in the cache")
        self.missing = dict(missing)


class OfflineLedger:
    """What this offline run found missing, in the order found (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._missing: dict[str, str] = {}

    def miss(self, name: str, what: str) -> OfflineMissing:
        """Record that ``name`` lacks ``what`` (e.g. "no clone"); the error to raise now."""
        with self._lock:
            self._missing.setdefault(name, what)
        return OfflineMissing({name: what})

    def error(self) -> OfflineMissing | None:
        """The one error naming everything missing so far, or None."""
        with self._lock:
            return OfflineMissing(self._missing) if self._missing else None
