package config

import (
	"fmt"
	"sort"
	"strings"
)

// django-redis's Sentinel support (django_redis/pool.py, client/sentinel.py,
// on redis-py's redis/sentinel.py) is chosen by the connection factory:
// OPTIONS.CONNECTION_FACTORY, else the Django setting
// DJANGO_REDIS_CONNECTION_FACTORY, naming SentinelConnectionFactory. It
// reads:
//   - LOCATION redis://service_name/db: the host is the Sentinel service's
//     name (lower-cased, as urlparse's hostname is), the rest is read as
//     redis-py's from_url reads any URL, under the same OPTIONS as
//     DefaultClient's (USERNAME, PASSWORD, SOCKET_*, CONNECTION_POOL_KWARGS);
//   - is_master in a URL's query (redis-py's to_bool; default true): the
//     pool's connections go to the master, or to one of the replicas the
//     sentinels report up (the master when there is none);
//   - SentinelClient turns a string LOCATION into two servers, the URL with
//     is_master=1 and with is_master=0: writes go to the first, reads to the
//     second, the replicas. A list LOCATION is taken as written, as is
//     DefaultClient's with this factory;
//   - OPTIONS.SENTINELS, a list of (host, port): the sentinels asked;
//   - OPTIONS.SENTINEL_KWARGS: redis.Redis keyword arguments of each
//     connection to a sentinel (its password, TLS, ...); when it is unset
//     or None, the socket_* ones of OPTIONS and CONNECTION_POOL_KWARGS;
//   - TLS to the master and replicas: ssl in the pool's keyword arguments
//     (SentinelConnectionPool pops it to pick SentinelManagedSSLConnection).

const (
	sentinelFactory   = "django_redis.pool.SentinelConnectionFactory"
	sentinelPoolClass = "redis.sentinel.SentinelConnectionPool"
)

// The roles of a Sentinel-managed server: Options.Role.
const (
	RoleMaster  = "master"
	RoleReplica = "replica"
)

// ModeSentinel is Options.Mode of a server found through Sentinel.
const ModeSentinel = "sentinel"

var sentinelPoolClasses = []string{sentinelPoolClass}

// falseStrings are redis-py's to_bool's FALSE_STRINGS.
var falseStrings = []string{"0", "F", "FALSE", "N", "NO"}

// resolveDjangoRedis reads a django-redis entry through the connection
// factory django-redis's get_connection_factory picks.
func resolveDjangoRedis(e Entry, s Settings, backend string) (Options, error) {
	factory, setting := e.Options.ConnectionFactory, "OPTIONS.CONNECTION_FACTORY"
	if factory == "" {
		factory, setting = s.ConnectionFactory, "DJANGO_REDIS_CONNECTION_FACTORY"
	}
	switch {
	case factory == sentinelFactory:
		return resolveSentinel(e, backend)
	case factory != "" && !contains(factoryClasses, factory):
		return Options{}, SettingError(setting, factory, "not supported (a class of one's own runs Python code); supported: "+
			factoryClasses[0]+" (the default) or "+sentinelFactory)
	case backend == BackendSentinel:
		return Options{}, SettingError("OPTIONS.CLIENT_CLASS", e.Options.ClientClass, fmt.Sprintf(
			"django-redis's SentinelClient needs the Django setting DJANGO_REDIS_CONNECTION_FACTORY = %q "+
				"(given beside the entry: the settings of ResolveWith/OpenWith, rc_*_with_settings, settings= in Python) "+
				"or OPTIONS.CONNECTION_FACTORY naming it; the connection factory here is %s",
			sentinelFactory, factoryClasses[0]))
	}
	return resolveDefaultClient(e)
}

// resolveSentinel reads the entry by SentinelConnectionFactory's rules:
// each server's pool, with the sentinels and how they are asked.
func resolveSentinel(e Entry, backend string) (Options, error) {
	eo := e.Options
	if err := checkDefaultClientOptions(eo, sentinelPoolClasses); err != nil {
		return Options{}, err
	}
	sentinels, err := parseSentinels(eo.Sentinels)
	if err != nil {
		return Options{}, err
	}
	asked, err := sentinelSettings(eo)
	if err != nil {
		return Options{}, err
	}
	servers := e.servers()
	if backend == BackendSentinel && len(e.Locations) == 0 {
		servers = []string{withIsMaster(e.Location, "1"), withIsMaster(e.Location, "0")}
	}
	return resolveServers(servers, func(raw string) (Options, error) {
		o, err := sentinelServer(raw, eo, backend)
		if err != nil {
			return Options{}, err
		}
		o.Sentinels = sentinels
		settings := asked
		o.SentinelSettings = &settings
		return o, nil
	})
}

// sentinelServer is one LOCATION server's pool.
func sentinelServer(raw string, eo EntryOptions, backend string) (Options, error) {
	url, isMaster := popIsMaster(raw)
	switch {
	case strings.HasPrefix(url, "rediss://"):
		return Options{}, SettingError("LOCATION", redactURL(raw), "rediss:// is not how redis-py's SentinelConnectionPool takes TLS "+
			"(it would connect to the service name as a host): write redis://, and set ssl in OPTIONS.CONNECTION_POOL_KWARGS "+
			"for the master and replicas, in OPTIONS.SENTINEL_KWARGS for the sentinels")
	case strings.HasPrefix(url, "unix://"):
		return Options{}, SettingError("LOCATION", redactURL(raw), "a Sentinel service is named by redis://service_name/db, not by a socket")
	}
	kwargs, err := factoryKwargs(eo)
	if err != nil {
		return Options{}, err
	}
	if _, err := mergeURL(url, kwargs, eo.Password); err != nil {
		return Options{}, err
	}
	fromURL, _, _ := parseRedisURL(url)
	service, _ := fromURL["host"].(string)
	if service == "" {
		return Options{}, SettingError("LOCATION", redactURL(raw), "no service name: write redis://service_name/db")
	}
	class, err := popSSL(kwargs, "OPTIONS.CONNECTION_POOL_KWARGS or LOCATION's query")
	if err != nil {
		return Options{}, err
	}
	o, err := poolOptions(raw, kwargs, class, backend)
	if err != nil {
		return Options{}, err
	}
	o.Mode = ModeSentinel
	o.ServiceName = service
	o.Role = RoleMaster
	if !isMaster {
		o.Role = RoleReplica
	}
	return o, nil
}

// sentinelSettings are the settings of each connection to a sentinel.
func sentinelSettings(eo EntryOptions) (Options, error) {
	kwargs := map[string]any{}
	switch v := eo.SentinelKwargs.(type) {
	case nil:
		// redis-py's Sentinel: the socket_* of the connection's keyword
		// arguments (OPTIONS' and CONNECTION_POOL_KWARGS, not the URL's).
		all, err := factoryKwargs(eo)
		if err != nil {
			return Options{}, err
		}
		for k, x := range all {
			if strings.HasPrefix(k, "socket_") {
				kwargs[k] = x
			}
		}
	case map[string]any:
		for k, x := range v {
			kwargs[k] = x
		}
	default:
		return Options{}, SettingError("OPTIONS.SENTINEL_KWARGS", jsonKind(v), "must be a dict of redis.Redis keyword arguments (or None)")
	}
	for _, name := range []string{"host", "port", "db", "unix_socket_path", "path", "url"} {
		if _, ok := kwargs[name]; ok {
			return Options{}, SettingError("OPTIONS.SENTINEL_KWARGS", name, "not a setting of a sentinel connection: "+
				"the sentinels' addresses are OPTIONS.SENTINELS, and a sentinel has no database")
		}
	}
	const where = "OPTIONS.SENTINEL_KWARGS"
	class, err := popSSL(kwargs, where)
	if err != nil {
		return Options{}, err
	}
	o := defaultOptions()
	o.SSL = class == connTLS
	if !o.SSL {
		// redis.Redis takes the ssl_* arguments whether or not ssl is on,
		// and uses them only when it is.
		for k := range kwargs {
			if strings.HasPrefix(k, "ssl_") && contains(connectionClassKwargs[connTLS], k) {
				delete(kwargs, k)
				o.Ignored = append(o.Ignored, k)
			}
		}
	}
	if err := setPoolSize(&o, kwargs); err != nil {
		return Options{}, err
	}
	if err := applyConnectionKwargs(&o, class, kwargs, where); err != nil {
		return Options{}, err
	}
	if err := checkFiles(&o); err != nil {
		return Options{}, err
	}
	o.Host, o.Port = "", 0 // each sentinel's own
	sort.Strings(o.Ignored)
	return o, nil
}

// popSSL takes ssl out of kwargs as SentinelConnectionPool and redis.Redis
// do, by its truth value, and gives the connection class it picks. A string
// that to_bool reads as false is refused: Python's truth value would turn
// TLS on.
func popSSL(kwargs map[string]any, where string) (string, error) {
	v, ok := kwargs["ssl"]
	delete(kwargs, "ssl")
	if s, isString := v.(string); ok && isString && contains(falseStrings, strings.ToUpper(strings.TrimSpace(s))) {
		return "", SettingError("ssl", v, "in "+where+" reads as true in redis-py (a non-empty string): write false, or leave it out")
	}
	if truthy(v) {
		return connTLS, nil
	}
	return connTCP, nil
}

// parseSentinels reads OPTIONS.SENTINELS: a list of (host, port).
func parseSentinels(v any) ([]Node, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		shown := "unset"
		if v != nil {
			shown = jsonKind(v)
		}
		return nil, SettingError("OPTIONS.SENTINELS", shown, "must be provided as a list of (host, port), as django-redis requires")
	}
	nodes := make([]Node, 0, len(list))
	for i, item := range list {
		pair, ok := item.([]any)
		if !ok || len(pair) != 2 {
			return nil, SettingError(fmt.Sprintf("OPTIONS.SENTINELS[%d]", i), item, "must be a (host, port) pair")
		}
		host, ok := pair[0].(string)
		if !ok || host == "" {
			return nil, SettingError(fmt.Sprintf("OPTIONS.SENTINELS[%d]", i), item, "the host must be a non-empty string")
		}
		port, err := toInt("port", pair[1]) // a string as int(port) reads it, as the connection does
		if err != nil || port < 1 || port > 65535 {
			return nil, SettingError(fmt.Sprintf("OPTIONS.SENTINELS[%d]", i), item, "the port must be an integer in 1-65535")
		}
		nodes = append(nodes, Node{Host: host, Port: port})
	}
	return nodes, nil
}

// withIsMaster is the URL with is_master set to value, as SentinelClient
// writes its two servers.
func withIsMaster(raw, value string) string {
	url, _ := popIsMaster(raw)
	base, fragment, hasFragment := strings.Cut(url, "#")
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	base += sep + "is_master=" + value
	if hasFragment {
		base += "#" + fragment
	}
	return base
}

// popIsMaster removes is_master from the URL's query, as
// SentinelConnectionFactory does, and reads its first non-blank value with
// to_bool (absent: true).
func popIsMaster(raw string) (string, bool) {
	base, rest, ok := strings.Cut(raw, "?")
	if !ok {
		return raw, true
	}
	query, fragment, hasFragment := strings.Cut(rest, "#")
	isMaster, found := true, false
	var kept []string
	for _, pair := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(pair, "=")
		if unquote(strings.ReplaceAll(name, "+", " ")) != "is_master" {
			kept = append(kept, pair)
			continue
		}
		value = unquote(strings.ReplaceAll(value, "+", " "))
		if value != "" && !found {
			found = true
			isMaster = !contains(falseStrings, strings.ToUpper(value))
		}
	}
	url := base
	if len(kept) > 0 {
		url += "?" + strings.Join(kept, "&")
	}
	if hasFragment {
		url += "#" + fragment
	}
	return url, isMaster
}
