package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core/config"
	"github.com/stretchr/testify/require"
)

// kw is CLIENT_CLASS_KWARGS as JSON decodes them (numbers are float64).
type kw = map[string]any

func resolveOK(t *testing.T, location string, kwargs kw) config.Options {
	t.Helper()
	o, err := config.Resolve(entry(location, "", kwargs))
	require.NoError(t, err)
	return o
}

// resolveErr asserts a configuration error that names every wanted text and
// shows none of the secrets.
func resolveErr(t *testing.T, e config.Entry, want []string, secrets ...string) {
	t.Helper()
	_, err := config.Resolve(e)
	require.Error(t, err)
	require.True(t, errors.Is(err, config.ErrConfig), "%v", err)
	for _, w := range want {
		require.Contains(t, err.Error(), w)
	}
	for _, s := range secrets {
		require.NotContains(t, err.Error(), s)
	}
}

func TestResolveLocationOverridesKwargs(t *testing.T) {
	full := kw{"host": "b", "port": 7000.0, "username": "kuser", "password": "kpass", "db": 5.0}
	cases := []struct {
		name, location                   string
		kwargs                           kw
		host, username, password, socket string
		port, db                         int
	}{
		{"URL wins", "redis://u:p@example.com:1234/1", full, "example.com", "u", "p", "", 1234, 1},
		{"absent parts keep kwargs", "redis://example.com", full, "example.com", "kuser", "kpass", "", 7000, 5},
		{"no host keeps kwargs host", "redis://", full, "b", "kuser", "kpass", "", 7000, 5},
		{"port 0 is absent", "redis://h:0", full, "h", "kuser", "kpass", "", 7000, 5},
		{"empty password is absent", "redis://u:@h", full, "h", "u", "kpass", "", 7000, 5},
		{"userinfo not decoded", "redis://u%40x:p%3Aw@h", nil, "h", "u%40x", "p%3Aw", "", 6379, 0},
		{"host lower-cased", "redis://Example.COM:1", nil, "example.com", "", "", "", 1, 0},
		{"ipv6", "redis://[::1]:6380", nil, "::1", "", "", "", 6380, 0},
		{"db with spaces", "redis://h/ 3", full, "h", "kuser", "kpass", "", 7000, 3},
		{"db with sign", "redis://h/+3", nil, "h", "", "", "", 6379, 3},
		{"db with underscore", "redis://h/1_0", nil, "h", "", "", "", 6379, 10},
		{"non-integer path keeps kwargs db", "redis://h/a", full, "h", "kuser", "kpass", "", 7000, 5},
		{"query overrides path, last wins", "redis://h/1?db=2&db=4", nil, "h", "", "", "", 6379, 4},
		{"blank query value dropped", "redis://h/1?db=", nil, "h", "", "", "", 6379, 1},
		{"query overrides URL parts", "redis://u:p@h:1?port=2&password=q&username=v&host=H2", nil, "H2", "v", "q", "", 2, 0},
		{"kwargs strings converted", "redis://h", kw{"port": "7001", "db": " 2"}, "h", "", "", "", 7001, 2},
		{"unix", "unix:///var/run/r.sock?db=2", nil, "localhost", "", "", "/var/run/r.sock", 6379, 2},
		{"file with query password", "file:///var/temp/my.socket?password=junk", nil, "localhost", "", "junk", "/var/temp/my.socket", 6379, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := resolveOK(t, c.location, c.kwargs)
			require.Equal(t, c.host, o.Host)
			require.Equal(t, c.port, o.Port)
			require.Equal(t, c.username, o.Username)
			require.Equal(t, c.password, o.Password)
			require.Equal(t, c.db, o.DB)
			require.Equal(t, c.socket, o.UnixSocketPath)
			require.Equal(t, config.ModeStandalone, o.Mode)
		})
	}
}

func TestResolveLocationErrors(t *testing.T) {
	cases := []struct {
		name, location string
		kwargs         kw
		want           []string
		secrets        []string
	}{
		{"bad scheme masks password", "http://u:secret1@h", nil, []string{"LOCATION", "********", "scheme"}, []string{"secret1"}},
		{"no scheme", "localhost", nil, []string{"LOCATION", "scheme"}, nil},
		{"query password masked", "http://h?password=qsecret1", nil, []string{"********"}, []string{"qsecret1"}},
		{"port not a number", "redis://u:secret1@h:abc", nil, []string{"LOCATION", "h:abc", "port"}, []string{"secret1"}},
		{"port out of range", "redis://u:secret1@h:65536", nil, []string{"LOCATION", "65536"}, []string{"secret1"}},
		{"kwargs port not a number", "redis://h", kw{"port": "abc"}, []string{"port", `"abc"`}, nil},
		{"kwargs port out of range", "redis://h", kw{"port": 70000.0}, []string{"port", "70000"}, nil},
		{"query port not a number", "redis://u:secret1@h?port=junk", nil, []string{"port", `"junk"`}, []string{"secret1"}},
		{"negative db", "redis://h/-1", nil, []string{"db", "-1"}, nil},
		{"db not a number", "unix:///s?db=junk", nil, []string{"db", `"junk"`}, nil},
		{"kwargs password not a string", "redis://h", kw{"password": 12345678.0}, []string{"password"}, []string{"12345678"}},
		{"unknown key beside a query password", "redis://h?password=qsecret1&foo=1", nil, []string{"foo"}, []string{"qsecret1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolveErr(t, entry(c.location, "", c.kwargs), c.want, c.secrets...)
		})
	}
}

func TestResolveSSL(t *testing.T) {
	cases := []struct {
		name, location string
		kwargs         kw
		ssl            bool
	}{
		{"redis is plain", "redis://h", nil, false},
		{"rediss turns ssl on", "rediss://h", nil, true},
		{"rediss with ssl None turns it on", "rediss://h", kw{"ssl": nil}, true},
		{"rediss with ssl false stays off", "rediss://h", kw{"ssl": false}, false},
		{"rediss with ssl 'false' stays off", "rediss://h", kw{"ssl": "false"}, false},
		{"query ssl overrides rediss", "rediss://h?ssl=f", nil, false},
		{"ssl on with redis is TLS", "redis://h", kw{"ssl": true}, true},
		{"ssl from query", "redis://h?ssl=True", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.ssl, resolveOK(t, c.location, c.kwargs).SSL)
		})
	}
}

func TestResolveSSLFiles(t *testing.T) {
	readable := filepath.Join(t.TempDir(), "ca.crt")
	require.NoError(t, os.WriteFile(readable, []byte("not checked here"), 0o600))
	missing := filepath.Join(t.TempDir(), "missing.pem")

	for _, setting := range []string{"ssl_certfile", "ssl_keyfile", "ssl_ca_certs"} {
		t.Run(setting, func(t *testing.T) {
			resolveErr(t, entry("rediss://u:secret1@h", "", kw{setting: missing}),
				[]string{setting, missing}, "secret1")
			resolveErr(t, entry("redis://h?password=qsecret1", "", kw{setting: missing, "ssl": "true"}),
				[]string{setting, missing}, "qsecret1")

			// Without ssl the file is never opened, so it is not checked.
			o := resolveOK(t, "redis://h", kw{setting: missing})
			require.False(t, o.SSL)
			o = resolveOK(t, "rediss://h", kw{setting: missing, "ssl": false})
			require.False(t, o.SSL)

			// "" unsets it (an environment variable set to nothing).
			o = resolveOK(t, "rediss://h", kw{setting: ""})
			require.True(t, o.SSL)
			o = resolveOK(t, "rediss://h", kw{setting: readable})
			require.True(t, o.SSL)
		})
	}
	o := resolveOK(t, "rediss://h", kw{"ssl_certfile": readable, "ssl_keyfile": readable, "ssl_ca_certs": ""})
	require.Equal(t, readable, o.SSLCertfile)
	require.Equal(t, readable, o.SSLKeyfile)
	require.Empty(t, o.SSLCACerts)
}

func TestResolveMode(t *testing.T) {
	cases := []struct {
		name   string
		kwargs kw
		mode   string
	}{
		{"default", nil, config.ModeStandalone},
		{"mode standalone", kw{"mode": "standalone"}, config.ModeStandalone},
		{"mode cluster", kw{"mode": "cluster"}, config.ModeCluster},
		{"clustered true", kw{"clustered": true}, config.ModeCluster},
		{"clustered false", kw{"clustered": false}, config.ModeStandalone},
		{"clustered 'true'", kw{"clustered": "true"}, config.ModeCluster},
		{"clustered 'TRUE'", kw{"clustered": "TRUE"}, config.ModeCluster},
		{"clustered '1'", kw{"clustered": "1"}, config.ModeCluster},
		{"clustered 't'", kw{"clustered": "t"}, config.ModeCluster},
		{"clustered 'T'", kw{"clustered": "T"}, config.ModeCluster},
		{"clustered 'false'", kw{"clustered": "false"}, config.ModeStandalone},
		{"clustered 'False'", kw{"clustered": "False"}, config.ModeStandalone},
		{"clustered '0'", kw{"clustered": "0"}, config.ModeStandalone},
		{"clustered 'f'", kw{"clustered": "f"}, config.ModeStandalone},
		{"clustered 1", kw{"clustered": 1.0}, config.ModeCluster},
		{"clustered 0", kw{"clustered": 0.0}, config.ModeStandalone},
		{"mode and clustered agree", kw{"mode": "cluster", "clustered": "t"}, config.ModeCluster},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.mode, resolveOK(t, "redis://h:7000", c.kwargs).Mode)
		})
	}
}

func TestResolveModeErrors(t *testing.T) {
	cases := []struct {
		name   string
		kwargs kw
		want   []string
	}{
		{"unknown mode", kw{"mode": "junk"}, []string{"mode", `"junk"`}},
		{"mode is case-sensitive", kw{"mode": "Cluster"}, []string{"mode", `"Cluster"`}},
		{"mode not a string", kw{"mode": true}, []string{"mode"}},
		{"clustered not a boolean", kw{"clustered": "yes"}, []string{"clustered", `"yes"`}},
		{"clustered 2", kw{"clustered": 2.0}, []string{"clustered"}},
		{"cluster but not clustered", kw{"mode": "cluster", "clustered": false}, []string{"clustered", "cluster"}},
		{"standalone but clustered", kw{"mode": "standalone", "clustered": "1"}, []string{"clustered", "standalone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolveErr(t, entry("redis://u:secret1@h", "", c.kwargs), c.want, "secret1")
		})
	}
}

func TestResolveClusterSeeds(t *testing.T) {
	cases := []struct {
		name, location string
		kwargs         kw
		seeds          []config.Node
	}{
		{"redis_hosts", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:1,[::1]:7000"},
			[]config.Node{{Host: "a", Port: 1}, {Host: "::1", Port: 7000}}},
		{"clustered_hosts", "redis://localhost", kw{"clustered": true, "clustered_hosts": "b:2"},
			[]config.Node{{Host: "b", Port: 2}}},
		{"no hosts: LOCATION seeds", "redis://example.com:1234", kw{"mode": "cluster"},
			[]config.Node{{Host: "example.com", Port: 1234}}},
		{"empty hosts: LOCATION seeds", "redis://example.com:1234", kw{"mode": "cluster", "redis_hosts": ""},
			[]config.Node{{Host: "example.com", Port: 1234}}},
		{"null hosts: LOCATION seeds", "redis://Example.com", kw{"mode": "cluster", "clustered_hosts": nil},
			[]config.Node{{Host: "example.com", Port: 6379}}},
		{"kwargs host and port seed", "redis://", kw{"mode": "cluster", "host": "k", "port": "7001"},
			[]config.Node{{Host: "k", Port: 7001}}},
		{"unix LOCATION with hosts", "unix:///tmp/r.sock", kw{"mode": "cluster", "redis_hosts": "a:1"},
			[]config.Node{{Host: "a", Port: 1}}},
		{"db 0 is fine", "redis://h:1/0", kw{"mode": "cluster"}, []config.Node{{Host: "h", Port: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := resolveOK(t, c.location, c.kwargs)
			require.Equal(t, config.ModeCluster, o.Mode)
			require.Equal(t, c.seeds, o.StartupNodes)
		})
	}
	// In standalone mode the hosts seed nothing.
	o := resolveOK(t, "redis://localhost", kw{"redis_hosts": "a:1"})
	require.Equal(t, config.ModeStandalone, o.Mode)
	require.Empty(t, o.StartupNodes)
	require.Equal(t, "localhost", o.Host)
}

func TestResolveClusterErrors(t *testing.T) {
	cases := []struct {
		name, location string
		kwargs         kw
		want           []string
	}{
		{"db in cluster", "redis://u:secret1@h/2", kw{"mode": "cluster"}, []string{"db", "2"}},
		{"db from query in cluster", "redis://u:secret1@h?db=1", kw{"clustered": true}, []string{"db"}},
		{"unix without hosts", "unix:///tmp/r.sock?password=qsecret1", kw{"mode": "cluster"}, []string{"LOCATION", "redis_hosts"}},
		{"file without hosts", "file://localhost", kw{"mode": "cluster"}, []string{"LOCATION"}},
		{"both host settings", "redis://h", kw{"mode": "cluster", "redis_hosts": "a:1", "clustered_hosts": "b:1"},
			[]string{"redis_hosts", "clustered_hosts"}},
		{"both host settings, URLs with passwords", "redis://h",
			kw{"mode": "cluster", "redis_hosts": "a:1", "clustered_hosts": "redis://:secret1@b:1,redis://u:secret1/x@c:1"},
			[]string{"redis_hosts", "clustered_hosts", "********@b:1"}},
		{"hosts as URLs with passwords", "redis://h", kw{"mode": "cluster", "redis_hosts": "redis://:secret1@a:1,redis://u:secret1/x@b:1"},
			[]string{"redis_hosts", `"********@a:1"`}},
		{"every bad entry named", "redis://h", kw{"mode": "cluster", "redis_hosts": "a:1,b,c:x, d:1"},
			[]string{"redis_hosts", `"b"`, `"c:x"`, `" d:1"`}},
		{"hosts true", "redis://h", kw{"mode": "cluster", "redis_hosts": true}, []string{"redis_hosts", "a boolean"}},
		{"hosts a number", "redis://h", kw{"mode": "cluster", "redis_hosts": 1.0}, []string{"redis_hosts", "a number"}},
		{"hosts a list", "redis://h", kw{"mode": "cluster", "redis_hosts": []any{"a:1"}}, []string{"redis_hosts", "a list"}},
		// Checked in standalone too, where the reference ignores them.
		{"bad hosts in standalone", "redis://h", kw{"clustered_hosts": "<host 1>:<port>"}, []string{"clustered_hosts", `"<host 1>:<port>"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolveErr(t, entry(c.location, "", c.kwargs), c.want, "secret1", "qsecret1")
		})
	}
}

func TestResolveClusterOnlyOptions(t *testing.T) {
	clusterOnly := kw{
		"read_from_replicas": "true", "cluster_error_retry_attempts": "4",
		"require_full_coverage": false, "reinitialize_steps": 5.0, "dynamic_startup_nodes": "t",
		"decode_responses": true,
	}
	standalone := resolveOK(t, "redis://h", clusterOnly)
	cluster := resolveOK(t, "redis://h", merge(clusterOnly, kw{"mode": "cluster"}))

	defaults := resolveOK(t, "redis://h", nil)
	require.Equal(t, defaults.ReadFromReplicas, standalone.ReadFromReplicas)
	require.Equal(t, defaults.ClusterErrorRetryAttempts, standalone.ClusterErrorRetryAttempts)
	require.Equal(t, []string{"cluster_error_retry_attempts", "decode_responses", "dynamic_startup_nodes",
		"read_from_replicas", "reinitialize_steps", "require_full_coverage"}, standalone.Ignored)

	require.True(t, cluster.ReadFromReplicas)
	require.Equal(t, 4, cluster.ClusterErrorRetryAttempts)
	require.ElementsMatch(t, []string{"decode_responses", "dynamic_startup_nodes", "reinitialize_steps",
		"require_full_coverage"}, cluster.Ignored)
	require.Empty(t, defaults.Ignored)
}

func merge(a, b kw) kw {
	out := kw{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestResolveKwargConversion(t *testing.T) {
	cases := []struct {
		key   string
		value any
		field func(config.Options) any
		want  any
	}{
		{"socket_timeout", "2.5", func(o config.Options) any { return o.SocketTimeout }, ptr(2.5)},
		{"socket_timeout", 3.0, func(o config.Options) any { return o.SocketTimeout }, ptr(3.0)},
		{"socket_timeout", nil, func(o config.Options) any { return o.SocketTimeout }, (*float64)(nil)},
		{"socket_timeout", "None", func(o config.Options) any { return o.SocketTimeout }, (*float64)(nil)},
		{"socket_connect_timeout", " 0.25 ", func(o config.Options) any { return o.SocketConnectTimeout }, ptr(0.25)},
		{"socket_connect_timeout", nil, func(o config.Options) any { return o.SocketConnectTimeout }, (*float64)(nil)},
		{"socket_keepalive", "false", func(o config.Options) any { return o.SocketKeepalive }, false},
		{"socket_keepalive", "F", func(o config.Options) any { return o.SocketKeepalive }, false},
		{"retry_on_timeout", "1", func(o config.Options) any { return o.RetryOnTimeout }, true},
		{"retry_on_timeout", true, func(o config.Options) any { return o.RetryOnTimeout }, true},
		{"max_connections", "10", func(o config.Options) any { return o.MaxConnections }, ptr(10)},
		{"max_connections", 10.0, func(o config.Options) any { return o.MaxConnections }, ptr(10)},
		{"max_connections", nil, func(o config.Options) any { return o.MaxConnections }, (*int)(nil)},
		{"health_check_interval", "30", func(o config.Options) any { return o.HealthCheckInterval }, 30.0},
		{"client_name", "worker", func(o config.Options) any { return o.ClientName }, "worker"},
		{"protocol", "3", func(o config.Options) any { return o.Protocol }, 3},
		{"socket_read_size", "65536", func(o config.Options) any { return o.SocketReadSize }, 65536},
		{"db", "3", func(o config.Options) any { return o.DB }, 3},
		{"ssl_cert_reqs", "none", func(o config.Options) any { return o.SSLCertReqs }, "none"},
		{"ssl_cert_reqs", "optional", func(o config.Options) any { return o.SSLCertReqs }, "optional"},
		{"ssl_cert_reqs", 0.0, func(o config.Options) any { return o.SSLCertReqs }, "none"},
		{"ssl_cert_reqs", 2.0, func(o config.Options) any { return o.SSLCertReqs }, "required"},
		{"ssl_cert_reqs", nil, func(o config.Options) any { return o.SSLCertReqs }, "none"},
		{"ssl_check_hostname", "false", func(o config.Options) any { return o.SSLCheckHostname }, false},
		{"ssl_min_version", "TLSv1_3", func(o config.Options) any { return o.SSLMinVersion }, "TLSv1_3"},
		{"ssl_min_version", "TLSVersion.TLSv1_3", func(o config.Options) any { return o.SSLMinVersion }, "TLSv1_3"},
		{"encoding", "latin-1", func(o config.Options) any { return o.Ignored }, []string{"encoding"}},
		{"lib_name", "x", func(o config.Options) any { return o.Ignored }, []string{"lib_name"}},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			o := resolveOK(t, "redis://h", kw{c.key: c.value})
			require.Equal(t, c.want, c.field(o), "%s = %#v", c.key, c.value)
		})
	}
}

func TestResolveKwargErrors(t *testing.T) {
	cases := []struct {
		key   string
		value any
	}{
		{"socket_timeout", 0.0}, {"socket_timeout", "0"}, {"socket_timeout", -1.0}, {"socket_timeout", "abc"},
		{"socket_timeout", "NaN"}, {"socket_timeout", "inf"}, {"socket_connect_timeout", -0.5},
		{"socket_keepalive", "yes"}, {"retry_on_timeout", 2.0},
		{"max_connections", 0.0}, {"max_connections", "1.5"}, {"max_connections", 10.5},
		{"health_check_interval", "soon"}, {"client_name", 5.0},
		{"protocol", 4.0}, {"socket_read_size", 0.0}, {"db", -1.0},
		{"ssl", "maybe"}, {"ssl_cert_reqs", "junk"}, {"ssl_cert_reqs", 3.0}, {"ssl_min_version", "TLSv1_1"},
		{"cluster_error_retry_attempts", -1.0}, {"decode_responses", "yes"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			resolveErr(t, entry("redis://u:secret1@h", "", kw{c.key: c.value}), []string{c.key}, "secret1")
		})
	}
}

func TestResolveUnknownKeys(t *testing.T) {
	cases := []struct {
		name   string
		kwargs kw
		want   []string
	}{
		{"typo", kw{"socket_timeuot": 1.0}, []string{"socket_timeuot", "not a redis-py keyword"}},
		{"retry", kw{"retry": "x"}, []string{"retry", "no counterpart"}},
		{"ssl_password", kw{"ssl_password": "keysecret1"}, []string{"ssl_password", "no counterpart"}},
		{"all named", kw{"foo": 1.0, "url": "redis://x", "some_other_setting": 4.0},
			[]string{"foo", "url (has no counterpart", "some_other_setting"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolveErr(t, entry("redis://u:secret1@h", "", c.kwargs), c.want, "secret1", "keysecret1")
		})
	}
	resolveErr(t, entry("redis://h?bar=1&password=qsecret1", "", nil), []string{"bar"}, "qsecret1")
}

func TestResolveEntryChecks(t *testing.T) {
	valid := func() config.Entry { return entry("redis://u:secret1@h", "", nil) }
	cases := []struct {
		name    string
		mutate  func(*config.Entry)
		setting string
	}{
		{"backend", func(e *config.Entry) { e.Backend = "django.core.cache.backends.locmem.LocMemCache" }, "BACKEND"},
		{"key function", func(e *config.Entry) { e.KeyFunction = "myapp.cache.make_key" }, "KEY_FUNCTION"},
		{"client class", func(e *config.Entry) { e.Options.ClientClass = "myapp.cache.Client" }, "CLIENT_CLASS"},
		{"shard client", func(e *config.Entry) { e.Options.ClientClass = "django_redis.client.ShardClient" }, "ShardClient"},
		{"herd client", func(e *config.Entry) { e.Options.ClientClass = "django_redis.client.herd.HerdClient" }, "HerdClient"},
		{"serializer", func(e *config.Entry) { e.Options.Serializer = "myapp.serializers.Yaml" }, "SERIALIZER"},
		{"compressor", func(e *config.Entry) { e.Options.Compressor = "myapp.compressors.Snappy" }, "COMPRESSOR"},
		{"pickle version", func(e *config.Entry) { e.Options.PickleVersion = "four" }, "PICKLE_VERSION"},
		{"empty location", func(e *config.Entry) { e.Location = "" }, "LOCATION"},
		{"blank location", func(e *config.Entry) { e.Location = "  " }, "LOCATION"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := valid()
			c.mutate(&e)
			resolveErr(t, e, []string{c.setting}, "secret1")
		})
	}

	t.Run("defaults spelled out", func(t *testing.T) {
		e := valid()
		e.Backend = "django_redis.cache.RedisCache"
		e.KeyFunction = "django.core.cache.backends.base.default_key_func"
		e.Options.ClientClass = "ansible_base.lib.redis.client.RedisClient"
		e.Options.Serializer = "django_redis.serializers.pickle.PickleSerializer"
		e.Options.Compressor = "django_redis.compressors.identity.IdentityCompressor"
		_, err := config.Resolve(e)
		require.NoError(t, err)
	})
	t.Run("comma-separated location: first used", func(t *testing.T) {
		o := resolveOK(t, "redis://a:1/2,redis://b:2/3", nil)
		require.Equal(t, "a", o.Host)
		require.Equal(t, 1, o.Port)
		require.Equal(t, 2, o.DB)
	})
}

func TestParseEntry(t *testing.T) {
	e, err := config.ParseEntry([]byte(`{
		"BACKEND": "django_redis.cache.RedisCache",
		"LOCATION": ["redis://a:1/2", "redis://b:2/3"],
		"KEY_PREFIX": "svc",
		"OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
			"CLIENT_CLASS_KWARGS": {"port": 6380, "socket_timeout": 1.5, "ssl": false}}}`))
	require.NoError(t, err)
	require.Equal(t, "redis://a:1/2", e.Location)
	require.Equal(t, "svc", e.KeyPrefix)
	require.Nil(t, e.Version)
	require.True(t, e.Timeout.IsDefault())
	o, err := config.Resolve(e)
	require.NoError(t, err)
	require.Equal(t, "a", o.Host)
	require.Equal(t, 1, o.Port)
	require.Equal(t, ptr(1.5), o.SocketTimeout)

	timeouts := []struct {
		json    string
		never   bool
		seconds time.Duration
	}{
		{`null`, true, 0}, {`60`, false, 60 * time.Second}, {`1.9`, false, time.Second},
		{`0`, false, 0}, {`-1.5`, false, -time.Second},
	}
	for _, c := range timeouts {
		e, err := config.ParseEntry([]byte(`{"LOCATION": "redis://h", "TIMEOUT": ` + c.json + `}`))
		require.NoError(t, err, c.json)
		require.False(t, e.Timeout.IsDefault(), c.json)
		require.Equal(t, c.never, e.Timeout.IsNever(), c.json)
		require.Equal(t, c.seconds, e.Timeout.Duration(), c.json)
	}

	for _, v := range []struct {
		json string
		want *int
	}{{`3`, ptr(3)}, {`null`, nil}, {`-2`, ptr(-2)}} {
		e, err := config.ParseEntry([]byte(`{"LOCATION": "redis://h", "VERSION": ` + v.json + `}`))
		require.NoError(t, err, v.json)
		require.Equal(t, v.want, e.Version, v.json)
	}

	for _, bad := range []string{
		`not json`, `[]`, `{"LOCATION": 5}`, `{"LOCATION": []}`, `{"LOCATION": [5]}`,
		`{"TIMEOUT": "60"}`, `{"VERSION": 2.5}`, `{"VERSION": "2"}`, `{"OPTIONS": {"CLIENT_CLASS_KWARGS": []}}`,
	} {
		_, err := config.ParseEntry([]byte(bad))
		require.Error(t, err, bad)
		require.True(t, errors.Is(err, config.ErrConfig), "%s: %v", bad, err)
	}
}

// The seed document's example with REDIS_USER, REDIS_PASS, REDIS_HOST and
// REDIS_PORT unset: Python's f-string writes None for each. The reference
// fails on it with urlparse's ValueError "Port could not be cast to integer
// value as 'None'" before anything else is read.
func TestResolveSeedExampleUnset(t *testing.T) {
	seed := func(location string) []byte {
		return []byte(`{
		"BACKEND": "django_redis.cache.RedisCache",
		"LOCATION": "` + location + `",
		"KEY_PREFIX": "svc",
		"OPTIONS": {
			"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
			"CLIENT_CLASS_KWARGS": {
				"clustered": false,
				"ssl": true,
				"ssl_keyfile": "/etc/path/redis.key",
				"ssl_certfile": "/etc/path/redis.cert",
				"ssl_cert_reqs": "required",
				"ssl_ca_certs": "/etc/path/redis_ca.cert",
				"ssl_check_hostname": false}}}`)
	}
	e, err := config.ParseEntry(seed("redis://None:None@None:None"))
	require.NoError(t, err)
	resolveErr(t, e, []string{"LOCATION", "redis://None:********@None:None", "port"})

	// With only the port set the URL parses and, as in the reference, the
	// unreadable certificate is the first error.
	e, err = config.ParseEntry(seed("redis://None:None@None:6379"))
	require.NoError(t, err)
	resolveErr(t, e, []string{"ssl_certfile", "/etc/path/redis.cert"})

	// The seed's clustered_hosts placeholder is refused, naming it.
	e.Options.ClientClassKwargs["clustered_hosts"] = "<host 1>:<port>,<host 2>:<port>,[...],<host N>:<port>"
	resolveErr(t, e, []string{"clustered_hosts", `"<host 1>:<port>"`, `"[...]"`, `"<host N>:<port>"`})
}

// The cases of django-ansible-base's test_app/tests/lib/redis/test_client.py
// that are about configuration, with the reference's outcome unless noted.
func TestResolveReferenceCases(t *testing.T) {
	standaloneOn := func(host string, port int) func(*testing.T, config.Options) {
		return func(t *testing.T, o config.Options) {
			require.Equal(t, config.ModeStandalone, o.Mode)
			require.Equal(t, host, o.Host)
			require.Equal(t, port, o.Port)
		}
	}
	seeds := func(nodes ...config.Node) func(*testing.T, config.Options) {
		return func(t *testing.T, o config.Options) {
			require.Equal(t, config.ModeCluster, o.Mode)
			require.Equal(t, nodes, o.StartupNodes)
		}
	}
	conn := func(host string, port int, user, pass string, db int, socket string) func(*testing.T, config.Options) {
		return func(t *testing.T, o config.Options) {
			require.Equal(t, []any{host, port, user, pass, db, socket},
				[]any{o.Host, o.Port, o.Username, o.Password, o.DB, o.UnixSocketPath})
		}
	}
	cases := []struct {
		name, location string
		kwargs         kw
		check          func(*testing.T, config.Options) // nil: a configuration error
	}{
		{"init: no kwargs", "redis://localhost", nil, standaloneOn("localhost", 6379)},
		{"init: URL host beats kwargs", "redis://localhost", kw{"host": "b"}, standaloneOn("localhost", 6379)},
		{"init: mode standalone", "redis://localhost", kw{"mode": "standalone"}, standaloneOn("localhost", 6379)},
		{"init: cluster of redis_hosts", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:1"}, seeds(config.Node{Host: "a", Port: 1})},
		{"init: empty redis_hosts", "redis://localhost", kw{"redis_hosts": ""}, standaloneOn("localhost", 6379)},
		{"init: redis_hosts in standalone", "redis://localhost", kw{"redis_hosts": "a:1"}, standaloneOn("localhost", 6379)},
		// The reference raises RedisClusterException (no node to start from).
		{"cluster with no hosts", "file://localhost", kw{"mode": "cluster"}, nil},
		{"location: no scheme", "localhost", kw{"mode": "standalone"}, nil},
		{"location: full", "redis://my_mom:her_pass@example.com:1234/1", nil, conn("example.com", 1234, "my_mom", "her_pass", 1, "")},
		{"location: no port", "redis://my_mom:her_pass@example.com/1", nil, conn("example.com", 6379, "my_mom", "her_pass", 1, "")},
		{"location: user only", "redis://my_mom@example.com/", nil, conn("example.com", 6379, "my_mom", "", 0, "")},
		{"location: password only", "redis://:her_pass@example.com/", nil, conn("example.com", 6379, "", "her_pass", 0, "")},
		{"location: db not a number", "redis://example.com:1234/a", nil, conn("example.com", 1234, "", "", 0, "")},
		{"location: unix", "unix:///var/temp/my.socket", nil, conn("localhost", 6379, "", "", 0, "/var/temp/my.socket")},
		// The reference hands db='junk' and port='junk' to redis-py; we
		// convert every keyword, so they are refused here.
		{"location: unix db junk", "unix:///var/temp/my.socket?db=junk", nil, nil},
		{"location: file db junk", "file:///var/temp/my.socket?db=junk", nil, nil},
		{"location: file port junk", "file:///var/temp/my.socket?port=junk", nil, nil},
		{"location: file password", "file:///var/temp/my.socket?password=junk", nil, conn("localhost", 6379, "", "junk", 0, "/var/temp/my.socket")},
		{"connection type: cluster", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:1"}, seeds(config.Node{Host: "a", Port: 1})},
		{"connection type: standalone", "redis://localhost", kw{"mode": "standalone", "redis_hosts": "a:1"}, standaloneOn("localhost", 6379)},
		{"cluster from url", "redis://example.com:1234", kw{"mode": "cluster", "redis_hosts": ""}, seeds(config.Node{Host: "example.com", Port: 1234})},
		{"hosts parsing: True", "redis://localhost", kw{"mode": "cluster", "redis_hosts": true}, nil},
		{"hosts parsing: 1", "redis://localhost", kw{"mode": "cluster", "redis_hosts": 1.0}, nil},
		{"hosts parsing: a:1", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:1"}, seeds(config.Node{Host: "a", Port: 1})},
		{"hosts parsing: a:1,b:1", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:1,b:1"},
			seeds(config.Node{Host: "a", Port: 1}, config.Node{Host: "b", Port: 1})},
		{"hosts parsing: a:b", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a:b"}, nil},
		{"hosts parsing: a,b,c", "redis://localhost", kw{"mode": "cluster", "redis_hosts": "a,b,c"}, nil},
		{"read files", "redis://localhost", kw{"ssl_certfile": "/tmp/junk.does.not.exist", "ssl": true}, nil},
		{"read files no tls", "redis://localhost", kw{"mode": "standalone", "ssl_certfile": "/tmp/junk.does.not.exist"}, standaloneOn("localhost", 6379)},
		{"ssl settings empty strings", "redis://localhost", kw{"mode": "standalone", "ssl_certfile": ""},
			func(t *testing.T, o config.Options) { require.Empty(t, o.SSLCertfile) }},
		// The reference passes unknown keys on to redis.Redis; we refuse them.
		{"ssl settings empty strings, other setting", "redis://localhost", kw{"ssl_certfile": "", "some_other_setting": 4.0}, nil},
		{"tls from rediss", "rediss://localhost", kw{"mode": "standalone"}, func(t *testing.T, o config.Options) { require.True(t, o.SSL) }},
		// The reference skips URL parsing for an empty URL; LOCATION is required here.
		{"client without url", "", kw{"mode": "cluster", "redis_hosts": "localhost:6370"}, nil},
		{"status: junk mode", "redis://localhost", kw{"mode": "junk"}, nil},
		{"standalone removes cluster settings", "rediss://localhost", kw{"mode": "standalone", "cluster_error_retry_attempts": 4.0},
			func(t *testing.T, o config.Options) {
				require.Equal(t, "localhost", o.Host)
				require.NotEqual(t, 4, o.ClusterErrorRetryAttempts)
				require.Contains(t, o.Ignored, "cluster_error_retry_attempts")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := config.Resolve(entry(c.location, "", c.kwargs))
			if c.check == nil {
				require.Error(t, err)
				require.True(t, errors.Is(err, config.ErrConfig), "%v", err)
				return
			}
			require.NoError(t, err)
			c.check(t, o)
		})
	}
}

// Resolve must not change the caller's settings (the reference deep-copies).
func TestResolveKeepsKwargs(t *testing.T) {
	kwargs := kw{"mode": "standalone", "redis_hosts": "a:1", "clustered": false, "ssl_certfile": ""}
	before := merge(kwargs, nil)
	_, err := config.Resolve(entry("rediss://u:p@localhost/1?socket_timeout=2", "", kwargs))
	require.NoError(t, err)
	require.Equal(t, before, kwargs)
}

// A TIMEOUT beyond time.Duration's range (about 292 years) means "very long",
// as it does to Django, not a negative duration that deletes on every set.
func TestParseEntryHugeTimeout(t *testing.T) {
	e, err := config.ParseEntry([]byte(`{"LOCATION": "redis://h", "TIMEOUT": 1e10}`))
	require.NoError(t, err)
	require.False(t, e.Timeout.IsNever())
	require.Greater(t, e.Timeout.Duration(), 200*365*24*time.Hour)
	require.LessOrEqual(t, config.ExpireSeconds(-1e12).Duration(), time.Duration(0), "a huge negative timeout expires at once")
}

func TestResolveBusyPoll(t *testing.T) {
	for _, bad := range []any{"fast", -1, 1.5, 1001, true} {
		e := entry("redis://u:secret1@h", "", nil)
		e.Options.BusyPoll = bad
		resolveErr(t, e, []string{"OPTIONS.BUSY_POLL", fmt.Sprint(bad)}, "secret1")
	}
	for _, good := range []any{nil, 0, 0.0, 50, 1000.0} {
		e := entry("redis://h", "", nil)
		e.Options.BusyPoll = good
		_, err := config.Resolve(e)
		require.NoError(t, err, "%v", good)
	}
}
