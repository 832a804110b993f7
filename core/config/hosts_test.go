package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHostsParse(t *testing.T) {
	cases := []struct {
		name, list string
		want       []Node
	}{
		{"one", "a:1", []Node{{"a", 1}}},
		{"two", "a:1,b:1", []Node{{"a", 1}, {"b", 1}}},
		{"fqdn and ipv4", "redis-0.redis.svc.cluster.local:7000,10.0.0.1:7001",
			[]Node{{"redis-0.redis.svc.cluster.local", 7000}, {"10.0.0.1", 7001}}},
		{"ipv6 in brackets", "[::1]:7000,[fe80::1]:7001", []Node{{"::1", 7000}, {"fe80::1", 7001}}},
		// The reference reads the port with int().
		{"port as python int", "a:+1,b:1_0", []Node{{"a", 1}, {"b", 10}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nodes, err := parseHosts("redis_hosts", c.list)
			require.NoError(t, err)
			require.Equal(t, c.want, nodes)
		})
	}
}

// Every malformed entry is named, so one look at the error fixes the list.
func TestHostsErrors(t *testing.T) {
	cases := []struct {
		name    string
		value   any
		inError []string
	}{
		{"true", true, []string{"a boolean"}},
		{"number", 1.0, []string{"a number"}},
		{"list", []any{"a:1"}, []string{"a list"}},
		{"port not a number", "a:b", []string{`"a:b"`}},
		{"no ports", "a,b,c", []string{`"a"`, `"b"`, `"c"`}},
		{"good and bad mixed", "a:1,b,c:x,d:2", []string{`"b"`, `"c:x"`}},
		{"spaces after commas", "a:1, b:2", []string{`" b:2"`}},
		{"trailing comma", "a:1,", []string{`""`}},
		{"bare ipv6", "::1:7000", []string{`"::1:7000"`}},
		{"bracketed ipv6 without port", "[::1]", []string{`"[::1]"`}},
		{"port zero", "a:0", []string{`"a:0"`, "out of range"}},
		{"port too high", "a:65536", []string{`"a:65536"`}},
		{"empty port", "a:", []string{`"a:"`}},
		{"hostname with underscore", "my_host:1", []string{`"my_host:1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseHosts("clustered_hosts", c.value)
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrConfig), "%v", err)
			require.Contains(t, err.Error(), "clustered_hosts")
			for _, s := range c.inError {
				require.Contains(t, err.Error(), s)
			}
		})
	}
}

// The error names only the bad entries, not the good ones.
func TestHostsErrorsNameOnlyBadEntries(t *testing.T) {
	_, err := parseHosts("redis_hosts", "good:1,bad")
	require.Error(t, err)
	require.Contains(t, err.Error(), `"bad" (`)
	require.NotContains(t, err.Error(), `"good:1" (`)
}

// Someone who pastes a URL into the host list may paste its password too.
func TestHostsErrorsMaskUserinfo(t *testing.T) {
	_, err := parseHosts("redis_hosts", "a:1,redis://:secret@h:7000")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret")
	require.Contains(t, err.Error(), masked+"@h:7000")
}
