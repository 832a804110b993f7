package config

import (
	"fmt"
	"strings"
)

// The backends whose rules Resolve knows, by the dotted path of the class
// that reads the entry: Options.Backend is one of them.
const (
	// BackendAnsibleBase: django-redis's RedisCache with django-ansible-base's
	// RedisClient, which merges LOCATION into CLIENT_CLASS_KWARGS.
	BackendAnsibleBase = "ansible_base.lib.redis.RedisClient"
	// BackendDjangoRedis: django-redis's RedisCache with its DefaultClient,
	// which is also what an entry without OPTIONS.CLIENT_CLASS means.
	BackendDjangoRedis = "django_redis.client.DefaultClient"
	// BackendDjango: Django's own RedisCache, which hands OPTIONS to
	// redis-py's connection pool.
	BackendDjango = "django.core.cache.backends.redis.RedisCache"
	// BackendSentinel: django-redis's RedisCache with its SentinelClient,
	// which writes to the Sentinel service's master and reads from its
	// replicas (core/config/sentinel.go).
	BackendSentinel = "django_redis.client.SentinelClient"
)

// The dotted paths an entry may name, and the ones refused by name.
const (
	backendDjangoRedis = "django_redis.cache.RedisCache"
	// backendOurs is redisclient.django.RedisCache, the Django backend on
	// this library: it takes the entry of the django-redis one it replaces.
	backendOurs = "redisclient.django.RedisCache"
)

var (
	clientClassesDAB      = []string{"ansible_base.lib.redis.RedisClient", "ansible_base.lib.redis.client.RedisClient"}
	clientClassesDefault  = []string{"django_redis.client.DefaultClient", "django_redis.client.default.DefaultClient"}
	clientClassesSentinel = []string{"django_redis.client.SentinelClient", "django_redis.client.sentinel.SentinelClient"}
	// What django-redis's other clients do that this library does not.
	clientClassesRefused = map[string]string{
		"django_redis.client.ShardClient":         "django-redis's ShardClient (keys spread over the servers by a hash ring) is not supported",
		"django_redis.client.sharded.ShardClient": "django-redis's ShardClient (keys spread over the servers by a hash ring) is not supported",
		"django_redis.client.HerdClient":          "django-redis's HerdClient (values wrapped with herd markers that only it reads) is not supported",
		"django_redis.client.herd.HerdClient":     "django-redis's HerdClient (values wrapped with herd markers that only it reads) is not supported",
	}
)

// supportedClients is the end of every refusal of a CLIENT_CLASS.
const supportedClients = "supported: django_redis.client.DefaultClient (the default), django_redis.client.SentinelClient or ansible_base.lib.redis.RedisClient"

// backendOf says whose rules read the entry, from BACKEND and
// OPTIONS.CLIENT_CLASS, or refuses it with the setting and what is
// supported. An entry is never read by another backend's rules than the
// one Django would use for it.
func backendOf(e Entry) (string, error) {
	switch e.Backend {
	case "", backendDjangoRedis, backendOurs:
	case BackendDjango:
		return BackendDjango, nil
	default:
		return "", SettingError("BACKEND", e.Backend, "not supported; supported: "+backendDjangoRedis+" (the default), "+backendOurs+" or "+BackendDjango)
	}
	class := e.Options.ClientClass
	switch {
	case class == "" || contains(clientClassesDefault, class):
		return BackendDjangoRedis, nil
	case contains(clientClassesDAB, class):
		return BackendAnsibleBase, nil
	case contains(clientClassesSentinel, class):
		return BackendSentinel, nil
	}
	if reason, ok := clientClassesRefused[class]; ok {
		return "", SettingError("OPTIONS.CLIENT_CLASS", class, reason+"; "+supportedClients)
	}
	return "", SettingError("OPTIONS.CLIENT_CLASS", class, "not supported (a client class of one's own runs Python code); "+supportedClients)
}

// servers are LOCATION's servers as django-redis reads them: a list as it
// is, a string split on commas (spaces kept, as django-redis keeps them).
// Django's own RedisCache splits on semicolons too.
func (e Entry) servers() []string {
	if len(e.Locations) > 0 {
		return e.Locations
	}
	if e.Backend == BackendDjango {
		return strings.Split(strings.ReplaceAll(e.Location, ";", ","), ",")
	}
	return strings.Split(e.Location, ",")
}

// resolveServers resolves each LOCATION server with one backend's rules:
// the first is the one written to, the others its Replicas. An error names
// the server when there are several.
func resolveServers(servers []string, resolveOne func(raw string) (Options, error)) (Options, error) {
	all := make([]Options, len(servers))
	for i, raw := range servers {
		o, err := resolveOne(raw)
		if err != nil {
			if len(servers) > 1 {
				return Options{}, fmt.Errorf("LOCATION server %d of %d: %w", i+1, len(servers), err)
			}
			return Options{}, err
		}
		all[i] = o
	}
	primary := all[0]
	if len(all) > 1 {
		primary.Replicas = all[1:]
	}
	return primary, nil
}
