/*
 * redisclient.h - C API of redisclient.
 *
 * redisclient reads a Django CACHES entry (django-redis with
 * django-ansible-base's RedisClient) and talks to Redis exactly as Django
 * does: same connection settings, same keys (KEY_PREFIX:VERSION:key), same
 * timeouts. Values are raw bytes; integers are stored as decimal digits, so
 * rc_incr works on values Django wrote and Django reads counters written here.
 * The *_value functions carry Python values instead, as "value JSON" (see
 * "Values" below), stored through the entry's SERIALIZER and COMPRESSOR as
 * django-redis stores them.
 *
 * Link with -lredisclient (libredisclient.so.0). Supported: glibc Linux, one
 * Go-based native library per process, never unloaded.
 *
 * Conventions, for every function below unless it says otherwise:
 *
 *  - Return value: an int status, RC_OK (0), RC_MISS (1) where a miss exists,
 *    or a negative RC_ERR_* kind.
 *  - Errors: `err` is optional (may be NULL). On an error status, *err is set
 *    to a NUL-terminated message that names the operation and the cause (it
 *    never contains a password); free it with rc_free. On RC_OK and RC_MISS,
 *    *err is set to NULL. Errors are per call: there is no "last error".
 *  - Keys and values are (pointer, length): NUL bytes and non-UTF-8 pass
 *    through. A NULL pointer is accepted only with length 0. The library
 *    copies every input before it returns; it keeps no pointer you pass.
 *  - Every buffer the library returns is allocated by it, carries its length
 *    and a trailing NUL byte (not counted in the length), and must be freed
 *    with rc_free, and only with rc_free. Out-parameters are set to NULL/0
 *    when nothing is returned.
 *  - Thread-safety: every function may be called from any thread, and one
 *    rc_client may be used by many threads at once. Closing a client while
 *    other threads use it makes their calls fail with RC_ERR_CLOSED.
 *    rc_get, rc_set, rc_get_value, rc_get_loadable and rc_set_value calls made at the same
 *    time by several threads are run together, in batches (the rc_get
 *    calls of one client on one pipeline):
 *    each still gets its own status, value and message, but may wait for
 *    the slowest call of its batch.
 *  - Blocking: calls that talk to Redis are bounded by the entry's
 *    socket_timeout and socket_connect_timeout (redis-py's defaults: 5 s).
 *    An entry that sets them to null asks for calls that may wait forever.
 *  - fork(): the library runs the Go runtime, which does not survive fork().
 *    Create clients after fork, in the process that uses them. In a forked
 *    child every function (except rc_free, rc_version, rc_abi_version)
 *    returns RC_ERR_FORKED at once, without touching the network.
 *  - The library never writes to stdout or stderr and never exits the
 *    process; an internal fault becomes RC_ERR_INTERNAL.
 */
#ifndef REDISCLIENT_H
#define REDISCLIENT_H

#include <stddef.h>
#include <stdint.h>

#define RC_VERSION_MAJOR 0
#define RC_VERSION_MINOR 1
#define RC_VERSION_PATCH 0
#define RC_VERSION_STRING "0.1.0"

/* Bumped on any incompatible change of this header's types or functions;
 * compare it with rc_abi_version() at run time. It is also the soname's
 * number (libredisclient.so.0). */
#define RC_ABI_VERSION 0

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A client of one CACHES entry. Opaque: the value rc_open gives you is a
 * token, not an address; the library never dereferences it. A token is
 * never reused, so a stale copy of a closed client's token can never reach a
 * client opened later.
 *
 * What is safe to pass as an rc_client*: the value from rc_open (before or
 * after rc_close), or NULL. NULL returns RC_ERR_INVALID_HANDLE; a closed
 * client returns RC_ERR_CLOSED (rc_close twice too). Any other value, such
 * as the address of an uninitialised variable, is a programming error; it is
 * still never dereferenced and returns RC_ERR_INVALID_HANDLE.
 */
typedef struct rc_client rc_client;

/* Status codes. */
typedef enum rc_status {
    RC_OK = 0,                   /* done */
    RC_MISS = 1,                 /* the key is missing or the condition false;
                                    see each function */
    RC_ERR_CONFIG = -1,          /* the CACHES entry cannot be used; the
                                    message names the setting */
    RC_ERR_CONNECTION = -2,      /* Redis could not be reached, or a timeout */
    RC_ERR_NOT_FOUND = -3,       /* rc_incr/rc_decr of a missing key */
    RC_ERR_NOT_INTEGER = -4,     /* rc_incr/rc_decr of a non-integer value */
    RC_ERR_CLOSED = -5,          /* the client was closed (also: in flight
                                    when it was closed, and double close) */
    RC_ERR_INVALID_HANDLE = -6,  /* NULL or not a client from rc_open */
    RC_ERR_INVALID_ARGUMENT = -7,/* NULL pointer with a length, bad timeout,
                                    missing required out-parameter */
    RC_ERR_SERVER = -8,          /* Redis answered with an error */
    RC_ERR_FORKED = -9,          /* called in a forked child: see fork() */
    RC_ERR_INTERNAL = -10,       /* a bug in the library (a recovered panic) */
    RC_ERR_VALUE = -11           /* the *_value functions: the stored value
                                    cannot be decoded with the entry's
                                    SERIALIZER/COMPRESSOR (malformed,
                                    another codec's bytes, past the
                                    decoded-size limit, a pickle of
                                    out-of-band buffers, persistent ids or
                                    extension codes), or the serializer cannot write
                                    the given value (e.g. a set with JSON) */
} rc_status;

/* The `version` argument of the key functions: Django's version=. This
 * sentinel means the entry's VERSION (1 when unset). */
#define RC_DEFAULT_VERSION (-2147483647 - 1)

/*
 * How long a value lives, as Django's timeout= argument:
 *   RC_TIMEOUT_DEFAULT  the entry's TIMEOUT (Django's DEFAULT_TIMEOUT, 300 s
 *                       when unset); `seconds` is ignored;
 *   RC_TIMEOUT_NEVER    no expiry (timeout=None); `seconds` is ignored;
 *   RC_TIMEOUT_SECONDS  `seconds`, counted in whole milliseconds. Zero or
 *                       negative expires at once, as in Django: rc_set and
 *                       rc_set_many delete the key, rc_add writes nothing.
 *                       NaN, infinite or out-of-range values are
 *                       RC_ERR_INVALID_ARGUMENT.
 */
typedef enum rc_timeout_kind {
    RC_TIMEOUT_DEFAULT = 0,
    RC_TIMEOUT_NEVER = 1,
    RC_TIMEOUT_SECONDS = 2
} rc_timeout_kind;

typedef struct rc_timeout {
    int kind;       /* an rc_timeout_kind */
    double seconds; /* used by RC_TIMEOUT_SECONDS only */
} rc_timeout;

static inline rc_timeout rc_timeout_default(void) {
    rc_timeout t = {RC_TIMEOUT_DEFAULT, 0};
    return t;
}
static inline rc_timeout rc_timeout_never(void) {
    rc_timeout t = {RC_TIMEOUT_NEVER, 0};
    return t;
}
static inline rc_timeout rc_timeout_seconds(double seconds) {
    rc_timeout t = {RC_TIMEOUT_SECONDS, seconds};
    return t;
}

/* rc_ttl's answer for a key without expiry (Django: None). */
#define RC_TTL_NEVER (-1)

/*
 * One value of rc_get_many. `data` is NULL and `len` 0 when the key is
 * missing (found == 0); otherwise `data` holds `len` bytes and a trailing
 * NUL. The buffers live inside the array's own allocation: rc_free(array)
 * frees them all; never free `data` on its own.
 */
typedef struct rc_buf {
    char *data;
    size_t len;
    int found;
} rc_buf;

/* ---- Library ------------------------------------------------------------ */

/* The library's version, e.g. "0.1.0". Static: do not free. Safe anywhere,
 * also in a forked child. */
const char *rc_version(void);

/* The library's RC_ABI_VERSION; a program built against another ABI must
 * not use it. Safe anywhere, also in a forked child. */
int rc_abi_version(void);

/* Frees anything the library returned (values, rc_buf arrays, JSON,
 * messages). NULL does nothing. Never pass memory the library did not
 * return, nor free it twice. Safe in a forked child. */
void rc_free(void *ptr);

/*
 * Resolves a CACHES entry (its JSON, as settings.py would dump it, e.g.
 * {"BACKEND": ..., "LOCATION": "redis://...", "OPTIONS": {...}}) into the
 * effective connection settings, as the entry's backend would pass them to
 * redis-py, without connecting. No I/O. "backend" names whose rules applied
 * (django-redis's DefaultClient or SentinelClient, Django's own RedisCache,
 * or django-ansible-base's RedisClient); "replicas", when LOCATION names
 * several servers (or SentinelClient's replicas), holds the settings of
 * each server after the first, in the same shape. A Sentinel-managed server
 * has "mode" "sentinel", "service_name", "role" ("master" or "replica"),
 * "sentinels" ([{"host", "port"}]) and "sentinel_settings" (the settings
 * of each connection to a sentinel, in the same shape). The entry is read
 * as under a settings module that sets no DJANGO_REDIS_CONNECTION_FACTORY:
 * rc_resolve_with_settings takes those settings.
 *
 * On RC_OK, *settings is a JSON object (length in *settings_len, which may
 * be NULL) that CONTAINS THE PASSWORDS in clear ("password", also in each
 * replica and in "sentinel_settings"): treat it as a secret. Free it with
 * rc_free.
 * Errors: RC_ERR_CONFIG (the message names the setting),
 * RC_ERR_INVALID_ARGUMENT (entry NULL with a length, settings NULL).
 */
int rc_resolve(const char *entry, size_t entry_len, char **settings,
               size_t *settings_len, char **err);

/*
 * rc_resolve under the Django settings beside CACHES that change how an
 * entry is read: django_settings is a JSON object of setting names, e.g.
 * {"DJANGO_REDIS_CONNECTION_FACTORY":
 *  "django_redis.pool.SentinelConnectionFactory"}, which an entry naming
 * django-redis's SentinelClient needs (unless its OPTIONS.CONNECTION_FACTORY
 * names the factory). DJANGO_REDIS_CONNECTION_FACTORY is the only setting
 * read; any other name is RC_ERR_CONFIG. NULL with length 0 (or "{}",
 * "null") is no setting: then this is rc_resolve. Both inputs are copied
 * before the call returns.
 * Ownership, errors and thread-safety as rc_resolve (RC_ERR_CONFIG also
 * for settings that are not such an object; RC_ERR_INVALID_ARGUMENT for
 * django_settings NULL with a length).
 */
int rc_resolve_with_settings(const char *entry, size_t entry_len,
                             const char *django_settings,
                             size_t django_settings_len, char **settings,
                             size_t *settings_len, char **err);

/*
 * Expands the environment references in the JSON text of an entry file, as
 * core.ExpandEnv does: ${NAME} is the variable's value (unset is an error),
 * ${NAME:-default} the value when set and not empty, else default; $${ is a
 * literal ${. References count only inside JSON strings, and each value is
 * escaped for its string. Variables are read with getenv() at the call.
 * Nothing else expands references: rc_open and rc_resolve read "${" as is.
 *
 * On RC_OK, *out is the expanded text (length in *out_len, which may be
 * NULL); it holds the variables' values, passwords included. Free it with
 * rc_free. Errors: RC_ERR_CONFIG (names the unset variables, or where a
 * malformed reference is; never a value), RC_ERR_INVALID_ARGUMENT.
 */
int rc_expand_env(const char *text, size_t text_len, char **out,
                  size_t *out_len, char **err);

/* ---- Clients ------------------------------------------------------------ */

/*
 * Opens a client of a CACHES entry (JSON, see rc_resolve). No I/O: the first
 * call that needs Redis connects, as in Django. On RC_OK, *client is set;
 * close it with rc_close. On error *client is NULL.
 * Errors: RC_ERR_CONFIG, RC_ERR_INVALID_ARGUMENT (client NULL).
 */
int rc_open(const char *entry, size_t entry_len, rc_client **client,
            char **err);

/*
 * rc_open under the Django settings beside CACHES (django_settings, a JSON
 * object as rc_resolve_with_settings takes it; NULL with length 0 is none).
 * An entry of django-redis's SentinelClient opens only with
 * DJANGO_REDIS_CONNECTION_FACTORY (or OPTIONS.CONNECTION_FACTORY) naming
 * django_redis.pool.SentinelConnectionFactory: its writes go to the master
 * the sentinels name, its reads to a replica they report up. No I/O; the
 * inputs are copied. Ownership and errors as rc_open.
 */
int rc_open_with_settings(const char *entry, size_t entry_len,
                          const char *django_settings,
                          size_t django_settings_len, rc_client **client,
                          char **err);

/*
 * Closes a client and its connections. Calls in flight on other threads
 * fail with RC_ERR_CLOSED; later calls and a second rc_close return
 * RC_ERR_CLOSED. The token stays invalid forever (see rc_client).
 */
int rc_close(rc_client *client, char **err);

/*
 * Health of the client's Redis, as JSON in *json (length in *json_len, may
 * be NULL): {"mode", "status": "good"|"degraded"|"failed", "ping" or
 * "cluster_state" and "nodes", "error"}. RC_OK when Redis answered ("good",
 * or "degraded" when a cluster node failed); an error status otherwise, with
 * *json still describing the failure when it could be made. Free *json and
 * *err with rc_free.
 */
int rc_health(rc_client *client, char **json, size_t *json_len, char **err);

/* ---- One key ------------------------------------------------------------ */

/*
 * Gets a value. RC_OK: *value holds *value_len bytes (plus a NUL; free with
 * rc_free). RC_MISS: the key is missing, *value NULL, *value_len 0.
 * value and value_len are required.
 */
int rc_get(rc_client *client, const char *key, size_t key_len, int version,
           char **value, size_t *value_len, char **err);

/* Stores a value. RC_OK (also when a zero/negative timeout deleted it). */
int rc_set(rc_client *client, const char *key, size_t key_len,
           const char *value, size_t value_len, rc_timeout timeout,
           int version, char **err);

/* Stores a value only if the key is missing. RC_OK: stored (with a
 * zero/negative timeout: nothing written, the key was missing). RC_MISS: the
 * key exists, nothing written. Never resent after a timeout. */
int rc_add(rc_client *client, const char *key, size_t key_len,
           const char *value, size_t value_len, rc_timeout timeout,
           int version, char **err);

/* Deletes a key. RC_OK: it existed. RC_MISS: it did not. */
int rc_delete(rc_client *client, const char *key, size_t key_len,
              int version, char **err);

/* RC_OK: the key exists. RC_MISS: it does not. */
int rc_has_key(rc_client *client, const char *key, size_t key_len,
               int version, char **err);

/*
 * Adds delta to an integer value atomically; *result (optional) gets the new
 * value. RC_ERR_NOT_FOUND: the key is missing (Django raises ValueError);
 * RC_ERR_NOT_INTEGER: the value is not a 64-bit integer, or the result
 * would not be one (the value is then left alone). Never resent after a
 * timeout. rc_decr subtracts delta; rc_decr by INT64_MIN is
 * RC_ERR_NOT_INTEGER too (its negation does not exist).
 */
int rc_incr(rc_client *client, const char *key, size_t key_len,
            int64_t delta, int version, int64_t *result, char **err);
int rc_decr(rc_client *client, const char *key, size_t key_len,
            int64_t delta, int version, int64_t *result, char **err);

/*
 * Gives a key a new timeout (RC_TIMEOUT_NEVER removes its expiry; zero or
 * negative expires it now). RC_OK: the key exists. RC_MISS: it does not.
 * rc_expire is django-redis's expire(), the same operation.
 */
int rc_touch(rc_client *client, const char *key, size_t key_len,
             rc_timeout timeout, int version, char **err);
int rc_expire(rc_client *client, const char *key, size_t key_len,
              rc_timeout timeout, int version, char **err);

/* Removes a key's expiry. RC_OK: it had one. RC_MISS: the key is missing or
 * had no expiry. */
int rc_persist(rc_client *client, const char *key, size_t key_len,
               int version, char **err);

/*
 * Time a key has left, in milliseconds, in *ttl_ms (required). RC_OK: the
 * key exists; *ttl_ms is RC_TTL_NEVER when it has no expiry. RC_MISS: the
 * key is missing, *ttl_ms is 0 (django-redis answers 0).
 */
int rc_ttl(rc_client *client, const char *key, size_t key_len, int version,
           int64_t *ttl_ms, char **err);

/* ---- Many keys ---------------------------------------------------------- */
/* keys[i] holds key_lens[i] bytes; n may be 0 (then the arrays may be NULL). */

/*
 * Gets n values. On RC_OK, *values is an array of n rc_buf in the order of
 * keys (missing keys: found 0), in ONE allocation: free it with
 * rc_free(*values). values is required. Duplicate keys give the same value
 * at each place.
 */
int rc_get_many(rc_client *client, const char *const *keys,
                const size_t *key_lens, size_t n, int version,
                rc_buf **values, char **err);

/* Stores n values with one timeout, in one round trip per node. When a key
 * appears twice, the later value wins. RC_OK. */
int rc_set_many(rc_client *client, const char *const *keys,
                const size_t *key_lens, const char *const *values,
                const size_t *value_lens, size_t n, rc_timeout timeout,
                int version, char **err);

/* Deletes n keys; *deleted (optional) gets how many existed. RC_OK. */
int rc_delete_many(rc_client *client, const char *const *keys,
                   const size_t *key_lens, size_t n, int version,
                   int64_t *deleted, char **err);

/*
 * Deletes every key of this entry's KEY_PREFIX, all versions, on every
 * primary; *removed (optional) gets how many. Unlike django-redis's clear()
 * it never flushes the database: other prefixes' keys stay. RC_OK.
 */
int rc_clear(rc_client *client, int64_t *removed, char **err);

/* ---- Values ------------------------------------------------------------- */
/*
 * The *_value functions take and give Python values as "value JSON", UTF-8
 * JSON with a one-key object {"$tag": ...} for what JSON lacks:
 *
 *   None               null
 *   bool               true / false
 *   int (64 bits)      a JSON integer
 *   int (larger)       {"$int": "-123..."}          (decimal digits);
 *                      beyond 4300 digits, which Python's int() refuses,
 *                      hex after the sign: {"$int": "-0x1f..."}; either
 *                      form is read
 *   float              a JSON number, always with '.' or an exponent (1.0);
 *                      {"$float": "nan" | "inf" | "-inf"}
 *   str                a JSON string
 *   bytes              {"$bytes": "<base64>"}
 *   list               [...]
 *   tuple              {"$tuple": [...]}
 *   dict               {...} when every key is a str not starting with "$",
 *                      else {"$dict": [[key, value], ...]}; both in the
 *                      dict's insertion order
 *   set, frozenset     {"$set": [...]}, {"$frozenset": [...]}
 *   datetime           {"$datetime": "2024-01-02T03:04:05[.ffffff][+HH:MM]"}
 *                      (the offset only when aware; +HH:MM:SS when it has
 *                      seconds)
 *   date               {"$date": "YYYY-MM-DD"}
 *   time               {"$time": "HH:MM:SS[.ffffff][+HH:MM]"}
 *   timedelta          {"$timedelta": [days, seconds, microseconds]}
 *                      (Python's normalised form)
 *   decimal.Decimal    {"$decimal": "1.10"}                (its exact str)
 *   uuid.UUID          {"$uuid": "12345678-1234-5678-1234-567812345678"}
 *   bytearray          {"$bytearray": "<base64>"}
 *   complex            {"$complex": [real, imag]}       (floats as above)
 *   OrderedDict        {"$ordereddict": [[key, value], ...]} (its order)
 *   datetime with a    {"$datetime": {"iso": "2024-07-01T12:30:00+02:00",
 *   tz database zone,   "zone": "Europe/Paris"}}: a zoneinfo.ZoneInfo
 *   a named offset,    (the zone from the system's tz database), with
 *   or fold=1          "pytz": [zone, utcoffset, dst, tzname] (seconds;
 *                      [zone] for a static zone, [] for pytz.utc) for a
 *                      pytz zone; "tzname": "NPT" for timezone(offset,
 *                      name); "fold": true; members only when set
 *   time with fold=1   {"$time": {"iso": "01:00:00", "fold": true}}
 *   a pickle holding   {"$opaque": {"pickle": "<base64>", "value": V}}:
 *   an object of       "pickle" is the value's stored bytes, written back
 *   another class      unchanged; V is what it holds, read as data, never
 *                      executed: each object of a class this library does
 *                      not map (a Django model, an HttpResponse, an
 *                      exception, an enum member...) as
 *                      {"$object": {"class": C, "args": [...],
 *                       "kwargs": [[k, v], ...], "new": true,
 *                       "items": [...], "dictitems": [[k, v], ...],
 *                       "state": S}}
 *                      (C usually {"$global": ["module", "qualname"]};
 *                      "new": made by C.__new__(C, *args); items and
 *                      dictitems are what a list or dict subclass holds; S
 *                      its __dict__ or __setstate__ argument; members after
 *                      "class" only when set). Written, an $object is
 *                      pickled anew from its parts; {"$pickle": "<base64>"}
 *                      is stored bytes alone
 *
 * What reaches Redis is what django-redis would store for that Python
 * value with the entry's SERIALIZER and COMPRESSOR (an int as its digits;
 * beyond 4300 digits, which Django could not read back, serialized),
 * and what is read is what Django's cache.get returns (with JSON or msgpack
 * serializers, fewer types come back: e.g. a tuple is read as a list).
 * Input JSON that is malformed, holds an unknown "$" tag or a "$" key
 * beside others is RC_ERR_INVALID_ARGUMENT. A stored value the codec cannot
 * read, or a value it cannot write, is RC_ERR_VALUE; nothing is executed.
 * Pickles are written at the entry's PICKLE_VERSION (0 to 5, -1 the
 * highest; Django's own backend 5) with the bytes Python's pickle writes.
 */

/*
 * Gets a value as value JSON. RC_OK: *json holds *json_len bytes (plus a
 * NUL; free with rc_free). RC_MISS: the key is missing, *json NULL,
 * *json_len 0. json and json_len are required. RC_ERR_VALUE: the stored
 * bytes cannot be decoded (rc_get still reads them).
 */
int rc_get_value(rc_client *client, const char *key, size_t key_len,
                 int version, char **json, size_t *json_len, char **err);

/* Stores a value given as value JSON, as rc_set. */
int rc_set_value(rc_client *client, const char *key, size_t key_len,
                 const char *json, size_t json_len, rc_timeout timeout,
                 int version, char **err);

/* Stores a value given as value JSON if the key is missing, as rc_add:
 * RC_OK stored, RC_MISS the key exists. */
int rc_add_value(rc_client *client, const char *key, size_t key_len,
                 const char *json, size_t json_len, rc_timeout timeout,
                 int version, char **err);

/*
 * Gets n values as value JSON, in the layout of rc_get_many: on RC_OK,
 * *values is an array of n rc_buf (missing keys: found 0) whose data are
 * value-JSON texts, in one allocation freed by rc_free(*values).
 * RC_ERR_VALUE when any found value cannot be decoded (the message names
 * the key); then nothing is returned.
 */
int rc_get_many_values(rc_client *client, const char *const *keys,
                       const size_t *key_lens, size_t n, int version,
                       rc_buf **values, char **err);

/*
 * rc_get_value for a host that has Python's pickle.loads: the value in the
 * form rc_get_many_loadable gives (below), a pickle of built-in data as
 * itself, beginning with byte 0x80, anything else as value JSON. RC_OK:
 * *form holds *form_len bytes (NUL-terminated; free with rc_free);
 * RC_MISS: *form is NULL. form and form_len are required. RC_ERR_VALUE:
 * the stored bytes cannot be decoded. Safe from any thread.
 */
int rc_get_loadable(rc_client *client, const char *key, size_t key_len,
                    int version, char **form, size_t *form_len, char **err);

/*
 * rc_get_many_values for a host that has Python's pickle.loads: a value
 * that is a pickle of protocol 2 or later made only of opcodes that build
 * built-in data (str, bytes, int, float, None, bool, list, tuple, dict,
 * set, frozenset, bytearray; no opcode looks up a global or calls
 * anything) comes as that pickle, decompressed, and begins with byte 0x80;
 * every other value comes as value JSON, which never begins with that
 * byte. pickle.loads of such a pickle runs no code and gives what Django's
 * cache.get gives. Same layout, ownership and errors as rc_get_many_values.
 */
int rc_get_many_loadable(rc_client *client, const char *const *keys,
                         const size_t *key_lens, size_t n, int version,
                         rc_buf **values, char **err);

/* Stores n values given as value JSON (jsons[i] holds json_lens[i] bytes),
 * as rc_set_many. Every text is checked before anything is written. */
int rc_set_many_values(rc_client *client, const char *const *keys,
                       const size_t *key_lens, const char *const *jsons,
                       const size_t *json_lens, size_t n,
                       rc_timeout timeout, int version, char **err);

/* ---- Django's cache API --------------------------------------------------- */
/* What Django's BaseCache does in more than one command. Same conventions:
 * every buffer returned is freed with rc_free; safe from any thread. */

/*
 * Django's get_or_set: the cached value when the key exists; otherwise
 * `value` is added (never overwriting a value another client stored in the
 * meantime) and the key read again, as Django reads it again.
 * RC_OK: *out holds *out_len bytes, the value now cached (free with
 * rc_free). RC_MISS: nothing is cached (a zero or negative timeout stores
 * nothing, or the key was gone before the read): *out is NULL and the
 * answer is the caller's `value`, as Django answers its default.
 * out and out_len are required.
 */
int rc_get_or_set(rc_client *client, const char *key, size_t key_len,
                  const char *value, size_t value_len, rc_timeout timeout,
                  int version, char **out, size_t *out_len, char **err);

/* rc_get_or_set with values as value JSON (see "Values"): `json` is the
 * default, *out the cached value's JSON. RC_ERR_VALUE as rc_get_value and
 * rc_set_value. A JSON null is stored, as Django stores None. */
int rc_get_or_set_value(rc_client *client, const char *key, size_t key_len,
                        const char *json, size_t json_len,
                        rc_timeout timeout, int version, char **out,
                        size_t *out_len, char **err);

/*
 * Django's incr_version: moves the key's value from `version` to
 * version + delta and sets *new_version (optional) to that version. As
 * django-redis does, the value keeps its remaining lifetime (here to the
 * millisecond) and the old key is deleted; the stored bytes move unchanged.
 * A delta of 0 changes nothing (Django would delete the value).
 * RC_ERR_NOT_FOUND: the key is missing (Django raises ValueError).
 * RC_ERR_INVALID_ARGUMENT: the new version is not an int, or would be
 * RC_DEFAULT_VERSION; nothing moves. rc_decr_version moves it to
 * version - delta.
 */
int rc_incr_version(rc_client *client, const char *key, size_t key_len,
                    int delta, int version, int *new_version, char **err);
int rc_decr_version(rc_client *client, const char *key, size_t key_len,
                    int delta, int version, int *new_version, char **err);

/*
 * rc_set_many and rc_set_many_values that also say which keys failed, as
 * Django's set_many returns them. `failed` is the caller's array of n
 * bytes (required when n > 0); each is set to 1 when Redis refused that
 * key (an error reply such as OOM or NOPERM) and to 0 otherwise. RC_OK:
 * every key was stored. RC_MISS: the flagged keys were refused and every
 * other key stored. An error status (a connection error, say) leaves
 * unknown which keys were written; `failed` is then all zeros.
 */
int rc_set_many_report(rc_client *client, const char *const *keys,
                       const size_t *key_lens, const char *const *values,
                       const size_t *value_lens, size_t n,
                       rc_timeout timeout, int version,
                       unsigned char *failed, char **err);
int rc_set_many_values_report(rc_client *client, const char *const *keys,
                              const size_t *key_lens,
                              const char *const *jsons,
                              const size_t *json_lens, size_t n,
                              rc_timeout timeout, int version,
                              unsigned char *failed, char **err);

/* ---- django-redis's API ----------------------------------------------------- */
/* The verbs django-redis adds to Django's cache, with its names and
 * semantics. Same conventions as above. */

/* pexpire: the key expires in `ms` milliseconds (zero or less: now).
 * rc_pexpire_at: at `unix_ms`, milliseconds since the epoch (in the past:
 * now); django-redis's expire_at is this at whole seconds. RC_OK: the key
 * exists. RC_MISS: it does not. */
int rc_pexpire(rc_client *client, const char *key, size_t key_len,
               int64_t ms, int version, char **err);
int rc_pexpire_at(rc_client *client, const char *key, size_t key_len,
                  int64_t unix_ms, int version, char **err);

/* set(..., xx=True): stores the value only if the key exists. RC_OK:
 * stored. RC_MISS: the key is missing, nothing written. A zero or negative
 * timeout deletes the key instead: RC_OK when it existed. (set(nx=True)
 * is rc_add.) rc_replace_value takes value JSON. */
int rc_replace(rc_client *client, const char *key, size_t key_len,
               const char *value, size_t value_len, rc_timeout timeout,
               int version, char **err);
int rc_replace_value(rc_client *client, const char *key, size_t key_len,
                     const char *json, size_t json_len, rc_timeout timeout,
                     int version, char **err);

/* incr(..., ignore_key_check=True): INCRBY, which starts a missing key at 0
 * (without a timeout); *result (optional) gets the new value.
 * RC_ERR_NOT_INTEGER as rc_incr. Never resent after a timeout. */
int rc_incr_create(rc_client *client, const char *key, size_t key_len,
                   int64_t delta, int version, int64_t *result, char **err);

/*
 * Keys by pattern. `pattern` is a Redis glob of the key part (what Django
 * calls the key): the full pattern is KEY_PREFIX:VERSION:pattern with
 * every glob character of the prefix escaped, so that no other prefix's
 * keys match. Every primary of a cluster is scanned (SCAN, never KEYS).
 * The keys returned are key parts, in an rc_buf array (all found) of *n
 * entries, in ONE allocation freed by rc_free(*keys); keys and n are
 * required.
 *
 * rc_keys: every matching key, sorted, each once.
 * rc_scan_keys: one SCAN step, for iterating without holding every key:
 *   start with *cursor = 0; each call returns some keys and sets *cursor
 *   for the next call; the scan is done when *cursor is 0 again. A key may
 *   come twice (as with SCAN). `count` is SCAN's COUNT hint (0: 10).
 *   RC_ERR_INVALID_ARGUMENT for a cursor no scan made.
 * rc_delete_pattern: removes every matching key; *deleted (optional) gets
 *   how many. `count` is SCAN's COUNT (0: 1000).
 */
int rc_keys(rc_client *client, const char *pattern, size_t pattern_len,
            int version, rc_buf **keys, size_t *n, char **err);
int rc_scan_keys(rc_client *client, const char *pattern, size_t pattern_len,
                 int version, uint64_t *cursor, int64_t count, rc_buf **keys,
                 size_t *n, char **err);
int rc_delete_pattern(rc_client *client, const char *pattern,
                      size_t pattern_len, int version, int64_t count,
                      int64_t *deleted, char **err);

/*
 * Hashes (django-redis's hset, hdel, hlen, hkeys, hexists). rc_hset sets n
 * fields (fields[i] holds field_lens[i] bytes) to values as given, and
 * *added (optional) gets how many fields were new; rc_hset_values takes
 * value JSON, stored as django-redis encodes it (an int as its digits).
 * n must be at least 1 (RC_ERR_INVALID_ARGUMENT). rc_hdel removes n fields
 * (*removed: how many existed). rc_hlen: *length, 0 for a missing key.
 * rc_hkeys: the field names, as rc_keys returns keys. rc_hexists: RC_OK
 * when the hash has the field, RC_MISS when not. A key holding another
 * type is RC_ERR_SERVER (WRONGTYPE).
 */
int rc_hset(rc_client *client, const char *key, size_t key_len,
            const char *const *fields, const size_t *field_lens,
            const char *const *values, const size_t *value_lens, size_t n,
            int version, int64_t *added, char **err);
int rc_hset_values(rc_client *client, const char *key, size_t key_len,
                   const char *const *fields, const size_t *field_lens,
                   const char *const *jsons, const size_t *json_lens,
                   size_t n, int version, int64_t *added, char **err);
int rc_hdel(rc_client *client, const char *key, size_t key_len,
            const char *const *fields, const size_t *field_lens, size_t n,
            int version, int64_t *removed, char **err);
int rc_hlen(rc_client *client, const char *key, size_t key_len, int version,
            int64_t *length, char **err);
int rc_hkeys(rc_client *client, const char *key, size_t key_len, int version,
             rc_buf **fields, size_t *n, char **err);
int rc_hexists(rc_client *client, const char *key, size_t key_len,
               const char *field, size_t field_len, int version, char **err);

/*
 * Locks: the lock django-redis's cache.lock(name) hands out (redis-py's
 * Lock). The cache's key for `name` holds the holder's token; only the
 * holder of the token may release, extend or reacquire it (redis-py's own
 * scripts), so a holder here and a holder in Django exclude each other.
 * The lock lives in Redis: the caller keeps the token, and any client of
 * the same entry may act with it.
 *
 * rc_lock_acquire takes the lock. `timeout`: seconds it lives once taken
 * (0: never expires; negative, NaN: RC_ERR_INVALID_ARGUMENT). `blocking`
 * 0 tries once; otherwise it tries every `sleep` seconds (0: 0.1) until it
 * has the lock, `blocking_timeout` seconds would pass before the next try
 * (negative: no limit; 0: one try), or the client is closed. `token`
 * (token_len bytes) is the holder's; NULL with 0 makes a random one.
 * RC_OK: taken, and *token_out (optional; free with rc_free) holds the
 * token. RC_MISS: not taken. Blocks the calling thread while it waits.
 *
 * With the holder's token: rc_lock_release (RC_OK released), rc_lock_extend
 * (adds `additional` seconds, or sets the time left to it when replace_ttl
 * is non-zero), rc_lock_reacquire (the time left becomes `timeout` again,
 * which must be more than 0), rc_lock_owned (RC_OK when the token holds the
 * lock). Each answers RC_MISS when the token no longer holds the lock (it
 * expired or another holder has it; redis-py's LockNotOwnedError), and
 * then changes nothing; extend also for a lock without a timeout.
 * rc_lock_locked: RC_OK when anyone holds the lock.
 */
int rc_lock_acquire(rc_client *client, const char *name, size_t name_len,
                    int version, double timeout, double sleep, int blocking,
                    double blocking_timeout, const char *token,
                    size_t token_len, char **token_out, size_t *token_out_len,
                    char **err);
int rc_lock_release(rc_client *client, const char *name, size_t name_len,
                    int version, const char *token, size_t token_len,
                    char **err);
int rc_lock_extend(rc_client *client, const char *name, size_t name_len,
                   int version, const char *token, size_t token_len,
                   double additional, int replace_ttl, char **err);
int rc_lock_reacquire(rc_client *client, const char *name, size_t name_len,
                      int version, const char *token, size_t token_len,
                      double timeout, char **err);
int rc_lock_owned(rc_client *client, const char *name, size_t name_len,
                  int version, const char *token, size_t token_len,
                  char **err);
int rc_lock_locked(rc_client *client, const char *name, size_t name_len,
                   int version, char **err);

/*
 * Sorted sets: django-redis 7's zadd, zcard, zcount, zincrby, zpopmax,
 * zpopmin, zrange, zrangebyscore, zrank, zrem, zremrangebyscore,
 * zrevrange, zrevrangebyscore, zscore. Members are the stored bytes;
 * django-redis stores a member as its serializer writes it, an int too:
 * rc_encode_values with serialized = 1 makes those bytes from value JSON,
 * and rc_decode_values reads them back. `min` and `max` are Redis's score
 * bounds as NUL-terminated strings: a number, "-inf", "+inf", or "(" and a
 * number for an open bound.
 *
 * rc_zadd: n members (members[i], member_lens[i]) with scores[i]; `flags`
 *   ORs RC_ZADD_*; *result (optional): how many were added (with CH: added
 *   or changed). n must be at least 1.
 * rc_zadd_incr: zadd(..., incr=True): RC_OK with the new score in *result,
 *   RC_MISS when a flag kept it from changing (django-redis: None).
 * rc_zincrby: *result (optional) gets the new score.
 * rc_zcard, rc_zcount, rc_zremrangebyscore: *n (optional) gets the count.
 * rc_zrange: ranks start to stop (negative counts from the end), lowest
 *   score first, or highest with `desc` (zrevrange).
 * rc_zrangebyscore: scores in [min, max], from `offset`, at most `count`
 *   when count >= 0 (count < 0: all); highest first with `rev`
 *   (zrevrangebyscore: pass its min and max, not its max and min).
 * rc_zpopmax, rc_zpopmin: remove and return up to `count` (0: 1).
 *   These four return *n rc_scored in ONE allocation, freed by
 *   rc_free(*out); out and n are required.
 * rc_zrank, rc_zscore: RC_OK with *rank / *score (optional), RC_MISS when
 *   the member is not in the set.
 * rc_zrem: *removed (optional) gets how many of the n members were there.
 */
#define RC_ZADD_NX 1
#define RC_ZADD_XX 2
#define RC_ZADD_CH 4
#define RC_ZADD_GT 8
#define RC_ZADD_LT 16

/* A member of a sorted set and its score; `data` holds `len` bytes and a
 * NUL, inside the array's own allocation. */
typedef struct rc_scored {
    char *data;
    size_t len;
    double score;
} rc_scored;

int rc_zadd(rc_client *client, const char *key, size_t key_len,
            const char *const *members, const size_t *member_lens,
            const double *scores, size_t n, int flags, int version,
            int64_t *result, char **err);
int rc_zadd_incr(rc_client *client, const char *key, size_t key_len,
                 const char *member, size_t member_len, double score,
                 int flags, int version, double *result, char **err);
int rc_zincrby(rc_client *client, const char *key, size_t key_len,
               double amount, const char *member, size_t member_len,
               int version, double *result, char **err);
int rc_zcard(rc_client *client, const char *key, size_t key_len, int version,
             int64_t *n, char **err);
int rc_zcount(rc_client *client, const char *key, size_t key_len,
              const char *min, const char *max, int version, int64_t *n,
              char **err);
int rc_zremrangebyscore(rc_client *client, const char *key, size_t key_len,
                        const char *min, const char *max, int version,
                        int64_t *n, char **err);
int rc_zpopmax(rc_client *client, const char *key, size_t key_len,
               int64_t count, int version, rc_scored **out, size_t *n,
               char **err);
int rc_zpopmin(rc_client *client, const char *key, size_t key_len,
               int64_t count, int version, rc_scored **out, size_t *n,
               char **err);
int rc_zrange(rc_client *client, const char *key, size_t key_len,
              int64_t start, int64_t stop, int desc, int version,
              rc_scored **out, size_t *n, char **err);
int rc_zrangebyscore(rc_client *client, const char *key, size_t key_len,
                     const char *min, const char *max, int64_t offset,
                     int64_t count, int rev, int version, rc_scored **out,
                     size_t *n, char **err);
int rc_zrank(rc_client *client, const char *key, size_t key_len,
             const char *member, size_t member_len, int version,
             int64_t *rank, char **err);
int rc_zscore(rc_client *client, const char *key, size_t key_len,
              const char *member, size_t member_len, int version,
              double *score, char **err);
int rc_zrem(rc_client *client, const char *key, size_t key_len,
            const char *const *members, const size_t *member_lens, size_t n,
            int version, int64_t *removed, char **err);

/*
 * The entry's value codec without Redis. rc_encode_values: n value-JSON
 * texts to the bytes django-redis stores for them (serialized = 0: as
 * rc_set_value stores them, an int as its digits; 1: serialized, an int
 * too, as sorted-set members are). rc_decode_values: n stored values to
 * value JSON, as rc_get_value reads them. On RC_OK, *out is an rc_buf
 * array of n (all found) in one allocation, freed by rc_free(*out).
 * RC_ERR_VALUE (the message names the index) or RC_ERR_INVALID_ARGUMENT
 * for one that cannot be read; then nothing is returned. No I/O.
 */
int rc_encode_values(rc_client *client, const char *const *jsons,
                     const size_t *json_lens, size_t n, int serialized,
                     rc_buf **out, char **err);
int rc_decode_values(rc_client *client, const char *const *data,
                     const size_t *lens, size_t n, rc_buf **out, char **err);

/* The entry's COMPRESSOR alone, for callers that serialize values
 * themselves (the Django backend pickles in Python): rc_compress_values as
 * django-redis compresses a serialized value (below the compressor's
 * minimum length, and with the identity compressor, unchanged);
 * rc_decompress_values as its decode reads one back (bytes the compressor
 * cannot read come back unchanged: they were stored uncompressed). Same
 * layout and errors as rc_encode_values. No I/O. */
int rc_compress_values(rc_client *client, const char *const *data,
                       const size_t *lens, size_t n, rc_buf **out,
                       char **err);
int rc_decompress_values(rc_client *client, const char *const *data,
                         const size_t *lens, size_t n, rc_buf **out,
                         char **err);

#ifdef __cplusplus
}
#endif

#endif /* REDISCLIENT_H */
