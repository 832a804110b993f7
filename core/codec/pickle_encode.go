package codec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"
)

// frameTarget is CPython's _FRAME_SIZE_TARGET; frames under frameMin bytes
// are written without a FRAME header, like CPython does.
const (
	frameTarget = 64 * 1024
	frameMin    = 4
)

// batchSize is CPython's BATCHSIZE: APPENDS, SETITEMS and ADDITEMS carry
// at most this many items each.
const batchSize = 1000

// pickler writes pickles of protocols 0 to 5 the way CPython's C pickler
// does for the Value types, so the bytes match when Python's output is
// deterministic. Go has no object identity: equal strings inside a value
// are each written in full where Python would write a memo GET for a
// shared object; only classes, which Python always shares, are memoized.
type pickler struct {
	out, frame []byte
	proto      int
	memo       int
	strs       map[string]int // memo index of module/qualname and constant strings
	classes    map[Global]int // memo index of each class written
	shared     map[string]int // memo index of the tzinfo singletons written
	depth      int
}

func pickleValue(v Value, proto int) ([]byte, error) { return pickleAppend(nil, v, proto) }

// pickleAppend appends v's pickle to dst, the Codec's scratch buffer when
// it encodes, so that a large value reuses one buffer from call to call.
func pickleAppend(dst []byte, v Value, proto int) ([]byte, error) {
	p := &pickler{out: dst, proto: proto}
	// No capacity up front: append grows the output without zeroing what
	// it copies in, which for a large value cost as much as the copy.
	if proto >= 2 {
		p.out = append(p.out, 0x80, byte(proto))
	}
	if proto < 4 {
		// Framing is protocol 4's: below it, everything goes straight out.
		p.frame = p.out
	}
	if err := p.save(v); err != nil {
		return nil, err
	}
	p.w('.')
	if proto < 4 {
		return p.frame, nil
	}
	p.commit()
	return p.out, nil
}

func (p *pickler) commit() {
	if p.proto < 4 {
		return
	}
	if len(p.frame) >= frameMin {
		p.out = append(p.out, 0x95)
		p.out = binary.LittleEndian.AppendUint64(p.out, uint64(len(p.frame)))
	}
	p.out = append(p.out, p.frame...)
	p.frame = p.frame[:0]
}

func (p *pickler) w(b ...byte) { p.frame = append(p.frame, b...) }

// memoize is CPython's memoize(): MEMOIZE, else PUT/BINPUT/LONG_BINPUT of
// the next index.
func (p *pickler) memoize() {
	switch {
	case p.proto >= 4:
		p.w(0x94)
	case p.proto == 0:
		p.w('p')
		p.frame = strconv.AppendInt(p.frame, int64(p.memo), 10)
		p.w('\n')
	case p.memo < 256:
		p.w('q', byte(p.memo))
	default:
		p.w(binary.LittleEndian.AppendUint32([]byte{'r'}, uint32(p.memo))...)
	}
	p.memo++
}

// get is a memo GET/BINGET/LONG_BINGET of index i.
func (p *pickler) get(i int) {
	switch {
	case p.proto == 0:
		p.w('g')
		p.frame = strconv.AppendInt(p.frame, int64(i), 10)
		p.w('\n')
	case i < 256:
		p.w('h', byte(i))
	default:
		p.w(binary.LittleEndian.AppendUint32([]byte{'j'}, uint32(i))...)
	}
}

// payload writes an opcode header and data; large data bypasses framing.
func payload[T ~string | ~[]byte](p *pickler, header []byte, data T) {
	if p.proto >= 4 && len(data) >= frameTarget {
		p.commit()
		p.out = append(append(p.out, header...), data...)
		return
	}
	p.w(header...)
	p.frame = append(p.frame, data...)
}

func (p *pickler) str(s string) {
	n := len(s)
	switch {
	case p.proto == 0:
		p.w('V')
		p.frame = appendRawUnicodeEscape(p.frame, s)
		p.w('\n')
	case n < 256 && p.proto >= 4:
		payload(p, []byte{0x8c, byte(n)}, s)
	case uint64(n) > math.MaxUint32 && p.proto >= 4:
		payload(p, binary.LittleEndian.AppendUint64([]byte{0x8d}, uint64(n)), s)
	default:
		payload(p, binary.LittleEndian.AppendUint32([]byte{'X'}, uint32(n)), s)
	}
	p.memoize()
}

// appendRawUnicodeEscape is the C pickler's raw_unicode_escape: text as
// latin-1 bytes, \uXXXX for code points above 0xff and for the characters
// that would end or corrupt the line, \UXXXXXXXX beyond the BMP. A lone
// surrogate (its three UTF-8-like bytes in s) is \uXXXX too.
func appendRawUnicodeEscape(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	for i := 0; i < len(s); {
		r, size := decodeRuneSurrogatePass(s[i:])
		i += size
		switch {
		case r >= 0x10000:
			b = append(b, '\\', 'U')
			for sh := 28; sh >= 0; sh -= 4 {
				b = append(b, hexDigits[r>>sh&0xf])
			}
		case r >= 0x100 || r == '\\' || r == 0 || r == '\n' || r == '\r' || r == 0x1a:
			b = append(b, '\\', 'u')
			for sh := 12; sh >= 0; sh -= 4 {
				b = append(b, hexDigits[r>>sh&0xf])
			}
		default:
			b = append(b, byte(r))
		}
	}
	return b
}

// decodeRuneSurrogatePass is utf8.DecodeRuneInString that also reads the
// three bytes of a surrogate (as appendSurrogatePass writes them).
func decodeRuneSurrogatePass(s string) (rune, int) {
	if len(s) >= 3 && s[0] == 0xed && s[1] >= 0xa0 && s[1] <= 0xbf && s[2]&0xc0 == 0x80 {
		return rune(s[0]&0x0f)<<12 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f), 3
	}
	return utf8.DecodeRuneInString(s)
}

func (p *pickler) bytes(b []byte) error {
	if p.proto < 3 {
		// Protocols without a bytes opcode: bytes() or
		// _codecs.encode(text, "latin1"), the text one rune per byte.
		if len(b) == 0 {
			return p.reduce(Global{"builtins", "bytes"})
		}
		// "latin1" is one constant in CPython, memoized once.
		return p.reduce(Global{"_codecs", "encode"}, latin1Text(b), constStr("latin1"))
	}
	n := len(b)
	switch {
	case n < 256:
		payload(p, []byte{'C', byte(n)}, b)
	case uint64(n) > math.MaxUint32 && p.proto >= 4:
		payload(p, binary.LittleEndian.AppendUint64([]byte{0x8e}, uint64(n)), b)
	default:
		payload(p, binary.LittleEndian.AppendUint32([]byte{'B'}, uint32(n)), b)
	}
	p.memoize()
	return nil
}

func latin1Text(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func (p *pickler) int(x int64) {
	switch {
	case x >= math.MinInt32 && x <= math.MaxInt32 && p.proto == 0:
		p.w('I')
		p.frame = strconv.AppendInt(p.frame, x, 10)
		p.w('\n')
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

// long is CPython's encode_long for LONG1/LONG4 (minimal little-endian
// two's complement); below protocol 2, LONG's digits with an L.
func (p *pickler) long(x *big.Int) {
	if p.proto < 2 {
		p.w('L')
		p.frame = x.Append(p.frame, 10)
		p.w('L', '\n')
		return
	}
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

func (p *pickler) float(f float64) {
	if p.proto == 0 {
		p.w('F')
		switch {
		case math.IsNaN(f):
			p.frame = append(p.frame, "nan"...)
		case math.IsInf(f, 1):
			p.frame = append(p.frame, "inf"...)
		case math.IsInf(f, -1):
			p.frame = append(p.frame, "-inf"...)
		default:
			p.frame = append(p.frame, pyFloatRepr(f)...)
		}
		p.w('\n')
		return
	}
	p.w(binary.BigEndian.AppendUint64([]byte{'G'}, math.Float64bits(f))...)
}

// global writes a class or function reference, memoized once per pickle
// as CPython memoizes the class object: GLOBAL below protocol 4,
// STACK_GLOBAL of memoized module and qualname strings from it.
func (p *pickler) global(g Global) {
	if i, ok := p.classes[g]; ok {
		p.get(i)
		return
	}
	if p.proto < 4 {
		w := g
		if p.proto < 3 { // fix_imports
			if py2, ok := toPy2Globals[g]; ok {
				w = py2
			} else if m, ok := toPy2Modules[g.Module]; ok {
				w.Module = m
			}
		}
		p.w('c')
		p.frame = append(append(append(append(p.frame, w.Module...), '\n'), w.Name...), '\n')
	} else {
		p.constStr("m:" + g.Module)
		p.constStr("n:" + g.Name)
		p.w(0x93)
	}
	remember(&p.classes, g, p.memo)
	p.memoize()
}

// constStr writes a string CPython shares within a pickle (an interned
// name or a constant): in full once, then memo GETs. key is the string
// after a two-byte kind prefix.
func (p *pickler) constStr(key string) {
	if i, ok := p.strs[key]; ok {
		p.get(i)
		return
	}
	p.str(key[2:])
	remember(&p.strs, key, p.memo-1)
}

// sharedObject writes v, an object CPython keeps one of (datetime's UTC,
// a ZoneInfo or pytz zone by its key), once per pickle, then memo GETs.
func (p *pickler) sharedObject(key string, v Value) error {
	if i, ok := p.shared[key]; ok {
		p.get(i)
		return nil
	}
	if err := p.save(v); err != nil {
		return err
	}
	remember(&p.shared, key, p.memo-1)
	return nil
}

// remember records a memo index, making the map on first use: most
// values write no class nor shared string, and a pickle of a small value
// would otherwise spend a fifth of its time making three maps.
func remember[K comparable](m *map[K]int, k K, i int) {
	if *m == nil {
		*m = map[K]int{}
	}
	(*m)[k] = i
}

// appends is batch_list: an exact list's items (exact) or an object's
// listitems iterator.
func (p *pickler) appends(items []Value, exact bool) error {
	if p.proto == 0 || (exact && len(items) == 1) {
		for _, it := range items {
			if err := p.save(it); err != nil {
				return err
			}
			p.w('a')
		}
		return nil
	}
	return p.batches(len(items), exact, 'a', 'e', func(i int) error { return p.save(items[i]) })
}

// setItems is batch_dict, for an exact dict (exact) or an object's
// dictitems iterator.
func (p *pickler) setItems(d []Item, exact bool) error {
	pair := func(i int) error {
		if err := p.save(d[i].Key); err != nil {
			return err
		}
		return p.save(d[i].Value)
	}
	if p.proto == 0 || (exact && len(d) == 1) {
		for i := range d {
			if err := pair(i); err != nil {
				return err
			}
			p.w('s')
		}
		return nil
	}
	return p.batches(len(d), exact, 's', 'u', pair)
}

// batches writes n items in MARK ... many batches of batchSize. An exact
// container writes even a last batch of one so; an iterator's batch of one
// is the single-item opcode, as CPython's batch_list/batch_dict do.
func (p *pickler) batches(n int, exact bool, one, many byte, save func(int) error) error {
	for start := 0; start < n; start += batchSize {
		end := min(start+batchSize, n)
		if !exact && end-start == 1 {
			if err := save(start); err != nil {
				return err
			}
			p.w(one)
			continue
		}
		p.w('(')
		for i := start; i < end; i++ {
			if err := save(i); err != nil {
				return err
			}
		}
		p.w(many)
	}
	return nil
}

// reduce writes fn(*args) as save_reduce does, the result memoized.
func (p *pickler) reduce(fn Global, args ...Value) error {
	p.global(fn)
	if err := p.save(Tuple(args)); err != nil {
		return err
	}
	p.w('R')
	p.memoize()
	return nil
}

func (p *pickler) save(v Value) error {
	// A Go slice can contain itself; Python raises RecursionError too.
	if p.depth >= maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, maxDepth)
	}
	// Not a defer: with saveValue's many returns it would not be
	// open-coded, and the runtime's defer records cost a tenth of a small
	// pickle.
	p.depth++
	err := p.saveValue(v)
	p.depth--
	return err
}

func (p *pickler) saveValue(v Value) error {
	if p.proto >= 4 && len(p.frame) >= frameTarget {
		p.commit()
	}
	switch x := v.(type) {
	case nil:
		p.w('N')
	case bool:
		switch {
		case p.proto < 2 && x:
			p.frame = append(p.frame, "I01\n"...)
		case p.proto < 2:
			p.frame = append(p.frame, "I00\n"...)
		case x:
			p.w(0x88)
		default:
			p.w(0x89)
		}
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
		p.float(x)
	case complex128:
		return p.reduce(Global{"builtins", "complex"}, real(x), imag(x))
	case string:
		p.str(x)
	case []byte:
		return p.bytes(x)
	case ByteArray:
		return p.byteArray(x)
	case Tuple:
		return p.tuple(x)
	case List:
		if p.proto == 0 {
			p.w('(', 'l')
		} else {
			p.w(']')
		}
		p.memoize()
		return p.appends(x, true)
	case Dict:
		p.emptyDict()
		return p.setItems(x, true)
	case OrderedDict:
		if err := p.reduce(Global{"collections", "OrderedDict"}); err != nil {
			return err
		}
		return p.setItems(x, false)
	case Set:
		return p.set(x)
	case FrozenSet:
		return p.frozenSet(x)
	case Decimal:
		return p.reduce(Global{"decimal", "Decimal"}, string(x))
	case TimeDelta:
		return p.reduce(Global{"datetime", "timedelta"}, x.Days, x.Seconds, x.Microseconds)
	case Date:
		return p.reduce(Global{"datetime", "date"}, []byte{byte(x.Year >> 8), byte(x.Year), byte(x.Month), byte(x.Day)})
	case Time:
		st := []byte{byte(x.Hour) | p.fold(x.Fold), byte(x.Minute), byte(x.Second), byte(x.Microsecond >> 16), byte(x.Microsecond >> 8), byte(x.Microsecond)}
		if x.Offset == nil {
			return p.reduce(Global{"datetime", "time"}, st)
		}
		return p.reduce(Global{"datetime", "time"}, st, pyTimezone{off: *x.Offset})
	case DateTime:
		return p.dateTime(x)
	case constStr:
		p.constStr("c:" + string(x))
	case pyTimezone:
		if x.name != "" {
			return p.reduce(Global{"datetime", "timezone"}, pyTimedelta(x.off), x.name)
		}
		if x.off == 0 && !x.saving {
			// timezone(timedelta(0)) is the timezone.utc singleton.
			return p.sharedObject("utc", pyTimezone{saving: true})
		}
		return p.reduce(Global{"datetime", "timezone"}, pyTimedelta(x.off))
	case UUID:
		return p.uuid(x)
	case Global:
		p.global(x)
	case Object:
		return p.object(x)
	case *Object:
		return p.object(*x)
	case Opaque:
		// Inside another value its bytes cannot be spliced in: its Value
		// is pickled instead.
		return p.save(x.Value)
	default:
		return fmt.Errorf("%w: cannot pickle %T", ErrUnsupported, v)
	}
	return nil
}

func (p *pickler) emptyDict() {
	if p.proto == 0 {
		p.w('(', 'd')
	} else {
		p.w('}')
	}
	p.memoize()
}

func (p *pickler) tuple(x Tuple) error {
	if len(x) == 0 {
		if p.proto == 0 {
			p.w('(', 't')
		} else {
			p.w(')')
		}
		return nil
	}
	if p.proto < 2 || len(x) > 3 {
		p.w('(')
	}
	for _, it := range x {
		if err := p.save(it); err != nil {
			return err
		}
	}
	p.tupleEnd(len(x))
	return nil
}

// tupleEnd closes a tuple of n items: TUPLE1-3 from protocol 2 (no MARK
// before them), else TUPLE after a MARK; the tuple is memoized.
func (p *pickler) tupleEnd(n int) {
	if p.proto >= 2 && n <= 3 {
		p.w(0x84 + byte(n))
	} else {
		p.w('t')
	}
	p.memoize()
}

func (p *pickler) set(x Set) error {
	if p.proto < 4 {
		return p.reduce(Global{"builtins", "set"}, List(x))
	}
	p.w(0x8f)
	p.memoize()
	if len(x) == 0 {
		return nil
	}
	// CPython loops while a batch is full: a size that is a multiple of
	// batchSize ends with an empty MARK ADDITEMS.
	for start := 0; ; start += batchSize {
		end := min(start+batchSize, len(x))
		p.w('(')
		for _, it := range x[start:end] {
			if err := p.save(it); err != nil {
				return err
			}
		}
		p.w(0x90)
		if end-start < batchSize {
			return nil
		}
	}
}

func (p *pickler) frozenSet(x FrozenSet) error {
	if p.proto < 4 {
		return p.reduce(Global{"builtins", "frozenset"}, List(x))
	}
	p.w('(')
	for _, it := range x {
		if err := p.save(it); err != nil {
			return err
		}
	}
	p.w(0x91)
	p.memoize()
	return nil
}

// byteArray is BYTEARRAY8 at protocol 5, else bytearray's __reduce_ex__:
// bytearray(bytes), or bytearray() when empty.
func (p *pickler) byteArray(b ByteArray) error {
	switch {
	case p.proto >= 5:
		payload(p, binary.LittleEndian.AppendUint64([]byte{0x96}, uint64(len(b))), b)
		p.memoize()
		return nil
	case len(b) == 0:
		return p.reduce(Global{"builtins", "bytearray"})
	}
	return p.reduce(Global{"builtins", "bytearray"}, []byte(b))
}

func (p *pickler) uuid(x UUID) error {
	n := bigOrInt64(new(big.Int).SetBytes(x[:]))
	return p.object(Object{Class: Global{"uuid", "UUID"}, Args: Tuple{}, NewObj: true, State: Dict{{constStr("int"), n}}})
}

// fold is the high bit datetime and time set in their state for fold=1
// at protocols above 3.
func (p *pickler) fold(fold bool) byte {
	if fold && p.proto > 3 {
		return 0x80
	}
	return 0
}

func (p *pickler) dateTime(x DateTime) error {
	t := x.Time
	us := t.Nanosecond() / 1000
	st := []byte{byte(t.Year() >> 8), byte(t.Year()), byte(t.Month()) | p.fold(x.Fold), byte(t.Day()),
		byte(t.Hour()), byte(t.Minute()), byte(t.Second()), byte(us >> 16), byte(us >> 8), byte(us)}
	fn := Global{"datetime", "datetime"}
	switch {
	case !x.Aware:
		return p.reduce(fn, st)
	case x.Pytz != nil || x.Zone != "":
		// pytz and zoneinfo keep one tzinfo per zone (and pytz per
		// offset), shared by every datetime of a pickle.
		var tz Object
		switch {
		case x.Pytz != nil && len(x.Pytz) == 0:
			tz = Object{Class: Global{"pytz", "_UTC"}, Args: Tuple{}}
		case x.Pytz != nil:
			tz = Object{Class: Global{"pytz", "_p"}, Args: x.Pytz}
		default:
			unpickle := Object{Class: Global{"builtins", "getattr"}, Args: Tuple{Global{"zoneinfo", "ZoneInfo"}, constStr("_unpickle")}}
			tz = Object{Class: unpickle, Args: Tuple{x.Zone, int64(1)}}
		}
		p.global(fn)
		if p.proto < 2 {
			p.w('(')
		}
		if err := p.save([]byte(st)); err != nil {
			return err
		}
		if err := p.sharedObject(fmt.Sprintf("tz %q %#v", x.Zone, x.Pytz), tz); err != nil {
			return err
		}
		p.tupleEnd(2)
		p.w('R')
		p.memoize()
		return nil
	}
	_, off := t.Zone()
	return p.reduce(fn, st, pyTimezone{off: time.Duration(off) * time.Second, name: x.OffsetName})
}

// object is save_reduce of an Object: NEWOBJ (NEWOBJ_EX with keyword
// arguments) or REDUCE, memoized, then its listitems, dictitems and state.
func (p *pickler) object(o Object) error {
	cls, isGlobal := o.Class.(Global)
	switch {
	case o.NewObj && o.Kwargs != nil && p.proto >= 4:
		for _, v := range []Value{o.Class, o.Args, o.Kwargs} {
			if err := p.save(v); err != nil {
				return err
			}
		}
		p.w(0x92)
	case o.NewObj && o.Kwargs != nil:
		return fmt.Errorf("%w: an object with keyword arguments needs protocol 4 or more", ErrUnsupported)
	case o.NewObj && p.proto >= 2:
		if err := p.save(o.Class); err != nil {
			return err
		}
		if err := p.save(o.Args); err != nil {
			return err
		}
		p.w(0x81)
	case o.NewObj && len(o.Args) == 0 && isGlobal:
		// copyreg's __reduce_ex__ below protocol 2: object.__new__(cls).
		p.global(Global{"copyreg", "_reconstructor"})
		if err := p.save(Tuple{cls, Global{"builtins", "object"}, nil}); err != nil {
			return err
		}
		p.w('R')
	case o.NewObj:
		return fmt.Errorf("%w: %s.__new__ with arguments needs protocol 2 or more", ErrUnsupported, cls)
	default:
		if err := p.save(o.Class); err != nil {
			return err
		}
		if err := p.save(o.Args); err != nil {
			return err
		}
		p.w('R')
	}
	p.memoize()
	if err := p.appends(o.Items, false); err != nil {
		return err
	}
	if err := p.setItems(o.DictItems, false); err != nil {
		return err
	}
	if o.State != nil {
		if err := p.save(o.State); err != nil {
			return err
		}
		p.w('b')
	}
	return nil
}

// pyTimezone is a datetime.timezone with a fixed offset and maybe a name,
// only for pickling; saving is set while the UTC singleton is written.
type pyTimezone struct {
	off    time.Duration
	name   string
	saving bool
}

// pyTimedelta is an offset in timedelta's normalised form.
func pyTimedelta(off time.Duration) TimeDelta {
	s := int64(off / time.Second)
	days, secs := s/86400, s%86400
	if secs < 0 {
		days, secs = days-1, secs+86400
	}
	return TimeDelta{days, secs, 0}
}

// constStr is a string constant of CPython's reducers, only for pickling.
type constStr string
