package codec

import (
	"encoding/binary"
	"math/big"
	"time"
	"unicode/utf8"
)

// call is REDUCE, NEWOBJ, NEWOBJ_EX, INST and OBJ: fn applied to args as
// data. The constructors of the mapped types give their Go Value; anything
// else is an *Object recording the call, which nothing runs.
func (u *unpickler) call(fn, args, kwargs Value, newobj bool) (Value, error) {
	argv, ok := args.(Tuple)
	if !ok {
		return nil, malformed("call arguments are %T, not a tuple", args)
	}
	switch f := fn.(type) {
	case Global:
		if kwargs == nil {
			v, err := u.construct(f, argv, newobj)
			if v != nil || err != nil {
				return v, err
			}
		}
	case *Object:
		if v, ok := u.zoneinfo(f, argv); ok && !newobj && kwargs == nil {
			return v, nil
		}
	}
	o := &Object{Class: fn, Args: argv, NewObj: newobj}
	if kwargs != nil {
		kw, ok := kwargs.(*Dict)
		if !ok {
			return nil, malformed("NEWOBJ_EX keyword arguments are %T, not a dict", kwargs)
		}
		o.Kwargs = *kw
	}
	return o, nil
}

// construct gives the Value of a mapped type's constructor call, or nil
// (and no error) when g or its arguments are not one of them.
func (u *unpickler) construct(g Global, argv Tuple, newobj bool) (Value, error) {
	if newobj {
		if g == (Global{"uuid", "UUID"}) && len(argv) == 0 {
			return &pendingUUID{u: new(UUID)}, nil
		}
		return nil, nil
	}
	switch g {
	case Global{"builtins", "set"}, Global{"builtins", "frozenset"}:
		var items []Value
		if len(argv) == 1 {
			r, err := u.res.resolve(argv[0], 0)
			if err != nil {
				return nil, err
			}
			l, ok := r.(List)
			if !ok {
				return nil, nil
			}
			items = l
		} else if len(argv) != 0 {
			return nil, nil
		}
		if g.Name == "set" {
			s := Set(items)
			return &s, nil
		}
		return FrozenSet(items), nil
	case Global{"builtins", "bytes"}:
		if len(argv) == 0 {
			return []byte{}, nil
		}
	case Global{"builtins", "bytearray"}:
		switch {
		case len(argv) == 0:
			return ByteArray{}, nil
		case len(argv) == 1:
			if b, ok := argv[0].([]byte); ok {
				return ByteArray(b), nil
			}
		case len(argv) == 2 && argv[1] == "latin-1":
			// bytearray(text, "latin-1"), as protocols < 3 write it.
			if b, err := u.latin1Bytes(Tuple{argv[0], "latin1"}); err == nil {
				return ByteArray(b.([]byte)), nil
			}
		}
	case Global{"builtins", "complex"}:
		if len(argv) == 2 {
			re, ok1 := argv[0].(float64)
			im, ok2 := argv[1].(float64)
			if ok1 && ok2 {
				return complex(re, im), nil
			}
		}
	case Global{"_codecs", "encode"}:
		return u.latin1Bytes(argv)
	case Global{"copyreg", "_reconstructor"}:
		// object.__new__(cls) when the base is object and there is no
		// state for its __init__: a NEWOBJ of cls without arguments.
		if len(argv) == 3 && argv[2] == nil {
			base, ok := argv[1].(Global)
			if cls, isGlobal := argv[0].(Global); isGlobal && ok && base == (Global{"builtins", "object"}) {
				return u.call(cls, Tuple{}, nil, true)
			}
		}
	case Global{"collections", "OrderedDict"}:
		if len(argv) == 0 {
			return &OrderedDict{}, nil
		}
	case Global{"decimal", "Decimal"}:
		if len(argv) == 1 {
			if s, ok := argv[0].(string); ok {
				return Decimal(s), nil
			}
		}
	case Global{"datetime", "timedelta"}:
		if len(argv) == 3 {
			d, ok1 := argv[0].(int64)
			s, ok2 := argv[1].(int64)
			us, ok3 := argv[2].(int64)
			if ok1 && ok2 && ok3 {
				return TimeDelta{d, s, us}, nil
			}
		}
	case Global{"datetime", "timezone"}:
		name, named := tupleAt[string](argv, 1)
		if td, ok := tupleAt[TimeDelta](argv, 0); ok && td.Microseconds == 0 && (len(argv) == 1 || len(argv) == 2 && named) {
			return &tzInfo{offset: td.Days*86400 + td.Seconds, name: name, view: &Object{Class: g, Args: argv}}, nil
		}
	case Global{"pytz", "_p"}:
		return pytzZone(g, argv), nil
	case Global{"pytz", "_UTC"}:
		if len(argv) == 0 {
			return &tzInfo{zone: "UTC", pytz: Tuple{}, view: &Object{Class: g, Args: argv}}, nil
		}
	case Global{"datetime", "date"}, Global{"datetime", "datetime"}, Global{"datetime", "time"}:
		return u.dateTimeFromState(g, argv)
	}
	return nil, nil
}

// tzInfo is a tzinfo the mapped types carry: a datetime.timezone (offset,
// in seconds), a zoneinfo.ZoneInfo (zone) or a pytz zone (zone and pytz,
// its pickled arguments). view is the same call as an Object, for a tzinfo
// met outside a datetime or one whose zone cannot be loaded.
type tzInfo struct {
	offset int64
	name   string // a datetime.timezone's name
	zone   string
	pytz   Tuple
	view   *Object
}

// pytzZone is pytz._p(zone[, utcoffset, dst, tzname]): offsets are whole
// seconds in the pickle, and the datetime's offset is the utcoffset.
func pytzZone(g Global, argv Tuple) Value {
	view := &Object{Class: g, Args: argv}
	zone, ok := tupleAt[string](argv, 0)
	if !ok {
		return nil
	}
	if len(argv) == 1 {
		return &tzInfo{zone: zone, pytz: argv, offset: noOffset, view: view}
	}
	off, ok1 := tupleAt[int64](argv, 1)
	_, ok2 := tupleAt[int64](argv, 2)
	_, ok3 := tupleAt[string](argv, 3)
	if len(argv) != 4 || !ok1 || !ok2 || !ok3 {
		return nil
	}
	return &tzInfo{zone: zone, pytz: argv, offset: off, view: view}
}

// noOffset marks a zone whose offset comes from the tz database.
const noOffset = 1 << 62

func tupleAt[T any](t Tuple, i int) (T, bool) {
	var zero T
	if i >= len(t) {
		return zero, false
	}
	x, ok := t[i].(T)
	return x, ok
}

// zoneinfoUnpickle is getattr(zoneinfo.ZoneInfo, "_unpickle"), the
// callable a ZoneInfo pickles as: (key, from_cache) make the zone.
func (u *unpickler) zoneinfo(fn *Object, argv Tuple) (Value, bool) {
	if len(fn.Args) != 2 || fn.Args[0] != (Global{"zoneinfo", "ZoneInfo"}) || fn.Args[1] != "_unpickle" {
		return nil, false
	}
	if g, ok := fn.Class.(Global); !ok || g != (Global{"builtins", "getattr"}) {
		return nil, false
	}
	key, ok := tupleAt[string](argv, 0)
	if !ok || len(argv) != 2 {
		return nil, false
	}
	return &tzInfo{zone: key, offset: noOffset, view: &Object{Class: fn, Args: argv}}, true
}

// latin1Bytes is _codecs.encode(text, "latin1"), the form of bytes (and of
// datetime states) below protocol 3. Python's own pickles encode each
// string once, from text in the pickle, so their bytes never outgrow the
// input; more means one memoized string encoded again and again.
func (u *unpickler) latin1Bytes(argv Tuple) (Value, error) {
	if len(argv) != 2 {
		return nil, nil
	}
	s, ok1 := argv[0].(string)
	enc, ok2 := argv[1].(string)
	if !ok1 || !ok2 || enc != "latin1" {
		return nil, nil
	}
	n := utf8.RuneCountInString(s)
	if u.encoded += n; u.encoded > len(u.in) {
		return nil, malformed("_codecs.encode makes more bytes than the pickle holds (%d)", len(u.in))
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		if r > 0xff {
			return nil, malformed("_codecs.encode: code point %U is not latin1", r)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// maxZonesPerPickle bounds the tz database files one unpickle may open.
const maxZonesPerPickle = 64

// location is the tz database's zone for a zoneinfo key, loaded once per
// unpickle; nil when this system has no such zone.
func (u *unpickler) location(key string) *time.Location {
	if loc, ok := u.zones[key]; ok {
		return loc
	}
	var loc *time.Location
	if key != "" && key != "Local" && len(u.zones) < maxZonesPerPickle {
		loc, _ = time.LoadLocation(key)
	}
	if u.zones == nil {
		u.zones = map[string]*time.Location{}
	}
	u.zones[key] = loc
	return loc
}

// dateTimeFromState is date/time/datetime(state[, tzinfo]); a tzinfo the
// types cannot carry makes the call an Object.
func (u *unpickler) dateTimeFromState(g Global, argv Tuple) (Value, error) {
	kind := g.Name
	if len(argv) < 1 || len(argv) > 2 {
		return nil, nil
	}
	b, ok := argv[0].([]byte)
	if !ok {
		return nil, nil
	}
	var tz *tzInfo
	if len(argv) == 2 && argv[1] != nil {
		if tz, ok = argv[1].(*tzInfo); !ok {
			return nil, nil
		}
	}
	us := func(p []byte) int { return int(p[0])<<16 | int(p[1])<<8 | int(p[2]) }
	switch {
	case kind == "date" && len(b) == 4 && tz == nil:
		return Date{int(binary.BigEndian.Uint16(b)), time.Month(b[2]), int(b[3])}, nil
	case kind == "time" && len(b) == 6 && (tz == nil || tz.zone == "" && tz.name == ""):
		var off *time.Duration
		if tz != nil {
			d := time.Duration(tz.offset) * time.Second
			off = &d
		}
		return Time{int(b[0] & 0x7f), int(b[1]), int(b[2]), us(b[3:]), off, b[0]&0x80 != 0}, nil
	case kind == "datetime" && len(b) == 10:
		loc, dt := time.UTC, DateTime{Aware: tz != nil, Fold: b[2]&0x80 != 0}
		switch {
		case tz == nil:
		case tz.offset != noOffset:
			loc = fixedZone(time.Duration(tz.offset) * time.Second)
			dt.Zone, dt.Pytz, dt.OffsetName = tz.zone, tz.pytz, tz.name
		default:
			if loc = u.location(tz.zone); loc == nil {
				return nil, nil // no such zone here: an Object
			}
			dt.Zone, dt.Pytz = tz.zone, tz.pytz
		}
		dt.Time = time.Date(int(binary.BigEndian.Uint16(b)), time.Month(b[2]&0x7f), int(b[3]),
			int(b[4]&0x7f), int(b[5]), int(b[6]), us(b[7:])*1000, loc)
		return dt, nil
	}
	return nil, nil
}

func fixedZone(off time.Duration) *time.Location {
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", int(off/time.Second))
}

// build applies BUILD's state to the object on top of the stack.
func (u *unpickler) build(top *Value, state Value) error {
	switch o := (*top).(type) {
	case *Object:
		if o.State != nil {
			// BUILD twice: Python's setstate would merge or replace; the
			// view keeps both, in order.
			o.State = Tuple{o.State, state}
			return nil
		}
		o.State = state
		return nil
	case *pendingUUID:
		if uuid, ok := u.uuidState(state, o); ok {
			*top = uuid
			return nil
		}
		*top = &Object{Class: Global{"uuid", "UUID"}, Args: Tuple{}, NewObj: true, State: state}
		return nil
	case *OrderedDict:
		if d, ok := state.(*Dict); ok && len(*d) == 0 || state == nil {
			return nil
		}
		// An OrderedDict with attributes: kept whole as an object.
		*top = &Object{Class: Global{"collections", "OrderedDict"}, Args: Tuple{}, DictItems: Dict(*o), State: state}
		return nil
	}
	return malformed("BUILD on %T", *top)
}

// uuidState reads UUID's state, {"int": n[, "is_safe": ...]}: false when it
// is not that.
func (u *unpickler) uuidState(state Value, o *pendingUUID) (Value, bool) {
	d, ok := state.(*Dict)
	if !ok {
		return nil, false
	}
	for _, it := range *d {
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
			return nil, false
		}
		n.FillBytes(o.u[:])
		return *o.u, true
	}
	return nil, false
}
