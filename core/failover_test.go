package core_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// The socket settings of the fault tests; README's bounds are stated in them.
const (
	faultSocketTimeout  = time.Second
	faultConnectTimeout = time.Second
	faultWorkers        = 4
)

// faultCall is one call of the stream.
type faultCall struct {
	op         string
	onSlot     bool // to the faulted primary's slot
	start, end time.Time
	err        error
}

// faultWorker is one goroutine's keys and what it knows was stored.
type faultWorker struct {
	slotKey, counterKey, otherKey string

	acked     int   // the value of the last acknowledged set of slotKey
	ambiguous []int // values of failed sets after it: any may have landed
	incrAcked int   // acknowledged incr of counterKey
	incrLost  int   // failed incr: each may or may not have been applied
}

// TestClusterPrimaryFault fails the primary of a slot under a stream of
// set, get and incr from several goroutines, without a caller deadline:
// killed (SIGKILL: the node refuses connections at once) and hung (SIGSTOP:
// the kernel still accepts connections, nothing answers). The promises, as
// README states them: no call blocks longer than socket_connect_timeout +
// 2 x socket_timeout; once the cluster has promoted the replica, calls reach
// it within half a second; no acknowledged write is lost and no incr applied
// twice. Each fault hits another shard, so that no replica has to run a
// second election within its cool-down.
func TestClusterPrimaryFault(t *testing.T) {
	hosts := env(t, "RC_TEST_FAILOVER_CLUSTER")
	nodeTimeoutMS, err := strconv.Atoi(env(t, "RC_TEST_FAILOVER_NODE_TIMEOUT_MS"))
	require.NoError(t, err)
	nodeTimeout := time.Duration(nodeTimeoutMS) * time.Millisecond
	faulted := map[string]bool{}
	for _, fault := range []struct {
		name string
		sig  syscall.Signal
	}{{"SIGKILL", syscall.SIGKILL}, {"SIGSTOP", syscall.SIGSTOP}} {
		t.Run(fault.name, func(t *testing.T) {
			runPrimaryFault(t, hosts, nodeTimeout, fault.sig, faulted)
		})
	}
}

// runPrimaryFault faults a primary not in avoid and adds it and its replica
// there.
func runPrimaryFault(t *testing.T, hosts string, nodeTimeout time.Duration, sig syscall.Signal, avoid map[string]bool) {
	addrs := strings.Split(hosts, ",")
	// An earlier run may have swapped roles and only just rejoined.
	clWaitHealthy(t, addrs, 60*time.Second)
	c := open(t, clEntry(t, hosts, "fault-"+strconv.Itoa(int(sig)), map[string]any{
		"socket_connect_timeout": faultConnectTimeout.Seconds(), "socket_timeout": faultSocketTimeout.Seconds(),
	}))
	ctx := context.Background()
	cc := c.Client().(*redis.ClusterClient)
	masterOf := func(key string) string {
		n, err := cc.MasterForKey(ctx, c.MakeKey(key))
		require.NoError(t, err)
		// go-redis blanks loopback hosts of a slot map (":21030").
		if addr := n.Options().Addr; strings.HasPrefix(addr, ":") {
			return "127.0.0.1" + addr
		}
		return n.Options().Addr
	}
	primaryAddr := ""
	for i := 0; primaryAddr == ""; i++ {
		if a := masterOf("pick-" + strconv.Itoa(i)); !avoid[a] {
			primaryAddr = a
		}
	}
	primary := clPlainClient(t, primaryAddr)
	proc := clProcessOf(t, ctx, primary)
	replicaAddr := clReplicaOf(t, ctx, primary)
	replica := clPlainClient(t, replicaAddr)
	avoid[primaryAddr], avoid[replicaAddr] = true, true

	// Keys: each worker has a value and a counter on the faulted shard and a
	// value on another.
	workers := make([]*faultWorker, faultWorkers)
	next := 0
	keyWhere := func(prefix string, onPrimary bool) string {
		for ; ; next++ {
			k := prefix + strconv.Itoa(next)
			if (masterOf(k) == primaryAddr) == onPrimary {
				next++
				return k
			}
		}
	}
	for i := range workers {
		w := &faultWorker{slotKey: keyWhere("value-", true), counterKey: keyWhere("count-", true), otherKey: keyWhere("other-", false)}
		require.NoError(t, c.Set(ctx, w.slotKey, []byte("0"), core.ExpireAfter(time.Hour)))
		require.NoError(t, c.Set(ctx, w.counterKey, []byte("0"), core.ExpireAfter(time.Hour)))
		workers[i] = w
	}
	t.Logf("faulting primary %s (pid %d, config %s) with %s; its replica is %s", primaryAddr, proc.pid, proc.configFile, sig, replicaAddr)

	var mu sync.Mutex
	var calls []faultCall
	record := func(op string, onSlot bool, start time.Time, err error) error {
		mu.Lock()
		calls = append(calls, faultCall{op, onSlot, start, time.Now(), err})
		mu.Unlock()
		return err
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; !stop.Load(); i++ {
				start := time.Now()
				if err := c.Set(ctx, w.slotKey, []byte(strconv.Itoa(i)), core.ExpireAfter(time.Hour)); record("set", true, start, err) == nil {
					w.acked, w.ambiguous = i, nil
				} else {
					w.ambiguous = append(w.ambiguous, i)
				}
				start = time.Now()
				_, _, err := c.Get(ctx, w.slotKey)
				record("get", true, start, err)
				start = time.Now()
				if _, err := c.Incr(ctx, w.counterKey, 1); record("incr", true, start, err) == nil {
					w.incrAcked++
				} else {
					w.incrLost++
				}
				start = time.Now()
				record("set", false, start, c.Set(ctx, w.otherKey, []byte(strconv.Itoa(i)), core.ExpireAfter(time.Hour)))
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // calls before the fault

	faultAt := time.Now()
	require.NoError(t, syscall.Kill(proc.pid, sig))
	t.Cleanup(func() {
		if sig == syscall.SIGSTOP {
			require.NoError(t, syscall.Kill(proc.pid, syscall.SIGCONT))
		} else {
			// Started again exactly as testenv starts it; it daemonizes.
			cmd := exec.Command(proc.executable, proc.configFile)
			cmd.Dir = proc.cwd
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "restarting %s: %s", primaryAddr, out)
		}
		clWaitHealthy(t, addrs, 60*time.Second)
		role, err := clPlainClient(t, primaryAddr).Info(ctx, "replication").Result()
		require.NoError(t, err)
		require.Equal(t, "slave", clInfoField(role, "role"), "the old primary should rejoin as a replica")
	})

	promotionLimit := nodeTimeout + 10*time.Second
	var promoted time.Time
	for time.Since(faultAt) < promotionLimit {
		if r, err := replica.Do(ctx, "ROLE").Slice(); err == nil && len(r) > 0 && r[0] == "master" {
			promoted = time.Now()
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.False(t, promoted.IsZero(), "replica %s not promoted within %v", replicaAddr, promotionLimit)

	// Recovered: the first call to the slot that began after the fault and
	// succeeded, which only the new primary can answer.
	var recovered time.Time
	for waitUntil := time.Now().Add(10 * time.Second); recovered.IsZero() && time.Now().Before(waitUntil); {
		mu.Lock()
		for _, o := range calls {
			if o.onSlot && o.start.After(faultAt) && o.err == nil && (recovered.IsZero() || o.end.Before(recovered)) {
				recovered = o.end
			}
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second) // calls after recovery
	stop.Store(true)
	wg.Wait()

	failed := map[bool]int{}
	total := map[bool]int{}
	kinds := map[string]int{}
	var longest time.Duration
	var lateFailures []string
	for _, o := range calls {
		total[o.onSlot]++
		if d := o.end.Sub(o.start); d > longest {
			longest = d
		}
		if o.err == nil {
			continue
		}
		failed[o.onSlot]++
		kinds[faultKind(o.err)]++
		if !recovered.IsZero() && o.start.After(recovered.Add(200*time.Millisecond)) {
			lateFailures = append(lateFailures, fmt.Sprintf("%v after recovery: %v", o.start.Sub(recovered), o.err))
		}
	}
	var kindLines []string
	for k, n := range kinds {
		kindLines = append(kindLines, fmt.Sprintf("%dx %s", n, k))
	}
	sort.Strings(kindLines)
	t.Logf("%s: promotion %v after the fault (node timeout %v); calls reached the new primary %v after the fault, %v after the promotion",
		sig, promoted.Sub(faultAt).Round(time.Millisecond), nodeTimeout, recovered.Sub(faultAt).Round(time.Millisecond), recovered.Sub(promoted).Round(time.Millisecond))
	t.Logf("%s: failed calls %d of %d to the faulted shard, %d of %d to another; longest call %v; errors: %s",
		sig, failed[true], total[true], failed[false], total[false], longest.Round(time.Millisecond), strings.Join(kindLines, "; "))

	sort.Slice(calls, func(i, j int) bool { return calls[i].end.Sub(calls[i].start) > calls[j].end.Sub(calls[j].start) })
	for _, o := range calls[:3] {
		t.Logf("%s: slow call: %s (faulted shard %v) from %v to %v after the fault: %v", sig, o.op, o.onSlot,
			o.start.Sub(faultAt).Round(time.Millisecond), o.end.Sub(faultAt).Round(time.Millisecond), o.err)
	}
	require.False(t, recovered.IsZero(), "no call reached the new primary within 10 s of the promotion")
	require.LessOrEqual(t, longest, faultConnectTimeout+2*faultSocketTimeout+200*time.Millisecond, "a call blocked past the bound")
	require.LessOrEqual(t, recovered.Sub(promoted), 500*time.Millisecond, "calls reached the new primary too long after the promotion")
	require.Empty(t, lateFailures, "calls failed after recovery")

	// Nothing acknowledged lost, no incr applied twice, read by a client of
	// its own.
	check := open(t, clEntry(t, hosts, "fault-"+strconv.Itoa(int(sig)), nil))
	for _, w := range workers {
		v, ok, err := check.Get(ctx, w.slotKey)
		require.NoError(t, err)
		require.True(t, ok, "%s is gone", w.slotKey)
		got, err := strconv.Atoi(string(v))
		require.NoError(t, err)
		require.Contains(t, append([]int{w.acked}, w.ambiguous...), got,
			"%s holds %d: the last acknowledged set was %d, failed ones after it %v", w.slotKey, got, w.acked, w.ambiguous)
		v, _, err = check.Get(ctx, w.counterKey)
		require.NoError(t, err)
		n, err := strconv.Atoi(string(v))
		require.NoError(t, err)
		require.GreaterOrEqual(t, n, w.incrAcked, "%s lost acknowledged incr", w.counterKey)
		require.LessOrEqual(t, n, w.incrAcked+w.incrLost, "%s: an incr was applied twice", w.counterKey)
	}
}

// faultKind is an error without the parts that vary from call to call.
func faultKind(err error) string {
	switch {
	case errors.Is(err, core.ErrConnection):
		_, cause, _ := strings.Cut(err.Error(), core.ErrConnection.Error()+": ")
		return "connection: " + strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '#'
			}
			return r
		}, cause)), " ")
	default:
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return msg
	}
}

// faultServer starts a standalone redis-server of the test's own, to stop
// and resume without disturbing the shared servers.
func faultServer(t *testing.T) (addr string, pid int) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr = l.Addr().String()
	require.NoError(t, l.Close())
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	require.NoError(t, cmd.Start(), "redis-server must be on PATH (testenv installs it)")
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	rdb := clPlainClient(t, addr)
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(context.Background()).Err() != nil; {
		require.True(t, time.Now().Before(deadline), "redis-server on %s did not start", addr)
		time.Sleep(20 * time.Millisecond)
	}
	return addr, cmd.Process.Pid
}

// A hung standalone server costs each call in flight one socket timeout;
// after that one trial call at a time waits for it and the others fail at
// once, and the first call after it resumes is served.
func TestStandaloneHungServer(t *testing.T) {
	const socketTimeout = 500 * time.Millisecond
	addr, pid := faultServer(t)
	c := open(t, entry("redis://"+addr+"/0", "hung", map[string]any{
		"socket_timeout": socketTimeout.Seconds(), "socket_connect_timeout": socketTimeout.Seconds(),
	}))
	ctx := context.Background()
	require.NoError(t, c.Set(ctx, "k", []byte("kept"), core.NeverExpire))

	require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP))
	const hung = 2 * time.Second
	var mu sync.Mutex
	var slow, fast int
	kinds := map[string]int{}
	var longest time.Duration
	var wg sync.WaitGroup
	for range faultWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for end := time.Now().Add(hung); time.Now().Before(end); {
				start := time.Now()
				_, _, err := c.Get(ctx, "k")
				d := time.Since(start)
				mu.Lock()
				if err == nil {
					t.Errorf("a get succeeded on a stopped server")
				} else {
					require.ErrorIs(t, err, core.ErrConnection)
				}
				if err != nil {
					kinds[faultKind(err)]++
				}
				if d > socketTimeout/2 {
					slow++
				} else {
					fast++
				}
				longest = max(longest, d)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	t.Logf("while hung for %v: %d calls waited a socket timeout, %d failed at once; longest %v; errors: %v", hung, slow, fast, longest, kinds)
	require.LessOrEqual(t, longest, 3*socketTimeout+100*time.Millisecond, "a call blocked past connect + 2 x socket timeout")
	// The calls in flight at the fault, then one trial per socket timeout.
	require.LessOrEqual(t, slow, faultWorkers+int(hung/socketTimeout)+1, "calls kept waiting for the hung server")
	require.Positive(t, fast)

	require.NoError(t, syscall.Kill(pid, syscall.SIGCONT))
	resumed := time.Now()
	for {
		v, ok, err := c.Get(ctx, "k")
		if err == nil {
			require.True(t, ok)
			require.Equal(t, "kept", string(v))
			break
		}
		require.Less(t, time.Since(resumed), socketTimeout+200*time.Millisecond, "not served again after the server resumed: %v", err)
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("served again %v after the server resumed", time.Since(resumed))
}
