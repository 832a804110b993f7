package config_test

import (
	"testing"

	"github.com/redisclient/redisclient/core/config"
	"github.com/redisclient/redisclient/core/internal/secrettest"
	"github.com/stretchr/testify/require"
)

// Django's own RedisCache (django/core/cache/backends/redis.py): OPTIONS are
// redis-py's pool keyword arguments; parity/ holds the same against the
// real code.

const djangoBackend = `"BACKEND": "django.core.cache.backends.redis.RedisCache"`

func djResolve(t *testing.T, rest string) config.Options {
	t.Helper()
	o, err := config.Resolve(dcEntry(t, `{`+djangoBackend+`, `+rest+`}`))
	require.NoError(t, err, rest)
	require.Equal(t, config.BackendDjango, o.Backend)
	return o
}

func TestDjangoCacheResolve(t *testing.T) {
	o := djResolve(t, `"LOCATION": "redis://u:p%40ss@h:7000/2"`)
	require.Equal(t, []any{"h", 7000, 2, "u", "p@ss", 100}, []any{o.Host, o.Port, o.DB, o.Username, o.Password, *o.MaxConnections})

	// OPTIONS are the pool's keyword arguments; the URL's win over them.
	o = djResolve(t, `"LOCATION": "redis://h/3?socket_timeout=4", "OPTIONS": {"db": 5, "password": "op",
		"socket_timeout": 2, "socket_connect_timeout": 1, "max_connections": 7, "client_name": "svc",
		"serializer": "django.core.cache.backends.redis.RedisSerializer", "pool_class": "redis.ConnectionPool",
		"parser_class": "redis.connection.DefaultParser"}`)
	require.Equal(t, 3, o.DB)
	require.Equal(t, "op", o.Password)
	require.Equal(t, ptr(4.0), o.SocketTimeout)
	require.Equal(t, ptr(1.0), o.SocketConnectTimeout)
	require.Equal(t, 7, *o.MaxConnections)
	require.Equal(t, "svc", o.ClientName)

	// LOCATION split on commas and semicolons; writes to the first.
	for _, loc := range []string{`"redis://a:1;redis://b:2,redis://c:3"`, `["redis://a:1", "redis://b:2", "redis://c:3"]`} {
		o = djResolve(t, `"LOCATION": `+loc+`, "OPTIONS": {"password": "op"}`)
		require.Equal(t, "a", o.Host)
		require.Len(t, o.Replicas, 2)
		require.Equal(t, []any{"b", "op"}, []any{o.Replicas[0].Host, o.Replicas[0].Password})
		require.Equal(t, config.BackendDjango, o.Replicas[1].Backend)
	}

	refusals := []struct{ rest, want string }{
		{`"LOCATION": "redis://h", "OPTIONS": {"serializer": "myapp.JSONSerializer"}`, "OPTIONS.serializer"},
		{`"LOCATION": "redis://h", "OPTIONS": {"pool_class": "redis.BlockingConnectionPool"}`, "OPTIONS.pool_class"},
		{`"LOCATION": "redis://h", "OPTIONS": {"parser_class": "myapp.Parser"}`, "OPTIONS.parser_class"},
		// django-redis's and our own OPTIONS names are not redis-py's.
		{`"LOCATION": "redis://h", "OPTIONS": {"PASSWORD": "secret1"}`, "the connection settings (OPTIONS and LOCATION's query): unsupported keys: PASSWORD (is not a keyword argument of redis-py's Connection)"},
		{`"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}`, "CLIENT_CLASS (is not a keyword"},
		{`"LOCATION": "redis://h", "OPTIONS": {"BUSY_POLL": 10}`, "BUSY_POLL (is not a keyword"},
		{`"LOCATION": "redis://h", "OPTIONS": {"ssl": true}`, "TLS needs a rediss:// LOCATION"},
		{`"LOCATION": "redis://h", "OPTIONS": {"socket_keepalive": "no"}`, "socket_keepalive"},
		{`"LOCATION": "redis://:secret1@a:1;"`, "LOCATION server 2 of 2"},
		{`"LOCATION": "file:///tmp/r.sock"`, "LOCATION"},
	}
	for _, r := range refusals {
		resolveErr(t, dcEntry(t, `{`+djangoBackend+`, `+r.rest+`}`), []string{r.want}, "secret1")
	}
}

// OPTIONS names are case-sensitive, as in Django: a lowercase "password" is
// not django-redis's PASSWORD.
func TestOptionsCaseSensitive(t *testing.T) {
	o := dcResolve(t, `{"LOCATION": "redis://h", "OPTIONS": {"password": "lower", "Serializer": "x"}}`)
	require.Equal(t, "", o.Password)
	e := dcEntry(t, `{"LOCATION": "redis://h", "OPTIONS": {"password": "lower", "PASSWORD": "upper"}}`)
	require.Equal(t, "upper", e.Options.Password)
	require.Equal(t, map[string]any{"password": "lower", "PASSWORD": "upper"}, e.Options.Raw)
	secrettest.PrintsMasked(t, e, "lower")
}
