package codec

import (
	"encoding/binary"
	"math/big"
	"time"
)

// call applies an allow-listed constructor to its arguments as data: it
// builds the Go Value the Python constructor would have produced.
func (u *unpickler) call(fn, args Value, newobj bool) (Value, error) {
	if _, ok := fn.(opaqueObj); ok {
		return opaqueObj{}, nil
	}
	g, ok := fn.(pyGlobal)
	if !ok {
		return nil, malformed("call of a non-global %T", fn)
	}
	argv, ok := args.(Tuple)
	if !ok {
		return nil, malformed("call arguments are %T, not a tuple", args)
	}
	if newobj {
		if g == (pyGlobal{"uuid", "UUID"}) {
			return &pendingUUID{u: new(UUID)}, nil
		}
		return nil, malformed("NEWOBJ of %s is not supported", g)
	}
	switch g.name {
	case "set", "frozenset":
		var items []Value
		if len(argv) == 1 {
			l, ok := resolve(argv[0]).(List)
			if !ok {
				return nil, malformed("%s argument is not a list", g)
			}
			items = l
		}
		if g.name == "set" {
			s := Set(items)
			return &s, nil
		}
		return FrozenSet(items), nil
	case "bytes":
		if len(argv) == 0 {
			return []byte{}, nil
		}
	case "encode": // _codecs.encode(str, "latin1"): protocol 2's bytes
		if len(argv) == 2 && argv[1] == "latin1" {
			if s, ok := argv[0].(string); ok {
				b := make([]byte, 0, len(s))
				for _, r := range s {
					if r > 0xff {
						return nil, malformed("latin1 code point %U", r)
					}
					b = append(b, byte(r))
				}
				return b, nil
			}
		}
	case "OrderedDict":
		return &Dict{}, nil
	case "Decimal":
		if len(argv) == 1 {
			if s, ok := argv[0].(string); ok {
				return Decimal(s), nil
			}
		}
	case "timedelta":
		if len(argv) == 3 {
			d, ok1 := argv[0].(int64)
			s, ok2 := argv[1].(int64)
			us, ok3 := argv[2].(int64)
			if ok1 && ok2 && ok3 {
				return TimeDelta{d, s, us}, nil
			}
		}
	case "timezone":
		if len(argv) >= 1 {
			if td, ok := argv[0].(TimeDelta); ok {
				return tzOffset(td.Days*86400 + td.Seconds), nil
			}
		}
	case "date", "datetime", "time":
		return dateTimeFromState(g.name, argv)
	}
	return nil, malformed("unsupported arguments for %s", g)
}

// tzOffset is a datetime.timezone kept as its UTC offset.
type tzOffset int64

func dateTimeFromState(kind string, argv Tuple) (Value, error) {
	if len(argv) < 1 || len(argv) > 2 {
		return nil, malformed("%s needs 1 or 2 arguments", kind)
	}
	b, ok := argv[0].([]byte)
	if !ok {
		return nil, malformed("%s state is %T", kind, argv[0])
	}
	var off *time.Duration
	if len(argv) == 2 && argv[1] != nil {
		tz, ok := argv[1].(tzOffset)
		if !ok {
			return nil, malformed("%s tzinfo is not a fixed offset", kind)
		}
		d := time.Duration(tz) * time.Second
		off = &d
	}
	us := func(p []byte) int { return int(p[0])<<16 | int(p[1])<<8 | int(p[2]) }
	switch {
	case kind == "date" && len(b) == 4:
		return Date{int(binary.BigEndian.Uint16(b)), time.Month(b[2]), int(b[3])}, nil
	case kind == "time" && len(b) == 6:
		return Time{int(b[0] & 0x7f), int(b[1]), int(b[2]), us(b[3:]), off}, nil
	case kind == "datetime" && len(b) == 10:
		loc := time.UTC
		if off != nil {
			loc = fixedZone(*off)
		}
		t := time.Date(int(binary.BigEndian.Uint16(b)), time.Month(b[2]&0x7f), int(b[3]),
			int(b[4]&0x7f), int(b[5]), int(b[6]), us(b[7:])*1000, loc)
		return DateTime{Time: t, Aware: off != nil}, nil
	}
	return nil, malformed("bad %s state", kind)
}

func fixedZone(off time.Duration) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", int(off/time.Second))
}

// build applies BUILD's state to the object on top of the stack.
func build(top *Value, state Value) error {
	switch o := (*top).(type) {
	case opaqueObj:
		return nil
	case *pendingUUID:
		d, ok := resolve(state).(Dict)
		if !ok {
			return malformed("UUID state is not a dict")
		}
		for _, it := range d {
			if it.Key != "int" {
				continue
			}
			var n *big.Int
			switch x := it.Value.(type) {
			case int64:
				n = big.NewInt(x)
			case *big.Int:
				n = x
			}
			if n == nil || n.Sign() < 0 || n.BitLen() > 128 {
				return malformed("bad UUID int")
			}
			n.FillBytes(o.u[:])
			*top = *o.u
			return nil
		}
		return malformed("UUID state without int")
	}
	return malformed("BUILD on %T is not supported", *top)
}

// maxDepth bounds nesting so a self-referencing pickle fails, not recurses.
const maxDepth = 1000

// resolve turns the VM's mutable containers into plain Values.
func resolve(v Value) Value {
	r, _ := (&resolver{budget: 1 << 20}).resolve(v, 0)
	return r
}

// resolver copies shared references into a tree. budget bounds the nodes
// it may create: a pickle of lists that each hold the previous one twice is
// tiny in Python (shared objects) but exponential as a tree.
type resolver struct{ budget int }

func (r *resolver) resolve(v Value, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, malformed("nesting deeper than %d (self-reference?)", maxDepth)
	}
	if r.budget--; r.budget < 0 {
		return nil, malformed("too many shared references to expand")
	}
	each := func(in []Value) ([]Value, error) {
		out := make([]Value, len(in))
		for i, x := range in {
			y, err := r.resolve(x, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	}
	switch x := v.(type) {
	case *List:
		l, err := each(*x)
		return List(l), err
	case *Set:
		l, err := each(*x)
		return Set(l), err
	case FrozenSet:
		l, err := each(x)
		return FrozenSet(l), err
	case Tuple:
		l, err := each(x)
		return Tuple(l), err
	case *Dict:
		out := make(Dict, len(*x))
		for i, it := range *x {
			k, err := r.resolve(it.Key, depth+1)
			if err != nil {
				return nil, err
			}
			val, err := r.resolve(it.Value, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = Item{k, val}
		}
		return out, nil
	case *pendingUUID, pyGlobal, tzOffset, opaqueObj:
		return nil, malformed("incomplete object %T", v)
	}
	return v, nil
}
