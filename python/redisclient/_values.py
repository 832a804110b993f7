"""Python values <-> the library's "value JSON" (include/redisclient.h,
"Values"): the types Django's cache carries, each with its own JSON form.

Writing is strict first: only the exact types below are converted. A value
holding anything else (a subclass such as Django's SafeString or an
OrderedDict, an aware datetime whose tzinfo is not a fixed offset, a model
instance...) is, for a pickle-serializer entry, pickled here as Django's
PickleSerializer would and sent as {"$pickle": ...}: Django reads back the
same object. For the JSON and msgpack serializers, subclasses are written
as their base type (as those serializers do) and other objects are a
TypeError. Nothing is ever unpickled here: a stored pickle holding an
object of a class the library does not represent comes back as an
OpaqueValue, whose ``value`` shows its objects as PickledObject (class,
arguments, state) and PickledGlobal.
"""

from __future__ import annotations

import base64
import binascii
import collections
import json
import math
import pickle
import re
import sys
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Dict, List, Tuple, Union

__all__ = ["OpaqueValue", "PickledGlobal", "PickledObject", "ValueCodec"]

_INT64 = 2**63
PICKLE_SERIALIZER = "django_redis.serializers.pickle.PickleSerializer"


class OpaqueValue:
    """A stored pickle holding an object of a class redisclient does not
    represent (e.g. a Django model instance). ``raw`` is the pickle as
    stored; set() writes it back unchanged. ``value`` is what it holds, read
    as data (None when only the bytes were given): its objects are
    PickledObject, its classes PickledGlobal. It is never unpickled by this
    package."""

    __slots__ = ("raw", "value")

    def __init__(self, raw: bytes, value: Any = None) -> None:
        if not isinstance(raw, bytes) or not raw:
            raise TypeError("an OpaqueValue holds the non-empty bytes of a pickle")
        self.raw = raw
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OpaqueValue) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"<OpaqueValue {len(self.raw)} bytes>"

    def __reduce__(self) -> Any:
        # Inside another value it would be pickled as this class, which
        # Django cannot read: only a whole value is written back.
        raise TypeError("an OpaqueValue can only be stored as a whole value, not inside another")


class PickledGlobal:
    """A module-level name (a class or function) as a pickle names it;
    never imported."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PickledGlobal) and (other.module, other.name) == (self.module, self.name)

    def __hash__(self) -> int:
        return hash((self.module, self.name))

    def __repr__(self) -> str:
        return f"<PickledGlobal {self.module}.{self.name}>"


class PickledObject:
    """An object of a class redisclient does not represent, as its pickle
    builds it, nothing called: ``cls`` (usually a PickledGlobal) is called
    with ``args`` and ``kwargs`` (``new``: cls.__new__(cls, *args)), then
    gets ``items`` appended and ``dictitems`` set, and ``state`` (its
    __dict__, or what __setstate__ takes; None without one). Stored, it is
    pickled anew from these parts."""

    __slots__ = ("cls", "args", "kwargs", "new", "items", "dictitems", "state")

    def __init__(
        self,
        cls: Any,
        args: Tuple[Any, ...] = (),
        kwargs: Any = None,
        new: bool = False,
        items: Any = None,
        dictitems: Any = None,
        state: Any = None,
    ) -> None:
        self.cls, self.args, self.kwargs, self.new = cls, tuple(args), kwargs, new
        self.items, self.dictitems, self.state = items, dictitems, state

    @property
    def class_name(self) -> str:
        """module.qualname of the class ("" when cls is not a global)."""
        cls = self.cls
        if isinstance(cls, PickledGlobal) and cls.module == "copyreg" and self.args and isinstance(self.args[0], PickledGlobal):
            cls = self.args[0]
        return f"{cls.module}.{cls.name}" if isinstance(cls, PickledGlobal) else ""

    def _parts(self) -> Tuple[Any, ...]:
        return (self.cls, self.args, self.kwargs, self.new, self.items, self.dictitems, self.state)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PickledObject) and other._parts() == self._parts()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the objects it stands for

    def __repr__(self) -> str:
        return f"<PickledObject {self.class_name or self.cls!r}>"


class _NotExact(Exception):
    """A value outside the exact types (raised inside strict conversion)."""


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _offset_ok(tz: Any) -> bool:
    if tz is None:
        return True
    if type(tz) is not timezone:
        return False
    off = tz.utcoffset(None)
    return off.microseconds == 0


DJANGO_BACKEND = "django.core.cache.backends.redis.RedisCache"


class ValueCodec:
    """The conversions for one CACHES entry (its SERIALIZER and
    PICKLE_VERSION decide what happens to values outside the exact types)."""

    def __init__(self, entry: Dict[str, Any]) -> None:
        options = entry.get("OPTIONS") or {}
        if entry.get("BACKEND") == DJANGO_BACKEND:
            # Its RedisSerializer pickles at pickle.HIGHEST_PROTOCOL; its
            # OPTIONS are redis-py's.
            options = {"PICKLE_VERSION": pickle.HIGHEST_PROTOCOL}
        serializer = options.get("SERIALIZER") or PICKLE_SERIALIZER
        self.pickles = serializer == PICKLE_SERIALIZER
        version = options.get("PICKLE_VERSION", pickle.DEFAULT_PROTOCOL)
        try:
            self.protocol = int(version)
        except (TypeError, ValueError):
            self.protocol = pickle.DEFAULT_PROTOCOL  # the library refuses the entry

    # -- Python -> JSON ----------------------------------------------------

    def dumps(self, value: Any) -> bytes:
        """The value JSON of value (UTF-8)."""
        if type(value) is OpaqueValue:
            return self._text({"$pickle": _b64(value.raw)})
        try:
            return self._text(_to_json(value, strict=True))
        except _NotExact:
            pass
        if self.pickles:
            return self._text({"$pickle": _b64(pickle.dumps(value, self.protocol))})
        return self._text(_to_json(value, strict=False))

    @staticmethod
    def _text(tree: Any) -> bytes:
        return json.dumps(tree, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")

    # -- JSON -> Python ----------------------------------------------------

    @staticmethod
    def loads(text: Union[str, bytes]) -> Any:
        return _DECODER.decode(text if isinstance(text, str) else text.decode("utf-8"))

    @staticmethod
    def loads_buffer(text: memoryview) -> Any:
        """loads() of the library's buffer. A whole value that is a str
        without escapes, or bytes, is read from the buffer itself: a large
        one then costs its own size once, not the text's str and the
        parse's copy of it besides."""
        n = len(text)
        if n >= 2 and text[0] == 0x22 and text[n - 1] == 0x22 and _ESCAPE.search(text, 1, n - 1) is None:
            return str(text[1 : n - 1], "utf-8")
        if n > len(_BYTES_HEAD) and text[: len(_BYTES_HEAD)] == _BYTES_HEAD and text[n - 2 :] == b'"}':
            return _unb64_buffer(text[len(_BYTES_HEAD) : n - 2])
        return _DECODER.decode(str(text, "utf-8"))

    @staticmethod
    def loads_many(texts: List[bytes]) -> List[Any]:
        """Many value texts in one parse: get_many's values cost one join,
        one decode and one call into the json module instead of one each."""
        return _DECODER.decode((b"[%b]" % b",".join(texts)).decode("utf-8"))  # type: ignore[no-any-return]

    @staticmethod
    def loads_loadable_buffer(form: memoryview) -> Any:
        """loads_buffer() of one form rc_get_loadable answers (see
        loads_loadable)."""
        return pickle.loads(form) if form[:1] == b"\x80" else ValueCodec.loads_buffer(form)

    @staticmethod
    def loads_loadable(forms: List[bytes]) -> List[Any]:
        """What rc_get_many_loadable answers: a form that begins with byte
        0x80 is a pickle the library found to build only built-in data, so
        pickle.loads (C, as Django reads it) runs no code on it; the others
        are value JSON, read in one parse."""
        texts = [f for f in forms if f[:1] != b"\x80"]
        parsed = iter(ValueCodec.loads_many(texts) if texts else ())
        return [pickle.loads(f) if f[:1] == b"\x80" else next(parsed) for f in forms]


def _to_json(v: Any, strict: bool) -> Any:
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        # Hex: str() of an int over 4300 digits raises ValueError (the
        # process-wide sys.set_int_max_str_digits); hex has no such limit.
        return v if -_INT64 <= v < _INT64 else {"$int": format(v, "#x")}
    if t is float:
        if math.isnan(v):
            return {"$float": "nan"}
        if math.isinf(v):
            return {"$float": "inf" if v > 0 else "-inf"}
        return v
    if t is bytes:
        return {"$bytes": _b64(v)}
    if t is list:
        return [_to_json(x, strict) for x in v]
    if t is tuple:
        return {"$tuple": [_to_json(x, strict) for x in v]}
    if t is dict:
        return _dict_json(v, strict)
    if t is set:
        return {"$set": [_to_json(x, strict) for x in v]}
    if t is frozenset:
        return {"$frozenset": [_to_json(x, strict) for x in v]}
    if t is datetime and _offset_ok(v.tzinfo):
        return {"$datetime": v.isoformat()}
    if t is date:
        return {"$date": v.isoformat()}
    if t is time and _offset_ok(v.tzinfo):
        return {"$time": v.isoformat()}
    if t is timedelta:
        return {"$timedelta": [v.days, v.seconds, v.microseconds]}
    if t is Decimal:
        return {"$decimal": str(v)}
    if t is uuid.UUID:
        return {"$uuid": str(v)}
    if t is PickledObject:
        return _object_json(v, strict)
    if t is PickledGlobal:
        return {"$global": [v.module, v.name]}
    if strict:
        raise _NotExact
    # The JSON and msgpack serializers see subclasses as their base type.
    for base, convert in _BASES:
        if isinstance(v, base):
            return _to_json(convert(v), strict)
    raise TypeError(f"a {type(v).__name__} cannot be stored with this entry's SERIALIZER")


_BASES: List[Tuple[type, Callable[[Any], Any]]] = [
    (bool, bool),
    (int, int),
    (float, float),
    (str, str),
    (bytes, bytes),
    (bytearray, bytes),
    (memoryview, bytes),
    (dict, dict),
    (tuple, tuple),
    (list, list),
    (frozenset, frozenset),
    (set, set),
]


def _object_json(o: PickledObject, strict: bool) -> Any:
    body: Dict[str, Any] = {"class": _to_json(o.cls, strict)}
    if o.args:
        body["args"] = [_to_json(x, strict) for x in o.args]
    if o.kwargs is not None:
        body["kwargs"] = [[_to_json(k, strict), _to_json(x, strict)] for k, x in dict(o.kwargs).items()]
    if o.new:
        body["new"] = True
    if o.items is not None:
        body["items"] = [_to_json(x, strict) for x in o.items]
    if o.dictitems is not None:
        body["dictitems"] = [[_to_json(k, strict), _to_json(x, strict)] for k, x in dict(o.dictitems).items()]
    if o.state is not None:
        body["state"] = _to_json(o.state, strict)
    return {"$object": body}


def _dict_json(d: Dict[Any, Any], strict: bool) -> Any:
    if all(type(k) is str and not k.startswith("$") for k in d):
        return {k: _to_json(x, strict) for k, x in d.items()}
    return {"$dict": [[_to_json(k, strict), _to_json(x, strict)] for k, x in d.items()]}


def _unb64(body: str) -> bytes:
    return base64.b64decode(body, validate=True)


if sys.version_info >= (3, 11):
    # The same check without b64decode's regular expression.
    def _unb64(body: str) -> bytes:  # noqa: F811
        return binascii.a2b_base64(body, strict_mode=True)


def _unb64_buffer(body: memoryview) -> bytes:
    if sys.version_info >= (3, 11):
        return binascii.a2b_base64(body, strict_mode=True)
    return base64.b64decode(body.tobytes(), validate=True)


# What value JSON escapes inside a string, and how a whole bytes value
# starts (the library writes no spaces).
_ESCAPE = re.compile(rb'[\\"]')
_BYTES_HEAD = b'{"$bytes":"'


def _int_tag(body: str) -> int:
    # The library writes hex beyond 4300 digits, decimal below.
    return int(body, 16) if body.startswith(("0x", "-0x")) else int(body)


def _timedelta_tag(body: List[int]) -> timedelta:
    days, seconds, microseconds = body
    return timedelta(days=days, seconds=seconds, microseconds=microseconds)


def _datetime_tag(body: Union[str, Dict[str, Any]]) -> datetime:
    if type(body) is dict:
        return _zoned_datetime(body)
    return datetime.fromisoformat(body)  # type: ignore[arg-type]


def _time_tag(body: Union[str, Dict[str, Any]]) -> time:
    if type(body) is dict:
        return time.fromisoformat(body["iso"]).replace(fold=int(body.get("fold", False)))
    return time.fromisoformat(body)  # type: ignore[arg-type]


def _object_tag(body: Dict[str, Any]) -> "PickledObject":
    return PickledObject(
        body["class"],
        body.get("args", ()),
        dict(body["kwargs"]) if "kwargs" in body else None,
        body.get("new", False),
        body.get("items"),
        dict(body["dictitems"]) if "dictitems" in body else None,
        body.get("state"),
    )


_TAGS: Dict[str, Callable[[Any], Any]] = {
    "$bytes": _unb64,
    "$int": _int_tag,
    "$float": float,
    "$tuple": tuple,
    "$set": set,
    "$frozenset": frozenset,
    "$dict": lambda body: {k: x for k, x in body},
    "$datetime": _datetime_tag,
    "$date": date.fromisoformat,
    "$time": _time_tag,
    "$timedelta": _timedelta_tag,
    "$decimal": Decimal,
    "$uuid": uuid.UUID,
    "$pickle": lambda body: OpaqueValue(_unb64(body)),
    "$opaque": lambda body: OpaqueValue(_unb64(body["pickle"]), body["value"]),
    "$bytearray": lambda body: bytearray(_unb64(body)),
    "$complex": lambda body: complex(body[0], body[1]),
    "$ordereddict": collections.OrderedDict,
    "$global": lambda body: PickledGlobal(body[0], body[1]),
    "$object": _object_tag,
}


def _zoned_datetime(body: Dict[str, Any]) -> datetime:
    """$datetime's object form: a zoneinfo or pytz zone (pytz's own when
    pytz is installed, else the zoneinfo zone of that name), a named
    timezone, a fold."""
    dt = datetime.fromisoformat(body["iso"])
    zone = body.get("zone")
    if "pytz" in body:
        try:
            import pytz  # type: ignore[import-untyped]
        except ImportError:
            pass
        else:
            return dt.astimezone(pytz.utc if body["pytz"] == [] else pytz.timezone(zone))
    if zone is not None:
        from zoneinfo import ZoneInfo

        return dt.astimezone(ZoneInfo(zone))
    if "tzname" in body:
        dt = dt.replace(tzinfo=timezone(dt.utcoffset(), body["tzname"]))  # type: ignore[arg-type]
    return dt.replace(fold=int(body.get("fold", False)))


def _from_pairs(pairs: List[Tuple[str, Any]]) -> Any:
    if len(pairs) == 1:
        tag, body = pairs[0]
        if tag.startswith("$"):
            convert = _TAGS.get(tag)
            if convert is None:
                raise ValueError(f"unknown value JSON tag {tag}")
            return convert(body)
    return dict(pairs)


# One decoder for every value: json.loads with a hook builds a new one per call.
_DECODER = json.JSONDecoder(object_pairs_hook=_from_pairs)
