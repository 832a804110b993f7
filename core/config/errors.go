package config

import (
	"errors"
	"fmt"
)

// ErrConfig: the CACHES entry cannot be used as written. Every error this
// package returns wraps it.
var ErrConfig = errors.New("configuration error")

// SettingError is an ErrConfig naming the setting and its value, for a
// setting found wrong where it is used (a certificate file that does not
// load); callers pass a value that holds no secret (a masked URL, a file
// path, an option value that is not the password).
func SettingError(setting string, value any, reason string) error {
	return fmt.Errorf("%w: %s = %s: %s", ErrConfig, setting, quote(value), reason)
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}
