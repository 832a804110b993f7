package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The expected splits below were taken from Python 3.11's urllib.parse.urlparse
// and parse_qs, which django-ansible-base reads LOCATION with.
func TestLocationParse(t *testing.T) {
	type db struct {
		n  int
		ok bool
	}
	cases := []struct {
		name, raw                        string
		scheme, host, username, password string
		port                             int
		path                             string
		db                               db
		query                            []queryParam
	}{
		{name: "full", raw: "redis://my_mom:her_pass@example.com:1234/1",
			scheme: "redis", host: "example.com", port: 1234, username: "my_mom", password: "her_pass", path: "/1", db: db{1, true}},
		{name: "scheme any case", raw: "REDIS://h", scheme: "redis", host: "h"},
		{name: "rediss", raw: "rediss://h:6380", scheme: "rediss", host: "h", port: 6380},
		{name: "host lower-cased", raw: "redis://Example.COM", scheme: "redis", host: "example.com"},
		{name: "port 0 is absent", raw: "redis://h:0", scheme: "redis", host: "h"},
		{name: "empty port is absent", raw: "redis://h:", scheme: "redis", host: "h"},
		{name: "highest port", raw: "redis://h:65535", scheme: "redis", host: "h", port: 65535},
		{name: "ipv6", raw: "redis://[::1]:6380/2", scheme: "redis", host: "::1", port: 6380, path: "/2", db: db{2, true}},
		{name: "ipv6 without port", raw: "redis://[::1]", scheme: "redis", host: "::1"},
		{name: "userinfo not percent-decoded", raw: "redis://u%40x:p%3Aw@h:1",
			scheme: "redis", host: "h", port: 1, username: "u%40x", password: "p%3Aw"},
		{name: "password holds a colon", raw: "redis://u:p:q@h", scheme: "redis", host: "h", username: "u", password: "p:q"},
		{name: "last @ ends userinfo", raw: "redis://a@b:p@h:5", scheme: "redis", host: "h", port: 5, username: "a@b", password: "p"},
		{name: "password only", raw: "redis://:her_pass@example.com/", scheme: "redis", host: "example.com", password: "her_pass", path: "/"},
		{name: "username only", raw: "redis://my_mom@example.com/", scheme: "redis", host: "example.com", username: "my_mom", path: "/"},
		{name: "db with spaces", raw: "redis://h/ 3", scheme: "redis", host: "h", path: "/ 3", db: db{3, true}},
		{name: "db with sign", raw: "redis://h/+3", scheme: "redis", host: "h", path: "/+3", db: db{3, true}},
		{name: "db with underscore", raw: "redis://h/1_0", scheme: "redis", host: "h", path: "/1_0", db: db{10, true}},
		{name: "db double underscore", raw: "redis://h/1__0", scheme: "redis", host: "h", path: "/1__0"},
		{name: "db not a number", raw: "redis://example.com:1234/a", scheme: "redis", host: "example.com", port: 1234, path: "/a"},
		{name: "db percent-encoded is not decoded", raw: "redis://h/%33", scheme: "redis", host: "h", path: "/%33"},
		{name: "db first segment", raw: "redis://h/3/4", scheme: "redis", host: "h", path: "/3/4", db: db{3, true}},
		{name: "negative db is still an int", raw: "redis://h/-1", scheme: "redis", host: "h", path: "/-1", db: db{-1, true}},
		{name: "query decoded, blanks dropped, order kept", raw: "redis://h?db=%33&x=&y&db=4",
			scheme: "redis", host: "h", query: []queryParam{{"db", "3"}, {"db", "4"}}},
		{name: "fragment dropped", raw: "redis://h/1#frag?x=1", scheme: "redis", host: "h", path: "/1", db: db{1, true}},
		{name: "unix", raw: "unix:///var/temp/my.socket?db=junk", scheme: "unix", path: "/var/temp/my.socket",
			query: []queryParam{{"db", "junk"}}},
		{name: "file", raw: "file:///var/temp/my.socket", scheme: "file", path: "/var/temp/my.socket"},
		{name: "unix without slashes", raw: "unix:/tmp/s", scheme: "unix", path: "/tmp/s"},
		{name: "seed with host and port set", raw: "redis://None:None@redis.example:6379",
			scheme: "redis", host: "redis.example", port: 6379, username: "None", password: "None"},
		// An '@' is refused after the host only where a cut-short password
		// puts it: a query value or a unix path of its own may hold one.
		{name: "query value holds an @", raw: "redis://h/0?password=p@ss&client_name=a@b", scheme: "redis", host: "h",
			path: "/0", db: db{0, true}, query: []queryParam{{"password", "p@ss"}, {"client_name", "a@b"}}},
		{name: "unix path holds an @", raw: "unix:///run/redis@main.sock", scheme: "unix", path: "/run/redis@main.sock"},
		{name: "unix path holds an @ after a userinfo", raw: "unix://u:p@/run/redis@main.sock", scheme: "unix",
			username: "u", password: "p", path: "/run/redis@main.sock"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc, err := parseLocation(c.raw)
			require.NoError(t, err)
			require.Equal(t, c.scheme, loc.scheme)
			require.Equal(t, c.host, loc.host)
			require.Equal(t, c.port, loc.port)
			require.Equal(t, c.username, loc.username)
			require.Equal(t, c.password, loc.password)
			require.Equal(t, c.path, loc.path)
			require.Equal(t, c.query, loc.query)
			n, ok := loc.db()
			require.Equal(t, c.db, db{n, ok})
		})
	}
}

// Every refused LOCATION names the URL with its password masked, whether the
// password sits in the userinfo or in the query.
func TestLocationErrors(t *testing.T) {
	cases := []struct {
		name, raw, password, inError string
	}{
		{"http scheme", "http://u:secret1@h", "secret1", "scheme"},
		{"no scheme", "localhost", "", "scheme"},
		{"scheme without colon-slashes", "://u:secret1@h", "secret1", "scheme"},
		{"empty", "", "", "scheme"},
		{"port not a number", "redis://u:secret1@h:abc", "secret1", "h:abc"},
		{"negative port", "redis://h:-1", "", "h:-1"},
		{"signed port", "redis://h:+5", "", "h:+5"},
		{"spaced port", "redis://h: 5", "", "h: 5"},
		{"port out of range", "rediss://u:secret1@h:65536", "secret1", "out of range"},
		{"unclosed ipv6", "redis://u:secret1@[::1:6379", "secret1", "IPv6"},
		{"query password, bad scheme", "http://h?db=1&password=qsecret1", "qsecret1", "scheme"},
		{"query password, bad port", "redis://h:9x?password=qsecret1&db=2", "qsecret1", "port"},
		{"query password any case", "redis://u@h:9x?PassWord=qsecret1", "qsecret1", "h:9x"},
		// Without an '@', a port that is not digits may be a password whose
		// host was left out: only the host is shown.
		{"password without its host", "redis://:secret1", "secret1", `"redis://:` + masked + `"`},
		{"user and password without the host", "rediss://u:secret1/0", "secret1", `"rediss://u:` + masked + `"`},
		{"bad percent-encoding", "redis://u:secret1@h?db=%zz", "secret1", "percent-encoding"},
		{"both passwords", "ftp://u:secret1@h?password=qsecret1", "secret1", "scheme"},
		// The seed's LOCATION when its environment variables are unset;
		// urlparse raises ValueError for the port "None" too.
		{"seed with variables unset", "redis://None:None@None:None", "", "port"},
		// A password holding '/', '?' or '#' ends the netloc early, so
		// urlparse reads a piece of it as the port (or the host, when it also
		// holds an '@'): refused, with the password masked whole.
		{"unencoded slash in password", "redis://u:secret1/x@h:6379", "secret1", "an '@' after the host"},
		{"unencoded hash in password", "redis://u:secret1#x@h:6379", "secret1", "an '@' after the host"},
		{"unencoded question mark in password", "redis://u:secret1?x@h:6379", "secret1", "an '@' after the host"},
		{"digits before the slash", "redis://u:12/secret1@h:6379", "secret1", `"redis://u:` + masked + `@h:6379"`},
		{"@ and slash in password", "redis://:se@cret1/x@h", "cret1", "an '@' after the host"},
		{"slash in a unix password", "unix://:secret1/x@/tmp/r.sock", "secret1", "an '@' after the host"},
		{"@ in the fragment", "redis://:12#secret1@h", "secret1", "an '@' after the host"},
		{"@ in a query name", "redis://:12?secret1@h", "secret1", "an '@' after the host"},
		{"@ in the value of no keyword", "redis://:12?secret1=x@h", "secret1", "an '@' after the host"},
		{"@ in a unix path after a netloc", "unix://localhost/run/secret1@x", "", "an '@' after the host"},
		// Without "scheme://" the whole LOCATION is shown masked.
		{"no scheme, user and password", "rcuser:secret1@h:6379", "secret1", `"` + masked + `@h:6379"`},
		{"no scheme, password only", ":secret1@h:6379", "secret1", `"` + masked + `@h:6379"`},
		{"no scheme, userinfo without colon", "secret1@h:6379", "secret1", `"` + masked + `@h:6379"`},
		{"no scheme, slash in password", "rcuser:secret1/x@h:6379", "secret1", `"` + masked + `@h:6379"`},
		{"no scheme, no host", "rcuser:secret1", "secret1", `"rcuser:` + masked + `"`},
		{"no scheme, query password", "h:6379?password=secret1", "secret1", "scheme"},
		{"single slash", "redis:/u:secret1@h", "secret1", "an '@'"},
		// Tabs and newlines are dropped by urlsplit before it splits.
		{"tab inside the slashes", "redis:/\t/u:secret1@h:abc", "secret1", "h:abc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseLocation(c.raw)
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrConfig), "%v", err)
			msg := err.Error()
			require.Contains(t, msg, "LOCATION")
			require.Contains(t, msg, c.inError)
			if c.password != "" {
				require.NotContains(t, msg, c.password)
				require.Contains(t, msg, masked)
			}
		})
	}
}

func TestLocationRedactURL(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"redis://u:pw@h:1/0", "redis://u:" + masked + "@h:1/0"},
		{"redis://:pw@h", "redis://:" + masked + "@h"},
		{"redis://u@h", "redis://u@h"},
		{"redis://u:p@ss@h", "redis://u:" + masked + "@h"},
		{"redis://h?password=pw&db=1", "redis://h?password=" + masked},
		{"redis://h?db=1&password=pw#x", "redis://h?db=1&password=" + masked},
		{"redis://h?db=1&password=p?w#p@w", "redis://h?db=1&password=" + masked},
		{"redis://h?pass%77ord=pw", "redis://h?pass%77ord=" + masked},
		{"redis://h?PASSWORD=pw&x=%zz", "redis://h?PASSWORD=" + masked},
		{"redis://h?x=%zz&PASSWORD=pw", "redis://h?x=%zz&PASSWORD=" + masked},
		{"localhost", "localhost"},
		{"localhost:6379/0", "localhost:6379/0"},
		{"redis://[::1]:6379", "redis://[::1]:6379"},
		{"pw@h", masked + "@h"},
		{"u:pw@h", masked + "@h"},
		{"pw@pw:pw@h", masked + "@h"},
		{"//u:pw@h", "//u:" + masked + "@h"},
		{"redis://u:pw/pw@h", "redis://u:" + masked + "@h"},
		{"redis://:pw", "redis://:" + masked},
		{"redis://[::1]:pw", "redis://[::1]:" + masked},
		{"u:pw", "u:" + masked},
		{"redis://h/0?password=pw@pw&db=1", "redis://h/0?password=" + masked},
		{"redis://u:p?w@h?password=pw", "redis://u:" + masked + "@h?password=" + masked},
		{"redis://a:pw@h,redis://b:pw@h", "redis://a:" + masked + "@h"},
	}
	for _, c := range cases {
		got := redactURL(c.raw)
		require.Equal(t, c.want, got)
		require.False(t, strings.Contains(got, "pw"), got)
	}
}
