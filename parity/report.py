"""PARITY.md, written from what the suite saw; never edited by hand."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from cases import DIFFERENCES

PACKAGES = ("Django", "django-redis", "redis", "django-ansible-base")


@dataclass
class Record:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, reference, ours, verdict
    default_rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # the same, DefaultClient
    django_rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # Django's own RedisCache
    sentinel_rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # django-redis's SentinelClient
    live: list[tuple[str, str, str]] = field(default_factory=list)  # server, check, result
    # serializer, compressor, server, values checked, result
    values: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    # serializer -> what Django's own round trip changes (the same through us)
    value_notes: dict[str, list[str]] = field(default_factory=dict)
    # "serializer: value" -> the core bug that makes it differ


RECORD = Record()


def write(path: Path) -> None:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in PACKAGES)
    lines = [
        "# Parity with Django's Redis cache backends",
        "",
        "Written by the parity suite (`make parity`, run by `make test`); do not edit.",
        "",
        f"Reference: {versions}, Python {platform.python_version()}.",
        "Releases up to 2024.8.1, which spelled the options `clustered` / `clustered_hosts`,",
        "are not on PyPI: rows in that spelling are translated for the reference as those",
        "releases read them (`clustered` by truth value, `clustered_hosts` as `redis_hosts`).",
        "",
        "## Configuration: django-ansible-base's RedisClient",
        "",
        "Each CACHES entry goes through django-ansible-base (the keyword arguments it hands to",
        "redis-py, or the error it raises, without connecting) and through redisclient's",
        "resolve. A row agrees when both refuse it or both give the same effective settings.",
        "",
        "| entry | django-ansible-base | redisclient | verdict |",
        "|---|---|---|---|",
    ]
    for row in RECORD.rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    agree = sum(1 for r in RECORD.rows if r[3] == "agree")
    lines += ["", f"{len(RECORD.rows)} rows: {agree} agree, {len(RECORD.rows) - agree} differ on purpose.", ""]
    pool_tables = [
        (RECORD.default_rows, "django-redis's DefaultClient", "django-redis DefaultClient", [
            "Entries without OPTIONS.CLIENT_CLASS (or naming django_redis.client.DefaultClient): the",
            "real RedisCache and DefaultClient make a redis-py connection pool per LOCATION server",
            "(ConnectionFactory, ConnectionPool.from_url) and one connection object from each, without",
            "connecting; the pools' connection class, keyword arguments and max_connections, and the",
            "servers get_next_client_index(write=False) picks for reads, are held against resolve's",
            "settings of each server (the first, then its replicas).",
        ]),
        (RECORD.django_rows, "Django's own RedisCache", "Django RedisCache", [
            "BACKEND django.core.cache.backends.redis.RedisCache: the real RedisCache and its",
            "RedisCacheClient make each LOCATION server's pool (_get_connection_pool, from_url with",
            "OPTIONS) and one connection object from it, without connecting; held as above, with the",
            "servers _get_connection_pool_index(write=False) picks for reads.",
        ]),
        (RECORD.sentinel_rows, "django-redis's SentinelClient", "django-redis SentinelClient", [
            "OPTIONS.CLIENT_CLASS django_redis.client.SentinelClient (or DefaultClient) with",
            "SentinelConnectionFactory, named by the Django setting DJANGO_REDIS_CONNECTION_FACTORY",
            "(given to both sides: override_settings there, settings= here) or OPTIONS.CONNECTION_FACTORY:",
            "the real RedisCache, client and factory make each server's SentinelConnectionPool and one",
            "connection object from it, and redis.Sentinel its sentinels' clients, without connecting;",
            "each pool's role (what its connections ask the proxy: master, or the replicas),",
            "service name, connection class and keyword arguments, the sentinels and what each",
            "connection to a sentinel gets (password, timeouts, TLS), and the servers",
            "get_next_client_index(write=False) picks for reads, are held against resolve's settings.",
        ]),
    ]
    for rows, title, column, about in pool_tables:
        if not rows:
            continue
        lines += [f"## Configuration: {title}", "", *about, "", f"| entry | {column} | redisclient | verdict |", "|---|---|---|---|"]
        for row in rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        agree = sum(1 for r in rows if r[3] == "agree")
        lines += ["", f"{len(rows)} rows: {agree} agree, {len(rows) - agree} differ on purpose.", ""]
    lines += ["## Deliberate differences", ""]
    for key, reason in DIFFERENCES.items():
        lines.append(f"- **{key}**: {reason}")
    if RECORD.live:
        lines += ["", "## Live checks", "", "| server | check | result |", "|---|---|---|"]
        for row in RECORD.live:
            lines.append("| " + " | ".join(row) + " |")
    if RECORD.values:
        lines += values_section()
    path.write_text("\n".join(lines) + "\n")


def values_section() -> list[str]:
    servers = sorted({r[2] for r in RECORD.values}, key=lambda s: (s != "standalone", s))
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for ser, comp, server, checked, result in RECORD.values:
        cells.setdefault((ser, comp), {})[server] = f"{checked} values, {result}"
    lines = [
        "",
        "## Values",
        "",
        "Each SERIALIZER x COMPRESSOR (parity/test_values.py): the common cached types written",
        "by Django read in the Python shim equal (types included) what Django's cache.get",
        "returns; written by the shim (set_many, add) Django reads what it reads of its own",
        "write (for pickle, the original). A value Django's serializer refuses is refused by",
        "the shim. Pickle adds a model-like object (read as an opaque value, written back,",
        "read by Django as the same object) and a pickle that would run os.system stored raw,",
        "read as the view of that call, never run. Each PICKLE_VERSION row: the types only",
        "pickles carry (bytearray, complex, OrderedDict, zoneinfo/pytz datetimes) read as Django",
        "reads them; objects of unmapped classes (HttpResponse, SimpleCookie, exceptions, enums,",
        "defaultdict, range, slice, a model) read as opaque values with their view, written back",
        "unchanged, and pickled anew from the view read by Django as the same objects; the exact",
        "types stored with the bytes Django's serializer writes.",
        "",
        "| serializer | compressor | " + " | ".join(servers) + " |",
        "|---|---|" + "---|" * len(servers),
    ]
    for (ser, comp), by_server in cells.items():
        lines.append(f"| {ser} | {comp} | " + " | ".join(by_server.get(s, "not run") for s in servers) + " |")
    if RECORD.value_notes:
        lines += ["", "What each serializer changes, on both sides alike (Django's own round trip;", ""]
        lines[-2] += " the shim follows it):"
        for ser, notes in RECORD.value_notes.items():
            lines.append(f"- **{ser}**: " + ("; ".join(notes) if notes else "every value comes back as itself"))
    return lines
