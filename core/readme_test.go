package core_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core"
)

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// README's Go snippet is Example's body, so that it runs as written.
func TestReadmeGoSnippetIsExample(t *testing.T) {
	m := regexp.MustCompile("(?s)## Go usage\n.*?```go\n(.*?)```").FindStringSubmatch(readme(t))
	if m == nil {
		t.Fatal("README.md: no go snippet under ## Go usage")
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`(?s)\nfunc Example\(\) \{\n(.*?)\n\t// Output:`).FindSubmatch(src)
	if body == nil {
		t.Fatal("example_test.go: no Example")
	}
	var lines []string
	for _, l := range strings.Split(string(body[1]), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	if want := strings.Join(lines, "\n") + "\n"; m[1] != want {
		t.Errorf("README.md's Go snippet differs from Example in example_test.go:\n%s\nwant:\n%s", m[1], want)
	}
}

// The names README lists as "accepted but ignored" are exactly the ones
// Resolve reports in Options.Ignored, in each mode, for an entry that sets
// every key of README's CLIENT_CLASS_KWARGS table as well.
func TestReadmeIgnoredOptions(t *testing.T) {
	text := readme(t)
	m := regexp.MustCompile(`(?s)\*\*Accepted but ignored\*\*(.*?)\n\n`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("README.md: no **Accepted but ignored** paragraph")
	}
	paragraph := strings.Join(strings.Fields(m[1]), " ")
	always, cluster, ok := strings.Cut(paragraph, "in cluster mode,")
	if !ok {
		t.Fatal(`README.md: the paragraph no longer says "in cluster mode,"`)
	}
	clusterOnly, standalone, ok := strings.Cut(cluster, "In standalone mode")
	if !ok {
		t.Fatal(`README.md: the paragraph no longer says "In standalone mode"`)
	}
	names := func(text string) []string {
		var out []string
		for _, n := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(text, -1) {
			out = append(out, n[1])
		}
		sort.Strings(out)
		return out
	}
	table := regexp.MustCompile(`(?s)\| Key \| redis-py \|.*?\n\n`).FindString(text)
	var tableKeys []string
	for _, row := range strings.Split(table, "\n")[2:] {
		if cells := strings.Split(row, "|"); len(cells) > 2 {
			tableKeys = append(tableKeys, names(cells[1])...)
		}
	}
	if len(tableKeys) < 20 {
		t.Fatalf("README.md: found only %v in the CLIENT_CLASS_KWARGS table", tableKeys)
	}
	values := map[string]any{
		"host": "127.0.0.1", "port": 7000, "username": "u", "password": "p", "db": 0,
		"socket_timeout": 1, "socket_connect_timeout": 1, "socket_keepalive": true,
		"retry_on_timeout": true, "max_connections": 5, "health_check_interval": 0,
		"client_name": "c", "protocol": 2, "socket_read_size": 1024, "ssl": false,
		"ssl_certfile": "", "ssl_keyfile": "", "ssl_ca_certs": "", "ssl_cert_reqs": "required",
		"ssl_check_hostname": true, "ssl_min_version": "TLSv1_2",
		"read_from_replicas": true, "cluster_error_retry_attempts": 3,
		"encoding": "utf-8", "encoding_errors": "strict", "decode_responses": false,
		"lib_name": "redis-py", "lib_version": "5",
		"require_full_coverage": true, "reinitialize_steps": 5, "dynamic_startup_nodes": true,
		"redis_hosts": "127.0.0.1:7000", "clustered_hosts": "127.0.0.1:7000",
	}
	// Settings a single entry cannot combine with the others.
	skip := map[string]bool{"mode": true, "clustered": true, "redis_hosts": true, "clustered_hosts": true, "unix_socket_path": true}
	resolve := func(mode string, keys []string) []string {
		t.Helper()
		kwargs := map[string]any{"mode": mode}
		for _, k := range keys {
			v, ok := values[k]
			if !ok {
				t.Fatalf("README.md names %s; give the test a value for it", k)
			}
			kwargs[k] = v
		}
		o, err := core.Resolve(core.Entry{Location: "redis://127.0.0.1:7000/0", Options: core.EntryOptions{
			ClientClass: "ansible_base.lib.redis.RedisClient", ClientClassKwargs: kwargs}})
		if err != nil {
			t.Fatalf("%s mode, %v: %v", mode, keys, err)
		}
		return o.Ignored
	}
	var every []string
	for _, k := range append(tableKeys, append(names(always), names(clusterOnly)...)...) {
		if !skip[k] && !slices.Contains(every, k) {
			every = append(every, k)
		}
	}

	listed := append(names(always), names(clusterOnly)...)
	sort.Strings(listed)
	if got := resolve(core.ModeCluster, append(slices.Clone(every), "redis_hosts")); !slices.Equal(got, listed) {
		t.Errorf("cluster mode: README lists %v as ignored, Resolve reports %v", listed, got)
	}
	// In standalone mode, the cluster-only keys of the table too, and the
	// hosts setting.
	for _, hosts := range names(standalone) {
		got := resolve(core.ModeStandalone, append(slices.Clone(every), hosts))
		want := append(slices.Clone(listed), hosts, "cluster_error_retry_attempts", "read_from_replicas")
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("standalone mode with %s: README's list gives %v as ignored, Resolve reports %v", hosts, want, got)
		}
	}
}
