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
//	list                           List
//	tuple                          Tuple
//	dict (insertion order)         Dict (keys may be any hashable Value)
//	set / frozenset                Set / FrozenSet (order as stored)
//	datetime.datetime              DateTime (Aware: has a fixed-offset tzinfo)
//	datetime.date                  Date
//	datetime.time                  Time
//	datetime.timedelta             TimeDelta
//	decimal.Decimal                Decimal (its exact str())
//	uuid.UUID                      UUID
//	an object of any other class   Opaque (pickle only: the original bytes)
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

// DateTime is a datetime.datetime. Aware datetimes carry a fixed-offset
// location (datetime.timezone); naive ones are in time.UTC with Aware false.
type DateTime struct {
	Time  time.Time
	Aware bool
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
}

// TimeDelta is a datetime.timedelta in Python's normalised form.
type TimeDelta struct {
	Days, Seconds, Microseconds int64
}

// Decimal is a decimal.Decimal kept as its exact string form ("1.10").
type Decimal string

// UUID is a uuid.UUID.
type UUID [16]byte

// Opaque is a pickled object whose class is not in the allow-list (for
// example a Django model instance). Raw is the whole stored pickle, so it
// can be written back unchanged; Class is "module.qualname" of the first
// such global. Nothing of it was executed.
type Opaque struct {
	Class string
	Raw   []byte
}

// bigOrInt64 folds a big.Int into int64 when it fits, so equal Python ints
// always have one Go form.
func bigOrInt64(b *big.Int) Value {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}
