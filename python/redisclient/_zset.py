"""django-redis 7's sorted sets (django_redis/client/mixins/sorted_sets.py)
over the library's rc_z* calls. Members are encoded as django-redis
encodes them (serialized, an int too) by rc_encode_values, and read back by
rc_decode_values; scores are floats."""

from __future__ import annotations

import ctypes
import struct
from ctypes import byref, c_double, c_int64, c_size_t, c_void_p
from typing import Any, Callable, List, Mapping, Optional, Tuple, Union

from ._native import RC_MISS, RC_OK, Library
from ._values import ValueCodec
from .errors import ValueDecodeError

Bound = Union[float, int, str, bytes]

# rc_scored as struct reads it: data, len, score.
_SCORED = struct.Struct("@PNd")

_FLAGS = {"nx": 1, "xx": 2, "ch": 4, "gt": 8, "lt": 16}


def _bound(b: Bound) -> bytes:
    """A score bound as redis-py writes it: a number's repr, or the
    string as given ("-inf", "(1.5")."""
    if isinstance(b, bytes):
        return b
    if isinstance(b, str):
        return b.encode("ascii")
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        return repr(b).encode("ascii")
    raise TypeError(f"a score bound is a number or a string, not {type(b).__name__}")


class SortedSetMixin:
    """The z* methods of Client."""

    # Provided by Client.
    _h: int
    _check: Callable[[str], Library]
    _key: Callable[[Any, Optional[int]], bytes]
    _version_of: Callable[[Optional[int]], int]
    _codec: ValueCodec

    def _members(self, values: List[Any]) -> List[bytes]:
        """The stored bytes of members: rc_encode_values, serialized."""
        from ._client import _Arrays, _read_bufs

        lib = self._check("rc_encode_values")
        texts = _Arrays([self._codec.dumps(v) for v in values])
        out, err = c_void_p(), c_void_p()
        status = lib.rc_encode_values(self._h, texts.ptrs, texts.lens, len(values), 1, byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=False)
        try:
            return [b for b in _read_bufs(out.value or 0, len(values))]  # type: ignore[misc]
        finally:
            lib.rc_free(out.value)

    def _decode(self, raw: List[bytes]) -> List[Any]:
        from ._client import _Arrays, _read_bufs

        if not raw:
            return []
        lib = self._check("rc_decode_values")
        data = _Arrays(raw)
        out, err = c_void_p(), c_void_p()
        status = lib.rc_decode_values(self._h, data.ptrs, data.lens, len(raw), byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        try:
            texts = _read_bufs(out.value or 0, len(raw))
        finally:
            lib.rc_free(out.value)
        try:
            return ValueCodec.loads_many(texts)  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            raise ValueDecodeError(f"a member has no Python form: {exc}") from None

    def _scored(self, op: str, *args: Any, version: Optional[int]) -> List[Tuple[Any, float]]:
        """Calls one of the rc_z* that answer rc_scored, and decodes."""
        lib = self._check(op)
        k = self._key(args[0], version)
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), *args[1:], self._version_of(version), byref(out), byref(n), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        try:
            count = n.value
            base = out.value or 0
            heads = list(_SCORED.iter_unpack(ctypes.string_at(base, count * _SCORED.size))) if count else []
            raw = [ctypes.string_at(data, size) for data, size, _ in heads]
        finally:
            lib.rc_free(out.value)
        return list(zip(self._decode(raw), [score for _, _, score in heads]))

    def _count(self, op: str, key: Any, *args: Any, version: Optional[int]) -> int:
        lib = self._check(op)
        k = self._key(key, version)
        n, err = c_int64(), c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), *args, self._version_of(version), byref(n), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return n.value

    def zadd(
        self,
        key: Any,
        mapping: Mapping[Any, float],
        nx: bool = False,
        xx: bool = False,
        ch: bool = False,
        incr: bool = False,
        gt: bool = False,
        lt: bool = False,
        version: Optional[int] = None,
    ) -> Union[int, float, None]:
        """Adds members with scores; how many were added (ch: or changed).
        With incr (one member), the new score, or None when a flag kept it."""
        flags = sum(_FLAGS[name] for name, on in (("nx", nx), ("xx", xx), ("ch", ch), ("gt", gt), ("lt", lt)) if on)
        if not mapping:
            raise ValueError("zadd: no members")
        members = self._members(list(mapping))
        scores = [float(s) for s in mapping.values()]
        if incr:
            if len(members) != 1:
                raise ValueError("zadd: incr takes one member")
            lib = self._check("rc_zadd_incr")
            k = self._key(key, version)
            result, err = c_double(), c_void_p()
            status = lib.rc_zadd_incr(self._h, k, len(k), members[0], len(members[0]), scores[0], flags, self._version_of(version), byref(result), byref(err))
            if status == RC_OK:
                return result.value
            if status == RC_MISS:
                return None
            raise lib.error(status, err)
        from ._client import _Arrays

        ms = _Arrays(members)
        return self._count("rc_zadd", key, ms.ptrs, ms.lens, (c_double * len(scores))(*scores), len(scores), flags, version=version)

    def zcard(self, key: Any, version: Optional[int] = None) -> int:
        return self._count("rc_zcard", key, version=version)

    def zcount(self, key: Any, min: Bound, max: Bound, version: Optional[int] = None) -> int:  # noqa: A002
        return self._count("rc_zcount", key, _bound(min), _bound(max), version=version)

    def zremrangebyscore(self, key: Any, min: Bound, max: Bound, version: Optional[int] = None) -> int:  # noqa: A002
        return self._count("rc_zremrangebyscore", key, _bound(min), _bound(max), version=version)

    def zincrby(self, key: Any, amount: float, value: Any, version: Optional[int] = None) -> float:
        lib = self._check("rc_zincrby")
        k, m = self._key(key, version), self._members([value])[0]
        result, err = c_double(), c_void_p()
        status = lib.rc_zincrby(self._h, k, len(k), float(amount), m, len(m), self._version_of(version), byref(result), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return result.value

    def zpopmax(self, key: Any, count: Optional[int] = None, version: Optional[int] = None) -> Any:
        """The members with the highest scores, removed: one (member,
        score) when count is None (None when empty), else a list."""
        got = self._scored("rc_zpopmax", key, 0 if count is None else count, version=version)
        return (got[0] if got else None) if count is None else got

    def zpopmin(self, key: Any, count: Optional[int] = None, version: Optional[int] = None) -> Any:
        got = self._scored("rc_zpopmin", key, 0 if count is None else count, version=version)
        return (got[0] if got else None) if count is None else got

    def zrange(
        self,
        key: Any,
        start: int,
        end: int,
        desc: bool = False,
        withscores: bool = False,
        score_cast_func: Callable[[float], Any] = float,
        version: Optional[int] = None,
    ) -> List[Any]:
        got = self._scored("rc_zrange", key, start, end, 1 if desc else 0, version=version)
        return [(m, score_cast_func(s)) for m, s in got] if withscores else [m for m, _ in got]

    def zrevrange(
        self,
        key: Any,
        start: int,
        end: int,
        withscores: bool = False,
        score_cast_func: Callable[[float], Any] = float,
        version: Optional[int] = None,
    ) -> List[Any]:
        return self.zrange(key, start, end, True, withscores, score_cast_func, version)

    def zrangebyscore(
        self,
        key: Any,
        min: Bound,  # noqa: A002
        max: Bound,  # noqa: A002
        start: Optional[int] = None,
        num: Optional[int] = None,
        withscores: bool = False,
        score_cast_func: Callable[[float], Any] = float,
        version: Optional[int] = None,
        _rev: bool = False,
    ) -> List[Any]:
        if (start is None) != (num is None):
            raise ValueError("zrangebyscore: start and num go together")
        got = self._scored(
            "rc_zrangebyscore", key, _bound(min), _bound(max), start or 0, -1 if num is None else num, 1 if _rev else 0, version=version
        )
        return [(m, score_cast_func(s)) for m, s in got] if withscores else [m for m, _ in got]

    def zrevrangebyscore(
        self,
        key: Any,
        max: Bound,  # noqa: A002
        min: Bound,  # noqa: A002
        start: Optional[int] = None,
        num: Optional[int] = None,
        withscores: bool = False,
        score_cast_func: Callable[[float], Any] = float,
        version: Optional[int] = None,
    ) -> List[Any]:
        return self.zrangebyscore(key, min, max, start, num, withscores, score_cast_func, version, _rev=True)

    def zrank(self, key: Any, value: Any, withscore: bool = False, version: Optional[int] = None) -> Any:
        """The member's rank (lowest score first), None when it is not in
        the set; with withscore, [rank, score]."""
        lib = self._check("rc_zrank")
        k, m = self._key(key, version), self._members([value])[0]
        rank, err = c_int64(), c_void_p()
        status = lib.rc_zrank(self._h, k, len(k), m, len(m), self._version_of(version), byref(rank), byref(err))
        if status == RC_MISS:
            return None
        if status != RC_OK:
            raise lib.error(status, err)
        if withscore:
            return [rank.value, self.zscore(key, value, version)]
        return rank.value

    def zscore(self, key: Any, value: Any, version: Optional[int] = None) -> Optional[float]:
        lib = self._check("rc_zscore")
        k, m = self._key(key, version), self._members([value])[0]
        score, err = c_double(), c_void_p()
        status = lib.rc_zscore(self._h, k, len(k), m, len(m), self._version_of(version), byref(score), byref(err))
        if status == RC_MISS:
            return None
        if status != RC_OK:
            raise lib.error(status, err)
        return score.value

    def zrem(self, key: Any, *values: Any, version: Optional[int] = None) -> int:
        from ._client import _Arrays

        if not values:
            return 0
        ms = _Arrays(self._members(list(values)))
        return self._count("rc_zrem", key, ms.ptrs, ms.lens, len(values), version=version)
