package codec

import (
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadableCases are pickles Python makes of values Django services cache,
// at protocols 0 to 5, with Python's own verdict on each: whether every
// opcode (as pickletools reads them) only builds built-in data. The last
// one looks up os.system and drops it, then pickles 1: it decodes to a
// plain int, and must still never reach pickle.loads.
const loadableCases = `import sys, json, pickle, pickletools, datetime, zlib
DATA = {'PROTO','FRAME','STOP','MARK','POP','POP_MARK','DUP','NONE','NEWTRUE','NEWFALSE',
 'INT','BININT','BININT1','BININT2','LONG','LONG1','LONG4','FLOAT','BINFLOAT',
 'STRING','BINSTRING','SHORT_BINSTRING','UNICODE','BINUNICODE','SHORT_BINUNICODE','BINUNICODE8',
 'BINBYTES','SHORT_BINBYTES','BINBYTES8','BYTEARRAY8','EMPTY_TUPLE','TUPLE1','TUPLE2','TUPLE3','TUPLE',
 'EMPTY_LIST','LIST','APPEND','APPENDS','EMPTY_DICT','DICT','SETITEM','SETITEMS',
 'EMPTY_SET','ADDITEMS','FROZENSET','PUT','BINPUT','LONG_BINPUT','MEMOIZE','GET','BINGET','LONG_BINGET'}
values = [b'\x00\xff' * 50, {'user': 'alice', 'roles': ['a', 'b'], 'n': 2.5, 'ok': None}, 'text',
 (1, 2), {1, 2}, frozenset({3}), bytearray(b'ab'), 2**100, -5, datetime.datetime(2026, 1, 2, 3, 4, 5)]
out = []
for v in values:
    for proto in range(6):
        p = pickle.dumps(v, proto)
        ops = {op.name for op, _, _ in pickletools.genops(p)}
        out.append([p.hex(), p[0] == 0x80 and p[1] >= 2 and ops <= DATA, repr(v)])
hostile = b'\x80\x04cos\nsystem\n0K\x01.'
out.append([hostile.hex(), False, repr(pickle.loads(b'\x80\x04K\x01.'))])
json.dump(out, sys.stdout)`

func TestLoadable(t *testing.T) {
	out, err := exec.Command(python(t), "-c", loadableCases).Output()
	require.NoError(t, err)
	var cases [][3]any
	require.NoError(t, json.Unmarshal(out, &cases))
	plain, zlib := mustCodec(t, "", "", nil), mustCodec(t, "", compressorPaths["zlib"], nil)
	loadables := 0
	for _, tc := range cases {
		p, err := hex.DecodeString(tc[0].(string))
		require.NoError(t, err)
		wantLoadable, what := tc[1].(bool), tc[2].(string)
		compressed, err := zlib.Compress(p)
		require.NoError(t, err)
		for _, side := range []struct {
			c      *Codec
			stored []byte
		}{{plain, p}, {zlib, compressed}} {
			got, err := side.c.DecodeLoadable(string(side.stored))
			require.NoError(t, err, what)
			if wantLoadable {
				require.Equal(t, Loadable{Pickle: p}, got, "%s: the pickle itself", what)
				loadables++
				continue
			}
			v, err := plain.Decode(p)
			require.NoError(t, err)
			require.Equal(t, Loadable{Value: v}, got, what)
		}
	}
	require.Greater(t, loadables, 20, "Python's verdict left too few loadable pickles to test")

}

// Integers stored as digits, and the other serializers, come decoded.
func TestLoadableNotPickle(t *testing.T) {
	got, err := mustCodec(t, "", "", nil).DecodeLoadable("42")
	require.NoError(t, err)
	require.Equal(t, Loadable{Value: int64(42)}, got)
	js := mustCodec(t, serializerPaths["json"], "", nil)
	stored, err := js.Encode(Dict{{"a", int64(1)}})
	require.NoError(t, err)
	got, err = js.DecodeLoadable(string(stored))
	require.NoError(t, err)
	require.Equal(t, Loadable{Value: Dict{{"a", int64(1)}}}, got)
	_, err = mustCodec(t, "", "", nil).DecodeLoadable("\x80\x04\x95")
	require.ErrorIs(t, err, ErrMalformed)
}
