package codec

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustCodec(t testing.TB, ser, comp string, opts map[string]any) *Codec {
	t.Helper()
	c, err := New(ser, comp, opts)
	require.NoError(t, err)
	return c
}

// Every strict prefix of a valid pickle lacks its STOP: each must be an
// error, never a panic nor a partial value.
func TestTruncatedPicklesFail(t *testing.T) {
	c := mustCodec(t, "", "", nil)
	for name, v := range goldenValues() {
		if _, isInt := v.(int64); isInt {
			continue // ints are stored raw, not pickled
		}
		full, err := c.Encode(v)
		require.NoError(t, err, name)
		if full[0] != 0x80 {
			continue // a big int: raw digits
		}
		step := max(1, len(full)/200)
		for n := 0; n < len(full); n += step {
			_, err := c.Decode(full[:n])
			require.Error(t, err, "%s truncated to %d bytes", name, n)
		}
	}
}

// Pickles that would run a command in Python read as the Object of that
// call, nothing run: the marker file proves it.
func TestPicklesCallingCodeReadAsData(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	cmd := "touch " + marker
	protocol4Global := func(module, name string) []byte {
		b := []byte{0x80, 0x04, 0x8c, byte(len(module))}
		b = append(b, module...)
		b = append(b, 0x8c, byte(len(name)))
		b = append(b, name...)
		b = append(b, 0x93, 0x8c, byte(len(cmd)))
		b = append(b, cmd...)
		return append(b, 0x85, 'R', '.')
	}
	cases := map[string][]byte{
		"protocol 0 os.system":        []byte("cos\nsystem\n(S'" + cmd + "'\ntR."),
		"protocol 0 posix.system":     []byte("cposix\nsystem\n(S'" + cmd + "'\ntR."),
		"protocol 2 subprocess.Popen": []byte("\x80\x02csubprocess\nPopen\n(X" + string([]byte{byte(len(cmd)), 0, 0, 0}) + cmd + "\x85tR."),
		"protocol 4 builtins.eval":    protocol4Global("builtins", "eval"),
		"protocol 4 os.system":        protocol4Global("os", "system"),
		"protocol 4 builtins.getattr": protocol4Global("builtins", "getattr"),
		"protocol 4 os.path.join":     protocol4Global("os.path", "join"),
	}
	for _, comp := range []string{"", "django_redis.compressors.zlib.ZlibCompressor"} {
		c := mustCodec(t, "", comp, nil)
		for name, p := range cases {
			stored, err := c.comp.compressValue(p)
			require.NoError(t, err)
			v, err := c.Decode(stored)
			require.NoError(t, err, name)
			o, ok := v.(Opaque)
			require.True(t, ok, "%s: %T", name, v)
			require.Equal(t, p, o.Raw, name)
			obj, ok := o.Value.(Object)
			require.True(t, ok, "%s: %T", name, o.Value)
			if strings.Contains(name, "Popen") {
				require.Equal(t, Tuple{Tuple{cmd}}, obj.Args, name)
			} else {
				require.Equal(t, Tuple{cmd}, obj.Args, name)
			}
			require.Contains(t, []string{"posix.system", "subprocess.Popen", "builtins.eval", "os.system", "builtins.getattr", "os.path.join"}, obj.ClassName(), name)
		}
	}
	_, err := os.Stat(marker)
	require.True(t, os.IsNotExist(err), "a pickle read must never run")
}

// A pickled object of an unknown class (here the shape Django's
// Model.__reduce__ writes) decodes to Opaque and re-encodes byte for byte.
func TestUnknownClassIsOpaqueAndRoundTrips(t *testing.T) {
	model := []byte("\x80\x02cdjango.db.models.base\nmodel_unpickle\nq\x00X\x04\x00\x00\x00authq\x01X\x04\x00\x00\x00User" +
		"q\x02\x86q\x03\x85q\x04Rq\x05}q\x06X\x02\x00\x00\x00idq\x07K\x01sb.")
	c := mustCodec(t, "", "", nil)
	v, err := c.Decode(model)
	require.NoError(t, err)
	o, ok := v.(Opaque)
	require.True(t, ok, "got %T", v)
	require.Equal(t, "django.db.models.base.model_unpickle", o.Class)
	back, err := c.Encode(o)
	require.NoError(t, err)
	require.Equal(t, model, back)
}

// Each compressor's bomb (64 MiB of zeros) stops at the configured limit
// with ErrTooLarge, and decoding allocates at most the limit and a small
// constant (a reader's state), never a doubled buffer.
func TestDecompressionBombsAreBounded(t *testing.T) {
	const bombSize, limit = 64 << 20, 1 << 20
	zeros := make([]byte, bombSize)
	for path, comp := range compressors {
		comp = comp.forOneCodec(DefaultMaxDecodedSize)
		if comp.compress == nil { // identity
			continue
		}
		t.Run(comp.name, func(t *testing.T) {
			bomb, err := comp.compressValue(zeros)
			require.NoError(t, err)
			require.Less(t, len(bomb), bombSize/100, "a bomb is small when stored")
			c := mustCodec(t, "", path, map[string]any{"MAX_DECODED_SIZE": limit})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = c.Decode(bomb)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, ErrTooLarge)
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(limit+512<<10), "decoding must not inflate the bomb")
		})
	}
}

func TestDefaultDecodedSizeLimit(t *testing.T) {
	c := mustCodec(t, "", "", nil)
	require.EqualValues(t, 512<<20, c.max)
	_, err := New("", "", map[string]any{"MAX_DECODED_SIZE": 0})
	require.ErrorIs(t, err, ErrConfig)
}

// django-redis treats a failed decompression as "stored uncompressed": zlib
// bytes read with another compressor reach the serializer, which must fail.
func TestWrongCompressorIsAnErrorNotGarbage(t *testing.T) {
	big := bytes.Repeat([]byte("payload "), 100)
	for _, ser := range []string{"", "django_redis.serializers.json.JSONSerializer", "django_redis.serializers.msgpack.MSGPackSerializer"} {
		zl := mustCodec(t, ser, "django_redis.compressors.zlib.ZlibCompressor", nil)
		stored, err := zl.Encode(string(big))
		require.NoError(t, err)
		for _, other := range []string{"", "django_redis.compressors.lz4.Lz4Compressor", "django_redis.compressors.zstd.ZStdCompressor",
			"django_redis.compressors.gzip.GzipCompressor", "django_redis.compressors.lzma.LzmaCompressor"} {
			_, err := mustCodec(t, ser, other, nil).Decode(stored)
			require.ErrorIs(t, err, ErrMalformed, "%s read with %s", ser, other)
		}
	}
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		ser, comp string
		opts      map[string]any
		mention   string
	}{
		{"myapp.Serializer", "", nil, "SERIALIZER"},
		{"", "django_redis.compressors.brotli.BrotliCompressor", nil, "COMPRESSOR"},
		{"", "", map[string]any{"PICKLE_VERSION": "four"}, `PICKLE_VERSION value must be an integer, not "four"`},
		{"", "", map[string]any{"MAX_DECODED_SIZE": -3}, "MAX_DECODED_SIZE must be a positive integer, not -3"},
		{"", "", map[string]any{"PICKLE_VERSION": 6}, "HIGHEST_PROTOCOL"},
	}
	for _, tc := range cases {
		_, err := New(tc.ser, tc.comp, tc.opts)
		require.ErrorIs(t, err, ErrConfig)
		require.Contains(t, err.Error(), tc.mention)
	}
	for opt, proto := range map[any]byte{"5": 5, 4: 4, -1: 5} {
		c := mustCodec(t, "", "", map[string]any{"PICKLE_VERSION": opt})
		b, err := c.Encode("x")
		require.NoError(t, err)
		require.Equal(t, []byte{0x80, proto}, b[:2], "PICKLE_VERSION %v", opt)
	}
}

// django-redis stores ints raw and reads back whatever Python's int() takes.
func TestIntRule(t *testing.T) {
	c := mustCodec(t, "", "django_redis.compressors.zlib.ZlibCompressor", nil)
	for in, want := range map[string]int64{"42": 42, " 42\n": 42, "+7": 7, "-0": 0, "1_000": 1000, "007": 7} {
		v, err := c.Decode([]byte(in))
		require.NoError(t, err, in)
		require.Equal(t, want, v, in)
	}
	for _, notInt := range []string{"1__0", "_1", "1_", "4 2", "0x10", ""} {
		_, err := c.Decode([]byte(notInt))
		require.Error(t, err, "%q is not an int to Python, nor a pickle", notInt)
	}
	b, err := c.Encode(true)
	require.NoError(t, err)
	require.NotEqual(t, []byte("1"), b, "bools are pickled, not stored raw")
	b, err = c.Encode(int64(-12))
	require.NoError(t, err)
	require.Equal(t, []byte("-12"), b)
}

// Python shares memoized objects; a tree copy of 40 levels of "a list
// holding the previous list twice" would have 2^40 nodes: refused.
func TestSharedReferenceExpansionIsBounded(t *testing.T) {
	p := []byte{0x80, 0x04, ']', 0x94} // memo 0: []
	for i := 0; i < 40; i++ {
		p = append(p, ']', 0x94, '(', 'h', byte(i), 'h', byte(i), 'e') // memo i+1: [m[i], m[i]]
	}
	p = append(p, '.')
	_, err := mustCodec(t, "", "", nil).Decode(p)
	require.ErrorIs(t, err, ErrMalformed)
}

// Duplicate keys keep the first position and the last value, and 1, 1.0
// and True are one key, as in a Python dict.
func TestPickleDictKeysFollowPythonEquality(t *testing.T) {
	p := []byte("\x80\x04}\x94(K\x01\x8c\x01a\x88\x8c\x01bG\x3f\xf0\x00\x00\x00\x00\x00\x00\x8c\x01c\x8c\x01kK\x02u.")
	v, err := mustCodec(t, "", "", nil).Decode(p)
	require.NoError(t, err)
	require.Equal(t, Dict{{int64(1), "c"}, {"k", int64(2)}}, v)
}

// A msgpack bin32 header declaring ~3.4 GB in a 16-byte value (found by
// FuzzDecode: the library would allocate it) fails fast and small.
func TestMsgpackHugeDeclaredLength(t *testing.T) {
	c := mustCodec(t, "django_redis.serializers.msgpack.MSGPackSerializer", "", nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.Decode([]byte("\x92\xc6\xcdx\x9cj`\xed\xcd\xcd\x00\x01\x1a\xde\xcc\x13"))
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrMalformed)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
}

// A Go List can contain itself; encoding fails instead of recursing forever.
func TestSelfContainingValueIsRefused(t *testing.T) {
	l := List{nil}
	l[0] = l
	for _, ser := range serializerPaths {
		_, err := mustCodec(t, ser, "", nil).Encode(l)
		require.ErrorIs(t, err, ErrUnsupported, ser)
	}
}

// The calls protocols 0 to 2 write for bytes, bytearray and objects map
// to their types only in the shape Python writes them; any other shape is
// the Object of that call (want nil), or malformed when Python's own
// constructor would raise.
func TestLowProtocolCallsAreRead(t *testing.T) {
	encode := func(args string) string { return "c_codecs\nencode\n(" + args + "tR." }
	reconstruct := func(cls, base, state string) string {
		return "ccopy_reg\n_reconstructor\n(" + cls + base + state + "tR(dVint\nI5\nsb."
	}
	cases := []struct {
		name, pickle string
		want         error
	}{
		{"encode utf-8", encode("Vab\nVutf-8\n"), nil},
		{"encode rot13", encode("Vab\nVrot13\n"), nil},
		{"encode latin-1 spelled otherwise", encode("Vab\nVLATIN1\n"), nil},
		{"encode one argument", encode("Vab\n"), nil},
		{"encode three arguments", encode("Vab\nVlatin1\nVstrict\n"), nil},
		{"encode of an int", encode("I1\nVlatin1\n"), nil},
		{"encode beyond latin-1", encode("V\\u0100\nVlatin1\n"), ErrMalformed},
		{"encode encoding as bytes", encode("Vab\nc_codecs\nencode\n(Vlatin1\nVlatin1\ntR"), nil},
		{"reconstruct base str", reconstruct("cuuid\nUUID\n", "c__builtin__\nstr\n", "N"), nil},
		{"reconstruct base date", reconstruct("cuuid\nUUID\n", "cdatetime\ndate\n", "N"), nil},
		{"reconstruct with state", reconstruct("cuuid\nUUID\n", "c__builtin__\nobject\n", "I1\n"), nil},
		{"reconstruct os.system", reconstruct("cos\nsystem\n", "c__builtin__\nobject\n", "N"), nil},
		{"reconstruct a date", reconstruct("cdatetime\ndate\n", "c__builtin__\nobject\n", "N"), nil},
		{"reconstruct two arguments", "ccopy_reg\n_reconstructor\n(cuuid\nUUID\nc__builtin__\nobject\ntR.", nil},
		{"object called", "c__builtin__\nobject\n)R.", nil},
		{"object as NEWOBJ", "\x80\x02c__builtin__\nobject\n)\x81.", nil},
		{"object as a value", "c__builtin__\nobject\n.", nil},
		{"copyreg other name", "ccopy_reg\n__newobj__\n(cuuid\nUUID\ntR.", nil},
		{"BUILD on a list", "]N\x88b.", ErrMalformed},
		{"bytearray8 truncated", "\x80\x05\x96\x09\x00\x00\x00\x00\x00\x00\x00abc.", ErrMalformed},
		{"bytearray8 of 2^64-1", "\x80\x05\x96\xff\xff\xff\xff\xff\xff\xff\xff.", ErrMalformed},
		{"UNICODE truncated escape", "V\\u12\n.", ErrMalformed},
		{"UNICODE beyond U+10FFFF", "V\\U00110000\n.", ErrMalformed},
		{"FLOAT in hex", "F0x1p-2\n.", ErrMalformed},
		{"STRING not quoted", "Sab\n.", ErrMalformed},
		{"STRING not ASCII", "S'\\xe9'\n.", ErrMalformed},
		{"persistent id", "Pab\n.", ErrMalformed},
		{"extension", "\x80\x02\x82\x01.", ErrMalformed},
		{"out-of-band buffer", "\x80\x05\x97.", ErrMalformed},
	}
	c := mustCodec(t, "", "", nil)
	for _, tc := range cases {
		v, err := c.Decode([]byte(tc.pickle))
		if tc.want != nil {
			require.ErrorIs(t, err, tc.want, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		o, ok := v.(Opaque)
		require.True(t, ok, "%s: %T", tc.name, v)
		require.Equal(t, []byte(tc.pickle), o.Raw, tc.name)
	}
	v, err := c.Decode([]byte(reconstruct("cuuid\nUUID\n", "c__builtin__\nobject\n", "N")))
	require.NoError(t, err, "the shape Python writes")
	require.Equal(t, UUID{15: 5}, v)
	v, err = c.Decode([]byte("S'a\\'b\\x41\\101\\n'\n."))
	require.NoError(t, err)
	require.Equal(t, "a'bAA\n", v, "STRING's escapes")
}

// Python encodes each bytes object once, from its own text, so a protocol
// 0 pickle's bytes never outgrow it; a memoized MiB of text encoded a
// thousand times (a GiB, from a pickle of about one MiB) is refused early.
func TestLatin1EncodeIsBounded(t *testing.T) {
	text := bytes.Repeat([]byte{0xe9}, 1<<20) // é, one byte each in UNICODE
	one := append(append([]byte("c_codecs\nencode\np0\n(V"), text...), "\np1\nVlatin1\np2\ntR."...)
	c := mustCodec(t, "", "", nil)
	v, err := c.Decode(one)
	require.NoError(t, err)
	require.Equal(t, text, v)

	again := append(append([]byte("(c_codecs\nencode\np0\n(V"), text...), "\np1\nVlatin1\np2\ntR"...)
	for i := 0; i < 1000; i++ {
		again = append(again, "g0\n(g1\ng2\ntR"...)
	}
	again = append(again, "l."...)
	var n uint64
	n = allocated(func() { _, err = c.Decode(again) })
	require.ErrorIs(t, err, ErrMalformed)
	require.Less(t, n, uint64(32<<20), "%d bytes of input", len(again))
}

// UNICODE's raw-unicode-escape text reads as Python's codec reads it, for
// text Python's pickle never writes too (runs of backslashes, surrogates,
// bad escapes); Python decodes each case here, during the test.
func TestRawUnicodeEscapeMatchesPython(t *testing.T) {
	inputs := []string{
		`\\u0041`, `\\\u0041`, `\u0041\`, `\`, `\\`, `a\x`, `\u00e9\U0001F600`, "\xe9\xff\x80",
		`\ud800`, `\ud83d\ude00`, `\udfff\ud800`, `\U0010ffff`, `\u12`, `\U0011ffff`, `\uzzzz`,
		`\U+0001234`, `\u+123`, `\u 123`, `\U0000_041`,
	}
	args := []string{"-c", `import sys
for h in sys.argv[1:]:
    try:
        print(bytes.fromhex(h).decode("raw-unicode-escape").encode("utf-8", "surrogatepass").hex())
    except UnicodeDecodeError:
        print("error")`}
	for _, s := range inputs {
		args = append(args, hex.EncodeToString([]byte(s)))
	}
	out, err := exec.Command(python(t), args...).CombinedOutput()
	require.NoError(t, err, string(out))
	want := strings.Fields(string(out))
	require.Len(t, want, len(inputs))
	for i, s := range inputs {
		got, err := rawUnicodeUnescape(s)
		if want[i] == "error" {
			require.Error(t, err, "%q", s)
			continue
		}
		require.NoError(t, err, "%q", s)
		require.Equal(t, want[i], hex.EncodeToString([]byte(got)), "%q", s)
	}
}
