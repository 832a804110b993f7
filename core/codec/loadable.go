package codec

import "sync"

// A Python host reads a pickle fastest with pickle.loads, which is C; the
// value JSON costs a parse and a conversion in Python besides. pickle.loads
// runs code only through opcodes that look up a global (GLOBAL,
// STACK_GLOBAL, INST, OBJ, the extension registry, persistent ids) or call
// what is on the stack (REDUCE, BUILD, NEWOBJ, NEWOBJ_EX), and without a
// global nothing callable is ever on it. A pickle made only of the other
// opcodes builds built-in data (str, bytes, int, float, list, tuple, dict,
// set, ...) and nothing else, so handing it to pickle.loads is as safe as
// reading its value JSON, and it gives exactly what Django's cache.get
// gives.

// loadableOps are the opcodes that build built-in data and nothing else:
// an allow-list, so that an opcode a later protocol adds is not loadable
// until it is listed here.
var loadableOps = func() (t [256]bool) {
	for _, op := range []byte{
		0x80, 0x95, '.', // PROTO, FRAME, STOP
		'(', '0', '1', '2', // MARK, POP, POP_MARK, DUP
		'N', 0x88, 0x89, // None, True, False
		'I', 'J', 'K', 'M', 'L', 0x8a, 0x8b, // ints
		'F', 'G', // floats
		'S', 'T', 'U', 'V', 'X', 0x8c, 0x8d, // str (Python 2's too)
		'B', 'C', 0x8e, 0x96, // bytes, bytearray
		')', 0x85, 0x86, 0x87, 't', // tuples
		']', 'l', 'a', 'e', // lists
		'}', 'd', 's', 'u', // dicts
		0x8f, 0x90, 0x91, // sets, frozensets
		'p', 'q', 'r', 0x94, 'g', 'h', 'j', // the memo
	} {
		t[op] = true
	}
	return t
}()

// Loadable is a stored value read for a host that has pickle.loads:
// Pickle when the value is a pickle of protocol 2 or later whose opcodes
// are all loadable (decompressed; it begins with byte 0x80, PROTO), else
// Value, the decoded value.
type Loadable struct {
	Pickle []byte
	Value  Value
}

// DecodeLoadable is DecodeString for a host that has pickle.loads (the
// Python shim): a pickle of built-in data comes as itself, for the host to
// load in C, anything else decoded. A pickle is decoded either way, so
// that what Decode refuses is refused here too. The result shares s's
// memory (a Redis reply), a bytes value's too: it is read and converted,
// never written or kept.
func (c *Codec) DecodeLoadable(s string) (Loadable, error) {
	stored := stringBytes(s)
	if !c.pickle {
		v, err := c.decode(stored, true)
		return Loadable{Value: v}, err
	}
	if n, ok := parsePyInt(stored); ok {
		return Loadable{Value: bigOrInt64(n)}, nil
	}
	raw, err := c.Decompress(stored)
	if err != nil {
		return Loadable{}, err
	}
	u := peekers.Get().(*unpickler)
	u.init(raw, true)
	u.peek = true
	v, err := u.decode()
	if err != nil {
		return Loadable{}, err
	}
	if u.loadable && len(raw) > 1 && raw[0] == 0x80 && raw[1] >= 2 {
		// Nothing made from u's buffers is returned: u can serve again.
		*u = unpickler{}
		peekers.Put(u)
		return Loadable{Pickle: raw}, nil
	}
	return Loadable{Value: v}, nil
}

// peekers are the unpicklers of loadable pickles: a get_many of small
// values otherwise spends most of each value's time making and collecting
// an unpickler.
var peekers = sync.Pool{New: func() any { return new(unpickler) }}
