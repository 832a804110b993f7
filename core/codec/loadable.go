package codec

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

// Loadable is the form of stored bytes that a Python host reads fastest
// without running anything: when they hold a pickle of protocol 2 or
// later whose opcodes are all loadable, that pickle (decompressed), which
// begins with byte 0x80 (PROTO); otherwise the value JSON of the decoded
// value, which never begins with that byte (it is UTF-8). The value is
// decoded either way, so that what Decode refuses is refused here too. The
// result may share s's memory (a Redis reply): it is read, never written.
func (c *Codec) Loadable(s string) ([]byte, error) {
	stored := stringBytes(s)
	if !c.pickle {
		return c.valueJSON(stored)
	}
	if _, ok := parsePyInt(stored); ok {
		return c.valueJSON(stored)
	}
	raw, err := c.Decompress(stored)
	if err != nil {
		return nil, err
	}
	// Shared: the decoded value is dropped before this returns.
	u := newUnpickler(raw, true)
	v, err := u.decode()
	if err != nil {
		return nil, err
	}
	if u.loadable && len(raw) > 1 && raw[0] == 0x80 && raw[1] >= 2 {
		return raw, nil
	}
	return MarshalValueJSON(v)
}

// valueJSON is the value JSON of stored bytes, the decoded value sharing
// them: it is dropped before this returns.
func (c *Codec) valueJSON(stored []byte) ([]byte, error) {
	v, err := c.decode(stored, true)
	if err != nil {
		return nil, err
	}
	return MarshalValueJSON(v)
}
