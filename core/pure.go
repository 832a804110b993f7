package core

import (
	"strconv"

	"github.com/redisclient/redisclient/core/codec"
)

// MakeKey is the Redis key Django's cache names key with under entry e
// (KEY_PREFIX:VERSION:key, Django's default key function), without opening
// anything: what Open(e).MakeKey(key) returns.
func MakeKey(e Entry, key string) string { return keyHead(e.KeyPrefix, entryVersion(e)) + key }

// entryVersion is the entry's VERSION: Django's default, 1, without one.
func entryVersion(e Entry) int {
	if e.Version != nil {
		return *e.Version
	}
	return 1
}

// keyHead is what Django's default key function puts before a key.
func keyHead(prefix string, version int) string {
	return prefix + ":" + strconv.Itoa(version) + ":"
}

// EntryCodec is the codec of the entry's SERIALIZER and COMPRESSOR (for
// Django's own RedisCache, its pickle), checked as Open checks the entry
// but without opening anything: what Open(e).Codec() returns.
func EntryCodec(e Entry) (*codec.Codec, error) {
	backend, err := backendOf(e)
	if err != nil {
		return nil, err
	}
	ours, err := checkEntry(e, backend)
	if err != nil {
		return nil, err
	}
	return ours.codec, nil
}
