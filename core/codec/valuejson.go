package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrValueJSON wraps every error of UnmarshalValueJSON and the values
// MarshalValueJSON cannot write.
var ErrValueJSON = errors.New("codec: invalid value JSON")

// The value JSON carries a Value through the C ABI as plain JSON, with a
// one-key object {"$tag": ...} for each Python type JSON lacks:
//
//	None                 null
//	bool                 true / false
//	int (int64)          a JSON integer
//	int (*big.Int)       {"$int": "digits"}, decimal; beyond maxIntDigits
//	                     digits (Python's int() refuses them) hex after the
//	                     sign, {"$int": "-0x1f..."}; both are read
//	float                a JSON number always with '.' or an exponent (1.0);
//	                     NaN/±Inf as {"$float": "nan" | "inf" | "-inf"}
//	str                  a JSON string
//	bytes                {"$bytes": "base64"}
//	list                 [...]
//	tuple                {"$tuple": [...]}
//	dict                 {...} when every key is a str not starting with "$",
//	                     else {"$dict": [[k, v], ...]}; insertion order kept
//	set / frozenset      {"$set": [...]} / {"$frozenset": [...]}
//	datetime             {"$datetime": "2024-01-02T03:04:05[.ffffff][+HH:MM]"}
//	                     (offset only when aware)
//	date                 {"$date": "YYYY-MM-DD"}
//	time                 {"$time": "HH:MM:SS[.ffffff][+HH:MM]"}
//	timedelta            {"$timedelta": [days, seconds, microseconds]}
//	                     (normalised as Python keeps it)
//	Decimal              {"$decimal": "1.10"}
//	UUID                 {"$uuid": "12345678-1234-5678-1234-567812345678"}
//
// and the types only pickles carry (bytearray, complex, OrderedDict, zoned
// datetimes, Global, Object, Opaque), in valuejson_pickle.go.
//
// An offset with seconds is written +HH:MM:SS, as Python does. Reading, an
// unknown "$" tag, a "$" key beside others, trailing data or any malformed
// form is an error wrapping ErrValueJSON.

// MarshalValueJSON writes v as value JSON.
func MarshalValueJSON(v Value) ([]byte, error) {
	// One allocation of about the text's size: grown by doubling, a large
	// value's buffers would add up to twice the text, all of it garbage.
	return AppendValueJSON(make([]byte, 0, ValueJSONSize(v)), v)
}

// AppendValueJSON appends v's value JSON to dst. Given ValueJSONSize(v)
// bytes of room, dst is filled in place (a C buffer, say) unless the
// estimate was short.
func AppendValueJSON(dst []byte, v Value) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	if err := writeValueJSON(b, v, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ValueJSONSize is about the length of v's value JSON (see valueJSONSize).
func ValueJSONSize(v Value) int { return valueJSONSize(v, 0) }

// maxValueJSONDepth bounds nesting both ways (json.Decoder's own limit is
// 10000; Python's json module stops near 1000).
const maxValueJSONDepth = 5000

func writeValueJSON(b *bytes.Buffer, v Value, depth int) error {
	if depth > maxValueJSONDepth {
		return fmt.Errorf("%w: nested deeper than %d", ErrValueJSON, maxValueJSONDepth)
	}
	tagged := func(tag string) { b.WriteString(`{"$` + tag + `":`) }
	str := func(s string) { valueJSONString(b, s) }
	seq := func(items []Value) error {
		b.WriteByte('[')
		for i, x := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeValueJSON(b, x, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
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
		if x.IsInt64() {
			b.WriteString(x.String())
			return nil
		}
		tagged("int")
		digits, ok := pyDecimal(x)
		if !ok { // hex has no length limit in Python: int(s, 16)
			digits = "0x" + new(big.Int).Abs(x).Text(16)
			if x.Sign() < 0 {
				digits = "-" + digits
			}
		}
		str(digits)
		b.WriteByte('}')
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString(`{"$float":"nan"}`)
		case math.IsInf(x, 1):
			b.WriteString(`{"$float":"inf"}`)
		case math.IsInf(x, -1):
			b.WriteString(`{"$float":"-inf"}`)
		default:
			b.WriteString(pyFloatRepr(x)) // always has '.' or 'e'
		}
	case string:
		str(x)
	case []byte:
		tagged("bytes")
		base64String(b, x)
		b.WriteByte('}')
	case List:
		return seq(x)
	case Tuple:
		tagged("tuple")
		if err := seq(x); err != nil {
			return err
		}
		b.WriteByte('}')
	case Set:
		tagged("set")
		if err := seq(x); err != nil {
			return err
		}
		b.WriteByte('}')
	case FrozenSet:
		tagged("frozenset")
		if err := seq(x); err != nil {
			return err
		}
		b.WriteByte('}')
	case Dict:
		return writeDictJSON(b, x, depth)
	case DateTime:
		tagged("datetime")
		t := x.Time
		s := fmt.Sprintf("%04d-%02d-%02dT%s", t.Year(), t.Month(), t.Day(),
			isoClock(t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1000))
		if x.Aware {
			_, off := t.Zone()
			s += isoOffset(time.Duration(off) * time.Second)
		}
		if x.Zone != "" || x.Pytz != nil || x.OffsetName != "" || x.Fold {
			if err := writeValueJSON(b, zonedDateTimeJSON(x, s), depth+1); err != nil {
				return err
			}
		} else {
			str(s)
		}
		b.WriteByte('}')
	case Date:
		tagged("date")
		str(fmt.Sprintf("%04d-%02d-%02d", x.Year, int(x.Month), x.Day))
		b.WriteByte('}')
	case Time:
		tagged("time")
		s := isoClock(x.Hour, x.Minute, x.Second, x.Microsecond)
		if x.Offset != nil {
			s += isoOffset(*x.Offset)
		}
		if x.Fold {
			if err := writeValueJSON(b, Dict{{"iso", s}, {"fold", true}}, depth+1); err != nil {
				return err
			}
		} else {
			str(s)
		}
		b.WriteByte('}')
	case TimeDelta:
		fmt.Fprintf(b, `{"$timedelta":[%d,%d,%d]}`, x.Days, x.Seconds, x.Microseconds)
	case Decimal:
		tagged("decimal")
		str(string(x))
		b.WriteByte('}')
	case UUID:
		tagged("uuid")
		str(uuidString(x))
		b.WriteByte('}')
	default:
		if ok, err := writePickleOnlyJSON(b, v, depth); ok || err != nil {
			return err
		}
		return fmt.Errorf("%w: no value JSON form for Go type %T", ErrValueJSON, v)
	}
	return nil
}

// valueJSONSize is about the length of v's value JSON: exact for text
// and bytes without escapes, a little over for the rest.
func valueJSONSize(v Value, depth int) int {
	if depth > maxValueJSONDepth {
		return 0 // writeValueJSON refuses it
	}
	seq := func(items []Value) int {
		n := 16
		for _, x := range items {
			n += 1 + valueJSONSize(x, depth+1)
		}
		return n
	}
	switch x := v.(type) {
	case string:
		return len(x) + 2
	case []byte:
		return base64.StdEncoding.EncodedLen(len(x)) + 13
	case Opaque:
		return base64.StdEncoding.EncodedLen(len(x.Raw)) + 14
	case List:
		return seq(x)
	case Tuple:
		return seq(x)
	case Set:
		return seq(x)
	case FrozenSet:
		return seq(x)
	case Dict:
		n := 16
		for _, it := range x {
			n += 8 + valueJSONSize(it.Key, depth+1) + valueJSONSize(it.Value, depth+1)
		}
		return n
	}
	return 32
}

func writeDictJSON(b *bytes.Buffer, d Dict, depth int) error {
	plain := true
	for _, it := range d {
		k, ok := it.Key.(string)
		if !ok || strings.HasPrefix(k, "$") {
			plain = false
			break
		}
	}
	if !plain {
		b.WriteString(`{"$dict":[`)
		for i, it := range d {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			if err := writeValueJSON(b, it.Key, depth+1); err != nil {
				return err
			}
			b.WriteByte(',')
			if err := writeValueJSON(b, it.Value, depth+1); err != nil {
				return err
			}
			b.WriteByte(']')
		}
		b.WriteString("]}")
		return nil
	}
	b.WriteByte('{')
	for i, it := range d {
		if i > 0 {
			b.WriteByte(',')
		}
		valueJSONString(b, it.Key.(string))
		b.WriteByte(':')
		if err := writeValueJSON(b, it.Value, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// valueJSONString writes s as a JSON string in UTF-8: only '"', '\\' and
// control characters are escaped, and invalid UTF-8 is U+FFFD, so the
// text stays valid for Python's json.
func valueJSONString(b *bytes.Buffer, s string) { writeJSONString(b, s, false) }

// base64String writes p as a JSON string of its standard base64, which
// needs no escaping.
func base64String(b *bytes.Buffer, p []byte) {
	b.Grow(base64.StdEncoding.EncodedLen(len(p)) + 2)
	b.WriteByte('"')
	b.Write(base64.StdEncoding.AppendEncode(b.AvailableBuffer(), p))
	b.WriteByte('"')
}

// isoClock is Python's time.isoformat() without the offset: microseconds
// only when not zero.
func isoClock(h, m, s, us int) string {
	if us != 0 {
		return fmt.Sprintf("%02d:%02d:%02d.%06d", h, m, s, us)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// isoOffset is Python's utcoffset form: +HH:MM, with :SS when not zero.
func isoOffset(off time.Duration) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	s := int64(off / time.Second)
	out := fmt.Sprintf("%c%02d:%02d", sign, s/3600, s/60%60)
	if s%60 != 0 {
		out += fmt.Sprintf(":%02d", s%60)
	}
	return out
}

func uuidString(u UUID) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// UnmarshalValueJSON reads value JSON (see MarshalValueJSON) into a Value.
// JSON integers are int64 (or *big.Int beyond 64 bits), other numbers
// float64, objects Dict in their order.
func UnmarshalValueJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValueJSON(dec, 0)
	if err != nil {
		return nil, wrapValueJSON(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the value", ErrValueJSON)
	}
	return v, nil
}

func wrapValueJSON(err error) error {
	if errors.Is(err, ErrValueJSON) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrValueJSON, err)
}

func readValueJSON(dec *json.Decoder, depth int) (Value, error) {
	if depth > maxValueJSONDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrValueJSON, maxValueJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no value", ErrValueJSON)
		}
		return nil, err
	}
	switch x := tok.(type) {
	case nil, bool, string:
		return x, nil
	case json.Number:
		return numberValue(string(x))
	case json.Delim:
		switch x {
		case '[':
			items, err := readArrayRest(dec, depth)
			return List(items), err
		case '{':
			return readObjectRest(dec, depth)
		}
	}
	return nil, fmt.Errorf("%w: unexpected %v", ErrValueJSON, tok)
}

func numberValue(s string) (Value, error) {
	if strings.ContainsAny(s, ".eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: number %s", ErrValueJSON, s)
		}
		return f, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	n, ok := parseDecimalInt(s)
	if !ok {
		return nil, fmt.Errorf("%w: not an integer of at most %d digits", ErrValueJSON, maxIntDigits)
	}
	return n, nil
}

// readArrayRest reads the items after '[' up to its ']'.
func readArrayRest(dec *json.Decoder, depth int) ([]Value, error) {
	items := []Value{}
	for dec.More() {
		v, err := readValueJSON(dec, depth+1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, err
	}
	return items, nil
}

// readObjectRest reads the members after '{': a tagged value when the
// first key starts with "$", else a Dict of str keys in their order.
func readObjectRest(dec *json.Decoder, depth int) (Value, error) {
	d := Dict{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // json.Decoder only yields string keys
		if strings.HasPrefix(key, "$") {
			if len(d) > 0 {
				return nil, fmt.Errorf("%w: tag %q beside other keys (a dict with such keys is written as $dict)", ErrValueJSON, key)
			}
			v, err := readTagged(dec, key, depth)
			if err != nil {
				return nil, err
			}
			if dec.More() {
				return nil, fmt.Errorf("%w: tag %q beside other keys", ErrValueJSON, key)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return v, nil
		}
		if seen[key] {
			return nil, fmt.Errorf("%w: duplicate key %q", ErrValueJSON, key)
		}
		seen[key] = true
		v, err := readValueJSON(dec, depth+1)
		if err != nil {
			return nil, err
		}
		d = append(d, Item{key, v})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, err
	}
	return d, nil
}

func readTagged(dec *json.Decoder, tag string, depth int) (Value, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrValueJSON, tag, fmt.Sprintf(format, args...))
	}
	readString := func() (string, error) {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		s, ok := tok.(string)
		if !ok {
			return "", bad("not a string")
		}
		return s, nil
	}
	readArray := func() ([]Value, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if tok != json.Delim('[') {
			return nil, bad("not an array")
		}
		return readArrayRest(dec, depth)
	}
	switch tag {
	case "$tuple", "$set", "$frozenset":
		items, err := readArray()
		if err != nil {
			return nil, err
		}
		switch tag {
		case "$tuple":
			return Tuple(items), nil
		case "$set":
			return Set(items), nil
		}
		return FrozenSet(items), nil
	case "$dict":
		pairs, err := readArray()
		if err != nil {
			return nil, err
		}
		d := make(Dict, 0, len(pairs))
		for _, p := range pairs {
			kv, ok := p.(List)
			if !ok || len(kv) != 2 {
				return nil, bad("an item is not a [key, value] pair")
			}
			d = append(d, Item{kv[0], kv[1]})
		}
		return d, nil
	case "$timedelta":
		parts, err := readArray()
		if err != nil {
			return nil, err
		}
		return timeDeltaOf(parts, bad)
	case "$datetime", "$time":
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		parse := func(s string) (Value, error) { return dateTimeOf(tag, s, bad) }
		if s, ok := tok.(string); ok {
			return parse(s)
		}
		if tok != json.Delim('{') {
			return nil, bad("not a string nor an object")
		}
		body, err := readObjectRest(dec, depth)
		if err != nil {
			return nil, err
		}
		return dateTimeObjectOf(tag, body, parse, bad)
	}
	if v, ok, err := readPickleOnlyTagged(dec, tag, depth, bad); ok {
		return v, err
	}
	s, err := readString()
	if err != nil {
		return nil, err
	}
	switch tag {
	case "$int":
		if n, ok := parseHexInt(s); ok {
			return bigOrInt64(n), nil
		}
		n, ok := parseDecimalInt(s)
		if !ok || s[0] == '+' { // intPattern's form: no plus sign
			return nil, bad("not at most %d decimal digits, nor [-]0x and hex digits", maxIntDigits)
		}
		return bigOrInt64(n), nil
	case "$float":
		switch s {
		case "nan":
			return math.NaN(), nil
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
		return nil, bad("%q is not nan, inf or -inf", s)
	case "$bytes", "$pickle":
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, bad("not base64")
		}
		if tag == "$pickle" {
			if len(b) == 0 {
				return nil, bad("empty")
			}
			return Opaque{Raw: b}, nil
		}
		return b, nil
	case "$decimal":
		if !decimalPattern.MatchString(s) {
			return nil, bad("%q is not a Decimal", s)
		}
		return Decimal(s), nil
	case "$uuid":
		return uuidOf(s, bad)
	case "$date":
		y, mo, d, ok := parseISODate(s)
		if !ok || len(s) != 10 {
			return nil, bad("%q is not YYYY-MM-DD", s)
		}
		return Date{y, mo, d}, nil
	}
	return nil, fmt.Errorf("%w: unknown tag %q", ErrValueJSON, tag)
}

// dateTimeOf reads the string form of $time and $datetime.
func dateTimeOf(tag, s string, bad func(string, ...any) error) (Value, error) {
	switch tag {
	case "$time":
		t, ok := parseISOTime(s)
		if !ok {
			return nil, bad("%q is not HH:MM:SS[.ffffff][+HH:MM]", s)
		}
		return t, nil
	case "$datetime":
		if len(s) < 11 || s[10] != 'T' {
			return nil, bad("%q is not an ISO 8601 datetime", s)
		}
		y, mo, d, ok := parseISODate(s[:10])
		t, ok2 := parseISOTime(s[11:])
		if !ok || !ok2 {
			return nil, bad("%q is not an ISO 8601 datetime", s)
		}
		loc := time.UTC
		if t.Offset != nil {
			loc = fixedZone(*t.Offset)
		}
		return DateTime{
			Time:  time.Date(y, mo, d, t.Hour, t.Minute, t.Second, t.Microsecond*1000, loc),
			Aware: t.Offset != nil,
		}, nil
	}
	return nil, bad("not a datetime")
}

var (
	decimalPattern = regexp.MustCompile(`^[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|s?nan[0-9]*))$`)
	uuidPattern    = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)
)

func uuidOf(s string, bad func(string, ...any) error) (Value, error) {
	if !uuidPattern.MatchString(s) {
		return nil, bad("%q is not a UUID", s)
	}
	var u UUID
	if _, err := hex.Decode(u[:], []byte(strings.ReplaceAll(s, "-", ""))); err != nil {
		return nil, bad("%q is not a UUID", s)
	}
	return u, nil
}

// timeDeltaOf takes Python's normalised form only: |days| <= 999999999,
// 0 <= seconds < 86400, 0 <= microseconds < 1000000.
func timeDeltaOf(parts []Value, bad func(string, ...any) error) (Value, error) {
	if len(parts) != 3 {
		return nil, bad("not [days, seconds, microseconds]")
	}
	var n [3]int64
	for i, p := range parts {
		x, ok := p.(int64)
		if !ok {
			return nil, bad("not [days, seconds, microseconds] integers")
		}
		n[i] = x
	}
	if n[0] < -999999999 || n[0] > 999999999 || n[1] < 0 || n[1] >= 86400 || n[2] < 0 || n[2] >= 1000000 {
		return nil, bad("%v is not a normalised timedelta", n)
	}
	return TimeDelta{n[0], n[1], n[2]}, nil
}

// parseHexInt reads the hex form of $int: an optional "-", "0x", and at
// least one hex digit, nothing else (no "+", no underscores). Linear in
// the length, so it needs no limit of its own.
func parseHexInt(s string) (*big.Int, bool) {
	body, negative := strings.CutPrefix(s, "-")
	body, ok := strings.CutPrefix(body, "0x")
	if !ok || body == "" || strings.ContainsAny(body, "+-_") {
		return nil, false
	}
	n, ok := new(big.Int).SetString(body, 16)
	if !ok {
		return nil, false
	}
	if negative {
		n.Neg(n)
	}
	return n, true
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseISODate reads YYYY-MM-DD at the start of s (a valid date, year 1-9999).
func parseISODate(s string) (int, time.Month, int, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 {
		return 0, 0, 0, false
	}
	if d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

// parseISOTime reads HH:MM:SS[.ffffff][Z|±HH:MM[:SS]] (all of s).
func parseISOTime(s string) (Time, bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return Time{}, false
	}
	h, ok1 := digits(s[0:2])
	m, ok2 := digits(s[3:5])
	sec, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return Time{}, false
	}
	t := Time{Hour: h, Minute: m, Second: sec}
	rest := s[8:]
	if strings.HasPrefix(rest, ".") {
		end := 1
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		frac := rest[1:end]
		if len(frac) != 3 && len(frac) != 6 {
			return Time{}, false
		}
		us, _ := digits(frac + strings.Repeat("0", 6-len(frac)))
		t.Microsecond = us
		rest = rest[end:]
	}
	switch {
	case rest == "":
		return t, true
	case rest == "Z":
		off := time.Duration(0)
		t.Offset = &off
		return t, true
	case rest[0] != '+' && rest[0] != '-':
		return Time{}, false
	}
	sign := time.Duration(1)
	if rest[0] == '-' {
		sign = -1
	}
	rest = rest[1:]
	if len(rest) != 5 && len(rest) != 8 {
		return Time{}, false
	}
	oh, ok1 := digits(rest[0:2])
	om, ok2 := digits(rest[3:5])
	os, ok3 := 0, true
	if len(rest) == 8 {
		if rest[5] != ':' {
			return Time{}, false
		}
		os, ok3 = digits(rest[6:8])
	}
	if rest[2] != ':' || !ok1 || !ok2 || !ok3 || oh > 23 || om > 59 || os > 59 {
		return Time{}, false
	}
	off := sign * (time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute + time.Duration(os)*time.Second)
	t.Offset = &off
	return t, true
}
