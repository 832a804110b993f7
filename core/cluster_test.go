package core_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// clRefusedAddr is a port nothing listens on: one the kernel just gave out and
// took back.
func clRefusedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// clSilentAddr accepts connections and never answers: a hung node.
func clSilentAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func clEntry(t *testing.T, hosts, prefix string, extra map[string]any) core.Entry {
	first, _, _ := strings.Cut(hosts, ",")
	kw := map[string]any{"mode": "cluster", "redis_hosts": hosts}
	for k, v := range extra {
		kw[k] = v
	}
	return entry("redis://"+first, prefix, kw)
}

// "A node that refuses or never answers must not make start-up take longer
// than one connect timeout." The socket timeout is longer than the connect
// timeout on purpose: a silent seed accepts the connection, so only the
// answer's deadline bounds it. Seeds are asked in parallel; several fresh
// caches are opened in case the order mattered.
func TestClusterStartupWithDeadSeeds(t *testing.T) {
	hosts := clRefusedAddr(t) + "," + clSilentAddr(t) + "," + env(t, "RC_TEST_CLUSTER")
	const connectTimeout = time.Second
	for i := range 5 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			c := open(t, clEntry(t, hosts, "deadseeds", map[string]any{
				"socket_connect_timeout": 1, "socket_timeout": 3,
			}))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			err := c.Set(ctx, "k", []byte("v"), core.ExpireAfter(time.Minute))
			first := time.Since(start)
			t.Logf("first command with dead seeds took %v", first)
			require.NoError(t, err)
			v, ok, err := c.Get(ctx, "k")
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, "v", string(v))
			require.Less(t, first, connectTimeout, "start-up took longer than one connect timeout")
		})
	}
}

const connectTimeoutAllDead = time.Second

func TestClusterAllSeedsDead(t *testing.T) {
	hosts := clRefusedAddr(t) + "," + clSilentAddr(t)
	c := open(t, clEntry(t, hosts, "alldead", map[string]any{
		"socket_connect_timeout": 1, "socket_timeout": 3, "password": tlsPassword,
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	err := c.Set(ctx, "k", []byte("v"), core.ExpireAfter(time.Minute))
	elapsed := time.Since(start)
	t.Logf("all seeds dead: failed after %v: %v", elapsed, err)
	require.ErrorIs(t, err, core.ErrConnection)
	require.NotContains(t, err.Error(), tlsPassword)
	// The seeds are asked in parallel: one connect timeout, plus slack.
	require.Less(t, elapsed, connectTimeoutAllDead+500*time.Millisecond)
}

// clPipelineCounter counts the pipelines each node's client sends.
type clPipelineCounter struct {
	mu        sync.Mutex
	pipelines map[string]int // node address -> pipelines
	commands  map[string]int // node address -> commands, pipelined or not
}

func (p *clPipelineCounter) hookFor(addr string) redis.Hook {
	return clNodeHook{addr: addr, p: p}
}

type clNodeHook struct {
	addr string
	p    *clPipelineCounter
}

func (h clNodeHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h clNodeHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.p.mu.Lock()
		h.p.commands[h.addr]++
		h.p.mu.Unlock()
		return next(ctx, cmd)
	}
}
func (h clNodeHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.p.mu.Lock()
		h.p.pipelines[h.addr]++
		h.p.commands[h.addr] += len(cmds)
		h.p.mu.Unlock()
		return next(ctx, cmds)
	}
}

func (p *clPipelineCounter) reset() (pipelines, commands map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pipelines, commands = p.pipelines, p.commands
	p.pipelines, p.commands = map[string]int{}, map[string]int{}
	return pipelines, commands
}

// clCountPerNode hooks every node client of the cache, those made later too
// (a hook on the cluster client sees one pipeline, not the per-node ones).
func clCountPerNode(t *testing.T, c *core.Cache) *clPipelineCounter {
	cc, ok := c.Client().(*redis.ClusterClient)
	require.True(t, ok, "a cluster cache must have a cluster client")
	p := &clPipelineCounter{pipelines: map[string]int{}, commands: map[string]int{}}
	cc.OnNewNode(func(rdb *redis.Client) { rdb.AddHook(p.hookFor(rdb.Options().Addr)) })
	return p
}

func clManyKeys(n int) ([]string, map[string][]byte) {
	keys := make([]string, n)
	items := make(map[string][]byte, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("many-%d", i)
		items[keys[i]] = []byte(strconv.Itoa(i))
	}
	return keys, items
}

// MGET and DEL across slots are refused by a cluster; the many-key calls must
// work anyway, with one pipeline per node rather than a round trip per key.
func TestClusterManyAcrossSlots(t *testing.T) {
	c := open(t, clEntry(t, env(t, "RC_TEST_CLUSTER"), "cluster-many", nil))
	counter := clCountPerNode(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	keys, items := clManyKeys(200)
	require.NoError(t, c.SetMany(ctx, items, core.ExpireAfter(time.Minute)))

	cc := c.Client().(*redis.ClusterClient)
	primaries := map[string]bool{}
	for _, k := range keys {
		node, err := cc.MasterForKey(ctx, c.MakeKey(k))
		require.NoError(t, err)
		primaries[node.Options().Addr] = true
	}
	require.Len(t, primaries, 3, "200 keys should span the 3 primaries")

	counter.reset()
	got, err := c.GetMany(ctx, keys)
	require.NoError(t, err)
	require.Equal(t, items, got)
	pipelines, commands := counter.reset()
	t.Logf("get_many of %d keys: pipelines per node %v, commands per node %v", len(keys), pipelines, commands)
	total, sent := 0, 0
	for addr, n := range pipelines {
		require.Truef(t, primaries[addr], "get_many read from %s, which owns none of the keys", addr)
		total += n
	}
	for _, n := range commands {
		sent += n
	}
	require.LessOrEqual(t, total, len(primaries), "more pipelines than primaries")
	require.Equal(t, len(keys), sent, "every GET goes through a node pipeline, none alone")

	n, err := c.DeleteMany(ctx, keys)
	require.NoError(t, err)
	require.EqualValues(t, len(keys), n)
	got, err = c.GetMany(ctx, keys)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestClusterReadFromReplicas(t *testing.T) {
	c := open(t, clEntry(t, env(t, "RC_TEST_CLUSTER"), "cluster-replicas", map[string]any{"read_from_replicas": true}))
	counter := clCountPerNode(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	keys, items := clManyKeys(30)
	require.NoError(t, c.SetMany(ctx, items, core.ExpireAfter(time.Minute)))
	// A replica may lag its primary by a moment: wait until each has the keys.
	cc := c.Client().(*redis.ClusterClient)
	require.NoError(t, cc.ForEachMaster(ctx, func(ctx context.Context, shard *redis.Client) error {
		return shard.Wait(ctx, 1, time.Second).Err()
	}))
	replicas := map[string]bool{}
	var mu sync.Mutex // ForEachSlave calls back concurrently
	require.NoError(t, cc.ForEachSlave(ctx, func(_ context.Context, r *redis.Client) error {
		mu.Lock()
		defer mu.Unlock()
		replicas[r.Options().Addr] = true
		return nil
	}))
	counter.reset()
	for _, k := range keys {
		v, ok, err := c.Get(ctx, k)
		require.NoError(t, err)
		require.Truef(t, ok, "key %s missing", k)
		require.Equal(t, items[k], v)
	}
	_, commands := counter.reset()
	fromReplicas := 0
	for addr, n := range commands {
		if replicas[addr] {
			fromReplicas += n
		}
	}
	t.Logf("reads per node: %v", commands)
	// Reads are spread over primary and replicas at random: with 30 reads,
	// none on a replica would mean the option does nothing.
	require.Positive(t, fromReplicas, "no read reached a replica")
}

// clPlainClient talks to one node directly, outside the code under test.
func clPlainClient(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{
		Addr: addr, DialTimeout: 500 * time.Millisecond, ReadTimeout: 500 * time.Millisecond,
		MaxRetries: -1, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
	})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// clInfoField is one "name:value" line of an INFO answer.
func clInfoField(info, name string) string {
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

// clReplicaOf finds a primary's replica in CLUSTER NODES: redis-cli pairs them,
// not the port order.
func clReplicaOf(t *testing.T, ctx context.Context, primary *redis.Client) string {
	nodes, err := primary.ClusterNodes(ctx).Result()
	require.NoError(t, err)
	var myID string
	lines := strings.Split(strings.TrimSpace(nodes), "\n")
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 2 && strings.Contains(f[2], "myself") {
			myID = f[0]
		}
	}
	require.NotEmpty(t, myID, "CLUSTER NODES has no myself line")
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 3 && f[3] == myID && !strings.Contains(f[2], "fail") {
			addr, _, _ := strings.Cut(f[1], "@")
			return addr
		}
	}
	t.Fatalf("no replica of %s in CLUSTER NODES:\n%s", myID, nodes)
	return ""
}

// clWaitHealthy waits until every node says cluster_state:ok, no node
// is flagged as failing, and every replica's link to its primary is up, so
// that the failover test can run again.
func clWaitHealthy(t *testing.T, addrs []string, within time.Duration) {
	deadline := time.Now().Add(within)
	var why string
	for time.Now().Before(deadline) {
		why = clUnhealthy(t, addrs)
		if why == "" {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cluster not healthy after %v: %s", within, why)
}

func clUnhealthy(t *testing.T, addrs []string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, addr := range addrs {
		rdb := clPlainClient(t, addr)
		info, err := rdb.ClusterInfo(ctx).Result()
		if err != nil || clInfoField(info, "cluster_state") != "ok" {
			return fmt.Sprintf("%s: cluster_state %q (%v)", addr, clInfoField(info, "cluster_state"), err)
		}
		nodes, err := rdb.ClusterNodes(ctx).Result()
		if err != nil || strings.Contains(nodes, "fail") {
			return fmt.Sprintf("%s: a node is failing (%v):\n%s", addr, err, nodes)
		}
		repl, err := rdb.Info(ctx, "replication").Result()
		if err != nil {
			return fmt.Sprintf("%s: %v", addr, err)
		}
		if clInfoField(repl, "role") == "slave" && clInfoField(repl, "master_link_status") != "up" {
			return fmt.Sprintf("%s: replica link %q", addr, clInfoField(repl, "master_link_status"))
		}
	}
	return ""
}

// clServerProcess is how a node was started, to start it again the same way.
type clServerProcess struct {
	pid        int
	executable string
	configFile string
	cwd        string
	cmdline    string // the process title: Redis rewrites its argv
}

func clProcessOf(t *testing.T, ctx context.Context, rdb *redis.Client) clServerProcess {
	info, err := rdb.Info(ctx, "server").Result()
	require.NoError(t, err)
	pid, err := strconv.Atoi(clInfoField(info, "process_id"))
	require.NoError(t, err)
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	require.NoError(t, err)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	require.NoError(t, err)
	// Started again as testenv starts it: by the name redis-server on PATH
	// (Debian's is a link to redis-check-rdb, which /proc/PID/exe shows).
	executable, err := exec.LookPath("redis-server")
	require.NoError(t, err)
	p := clServerProcess{pid: pid, executable: executable, configFile: clInfoField(info, "config_file"),
		cwd: cwd, cmdline: strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))}
	// Redis replaces its argv with a title, so the config file comes from
	// INFO; it must be there to start the node again.
	require.NotEmpty(t, p.configFile, "node started without a config file")
	return p
}
