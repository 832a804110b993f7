package codec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"
)

// frameTarget is CPython's _FRAME_SIZE_TARGET; frames under frameMin bytes
// are written without a FRAME header, like CPython does.
const (
	frameTarget = 64 * 1024
	frameMin    = 4
)

// pickler writes protocol 4/5 pickles the way CPython's C pickler does for
// the Value types, so the bytes match when Python's output is deterministic.
// Go has no object identity: equal strings inside a value are each written
// in full where Python would write BINGET for a shared object.
type pickler struct {
	out, frame []byte
	memo       int
	globals    map[string]int // memo index of module/qualname strings
	depth      int
}

func pickleValue(v Value, proto int) ([]byte, error) {
	p := &pickler{out: []byte{0x80, byte(proto)}, globals: map[string]int{}}
	if err := p.save(v); err != nil {
		return nil, err
	}
	p.frame = append(p.frame, '.')
	p.commit()
	return p.out, nil
}

func (p *pickler) commit() {
	if len(p.frame) >= frameMin {
		p.out = append(p.out, 0x95)
		p.out = binary.LittleEndian.AppendUint64(p.out, uint64(len(p.frame)))
	}
	p.out = append(p.out, p.frame...)
	p.frame = p.frame[:0]
}

func (p *pickler) w(b ...byte) { p.frame = append(p.frame, b...) }

func (p *pickler) memoize() { p.w(0x94); p.memo++ }

// payload writes an opcode header and data; large data bypasses framing.
func (p *pickler) payload(header, data []byte) {
	if len(data) >= frameTarget {
		p.commit()
		p.out = append(append(p.out, header...), data...)
		return
	}
	p.w(header...)
	p.w(data...)
}

func (p *pickler) str(s string) {
	n := len(s)
	switch {
	case n < 256:
		p.payload([]byte{0x8c, byte(n)}, []byte(s))
	case uint64(n) > math.MaxUint32:
		p.payload(binary.LittleEndian.AppendUint64([]byte{0x8d}, uint64(n)), []byte(s))
	default:
		p.payload(binary.LittleEndian.AppendUint32([]byte{'X'}, uint32(n)), []byte(s))
	}
	p.memoize()
}

func (p *pickler) bytes(b []byte) {
	n := len(b)
	switch {
	case n < 256:
		p.payload([]byte{'C', byte(n)}, b)
	case uint64(n) > math.MaxUint32:
		p.payload(binary.LittleEndian.AppendUint64([]byte{0x8e}, uint64(n)), b)
	default:
		p.payload(binary.LittleEndian.AppendUint32([]byte{'B'}, uint32(n)), b)
	}
	p.memoize()
}

func (p *pickler) int(x int64) {
	switch {
	case x >= 0 && x < 256:
		p.w('K', byte(x))
	case x >= 0 && x < 65536:
		p.w('M', byte(x), byte(x>>8))
	case x >= math.MinInt32 && x <= math.MaxInt32:
		p.w(binary.LittleEndian.AppendUint32([]byte{'J'}, uint32(int32(x)))...)
	default:
		p.long(big.NewInt(x))
	}
}

// long is CPython's encode_long: minimal little-endian two's complement.
func (p *pickler) long(x *big.Int) {
	n := x.BitLen()/8 + 1
	mod := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
	t := new(big.Int).Set(x)
	if x.Sign() < 0 {
		t.Add(t, mod)
	}
	be := t.FillBytes(make([]byte, n))
	le := make([]byte, n)
	for i := range be {
		le[n-1-i] = be[i]
	}
	if x.Sign() < 0 && n > 1 && le[n-1] == 0xff && le[n-2]&0x80 != 0 {
		le = le[:n-1]
	}
	if len(le) < 256 {
		p.w(0x8a, byte(len(le)))
	} else {
		p.w(binary.LittleEndian.AppendUint32([]byte{0x8b}, uint32(len(le)))...)
	}
	p.w(le...)
}

// global writes STACK_GLOBAL, memoizing the module and name strings the
// way CPython's interned strings are shared within one pickle.
func (p *pickler) global(module, name string) {
	for _, s := range []string{"m:" + module, "n:" + name} {
		if i, ok := p.globals[s]; ok {
			if i < 256 {
				p.w('h', byte(i))
			} else {
				p.w(binary.LittleEndian.AppendUint32([]byte{'j'}, uint32(i))...)
			}
			continue
		}
		p.str(s[2:])
		p.globals[s] = p.memo - 1
	}
	p.w(0x93)
	p.memoize()
}

func (p *pickler) items(items []Value, one, many byte, always bool) error {
	for start := 0; start < len(items); start += 1000 {
		batch := items[start:min(start+1000, len(items))]
		if len(batch) == 1 && !always {
			if err := p.save(batch[0]); err != nil {
				return err
			}
			p.w(one)
			continue
		}
		p.w('(')
		for _, it := range batch {
			if err := p.save(it); err != nil {
				return err
			}
		}
		p.w(many)
	}
	return nil
}

func (p *pickler) reduce(module, name string, args ...Value) error {
	p.global(module, name)
	if err := p.save(Tuple(args)); err != nil {
		return err
	}
	p.w('R')
	p.memoize()
	return nil
}

func (p *pickler) save(v Value) error {
	// A Go slice can contain itself; Python raises RecursionError too.
	if p.depth++; p.depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, maxDepth)
	}
	defer func() { p.depth-- }()
	if len(p.frame) >= frameTarget {
		p.commit()
	}
	switch x := v.(type) {
	case nil:
		p.w('N')
	case bool:
		p.w(map[bool]byte{true: 0x88, false: 0x89}[x])
	case int:
		p.int(int64(x))
	case int64:
		p.int(x)
	case *big.Int:
		if x.IsInt64() {
			p.int(x.Int64())
		} else {
			p.long(x)
		}
	case float64:
		p.w(binary.BigEndian.AppendUint64([]byte{'G'}, math.Float64bits(x))...)
	case string:
		p.str(x)
	case []byte:
		p.bytes(x)
	case Tuple:
		if len(x) == 0 {
			p.w(')')
			return nil
		}
		if len(x) > 3 {
			p.w('(')
		}
		for _, it := range x {
			if err := p.save(it); err != nil {
				return err
			}
		}
		if len(x) <= 3 {
			p.w(0x84 + byte(len(x)))
		} else {
			p.w('t')
		}
		p.memoize()
	case List:
		p.w(']')
		p.memoize()
		return p.items(x, 'a', 'e', false)
	case Dict:
		p.w('}')
		p.memoize()
		flat := make([]Value, 0, 2*len(x))
		for start := 0; start < len(x); start += 1000 {
			batch := x[start:min(start+1000, len(x))]
			if len(batch) > 1 {
				p.w('(')
			}
			for _, it := range batch {
				flat = append(flat[:0], it.Key, it.Value)
				for _, kv := range flat {
					if err := p.save(kv); err != nil {
						return err
					}
				}
			}
			p.w(map[bool]byte{true: 'u', false: 's'}[len(batch) > 1])
		}
	case Set:
		p.w(0x8f)
		p.memoize()
		return p.items(x, 0x90, 0x90, true)
	case FrozenSet:
		p.w('(')
		for _, it := range x {
			if err := p.save(it); err != nil {
				return err
			}
		}
		p.w(0x91)
		p.memoize()
	case Decimal:
		return p.reduce("decimal", "Decimal", string(x))
	case TimeDelta:
		return p.reduce("datetime", "timedelta", x.Days, x.Seconds, x.Microseconds)
	case Date:
		return p.reduce("datetime", "date", []byte{byte(x.Year >> 8), byte(x.Year), byte(x.Month), byte(x.Day)})
	case Time:
		st := []byte{byte(x.Hour), byte(x.Minute), byte(x.Second), byte(x.Microsecond >> 16), byte(x.Microsecond >> 8), byte(x.Microsecond)}
		if x.Offset == nil {
			return p.reduce("datetime", "time", st)
		}
		return p.reduce("datetime", "time", st, pyTimezone{*x.Offset})
	case DateTime:
		t := x.Time
		us := t.Nanosecond() / 1000
		st := []byte{byte(t.Year() >> 8), byte(t.Year()), byte(t.Month()), byte(t.Day()),
			byte(t.Hour()), byte(t.Minute()), byte(t.Second()), byte(us >> 16), byte(us >> 8), byte(us)}
		if !x.Aware {
			return p.reduce("datetime", "datetime", st)
		}
		_, off := t.Zone()
		return p.reduce("datetime", "datetime", st, pyTimezone{time.Duration(off) * time.Second})
	case pyTimezone:
		s := int64(x.off / time.Second)
		days, secs := s/86400, s%86400
		if secs < 0 {
			days, secs = days-1, secs+86400
		}
		return p.reduce("datetime", "timezone", TimeDelta{days, secs, 0})
	case UUID:
		p.global("uuid", "UUID")
		p.w(')', 0x81)
		p.memoize()
		p.w('}')
		p.memoize()
		p.str("int")
		if err := p.save(bigOrInt64(new(big.Int).SetBytes(x[:]))); err != nil {
			return err
		}
		p.w('s', 'b')
	case Opaque:
		return fmt.Errorf("%w: an Opaque value can only be written back as its raw bytes", ErrUnsupported)
	default:
		return fmt.Errorf("%w: cannot pickle %T", ErrUnsupported, v)
	}
	return nil
}

// pyTimezone is a datetime.timezone with a fixed offset, only for pickling.
type pyTimezone struct{ off time.Duration }
