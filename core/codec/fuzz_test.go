package codec

import (
	"testing"
)

// FuzzDecode feeds arbitrary bytes to every serializer x compressor pair:
// decoding may fail but must not panic, and whatever decodes must encode
// again without panicking.
func FuzzDecode(f *testing.F) {
	var codecs []*Codec
	for _, ser := range serializerPaths {
		for _, comp := range compressorPaths {
			c, err := New(ser, comp, map[string]any{"MAX_DECODED_SIZE": 1 << 20})
			if err != nil {
				f.Fatal(err)
			}
			codecs = append(codecs, c)
		}
	}
	for _, v := range goldenValues() {
		for _, c := range codecs {
			if b, err := c.Encode(v); err == nil && len(b) < 4096 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("cos\nsystem\n(S'true'\ntR."))
	// Protocols 0 and 1 (Python's own pickles): raw-unicode-escape text,
	// bytes and datetimes through _codecs.encode, a UUID through
	// copy_reg._reconstructor, a set through builtins.set.
	f.Add([]byte("(lp0\nV\xe9\\u005c\\U0001f600\np1\naL1180591620717411303424L\naF1.5\na."))
	f.Add([]byte("cdatetime\ndate\np0\n(c_codecs\nencode\np1\n(V\x07\xe8\x02\\u001d\np2\nVlatin1\np3\ntp4\nRp5\ntp6\nRp7\n."))
	f.Add([]byte("ccopy_reg\n_reconstructor\np0\n(cuuid\nUUID\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVint\np6\nI5\nsb."))
	f.Add([]byte("c__builtin__\nset\nq\x00(]q\x01(K\x01K\x02etq\x02Rq\x03."))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range codecs {
			v, err := c.Decode(data)
			if err == nil {
				_, _ = c.Encode(v)
			}
		}
	})
}
