package main

import "unsafe"

// live keeps every buffer handed to the host reachable until the host frees
// it: the host holds only the address, which the collector does not see.
var live = map[uintptr][]byte{}

// hand gives b to the host: its address, to be released with rc_free.
func hand(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		b = make([]byte, 1) // a real address even for no bytes
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	live[uintptr(p)] = b
	return p
}

// rc_alloc returns n bytes the host writes an input into, or nil when n is
// not a sensible size.
//
//go:wasmexport rc_alloc
func rcAlloc(n uint32) unsafe.Pointer {
	if n > 1<<30 {
		return nil
	}
	return hand(make([]byte, n))
}

// rc_free releases a buffer of rc_alloc or of a result; other addresses,
// and nil, are ignored.
//
//go:wasmexport rc_free
func rcFree(p unsafe.Pointer) { delete(live, uintptr(p)) }

// input is the host's (p, n) as Go bytes: only within a buffer it allocated.
func input(p unsafe.Pointer, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	b, ok := live[uintptr(p)]
	if !ok || int(n) > len(b) {
		return nil, false
	}
	return b[:n], true
}
