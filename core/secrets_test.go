package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/internal/secrettest"
	"github.com/stretchr/testify/require"
)

// Canary passwords: one of each character that can cut a URL short or be
// read specially ('/', '?', '#', '@', ':', '%'), and some with several.
// Their pieces hold no hex digits only, so that no printed pointer matches.
var canaries = []string{
	"CaNaRy-Qx7fZ",
	"CaNaRy/Qx7fZ", "CaNaRy?Qx7fZ", "CaNaRy#Qx7fZ", "CaNaRy@Qx7fZ", "CaNaRy:Qx7fZ", "CaNaRy%Qx7fZ",
	"CaNaRy%2FQx7fZ",
	"CaNaRy@Qx7fZ/Vb3eK", "CaNaRy/Qx7fZ@Vb3eK", "CaNaRy?Qx7fZ#Vb3eK@Mu9tP", "CaNaRy@Qx7fZ:Vb3eK%40",
	"12/CaNaRy@Qx7fZ",
}

// secretEntries are entries that hold p, for the ACL server at acl, in every
// place a password can be written, well or badly.
func secretEntries(t *testing.T, p string) map[string]core.Entry {
	acl := env(t, "RC_TEST_ACL")
	user := env(t, "RC_TEST_ACL_USER")
	es := map[string]core.Entry{}
	for name, location := range map[string]string{
		"url":                   "redis://" + user + ":" + p + "@" + acl,
		"url, password only":    "redis://:" + p + "@" + acl,
		"no scheme":             user + ":" + p + "@" + acl,
		"no scheme, no user":    ":" + p + "@" + acl,
		"no scheme, no colon":   p + "@" + acl,
		"other scheme":          "http://" + user + ":" + p + "@" + acl,
		"no host":               "redis://:" + p,
		"no scheme, no host":    user + ":" + p,
		"unix":                  "unix://" + user + ":" + p + "@/nonexistent/redis.sock",
		"bad port":              "redis://" + user + ":" + p + "@127.0.0.1:x",
		"bad db in query":       "redis://" + user + ":" + p + "@" + acl + "/0?db=x",
		"query, encoded":        "redis://" + acl + "/0?username=" + user + "&password=" + url.QueryEscape(p),
		"query, as written":     "redis://" + acl + "/0?username=" + user + "&password=" + p,
		"query, bad port":       "redis://127.0.0.1:x?password=" + url.QueryEscape(p),
		"comma list":            "redis://" + user + ":" + p + "@" + acl + ",redis://" + user + ":" + p + "@127.0.0.1:1",
		"list, encoded in path": "redis://" + user + ":" + url.PathEscape(p) + "@" + acl,
	} {
		// Written without its host, a password holding an '@' is a
		// password and a host: nothing can tell them apart.
		if strings.Contains(name, "no host") && strings.Contains(p, "@") {
			continue
		}
		es["LOCATION "+name] = entry(location, "secrets", nil)
	}
	// The TLS server has no such user: AUTH fails after the handshake.
	es["LOCATION rediss url"] = entry("rediss://"+user+":"+p+"@"+env(t, "RC_TEST_TLS"), "secrets", tlsKwargs(t))
	base := "redis://" + acl
	for name, kwargs := range map[string]kw{
		"kwargs password":              {"username": user, "password": p},
		"kwargs password, bad port":    {"password": p, "port": "junk"},
		"kwargs password, unknown key": {"password": p, "no_such_key": 1},
		"kwargs PASSWORD":              {"PASSWORD": p},
		"kwargs ssl_password":          {"ssl": true, "ssl_password": p},
		"kwargs nested password":       {"password": p, "connection_pool_kwargs": map[string]any{"password": p, "old_passwords": []any{p}}},
		"kwargs url":                   {"url": "redis://:" + p + "@" + acl},
		"kwargs password, dev zero CA": {"password": p, "ssl": true, "ssl_ca_certs": "/dev/zero"},
		"cluster hosts as URLs": {"mode": "cluster", "password": p,
			"redis_hosts": "redis://:" + p + "@127.0.0.1:16999,redis://" + user + ":" + p + "@" + acl},
		"cluster hosts, db": {"mode": "cluster", "redis_hosts": "127.0.0.1:7000", "db": 2, "password": p},
		// The cluster knows no such user: AUTH fails on every node.
		"cluster, wrong password": {"mode": "cluster", "redis_hosts": clusterHosts(t, "RC_TEST_CLUSTER"),
			"username": "nosuchuser", "password": p},
	} {
		es[name] = entry(base, "secrets", kwargs)
	}
	// django-redis's OPTIONS.PASSWORD, which django-ansible-base's client
	// does not read: dropped when the entry is parsed, and never shown.
	js, err := json.Marshal(map[string]any{"LOCATION": base, "OPTIONS": map[string]any{
		"PASSWORD": p, "CLIENT_CLASS_KWARGS": map[string]any{"username": user}}})
	require.NoError(t, err)
	es["OPTIONS.PASSWORD"], err = core.ParseEntry(js)
	require.NoError(t, err)
	return es
}

// Every entry holding a canary password prints masked, and so do its
// settings; every error on the way (configuration, connection, AUTH refused
// by the ACL server) is free of it, in every form and piece.
func TestSecretsNeverShown(t *testing.T) {
	for _, p := range canaries {
		for name, e := range secretEntries(t, p) {
			t.Run(p+"/"+name, func(t *testing.T) {
				secrettest.PrintsMasked(t, e, p)
				secrettest.PrintsMasked(t, e.Options, p)

				o, err := core.Resolve(e)
				if err != nil {
					require.ErrorIs(t, err, core.ErrConfig)
					secrettest.NoSecret(t, "the Resolve error", fmt.Sprintf("%v %+v", err, err), p)
				} else {
					secrettest.PrintsMasked(t, o, p)
					// A piece of the password must never become an address:
					// and this test dials nothing but the test servers.
					require.Contains(t, []string{"127.0.0.1", "localhost"}, o.Host, "%v", o)
					for _, n := range o.StartupNodes {
						require.Equal(t, "127.0.0.1", n.Host, "%v", o)
					}
				}

				c, err := core.Open(e)
				if err != nil {
					require.ErrorIs(t, err, core.ErrConfig)
					secrettest.NoSecret(t, "the Open error", err.Error(), p)
					return
				}
				defer c.Close()
				secrettest.PrintsMasked(t, c.Options(), p)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_, _, err = c.Get(ctx, "k")
				require.Error(t, err, "a canary password cannot be right")
				secrettest.NoSecret(t, "the Get error", fmt.Sprintf("%v %+v", err, err), p)
				_, err = c.Health(ctx)
				if err != nil {
					secrettest.NoSecret(t, "the Health error", err.Error(), p)
				}
			})
		}
	}
}

// A password from the ACL server itself reaches the settings as written,
// and is shown only where it is asked for.
func TestSecretsExplicit(t *testing.T) {
	p := env(t, "RC_TEST_ACL_PASSWORD")
	o, err := core.Resolve(entry("redis://"+env(t, "RC_TEST_ACL"), "secrets", kw{"username": env(t, "RC_TEST_ACL_USER"), "password": p}))
	require.NoError(t, err)
	require.Equal(t, p, o.Password)
	secrettest.PrintsMasked(t, o, p)
	require.Contains(t, o.String(), " rcuser ******** ")
	require.Contains(t, fmt.Sprintf("%+v", o), "Password:********")
	require.True(t, strings.HasPrefix(o.GoString(), "config.Options{"), o.GoString())

	js, err := o.JSONWithPassword()
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(js, &back))
	require.Equal(t, p, back["password"])
	masked, err := json.Marshal(o)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(masked, &back))
	require.Equal(t, "********", back["password"])
	require.Equal(t, o.Host, back["host"]) // the rest as JSONWithPassword has it

	// Masked copies; the originals keep the password.
	e := entry("redis://u:"+p+"@h", "secrets", kw{"password": p, "nested": map[string]any{"ssl_password": p}})
	m := e.Masked()
	require.Equal(t, "redis://u:********@h", m.Location)
	require.Equal(t, "********", m.Options.ClientClassKwargs["password"])
	require.Equal(t, "********", m.Options.ClientClassKwargs["nested"].(map[string]any)["ssl_password"])
	require.Equal(t, p, e.Options.ClientClassKwargs["password"])
	require.Equal(t, p, e.Options.ClientClassKwargs["nested"].(map[string]any)["ssl_password"])
	require.Contains(t, e.Location, p)
	require.True(t, strings.HasPrefix(fmt.Sprintf("%#v", e), "config.Entry{"), fmt.Sprintf("%#v", e))
}
