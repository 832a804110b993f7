package core

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Got is one key's answer from GetEach: what Get would have returned.
type Got struct {
	Value []byte
	Found bool
	Err   error
}

// GetEach answers each key as its own Get would, each with its own miss or
// error, but sends all the GETs on one pipeline: one round trip to each
// server where separate Gets take one each. The C ABI gathers the gets that
// many threads make at once into one GetEach.
//
// Unlike GetMany (one MGET), a failing key fails alone, and each key is read
// whenever its own GET is served, as separate Gets are. The reads go to one
// server of the entry's, picked as Get picks it.
func (c *Cache) GetEach(ctx context.Context, keys []string) []Got {
	got := make([]Got, len(keys))
	if err := c.check(); err != nil {
		for i := range got {
			got[i].Err = err
		}
		return got
	}
	pipe := c.reader().Pipeline()
	cmds := make([]*redis.StringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Get(ctx, c.MakeKey(k))
	}
	// Exec reports only the first failure; each command has its own.
	pipe.Exec(ctx) //nolint:errcheck
	for i, cmd := range cmds {
		v, err := cmd.Bytes()
		switch {
		case err == nil:
			got[i] = Got{Value: v, Found: true}
		case err != redis.Nil:
			got[i].Err = c.fail("get", keys[i], err)
		}
	}
	return got
}
