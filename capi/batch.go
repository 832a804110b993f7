package main

/*
#include "combine.h"
typedef const char rc_cchar;
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/redisclient/redisclient/core"
)

// rcgo_batch runs the calls combine.c gathered from threads calling at
// once. A call alone runs as its export would; the rc_get calls of one
// client and version go to Redis on one pipeline (core.Cache.GetEach), and
// the other calls run beside them each in its own goroutine: the leader's
// thread then waits once for the batch, where each call would have waited
// on its own locked thread. Every call gets its own
// status and message, as if it had been made alone.
//
//export rcgo_batch
func rcgo_batch(calls **C.rc__call, n C.size_t) {
	batch := unsafe.Slice(calls, int(n))
	if len(batch) == 1 {
		runCall(batch[0])
		return
	}
	type getKey struct {
		token   uint64
		version C.int
	}
	var order []getKey
	gets := map[getKey][]*C.rc__call{}
	var work []func()
	for _, c := range batch {
		if c.op != C.RC__OP_GET {
			work = append(work, func() { runCall(c) })
			continue
		}
		k := getKey{tokenOf(c.client), c.version}
		if _, ok := gets[k]; !ok {
			order = append(order, k)
		}
		gets[k] = append(gets[k], c)
	}
	for _, k := range order {
		work = append(work, func() { getEach(gets[k]) })
	}
	var wg sync.WaitGroup
	for _, w := range work[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w()
		}()
	}
	work[0]()
	wg.Wait()
}

// runCall makes one call through its export.
func runCall(c *C.rc__call) {
	key := (*C.rc_cchar)(unsafe.Pointer(c.key))
	switch c.op {
	case C.RC__OP_GET:
		c.status = rcgo_get(c.client, key, c.key_len, c.version, c.out, c.out_len, c.err)
	case C.RC__OP_SET:
		value := (*C.rc_cchar)(unsafe.Pointer(c.value))
		c.status = rcgo_set(c.client, key, c.key_len, value, c.value_len, c.timeout, c.version, c.err)
	case C.RC__OP_GET_VALUE:
		c.status = rcgo_get_value(c.client, key, c.key_len, c.version, c.out, c.out_len, c.err)
	case C.RC__OP_GET_LOADABLE:
		c.status = rcgo_get_loadable(c.client, key, c.key_len, c.version, c.out, c.out_len, c.err)
	case C.RC__OP_SET_VALUE:
		value := (*C.rc_cchar)(unsafe.Pointer(c.value))
		c.status = rcgo_set_value(c.client, key, c.key_len, value, c.value_len, c.timeout, c.version, c.err)
	default:
		c.status = fail("rc_call", c.err, fmt.Errorf("%w: unknown batched call %d", errInternal, int(c.op)))
	}
}

// getEach answers rc_get calls on one client and version together. A call
// whose own arguments are wrong, or whose handle is not a live client,
// runs alone so that it reports that exactly as rc_get does.
func getEach(calls []*C.rc__call) {
	if len(calls) == 1 {
		runCall(calls[0])
		return
	}
	cl, err := handles.get(tokenOf(calls[0].client))
	if err != nil {
		for _, c := range calls {
			runCall(c)
		}
		return
	}
	keys := make([]string, 0, len(calls))
	ready := make([]*C.rc__call, 0, len(calls))
	for _, c := range calls {
		k, kerr := stringOf("key", (*C.rc_cchar)(unsafe.Pointer(c.key)), c.key_len)
		if kerr != nil || c.out == nil || c.out_len == nil {
			runCall(c)
			continue
		}
		keys = append(keys, k)
		ready = append(ready, c)
	}
	got := getEachRecovered(view(cl, calls[0].version), cl, keys)
	for i, c := range ready {
		c.status = run("rc_get", c.err, func() (C.int, error) {
			*c.out, *c.out_len = nil, 0
			g := got[i]
			if g.Err != nil || !g.Found {
				return C.RC_MISS, inFlight(cl, g.Err)
			}
			*c.out, *c.out_len = cBytes(g.Value)
			return C.RC_OK, nil
		})
	}
}

// getEachRecovered is cache.GetEach, with a panic turned into every key's
// error.
func getEachRecovered(cache *core.Cache, cl *client, keys []string) (got []core.Got) {
	defer func() {
		if r := recover(); r != nil {
			got = make([]core.Got, len(keys))
			for i := range got {
				got[i].Err = fmt.Errorf("%w: panic: %v", errInternal, r)
			}
		}
	}()
	return cache.GetEach(cl.ctx, keys)
}
