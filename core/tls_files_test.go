package core

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tlsConfig reads the files itself when a client is made, whatever Resolve
// saw: it must refuse the same files, at once.
func TestTLSConfigFilesNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	sparse := filepath.Join(dir, "huge.pem")
	require.NoError(t, os.WriteFile(sparse, nil, 0o600))
	require.NoError(t, os.Truncate(sparse, 8<<20+1 /* past config.ReadSettingFile's cap */))
	cert := filepath.Join(dir, "cert.pem") // read before the key, never parsed here
	require.NoError(t, os.WriteFile(cert, []byte("not a certificate"), 0o600))

	for _, path := range []string{"/dev/zero", "/dev/urandom", fifo, dir, sparse, filepath.Join(dir, "missing")} {
		for _, o := range []Options{
			{SSL: true, SSLCACerts: path},
			{SSL: true, SSLCertfile: path},
			{SSL: true, SSLCertfile: cert, SSLKeyfile: path},
		} {
			done := make(chan error, 1)
			go func() { _, err := tlsConfig(o); done <- err }()
			select {
			case err := <-done:
				require.ErrorIs(t, err, ErrConfig)
				require.Contains(t, err.Error(), fmt.Sprintf("%q", path))
				setting := map[bool]string{true: "ssl_ca_certs", false: "ssl_certfile"}[o.SSLCACerts != ""]
				if o.SSLKeyfile != "" {
					setting = "ssl_keyfile"
				}
				require.True(t, strings.HasPrefix(err.Error(), "configuration error: "+setting+" = "), "%v", err)
			case <-time.After(5 * time.Second):
				t.Fatalf("tlsConfig(%+v) still running after 5s", o)
			}
		}
	}
}
