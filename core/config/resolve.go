package config

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redisclient/redisclient/core/codec"
)

const defaultKeyFunction = "django.core.cache.backends.base.default_key_func"

// Resolve turns a CACHES entry into the effective connection settings, by
// the rules of the backend that Django would read it with (Options.Backend
// says which; core/config/backend.go how it is chosen): django-redis's
// DefaultClient (core/config/defaultclient.go) or django-ansible-base's RedisClient.
// django-ansible-base's rules:
//   - LOCATION's host, port, username and password override the same
//     CLIENT_CLASS_KWARGS; parts absent from the URL leave them alone;
//   - db comes from the first path segment when it is an integer, then the
//     query parameters override everything (a repeated one: the last wins);
//   - rediss:// turns ssl on unless ssl is set; ssl on means TLS whatever the
//     scheme;
//   - an empty certificate path means unset; with ssl on, a file that cannot
//     be read, or is not a regular file of at most 8 MiB, is an error;
//   - mode (or clustered) picks a cluster, seeded by redis_hosts (or
//     clustered_hosts), else by LOCATION's host and port;
//   - every other keyword goes to the client, converted from strings.
//
// The result holds the password: print Options.Masked. Resolve reads the
// entry as a settings module without DJANGO_REDIS_CONNECTION_FACTORY would;
// ResolveWith takes those settings.
func Resolve(e Entry) (Options, error) { return ResolveWith(e, Settings{}) }

// ResolveWith is Resolve under the Django settings s, which django-redis
// reads beside the entry (its connection factory: core/config/sentinel.go).
func ResolveWith(e Entry, s Settings) (Options, error) {
	o, _, err := ResolveExtra(e, s)
	return o, err
}

// Extra are the entry's settings that redis-py has no name for, which a
// cache reads beside Options: how its values are encoded and how long its
// reads poll.
type Extra struct {
	Codec    *codec.Codec  // SERIALIZER, COMPRESSOR, PICKLE_VERSION, MAX_DECODED_SIZE
	BusyPoll time.Duration // BUSY_POLL
}

// ResolveExtra is ResolveWith, also giving Extra, which checking the entry
// reads anyway: all that opening a cache needs.
func ResolveExtra(e Entry, s Settings) (Options, Extra, error) {
	backend, err := backendOf(e)
	if err != nil {
		return Options{}, Extra{}, err
	}
	extra, err := checkEntry(e, backend)
	if err != nil {
		return Options{}, Extra{}, err
	}
	var o Options
	switch backend {
	case BackendDjangoRedis, BackendSentinel:
		o, err = resolveDjangoRedis(e, s, backend)
	case BackendDjango:
		o, err = resolveDjangoCache(e)
	default:
		o, err = resolveAnsibleBase(e)
	}
	if err != nil {
		return Options{}, Extra{}, err
	}
	return o, extra, nil
}

// resolveAnsibleBase reads the entry by django-ansible-base's rules.
func resolveAnsibleBase(e Entry) (Options, error) {
	kwargs := make(map[string]any, len(e.Options.ClientClassKwargs))
	for k, v := range e.Options.ClientClassKwargs {
		kwargs[k] = v
	}
	mode, err := popMode(kwargs)
	if err != nil {
		return Options{}, err
	}
	hosts, hostsSetting, err := popHosts(kwargs)
	if err != nil {
		return Options{}, err
	}
	if err := mergeLocation(e.servers()[0], kwargs); err != nil {
		return Options{}, err
	}

	o := defaultOptions()
	o.Backend = BackendAnsibleBase
	o.Mode = mode
	if err := applyKwargs(&o, kwargs); err != nil {
		return Options{}, err
	}
	if err := checkFiles(&o); err != nil {
		return Options{}, err
	}
	if mode == ModeCluster {
		err = clusterSeeds(&o, hosts, hostsSetting)
	} else {
		if hostsSetting != "" {
			o.Ignored = append(o.Ignored, hostsSetting) // the reference ignores hosts too
		}
		dropClusterOnly(&o, kwargs)
	}
	if err != nil {
		return Options{}, err
	}
	return o, nil
}

func checkEntry(e Entry, backend string) (Extra, error) {
	if e.KeyFunction != "" && e.KeyFunction != defaultKeyFunction {
		return Extra{}, SettingError("KEY_FUNCTION", e.KeyFunction, "not supported; use "+defaultKeyFunction)
	}
	codecOptions := e.Options
	if backend == BackendDjango {
		// Its RedisSerializer: django-redis's pickle at protocol 5; the
		// OPTIONS are redis-py's.
		codecOptions = EntryOptions{PickleVersion: djangoPickleProtocol}
	}
	values, err := newCodec(codecOptions)
	if err != nil {
		return Extra{}, err
	}
	poll, err := busyPoll(e.Options)
	if err != nil {
		return Extra{}, err
	}
	if strings.TrimSpace(e.servers()[0]) == "" {
		return Extra{}, SettingError("LOCATION", e.Location, "missing: a redis://, rediss://, unix:// or file:// URL is required")
	}
	return Extra{Codec: values, BusyPoll: poll}, nil
}

// popMode reads mode, or the older clustered, and removes both.
func popMode(kwargs map[string]any) (string, error) {
	mode := ""
	if v, ok := kwargs["mode"]; ok {
		delete(kwargs, "mode")
		s, isString := v.(string)
		if !isString || (s != ModeCluster && s != ModeStandalone) {
			return "", SettingError("mode", v, "must be 'cluster' or 'standalone'")
		}
		mode = s
	}
	if v, ok := kwargs["clustered"]; ok {
		delete(kwargs, "clustered")
		clustered, err := toBool("clustered", v)
		if err != nil {
			return "", err
		}
		fromClustered := ModeStandalone
		if clustered {
			fromClustered = ModeCluster
		}
		if mode != "" && mode != fromClustered {
			return "", SettingError("clustered", v, fmt.Sprintf("contradicts mode %q", mode))
		}
		mode = fromClustered
	}
	if mode == "" {
		mode = ModeStandalone
	}
	return mode, nil
}

// popHosts reads redis_hosts, or the older clustered_hosts, and removes both.
func popHosts(kwargs map[string]any) (nodes []Node, setting string, err error) {
	for _, name := range []string{"redis_hosts", "clustered_hosts"} {
		v, ok := kwargs[name]
		delete(kwargs, name)
		if !ok || v == nil || v == "" {
			continue
		}
		if setting != "" {
			return nil, "", SettingError(name, maskHosts(v), "set together with "+setting+"; use one")
		}
		if nodes, err = parseHosts(name, v); err != nil {
			return nil, "", err
		}
		setting = name
	}
	return nodes, setting, nil
}

// mergeLocation writes what the URL says into kwargs, over what is there.
func mergeLocation(raw string, kwargs map[string]any) error {
	loc, err := parseLocation(raw)
	if err != nil {
		return err
	}
	switch loc.scheme {
	case "unix", "file":
		if loc.path == "" {
			return SettingError("LOCATION", redactURL(raw), "no socket path: write unix:///path/to/redis.sock")
		}
		kwargs["unix_socket_path"] = loc.path
	default:
		if loc.host != "" {
			kwargs["host"] = loc.host
		}
		if loc.port != 0 {
			kwargs["port"] = loc.port
		}
		if loc.username != "" {
			kwargs["username"] = loc.username
		}
		if loc.password != "" {
			kwargs["password"] = loc.password
		}
		if loc.scheme == "rediss" && kwargs["ssl"] == nil {
			kwargs["ssl"] = true
		}
	}
	if db, ok := loc.db(); ok {
		kwargs["db"] = db
	}
	for _, p := range loc.query {
		kwargs[p.name] = p.value
	}
	return nil
}

// applyKwargs converts every keyword into its field; all unknown keywords
// are named in one error.
func applyKwargs(o *Options, kwargs map[string]any) error {
	names := make([]string, 0, len(kwargs))
	for name := range kwargs {
		names = append(names, name)
	}
	sort.Strings(names)
	var unknown []string
	for _, name := range names {
		spec, ok := kwargSpecs[name]
		if !ok {
			reason := "is not a redis-py keyword argument"
			if contains(withoutCounterpart, name) {
				reason = "has no counterpart in redisclient"
			}
			unknown = append(unknown, fmt.Sprintf("%s (%s)", name, reason))
			continue
		}
		if err := spec.apply(o, name, kwargs[name]); err != nil {
			return err
		}
		if spec.ignored {
			o.Ignored = append(o.Ignored, name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: OPTIONS.CLIENT_CLASS_KWARGS: unsupported keys: %s", ErrConfig, strings.Join(unknown, "; "))
	}
	return nil
}

// checkFiles: with ssl on, a certificate file that cannot be read is a
// configuration error now rather than a TLS failure at the first command.
// Each is read as tlsConfig reads it, so a device or a FIFO is refused here.
func checkFiles(o *Options) error {
	if !o.SSL {
		return nil
	}
	for _, f := range []struct{ setting, path string }{
		{"ssl_certfile", o.SSLCertfile}, {"ssl_keyfile", o.SSLKeyfile}, {"ssl_ca_certs", o.SSLCACerts},
	} {
		if f.path == "" {
			continue
		}
		if _, err := ReadSettingFile(f.setting, f.path); err != nil {
			return err
		}
	}
	return nil
}

func clusterSeeds(o *Options, hosts []Node, hostsSetting string) error {
	if o.DB != 0 {
		return SettingError("db", o.DB, "a cluster has only database 0")
	}
	if hosts != nil {
		o.StartupNodes = hosts
		return nil
	}
	if o.UnixSocketPath != "" {
		return SettingError("LOCATION", "unix://"+o.UnixSocketPath, "a cluster needs redis_hosts or a redis:// LOCATION with host and port")
	}
	o.StartupNodes = []Node{{Host: o.Host, Port: o.Port}}
	return nil
}

// dropClusterOnly: redis.Redis takes none of the cluster keywords; the
// reference drops cluster_error_retry_attempts, and so do we for the rest.
func dropClusterOnly(o *Options, given map[string]any) {
	d := defaultOptions()
	o.ReadFromReplicas = d.ReadFromReplicas
	o.ClusterErrorRetryAttempts = d.ClusterErrorRetryAttempts
	for name, spec := range kwargSpecs {
		if _, ok := given[name]; ok && spec.clusterOnly && !contains(o.Ignored, name) {
			o.Ignored = append(o.Ignored, name)
		}
	}
	sort.Strings(o.Ignored)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
