package main

/*
#include <stdlib.h>
#include <string.h>
#include "redisclient.h"
typedef const char rc_cchar;
typedef const size_t rc_csize;

// rc__message joins "op: message" in C memory, reading the Go strings in
// place.
static char *rc__message(_GoString_ op, _GoString_ msg) {
	size_t a = _GoStringLen(op), b = _GoStringLen(msg);
	char *p = malloc(a + 2 + b + 1);
	if (p == NULL) return NULL;
	memcpy(p, _GoStringPtr(op), a);
	memcpy(p + a, ": ", 2);
	memcpy(p + a + 2, _GoStringPtr(msg), b);
	p[a + 2 + b] = 0;
	return p;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
)

var (
	errInvalidArgument = errors.New("invalid argument")
	errInternal        = errors.New("internal error")
)

// run is the frame of every export (guard.c has refused a forked child
// before): panic recovery, and the mapping of the error fn returns to a
// status and a message. fn returns RC_OK or RC_MISS when it has no error.
func run(op string, errOut **C.char, fn func() (C.int, error)) (status C.int) {
	if errOut != nil {
		*errOut = nil
	}
	defer func() {
		if r := recover(); r != nil {
			status = fail(op, errOut, fmt.Errorf("%w: panic: %v", errInternal, r))
		}
	}()
	st, err := fn()
	if err != nil {
		return fail(op, errOut, err)
	}
	return st
}

// withClient is run for the calls on a client; cl.ctx ends when the client
// is closed.
func withClient(op string, h *C.rc_client, errOut **C.char, fn func(cl *client) (C.int, error)) C.int {
	return run(op, errOut, func() (C.int, error) {
		cl, err := handles.get(tokenOf(h))
		if err != nil {
			return 0, err
		}
		st, err := fn(cl)
		return st, inFlight(cl, err)
	})
}

// inFlight says that err came from the client's closing, when it did.
func inFlight(cl *client, err error) error {
	if err != nil && cl.ctx.Err() != nil && !errors.Is(err, core.ErrClosed) {
		return fmt.Errorf("%w while the call was in flight: %w", errClosedHandle, err)
	}
	return err
}

func fail(op string, errOut **C.char, err error) C.int {
	if errOut != nil {
		*errOut = C.rc__message(op, err.Error())
	}
	return statusOf(err)
}

func statusOf(err error) C.int {
	switch {
	case errors.Is(err, errInvalidHandle):
		return C.RC_ERR_INVALID_HANDLE
	case errors.Is(err, errClosedHandle), errors.Is(err, core.ErrClosed):
		return C.RC_ERR_CLOSED
	case errors.Is(err, errInvalidArgument), errors.Is(err, core.ErrVersionRange), errors.Is(err, core.ErrArgument),
		errors.Is(err, core.ErrCursor), errors.Is(err, core.ErrLockNotHeld), errors.Is(err, core.ErrLockNoExpiry):
		return C.RC_ERR_INVALID_ARGUMENT
	case errors.Is(err, errInternal):
		return C.RC_ERR_INTERNAL
	case errors.Is(err, core.ErrConfig):
		return C.RC_ERR_CONFIG
	case errors.Is(err, core.ErrNotFound):
		return C.RC_ERR_NOT_FOUND
	case errors.Is(err, core.ErrNotInteger):
		return C.RC_ERR_NOT_INTEGER
	case errors.Is(err, core.ErrConnection), errors.Is(err, context.DeadlineExceeded):
		return C.RC_ERR_CONNECTION
	case isServerError(err):
		return C.RC_ERR_SERVER
	case isValueError(err):
		return C.RC_ERR_VALUE
	}
	return C.RC_ERR_INTERNAL
}

// isServerError: Redis answered with an error reply.
func isServerError(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr)
}

func tokenOf(h *C.rc_client) uint64 { return uint64(uintptr(unsafe.Pointer(h))) }

// bytesOf copies (p, n) into Go memory; the caller's buffer is not kept.
func bytesOf(what string, p *C.rc_cchar, n C.size_t) ([]byte, error) {
	if p == nil {
		if n != 0 {
			return nil, fmt.Errorf("%w: %s is NULL with length %d", errInvalidArgument, what, uint64(n))
		}
		return []byte{}, nil
	}
	return append([]byte{}, unsafe.Slice((*byte)(unsafe.Pointer(p)), uint64(n))...), nil
}

func stringOf(what string, p *C.rc_cchar, n C.size_t) (string, error) {
	b, err := bytesOf(what, p, n)
	return string(b), err
}

// stringsOf copies n (pointer, length) pairs.
func stringsOf(what string, ptrs **C.rc_cchar, lens *C.rc_csize, n C.size_t) ([]string, error) {
	if n == 0 {
		return nil, nil
	}
	if ptrs == nil || lens == nil {
		return nil, fmt.Errorf("%w: %s or its lengths are NULL with n = %d", errInvalidArgument, what, uint64(n))
	}
	ps := unsafe.Slice(ptrs, uint64(n))
	ls := unsafe.Slice(lens, uint64(n))
	out := make([]string, len(ps))
	for i := range ps {
		s, err := stringOf(fmt.Sprintf("%s[%d]", what, i), ps[i], C.size_t(ls[i]))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// maxSeconds keeps a timeout inside time.Duration.
const maxSeconds = float64(math.MaxInt64 / int64(time.Second))

func expiryOf(t C.rc_timeout) (core.Expiry, error) {
	switch t.kind {
	case C.RC_TIMEOUT_DEFAULT:
		return core.DefaultExpiry, nil
	case C.RC_TIMEOUT_NEVER:
		return core.NeverExpire, nil
	case C.RC_TIMEOUT_SECONDS:
		s := float64(t.seconds)
		if math.IsNaN(s) || math.Abs(s) > maxSeconds {
			return core.Expiry{}, fmt.Errorf("%w: timeout of %v seconds", errInvalidArgument, s)
		}
		return core.ExpireSeconds(s), nil
	}
	return core.Expiry{}, fmt.Errorf("%w: timeout kind %d", errInvalidArgument, int(t.kind))
}

// view is the cache with Django's version= argument applied.
func view(cl *client, version C.int) *core.Cache {
	if version == C.RC_DEFAULT_VERSION {
		return cl.cache
	}
	return cl.cache.Version(int(version))
}

func required(what string, isNil bool) error {
	if isNil {
		return fmt.Errorf("%w: %s is NULL", errInvalidArgument, what)
	}
	return nil
}

// cBytes returns a malloc'd copy of b with a trailing NUL, for rc_free.
func cBytes(b []byte) (*C.char, C.size_t) {
	p := C.malloc(C.size_t(len(b) + 1))
	dst := unsafe.Slice((*byte)(p), len(b)+1)
	copy(dst, b)
	dst[len(b)] = 0
	return (*C.char)(p), C.size_t(len(b))
}

func setSize(p *C.size_t, n C.size_t) {
	if p != nil {
		*p = n
	}
}

func setInt64(p *C.int64_t, n int64) {
	if p != nil {
		*p = C.int64_t(n)
	}
}

// found is the status of the calls that answer yes or no.
func found(ok bool) C.int {
	if ok {
		return C.RC_OK
	}
	return C.RC_MISS
}
