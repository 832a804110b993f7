package core

import (
	"errors"

	"github.com/redisclient/redisclient/core/config"
)

// Sentinel errors, for errors.Is. Every error this package returns wraps one
// of them, or a go-redis server error.
var (
	// ErrConfig: the CACHES entry cannot be used as written (config's).
	ErrConfig = config.ErrConfig
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
