"""Typed errors. Each carries the one-line message the CLI prints before exiting 1.

The core raises these and never prints or exits; only ``dep.cli`` turns them into output.
"""


class DepError(Exception):
    """Base for every user-facing failure; ``str(err)`` is the whole message."""


class SilentError(DepError):
    """A failure already reported through normal output (dep check): exit 1, print nothing."""


class ManifestError(DepError):
    """Gopkg.toml is malformed or invalid."""


class LockError(DepError):
    """Gopkg.lock is malformed."""


class ConstraintError(DepError):
    """A version constraint string cannot be parsed."""


class ProjectError(DepError):
    """The project root, GOPATH or import path cannot be determined."""


class PackageTreeError(DepError):
    """The Go package tree cannot be listed at all (as opposed to per-package errors)."""


class VendorError(DepError):
    """vendor/ cannot be read or verified."""
