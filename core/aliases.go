package core

import (
	"time"

	"github.com/redisclient/redisclient/core/codec"
	"github.com/redisclient/redisclient/core/config"
)

// The entry and what it resolves to live in core/config, which builds
// without go-redis (the WebAssembly module uses it alone). They are named
// here too, so that a Go program that opens a cache needs core only.

type (
	// Entry is config.Entry: one Django CACHES entry.
	Entry = config.Entry
	// EntryOptions is config.EntryOptions: an entry's OPTIONS.
	EntryOptions = config.EntryOptions
	// Options is config.Options: an entry's effective connection settings.
	Options = config.Options
	// Node is config.Node: one host and port.
	Node = config.Node
	// Settings is config.Settings: the Django settings beside CACHES.
	Settings = config.Settings
	// Expiry is config.Expiry: how long a value lives.
	Expiry = config.Expiry
)

// The backends, modes and roles of Options; config has what they mean.
const (
	BackendAnsibleBase = config.BackendAnsibleBase
	BackendDjangoRedis = config.BackendDjangoRedis
	BackendDjango      = config.BackendDjango
	BackendSentinel    = config.BackendSentinel

	ModeStandalone = config.ModeStandalone
	ModeCluster    = config.ModeCluster
	ModeSentinel   = config.ModeSentinel

	RoleMaster  = config.RoleMaster
	RoleReplica = config.RoleReplica

	// DefaultBusyPoll is OPTIONS.BUSY_POLL's default (core/busypoll.go).
	DefaultBusyPoll = config.DefaultBusyPoll
)

var (
	// DefaultExpiry is Django's DEFAULT_TIMEOUT: the entry's TIMEOUT.
	DefaultExpiry = config.DefaultExpiry
	// NeverExpire is Django's timeout=None.
	NeverExpire = config.NeverExpire
)

// ParseEntry is config.ParseEntry: reads a CACHES entry from JSON.
func ParseEntry(data []byte) (Entry, error) { return config.ParseEntry(data) }

// ParseSettings is config.ParseSettings: reads Settings from JSON.
func ParseSettings(data []byte) (Settings, error) { return config.ParseSettings(data) }

// ExpandEnv is config.ExpandEnv: replaces ${VAR} references in an entry.
func ExpandEnv(text []byte, lookup func(name string) (string, bool)) ([]byte, error) {
	return config.ExpandEnv(text, lookup)
}

// Resolve is config.Resolve: the entry's effective connection settings.
func Resolve(e Entry) (Options, error) { return config.Resolve(e) }

// ResolveWith is config.ResolveWith: Resolve under the Django settings s.
func ResolveWith(e Entry, s Settings) (Options, error) { return config.ResolveWith(e, s) }

// MakeKey is config.MakeKey: the Redis key of key under the entry.
func MakeKey(e Entry, key string) string { return config.MakeKey(e, key) }

// EntryCodec is config.EntryCodec: the entry's serializer and compressor.
func EntryCodec(e Entry) (*codec.Codec, error) { return config.EntryCodec(e) }

// ExpireAfter is config.ExpireAfter: a timeout of d.
func ExpireAfter(d time.Duration) Expiry { return config.ExpireAfter(d) }

// ExpireSeconds is config.ExpireSeconds: Django's timeout=seconds.
func ExpireSeconds(s float64) Expiry { return config.ExpireSeconds(s) }
