package codec

import (
	"errors"
	"fmt"
)

// EncodeSerialized is django-redis's encode(v, allow_int=False), how it
// stores sorted-set members: every value serialized and compressed, an int
// too (Encode writes an int as its digits).
func (c *Codec) EncodeSerialized(v Value) ([]byte, error) {
	if x, ok := v.(Opaque); ok && len(x.Raw) == 0 {
		v = x.Value
	} else if ok {
		if !c.pickle {
			return nil, fmt.Errorf("%w: an Opaque value is a pickle; this entry does not use the pickle serializer", ErrUnsupported)
		}
		return c.comp.compressValue(append([]byte(nil), x.Raw...))
	}
	return c.serialize(v)
}

// Compress is the entry's COMPRESSOR applied to serialized bytes, as
// django-redis's encode applies it (values below the compressor's minimum
// length, and every value with the identity compressor, stay as they are).
// For callers that serialize themselves, such as the Django backend, whose
// pickles Python makes.
func (c *Codec) Compress(serialized []byte) ([]byte, error) {
	return c.comp.compressValue(append([]byte(nil), serialized...))
}

// Decompress reverses Compress as django-redis's decode does: bytes the
// compressor cannot read were stored uncompressed and come back as they
// are. The result is bounded by MAX_DECODED_SIZE.
func (c *Codec) Decompress(stored []byte) ([]byte, error) {
	raw, err := c.comp.decompressValue(stored)
	if errors.Is(err, errNotCompressed) {
		return stored, nil
	}
	return raw, err
}
