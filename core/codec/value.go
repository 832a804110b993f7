package codec

import (
	"math/big"
	"time"
)

// Value is a decoded Python value. Its dynamic type is one of:
//
//	Python                         Go
//	------                         --
//	None                           nil
//	bool                           bool
//	int (fits 64 bits)             int64
//	int (beyond 64 bits)           *big.Int
//	float                          float64
//	str                            string
//	bytes                          []byte
//	bytearray                      ByteArray
//	complex                        complex128
//	list                           List
//	tuple                          Tuple
//	dict (insertion order)         Dict (keys may be any hashable Value)
//	collections.OrderedDict        OrderedDict
//	set / frozenset                Set / FrozenSet (order as stored)
//	datetime.datetime              DateTime (Aware: has a tzinfo; Zone
//	                               names a zoneinfo or pytz zone)
//	datetime.date                  Date
//	datetime.time                  Time
//	datetime.timedelta             TimeDelta
//	decimal.Decimal                Decimal (its exact str())
//	uuid.UUID                      UUID
//	a class or function itself     Global
//	an object of any other class   Object (pickle only: how the pickle
//	                               builds it, never executed)
//	a pickle holding an Object     Opaque (the original bytes and the
//	                               decoded Value with its Objects)
//
// JSON and msgpack carry fewer types; see json.go and msgpack.go.
type Value any

// List is a Python list.
type List []Value

// Tuple is a Python tuple.
type Tuple []Value

// Set is a Python set; Python's own iteration order depends on hashes.
type Set []Value

// FrozenSet is a Python frozenset.
type FrozenSet []Value

// Item is one key/value pair of a Dict.
type Item struct {
	Key   Value
	Value Value
}

// Dict is a Python dict in insertion order.
type Dict []Item

// DateTime is a datetime.datetime. An aware one with a datetime.timezone
// has a fixed-offset location; naive ones are in time.UTC with Aware false.
//
// Zone is set when the tzinfo is a zone of the tz database: a
// zoneinfo.ZoneInfo's key, or a pytz zone's name. Time is then in that
// zone: loaded from the system's tz database for zoneinfo, a fixed zone of
// the offset pytz pickled for pytz. Pytz is nil for zoneinfo; for pytz it
// holds the arguments pytz pickles (pytz._p's: (zone,) for a static zone,
// (zone, utcoffset, dst, tzname) in seconds for the others; empty for
// pytz.utc), so the value is written back as pytz wrote it. Fold is
// Python's fold (the second of two equal wall times), which protocols 4
// and 5 keep. OffsetName is the name a datetime.timezone was given
// (timezone(offset, name)), "" for none.
type DateTime struct {
	Time       time.Time
	Aware      bool
	Zone       string
	Pytz       Tuple
	Fold       bool
	OffsetName string
}

// Date is a datetime.date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Time is a datetime.time; Offset is nil for a naive time.
type Time struct {
	Hour, Minute, Second, Microsecond int
	Offset                            *time.Duration
	Fold                              bool
}

// TimeDelta is a datetime.timedelta in Python's normalised form.
type TimeDelta struct {
	Days, Seconds, Microseconds int64
}

// Decimal is a decimal.Decimal kept as its exact string form ("1.10").
type Decimal string

// UUID is a uuid.UUID.
type UUID [16]byte

// ByteArray is a Python bytearray.
type ByteArray []byte

// OrderedDict is a collections.OrderedDict, in its order.
type OrderedDict []Item

// Global is a module-level name as a pickle refers to it (a class or a
// function: GLOBAL, STACK_GLOBAL). It is never imported or called.
type Global struct {
	Module, Name string
}

func (g Global) String() string { return g.Module + "." + g.Name }

// Object is an object of a class the library does not map (a Django model
// instance, an HttpResponse, an exception, an enum member...) as its pickle
// builds it, read as data: nothing is called.
//
// Class is what the pickle calls: usually a Global (the class, or a
// function such as copyreg._reconstructor or pytz._p), or another Object
// when the callable is itself built (getattr(cls, "name")). Args are its
// positional arguments, Kwargs its keyword arguments (NEWOBJ_EX). NewObj
// is set when the object is made by cls.__new__(cls, *Args) (NEWOBJ)
// rather than by calling Class (REDUCE). Items and DictItems are what the
// pickle appends (a list subclass) or sets (a dict subclass such as
// defaultdict) on it. State is BUILD's argument: the object's __dict__, a
// (__dict__, slots) tuple or what __setstate__ takes; nil without BUILD.
type Object struct {
	Class     Value
	Args      Tuple
	Kwargs    Dict
	NewObj    bool
	Items     List
	DictItems Dict
	State     Value
}

// ClassName is "module.qualname" of the object's class: Class when it is
// a Global, the class copyreg's constructors are given (the first of
// Args) for them, else "".
func (o Object) ClassName() string {
	g, ok := o.Class.(Global)
	if !ok {
		return ""
	}
	if g.Module == "copyreg" && len(o.Args) > 0 {
		if cls, ok := o.Args[0].(Global); ok {
			return cls.String()
		}
	}
	return g.String()
}

// Opaque is a stored pickle holding at least one Object. Raw is the whole
// pickle, which Encode writes back unchanged; Value is what it holds, its
// Objects as Object; Class is the class of the first Object. To store a
// changed value, encode Value instead: it is then pickled anew.
type Opaque struct {
	Class string
	Raw   []byte
	Value Value
}

// bigOrInt64 folds a big.Int into int64 when it fits, so equal Python ints
// always have one Go form.
func bigOrInt64(b *big.Int) Value {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}
