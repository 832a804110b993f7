package core

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core/codec"
)

// django-redis's own API (django_redis/client/default.py), beyond Django's:
// absolute expiry, keys by pattern, conditional set and incr, and the hash
// operations. Locks are in lock.go.

// ExpireAt is django-redis's expire_at and pexpire_at: the key expires at
// t, to the millisecond (a t in the past expires it now). It says whether
// the key exists.
func (c *Cache) ExpireAt(ctx context.Context, key string, t time.Time) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	ok, err := c.conn.rdb.PExpireAt(ctx, c.MakeKey(key), t).Result()
	return ok, c.fail("expire_at", key, err)
}

// Replace is django-redis's set(..., xx=True): it stores the value only
// if the key exists, and says whether it did. A zero or negative timeout
// deletes the key instead and says whether it existed, as django-redis does.
func (c *Cache) Replace(ctx context.Context, key string, value []byte, exp Expiry) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	ttl, now := c.lifetime(exp)
	if now {
		return c.Delete(ctx, key)
	}
	args := []any{"set", c.MakeKey(key), value, "xx"}
	if ttl > 0 {
		args = append(args, "px", ttl.Milliseconds())
	}
	err := c.conn.rdb.Do(ctx, args...).Err()
	if err == redis.Nil {
		return false, nil
	}
	return err == nil, c.fail("set", key, err)
}

// ReplaceValue encodes and stores a value if the key exists; see Replace.
func (c *Cache) ReplaceValue(ctx context.Context, key string, v codec.Value, exp Expiry) (bool, error) {
	raw, err := c.conn.codec.Encode(v)
	if err != nil {
		return false, fmt.Errorf("set %q: encoding: %w", key, err)
	}
	return c.Replace(ctx, key, raw, exp)
}

// IncrCreate is django-redis's incr(..., ignore_key_check=True): INCRBY,
// which starts a missing key at 0 (it then has no timeout). A value that
// is not a 64-bit integer is ErrNotInteger. Never resent after a timeout.
func (c *Cache) IncrCreate(ctx context.Context, key string, delta int64) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	cmd := redis.NewIntCmd(ctx, "incrby", c.MakeKey(key), delta)
	err := c.conn.rdb.Process(ctx, noRetry{cmd})
	switch {
	case err != nil && (strings.Contains(err.Error(), "not an integer or out of range") || strings.Contains(err.Error(), "would overflow")):
		return 0, fmt.Errorf("incr %q: %w", key, ErrNotInteger)
	case err != nil:
		return 0, c.fail("incr", key, err)
	}
	return cmd.Val(), nil
}

// ---- Keys by pattern --------------------------------------------------------

// pattern is django-redis's make_pattern: the glob of this view's keys
// that match search, a glob of the key part. Every character of the prefix
// and the version that means something to a glob is escaped (django-redis
// brackets "*?[" and misses "\").
func (c *Cache) pattern(search string) string {
	return globEscape(c.conn.prefix) + ":" + globEscape(strconv.Itoa(c.version)) + ":" + search
}

// cacheKey is django-redis's reverse_key: the key part of a full key of
// this view. django-redis splits at the second ':', which cuts a prefix
// that holds ':'; the whole head is taken off here.
func (c *Cache) cacheKey(full string) string {
	k, _ := strings.CutPrefix(full, c.keyHead)
	return k
}

// DeletePattern is django-redis's delete_pattern: it removes every key of
// this view whose key part matches the glob search, on every primary of a
// cluster, and returns how many it removed. count is SCAN's COUNT (0: 1000).
func (c *Cache) DeletePattern(ctx context.Context, search string, count int64) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if count <= 0 {
		count = scanBatch
	}
	n, err := c.deleteMatching(ctx, c.pattern(search), count, func(string) bool { return true }, nil)
	return n, c.fail("delete_pattern", search, err)
}

// Keys is django-redis's keys: the key parts of every key of this view
// that matches the glob search, on every primary. It SCANs, where
// django-redis sends KEYS, which blocks the server for as long as it runs.
func (c *Cache) Keys(ctx context.Context, search string) ([]string, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	err := c.eachPrimary(ctx, func(ctx context.Context, node *redis.Client) error {
		return scanNode(ctx, node, c.pattern(search), scanBatch, func(page []string) error {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range page {
				seen[c.cacheKey(k)] = true
			}
			return nil
		})
	})
	if err != nil {
		return nil, c.fail("keys", search, err)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// A ScanKeys cursor: the index of the primary (in address order) in the
// top 16 bits, that primary's SCAN cursor below. 0 starts and ends.
const (
	cursorNodeShift = 48
	cursorMask      = 1<<cursorNodeShift - 1
)

// ErrArgument: an argument no Redis command can carry (hset without a
// field, a negative lock timeout, ...).
var ErrArgument = errors.New("invalid argument")

// ErrCursor: a ScanKeys cursor that no scan of this cache made, or that
// the cluster's primaries no longer match.
var ErrCursor = errors.New("invalid scan cursor")

// ScanKeys is one step of IterKeys: the key parts of some keys of this
// view that match search, and the cursor of the next step (0 when the scan
// is done), as SCAN gives them, one primary after the other. A key may
// come twice, as with SCAN. count is SCAN's COUNT (0: 10, django-redis's
// DJANGO_REDIS_SCAN_ITERSIZE).
func (c *Cache) ScanKeys(ctx context.Context, search string, cursor uint64, count int64) ([]string, uint64, error) {
	if err := c.check(); err != nil {
		return nil, 0, err
	}
	if count <= 0 {
		count = 10
	}
	nodes, err := c.primaryList(ctx)
	if err != nil {
		return nil, 0, c.fail("iter_keys", search, err)
	}
	i := int(cursor >> cursorNodeShift)
	if i >= len(nodes) {
		return nil, 0, fmt.Errorf("iter_keys %q: cursor %d names primary %d of %d: %w", search, cursor, i, len(nodes), ErrCursor)
	}
	page, next, err := nodes[i].Scan(ctx, cursor&cursorMask, c.pattern(search), count).Result()
	if err != nil {
		return nil, 0, c.fail("iter_keys", search, err)
	}
	if next > cursorMask {
		return nil, 0, fmt.Errorf("iter_keys %q: the SCAN cursor %d of %s is past 48 bits: %w", search, next, nodes[i].Options().Addr, ErrCursor)
	}
	keys := make([]string, len(page))
	for j, k := range page {
		keys[j] = c.cacheKey(k)
	}
	switch {
	case next != 0:
		return keys, uint64(i)<<cursorNodeShift | next, nil
	case i+1 < len(nodes):
		return keys, uint64(i+1) << cursorNodeShift, nil
	}
	return keys, 0, nil
}

// IterKeys is django-redis's iter_keys: the key parts of the keys of this
// view that match the glob search, a SCAN page (of about count keys) at a
// time, one primary after the other, never all at once. A key may come
// twice, as with SCAN. The iteration stops at the first error, which it
// yields.
func (c *Cache) IterKeys(ctx context.Context, search string, count int64) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		var cursor uint64
		for {
			keys, next, err := c.ScanKeys(ctx, search, cursor, count)
			if err != nil {
				yield("", err)
				return
			}
			for _, k := range keys {
				if !yield(k, nil) {
					return
				}
			}
			if next == 0 {
				return
			}
			cursor = next
		}
	}
}

// primaryList is the primaries in address order, so that a cursor's index
// names the same node from one ScanKeys call to the next.
func (c *Cache) primaryList(ctx context.Context) ([]*redis.Client, error) {
	if c.conn.cluster == nil {
		return []*redis.Client{c.conn.rdb.(*redis.Client)}, nil
	}
	var mu sync.Mutex
	var nodes []*redis.Client
	err := c.conn.cluster.ForEachMaster(ctx, func(_ context.Context, node *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		nodes = append(nodes, node)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(nodes) > math.MaxUint16 {
		return nil, fmt.Errorf("%d primaries: more than a cursor can name", len(nodes))
	}
	slices.SortFunc(nodes, func(a, b *redis.Client) int { return strings.Compare(a.Options().Addr, b.Options().Addr) })
	return nodes, nil
}

// ---- Hashes -------------------------------------------------------------------

// HSet is django-redis's hset: it sets fields of the hash at key and
// returns how many were new. The values are stored as given.
func (c *Cache) HSet(ctx context.Context, key string, fields map[string][]byte) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, fmt.Errorf("hset %q: no fields: %w", key, ErrArgument)
	}
	args := make([]any, 0, 2*len(fields))
	for f, v := range fields {
		args = append(args, f, v)
	}
	n, err := c.conn.rdb.HSet(ctx, c.MakeKey(key), args...).Result()
	return n, c.fail("hset", key, err)
}

// HSetValues is HSet of Python values, encoded as django-redis encodes
// them (an int as its digits, anything else through the SERIALIZER).
func (c *Cache) HSetValues(ctx context.Context, key string, fields map[string]codec.Value) (int64, error) {
	raw := make(map[string][]byte, len(fields))
	for f, v := range fields {
		b, err := c.conn.codec.Encode(v)
		if err != nil {
			return 0, fmt.Errorf("hset %q: field %q: encoding: %w", key, f, err)
		}
		raw[f] = b
	}
	return c.HSet(ctx, key, raw)
}

// HDel is django-redis's hdel: it removes fields and returns how many
// existed.
func (c *Cache) HDel(ctx context.Context, key string, fields ...string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if len(fields) == 0 {
		return 0, nil
	}
	n, err := c.conn.rdb.HDel(ctx, c.MakeKey(key), fields...).Result()
	return n, c.fail("hdel", key, err)
}

// HLen is django-redis's hlen: the number of fields (0 for a missing key).
func (c *Cache) HLen(ctx context.Context, key string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	n, err := c.reader().HLen(ctx, c.MakeKey(key)).Result()
	return n, c.fail("hlen", key, err)
}

// HKeys is django-redis's hkeys: the hash's field names.
func (c *Cache) HKeys(ctx context.Context, key string) ([]string, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	fields, err := c.reader().HKeys(ctx, c.MakeKey(key)).Result()
	if err != nil {
		return nil, c.fail("hkeys", key, err)
	}
	return fields, nil
}

// HExists is django-redis's hexists: whether the hash has the field.
func (c *Cache) HExists(ctx context.Context, key, field string) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	ok, err := c.reader().HExists(ctx, c.MakeKey(key), field).Result()
	return ok, c.fail("hexists", key, err)
}
