package config

import (
	"fmt"
	"strconv"

	"github.com/redisclient/redisclient/core/codec"
)

// MakeKey is the Redis key Django's cache names key with under entry e
// (KEY_PREFIX:VERSION:key, Django's default key function), without opening
// anything: what core.Open(e).MakeKey(key) returns.
func MakeKey(e Entry, key string) string { return KeyHead(e.KeyPrefix, e.KeyVersion()) + key }

// KeyVersion is the entry's VERSION: Django's default, 1, without one.
func (e Entry) KeyVersion() int {
	if e.Version != nil {
		return *e.Version
	}
	return 1
}

// KeyHead is what Django's default key function puts before a key of
// version under prefix: a cache of another version (Django's version=)
// makes its keys with it.
func KeyHead(prefix string, version int) string {
	return prefix + ":" + strconv.Itoa(version) + ":"
}

// EntryCodec is the codec of the entry's SERIALIZER and COMPRESSOR (for
// Django's own RedisCache, its pickle), checked as core.Open checks the entry
// but without opening anything: what core.Open(e).Codec() returns.
func EntryCodec(e Entry) (*codec.Codec, error) {
	backend, err := backendOf(e)
	if err != nil {
		return nil, err
	}
	extra, err := checkEntry(e, backend)
	if err != nil {
		return nil, err
	}
	return extra.Codec, nil
}

// newCodec is the entry's serializer and compressor.
func newCodec(o EntryOptions) (*codec.Codec, error) {
	options := map[string]any{}
	if o.PickleVersion != nil {
		options["PICKLE_VERSION"] = o.PickleVersion
	}
	if o.MaxDecodedSize != nil {
		options["MAX_DECODED_SIZE"] = o.MaxDecodedSize
	}
	c, err := codec.New(o.Serializer, o.Compressor, options)
	if err != nil {
		return nil, fmt.Errorf("%w: OPTIONS: %w", ErrConfig, err)
	}
	return c, nil
}
