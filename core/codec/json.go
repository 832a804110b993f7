package codec

import (
	"bytes"
	"fmt"
	"github.com/go-json-experiment/json/jsontext"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONSerializer: json.dumps(value, cls=DjangoJSONEncoder) with Python's
// defaults (", " and ": " separators, ensure_ascii). DjangoJSONEncoder
// writes datetime/date/time as ISO strings (microseconds cut to
// milliseconds, +00:00 as Z), timedelta as ISO 8601 duration, Decimal and
// UUID as strings, tuples as arrays. Sets and bytes are TypeErrors in
// Python, so ErrUnsupported here. json.loads then gives back only JSON
// types: nil, bool, int64/*big.Int, float64, string, List, Dict with string
// keys — a datetime comes back as its string.

// pyFloatRepr is Python's repr(float).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	exp := 0
	if f != 0 {
		exp = int(math.Floor(math.Log10(math.Abs(f))))
		// Log10 may be off by one at powers of ten: check with the digits.
		e := strconv.FormatFloat(f, 'e', -1, 64)
		exp, _ = strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	}
	if exp < -4 || exp >= 16 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// jsonString is json.dumps of a str with ensure_ascii: printable ASCII
// but '"' and '\\' as is, the rest escaped, lowercase hex, UTF-16
// surrogate pairs beyond the BMP.
func jsonString(b *bytes.Buffer, s string) { writeJSONString(b, s, true) }

// writeJSONString copies s by runs of bytes that need no escape. Without
// ascii, valid UTF-8 and DEL are such bytes too. Invalid UTF-8, which a
// Python str cannot hold, is written as U+FFFD either way.
func writeJSONString(b *bytes.Buffer, s string, ascii bool) {
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && (c < 0x7f || c == 0x7f && !ascii) {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b.WriteString(s[start:i])
			writeShortEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !ascii && (r != utf8.RuneError || size != 1) {
			i += size
			continue
		}
		b.WriteString(s[start:i])
		if r >= 0x10000 {
			h, l := utf16.EncodeRune(r)
			writeU(b, h)
			writeU(b, l)
		} else {
			writeU(b, r)
		}
		i += size
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// writeShortEscape escapes an ASCII byte as json.dumps does.
func writeShortEscape(b *bytes.Buffer, c byte) {
	switch c {
	case '"':
		b.WriteString(`\"`)
	case '\\':
		b.WriteString(`\\`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	default:
		writeU(b, rune(c))
	}
}

const lowerHex = "0123456789abcdef"

// writeU writes \uXXXX for a UTF-16 code unit.
func writeU(b *bytes.Buffer, r rune) {
	b.Write([]byte{'\\', 'u', lowerHex[r>>12&0xf], lowerHex[r>>8&0xf], lowerHex[r>>4&0xf], lowerHex[r&0xf]})
}

func jsonKey(k Value) (string, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "null", nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case *big.Int:
		if digits, ok := pyDecimal(x); ok {
			return digits, nil
		}
		return "", fmt.Errorf("%w: json: an int key of more than %d digits", ErrUnsupported, maxIntDigits)
	case float64:
		return pyFloatRepr(x), nil
	}
	return "", fmt.Errorf("%w: JSON keys must be str, int, float, bool or None, not %T", ErrUnsupported, k)
}

func jsonWrite(b *bytes.Buffer, v Value, depth int) error {
	if depth > maxDepth { // Python: ValueError "Circular reference detected"
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		digits, ok := pyDecimal(x)
		if !ok { // Python: ValueError, "Exceeds the limit (4300 digits)"
			return fmt.Errorf("%w: json: an int of more than %d digits", ErrUnsupported, maxIntDigits)
		}
		b.WriteString(digits)
	case float64:
		b.WriteString(pyFloatRepr(x))
	case string:
		jsonString(b, x)
	case List, Tuple:
		var items []Value
		if l, ok := x.(List); ok {
			items = l
		} else {
			items = x.(Tuple)
		}
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := jsonWrite(b, it, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case Dict:
		b.WriteByte('{')
		for i, it := range x {
			k, err := jsonKey(it.Key)
			if err != nil {
				return err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			jsonString(b, k)
			b.WriteString(": ")
			if err := jsonWrite(b, it.Value, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case DateTime, Date, Time, TimeDelta, Decimal, UUID:
		s, err := djangoJSONString(x)
		if err != nil {
			return err
		}
		jsonString(b, s)
	default:
		return fmt.Errorf("%w: Object of type %T is not JSON serializable", ErrUnsupported, v)
	}
	return nil
}

// djangoJSONString is DjangoJSONEncoder.default for the non-JSON types.
func djangoJSONString(v Value) (string, error) {
	switch x := v.(type) {
	case DateTime:
		t := x.Time
		s := t.Format("2006-01-02T15:04:05")
		if us := t.Nanosecond() / 1000; us != 0 {
			s += fmt.Sprintf(".%03d", us/1000)
		}
		if x.Aware {
			_, off := t.Zone()
			if off == 0 {
				return s + "Z", nil
			}
			s += pyOffset(off)
		}
		return s, nil
	case Date:
		return fmt.Sprintf("%04d-%02d-%02d", x.Year, int(x.Month), x.Day), nil
	case Time:
		if x.Offset != nil {
			return "", fmt.Errorf("%w: JSON can't represent timezone-aware times", ErrUnsupported)
		}
		s := fmt.Sprintf("%02d:%02d:%02d", x.Hour, x.Minute, x.Second)
		if x.Microsecond != 0 {
			s += fmt.Sprintf(".%03d", x.Microsecond/1000)
		}
		return s, nil
	case TimeDelta:
		return durationISO(x), nil
	case Decimal:
		return string(x), nil
	case UUID:
		h := fmt.Sprintf("%x", x[:])
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
	}
	return "", fmt.Errorf("%w: %T", ErrUnsupported, v)
}

func pyOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	s := fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
	if off%60 != 0 {
		s += fmt.Sprintf(":%02d", off%60)
	}
	return s
}

// durationISO is django.utils.duration.duration_iso_string.
func durationISO(d TimeDelta) string {
	total := (d.Days*86400+d.Seconds)*1_000_000 + d.Microseconds
	sign := ""
	if total < 0 {
		sign, total = "-", -total
	}
	us := total % 1_000_000
	secs := total / 1_000_000
	days, secs := secs/86400, secs%86400
	ms := ""
	if us != 0 {
		ms = fmt.Sprintf(".%06d", us)
	}
	return fmt.Sprintf("%sP%dDT%02dH%02dM%02d%sS", sign, days, secs/3600, secs/60%60, secs%60, ms)
}

// jsonLoads is json.loads: objects keep their key order, integers stay
// exact, numbers with a fraction or exponent are floats. One pass over the
// bytes with jsontext's tokens (encoding/json/v2's, which allocate nothing
// but the strings); invalid UTF-8 reads as U+FFFD and a repeated key keeps
// its first place with the last value, as with encoding/json before.
//
// newJSONLoads makes it for one Codec, which keeps its decoders: making
// one costs more than reading a small value.
func newJSONLoads() func([]byte, bool) (Value, error) {
	pool := sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewReader(nil)) }}
	return func(data []byte, shared bool) (Value, error) {
		d := pool.Get().(*jsontext.Decoder)
		defer pool.Put(d)
		in := pyJSONConstants(data)
		// A rewritten copy is this call's alone: shared like the input.
		shared = shared || len(in) == 0 || &in[0] != &data[0]
		// jsontext parses a bytes.Buffer in place, only reading it.
		d.Reset(bytes.NewBuffer(in), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		defer d.Reset(bytes.NewReader(nil)) // the pool keeps no value's bytes
		return jsonLoads(d, shared)
	}
}

func jsonLoads(d *jsontext.Decoder, shared bool) (Value, error) {
	v, err := jsonRead(d, shared, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("%w: json: extra data", ErrMalformed)
	}
	return v, nil
}

func jsonRead(d *jsontext.Decoder, shared bool, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d", maxDepth)
	}
	if d.PeekKind() == '"' {
		return jsonReadString(d, shared)
	}
	tok, err := d.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case '0':
		return jsonNumber(tok.String())
	case '[':
		l := List{}
		for d.PeekKind() != ']' {
			v, err := jsonRead(d, shared, depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := d.ReadToken()
		return l, err
	case '{':
		m := Dict{}
		var idx map[string]int // past a few keys; a repeated key is rare
		for d.PeekKind() != '}' {
			k, err := jsonReadString(d, shared)
			if err != nil {
				return nil, err
			}
			v, err := jsonRead(d, shared, depth+1)
			if err != nil {
				return nil, err
			}
			m, idx = setJSONKey(m, idx, k, v)
		}
		_, err := d.ReadToken()
		return m, err
	}
	return nil, fmt.Errorf("unexpected %v", tok.Kind())
}

// jsonReadString reads a string as its raw JSON and copies it once when
// it has no escapes and is valid UTF-8, what a large text value is: the
// token's unquoting would scan it a second time byte by byte.
func jsonReadString(d *jsontext.Decoder, shared bool) (string, error) {
	raw, err := d.ReadValue()
	if err != nil {
		return "", err
	}
	if raw.Kind() != '"' {
		return "", fmt.Errorf("unexpected %v", raw.Kind())
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return text(inner, shared), nil
	}
	tok, err := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowInvalidUTF8(true)).ReadToken()
	if err != nil {
		return "", err
	}
	return tok.String(), nil
}

// setJSONKey is dict assignment for str keys: a repeated key keeps its
// first place and takes the new value.
func setJSONKey(m Dict, idx map[string]int, k string, v Value) (Dict, map[string]int) {
	const scan = 8
	if idx == nil && len(m) >= scan {
		idx = make(map[string]int, 2*len(m))
		for i, it := range m {
			idx[it.Key.(string)] = i
		}
	}
	if idx == nil {
		for i := range m {
			if m[i].Key.(string) == k {
				m[i].Value = v
				return m, idx
			}
		}
	} else if i, ok := idx[k]; ok {
		m[i].Value = v
		return m, idx
	} else {
		idx[k] = len(m)
	}
	return append(m, Item{k, v}), idx
}

func jsonNumber(s string) (Value, error) {
	switch s { // the texts pyJSONConstants writes
	case nanText:
		return math.NaN(), nil
	case infText:
		return math.Inf(1), nil
	case "-" + infText:
		return math.Inf(-1), nil
	}
	if !strings.ContainsAny(s, ".eE") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		// json.loads: int() of the digits, within its digit limit
		n, ok := parseDecimalInt(s)
		if !ok {
			return nil, fmt.Errorf("%w: json: integer of more than %d digits", ErrMalformed, maxIntDigits)
		}
		return bigOrInt64(n), nil
	}
	return strconv.ParseFloat(s, 64)
}

// Python's json.dumps writes NaN, Infinity and -Infinity (allow_nan=True,
// the default) and json.loads reads them; encoding/json does not.
// pyJSONConstants rewrites them, outside strings, into number texts that
// float.__repr__ never writes, which jsonRead maps back.
const (
	nanText = "2e99999"
	infText = "1e99999"
)

func pyJSONConstants(data []byte) []byte {
	if !bytes.Contains(data, []byte("NaN")) && !bytes.Contains(data, []byte("Infinity")) {
		return data
	}
	out := make([]byte, 0, len(data))
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString && c == '\\' && i+1 < len(data):
			out = append(out, c, data[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case !inString && bytes.HasPrefix(data[i:], []byte("NaN")):
			out = append(out, nanText...)
			i += len("NaN") - 1
			continue
		case !inString && bytes.HasPrefix(data[i:], []byte("Infinity")):
			out = append(out, infText...)
			i += len("Infinity") - 1
			continue
		}
		out = append(out, c)
	}
	return out
}
