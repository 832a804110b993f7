package codec

import "fmt"

// EncodeSerialized is django-redis's encode(v, allow_int=False), how it
// stores sorted-set members: every value serialized and compressed, an int
// too (Encode writes an int as its digits).
func (c *Codec) EncodeSerialized(v Value) ([]byte, error) {
	if x, ok := v.(Opaque); ok {
		if !c.pickle {
			return nil, fmt.Errorf("%w: an Opaque value is a pickle; this entry does not use the pickle serializer", ErrUnsupported)
		}
		return c.comp.compressValue(append([]byte(nil), x.Raw...))
	}
	b, err := c.ser.dumps(v)
	if err != nil {
		return nil, err
	}
	return c.comp.compressValue(b)
}
