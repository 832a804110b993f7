package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"time"
)

// Entry is one Django CACHES entry, as settings.py writes it.
type Entry struct {
	// Backend is the Django cache backend: django-redis's RedisCache (or
	// none, which means it) or Django's own RedisCache (BackendDjango).
	// core/config/backend.go says which rules apply.
	Backend string `json:"BACKEND"`
	// Location is the LOCATION URL: redis://, rediss://, unix:// (or, for
	// django-ansible-base, file://). A comma-separated string (for Django's
	// own RedisCache, semicolons too) names several servers: the first is
	// written to, the others read from (django-ansible-base's rules use the
	// first only).
	Location string `json:"LOCATION"`
	// Locations is LOCATION written as a list; when it is not empty it wins
	// over Location, which ParseEntry sets to its first server. A list is
	// never split on commas, as in django-redis.
	Locations []string `json:"-"`
	// KeyPrefix starts every key: KEY_PREFIX:VERSION:key. Default "".
	KeyPrefix string `json:"KEY_PREFIX"`
	// Version is the default key version; nil means 1.
	Version *int `json:"VERSION"`
	// Timeout is the default lifetime of a value. Its zero value means
	// Django's default, 300 seconds; NeverExpire is TIMEOUT None.
	Timeout Expiry `json:"TIMEOUT"`
	// KeyFunction must be empty or Django's default_key_func.
	KeyFunction string `json:"KEY_FUNCTION"`
	// Options is OPTIONS.
	Options EntryOptions `json:"OPTIONS"`
}

// EntryOptions is the OPTIONS of a CACHES entry.
type EntryOptions struct {
	// ClientClass is django-redis's CLIENT_CLASS: its DefaultClient (or
	// empty, which means it) or django-ansible-base's RedisClient.
	ClientClass string `json:"CLIENT_CLASS"`
	// ClientClassKwargs are django-ansible-base's connection settings,
	// merged with LOCATION by its rules. Values are what JSON decodes to:
	// string, float64, bool, nil, []any, map[string]any (a Go caller may
	// also use int).
	ClientClassKwargs map[string]any `json:"CLIENT_CLASS_KWARGS"`

	// The settings django-redis's DefaultClient reads (its ConnectionFactory);
	// django-ansible-base's client ignores them, as it does.

	// Username and Password are USERNAME and PASSWORD: used when LOCATION
	// has none (and, for the password, CONNECTION_POOL_KWARGS neither).
	Username string `json:"USERNAME"`
	Password string `json:"PASSWORD"`
	// SocketTimeout and SocketConnectTimeout are SOCKET_TIMEOUT and
	// SOCKET_CONNECT_TIMEOUT, in seconds (nil or 0: redis-py's default).
	SocketTimeout        any `json:"SOCKET_TIMEOUT"`
	SocketConnectTimeout any `json:"SOCKET_CONNECT_TIMEOUT"`
	// ConnectionPoolKwargs is CONNECTION_POOL_KWARGS: redis-py keyword
	// arguments over the four above, under LOCATION's.
	ConnectionPoolKwargs map[string]any `json:"CONNECTION_POOL_KWARGS"`
	// ConnectionPoolClass, RedisClientClass, ParserClass and
	// ConnectionFactory must be empty or redis-py's and django-redis's own
	// classes; RedisClientKwargs must be empty. Other classes run Python
	// code this library cannot run.
	ConnectionPoolClass string         `json:"CONNECTION_POOL_CLASS"`
	RedisClientClass    string         `json:"REDIS_CLIENT_CLASS"`
	RedisClientKwargs   map[string]any `json:"REDIS_CLIENT_KWARGS"`
	ParserClass         string         `json:"PARSER_CLASS"`
	ConnectionFactory   string         `json:"CONNECTION_FACTORY"`
	// Sentinels and SentinelKwargs are SENTINELS (a list of [host, port])
	// and SENTINEL_KWARGS (a dict, or nil): read with django-redis's
	// SentinelConnectionFactory only (core/config/sentinel.go).
	Sentinels      any `json:"SENTINELS"`
	SentinelKwargs any `json:"SENTINEL_KWARGS"`
	// ReplicaReadOnly is REPLICA_READ_ONLY: nil or true (writes go to the
	// first server only); false, where django-redis writes to another server
	// when the first fails, is refused.
	ReplicaReadOnly any `json:"REPLICA_READ_ONLY"`

	// Raw is OPTIONS whole, as JSON decoded it: Django's own RedisCache
	// hands its keys (redis-py's keyword arguments, serializer, pool_class,
	// parser_class) to redis-py. ParseEntry sets it; a Go caller building
	// an entry for that backend sets it instead of the fields above.
	Raw map[string]any `json:"-"`
	// Serializer and Compressor are the dotted paths of django-redis's
	// classes ("" for its defaults, pickle and identity); they decide how
	// the value methods (GetValue, SetValue, ...) read and write.
	Serializer string `json:"SERIALIZER"`
	Compressor string `json:"COMPRESSOR"`
	// PickleVersion is django-redis's PICKLE_VERSION: the pickle protocol
	// written (nil: Python's default, 4).
	PickleVersion any `json:"PICKLE_VERSION"`
	// MaxDecodedSize bounds a decompressed value, in bytes (nil: 512 MiB);
	// ours alone, against decompression bombs.
	MaxDecodedSize any `json:"MAX_DECODED_SIZE"`
	// BusyPoll is how long, in whole microseconds, a read keeps asking the
	// socket for a reply before it sleeps (nil: 100; 0: never); ours alone,
	// core/busypoll.go says why.
	BusyPoll any `json:"BUSY_POLL"`
	// IgnoreExceptions is django-redis's IGNORE_EXCEPTIONS, kept for callers
	// that want Django's behaviour of treating a dead Redis as a miss.
	IgnoreExceptions bool `json:"IGNORE_EXCEPTIONS"`
}

// An Entry holds the password as written, in LOCATION or in
// CLIENT_CLASS_KWARGS. It prints masked whichever way it is printed by
// accident (fmt's verbs, slog, encoding/json), and so does EntryOptions: a
// password in a log outlives the mistake. The fields hold the secrets.

// Masked returns a copy fit for printing: LOCATION with whatever can be a
// password masked, and OPTIONS as EntryOptions.Masked has it.
func (e Entry) Masked() Entry {
	e.Location = redactURL(e.Location)
	if e.Locations != nil {
		locations := make([]string, len(e.Locations))
		for i, l := range e.Locations {
			locations[i] = redactURL(l)
		}
		e.Locations = locations
	}
	e.Options = e.Options.Masked()
	return e
}

// Masked returns a copy fit for printing: PASSWORD is masked, and in
// CLIENT_CLASS_KWARGS, CONNECTION_POOL_KWARGS, REDIS_CLIENT_KWARGS,
// SENTINEL_KWARGS and Raw,
// at any depth, every value under a key that names a password (password,
// ssl_password, any case), and the password in every URL (redis_hosts
// written as URLs, a url key). The maps are copied, not changed.
func (o EntryOptions) Masked() EntryOptions {
	if o.Password != "" {
		o.Password = masked
	}
	for _, m := range []*map[string]any{&o.ClientClassKwargs, &o.ConnectionPoolKwargs, &o.RedisClientKwargs, &o.Raw} {
		if *m != nil {
			*m, _ = maskSecrets("", *m).(map[string]any)
		}
	}
	if o.SentinelKwargs != nil {
		o.SentinelKwargs = maskSecrets("", o.SentinelKwargs)
	}
	return o
}

// maskSecrets is v fit for printing when it sits under key.
func maskSecrets(key string, v any) any {
	if v != nil && v != "" && strings.Contains(strings.ToLower(key), "password") {
		return masked
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = maskSecrets(k, item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = maskSecrets(key, item)
		}
		return out
	case string:
		if strings.Contains(x, "@") || strings.Contains(x, "://") {
			return redactURL(x)
		}
	}
	return v
}

// entryFields and entryOptionsFields have the fields and none of the
// methods, so that fmt and encoding/json print the fields instead of
// calling back.
type (
	entryFields        Entry
	entryOptionsFields EntryOptions
)

// String is the %v form, masked.
func (e Entry) String() string { return fmt.Sprint(e) }

// GoString is the %#v form, masked.
func (e Entry) GoString() string { return fmt.Sprintf("%#v", e) }

// Format prints the masked copy with any verb and flags.
func (e Entry) Format(f fmt.State, verb rune) {
	formatMasked(f, verb, entryFields(e.Masked()), "entryFields", "Entry")
}

// LogValue is what slog logs: the masked copy.
func (e Entry) LogValue() slog.Value { return slog.AnyValue(entryFields(e.Masked())) }

// MarshalJSON writes the masked copy: the JSON an entry came from, or its
// fields, are the way to hand it on whole. A list LOCATION is written as
// the list.
func (e Entry) MarshalJSON() ([]byte, error) {
	m := e.Masked()
	if len(m.Locations) == 0 {
		return json.Marshal(entryFields(m))
	}
	return json.Marshal(struct {
		entryFields
		Location []string `json:"LOCATION"`
	}{entryFields(m), m.Locations})
}

// String is the %v form, masked.
func (o EntryOptions) String() string { return fmt.Sprint(o) }

// GoString is the %#v form, masked.
func (o EntryOptions) GoString() string { return fmt.Sprintf("%#v", o) }

// Format prints the masked copy with any verb and flags.
func (o EntryOptions) Format(f fmt.State, verb rune) {
	formatMasked(f, verb, entryOptionsFields(o.Masked()), "entryOptionsFields", "EntryOptions")
}

// LogValue is what slog logs: the masked copy.
func (o EntryOptions) LogValue() slog.Value { return slog.AnyValue(entryOptionsFields(o.Masked())) }

// MarshalJSON writes the masked copy.
func (o EntryOptions) MarshalJSON() ([]byte, error) {
	return json.Marshal(entryOptionsFields(o.Masked()))
}

// ParseEntry reads a CACHES entry from JSON.
func ParseEntry(data []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("%w: the CACHES entry is not valid JSON of the expected shape: %w", ErrConfig, err)
	}
	return e, nil
}

// UnmarshalJSON accepts LOCATION as a string or a list of strings.
func (e *Entry) UnmarshalJSON(data []byte) error {
	type plain Entry
	var raw struct {
		plain
		Location json.RawMessage `json:"LOCATION"`
		Version  json.RawMessage `json:"VERSION"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*e = Entry(raw.plain)
	if len(raw.Location) > 0 && string(raw.Location) != "null" {
		var one string
		if err := json.Unmarshal(raw.Location, &one); err != nil {
			var many []string
			if err := json.Unmarshal(raw.Location, &many); err != nil || len(many) == 0 {
				return fmt.Errorf("LOCATION must be a string or a non-empty list of strings")
			}
			one = many[0]
			e.Locations = many
		}
		e.Location = one
	}
	if len(raw.Version) > 0 && string(raw.Version) != "null" {
		var v float64
		if err := json.Unmarshal(raw.Version, &v); err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			return fmt.Errorf("VERSION must be an integer, not %s", raw.Version)
		}
		n := int(v)
		e.Version = &n
	}
	return nil
}

// UnmarshalJSON reads OPTIONS with the names as written: Django's settings
// are case-sensitive, so "password" is not PASSWORD (encoding/json would
// take it for it). Raw gets every key.
func (o *EntryOptions) UnmarshalJSON(data []byte) error {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	exact := map[string]json.RawMessage{}
	t := reflect.TypeOf(*o)
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if v, ok := keys[name]; ok && name != "-" {
			exact[name] = v
		}
	}
	filtered, err := json.Marshal(exact)
	if err != nil {
		return err
	}
	type plain EntryOptions
	var p plain
	if err := json.Unmarshal(filtered, &p); err != nil {
		return err
	}
	*o = EntryOptions(p)
	return json.Unmarshal(data, &o.Raw)
}

// Expiry is how long a value lives: DefaultExpiry (the entry's TIMEOUT),
// NeverExpire (Django's None), or ExpireAfter(d). As in Django, a zero or
// negative duration expires the value at once.
type Expiry struct {
	kind expiryKind
	d    time.Duration
}

type expiryKind uint8

const (
	expiryDefault expiryKind = iota
	expiryNever
	expiryAfter
)

var (
	// DefaultExpiry is Django's DEFAULT_TIMEOUT: the entry's TIMEOUT.
	DefaultExpiry = Expiry{}
	// NeverExpire is Django's timeout=None.
	NeverExpire = Expiry{kind: expiryNever}
)

// ExpireAfter is a timeout of d; Django counts it in whole milliseconds.
func ExpireAfter(d time.Duration) Expiry { return Expiry{kind: expiryAfter, d: d} }

// ExpireSeconds is Django's timeout=seconds. Beyond time.Duration's range
// (about 292 years) it is the longest Duration, which Redis keeps as long as
// Django's longer PX: both are "never" in practice. NaN expires at once.
func ExpireSeconds(s float64) Expiry {
	const most = float64(math.MaxInt64) / float64(time.Second)
	switch {
	case s >= most:
		return ExpireAfter(time.Duration(math.MaxInt64))
	case s <= -most || math.IsNaN(s):
		return ExpireAfter(0)
	}
	return ExpireAfter(time.Duration(s * float64(time.Second)))
}

// IsDefault, IsNever and Duration tell the three kinds apart.
func (x Expiry) IsDefault() bool         { return x.kind == expiryDefault }
func (x Expiry) IsNever() bool           { return x.kind == expiryNever }
func (x Expiry) Duration() time.Duration { return x.d }

func (x Expiry) String() string {
	switch x.kind {
	case expiryNever:
		return "never"
	case expiryAfter:
		return x.d.String()
	}
	return "default"
}

// UnmarshalJSON reads TIMEOUT: null is never, a number is seconds. Django
// truncates TIMEOUT to whole seconds with int().
func (x *Expiry) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*x = NeverExpire
		return nil
	}
	var seconds float64
	if err := json.Unmarshal(data, &seconds); err != nil {
		return fmt.Errorf("TIMEOUT must be a number of seconds or null, not %s", data)
	}
	*x = ExpireSeconds(math.Trunc(seconds))
	return nil
}

// MarshalJSON writes the Django spelling back.
func (x Expiry) MarshalJSON() ([]byte, error) {
	switch x.kind {
	case expiryNever:
		return []byte("null"), nil
	case expiryAfter:
		return json.Marshal(x.d.Seconds())
	}
	return json.Marshal(DefaultTimeout.Seconds())
}

// DefaultTimeout is Django's default TIMEOUT, what DefaultExpiry means for
// an entry without one.
const DefaultTimeout = 300 * time.Second
