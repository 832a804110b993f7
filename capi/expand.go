package main

/*
#include <stdlib.h>
#include "redisclient.h"
typedef const char rc_cchar;
*/
import "C"

import (
	"unsafe"

	"github.com/redisclient/redisclient/core"
)

// getenv reads the process environment as it is now: Go's own copy is taken
// when the runtime starts and misses what the host set later (setenv, or
// os.environ in Python).
func getenv(name string) (string, bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	v := C.getenv(cname)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}

//export rcgo_expand_env
func rcgo_expand_env(text *C.rc_cchar, textLen C.size_t, out **C.char, outLen *C.size_t, errOut **C.char) C.int {
	return run("rc_expand_env", errOut, func() (C.int, error) {
		if err := required("out", out == nil); err != nil {
			return 0, err
		}
		*out = nil
		setSize(outLen, 0)
		in, err := bytesOf("text", text, textLen)
		if err != nil {
			return 0, err
		}
		expanded, err := core.ExpandEnv(in, getenv)
		if err != nil {
			return 0, err
		}
		var n C.size_t
		*out, n = cBytes(expanded)
		setSize(outLen, n)
		return C.RC_OK, nil
	})
}
