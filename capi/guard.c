/* The public functions of libredisclient.so, in C: each refuses a call in a
 * forked child before anything of Go runs, then hands over to its Go
 * export (rcgo_*, local to the library: see exports.map).
 *
 * Why in C: the Go runtime's threads do not survive fork(), and a call from
 * C into Go first enters the runtime (it takes an M, a P, maybe a lock),
 * which in a child can wait forever for a lock that a thread of the parent
 * held at the fork. A check inside the Go export comes too late: it hung a
 * child about once in thirty runs of the C test. rc_free, rc_version and
 * rc_abi_version need no Go at all. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "_cgo_export.h"

/* The Go exports must take exactly the header's argument types. */
#pragma GCC diagnostic error "-Wincompatible-pointer-types"
#pragma GCC diagnostic error "-Wdiscarded-qualifiers"
#pragma GCC diagnostic error "-Wint-conversion"
#pragma GCC diagnostic error "-Wimplicit-function-declaration"

static pid_t load_pid;

__attribute__((constructor)) static void remember_pid(void) { load_pid = getpid(); }

/* getpid(2) is a system call (glibc caches nothing since 2.25), so it sees
 * the child's own pid. */
static int forked(void) { return getpid() != load_pid; }

/* The status and message of a call in a forked child, in malloc'd memory
 * as every message: rc_free frees it in the child too. */
static int refuse_forked(const char *op, char **err) {
    static const char why[] = ": called in a forked child: create clients after fork()";
    if (err != NULL) {
        size_t n = strlen(op);
        *err = malloc(n + sizeof why);
        if (*err != NULL) {
            memcpy(*err, op, n);
            memcpy(*err + n, why, sizeof why);
        }
    }
    return RC_ERR_FORKED;
}

const char *rc_version(void) { return RC_VERSION_STRING; }

int rc_abi_version(void) { return RC_ABI_VERSION; }

void rc_free(void *ptr) { free(ptr); }

int rc_resolve(const char *entry, size_t entry_len, char **settings, size_t *settings_len, char **err) {
    if (forked()) return refuse_forked("rc_resolve", err);
    return rcgo_resolve(entry, entry_len, settings, settings_len, err);
}

int rc_expand_env(const char *text, size_t text_len, char **out, size_t *out_len, char **err) {
    if (forked()) return refuse_forked("rc_expand_env", err);
    return rcgo_expand_env(text, text_len, out, out_len, err);
}

int rc_open(const char *entry, size_t entry_len, rc_client **client, char **err) {
    if (forked()) return refuse_forked("rc_open", err);
    return rcgo_open(entry, entry_len, client, err);
}

int rc_close(rc_client *client, char **err) {
    if (forked()) return refuse_forked("rc_close", err);
    return rcgo_close(client, err);
}

int rc_health(rc_client *client, char **json, size_t *json_len, char **err) {
    if (forked()) return refuse_forked("rc_health", err);
    return rcgo_health(client, json, json_len, err);
}

int rc_get(rc_client *client, const char *key, size_t key_len, int version, char **value, size_t *value_len, char **err) {
    if (forked()) return refuse_forked("rc_get", err);
    return rcgo_get(client, key, key_len, version, value, value_len, err);
}

int rc_set(rc_client *client, const char *key, size_t key_len, const char *value, size_t value_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set", err);
    return rcgo_set(client, key, key_len, value, value_len, timeout, version, err);
}

int rc_add(rc_client *client, const char *key, size_t key_len, const char *value, size_t value_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_add", err);
    return rcgo_add(client, key, key_len, value, value_len, timeout, version, err);
}

int rc_delete(rc_client *client, const char *key, size_t key_len, int version, char **err) {
    if (forked()) return refuse_forked("rc_delete", err);
    return rcgo_delete(client, key, key_len, version, err);
}

int rc_has_key(rc_client *client, const char *key, size_t key_len, int version, char **err) {
    if (forked()) return refuse_forked("rc_has_key", err);
    return rcgo_has_key(client, key, key_len, version, err);
}

int rc_incr(rc_client *client, const char *key, size_t key_len, int64_t delta, int version, int64_t *result, char **err) {
    if (forked()) return refuse_forked("rc_incr", err);
    return rcgo_incr(client, key, key_len, delta, version, result, err);
}

int rc_decr(rc_client *client, const char *key, size_t key_len, int64_t delta, int version, int64_t *result, char **err) {
    if (forked()) return refuse_forked("rc_decr", err);
    return rcgo_decr(client, key, key_len, delta, version, result, err);
}

int rc_touch(rc_client *client, const char *key, size_t key_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_touch", err);
    return rcgo_touch(client, key, key_len, timeout, version, err);
}

int rc_expire(rc_client *client, const char *key, size_t key_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_expire", err);
    return rcgo_expire(client, key, key_len, timeout, version, err);
}

int rc_persist(rc_client *client, const char *key, size_t key_len, int version, char **err) {
    if (forked()) return refuse_forked("rc_persist", err);
    return rcgo_persist(client, key, key_len, version, err);
}

int rc_ttl(rc_client *client, const char *key, size_t key_len, int version, int64_t *ttl_ms, char **err) {
    if (forked()) return refuse_forked("rc_ttl", err);
    return rcgo_ttl(client, key, key_len, version, ttl_ms, err);
}

int rc_get_many(rc_client *client, const char *const *keys, const size_t *key_lens, size_t n, int version, rc_buf **values, char **err) {
    if (forked()) return refuse_forked("rc_get_many", err);
    return rcgo_get_many(client, keys, key_lens, n, version, values, err);
}

int rc_set_many(rc_client *client, const char *const *keys, const size_t *key_lens, const char *const *values, const size_t *value_lens, size_t n, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set_many", err);
    return rcgo_set_many(client, keys, key_lens, values, value_lens, n, timeout, version, err);
}

int rc_delete_many(rc_client *client, const char *const *keys, const size_t *key_lens, size_t n, int version, int64_t *deleted, char **err) {
    if (forked()) return refuse_forked("rc_delete_many", err);
    return rcgo_delete_many(client, keys, key_lens, n, version, deleted, err);
}

int rc_clear(rc_client *client, int64_t *removed, char **err) {
    if (forked()) return refuse_forked("rc_clear", err);
    return rcgo_clear(client, removed, err);
}

int rc_get_value(rc_client *client, const char *key, size_t key_len, int version, char **json, size_t *json_len, char **err) {
    if (forked()) return refuse_forked("rc_get_value", err);
    return rcgo_get_value(client, key, key_len, version, json, json_len, err);
}

int rc_set_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set_value", err);
    return rcgo_set_value(client, key, key_len, json, json_len, timeout, version, err);
}

int rc_add_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_add_value", err);
    return rcgo_add_value(client, key, key_len, json, json_len, timeout, version, err);
}

int rc_get_many_values(rc_client *client, const char *const *keys, const size_t *key_lens, size_t n, int version, rc_buf **values, char **err) {
    if (forked()) return refuse_forked("rc_get_many_values", err);
    return rcgo_get_many_values(client, keys, key_lens, n, version, values, err);
}

int rc_set_many_values(rc_client *client, const char *const *keys, const size_t *key_lens, const char *const *jsons, const size_t *json_lens, size_t n, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set_many_values", err);
    return rcgo_set_many_values(client, keys, key_lens, jsons, json_lens, n, timeout, version, err);
}
