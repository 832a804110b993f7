package main

// The help texts: `redisclient help` for all, `COMMAND --help` for one.

const usage = `usage: redisclient [--entry FILE] COMMAND [ARGS]

The entry is one Django CACHES entry as JSON ("OPTIONS", "LOCATION", ...):
--entry FILE, --entry - for standard input, or the file $REDISCLIENT_ENTRY
names. ${VAR} and ${VAR:-default} in it are expanded from the environment.
The Django settings beside CACHES that change how the entry is read (a JSON
object such as {"DJANGO_REDIS_CONNECTION_FACTORY": "..."}, which a
SentinelClient entry needs; python -m redisclient settings writes it) are
read from the file $REDISCLIENT_DJANGO_SETTINGS names, when it is set.

Commands:
  health [--json] [--timeout D]   the status django-ansible-base reports:
                                  good, degraded or failed (exit 0, 3, 4)
  resolve [--show-password]       the effective settings as JSON, masked
  get KEY [--raw] [--version N]   the value as the service reads it (value
                                  JSON; --raw: the stored bytes)
  set KEY VALUE [--raw] [--timeout S|none] [--version N]
                                  store value JSON (--raw: the bytes as given)
                                  for S seconds (default: the entry's TIMEOUT)
  ttl KEY [--version N]           seconds left, or "none" for no expiry
  delete KEY [--version N]        remove the key
  incr KEY [N] [--version N]      add N (default 1), print the new value
  keys [PATTERN] [--full] [--null] [--version N]
                                  this entry's keys, one a line, on every
                                  primary; the count on standard error
  clear [--yes] [--progress N]    delete every key of the KEY_PREFIX (all
                                  versions), after a confirmation
  stats [--sample N] [--json]     keys, memory and TTLs under the KEY_PREFIX,
                                  per primary
  help                            this text; COMMAND --help for one command

` + exitCodes + `
Examples:
  redisclient --entry /etc/svc/cache.json health --timeout 2s
  REDISCLIENT_ENTRY=cache.json redisclient get user:7 --version 2
  redisclient --entry cache.json set greeting '"hello"' --timeout 60
  redisclient --entry cache.json keys 'session:*' | wc -l
  redisclient --entry cache.json clear --yes
`

const exitCodes = `Exit codes: 0 done, 1 a connection, server or value error, 2 a bad command
line or entry, 3 degraded and 4 failed (health), 5 no such key (get, ttl,
delete, incr), 6 not confirmed (clear). Passwords are never printed, except
by resolve --show-password.
`

// summaries say what each command does, above its flags.
var summaries = map[string]string{
	"health": `The status django-ansible-base's get_redis_status reports: good (exit 0),
degraded (exit 3: a cluster node or a replica failed, the cache serves) or
failed (exit 4: no answer within --timeout, a refused connection or
password, a cluster that is not ok).`,
	"resolve": `The settings the entry resolves to (host, port, TLS files, timeouts, ...),
as JSON, the password masked.`,
	"get": `The value of KEY as the service reads it, decoded by the entry's
SERIALIZER and COMPRESSOR and printed as value JSON ({"$datetime": ...},
{"$bytes": ...}, ...); --raw prints the stored bytes. Exit 5 when missing.`,
	"set": `Stores VALUE (value JSON, encoded as the service encodes it; --raw: the
bytes as given) at KEY for --timeout seconds.`,
	"ttl":    `The seconds KEY has left, or "none". Exit 5 when missing.`,
	"delete": `Removes KEY. Exit 5 when it did not exist.`,
	"incr":   `Adds N (default 1) to the integer at KEY and prints it. Exit 5 when missing.`,
	"keys": `The keys of this entry (its KEY_PREFIX and version, or --version) that
match the glob PATTERN (default *), without prefix and version (--full: as
Redis holds them), one a line (--null: NUL-ended) on standard output as
they are found, on every primary of a cluster. The count goes to standard
error. Keys of another prefix never appear, nor those of one that begins
with this one, unless it reads as this prefix and a version ("svc:1"
beside "svc"). As with SCAN, a key may come twice when the server resizes
its table meanwhile.`,
	"clear": `Deletes every key of the KEY_PREFIX, all versions, on every primary:
never the keys of another prefix (one that begins with this one too), never
FLUSHDB (django-redis's clear() flushes the database). The keys are counted first; on a terminal it asks "delete N keys
under prefix P (all versions)? [y/N]". Without a terminal (or with the entry
on standard input) it deletes only with --yes, and otherwise exits 6.
Progress goes to standard error every --progress keys.`,
	"stats": `For the KEY_PREFIX (all versions), per primary: the number of keys, the
memory they use (MEMORY USAGE) and how long they have left (no TTL, <1m,
<1h, <1d, >=1d). Memory and TTL are read for at most --sample keys per
node, the first SCAN returns; when a node holds more, the output says
"sampled N of M" and estimates the memory of all.`,
}

// examples are printed by COMMAND --help.
var examples = map[string]string{
	"health": `  redisclient --entry cache.json health --timeout 2s
  redisclient --entry cache.json health --json`,
	"resolve": `  redisclient --entry cache.json resolve
  DB_HOST=10.0.0.5 redisclient --entry cache.json resolve`,
	"get": `  redisclient --entry cache.json get user:7
  redisclient --entry cache.json get user:7 --version 2 --raw > stored.bin`,
	"set": `  redisclient --entry cache.json set greeting '"hello"' --timeout 60
  redisclient --entry cache.json set when '{"$datetime": "2026-01-02T03:04:05"}' --timeout none`,
	"ttl":    `  redisclient --entry cache.json ttl session:42`,
	"delete": `  redisclient --entry cache.json delete session:42 --version 2`,
	"incr": `  redisclient --entry cache.json incr hits
  redisclient --entry cache.json incr stock -5`,
	"keys": `  redisclient --entry cache.json keys
  redisclient --entry cache.json keys 'session:*' --version 2 | wc -l
  redisclient --entry cache.json keys --full | head
  redisclient --entry cache.json keys 'tmp:*' --null | xargs -0 -n1 redisclient --entry cache.json delete --`,
	"clear": `  redisclient --entry cache.json clear
  redisclient --entry cache.json clear --yes --progress 50000`,
	"stats": `  redisclient --entry cache.json stats
  redisclient --entry cache.json stats --sample 10000 --json`,
}
