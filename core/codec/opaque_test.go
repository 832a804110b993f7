package codec

import (
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Pickles of datetime.datetime(2024, 1, 1, tzinfo=...) by Python 3.11; the
// pytz ones from a stand-in module with pytz's __reduce__ (pytz._p, args).
var zonedDateTimes = map[string]struct {
	hex   string
	proto int
	pytz  Tuple
}{
	"zoneinfo protocol 4": {"8004957e000000000000008c086461746574696d65948c086461746574696d65949394430a07e80101000000000000948c086275696c74696e73948c07676574617474729493948c087a6f6e65696e666f948c085a6f6e65496e666f9493948c095f756e7069636b6c6594869452948c0c4575726f70652f5061726973944b0186945294869452942e", 4, nil},
	"pytz protocol 4":     {"80049557000000000000008c086461746574696d65948c086461746574696d65949394430a07e80101000000000000948c047079747a948c025f70949394288c0c4575726f70652f5061726973944d100e4b008c034345549474945294869452942e", 4, Tuple{"Europe/Paris", int64(3600), int64(0), "CET"}},
	"pytz protocol 2":     {"8002636461746574696d650a6461746574696d650a7100635f636f646563730a656e636f64650a7101580b00000007c3a80101000000000000710258060000006c6174696e317103867104527105637079747a0a5f700a710628580c0000004575726f70652f506172697371074d100e4b005803000000434554710874710952710a86710b52710c2e", 2, Tuple{"Europe/Paris", int64(3600), int64(0), "CET"}},
}

// A datetime with a zoneinfo or pytz zone reads as a DateTime in that zone,
// its name kept, and is written back as Python wrote it.
func TestZonedDateTimes(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	for name, tc := range zonedDateTimes {
		c := mustCodec(t, "", "", map[string]any{"PICKLE_VERSION": tc.proto})
		raw, err := hex.DecodeString(tc.hex)
		require.NoError(t, err)
		v, err := c.Decode(raw)
		require.NoError(t, err, name)
		dt, ok := v.(DateTime)
		require.True(t, ok, "%s: %T", name, v)
		require.True(t, dt.Aware && dt.Zone == "Europe/Paris", name)
		require.Equal(t, tc.pytz, dt.Pytz, name)
		require.True(t, dt.Time.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, paris)), "%s: %v", name, dt.Time)
		back, err := c.Encode(v)
		require.NoError(t, err, name)
		require.Equal(t, hex.EncodeToString(raw), hex.EncodeToString(back), name)
	}
}

// A time with a zone, which the types cannot carry, is an Object view in
// an Opaque written back byte for byte.
func TestZonedTimeIsAnObject(t *testing.T) {
	raw, err := hex.DecodeString("8002636461746574696d650a74696d650a7100635f636f646563730a656e636f64650a71015806000000010200000000710258060000006c6174696e317103867104527105635f5f6275696c74696e5f5f0a676574617474720a7106637a6f6e65696e666f0a5a6f6e65496e666f0a710758090000005f756e7069636b6c65710886710952710a5803000000555443710b4b0186710c52710d86710e52710f2e")
	require.NoError(t, err)
	c := mustCodec(t, "", "", nil)
	v, err := c.Decode(raw)
	require.NoError(t, err)
	o, ok := v.(Opaque)
	require.True(t, ok, "%T", v)
	require.Equal(t, "datetime.time", o.Class)
	obj := o.Value.(Object)
	require.Equal(t, []byte{1, 2, 0, 0, 0, 0}, obj.Args[0])
	zone := obj.Args[1].(Object)
	require.Equal(t, Tuple{"UTC", int64(1)}, zone.Args)
	require.Equal(t, Object{Class: Global{"builtins", "getattr"}, Args: Tuple{Global{"zoneinfo", "ZoneInfo"}, "_unpickle"}}, zone.Class)
	back, err := c.Encode(v)
	require.NoError(t, err)
	require.Equal(t, raw, back)
}

// An Opaque is a pickle: other serializers refuse it, and a pickle entry
// compresses it like any value so django-redis reads it back.
func TestOpaqueFollowsTheEntryCodec(t *testing.T) {
	raw := []byte("\x80\x02cmyapp.models\nThing\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00aq\x03K\x01sb.")
	c := mustCodec(t, "", compressorPaths["zlib"], nil)
	o, err := c.Decode(raw)
	require.NoError(t, err)
	for _, ser := range []string{serializerPaths["json"], serializerPaths["msgpack"]} {
		_, err := mustCodec(t, ser, "", nil).Encode(o)
		require.ErrorIs(t, err, ErrUnsupported, ser)
	}
	stored, err := c.Encode(o)
	require.NoError(t, err)
	require.NotEqual(t, raw, stored, "a pickle entry with zlib stores it compressed")
	back, err := c.Decode(stored)
	require.NoError(t, err)
	require.Equal(t, o, back)
	out, err := exec.Command(python(t), "-c", `import sys, types, zlib, pickle
from django_redis.compressors.zlib import ZlibCompressor
from django_redis.serializers.pickle import PickleSerializer
class Thing: pass
sys.modules["myapp"] = types.ModuleType("myapp")
sys.modules["myapp.models"] = types.ModuleType("myapp.models")
sys.modules["myapp.models"].Thing = Thing
Thing.__module__ = "myapp.models"
print(vars(PickleSerializer({}).loads(ZlibCompressor({}).decompress(bytes.fromhex(sys.argv[1])))))`,
		hex.EncodeToString(stored)).CombinedOutput()
	require.NoError(t, err, string(out))
	require.Equal(t, "{'a': 1}", strings.TrimSpace(string(out)))
}

// Protocols 0 and 1 write a plain object as copy_reg._reconstructor(cls,
// object, None) and its __dict__ (here myapp.models.Thing with a = 1, by
// Python 3.11): the same Object view as NEWOBJ gives at protocol 2.
func TestLowProtocolObjectIsAnObject(t *testing.T) {
	c := mustCodec(t, "", "", nil)
	want := Object{Class: Global{"myapp.models", "Thing"}, Args: Tuple{}, NewObj: true, State: Dict{{"a", int64(1)}}}
	for _, p := range []string{
		"ccopy_reg\n_reconstructor\np0\n(cmyapp.models\nThing\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVa\np6\nI1\nsb.",
		"ccopy_reg\n_reconstructor\nq\x00(cmyapp.models\nThing\nq\x01c__builtin__\nobject\nq\x02Ntq\x03Rq\x04}q\x05X\x01\x00\x00\x00aq\x06K\x01sb.",
		"\x80\x02cmyapp.models\nThing\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00aq\x03K\x01sb.",
	} {
		v, err := c.Decode([]byte(p))
		require.NoError(t, err)
		require.Equal(t, Opaque{Class: "myapp.models.Thing", Raw: []byte(p), Value: want}, v)
		back, err := c.Encode(v)
		require.NoError(t, err)
		require.Equal(t, []byte(p), back)
	}
	for proto, p := range map[int]string{
		0: "ccopy_reg\n_reconstructor\np0\n(cmyapp.models\nThing\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVa\np6\nI1\nsb.",
		1: "ccopy_reg\n_reconstructor\nq\x00(cmyapp.models\nThing\nq\x01c__builtin__\nobject\nq\x02Ntq\x03Rq\x04}q\x05X\x01\x00\x00\x00aq\x06K\x01sb.",
		2: "\x80\x02cmyapp.models\nThing\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00aq\x03K\x01sb.",
	} {
		enc, err := mustCodec(t, "", "", map[string]any{"PICKLE_VERSION": proto}).Encode(want)
		require.NoError(t, err)
		require.Equal(t, p, string(enc), "the view written anew at protocol %d", proto)
	}
}
