"""The value classes behave as the dataclasses they replaced: field-wise ==, repr, frozen ones
hashable and read-only; copies and pickles round-trip."""

import copy
import pickle

import pytest

from dep.digest import VersionedDigest
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, ProjectProperties
from dep.pkgtree import Package, PackageOrErr, PackageTree, ReachEntry
from dep.versions import ANY, NONE, Branch, PairedVersion, PlainVersion, Revision, parse_constraint, parse_version

VALUES = [
    parse_version("v1.2.3"), Branch("master", True), PlainVersion("x"), Revision("abc"),
    PairedVersion(parse_version("v1.0.0"), "abc"), parse_constraint("^1.2"), parse_constraint(">=1, !=1.5 || 3.x"),
    VersionedDigest(1, b"\x01"), LockedProject("a", "r", Branch("m"), packages=["."]), Lock([LockedProject("a", "r")], ["x"]),
    Manifest(constraints={"a": ProjectProperties("s", ANY)}), PackageTree("x", {"x": PackageOrErr(Package("x", "n"))}),
    ReachEntry(("a",), ("b",)), ANY, NONE,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_copies_and_pickles_are_equal(value):
    for clone in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert clone == value and type(clone) is type(value)


def test_equality_is_per_class_and_field():
    assert Branch("m") == Branch("m", False) and Branch("m") != Branch("m", True)
    assert PlainVersion("m") != Branch("m") and Revision("m") != PlainVersion("m")
    assert parse_version("v1.0.0") != parse_version("1.0.0")  # Go's ==: the original text counts
    assert Lock() == Lock() and Lock() != Lock(input_imports=["x"])
    assert copy.deepcopy(ANY) is ANY and pickle.loads(pickle.dumps(NONE)) is NONE


def test_frozen_values_hash_and_refuse_assignment():
    assert len({Branch("m"), Branch("m"), Revision("r"), Revision("r")}) == 2
    v = parse_version("v1.2.3")
    with pytest.raises(AttributeError):
        v.major = 2
    with pytest.raises(AttributeError):
        del v.minor
    with pytest.raises(TypeError):
        hash(Lock())  # mutable records are unhashable, as dataclasses with eq are


def test_repr_names_the_fields():
    assert repr(Branch("m")) == "Branch(name='m', default=False)"
    assert repr(VersionedDigest(0, b"")) == "VersionedDigest(hash_version=0, digest=b'')"
    assert repr(ReachEntry((), ("b",))) == "ReachEntry(internal=(), external=('b',))"
    rm = ReachEntry(("a",), ())
    assert rm == (("a",), ()) and rm.internal == ("a",) and rm.external == ()  # still a pair
