package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// MSGPackSerializer: msgpack.dumps(value) with msgpack-python 1.x defaults
// (use_bin_type=True: str -> str family, bytes -> bin; tuples and lists ->
// arrays; the smallest int form; floats as float64; no datetime support)
// and msgpack.loads(value, raw=False) (strict_map_key=True: map keys must be
// str or bytes; arrays come back as List). Python raises TypeError for
// sets, datetimes, Decimal, UUID...: here ErrUnsupported. Ints beyond
// 64 bits are OverflowError in Python: ErrUnsupported too.

func msgpackWriteTo(buf *bytes.Buffer, v Value) error {
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(buf)
	return msgpackWrite(enc, v, 0)
}

func msgpackWrite(e *msgpack.Encoder, v Value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return e.EncodeNil()
	case bool:
		return e.EncodeBool(x)
	case int:
		return e.EncodeInt(int64(x))
	case int64:
		return e.EncodeInt(x)
	case *big.Int:
		switch {
		case x.IsInt64():
			return e.EncodeInt(x.Int64())
		case x.IsUint64():
			return e.EncodeUint(x.Uint64())
		}
		return fmt.Errorf("%w: msgpack: int too big to convert", ErrUnsupported)
	case float64:
		return e.EncodeFloat64(x)
	case string:
		return e.EncodeString(x)
	case []byte:
		return e.EncodeBytes(x)
	case List, Tuple:
		items, _ := x.(List)
		if t, ok := x.(Tuple); ok {
			items = List(t)
		}
		if err := e.EncodeArrayLen(len(items)); err != nil {
			return err
		}
		for _, it := range items {
			if err := msgpackWrite(e, it, depth+1); err != nil {
				return err
			}
		}
		return nil
	case Dict:
		if err := e.EncodeMapLen(len(x)); err != nil {
			return err
		}
		for _, it := range x {
			if err := msgpackWrite(e, it.Key, depth+1); err != nil {
				return err
			}
			if err := msgpackWrite(e, it.Value, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%w: can not serialize %T object with msgpack", ErrUnsupported, v)
}

func msgpackLoads(data []byte, shared bool) (Value, error) {
	r := bytes.NewReader(data)
	d := msgpack.GetDecoder()
	defer msgpack.PutDecoder(d)
	d.Reset(r) // a bytes.Reader is read as it is, not through a bufio
	v, err := msgpackRead(d, r, data, shared, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: msgpack: %v", ErrMalformed, err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: msgpack: extra data", ErrMalformed)
	}
	return v, nil
}

func msgpackRead(d *msgpack.Decoder, r *bytes.Reader, data []byte, shared bool, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d", maxDepth)
	}
	c, err := d.PeekCode()
	if err != nil {
		return nil, err
	}
	switch {
	case c == msgpcode.Nil:
		return nil, d.DecodeNil()
	case c == msgpcode.True || c == msgpcode.False:
		return d.DecodeBool()
	case msgpcode.IsFixedNum(c) || c == msgpcode.Int8 || c == msgpcode.Int16 ||
		c == msgpcode.Int32 || c == msgpcode.Int64 || c == msgpcode.Uint8 ||
		c == msgpcode.Uint16 || c == msgpcode.Uint32:
		return d.DecodeInt64()
	case c == msgpcode.Uint64:
		u, err := d.DecodeUint64()
		return bigOrInt64(new(big.Int).SetUint64(u)), err
	case c == msgpcode.Float || c == msgpcode.Double:
		return d.DecodeFloat64()
	case msgpcode.IsString(c) || msgpcode.IsBin(c):
		return readStrOrBin(c, r, data, shared)
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := d.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		if n > r.Len() { // every element takes at least one byte
			return nil, io.ErrUnexpectedEOF
		}
		l := make(List, 0, n)
		for i := 0; i < n; i++ {
			v, err := msgpackRead(d, r, data, shared, depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.DecodeMapLen()
		if err != nil {
			return nil, err
		}
		if n > r.Len()/2 {
			return nil, io.ErrUnexpectedEOF
		}
		m, idx := make(Dict, 0, n), map[any]int{}
		for i := 0; i < n; i++ {
			k, err := msgpackRead(d, r, data, shared, depth+1)
			if err != nil {
				return nil, err
			}
			switch k.(type) {
			case string, []byte:
			default:
				return nil, fmt.Errorf("%T is not allowed for map key when strict_map_key=True", k)
			}
			v, err := msgpackRead(d, r, data, shared, depth+1)
			if err != nil {
				return nil, err
			}
			m.set(idx, k, v)
		}
		return m, nil
	}
	return nil, errors.New("ext types (including Timestamp) are not supported")
}

// readStrOrBin reads the str or bin at r's position straight from the
// bytes, one copy at its size: the library reads it into a scratch
// buffer grown in steps, then copies it again. The declared length is
// checked against the bytes left, so a 4 GiB header costs nothing.
func readStrOrBin(c byte, r *bytes.Reader, data []byte, shared bool) (Value, error) {
	var size int
	switch c {
	case msgpcode.Str8, msgpcode.Bin8:
		size = 1
	case msgpcode.Str16, msgpcode.Bin16:
		size = 2
	case msgpcode.Str32, msgpcode.Bin32:
		size = 4
	}
	var hdr [5]byte
	if n, _ := r.Read(hdr[:1+size]); n < 1+size {
		return nil, io.ErrUnexpectedEOF
	}
	l := int64(c & msgpcode.FixedStrMask) // fixstr: the length is in the code
	if size > 0 {
		l = 0
		for _, b := range hdr[1 : 1+size] {
			l = l<<8 | int64(b)
		}
	}
	if l > int64(r.Len()) {
		return nil, io.ErrUnexpectedEOF
	}
	start := len(data) - r.Len()
	body := data[start : start+int(l)]
	if _, err := r.Seek(l, io.SeekCurrent); err != nil {
		return nil, err
	}
	if msgpcode.IsString(c) {
		return text(body, shared), nil
	}
	return bytes.Clone(body), nil
}
