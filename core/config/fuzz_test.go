package config

import (
	"errors"
	"strings"
	"testing"
)

// Any CACHES entry either resolves or is refused with ErrConfig; none panics.
func FuzzParseEntry(f *testing.F) {
	for _, seed := range []string{
		`{"LOCATION": "redis://localhost:6379/0"}`,
		`{"BACKEND": "django_redis.cache.RedisCache", "LOCATION": ["redis://a:1/2", "redis://b:2"], "KEY_PREFIX": "svc", "VERSION": 2, "TIMEOUT": null}`,
		`{"LOCATION": "rediss://u:p@h:6380?ssl_cert_reqs=none&socket_timeout=2.5", "TIMEOUT": 1.5}`,
		`{"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"mode": "cluster", "redis_hosts": "a:1,[::1]:2"}}}`,
		`{"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"clustered": "t", "clustered_hosts": "a:1, b"}}}`,
		`{"LOCATION": "unix:///tmp/r.sock?db=3", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"mode": "cluster"}}}`,
		`{"LOCATION": "redis://None:None@None:None", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"ssl": true, "ssl_certfile": "/nonexistent"}}}`,
		`{"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"socket_timeout": "0", "max_connections": "10", "port": "7000"}}}`,
		`{"LOCATION": "redis://h", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"retry": 1, "ssl_password": "x", "read_from_replicas": "1"}}}`,
		`{"LOCATION": "http://u:pw@h", "KEY_FUNCTION": "x.y"}`,
		`{"LOCATION": "redis://[::1]:0/1_0?db=&db=4&protocol=3", "OPTIONS": {"SERIALIZER": "django_redis.serializers.pickle.PickleSerializer"}}`,
		`{"LOCATION": "file://localhost", "OPTIONS": {"CLIENT_CLASS_KWARGS": {"ssl_cert_reqs": 2, "ssl_min_version": "TLSVersion.TLSv1_3", "db": 1e300}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEntry(data)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("ParseEntry: error does not wrap ErrConfig: %v", err)
			}
			return
		}
		if _, err := Resolve(e); err != nil && !errors.Is(err, ErrConfig) {
			t.Fatalf("Resolve: error does not wrap ErrConfig: %v", err)
		}
	})
}

// Any LOCATION either parses or is refused with ErrConfig; a password it
// parses never shows in the message of a LOCATION that is refused later.
func FuzzParseLocation(f *testing.F) {
	for _, seed := range []string{
		"redis://localhost:6379/0", "rediss://u:p@Example.com:6380/1?db=2&ssl=false",
		"redis://[::1]:7000", "unix:///var/run/redis.sock?db=1", "file:///tmp/s",
		"redis://u%40x:p%3Aw@h:0/ 3", "http://u:secret@h", "redis://h:abc?password=qs",
		"redis://[::1", "redis://None:None@None:None", "redis://a@b:c@d:1/+1_0#x", "localhost",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		loc, err := parseLocation(raw)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error does not wrap ErrConfig: %v", err)
			}
			return
		}
		loc.db()
		// The same userinfo with a port that cannot parse must be refused
		// with the same message whatever the password is: it is masked.
		// (A bracket in it would make an IPv6 error instead.)
		if loc.password == "" || strings.ContainsAny(loc.password, "[]") || loc.scheme == "unix" || loc.scheme == "file" {
			return
		}
		refusal := func(password string) string {
			_, err := parseLocation(loc.scheme + "://" + loc.username + ":" + password + "@h:x")
			if err == nil {
				t.Fatalf("port x accepted with password %q", password)
			}
			return err.Error()
		}
		if got, want := refusal(loc.password), refusal("QQQQ"); got != want {
			t.Fatalf("password %q shown: %s", loc.password, got)
		}
	})
}
