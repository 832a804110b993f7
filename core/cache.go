package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redisclient/redisclient/core/codec"
	"github.com/redisclient/redisclient/core/config"
)

// Cache is a Django cache on Redis: the keys, timeouts and semantics of the
// entry's backend (django-redis, with its DefaultClient or the
// django-ansible-base client, or Django's own RedisCache, whose timeouts
// are whole seconds). Get, Set and the rest
// work on the stored bytes; GetValue, SetValue and the other value methods
// on Python values, encoded as the entry's SERIALIZER and COMPRESSOR say.
// Integers are stored as their decimal digits, as django-redis stores them,
// so incr and decr work on values either side wrote.
//
// A Cache is safe for concurrent use. Version returns a view that shares the
// connection; Close closes it for all views.
type Cache struct {
	conn    *connection
	version int
	keyHead string // "KEY_PREFIX:VERSION:"
}

// connection is what all views of one cache share.
type connection struct {
	rdb        redis.UniversalClient
	replicas   []redis.UniversalClient // Options.Replicas: where reads go when there are any
	cluster    *redis.ClusterClient    // nil in standalone mode
	options    Options
	prefix     string
	defaultTTL Expiry // the entry's TIMEOUT, never DefaultExpiry
	codec      *codec.Codec
	// wholeSeconds: timeouts are whole seconds, truncated, as Django's own
	// RedisCache sends them (int(timeout), EX); django-redis sends whole
	// milliseconds (PX).
	wholeSeconds bool
	closed       atomic.Bool
}

// Open resolves the entry and makes its client. It does no I/O: the first
// command connects, as in Django. Open reads the entry as Resolve does;
// OpenWith takes the Django settings beside it.
func Open(e Entry) (*Cache, error) { return OpenWith(e, Settings{}) }

// OpenWith is Open under the Django settings s (see ResolveWith).
func OpenWith(e Entry, s Settings) (*Cache, error) {
	o, extra, err := config.ResolveExtra(e, s)
	if err != nil {
		return nil, err
	}
	rdb, err := connect(o, extra.BusyPoll)
	if err != nil {
		return nil, err
	}
	conn := &connection{rdb: rdb, options: o, prefix: e.KeyPrefix, defaultTTL: e.Timeout, codec: extra.Codec,
		wholeSeconds: o.Backend == BackendDjango}
	for _, r := range o.Replicas {
		replica, err := connect(r, extra.BusyPoll)
		if err != nil {
			conn.closeAll()
			return nil, err
		}
		conn.replicas = append(conn.replicas, replica)
	}
	if conn.defaultTTL.IsDefault() {
		conn.defaultTTL = ExpireAfter(config.DefaultTimeout)
	}
	conn.cluster, _ = rdb.(*redis.ClusterClient)
	return conn.view(e.KeyVersion()), nil
}

func (conn *connection) view(version int) *Cache {
	return &Cache{conn: conn, version: version, keyHead: config.KeyHead(conn.prefix, version)}
}

// Version returns a view of the cache whose keys carry version v (Django's
// version= argument).
func (c *Cache) Version(v int) *Cache { return c.conn.view(v) }

// MakeKey is Django's default key function: KEY_PREFIX:VERSION:key.
func (c *Cache) MakeKey(key string) string { return c.keyHead + key }

// KeyPrefix is the entry's KEY_PREFIX, which Clear and Stats cover.
func (c *Cache) KeyPrefix() string { return c.conn.prefix }

// Options are the resolved connection settings (with the password).
func (c *Cache) Options() Options { return c.conn.options }

// Client is the underlying go-redis client, for commands this API lacks.
func (c *Cache) Client() redis.UniversalClient { return c.conn.rdb }

// Close closes the connections; calls in flight fail, later calls return
// ErrClosed. Closing twice returns ErrClosed.
func (c *Cache) Close() error {
	if !c.conn.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	return c.conn.closeAll()
}

func (conn *connection) closeAll() error {
	err := conn.rdb.Close()
	for _, r := range conn.replicas {
		err = errors.Join(err, r.Close())
	}
	return err
}

// reader is the client a read goes to: one of the replicas at random when
// there are any, as django-redis's get_client(write=False) picks them, else
// the server written to. A read never falls back to another server: a
// replica that fails fails the read, as in django-redis.
func (c *Cache) reader() redis.UniversalClient {
	switch n := len(c.conn.replicas); n {
	case 0:
		return c.conn.rdb
	case 1:
		return c.conn.replicas[0]
	default:
		return c.conn.replicas[rand.IntN(n)]
	}
}

// Get returns the value and true, or nil and false on a miss.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := c.getString(ctx, key)
	if !ok {
		return nil, false, err
	}
	return []byte(v), true, nil
}

// getString is Get with the reply as go-redis reads it, uncopied.
func (c *Cache) getString(ctx context.Context, key string) (string, bool, error) {
	if err := c.check(); err != nil {
		return "", false, err
	}
	v, err := c.reader().Get(ctx, c.MakeKey(key)).Result()
	if err == redis.Nil {
		return "", false, nil
	}
	if err != nil {
		return "", false, c.fail("get", key, err)
	}
	return v, true, nil
}

// Set stores a value. A zero or negative timeout deletes the key instead,
// as django-redis does.
func (c *Cache) Set(ctx context.Context, key string, value []byte, exp Expiry) error {
	if err := c.check(); err != nil {
		return err
	}
	ttl, now := c.lifetime(exp)
	var err error
	if now {
		err = c.conn.rdb.Del(ctx, c.MakeKey(key)).Err()
	} else {
		err = c.conn.rdb.Set(ctx, c.MakeKey(key), value, ttl).Err()
	}
	return c.fail("set", key, err)
}

// Add stores a value only if the key is absent, and says whether it did.
// A zero or negative timeout writes nothing and reports whether the key was
// absent, as django-redis does. Never resent after a timeout.
func (c *Cache) Add(ctx context.Context, key string, value []byte, exp Expiry) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	ttl, now := c.lifetime(exp)
	if now {
		// django-redis asks the server it would have written to.
		n, err := c.conn.rdb.Exists(ctx, c.MakeKey(key)).Result()
		return n == 0, c.fail("add", key, err)
	}
	args := []any{"set", c.MakeKey(key), value, "nx"}
	switch {
	case ttl > 0 && c.conn.wholeSeconds:
		args = append(args, "ex", int64(ttl/time.Second))
	case ttl > 0:
		args = append(args, "px", ttl.Milliseconds())
	}
	cmd := redis.NewStatusCmd(ctx, args...)
	err := c.conn.rdb.Process(ctx, noRetry{cmd})
	if err == redis.Nil {
		return false, nil
	}
	return err == nil, c.fail("add", key, err)
}

// Delete removes a key and says whether it existed.
func (c *Cache) Delete(ctx context.Context, key string) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	n, err := c.conn.rdb.Del(ctx, c.MakeKey(key)).Result()
	return n > 0, c.fail("delete", key, err)
}

// HasKey says whether a key exists.
func (c *Cache) HasKey(ctx context.Context, key string) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	n, err := c.reader().Exists(ctx, c.MakeKey(key)).Result()
	return n == 1, c.fail("has_key", key, err)
}

// incrScript is django-redis's, INCRBY only if the key exists, atomically,
// except for its answer: INCRBY's integer becomes a Lua number, a double,
// which rounds past 2^53 (at 2^63-10 django-redis returns -2^63). The
// stored value is returned instead, as GET's bulk string, read in the same
// script so that no other write comes between.
const incrScriptSource = `
local exists = redis.call('EXISTS', KEYS[1])
if (exists == 1) then
    redis.call('INCRBY', KEYS[1], ARGV[1])
    return redis.call('GET', KEYS[1])
else return false end`

var incrScript = redis.NewScript(incrScriptSource)

// Incr adds delta to an integer value and returns the result, exactly as
// Redis stores it (django-redis's is rounded past 2^53). A missing key
// is ErrNotFound (Django raises ValueError); a value that is not a 64-bit
// integer is ErrNotInteger. Never resent after a timeout.
func (c *Cache) Incr(ctx context.Context, key string, delta int64) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	k := c.MakeKey(key)
	cmd := redis.NewCmd(ctx, "evalsha", incrScript.Hash(), 1, k, delta)
	err := c.conn.rdb.Process(ctx, noRetry{cmd})
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// Not run, so safe to send again with the script's text.
		cmd = redis.NewCmd(ctx, "eval", incrScriptSource, 1, k, delta)
		err = c.conn.rdb.Process(ctx, noRetry{cmd})
	}
	switch {
	case err == redis.Nil:
		return 0, fmt.Errorf("incr %q: %w", key, ErrNotFound)
	case err != nil && (strings.Contains(err.Error(), "not an integer or out of range") || strings.Contains(err.Error(), "would overflow")):
		return 0, fmt.Errorf("incr %q: %w", key, ErrNotInteger)
	case err != nil:
		return 0, c.fail("incr", key, err)
	}
	text, err := cmd.Text()
	if err != nil {
		return 0, c.fail("incr", key, err)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil { // INCRBY succeeded, so this would be a broken server
		return 0, fmt.Errorf("incr %q: the stored value %q: %w", key, text, ErrNotInteger)
	}
	return n, nil
}

// Decr subtracts delta; see Incr.
func (c *Cache) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	if delta == math.MinInt64 { // -delta does not exist
		return 0, fmt.Errorf("decr %q: delta %d: %w", key, delta, ErrNotInteger)
	}
	return c.Incr(ctx, key, -delta)
}

// Touch gives a key a new timeout (NeverExpire removes it) and says whether
// the key exists.
func (c *Cache) Touch(ctx context.Context, key string, exp Expiry) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	exp = c.orDefault(exp)
	if exp.IsNever() {
		return c.Persist(ctx, key)
	}
	ok, err := c.conn.rdb.PExpire(ctx, c.MakeKey(key), c.backendTimeout(exp.Duration())).Result()
	return ok, c.fail("touch", key, err)
}

// Expire is django-redis's expire: like Touch.
func (c *Cache) Expire(ctx context.Context, key string, exp Expiry) (bool, error) {
	return c.Touch(ctx, key, exp)
}

// Persist removes a key's timeout and says whether it had one.
func (c *Cache) Persist(ctx context.Context, key string) (bool, error) {
	if err := c.check(); err != nil {
		return false, err
	}
	ok, err := c.conn.rdb.Persist(ctx, c.MakeKey(key)).Result()
	return ok, c.fail("persist", key, err)
}

// TTLNever is what TTL returns for a key without a timeout (Django: None).
const TTLNever time.Duration = -1

// TTL returns the time a key has left, to the millisecond: 0 for a missing
// key, TTLNever for a key without a timeout, as django-redis answers.
func (c *Cache) TTL(ctx context.Context, key string) (time.Duration, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	// PTTL answers -2 (missing) and -1 (no timeout) in one round trip where
	// django-redis sends EXISTS then TTL.
	d, err := c.reader().PTTL(ctx, c.MakeKey(key)).Result()
	if err != nil {
		return 0, c.fail("ttl", key, err)
	}
	switch d {
	case -2 * time.Nanosecond, -2 * time.Millisecond:
		return 0, nil
	case -1 * time.Nanosecond, -1 * time.Millisecond:
		return TTLNever, nil
	}
	return d, nil
}

// lifetime turns an Expiry into go-redis's: 0 is no expiry (KeepTTL is not
// used), now reports a timeout that expires at once.
func (c *Cache) lifetime(exp Expiry) (ttl time.Duration, now bool) {
	exp = c.orDefault(exp)
	if exp.IsNever() {
		return 0, false
	}
	d := c.backendTimeout(exp.Duration())
	return d, d <= 0
}

// backendTimeout is a timeout as the backend sends it: django-redis's
// int(timeout * 1000) milliseconds, or Django's int(timeout) seconds.
func (c *Cache) backendTimeout(d time.Duration) time.Duration {
	if c.conn.wholeSeconds {
		return d.Truncate(time.Second)
	}
	return truncMillis(d)
}

func (c *Cache) orDefault(exp Expiry) Expiry {
	if exp.IsDefault() {
		return c.conn.defaultTTL
	}
	return exp
}

// truncMillis is django-redis's int(timeout * 1000).
func truncMillis(d time.Duration) time.Duration { return d.Truncate(time.Millisecond) }

func (c *Cache) check() error {
	if c.conn.closed.Load() {
		return ErrClosed
	}
	return nil
}

// fail names the operation and key, and marks connection errors.
func (c *Cache) fail(op, key string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.ErrClosed) && c.conn.closed.Load():
		return fmt.Errorf("%s %q: %w", op, key, ErrClosed)
	case isConnectionError(err):
		return fmt.Errorf("%s %q: %w: %w", op, key, ErrConnection, err)
	case c.conn.options.Mode == ModeSentinel && redis.IsReadOnlyError(err):
		// The master the sentinels named has been demoted: as redis-py's
		// SentinelManagedConnection says, a connection error (go-redis has
		// dropped the connection; the next one asks the sentinels again).
		return fmt.Errorf("%s %q: %w: the previous master is now a replica: %w", op, key, ErrConnection, err)
	}
	return fmt.Errorf("%s %q: %w", op, key, err)
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) }

// noRetry keeps go-redis from resending a command after a timeout or a lost
// connection: the first attempt may have been applied (trap: INCR twice).
// MOVED and ASK are still followed, since the node refused the command.
type noRetry struct{ redis.Cmder }

func (noRetry) NoRetry() bool { return true }
