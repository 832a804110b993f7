"""Configuration parity: every row of cases.ROWS through both sides."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import redisclient
from cases import DEFAULT_CLIENT_ROWS, DIFFERENCES, DJANGO_ROWS, ROWS, SENTINEL_ROWS
from conftest import fill
from normalize import (
    SENTINEL_CONNECTION,
    SENTINEL_SERVER,
    compared,
    default_client_compared,
    effective_default_reference,
    effective_ours,
    effective_reference,
    effective_sentinel_ours,
    effective_sentinel_reference,
)
from reference import reference, reference_default, reference_django, reference_sentinel
from report import RECORD


def ours(entry: dict[str, Any], settings: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        return {"options": redisclient.resolve(entry, settings=settings)}
    except redisclient.ConfigurationError as e:
        return {"error": str(e)}


def mismatches(ref: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    if "error" in ref or "error" in mine:
        return [] if ("error" in ref) == ("error" in mine) else ["one side refused the entry"]
    theirs = effective_reference(ref["mode"], ref["kwargs"])
    ours_ = effective_ours(mine["options"])
    ignored = set(mine["options"].get("ignored") or [])
    return [
        f"{name}: {theirs.get(name)!r} vs {ours_.get(name)!r}"
        for name in compared(theirs["mode"])
        if name not in ignored and theirs.get(name) != ours_.get(name)
    ]


def passwords(entry: dict[str, Any]) -> list[str]:
    """Every password the entry holds: in CLIENT_CLASS_KWARGS and in each
    LOCATION URL (as written, since the reference does not decode it)."""
    found = [entry["OPTIONS"]["CLIENT_CLASS_KWARGS"].get("password")]
    locations = entry["LOCATION"] if isinstance(entry["LOCATION"], list) else entry["LOCATION"].split(",")
    for location in locations:
        try:
            found.append(urlsplit(location).password)
        except ValueError:
            pass
    return [p for p in found if isinstance(p, str) and len(p) >= 2]


def summary(side: dict[str, Any]) -> str:
    """One cell of PARITY.md: the refusal, or the settings that say where
    and how the client connects."""
    if "error" in side:
        return "refused: " + side["error"].split("\n")[0][:90]
    s = effective_reference(side["mode"], side["kwargs"]) if "kwargs" in side else effective_ours(side["options"])
    if s["mode"] == "cluster":
        where = "cluster " + ",".join(f"{h}:{p}" for h, p in s["startup_nodes"])
    elif s["unix_socket_path"]:
        where = f"unix {s['unix_socket_path']} db {s['db']}"
    else:
        where = f"{s['host']}:{s['port']} db {s['db']}"
    auth = f" user {s['username']!r}" if s["username"] else ""
    return where + auth + (" TLS" if s["ssl"] else "")


@pytest.mark.parametrize("row_id,entry,difference", ROWS, ids=[r[0] for r in ROWS])
def test_configuration_row(row_id: str, entry: dict[str, Any], difference: str | None, placeholders: dict[str, str]) -> None:
    entry = fill(entry, placeholders)
    ref, mine = reference(entry), ours(entry)
    for side in (ref, mine):  # the table is committed: no temporary paths in it
        if "error" in side:
            side["error"] = side["error"].replace(placeholders["{MISSING}"], "MISSING")
    diff = mismatches(ref, mine)
    verdict = "agree" if not diff else f"differs: {difference}"
    RECORD.rows.append((row_id, summary(ref), summary(mine), verdict))
    if "error" in mine:
        for secret in passwords(entry):
            assert secret not in mine["error"], "the error shows a password"
    if difference is None:
        assert not diff, f"unexpected difference: {diff}"
    else:
        assert difference in DIFFERENCES
        assert diff, f"declared difference {difference!r} but both sides agree"


# django-redis's DefaultClient: each server's pool, and where reads go.


def default_mismatches(ref: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    if "error" in ref or "error" in mine:
        return [] if ("error" in ref) == ("error" in mine) else ["one side refused the entry"]
    if "client" in ref:
        return [f"the reference builds a {ref['client']}"]
    ours_servers = [mine["options"], *(mine["options"].get("replicas") or [])]
    if len(ours_servers) != len(ref["servers"]):
        return [f"servers: {len(ref['servers'])} vs {len(ours_servers)}"]
    diff = []
    for i, (server, options) in enumerate(zip(ref["servers"], ours_servers)):
        theirs, ours_ = effective_default_reference(server), effective_ours(options)
        ignored = set(options.get("ignored") or [])
        diff += [
            f"server {i}: {name}: {theirs.get(name)!r} vs {ours_.get(name)!r}"
            for name in default_client_compared(theirs)
            if name not in ignored and theirs.get(name) != ours_.get(name)
        ]
    reads = list(range(1, len(ours_servers))) or [0]
    if ref["reads"] != reads:
        diff.append(f"reads: servers {ref['reads']} vs {reads}")
    return diff


def default_passwords(entry: dict[str, Any]) -> list[str]:
    """Every password a DefaultClient entry (or Django's RedisCache's)
    holds: OPTIONS.PASSWORD (OPTIONS.password), the pool's, and each
    LOCATION URL's, as written and decoded."""
    options = entry["OPTIONS"]
    found = [options.get("PASSWORD"), options.get("password"), (options.get("CONNECTION_POOL_KWARGS") or {}).get("password")]
    location = entry["LOCATION"]
    for url in location if isinstance(location, list) else location.replace(";", ",").split(","):
        try:
            p = urlsplit(url).password
        except ValueError:
            continue
        found += [p, unquote(p) if p else None]
    return [p for p in found if isinstance(p, str) and len(p) >= 2]


def default_summary(side: dict[str, Any]) -> str:
    if "error" in side:
        return "refused: " + side["error"].split("\n")[0][:90]
    if "client" in side:
        return f"a {side['client']}"
    if "servers" in side:
        servers = [effective_default_reference(s) for s in side["servers"]]
        reads = side["reads"]
    else:
        servers = [effective_ours(o) for o in [side["options"], *(side["options"].get("replicas") or [])]]
        reads = list(range(1, len(servers))) or [0]
    cells = []
    for s in servers:
        where = f"unix {s['unix_socket_path']}" if s["unix_socket_path"] else f"{s['host']}:{s['port']}"
        auth = f" user {s['username']!r}" if s["username"] else ""
        cells.append(f"{where} db {s['db']}{auth}" + (" TLS" if s["ssl"] else ""))
    text = ", ".join(cells)
    return text + (f"; reads from {','.join(str(i + 1) for i in reads)}" if len(servers) > 1 else "")


@pytest.mark.parametrize("row_id,entry,difference", DEFAULT_CLIENT_ROWS, ids=[r[0] for r in DEFAULT_CLIENT_ROWS])
def test_default_client_row(row_id: str, entry: dict[str, Any], difference: str | None, placeholders: dict[str, str]) -> None:
    pool_row(row_id, entry, difference, placeholders, reference_default, "django_redis.client.DefaultClient",
             RECORD.default_rows)


@pytest.mark.parametrize("row_id,entry,difference", DJANGO_ROWS, ids=[r[0] for r in DJANGO_ROWS])
def test_django_row(row_id: str, entry: dict[str, Any], difference: str | None, placeholders: dict[str, str]) -> None:
    pool_row(row_id, entry, difference, placeholders, reference_django, "django.core.cache.backends.redis.RedisCache",
             RECORD.django_rows)


def pool_row(row_id: str, entry: dict[str, Any], difference: str | None, placeholders: dict[str, str],
             reference_of: Any, backend: str, record: list[tuple[str, str, str, str]]) -> None:
    entry = fill(entry, placeholders)
    ref, mine = reference_of(entry), ours(entry)
    for side in (ref, mine):
        if "error" in side:
            side["error"] = side["error"].replace(placeholders["{MISSING}"], "MISSING")
    if "options" in mine:
        assert mine["options"]["backend"] == backend
    diff = default_mismatches(ref, mine)
    verdict = "agree" if not diff else f"differs: {difference}"
    record.append((row_id, default_summary(ref), default_summary(mine), verdict))
    if "error" in mine:
        for secret in default_passwords(entry):
            assert secret not in mine["error"], "the error shows a password"
    if difference is None:
        assert not diff, f"unexpected difference: {diff}"
    else:
        assert difference in DIFFERENCES
        assert diff, f"declared difference {difference!r} but both sides agree"


# django-redis's SentinelClient: each server's SentinelConnectionPool (its
# role, service, sentinels and connections), and where reads go.


def sentinel_servers(mine: dict[str, Any]) -> list[dict[str, Any]]:
    return [effective_sentinel_ours(o) for o in [mine["options"], *(mine["options"].get("replicas") or [])]]


def sentinel_mismatches(ref: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    if "error" in ref or "error" in mine:
        return [] if ("error" in ref) == ("error" in mine) else ["one side refused the entry"]
    ours_servers = sentinel_servers(mine)
    if len(ours_servers) != len(ref["servers"]):
        return [f"servers: {len(ref['servers'])} vs {len(ours_servers)}"]
    diff = []
    for i, (server, ours_) in enumerate(zip(ref["servers"], ours_servers)):
        theirs = effective_sentinel_reference(server)
        diff += [f"server {i}: {name}: {theirs.get(name)!r} vs {ours_.get(name)!r}"
                 for name in SENTINEL_SERVER if theirs.get(name) != ours_.get(name)]
        ts, os_ = theirs["sentinel_settings"], ours_["sentinel_settings"]
        diff += [f"server {i}: sentinels' {name}: {ts.get(name)!r} vs {os_.get(name)!r}"
                 for name in SENTINEL_CONNECTION if ts.get(name) != os_.get(name)]
    reads = list(range(1, len(ours_servers))) or [0]
    if ref["reads"] != reads:
        diff.append(f"reads: servers {ref['reads']} vs {reads}")
    return diff


def sentinel_summary(side: dict[str, Any], servers: list[dict[str, Any]], reads: list[int]) -> str:
    if "error" in side:
        return "refused: " + side["error"].split("\n")[0][:90]
    cells = []
    for s in servers:
        auth = f" user {s['username']!r}" if s["username"] else ""
        asked = s["sentinel_settings"]
        sentinel_auth = " (auth)" if asked["password"] else ""
        cells.append(f"{s['role']} of {s['service_name']!r} db {s['db']}{auth}" + (" TLS" if s["ssl"] else "")
                     + f" via {len(s['sentinels'])} sentinels{sentinel_auth}" + (" TLS" if asked["ssl"] else ""))
    return ", ".join(cells) + (f"; reads from {','.join(str(i + 1) for i in reads)}" if len(servers) > 1 else "")


def sentinel_passwords(entry: dict[str, Any]) -> list[str]:
    found = default_passwords(entry)
    kwargs = entry["OPTIONS"].get("SENTINEL_KWARGS")
    if isinstance(kwargs, dict):
        found.append(kwargs.get("password"))
    return [p for p in found if isinstance(p, str) and len(p) >= 2]


@pytest.mark.parametrize("row_id,entry,settings,difference", SENTINEL_ROWS, ids=[r[0] for r in SENTINEL_ROWS])
def test_sentinel_row(row_id: str, entry: dict[str, Any], settings: dict[str, Any], difference: str | None,
                      placeholders: dict[str, str]) -> None:
    entry = fill(entry, placeholders)
    ref, mine = reference_sentinel(entry, settings), ours(entry, settings)
    for side in (ref, mine):
        if "error" in side:
            side["error"] = side["error"].replace(placeholders["{MISSING}"], "MISSING")
    if "options" in mine:
        assert mine["options"]["backend"] == (entry["OPTIONS"].get("CLIENT_CLASS") or "django_redis.client.DefaultClient")
        assert mine["options"]["mode"] == "sentinel"
    diff = sentinel_mismatches(ref, mine)
    verdict = "agree" if not diff else f"differs: {difference}"
    theirs = [effective_sentinel_reference(s) for s in ref.get("servers", [])]
    ours_ = sentinel_servers(mine) if "options" in mine else []
    RECORD.sentinel_rows.append((row_id, sentinel_summary(ref, theirs, ref.get("reads", [])),
                                 sentinel_summary(mine, ours_, list(range(1, len(ours_))) or [0]), verdict))
    if "error" in mine:
        for secret in sentinel_passwords(entry):
            assert secret not in mine["error"], "the error shows a password"
    else:
        for secret in sentinel_passwords(entry):
            assert secret not in repr(mine["options"]), "the settings print a password"
    if difference is None:
        assert not diff, f"unexpected difference: {diff}"
    else:
        assert difference in DIFFERENCES
        assert diff, f"declared difference {difference!r} but both sides agree"
