package config_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core/config"
	"github.com/stretchr/testify/require"
)

const (
	sentinelFactory = "django_redis.pool.SentinelConnectionFactory"
	sentinelClient  = "django_redis.client.SentinelClient"
)

func TestParseSettings(t *testing.T) {
	for _, empty := range []string{"", "null", "{}", ` {"DJANGO_REDIS_CONNECTION_FACTORY": null}`} {
		s, err := config.ParseSettings([]byte(empty))
		require.NoError(t, err, empty)
		require.Equal(t, config.Settings{}, s)
	}
	_, err := config.ParseSettings([]byte(`{"DJANGO_REDIS_CONNECTION_FACTORY": 3}`))
	require.ErrorIs(t, err, config.ErrConfig)
	_, err = config.ParseSettings([]byte(`{"SECRET_KEY": "x", "DJANGO_REDIS_SCAN_ITERSIZE": 10}`))
	require.ErrorIs(t, err, config.ErrConfig)
	require.Contains(t, err.Error(), "DJANGO_REDIS_SCAN_ITERSIZE, SECRET_KEY")
	_, err = config.ParseSettings([]byte(`[1]`))
	require.ErrorIs(t, err, config.ErrConfig)
}

// SentinelClient's string LOCATION is two servers: the master written to,
// the replicas read from; every password is masked however it is printed.
func TestResolveSentinel(t *testing.T) {
	e := config.Entry{
		Location: "redis://:m%40ster@MyService/2?socket_timeout=3&is_master=0",
		Options: config.EntryOptions{
			ClientClass: sentinelClient, ConnectionFactory: sentinelFactory,
			Sentinels:            []any{[]any{"127.0.0.1", 26379.0}, []any{"::1", "26380"}},
			SentinelKwargs:       map[string]any{"password": "s-secret", "socket_timeout": 0.5},
			ConnectionPoolKwargs: map[string]any{"ssl": true, "ssl_cert_reqs": "none"},
		},
	}
	o, err := config.Resolve(e)
	require.NoError(t, err)
	require.Equal(t, config.ModeSentinel, o.Mode)
	require.Equal(t, "myservice", o.ServiceName)
	require.Equal(t, config.RoleMaster, o.Role)
	require.Equal(t, "m@ster", o.Password)
	require.Equal(t, 2, o.DB)
	require.True(t, o.SSL)
	require.Equal(t, []config.Node{{Host: "127.0.0.1", Port: 26379}, {Host: "::1", Port: 26380}}, o.Sentinels)
	require.Len(t, o.Replicas, 1)
	require.Equal(t, config.RoleReplica, o.Replicas[0].Role)
	require.Equal(t, "s-secret", o.SentinelSettings.Password)
	require.False(t, o.SentinelSettings.SSL)
	require.Equal(t, 0.5, *o.SentinelSettings.SocketTimeout)

	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("o", "o", o)
	js, err := json.Marshal(o)
	require.NoError(t, err)
	for _, shown := range []string{fmt.Sprint(o), fmt.Sprintf("%#v", o), string(js), logged.String(), fmt.Sprint(e), e.Options.String()} {
		require.NotContains(t, shown, "s-secret")
		require.NotContains(t, shown, "m@ster")
		require.NotContains(t, shown, "m%40ster")
	}
	clear, err := o.JSONWithPassword()
	require.NoError(t, err)
	require.Contains(t, string(clear), `"s-secret"`)
	require.Contains(t, string(clear), `"m@ster"`)

	// Without SENTINEL_KWARGS the sentinels get the socket_* settings of
	// OPTIONS and the pool's, not the URL's, and no password.
	e.Options.SentinelKwargs = nil
	e.Options.SocketConnectTimeout = 2.0
	o, err = config.Resolve(e)
	require.NoError(t, err)
	require.Equal(t, "", o.SentinelSettings.Password)
	require.Equal(t, 5.0, *o.SentinelSettings.SocketTimeout)
	require.Equal(t, 2.0, *o.SentinelSettings.SocketConnectTimeout)
	require.Equal(t, 3.0, *o.SocketTimeout)
}

func TestResolveSentinelRefusals(t *testing.T) {
	base := func() config.Entry {
		return config.Entry{Location: "redis://svc/0", Options: config.EntryOptions{
			ClientClass: sentinelClient, ConnectionFactory: sentinelFactory, Sentinels: []any{[]any{"h", 1}},
		}}
	}
	for name, c := range map[string]struct {
		change func(*config.Entry)
		want   string
	}{
		"no sentinels":      {func(e *config.Entry) { e.Options.Sentinels = nil }, `OPTIONS.SENTINELS = "unset"`},
		"sentinel a string": {func(e *config.Entry) { e.Options.Sentinels = []any{"h:1"} }, "OPTIONS.SENTINELS[0]"},
		"sentinel port":     {func(e *config.Entry) { e.Options.Sentinels = []any{[]any{"h", 0}} }, "1-65535"},
		"rediss":            {func(e *config.Entry) { e.Location = "rediss://:pw-secret@svc/0" }, "SENTINEL_KWARGS"},
		"unix":              {func(e *config.Entry) { e.Location = "unix:///tmp/s.sock" }, "redis://service_name/db"},
		"no service":        {func(e *config.Entry) { e.Location = "redis:///0" }, "no service name"},
		"ssl string false":  {func(e *config.Entry) { e.Location = "redis://svc/0?ssl=false" }, "reads as true"},
		"kwargs not a dict": {func(e *config.Entry) { e.Options.SentinelKwargs = []any{1} }, "OPTIONS.SENTINEL_KWARGS"},
		"sentinel host":     {func(e *config.Entry) { e.Options.SentinelKwargs = map[string]any{"host": "x"} }, "OPTIONS.SENTINELS"},
		"sentinel unknown":  {func(e *config.Entry) { e.Options.SentinelKwargs = map[string]any{"nope": 1} }, "nope"},
		"pool class":        {func(e *config.Entry) { e.Options.ConnectionPoolClass = "redis.ConnectionPool" }, "OPTIONS.CONNECTION_POOL_CLASS"},
		"sentinel pool class, default factory": {func(e *config.Entry) {
			e.Options.ClientClass, e.Options.ConnectionFactory = "", ""
			e.Options.ConnectionPoolClass = "redis.sentinel.SentinelConnectionPool"
		}, "SentinelConnectionFactory"},
	} {
		t.Run(name, func(t *testing.T) {
			e := base()
			c.change(&e)
			_, err := config.Resolve(e)
			require.ErrorIs(t, err, config.ErrConfig)
			require.Contains(t, err.Error(), c.want)
			require.NotContains(t, err.Error(), "pw-secret")
		})
	}
}
