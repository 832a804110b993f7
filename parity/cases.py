"""The configuration rows: CACHES entries run through both sides.

A row agrees when both sides refuse it, or both give the same effective
settings. A row that differs must name one of DIFFERENCES: the reasons we
differ on purpose. {READABLE} and {MISSING} stand for a readable file and a
path that does not exist.
"""

from __future__ import annotations

from typing import Any

DIFFERENCES = {
    "converted": "Values that arrive as strings (URL query, environment) are converted to their "
    "types and booleans read like to_python_boolean; the reference hands the string to redis-py, "
    "which uses it as is: ssl='false' is true there, and socket_timeout='2' or port='7001' fail "
    "at the first command.",
    "cluster-only-dropped": "Cluster-only options such as read_from_replicas are dropped in "
    "standalone mode; the reference drops only cluster_error_retry_attempts, and redis.Redis "
    "refuses the others.",
    "db0-cluster": "db 0 is accepted in cluster mode, the only database a cluster has; redis-py "
    "refuses any db argument in cluster mode, 0 included.",
    "unknown-in-cluster": "An unknown option is refused in cluster mode as in standalone mode; "
    "RedisCluster silently drops keyword arguments it does not know.",
    "hosts-checked": "A malformed host list is refused in standalone mode too, and ports outside "
    "1-65535 are refused; the reference ignores the list in standalone mode and accepts any "
    "integer port.",
    "timeout-positive": "A socket timeout of 0 or less is refused when the entry is read; "
    "redis-py accepts it and every command then fails.",
    "clustered-string": "clustered is read like to_python_boolean, so the string 'false' means "
    "standalone; releases up to 2024.8.1 took any non-empty string as true.",
    "unix-without-path": "A unix:// or file:// LOCATION without a path is refused; the reference "
    "silently connects to localhost:6379 over TCP instead.",
    "no-counterpart": "redis-py options that go-redis has no counterpart for (ssl_password, "
    "retry, ...) are refused by name instead of being ignored.",
    "cert-reqs-checked": "ssl_cert_reqs is checked even with ssl off; redis-py checks it only "
    "when it makes a TLS connection.",
    "split-password": "A LOCATION with an '@' after the host, where a user name or password "
    "holding '/', '?' or '#' puts it, is refused; the reference takes a piece of the password "
    "for the host or port, and connects there.",
}

DAB = "ansible_base.lib.redis.RedisClient"


def e(location: Any, kwargs: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "parity",
        "OPTIONS": {"CLIENT_CLASS": DAB, "CLIENT_CLASS_KWARGS": kwargs or {}},
    }
    entry.update(extra)
    return entry


CL = {"mode": "cluster"}
TLS_FILES = {"ssl_certfile": "{READABLE}", "ssl_keyfile": "{READABLE}", "ssl_ca_certs": "{READABLE}"}

# (id, entry, deliberate difference or None)
ROWS: list[tuple[str, dict[str, Any], str | None]] = [
    # schemes
    ("scheme redis", e("redis://h:6379"), None),
    ("scheme rediss", e("rediss://h:6380"), None),
    ("scheme unix", e("unix:///tmp/r.sock"), None),
    ("scheme file", e("file:///tmp/r.sock"), None),
    ("scheme http", e("http://h:6379"), None),
    ("no scheme", e("h:6379"), None),
    ("empty location", e(""), None),
    ("unix without path", e("unix://"), "unix-without-path"),
    ("location list", e(["redis://a:1", "redis://b:2"]), None),
    ("location comma list", e("redis://a:1,redis://b:2"), None),
    # users and passwords
    ("user and password", e("redis://user:pass@h"), None),
    ("password only", e("redis://:pass@h"), None),
    ("user only", e("redis://user@h"), None),
    ("empty user and password", e("redis://:@h", {"password": "kw"}), None),
    ("percent sign kept", e("redis://u:p%40ss@h"), None),
    ("colon in password", e("redis://u:pa:ss@h"), None),
    ("slash in password", e("redis://u:p@ss/word@h"), "split-password"),
    ("URL password over kwargs", e("redis://u:url@h", {"password": "kw", "username": "kwu"}), None),
    ("kwargs when URL has none", e("redis://h", {"password": "kw", "username": "kwu"}), None),
    # ports
    ("no port", e("redis://h", {"port": 7000}), None),
    ("port 0 ignored", e("redis://h:0", {"port": 7000}), None),
    ("port out of range", e("redis://h:70000"), None),
    ("port not a number", e("redis://h:abc"), None),
    ("port as string kwarg", e("redis://h", {"port": "7001"}), "converted"),
    # db
    ("db in path", e("redis://h/3"), None),
    ("path not a db", e("redis://h/abc", {"db": 2}), None),
    ("db in query", e("redis://h/?db=4"), "converted"),
    ("db query over path", e("redis://h/2?db=5"), "converted"),
    ("db kwarg", e("redis://h", {"db": 6}), None),
    # query options
    ("query socket_timeout", e("redis://h?socket_timeout=2"), "converted"),
    ("query ssl_cert_reqs", e("rediss://h?ssl_cert_reqs=none"), None),
    ("query client_name", e("redis://h?client_name=svc"), None),
    ("query keepalive false", e("redis://h?socket_keepalive=false"), "converted"),
    ("query repeated", e("redis://h?client_name=a&client_name=b"), None),
    # rediss and ssl
    ("rediss ssl false", e("rediss://h", {"ssl": False}), None),
    ("redis ssl true", e("redis://h", {"ssl": True}), None),
    ("rediss ssl true", e("rediss://h", {"ssl": True}), None),
    ("redis ssl none", e("redis://h", {"ssl": None}), None),
    ("rediss ssl none", e("rediss://h", {"ssl": None}), None),
    ("rediss ssl string false", e("rediss://h", {"ssl": "false"}), "converted"),
    ("redis ssl string true", e("redis://h", {"ssl": "true"}), None),
    ("ssl cert reqs optional", e("rediss://h", {"ssl_cert_reqs": "optional"}), None),
    ("ssl cert reqs bogus", e("rediss://h", {"ssl_cert_reqs": "bogus"}), None),
    ("ssl cert reqs bogus, ssl off", e("redis://h", {"ssl_cert_reqs": "bogus"}), "cert-reqs-checked"),
    ("check hostname off", e("rediss://h", {"ssl_check_hostname": False, **TLS_FILES}), None),
    # certificate files
    ("readable files, ssl on", e("rediss://h", TLS_FILES), None),
    ("empty files, ssl on", e("rediss://h", {"ssl_certfile": "", "ssl_keyfile": "", "ssl_ca_certs": ""}), None),
    ("missing certfile, ssl on", e("rediss://h", {"ssl_certfile": "{MISSING}"}), None),
    ("missing ca, ssl on", e("redis://h", {"ssl": True, "ssl_ca_certs": "{MISSING}"}), None),
    ("missing keyfile, ssl on", e("rediss://h", {"ssl_certfile": "{READABLE}", "ssl_keyfile": "{MISSING}"}), None),
    ("missing certfile, ssl off", e("redis://h", {"ssl_certfile": "{MISSING}"}), None),
    ("empty keyfile, readable cert", e("rediss://h", {"ssl_certfile": "{READABLE}", "ssl_keyfile": ""}), None),
    # cluster
    ("cluster with hosts", e("redis://h:1", {**CL, "redis_hosts": "a:7000,b:7001"}), None),
    ("cluster without hosts", e("redis://h:7000", CL), None),
    ("cluster with TLS", e("rediss://h:7000", {**CL, "redis_hosts": "a:7000", **TLS_FILES}), None),
    ("clustered true, old spelling", e("redis://h:1", {"clustered": True, "clustered_hosts": "a:7000,b:7001"}), None),
    ("clustered false", e("redis://h:1", {"clustered": False}), None),
    ("clustered string true", e("redis://h:1", {"clustered": "true"}), None),
    ("clustered string false", e("redis://h:1", {"clustered": "false"}), "clustered-string"),
    ("mode capitalised", e("redis://h:1", {"mode": "Cluster"}), None),
    ("mode standalone with hosts", e("redis://h:1", {"mode": "standalone", "redis_hosts": "a:1"}), None),
    ("hosts with spaces", e("redis://h:1", {**CL, "redis_hosts": "a:7000, b:7001"}), None),
    ("host without port", e("redis://h:1", {**CL, "redis_hosts": "a"}), None),
    ("ipv6 hosts", e("redis://h:1", {**CL, "redis_hosts": "[::1]:7000,h:7001"}), None),
    ("ipv6 without brackets", e("redis://h:1", {**CL, "redis_hosts": "::1:7000"}), None),
    ("hosts not a string", e("redis://h:1", {**CL, "redis_hosts": ["a:7000"]}), None),
    ("host port 0", e("redis://h:1", {**CL, "redis_hosts": "a:0"}), "hosts-checked"),
    ("malformed hosts, standalone", e("redis://h:1", {"redis_hosts": "a, b"}), "hosts-checked"),
    ("cluster db 2", e("redis://h:1/2", CL), None),
    ("cluster db 0", e("redis://h:1/0", CL), "db0-cluster"),
    ("cluster unix without hosts", e("unix:///tmp/r.sock", CL), None),
    # options
    ("cluster option in standalone", e("redis://h", {"cluster_error_retry_attempts": 2}), None),
    ("read_from_replicas in standalone", e("redis://h", {"read_from_replicas": True}), "cluster-only-dropped"),
    ("read_from_replicas in cluster", e("redis://h:1", {**CL, "read_from_replicas": True}), None),
    ("retry attempts in cluster", e("redis://h:1", {**CL, "cluster_error_retry_attempts": 5}), None),
    ("unknown option", e("redis://h", {"no_such_option": 1}), None),
    ("unknown option in cluster", e("redis://h:1", {**CL, "no_such_option": 1}), "unknown-in-cluster"),
    ("socket timeouts", e("redis://h", {"socket_timeout": 2.5, "socket_connect_timeout": 1}), None),
    ("socket timeout none", e("redis://h", {"socket_timeout": None}), None),
    ("socket timeout zero", e("redis://h", {"socket_timeout": 0}), "timeout-positive"),
    ("max connections", e("redis://h", {"max_connections": 10}), None),
    ("keepalive off", e("redis://h", {"socket_keepalive": False}), None),
    ("client name and protocol", e("redis://h", {"client_name": "svc", "protocol": 3}), None),
    ("ssl_password", e("rediss://h", {"ssl_password": "x"}), "no-counterpart"),
    # the seed's own example, its environment variables unset
    ("seed example, env unset", e(
        "redis://None:None@None:None",
        {
            "clustered": False,
            "clustered_hosts": "<host 1>:<port>,<host 2>:<port>,[...],<host N>:<port>",
            "ssl": True,
            "ssl_keyfile": "/etc/path/redis.key",
            "ssl_certfile": "/etc/path/redis.cert",
            "ssl_cert_reqs": "required",
            "ssl_ca_certs": "/etc/path/redis_ca.cert",
            "ssl_check_hostname": False,
        },
    ), None),
]
