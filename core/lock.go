package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lock is the lock django-redis's cache.lock hands out, redis-py's Lock: the
// cache's key for the lock's name holds a token unique to its holder (SET
// NX, with PX when the lock has a timeout), and only the holder of the
// token may release, extend or reacquire it (redis-py's own Lua scripts).
// A holder here and a holder in Django therefore exclude each other, and a
// lock taken on one side is released only by its holder. Unlike redis-py's
// default (a token per thread), a Lock keeps one token for every goroutine.
type Lock struct {
	cache *Cache
	name  string
	key   string
	opts  LockOptions

	mu    sync.Mutex
	token string // "" when not held
}

// LockOptions are the arguments of django-redis's lock().
type LockOptions struct {
	// Timeout is how long the lock lives once taken: zero never expires it
	// (redis-py's timeout=None). It is counted in whole milliseconds.
	Timeout time.Duration
	// Sleep is the wait between two tries of a blocking Acquire (zero:
	// redis-py's 0.1 s).
	Sleep time.Duration
	// NonBlocking makes Acquire try once (redis-py's blocking=False).
	NonBlocking bool
	// BlockingTimeout bounds how long Acquire tries (zero: until the
	// context ends, redis-py's blocking_timeout=None).
	BlockingTimeout time.Duration
}

// Lock errors, for errors.Is. ErrLockNotOwned is redis-py's
// LockNotOwnedError: the lock expired, or another holder has it.
var (
	ErrLockNotHeld  = errors.New("the lock is not held")
	ErrLockNotOwned = errors.New("the lock is no longer owned")
	ErrLockNoExpiry = errors.New("the lock has no timeout")
)

// The scripts are redis-py's (redis/lock.py), unchanged: whatever side
// holds a lock, both check the token the same way.
const (
	lockReleaseSource = `
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('del', KEYS[1])
        return 1
    `
	lockExtendSource = `
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        local expiration = redis.call('pttl', KEYS[1])
        if not expiration then
            expiration = 0
        end
        if expiration < 0 then
            return 0
        end

        local newttl = ARGV[2]
        if ARGV[3] == "0" then
            newttl = ARGV[2] + expiration
        end
        redis.call('pexpire', KEYS[1], newttl)
        return 1
    `
	lockReacquireSource = `
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('pexpire', KEYS[1], ARGV[2])
        return 1
    `
)

var (
	lockRelease   = redis.NewScript(lockReleaseSource)
	lockExtend    = redis.NewScript(lockExtendSource)
	lockReacquire = redis.NewScript(lockReacquireSource)
)

// Lock is django-redis's lock(name): a lock on this view's key for name,
// not taken yet.
func (c *Cache) Lock(name string, o LockOptions) *Lock {
	if o.Sleep <= 0 {
		o.Sleep = 100 * time.Millisecond
	}
	return &Lock{cache: c, name: name, key: c.MakeKey(name), opts: o}
}

// HeldLock is the lock on name as held by token (what Token returned, in
// this process or another): a holder that may release, extend or
// reacquire it.
func (c *Cache) HeldLock(name, token string, o LockOptions) *Lock {
	l := c.Lock(name, o)
	l.token = token
	return l
}

// Token is the holder's token, "" when the lock is not held.
func (l *Lock) Token() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.token
}

// Acquire takes the lock with a new random token, as redis-py's acquire:
// it tries, and while blocking, sleeps and tries again until the lock is
// taken, the blocking timeout would pass before the next try, or ctx ends.
// It says whether it took the lock.
func (l *Lock) Acquire(ctx context.Context) (bool, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return false, fmt.Errorf("lock %q: token: %w", l.name, err)
	}
	return l.AcquireToken(ctx, hex.EncodeToString(b[:]))
}

// AcquireToken is Acquire with the caller's token (redis-py's token=).
func (l *Lock) AcquireToken(ctx context.Context, token string) (bool, error) {
	if err := l.cache.check(); err != nil {
		return false, err
	}
	if token == "" {
		return false, fmt.Errorf("lock %q: an empty token: %w", l.name, ErrArgument)
	}
	if l.opts.Timeout < 0 {
		return false, fmt.Errorf("lock %q: timeout %v: %w", l.name, l.opts.Timeout, ErrArgument)
	}
	var stopAt time.Time
	if l.opts.BlockingTimeout > 0 {
		stopAt = time.Now().Add(l.opts.BlockingTimeout)
	}
	for {
		ok, err := l.try(ctx, token)
		if err != nil || ok {
			return ok, err
		}
		if l.opts.NonBlocking || (!stopAt.IsZero() && time.Now().Add(l.opts.Sleep).After(stopAt)) {
			return false, nil
		}
		t := time.NewTimer(l.opts.Sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, l.cache.fail("lock", l.name, ctx.Err())
		case <-t.C:
		}
	}
}

// try is redis-py's do_acquire: SET NX, never resent (a resent SET NX
// would find the lock taken by this very try).
func (l *Lock) try(ctx context.Context, token string) (bool, error) {
	args := []any{"set", l.key, token, "nx"}
	if ms := l.opts.Timeout.Milliseconds(); ms > 0 {
		args = append(args, "px", ms)
	}
	cmd := redis.NewStatusCmd(ctx, args...)
	err := l.cache.conn.rdb.Process(ctx, noRetry{cmd})
	if err == redis.Nil {
		return false, nil
	}
	if err != nil {
		return false, l.cache.fail("lock", l.name, err)
	}
	l.mu.Lock()
	l.token = token
	l.mu.Unlock()
	return true, nil
}

// Release is redis-py's release: it gives the lock up if this holder still
// has it. ErrLockNotHeld: this Lock holds no token; ErrLockNotOwned: the
// lock expired, or another holder has it (nothing is deleted then).
func (l *Lock) Release(ctx context.Context) error {
	l.mu.Lock()
	token := l.token
	l.token = ""
	l.mu.Unlock()
	if token == "" {
		return fmt.Errorf("lock %q: release: %w", l.name, ErrLockNotHeld)
	}
	return l.run(ctx, "release", lockRelease, lockReleaseSource, token)
}

// Extend is redis-py's extend: additional more time (replaceTTL: the
// lock's time becomes additional). ErrLockNotOwned when the holder lost
// it, and for a lock without a timeout (redis-py's script refuses it).
func (l *Lock) Extend(ctx context.Context, additional time.Duration, replaceTTL bool) error {
	token := l.Token()
	if token == "" {
		return fmt.Errorf("lock %q: extend: %w", l.name, ErrLockNotHeld)
	}
	replace := "0"
	if replaceTTL {
		replace = "1"
	}
	return l.run(ctx, "extend", lockExtend, lockExtendSource, token, additional.Milliseconds(), replace)
}

// Reacquire is redis-py's reacquire: the lock's time starts again at its
// timeout. ErrLockNoExpiry for a Lock without a timeout.
func (l *Lock) Reacquire(ctx context.Context) error {
	token := l.Token()
	if token == "" {
		return fmt.Errorf("lock %q: reacquire: %w", l.name, ErrLockNotHeld)
	}
	if l.opts.Timeout.Milliseconds() <= 0 {
		return fmt.Errorf("lock %q: reacquire: %w", l.name, ErrLockNoExpiry)
	}
	return l.run(ctx, "reacquire", lockReacquire, lockReacquireSource, token, l.opts.Timeout.Milliseconds())
}

// Locked is redis-py's locked: whether anyone holds the lock.
func (l *Lock) Locked(ctx context.Context) (bool, error) {
	if err := l.cache.check(); err != nil {
		return false, err
	}
	// The primary, not reader(): a replica may not have seen the lock yet.
	n, err := l.cache.conn.rdb.Exists(ctx, l.key).Result()
	return n == 1, l.cache.fail("lock", l.name, err)
}

// Owned is redis-py's owned: whether this holder has the lock.
func (l *Lock) Owned(ctx context.Context) (bool, error) {
	if err := l.cache.check(); err != nil {
		return false, err
	}
	token := l.Token()
	if token == "" {
		return false, nil
	}
	stored, err := l.cache.conn.rdb.Get(ctx, l.key).Result()
	if err == redis.Nil {
		return false, nil
	}
	return stored == token, l.cache.fail("lock", l.name, err)
}

// run sends one of the scripts, never resent after a timeout (a release
// resent after it was applied would answer "not owned"); the text goes
// only when Redis does not know the script.
func (l *Lock) run(ctx context.Context, op string, s *redis.Script, source string, args ...any) error {
	if err := l.cache.check(); err != nil {
		return err
	}
	cmd := redis.NewIntCmd(ctx, append([]any{"evalsha", s.Hash(), 1, l.key}, args...)...)
	err := l.cache.conn.rdb.Process(ctx, noRetry{cmd})
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = redis.NewIntCmd(ctx, append([]any{"eval", source, 1, l.key}, args...)...)
		err = l.cache.conn.rdb.Process(ctx, noRetry{cmd})
	}
	if err != nil {
		return l.cache.fail("lock "+op, l.name, err)
	}
	if cmd.Val() != 1 {
		return fmt.Errorf("lock %q: %s: %w", l.name, op, ErrLockNotOwned)
	}
	return nil
}
