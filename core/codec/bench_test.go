package codec

import (
	"strings"
	"testing"
)

// Go-side cost of Encode/Decode per codec for a ~100 B and a ~100 KB value.
func BenchmarkCodec(b *testing.B) {
	values := map[string]Value{
		"small": Dict{{"user", "alice"}, {"roles", List{"admin", "dev"}}, {"ok", true}, {"score", 1.5}, {"id", int64(123456)}},
		"large": Dict{{"blob", strings.Repeat("lorem ipsum dolor sit amet ", 3800)}, {"n", int64(1)}},
	}
	for sName, ser := range serializerPaths {
		for cName, comp := range compressorPaths {
			c, err := New(ser, comp, nil)
			if err != nil {
				b.Fatal(err)
			}
			for vName, v := range values {
				enc, err := c.Encode(v)
				if err != nil {
					b.Fatal(err)
				}
				prefix := sName + "/" + cName + "/" + vName
				b.Run(prefix+"/encode", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					for b.Loop() {
						if _, err := c.Encode(v); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run(prefix+"/decode", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					for b.Loop() {
						if _, err := c.Decode(enc); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
