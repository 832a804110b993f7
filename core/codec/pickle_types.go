package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"
)

// call applies an allow-listed constructor to its arguments as data: it
// builds the Go Value the Python constructor would have produced.
func (u *unpickler) call(fn, args Value, newobj bool) (Value, error) {
	if _, ok := fn.(opaqueObj); ok {
		return opaqueObj{}, nil
	}
	g, ok := fn.(pyGlobal)
	if ok && g.name == "getattr" {
		return getattrOf(g, args)
	}
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
			r, err := u.res.resolve(argv[0], 0)
			if errors.Is(err, errOpaqueInside) {
				return opaqueObj{}, nil // u.opaque names the class
			}
			if err != nil {
				return nil, err
			}
			l, ok := r.(List)
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
	case "encode":
		return u.latin1Bytes(argv)
	case "_reconstructor":
		return reconstruct(argv)
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

// latin1Bytes is _codecs.encode(text, "latin1"), the form of bytes (and of
// datetime states) below protocol 3. Python's own pickles encode each
// string once, from text in the pickle, so their bytes never outgrow the
// input; more means one memoized string encoded again and again.
func (u *unpickler) latin1Bytes(argv Tuple) (Value, error) {
	if len(argv) != 2 {
		return nil, malformed("_codecs.encode takes (text, \"latin1\"), not %d arguments", len(argv))
	}
	s, ok := argv[0].(string)
	if !ok {
		return nil, malformed("_codecs.encode of %T, not a str", argv[0])
	}
	if enc, ok := argv[1].(string); !ok {
		return nil, malformed("_codecs.encode with an encoding of type %T", argv[1])
	} else if enc != "latin1" {
		return nil, malformed("_codecs.encode with encoding %.40q: only latin1 is read", enc)
	}
	n := utf8.RuneCountInString(s)
	if u.encoded += n; u.encoded > len(u.in) {
		return nil, malformed("_codecs.encode makes more bytes than the pickle holds (%d)", len(u.in))
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		if r > 0xff {
			return nil, malformed("latin1 code point %U", r)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// reconstruct is copy_reg._reconstructor(cls, object, None), which is
// object.__new__(cls): the object BUILD then fills. Any other base would
// run that base's __new__ and __init__.
func reconstruct(argv Tuple) (Value, error) {
	if len(argv) != 3 {
		return nil, malformed("copy_reg._reconstructor takes 3 arguments, not %d", len(argv))
	}
	if base, _ := argv[1].(pyGlobal); base != (pyGlobal{"builtins", "object"}) && base != (pyGlobal{"__builtin__", "object"}) {
		return nil, fmt.Errorf("%w: copy_reg._reconstructor with a base other than object", ErrUnsafePickle)
	}
	if argv[2] != nil {
		return nil, fmt.Errorf("%w: copy_reg._reconstructor with a state for object.__init__", ErrUnsafePickle)
	}
	switch cls := argv[0].(type) {
	case opaqueObj:
		if cls.global {
			return opaqueObj{}, nil // u.opaque names the class
		}
	case pyGlobal:
		if cls == (pyGlobal{"uuid", "UUID"}) {
			return &pendingUUID{u: new(UUID)}, nil
		}
	}
	return nil, malformed("copy_reg._reconstructor of %v is not supported", argv[0])
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
		if _, ok := argv[1].(opaqueObj); ok {
			// zoneinfo.ZoneInfo, pytz...: not a fixed offset, so the
			// whole value is kept as Opaque (u.opaque names the class).
			return opaqueObj{}, nil
		}
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

// getattrOf is builtins.getattr(cls, name) as protocols >= 2 write a
// classmethod (zoneinfo.ZoneInfo._unpickle): kept as Opaque when cls is a
// bare non-allow-listed class and name is no dunder; any other getattr
// could reach code, so it is refused.
func getattrOf(g pyGlobal, args Value) (Value, error) {
	if argv, ok := args.(Tuple); ok && len(argv) == 2 {
		cls, isClass := argv[0].(opaqueObj)
		name, isName := argv[1].(string)
		if isClass && cls.global && isName && !strings.HasPrefix(name, "__") {
			return opaqueObj{}, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsafePickle, g)
}

// build applies BUILD's state to the object on top of the stack.
func (u *unpickler) build(top *Value, state Value) error {
	switch o := (*top).(type) {
	case opaqueObj:
		return nil
	case *pendingUUID:
		r, err := u.res.resolve(state, 0)
		if errors.Is(err, errOpaqueInside) {
			*top = opaqueObj{}
			return nil
		}
		if err != nil {
			return err
		}
		d, ok := r.(Dict)
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

// errOpaqueInside marks a container holding an object of a class outside
// the allow-list: its caller keeps the whole value as Opaque.
var errOpaqueInside = fmt.Errorf("%w: an opaque object inside a container", ErrMalformed)

// maxResolveNodes caps the nodes one unpickle may create whatever its
// length (about 16 bytes of references each).
const maxResolveNodes = 1 << 24

// newResolver gives one unpickle of n input bytes its single budget: a few
// nodes per input byte plus a fixed allowance, within maxResolveNodes.
func newResolver(n int) *resolver {
	return &resolver{budget: min(1<<16+16*n, maxResolveNodes)}
}

// resolver copies shared references into a tree. budget bounds the nodes
// it may create over the whole unpickle (set() arguments, UUID state and
// the final value alike): a pickle of lists that each hold the previous
// one twice is tiny in Python (shared objects) but exponential as a tree.
// Containers already resolved are walked and counted again, so sharing
// them cannot build an unbounded tree either.
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
	dict := func(in Dict) (Value, error) {
		out := make(Dict, len(in))
		for i, it := range in {
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
	}
	switch x := v.(type) {
	case *List:
		l, err := each(*x)
		return List(l), err
	case List:
		l, err := each(x)
		return List(l), err
	case *Set:
		l, err := each(*x)
		return Set(l), err
	case Set:
		l, err := each(x)
		return Set(l), err
	case FrozenSet:
		l, err := each(x)
		return FrozenSet(l), err
	case Tuple:
		l, err := each(x)
		return Tuple(l), err
	case *Dict:
		return dict(*x)
	case Dict:
		return dict(x)
	case opaqueObj:
		return nil, errOpaqueInside
	case *pendingUUID, pyGlobal, tzOffset:
		return nil, malformed("incomplete object %T", v)
	}
	return v, nil
}
