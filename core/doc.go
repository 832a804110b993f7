// Package core lets a Go program share a Redis cache with Django services
// that use django-redis with django-ansible-base's RedisClient. It reads
// the same CACHES entry those services read (as JSON) and does what they
// do with it:
//
//   - the same connection: LOCATION and OPTIONS.CLIENT_CLASS_KWARGS merged
//     by django-ansible-base's rules into redis-py's settings (standalone or
//     cluster, TLS with client certificates, ACL users);
//   - the same keys: KEY_PREFIX:VERSION:key, Django's default key function;
//   - the same timeouts: TIMEOUT as the default, NeverExpire for Django's
//     None, zero or negative expiring at once;
//   - the same values: Python values through the entry's SERIALIZER and
//     COMPRESSOR (package codec), integers as their decimal digits so that
//     Incr works on counters either side wrote.
//
// # Getting the entry
//
// A Go service gets the CACHES entry as JSON: written from the Django
// settings at deploy time (python -m redisclient entry --settings
// mysite.settings, from the Python package), or a file mounted into the
// service. An entry file may hold ${VAR} references; ExpandEnv replaces
// them from the environment before ParseEntry reads the JSON. Nothing
// expands references unless asked.
//
// # Use
//
// ParseEntry reads the entry, Open makes the Cache (no I/O: the first
// command connects), and the Cache methods mirror Django's cache API: Get,
// Set, Add, Delete, Incr, Decr, Touch, TTL, GetMany, SetMany, Clear, ... on
// bytes, and GetValue, SetValue, ... on Python values (codec.Value). Every
// method that talks to Redis takes a context first; how long it may block is
// also bounded by the entry's socket_timeout and socket_connect_timeout.
// Resolve returns the effective settings without opening anything; print
// them with Options.Masked, since they hold the password. ResolveWith and
// OpenWith take the Django settings beside CACHES (Settings): an entry of
// django-redis's SentinelClient needs DJANGO_REDIS_CONNECTION_FACTORY
// naming its SentinelConnectionFactory, and then writes to the master the
// sentinels name and reads from a replica (go-redis's failover client).
//
// # Errors
//
// Errors wrap one of the sentinels ErrConfig, ErrConnection, ErrNotFound,
// ErrNotInteger or ErrClosed, a go-redis server error (Redis answered with
// an error), or, for a stored value that cannot be decoded or a value that
// cannot be encoded, one of codec's (codec.ErrMalformed,
// codec.ErrTooLarge, codec.ErrUnsupported). Test them
// with errors.Is. No error message holds a password.
//
// A Cache is safe for use by many goroutines at once; Close it when done.
//
// # The two packages
//
// What reads and resolves the entry (ParseEntry, Resolve, MakeKey,
// EntryCodec, Options, ...) is package core/config, which builds without
// go-redis; core names it all too (core/aliases.go), so a program needs core
// alone. core itself connects: Open, Cache and the commands, on go-redis.
package core
