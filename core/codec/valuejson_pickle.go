package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"time"
)

// The value JSON of the types only pickles carry, beside valuejson.go's:
//
//	bytearray            {"$bytearray": "base64"}
//	complex              {"$complex": [real, imag]} (value JSON floats)
//	OrderedDict          {"$ordereddict": [[k, v], ...]}
//	datetime with a      {"$datetime": {"iso": "2024-07-01T12:30:00+02:00",
//	zone, a named         "zone": "Europe/Paris", "pytz": [args...],
//	offset or fold        "tzname": "NPT", "fold": true}}: iso as the string
//	                     form, the other members only when set (pytz: the
//	                     zone's pickled arguments, [] for pytz.utc)
//	time with fold       {"$time": {"iso": "01:00:00", "fold": true}}
//	Global               {"$global": ["module", "qualname"]}
//	Object               {"$object": {"class": <value>, "args": [...],
//	                     "kwargs": [[k, v], ...], "new": true, "items": [...],
//	                     "dictitems": [[k, v], ...], "state": <value>}}, the
//	                     members after class only when set
//	Opaque               {"$opaque": {"pickle": "base64", "value": <value>}};
//	                     written, the pickle's bytes are stored unchanged
//	                     (the value is ignored). {"$pickle": "base64"} is the
//	                     bytes alone, as written for an Opaque without Value.

// writePickleOnlyJSON writes the types above; false when v is none of them.
func writePickleOnlyJSON(b *bytes.Buffer, v Value, depth int) (bool, error) {
	w := &jsonObjectWriter{b: b, depth: depth}
	switch x := v.(type) {
	case ByteArray:
		b.WriteString(`{"$bytearray":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(x))
		b.WriteString(`"}`)
	case complex128:
		b.WriteString(`{"$complex":`)
		w.err = writeValueJSON(b, List{real(x), imag(x)}, depth+1)
		b.WriteByte('}')
	case OrderedDict:
		b.WriteString(`{"$ordereddict":`)
		w.pairs(Dict(x))
		b.WriteByte('}')
	case Global:
		b.WriteString(`{"$global":`)
		w.err = writeValueJSON(b, List{x.Module, x.Name}, depth+1)
		b.WriteByte('}')
	case Object:
		b.WriteString(`{"$object":{"class":`)
		w.value(x.Class)
		if x.Args != nil && len(x.Args) > 0 {
			w.member("args", List(x.Args))
		}
		if x.Kwargs != nil {
			b.WriteString(`,"kwargs":`)
			w.pairs(x.Kwargs)
		}
		if x.NewObj {
			w.member("new", true)
		}
		if x.Items != nil {
			w.member("items", x.Items)
		}
		if x.DictItems != nil {
			b.WriteString(`,"dictitems":`)
			w.pairs(x.DictItems)
		}
		if x.State != nil {
			w.member("state", x.State)
		}
		b.WriteString("}}")
	case Opaque:
		if x.Value == nil {
			b.WriteString(`{"$pickle":"`)
			b.WriteString(base64.StdEncoding.EncodeToString(x.Raw))
			b.WriteString(`"}`)
			break
		}
		b.WriteString(`{"$opaque":{"pickle":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(x.Raw))
		b.WriteString(`","value":`)
		w.value(x.Value)
		b.WriteString("}}")
	default:
		return false, nil
	}
	return true, w.err
}

// jsonObjectWriter writes members, keeping the first error.
type jsonObjectWriter struct {
	b     *bytes.Buffer
	depth int
	err   error
}

func (w *jsonObjectWriter) value(v Value) {
	if w.err == nil {
		w.err = writeValueJSON(w.b, v, w.depth+1)
	}
}

func (w *jsonObjectWriter) member(key string, v Value) {
	w.b.WriteString(`,"` + key + `":`)
	w.value(v)
}

func (w *jsonObjectWriter) pairs(d Dict) {
	w.b.WriteByte('[')
	for i, it := range d {
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.b.WriteByte('[')
		w.value(it.Key)
		w.b.WriteByte(',')
		w.value(it.Value)
		w.b.WriteByte(']')
	}
	w.b.WriteByte(']')
}

// zonedDateTimeJSON is the object form of a datetime (see above).
func zonedDateTimeJSON(x DateTime, iso string) Value {
	d := Dict{{"iso", iso}}
	if x.Zone != "" {
		d = append(d, Item{"zone", x.Zone})
	}
	if x.Pytz != nil {
		d = append(d, Item{"pytz", List(x.Pytz)})
	}
	if x.OffsetName != "" {
		d = append(d, Item{"tzname", x.OffsetName})
	}
	if x.Fold {
		d = append(d, Item{"fold", true})
	}
	return d
}

// readPickleOnlyTagged reads the tags above but $datetime/$time's object
// form; ok is false for another tag.
func readPickleOnlyTagged(dec *json.Decoder, tag string, depth int, bad func(string, ...any) error) (Value, bool, error) {
	switch tag {
	case "$bytearray", "$complex", "$ordereddict", "$global", "$object", "$opaque":
	default:
		return nil, false, nil
	}
	body, err := readValueJSON(dec, depth+1)
	if err != nil {
		return nil, true, err
	}
	v, err := pickleOnlyOf(tag, body, bad)
	return v, true, err
}

func pickleOnlyOf(tag string, body Value, bad func(string, ...any) error) (Value, error) {
	switch tag {
	case "$bytearray":
		s, ok := body.(string)
		if !ok {
			return nil, bad("not a string")
		}
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, bad("not base64")
		}
		return ByteArray(b), nil
	case "$complex":
		l, ok := body.(List)
		if !ok || len(l) != 2 {
			return nil, bad("not [real, imag]")
		}
		re, ok1 := l[0].(float64)
		im, ok2 := l[1].(float64)
		if !ok1 || !ok2 {
			return nil, bad("not [real, imag] floats")
		}
		return complex(re, im), nil
	case "$ordereddict":
		d, err := pairsOf(body, bad)
		return OrderedDict(d), err
	case "$global":
		l, ok := body.(List)
		if ok && len(l) == 2 {
			m, ok1 := l[0].(string)
			n, ok2 := l[1].(string)
			if ok1 && ok2 && m != "" && n != "" {
				return Global{m, n}, nil
			}
		}
		return nil, bad("not [module, qualname] strings")
	case "$object":
		return objectOf(body, bad)
	}
	// $opaque
	d, ok := body.(Dict)
	if !ok || len(d) != 2 || d[0].Key != "pickle" || d[1].Key != "value" {
		return nil, bad(`not {"pickle": base64, "value": value}`)
	}
	s, _ := d[0].Value.(string)
	raw, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(raw) == 0 {
		return nil, bad("pickle is not base64 of a pickle")
	}
	o := Opaque{Raw: raw, Value: d[1].Value}
	if obj, ok := o.Value.(Object); ok {
		o.Class = obj.ClassName()
	}
	return o, nil
}

func pairsOf(body Value, bad func(string, ...any) error) (Dict, error) {
	l, ok := body.(List)
	if !ok {
		return nil, bad("not an array of [key, value] pairs")
	}
	d := make(Dict, 0, len(l))
	for _, p := range l {
		kv, ok := p.(List)
		if !ok || len(kv) != 2 {
			return nil, bad("an item is not a [key, value] pair")
		}
		d = append(d, Item{kv[0], kv[1]})
	}
	return d, nil
}

func objectOf(body Value, bad func(string, ...any) error) (Value, error) {
	d, ok := body.(Dict)
	if !ok || len(d) == 0 || d[0].Key != "class" {
		return nil, bad(`not an object with "class" first`)
	}
	o := Object{Class: d[0].Value}
	var err error
	for _, it := range d[1:] {
		switch it.Key {
		case "args":
			l, ok := it.Value.(List)
			if !ok {
				return nil, bad("args is not an array")
			}
			o.Args = Tuple(l)
		case "kwargs":
			o.Kwargs, err = pairsOf(it.Value, bad)
		case "new":
			if o.NewObj, ok = it.Value.(bool); !ok {
				return nil, bad("new is not a boolean")
			}
		case "items":
			if o.Items, ok = it.Value.(List); !ok {
				return nil, bad("items is not an array")
			}
		case "dictitems":
			o.DictItems, err = pairsOf(it.Value, bad)
		case "state":
			o.State = it.Value
		default:
			return nil, bad("unknown member %q", it.Key)
		}
		if err != nil {
			return nil, err
		}
	}
	if o.Args == nil {
		o.Args = Tuple{}
	}
	return o, nil
}

// dateTimeObjectOf reads $datetime's and $time's object form; parse reads
// its iso member as the string form is read.
func dateTimeObjectOf(tag string, body Value, parse func(string) (Value, error), bad func(string, ...any) error) (Value, error) {
	d, ok := body.(Dict)
	if !ok || len(d) == 0 || d[0].Key != "iso" {
		return nil, bad(`not an object with "iso" first`)
	}
	iso, ok := d[0].Value.(string)
	if !ok {
		return nil, bad("iso is not a string")
	}
	v, err := parse(iso)
	if err != nil {
		return nil, err
	}
	var dt DateTime
	t, isTime := v.(Time)
	if !isTime {
		dt = v.(DateTime)
	}
	for _, it := range d[1:] {
		ok := true
		switch it.Key {
		case "fold":
			var fold bool
			fold, ok = it.Value.(bool)
			t.Fold, dt.Fold = fold, fold
		case "zone":
			dt.Zone, ok = it.Value.(string)
			ok = ok && !isTime && dt.Zone != ""
		case "pytz":
			var l List
			l, ok = it.Value.(List)
			dt.Pytz = Tuple(l)
			ok = ok && !isTime
		case "tzname":
			dt.OffsetName, ok = it.Value.(string)
			ok = ok && !isTime
		default:
			return nil, bad("unknown member %q", it.Key)
		}
		if !ok {
			return nil, bad("bad %s", it.Key)
		}
	}
	if isTime {
		return t, nil
	}
	if (dt.Zone != "" || dt.Pytz != nil || dt.OffsetName != "") && !dt.Aware {
		return nil, bad("a zone or tzname needs an offset in iso")
	}
	if dt.Pytz != nil && len(dt.Pytz) > 0 && dt.Pytz[0] != dt.Zone {
		return nil, bad("pytz arguments of another zone than %q", dt.Zone)
	}
	if dt.Zone != "" && dt.Pytz == nil {
		loc, err := time.LoadLocation(dt.Zone)
		if err != nil || dt.Zone == "Local" {
			return nil, bad("zone %.60q is not in this system's tz database", dt.Zone)
		}
		in := dt.Time.In(loc)
		if _, off := in.Zone(); in.Hour() != dt.Time.Hour() || off != offsetOf(dt.Time) {
			return nil, bad("%q is not a time of zone %.60q", iso, dt.Zone)
		}
		dt.Time = in
	}
	return dt, nil
}

func offsetOf(t time.Time) int {
	_, off := t.Zone()
	return off
}
