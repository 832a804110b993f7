package codec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
)

// JSONSerializer: json.dumps(value, cls=DjangoJSONEncoder) with Python's
// defaults (", " and ": " separators, ensure_ascii). DjangoJSONEncoder
// writes datetime/date/time as ISO strings (microseconds cut to
// milliseconds, +00:00 as Z), timedelta as ISO 8601 duration, Decimal and
// UUID as strings, tuples as arrays. Sets and bytes are TypeErrors in
// Python, so ErrUnsupported here. json.loads then gives back only JSON
// types: nil, bool, int64/*big.Int, float64, string, List, Dict with string
// keys — a datetime comes back as its string.

func jsonDumps(v Value) ([]byte, error) {
	var b bytes.Buffer
	if err := jsonWrite(&b, v, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

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

func jsonString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r < 0x10000):
			if r == 0x7f {
				b.WriteRune(r)
				continue
			}
			fmt.Fprintf(b, `\u%04x`, r)
		case r >= 0x10000:
			h, l := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, h, l)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
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
// exact, numbers with a fraction or exponent are floats.
func jsonLoads(data []byte) (Value, error) {
	d := json.NewDecoder(bytes.NewReader(pyJSONConstants(data)))
	d.UseNumber()
	v, err := jsonRead(d, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: json: %v", ErrMalformed, err)
	}
	if _, err := d.Token(); err == nil {
		return nil, fmt.Errorf("%w: json: extra data", ErrMalformed)
	}
	return v, nil
}

func jsonRead(d *json.Decoder, depth int) (Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d", maxDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			l := List{}
			for d.More() {
				v, err := jsonRead(d, depth+1)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := d.Token()
			return l, err
		case '{':
			m, idx := Dict{}, map[any]int{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := jsonRead(d, depth+1)
				if err != nil {
					return nil, err
				}
				m.set(idx, k.(string), v)
			}
			_, err := d.Token()
			return m, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		s := string(t)
		switch s { // the texts pyJSONConstants writes
		case nanText:
			return math.NaN(), nil
		case infText:
			return math.Inf(1), nil
		case "-" + infText:
			return math.Inf(-1), nil
		}
		if !strings.ContainsAny(s, ".eE") {
			// json.loads: int() of the digits, within its digit limit
			n, ok := parseDecimalInt(s)
			if !ok {
				return nil, fmt.Errorf("%w: json: integer of more than %d digits", ErrMalformed, maxIntDigits)
			}
			return bigOrInt64(n), nil
		}
		return strconv.ParseFloat(s, 64)
	}
	return tok, nil // nil, bool, string
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
