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
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range codecs {
			v, err := c.Decode(data)
			if err == nil {
				_, _ = c.Encode(v)
			}
		}
	})
}
