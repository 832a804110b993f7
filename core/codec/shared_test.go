package codec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A decoded value must not change when the bytes it came from do (Decode's
// caller owns them), and bytes values read from a string must be copies
// (their holder may write to them; a string's bytes are never written).
func TestDecodedValuesOwnTheirBytes(t *testing.T) {
	text := strings.Repeat("lorem ipsum ", 2000)
	value := Dict{{"blob", text}, {"raw", []byte(text)}}
	for sName, ser := range serializerPaths {
		for cName, comp := range compressorPaths {
			c, err := New(ser, comp, nil)
			if err != nil {
				t.Fatal(err)
			}
			v := value
			if sName == "json" { // JSON has no bytes
				v = Dict{{"blob", text}, {"raw", List{}}}
			}
			enc, err := c.Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			name := sName + "/" + cName
			in := bytes.Clone(enc)
			got, err := c.Decode(in)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			clear(in) // the caller reuses its buffer
			if s := got.(Dict)[0].Value.(string); s != text {
				t.Errorf("%s: Decode's string changed with its input", name)
			}
			stored := string(enc)
			got, err = c.DecodeString(stored)
			if err != nil {
				t.Fatalf("%s: DecodeString: %v", name, err)
			}
			if raw, ok := got.(Dict)[1].Value.([]byte); ok {
				clear(raw)
				_ = append(raw, 'x') // past its end is not the next string
			}
			if stored != string(enc) || got.(Dict)[0].Value.(string) != text {
				t.Errorf("%s: writing a decoded bytes value changed the string it was read from", name)
			}
		}
	}
}

// The decompressed bytes of zlib and xz streams are a buffer the Codec
// reuses: a value decoded earlier must not change when the next decode
// (of another value, through the same Codec) refills it.
func TestDecodedValuesOutliveTheNextDecode(t *testing.T) {
	first, second := strings.Repeat("lorem ipsum ", 2000), strings.Repeat("dolor sit amet ", 2000)
	for sName, ser := range serializerPaths {
		for cName, comp := range compressorPaths {
			c := mustCodec(t, ser, comp, nil)
			a, err := c.Encode(Dict{{"blob", first}})
			require.NoError(t, err)
			b, err := c.Encode(Dict{{"blob", second}})
			require.NoError(t, err)
			got, err := c.DecodeString(string(a))
			require.NoError(t, err)
			for range 3 {
				again, err := c.Decode(b)
				require.NoError(t, err)
				require.Equal(t, Dict{{"blob", second}}, again)
			}
			require.Equal(t, Dict{{"blob", first}}, got, "%s/%s: a decoded value changed with the next decode", sName, cName)
		}
	}
}
