"""Both sides' answers in one shape, so that a row can be compared.

The reference's answer is redis-py keyword arguments; ours is the resolved
settings with redis-py's defaults filled in. Both become the effective
settings: redis-py's defaults, overlaid with what was passed, with None
spelled the way our side spells "unset".
"""

from __future__ import annotations

from typing import Any

from reference import CLUSTER_DEFAULTS, CONNECTION_DEFAULTS, REDIS_DEFAULTS

# The settings compared in every row; cluster rows add the cluster ones.
COMMON = [
    "host", "port", "unix_socket_path", "username", "password", "db",
    "socket_timeout", "socket_connect_timeout", "socket_keepalive",
    "max_connections", "client_name", "protocol", "ssl", "ssl_certfile",
    "ssl_keyfile", "ssl_ca_certs", "ssl_cert_reqs", "ssl_check_hostname",
]
CLUSTER = ["startup_nodes", "read_from_replicas", "cluster_error_retry_attempts"]
CERT_REQS = {0: "none", 1: "optional", 2: "required", None: "none"}
EMPTY_IS_UNSET = ("username", "password", "client_name", "unix_socket_path",
                  "ssl_certfile", "ssl_keyfile", "ssl_ca_certs")


def effective_reference(mode: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    settings = dict(REDIS_DEFAULTS)
    if mode == "cluster":
        settings.update({k: CLUSTER_DEFAULTS[k] for k in ("read_from_replicas", "cluster_error_retry_attempts")})
    settings.update(kwargs)
    settings["mode"] = mode
    if mode == "cluster":
        nodes = kwargs.get("startup_nodes") or [_Node(settings["host"], settings["port"])]
        settings["startup_nodes"] = [[n.host, int(n.port)] for n in nodes]
    return _spell(settings)


def effective_ours(options: dict[str, Any]) -> dict[str, Any]:
    settings = dict(options)
    settings["startup_nodes"] = [[n["host"], n["port"]] for n in settings.get("startup_nodes") or []]
    return _spell(settings)


def compared(mode: str) -> list[str]:
    names = ["mode"] + COMMON
    if mode == "cluster":
        names = [n for n in names if n not in ("host", "port", "db")] + CLUSTER
    return names


# redis-py reads these with Python's truth test ("false" is true).
TRUTHY = ("ssl", "socket_keepalive", "ssl_check_hostname", "read_from_replicas")


def _spell(settings: dict[str, Any]) -> dict[str, Any]:
    s = dict(settings)
    for name in TRUTHY:
        if name in s:
            s[name] = bool(s[name])
    for name in EMPTY_IS_UNSET:
        if s.get(name) is None:
            s[name] = ""
    if s.get("socket_connect_timeout") is None:
        s["socket_connect_timeout"] = s.get("socket_timeout")  # redis-py's rule
    if s.get("protocol") is None:
        s["protocol"] = 2
    reqs = s.get("ssl_cert_reqs")
    if not isinstance(reqs, str):
        s["ssl_cert_reqs"] = CERT_REQS.get(int(reqs) if reqs is not None else None, reqs)
    if s.get("ssl_cert_reqs") == "none":
        s["ssl_check_hostname"] = False  # redis-py turns it off with none
    return s


class _Node:
    def __init__(self, host: Any, port: Any) -> None:
        self.host, self.port = host, port


# django-redis's DefaultClient: the settings compared for each server.
DEFAULT_CLIENT = COMMON + ["ssl_min_version", "health_check_interval", "socket_read_size"]
# A unix socket's connection has no host, port or keep-alive.
NOT_UNIX = ("host", "port", "socket_keepalive")
# ssl.TLSVersion by value; None is Python's default minimum, TLS 1.2 since 3.10.
TLS_VERSIONS = {None: "TLSv1_2", 771: "TLSv1_2", 772: "TLSv1_3"}


def effective_default_reference(server: dict[str, Any]) -> dict[str, Any]:
    """One server's pool as effective settings."""
    settings = dict(CONNECTION_DEFAULTS)
    settings.update(server["kwargs"])
    unix = server["class"] == "UnixDomainSocketConnection"
    settings["unix_socket_path"] = settings.pop("path", "") if unix else ""
    settings["mode"] = "standalone"
    settings["ssl"] = server["class"] == "SSLConnection"
    settings["max_connections"] = server["max_connections"]
    settings["ssl_min_version"] = TLS_VERSIONS.get(settings.get("ssl_min_version"), settings.get("ssl_min_version"))
    if isinstance(settings.get("port"), str):
        settings["port"] = int(settings["port"])  # as Connection.__init__ reads it
    return _spell(settings)


def default_client_compared(settings: dict[str, Any]) -> list[str]:
    names = ["mode"] + DEFAULT_CLIENT
    if settings["unix_socket_path"]:
        names = [n for n in names if n not in NOT_UNIX]
    return names


# django-redis's SentinelClient: each server's SentinelConnectionPool, and
# each connection to a sentinel. host and port of a Sentinel-managed
# connection are the sentinels' answer, not a setting: service_name is.
SENTINEL_SERVER = [n for n in DEFAULT_CLIENT if n not in ("host", "port")] + ["role", "service_name", "sentinels"]
SENTINEL_CONNECTION = ["username", "password", "socket_timeout", "socket_connect_timeout", "socket_keepalive",
                       "client_name", "protocol", "ssl", "ssl_certfile", "ssl_keyfile", "ssl_ca_certs",
                       "ssl_cert_reqs", "ssl_check_hostname"]


def effective_sentinel_reference(server: dict[str, Any]) -> dict[str, Any]:
    """One SentinelConnectionPool as effective settings, its sentinels' in
    "sentinel_settings" (the first sentinel's: all get the same)."""
    tls = server["class"].endswith("SSLConnection")
    settings = effective_default_reference({**server, "class": "SSLConnection" if tls else "Connection"})
    # The connection asks the pool's proxy, not the pool, for its role.
    settings["role"] = "master" if server["proxy_is_master"] else "replica"
    settings["service_name"] = server["service_name"]
    settings["sentinels"] = [[s["kwargs"]["host"], int(s["kwargs"]["port"])] for s in server["sentinels"]]
    first = server["sentinels"][0]
    settings["sentinel_settings"] = effective_default_reference(
        {**first, "class": "SSLConnection" if first["class"] == "SSLConnection" else "Connection"})
    return settings


def effective_sentinel_ours(options: dict[str, Any]) -> dict[str, Any]:
    settings = effective_ours(options)
    settings["sentinels"] = [[n["host"], n["port"]] for n in options.get("sentinels") or []]
    settings["sentinel_settings"] = effective_ours(options.get("sentinel_settings") or {})
    return settings
