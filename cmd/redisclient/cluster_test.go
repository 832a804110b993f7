package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// privateCluster is a 3-primary, 3-replica cluster of this test's own, on
// RC_TEST_PORT_BASE+60..65: the shared test clusters serve tests running
// at the same time, and a node cannot be stopped under them.
type privateCluster struct {
	t     *testing.T
	addrs []string
	procs map[string]*exec.Cmd
}

// The ports after the shared servers' (base+0..42), with bus ports
// (+10000) below the kernel's ephemeral range.
const (
	privateClusterOffset = 60
	privateNodeTimeoutMS = 1000
	portLimit            = 32768
)

func startPrivateCluster(t *testing.T) *privateCluster {
	t.Helper()
	base := 21000 // redis-env.sh's default
	if s := os.Getenv("RC_TEST_PORT_BASE"); s != "" {
		var err error
		base, err = strconv.Atoi(s)
		require.NoError(t, err, "RC_TEST_PORT_BASE")
	}
	dir := t.TempDir()
	pc := &privateCluster{t: t, procs: map[string]*exec.Cmd{}}
	t.Cleanup(pc.stop) // before the TempDir's removal: cleanups run last first
	for i := range 6 {
		port := base + privateClusterOffset + i
		require.Less(t, port+10000, portLimit, "cluster bus port of %d", port)
		for _, p := range []int{port, port + 10000} {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			require.NoError(t, err, "port %d for the private cluster is taken", p)
			l.Close()
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		nodeDir := filepath.Join(dir, strconv.Itoa(port))
		require.NoError(t, os.Mkdir(nodeDir, 0o700))
		cmd := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--dir", nodeDir, "--save", "", "--appendonly", "no", "--logfile", filepath.Join(nodeDir, "log"),
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", strconv.Itoa(privateNodeTimeoutMS), "--repl-diskless-sync-delay", "0")
		require.NoError(t, cmd.Start())
		pc.procs[addr] = cmd
		pc.addrs = append(pc.addrs, addr)
	}
	for _, a := range pc.addrs {
		pc.waitFor(a+" answering", func() bool { return pc.cli(a, "ping") == "PONG" })
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "redis-cli", append(append([]string{"--cluster", "create"}, pc.addrs...),
		"--cluster-replicas", "1", "--cluster-yes")...).CombinedOutput()
	require.NoError(t, err, "redis-cli --cluster create: %s", out)
	// create returns before the cluster is usable: every node ok and
	// knowing all six, every replica's link up, and check agreeing.
	pc.waitFor("the cluster ready", func() bool {
		replicas := 0
		for _, a := range pc.addrs {
			info := pc.cli(a, "cluster", "info")
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:6") {
				return false
			}
			if repl := pc.cli(a, "info", "replication"); strings.Contains(repl, "role:slave") {
				if !strings.Contains(repl, "master_link_status:up") {
					return false
				}
				replicas++
			}
		}
		check := exec.Command("redis-cli", "--cluster", "check", pc.addrs[0])
		return replicas == 3 && check.Run() == nil
	})
	return pc
}

// cli is redis-cli's answer from addr, "" when it fails.
func (pc *privateCluster) cli(addr string, args ...string) string {
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command("redis-cli", append([]string{"-h", host, "-p", port}, args...)...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(string(out), "\r", ""))
}

func (pc *privateCluster) waitFor(what string, ok func() bool) {
	pc.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		require.True(pc.t, time.Now().Before(deadline), "waiting for %s", what)
		time.Sleep(100 * time.Millisecond)
	}
}

// role finds the nodes of a role ("master" or "slave") in CLUSTER NODES:
// redis-cli, not port order, pairs primaries and replicas.
func (pc *privateCluster) role(role string) (addrs, primaryIDs []string, ids map[string]string) {
	ids = map[string]string{}
	for _, line := range strings.Split(pc.cli(pc.addrs[0], "cluster", "nodes"), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		ids[f[0]] = addr
		if strings.Contains(f[2], role) {
			addrs = append(addrs, addr)
			primaryIDs = append(primaryIDs, f[3])
		}
	}
	return addrs, primaryIDs, ids
}

// kill stops a node at once.
func (pc *privateCluster) kill(addr string) {
	cmd := pc.procs[addr]
	require.NotNil(pc.t, cmd, addr)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	delete(pc.procs, addr)
}

func (pc *privateCluster) stop() {
	for addr := range pc.procs {
		pc.kill(addr)
	}
}

func (pc *privateCluster) entry(t *testing.T) string {
	return entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s", "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"mode": "cluster", "redis_hosts": %q, "socket_timeout": 2}}}`,
		pc.addrs[0], strings.Join(pc.addrs, ",")))
}

// A cluster whose replica died still serves: degraded, exit 3, as
// django-ansible-base's get_redis_status says when a node is flagged
// fail. With the primary of that replica dead too, the shard is lost and
// the cluster is down: failed, exit 4.
func TestHealthDegradedCluster(t *testing.T) {
	pc := startPrivateCluster(t)
	f := pc.entry(t)
	r := cli(t, "", nil, "--entry", f, "health")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "status  good")

	replicas, primaryIDs, ids := pc.role("slave")
	require.Len(t, replicas, 3)
	replica, primary := replicas[0], ids[primaryIDs[0]]
	pc.kill(replica)
	// The replica is flagged fail? by the node asked a node timeout after
	// it stopped answering, and fail once the primaries agree: both
	// degrade, as the reference's 'fail' in flags has it.
	pc.waitFor("health degraded", func() bool {
		r = cli(t, "", nil, "--entry", f, "health", "--json")
		return r.code == exitDegraded
	})
	require.Contains(t, r.stdout, `"status": "degraded"`)
	require.Contains(t, r.stdout, `"cluster_state": "ok"`)
	require.Regexp(t, `"addr": "`+replica+`",\s*"flags": \[[^\]]*"fail\??"`, r.stdout)

	// Degraded still serves: the keys commands work.
	r = cli(t, "", nil, "--entry", f, "set", "k", `"v"`)
	require.Equal(t, exitOK, r.code, r.stderr)
	r = cli(t, "", nil, "--entry", f, "keys")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, "k\n", r.stdout)

	pc.kill(primary)
	pc.waitFor("health failed", func() bool {
		r = cli(t, "", nil, "--entry", f, "health")
		return r.code == exitFailed
	})
	require.Contains(t, r.stdout, "status  failed")
}
