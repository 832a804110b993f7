"""The configuration rows: CACHES entries run through both sides.

A row agrees when both sides refuse it, or both give the same effective
settings. A row that differs must name one of DIFFERENCES: the reasons we
differ on purpose. {READABLE} and {MISSING} stand for a readable file and a
path that does not exist. ROWS are django-ansible-base's entries,
DEFAULT_CLIENT_ROWS django-redis's DefaultClient's (no CLIENT_CLASS),
DJANGO_ROWS Django's own RedisCache's.
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
    # django-redis's DefaultClient
    "pool-kwargs-typed": "In CONNECTION_POOL_KWARGS (DefaultClient) or OPTIONS (Django's RedisCache), a "
    "string where redis-py needs a boolean or a number is refused when the entry is read; redis-py "
    "takes it as it is: "
    "socket_keepalive='false' is true there, and socket_timeout='2' fails at the first command.",
    "files-checked": "With TLS (DefaultClient or Django's RedisCache, rediss://), a certificate file that cannot be read is "
    "refused when the entry is read; redis-py fails at the first command.",
    "db-range": "A negative db is refused when the entry is read; redis-py sends SELECT -1 at the "
    "first command, which the server refuses.",
    "kwargs-need-dab": "CLIENT_CLASS_KWARGS in an entry whose client is django-redis's DefaultClient "
    "(no CLIENT_CLASS) is refused, naming django-ansible-base's client: DefaultClient ignores it, "
    "so the TLS files or password written there would silently not be used.",
    "replica-writes": "REPLICA_READ_ONLY false is refused: writes go to the first server only; "
    "django-redis then writes to another server of the list when the first fails.",
    "class-refused": "Connection pool, redis client, parser and serializer classes other than redis-py's "
    "and Django's own, and REDIS_CLIENT_KWARGS, are refused by name; the reference runs them (a "
    "BlockingConnectionPool waits for a free connection, REDIS_CLIENT_KWARGS beside a pool are "
    "ignored by redis-py).",
    "client-refused": "django-redis's ShardClient and HerdClient are refused by name; "
    "the reference shards keys over the servers, or wraps values in herd markers.",
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


def d(location: Any, options: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An entry for django-redis's DefaultClient: no CLIENT_CLASS."""
    entry: dict[str, Any] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "parity",
        "OPTIONS": options or {},
    }
    entry.update(extra)
    return entry


def pool(**kwargs: Any) -> dict[str, Any]:
    return {"CONNECTION_POOL_KWARGS": kwargs}


DC_FILES = {"ssl_certfile": "{READABLE}", "ssl_keyfile": "{READABLE}", "ssl_ca_certs": "{READABLE}"}

# (id, entry, deliberate difference or None)
DEFAULT_CLIENT_ROWS: list[tuple[str, dict[str, Any], str | None]] = [
    # schemes, as redis-py's parse_url takes them
    ("scheme redis", d("redis://h:6379"), None),
    ("scheme rediss", d("rediss://h:6380"), None),
    ("scheme unix", d("unix:///tmp/r.sock"), None),
    ("unix with db in query", d("unix:///tmp/r.sock?db=3"), None),
    ("unix socket path encoded", d("unix:///tmp/r%20s.sock"), None),
    ("scheme file", d("file:///tmp/r.sock"), None),
    ("scheme in capitals", d("REDIS://h"), None),
    ("space before the scheme", d(" redis://h"), None),
    ("scheme http", d("http://h:6379"), None),
    ("empty location", d(""), None),
    ("unix without path", d("unix://"), "unix-without-path"),
    ("client class named", d("redis://h", {"CLIENT_CLASS": "django_redis.client.DefaultClient"}), None),
    # users and passwords: percent-decoded
    ("percent-encoded password", d("redis://u:p%40ss@h/2"), None),
    ("every special character encoded", d("redis://:p%2Fs%3Fs%23w%40o%3Ar%25d@h"), None),
    ("an invalid escape stays", d("redis://u:p%zz@h"), None),
    ("user name encoded", d("redis://us%65r:pw@h"), None),
    ("password as written, '/' in it", d("redis://u:p@ss/word@h"), "split-password"),
    ("empty password, OPTIONS.PASSWORD", d("redis://:@h", {"PASSWORD": "opt"}), None),
    ("URL password over OPTIONS and pool", d("redis://u:url@h", {"PASSWORD": "opt", **pool(password="kw")}), None),
    ("pool password over OPTIONS", d("redis://h", {"PASSWORD": "opt", **pool(password="kw")}), None),
    ("pool password None, OPTIONS.PASSWORD", d("redis://h", {"PASSWORD": "opt", **pool(password=None)}), None),
    ("pool password empty", d("redis://h", {"PASSWORD": "opt", **pool(password="")}), None),
    ("query password", d("redis://h?password=q"), None),
    ("URL password over query", d("redis://:u@h?password=q"), None),
    ("OPTIONS.USERNAME and PASSWORD", d("redis://h", {"USERNAME": "ou", "PASSWORD": "op"}), None),
    ("URL user over OPTIONS.USERNAME", d("redis://uu:up@h", {"USERNAME": "ou"}), None),
    # host and port
    ("host lower-cased, port 0", d("redis://H.Example:0"), None),
    ("ipv6 host", d("redis://[::1]:7001"), None),
    ("no host", d("redis:///0"), None),
    ("port out of range", d("redis://h:70000"), None),
    ("port not a number", d("redis://h:abc"), None),
    ("host and port from the query", d("redis:///?host=q&port=7002"), None),
    ("URL port over query", d("redis://h:7003?port=7002"), None),
    ("pool host and port, URL without", d("redis://", pool(host="k", port=7004)), None),
    # db
    ("db in path", d("redis://h/3"), None),
    ("db path with trailing slash", d("redis://h/2/"), None),
    ("db path of two segments", d("redis://h/1/2"), None),
    ("path not a db", d("redis://h/abc"), None),
    ("db path encoded", d("redis://h/%33"), None),
    ("db query over path", d("redis://h/2?db=5"), None),
    ("db repeated: the first", d("redis://h?db=4&db=5"), None),
    ("db blank dropped", d("redis://h/7?db=&db=3"), None),
    ("db blank, path kept", d("redis://h/7?db="), None),
    ("db not an integer", d("redis://h?db=x"), None),
    ("db negative", d("redis://h?db=-1"), "db-range"),
    ("db in pool kwargs", d("redis://h", pool(db=6)), None),
    ("URL db over pool kwargs", d("redis://h/2", pool(db=6)), None),
    # query arguments, typed as URL_QUERY_ARGUMENT_PARSERS types them
    ("query timeouts", d("redis://h?socket_timeout=2.5&socket_connect_timeout=1"), None),
    ("query timeout exponent", d("redis://h?socket_timeout=1e1"), None),
    ("query timeout not a number", d("redis://h?socket_timeout=soon"), None),
    ("query keepalive No", d("redis://h?socket_keepalive=No"), None),
    ("query keepalive maybe", d("redis://h?socket_keepalive=maybe"), None),
    ("query max_connections and protocol", d("redis://h?max_connections=9&protocol=3"), None),
    ("query protocol 4", d("redis://h?protocol=4"), None),
    ("query read size with underscore", d("redis://h?socket_read_size=1_024&health_check_interval=3"), None),
    ("query cert reqs and hostname", d("rediss://h?ssl_cert_reqs=none&ssl_check_hostname=false"), None),
    ("query cert reqs optional", d("rediss://h?ssl_cert_reqs=optional"), None),
    ("query cert reqs bogus", d("rediss://h?ssl_cert_reqs=bogus"), None),
    ("query min version 772", d("rediss://h?ssl_min_version=772"), None),
    ("query min version by name", d("rediss://h?ssl_min_version=TLSv1_3"), None),
    ("query timeout (BlockingConnectionPool's)", d("redis://h?timeout=2"), None),
    ("query unknown argument", d("redis://h?no_such=1"), None),
    ("query ssl on redis://", d("redis://h?ssl=true"), None),
    ("query client_name repeated", d("redis://h?client_name=a&client_name=b"), None),
    ("query client_name decoded", d("redis://h?client_name=a+b%21"), None),
    ("query retry_on_timeout", d("redis://h?retry_on_timeout=yes"), None),
    # OPTIONS of the connection factory, and their precedence
    ("SOCKET_TIMEOUT and SOCKET_CONNECT_TIMEOUT", d("redis://h", {"SOCKET_TIMEOUT": 3, "SOCKET_CONNECT_TIMEOUT": 1}), None),
    ("SOCKET_TIMEOUT 0 is unset", d("redis://h", {"SOCKET_TIMEOUT": 0}), None),
    ("SOCKET_TIMEOUT a string", d("redis://h", {"SOCKET_TIMEOUT": "5"}), None),
    ("pool timeout over SOCKET_TIMEOUT", d("redis://h", {"SOCKET_TIMEOUT": 3, **pool(socket_timeout=4)}), None),
    ("query timeout over pool", d("redis://h?socket_timeout=6", {"SOCKET_TIMEOUT": 3, **pool(socket_timeout=4)}), None),
    ("pool timeout None", d("redis://h", pool(socket_timeout=None)), None),
    ("pool timeout zero", d("redis://h", pool(socket_timeout=0)), "timeout-positive"),
    ("pool max_connections", d("redis://h", pool(max_connections=7)), None),
    ("pool max_connections 0 is 100", d("redis://h", pool(max_connections=0)), None),
    ("pool keepalive off, client name, protocol 3", d("redis://h", pool(socket_keepalive=False, client_name="svc", protocol=3)), None),
    ("pool cert reqs as a number", d("rediss://h", pool(ssl_cert_reqs=1)), None),
    ("pool min version 772", d("rediss://h", pool(ssl_min_version=772)), None),
    ("pool files, rediss", d("rediss://h", pool(**DC_FILES)), None),
    ("pool hostname check off", d("rediss://h", pool(ssl_check_hostname=False, **DC_FILES)), None),
    ("pool missing CA, rediss", d("rediss://h", pool(ssl_ca_certs="{MISSING}")), "files-checked"),
    ("pool ssl on redis://", d("redis://h", pool(ssl=True)), None),
    ("pool certificate on redis://", d("redis://h", pool(ssl_certfile="{READABLE}")), None),
    ("pool keepalive a string", d("redis://h", pool(socket_keepalive="false")), "pool-kwargs-typed"),
    ("pool timeout a string", d("redis://h", pool(socket_timeout="2")), "pool-kwargs-typed"),
    ("pool unknown key", d("redis://h", pool(no_such_option=1)), None),
    ("pool unix_socket_path", d("redis://h", pool(unix_socket_path="/tmp/r.sock")), None),
    ("pool host on unix://", d("unix:///tmp/r.sock", pool(host="h")), None),
    ("pool ssl_password", d("rediss://h", pool(ssl_password="x")), "no-counterpart"),
    # several servers: the first written to, reads from the others
    ("location list", d(["redis://:p1@a:1/2", "redis://:p2@b:2/3"]), None),
    ("location comma list of three", d("redis://a:1,redis://b:2,redis://c:3"), None),
    ("list, OPTIONS.PASSWORD where the URL has none", d(["redis://:p1@a:1", "redis://b:2"], {"PASSWORD": "opt"}), None),
    ("list, a comma in a password", d(["redis://:p,1@a:1", "redis://b:2"]), None),
    ("list of unix sockets", d(["unix:///tmp/a.sock", "unix:///tmp/b.sock?db=1"]), None),
    ("comma list with a space", d("redis://a:1, redis://b:2"), None),
    ("comma list, trailing comma", d("redis://a:1,"), None),
    ("list, a bad second server", d(["redis://a:1", "http://b:2"]), None),
    # what is refused by name
    ("CLIENT_CLASS_KWARGS without CLIENT_CLASS", d("redis://h", {"CLIENT_CLASS_KWARGS": {"ssl": True}}), "kwargs-need-dab"),
    ("REPLICA_READ_ONLY false", d("redis://a:1,redis://b:2", {"REPLICA_READ_ONLY": False}), "replica-writes"),
    ("REPLICA_READ_ONLY true", d("redis://a:1,redis://b:2", {"REPLICA_READ_ONLY": True}), None),
    ("pool class redis-py's", d("redis://h", {"CONNECTION_POOL_CLASS": "redis.connection.ConnectionPool"}), None),
    ("pool class blocking", d("redis://h", {"CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool"}), "class-refused"),
    ("pool class of one's own", d("redis://h", {"CONNECTION_POOL_CLASS": "myapp.cache.Pool"}), None),
    ("redis client class redis-py's", d("redis://h", {"REDIS_CLIENT_CLASS": "redis.client.Redis"}), None),
    ("redis client kwargs", d("redis://h", {"REDIS_CLIENT_KWARGS": {"decode_responses": True}}), "class-refused"),
    ("parser class redis-py's", d("redis://h", {"PARSER_CLASS": "redis.connection.DefaultParser"}), None),
    ("parser class of one's own", d("redis://h", {"PARSER_CLASS": "myapp.cache.Parser"}), None),
    ("connection factory django-redis's", d("redis://h", {"CONNECTION_FACTORY": "django_redis.pool.ConnectionFactory"}), None),
    ("ShardClient", d("redis://a:1,redis://b:2", {"CLIENT_CLASS": "django_redis.client.ShardClient"}), "client-refused"),
    ("HerdClient", d("redis://h", {"CLIENT_CLASS": "django_redis.client.HerdClient"}), "client-refused"),
]


def dj(location: Any, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """An entry for Django's own RedisCache: OPTIONS are its pool's."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "parity",
        "OPTIONS": options or {},
    }


# (id, entry, deliberate difference or None)
DJANGO_ROWS: list[tuple[str, dict[str, Any], str | None]] = [
    # schemes
    ("scheme redis", dj("redis://h:6379"), None),
    ("scheme rediss", dj("rediss://h:6380"), None),
    ("scheme unix", dj("unix:///tmp/r.sock"), None),
    ("unix with db in query", dj("unix:///tmp/r.sock?db=3"), None),
    ("scheme file", dj("file:///tmp/r.sock"), None),
    ("scheme in capitals", dj("REDIS://h"), None),
    ("scheme http", dj("http://h:6379"), None),
    ("empty location", dj(""), None),
    ("unix without path", dj("unix://"), "unix-without-path"),
    # users and passwords
    ("percent-encoded password", dj("redis://u:p%40ss@h/2"), None),
    ("every special character encoded", dj("redis://:p%2Fs%3Fs%23w%40o%3Ar%25d@h"), None),
    ("an invalid escape stays", dj("redis://u:p%zz@h"), None),
    ("password in OPTIONS", dj("redis://h", {"password": "opt"}), None),
    ("URL password over OPTIONS", dj("redis://u:url@h", {"password": "opt", "username": "ou"}), None),
    ("empty URL password, OPTIONS password", dj("redis://:@h", {"password": "opt"}), None),
    ("query password over OPTIONS", dj("redis://h?password=q", {"password": "opt"}), None),
    ("password as written, '/' in it", dj("redis://u:p@ss/word@h"), "split-password"),
    # host and port
    ("host lower-cased, port 0", dj("redis://H.Example:0"), None),
    ("ipv6 host", dj("redis://[::1]:7001"), None),
    ("port out of range", dj("redis://h:70000"), None),
    ("port not a number", dj("redis://h:abc"), None),
    ("host and port from the query", dj("redis:///?host=q&port=7002"), None),
    ("OPTIONS host and port, URL without", dj("redis://", {"host": "k", "port": 7004}), None),
    ("URL host over OPTIONS", dj("redis://h", {"host": "k"}), None),
    # db
    ("db in path", dj("redis://h/3"), None),
    ("db path of two segments", dj("redis://h/1/2"), None),
    ("path not a db", dj("redis://h/abc"), None),
    ("db query over path", dj("redis://h/2?db=5"), None),
    ("db repeated: the first", dj("redis://h?db=4&db=5"), None),
    ("db blank dropped", dj("redis://h/7?db=&db=3"), None),
    ("db not an integer", dj("redis://h?db=x"), None),
    ("db negative", dj("redis://h?db=-1"), "db-range"),
    ("db in OPTIONS", dj("redis://h", {"db": 6}), None),
    ("URL db over OPTIONS", dj("redis://h/2", {"db": 6}), None),
    # query arguments
    ("query timeouts", dj("redis://h?socket_timeout=2.5&socket_connect_timeout=1"), None),
    ("query keepalive No", dj("redis://h?socket_keepalive=No"), None),
    ("query keepalive maybe", dj("redis://h?socket_keepalive=maybe"), None),
    ("query max_connections and protocol", dj("redis://h?max_connections=9&protocol=3"), None),
    ("query protocol 4", dj("redis://h?protocol=4"), None),
    ("query cert reqs and hostname", dj("rediss://h?ssl_cert_reqs=none&ssl_check_hostname=false"), None),
    ("query min version 772", dj("rediss://h?ssl_min_version=772"), None),
    ("query min version by name", dj("rediss://h?ssl_min_version=TLSv1_3"), None),
    ("query timeout (BlockingConnectionPool's)", dj("redis://h?timeout=2"), None),
    ("query unknown argument", dj("redis://h?no_such=1"), None),
    ("query client_name repeated", dj("redis://h?client_name=a&client_name=b"), None),
    # OPTIONS, the pool's keyword arguments
    ("OPTIONS timeouts", dj("redis://h", {"socket_timeout": 3, "socket_connect_timeout": 1}), None),
    ("query timeout over OPTIONS", dj("redis://h?socket_timeout=6", {"socket_timeout": 3}), None),
    ("OPTIONS timeout None", dj("redis://h", {"socket_timeout": None}), None),
    ("OPTIONS timeout zero", dj("redis://h", {"socket_timeout": 0}), "timeout-positive"),
    ("OPTIONS max_connections", dj("redis://h", {"max_connections": 7}), None),
    ("OPTIONS max_connections 0 is 100", dj("redis://h", {"max_connections": 0}), None),
    ("OPTIONS keepalive off, client name, protocol 3",
     dj("redis://h", {"socket_keepalive": False, "client_name": "svc", "protocol": 3}), None),
    ("OPTIONS cert reqs as a number", dj("rediss://h", {"ssl_cert_reqs": 1}), None),
    ("OPTIONS files, rediss", dj("rediss://h", DC_FILES), None),
    ("OPTIONS missing CA, rediss", dj("rediss://h", {"ssl_ca_certs": "{MISSING}"}), "files-checked"),
    ("OPTIONS ssl on redis://", dj("redis://h", {"ssl": True}), None),
    ("OPTIONS certificate on redis://", dj("redis://h", {"ssl_certfile": "{READABLE}"}), None),
    ("OPTIONS keepalive a string", dj("redis://h", {"socket_keepalive": "false"}), "pool-kwargs-typed"),
    ("OPTIONS unknown key", dj("redis://h", {"no_such_option": 1}), None),
    ("OPTIONS unix_socket_path", dj("redis://h", {"unix_socket_path": "/tmp/r.sock"}), None),
    ("OPTIONS ssl_password", dj("rediss://h", {"ssl_password": "x"}), "no-counterpart"),
    ("django-redis's PASSWORD", dj("redis://h", {"PASSWORD": "x"}), None),
    ("django-redis's CLIENT_CLASS", dj("redis://h", {"CLIENT_CLASS": "django_redis.client.DefaultClient"}), None),
    ("our BUSY_POLL", dj("redis://h", {"BUSY_POLL": 10}), None),
    # several servers
    ("servers split on semicolons", dj("redis://a:1;redis://b:2"), None),
    ("servers split on both", dj("redis://a:1;redis://b:2,redis://c:3"), None),
    ("location list", dj(["redis://:p1@a:1/2", "redis://:p2@b:2/3"]), None),
    ("list, OPTIONS password where the URL has none", dj(["redis://:p1@a:1", "redis://b:2"], {"password": "opt"}), None),
    ("trailing semicolon", dj("redis://a:1;"), None),
    ("a bad second server", dj("redis://a:1;http://b:2"), None),
    # classes
    ("serializer Django's", dj("redis://h", {"serializer": "django.core.cache.backends.redis.RedisSerializer"}), None),
    ("serializer of one's own", dj("redis://h", {"serializer": "myapp.cache.Serializer"}), None),
    ("pool class redis-py's", dj("redis://h", {"pool_class": "redis.ConnectionPool"}), None),
    ("pool class blocking", dj("redis://h", {"pool_class": "redis.BlockingConnectionPool"}), "class-refused"),
    ("parser class redis-py's", dj("redis://h", {"parser_class": "redis.connection.DefaultParser"}), None),
    ("parser class of one's own", dj("redis://h", {"parser_class": "myapp.cache.Parser"}), None),
]

# django-redis's SentinelClient (SentinelConnectionFactory)
DIFFERENCES.update({
    "sentinel-ssl-string": "ssl given as a string that reads as false (?ssl=false) is refused; "
    "SentinelConnectionPool takes its truth value, so the string 'false' turns TLS on.",
    "sentinel-db": "db in SENTINEL_KWARGS is refused (with host, port and the socket path: the sentinels are "
    "OPTIONS.SENTINELS, and a sentinel has no database); the reference sends SELECT to each sentinel, which "
    "fails at the first command.",
})

SENTINEL_FACTORY = "django_redis.pool.SentinelConnectionFactory"
WITH_FACTORY = {"DJANGO_REDIS_CONNECTION_FACTORY": SENTINEL_FACTORY}
SENTINELS = [["s1.example", 26379], ["10.0.0.2", 26380]]


def sn(location: Any, options: dict[str, Any] | None = None, client: str | None = "django_redis.client.SentinelClient",
       sentinels: Any = SENTINELS) -> dict[str, Any]:
    """An entry of django-redis's SentinelClient (client None: DefaultClient)."""
    opts: dict[str, Any] = {}
    if client:
        opts["CLIENT_CLASS"] = client
    if sentinels is not None:
        opts["SENTINELS"] = sentinels
    opts.update(options or {})
    return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": "parity", "OPTIONS": opts}


def skw(**kwargs: Any) -> dict[str, Any]:
    return {"SENTINEL_KWARGS": kwargs}


# (id, entry, Django settings beside it, deliberate difference or None)
SENTINEL_ROWS: list[tuple[str, dict[str, Any], dict[str, Any], str | None]] = [
    # the service and its two pools
    ("string LOCATION: master and replica pools", sn("redis://svc/0"), WITH_FACTORY, None),
    ("db in path", sn("redis://svc/3"), WITH_FACTORY, None),
    ("db query over path", sn("redis://svc/2?db=5"), WITH_FACTORY, None),
    ("service name lower-cased", sn("redis://MyService/0"), WITH_FACTORY, None),
    ("port in LOCATION, unused", sn("redis://svc:7000/1"), WITH_FACTORY, None),
    ("no service name", sn("redis:///0"), WITH_FACTORY, None),
    ("rediss:// refused by both", sn("rediss://svc/0"), WITH_FACTORY, None),
    ("unix:// refused by both", sn("unix:///tmp/r.sock"), WITH_FACTORY, None),
    ("is_master in a string LOCATION overridden", sn("redis://svc/0?is_master=0"), WITH_FACTORY, None),
    # passwords: the master's, the sentinels'
    ("password in URL, percent-encoded", sn("redis://:p%40ss%2Fw%3Ard@svc/0"), WITH_FACTORY, None),
    ("every special character encoded", sn("redis://:p%2Fs%3Fs%23w%40o%3Ar%25d@svc"), WITH_FACTORY, None),
    ("user and password in URL", sn("redis://user:pw@svc/0"), WITH_FACTORY, None),
    ("password with '/' unencoded", sn("redis://u:p@ss/word@svc"), WITH_FACTORY, "split-password"),
    ("OPTIONS.PASSWORD where the URL has none", sn("redis://svc/0", {"PASSWORD": "opt"}), WITH_FACTORY, None),
    ("URL password over OPTIONS and pool", sn("redis://u:url@svc", {"PASSWORD": "opt", **pool(password="kw")}), WITH_FACTORY, None),
    ("pool password over OPTIONS.PASSWORD", sn("redis://svc", {"PASSWORD": "opt", **pool(password="kw")}), WITH_FACTORY, None),
    ("query password", sn("redis://svc?password=q"), WITH_FACTORY, None),
    ("OPTIONS.USERNAME and PASSWORD", sn("redis://svc", {"USERNAME": "ou", "PASSWORD": "op"}), WITH_FACTORY, None),
    ("master password not sent to the sentinels", sn("redis://:mpw@svc/0", {"PASSWORD": "opt"}), WITH_FACTORY, None),
    ("SENTINEL_KWARGS password for the sentinels", sn("redis://:mpw@svc/0", skw(password="spw")), WITH_FACTORY, None),
    ("SENTINEL_KWARGS user and password", sn("redis://svc/0", skw(username="su", password="spw")), WITH_FACTORY, None),
    ("sentinel password with special characters", sn("redis://svc/0", skw(password="p@ss:/w?#%d")), WITH_FACTORY, None),
    # what the sentinels' connections get
    ("SENTINEL_KWARGS unset: OPTIONS' socket settings", sn("redis://svc", {"SOCKET_TIMEOUT": 2, "SOCKET_CONNECT_TIMEOUT": 1}), WITH_FACTORY, None),
    ("SENTINEL_KWARGS unset: the pool's socket settings", sn("redis://svc", pool(socket_timeout=4, socket_keepalive=False)), WITH_FACTORY, None),
    ("SENTINEL_KWARGS unset: not the URL's", sn("redis://svc?socket_timeout=3"), WITH_FACTORY, None),
    ("SENTINEL_KWARGS empty: none of them", sn("redis://svc", {"SOCKET_TIMEOUT": 2, "SENTINEL_KWARGS": {}}), WITH_FACTORY, None),
    ("SENTINEL_KWARGS None", sn("redis://svc", {"SOCKET_TIMEOUT": 2, "SENTINEL_KWARGS": None}), WITH_FACTORY, None),
    ("SENTINEL_KWARGS over OPTIONS", sn("redis://svc", {"SOCKET_TIMEOUT": 2, **skw(socket_timeout=0.5)}), WITH_FACTORY, None),
    ("SENTINEL_KWARGS TLS", sn("redis://svc", skw(ssl=True, ssl_ca_certs="{READABLE}", ssl_cert_reqs="required")), WITH_FACTORY, None),
    ("SENTINEL_KWARGS TLS, missing CA", sn("redis://svc", skw(ssl=True, ssl_ca_certs="{MISSING}")), WITH_FACTORY, "files-checked"),
    ("SENTINEL_KWARGS TLS files without ssl", sn("redis://svc", skw(ssl_ca_certs="{MISSING}")), WITH_FACTORY, None),
    ("SENTINEL_KWARGS ssl false", sn("redis://svc", skw(ssl=False, ssl_cert_reqs="none")), WITH_FACTORY, None),
    ("SENTINEL_KWARGS client name and protocol", sn("redis://svc", skw(client_name="s", protocol=3)), WITH_FACTORY, None),
    ("SENTINEL_KWARGS unknown key", sn("redis://svc", skw(no_such=1)), WITH_FACTORY, None),
    ("SENTINEL_KWARGS host", sn("redis://svc", skw(host="x")), WITH_FACTORY, None),
    ("SENTINEL_KWARGS db", sn("redis://svc", skw(db=1)), WITH_FACTORY, "sentinel-db"),
    ("SENTINEL_KWARGS not a dict", sn("redis://svc", {"SENTINEL_KWARGS": [1]}), WITH_FACTORY, None),
    # TLS to the master and replicas
    ("pool ssl: TLS to master and replicas", sn("redis://svc", pool(ssl=True)), WITH_FACTORY, None),
    ("pool ssl with files, cert reqs none", sn("redis://svc", pool(ssl=True, ssl_cert_reqs="none", ssl_ca_certs="{READABLE}")), WITH_FACTORY, None),
    ("pool ssl, missing CA", sn("redis://svc", pool(ssl=True, ssl_ca_certs="{MISSING}")), WITH_FACTORY, "files-checked"),
    ("query ssl=true", sn("redis://svc?ssl=true"), WITH_FACTORY, None),
    ("query ssl=false", sn("redis://svc?ssl=false"), WITH_FACTORY, "sentinel-ssl-string"),
    ("ssl files without ssl", sn("redis://svc", pool(ssl_ca_certs="{READABLE}")), WITH_FACTORY, None),
    # query arguments, typed as URL_QUERY_ARGUMENT_PARSERS types them
    ("query timeouts", sn("redis://svc?socket_timeout=2.5&socket_connect_timeout=1"), WITH_FACTORY, None),
    ("query timeout not a number", sn("redis://svc?socket_timeout=soon"), WITH_FACTORY, None),
    ("query keepalive No", sn("redis://svc?socket_keepalive=No"), WITH_FACTORY, None),
    ("query max_connections and protocol", sn("redis://svc?max_connections=9&protocol=3"), WITH_FACTORY, None),
    ("query read size with underscore", sn("redis://svc?socket_read_size=1_024&health_check_interval=3"), WITH_FACTORY, None),
    ("query client_name decoded", sn("redis://svc?client_name=a+b%21"), WITH_FACTORY, None),
    ("query retry_on_timeout", sn("redis://svc?retry_on_timeout=yes"), WITH_FACTORY, None),
    ("query unknown argument", sn("redis://svc?no_such=1"), WITH_FACTORY, None),
    ("query db repeated: the first", sn("redis://svc?db=4&db=5"), WITH_FACTORY, None),
    # OPTIONS of the factory, and their precedence
    ("query timeout over pool over OPTIONS", sn("redis://svc?socket_timeout=6", {"SOCKET_TIMEOUT": 3, **pool(socket_timeout=4)}), WITH_FACTORY, None),
    ("SOCKET_TIMEOUT a string", sn("redis://svc", {"SOCKET_TIMEOUT": "5"}), WITH_FACTORY, None),
    ("pool timeout zero", sn("redis://svc", pool(socket_timeout=0)), WITH_FACTORY, "timeout-positive"),
    ("pool keepalive a string", sn("redis://svc", pool(socket_keepalive="false")), WITH_FACTORY, "pool-kwargs-typed"),
    ("pool max_connections", sn("redis://svc", pool(max_connections=7)), WITH_FACTORY, None),
    # LOCATION lists: is_master as written
    ("list: master and replica written out", sn(["redis://svc/0", "redis://svc/0?is_master=0"]), WITH_FACTORY, None),
    ("list: is_master no", sn(["redis://svc/0", "redis://svc/0?is_master=no"]), WITH_FACTORY, None),
    ("list: is_master False", sn(["redis://svc/0", "redis://svc/0?is_master=False"]), WITH_FACTORY, None),
    ("list: is_master blank is the default", sn(["redis://svc/0", "redis://svc/0?is_master="]), WITH_FACTORY, None),
    ("list: is_master repeated, the first", sn(["redis://svc/0", "redis://svc/0?is_master=0&is_master=1"]), WITH_FACTORY, None),
    ("list of one", sn(["redis://svc/0"]), WITH_FACTORY, None),
    # the factory: OPTIONS, the setting, and what is missing
    ("DefaultClient with the factory: the master only", sn("redis://svc/0", client=None), WITH_FACTORY, None),
    ("DefaultClient, comma string", sn("redis://svc/0,redis://svc/0?is_master=0", client=None), WITH_FACTORY, None),
    ("factory in OPTIONS, no setting", sn("redis://svc/0", {"CONNECTION_FACTORY": SENTINEL_FACTORY}), {}, None),
    ("SentinelClient without the factory", sn("redis://:secretpw@svc/0"), {}, None),
    ("setting names the default factory", sn("redis://svc/0"), {"DJANGO_REDIS_CONNECTION_FACTORY": "django_redis.pool.ConnectionFactory"}, None),
    ("OPTIONS.CONNECTION_FACTORY over the setting", sn("redis://svc/0", {"CONNECTION_FACTORY": "django_redis.pool.ConnectionFactory"}), WITH_FACTORY, None),
    ("pool class redis-py's Sentinel pool", sn("redis://svc/0", {"CONNECTION_POOL_CLASS": "redis.sentinel.SentinelConnectionPool"}), WITH_FACTORY, None),
    ("pool class ConnectionPool with the factory", sn("redis://svc/0", {"CONNECTION_POOL_CLASS": "redis.connection.ConnectionPool"}), WITH_FACTORY, None),
    # SENTINELS
    ("no SENTINELS", sn("redis://svc/0", sentinels=None), WITH_FACTORY, None),
    ("SENTINELS empty", sn("redis://svc/0", sentinels=[]), WITH_FACTORY, None),
    ("SENTINELS port as a string", sn("redis://svc/0", sentinels=[["h", "26379"]]), WITH_FACTORY, None),
    ("SENTINELS as host:port strings", sn("redis://svc/0", sentinels=["h:26379"]), WITH_FACTORY, None),
    ("SENTINELS IPv6", sn("redis://svc/0", sentinels=[["::1", 26379], ["127.0.0.1", 26380]]), WITH_FACTORY, None),
]
