package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core/codec"
)

// The rest of Django's cache API (django.core.cache.backends.base.BaseCache)
// that is not a single Redis command: get_or_set, incr_version and
// decr_version, and the failed keys of set_many.

// GetOrSet is Django's get_or_set: the cached value when the key exists;
// otherwise def is called, its value added (never overwriting a value
// another client stored meanwhile), and the key read again, as Django reads
// it again. cached is false when the answer is def's value and not in the
// cache: the timeout expired it at once (zero or negative timeouts store
// nothing) or it was gone before the read.
func (c *Cache) GetOrSet(ctx context.Context, key string, def func() ([]byte, error), exp Expiry) (value []byte, cached bool, err error) {
	if v, ok, err := c.Get(ctx, key); err != nil || ok {
		return v, ok, err
	}
	d, err := def()
	if err != nil {
		return nil, false, fmt.Errorf("get_or_set %q: the default: %w", key, err)
	}
	if _, err := c.Add(ctx, key, d, exp); err != nil {
		return nil, false, err
	}
	v, ok, err := c.Get(ctx, key)
	if err != nil || ok {
		return v, ok, err
	}
	return d, false, nil
}

// GetOrSetValue is GetOrSet of Python values, encoded as the entry's
// SERIALIZER and COMPRESSOR say. def may return nil (Python's None), which
// is stored, as Django stores it.
func (c *Cache) GetOrSetValue(ctx context.Context, key string, def func() (codec.Value, error), exp Expiry) (value codec.Value, cached bool, err error) {
	var given codec.Value
	raw, cached, err := c.GetOrSet(ctx, key, func() ([]byte, error) {
		v, err := def()
		if err != nil {
			return nil, err
		}
		given = v
		b, err := c.conn.codec.Encode(v)
		if err != nil {
			return nil, fmt.Errorf("encoding: %w", err)
		}
		return b, nil
	}, exp)
	if err != nil || !cached {
		return given, false, err
	}
	v, err := c.conn.codec.Decode(raw)
	if err != nil {
		return nil, false, fmt.Errorf("get_or_set %q: decoding: %w", key, err)
	}
	return v, true, nil
}

// KeyVersion is the version this view's keys carry (Django's version=).
func (c *Cache) KeyVersion() int { return c.version }

// ErrVersionRange: incr_version or decr_version whose new version does not
// exist (past the range of a Go int).
var ErrVersionRange = errors.New("version out of range")

// IncrVersion is Django's incr_version: the key's value moves to version
// +delta of this view, and the new version is returned. As django-redis
// does, the value keeps its remaining lifetime (to the millisecond here,
// where django-redis rounds it to whole seconds) and the old key is
// deleted. A missing key is ErrNotFound (Django raises ValueError). The
// stored bytes move as they are, so a value of a class this library does
// not represent moves intact.
//
// A delta of 0 leaves the value where it is; Django, which writes the new
// key and then deletes the old one, deletes it.
func (c *Cache) IncrVersion(ctx context.Context, key string, delta int) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if (delta > 0 && c.version > math.MaxInt-delta) || (delta < 0 && c.version < math.MinInt-delta) {
		return 0, fmt.Errorf("incr_version %q: version %d + %d: %w", key, c.version, delta, ErrVersionRange)
	}
	to := c.version + delta
	old := c.MakeKey(key)
	// GET and PTTL of one key go to one node in one round trip; a key that
	// expires between them answers -2 and counts as missing.
	pipe := c.conn.rdb.Pipeline()
	get := pipe.Get(ctx, old)
	pttl := pipe.PTTL(ctx, old)
	_, err := pipe.Exec(ctx)
	value, gerr := get.Bytes()
	left, terr := pttl.Result()
	switch {
	case gerr == redis.Nil || (gerr == nil && terr == nil && left == -2*time.Millisecond):
		return 0, fmt.Errorf("incr_version %q: %w", key, ErrNotFound)
	case gerr != nil:
		return 0, c.fail("incr_version", key, gerr)
	case terr != nil:
		return 0, c.fail("incr_version", key, terr)
	case err != nil:
		return 0, c.fail("incr_version", key, err)
	}
	if delta == 0 {
		return to, nil
	}
	var ttl time.Duration // go-redis's 0: no expiry
	if left > 0 {
		ttl = left
	}
	// Written before the old key is deleted, so that a failure between the
	// two leaves the value in both versions rather than in none.
	if err := c.conn.rdb.Set(ctx, c.conn.view(to).MakeKey(key), value, ttl).Err(); err != nil {
		return 0, c.fail("incr_version", key, err)
	}
	if err := c.conn.rdb.Del(ctx, old).Err(); err != nil {
		return 0, c.fail("incr_version", key, err)
	}
	return to, nil
}

// DecrVersion is Django's decr_version: IncrVersion by -delta.
func (c *Cache) DecrVersion(ctx context.Context, key string, delta int) (int, error) {
	if delta == math.MinInt {
		return 0, fmt.Errorf("decr_version %q: delta %d: %w", key, delta, ErrVersionRange)
	}
	return c.IncrVersion(ctx, key, -delta)
}

// SetManyError is the error of SetMany when Redis refused some of the keys
// (an error reply such as OOM or READONLY): Failed lists them, as Django's
// set_many returns the keys that failed, and every other key was stored.
// Err is the first refusal. A connection error is not a SetManyError: it
// leaves unknown which keys were written.
type SetManyError struct {
	Failed []string
	Err    error
}

func (e *SetManyError) Error() string {
	return fmt.Sprintf("set_many: %d of the keys were refused (%s): %v", len(e.Failed), strings.Join(quoteAll(e.Failed, 3), ", "), e.Err)
}

func (e *SetManyError) Unwrap() error { return e.Err }

// FailedKeys returns the keys SetMany or SetManyValues could not store
// (Django's set_many answer): nil when err is nil, the refused keys when
// err is a SetManyError. ok is false for any other error, which leaves
// unknown what was stored.
func FailedKeys(err error) (failed []string, ok bool) {
	if err == nil {
		return nil, true
	}
	var sm *SetManyError
	if errors.As(err, &sm) {
		return sm.Failed, true
	}
	return nil, false
}

// setManyResult sorts a pipeline's answers into refused keys and the first
// error that leaves the outcome unknown.
func (c *Cache) setManyResult(keys []string, errs []error, execErr error) error {
	var failed []string
	var first error
	for i, err := range errs {
		switch {
		case err == nil:
		case isServerReply(err) && !isConnectionError(err):
			failed = append(failed, keys[i])
			if first == nil {
				first = err
			}
		default:
			return c.failMany("set_many", keys, err)
		}
	}
	if len(failed) > 0 {
		return &SetManyError{Failed: failed, Err: c.failMany("set_many", failed, first)}
	}
	return c.failMany("set_many", keys, execErr)
}

// isServerReply says whether Redis answered with an error: the command was
// refused, not applied.
func isServerReply(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && err != redis.Nil
}

func quoteAll(keys []string, most int) []string {
	out := make([]string, 0, min(len(keys), most)+1)
	for i, k := range keys {
		if i == most {
			out = append(out, "...")
			break
		}
		out = append(out, fmt.Sprintf("%q", k))
	}
	return out
}
