package config

import (
	"maps"
)

// Django's own RedisCache (django/core/cache/backends/redis.py) splits
// LOCATION on commas and semicolons and makes, per server, a redis-py pool
// with ConnectionPool.from_url(server, parser_class=..., **OPTIONS): every
// OPTIONS key but serializer, pool_class and parser_class is a keyword
// argument of redis-py's, and the URL's win over them. There is no
// PASSWORD, USERNAME or CONNECTION_POOL_KWARGS: OPTIONS is the pool's.
// Writes go to the first server, reads to one of the others at random when
// there are others. Values: pickle at pickle.HIGHEST_PROTOCOL (5), integers
// stored as their digits (its RedisSerializer); timeouts in whole seconds.

// The classes Django's RedisCache lets OPTIONS name.
var djangoSerializers = []string{"django.core.cache.backends.redis.RedisSerializer"}

// djangoPickleProtocol is pickle.HIGHEST_PROTOCOL of the Pythons Django 4
// and 5 run on, which its RedisSerializer writes.
const djangoPickleProtocol = 5

// resolveDjangoCache reads the entry by Django's RedisCache's rules.
func resolveDjangoCache(e Entry) (Options, error) {
	kwargs := maps.Clone(e.Options.Raw)
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	for _, c := range []struct {
		name     string
		accepted []string
	}{
		{"serializer", djangoSerializers}, {"pool_class", poolClasses}, {"parser_class", parserClasses},
	} {
		v, ok := kwargs[c.name]
		delete(kwargs, c.name)
		if s, isString := v.(string); ok && v != nil && (!isString || !contains(c.accepted, s)) {
			return Options{}, SettingError("OPTIONS."+c.name, v, "not supported (a class of one's own runs Python code); supported: "+c.accepted[0])
		}
	}
	return resolveServers(e.servers(), func(raw string) (Options, error) {
		return poolSettings(raw, maps.Clone(kwargs), BackendDjango, "")
	})
}
