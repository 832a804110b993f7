package codec

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
)

// ErrConfig wraps every error about SERIALIZER, COMPRESSOR or OPTIONS.
var ErrConfig = errors.New("codec: invalid configuration")

// ErrUnsupported is returned for a Value the serializer cannot write (as
// Python would raise TypeError/PicklingError).
var ErrUnsupported = errors.New("codec: value not supported by the serializer")

const (
	defaultSerializer = "django_redis.serializers.pickle.PickleSerializer"
	defaultCompressor = "django_redis.compressors.identity.IdentityCompressor"
	// pickleDefaultProtocol is pickle.DEFAULT_PROTOCOL of Python 3.8-3.13.
	pickleDefaultProtocol = 4
	pickleHighestProtocol = 5
)

type serializer struct {
	// appendTo serializes onto dst, one of the Codec's scratch buffers,
	// so that a large value is not built by a series of doublings.
	appendTo func(dst []byte, v Value) ([]byte, error)
	// loads reads data; shared says data is never written again (see
	// shared.go), so the strings it reads may share its bytes.
	loads func(data []byte, shared bool) (Value, error)
}

// Codec is one CACHES entry's serializer + compressor pair.
type Codec struct {
	ser   serializer
	comp  compressor
	max   int64
	proto int
	// pickle: Opaque values (raw pickles) can only be written by it.
	pickle  bool
	scratch sync.Pool // of *[]byte, for ser.appendTo
}

// New builds the Codec django-redis would use for SERIALIZER and COMPRESSOR
// (dotted paths, "" for the default) and the entry's OPTIONS.
// OPTIONS["PICKLE_VERSION"] is read like PickleSerializer does;
// OPTIONS["MAX_DECODED_SIZE"] (bytes, Go only) bounds decompression.
func New(serializerPath, compressorPath string, options map[string]any) (*Codec, error) {
	if serializerPath == "" {
		serializerPath = defaultSerializer
	}
	if compressorPath == "" {
		compressorPath = defaultCompressor
	}
	comp, ok := compressors[compressorPath]
	if !ok {
		return nil, fmt.Errorf("%w: COMPRESSOR %q is not a django-redis compressor", ErrConfig, compressorPath)
	}
	c := &Codec{max: DefaultMaxDecodedSize, proto: pickleDefaultProtocol}
	if v, ok := options["MAX_DECODED_SIZE"]; ok {
		n, err := pyInt(v)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%w: MAX_DECODED_SIZE must be a positive integer, not %#v", ErrConfig, v)
		}
		c.max = n
	}
	c.comp = comp.forOneCodec(c.max)
	switch serializerPath {
	case defaultSerializer:
		if v, ok := options["PICKLE_VERSION"]; ok {
			n, err := pyInt(v)
			if err != nil {
				return nil, fmt.Errorf("%w: PICKLE_VERSION value must be an integer, not %#v", ErrConfig, v)
			}
			if n > pickleHighestProtocol {
				return nil, fmt.Errorf("%w: PICKLE_VERSION can't be higher than pickle.HIGHEST_PROTOCOL: %d", ErrConfig, pickleHighestProtocol)
			}
			if n < 0 { // pickle.dumps: a negative protocol means HIGHEST_PROTOCOL
				n = pickleHighestProtocol
			}
			c.proto = int(n)
		}
		c.ser = serializer{appendTo: func(dst []byte, v Value) ([]byte, error) { return pickleAppend(dst, v, c.proto) }, loads: unpickle}
		c.pickle = true
	case "django_redis.serializers.json.JSONSerializer":
		c.ser = serializer{appendTo: bufferAppend(func(b *bytes.Buffer, v Value) error { return jsonWrite(b, v, 0) }), loads: newJSONLoads()}
	case "django_redis.serializers.msgpack.MSGPackSerializer":
		c.ser = serializer{appendTo: bufferAppend(msgpackWriteTo), loads: msgpackLoads}
	default:
		return nil, fmt.Errorf("%w: SERIALIZER %q is not a django-redis serializer", ErrConfig, serializerPath)
	}
	return c, nil
}

// pyInt is Python's int() for the option types a settings file can hold.
func pyInt(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, errors.New("not finite")
		}
		return int64(x), nil
	case string:
		if b, ok := parsePyInt([]byte(x)); ok && b.IsInt64() {
			return b.Int64(), nil
		}
	}
	return 0, fmt.Errorf("not an integer: %T", v)
}

// Encode returns the bytes django-redis's client.encode() stores for v:
// an int (not a bool) as its decimal digits, anything else serialized and
// compressed. An int of more than maxIntDigits digits is serialized too:
// Django's decode reads that, not such digits.
func (c *Codec) Encode(v Value) ([]byte, error) {
	v = unwrapOpaque(v)
	if b, done, err := c.encodeOwned(v); done {
		return b, err
	}
	return c.serialize(v)
}

// EncodeWith hands use what Encode returns, in a buffer of the Codec's
// that is reused as soon as use returns: use must not keep it, nor any
// slice of it. It returns use's error. A set that writes the bytes to
// the server before it returns (go-redis's writer copies them to its
// buffered connection and flushes it within the command) costs no
// allocation of the value's size this way.
func (c *Codec) EncodeWith(v Value, use func([]byte) error) error {
	v = unwrapOpaque(v)
	if b, done, err := c.encodeOwned(v); done {
		if err != nil {
			return err
		}
		return use(b)
	}
	return c.serializeWith(v, use)
}

// unwrapOpaque is an Opaque's Value when it carries no raw pickle: it is
// then encoded like any other value.
func unwrapOpaque(v Value) Value {
	if x, ok := v.(Opaque); ok && len(x.Raw) == 0 {
		return x.Value
	}
	return v
}

// encodeOwned encodes the values that are not serialized into scratch
// buffers (ints as digits, raw pickles); done is false for the others.
// An Opaque without Raw is its Value, unwrapped by the caller.
func (c *Codec) encodeOwned(v Value) (b []byte, done bool, err error) {
	switch x := v.(type) {
	case int:
		return strconv.AppendInt(nil, int64(x), 10), true, nil
	case int64:
		return strconv.AppendInt(nil, x, 10), true, nil
	case *big.Int:
		if digits, ok := pyDecimal(x); ok {
			return []byte(digits), true, nil
		}
		// Digits beyond Python's limit are neither int() nor unpickled by
		// Django's decode, which reads this serialized form (a pickle's
		// LONG4) instead; django-redis itself cannot write such an int.
	case Opaque:
		// Raw is a whole pickle: it is this entry's serialized form only
		// when the entry pickles, and is then compressed like any other.
		if !c.pickle {
			return nil, true, fmt.Errorf("%w: an Opaque value is a pickle; this entry does not use the pickle serializer", ErrUnsupported)
		}
		b, err := c.comp.compressValue(append([]byte(nil), x.Raw...))
		return b, true, err
	}
	return nil, false, nil
}

// serialize is the serializer then the compressor, copied out of the
// scratch buffers once, at its size.
func (c *Codec) serialize(v Value) ([]byte, error) {
	var out []byte
	err := c.serializeWith(v, func(b []byte) error { out = bytes.Clone(b); return nil })
	return out, err
}

// serializeWith hands use the serialized and compressed value in the
// Codec's scratch buffers (or a compressor's), which are reused once use
// returns.
func (c *Codec) serializeWith(v Value, use func([]byte) error) error {
	buf, _ := c.scratch.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	b, err := c.ser.appendTo((*buf)[:0], v)
	if cap(b) <= maxScratch {
		*buf = b[:0]
		defer c.scratch.Put(buf)
	}
	if err != nil {
		return err
	}
	if c.comp.compress != nil && len(b) > c.comp.minLength {
		return c.comp.compress(b, use)
	}
	return use(b)
}

// bufferAppend makes an appendTo of a serializer that writes to a
// bytes.Buffer.
func bufferAppend(write func(*bytes.Buffer, Value) error) func([]byte, Value) ([]byte, error) {
	return func(dst []byte, v Value) ([]byte, error) {
		b := bytes.NewBuffer(dst)
		err := write(b, v)
		return b.Bytes(), err
	}
}

// maxScratch bounds what a Codec keeps between calls.
const maxScratch = 4 << 20

// Decode reverses Encode like django-redis's client.decode(): bytes that
// Python's int() accepts are an int; otherwise they are decompressed (a
// failed decompression means "stored uncompressed") and deserialized.
func (c *Codec) Decode(b []byte) (Value, error) { return c.decode(b, false) }

// DecodeString is Decode of a string's bytes, such as a Redis reply: the
// strings of the value share s's memory rather than copy it (s is never
// written; it is kept alive as long as they are).
func (c *Codec) DecodeString(s string) (Value, error) { return c.decode(stringBytes(s), true) }

// decode is Decode; shared says b is never written again (shared.go).
func (c *Codec) decode(b []byte, shared bool) (Value, error) {
	if n, ok := parsePyInt(b); ok {
		return bigOrInt64(n), nil
	}
	if c.comp.decompress == nil {
		return c.ser.loads(b, shared)
	}
	v, err := c.comp.decompress(b, c.ser.loads)
	if errors.Is(err, errNotCompressed) {
		return c.ser.loads(b, shared)
	}
	return v, err
}

// parsePyInt accepts what Python's int(bytes) does: optional ASCII
// whitespace around an optional sign and decimal digits, with single
// underscores allowed between digits.
func parsePyInt(b []byte) (*big.Int, bool) {
	// Trimmed in place and measured before any copy: a stored pickle or
	// compressed value is refused at its first byte, whatever its size.
	b = bytes.Trim(b, " \t\n\r\v\f")
	// Single underscores between digits at most double the length.
	if len(b) == 0 || len(b) > 2*maxIntDigits+1 || (b[0] > '9' && b[0] != '_') {
		return nil, false
	}
	s := string(b)
	sign := ""
	if s[0] == '+' || s[0] == '-' {
		sign, s = s[:1], s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return nil, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil, false
		}
	}
	return parseDecimalInt(sign + digits)
}

// pyDecimal is x's decimal digits when Python's int() reads them back (at
// most maxIntDigits digits), without converting an int that is surely
// longer.
func pyDecimal(x *big.Int) (string, bool) {
	// 2^14300 > 10^4304: with more bits, more than maxIntDigits digits.
	if x.BitLen() > 14300 {
		return "", false
	}
	s := x.String()
	return s, len(strings.TrimPrefix(s, "-")) <= maxIntDigits
}

// maxIntDigits is CPython's default int max str digits
// (sys.int_info.default_max_str_digits): int() refuses longer decimal
// strings, and big.Int's SetString is quadratic in their length.
const maxIntDigits = 4300

// parseDecimalInt reads an optional sign and ASCII decimal digits, as every
// decimal-string-to-int conversion here must: at most maxIntDigits digits,
// checked before any conversion.
func parseDecimalInt(s string) (*big.Int, bool) {
	digits := s
	if digits != "" && (digits[0] == '+' || digits[0] == '-') {
		digits = digits[1:]
	}
	if digits == "" || len(digits) > maxIntDigits {
		return nil, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return nil, false
		}
	}
	return new(big.Int).SetString(s, 10)
}
