package core_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// django-redis's DefaultClient on a LOCATION list: writes to the first
// server, reads (get, get_many, ttl, has_key) from the others, as
// get_client(write=False) picks them. Run on the replica pair of testenv.

// commandCalls is how often a server has run each of the commands since
// its start (INFO commandstats), read past the cache.
func commandCalls(t *testing.T, addr string, commands ...string) map[string]int {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	defer rdb.Close()
	info, err := rdb.Info(context.Background(), "commandstats").Result()
	require.NoError(t, err)
	calls := map[string]int{}
	for _, line := range strings.Split(info, "\n") {
		for _, c := range commands {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_"+c+":calls="); ok {
				n, _ := strconv.Atoi(strings.SplitN(rest, ",", 2)[0])
				calls[c] = n
			}
		}
	}
	return calls
}

// waitReplicated waits until the replica has every write made so far.
func waitReplicated(t *testing.T, c *core.Cache) {
	t.Helper()
	n, err := c.Client().Do(context.Background(), "wait", 1, 5000).Int()
	require.NoError(t, err)
	require.Equal(t, 1, n, "the replica did not acknowledge the writes")
}

func TestDefaultClientReplicaPair(t *testing.T) {
	primary, replica := env(t, "RC_TEST_PAIR_PRIMARY"), env(t, "RC_TEST_PAIR_REPLICA")
	prefix := "dc-pair-" + ctNonce(t)
	for name, e := range map[string]core.Entry{
		"list":   {Locations: []string{"redis://" + primary + "/0", "redis://" + replica + "/0"}, KeyPrefix: prefix + "-l"},
		"commas": {Location: "redis://" + primary + "/0,redis://" + replica + "/0", KeyPrefix: prefix + "-c"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := ctOpenCleared(t, e)
			require.Equal(t, core.BackendDjangoRedis, c.Options().Backend)
			require.Len(t, c.Options().Replicas, 1)

			reads := []string{"get", "mget", "pttl", "exists"}
			writes := []string{"set", "evalsha", "eval", "pexpire", "del"}
			beforeP, beforeR := commandCalls(t, primary, append(reads, writes...)...), commandCalls(t, replica, append(reads, writes...)...)

			require.NoError(t, c.Set(ctx, "a", []byte("1"), core.ExpireAfter(time.Minute)))
			require.NoError(t, c.SetMany(ctx, map[string][]byte{"b": []byte("2"), "n": []byte("10")}, core.DefaultExpiry))
			n, err := c.Incr(ctx, "n", 5)
			require.NoError(t, err)
			require.Equal(t, int64(15), n)
			ok, err := c.Touch(ctx, "b", core.ExpireAfter(time.Hour))
			require.NoError(t, err)
			require.True(t, ok)
			added, err := c.Add(ctx, "a", []byte("x"), core.ExpireAfter(0)) // django-redis asks the primary
			require.NoError(t, err)
			require.False(t, added)
			waitReplicated(t, c)

			v, found, err := c.Get(ctx, "a")
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, "1", string(v))
			many, err := c.GetMany(ctx, []string{"a", "b", "n", "missing"})
			require.NoError(t, err)
			require.Equal(t, map[string][]byte{"a": []byte("1"), "b": []byte("2"), "n": []byte("15")}, many)
			ttl, err := c.TTL(ctx, "b")
			require.NoError(t, err)
			require.Greater(t, ttl, 59*time.Minute)
			has, err := c.HasKey(ctx, "n")
			require.NoError(t, err)
			require.True(t, has)

			afterP, afterR := commandCalls(t, primary, append(reads, writes...)...), commandCalls(t, replica, append(reads, writes...)...)
			// Each read once, on the replica; none on the primary but what the
			// incr script runs (EXISTS, GET) and add's EXISTS for a timeout of 0.
			require.Equal(t, 1, afterR["get"]-beforeR["get"], "get on the replica")
			require.Equal(t, 1, afterR["mget"]-beforeR["mget"], "get_many on the replica")
			require.Equal(t, 1, afterR["pttl"]-beforeR["pttl"], "ttl on the replica")
			require.Equal(t, 1, afterR["exists"]-beforeR["exists"], "has_key on the replica")
			require.Equal(t, 1, afterP["get"]-beforeP["get"], "no get on the primary but the incr script's own")
			require.Equal(t, 0, afterP["mget"]-beforeP["mget"], "no get_many on the primary")
			require.Equal(t, 0, afterP["pttl"]-beforeP["pttl"], "no ttl on the primary")
			require.Equal(t, 2, afterP["exists"]-beforeP["exists"], "add's existence check and the incr script's, on the primary")
			// Writes on the primary: the replica counts them too, since it
			// runs what it replicates, but it is read-only, so a write sent
			// to it would have failed above.
			require.GreaterOrEqual(t, afterP["set"]-beforeP["set"], 3)
			require.Equal(t, 1, afterP["evalsha"]-beforeP["evalsha"]+afterP["eval"]-beforeP["eval"], "incr on the primary")
			require.Equal(t, 1, afterP["pexpire"]-beforeP["pexpire"], "touch on the primary")

			h, err := c.Health(ctx)
			require.NoError(t, err)
			require.Equal(t, "good", h.Status)
			require.Equal(t, []core.NodeStatus{{Addr: primary, Flags: []string{"primary"}}, {Addr: replica, Flags: []string{"replica"}}}, h.Nodes)
		})
	}
}

// A read goes to the replica even when it is down, and fails, as in
// django-redis: it never silently goes to the primary instead. Writes go on.
func TestDefaultClientDeadReplica(t *testing.T) {
	ctx := context.Background()
	primary := env(t, "RC_TEST_PAIR_PRIMARY")
	c := ctOpenCleared(t, core.Entry{
		Locations: []string{"redis://" + primary + "/0", "redis://127.0.0.1:1/0"},
		KeyPrefix: "dc-dead-" + ctNonce(t),
	})
	require.NoError(t, c.Set(ctx, "k", []byte("v"), core.DefaultExpiry))
	_, _, err := c.Get(ctx, "k")
	require.ErrorIs(t, err, core.ErrConnection)
	require.Contains(t, err.Error(), "127.0.0.1:1")
	_, err = c.GetMany(ctx, []string{"k"})
	require.ErrorIs(t, err, core.ErrConnection)
	_, err = c.HasKey(ctx, "k")
	require.ErrorIs(t, err, core.ErrConnection)
	n, err := c.Incr(ctx, "missing", 1)
	require.ErrorIs(t, err, core.ErrNotFound, "incr goes to the primary: %d", n)
	h, err := c.Health(ctx)
	require.NoError(t, err)
	require.Equal(t, "degraded", h.Status)
	require.Equal(t, []string{"replica", "fail"}, h.Nodes[1].Flags)
}

// One server, as most entries without CLIENT_CLASS have it: the standalone
// server, and the ACL server with the password where django-redis takes
// it: percent-encoded in LOCATION, or in OPTIONS.PASSWORD.
func TestDefaultClientStandalone(t *testing.T) {
	ctx := context.Background()
	user, password := env(t, "RC_TEST_ACL_USER"), env(t, "RC_TEST_ACL_PASSWORD")
	acl := env(t, "RC_TEST_ACL")
	prefix := "dc-one-" + ctNonce(t)
	for name, e := range map[string]core.Entry{
		"standalone": {Location: "redis://" + env(t, "RC_TEST_STANDALONE") + "/0", KeyPrefix: prefix},
		"unix":       {Location: "unix://" + env(t, "RC_TEST_UNIX") + "?db=0", KeyPrefix: prefix},
		"acl, percent-encoded": {Location: "redis://" + percentEncode(user) + ":" + percentEncode(password) + "@" + acl,
			KeyPrefix: prefix},
		"acl, OPTIONS": {Location: "redis://" + acl, KeyPrefix: prefix,
			Options: core.EntryOptions{Username: user, Password: password, SocketTimeout: 2.0}},
		"acl, pool kwargs": {Location: "redis://" + acl, KeyPrefix: prefix,
			Options: core.EntryOptions{Password: "wrong", ConnectionPoolKwargs: map[string]any{"username": user, "password": password}}},
	} {
		t.Run(name, func(t *testing.T) {
			c := ctOpenCleared(t, e)
			require.Empty(t, c.Options().Replicas)
			require.NoError(t, c.Set(ctx, "k", []byte("v"), core.ExpireAfter(time.Minute)))
			v, found, err := c.Get(ctx, "k")
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, "v", string(v))
			_, err = c.Incr(ctx, "k", 1)
			require.ErrorIs(t, err, core.ErrNotInteger)
		})
	}
	// Decoded once only: an escape encoded again is another password.
	c := open(t, core.Entry{Location: "redis://" + user + ":" + strings.ReplaceAll(percentEncode(password), "%", "%25") + "@" + acl})
	_, _, err := c.Get(ctx, "k")
	require.Error(t, err)
	require.NotContains(t, err.Error(), password)
}

// percentEncode escapes every byte but letters and digits, as
// urllib.parse.quote(s, safe="") does.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c), 16)))
		}
	}
	return b.String()
}
