package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"github.com/redisclient/redisclient/core/codec"
	"github.com/redisclient/redisclient/core/config"
)

// The status codes of include/redisclient.h that these functions can give.
const (
	statusOK              = 0
	statusConfig          = -1
	statusInvalidArgument = -7
	statusInternal        = -10
	statusValue           = -11
)

var errInvalidArgument = errors.New("invalid argument")

func statusOf(err error) int32 {
	switch {
	case errors.Is(err, errInvalidArgument):
		return statusInvalidArgument
	case errors.Is(err, config.ErrConfig):
		return statusConfig
	case errors.Is(err, codec.ErrMalformed), errors.Is(err, codec.ErrTooLarge), errors.Is(err, codec.ErrUnsupported):
		return statusValue
	}
	return statusInternal
}

// run calls op and writes its result, or the error message, to out: 8
// bytes the host allocated, where the result's address and length go as two
// little-endian uint32 (the host frees the result with rc_free). A panic becomes statusInternal:
// nothing unwinds into the host.
func run(out unsafe.Pointer, op func() ([]byte, error)) (status int32) {
	slot, ok := input(out, 8)
	if !ok {
		return statusInvalidArgument
	}
	clear(slot)
	defer func() {
		if r := recover(); r != nil {
			status = statusInternal
			give(slot, []byte("internal error (a bug in redisclient's WebAssembly module)"))
		}
	}()
	result, err := op()
	if err != nil {
		give(slot, []byte(err.Error()))
		return statusOf(err)
	}
	give(slot, result)
	return statusOK
}

func give(slot []byte, b []byte) {
	binary.LittleEndian.PutUint32(slot, uint32(uintptr(hand(b))))
	binary.LittleEndian.PutUint32(slot[4:], uint32(len(b)))
}

func argument(what string, p unsafe.Pointer, n uint32) ([]byte, error) {
	b, ok := input(p, n)
	if !ok {
		return nil, fmt.Errorf("%w: %s: not a buffer of rc_alloc of at least %d bytes", errInvalidArgument, what, n)
	}
	return b, nil
}
