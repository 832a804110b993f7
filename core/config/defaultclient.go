package config

import (
	"fmt"
	"sort"
	"strings"
)

// django-redis's DefaultClient (what an entry without OPTIONS.CLIENT_CLASS
// means) connects each LOCATION server through its ConnectionFactory
// (django_redis/pool.py): a redis-py ConnectionPool made by from_url. For
// each server the keyword arguments its connections get are, later ones
// winning:
//  1. OPTIONS.USERNAME, PASSWORD, SOCKET_TIMEOUT and SOCKET_CONNECT_TIMEOUT,
//     each only when it is truthy (0 and "" mean unset);
//  2. OPTIONS.CONNECTION_POOL_KWARGS, every key;
//  3. what the URL says (core/config/redisurl.go): its query, user, password,
//     host, port, db;
//  4. then, if no password came out of that (or it is None), PASSWORD.
//
// The pool takes max_connections (unset or 0: 100); the scheme picks the
// connection class, whose keyword arguments are all the others may be.
// The first server is written to; reads go to one of the others at random
// when there are others (get_client(write=False)).

// The keyword arguments redis-py's connection classes take (the
// signatures of AbstractConnection, Connection, SSLConnection and
// UnixDomainSocketConnection in redis 8), and the pool's own.
var (
	abstractConnectionKwargs = []string{
		"db", "password", "socket_timeout", "socket_connect_timeout", "retry_on_timeout", "retry_on_error",
		"encoding", "encoding_errors", "decode_responses", "parser_class", "socket_read_size",
		"health_check_interval", "client_name", "lib_name", "lib_version", "driver_info", "username", "retry",
		"redis_connect_func", "credential_provider", "protocol", "legacy_responses", "command_packer",
		"event_dispatcher", "maint_notifications_config", "maint_notifications_pool_handler",
		"maintenance_state", "maintenance_notification_hash", "orig_host_address", "orig_socket_timeout",
		"orig_socket_connect_timeout", "oss_cluster_maint_notifications_handler", "himport_registry",
	}
	connectionClassKwargs = map[string][]string{
		connTCP: {"host", "port", "socket_keepalive", "socket_keepalive_options", "socket_type"},
		connTLS: {"host", "port", "socket_keepalive", "socket_keepalive_options", "socket_type",
			"ssl_keyfile", "ssl_certfile", "ssl_cert_reqs", "ssl_include_verify_flags", "ssl_exclude_verify_flags",
			"ssl_ca_certs", "ssl_ca_data", "ssl_check_hostname", "ssl_ca_path", "ssl_password", "ssl_validate_ocsp",
			"ssl_validate_ocsp_stapled", "ssl_ocsp_context", "ssl_ocsp_expected_cert", "ssl_min_version", "ssl_ciphers"},
		connUnix: {"path", "socket_timeout"},
	}
	// The pool's: max_connections is read here, the others take objects.
	poolKwargs = []string{"connection_class", "cache_factory", "cache", "cache_config"}
)

// The classes django-redis lets an entry replace, and the ones that are
// redis-py's and django-redis's own. Another class runs Python code.
var (
	poolClasses    = []string{"redis.connection.ConnectionPool", "redis.ConnectionPool"}
	clientClasses  = []string{"redis.client.Redis", "redis.Redis", "redis.client.StrictRedis", "redis.StrictRedis"}
	factoryClasses = []string{"django_redis.pool.ConnectionFactory"}
	// Parsers only decode replies in Python: nothing changes on the wire.
	parserClasses = []string{
		"redis.connection.DefaultParser", "redis._parsers.DefaultParser",
		"redis.connection._RESP2Parser", "redis._parsers._RESP2Parser", "redis._parsers.resp2._RESP2Parser",
		"redis.connection._RESP3Parser", "redis._parsers._RESP3Parser", "redis._parsers.resp3._RESP3Parser",
		"redis.connection._HiredisParser", "redis._parsers._HiredisParser", "redis._parsers.hiredis._HiredisParser",
	}
)

// defaultMaxConnections is redis-py's ConnectionPool's: max_connections or 100.
const defaultMaxConnections = 100

// resolveDefaultClient reads the entry by django-redis's DefaultClient's
// rules: the first server's settings, the others' in Replicas.
func resolveDefaultClient(e Entry) (Options, error) {
	if err := checkDefaultClientOptions(e.Options, poolClasses); err != nil {
		return Options{}, err
	}
	return resolveServers(e.servers(), func(raw string) (Options, error) { return resolveDefaultServer(raw, e.Options) })
}

// checkDefaultClientOptions refuses the OPTIONS that DefaultClient would
// read with Python code of the entry's own, or that are another client's.
// The connection factory is checked before, by resolveDjangoRedis; pools
// are the pool classes the factory takes.
func checkDefaultClientOptions(eo EntryOptions, pools []string) error {
	classes := []struct {
		setting, value string
		accepted       []string
	}{
		{"OPTIONS.CONNECTION_POOL_CLASS", eo.ConnectionPoolClass, pools},
		{"OPTIONS.REDIS_CLIENT_CLASS", eo.RedisClientClass, clientClasses},
		{"OPTIONS.PARSER_CLASS", eo.ParserClass, parserClasses},
	}
	for _, c := range classes {
		if c.value != "" && !contains(c.accepted, c.value) {
			reason := "not supported (a class of one's own runs Python code); supported: " + c.accepted[0]
			if c.value == sentinelPoolClass {
				reason = "needs django-redis's SentinelConnectionFactory (DJANGO_REDIS_CONNECTION_FACTORY or " +
					"OPTIONS.CONNECTION_FACTORY = \"" + sentinelFactory + "\"); supported here: " + c.accepted[0]
			}
			return SettingError(c.setting, c.value, reason)
		}
	}
	if len(eo.RedisClientKwargs) > 0 {
		return fmt.Errorf("%w: OPTIONS.REDIS_CLIENT_KWARGS: not supported: redis-py's client is made with the "+
			"connection pool, which the connection settings belong to (OPTIONS.CONNECTION_POOL_KWARGS)", ErrConfig)
	}
	if len(eo.ClientClassKwargs) > 0 {
		return fmt.Errorf("%w: OPTIONS.CLIENT_CLASS_KWARGS: read only by django-ansible-base's RedisClient; "+
			"this entry's client is django-redis's DefaultClient (OPTIONS.CLIENT_CLASS is unset or names it), which "+
			"ignores it: set OPTIONS.CLIENT_CLASS to %s, or move the settings to OPTIONS.CONNECTION_POOL_KWARGS",
			ErrConfig, BackendAnsibleBase)
	}
	if eo.ReplicaReadOnly != nil && !truthy(eo.ReplicaReadOnly) {
		return SettingError("OPTIONS.REPLICA_READ_ONLY", eo.ReplicaReadOnly,
			"not supported: writes go to the first server only (REPLICA_READ_ONLY true, the default)")
	}
	return nil
}

// resolveDefaultServer is the settings of one LOCATION server.
func resolveDefaultServer(raw string, eo EntryOptions) (Options, error) {
	kwargs, err := factoryKwargs(eo)
	if err != nil {
		return Options{}, err
	}
	return poolSettings(raw, kwargs, BackendDjangoRedis, eo.Password)
}

// factoryKwargs are the keyword arguments the connection factory hands
// every pool besides the URL: OPTIONS' four, then CONNECTION_POOL_KWARGS.
func factoryKwargs(eo EntryOptions) (map[string]any, error) {
	kwargs := map[string]any{}
	if eo.Username != "" {
		kwargs["username"] = eo.Username
	}
	if eo.Password != "" {
		kwargs["password"] = eo.Password
	}
	for _, t := range []struct {
		setting, name string
		value         any
	}{
		{"OPTIONS.SOCKET_TIMEOUT", "socket_timeout", eo.SocketTimeout},
		{"OPTIONS.SOCKET_CONNECT_TIMEOUT", "socket_connect_timeout", eo.SocketConnectTimeout},
	} {
		if !truthy(t.value) {
			continue
		}
		switch t.value.(type) {
		case float64, int, bool: // Python's bool is an int
		default:
			return nil, SettingError(t.setting, t.value, "must be a number of seconds (django-redis: float or integer)")
		}
		kwargs[t.name] = t.value
	}
	for k, v := range eo.ConnectionPoolKwargs {
		kwargs[k] = v
	}
	return kwargs, nil
}

// poolSettings is what ConnectionPool.from_url(raw, **kwargs) gives one
// server's connections, by redis-py's rules: the URL's over kwargs, then
// fallbackPassword where no password came out of them (django-redis's
// PASSWORD; none for Django's own RedisCache).
func poolSettings(raw string, kwargs map[string]any, backend, fallbackPassword string) (Options, error) {
	class, err := mergeURL(raw, kwargs, fallbackPassword)
	if err != nil {
		return Options{}, err
	}
	return poolOptions(raw, kwargs, class, backend)
}

// mergeURL writes what the URL says into kwargs, then fallbackPassword
// where no password came out of them, and gives the connection class the
// scheme picks.
func mergeURL(raw string, kwargs map[string]any, fallbackPassword string) (string, error) {
	fromURL, class, err := parseRedisURL(raw)
	if err != nil {
		return "", err
	}
	for k, v := range fromURL {
		kwargs[k] = v
	}
	if kwargs["password"] == nil {
		delete(kwargs, "password")
		if fallbackPassword != "" {
			kwargs["password"] = fallbackPassword
		}
	}
	return class, nil
}

// poolOptions converts a pool's keyword arguments into its settings.
func poolOptions(raw string, kwargs map[string]any, class, backend string) (Options, error) {
	o := defaultOptions()
	o.Backend = backend
	o.SSL = class == connTLS
	if err := setPoolSize(&o, kwargs); err != nil {
		return Options{}, err
	}
	where := "the connection settings (OPTIONS.CONNECTION_POOL_KWARGS and LOCATION's query)"
	if backend == BackendDjango {
		where = "the connection settings (OPTIONS and LOCATION's query)"
	}
	if err := applyConnectionKwargs(&o, class, kwargs, where); err != nil {
		return Options{}, err
	}
	if class == connUnix && o.UnixSocketPath == "" {
		return Options{}, SettingError("LOCATION", redactURL(raw), "no socket path: write unix:///path/to/redis.sock")
	}
	if err := checkFiles(&o); err != nil {
		return Options{}, err
	}
	sort.Strings(o.Ignored)
	return o, nil
}

// setPoolSize takes max_connections out of kwargs, as the pool does.
func setPoolSize(o *Options, kwargs map[string]any) error {
	v, ok := kwargs["max_connections"]
	delete(kwargs, "max_connections")
	n := defaultMaxConnections
	if ok && truthy(v) {
		if _, isBool := v.(bool); isBool {
			v = 1.0 // True is 1 in Python
		}
		var err error
		if n, err = toInt("max_connections", v); err != nil || n < 1 {
			return SettingError("max_connections", v, "must be a positive integer")
		}
	}
	o.MaxConnections = &n
	return nil
}

// applyConnectionKwargs converts every keyword argument into its field. The
// names the connection class does not take, and the ones without a
// counterpart here, are named in one error.
func applyConnectionKwargs(o *Options, class string, kwargs map[string]any, where string) error {
	names := make([]string, 0, len(kwargs))
	for name := range kwargs {
		names = append(names, name)
	}
	sort.Strings(names)
	var unknown []string
	for _, name := range names {
		field := name
		if name == "path" {
			field = "unix_socket_path"
		}
		spec, known := kwargSpecs[field]
		takes := contains(abstractConnectionKwargs, name) || contains(connectionClassKwargs[class], name)
		switch {
		case !takes && !contains(poolKwargs, name):
			reason := "is not a keyword argument of redis-py's " + class
			if strings.HasPrefix(name, "ssl") && class != connTLS {
				reason += "; TLS needs a rediss:// LOCATION"
			}
			unknown = append(unknown, fmt.Sprintf("%s (%s)", name, reason))
			continue
		case !known || spec.clusterOnly:
			unknown = append(unknown, name+" (has no counterpart in redisclient)")
			continue
		}
		v, err := pythonTyped(name, kwargs[name])
		if err != nil {
			return err
		}
		if err := spec.apply(o, name, v); err != nil {
			return err
		}
		if spec.ignored {
			o.Ignored = append(o.Ignored, name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: %s: unsupported keys: %s", ErrConfig, where, strings.Join(unknown, "; "))
	}
	return nil
}

// pythonTyped checks a value as redis-py will use it: as it is. A string
// where redis-py needs a boolean or a number is refused, since redis-py
// would take "false" for true, or fail at the first command; a number where
// it needs a boolean is Python's truth value. The names redis-py converts
// itself (port, db) and the strings it reads (ssl_cert_reqs) pass.
func pythonTyped(name string, v any) (any, error) {
	_, isString := v.(string)
	switch name {
	case "socket_keepalive", "retry_on_timeout", "ssl_check_hostname", "decode_responses":
		if isString {
			return nil, SettingError(name, v, "must be true or false: redis-py would take the string as it is, and any string but \"\" is true")
		}
		if _, isBool := v.(bool); !isBool {
			return truthy(v), nil
		}
	case "socket_timeout", "socket_connect_timeout", "health_check_interval", "socket_read_size", "protocol":
		if isString {
			return nil, SettingError(name, v, "must be a number: redis-py would take the string as it is, and fail at the first command")
		}
	case "ssl_min_version":
		// ssl.TLSVersion is an int: json.dumps writes TLSv1_2 as 771.
		switch n, err := toInt(name, v); {
		case isString:
		case v == nil:
			return "TLSv1_2", nil
		case err == nil && n == 771:
			return "TLSv1_2", nil
		case err == nil && n == 772:
			return "TLSv1_3", nil
		}
		return nil, SettingError(name, v, "must be ssl.TLSVersion.TLSv1_2 or TLSv1_3 (771 or 772); TLS before 1.2 is not offered")
	}
	return v, nil
}

// truthy is Python's truth value of a JSON value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 // NaN too, as in Python
	case int:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}
