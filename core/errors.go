package core

import (
	"errors"
	"fmt"
)

// Sentinel errors, for errors.Is. Every error this package returns wraps one
// of them, or a go-redis server error.
var (
	// ErrConfig: the CACHES entry cannot be used as written.
	ErrConfig = errors.New("configuration error")
	// ErrConnection: Redis could not be reached or stopped answering.
	ErrConnection = errors.New("connection error")
	// ErrNotFound: incr or decr of a key that does not exist (Django raises
	// ValueError).
	ErrNotFound = errors.New("key not found")
	// ErrNotInteger: incr or decr of a value that is not a 64-bit integer.
	ErrNotInteger = errors.New("value is not an integer or out of range")
	// ErrClosed: the cache was closed.
	ErrClosed = errors.New("cache is closed")
)

// configErr names the setting and its value; callers pass a value that holds
// no secret (a masked URL, a file path, an option value that is not the
// password).
func configErr(setting string, value any, reason string) error {
	return fmt.Errorf("%w: %s = %s: %s", ErrConfig, setting, quote(value), reason)
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}
