"""What the real backends do with a CACHES entry, without connecting.

django-ansible-base (reference): the real Django, django-redis and
django-ansible-base build the cache as a Django service would (RedisCache ->
RedisClient.connect), up to the moment the redis-py client is constructed:
there the keyword arguments are captured instead. Standalone arguments then
go through the real redis.Redis constructor and one connection object (no
I/O), so that what redis-py itself refuses at construction is refused here
too; RedisCluster connects in its constructor, so its own refusals are
checked by the same rules it applies.

Django's own RedisCache (reference_django): the same, from its
RedisCacheClient's pools.

django-redis's DefaultClient (reference_default): the real RedisCache and
DefaultClient connect every LOCATION server through their ConnectionFactory
and redis-py's ConnectionPool.from_url, and each pool makes one connection
object (no I/O); what the pools hold (connection class, keyword arguments,
max_connections) is the answer, and get_next_client_index(write=False) says
which servers reads go to.
"""

from __future__ import annotations

import copy
import inspect
import logging
from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()

import redis  # noqa: E402
import redis.cluster  # noqa: E402
from ansible_base.lib.redis import client as dab  # noqa: E402
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache  # noqa: E402
from django_redis.cache import RedisCache  # noqa: E402
from django_redis.client import DefaultClient  # noqa: E402
from django_redis.pool import ConnectionFactory  # noqa: E402
from redis.connection import AbstractConnection, Connection, SSLConnection, UnixDomainSocketConnection  # noqa: E402


class _Captured(Exception):
    def __init__(self, mode: str, kwargs: dict[str, Any]) -> None:
        super().__init__(mode)
        self.mode = mode
        self.kwargs = kwargs


def _recorder(mode: str):
    def construct(**kwargs: Any) -> None:
        raise _Captured(mode, kwargs)

    return construct


# django-ansible-base logs each bad host before it raises; the rows show
# the error, the log would only be noise in the test output.
logging.getLogger("ansible_base.lib.redis.client").disabled = True

REDIS_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(redis.Redis.__init__).parameters.items()
    if p.default is not inspect.Parameter.empty
}
CLUSTER_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(redis.cluster.RedisCluster.__init__).parameters.items()
    if p.default is not inspect.Parameter.empty
}


def old_spelling(entry: dict[str, Any]) -> dict[str, Any]:
    """The current release reads mode/redis_hosts; releases up to 2024.8.1
    read clustered/clustered_hosts (and are not on PyPI). Translate as those
    releases read them: any truthy clustered meant a cluster."""
    entry = copy.deepcopy(entry)
    kwargs = entry.get("OPTIONS", {}).get("CLIENT_CLASS_KWARGS", {})
    if "clustered" in kwargs:
        kwargs["mode"] = "cluster" if kwargs.pop("clustered") else "standalone"
    if "clustered_hosts" in kwargs:
        kwargs["redis_hosts"] = kwargs.pop("clustered_hosts")
    return entry


def reference(entry: dict[str, Any]) -> dict[str, Any]:
    """{"mode", "kwargs"} as handed to redis-py, or {"error"}."""
    entry = old_spelling(entry)
    params = {k: v for k, v in entry.items() if k != "LOCATION"}
    real = dab.DABRedis, dab.DABRedisCluster
    dab.DABRedis, dab.DABRedisCluster = _recorder("standalone"), _recorder("cluster")
    try:
        RedisCache(entry.get("LOCATION", ""), params).client.connect(0)
    except _Captured as captured:
        try:
            _construct(captured.mode, captured.kwargs)
        except Exception as e:  # what redis-py refuses
            return {"error": f"{type(e).__name__}: {e}"}
        return {"mode": captured.mode, "kwargs": captured.kwargs}
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}
    finally:
        dab.DABRedis, dab.DABRedisCluster = real
    return {"error": "no client was constructed"}


def _construct(mode: str, kwargs: dict[str, Any]) -> None:
    if mode == "standalone":
        client = redis.Redis(**kwargs)
        client.connection_pool.make_connection()  # validates, does not connect
        return
    if "db" in kwargs:
        raise redis.cluster.RedisClusterException("Argument 'db' is not possible to use in cluster mode")
    if not kwargs.get("startup_nodes") and not kwargs.get("host"):
        raise redis.cluster.RedisClusterException("RedisCluster requires at least one node to discover the cluster")


# What the pool adds to every connection's keyword arguments by itself: not
# settings of the entry.
POOL_ADDED = ("parser_class", "himport_registry", "maint_notifications_pool_handler", "maint_notifications_config",
              "orig_host_address", "orig_socket_timeout", "orig_socket_connect_timeout")

# The defaults of redis-py's connection classes, for the keys a pool leaves
# out; "path" is UnixDomainSocketConnection's socket.
CONNECTION_DEFAULTS: dict[str, Any] = {}
for _cls in (AbstractConnection, Connection, SSLConnection, UnixDomainSocketConnection):
    CONNECTION_DEFAULTS.update({
        name: p.default
        for name, p in inspect.signature(_cls.__init__).parameters.items()
        if p.default is not inspect.Parameter.empty
    })


def reference_default(entry: dict[str, Any]) -> dict[str, Any]:
    """{"servers": [{"class", "kwargs", "max_connections"}], "reads": [indexes]}
    as django-redis's DefaultClient would connect, or {"error"}; for
    another django-redis client class, {"client": its name}."""
    params = {k: v for k, v in copy.deepcopy(entry).items() if k != "LOCATION"}
    ConnectionFactory._pools.clear()  # a process-wide cache, keyed by URL
    try:
        client = RedisCache(copy.deepcopy(entry.get("LOCATION", "")), params).client
        if type(client) is not DefaultClient:
            return {"client": type(client).__name__}
        servers = []
        for index in range(len(client._server)):
            pool = client.connect(index).connection_pool
            pool.make_connection()  # what the connection class refuses; no I/O
            servers.append({
                "class": pool.connection_class.__name__,
                "kwargs": {k: v for k, v in pool.connection_kwargs.items() if k not in POOL_ADDED},
                "max_connections": pool.max_connections,
            })
        reads = sorted({client.get_next_client_index(write=False) for _ in range(200)})
        return {"servers": servers, "reads": reads}
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}
    finally:
        ConnectionFactory._pools.clear()


def reference_django(entry: dict[str, Any]) -> dict[str, Any]:
    """{"servers": [...], "reads": [...]} as Django's own RedisCache would
    connect (its RedisCacheClient's pools), or {"error"}."""
    params = {k: v for k, v in copy.deepcopy(entry).items() if k != "LOCATION"}
    try:
        client = DjangoRedisCache(copy.deepcopy(entry.get("LOCATION", "")), params)._cache
        servers = []
        for index in range(len(client._servers)):
            # The real _get_connection_pool makes server index's pool when
            # the index it asks for is that one.
            client._get_connection_pool_index = lambda write, i=index: i
            pool = client._get_connection_pool(write=True)
            pool.make_connection()  # what the connection class refuses; no I/O
            servers.append({
                "class": pool.connection_class.__name__,
                "kwargs": {k: v for k, v in pool.connection_kwargs.items() if k not in POOL_ADDED},
                "max_connections": pool.max_connections,
            })
        del client._get_connection_pool_index
        reads = sorted({client._get_connection_pool_index(False) for _ in range(200)})
        return {"servers": servers, "reads": reads}
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}


def reference_sentinel(entry: dict[str, Any], django_settings: dict[str, Any]) -> dict[str, Any]:
    """django-redis's SentinelClient (or DefaultClient) through
    SentinelConnectionFactory, under the Django settings beside the entry:
    {"servers": [{"class", "kwargs", "max_connections", "is_master",
    "service_name", "sentinels": [{"class", "kwargs"}]}], "reads": [...]},
    or {"error"}. The real RedisCache, client and factory build every
    server's SentinelConnectionPool (SentinelClient.connect checks it is
    one) and one connection object from it, without connecting; the
    sentinels are the real redis.Sentinel's clients, whose pools hold what
    each connection to a sentinel gets."""
    from django.test import override_settings
    from redis.sentinel import SentinelConnectionPool

    params = {k: v for k, v in copy.deepcopy(entry).items() if k != "LOCATION"}
    ConnectionFactory._pools.clear()
    try:
        with override_settings(**django_settings):
            client = RedisCache(copy.deepcopy(entry.get("LOCATION", "")), params).client
            servers = []
            for index in range(len(client._server)):
                pool = client.connect(index).connection_pool
                if not isinstance(pool, SentinelConnectionPool):
                    return {"error": f"a {type(pool).__name__}, not a SentinelConnectionPool"}
                pool.make_connection()  # what the connection class refuses; no I/O
                sentinels = []
                for s in pool.sentinel_manager.sentinels:
                    s.connection_pool.make_connection()
                    sentinels.append({
                        "class": s.connection_pool.connection_class.__name__,
                        "kwargs": {k: v for k, v in s.connection_pool.connection_kwargs.items() if k not in POOL_ADDED},
                        "max_connections": s.connection_pool.max_connections,
                    })
                servers.append({
                    "class": pool.connection_class.__name__,
                    "kwargs": {k: v for k, v in pool.connection_kwargs.items()
                               if k not in POOL_ADDED and k != "connection_pool"},
                    "max_connections": pool.max_connections,
                    "is_master": pool.is_master,
                    "proxy_is_master": pool.proxy.is_master,
                    "service_name": pool.service_name,
                    "sentinels": sentinels,
                })
            reads = sorted({client.get_next_client_index(write=False) for _ in range(200)})
            return {"servers": servers, "reads": reads}
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}
    finally:
        ConnectionFactory._pools.clear()
