package config_test

import (
	"encoding/json"
	"testing"

	"github.com/redisclient/redisclient/core/config"
	"github.com/redisclient/redisclient/core/internal/secrettest"
	"github.com/stretchr/testify/require"
)

// The expectations are django-redis's ConnectionFactory (pool.py) and
// redis-py's parse_url (connection.py) read line by line; parity/ holds the
// same rules against the real code.

// dcEntry is an entry for django-redis's DefaultClient, as JSON writes it.
func dcEntry(t *testing.T, js string) config.Entry {
	t.Helper()
	e, err := config.ParseEntry([]byte(js))
	require.NoError(t, err)
	return e
}

func dcResolve(t *testing.T, js string) config.Options {
	t.Helper()
	o, err := config.Resolve(dcEntry(t, js))
	require.NoError(t, err, js)
	require.Equal(t, config.BackendDjangoRedis, o.Backend)
	return o
}

func TestBackendDispatch(t *testing.T) {
	o, err := config.Resolve(config.Entry{Backend: "django.core.cache.backends.redis.RedisCache", Location: "redis://h",
		Options: config.EntryOptions{ClientClass: "ignored.by.Django"}})
	require.NoError(t, err)
	require.Equal(t, config.BackendDjango, o.Backend)
	for class, want := range map[string]string{
		"":                                  config.BackendDjangoRedis,
		"django_redis.client.DefaultClient": config.BackendDjangoRedis,
		"django_redis.client.default.DefaultClient": config.BackendDjangoRedis,
		"ansible_base.lib.redis.RedisClient":        config.BackendAnsibleBase,
		"ansible_base.lib.redis.client.RedisClient": config.BackendAnsibleBase,
	} {
		o, err := config.Resolve(config.Entry{Location: "redis://u:p%40ss@h/2", Options: config.EntryOptions{ClientClass: class}})
		require.NoError(t, err, class)
		require.Equal(t, want, o.Backend, class)
		// The example: django-ansible-base takes the password as
		// written, django-redis percent-decodes it.
		if want == config.BackendDjangoRedis {
			require.Equal(t, "p@ss", o.Password, class)
		} else {
			require.Equal(t, "p%40ss", o.Password, class)
		}
	}
	refused := []struct{ backend, class, want string }{
		{"", "django_redis.client.ShardClient", "ShardClient"},
		{"", "django_redis.client.sharded.ShardClient", "ShardClient"},
		{"", "django_redis.client.HerdClient", "HerdClient"},
		{"", "myapp.cache.FastClient", "a client class of one's own"},
		{"django.core.cache.backends.locmem.LocMemCache", "", "BACKEND"},
	}
	for _, r := range refused {
		e := config.Entry{Backend: r.backend, Location: "redis://:secret1@h", Options: config.EntryOptions{ClientClass: r.class}}
		resolveErr(t, e, []string{r.want, "supported: "}, "secret1")
	}
	// SentinelClient is refused only without its connection factory.
	e := config.Entry{Location: "redis://:secret1@h", Options: config.EntryOptions{ClientClass: "django_redis.client.SentinelClient"}}
	resolveErr(t, e, []string{"DJANGO_REDIS_CONNECTION_FACTORY"}, "secret1")
}

func TestDefaultClientLocation(t *testing.T) {
	cases := []struct {
		location string
		check    func(t *testing.T, o config.Options)
	}{
		{"redis://u:p%40ss%2Fw%3Ard@h:7000/2", func(t *testing.T, o config.Options) {
			require.Equal(t, "u", o.Username)
			require.Equal(t, "p@ss/w:rd", o.Password)
			require.Equal(t, "h", o.Host)
			require.Equal(t, 7000, o.Port)
			require.Equal(t, 2, o.DB)
		}},
		{"redis://us%65r:p%zz@h", func(t *testing.T, o config.Options) { // an invalid escape stays
			require.Equal(t, "user", o.Username)
			require.Equal(t, "p%zz", o.Password)
		}},
		{"redis://:@h", func(t *testing.T, o config.Options) { require.Equal(t, "", o.Password) }},
		{"redis://H.Example:0", func(t *testing.T, o config.Options) {
			require.Equal(t, "h.example", o.Host)
			require.Equal(t, 6379, o.Port) // port 0 counts as absent
		}},
		{"redis://[::1]:7001", func(t *testing.T, o config.Options) { require.Equal(t, "::1", o.Host) }},
		{"redis://", func(t *testing.T, o config.Options) {
			require.Equal(t, "localhost", o.Host)
			require.Equal(t, 6379, o.Port)
		}},
		// db: every '/' of the path removed, then int()
		{"redis://h/2/", func(t *testing.T, o config.Options) { require.Equal(t, 2, o.DB) }},
		{"redis://h/1/2", func(t *testing.T, o config.Options) { require.Equal(t, 12, o.DB) }},
		{"redis://h/abc", func(t *testing.T, o config.Options) { require.Equal(t, 0, o.DB) }},
		{"redis://h/%33", func(t *testing.T, o config.Options) { require.Equal(t, 3, o.DB) }},
		{"redis://h/2?db=5", func(t *testing.T, o config.Options) { require.Equal(t, 5, o.DB) }},
		// the first of a repeated argument wins; blank values are dropped
		{"redis://h?db=4&db=5", func(t *testing.T, o config.Options) { require.Equal(t, 4, o.DB) }},
		{"redis://h/7?db=&db=3", func(t *testing.T, o config.Options) { require.Equal(t, 3, o.DB) }},
		{"redis://h/7?db=", func(t *testing.T, o config.Options) { require.Equal(t, 7, o.DB) }},
		{"redis://h?client_name=a&client_name=b", func(t *testing.T, o config.Options) { require.Equal(t, "a", o.ClientName) }},
		{"redis://h?client_name=a+b%21", func(t *testing.T, o config.Options) { require.Equal(t, "a b!", o.ClientName) }},
		// typed as URL_QUERY_ARGUMENT_PARSERS types them
		{"redis://h?socket_timeout=2.5&socket_connect_timeout=1e0&socket_read_size=1_024&health_check_interval=3", func(t *testing.T, o config.Options) {
			require.Equal(t, ptr(2.5), o.SocketTimeout)
			require.Equal(t, ptr(1.0), o.SocketConnectTimeout)
			require.Equal(t, 1024, o.SocketReadSize)
			require.Equal(t, 3.0, o.HealthCheckInterval)
		}},
		{"redis://h?socket_keepalive=No", func(t *testing.T, o config.Options) { require.False(t, o.SocketKeepalive) }},
		{"redis://h?socket_keepalive=maybe", func(t *testing.T, o config.Options) { require.True(t, o.SocketKeepalive) }}, // to_bool
		{"redis://h?max_connections=9&protocol=3", func(t *testing.T, o config.Options) {
			require.Equal(t, 9, *o.MaxConnections)
			require.Equal(t, 3, o.Protocol)
		}},
		{"redis://h?port=7002&host=elsewhere", func(t *testing.T, o config.Options) { // the URL's host wins, it has no port
			require.Equal(t, "h", o.Host)
			require.Equal(t, 7002, o.Port)
		}},
		{"redis://h:7003?port=7002", func(t *testing.T, o config.Options) { require.Equal(t, 7003, o.Port) }},
		{"redis:///?host=q&port=7002", func(t *testing.T, o config.Options) {
			require.Equal(t, "q", o.Host)
			require.Equal(t, 7002, o.Port)
		}},
		{"redis://h?password=q", func(t *testing.T, o config.Options) { require.Equal(t, "q", o.Password) }},
		{"redis://:u@h?password=q", func(t *testing.T, o config.Options) { require.Equal(t, "u", o.Password) }},
		{"rediss://h?ssl_cert_reqs=none&ssl_min_version=772&ssl_check_hostname=false", func(t *testing.T, o config.Options) {
			require.True(t, o.SSL)
			require.Equal(t, "none", o.SSLCertReqs)
			require.Equal(t, "TLSv1_3", o.SSLMinVersion)
			require.False(t, o.SSLCheckHostname)
		}},
		{"unix:///tmp/r%20s.sock?db=3", func(t *testing.T, o config.Options) {
			require.Equal(t, "/tmp/r s.sock", o.UnixSocketPath)
			require.Equal(t, 3, o.DB)
		}},
		{"unix://u:pw@/tmp/r.sock", func(t *testing.T, o config.Options) {
			require.Equal(t, "/tmp/r.sock", o.UnixSocketPath)
			require.Equal(t, "pw", o.Password)
			require.Equal(t, 0, o.DB)
		}},
	}
	for _, c := range cases {
		t.Run(c.location, func(t *testing.T) {
			o := dcResolve(t, `{"LOCATION": "`+c.location+`"}`)
			require.Empty(t, o.Replicas)
			c.check(t, o)
		})
	}
}

func TestDefaultClientPrecedence(t *testing.T) {
	type want struct {
		user, password string
		timeout        *float64
		maxConn        int
	}
	cases := []struct {
		name, js string
		want     want
	}{
		{"defaults", `{"LOCATION": "redis://h"}`, want{"", "", ptr(5.0), 100}},
		{"OPTIONS", `{"LOCATION": "redis://h", "OPTIONS": {"USERNAME": "ou", "PASSWORD": "op", "SOCKET_TIMEOUT": 3}}`,
			want{"ou", "op", ptr(3.0), 100}},
		{"falsy OPTIONS are unset", `{"LOCATION": "redis://h", "OPTIONS": {"PASSWORD": "", "SOCKET_TIMEOUT": 0}}`,
			want{"", "", ptr(5.0), 100}},
		{"pool kwargs over OPTIONS", `{"LOCATION": "redis://h", "OPTIONS": {"PASSWORD": "op", "SOCKET_TIMEOUT": 3,
			"CONNECTION_POOL_KWARGS": {"password": "kp", "socket_timeout": 4, "max_connections": 7}}}`,
			want{"", "kp", ptr(4.0), 7}},
		{"the URL over both", `{"LOCATION": "redis://uu:up@h?socket_timeout=6&max_connections=9", "OPTIONS": {
			"USERNAME": "ou", "PASSWORD": "op", "SOCKET_TIMEOUT": 3,
			"CONNECTION_POOL_KWARGS": {"password": "kp", "socket_timeout": 4, "max_connections": 7}}}`,
			want{"uu", "up", ptr(6.0), 9}},
		{"a None password falls back to PASSWORD", `{"LOCATION": "redis://h", "OPTIONS": {"PASSWORD": "op",
			"CONNECTION_POOL_KWARGS": {"password": null}}}`, want{"", "op", ptr(5.0), 100}},
		{"an empty pool password stays", `{"LOCATION": "redis://h", "OPTIONS": {"PASSWORD": "op",
			"CONNECTION_POOL_KWARGS": {"password": ""}}}`, want{"", "", ptr(5.0), 100}},
		{"max_connections 0 is 100", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"max_connections": 0}}}`,
			want{"", "", ptr(5.0), 100}},
		{"socket_timeout None", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"socket_timeout": null}}}`,
			want{"", "", nil, 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := dcResolve(t, c.js)
			require.Equal(t, c.want.user, o.Username)
			require.Equal(t, c.want.password, o.Password)
			require.Equal(t, c.want.timeout, o.SocketTimeout)
			require.Equal(t, c.want.maxConn, *o.MaxConnections)
		})
	}

	o := dcResolve(t, `{"LOCATION": "rediss://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {
		"socket_keepalive": 0, "ssl_check_hostname": false, "ssl_cert_reqs": 1, "ssl_min_version": 772,
		"client_name": "svc", "retry_on_timeout": true, "decode_responses": true}}}`)
	require.False(t, o.SocketKeepalive)
	require.False(t, o.SSLCheckHostname)
	require.Equal(t, "optional", o.SSLCertReqs)
	require.Equal(t, "TLSv1_3", o.SSLMinVersion)
	require.Equal(t, "svc", o.ClientName)
	require.Equal(t, []string{"decode_responses", "retry_on_timeout"}, o.Ignored)
}

func TestDefaultClientServers(t *testing.T) {
	for _, js := range []string{
		`{"LOCATION": ["redis://:CaNaRy-p1@a:1/2", "redis://:CaNaRy-p2@b:2/3", "redis://c:3"], "OPTIONS": {"PASSWORD": "CaNaRy-op"}}`,
		`{"LOCATION": "redis://:CaNaRy-p1@a:1/2,redis://:CaNaRy-p2@b:2/3,redis://c:3", "OPTIONS": {"PASSWORD": "CaNaRy-op"}}`,
	} {
		o := dcResolve(t, js)
		require.Equal(t, "a", o.Host)
		require.Equal(t, "CaNaRy-p1", o.Password)
		require.Len(t, o.Replicas, 2)
		require.Equal(t, []any{"b", 2, 3, "CaNaRy-p2"}, []any{o.Replicas[0].Host, o.Replicas[0].Port, o.Replicas[0].DB, o.Replicas[0].Password})
		require.Equal(t, []any{"c", 3, 0, "CaNaRy-op"}, []any{o.Replicas[1].Host, o.Replicas[1].Port, o.Replicas[1].DB, o.Replicas[1].Password})
		require.Equal(t, config.BackendDjangoRedis, o.Replicas[1].Backend)

		// Every password shows in JSONWithPassword only.
		secrettest.PrintsMasked(t, o, "CaNaRy-p2")
		secrettest.PrintsMasked(t, o, "CaNaRy-op")
		js, err := o.JSONWithPassword()
		require.NoError(t, err)
		var back struct {
			Password string `json:"password"`
			Replicas []struct {
				Password string `json:"password"`
			} `json:"replicas"`
		}
		require.NoError(t, json.Unmarshal(js, &back))
		require.Equal(t, "CaNaRy-p1", back.Password)
		require.Equal(t, "CaNaRy-p2", back.Replicas[0].Password)
		require.Equal(t, "CaNaRy-op", back.Replicas[1].Password)
	}
	// A list is never split on commas: a password may hold one.
	o := dcResolve(t, `{"LOCATION": ["redis://:p,1@a:1"]}`)
	require.Equal(t, "p,1", o.Password)
	require.Empty(t, o.Replicas)

	resolveErr(t, dcEntry(t, `{"LOCATION": "redis://:secret1@a:1, redis://b:2"}`),
		[]string{"LOCATION server 2 of 2", "redis://, rediss:// and unix://"}, "secret1")
	resolveErr(t, dcEntry(t, `{"LOCATION": "redis://:secret1@a:1,"}`), []string{"LOCATION server 2 of 2"}, "secret1")
}

func TestDefaultClientRefusals(t *testing.T) {
	cases := []struct {
		name, js string
		want     []string
	}{
		{"file scheme", `{"LOCATION": "file:///tmp/r.sock"}`, []string{"LOCATION", "redis://, rediss:// and unix://"}},
		{"capital scheme", `{"LOCATION": "REDIS://h"}`, []string{"LOCATION"}},
		{"space before the scheme", `{"LOCATION": " redis://h"}`, []string{"LOCATION"}},
		{"unix without path", `{"LOCATION": "unix://"}`, []string{"LOCATION", "no socket path"}},
		{"db not an integer", `{"LOCATION": "redis://h?db=x"}`, []string{"LOCATION", "db", "not an integer"}},
		{"timeout not a number", `{"LOCATION": "redis://h?socket_timeout=soon"}`, []string{"socket_timeout", "not a number"}},
		{"ssl_min_version by name", `{"LOCATION": "rediss://h?ssl_min_version=TLSv1_3"}`, []string{"ssl_min_version", "not an integer"}},
		{"an unknown query argument", `{"LOCATION": "redis://h?timeout=2"}`, []string{"timeout (is not a keyword argument of redis-py's Connection)"}},
		{"ssl on redis://", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"ssl": true, "ssl_ca_certs": "/x"}}}`,
			[]string{"ssl (is not a keyword", "ssl_ca_certs (is not a keyword", "TLS needs a rediss:// LOCATION"}},
		{"host on unix://", `{"LOCATION": "unix:///tmp/r.sock", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"host": "h", "socket_keepalive": true}}}`,
			[]string{"host (is not a keyword argument of redis-py's UnixDomainSocketConnection)", "socket_keepalive"}},
		{"unix_socket_path", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"unix_socket_path": "/x"}}}`,
			[]string{"unix_socket_path (is not a keyword"}},
		{"no counterpart", `{"LOCATION": "rediss://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"retry": 1, "ssl_password": "keysecret1", "connection_class": "x"}}}`,
			[]string{"retry (has no counterpart", "ssl_password (has no counterpart", "connection_class (has no counterpart"}},
		{"a string for a boolean", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"socket_keepalive": "false"}}}`,
			[]string{"socket_keepalive", "must be true or false"}},
		{"a string for a number", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"socket_timeout": "2"}}}`,
			[]string{"socket_timeout", "must be a number"}},
		{"zero timeout", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"socket_timeout": 0}}}`,
			[]string{"socket_timeout", "positive"}},
		{"negative max_connections", `{"LOCATION": "redis://h?max_connections=-1"}`, []string{"max_connections", "positive"}},
		{"SOCKET_TIMEOUT a string", `{"LOCATION": "redis://h", "OPTIONS": {"SOCKET_TIMEOUT": "5"}}`,
			[]string{"OPTIONS.SOCKET_TIMEOUT", "float or integer"}},
		{"SOCKET_CONNECT_TIMEOUT a list", `{"LOCATION": "redis://h", "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": [1]}}`,
			[]string{"OPTIONS.SOCKET_CONNECT_TIMEOUT"}},
		{"CLIENT_CLASS_KWARGS", `{"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"password": "secret1"}}}`,
			[]string{"OPTIONS.CLIENT_CLASS_KWARGS", "DefaultClient", "ansible_base.lib.redis.RedisClient"}},
		{"REPLICA_READ_ONLY false", `{"LOCATION": "redis://a,redis://b", "OPTIONS": {"REPLICA_READ_ONLY": false}}`,
			[]string{"OPTIONS.REPLICA_READ_ONLY"}},
		{"pool class", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool"}}`,
			[]string{"OPTIONS.CONNECTION_POOL_CLASS", "supported: redis.connection.ConnectionPool"}},
		{"client class", `{"LOCATION": "redis://h", "OPTIONS": {"REDIS_CLIENT_CLASS": "myapp.Redis"}}`,
			[]string{"OPTIONS.REDIS_CLIENT_CLASS"}},
		{"client kwargs", `{"LOCATION": "redis://h", "OPTIONS": {"REDIS_CLIENT_KWARGS": {"decode_responses": true}}}`,
			[]string{"OPTIONS.REDIS_CLIENT_KWARGS"}},
		{"parser class", `{"LOCATION": "redis://h", "OPTIONS": {"PARSER_CLASS": "myapp.Parser"}}`,
			[]string{"OPTIONS.PARSER_CLASS"}},
		{"factory", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_FACTORY": "myapp.Factory"}}`,
			[]string{"OPTIONS.CONNECTION_FACTORY"}},
		{"sentinel factory", `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory"}}`,
			[]string{"OPTIONS.SENTINELS", "list of (host, port)"}},
		{"a missing certificate", `{"LOCATION": "rediss://h", "OPTIONS": {"CONNECTION_POOL_KWARGS": {"ssl_ca_certs": "/nonexistent/ca.pem"}}}`,
			[]string{"ssl_ca_certs"}},
		{"a password cut short", `{"LOCATION": "redis://u:secret1/x@h"}`, []string{"LOCATION", "percent-encoded"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolveErr(t, dcEntry(t, c.js), c.want, "secret1", "keysecret1")
		})
	}

	// The classes that are redis-py's and django-redis's own are accepted.
	dcResolve(t, `{"LOCATION": "redis://h", "OPTIONS": {"CONNECTION_POOL_CLASS": "redis.connection.ConnectionPool",
		"REDIS_CLIENT_CLASS": "redis.client.Redis", "PARSER_CLASS": "redis.connection._HiredisParser",
		"CONNECTION_FACTORY": "django_redis.pool.ConnectionFactory", "REPLICA_READ_ONLY": true, "REDIS_CLIENT_KWARGS": {}}}`)
}

// An entry whose OPTIONS hold django-redis's settings prints them masked.
func TestDefaultClientEntryMasked(t *testing.T) {
	e := dcEntry(t, `{"LOCATION": ["redis://:CaNaRy-Qx7fZ@a:1", "redis://:CaNaRy-Qx7fZ@b:1"], "OPTIONS": {"PASSWORD": "CaNaRy-Qx7fZ",
		"CONNECTION_POOL_KWARGS": {"password": "CaNaRy-Qx7fZ"}, "REDIS_CLIENT_KWARGS": {"password": "CaNaRy-Qx7fZ"}}}`)
	require.Len(t, e.Locations, 2)
	secrettest.PrintsMasked(t, e, "CaNaRy-Qx7fZ")
	secrettest.PrintsMasked(t, e.Options, "CaNaRy-Qx7fZ")
	js, err := json.Marshal(e)
	require.NoError(t, err)
	require.Contains(t, string(js), `"LOCATION":["redis://:********@a:1","redis://:********@b:1"]`)
}

// A service that moved to redisclient.django.RedisCache keeps the entry of
// the django-redis backend it replaced, and a program reading that entry
// connects as before.
func TestOurDjangoBackendReadsAsDjangoRedis(t *testing.T) {
	for _, class := range []string{"", "ansible_base.lib.redis.RedisClient"} {
		e := config.Entry{Backend: "django_redis.cache.RedisCache", Location: "redis://:pw@127.0.0.1:7000/3",
			Options: config.EntryOptions{ClientClass: class}}
		want, err := config.Resolve(e)
		require.NoError(t, err)
		e.Backend = "redisclient.django.RedisCache"
		got, err := config.Resolve(e)
		require.NoError(t, err)
		require.Equal(t, want, got, "CLIENT_CLASS %q", class)
	}
	_, err := config.Resolve(config.Entry{Backend: "redisclient.django.Other", Location: "redis://127.0.0.1:7000/0"})
	require.ErrorIs(t, err, config.ErrConfig)
	require.ErrorContains(t, err, "redisclient.django.RedisCache")
}
