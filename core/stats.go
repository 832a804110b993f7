package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// NodeStats is one primary's share of a KEY_PREFIX, all versions: what an
// operator sizing or cleaning a shared Redis asks first.
type NodeStats struct {
	Addr string `json:"addr"`
	// Keys is how many keys of the prefix the node holds. SCAN returns a
	// key twice when the server resizes its table during the scan, so a
	// count taken under writes is close, not exact.
	Keys int64 `json:"keys"`
	// Sampled is how many keys MemoryBytes and TTL describe: all of them,
	// or the first ones SCAN returned (the hash table's order, which has
	// nothing to do with the keys' age or size).
	Sampled     int64      `json:"sampled"`
	MemoryBytes int64      `json:"memory_bytes"` // MEMORY USAGE summed over the sample
	TTL         TTLBuckets `json:"ttl"`
}

// TTLBuckets counts keys by the time they have left.
type TTLBuckets struct {
	None      int64 `json:"none"`
	Under1m   int64 `json:"under_1m"`
	Under1h   int64 `json:"under_1h"`
	Under1d   int64 `json:"under_1d"`
	DayOrMore int64 `json:"1d_or_more"`
}

func (b *TTLBuckets) add(ttl time.Duration) {
	switch {
	case ttl < 0: // PTTL's -1: no expiry
		b.None++
	case ttl < time.Minute:
		b.Under1m++
	case ttl < time.Hour:
		b.Under1h++
	case ttl < 24*time.Hour:
		b.Under1d++
	default:
		b.DayOrMore++
	}
}

// Stats counts the keys of this KEY_PREFIX (all versions) on every
// primary, in address order, and reads the memory and TTL of up to sample
// keys per primary (0: count only). It SCANs: the servers keep serving,
// and no more than a page of keys is held.
func (c *Cache) Stats(ctx context.Context, sample int64) ([]NodeStats, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var all []NodeStats
	err := c.eachPrimary(ctx, func(ctx context.Context, node *redis.Client) error {
		s := NodeStats{Addr: nodeAddr(ctx, node)}
		err := scanNode(ctx, node, c.prefixPattern(), scanBatch, func(page []string) error {
			var measure []string
			for _, k := range page {
				if !c.ownsKey(k) {
					continue
				}
				s.Keys++
				if s.Sampled+int64(len(measure)) < sample {
					measure = append(measure, k)
				}
			}
			return s.measure(ctx, node, measure)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", s.Addr, err)
		}
		mu.Lock()
		defer mu.Unlock()
		all = append(all, s)
		return nil
	})
	if err != nil {
		return nil, c.fail("stats", c.conn.prefix+":*", err)
	}
	slices.SortFunc(all, func(a, b NodeStats) int { return strings.Compare(a.Addr, b.Addr) })
	return all, nil
}

// measure adds the memory and TTL of keys, on the node that holds them, in
// one round trip. A key removed since the SCAN is left out.
func (s *NodeStats) measure(ctx context.Context, node *redis.Client, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	pipe := node.Pipeline()
	mem := make([]*redis.IntCmd, len(keys))
	ttl := make([]*redis.DurationCmd, len(keys))
	for i, k := range keys {
		mem[i] = pipe.MemoryUsage(ctx, k)
		ttl[i] = pipe.PTTL(ctx, k)
	}
	_, _ = pipe.Exec(ctx) // each command's error is read below
	for i := range keys {
		for _, err := range []error{mem[i].Err(), ttl[i].Err()} {
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
		}
		if mem[i].Err() != nil || ttl[i].Val() == -2 { // gone since the SCAN
			continue
		}
		s.Sampled++
		s.MemoryBytes += mem[i].Val()
		s.TTL.add(ttl[i].Val())
	}
	return nil
}

// nodeAddr is the node's address as CLUSTER NODES and health name it. A
// cluster client's node has a blank host when the slot map named a
// loopback address (go-redis's ":7000", see seeds.go); the node then
// says which it is ("myself").
func nodeAddr(ctx context.Context, node *redis.Client) string {
	addr := node.Options().Addr
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "" {
		return addr
	}
	nodes, err := node.ClusterNodes(ctx).Result()
	if err != nil {
		return addr
	}
	for _, line := range strings.Split(nodes, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.Contains(f[2], "myself") {
			self, _, _ := strings.Cut(f[1], "@")
			return self
		}
	}
	return addr
}
