package codec

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// Compress and Decompress are django-redis's compressor steps alone: zlib
// leaves values of up to 15 bytes as they are, and decode reads bytes that
// are not zlib's as stored uncompressed.
func TestCompressDecompress(t *testing.T) {
	z, err := New("", "django_redis.compressors.zlib.ZlibCompressor", nil)
	require.NoError(t, err)
	long := bytes.Repeat([]byte("abc"), 100)
	packed, err := z.Compress(long)
	require.NoError(t, err)
	require.Less(t, len(packed), len(long))
	got, err := z.Decompress(packed)
	require.NoError(t, err)
	require.Equal(t, long, got)
	short := []byte("fifteen bytes!!")
	packed, err = z.Compress(short)
	require.NoError(t, err)
	require.Equal(t, short, packed, "at most min_length: stored as it is")
	got, err = z.Decompress([]byte("\x80\x04N."))
	require.NoError(t, err)
	require.Equal(t, []byte("\x80\x04N."), got, "not zlib's: stored uncompressed")

	id, err := New("", "", nil)
	require.NoError(t, err)
	packed, err = id.Compress(long)
	require.NoError(t, err)
	require.Equal(t, long, packed)
	m, err := id.EncodeSerialized(int64(1))
	require.NoError(t, err)
	require.Equal(t, []byte("\x80\x04K\x01."), m)
	e, err := id.Encode(int64(1))
	require.NoError(t, err)
	require.Equal(t, []byte("1"), e)
}
