"""Go semver, dep's constraint language, gps's version kinds and their sort orders.

Two layers, as in dep:

* the semver algebra of dep's fork of Masterminds/semver (exact versions, ranges,
  unions, ``*``), used only through :class:`SemverConstraint` and :class:`SemverVersion`;
* gps's constraint kinds on top (any, none, plain tag, branch, revision, paired version,
  semver), which decide how non-semver versions meet semver constraints.

Quirks of the Go code are kept on purpose because they change what dep accepts: prerelease
identifiers compare as strings, a prerelease only matches a range sharing its lower
bound's numbers, a union intersected with an exact version yields that version unchecked.

``==`` is Go's ``==`` (every field, including the original text and the default-branch
flag); use :meth:`Constraint.matches` for gps's notion of "the same version".
"""

from __future__ import annotations

import re

from dep.errors import ConstraintError
from dep.gosort import go_sort
from dep.records import FrozenRecord, set_field

__all__ = [
    "ANY", "NONE", "AnyConstraint", "Branch", "Constraint", "NoneConstraint", "PairedVersion",
    "PlainVersion", "Revision", "SemverConstraint", "SemverVersion", "Version",
    "constraint_from_rule", "parse_constraint", "parse_version", "sort_for_downgrade",
    "sort_for_upgrade",
]

_IDENTS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_VERSION_RE = re.compile(
    rf"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-({_IDENTS}))?(?:\+({_IDENTS}))?")
_MAX_PART = 2**32 - 1  # strconv.ParseUint(part, 10, 32)

# Go's \s is [\t\n\f\r ]; Python's would also accept \v and Unicode spaces.
_WS = r"[\t\n\f\r ]*"
_OPS = "|".join(re.escape(op) for op in ("", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"))


def _cv(name: str) -> str:
    """Masterminds' constraint-version pattern; its character class really does admit ``|``."""
    part = r"[0-9|xX*]+"
    return (rf"(?P<{name}>v?(?P<{name}major>{part})(?P<{name}minor>\.{part})?(?P<{name}patch>\.{part})?"
            rf"(?P<{name}pre>-{_IDENTS})?(?:\+{_IDENTS})?)")


_CONSTRAINT_RE = re.compile(rf"{_WS}(?P<op>{_OPS}){_WS}{_cv('v')}{_WS}")
_HYPHEN = rf"{_WS}{_cv('lo')}{_WS} - {_WS}{_cv('hi')}{_WS}"  # compiled when a " - " range shows up


def _uint(digits: str, limit: int) -> int | None:
    """strconv.ParseUint's value of ASCII ``digits``, or None past ``limit`` (a tag's numbers
    may be any length: the length is checked first, as int() refuses over 4300 digits)."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(limit)):
        return None
    value = int(digits)
    return value if value <= limit else None


def _is_numeric(ident: str) -> bool:
    """strconv.ParseUint(ident, 10, 64) succeeds."""
    return ident.isascii() and ident.isdigit() and _uint(ident, 2**64 - 1) is not None


def _compare_prerelease(a: str, b: str) -> int:
    """Dot-separated identifiers compared as *strings*; a missing identifier sorts below a
    numeric one and above any other (so ``rc.9`` > ``rc.10``, ``x.a`` < ``x`` < ``x.1``)."""
    left, right = a.split("."), b.split(".")
    for i in range(max(len(left), len(right))):
        s = left[i] if i < len(left) else ""
        o = right[i] if i < len(right) else ""
        if s == o:
            continue
        if o == "":
            return 1 if _is_numeric(s) else -1
        if s == "":
            return -1 if _is_numeric(o) else 1
        return 1 if s > o else -1
    return 0


class Constraint:
    """What gps asks of every constraint; versions are constraints matching themselves."""

    __slots__ = ()

    def matches(self, version: Version | None) -> bool:
        raise NotImplementedError

    def matches_any(self, other: Constraint) -> bool:
        """Whether some version could satisfy both constraints."""
        raise NotImplementedError

    def intersect(self, other: Constraint) -> Constraint:
        raise NotImplementedError

    def implied_caret_string(self) -> str:
        """The spelling Gopkg.toml gets back (a bare semver means ``^``)."""
        return str(self)


class Version(Constraint):
    """A concrete version; ``version_type`` is gps's Type(): semver, version, branch or revision."""

    __slots__ = ()
    version_type: str


class SemverVersion(Version, FrozenRecord):
    """``original`` is the tag as written (``v1.2.0``); empty for versions out of constraints."""

    __slots__ = ("major", "minor", "patch", "prerelease", "metadata", "original")
    version_type = "semver"

    def __init__(self, major: int, minor: int = 0, patch: int = 0, prerelease: str = "",
                 metadata: str = "", original: str = "") -> None:
        set_field(self, "major", major)
        set_field(self, "minor", minor)
        set_field(self, "patch", patch)
        set_field(self, "prerelease", prerelease)
        set_field(self, "metadata", metadata)
        set_field(self, "original", original)

    # == and hash of the version classes are written out: the solver calls them a lot
    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return ((self.major, self.minor, self.patch, self.prerelease, self.metadata, self.original)
                    == (other.major, other.minor, other.patch, other.prerelease, other.metadata, other.original))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.major, self.minor, self.patch, self.prerelease, self.metadata, self.original))

    def __str__(self) -> str:
        return self.original or self.canonical()

    def canonical(self) -> str:
        """Masterminds' String(): no ``v``, missing parts filled in."""
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        if self.metadata:
            text += f"+{self.metadata}"
        return text

    def implied_caret_string(self) -> str:
        return "=" + self.canonical()

    def compare(self, other: SemverVersion) -> int:
        """-1/0/1 by semver precedence; metadata is ignored, a prerelease sorts below its release."""
        a, b = (self.major, self.minor, self.patch), (other.major, other.minor, other.patch)
        if a != b:
            return -1 if a < b else 1
        if self.prerelease == other.prerelease:
            return 0
        if not self.prerelease:
            return 1
        if not other.prerelease:
            return -1
        return _compare_prerelease(self.prerelease, other.prerelease)

    def matches(self, version: Version | None) -> bool:
        v = _unpaired(version)
        return isinstance(v, SemverVersion) and self.compare(v) == 0

    def matches_any(self, other: Constraint) -> bool:
        if isinstance(other, SemverConstraint):
            return other.intersect(self) is not NONE
        return isinstance(other, AnyConstraint) or (isinstance(other, Version) and self.matches(other))

    def intersect(self, other: Constraint) -> Constraint:
        if isinstance(other, SemverConstraint):
            return other.intersect(self)
        if isinstance(other, AnyConstraint) or (isinstance(other, Version) and self.matches(other)):
            return self
        return NONE

    def union(self, other: SemverVersion | SemverConstraint) -> SemverVersion | SemverConstraint:
        return _from_algebra(_union(self, _algebra(other)))


class _NamedVersion(Version, FrozenRecord):
    """Plain tags and branches: a constraint on one matches only the same kind and name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        set_field(self, "name", name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.name == other.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __str__(self) -> str:
        return self.name

    def matches(self, version: Version | None) -> bool:
        v = _unpaired(version)
        return isinstance(v, type(self)) and v.name == self.name

    def matches_any(self, other: Constraint) -> bool:
        return isinstance(other, AnyConstraint) or (isinstance(other, Version) and self.matches(other))

    def intersect(self, other: Constraint) -> Constraint:
        return self if self.matches_any(other) else NONE


class PlainVersion(_NamedVersion):
    """A tag that is not semver."""

    __slots__ = ()
    version_type = "version"


class Branch(_NamedVersion):
    """``default`` marks the source's default branch; it only affects sort order."""

    __slots__ = ("default",)
    version_type = "branch"

    def __init__(self, name: str, default: bool = False) -> None:
        set_field(self, "name", name)
        set_field(self, "default", default)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.name == other.name and self.default == other.default
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.name, self.default))


class Revision(Version, FrozenRecord):
    __slots__ = ("rev",)
    version_type = "revision"

    def __init__(self, rev: str) -> None:
        set_field(self, "rev", rev)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.rev == other.rev
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.rev)

    def __str__(self) -> str:
        return self.rev

    def matches(self, version: Version | None) -> bool:
        return _revision_of(version) == self

    def matches_any(self, other: Constraint) -> bool:
        return isinstance(other, AnyConstraint) or _revision_of(other) == self

    def intersect(self, other: Constraint) -> Constraint:
        return self if self.matches_any(other) else NONE


class PairedVersion(Version, FrozenRecord):
    """A tag or branch together with the revision it points at; prints as the tag or branch.

    ``revision`` may be given as a plain string.
    """

    __slots__ = ("unpaired", "revision")

    def __init__(self, unpaired: SemverVersion | PlainVersion | Branch, revision: Revision | str) -> None:
        set_field(self, "unpaired", unpaired)
        set_field(self, "revision", Revision(revision) if isinstance(revision, str) else revision)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.unpaired == other.unpaired and self.revision == other.revision
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.unpaired, self.revision))

    @property
    def version_type(self) -> str:  # type: ignore[override]
        return self.unpaired.version_type

    def __str__(self) -> str:
        return str(self.unpaired)

    def implied_caret_string(self) -> str:
        return self.unpaired.implied_caret_string()

    def matches(self, version: Version | None) -> bool:
        """Same revision, or else whatever the unpaired version matches."""
        if isinstance(version, (PairedVersion, Revision)):
            return _revision_of(version) == self.revision
        return self.unpaired.matches(version)

    def matches_any(self, other: Constraint) -> bool:
        return other.matches(self)

    def intersect(self, other: Constraint) -> Constraint:
        if isinstance(other, AnyConstraint):
            return self
        if isinstance(other, (PairedVersion, Revision)):
            return self.revision if _revision_of(other) == self.revision else NONE
        if isinstance(other, SemverConstraint):
            ok = isinstance(self.unpaired, SemverVersion) and other.intersect(self.unpaired) is not NONE
            return self if ok else NONE
        return self if other.matches(self) else NONE


class AnyConstraint(Constraint):
    """No rule at all: every version, semver or not, even a missing one."""

    __slots__ = ()

    def __str__(self) -> str:
        return "*"

    def __repr__(self) -> str:
        return "ANY"

    def __reduce__(self) -> str:
        return "ANY"  # copies and pickles stay the singleton (constraints are compared with `is`)

    def matches(self, version: Version | None) -> bool:
        return True

    def matches_any(self, other: Constraint) -> bool:
        return True  # gps says so even for NONE

    def intersect(self, other: Constraint) -> Constraint:
        return other


class NoneConstraint(Constraint):
    """The empty set, e.g. the intersection of two different branches."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "NONE"

    def __reduce__(self) -> str:
        return "NONE"

    def matches(self, version: Version | None) -> bool:
        return False

    def matches_any(self, other: Constraint) -> bool:
        return False

    def intersect(self, other: Constraint) -> Constraint:
        return self


ANY = AnyConstraint()
NONE = NoneConstraint()


class SemverConstraint(Constraint, FrozenRecord):
    """A semver range, union or ``*``: matches semver versions (paired or not) only.

    An exact version parses to a bare :class:`SemverVersion` instead; ``inner`` can still be
    one when ranges intersect down to a single version.
    """

    __slots__ = ("inner",)

    def __init__(self, inner: _Range | _Union | SemverVersion | _Special) -> None:
        set_field(self, "inner", inner)

    def __str__(self) -> str:
        return _algebra_str(self.inner, implied_caret=False)

    def implied_caret_string(self) -> str:
        return _algebra_str(self.inner, implied_caret=True)

    def matches(self, version: Version | None) -> bool:
        v = _unpaired(version)
        return isinstance(v, SemverVersion) and _algebra_matches(self.inner, v)

    def matches_any(self, other: Constraint) -> bool:
        return self.intersect(other) is not NONE

    def intersect(self, other: Constraint) -> Constraint:
        if isinstance(other, AnyConstraint):
            return self
        if isinstance(other, SemverConstraint):
            result = _intersect(self.inner, other.inner)
            return NONE if result is _SEM_NONE else SemverConstraint(result)
        v = _unpaired(other)
        if isinstance(v, SemverVersion) and _intersect(self.inner, v) is not _SEM_NONE:
            return other
        return NONE

    def union(self, other: SemverVersion | SemverConstraint) -> SemverVersion | SemverConstraint:
        return _from_algebra(_union(self.inner, _algebra(other)))


def _unpaired(version: Constraint | None) -> Constraint | None:
    return version.unpaired if isinstance(version, PairedVersion) else version


def _revision_of(version: Constraint | None) -> Revision | None:
    if isinstance(version, PairedVersion):
        return version.revision
    return version if isinstance(version, Revision) else None


# --- parsing -------------------------------------------------------------------------------

def _parse_semver(text: str) -> SemverVersion | None:
    m = _VERSION_RE.fullmatch(text)
    if not m:
        return None
    parts = [_uint(p, _MAX_PART) if p else 0 for p in m.group(1, 2, 3)]
    if None in parts:
        return None
    return SemverVersion(*parts, m[4] or "", m[5] or "", text)


def parse_version(text: str) -> SemverVersion | PlainVersion:
    """A tag as gps sees it: semver when it parses as one, else a plain version."""
    return _parse_semver(text) or PlainVersion(text)


def parse_constraint(text: str, implied_caret: bool = True) -> SemverVersion | SemverConstraint:
    """Masterminds' NewConstraint (or NewConstraintIC, where a bare version means ``^``)."""
    if " - " in text:
        for m in re.compile(_HYPHEN).finditer(text):
            text = text.replace(m[0], f">= {m['lo']}, <= {m['hi']}", 1)
    alternatives = []
    for alternative in text.split("||"):
        conjuncts = [_parse_one(part, implied_caret) for part in alternative.split(",")]
        result = conjuncts[0]
        for c in conjuncts[1:]:
            result = _intersect(result, c)
        alternatives.append(result)
    return _from_algebra(_union_all(alternatives))


def constraint_from_rule(version: str | None = None, branch: str | None = None,
                         revision: str | None = None) -> Constraint:
    """A Gopkg.toml rule: semver with implied caret, else a plain tag; branch; revision; any."""
    if branch:
        return Branch(branch)
    if version:
        try:
            return parse_constraint(version)
        except ConstraintError:
            return parse_version(version)
    if revision:
        return Revision(revision)
    return ANY


def _is_x(part: str | None) -> bool:
    return part is not None and part.lower() in ("x", "*")


def _parse_one(text: str, implied_caret: bool) -> _Range | SemverVersion | _Special | _Union:
    """One comparison, e.g. ``>= 1.2.x``, as Masterminds' parseConstraint reads it."""
    m = _CONSTRAINT_RE.fullmatch(text)
    if not m:
        raise ConstraintError(f"Malformed constraint: {text}")
    if _is_x(m["vmajor"]):
        return _SEM_ANY
    wild_minor = _is_x(m["vminor"] and m["vminor"][1:])
    wild_patch = wild_minor or _is_x(m["vpatch"] and m["vpatch"][1:])
    pre = m["vpre"] or ""
    if wild_minor:
        text = f"{m['vmajor']}.0.0{pre}"
    elif wild_patch:
        text = f"{m['vmajor']}{m['vminor']}.0{pre}"
    else:
        text = m["v"]
    v = _parse_semver(text)
    if v is None:
        raise ConstraintError("constraint Parser Error")
    v = SemverVersion(v.major, v.minor, v.patch, v.prerelease, v.metadata)
    # The first version past a wildcard; it drops prerelease and metadata.
    bumped = (SemverVersion(v.major + 1, v.minor, v.patch) if wild_minor
              else SemverVersion(v.major, v.minor + 1, v.patch))
    op = "^" if implied_caret and m["op"] == "" else m["op"]
    if op == "^" or (op in ("~", "", "=") and wild_minor):
        return _caret(v)
    if op == "~" or (op in ("", "=") and wild_patch):  # "=1.2.x" means "~1.2.0"
        return _Range(v, SemverVersion(v.major, v.minor + 1), True, False)
    if op in ("", "="):
        return v
    if op == "!=":
        if not wild_patch:
            return _Range(None, None, excl=(v,))
        return _union_all([_Range(None, v), _Range(bumped, None, True)])
    if op in (">", ">=", "=>"):
        if wild_patch and op == ">":
            return _Range(bumped, None, True)
        return _Range(v, None, op != ">")
    if op in ("<", "<=", "=<"):
        if wild_patch and op != "<":
            return _Range(None, bumped)
        return _Range(None, v, include_max=op != "<")
    raise ConstraintError(f'Unrecognized predicate "{op}"')


def _caret(v: SemverVersion) -> _Range:
    top = SemverVersion(0, v.minor + 1) if v.major == 0 else SemverVersion(v.major + 1)
    return _Range(v, top, True, False)


# --- the Masterminds semver algebra ----------------------------------------------------------

class _Special:
    """Masterminds' own any (``*``: every semver version) and none."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"_Special({self.text!r})"


_SEM_ANY = _Special("*")
_SEM_NONE = _Special("")


class _Range(FrozenRecord):
    """An interval with exclusions; ``None`` bounds are unbounded."""

    __slots__ = ("min", "max", "include_min", "include_max", "excl")

    def __init__(self, min: SemverVersion | None, max: SemverVersion | None, include_min: bool = False,
                 include_max: bool = False, excl: tuple[SemverVersion, ...] = ()) -> None:
        set_field(self, "min", min)
        set_field(self, "max", max)
        set_field(self, "include_min", include_min)
        set_field(self, "include_max", include_max)
        set_field(self, "excl", excl)


class _Union(FrozenRecord):
    """Disjoint ranges and versions in ascending order."""

    __slots__ = ("members",)

    def __init__(self, members: tuple[_Range | SemverVersion, ...]) -> None:
        set_field(self, "members", members)


def _algebra(c: SemverVersion | SemverConstraint):
    if isinstance(c, SemverConstraint):
        return c.inner
    if isinstance(c, SemverVersion):
        return c
    raise TypeError(f"union is only defined for semver constraints, not {c!r}")


def _from_algebra(c) -> SemverVersion | SemverConstraint:
    """gps's NewSemverConstraint wrapping: an exact version stays a version."""
    return c if isinstance(c, SemverVersion) else SemverConstraint(c)


def _eq(a: SemverVersion | None, b: SemverVersion | None) -> bool:
    return a is not None and b is not None and a.compare(b) == 0


def _algebra_matches(c, v: SemverVersion) -> bool:
    if isinstance(c, _Range):
        return _range_matches(c, v)
    if isinstance(c, _Union):
        return any(_algebra_matches(m, v) for m in c.members)
    if isinstance(c, SemverVersion):
        return c.compare(v) == 0
    return c is _SEM_ANY


def _range_matches(r: _Range, v: SemverVersion) -> bool:
    if r.min is not None:
        cmp = r.min.compare(v)
        if cmp == 1 or (cmp == 0 and not r.include_min):
            return False
    if r.max is not None:
        cmp = r.max.compare(v)
        if cmp == -1 or (cmp == 0 and not r.include_max):
            return False
    if any(e.compare(v) == 0 for e in r.excl):
        return False
    # A prerelease only gets in through a lower bound with the same numbers.
    return not v.prerelease or (
        r.min is not None and (r.min.major, r.min.minor, r.min.patch) == (v.major, v.minor, v.patch))


def _intersect(a, b):
    if a is _SEM_ANY:
        return b
    if a is _SEM_NONE or b is _SEM_NONE:
        return _SEM_NONE
    if b is _SEM_ANY:
        return a
    if isinstance(a, SemverVersion):
        if isinstance(b, SemverVersion):
            return a if a.compare(b) == 0 else _SEM_NONE
        return _intersect(b, a)
    if isinstance(a, _Union):
        if isinstance(b, SemverVersion):
            return b  # sic: Masterminds does not check that the version is in the union
        others = b.members if isinstance(b, _Union) else (b,)
        pieces = [_intersect(m, o) for m in a.members for o in others]
        return _union_all([p for p in pieces if p is not _SEM_NONE])
    if isinstance(b, _Union):
        return _intersect(b, a)
    if isinstance(b, SemverVersion):
        return b if _range_matches(a, b) else _SEM_NONE
    return _intersect_ranges(a, b)


def _intersect_ranges(a: _Range, b: _Range):
    lo, inc_lo, hi, inc_hi = a.min, a.include_min, a.max, a.include_max
    if b.min is not None:
        if lo is None or lo.compare(b.min) < 0:
            lo, inc_lo = b.min, b.include_min
        elif _eq(b.min, lo) and not b.include_min:
            inc_lo = False
    if b.max is not None:
        if hi is None or hi.compare(b.max) > 0:
            hi, inc_hi = b.max, b.include_max
        elif _eq(b.max, hi) and not b.include_max:
            inc_hi = False
    result = _Range(lo, hi, inc_lo, inc_hi)
    for e in a.excl + b.excl:
        if _range_matches(result, e):
            result = _Range(lo, hi, inc_lo, inc_hi, result.excl + (e,))
    if lo is None or hi is None:
        return result
    cmp = lo.compare(hi)
    if cmp == 0:
        return lo if inc_lo and inc_hi else _SEM_NONE
    return _SEM_NONE if cmp > 0 else result


def _union(a, b):
    if a is _SEM_ANY or b is _SEM_ANY:
        return _SEM_ANY
    if a is _SEM_NONE:
        return b
    if b is _SEM_NONE:
        return a
    if isinstance(a, SemverVersion) and isinstance(b, SemverVersion) and a.compare(b) == 0:
        return a
    if isinstance(a, _Range) and isinstance(b, SemverVersion):
        return _union_range_version(a, b)
    if isinstance(a, _Range) and isinstance(b, _Range):
        return _union_ranges(a, b)
    return _union_all([a, b])


def _before(a, b) -> bool:
    """Masterminds' constraintList.Less: by lower bound, unbounded first."""
    if isinstance(a, SemverVersion) and isinstance(b, SemverVersion):
        return a.compare(b) < 0
    if isinstance(a, SemverVersion):
        return b.min is not None and not (b.include_min and _eq(a, b.min)) and a.compare(b.min) < 0
    if isinstance(b, SemverVersion):
        return a.min is None or (not (a.include_min and _eq(b, a.min)) and a.min.compare(b) < 0)
    if a.min is None:
        return True  # even when b.min is None too, as in Go
    return b.min is not None and a.min.compare(b.min) < 0


def _adjacent(a: _Range, b: _Range) -> bool:
    """``a`` ends exactly where ``b`` starts, the shared point in exactly one of them."""
    return _eq(a.max, b.min) and a.include_max != b.include_min


def _union_all(constraints: list):
    """Masterminds' Union(): flatten, sort by lower bound, merge neighbours."""
    if not constraints:
        return _SEM_NONE
    if len(constraints) == 1:
        return constraints[0]
    flat = []
    for c in constraints:
        if c is _SEM_ANY:
            return c
        if isinstance(c, _Union):
            flat.extend(c.members)
        elif c is not _SEM_NONE:
            flat.append(c)
    merged: list = []
    go_sort(flat, _before)  # Masterminds sorts with sort.Sort
    for c in flat:
        last = merged[-1] if merged else None
        if last is None:
            merged.append(c)
        elif isinstance(last, SemverVersion):
            if isinstance(c, SemverVersion):
                if last.compare(c) != 0:
                    merged.append(c)
            elif _eq(last, c.min):
                merged[-1] = _Range(c.min, c.max, True, c.include_max, c.excl)
            else:
                merged.append(c)
        elif isinstance(c, SemverVersion):
            joined = _union_range_version(last, c)
            merged[-1:] = joined.members if isinstance(joined, _Union) else [joined]
        elif _intersect(last, c) is not _SEM_NONE or _adjacent(last, c):
            joined = _union_ranges(last, c)
            if joined is _SEM_ANY:
                return joined  # Go panics here (a type assertion); any is the true union
            merged[-1] = joined
        else:
            merged.append(c)
    if len(merged) == 1:
        return merged[0]
    return _Union(tuple(merged))  # may be empty: matches nothing, prints ""


def _union_range_version(r: _Range, v: SemverVersion):
    if _range_matches(r, v):
        return r
    for k, e in enumerate(r.excl):
        if e.compare(v) == 0:
            return _Range(r.min, r.max, r.include_min, r.include_max, r.excl[:k] + r.excl[k + 1:])
    if r.min is not None and v.compare(r.min) < 0:
        return _Union((v, r))
    if _eq(v, r.min):
        return _Range(r.min, r.max, True, r.include_max, r.excl)
    if _eq(v, r.max):
        return _Range(r.min, r.max, r.include_min, True, r.excl)
    return _Union((r, v))


def _union_ranges(a: _Range, b: _Range):
    if (a.min is None and b.max is None) or (a.max is None and b.min is None):
        common = tuple(e1 for e1 in a.excl for e2 in b.excl if e1.compare(e2) == 0)
        return _Range(None, None, excl=common) if common else _SEM_ANY
    if _adjacent(a, b):
        return _Range(a.min, b.max, a.include_min, b.include_max, a.excl + b.excl)
    if _adjacent(b, a):
        return _Range(b.min, a.max, b.include_min, a.include_max, b.excl + a.excl)
    if _intersect(a, b) is _SEM_NONE:
        pair = [a, b]
        go_sort(pair, _before)
        return _Union(tuple(pair))
    # Overlapping: take the wider bound on each side and keep the exclusions the other
    # range does not cover. a_wider/b_wider say which side supplied each bound.
    lo, inc_lo, hi, inc_hi = None, False, None, False
    a_wider, b_wider = set(), set()
    if a.min is not None:
        if b.min is None or a.min.compare(b.min) > 0 or (_eq(a.min, b.min) and not a.include_min
                                                          and b.include_min):
            b_wider.add("min")
            lo, inc_lo = b.min, b.include_min
        else:
            a_wider.add("min")
            lo, inc_lo = a.min, a.include_min
    elif b.min is not None:
        a_wider.add("min")
    if a.max is not None:
        if b.max is None or a.max.compare(b.max) < 0 or (_eq(a.max, b.max) and not a.include_max
                                                          and b.include_max):
            b_wider.add("max")
            hi, inc_hi = b.max, b.include_max
        else:
            a_wider.add("max")
            hi, inc_hi = a.max, a.include_max
    elif b.max is None:  # sic: Go tests b.max unbounded here, not bounded
        a_wider.add("max")
    excl = []
    if len(a_wider) < 2:
        excl += [e for e in b.excl if not _range_matches(a, e)]
    if len(b_wider) < 2:
        excl += [e for e in a.excl if not _range_matches(b, e)]
    return _Range(lo, hi, inc_lo, inc_hi, tuple(excl))


def _algebra_str(c, implied_caret: bool) -> str:
    if isinstance(c, _Special):
        return c.text
    if isinstance(c, SemverVersion):
        return c.implied_caret_string() if implied_caret else c.canonical()
    if isinstance(c, _Union):
        return " || ".join(_algebra_str(m, implied_caret) for m in c.members)
    return _range_str(c, implied_caret)


def _range_str(r: _Range, implied_caret: bool) -> str:
    """Prefer ``^``/``~`` when the range is exactly one major (one minor for 0.x) or one minor."""
    lo, hi = r.min, r.max
    if lo is None and hi is None and not r.excl:
        return "*"
    caret = "{}" if implied_caret else "^{}"
    short = None
    if lo is not None and hi is not None and r.include_min and not r.include_max:
        if hi.minor == 0 and hi.patch == 0:
            if lo.major == hi.major - 1 and lo.major != 0:
                short = caret.format(lo.canonical())
        elif hi.major != 0 and hi.patch == 0:
            if lo.minor == hi.minor - 1 and lo.major == hi.major:
                short = f"~{lo.canonical()}"
        elif hi.major == 0 and hi.patch == 0 and lo.minor == hi.minor - 1:
            short = caret.format(lo.canonical())
    if short is not None:
        pieces = [short]
    else:
        pieces = []
        if lo is not None:
            pieces.append((">=" if r.include_min else ">") + lo.canonical())
        if hi is not None:
            pieces.append(("<=" if r.include_max else "<") + hi.canonical())
    pieces += [f"!={e.canonical()}" for e in r.excl]
    return ", ".join(pieces)


# --- sort orders ---------------------------------------------------------------------------
# gps sorts with Go's sort.Sort, which is not stable: versions that compare equal (``0.3.12``
# and ``v0.3.12``) end up in the order Go's algorithm leaves them, given the source's listing
# order (``git ls-remote``'s). dep.gosort reproduces that order.

_KIND_RANK = {SemverVersion: 0, Branch: 1, PlainVersion: 2, Revision: 3}


def _version_less(left: Version, right: Version, downgrade: bool) -> bool:
    """gps's vLess."""
    left, right = _unpaired(left), _unpaired(right)
    if type(left) is not type(right):
        return _KIND_RANK[type(left)] < _KIND_RANK[type(right)]
    if isinstance(left, SemverVersion):
        if bool(left.prerelease) != bool(right.prerelease):
            return not left.prerelease
        return left.compare(right) < 0 if downgrade else left.compare(right) > 0
    if isinstance(left, Branch) and left.default != right.default:
        return left.default
    return str(left) < str(right)


def _upgrade_less(a: Version, b: Version) -> bool:
    return _version_less(a, b, False)


def _downgrade_less(a: Version, b: Version) -> bool:
    return _version_less(a, b, True)


def sort_for_upgrade(versions) -> list[Version]:
    """Newest first: releases, prereleases, default branch, branches, plain tags, revisions.

    gps's SortForUpgrade on a copy; equal versions in Go's (unstable) order."""
    out = list(versions)
    go_sort(out, _upgrade_less)
    return out


def sort_for_downgrade(versions) -> list[Version]:
    """Oldest semver first; every other kind keeps the upgrade order (gps's SortForDowngrade)."""
    out = list(versions)
    go_sort(out, _downgrade_less)
    return out
