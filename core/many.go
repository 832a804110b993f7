package core

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// GetMany returns the values of the keys that exist. Standalone it is one
// MGET; in a cluster, a pipeline of GETs that go-redis sends to each node at
// once (MGET across slots is refused with CROSSSLOT).
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	got, err := c.getMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	found := make(map[string][]byte, len(got))
	for k, s := range got {
		found[k] = []byte(s)
	}
	return found, nil
}

// getMany is GetMany with the replies as go-redis reads them, uncopied.
func (c *Cache) getMany(ctx context.Context, keys []string) (map[string]string, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	found := make(map[string]string, len(keys))
	if len(keys) == 0 {
		return found, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.MakeKey(k)
	}
	if c.conn.cluster == nil {
		values, err := c.reader().MGet(ctx, full...).Result()
		if err != nil {
			return nil, c.failMany("get_many", keys, err)
		}
		for i, v := range values {
			if s, ok := v.(string); ok {
				found[keys[i]] = s
			}
		}
		return found, nil
	}
	pipe := c.conn.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, len(full))
	for i, k := range full {
		cmds[i] = pipe.Get(ctx, k)
	}
	// Exec reports only the first command's error, and a miss (redis.Nil)
	// there would hide a failed node: every command's error is looked at.
	pipe.Exec(ctx) //nolint:errcheck
	for i, cmd := range cmds {
		v, err := cmd.Result()
		switch {
		case err == nil:
			found[keys[i]] = v
		case err != redis.Nil:
			return nil, c.failMany("get_many", keys, err)
		}
	}
	return found, nil
}

// SetMany stores every value with one timeout, in one pipeline (grouped per
// node in a cluster). A zero or negative timeout deletes the keys instead.
// When Redis refuses some keys and stores the others, the error is a
// *SetManyError that lists them (FailedKeys reads it).
func (c *Cache) SetMany(ctx context.Context, items map[string][]byte, exp Expiry) error {
	if err := c.check(); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	ttl, now := c.lifetime(exp)
	pipe := c.conn.rdb.Pipeline()
	keys := make([]string, 0, len(items))
	cmds := make([]redis.Cmder, 0, len(items))
	for k, v := range items {
		keys = append(keys, k)
		if now {
			cmds = append(cmds, pipe.Del(ctx, c.MakeKey(k)))
		} else {
			cmds = append(cmds, pipe.Set(ctx, c.MakeKey(k), v, ttl))
		}
	}
	_, err := pipe.Exec(ctx)
	errs := make([]error, len(cmds))
	for i, cmd := range cmds {
		errs[i] = cmd.Err()
	}
	return c.setManyResult(keys, errs, err)
}

// DeleteMany removes the keys and returns how many existed.
func (c *Cache) DeleteMany(ctx context.Context, keys []string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.MakeKey(k)
	}
	if c.conn.cluster == nil {
		n, err := c.conn.rdb.Del(ctx, full...).Result()
		return n, c.failMany("delete_many", keys, err)
	}
	pipe := c.conn.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(full))
	for i, k := range full {
		cmds[i] = pipe.Del(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, c.failMany("delete_many", keys, err)
	}
	var n int64
	for _, cmd := range cmds {
		n += cmd.Val()
	}
	return n, nil
}

// Clear removes every key of this KEY_PREFIX, all versions, on every
// primary, and returns how many it removed. Unlike django-redis, it never
// flushes the database: other services' keys stay, those of a prefix that
// begins with this one ("svc:a" beside "svc") too.
func (c *Cache) Clear(ctx context.Context) (int64, error) {
	return c.ClearProgress(ctx, nil)
}

// ClearProgress is Clear that hands progress the running total of keys
// removed after each batch, so that a long clear can be watched. The calls
// come one at a time; progress may be nil.
func (c *Cache) ClearProgress(ctx context.Context, progress func(removed int64)) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	// "svc:*" also matches the keys of a prefix "svc:x": only a key that
	// reads as ours, KEY_PREFIX:VERSION:key, is removed.
	removed, err := c.deleteMatching(ctx, c.prefixPattern(), scanBatch, c.ownsKey, progress)
	return removed, c.fail("clear", c.conn.prefix+":*", err)
}

// prefixPattern is the glob of every key of this KEY_PREFIX, all versions,
// and of the prefixes that extend it, which ownsKey tells apart.
func (c *Cache) prefixPattern() string { return globEscape(c.conn.prefix) + ":*" }

// scanBatch is the COUNT of the SCANs that clear and collect keys.
const scanBatch = 1000

// deleteMatching removes, on every primary, the keys that match pattern
// and that keep accepts, one SCAN page at a time, and returns how many it
// removed. progress, when not nil, gets the running total after each page,
// one call at a time, though the primaries are cleared at once.
func (c *Cache) deleteMatching(ctx context.Context, pattern string, count int64, keep func(string) bool, progress func(int64)) (int64, error) {
	var mu sync.Mutex
	var removed int64
	err := c.eachPrimary(ctx, func(ctx context.Context, node *redis.Client) error {
		return scanNode(ctx, node, pattern, count, func(page []string) error {
			var batch []string
			for _, k := range page {
				if keep(k) {
					batch = append(batch, k)
				}
			}
			if len(batch) == 0 {
				return nil
			}
			// One DEL per key: keys on one cluster node still differ in slot.
			pipe := node.Pipeline()
			cmds := make([]*redis.IntCmd, len(batch))
			for i, k := range batch {
				cmds[i] = pipe.Del(ctx, k)
			}
			_, err := pipe.Exec(ctx)
			var n int64
			for _, cmd := range cmds {
				n += cmd.Val()
			}
			mu.Lock() // so that progress sees the totals in order
			removed += n
			if progress != nil && n > 0 {
				progress(removed)
			}
			mu.Unlock()
			return err
		})
	})
	return removed, err
}

// eachPrimary runs fn on every primary of a cluster, at once, or on the
// one server: SCAN and FLUSHDB reach only the node they are sent to.
func (c *Cache) eachPrimary(ctx context.Context, fn func(ctx context.Context, node *redis.Client) error) error {
	if c.conn.cluster != nil {
		return c.conn.cluster.ForEachMaster(ctx, fn)
	}
	return fn(ctx, c.conn.rdb.(*redis.Client))
}

// scanNode hands fn the keys matching pattern on one node, a SCAN page at
// a time, so that no more than a page is held. SCAN may repeat a key.
func scanNode(ctx context.Context, node *redis.Client, pattern string, count int64, fn func(page []string) error) error {
	var cursor uint64
	for {
		page, next, err := node.Scan(ctx, cursor, pattern, count).Result()
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// globEscape makes s match only itself in a Redis glob (stringmatchlen):
// a backslash before each character the glob gives a meaning to. Inside
// "[...]" a backslash escapes too, so bracketing cannot quote it, and
// django-redis's bracketing of "*?[" alone leaves a prefix "svc\" matching
// "svc:..." keys.
func globEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ { // bytes: the glob works on bytes, not runes
		if strings.IndexByte(`\*?[]`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ownsKey says whether a full key is KEY_PREFIX:VERSION:key of this
// prefix, VERSION written as Python writes an int. A key of a prefix that
// extends ours ("svc:a:1:k" when ours is "svc") is not; one that reads both
// ways ("svc:2:1:k", prefix "svc:2" or version 2 of "svc") cannot be told
// apart, and is removed.
func (c *Cache) ownsKey(full string) bool {
	rest, ok := strings.CutPrefix(full, c.conn.prefix+":")
	if !ok {
		return false
	}
	version, _, ok := strings.Cut(rest, ":")
	if !ok {
		return false
	}
	digits := strings.TrimPrefix(version, "-")
	if digits == "" || (digits[0] == '0' && (len(digits) > 1 || len(version) > 1)) {
		return false // no digits, a leading zero, or "-0"
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// Health is the reference's get_redis_status: PING on a standalone server;
// on a cluster, CLUSTER INFO and every node's flags.
type Health struct {
	Mode   string `json:"mode"`
	Status string `json:"status"` // "good", "degraded" (a node failed) or "failed"
	Ping   string `json:"ping,omitempty"`
	// ClusterState is cluster_state from CLUSTER INFO ("ok" or "fail").
	ClusterState string       `json:"cluster_state,omitempty"`
	Nodes        []NodeStatus `json:"nodes,omitempty"`
	Error        string       `json:"error,omitempty"`
}

// NodeStatus is one line of CLUSTER NODES.
type NodeStatus struct {
	Addr  string   `json:"addr"`
	Flags []string `json:"flags"`
}

// Health reports whether the cache's Redis can serve. A failure is reported
// in Health.Status and Health.Error, with the error also returned.
func (c *Cache) Health(ctx context.Context) (Health, error) {
	h := Health{Mode: c.conn.options.Mode, Status: "failed"}
	if err := c.check(); err != nil {
		h.Error = err.Error()
		return h, err
	}
	fail := func(err error) (Health, error) {
		err = c.fail("health", "", err)
		h.Error = err.Error()
		return h, err
	}
	if c.conn.cluster == nil {
		pong, err := c.conn.rdb.Ping(ctx).Result()
		if err != nil {
			return fail(err)
		}
		h.Ping, h.Status = pong, "good"
		if len(c.conn.replicas) > 0 {
			c.replicaHealth(ctx, &h)
		}
		return h, nil
	}
	info, err := c.conn.cluster.ClusterInfo(ctx).Result()
	if err != nil {
		return fail(err)
	}
	nodes, err := c.conn.cluster.ClusterNodes(ctx).Result()
	if err != nil {
		return fail(err)
	}
	h.ClusterState = infoField(info, "cluster_state")
	h.Status = "good"
	for _, line := range strings.Split(strings.TrimSpace(nodes), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		n := NodeStatus{Addr: addr, Flags: strings.Split(f[2], ",")}
		if flagsFailed(f[2]) {
			h.Status = "degraded"
		}
		h.Nodes = append(h.Nodes, n)
	}
	if h.ClusterState != "ok" {
		h.Status = "failed"
	}
	return h, nil
}

// flagsFailed is the reference's test of a CLUSTER NODES flags field:
// determine_cluster_node_status asks `'fail' in flags` of redis-py's
// unsplit string, so a node that the node asked only suspects ("fail?",
// before the primaries agree on "fail") degrades the cluster too, and so
// does a replica set never to fail over ("nofailover").
func flagsFailed(flags string) bool { return strings.Contains(flags, "fail") }

// replicaHealth pings each replica: one that fails degrades the cache,
// since the reads sent to it fail.
func (c *Cache) replicaHealth(ctx context.Context, h *Health) {
	h.Nodes = append(h.Nodes, NodeStatus{Addr: addr(c.conn.options), Flags: []string{"primary"}})
	for i, r := range c.conn.replicas {
		n := NodeStatus{Addr: addr(c.conn.options.Replicas[i]), Flags: []string{"replica"}}
		if err := r.Ping(ctx).Err(); err != nil {
			n.Flags = append(n.Flags, "fail")
			h.Status = "degraded"
		}
		h.Nodes = append(h.Nodes, n)
	}
}

func infoField(info, name string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}

func (c *Cache) failMany(op string, keys []string, err error) error {
	if err == nil {
		return nil
	}
	label := fmt.Sprintf("%d keys", len(keys))
	if len(keys) == 1 {
		label = keys[0]
	}
	return c.fail(op, label, err)
}
