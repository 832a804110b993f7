// Command wasm is redisclient's WebAssembly module (GOOS=wasip1
// GOARCH=wasm, built as a reactor): the parts that need no network
// (resolving a CACHES entry, Django's keys, the value codecs) for a host
// that does the Redis wire itself. wasm/README.md has the memory contract.
package main

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/redisclient/redisclient/core/codec"
	"github.com/redisclient/redisclient/core/config"
)

func main() {}

func entryOf(p unsafe.Pointer, n uint32) (config.Entry, error) {
	b, err := argument("entry", p, n)
	if err != nil {
		return config.Entry{}, err
	}
	return config.ParseEntry(b)
}

// rc_resolve: the entry's effective settings as JSON, the password masked
// (config.Options' JSON).
//
//go:wasmexport rc_resolve
func rcResolve(entry unsafe.Pointer, entryLen uint32, out unsafe.Pointer) int32 {
	return run(out, func() ([]byte, error) {
		e, err := entryOf(entry, entryLen)
		if err != nil {
			return nil, err
		}
		o, err := config.Resolve(e)
		if err != nil {
			return nil, err
		}
		return json.Marshal(o)
	})
}

// rc_make_key: the Redis key of key under the entry (KEY_PREFIX:VERSION:key).
//
//go:wasmexport rc_make_key
func rcMakeKey(entry unsafe.Pointer, entryLen uint32, key unsafe.Pointer, keyLen uint32, out unsafe.Pointer) int32 {
	return run(out, func() ([]byte, error) {
		e, err := entryOf(entry, entryLen)
		if err != nil {
			return nil, err
		}
		k, err := argument("key", key, keyLen)
		if err != nil {
			return nil, err
		}
		return []byte(config.MakeKey(e, string(k))), nil
	})
}

// codecs are the codecs of rc_codec, by handle, so that encoding many
// values reads the entry once.
var (
	codecs    = map[int32]*codec.Codec{}
	lastCodec int32
)

// rc_codec: a handle (*out, 4 bytes little-endian) on the entry's
// SERIALIZER and COMPRESSOR, released with rc_codec_free.
//
//go:wasmexport rc_codec
func rcCodec(entry unsafe.Pointer, entryLen uint32, out unsafe.Pointer) int32 {
	return run(out, func() ([]byte, error) {
		e, err := entryOf(entry, entryLen)
		if err != nil {
			return nil, err
		}
		c, err := config.EntryCodec(e)
		if err != nil {
			return nil, err
		}
		lastCodec++
		codecs[lastCodec] = c
		h := uint32(lastCodec)
		return []byte{byte(h), byte(h >> 8), byte(h >> 16), byte(h >> 24)}, nil
	})
}

//go:wasmexport rc_codec_free
func rcCodecFree(h int32) { delete(codecs, h) }

func codecOf(h int32) (*codec.Codec, error) {
	c, ok := codecs[h]
	if !ok {
		return nil, fmt.Errorf("%w: codec handle %d: not one of rc_codec", errInvalidArgument, h)
	}
	return c, nil
}

// rc_encode: the bytes Django stores for a value (value JSON in).
//
//go:wasmexport rc_encode
func rcEncode(h int32, value unsafe.Pointer, valueLen uint32, out unsafe.Pointer) int32 {
	return run(out, func() ([]byte, error) {
		c, err := codecOf(h)
		if err != nil {
			return nil, err
		}
		b, err := argument("value", value, valueLen)
		if err != nil {
			return nil, err
		}
		v, err := codec.UnmarshalValueJSON(b)
		if err != nil {
			return nil, fmt.Errorf("%w: value: %w", errInvalidArgument, err)
		}
		return c.Encode(v)
	})
}

// rc_decode: the value JSON of bytes Django stored.
//
//go:wasmexport rc_decode
func rcDecode(h int32, stored unsafe.Pointer, storedLen uint32, out unsafe.Pointer) int32 {
	return run(out, func() ([]byte, error) {
		c, err := codecOf(h)
		if err != nil {
			return nil, err
		}
		b, err := argument("stored", stored, storedLen)
		if err != nil {
			return nil, err
		}
		v, err := c.Decode(b)
		if err != nil {
			return nil, err
		}
		return codec.MarshalValueJSON(v)
	})
}
