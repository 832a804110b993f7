"""Canary passwords in every place an entry can hold one, through every
error (configuration, connection, AUTH refused by the ACL server) and every
way of printing resolve()'s answer: none shows the password, an encoding of
it, or a piece of it that a '/', '?', '#', '@', ':' or '%' could cut off."""

from __future__ import annotations

import copy
import io
import json
import logging
import pprint
import re
from typing import Any, Dict, List
from urllib.parse import quote, quote_plus

import pytest

import redisclient

from .conftest import entry, env, tls_kwargs

# Pieces without hex digits only, so that no printed address matches.
CANARIES = [
    "CaNaRy-Qx7fZ",
    "CaNaRy/Qx7fZ",
    "CaNaRy?Qx7fZ",
    "CaNaRy#Qx7fZ",
    "CaNaRy@Qx7fZ",
    "CaNaRy:Qx7fZ",
    "CaNaRy%Qx7fZ",
    "CaNaRy%2FQx7fZ",
    "CaNaRy@Qx7fZ/Vb3eK",
    "CaNaRy?Qx7fZ#Vb3eK@Mu9tP",
    "12/CaNaRy@Qx7fZ",
]


def forbidden(p: str) -> List[str]:
    forms = [p, quote(p, safe=""), quote_plus(p), quote(p), p.encode().hex()]
    forms += [piece for piece in re.split(r"[/?#@:%&]", p) if len(piece) >= 5]
    return forms


def assert_no_secret(where: str, text: str, p: str) -> None:
    lower = text.lower()
    for form in forbidden(p):
        assert form.lower() not in lower, f"{where} shows {form!r} (of the password {p!r}): {text}"


def entries(p: str) -> Dict[str, Dict[str, Any]]:
    acl, user = env("RC_TEST_ACL"), env("RC_TEST_ACL_USER")
    locations = {
        "url": f"redis://{user}:{p}@{acl}",
        "no scheme": f"{user}:{p}@{acl}",
        "no scheme, no user": f":{p}@{acl}",
        "no scheme, no colon": f"{p}@{acl}",
        "other scheme": f"http://{user}:{p}@{acl}",
        "unix": f"unix://{user}:{p}@/nonexistent/redis.sock",
        "bad port": f"redis://{user}:{p}@127.0.0.1:x",
        "query, encoded": f"redis://{acl}/0?username={user}&password={quote(p, safe='')}",
        "query, as written": f"redis://{acl}/0?username={user}&password={p}",
    }
    if "@" not in p:  # else the password without its host is a password and a host
        locations["no host"] = f"redis://:{p}"
    es = {f"LOCATION {name}": entry(loc, "secrets") for name, loc in locations.items()}
    es["LOCATION rediss url"] = entry(f"rediss://{user}:{p}@{env('RC_TEST_TLS')}", "secrets", tls_kwargs())
    kwargs: Dict[str, Dict[str, Any]] = {
        "kwargs password": {"username": user, "password": p},
        "kwargs password, bad port": {"password": p, "port": "junk"},
        "kwargs ssl_password": {"ssl": True, "ssl_password": p},
        "kwargs nested password": {"password": p, "connection_pool_kwargs": {"password": p}},
        "kwargs password, dev zero CA": {"password": p, "ssl": True, "ssl_ca_certs": "/dev/zero"},
        "cluster hosts as URLs": {"mode": "cluster", "redis_hosts": f"redis://:{p}@127.0.0.1:16999"},
        "cluster, wrong password": {
            "mode": "cluster",
            "redis_hosts": env("RC_TEST_CLUSTER"),
            "username": "nosuchuser",
            "password": p,
        },
    }
    for name, kw in kwargs.items():
        es[name] = entry(f"redis://{acl}", "secrets", kw)
    # django-redis's OPTIONS.PASSWORD, which django-ansible-base's client
    # does not read: dropped, and never shown.
    es["OPTIONS.PASSWORD"] = entry(f"redis://{acl}", "secrets", {"username": user})
    es["OPTIONS.PASSWORD"]["OPTIONS"]["PASSWORD"] = p
    # django-redis's DefaultClient (no CLIENT_CLASS) reads the password from
    # OPTIONS, CONNECTION_POOL_KWARGS and each server of a LOCATION list.
    es["DefaultClient OPTIONS.PASSWORD"] = {"LOCATION": f"redis://{acl}", "OPTIONS": {"USERNAME": user, "PASSWORD": p}}
    es["DefaultClient pool kwargs"] = {
        "LOCATION": f"redis://{acl}",
        "OPTIONS": {"CONNECTION_POOL_KWARGS": {"username": user, "password": p}},
    }
    es["DefaultClient list"] = {"LOCATION": [f"redis://{acl}", f"redis://{user}:{quote(p, safe='')}@{acl}"]}
    es["DefaultClient list, as written"] = {"LOCATION": f"redis://{acl},redis://{user}:{p}@{acl}"}
    return es


def printed(settings: Any) -> Dict[str, str]:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    log = logging.getLogger("redisclient-test-secrets")
    log.addHandler(handler)
    try:
        log.warning("settings %s %r", settings, settings)
    finally:
        log.removeHandler(handler)
    return {
        "repr": repr(settings),
        "str": str(settings),
        "format": f"{settings} {settings!r} {settings:}",
        "%": "%s %r" % (settings, settings),
        "pprint": pprint.pformat(settings),
        "in a list": str([settings]),
        "copy": repr(settings.copy()) + repr(copy.copy(settings)) + repr(copy.deepcopy(settings)),
        "logging": buf.getvalue(),
    }


@pytest.mark.parametrize("p", CANARIES)
def test_secrets_never_shown(p: str) -> None:
    for name, e in entries(p).items():
        try:
            settings = redisclient.resolve(e)
        except redisclient.ConfigurationError as exc:
            assert_no_secret(f"{name}: the resolve error", f"{exc} {exc!r}", p)
        else:
            for how, text in printed(settings).items():
                assert_no_secret(f"{name}: resolve() as {how}", text, p)
            # Nothing but the test servers is dialled.
            for server in [settings, *settings.get("replicas", [])]:
                assert server["host"] in ("127.0.0.1", "localhost"), settings

        try:
            client = redisclient.Client(e)
        except redisclient.ConfigurationError as exc:
            assert_no_secret(f"{name}: the Client error", f"{exc} {exc!r}", p)
            continue
        with client:
            with pytest.raises(redisclient.RedisClientError) as info:
                client.get("k")
            assert_no_secret(f"{name}: the get error", f"{info.value} {info.value!r}", p)
            assert_no_secret(f"{name}: the client", repr(client), p)


def test_resolve_holds_the_password() -> None:
    p = env("RC_TEST_ACL_PASSWORD")
    e = entry(f"redis://{env('RC_TEST_ACL')}", "secrets", {"username": env("RC_TEST_ACL_USER"), "password": p})
    settings = redisclient.resolve(e)
    assert settings["password"] == p
    assert dict(settings)["password"] == p
    assert json.loads(json.dumps(settings))["password"] == p
    assert isinstance(settings, dict)
    assert "'password': '********'" in repr(settings)
    for how, text in printed(settings).items():
        assert p not in text, how
    assert settings.copy()["password"] == p
    replicated = redisclient.resolve({"LOCATION": [f"redis://:{quote(p, safe='')}@h:1", f"redis://:{quote(p, safe='')}@h:2"]})
    assert replicated["backend"] == "django_redis.client.DefaultClient"
    assert [replicated["password"], replicated["replicas"][0]["password"]] == [p, p]
    assert json.loads(json.dumps(replicated))["replicas"][0]["password"] == p
    for how, text in printed(replicated).items():
        assert p not in text and quote(p, safe="") not in text, how
    # The settings work: the client authenticates with the same password.
    with redisclient.Client(e) as c:
        c.set("k", b"v", timeout=10)
        assert c.get("k") == b"v"
