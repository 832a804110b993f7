package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
	"github.com/stretchr/testify/require"
)

// Django's own RedisCache (django/core/cache/backends/redis.py): OPTIONS are
// redis-py's pool keyword arguments; parity/ holds the same against the
// real code.

const djangoBackend = `"BACKEND": "django.core.cache.backends.redis.RedisCache"`

func djResolve(t *testing.T, rest string) core.Options {
	t.Helper()
	o, err := core.Resolve(dcEntry(t, `{`+djangoBackend+`, `+rest+`}`))
	require.NoError(t, err, rest)
	require.Equal(t, core.BackendDjango, o.Backend)
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
		require.Equal(t, core.BackendDjango, o.Replicas[1].Backend)
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
	requirePrintsMasked(t, e, "lower")
}

// Live: whole-second timeouts (int(timeout), EX), pickle at protocol 5,
// integers as digits, incr and decr, on the standalone server and the pair.
func TestDjangoCacheLive(t *testing.T) {
	ctx := context.Background()
	prefix := "dj-" + ctNonce(t)
	for name, e := range map[string]core.Entry{
		"standalone": {Backend: core.BackendDjango, Location: "redis://" + env(t, "RC_TEST_STANDALONE") + "/0", KeyPrefix: prefix},
		"pair": {Backend: core.BackendDjango, KeyPrefix: prefix + "-p",
			Location: "redis://" + env(t, "RC_TEST_PAIR_PRIMARY") + "/0;redis://" + env(t, "RC_TEST_PAIR_REPLICA") + "/0"},
	} {
		t.Run(name, func(t *testing.T) {
			c := ctOpenCleared(t, e)
			require.NoError(t, c.Set(ctx, "t", []byte("x"), core.ExpireSeconds(2.9)))
			require.Equal(t, int64(2), (ctPttl(t, c, c.MakeKey("t"))+999)/1000, "2.9 s is int(2.9) = 2 s")
			require.NoError(t, c.Set(ctx, "gone", []byte("x"), core.ExpireSeconds(0.5))) // int(0.5) = 0: deleted
			require.Equal(t, int64(-2), ctPttl(t, c, c.MakeKey("gone")))
			added, err := c.Add(ctx, "a", []byte("x"), core.ExpireSeconds(1.5))
			require.NoError(t, err)
			require.True(t, added)
			require.LessOrEqual(t, ctPttl(t, c, c.MakeKey("a")), int64(1000))
			ok, err := c.Touch(ctx, "a", core.ExpireSeconds(60.7))
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, int64(60), (ctPttl(t, c, c.MakeKey("a"))+999)/1000)

			require.NoError(t, c.SetValue(ctx, "v", codec.Dict{{Key: "n", Value: int64(1)}}, core.DefaultExpiry))
			raw, err := c.Client().Get(ctx, c.MakeKey("v")).Bytes()
			require.NoError(t, err)
			require.Equal(t, []byte{0x80, 0x05}, raw[:2], "pickle protocol 5, as pickle.HIGHEST_PROTOCOL")
			require.NoError(t, c.SetValue(ctx, "n", int64(41), core.DefaultExpiry))
			n, err := c.Incr(ctx, "n", 1)
			require.NoError(t, err)
			require.Equal(t, int64(42), n)
			n, err = c.Decr(ctx, "n", 2)
			require.NoError(t, err)
			require.Equal(t, int64(40), n)
			if name == "pair" {
				waitReplicated(t, c)
			}
			v, found, err := c.GetValue(ctx, "n")
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, int64(40), v)
			_, err = c.Incr(ctx, "missing", 1)
			require.ErrorIs(t, err, core.ErrNotFound)
			ttl, err := c.TTL(ctx, "t")
			require.NoError(t, err)
			require.LessOrEqual(t, ttl, 2*time.Second)
		})
	}
}
