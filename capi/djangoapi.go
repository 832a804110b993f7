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
	"fmt"
	"math"
	"unsafe"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// Django's cache API beyond single commands: core/djangoapi.go.

//export rcgo_get_or_set
func rcgo_get_or_set(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, value *C.rc_cchar, valueLen C.size_t, timeout C.rc_timeout, version C.int, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_get_or_set", h, errOut, func(cl *client) (C.int, error) {
		if err := required("out or out_len", out == nil || outLen == nil); err != nil {
			return 0, err
		}
		*out, *outLen = nil, 0
		k, v, exp, err := keyValueExpiry(key, keyLen, value, valueLen, timeout)
		if err != nil {
			return 0, err
		}
		got, cached, err := view(cl, version).GetOrSet(cl.ctx, k, func() ([]byte, error) { return v, nil }, exp)
		if err != nil || !cached {
			return C.RC_MISS, err
		}
		*out, *outLen = cBytes(got)
		return C.RC_OK, nil
	})
}

//export rcgo_get_or_set_value
func rcgo_get_or_set_value(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, js *C.rc_cchar, jsLen C.size_t, timeout C.rc_timeout, version C.int, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_get_or_set_value", h, errOut, func(cl *client) (C.int, error) {
		if err := required("out or out_len", out == nil || outLen == nil); err != nil {
			return 0, err
		}
		*out, *outLen = nil, 0
		k, v, exp, err := storeArgs(key, keyLen, js, jsLen, timeout)
		if err != nil {
			return 0, err
		}
		got, cached, err := view(cl, version).GetOrSetValue(cl.ctx, k, func() (codec.Value, error) { return v, nil }, exp)
		if err != nil || !cached {
			return C.RC_MISS, err
		}
		text, err := codec.MarshalValueJSON(got)
		if err != nil {
			return 0, err
		}
		*out, *outLen = cBytes(text)
		return C.RC_OK, nil
	})
}

//export rcgo_incr_version
func rcgo_incr_version(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta C.int, version C.int, newVersion *C.int, errOut **C.char) C.int {
	return moveVersion("rc_incr_version", h, key, keyLen, int64(delta), version, newVersion, errOut)
}

//export rcgo_decr_version
func rcgo_decr_version(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta C.int, version C.int, newVersion *C.int, errOut **C.char) C.int {
	return moveVersion("rc_decr_version", h, key, keyLen, -int64(delta), version, newVersion, errOut)
}

// moveVersion refuses a new version that C cannot name (outside int, or
// RC_DEFAULT_VERSION itself) before anything moves.
func moveVersion(op string, h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta int64, version C.int, newVersion *C.int, errOut **C.char) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		if newVersion != nil {
			*newVersion = 0
		}
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		c := view(cl, version)
		to := int64(c.KeyVersion()) + delta
		if to <= math.MinInt32 || to > math.MaxInt32 {
			return 0, fmt.Errorf("%w: version %d %+d is not a C int other than RC_DEFAULT_VERSION", errInvalidArgument, c.KeyVersion(), delta)
		}
		v, err := c.IncrVersion(cl.ctx, k, int(delta))
		if err != nil {
			return 0, err
		}
		if newVersion != nil {
			*newVersion = C.int(v)
		}
		return C.RC_OK, nil
	})
}

//export rcgo_set_many_report
func rcgo_set_many_report(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, vals *C.rc_ckey, valueLens *C.rc_csize, n C.size_t, timeout C.rc_timeout, version C.int, failed *C.uchar, errOut **C.char) C.int {
	return withClient("rc_set_many_report", h, errOut, func(cl *client) (C.int, error) {
		flags, ks, vs, exp, err := manyArgs(keys, keyLens, vals, valueLens, n, timeout, failed)
		if err != nil {
			return 0, err
		}
		items := make(map[string][]byte, len(ks))
		for i, k := range ks {
			items[k] = []byte(vs[i])
		}
		return report(ks, flags, view(cl, version).SetMany(cl.ctx, items, exp))
	})
}

//export rcgo_set_many_values_report
func rcgo_set_many_values_report(h *C.rc_client, keys *C.rc_ckey, keyLens *C.rc_csize, jsons *C.rc_ckey, jsonLens *C.rc_csize, n C.size_t, timeout C.rc_timeout, version C.int, failed *C.uchar, errOut **C.char) C.int {
	return withClient("rc_set_many_values_report", h, errOut, func(cl *client) (C.int, error) {
		flags, ks, texts, exp, err := manyArgs(keys, keyLens, jsons, jsonLens, n, timeout, failed)
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
		return report(ks, flags, view(cl, version).SetManyValues(cl.ctx, items, exp))
	})
}

// manyArgs converts what the *_report calls take; failed is cleared first.
func manyArgs(keys *C.rc_ckey, keyLens *C.rc_csize, vals *C.rc_ckey, valueLens *C.rc_csize, n C.size_t, timeout C.rc_timeout, failed *C.uchar) ([]C.uchar, []string, []string, core.Expiry, error) {
	if err := required("failed", failed == nil && n > 0); err != nil {
		return nil, nil, nil, core.Expiry{}, err
	}
	var flags []C.uchar
	if n > 0 {
		flags = unsafe.Slice(failed, uint64(n))
		clear(flags)
	}
	ks, err := stringsOf("keys", (**C.rc_cchar)(unsafe.Pointer(keys)), keyLens, n)
	if err != nil {
		return nil, nil, nil, core.Expiry{}, err
	}
	vs, err := stringsOf("values", (**C.rc_cchar)(unsafe.Pointer(vals)), valueLens, n)
	if err != nil {
		return nil, nil, nil, core.Expiry{}, err
	}
	exp, err := expiryOf(timeout)
	return flags, ks, vs, exp, err
}

// report flags every place of a refused key (a key given twice is flagged
// twice): RC_MISS when some were refused, the error when the outcome is
// unknown.
func report(keys []string, flags []C.uchar, err error) (C.int, error) {
	refused, known := core.FailedKeys(err)
	if !known {
		return 0, err
	}
	if len(refused) == 0 {
		return C.RC_OK, nil
	}
	set := make(map[string]bool, len(refused))
	for _, k := range refused {
		set[k] = true
	}
	for i, k := range keys {
		if set[k] {
			flags[i] = 1
		}
	}
	return C.RC_MISS, nil
}
