package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadSettingFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(good, []byte("pem"), 0o600))
	data, err := ReadSettingFile("ssl_ca_certs", good)
	require.NoError(t, err)
	require.Equal(t, "pem", string(data))

	// At the cap exactly is still read; a symlink to a regular file is fine.
	limit := filepath.Join(dir, "limit.pem")
	require.NoError(t, os.WriteFile(limit, nil, 0o600))
	require.NoError(t, os.Truncate(limit, maxSettingFile))
	link := filepath.Join(dir, "link.pem")
	require.NoError(t, os.Symlink(limit, link))
	data, err = ReadSettingFile("ssl_ca_certs", link)
	require.NoError(t, err)
	require.Len(t, data, maxSettingFile)

	_, err = ReadSettingFile("ssl_ca_certs", filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, ErrConfig)
	require.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
	require.Contains(t, err.Error(), "no such file or directory")

	for path, kind := range map[string]string{"/dev/zero": "a device", dir: "a directory"} {
		_, err = ReadSettingFile("ssl_certfile", path)
		require.ErrorIs(t, err, ErrConfig)
		require.Contains(t, err.Error(), kind)
	}
}
