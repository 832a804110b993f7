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
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

// django-redis's own API: core/redisapi.go and core/lock.go.

//export rcgo_pexpire
func rcgo_pexpire(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, ms C.int64_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_pexpire", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		d := time.Duration(math.MaxInt64) // Redis keeps it as long as Django's longer PX
		if int64(ms) < math.MaxInt64/int64(time.Millisecond) {
			d = max(time.Duration(ms), math.MinInt64/time.Millisecond) * time.Millisecond
		}
		return c.Expire(cl.ctx, k, core.ExpireAfter(d))
	})
}

//export rcgo_pexpire_at
func rcgo_pexpire_at(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, unixMs C.int64_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_pexpire_at", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		return c.ExpireAt(cl.ctx, k, time.UnixMilli(int64(unixMs)))
	})
}

//export rcgo_replace
func rcgo_replace(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, value *C.rc_cchar, valueLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_replace", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := keyValueExpiry(key, keyLen, value, valueLen, timeout)
		if err != nil {
			return 0, err
		}
		stored, err := view(cl, version).Replace(cl.ctx, k, v, exp)
		return found(stored), err
	})
}

//export rcgo_replace_value
func rcgo_replace_value(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, js *C.rc_cchar, jsLen C.size_t, timeout C.rc_timeout, version C.int, errOut **C.char) C.int {
	return withClient("rc_replace_value", h, errOut, func(cl *client) (C.int, error) {
		k, v, exp, err := storeArgs(key, keyLen, js, jsLen, timeout)
		if err != nil {
			return 0, err
		}
		stored, err := view(cl, version).ReplaceValue(cl.ctx, k, v, exp)
		return found(stored), err
	})
}

//export rcgo_incr_create
func rcgo_incr_create(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, delta C.int64_t, version C.int, result *C.int64_t, errOut **C.char) C.int {
	return incr("rc_incr_create", (*core.Cache).IncrCreate, h, key, keyLen, int64(delta), version, result, errOut)
}

// ---- Keys by pattern ----------------------------------------------------------

//export rcgo_delete_pattern
func rcgo_delete_pattern(h *C.rc_client, pattern *C.rc_cchar, patternLen C.size_t, version C.int, count C.int64_t, deleted *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_delete_pattern", h, errOut, func(cl *client) (C.int, error) {
		setInt64(deleted, 0)
		p, err := stringOf("pattern", pattern, patternLen)
		if err != nil {
			return 0, err
		}
		n, err := view(cl, version).DeletePattern(cl.ctx, p, int64(count))
		setInt64(deleted, n)
		if err != nil {
			return 0, err
		}
		return C.RC_OK, nil
	})
}

//export rcgo_keys
func rcgo_keys(h *C.rc_client, pattern *C.rc_cchar, patternLen C.size_t, version C.int, keys **C.rc_buf, n *C.size_t, errOut **C.char) C.int {
	return withClient("rc_keys", h, errOut, func(cl *client) (C.int, error) {
		if err := listOut(keys, n); err != nil {
			return 0, err
		}
		p, err := stringOf("pattern", pattern, patternLen)
		if err != nil {
			return 0, err
		}
		got, err := view(cl, version).Keys(cl.ctx, p)
		if err != nil {
			return 0, err
		}
		*keys, *n = listArray(got), C.size_t(len(got))
		return C.RC_OK, nil
	})
}

//export rcgo_scan_keys
func rcgo_scan_keys(h *C.rc_client, pattern *C.rc_cchar, patternLen C.size_t, version C.int, cursor *C.uint64_t, count C.int64_t, keys **C.rc_buf, n *C.size_t, errOut **C.char) C.int {
	return withClient("rc_scan_keys", h, errOut, func(cl *client) (C.int, error) {
		if err := listOut(keys, n); err != nil {
			return 0, err
		}
		if err := required("cursor", cursor == nil); err != nil {
			return 0, err
		}
		p, err := stringOf("pattern", pattern, patternLen)
		if err != nil {
			return 0, err
		}
		got, next, err := view(cl, version).ScanKeys(cl.ctx, p, uint64(*cursor), int64(count))
		if err != nil {
			return 0, err
		}
		*cursor = C.uint64_t(next)
		*keys, *n = listArray(got), C.size_t(len(got))
		return C.RC_OK, nil
	})
}

func listOut(list **C.rc_buf, n *C.size_t) error {
	if err := required("the list or its length", list == nil || n == nil); err != nil {
		return err
	}
	*list, *n = nil, 0
	return nil
}

// listArray lays out strings as rc_get_many lays out values: n rc_buf, all
// found, then the bytes, in one malloc that one rc_free frees.
func listArray(items []string) *C.rc_buf {
	head := C.size_t(len(items)) * C.size_t(unsafe.Sizeof(C.rc_buf{}))
	size := head
	for _, s := range items {
		size += C.size_t(len(s) + 1)
	}
	block := C.malloc(max(size, 1))
	bufs := unsafe.Slice((*C.rc_buf)(block), len(items))
	data := unsafe.Slice((*byte)(block), uint64(size))[head:]
	for i, s := range items {
		copy(data, s)
		data[len(s)] = 0
		bufs[i] = C.rc_buf{data: (*C.char)(unsafe.Pointer(&data[0])), len: C.size_t(len(s)), found: 1}
		data = data[len(s)+1:]
	}
	return (*C.rc_buf)(block)
}

// ---- Hashes -------------------------------------------------------------------

//export rcgo_hset
func rcgo_hset(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, fields *C.rc_ckey, fieldLens *C.rc_csize, vals *C.rc_ckey, valueLens *C.rc_csize, n C.size_t, version C.int, added *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_hset", h, errOut, func(cl *client) (C.int, error) {
		setInt64(added, 0)
		k, fs, vs, err := hashArgs(key, keyLen, fields, fieldLens, vals, valueLens, n)
		if err != nil {
			return 0, err
		}
		items := make(map[string][]byte, len(fs))
		for i, f := range fs {
			items[f] = []byte(vs[i])
		}
		count, err := view(cl, version).HSet(cl.ctx, k, items)
		if err != nil {
			return 0, err
		}
		setInt64(added, count)
		return C.RC_OK, nil
	})
}

//export rcgo_hset_values
func rcgo_hset_values(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, fields *C.rc_ckey, fieldLens *C.rc_csize, jsons *C.rc_ckey, jsonLens *C.rc_csize, n C.size_t, version C.int, added *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_hset_values", h, errOut, func(cl *client) (C.int, error) {
		setInt64(added, 0)
		k, fs, texts, err := hashArgs(key, keyLen, fields, fieldLens, jsons, jsonLens, n)
		if err != nil {
			return 0, err
		}
		items := make(map[string]codec.Value, len(fs))
		for i, f := range fs {
			v, err := codec.UnmarshalValueJSON([]byte(texts[i]))
			if err != nil {
				return 0, fmt.Errorf("%w: jsons[%d]: %w", errInvalidArgument, i, err)
			}
			items[f] = v
		}
		count, err := view(cl, version).HSetValues(cl.ctx, k, items)
		if err != nil {
			return 0, err
		}
		setInt64(added, count)
		return C.RC_OK, nil
	})
}

func hashArgs(key *C.rc_cchar, keyLen C.size_t, fields *C.rc_ckey, fieldLens *C.rc_csize, vals *C.rc_ckey, valueLens *C.rc_csize, n C.size_t) (string, []string, []string, error) {
	k, err := stringOf("key", key, keyLen)
	if err != nil {
		return "", nil, nil, err
	}
	fs, err := stringsOf("fields", (**C.rc_cchar)(unsafe.Pointer(fields)), fieldLens, n)
	if err != nil {
		return "", nil, nil, err
	}
	vs, err := stringsOf("values", (**C.rc_cchar)(unsafe.Pointer(vals)), valueLens, n)
	return k, fs, vs, err
}

//export rcgo_hdel
func rcgo_hdel(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, fields *C.rc_ckey, fieldLens *C.rc_csize, n C.size_t, version C.int, removed *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_hdel", h, errOut, func(cl *client) (C.int, error) {
		setInt64(removed, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		fs, err := stringsOf("fields", (**C.rc_cchar)(unsafe.Pointer(fields)), fieldLens, n)
		if err != nil {
			return 0, err
		}
		count, err := view(cl, version).HDel(cl.ctx, k, fs...)
		if err != nil {
			return 0, err
		}
		setInt64(removed, count)
		return C.RC_OK, nil
	})
}

//export rcgo_hlen
func rcgo_hlen(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, length *C.int64_t, errOut **C.char) C.int {
	return withClient("rc_hlen", h, errOut, func(cl *client) (C.int, error) {
		setInt64(length, 0)
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		count, err := view(cl, version).HLen(cl.ctx, k)
		if err != nil {
			return 0, err
		}
		setInt64(length, count)
		return C.RC_OK, nil
	})
}

//export rcgo_hkeys
func rcgo_hkeys(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, version C.int, fields **C.rc_buf, n *C.size_t, errOut **C.char) C.int {
	return withClient("rc_hkeys", h, errOut, func(cl *client) (C.int, error) {
		if err := listOut(fields, n); err != nil {
			return 0, err
		}
		k, err := stringOf("key", key, keyLen)
		if err != nil {
			return 0, err
		}
		got, err := view(cl, version).HKeys(cl.ctx, k)
		if err != nil {
			return 0, err
		}
		*fields, *n = listArray(got), C.size_t(len(got))
		return C.RC_OK, nil
	})
}

//export rcgo_hexists
func rcgo_hexists(h *C.rc_client, key *C.rc_cchar, keyLen C.size_t, field *C.rc_cchar, fieldLen C.size_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_hexists", h, key, keyLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		f, err := stringOf("field", field, fieldLen)
		if err != nil {
			return false, err
		}
		return c.HExists(cl.ctx, k, f)
	})
}

// ---- Locks --------------------------------------------------------------------

// seconds turns a C double of seconds into a Duration; NaN, infinite and
// out-of-range values are refused.
func seconds(what string, s C.double) (time.Duration, error) {
	f := float64(s)
	if math.IsNaN(f) || math.Abs(f) > maxSeconds {
		return 0, fmt.Errorf("%w: %s of %v seconds", errInvalidArgument, what, f)
	}
	return time.Duration(f * float64(time.Second)), nil
}

//export rcgo_lock_acquire
func rcgo_lock_acquire(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, timeout C.double, sleep C.double, blocking C.int, blockingTimeout C.double,
	token *C.rc_cchar, tokenLen C.size_t, tokenOut **C.char, tokenOutLen *C.size_t, errOut **C.char) C.int {
	return withClient("rc_lock_acquire", h, errOut, func(cl *client) (C.int, error) {
		if tokenOut != nil {
			*tokenOut = nil
		}
		setSize(tokenOutLen, 0)
		k, err := stringOf("name", name, nameLen)
		if err != nil {
			return 0, err
		}
		var o core.LockOptions
		if o.Timeout, err = seconds("timeout", timeout); err != nil {
			return 0, err
		}
		if o.Sleep, err = seconds("sleep", sleep); err != nil {
			return 0, err
		}
		bt, err := seconds("blocking_timeout", blockingTimeout)
		if err != nil {
			return 0, err
		}
		// redis-py: a blocking_timeout of 0 gives up after the first try;
		// none (negative here) tries until the client closes.
		o.NonBlocking = blocking == 0 || bt == 0
		if bt > 0 {
			o.BlockingTimeout = bt
		}
		t, err := stringOf("token", token, tokenLen)
		if err != nil {
			return 0, err
		}
		l := view(cl, version).Lock(k, o)
		var taken bool
		if t == "" {
			taken, err = l.Acquire(cl.ctx)
		} else {
			taken, err = l.AcquireToken(cl.ctx, t)
		}
		if err != nil || !taken {
			return C.RC_MISS, err
		}
		if tokenOut != nil {
			var n C.size_t
			*tokenOut, n = cBytes([]byte(l.Token()))
			setSize(tokenOutLen, n)
		}
		return C.RC_OK, nil
	})
}

// heldLock is the frame of the calls a holder makes with its token; a lock
// that is no longer the holder's answers RC_MISS.
func heldLock(op string, h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, token *C.rc_cchar, tokenLen C.size_t, o core.LockOptions, errOut **C.char,
	fn func(l *core.Lock, cl *client) error) C.int {
	return withClient(op, h, errOut, func(cl *client) (C.int, error) {
		k, err := stringOf("name", name, nameLen)
		if err != nil {
			return 0, err
		}
		t, err := stringOf("token", token, tokenLen)
		if err != nil {
			return 0, err
		}
		if t == "" {
			return 0, fmt.Errorf("%w: an empty token", errInvalidArgument)
		}
		err = fn(view(cl, version).HeldLock(k, t, o), cl)
		if errors.Is(err, core.ErrLockNotOwned) {
			return C.RC_MISS, nil
		}
		return C.RC_OK, err
	})
}

//export rcgo_lock_release
func rcgo_lock_release(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, token *C.rc_cchar, tokenLen C.size_t, errOut **C.char) C.int {
	return heldLock("rc_lock_release", h, name, nameLen, version, token, tokenLen, core.LockOptions{}, errOut, func(l *core.Lock, cl *client) error {
		return l.Release(cl.ctx)
	})
}

//export rcgo_lock_extend
func rcgo_lock_extend(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, token *C.rc_cchar, tokenLen C.size_t, additional C.double, replaceTTL C.int, errOut **C.char) C.int {
	return heldLock("rc_lock_extend", h, name, nameLen, version, token, tokenLen, core.LockOptions{}, errOut, func(l *core.Lock, cl *client) error {
		d, err := seconds("additional_time", additional)
		if err != nil {
			return err
		}
		return l.Extend(cl.ctx, d, replaceTTL != 0)
	})
}

//export rcgo_lock_reacquire
func rcgo_lock_reacquire(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, token *C.rc_cchar, tokenLen C.size_t, timeout C.double, errOut **C.char) C.int {
	d, derr := seconds("timeout", timeout)
	return heldLock("rc_lock_reacquire", h, name, nameLen, version, token, tokenLen, core.LockOptions{Timeout: d}, errOut, func(l *core.Lock, cl *client) error {
		if derr != nil {
			return derr
		}
		return l.Reacquire(cl.ctx)
	})
}

//export rcgo_lock_owned
func rcgo_lock_owned(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, token *C.rc_cchar, tokenLen C.size_t, errOut **C.char) C.int {
	return heldLock("rc_lock_owned", h, name, nameLen, version, token, tokenLen, core.LockOptions{}, errOut, func(l *core.Lock, cl *client) error {
		owned, err := l.Owned(cl.ctx)
		if err == nil && !owned {
			return core.ErrLockNotOwned
		}
		return err
	})
}

//export rcgo_lock_locked
func rcgo_lock_locked(h *C.rc_client, name *C.rc_cchar, nameLen C.size_t, version C.int, errOut **C.char) C.int {
	return keyCall("rc_lock_locked", h, name, nameLen, version, errOut, func(c *core.Cache, cl *client, k string) (bool, error) {
		return c.Lock(k, core.LockOptions{}).Locked(cl.ctx)
	})
}
