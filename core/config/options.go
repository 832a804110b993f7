package config

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Options are the effective connection settings of one cache, in redis-py's
// vocabulary: the keyword arguments that the entry's backend would hand to
// redis-py (Backend says whose rules made them), with redis-py's defaults
// filled in and every string converted to its type. For
// django-ansible-base, what it hands to redis.Redis or
// redis.cluster.RedisCluster after merging LOCATION into
// OPTIONS.CLIENT_CLASS_KWARGS; for django-redis's DefaultClient, what its
// connection pool hands to each connection of the first server (the one
// written to), and in Replicas the same for each other server.
//
// Resolve makes Options from an Entry; core.Open makes a go-redis client from
// Options. Options carry the password, and every way of printing them masks
// it: the password is read from the Password field, or JSONWithPassword.
type Options struct {
	// Backend is the class whose rules made these settings: BackendDjangoRedis,
	// BackendSentinel, BackendDjango or BackendAnsibleBase.
	Backend string `json:"backend"`

	// Mode is "standalone" (redis.Redis), "cluster" (RedisCluster) or
	// "sentinel" (a SentinelConnectionPool's server: ServiceName, Role).
	// Set by `mode`, or by the older `clustered` boolean. Default "standalone".
	Mode string `json:"mode"`

	// Host and Port of the server; in cluster mode, the seed used when
	// StartupNodes is empty. redis-py: host, port. Default "localhost", 6379.
	Host string `json:"host"`
	Port int    `json:"port"`

	// UnixSocketPath connects through a unix socket instead of TCP (a unix://
	// or file:// LOCATION). redis-py: unix_socket_path. Default "" (TCP).
	UnixSocketPath string `json:"unix_socket_path"`

	// StartupNodes seed a cluster; any one that answers is enough.
	// Set by `redis_hosts` or the older `clustered_hosts`. Default none.
	StartupNodes []Node `json:"startup_nodes"`

	// Username and Password authenticate (ACL user, or requirepass when
	// Username is empty). redis-py: username, password. Default "".
	Username string `json:"username"`
	Password string `json:"password"`

	// DB is the database number; only 0 exists in a cluster. redis-py: db.
	// Default 0.
	DB int `json:"db"`

	// SocketTimeout bounds each read and write, in seconds; nil waits
	// forever. redis-py: socket_timeout. Default 5.
	SocketTimeout *float64 `json:"socket_timeout"`

	// SocketConnectTimeout bounds each connection attempt (TCP and TLS
	// handshake), in seconds; nil means SocketTimeout, as in redis-py.
	// redis-py: socket_connect_timeout. Default 5.
	SocketConnectTimeout *float64 `json:"socket_connect_timeout"`

	// SocketKeepalive turns TCP keep-alive on. redis-py: socket_keepalive.
	// Default true.
	SocketKeepalive bool `json:"socket_keepalive"`

	// RetryOnTimeout is kept for the record: an idempotent command is resent
	// once after a timeout or a connection error whatever its value, as
	// redis-py 8's default Retry (which covers TimeoutError) does. incr, decr
	// and add are never resent. redis-py: retry_on_timeout. Default false.
	RetryOnTimeout bool `json:"retry_on_timeout"`

	// MaxConnections is a hard cap on open connections (per node in a
	// cluster); nil leaves go-redis's pool size. redis-py: max_connections.
	// Default nil.
	MaxConnections *int `json:"max_connections"`

	// HealthCheckInterval: redis-py pings a connection idle this many seconds
	// before reusing it. go-redis checks every pooled connection before reuse,
	// so the value is kept for the record. redis-py: health_check_interval.
	// Default 0.
	HealthCheckInterval float64 `json:"health_check_interval"`

	// ClientName is sent with CLIENT SETNAME. redis-py: client_name. Default "".
	ClientName string `json:"client_name"`

	// Protocol is the RESP version, 2 or 3. redis-py: protocol. Default 2.
	Protocol int `json:"protocol"`

	// SocketReadSize is the read buffer in bytes. redis-py: socket_read_size.
	// Default 32768 (go-redis's own default is also 32 KiB).
	SocketReadSize int `json:"socket_read_size"`

	// SSL turns TLS on; a rediss:// LOCATION turns it on unless ssl is set.
	// redis-py: ssl. Default false.
	SSL bool `json:"ssl"`

	// SSLCertfile and SSLKeyfile are the client certificate and its key (PEM
	// files). redis-py: ssl_certfile, ssl_keyfile. Default "" (none).
	SSLCertfile string `json:"ssl_certfile"`
	SSLKeyfile  string `json:"ssl_keyfile"`

	// SSLCACerts is a PEM file of the CAs that sign the server; "" trusts the
	// system's roots. redis-py: ssl_ca_certs. Default "".
	SSLCACerts string `json:"ssl_ca_certs"`

	// SSLCertReqs is "required", "optional" or "none". A client always
	// receives the server's certificate, so optional checks it like required;
	// none checks nothing. redis-py: ssl_cert_reqs. Default "required".
	SSLCertReqs string `json:"ssl_cert_reqs"`

	// SSLCheckHostname checks the server's name against its certificate;
	// false still checks the chain. Off whenever SSLCertReqs is none, as in
	// redis-py. redis-py: ssl_check_hostname. Default true.
	SSLCheckHostname bool `json:"ssl_check_hostname"`

	// SSLMinVersion is the lowest TLS version: "TLSv1_2" or "TLSv1_3"; never
	// below 1.2. redis-py: ssl_min_version. Default "TLSv1_2".
	SSLMinVersion string `json:"ssl_min_version"`

	// ReadFromReplicas sends reads to replicas as well as primaries (cluster
	// only). redis-py: read_from_replicas. Default false.
	ReadFromReplicas bool `json:"read_from_replicas"`

	// ClusterErrorRetryAttempts is how often a cluster command follows a
	// redirection or retries after a node error (cluster only). redis-py:
	// cluster_error_retry_attempts. Default 10 (redis-py 8).
	ClusterErrorRetryAttempts int `json:"cluster_error_retry_attempts"`

	// ServiceName is the Sentinel service whose master or replicas this
	// server is (Mode "sentinel"): LOCATION's host. Default "".
	ServiceName string `json:"service_name,omitempty"`

	// Role is what a Sentinel-managed server's connections reach: "master",
	// or "replica" (one of the replicas the sentinels report up, the master
	// when there is none). redis-py: SentinelConnectionPool's is_master.
	Role string `json:"role,omitempty"`

	// Sentinels are the sentinels asked for the service's servers, in the
	// order given. django-redis: OPTIONS.SENTINELS.
	Sentinels []Node `json:"sentinels,omitempty"`

	// SentinelSettings are the settings of each connection to a sentinel
	// (its host and port are in Sentinels). django-redis:
	// OPTIONS.SENTINEL_KWARGS, by default the socket_* settings.
	SentinelSettings *Options `json:"sentinel_settings,omitempty"`

	// Replicas are the settings of LOCATION's other servers (django-redis's
	// DefaultClient only), each complete in itself: reads go to one of them
	// at random, as django-redis sends them, and never to this server while
	// there are replicas. Default none: everything goes to this server.
	Replicas []Options `json:"replicas,omitempty"`

	// Ignored lists the keyword arguments that were accepted but change
	// nothing on the wire here (encoding, decode_responses, ...), and the
	// cluster-only ones dropped in standalone mode, so that a reader of the
	// resolved settings sees every key accounted for.
	Ignored []string `json:"ignored,omitempty"`
}

// Node is one host:port of a cluster. redis-py: ClusterNode.
type Node struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// Mode names.
const (
	ModeStandalone = "standalone"
	ModeCluster    = "cluster"
)

// defaultOptions are redis-py's defaults for the fields above.
func defaultOptions() Options {
	five := 5.0
	return Options{
		Mode:                      ModeStandalone,
		Host:                      "localhost",
		Port:                      6379,
		SocketTimeout:             &five,
		SocketConnectTimeout:      &five,
		SocketKeepalive:           true,
		Protocol:                  2,
		SocketReadSize:            32768,
		SSLCertReqs:               "required",
		SSLCheckHostname:          true,
		SSLMinVersion:             "TLSv1_2",
		ClusterErrorRetryAttempts: 10,
	}
}

// Masked returns a copy with the passwords replaced (the replicas' too),
// for printing and logs.
func (o Options) Masked() Options {
	if o.Password != "" {
		o.Password = masked
	}
	if o.Replicas != nil {
		replicas := make([]Options, len(o.Replicas))
		for i, r := range o.Replicas {
			replicas[i] = r.Masked()
		}
		o.Replicas = replicas
	}
	if o.SentinelSettings != nil {
		s := o.SentinelSettings.Masked()
		o.SentinelSettings = &s
	}
	return o
}

// Options print masked whichever way they are printed by accident (fmt's
// verbs, slog, encoding/json), because a password in a log outlives the
// mistake. The password itself is the Password field; JSONWithPassword is
// the JSON with it, for a program that must hand the settings on whole (as
// rc_resolve does).

// optionsFields has the fields of Options and none of its methods, so that
// fmt and encoding/json print the fields instead of calling back.
type optionsFields Options

// String is the %v form, masked.
func (o Options) String() string { return fmt.Sprint(o) }

// GoString is the %#v form, masked.
func (o Options) GoString() string { return fmt.Sprintf("%#v", o) }

// Format prints the masked copy with any verb and flags.
func (o Options) Format(f fmt.State, verb rune) {
	formatMasked(f, verb, optionsFields(o.Masked()), "optionsFields", "Options")
}

// LogValue is what slog logs: the masked copy.
func (o Options) LogValue() slog.Value { return slog.AnyValue(optionsFields(o.Masked())) }

// MarshalJSON writes the masked copy; JSONWithPassword writes the password.
func (o Options) MarshalJSON() ([]byte, error) { return json.Marshal(optionsFields(o.Masked())) }

// JSONWithPassword is the settings as JSON, with the passwords in clear.
func (o Options) JSONWithPassword() ([]byte, error) { return json.Marshal(inClear(o)) }

// clearOptions are Options whose nested settings are fields too: as
// Options they would mask themselves.
type clearOptions struct {
	optionsFields
	SentinelSettings *clearOptions  `json:"sentinel_settings,omitempty"`
	Replicas         []clearOptions `json:"replicas,omitempty"`
}

func inClear(o Options) clearOptions {
	c := clearOptions{optionsFields: optionsFields(o)}
	if o.SentinelSettings != nil {
		s := inClear(*o.SentinelSettings)
		c.SentinelSettings = &s
	}
	for _, r := range o.Replicas {
		c.Replicas = append(c.Replicas, inClear(r))
	}
	return c
}

// formatMasked prints v, the method-less copy of a masked value, as fmt
// would print the original: %#v names the original type.
func formatMasked(f fmt.State, verb rune, v any, copyType, origType string) {
	out := fmt.Sprintf(fmt.FormatString(f, verb), v)
	if verb == 'v' && f.Flag('#') {
		out = strings.Replace(out, "config."+copyType+"{", "config."+origType+"{", 1)
	}
	io.WriteString(f, out)
}

const masked = "********"
