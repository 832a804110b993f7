package codec

import (
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Pickles of datetime.datetime(2024, 1, 1, tzinfo=...) by Python 3.11; the
// pytz ones from a stand-in module with pytz's __reduce__ (pytz._p, args).
var zonedDateTimes = map[string]struct{ hex, class string }{
	"zoneinfo protocol 4":      {"8004957e000000000000008c086461746574696d65948c086461746574696d65949394430a07e80101000000000000948c086275696c74696e73948c07676574617474729493948c087a6f6e65696e666f948c085a6f6e65496e666f9493948c095f756e7069636b6c6594869452948c0c4575726f70652f5061726973944b0186945294869452942e", "zoneinfo.ZoneInfo"},
	"zoneinfo time protocol 2": {"8002636461746574696d650a74696d650a7100635f636f646563730a656e636f64650a71015806000000010200000000710258060000006c6174696e317103867104527105635f5f6275696c74696e5f5f0a676574617474720a7106637a6f6e65696e666f0a5a6f6e65496e666f0a710758090000005f756e7069636b6c65710886710952710a5803000000555443710b4b0186710c52710d86710e52710f2e", "zoneinfo.ZoneInfo"},
	"pytz protocol 4":          {"80049557000000000000008c086461746574696d65948c086461746574696d65949394430a07e80101000000000000948c047079747a948c025f70949394288c0c4575726f70652f5061726973944d100e4b008c034345549474945294869452942e", "pytz._p"},
	"pytz protocol 2":          {"8002636461746574696d650a6461746574696d650a7100635f636f646563730a656e636f64650a7101580b00000007c3a80101000000000000710258060000006c6174696e317103867104527105637079747a0a5f700a710628580c0000004575726f70652f506172697371074d100e4b005803000000434554710874710952710a86710b52710c2e", "pytz._p"},
}

// A datetime whose tzinfo is not a fixed offset is kept whole as Opaque
// and written back byte for byte.
func TestZonedDateTimeIsOpaque(t *testing.T) {
	c := mustCodec(t, "", "", nil)
	for name, tc := range zonedDateTimes {
		raw, err := hex.DecodeString(tc.hex)
		require.NoError(t, err)
		v, err := c.Decode(raw)
		require.NoError(t, err, name)
		require.Equal(t, Opaque{Class: tc.class, Raw: raw}, v, name)
		back, err := c.Encode(v)
		require.NoError(t, err, name)
		require.Equal(t, raw, back, name)
	}
}

// getattr is kept as data only for a classmethod of a bare class; on an
// allow-listed object or a dunder name it could reach code.
func TestGetattrOutsideClassmethodsIsUnsafe(t *testing.T) {
	for _, p := range []string{
		"\x80\x02c__builtin__\ngetattr\ncmyapp\nModel\nX\x08\x00\x00\x00__init__\x86R.",
		"\x80\x02c__builtin__\ngetattr\ncdecimal\nDecimal\nX\x01\x00\x00\x00x\x86R.",
		"\x80\x02c__builtin__\ngetattr\ncmyapp\nf\n)RX\x01\x00\x00\x00x\x86R.",
	} {
		_, err := mustCodec(t, "", "", nil).Decode([]byte(p))
		require.ErrorIs(t, err, ErrUnsafePickle, "%q", p)
	}
}

// An Opaque is a pickle: other serializers refuse it, and a pickle entry
// compresses it like any value so django-redis reads it back.
func TestOpaqueFollowsTheEntryCodec(t *testing.T) {
	raw, err := hex.DecodeString(zonedDateTimes["zoneinfo protocol 4"].hex)
	require.NoError(t, err)
	o := Opaque{Class: "zoneinfo.ZoneInfo", Raw: raw}
	for _, ser := range []string{serializerPaths["json"], serializerPaths["msgpack"]} {
		_, err := mustCodec(t, ser, "", nil).Encode(o)
		require.ErrorIs(t, err, ErrUnsupported, ser)
	}
	c := mustCodec(t, "", compressorPaths["zlib"], nil)
	stored, err := c.Encode(o)
	require.NoError(t, err)
	require.NotEqual(t, raw, stored, "a pickle entry with zlib stores it compressed")
	back, err := c.Decode(stored)
	require.NoError(t, err)
	require.Equal(t, o, back)
	out, err := exec.Command(python(t), "-c", `import sys, zlib, pickle
from django_redis.compressors.zlib import ZlibCompressor
from django_redis.serializers.pickle import PickleSerializer
print(repr(PickleSerializer({}).loads(ZlibCompressor({}).decompress(bytes.fromhex(sys.argv[1])))))`,
		hex.EncodeToString(stored)).CombinedOutput()
	require.NoError(t, err, string(out))
	require.Equal(t, "datetime.datetime(2024, 1, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='Europe/Paris'))", strings.TrimSpace(string(out)))
}

// Protocols 0 and 1 write a plain object as copy_reg._reconstructor(cls,
// object, None) and its __dict__ (here myapp.models.Thing with a = 1, by
// Python 3.11): Opaque, as at the protocols that write NEWOBJ, not refused.
func TestLowProtocolObjectIsOpaque(t *testing.T) {
	c := mustCodec(t, "", "", nil)
	for _, p := range []string{
		"ccopy_reg\n_reconstructor\np0\n(cmyapp.models\nThing\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVa\np6\nI1\nsb.",
		"ccopy_reg\n_reconstructor\nq\x00(cmyapp.models\nThing\nq\x01c__builtin__\nobject\nq\x02Ntq\x03Rq\x04}q\x05X\x01\x00\x00\x00aq\x06K\x01sb.",
	} {
		v, err := c.Decode([]byte(p))
		require.NoError(t, err)
		require.Equal(t, Opaque{Class: "myapp.models.Thing", Raw: []byte(p)}, v)
		back, err := c.Encode(v)
		require.NoError(t, err)
		require.Equal(t, []byte(p), back)
	}
}
