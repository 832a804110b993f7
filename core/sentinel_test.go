package core_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

const (
	sentinelFactory = "django_redis.pool.SentinelConnectionFactory"
	sentinelClient  = "django_redis.client.SentinelClient"
)

// sentinelSet is one of testenv's two Sentinel sets, by the prefix of its
// variables: RC_TEST_SENTINEL_SERVICE, RC_TEST_SENTINELS, ..._PRIMARY,
// ..._REPLICA. Everything in the TLS set requires the test CA's client
// certificate.
type sentinelSet string

const (
	plainSentinels sentinelSet = "RC_TEST_SENTINEL"
	tlsSentinels   sentinelSet = "RC_TEST_TLS_SENTINEL"
)

func (s sentinelSet) env(t testing.TB, suffix string) string { return env(t, string(s)+suffix) }

// server is a plain go-redis client of one of the set's servers.
func (s sentinelSet) server(t *testing.T, addr string) *redis.Client {
	if s != tlsSentinels {
		return clPlainClient(t, addr)
	}
	pair, err := tls.LoadX509KeyPair(cert(t, "client.crt"), cert(t, "client.key"))
	require.NoError(t, err)
	ca, err := os.ReadFile(cert(t, "ca.crt"))
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(ca))
	rdb := redis.NewClient(&redis.Options{
		Addr: addr, DialTimeout: time.Second, ReadTimeout: time.Second, MaxRetries: -1, DisableIdentity: true,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots, MinVersion: tls.VersionTLS12},
	})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// sentinelList is a set's sentinels as OPTIONS.SENTINELS.
func sentinelList(t testing.TB, set sentinelSet) []any {
	var list []any
	for _, addr := range strings.Split(set.env(t, "S"), ",") {
		host, port, ok := strings.Cut(addr, ":")
		require.True(t, ok, addr)
		list = append(list, []any{host, port})
	}
	return list
}

// sentinelEntry is an entry of a shared Sentinel set; client "" is
// DefaultClient, with the factory in OPTIONS. On the TLS set, TLS and the
// client certificate go to the sentinels (SENTINEL_KWARGS) and to the
// servers (CONNECTION_POOL_KWARGS), as django-redis takes them.
func sentinelEntry(t testing.TB, set sentinelSet, prefix, client string) core.Entry {
	e := core.Entry{
		Location:  "redis://" + set.env(t, "_SERVICE") + "/0",
		KeyPrefix: prefix,
		Options:   core.EntryOptions{ClientClass: client, Sentinels: sentinelList(t, set)},
	}
	if client == "" {
		e.Options.ConnectionFactory = sentinelFactory
	}
	if set == tlsSentinels {
		e.Options.SentinelKwargs = tlsKwargs(t)
		e.Options.ConnectionPoolKwargs = tlsKwargs(t)
	}
	return e
}

func TestSentinelClientNeedsTheFactory(t *testing.T) {
	e := core.Entry{Location: "redis://svc/0", Options: core.EntryOptions{ClientClass: sentinelClient, Sentinels: []any{[]any{"127.0.0.1", 1}}}}
	_, err := core.Resolve(e)
	require.ErrorIs(t, err, core.ErrConfig)
	require.Contains(t, err.Error(), `DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"`)
	_, err = core.Open(e)
	require.ErrorIs(t, err, core.ErrConfig)

	s, err := core.ParseSettings([]byte(`{"DJANGO_REDIS_CONNECTION_FACTORY": "` + sentinelFactory + `"}`))
	require.NoError(t, err)
	o, err := core.ResolveWith(e, s)
	require.NoError(t, err)
	require.Equal(t, core.BackendSentinel, o.Backend)

	// The entry's own factory wins over the setting, as in django-redis.
	e.Options.ConnectionFactory = "django_redis.pool.ConnectionFactory"
	_, err = core.ResolveWith(e, s)
	require.ErrorIs(t, err, core.ErrConfig)
	require.Contains(t, err.Error(), "needs the Django setting")

	s.ConnectionFactory = "myapp.Factory"
	e.Options.ConnectionFactory = ""
	_, err = core.ResolveWith(e, s)
	require.ErrorContains(t, err, `DJANGO_REDIS_CONNECTION_FACTORY = "myapp.Factory"`)
}

// Live, on the shared Sentinel set: SentinelClient writes to the master and
// reads from the replica, as django-redis sends them.
func TestSentinelClientRoundTrip(t *testing.T) {
	for _, set := range []sentinelSet{plainSentinels, tlsSentinels} {
		t.Run(string(set), func(t *testing.T) { sentinelClientRoundTrip(t, set) })
	}
}

func sentinelClientRoundTrip(t *testing.T, set sentinelSet) {
	ctx := context.Background()
	prefix := "sentinel-" + ctNonce(t)
	name := "rc-" + prefix
	e := sentinelEntry(t, set, prefix, sentinelClient)
	e.Location += "?client_name=" + name
	s := core.Settings{ConnectionFactory: sentinelFactory}
	c, err := core.OpenWith(e, s)
	require.NoError(t, err)
	defer c.Close()

	require.NoError(t, c.Set(ctx, "k", []byte("v"), core.ExpireAfter(time.Minute)))
	primary := set.server(t, set.env(t, "_PRIMARY"))
	replica := set.server(t, set.env(t, "_REPLICA"))
	got, err := primary.Get(ctx, c.MakeKey("k")).Result()
	require.NoError(t, err)
	require.Equal(t, "v", got)
	require.NoError(t, primary.Do(ctx, "WAIT", 1, 2000).Err())

	v, found, err := c.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "v", string(v))
	// The read's connection is the replica's; the write's the primary's.
	replicaClients, err := replica.ClientList(ctx).Result()
	require.NoError(t, err)
	require.Contains(t, replicaClients, "name="+name+" ")
	primaryClients, err := primary.ClientList(ctx).Result()
	require.NoError(t, err)
	require.Contains(t, primaryClients, "name="+name+" ")

	n, err := c.Incr(ctx, "counter", 1)
	require.ErrorIs(t, err, core.ErrNotFound)
	_ = n
	h, err := c.Health(ctx)
	require.NoError(t, err)
	require.Equal(t, "good", h.Status)
}

// A sentinel that accepts connections and never answers costs its own
// socket_timeout (SENTINEL_KWARGS), not the master's.
func TestSentinelOwnTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // held open, never answered
		}
	}()
	host, port, _ := net.SplitHostPort(l.Addr().String())
	for _, c := range []struct {
		master, sentinel float64
	}{{3, 0.3}, {0.3, 1.5}} {
		e := core.Entry{Location: "redis://svc/0", Options: core.EntryOptions{
			ClientClass: sentinelClient, ConnectionFactory: sentinelFactory,
			Sentinels:      []any{[]any{host, port}},
			SocketTimeout:  c.master,
			SentinelKwargs: map[string]any{"socket_timeout": c.sentinel},
		}}
		cache := open(t, e)
		start := time.Now()
		err := cache.Set(context.Background(), "k", []byte("v"), core.NeverExpire)
		took := time.Since(start)
		require.ErrorIs(t, err, core.ErrConnection)
		t.Logf("master socket_timeout %v s, the sentinel's %v s: failed after %v", c.master, c.sentinel, took)
		want := time.Duration(c.sentinel * float64(time.Second))
		require.GreaterOrEqual(t, took, want-50*time.Millisecond)
		require.Less(t, took, want+time.Second)
	}
}

// On the TLS set, an entry without TLS or without the client certificate
// fails on its first call with a connection error, as redis-py's does: the
// sentinels or the servers hang up on it.
func TestSentinelTLSRefused(t *testing.T) {
	withoutCert := tlsKwargs(t)
	delete(withoutCert, "ssl_certfile")
	delete(withoutCert, "ssl_keyfile")
	for name, change := range map[string]func(*core.EntryOptions){
		"no TLS to the sentinels":          func(o *core.EntryOptions) { o.SentinelKwargs = nil },
		"no TLS to the servers":            func(o *core.EntryOptions) { o.ConnectionPoolKwargs = nil },
		"no client certificate to servers": func(o *core.EntryOptions) { o.ConnectionPoolKwargs = withoutCert },
	} {
		t.Run(name, func(t *testing.T) {
			e := sentinelEntry(t, tlsSentinels, "sentinel-"+ctNonce(t), "")
			change(&e.Options)
			c := open(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := c.Set(ctx, "k", []byte("v"), core.NeverExpire)
			require.ErrorIs(t, err, core.ErrConnection)
			t.Log(err)
		})
	}
}
