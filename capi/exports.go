package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include <stdlib.h>
#include "redisclient.h"

// The exports are declared with these names so that cgo's prototypes say
// const where redisclient.h does: guard.c calls them with the header's
// argument types, and a mismatch fails its build.
typedef const char rc_cchar;
typedef const char *const rc_ckey;
typedef const size_t rc_csize;

// A token becomes an rc_client* in C, so Go never converts an integer to
// unsafe.Pointer (see handles.go).
static inline rc_client *rc__handle(uintptr_t token) { return (rc_client *)token; }
*/
import "C"

import (
	"context"
	"encoding/json"
	"unsafe"

	"github.com/redisclient/redisclient/core"
)

//export rcgo_resolve
func rcgo_resolve(entry *C.rc_cchar, entryLen C.size_t, settings **C.char, settingsLen *C.size_t, errOut **C.char) C.int {
	return resolveWith("rc_resolve", entry, entryLen, nil, 0, settings, settingsLen, errOut)
}

//export rcgo_resolve_with_settings
func rcgo_resolve_with_settings(entry *C.rc_cchar, entryLen C.size_t, django *C.rc_cchar, djangoLen C.size_t,
	settings **C.char, settingsLen *C.size_t, errOut **C.char) C.int {
	return resolveWith("rc_resolve_with_settings", entry, entryLen, django, djangoLen, settings, settingsLen, errOut)
}

func resolveWith(op string, entry *C.rc_cchar, entryLen C.size_t, django *C.rc_cchar, djangoLen C.size_t,
	settings **C.char, settingsLen *C.size_t, errOut **C.char) C.int {
	return run(op, errOut, func() (C.int, error) {
		if err := required("settings", settings == nil); err != nil {
			return 0, err
		}
		*settings = nil
		setSize(settingsLen, 0)
		e, s, err := parseEntryAndSettings(entry, entryLen, django, djangoLen)
		if err != nil {
			return 0, err
		}
		o, err := core.ResolveWith(e, s)
		if err != nil {
			return 0, err
		}
		js, err := o.JSONWithPassword()
		if err != nil {
			return 0, err
		}
		var n C.size_t
		*settings, n = cBytes(js)
		setSize(settingsLen, n)
		return C.RC_OK, nil
	})
}

// parseEntryAndSettings reads the entry and the Django settings beside it
// (NULL with length 0: none).
func parseEntryAndSettings(entry *C.rc_cchar, entryLen C.size_t, django *C.rc_cchar, djangoLen C.size_t) (core.Entry, core.Settings, error) {
	e, err := parseEntry(entry, entryLen)
	if err != nil {
		return core.Entry{}, core.Settings{}, err
	}
	js, err := bytesOf("django_settings", django, djangoLen)
	if err != nil {
		return core.Entry{}, core.Settings{}, err
	}
	s, err := core.ParseSettings(js)
	return e, s, err
}

func parseEntry(entry *C.rc_cchar, entryLen C.size_t) (core.Entry, error) {
	js, err := bytesOf("entry", entry, entryLen)
	if err != nil {
		return core.Entry{}, err
	}
	return core.ParseEntry(js)
}

//export rcgo_open
func rcgo_open(entry *C.rc_cchar, entryLen C.size_t, out **C.rc_client, errOut **C.char) C.int {
	return openWith("rc_open", entry, entryLen, nil, 0, out, errOut)
}

//export rcgo_open_with_settings
func rcgo_open_with_settings(entry *C.rc_cchar, entryLen C.size_t, django *C.rc_cchar, djangoLen C.size_t,
	out **C.rc_client, errOut **C.char) C.int {
	return openWith("rc_open_with_settings", entry, entryLen, django, djangoLen, out, errOut)
}

func openWith(op string, entry *C.rc_cchar, entryLen C.size_t, django *C.rc_cchar, djangoLen C.size_t,
	out **C.rc_client, errOut **C.char) C.int {
	return run(op, errOut, func() (C.int, error) {
		if err := required("client", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		e, s, err := parseEntryAndSettings(entry, entryLen, django, djangoLen)
		if err != nil {
			return 0, err
		}
		cache, err := core.OpenWith(e, s)
		if err != nil {
			return 0, err
		}
		cl := &client{cache: cache}
		cl.ctx, cl.cancel = newClientContext()
		*out = C.rc__handle(C.uintptr_t(handles.add(cl)))
		return C.RC_OK, nil
	})
}

//export rcgo_close
func rcgo_close(h *C.rc_client, errOut **C.char) C.int {
	return run("rc_close", errOut, func() (C.int, error) {
		cl, err := handles.remove(tokenOf(h))
		if err != nil {
			return 0, err
		}
		cl.cancel()
		return C.RC_OK, cl.cache.Close()
	})
}

//export rcgo_health
func rcgo_health(h *C.rc_client, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_health", h, errOut, func(cl *client) (C.int, error) {
		if err := required("json", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		setSize(outLen, 0)
		health, herr := cl.cache.Health(cl.ctx)
		js, err := json.Marshal(health)
		if err != nil {
			return 0, err
		}
		var n C.size_t
		*out, n = cBytes(js)
		setSize(outLen, n)
		return C.RC_OK, herr
	})
}

//export rcgo_get
func rcgo_get(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, value **C.char, valueLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_get", h, errOut, func(cl *client) (C.int, error) {
		if err := required("value or value_len", value == nil || valueLen == nil); err != nil {
			return 0, err
		}
		*value, *valueLen = nil, 0
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		v, ok, err := view(cl, version).Get(cl.ctx, k)
		if err != nil || !ok {
			return C.RC_MISS, err
		}
		*value, *valueLen = cBytes(v)
		return C.RC_OK, nil
	})
}

//export rcgo_set
func rcgo_set(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, value *C.rc_cchar, valueLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_set", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := keyValueExpiry(key, keyLen, value, valueLen, timeout)
		if err != nil {
			return 0, err
		}
		return C.RC_OK, view(cl, version).Set(cl.ctx, k, v, exp)
	})
}

//export rcgo_add
func rcgo_add(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, value *C.rc_cchar, valueLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_add", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := keyValueExpiry(key, keyLen, value, valueLen, timeout)
		if err != nil {
			return 0, err
		}
		added, err := view(cl, version).Add(cl.ctx, k, v, exp)
		return found(added), err
	})
}

func keyValueExpiry(key *C.rc_cchar, keyLen C.size_t, value *C.rc_cchar, valueLen C.size_t, timeout C.rc_timeout) (string, []byte, core.Expiry, error) {
	k, err := stringOf("key", key, keyLen)
	if err != nil {
		return "", nil, core.Expiry{}, err
	}
	v, err := bytesOf("value", value, valueLen)
	if err != nil {
		return "", nil, core.Expiry{}, err
	}
	exp, err := expiryOf(timeout)
	return k, v, exp, err
}

// keyCall is the frame of the calls that take one key and answer yes or no.
func keyCall(op string, h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, errOut **C.char,
	fn func(c *core.Cache, cl *client, k string) (bool, error)) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		ok, err := fn(view(cl, version), cl, k)
		return found(ok), err
	})
}

//export rcgo_delete
func rcgo_delete(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_delete", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		return c.Delete(cl.ctx, k)
	})
}

//export rcgo_has_key
func rcgo_has_key(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_has_key", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		return c.HasKey(cl.ctx, k)
	})
}

//export rcgo_persist
func rcgo_persist(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_persist", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		return c.Persist(cl.ctx, k)
	})
}

//export rcgo_touch
func rcgo_touch(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return keyCall("rc_touch", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		exp, err := expiryOf(timeout)
		if err != nil {
			return false, err
		}
		return c.Touch(cl.ctx, k, exp)
	})
}

//export rcgo_expire
func rcgo_expire(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return keyCall("rc_expire", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		exp, err := expiryOf(timeout)
		if err != nil {
			return false, err
		}
		return c.Expire(cl.ctx, k, exp)
	})
}

//export rcgo_incr
func rcgo_incr(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta C.int64_t, version C.int, result *C.int64_t, errOut **C.char) C.int {
	return incr("rc_incr", (*core.Cache).Incr, h, key, keyLen, int64(delta), version, result, errOut)
}

// rc_decr is core's Decr, not Incr of -delta: -INT64_MIN does not exist,
// and Decr is where that delta is refused.
//
//export rcgo_decr
func rcgo_decr(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta C.int64_t, version C.int, result *C.int64_t, errOut **C.char) C.int {
	return incr("rc_decr", (*core.Cache).Decr, h, key, keyLen, int64(delta), version, result, errOut)
}

func incr(op string, apply func(*core.Cache, context.Context, string, int64) (int64, error),
	h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta int64, version C.int, result *C.int64_t, errOut **C.char) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		setInt64(result, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		n, err := apply(view(cl, version), cl.ctx, k, delta)
		if err != nil {
			return 0, err
		}
		setInt64(result, n)
		return C.RC_OK, nil
	})
}

//export rcgo_ttl
func rcgo_ttl(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, ttlMs *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_ttl", h, errOut, func(cl *client) (C.int, error) {
		if err := required("ttl_ms", ttlMs == nil); err != nil {
			return 0, err
		}
		*ttlMs = 0
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		d, err := view(cl, version).TTL(cl.ctx, k)
		switch {
		case err != nil:
			return 0, err
		case d == core.TTLNever:
			*ttlMs = C.RC_TTL_NEVER
		case d == 0:
			return C.RC_MISS, nil
		default:
			*ttlMs = C.int64_t(d.Milliseconds())
		}
		return C.RC_OK, nil
	})
}

//export rcgo_get_many
func rcgo_get_many(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, n C.size_t, version C.int, values **C.rc_buf, errOut **C.char) C.int {
	return getManyAs("rc_get_many", h, keys, keyLens, n, version, values, errOut, (*core.Cache).GetMany)
}

// getManyAs is what the rc_get_many calls share: the keys in, and what get
// answers for them out, in bufArray's layout.
func getManyAs(name string, h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, n C.size_t, version C.int, values **C.rc_buf, errOut **C.char,
	get func(*core.Cache, context.Context, []string) (map[string][]byte, error)) C.int {
	return withClient(name, h, errOut, func(cl *client) (C.int, error) {
		if err := required("values", values == nil); err != nil {
			return 0, err
		}
		*values = nil
		ks, err := stringsOf("keys", (**C.rc_cchar)(unsafe.Pointer(keys)), keyLens, n)
		if err != nil {
			return 0, err
		}
		got, err := get(view(cl, version), cl.ctx, ks)
		if err != nil {
			return 0, err
		}
		*values = bufArray(ks, got)
		return C.RC_OK, nil
	})
}

// bufArray lays out rc_get_many's answer in one malloc: the rc_buf array,
// then each found value with its NUL, so that one rc_free frees all.
func bufArray(keys []string, got map[string][]byte) *C.rc_buf {
	head := C.size_t(len(keys)) * C.size_t(unsafe.Sizeof(C.rc_buf{}))
	size := head
	for _, k := range keys {
		if v, ok := got[k]; ok {
			size += C.size_t(len(v) + 1)
		}
	}
	block := C.malloc(max(size, 1))
	bufs := unsafe.Slice((*C.rc_buf)(block), len(keys))
	data := unsafe.Slice((*byte)(block), uint64(size))[head:]
	for i, k := range keys {
		v, ok := got[k]
		if !ok {
			bufs[i] = C.rc_buf{}
			continue
		}
		copy(data, v)
		data[len(v)] = 0
		bufs[i] = C.rc_buf{data: (*C.char)(unsafe.Pointer(&data[0])), len: C.size_t(len(v)), found: 1}
		data = data[len(v)+1:]
	}
	return (*C.rc_buf)(block)
}

//export rcgo_set_many
func rcgo_set_many(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, vals *C.rc_ckey, valueLens *C.rc_csize, n C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_set_many", h, errOut, func(cl *client) (C.int, error) {
		ks, err := stringsOf("keys", (**C.rc_cchar)(unsafe.Pointer(keys)), keyLens, n)
		if err != nil {
			return 0, err
		}
		vs, err := stringsOf("values", (**C.rc_cchar)(unsafe.Pointer(vals)), valueLens, n)
		if err != nil {
			return 0, err
		}
		exp, err := expiryOf(timeout)
		if err != nil {
			return 0, err
		}
		items := make(map[string][]byte, len(ks))
		for i, k := range ks {
			items[k] = []byte(vs[i])
		}
		return C.RC_OK, view(cl, version).SetMany(cl.ctx, items, exp)
	})
}

//export rcgo_delete_many
func rcgo_delete_many(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, n C.size_t, version C.int, deleted *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_delete_many", h, errOut, func(cl *client) (C.int, error) {
		setInt64(deleted, 0)
		ks, err := stringsOf("keys", (**C.rc_cchar)(unsafe.Pointer(keys)), keyLens, n)
		if err != nil {
			return 0, err
		}
		count, err := view(cl, version).DeleteMany(cl.ctx, ks)
		if err != nil {
			return 0, err
		}
		setInt64(deleted, count)
		return C.RC_OK, nil
	})
}

//export rcgo_clear
func rcgo_clear(h *C.rc_client, removed *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_clear", h, errOut, func(cl *client) (C.int, error) {
		setInt64(removed, 0)
		count, err := cl.cache.Clear(cl.ctx)
		setInt64(removed, count)
		if err != nil {
			return 0, err
		}
		return C.RC_OK, nil
	})
}
