package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// kwargSpec says how one redis-py keyword argument lands in Options.
type kwargSpec struct {
	apply       func(o *Options, name string, v any) error
	clusterOnly bool // redis.Redis does not take it
	ignored     bool // accepted, but changes nothing on the wire here
}

// kwargSpecs maps every redis-py keyword that has a go-redis counterpart, or
// that can be accepted harmlessly, to its field.
var kwargSpecs = map[string]kwargSpec{
	"host":                   {apply: setString(func(o *Options) *string { return &o.Host })},
	"port":                   {apply: setPort},
	"unix_socket_path":       {apply: setString(func(o *Options) *string { return &o.UnixSocketPath })},
	"username":               {apply: setString(func(o *Options) *string { return &o.Username })},
	"password":               {apply: setPassword},
	"db":                     {apply: setInt(func(o *Options) *int { return &o.DB }, 0, math.MaxInt32)},
	"socket_timeout":         {apply: setSeconds(func(o *Options) **float64 { return &o.SocketTimeout })},
	"socket_connect_timeout": {apply: setSeconds(func(o *Options) **float64 { return &o.SocketConnectTimeout })},
	"socket_keepalive":       {apply: setBool(func(o *Options) *bool { return &o.SocketKeepalive })},
	"retry_on_timeout":       {apply: setBool(func(o *Options) *bool { return &o.RetryOnTimeout }), ignored: true},
	"max_connections":        {apply: setMaxConnections},
	"health_check_interval":  {apply: setFloat(func(o *Options) *float64 { return &o.HealthCheckInterval })},
	"client_name":            {apply: setString(func(o *Options) *string { return &o.ClientName })},
	"protocol":               {apply: setInt(func(o *Options) *int { return &o.Protocol }, 2, 3)},
	"socket_read_size":       {apply: setInt(func(o *Options) *int { return &o.SocketReadSize }, 1, math.MaxInt32)},
	"ssl":                    {apply: setBool(func(o *Options) *bool { return &o.SSL })},
	"ssl_certfile":           {apply: setString(func(o *Options) *string { return &o.SSLCertfile })},
	"ssl_keyfile":            {apply: setString(func(o *Options) *string { return &o.SSLKeyfile })},
	"ssl_ca_certs":           {apply: setString(func(o *Options) *string { return &o.SSLCACerts })},
	"ssl_cert_reqs":          {apply: setCertReqs},
	"ssl_check_hostname":     {apply: setBool(func(o *Options) *bool { return &o.SSLCheckHostname })},
	"ssl_min_version":        {apply: setMinVersion},

	"read_from_replicas":           {apply: setBool(func(o *Options) *bool { return &o.ReadFromReplicas }), clusterOnly: true},
	"cluster_error_retry_attempts": {apply: setInt(func(o *Options) *int { return &o.ClusterErrorRetryAttempts }, 0, 100), clusterOnly: true},
	// go-redis routes every command by the slot map it has and reloads it on
	// MOVED, so these tunings of redis-py's start-up have nothing to tune.
	"require_full_coverage": {apply: acceptBool, clusterOnly: true, ignored: true},
	"reinitialize_steps":    {apply: acceptAny, clusterOnly: true, ignored: true},
	"dynamic_startup_nodes": {apply: acceptBool, clusterOnly: true, ignored: true},

	// These change only the Python types redis-py returns; values here are
	// bytes.
	"encoding":         {apply: acceptAny, ignored: true},
	"encoding_errors":  {apply: acceptAny, ignored: true},
	"decode_responses": {apply: acceptBool, ignored: true},
	// go-redis sends no library identity (CLIENT SETINFO): Redis before 7.2
	// logs an error for it on every connection.
	"lib_name":    {apply: acceptAny, ignored: true},
	"lib_version": {apply: acceptAny, ignored: true},
}

// withoutCounterpart are redis-py keywords that take Python objects or
// features go-redis lacks; they are refused by name.
var withoutCounterpart = []string{
	"address_remap", "cache", "cache_config", "connection_class", "connection_pool",
	"connection_pool_class", "credential_provider", "driver_info", "event_dispatcher",
	"legacy_responses", "load_balancing_strategy", "maint_notifications_config",
	"oss_cluster_maint_notifications_handler", "policy_resolver", "redis_connect_func",
	"retry", "retry_on_error", "single_connection_client", "socket_keepalive_options",
	"ssl_ca_data", "ssl_ca_path", "ssl_ciphers", "ssl_exclude_verify_flags",
	"ssl_include_verify_flags", "ssl_ocsp_context", "ssl_ocsp_expected_cert", "ssl_password",
	"ssl_validate_ocsp", "ssl_validate_ocsp_stapled", "startup_nodes", "url",
}

func setString(field func(*Options) *string) func(*Options, string, any) error {
	return func(o *Options, name string, v any) error {
		s, ok := v.(string)
		if !ok && v != nil {
			return SettingError(name, v, "must be a string, not "+jsonKind(v))
		}
		*field(o) = s
		return nil
	}
}

func setPassword(o *Options, name string, v any) error {
	s, ok := v.(string)
	if !ok && v != nil {
		return fmt.Errorf("%w: %s must be a string, not %s", ErrConfig, name, jsonKind(v))
	}
	o.Password = s
	return nil
}

func setPort(o *Options, name string, v any) error {
	n, err := toInt(name, v)
	if err != nil {
		return err
	}
	if n < 1 || n > 65535 {
		return SettingError(name, v, "must be a port number from 1 to 65535")
	}
	o.Port = n
	return nil
}

func setInt(field func(*Options) *int, lo, hi int) func(*Options, string, any) error {
	return func(o *Options, name string, v any) error {
		n, err := toInt(name, v)
		if err != nil {
			return err
		}
		if n < lo || n > hi {
			return SettingError(name, v, fmt.Sprintf("must be from %d to %d", lo, hi))
		}
		*field(o) = n
		return nil
	}
}

func setBool(field func(*Options) *bool) func(*Options, string, any) error {
	return func(o *Options, name string, v any) error {
		b, err := toBool(name, v)
		*field(o) = b
		return err
	}
}

func setFloat(field func(*Options) *float64) func(*Options, string, any) error {
	return func(o *Options, name string, v any) error {
		f, err := toFloat(name, v)
		*field(o) = f
		return err
	}
}

// setSeconds reads a timeout: None waits forever. redis-py would take 0 as a
// non-blocking socket that fails every read, so 0 and below are refused.
func setSeconds(field func(*Options) **float64) func(*Options, string, any) error {
	return func(o *Options, name string, v any) error {
		if v == nil || v == "None" {
			*field(o) = nil
			return nil
		}
		f, err := toFloat(name, v)
		if err != nil {
			return err
		}
		if f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return SettingError(name, v, "must be a positive number of seconds, or None to wait forever")
		}
		*field(o) = &f
		return nil
	}
}

func setMaxConnections(o *Options, name string, v any) error {
	if v == nil {
		o.MaxConnections = nil
		return nil
	}
	n, err := toInt(name, v)
	if err != nil {
		return err
	}
	if n < 1 {
		return SettingError(name, v, "must be at least 1")
	}
	o.MaxConnections = &n
	return nil
}

// setCertReqs takes redis-py's strings, ssl.VerifyMode's numbers, and None
// (which redis-py reads as none).
func setCertReqs(o *Options, name string, v any) error {
	switch x := v.(type) {
	case nil:
		o.SSLCertReqs = "none"
		return nil
	case string:
		if contains([]string{"none", "optional", "required"}, x) {
			o.SSLCertReqs = x
			return nil
		}
	case float64, int:
		if n, err := toInt(name, x); err == nil && n >= 0 && n <= 2 {
			o.SSLCertReqs = []string{"none", "optional", "required"}[n]
			return nil
		}
	}
	return SettingError(name, v, "must be 'none', 'optional' or 'required'")
}

func setMinVersion(o *Options, name string, v any) error {
	s, _ := v.(string)
	s = strings.TrimPrefix(s, "TLSVersion.")
	if s != "TLSv1_2" && s != "TLSv1_3" {
		return SettingError(name, v, "must be TLSv1_2 or TLSv1_3 (TLS before 1.2 is not offered)")
	}
	o.SSLMinVersion = s
	return nil
}

func acceptAny(*Options, string, any) error { return nil }

func acceptBool(_ *Options, name string, v any) error {
	_, err := toBool(name, v)
	return err
}

// toBool reads booleans as django-ansible-base's to_python_boolean reads
// strings: true/1/t and false/0/f, any case. Numbers 0 and 1 are accepted,
// and None is false, as Python's truth test reads it.
func toBool(name string, v any) (bool, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case int:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case string:
		switch strings.ToLower(x) {
		case "true", "1", "t":
			return true, nil
		case "false", "0", "f":
			return false, nil
		}
	}
	return false, SettingError(name, v, "must be a boolean (true/false, 1/0, t/f)")
}

func toInt(name string, v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= math.MaxInt32 {
			return int(x), nil
		}
	case string:
		if n, ok := pythonInt(x); ok {
			return n, nil
		}
	}
	return 0, SettingError(name, v, "must be an integer")
}

func toFloat(name string, v any) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f, nil
		}
	}
	return 0, SettingError(name, v, "must be a number")
}
