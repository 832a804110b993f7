package core

import (
	"bytes"
	"testing"

	"github.com/redisclient/redisclient/core/codec"
)

// MakeKey and EntryCodec (core/config) give what an opened Cache gives,
// without opening.
func TestMakeKeyAndEntryCodecMatchOpen(t *testing.T) {
	for _, text := range []string{
		`{"LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "p", "VERSION": 4, "OPTIONS": {"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}}`,
		`{"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}`,
		`{"LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"SERIALIZER": "django_redis.serializers.json.JSONSerializer"}}`,
	} {
		e, err := ParseEntry([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		cache, err := Open(e)
		if err != nil {
			t.Fatal(err)
		}
		defer cache.Close()
		if got, want := MakeKey(e, "k"), cache.MakeKey("k"); got != want {
			t.Errorf("%s: MakeKey = %q, Open's = %q", text, got, want)
		}
		c, err := EntryCodec(e)
		if err != nil {
			t.Fatal(err)
		}
		v := codec.Dict{{Key: "a", Value: codec.List{int64(1), "b"}}}
		got, err := c.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := cache.Codec().Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: EntryCodec encodes %x, Open's codec %x", text, got, want)
		}
	}
}
