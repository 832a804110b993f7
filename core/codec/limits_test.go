package codec

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/big"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// memoDoubling returns a protocol 2 pickle prefix leaving memo[levels]
// holding a list of 2^(levels+1)-1 nodes when expanded as a tree (each list
// holds the previous one twice), for a few bytes per level.
func memoDoubling(levels int) []byte {
	p := []byte{0x80, 0x02, ']', 'q', 0}
	for i := 0; i < levels; i++ {
		p = append(p, ']', 'q', byte(i+1), '(', 'h', byte(i), 'h', byte(i), 'e', '0')
	}
	return p
}

// One budget covers the whole unpickle: set() of one large shared list,
// repeated, must not expand it again and again (it was ~1 GB from 565
// bytes), and sets of sets doubling as a DAG are counted in the final pass.
func TestPickleSharedExpansionHasOneBudget(t *testing.T) {
	repeatedSet := append(memoDoubling(18), ']', '(')
	for i := 0; i < 10; i++ {
		repeatedSet = append(repeatedSet, "c__builtin__\nset\nh\x12\x85R"...)
	}
	repeatedSet = append(repeatedSet, 'e', '.')

	// memo 1 is set(); memo i+1 is set([memo i, memo i]): 2^40 leaves.
	setDAG := []byte("\x80\x02c__builtin__\nset\nq\x00h\x00)Rq\x01")
	for i := 1; i <= 40; i++ {
		setDAG = append(setDAG, 'h', 0, '(', 'h', byte(i), 'h', byte(i), 'l', 0x85, 'R', 'q', byte(i+1))
	}
	setDAG = append(setDAG, '.')

	c := mustCodec(t, "", "", nil)
	for name, p := range map[string][]byte{"repeated set(L)": repeatedSet, "DAG of sets": setDAG} {
		var err error
		n := allocated(func() { _, err = c.Decode(p) })
		require.ErrorIs(t, err, ErrMalformed, name)
		require.Less(t, n, uint64(64<<20), "%s: %d bytes of input", name, len(p))
	}
}

// Text opcodes read their line without copying the rest of the input.
func TestPickleTextOpcodesAreLinear(t *testing.T) {
	p := append(bytes.Repeat([]byte("I1\n0"), 1<<18), 'N', '.') // 1 MiB
	c := mustCodec(t, "", "", nil)
	var v Value
	var err error
	n := allocated(func() { v, err = c.Decode(p) })
	require.NoError(t, err)
	require.Nil(t, v)
	require.Less(t, n, uint64(10*len(p)))
}

type xzBlock struct {
	data     []byte
	dictCode byte
}

// xzStream builds an .xz stream (check: none) holding each block's data
// as one uncompressed LZMA2 chunk.
func xzStream(blocks ...xzBlock) []byte {
	crc := func(b []byte) []byte { return binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(b)) }
	s := append(append([]byte{}, xzMagic...), 0, 0)
	s = append(s, crc([]byte{0, 0})...)
	idx := []byte{0, byte(len(blocks))}
	for _, b := range blocks {
		hdr := []byte{2, 0, 0x21, 1, b.dictCode, 0, 0, 0} // 12 bytes with its CRC
		hdr = append(hdr, crc(hdr)...)
		chunk := append([]byte{1, byte((len(b.data) - 1) >> 8), byte(len(b.data) - 1)}, b.data...)
		chunk = append(chunk, 0)
		idx = appendXZVarint(appendXZVarint(idx, len(hdr)+len(chunk)), len(b.data))
		s = append(append(s, hdr...), chunk...)
		for len(chunk)%4 != 0 {
			s, chunk = append(s, 0), append(chunk, 0)
		}
	}
	for len(idx)%4 != 0 {
		idx = append(idx, 0)
	}
	idx = append(idx, crc(idx)...)
	s = append(s, idx...)
	tail := binary.LittleEndian.AppendUint32(nil, uint32(len(idx)/4-1))
	tail = append(tail, 0, 0)
	s = append(s, crc(tail)...)
	return append(append(s, tail...), 'Y', 'Z')
}

func appendXZVarint(b []byte, n int) []byte {
	for ; n >= 0x80; n >>= 7 {
		b = append(b, byte(n)|0x80)
	}
	return append(b, byte(n))
}

// Every block of every stream is vetted: ulikunitz/xz allocates the
// dictionary a later block or stream declares (code 40: 4 GiB), while
// Python's lzma.decompress reads several blocks and streams.
func TestXZLaterDictionariesAreBounded(t *testing.T) {
	c := mustCodec(t, "", "django_redis.compressors.lzma.LzmaCompressor", nil)
	// Together the two parts are a pickle of None (POPs of Nones, then STOP).
	first, second := bytes.Repeat([]byte("N0"), 60), []byte("N.")
	const small, fourGiB = 16, 40 // dictionary codes: 2^19 bytes, 2^32-1
	valid := map[string][]byte{
		"two blocks": xzStream(xzBlock{first, small}, xzBlock{second, small}),
		"two streams": append(append(xzStream(xzBlock{first, small}), 0, 0, 0, 0),
			xzStream(xzBlock{second, small})...),
	}
	for name, b := range valid {
		v, err := c.Decode(b)
		require.NoError(t, err, name)
		require.Nil(t, v, name)
	}
	bombs := map[string][]byte{
		"second block":  xzStream(xzBlock{first, small}, xzBlock{second, fourGiB}),
		"second stream": append(xzStream(xzBlock{first, small}), xzStream(xzBlock{second, fourGiB})...),
	}
	for name, b := range bombs {
		var err error
		n := allocated(func() { _, err = c.Decode(b) })
		require.ErrorIs(t, err, ErrTooLarge, name)
		require.Less(t, n, uint64(32<<20), name)
	}
}

// Decimal strings become ints only within Python's 4300-digit limit, in
// every place that converts one.
func TestIntDigitLimit(t *testing.T) {
	digits := func(n int) string { return "1" + strings.Repeat("0", n-1) }
	pickleCodec := mustCodec(t, "", "", nil)
	jsonCodec := mustCodec(t, serializerPaths["json"], "", nil)
	readers := map[string]func(string) (Value, error){
		"raw int":         func(s string) (Value, error) { return pickleCodec.Decode([]byte(s)) },
		"pickle INT":      func(s string) (Value, error) { return pickleCodec.Decode([]byte("I" + s + "\n.")) },
		"pickle LONG":     func(s string) (Value, error) { return pickleCodec.Decode([]byte("L" + s + "L\n.")) },
		"JSON number":     func(s string) (Value, error) { return jsonCodec.Decode([]byte("[" + s + "]")) },
		"value JSON":      func(s string) (Value, error) { return UnmarshalValueJSON([]byte(s)) },
		"value JSON $int": func(s string) (Value, error) { return UnmarshalValueJSON([]byte(`{"$int":"` + s + `"}`)) },
	}
	for name, read := range readers {
		v, err := read(digits(4300))
		require.NoError(t, err, name)
		require.Contains(t, strings.Trim(strings.ReplaceAll(fmtValue(v), " ", ""), "[]"), digits(4300), name)
		for _, n := range []int{4301, 1 << 20} {
			_, err := read(digits(n))
			require.Error(t, err, "%s: %d digits", name, n)
		}
	}
}

func fmtValue(v Value) string {
	if l, ok := v.(List); ok && len(l) == 1 {
		v = l[0]
	}
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

// bigPow10 is sign * 10^(n-1), an int of n decimal digits.
func bigPow10(n int, sign int64) *big.Int {
	x := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n-1)), nil)
	return x.Mul(x, big.NewInt(sign))
}

// An int beyond the digit limit is still a value: stored as the entry's
// serializer writes it (a pickle's LONG4, which Django unpickles where
// int() of its digits would fail), read back equal, and carried in value
// JSON as hex, which Python reads without a limit. The JSON serializer
// refuses it, as Python's json.dumps does.
func TestIntBeyondDigitLimit(t *testing.T) {
	pickleCodec := mustCodec(t, "", "", nil)
	jsonCodec := mustCodec(t, serializerPaths["json"], "", nil)
	for _, n := range []int{4301, 5000, 100000} {
		for _, sign := range []int64{1, -1} {
			x := bigPow10(n, sign)
			raw, err := pickleCodec.Encode(x)
			require.NoError(t, err, "%d digits", n)
			require.Equal(t, []byte{0x80, 0x04}, raw[:2], "%d digits: a pickle, not digits", n)
			back, err := pickleCodec.Decode(raw)
			require.NoError(t, err)
			require.Zero(t, x.Cmp(back.(*big.Int)), "%d digits", n)

			js, err := MarshalValueJSON(List{x})
			require.NoError(t, err)
			want := `[{"$int":"` + map[int64]string{1: "", -1: "-"}[sign] + "0x" + new(big.Int).Abs(x).Text(16) + `"}]`
			require.Equal(t, want, string(js))
			v, err := UnmarshalValueJSON(js)
			require.NoError(t, err)
			require.Zero(t, x.Cmp(v.(List)[0].(*big.Int)))

			_, err = jsonCodec.Encode(x)
			require.ErrorIs(t, err, ErrUnsupported, "%d digits", n)
			_, err = jsonCodec.Encode(List{x})
			require.ErrorIs(t, err, ErrUnsupported)
			_, err = jsonCodec.Encode(Dict{{x, int64(1)}})
			require.ErrorIs(t, err, ErrUnsupported)
		}
	}
	// Within the limit, nothing changes: digits stored, decimal in value JSON.
	x := bigPow10(4300, -1)
	raw, err := pickleCodec.Encode(x)
	require.NoError(t, err)
	require.Equal(t, x.String(), string(raw))
	js, err := MarshalValueJSON(x)
	require.NoError(t, err)
	require.Equal(t, `{"$int":"`+x.String()+`"}`, string(js))
	raw, err = jsonCodec.Encode(List{x})
	require.NoError(t, err)
	require.Equal(t, "["+x.String()+"]", string(raw))
}
