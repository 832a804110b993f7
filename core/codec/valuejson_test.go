package codec

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// modelPickle is the shape Django's Model.__reduce__ writes (auth.User id 1).
var modelPickle = []byte("\x80\x02cdjango.db.models.base\nmodel_unpickle\nq\x00X\x04\x00\x00\x00authq\x01X\x04\x00\x00\x00User" +
	"q\x02\x86q\x03\x85q\x04Rq\x05}q\x06X\x02\x00\x00\x00idq\x07K\x01sb.")

// valueJSONCases pair each Python type's Go form with its value JSON.
func valueJSONCases() []struct {
	name string
	v    Value
	js   string
} {
	big70, _ := new(big.Int).SetString("1180591620717411303424", 10)
	minusBig, _ := new(big.Int).SetString("-1180591620717411303424", 10)
	plus2 := time.FixedZone("", 7200)
	paris, _ := time.LoadLocation("Europe/Paris")
	minus530 := time.FixedZone("", -(5*3600 + 30*60))
	u := UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}
	return []struct {
		name string
		v    Value
		js   string
	}{
		{"none", nil, `null`},
		{"true", true, `true`},
		{"false", false, `false`},
		{"int", int64(-42), `-42`},
		{"int64 max", int64(math.MaxInt64), `9223372036854775807`},
		{"big int", big70, `{"$int":"1180591620717411303424"}`},
		{"negative big int", minusBig, `{"$int":"-1180591620717411303424"}`},
		{"float whole", 1.0, `1.0`},
		{"float fraction", -2.5, `-2.5`},
		{"float exponent", 1e300, `1e+300`},
		{"float tiny", 5e-324, `5e-324`},
		{"nan", math.NaN(), `{"$float":"nan"}`},
		{"inf", math.Inf(1), `{"$float":"inf"}`},
		{"-inf", math.Inf(-1), `{"$float":"-inf"}`},
		{"str", "héllo \"x\"\n", `"héllo \"x\"\n"`},
		{"empty str", "", `""`},
		{"bytes", []byte{0, 0xff, 'a'}, `{"$bytes":"AP9h"}`},
		{"empty bytes", []byte{}, `{"$bytes":""}`},
		{"list", List{int64(1), "a", nil}, `[1,"a",null]`},
		{"empty list", List{}, `[]`},
		{"tuple", Tuple{int64(1), Tuple{}}, `{"$tuple":[1,{"$tuple":[]}]}`},
		{"dict in order", Dict{{"z", int64(1)}, {"a", int64(2)}}, `{"z":1,"a":2}`},
		{"empty dict", Dict{}, `{}`},
		{"dict int keys", Dict{{int64(1), "a"}, {"b", int64(2)}}, `{"$dict":[[1,"a"],["b",2]]}`},
		{"dict dollar key", Dict{{"$int", int64(1)}}, `{"$dict":[["$int",1]]}`},
		{"dict tuple key", Dict{{Tuple{int64(1), int64(2)}, true}}, `{"$dict":[[{"$tuple":[1,2]},true]]}`},
		{"set", Set{int64(1), "x"}, `{"$set":[1,"x"]}`},
		{"frozenset", FrozenSet{}, `{"$frozenset":[]}`},
		{"naive datetime", DateTime{Time: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC)}, `{"$datetime":"2024-01-02T03:04:05.000006"}`},
		{"aware datetime utc", DateTime{Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Aware: true}, `{"$datetime":"2024-01-02T03:04:05+00:00"}`},
		{"aware datetime +2", DateTime{Time: time.Date(1, 12, 31, 23, 59, 59, 999999000, plus2), Aware: true}, `{"$datetime":"0001-12-31T23:59:59.999999+02:00"}`},
		{"aware datetime -5:30", DateTime{Time: time.Date(9999, 6, 1, 0, 0, 0, 0, minus530), Aware: true}, `{"$datetime":"9999-06-01T00:00:00-05:30"}`},
		{"date", Date{2024, time.February, 29}, `{"$date":"2024-02-29"}`},
		{"naive time", Time{Hour: 13, Minute: 14, Second: 15}, `{"$time":"13:14:15"}`},
		{"aware time", Time{23, 0, 1, 120000, offset(-90 * time.Minute), false}, `{"$time":"23:00:01.120000-01:30"}`},
		{"time offset seconds", Time{1, 2, 3, 0, offset(time.Hour + 2*time.Second), false}, `{"$time":"01:02:03+01:00:02"}`},
		{"timedelta", TimeDelta{-1, 86399, 999999}, `{"$timedelta":[-1,86399,999999]}`},
		{"decimal", Decimal("1.10"), `{"$decimal":"1.10"}`},
		{"decimal nan", Decimal("NaN"), `{"$decimal":"NaN"}`},
		{"uuid", u, `{"$uuid":"12345678-1234-5678-1234-567812345678"}`},
		{"opaque model", Opaque{Class: "django.db.models.base.model_unpickle", Raw: modelPickle, Value: Object{
			Class: Global{"django.db.models.base", "model_unpickle"}, Args: Tuple{Tuple{"auth", "User"}}, State: Dict{{"id", int64(1)}},
		}}, `{"$opaque":{"pickle":"gAJjZGphbmdvLmRiLm1vZGVscy5iYXNlCm1vZGVsX3VucGlja2xlCnEAWAQAAABhdXRocQFYBAAAAFVzZXJxAoZxA4VxBFJxBX1xBlgCAAAAaWRxB0sBc2Iu",` +
			`"value":{"$object":{"class":{"$global":["django.db.models.base","model_unpickle"]},"args":[{"$tuple":["auth","User"]}],"state":{"id":1}}}}}`},
		{"bytearray", ByteArray{0, 1}, `{"$bytearray":"AAE="}`},
		{"empty bytearray", ByteArray{}, `{"$bytearray":""}`},
		{"complex", complex(1.5, -2), `{"$complex":[1.5,-2.0]}`},
		{"complex inf", complex(math.Inf(1), 0), `{"$complex":[{"$float":"inf"},0.0]}`},
		{"ordereddict", OrderedDict{{"b", int64(1)}, {int64(2), "a"}}, `{"$ordereddict":[["b",1],[2,"a"]]}`},
		{"empty ordereddict", OrderedDict{}, `{"$ordereddict":[]}`},
		{"zoneinfo datetime", DateTime{Time: time.Date(2024, 7, 1, 12, 30, 0, 0, paris), Aware: true, Zone: "Europe/Paris"},
			`{"$datetime":{"iso":"2024-07-01T12:30:00+02:00","zone":"Europe/Paris"}}`},
		{"pytz datetime", DateTime{Time: time.Date(2024, 7, 1, 12, 30, 0, 0, plus2), Aware: true, Zone: "Europe/Paris", Pytz: Tuple{"Europe/Paris", int64(7200), int64(3600), "CEST"}},
			`{"$datetime":{"iso":"2024-07-01T12:30:00+02:00","zone":"Europe/Paris","pytz":["Europe/Paris",7200,3600,"CEST"]}}`},
		{"pytz utc datetime", DateTime{Time: time.Date(2024, 7, 1, 12, 30, 0, 0, time.UTC), Aware: true, Zone: "UTC", Pytz: Tuple{}},
			`{"$datetime":{"iso":"2024-07-01T12:30:00+00:00","zone":"UTC","pytz":[]}}`},
		{"named offset and fold", DateTime{Time: time.Date(2024, 1, 2, 0, 0, 0, 0, plus2), Aware: true, OffsetName: "X", Fold: true},
			`{"$datetime":{"iso":"2024-01-02T00:00:00+02:00","tzname":"X","fold":true}}`},
		{"time fold", Time{Hour: 1, Fold: true}, `{"$time":{"iso":"01:00:00","fold":true}}`},
		{"nested", List{Dict{{"k", Set{Tuple{[]byte("b")}}}}}, `[{"k":{"$set":[{"$tuple":[{"$bytes":"Yg=="}]}]}}]`},
	}
}

// The views of a pickle: a Global and an Object alone are no stored value
// (one reads back inside an Opaque).
var viewJSONCases = []struct {
	name string
	v    Value
	js   string
}{
	{"global", Global{"collections", "defaultdict"}, `{"$global":["collections","defaultdict"]}`},
	{"object", Object{Class: Global{"collections", "defaultdict"}, Args: Tuple{Global{"builtins", "list"}}, DictItems: Dict{{"a", List{}}}},
		`{"$object":{"class":{"$global":["collections","defaultdict"]},"args":[{"$global":["builtins","list"]}],"dictitems":[["a",[]]]}}`},
	{"object with all members", Object{Class: Global{"m", "C"}, Args: Tuple{}, Kwargs: Dict{{"k", int64(1)}}, NewObj: true, Items: List{int64(2)}, DictItems: Dict{}, State: Tuple{nil, Dict{{"s", int64(3)}}}},
		`{"$object":{"class":{"$global":["m","C"]},"kwargs":[["k",1]],"new":true,"items":[2],"dictitems":[],"state":{"$tuple":[null,{"s":3}]}}}`},
}

func TestValueJSONForms(t *testing.T) {
	for _, tc := range append(valueJSONCases(), viewJSONCases...) {
		t.Run(tc.name, func(t *testing.T) {
			js, err := MarshalValueJSON(tc.v)
			require.NoError(t, err)
			require.Equal(t, tc.js, string(js))
			back, err := UnmarshalValueJSON(js)
			require.NoError(t, err)
			requireSameValue(t, tc.v, back)
		})
	}
}

// requireSameValue compares through the value JSON where Go equality
// cannot (NaN) and directly otherwise.
func requireSameValue(t *testing.T, want, got Value) {
	t.Helper()
	if f, ok := want.(float64); ok && math.IsNaN(f) {
		g, ok := got.(float64)
		require.True(t, ok && math.IsNaN(g), "got %#v", got)
		return
	}
	if o, ok := want.(Opaque); ok {
		g, ok := got.(Opaque)
		require.True(t, ok, "got %T", got)
		require.Equal(t, o, g)
		return
	}
	if d, ok := want.(DateTime); ok {
		g, ok := got.(DateTime)
		require.True(t, ok, "got %T", got)
		require.Equal(t, d.Aware, g.Aware)
		require.Equal(t, []any{d.Zone, d.Pytz, d.OffsetName, d.Fold}, []any{g.Zone, g.Pytz, g.OffsetName, g.Fold})
		require.True(t, d.Time.Equal(g.Time), "%v != %v", d.Time, g.Time)
		_, wo := d.Time.Zone()
		_, go_ := g.Time.Zone()
		require.Equal(t, wo, go_)
		return
	}
	require.Equal(t, want, got)
}

// Each value written by the pickle codec and read back gives the same value
// JSON: the JSON carries what Decode produces, and Encode accepts what the
// JSON gives, for every compressor.
func TestValueJSONThroughPickleCodec(t *testing.T) {
	for cName, comp := range compressorPaths {
		c, err := New(serializerPaths["pickle"], comp, nil)
		require.NoError(t, err)
		for _, tc := range valueJSONCases() {
			v, err := UnmarshalValueJSON([]byte(tc.js))
			require.NoError(t, err, tc.name)
			enc, err := c.Encode(v)
			require.NoError(t, err, "%s/%s", cName, tc.name)
			dec, err := c.Decode(enc)
			require.NoError(t, err, "%s/%s", cName, tc.name)
			js, err := MarshalValueJSON(dec)
			require.NoError(t, err)
			require.Equal(t, tc.js, string(js), "%s/%s", cName, tc.name)
		}
	}
}

// The JSON and msgpack serializers carry fewer types; what they give back
// still has a value JSON form that reads back to the same value.
func TestValueJSONThroughOtherSerializers(t *testing.T) {
	v := Dict{{"s", "x"}, {"n", int64(3)}, {"f", 0.5}, {"l", List{true, nil}}}
	for _, ser := range []string{"json", "msgpack"} {
		c, err := New(serializerPaths[ser], "", nil)
		require.NoError(t, err)
		enc, err := c.Encode(v)
		require.NoError(t, err)
		dec, err := c.Decode(enc)
		require.NoError(t, err)
		js, err := MarshalValueJSON(dec)
		require.NoError(t, err)
		require.Equal(t, `{"s":"x","n":3,"f":0.5,"l":[true,null]}`, string(js), ser)
	}
}

func TestValueJSONReadsLenientForms(t *testing.T) {
	big70, _ := new(big.Int).SetString("1180591620717411303424", 10)
	cases := []struct {
		name string
		js   string
		want Value
	}{
		{"spaces", " [ 1 , { \"a\" : 2 } ] ", List{int64(1), Dict{{"a", int64(2)}}}},
		{"small $int folds to int64", `{"$int":"7"}`, int64(7)},
		{"hex $int", `{"$int":"0x400000000000000000"}`, big70},
		{"negative hex $int", `{"$int":"-0x400000000000000000"}`, new(big.Int).Neg(big70)},
		{"upper-case hex digits", `{"$int":"0xABCDEF0123456789AB"}`, bigHex("abcdef0123456789ab")},
		{"small hex $int folds to int64", `{"$int":"-0x1f"}`, int64(-31)},
		{"plain big integer", `1180591620717411303424`, big70},
		{"integer-valued exponent is a float", `1e2`, 100.0},
		{"Z offset", `{"$time":"10:00:00Z"}`, Time{10, 0, 0, 0, offset(0), false}},
		{"milliseconds", `{"$time":"10:00:00.123"}`, Time{10, 0, 0, 123000, nil, false}},
		{"uuid without dashes", `{"$uuid":"12345678123456781234567812345678"}`, UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalValueJSON([]byte(tc.js))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestValueJSONRefusesMalformedInput(t *testing.T) {
	cases := map[string]string{
		"empty":                ``,
		"trailing data":        `1 2`,
		"truncated":            `[1,`,
		"not JSON":             `{'a': 1}`,
		"unknown tag":          `{"$nope":[1,2]}`,
		"$complex ints":        `{"$complex":[1,2]}`,
		"$complex one part":    `{"$complex":[1.0]}`,
		"$bytearray not b64":   `{"$bytearray":"***"}`,
		"$ordereddict pairs":   `{"$ordereddict":[[1]]}`,
		"$global one name":     `{"$global":["m"]}`,
		"$object no class":     `{"$object":{"args":[]}}`,
		"$object other member": `{"$object":{"class":null,"x":1}}`,
		"$object args object":  `{"$object":{"class":null,"args":{}}}`,
		"$opaque no value":     `{"$opaque":{"pickle":"gAJOLg=="}}`,
		"$opaque empty pickle": `{"$opaque":{"pickle":"","value":null}}`,
		"$datetime zone naive": `{"$datetime":{"iso":"2024-01-02T03:04:05","zone":"Europe/Paris"}}`,
		"$datetime no zone":    `{"$datetime":{"iso":"2024-01-02T03:04:05+00:00","zone":"No/Where"}}`,
		"$datetime zone path":  `{"$datetime":{"iso":"2024-01-02T03:04:05+00:00","zone":"../../etc/passwd"}}`,
		"$datetime off zone":   `{"$datetime":{"iso":"2024-07-01T12:00:00+01:00","zone":"Europe/Paris"}}`,
		"$datetime pytz other": `{"$datetime":{"iso":"2024-07-01T12:00:00+01:00","zone":"Europe/Paris","pytz":["UTC"]}}`,
		"$datetime no iso":     `{"$datetime":{"zone":"UTC"}}`,
		"$time with zone":      `{"$time":{"iso":"01:00:00","zone":"UTC"}}`,
		"tag beside keys":      `{"a":1,"$tuple":[]}`,
		"keys after tag":       `{"$tuple":[],"a":1}`,
		"duplicate key":        `{"a":1,"a":2}`,
		"$int not digits":      `{"$int":"12x"}`,
		"$int a number":        `{"$int":12}`,
		"$int 0x alone":        `{"$int":"0x"}`,
		"$int -0x alone":       `{"$int":"-0x"}`,
		"$int hex not hex":     `{"$int":"0xfg"}`,
		"$int hex plus":        `{"$int":"+0x1f"}`,
		"$int hex two signs":   `{"$int":"-0x-1f"}`,
		"$int hex underscore":  `{"$int":"0x1_f"}`,
		"$int upper 0X":        `{"$int":"0X1f"}`,
		"$int hex space":       `{"$int":" 0x1f"}`,
		"$float other":         `{"$float":"NaN"}`,
		"$bytes not base64":    `{"$bytes":"***"}`,
		"$pickle empty":        `{"$pickle":""}`,
		"$tuple not array":     `{"$tuple":"x"}`,
		"$dict not pairs":      `{"$dict":[[1]]}`,
		"$dict object":         `{"$dict":{"a":1}}`,
		"$date invalid day":    `{"$date":"2023-02-29"}`,
		"$date with time":      `{"$date":"2023-02-01T00:00:00"}`,
		"$date year 0":         `{"$date":"0000-01-01"}`,
		"$time hour 24":        `{"$time":"24:00:00"}`,
		"$time bad offset":     `{"$time":"10:00:00+25:00"}`,
		"$time 4 digit frac":   `{"$time":"10:00:00.1234"}`,
		"$datetime space":      `{"$datetime":"2024-01-02 03:04:05"}`,
		"$datetime date only":  `{"$datetime":"2024-01-02"}`,
		"$timedelta unnormal":  `{"$timedelta":[0,86400,0]}`,
		"$timedelta too short": `{"$timedelta":[0,1]}`,
		"$timedelta float":     `{"$timedelta":[0,1.5,0]}`,
		"$decimal junk":        `{"$decimal":"1.2.3"}`,
		"$uuid short":          `{"$uuid":"1234"}`,
		"nested unknown tag":   `[{"x":{"$nope":1}}]`,
		"too deep":             strings.Repeat("[", maxValueJSONDepth+2) + strings.Repeat("]", maxValueJSONDepth+2),
	}
	for name, js := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := UnmarshalValueJSON([]byte(js))
			require.ErrorIs(t, err, ErrValueJSON)
		})
	}
}

func TestMarshalValueJSONRefusesUnknownGoTypes(t *testing.T) {
	for _, v := range []Value{struct{}{}, float32(1), List{map[string]int{}}} {
		_, err := MarshalValueJSON(v)
		require.ErrorIs(t, err, ErrValueJSON, "%T", v)
	}
}

func bigHex(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 16)
	return n
}

// Strings and bytes are written by runs: every escape must still read
// back, through this package and through encoding/json, as the same text
// (invalid UTF-8 as U+FFFD, as encoding/json writes it).
func TestValueJSONStringsReadBack(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x180; r++ {
		all.WriteRune(r)
	}
	for _, s := range []string{"", "plain", all.String(), "a\"b\\c\x7f\u2028😀", "bad \xff\xfe utf-8 \xe2\x82"} {
		text, err := MarshalValueJSON(Dict{{s, List{s, []byte(s)}}})
		require.NoError(t, err)
		require.True(t, json.Valid(text), "%q", text)
		want := ""
		for _, r := range s { // one U+FFFD per invalid byte
			want += string(r)
		}
		back, err := UnmarshalValueJSON(text)
		require.NoError(t, err)
		require.Equal(t, Dict{{want, List{want, []byte(s)}}}, back)
		var std map[string][]any
		require.NoError(t, json.Unmarshal(text, &std))
		require.Equal(t, want, std[want][0])
	}
}
