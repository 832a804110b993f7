package core

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// django-redis 7's sorted sets (django_redis/client/mixins/sorted_sets.py).
// Members are the stored bytes: django-redis stores them as
// encode(member, allow_int=False), which Codec().EncodeSerialized writes
// and Codec().Decode reads. Score bounds (min, max) are Redis's: a number,
// "-inf", "+inf", or "(" before a number for an open bound.

// ZMember is a member of a sorted set and its score.
type ZMember struct {
	Member []byte
	Score  float64
}

// ZAddOptions are zadd's flags.
type ZAddOptions struct {
	NX, XX, CH, GT, LT bool
}

func (o ZAddOptions) args(args []any) []any {
	for _, f := range []struct {
		on   bool
		name string
	}{{o.NX, "nx"}, {o.XX, "xx"}, {o.GT, "gt"}, {o.LT, "lt"}, {o.CH, "ch"}} {
		if f.on {
			args = append(args, f.name)
		}
	}
	return args
}

// ZAdd is django-redis's zadd: it adds members (or updates their scores)
// and returns how many were added (with CH: added or changed).
func (c *Cache) ZAdd(ctx context.Context, key string, members []ZMember, o ZAddOptions) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, fmt.Errorf("zadd %q: no members: %w", key, ErrArgument)
	}
	args := o.args([]any{"zadd", c.MakeKey(key)})
	for _, m := range members {
		args = append(args, m.Score, m.Member)
	}
	n, err := c.conn.rdb.Do(ctx, args...).Int64()
	return n, c.fail("zadd", key, err)
}

// ZAddIncr is zadd(..., incr=True): the member's score grows by
// m.Score; applied is false when NX, XX, GT or LT kept it from changing
// (django-redis answers None).
func (c *Cache) ZAddIncr(ctx context.Context, key string, m ZMember, o ZAddOptions) (score float64, applied bool, err error) {
	if err := c.check(); err != nil {
		return 0, false, err
	}
	args := append(o.args([]any{"zadd", c.MakeKey(key)}), "incr", m.Score, m.Member)
	cmd := redis.NewFloatCmd(ctx, args...)
	// Not idempotent: never resent after a timeout, as incr.
	err = c.conn.rdb.Process(ctx, noRetry{cmd})
	if err == redis.Nil {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, c.fail("zadd", key, err)
	}
	return cmd.Val(), true, nil
}

// ZIncrBy is django-redis's zincrby: the member's new score.
func (c *Cache) ZIncrBy(ctx context.Context, key string, amount float64, member []byte) (float64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	cmd := redis.NewFloatCmd(ctx, "zincrby", c.MakeKey(key), amount, member)
	err := c.conn.rdb.Process(ctx, noRetry{cmd})
	return cmd.Val(), c.fail("zincrby", key, err)
}

// ZCard is django-redis's zcard: the number of members.
func (c *Cache) ZCard(ctx context.Context, key string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	n, err := c.reader().ZCard(ctx, c.MakeKey(key)).Result()
	return n, c.fail("zcard", key, err)
}

// ZCount is django-redis's zcount: the members with scores in [min, max].
func (c *Cache) ZCount(ctx context.Context, key, min, max string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	n, err := c.reader().ZCount(ctx, c.MakeKey(key), min, max).Result()
	return n, c.fail("zcount", key, err)
}

// ZPopMax and ZPopMin are django-redis's zpopmax and zpopmin: they remove
// and return up to count members with the highest (lowest) scores.
func (c *Cache) ZPopMax(ctx context.Context, key string, count int64) ([]ZMember, error) {
	return c.zpop(ctx, "zpopmax", key, count)
}

// ZPopMin: see ZPopMax.
func (c *Cache) ZPopMin(ctx context.Context, key string, count int64) ([]ZMember, error) {
	return c.zpop(ctx, "zpopmin", key, count)
}

func (c *Cache) zpop(ctx context.Context, op, key string, count int64) ([]ZMember, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if count < 1 {
		count = 1
	}
	cmd := redis.NewZSliceCmd(ctx, op, c.MakeKey(key), count)
	// A resent pop would pop again.
	err := c.conn.rdb.Process(ctx, noRetry{cmd})
	if err != nil {
		return nil, c.fail(op, key, err)
	}
	return zmembers(cmd.Val()), nil
}

// ZRange is django-redis's zrange (desc: zrevrange): the members ranked
// start to stop (negative counts from the end), with their scores.
func (c *Cache) ZRange(ctx context.Context, key string, start, stop int64, desc bool) ([]ZMember, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	op := "zrange"
	if desc {
		op = "zrevrange"
	}
	cmd := redis.NewZSliceCmd(ctx, op, c.MakeKey(key), start, stop, "withscores")
	if err := c.reader().Process(ctx, cmd); err != nil {
		return nil, c.fail(op, key, err)
	}
	return zmembers(cmd.Val()), nil
}

// ZRangeByScore is django-redis's zrangebyscore (rev: zrevrangebyscore,
// highest first): the members with scores in [min, max], with their
// scores, from offset, at most count of them when count >= 0.
func (c *Cache) ZRangeByScore(ctx context.Context, key, min, max string, offset, count int64, rev bool) ([]ZMember, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	args := []any{"zrangebyscore", c.MakeKey(key), min, max}
	if rev {
		args = []any{"zrevrangebyscore", c.MakeKey(key), max, min}
	}
	args = append(args, "withscores")
	if count >= 0 {
		args = append(args, "limit", offset, count)
	}
	cmd := redis.NewZSliceCmd(ctx, args...)
	if err := c.reader().Process(ctx, cmd); err != nil {
		return nil, c.fail(args[0].(string), key, err)
	}
	return zmembers(cmd.Val()), nil
}

// ZRank is django-redis's zrank: the member's rank, lowest score first;
// found is false when it is not in the set.
func (c *Cache) ZRank(ctx context.Context, key string, member []byte) (rank int64, found bool, err error) {
	if err := c.check(); err != nil {
		return 0, false, err
	}
	rank, err = c.reader().ZRank(ctx, c.MakeKey(key), string(member)).Result()
	if err == redis.Nil {
		return 0, false, nil
	}
	return rank, err == nil, c.fail("zrank", key, err)
}

// ZScore is django-redis's zscore; found is false when the member is not
// in the set.
func (c *Cache) ZScore(ctx context.Context, key string, member []byte) (score float64, found bool, err error) {
	if err := c.check(); err != nil {
		return 0, false, err
	}
	score, err = c.reader().ZScore(ctx, c.MakeKey(key), string(member)).Result()
	if err == redis.Nil {
		return 0, false, nil
	}
	return score, err == nil, c.fail("zscore", key, err)
}

// ZRem is django-redis's zrem: it removes members and returns how many
// were there.
func (c *Cache) ZRem(ctx context.Context, key string, members ...[]byte) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, nil
	}
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	n, err := c.conn.rdb.ZRem(ctx, c.MakeKey(key), args...).Result()
	return n, c.fail("zrem", key, err)
}

// ZRemRangeByScore is django-redis's zremrangebyscore: it removes the
// members with scores in [min, max] and returns how many.
func (c *Cache) ZRemRangeByScore(ctx context.Context, key, min, max string) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	n, err := c.conn.rdb.ZRemRangeByScore(ctx, c.MakeKey(key), min, max).Result()
	return n, c.fail("zremrangebyscore", key, err)
}

func zmembers(zs []redis.Z) []ZMember {
	out := make([]ZMember, len(zs))
	for i, z := range zs {
		var b []byte
		switch m := z.Member.(type) {
		case string:
			b = []byte(m)
		case []byte:
			b = m
		default:
			b = []byte(fmt.Sprint(m))
		}
		out[i] = ZMember{Member: b, Score: z.Score}
	}
	return out
}
