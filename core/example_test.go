package core_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// TestMain points the examples' REDIS_ADDR at the standalone test server
// (testenv/with-redis.sh sets RC_TEST_STANDALONE). Without it, at a port
// nobody listens on, so that an example fails instead of writing to
// whatever Redis runs on the default port.
func TestMain(m *testing.M) {
	addr := os.Getenv("RC_TEST_STANDALONE")
	if addr == "" {
		fmt.Fprintln(os.Stderr, "RC_TEST_STANDALONE is not set: run the tests through testenv/with-redis.sh (make test)")
		addr = "127.0.0.1:1"
	}
	os.Setenv("REDIS_ADDR", addr)
	os.Exit(m.Run())
}

// A Go service reads the Django service's CACHES entry and shares its keys.
func Example() {
	ctx := context.Background()
	// CACHES["default"] of the Django service, as JSON; the server's address
	// comes from the environment.
	text, err := core.ExpandEnv([]byte(`{
		"BACKEND": "django_redis.cache.RedisCache",
		"LOCATION": "redis://${REDIS_ADDR}/0",
		"KEY_PREFIX": "example",
		"TIMEOUT": 300
	}`), nil)
	if err != nil {
		log.Fatal(err) // errors.Is(err, core.ErrConfig), naming the unset variables
	}
	entry, err := core.ParseEntry(text)
	if err != nil {
		log.Fatal(err) // errors.Is(err, core.ErrConfig)
	}
	cache, err := core.Open(entry) // no I/O: the first command connects
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	if err := cache.Set(ctx, "greeting", []byte("hello"), core.ExpireAfter(time.Minute)); err != nil {
		log.Fatal(err)
	}
	value, found, err := cache.Get(ctx, "greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %v\n", value, found)
	fmt.Println(cache.MakeKey("greeting")) // the key Django's cache.set("greeting", ...) writes

	_, found, _ = cache.Get(ctx, "missing")
	fmt.Println(found)
	cache.Delete(ctx, "greeting")
	// Output:
	// hello true
	// example:1:greeting
	// false
}

// Values are Python values, stored as the entry's SERIALIZER and COMPRESSOR
// say: Django's cache.get returns this dict.
func ExampleCache_SetValue() {
	ctx := context.Background()
	entry, err := core.ParseEntry([]byte(`{
		"LOCATION": "redis://` + os.Getenv("REDIS_ADDR") + `/0",
		"KEY_PREFIX": "example",
		"OPTIONS": {"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}
	}`))
	if err != nil {
		log.Fatal(err)
	}
	cache, err := core.Open(entry)
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	user := codec.Dict{
		{Key: "name", Value: "ada"},
		{Key: "roles", Value: codec.List{"admin", "dev"}},
		{Key: "since", Value: codec.Date{Year: 2024, Month: time.May, Day: 1}},
	}
	if err := cache.SetValue(ctx, "user", user, core.DefaultExpiry); err != nil {
		log.Fatal(err)
	}
	v, found, err := cache.GetValue(ctx, "user")
	if err != nil {
		log.Fatal(err) // a value that cannot be decoded: errors.Is(err, codec.ErrMalformed)
	}
	for _, item := range v.(codec.Dict) {
		fmt.Printf("%v: %v\n", item.Key, item.Value)
	}
	fmt.Println(found)
	cache.Delete(ctx, "user")
	// Output:
	// name: ada
	// roles: [admin dev]
	// since: {2024 May 1}
	// true
}

// Counters are stored as their decimal digits, as django-redis stores ints,
// so either side may count.
func ExampleCache_Incr() {
	ctx := context.Background()
	entry, err := core.ParseEntry([]byte(`{"LOCATION": "redis://` + os.Getenv("REDIS_ADDR") + `/0", "KEY_PREFIX": "example"}`))
	if err != nil {
		log.Fatal(err)
	}
	cache, err := core.Open(entry)
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	_, err = cache.Incr(ctx, "hits", 1)
	fmt.Println(errors.Is(err, core.ErrNotFound)) // Django's incr raises ValueError too
	cache.Add(ctx, "hits", []byte("41"), core.NeverExpire)
	hits, err := cache.Incr(ctx, "hits", 1)
	if err != nil {
		log.Fatal(err)
	}
	stored, _, _ := cache.GetValue(ctx, "hits")
	fmt.Println(hits, stored)
	cache.Delete(ctx, "hits")
	// Output:
	// true
	// 42 42
}

// Resolve shows the settings an entry makes, by django-ansible-base's rules,
// without connecting.
func ExampleResolve() {
	entry, err := core.ParseEntry([]byte(`{
		"LOCATION": "rediss://:s3cret@cache.internal:6380/2?socket_timeout=2",
		"OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
			"CLIENT_CLASS_KWARGS": {"ssl_cert_reqs": "none"}}
	}`))
	if err != nil {
		log.Fatal(err)
	}
	o, err := core.Resolve(entry)
	if err != nil {
		log.Fatal(err)
	}
	o = o.Masked() // the settings hold the password
	fmt.Println(o.Mode, o.Host, o.Port, o.DB, o.SSL, o.SSLCertReqs, *o.SocketTimeout, o.Password)
	// Output:
	// standalone cache.internal 6380 2 true none 2 ********
}

// ExpandEnv fills an entry file's ${VAR} references from the environment
// (here from a map, to show the rules); ParseEntry never does.
func ExampleExpandEnv() {
	text := []byte(`{
  "LOCATION": "redis://:${REDIS_PASSWORD}@${REDIS_HOST:-127.0.0.1}:6379/0",
  "KEY_PREFIX": "${SERVICE}"
}`)
	env := map[string]string{"REDIS_PASSWORD": `pa"ss`, "SERVICE": "billing"}
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }

	expanded, err := core.ExpandEnv(text, lookup) // nil: the process environment
	if err != nil {
		log.Fatal(err) // errors.Is(err, core.ErrConfig), naming the unset variables
	}
	fmt.Println(string(expanded))

	_, err = core.ExpandEnv([]byte(`{"LOCATION": "redis://${REDIS_ADDR}/0"}`), lookup)
	fmt.Println(err)
	// Output:
	// {
	//   "LOCATION": "redis://:pa\"ss@127.0.0.1:6379/0",
	//   "KEY_PREFIX": "billing"
	// }
	// configuration error: environment variables not set: REDIS_ADDR
}
