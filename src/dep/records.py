"""Plain value classes without ``dataclasses``, whose import alone costs ~20 ms of startup.

A subclass lists its fields in ``__slots__`` and writes its own ``__init__``. ``Record`` gives
it what ``@dataclass`` generated: ``==`` field by field between instances of the same class, and
a ``repr`` naming the fields; like a dataclass with ``eq=True`` it is unhashable. A
``FrozenRecord`` is hashable and refuses assignment; its ``__init__`` sets fields with
``set_field`` (``object.__setattr__``). A class may write its own ``__eq__`` and ``__hash__``
(the version classes do, for speed); they are kept, in its subclasses too.
"""

from __future__ import annotations

from operator import attrgetter

set_field = object.__setattr__


def _no_values(obj: object) -> tuple:
    return ()


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _frozen = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__):
            slots = klass.__dict__.get("__slots__", ())
            fields += [slots] if isinstance(slots, str) else slots
        cls._fields = tuple(fields)
        # Per class, like the methods dataclass generates (these are hot in the solver): attrgetter
        # runs in C, and with one field gives the bare value, which compares and hashes as well.
        values = attrgetter(*fields) if fields else _no_values

        def __eq__(self, other: object) -> bool:
            if other.__class__ is self.__class__:
                return values(self) == values(other)
            return NotImplemented

        def __hash__(self) -> int:
            return hash(values(self))

        __eq__.generated = __hash__.generated = True
        # a class's own methods, and those it inherits from a hand-written class, are kept
        if "__eq__" not in cls.__dict__ and (cls.__eq__ is object.__eq__ or hasattr(cls.__eq__, "generated")):
            cls.__eq__ = __eq__
        if cls._frozen and "__hash__" not in cls.__dict__ and (cls.__hash__ is None
                                                               or hasattr(cls.__hash__, "generated")):
            cls.__hash__ = __hash__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"


class FrozenRecord(Record):
    __slots__ = ()
    _frozen = True

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {self.__class__.__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {self.__class__.__name__}")

    def __reduce__(self):
        """Pickle and copy through ``__init__`` (fields in slot order), since assignment is refused."""
        return self.__class__, tuple(getattr(self, name) for name in self._fields)
