package codec

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var serializerPaths = map[string]string{
	"pickle":  "django_redis.serializers.pickle.PickleSerializer",
	"json":    "django_redis.serializers.json.JSONSerializer",
	"msgpack": "django_redis.serializers.msgpack.MSGPackSerializer",
}

var compressorPaths = map[string]string{
	"identity": "django_redis.compressors.identity.IdentityCompressor",
	"zlib":     "django_redis.compressors.zlib.ZlibCompressor",
	"gzip":     "django_redis.compressors.gzip.GzipCompressor",
	"lzma":     "django_redis.compressors.lzma.LzmaCompressor",
	"lz4":      "django_redis.compressors.lz4.Lz4Compressor",
	"zstd":     "django_redis.compressors.zstd.ZStdCompressor",
}

func offset(d time.Duration) *time.Duration { return &d }

// goldenValues are the Go forms of golden.py's VALUES, by the same names.
func goldenValues() map[string]Value {
	big70, _ := new(big.Int).SetString("1180591620717411303424", 10)
	plus2 := time.FixedZone("", 7200)
	return map[string]Value{
		"none": nil, "true": true, "zero": int64(0), "minus5": int64(-5), "big": big70,
		"float": 1.5, "empty_str": "", "hello": "héllo", "bytes": []byte{0, 0xff},
		"list":           List{int64(1), "a"},
		"tuple":          Tuple{int64(1), int64(2)},
		"dict":           Dict{{"a", int64(1)}, {int64(2), "b"}},
		"set":            Set{int64(1), int64(2)},
		"frozenset":      FrozenSet{int64(3)},
		"datetime_naive": DateTime{Time: time.Date(2024, 1, 2, 3, 4, 5, 6789000, time.UTC)},
		"datetime_utc":   DateTime{Time: time.Date(2024, 1, 2, 3, 4, 5, 6789000, time.UTC), Aware: true},
		"datetime_plus2": DateTime{Time: time.Date(2024, 1, 2, 3, 4, 5, 0, plus2), Aware: true},
		"date":           Date{2024, time.February, 29},
		"time":           Time{1, 2, 3, 4000, nil, false},
		"timedelta":      TimeDelta{1, 2, 3},
		"timedelta_neg":  TimeDelta{-1, 86399, 0},
		"decimal":        Decimal("1.10"),
		"uuid":           UUID{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78},
		"large_str":      strings.Repeat("x", 100_000),
		"large_list":     largeList(),
		"nested_json": Dict{{"list", List{1.25, nil, false}}, {"tuple", Tuple{"t", 1e20}},
			{"neg", int64(-(1 << 40))}, {"emoji", "\U0001F600"}},
		"nested": Dict{{"list", List{1.25, nil, false}}, {"tuple", Tuple{"t", []byte("b")}}, {"neg", int64(-(1 << 40))}},
	}
}

func largeList() List {
	l := make(List, 10_000)
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}

type goldenRow struct {
	Serializer string          `json:"serializer"`
	Compressor string          `json:"compressor"`
	Name       string          `json:"name"`
	Protocol   int             `json:"protocol"`
	Hex        string          `json:"hex"`
	Error      string          `json:"error"`
	DecodeErr  string          `json:"decode_error"`
	Decoded    json.RawMessage `json:"decoded"`
	Identical  bool            `json:"identical"`
	OK         bool            `json:"ok"`
	Detail     string          `json:"detail"`
}

// python is RC_TEST_PYTHON (scripts/test.sh exports the venv's), else the
// venv testenv/venv.sh makes, else python3 on PATH; none is a failure.
func python(t *testing.T) string {
	t.Helper()
	py := os.Getenv("RC_TEST_PYTHON")
	if py == "" {
		venv := filepath.Join("..", "..", "testenv", ".venv", "bin", "python")
		if _, err := os.Stat(venv); err == nil {
			return venv
		}
		found, err := exec.LookPath("python3")
		require.NoError(t, err, "set RC_TEST_PYTHON to the python of testenv/venv.sh")
		return found
	}
	if !filepath.IsAbs(py) && strings.Contains(py, "/") {
		// A relative path is taken from the repository root, where
		// `go test ./core/codec/` is usually run from.
		py = filepath.Join("..", "..", py)
	}
	return py
}

func runGolden(t *testing.T, mode string, stdin []byte) []goldenRow {
	t.Helper()
	cmd := exec.Command(python(t), "testdata/golden.py", mode)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "golden.py %s: %s", mode, stderr.String())
	var rows []goldenRow
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r goldenRow
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		rows = append(rows, r)
	}
	require.NotEmpty(t, rows)
	return rows
}

// untag turns golden.py's type-tagged JSON back into a Value.
func untag(t *testing.T, raw json.RawMessage) Value {
	t.Helper()
	var n struct {
		T    string            `json:"t"`
		V    json.RawMessage   `json:"v"`
		Fold int               `json:"fold"`
		Zone string            `json:"zone"`
		Pytz []json.RawMessage `json:"pytz"`
		Name string            `json:"offset_name"`
	}
	require.NoError(t, json.Unmarshal(raw, &n))
	str := func() string {
		var s string
		require.NoError(t, json.Unmarshal(n.V, &s))
		return s
	}
	list := func() []Value {
		var items []json.RawMessage
		require.NoError(t, json.Unmarshal(n.V, &items))
		out := make([]Value, len(items))
		for i, it := range items {
			out[i] = untag(t, it)
		}
		return out
	}
	switch n.T {
	case "none":
		return nil
	case "bool":
		return string(n.V) == "true"
	case "int":
		b, ok := new(big.Int).SetString(str(), 10)
		require.True(t, ok)
		return bigOrInt64(b)
	case "float":
		f, err := strconv.ParseFloat(str(), 64)
		require.NoError(t, err)
		return f
	case "str":
		return str()
	case "str8": // lone surrogates, as BINUNICODE carries them
		b, err := hex.DecodeString(str())
		require.NoError(t, err)
		return string(b)
	case "bytes", "bytearray":
		b, err := hex.DecodeString(str())
		require.NoError(t, err)
		if n.T == "bytearray" {
			return ByteArray(b)
		}
		return b
	case "complex":
		var parts [2]string
		require.NoError(t, json.Unmarshal(n.V, &parts))
		re, err1 := strconv.ParseFloat(parts[0], 64)
		im, err2 := strconv.ParseFloat(parts[1], 64)
		require.NoError(t, errors.Join(err1, err2))
		return complex(re, im)
	case "list":
		return List(list())
	case "tuple":
		return Tuple(list())
	case "set":
		return Set(list())
	case "frozenset":
		return FrozenSet(list())
	case "dict", "ordereddict":
		var pairs [][2]json.RawMessage
		require.NoError(t, json.Unmarshal(n.V, &pairs))
		d := Dict{}
		for _, p := range pairs {
			d = append(d, Item{untag(t, p[0]), untag(t, p[1])})
		}
		if n.T == "ordereddict" {
			return OrderedDict(d)
		}
		return d
	case "datetime":
		s := str()
		if tm, err := time.Parse("2006-01-02T15:04:05.999999Z07:00", s); err == nil {
			_, off := tm.Zone()
			dt := DateTime{Time: tm.In(fixedZone(time.Duration(off) * time.Second)), Aware: true, Fold: n.Fold == 1, Zone: n.Zone, OffsetName: n.Name}
			if n.Pytz != nil {
				dt.Pytz = Tuple{}
				for _, a := range n.Pytz {
					dt.Pytz = append(dt.Pytz, untag(t, a))
				}
			}
			return dt
		}
		tm, err := time.Parse("2006-01-02T15:04:05.999999", s)
		require.NoError(t, err)
		return DateTime{Time: tm, Fold: n.Fold == 1}
	case "date":
		tm, err := time.Parse("2006-01-02", str())
		require.NoError(t, err)
		return Date{tm.Year(), tm.Month(), tm.Day()}
	case "time":
		var off *time.Duration
		tm, err := time.Parse("15:04:05.999999Z07:00", str())
		if err == nil {
			_, secs := tm.Zone()
			off = offset(time.Duration(secs) * time.Second)
		} else {
			tm, err = time.Parse("15:04:05.999999", str())
			require.NoError(t, err)
		}
		return Time{tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond() / 1000, off, n.Fold == 1}
	case "timedelta":
		var p [3]int64
		require.NoError(t, json.Unmarshal(n.V, &p))
		return TimeDelta{p[0], p[1], p[2]}
	case "decimal":
		return Decimal(str())
	case "uuid":
		b, err := hex.DecodeString(str())
		require.NoError(t, err)
		return UUID(b)
	}
	t.Fatalf("unknown tag %q", n.T)
	return nil
}

func TestGoldenVectors(t *testing.T) {
	rows := runGolden(t, "gen", nil)
	values := goldenValues()
	identityHex := map[string]string{} // serializer/name -> uncompressed bytes
	for _, r := range rows {
		if r.Compressor == "identity" {
			identityHex[r.Serializer+"/"+r.Name] = r.Hex
		}
	}
	var toCheck bytes.Buffer
	for _, r := range rows {
		t.Run(r.Serializer+"/"+r.Compressor+"/"+r.Name, func(t *testing.T) {
			c, err := New(serializerPaths[r.Serializer], compressorPaths[r.Compressor], nil)
			require.NoError(t, err)
			v, ok := values[r.Name]
			require.True(t, ok, "no Go value for %s", r.Name)
			if r.Error != "" {
				// django-redis refuses the value (TypeError...): so must we.
				_, err := c.Encode(v)
				require.ErrorIs(t, err, ErrUnsupported)
				return
			}
			stored, err := hex.DecodeString(r.Hex)
			require.NoError(t, err)
			got, err := c.Decode(stored)
			if r.DecodeErr != "" {
				// e.g. msgpack's strict_map_key refuses int keys on read.
				require.Error(t, err, "django-redis raised %s reading this", r.DecodeErr)
			} else {
				require.NoError(t, err)
				require.Equal(t, untag(t, r.Decoded), got, "decode of django-redis bytes")
			}
			if r.Serializer == "pickle" && r.DecodeErr == "" {
				require.Equal(t, v, got, "pickle round-trips the Go value")
			}

			enc, err := c.Encode(v)
			require.NoError(t, err)
			// Byte identity holds when django-redis left the value
			// uncompressed. Compressed output differs legitimately: Go's
			// deflate/xz/lz4/zstd encoders are not zlib/liblzma/liblz4/
			// libzstd, and gzip stamps the current time; those bytes are
			// proven by Python decoding them (golden.py check) instead.
			if r.Hex == identityHex[r.Serializer+"/"+r.Name] {
				require.Equal(t, r.Hex, hex.EncodeToString(enc), "same bytes as django-redis")
			}
			if r.DecodeErr != "" {
				return // Python cannot read it back either
			}
			line, err := json.Marshal(goldenRow{Serializer: r.Serializer, Compressor: r.Compressor, Name: r.Name, Hex: hex.EncodeToString(enc)})
			require.NoError(t, err)
			toCheck.Write(append(line, '\n'))
		})
	}
	require.NotZero(t, toCheck.Len())
	for _, r := range runGolden(t, "check", toCheck.Bytes()) {
		require.True(t, r.OK, "%s/%s/%s: python could not read our bytes: %s", r.Serializer, r.Compressor, r.Name, r.Detail)
	}
}

// floatBits stands for a float64 in comparisons: -0.0 differs from 0.0, and
// every NaN is one value (Python's nan and Go's differ in their low bits).
type floatBits uint64

func forCompare(v Value) Value {
	each := func(in []Value) []Value {
		out := make([]Value, len(in))
		for i, x := range in {
			out[i] = forCompare(x)
		}
		return out
	}
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return floatBits(0x7ff8000000000000)
		}
		return floatBits(math.Float64bits(x))
	case List:
		return List(each(x))
	case Tuple:
		return Tuple(each(x))
	case Set:
		return Set(sortedItems(each(x)))
	case FrozenSet:
		return FrozenSet(sortedItems(each(x)))
	case Dict:
		out := make(Dict, len(x))
		for i, it := range x {
			out[i] = Item{forCompare(it.Key), forCompare(it.Value)}
		}
		return out
	case OrderedDict:
		return OrderedDict(forCompare(Dict(x)).(Dict))
	case complex128:
		return [2]Value{forCompare(real(x)), forCompare(imag(x))}
	case DateTime:
		// Locations compare by their contents, which hold load times:
		// the wall clock and offset are what a datetime is.
		_, off := x.Time.Zone()
		return fmt.Sprintf("%s %d %v %s %v %v %s", x.Time.Format("2006-01-02T15:04:05.999999"), off, x.Aware, x.Zone, x.Pytz, x.Fold, x.OffsetName)
	}
	return v
}

// sortedItems orders a set's items: Python's pickle.loads inserts them in
// the pickle's order, but a set of str-hashed items iterates in hash order.
func sortedItems(items []Value) []Value {
	slices.SortFunc(items, func(a, b Value) int { return strings.Compare(fmt.Sprintf("%#v", a), fmt.Sprintf("%#v", b)) })
	return items
}

// Every value, at every protocol Python writes (0 to 5), reads as what
// Python's own pickle.loads reads from the same bytes; a type Go has no
// form of reads as Opaque, never as an error; and no strict prefix reads.
func TestGoldenPickleProtocols(t *testing.T) {
	rows := runGolden(t, "protocols", nil)
	c := mustCodec(t, serializerPaths["pickle"], compressorPaths["identity"], nil)
	seen := map[int]int{}
	var reload bytes.Buffer
	for _, r := range rows {
		seen[r.Protocol]++
		t.Run(r.Name+"/"+strconv.Itoa(r.Protocol), func(t *testing.T) {
			stored, err := hex.DecodeString(r.Hex)
			require.NoError(t, err)
			got, err := c.Decode(stored)
			require.NoError(t, err)
			at := mustCodec(t, serializerPaths["pickle"], compressorPaths["identity"], map[string]any{"PICKLE_VERSION": r.Protocol})
			var tag struct{ T, V string }
			if json.Unmarshal(r.Decoded, &tag) == nil && tag.T == "opaque" {
				o, ok := got.(Opaque)
				require.True(t, ok, "got %T", got)
				require.True(t, strings.HasSuffix(o.Class, "."+tag.V), "class %s", o.Class)
				require.Equal(t, stored, o.Raw)
				back, err := at.Encode(o)
				require.NoError(t, err)
				require.Equal(t, stored, back, "written back unchanged")
				// The view written anew must read in Python as the value.
				anew, err := at.Encode(o.Value)
				require.NoError(t, err)
				line, err := json.Marshal(map[string]any{"name": r.Name, "protocol": r.Protocol, "hex": hex.EncodeToString(anew)})
				require.NoError(t, err)
				reload.Write(append(line, '\n'))
				return
			}
			want := untag(t, r.Decoded)
			require.Equal(t, forCompare(want), forCompare(got))
			for n := 0; n < len(stored); n += max(1, len(stored)/50) {
				_, err := c.Decode(stored[:n])
				require.Error(t, err, "truncated to %d bytes", n)
			}
			if r.Identical {
				enc, err := at.ser.appendTo(nil, got)
				require.NoError(t, err)
				require.Equal(t, r.Hex, hex.EncodeToString(enc), "Python's bytes at protocol %d", r.Protocol)
			}
		})
	}
	for p := 0; p <= 5; p++ {
		require.Equal(t, len(rows)/6, seen[p], "rows of protocol %d", p)
	}
	require.NotZero(t, reload.Len())
	for _, r := range runGolden(t, "reload", reload.Bytes()) {
		require.True(t, r.OK, "%s/%d: %s", r.Name, r.Protocol, r.Detail)
	}
}
