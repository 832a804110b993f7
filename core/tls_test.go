package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// tlsPassword is sent on the refused cases: the handshake fails before AUTH,
// and the error must still not show it.
const tlsPassword = "tls-Secret-9f3k"

// tlsRoundTrip sends a command and reads its answer: under TLS 1.3 a server that
// refuses the client's certificate lets the handshake finish and says so on
// the first read, so connecting alone proves nothing.
func tlsRoundTrip(t *testing.T, e core.Entry) error {
	t.Helper()
	c := open(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := "k-" + t.Name()
	if err := c.Set(ctx, key, []byte("v"), core.ExpireAfter(time.Minute)); err != nil {
		return err
	}
	v, ok, err := c.Get(ctx, key)
	if err != nil {
		return err
	}
	require.True(t, ok, "the value just written is missing")
	require.Equal(t, "v", string(v))
	return nil
}

// tlsWith is the client-certificate set with some settings changed; a nil
// value removes the setting.
func tlsWith(t *testing.T, changes map[string]any) map[string]any {
	kw := tlsKwargs(t)
	for k, v := range changes {
		if v == nil {
			delete(kw, k)
		} else {
			kw[k] = v
		}
	}
	return kw
}

func TestTLSAccepted(t *testing.T) {
	cases := []struct {
		name     string
		location string
		kwargs   map[string]any
	}{
		{"rediss", "rediss://" + env(t, "RC_TEST_TLS"), tlsWith(t, nil)},
		{"redis with ssl true", "redis://" + env(t, "RC_TEST_TLS"), tlsWith(t, nil)},
		{"min version TLSv1_3", "rediss://" + env(t, "RC_TEST_TLS"), tlsWith(t, map[string]any{"ssl_min_version": "TLSv1_3"})},
		// Without the name check the chain is still checked, and it is good.
		{"wrong host without hostname check", "rediss://" + env(t, "RC_TEST_TLS_WRONGHOST"),
			tlsWith(t, map[string]any{"ssl_check_hostname": false})},
		{"cert reqs none with the wrong CA", "rediss://" + env(t, "RC_TEST_TLS"),
			tlsWith(t, map[string]any{"ssl_cert_reqs": "none", "ssl_ca_certs": cert(t, "ca2.crt")})},
		{"cert reqs none with the wrong host", "rediss://" + env(t, "RC_TEST_TLS_WRONGHOST"),
			tlsWith(t, map[string]any{"ssl_cert_reqs": "none", "ssl_check_hostname": true})},
		{"cert reqs none with an expired server", "rediss://" + env(t, "RC_TEST_TLS_EXPIRED"),
			tlsWith(t, map[string]any{"ssl_cert_reqs": "none"})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tlsRoundTrip(t, entry(tc.location, "tls-ok", tc.kwargs)))
		})
	}
}

func TestTLSRefused(t *testing.T) {
	cases := []struct {
		name     string
		location string
		kwargs   map[string]any
		cause    []string // the error names one of these
	}{
		{"unknown CA", "rediss://" + env(t, "RC_TEST_TLS"),
			tlsWith(t, map[string]any{"ssl_ca_certs": cert(t, "ca2.crt")}),
			[]string{"certificate signed by unknown authority"}},
		{"no client certificate", "rediss://" + env(t, "RC_TEST_TLS"),
			tlsWith(t, map[string]any{"ssl_certfile": nil, "ssl_keyfile": nil}),
			[]string{"certificate required"}},
		{"client certificate from the wrong CA", "rediss://" + env(t, "RC_TEST_TLS"),
			tlsWith(t, map[string]any{"ssl_certfile": cert(t, "client-wrongca.crt"), "ssl_keyfile": cert(t, "client-wrongca.key")}),
			[]string{"unknown certificate authority"}},
		{"expired client certificate", "rediss://" + env(t, "RC_TEST_TLS"),
			tlsWith(t, map[string]any{"ssl_certfile": cert(t, "client-expired.crt"), "ssl_keyfile": cert(t, "client-expired.key")}),
			[]string{"expired certificate"}},
		{"expired server certificate", "rediss://" + env(t, "RC_TEST_TLS_EXPIRED"),
			tlsWith(t, nil),
			[]string{"expired"}},
		{"wrong host with hostname check", "rediss://" + env(t, "RC_TEST_TLS_WRONGHOST"),
			tlsWith(t, map[string]any{"ssl_check_hostname": true}),
			[]string{"x509: cannot validate certificate for 127.0.0.1"}},
		// Turning the name check off must not turn the chain check off.
		{"wrong host without hostname check, unknown CA", "rediss://" + env(t, "RC_TEST_TLS_WRONGHOST"),
			tlsWith(t, map[string]any{"ssl_check_hostname": false, "ssl_ca_certs": cert(t, "ca2.crt")}),
			[]string{"certificate signed by unknown authority"}},
		{"expired server without hostname check", "rediss://" + env(t, "RC_TEST_TLS_EXPIRED"),
			tlsWith(t, map[string]any{"ssl_check_hostname": false}),
			[]string{"expired"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.kwargs["password"] = tlsPassword
			err := tlsRoundTrip(t, entry(tc.location, "tls-refused", tc.kwargs))
			require.Error(t, err)
			require.ErrorIs(t, err, core.ErrConnection)
			require.NotContains(t, err.Error(), tlsPassword)
			require.Truef(t, tlsNamesAny(err.Error(), tc.cause), "error %q names none of %q", err, tc.cause)
		})
	}
}

// A TLS client on a plaintext port must fail with an error, within the
// connect timeout, rather than wait for a handshake that never comes.
func TestTLSClientOnPlainServer(t *testing.T) {
	kw := tlsWith(t, map[string]any{"socket_connect_timeout": 1, "password": tlsPassword})
	start := time.Now()
	err := tlsRoundTrip(t, entry("rediss://"+env(t, "RC_TEST_STANDALONE"), "tls-plain", kw))
	elapsed := time.Since(start)
	t.Logf("TLS client on a plain server failed after %v: %v", elapsed, err)
	require.Error(t, err)
	require.ErrorIs(t, err, core.ErrConnection)
	require.Contains(t, err.Error(), "tls")
	require.NotContains(t, err.Error(), tlsPassword)
	// One connect timeout per attempt (the standalone client resends once),
	// plus slack.
	require.Less(t, elapsed, 4*time.Second)
}

// Cluster nodes announce themselves by IP, so the name check needs IP SANs;
// every node must pass it, so the keys span all slots.
func TestTLSCluster(t *testing.T) {
	kw := tlsKwargs(t)
	kw["mode"] = "cluster"
	kw["redis_hosts"] = clusterHosts(t, "RC_TEST_TLS_CLUSTER")
	kw["ssl_check_hostname"] = true
	c := open(t, entry("rediss://"+firstHost(t, "RC_TEST_TLS_CLUSTER"), "tls-cluster", kw))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	items := map[string][]byte{}
	keys := []string{}
	for i := range 50 {
		k := "k" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		items[k] = []byte(k)
		keys = append(keys, k)
	}
	require.NoError(t, c.SetMany(ctx, items, core.ExpireAfter(time.Minute)))
	got, err := c.GetMany(ctx, keys)
	require.NoError(t, err)
	require.Equal(t, items, got)
	n, err := c.DeleteMany(ctx, keys)
	require.NoError(t, err)
	require.EqualValues(t, len(keys), n)
}

func tlsNamesAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// within runs f and fails the test if it has not returned after d, so that a
// read that blocks fails here instead of stalling the suite.
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		return nil
	}
}

// badSettingFiles are paths a certificate setting may name by mistake:
// endless devices, a FIFO without a writer, a directory, a sparse file past
// the size cap, and a file that does not exist.
func badSettingFiles(t *testing.T) map[string]string {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	sparse := filepath.Join(dir, "huge.pem")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(8<<20+1))
	require.NoError(t, f.Close())
	return map[string]string{
		"/dev/zero":    "/dev/zero",
		"/dev/urandom": "/dev/urandom",
		"fifo":         fifo,
		"directory":    dir,
		"oversized":    sparse,
		"missing":      filepath.Join(dir, "missing.pem"),
	}
}

// A certificate setting naming anything but a regular file of sane size is
// a configuration error naming the setting and the path, found at once both
// when the entry is resolved and when it is opened.
func TestTLSFilesNotRegular(t *testing.T) {
	for _, setting := range []string{"ssl_ca_certs", "ssl_certfile", "ssl_keyfile"} {
		for name, path := range badSettingFiles(t) {
			t.Run(setting+"/"+name, func(t *testing.T) {
				kw := tlsWith(t, map[string]any{setting: path, "password": tlsPassword})
				e := entry("rediss://"+env(t, "RC_TEST_TLS"), "tls-files", kw)
				for _, step := range []func() error{
					func() error { _, err := core.Resolve(e); return err },
					func() error {
						c, err := core.Open(e)
						if err == nil {
							c.Close()
						}
						return err
					},
				} {
					start := time.Now()
					err := within(t, 5*time.Second, step)
					require.Error(t, err)
					require.ErrorIs(t, err, core.ErrConfig)
					require.Contains(t, err.Error(), setting)
					require.Contains(t, err.Error(), fmt.Sprintf("%q", path))
					require.NotContains(t, err.Error(), tlsPassword)
					require.Less(t, time.Since(start), time.Second, "%v", err)
				}
			})
		}
	}
}
