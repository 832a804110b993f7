package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrUnsafePickle is returned for a pickle that names a callable outside the
// allow-list in a module that can run code (os.system, builtins.eval, ...).
// The pickle is only read as data here: nothing in it is ever called.
var ErrUnsafePickle = errors.New("codec: pickle refers to a forbidden callable")

// ErrMalformed is returned for bytes the configured serializer cannot read.
var ErrMalformed = errors.New("codec: malformed value")

// pyGlobal is a GLOBAL/STACK_GLOBAL reference kept as data, never resolved.
type pyGlobal struct{ module, name string }

// pyMark is the MARK sentinel on the VM stack.
type pyMark struct{}

// opaqueObj stands for any object built from a non-allow-listed class;
// global is set for the bare class reference itself.
type opaqueObj struct{ global bool }

// pendingUUID is uuid.UUID.__new__(UUID) waiting for BUILD's state.
type pendingUUID struct{ u *UUID }

// dangerousModules can run code or touch the system; naming any global in
// them is refused outright rather than kept as Opaque.
var dangerousModules = map[string]bool{
	"os": true, "posix": true, "nt": true, "subprocess": true, "sys": true,
	"builtins": true, "__builtin__": true, "shutil": true, "importlib": true,
	"socket": true, "pickle": true, "_pickle": true, "marshal": true,
	"ctypes": true, "code": true, "codeop": true, "runpy": true, "pty": true,
	"io": true, "_io": true, "codecs": true, "_codecs": true, "webbrowser": true,
	"operator": true, "functools": true, "types": true, "platform": true,
	"signal": true, "multiprocessing": true, "asyncio": true, "commands": true,
	"popen2": true, "pdb": true, "timeit": true, "copyreg": true, "copy_reg": true,
	"tempfile": true, "glob": true, "pathlib": true, "ssl": true, "http": true,
	"urllib": true, "requests": true, "gc": true, "inspect": true, "site": true,
}

// allowedGlobals are the constructors of the Value types (Python 3 names and
// the Python 2 names that protocols < 3 write through fix_imports).
var allowedGlobals = map[pyGlobal]bool{
	{"datetime", "datetime"}: true, {"datetime", "date"}: true,
	{"datetime", "time"}: true, {"datetime", "timedelta"}: true,
	{"datetime", "timezone"}: true, {"decimal", "Decimal"}: true,
	{"uuid", "UUID"}: true, {"builtins", "set"}: true, {"__builtin__", "set"}: true,
	{"builtins", "frozenset"}: true, {"__builtin__", "frozenset"}: true,
	{"builtins", "bytes"}: true, {"__builtin__", "bytes"}: true,
	{"_codecs", "encode"}: true, {"collections", "OrderedDict"}: true,
	// Protocols 0 and 1 write an object (uuid.UUID's) as
	// copy_reg._reconstructor(cls, object, None); call vets the arguments.
	{"copyreg", "_reconstructor"}: true, {"copy_reg", "_reconstructor"}: true,
	{"builtins", "object"}: true, {"__builtin__", "object"}: true,
}

// harmlessClasses are classes in a refused module that only hold data and
// have no Value form: their objects read as Opaque, like any other class's.
var harmlessClasses = map[pyGlobal]bool{
	{"builtins", "bytearray"}: true, {"__builtin__", "bytearray"}: true,
}

func (g pyGlobal) String() string { return g.module + "." + g.name }

type unpickler struct {
	in      []byte
	pos     int
	stack   []Value
	marks   []int
	memo    map[uint64]Value
	opaque  string // first non-allow-listed class seen
	encoded int    // bytes made by _codecs.encode so far
	dictIdx map[*Dict]map[any]int
	res     *resolver // one node budget for the whole unpickle
}

// maxPickleStack bounds the VM stack (each entry is a reference, so the
// input length already bounds memory; this only fails absurd inputs fast).
const maxPickleStack = 1 << 22

func unpickle(data []byte) (Value, error) {
	u := &unpickler{in: data, memo: map[uint64]Value{}, dictIdx: map[*Dict]map[any]int{}, res: newResolver(len(data))}
	v, err := u.run()
	if err != nil {
		return nil, err
	}
	if u.opaque != "" {
		return Opaque{Class: u.opaque, Raw: append([]byte(nil), data...)}, nil
	}
	return u.res.resolve(v, 0)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: pickle: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func (u *unpickler) read(n uint64) ([]byte, error) {
	if n > uint64(len(u.in)-u.pos) {
		return nil, malformed("truncated at byte %d", u.pos)
	}
	b := u.in[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return b, nil
}

func (u *unpickler) readLine() (string, error) {
	i := bytes.IndexByte(u.in[u.pos:], '\n')
	if i < 0 {
		return "", malformed("truncated line at byte %d", u.pos)
	}
	s := string(u.in[u.pos : u.pos+i])
	u.pos += i + 1
	return s, nil
}

func (u *unpickler) uint(n int) (uint64, error) {
	b, err := u.read(uint64(n))
	if err != nil {
		return 0, err
	}
	var x uint64
	for i := n - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	return x, nil
}

func (u *unpickler) push(v Value) error {
	if len(u.stack) >= maxPickleStack {
		return malformed("stack too deep")
	}
	u.stack = append(u.stack, v)
	return nil
}

func (u *unpickler) pop() (Value, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, malformed("stack underflow at byte %d", u.pos)
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	if _, ok := v.(pyMark); ok {
		return nil, malformed("unexpected mark")
	}
	return v, nil
}

func (u *unpickler) top() (*Value, error) {
	if len(u.stack) == 0 {
		return nil, malformed("empty stack at byte %d", u.pos)
	}
	return &u.stack[len(u.stack)-1], nil
}

// popMark returns the items pushed since the last MARK.
func (u *unpickler) popMark() ([]Value, error) {
	if len(u.marks) == 0 {
		return nil, malformed("no mark at byte %d", u.pos)
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]Value(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) global(g pyGlobal) error {
	if allowedGlobals[g] || g == (pyGlobal{"builtins", "getattr"}) || g == (pyGlobal{"__builtin__", "getattr"}) {
		return u.push(g) // call and getattrOf vet the arguments
	}
	root, _, _ := strings.Cut(g.module, ".")
	if dangerousModules[root] && !harmlessClasses[g] {
		return fmt.Errorf("%w: %s", ErrUnsafePickle, g)
	}
	u.opaqueClass(g.String())
	return u.push(opaqueObj{global: true})
}

// opaqueClass records the first class without a Value form: the whole
// pickle then reads as Opaque.
func (u *unpickler) opaqueClass(name string) {
	if u.opaque == "" {
		u.opaque = name
	}
}

func (u *unpickler) run() (Value, error) {
	for {
		if u.pos >= len(u.in) {
			return nil, malformed("truncated: no STOP")
		}
		op := u.in[u.pos]
		u.pos++
		if err := u.step(op); err != nil {
			if errors.Is(err, errStop) {
				v, err := u.pop()
				if err != nil {
					return nil, err
				}
				return v, nil
			}
			return nil, err
		}
	}
}

var errStop = errors.New("stop")

func (u *unpickler) step(op byte) error {
	switch op {
	case '.': // STOP
		return errStop
	case 0x80: // PROTO
		p, err := u.uint(1)
		if err != nil {
			return err
		}
		if p > 5 {
			return malformed("unsupported protocol %d", p)
		}
		return nil
	case 0x95: // FRAME: framing is transparent to the VM
		_, err := u.uint(8)
		return err
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
		return nil
	case '0': // POP
		if len(u.marks) > 0 && u.marks[len(u.marks)-1] == len(u.stack) {
			u.marks = u.marks[:len(u.marks)-1]
			return nil
		}
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		t, err := u.top()
		if err != nil {
			return err
		}
		return u.push(*t)
	case 'N':
		return u.push(nil)
	case 0x88:
		return u.push(true)
	case 0x89:
		return u.push(false)
	case 'K':
		x, err := u.uint(1)
		if err != nil {
			return err
		}
		return u.push(int64(x))
	case 'M':
		x, err := u.uint(2)
		if err != nil {
			return err
		}
		return u.push(int64(x))
	case 'J':
		x, err := u.uint(4)
		if err != nil {
			return err
		}
		return u.push(int64(int32(uint32(x))))
	case 0x8a, 0x8b: // LONG1, LONG4
		n, err := u.uint(map[byte]int{0x8a: 1, 0x8b: 4}[op])
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.push(decodeLong(b))
	case 'I': // INT (text; I01/I00 are bools)
		s, err := u.readLine()
		if err != nil {
			return err
		}
		switch s {
		case "01":
			return u.push(true)
		case "00":
			return u.push(false)
		}
		return u.pushIntText(s)
	case 'L': // LONG (text)
		s, err := u.readLine()
		if err != nil {
			return err
		}
		return u.pushIntText(strings.TrimSuffix(s, "L"))
	case 'G':
		b, err := u.read(8)
		if err != nil {
			return err
		}
		return u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case 'F':
		s, err := u.readLine()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, "xX_") { // Python's float text has no hex form
			return malformed("bad FLOAT %q", s)
		}
		return u.push(f)
	case 0x8c, 'X', 0x8d: // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8
		n, err := u.uint(map[byte]int{0x8c: 1, 'X': 4, 0x8d: 8}[op])
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.push(string(b))
	case 'V': // UNICODE (raw-unicode-escape text)
		at := u.pos - 1
		s, err := u.readLine()
		if err != nil {
			return err
		}
		text, err := rawUnicodeUnescape(s)
		if err != nil {
			return malformed("UNICODE at byte %d: %v", at, err)
		}
		return u.push(text)
	case 'C', 'B', 0x8e, 'U', 'T': // bytes; py2 str (U, T) read as bytes
		n, err := u.uint(map[byte]int{'C': 1, 'B': 4, 0x8e: 8, 'U': 1, 'T': 4}[op])
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.push(append([]byte{}, b...))
	case ')':
		return u.push(Tuple{})
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op - 0x84)
		if len(u.stack) < n {
			return malformed("stack underflow")
		}
		t := make(Tuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return err
			}
			t[i] = v
		}
		return u.push(t)
	case 't':
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.push(Tuple(items))
	case ']':
		return u.push(&List{})
	case 'l':
		items, err := u.popMark()
		if err != nil {
			return err
		}
		l := List(items)
		return u.push(&l)
	case '}':
		return u.push(&Dict{})
	case 'd':
		items, err := u.popMark()
		if err != nil {
			return err
		}
		d := &Dict{}
		if err := u.setItems(d, items); err != nil {
			return err
		}
		return u.push(d)
	case 0x8f: // EMPTY_SET
		return u.push(&Set{})
	case 0x91: // FROZENSET
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.push(FrozenSet(items))
	case 'a', 'e', 's', 'u', 0x90: // APPEND, APPENDS, SETITEM, SETITEMS, ADDITEMS
		return u.addTo(op)
	case 'p', 'q', 'r', 0x94: // PUT, BINPUT, LONG_BINPUT, MEMOIZE
		var idx uint64
		var err error
		switch op {
		case 'p':
			var s string
			if s, err = u.readLine(); err == nil {
				idx, err = strconv.ParseUint(s, 10, 32)
			}
		case 'q':
			idx, err = u.uint(1)
		case 'r':
			idx, err = u.uint(4)
		default:
			idx = uint64(len(u.memo))
		}
		if err != nil {
			return malformed("bad memo index")
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		if _, ok := (*t).(pyMark); ok {
			return malformed("memoize of mark")
		}
		u.memo[idx] = *t
		return nil
	case 'g', 'h', 'j': // GET, BINGET, LONG_BINGET
		var idx uint64
		var err error
		switch op {
		case 'g':
			var s string
			if s, err = u.readLine(); err == nil {
				idx, err = strconv.ParseUint(s, 10, 32)
			}
		case 'h':
			idx, err = u.uint(1)
		default:
			idx, err = u.uint(4)
		}
		if err != nil {
			return malformed("bad memo index")
		}
		v, ok := u.memo[idx]
		if !ok {
			return malformed("memo %d missing", idx)
		}
		return u.push(v)
	case 'c': // GLOBAL
		mod, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		return u.global(pyGlobal{mod, name})
	case 0x93: // STACK_GLOBAL
		name, err1 := u.pop()
		mod, err2 := u.pop()
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			return malformed("STACK_GLOBAL needs strings")
		}
		return u.global(pyGlobal{ms, ns})
	case 'R', 0x81: // REDUCE, NEWOBJ
		args, err1 := u.pop()
		fn, err2 := u.pop()
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		v, err := u.call(fn, args, op == 0x81)
		if err != nil {
			return err
		}
		return u.push(v)
	case 'b': // BUILD
		state, err := u.pop()
		if err != nil {
			return err
		}
		t, err := u.top()
		if err != nil {
			return err
		}
		return u.build(t, state)
	case 0x96: // BYTEARRAY8: protocol 5's bytearray, which has no Value form
		n, err := u.uint(8)
		if err != nil {
			return err
		}
		if _, err := u.read(n); err != nil {
			return err
		}
		u.opaqueClass("builtins.bytearray")
		return u.push(opaqueObj{})
	case 'i', 'o', 0x92, 'P', 'Q', 0x82, 0x83, 0x84, 0x97, 0x98:
		// INST, OBJ, NEWOBJ_EX, persistent ids, extension registry and
		// out-of-band buffers: none is written for the supported types.
		u.opaqueClass(fmt.Sprintf("<opcode 0x%02x>", op))
		return malformed("opcode 0x%02x is not supported", op)
	}
	return malformed("unknown opcode 0x%02x at byte %d", op, u.pos-1)
}

func (u *unpickler) pushIntText(s string) error {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return u.push(n)
	}
	b, ok := parseDecimalInt(s)
	if !ok {
		return malformed("bad INT (or more than %d digits) at byte %d", maxIntDigits, u.pos)
	}
	return u.push(bigOrInt64(b))
}

func (u *unpickler) addTo(op byte) error {
	var items []Value
	var err error
	switch op {
	case 'a':
		v, e := u.pop()
		items, err = []Value{v}, e
	case 's':
		v, e1 := u.pop()
		k, e2 := u.pop()
		items, err = []Value{k, v}, errors.Join(e1, e2)
	default:
		items, err = u.popMark()
	}
	if err != nil {
		return err
	}
	t, err := u.top()
	if err != nil {
		return err
	}
	switch c := (*t).(type) {
	case *List:
		if op != 'a' && op != 'e' {
			return malformed("set item on a list")
		}
		*c = append(*c, items...)
	case *Dict:
		if op != 's' && op != 'u' {
			return malformed("append to a dict")
		}
		return u.setItems(c, items)
	case *Set:
		if op != 0x90 {
			return malformed("append to a set")
		}
		*c = append(*c, items...)
	case opaqueObj:
	default:
		return malformed("cannot add items to %T", *t)
	}
	return nil
}

func (u *unpickler) setItems(d *Dict, kv []Value) error {
	if len(kv)%2 != 0 {
		return malformed("odd number of dict items")
	}
	idx := u.dictIdx[d]
	if idx == nil {
		idx = map[any]int{}
		u.dictIdx[d] = idx
	}
	for i := 0; i < len(kv); i += 2 {
		d.set(idx, kv[i], kv[i+1])
	}
	return nil
}

// set replaces an existing key's value like Python's dict does (1, 1.0 and
// True are one key, as in Python). idx maps pyKey(key) to its position, so
// a value with many keys costs linear, not quadratic, time.
func (d *Dict) set(idx map[any]int, k, v Value) {
	hk, hashable := pyKey(k)
	if hashable {
		if i, ok := idx[hk]; ok {
			(*d)[i].Value = v
			return
		}
		idx[hk] = len(*d)
	}
	*d = append(*d, Item{k, v})
}

type bytesKey string
type bigKey string

// pyKey maps a key to a Go comparable with Python's equality for the
// scalar key types; ok is false for keys compared by no index (tuples...).
func pyKey(k Value) (any, bool) {
	switch x := k.(type) {
	case nil, string, int64:
		return x, true
	case bool:
		if x {
			return int64(1), true
		}
		return int64(0), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), true
		}
		return x, true
	case *big.Int:
		return bigKey(x.String()), true
	case []byte:
		return bytesKey(x), true
	case Decimal, UUID, Date, TimeDelta:
		return x, true
	}
	return nil, false
}

func decodeLong(b []byte) Value {
	if len(b) == 0 {
		return int64(0)
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	x := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return bigOrInt64(x)
}

// rawUnicodeUnescape decodes protocol 0's UNICODE text as Python's
// raw-unicode-escape codec does: every byte is the code point of that value
// (latin-1), except \uXXXX and \UXXXXXXXX after an odd run of backslashes.
// A lone surrogate is kept as BINUNICODE carries it (UTF-8 with Python's
// surrogatepass), so one Python str is one Go string at every protocol.
func rawUnicodeUnescape(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			out = utf8.AppendRune(out, rune(s[i]))
			i++
			continue
		}
		run := i
		for i < len(s) && s[i] == '\\' {
			i++
		}
		out = append(out, s[run:i]...)
		if (i-run)%2 == 0 || i == len(s) || (s[i] != 'u' && s[i] != 'U') {
			continue
		}
		n := 4
		if s[i] == 'U' {
			n = 8
		}
		digits := s[i+1 : min(i+1+n, len(s))]
		r, err := strconv.ParseUint(digits, 16, 32)
		if err != nil || len(digits) < n {
			return "", fmt.Errorf("truncated \\%c escape %q", s[i], digits)
		}
		if r > unicode.MaxRune {
			return "", fmt.Errorf("\\U%s is beyond U+10FFFF", digits)
		}
		out = appendSurrogatePass(out[:len(out)-1], rune(r))
		i += 1 + n
	}
	return string(out), nil
}

// appendSurrogatePass is utf8.AppendRune that writes a surrogate's three
// bytes instead of U+FFFD, as Python's "surrogatepass" error handler does.
func appendSurrogatePass(b []byte, r rune) []byte {
	if r >= 0xd800 && r <= 0xdfff {
		return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return utf8.AppendRune(b, r)
}
