package main

/*
#include <stdlib.h>
#include "redisclient.h"
typedef const char rc_cchar;
typedef const char *const rc_ckey;
typedef const size_t rc_csize;
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"unsafe"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// The value functions: Python values as value JSON (core/codec/valuejson.go)
// in and out, stored through the entry's serializer and compressor by the
// core.Cache value methods.

// isValueError is a stored value the entry's codec cannot read (malformed,
// a decompression bomb) or a value it cannot write.
func isValueError(err error) bool {
	return errors.Is(err, codec.ErrMalformed) ||
		errors.Is(err, codec.ErrTooLarge) || errors.Is(err, codec.ErrUnsupported)
}

// valueOf reads the caller's value JSON; bad JSON is an invalid argument.
func valueOf(what string, p *C.rc_cchar, n C.size_t) (codec.Value, error) {
	b, err := bytesOf(what, p, n)
	if err != nil {
		return nil, err
	}
	v, err := codec.UnmarshalValueJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errInvalidArgument, what, err)
	}
	return v, nil
}

//export rcgo_get_value
func rcgo_get_value(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, js **C.char, jsLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_get_value", h, errOut, func(cl *client) (C.int, error) {
		if err := required("json or json_len", js == nil || jsLen == nil); err != nil {
			return 0, err
		}
		*js, *jsLen = nil, 0
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		v, ok, err := view(cl, version).GetValue(cl.ctx, k)
		if err != nil || !ok {
			return C.RC_MISS, err
		}
		*js, *jsLen, err = cValueJSON(v)
		if err != nil {
			return 0, err
		}
		return C.RC_OK, nil
	})
}

//export rcgo_get_loadable
func rcgo_get_loadable(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, form **C.char, formLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_get_loadable", h, errOut, func(cl *client) (C.int, error) {
		if err := required("form or form_len", form == nil || formLen == nil); err != nil {
			return 0, err
		}
		*form, *formLen = nil, 0
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		l, ok, err := view(cl, version).GetLoadable(cl.ctx, k)
		if err != nil || !ok {
			return C.RC_MISS, err
		}
		if l.Pickle != nil {
			*form, *formLen = cBytes(l.Pickle)
			return C.RC_OK, nil
		}
		if *form, *formLen, err = cValueJSON(l.Value); err != nil {
			return 0, err
		}
		return C.RC_OK, nil
	})
}

//export rcgo_set_value
func rcgo_set_value(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, js *C.rc_cchar, jsLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_set_value", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := storeArgs(key, keyLen, js, jsLen, timeout)
		if err != nil {
			return 0, err
		}
		return C.RC_OK, view(cl, version).SetValue(cl.ctx, k, v, exp)
	})
}

//export rcgo_add_value
func rcgo_add_value(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, js *C.rc_cchar, jsLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_add_value", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := storeArgs(key, keyLen, js, jsLen, timeout)
		if err != nil {
			return 0, err
		}
		added, err := view(cl, version).AddValue(cl.ctx, k, v, exp)
		return found(added), err
	})
}

// storeArgs converts what rc_set_value and rc_add_value take.
func storeArgs(key *C.rc_cchar, keyLen C.size_t, js *C.rc_cchar, jsLen C.size_t, timeout C.rc_timeout) (string, codec.Value, core.Expiry, error) {
	k, err := stringOf("key", key, keyLen)
	if err != nil {
		return "", nil, core.Expiry{}, err
	}
	v, err := valueOf("json", js, jsLen)
	if err != nil {
		return "", nil, core.Expiry{}, err
	}
	exp, err := expiryOf(timeout)
	return k, v, exp, err
}

//export rcgo_get_many_values
func rcgo_get_many_values(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, n C.size_t, version C.int, values **C.rc_buf, errOut **C.char) C.int {
	return getManyAs("rc_get_many_values", h, keys, keyLens, n, version, values, errOut, getManyValueJSON)
}

// getManyValueJSON is GetManyValues with each value as value JSON.
func getManyValueJSON(c *core.Cache, ctx context.Context, keys []string) (map[string][]byte, error) {
	got, err := c.GetManyValues(ctx, keys)
	if err != nil {
		return nil, err
	}
	texts := make(map[string][]byte, len(got))
	for k, v := range got {
		if texts[k], err = codec.MarshalValueJSON(v); err != nil {
			return nil, err
		}
	}
	return texts, nil
}

// getManyLoadable is GetManyLoadable with each value as its pickle or its
// value JSON.
func getManyLoadable(c *core.Cache, ctx context.Context, keys []string) (map[string][]byte, error) {
	got, err := c.GetManyLoadable(ctx, keys)
	if err != nil {
		return nil, err
	}
	forms := make(map[string][]byte, len(got))
	for k, l := range got {
		if forms[k] = l.Pickle; l.Pickle == nil {
			if forms[k], err = codec.MarshalValueJSON(l.Value); err != nil {
				return nil, err
			}
		}
	}
	return forms, nil
}

//export rcgo_get_many_loadable
func rcgo_get_many_loadable(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, n C.size_t, version C.int, values **C.rc_buf, errOut **C.char) C.int {
	return getManyAs("rc_get_many_loadable", h, keys, keyLens, n, version, values, errOut, getManyLoadable)
}

//export rcgo_set_many_values
func rcgo_set_many_values(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, jsons *C.rc_ckey, jsonLens *C.rc_csize, n C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_set_many_values", h, errOut, func(cl *client) (C.int, error) {
		ks, err := stringsOf("keys", (**C.rc_cchar)(unsafe.Pointer(keys)), keyLens, n)
		if err != nil {
			return 0, err
		}
		texts, err := stringsOf("jsons", (**C.rc_cchar)(unsafe.Pointer(jsons)), jsonLens, n)
		if err != nil {
			return 0, err
		}
		exp, err := expiryOf(timeout)
		if err != nil {
			return 0, err
		}
		items := make(map[string]codec.Value, len(ks))
		for i, k := range ks {
			v, err := codec.UnmarshalValueJSON([]byte(texts[i]))
			if err != nil {
				return 0, fmt.Errorf("%w: jsons[%d]: %w", errInvalidArgument, i, err)
			}
			items[k] = v
		}
		return C.RC_OK, view(cl, version).SetManyValues(cl.ctx, items, exp)
	})
}

// cValueJSON is v's value JSON in C memory, NUL-terminated, written there
// directly: a large value's text is not made in Go and then copied.
func cValueJSON(v codec.Value) (*C.char, C.size_t, error) {
	room := codec.ValueJSONSize(v) + 1
	p := C.malloc(C.size_t(room))
	out, err := codec.AppendValueJSON(unsafe.Slice((*byte)(p), room)[:0], v)
	if err != nil {
		C.free(p)
		return nil, 0, err
	}
	if len(out) < room && unsafe.SliceData(out) == (*byte)(p) {
		out = append(out, 0)
		return (*C.char)(p), C.size_t(len(out) - 1), nil
	}
	// The estimate was short: out is in Go memory, or fills p without
	// room for the NUL. Copied before p is freed.
	js, n := cBytes(out)
	C.free(p)
	return js, n, nil
}
