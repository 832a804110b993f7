package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrMalformed is returned for bytes the configured serializer cannot read.
var ErrMalformed = errors.New("codec: malformed value")

// pyMark is the MARK sentinel on the VM stack.
type pyMark struct{}

// pendingUUID is uuid.UUID.__new__(UUID) waiting for BUILD's state.
type pendingUUID struct{ u *UUID }

type unpickler struct {
	in      []byte
	shared  bool // in is never written again: see shared.go
	pos     int
	stack   []Value
	marks   []int
	memo    memoTable
	proto   uint64 // PROTO's, 0 without it
	encoded int    // bytes made by _codecs.encode so far
	dictIdx map[*Dict]map[any]int
	zones   map[string]*time.Location // zoneinfo keys loaded by this unpickle
	res     resolver                  // one node budget for the whole unpickle
	// loadable: every opcode run so far is one of loadableOps.
	loadable bool
	// peek: the value is looked at and dropped (Loadable), so its bytes
	// values may share in too.
	peek bool

	stackBuf [16]Value
	memoBuf  [16]Value
	marksBuf [4]int
}

// maxPickleStack bounds the VM stack (each entry is a reference, so the
// input length already bounds memory; this only fails absurd inputs fast).
const maxPickleStack = 1 << 22

func unpickle(data []byte, shared bool) (Value, error) {
	return newUnpickler(data, shared).decode()
}

func newUnpickler(data []byte, shared bool) *unpickler {
	u := new(unpickler)
	u.init(data, shared)
	return u
}

// init readies u, new or used, to read data.
func (u *unpickler) init(data []byte, shared bool) {
	*u = unpickler{in: data, shared: shared, res: newResolver(len(data)), loadable: true}
	// Room for a small value's stack and memo in the unpickler itself.
	u.stack, u.memo.dense, u.marks = u.stackBuf[:0], u.memoBuf[:0], u.marksBuf[:0]
}

func (u *unpickler) decode() (Value, error) {
	data := u.in
	v, err := u.run()
	if err != nil {
		return nil, err
	}
	if v, err = u.res.resolve(v, 0); err != nil {
		return nil, err
	}
	if u.res.pickleOnly != "" {
		return Opaque{Class: u.res.pickleOnly, Raw: append([]byte(nil), data...), Value: v}, nil
	}
	return v, nil
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

// sizeWidth is the width of the length before the data of a LONG, string
// or bytes opcode: 1 byte for the SHORT_ forms and LONG1, 8 for the *8
// forms, else 4.
func sizeWidth(op byte) int {
	switch op {
	case 0x8a, 0x8c, 'C', 'U':
		return 1
	case 0x8d, 0x8e:
		return 8
	}
	return 4
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
	items, err := u.popMarkView()
	return append([]Value(nil), items...), err
}

// popMarkView is popMark without a copy: the items are the stack's, valid
// until the next push, for the opcodes that copy them elsewhere at once.
func (u *unpickler) popMarkView() ([]Value, error) {
	if len(u.marks) == 0 {
		return nil, malformed("no mark at byte %d", u.pos)
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := u.stack[m:]
	u.stack = u.stack[:m]
	return items, nil
}

// global is a module-level name, its Python 2 name mapped as fix_imports
// maps it below protocol 3.
func (u *unpickler) global(module, name string) Global {
	g := Global{module, name}
	if u.proto < 3 {
		if py3, ok := fromPy2Globals[g]; ok {
			return py3
		}
		if m, ok := fromPy2Modules[module]; ok {
			g.Module = m
		}
	}
	return g
}

func (u *unpickler) run() (Value, error) {
	for {
		if u.pos >= len(u.in) {
			return nil, malformed("truncated: no STOP")
		}
		op := u.in[u.pos]
		u.pos++
		u.loadable = u.loadable && loadableOps[op]
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
		u.proto = p
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
		n, err := u.uint(sizeWidth(op))
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
		n, err := u.uint(sizeWidth(op))
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.push(text(b, u.shared))
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
	case 'C', 'B', 0x8e: // SHORT_BINBYTES, BINBYTES, BINBYTES8
		n, err := u.uint(sizeWidth(op))
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		if u.peek {
			return u.push(b)
		}
		return u.push(append([]byte{}, b...))
	case 'U', 'T': // SHORT_BINSTRING, BINSTRING: Python 2's str
		n, err := u.uint(sizeWidth(op))
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.pushPy2Str(b)
	case 'S': // STRING: Python 2's str as its quoted repr
		s, err := u.readLine()
		if err != nil {
			return err
		}
		if len(s) < 2 || s[0] != s[len(s)-1] || (s[0] != '\'' && s[0] != '"') {
			return malformed("STRING is not quoted")
		}
		b, err := escapeDecode(s[1 : len(s)-1])
		if err != nil {
			return malformed("STRING: %v", err)
		}
		return u.pushPy2Str(b)
	case 0x96: // BYTEARRAY8
		n, err := u.uint(8)
		if err != nil {
			return err
		}
		b, err := u.read(n)
		if err != nil {
			return err
		}
		return u.push(ByteArray(append([]byte{}, b...)))
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
		items, err := u.popMarkView()
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
			idx = uint64(u.memo.n)
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
		u.memo.set(idx, *t)
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
		v, ok := u.memo.get(idx)
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
		return u.push(u.global(mod, name))
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
		return u.push(u.global(ms, ns))
	case 'R', 0x81: // REDUCE, NEWOBJ
		args, err1 := u.pop()
		fn, err2 := u.pop()
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		v, err := u.call(fn, args, nil, op == 0x81)
		if err != nil {
			return err
		}
		return u.push(v)
	case 0x92: // NEWOBJ_EX
		kwargs, err1 := u.pop()
		args, err2 := u.pop()
		cls, err3 := u.pop()
		if err := errors.Join(err1, err2, err3); err != nil {
			return err
		}
		v, err := u.call(cls, args, kwargs, true)
		if err != nil {
			return err
		}
		return u.push(v)
	case 'i': // INST: protocol 0's object of module/name called with the marked items
		mod, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		items, err := u.popMark()
		if err != nil {
			return err
		}
		v, err := u.call(u.global(mod, name), Tuple(items), nil, false)
		if err != nil {
			return err
		}
		return u.push(v)
	case 'o': // OBJ: the class is the first marked item
		items, err := u.popMark()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return malformed("OBJ without a class")
		}
		v, err := u.call(items[0], Tuple(items[1:]), nil, false)
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
	case 'P', 'Q':
		return malformed("persistent id (opcode 0x%02x): only its writer's persistent_load can read it; Django's cache never writes one", op)
	case 0x82, 0x83, 0x84:
		return malformed("extension code (opcode 0x%02x): the copyreg extension registry is empty in Django's processes", op)
	case 0x97, 0x98:
		return malformed("out-of-band buffer (opcode 0x%02x): only pickle.loads(buffers=...) can read it; Django's cache never writes one", op)
	}
	return malformed("unknown opcode 0x%02x at byte %d", op, u.pos-1)
}

// pushPy2Str reads a Python 2 str as pickle.loads does by default
// (encoding="ASCII"): a str, or the UnicodeDecodeError Django would raise.
func (u *unpickler) pushPy2Str(b []byte) error {
	for i, c := range b {
		if c >= 0x80 {
			return malformed("Python 2 str with byte 0x%02x at %d: not ASCII, which pickle.loads reads it as", c, i)
		}
	}
	return u.push(string(b))
}

// pyEscapes are the one-character escapes of Python 2 string literals.
var pyEscapes = map[byte]byte{'\\': '\\', '\'': '\'', '"': '"', 'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}

// escapeDecode is Python's codecs.escape_decode, which reads STRING's
// quoted text: backslash escapes of Python 2 string literals.
func escapeDecode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i++; i == len(s) {
			return nil, errors.New("trailing \\ in string")
		}
		c = s[i]
		if b, ok := pyEscapes[c]; ok {
			out = append(out, b)
			continue
		}
		switch c {
		case '\n': // a backslash-newline continues the line
		case 'x':
			if i+2 >= len(s) {
				return nil, errors.New("truncated \\x escape")
			}
			x, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("invalid \\x escape %q", s[i+1:i+3])
			}
			out = append(out, byte(x))
			i += 2
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			out = append(out, byte(n))
			i = j - 1
		default: // an unknown escape keeps its backslash
			out = append(out, '\\', c)
		}
	}
	return out, nil
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
	var pair [2]Value
	switch op {
	case 'a':
		v, e := u.pop()
		pair[0] = v
		items, err = pair[:1], e
	case 's':
		v, e1 := u.pop()
		k, e2 := u.pop()
		pair[0], pair[1] = k, v
		items, err = pair[:], errors.Join(e1, e2)
	default:
		items, err = u.popMarkView()
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
	case *OrderedDict:
		if op != 's' && op != 'u' {
			return malformed("append to an OrderedDict")
		}
		return u.setItems((*Dict)(c), items)
	case *Set:
		if op != 0x90 {
			return malformed("append to a set")
		}
		*c = append(*c, items...)
	case *Object:
		// A list or dict subclass (defaultdict...): extend / __setitem__.
		switch op {
		case 'a', 'e':
			c.Items = append(c.Items, items...)
		case 's', 'u':
			return u.setItems(&c.DictItems, items)
		default:
			return malformed("add to a set on an object")
		}
	default:
		return malformed("cannot add items to %T", *t)
	}
	return nil
}

// memoTable is the unpickler's memo: Python's pickles number their entries
// 0, 1, 2..., kept in dense; any other index (a hand-made pickle's) in
// sparse. n counts the entries, the next MEMOIZE index.
type memoTable struct {
	dense  []Value
	sparse map[uint64]Value
	n      int
}

func (m *memoTable) set(idx uint64, v Value) {
	if idx < uint64(len(m.dense)) {
		m.dense[idx] = v
		return
	}
	if _, ok := m.sparse[idx]; !ok {
		m.n++
		if idx == uint64(len(m.dense)) {
			m.dense = append(m.dense, v)
			return
		}
		if m.sparse == nil {
			m.sparse = map[uint64]Value{}
		}
	}
	m.sparse[idx] = v
}

func (m *memoTable) get(idx uint64) (Value, bool) {
	if idx < uint64(len(m.dense)) {
		return m.dense[idx], true
	}
	v, ok := m.sparse[idx]
	return v, ok
}

// smallDict is the size up to which a dict's keys are compared one by one
// rather than indexed.
const smallDict = 8

func (u *unpickler) setItems(d *Dict, kv []Value) error {
	if len(kv)%2 != 0 {
		return malformed("odd number of dict items")
	}
	idx := u.dictIdx[d]
	*d = slices.Grow(*d, len(kv)/2)
	if idx == nil && len(*d)+len(kv)/2 <= smallDict {
		for i := 0; i < len(kv); i += 2 {
			d.setSmall(kv[i], kv[i+1])
		}
		return nil
	}
	if idx == nil {
		if u.dictIdx == nil {
			u.dictIdx = map[*Dict]map[any]int{}
		}
		idx = make(map[any]int, len(*d)+len(kv)/2)
		for i, it := range *d {
			if hk, ok := pyKey(it.Key); ok {
				idx[hk] = i
			}
		}
		u.dictIdx[d] = idx
	}
	for i := 0; i < len(kv); i += 2 {
		d.set(idx, kv[i], kv[i+1])
	}
	return nil
}

// setSmall is set for a dict of at most smallDict keys, without an index.
func (d *Dict) setSmall(k, v Value) {
	for i, it := range *d {
		if sameKey(it.Key, k) {
			(*d)[i].Value = v
			return
		}
	}
	*d = append(*d, Item{k, v})
}

// sameKey is Python's key equality as pyKey sees it, strings without
// converting them.
func sameKey(a, b Value) bool {
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return ok && as == bs
	}
	if _, ok := b.(string); ok {
		return false
	}
	ka, ok1 := pyKey(a)
	kb, ok2 := pyKey(b)
	return ok1 && ok2 && ka == kb
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
