/* The public functions of libredisclient.so, in C: each refuses a call in a
 * forked child before anything of Go runs, then hands over to its Go
 * export (rcgo_*, local to the library: see exports.map).
 *
 * Why in C: the Go runtime's threads do not survive fork(), and a call from
 * C into Go first enters the runtime (it takes an M, a P, maybe a lock),
 * which in a child can wait forever for a lock that a thread of the parent
 * held at the fork. A check inside the Go export comes too late: it hung a
 * child about once in thirty runs of the C test. rc_free, rc_version and
 * rc_abi_version need no Go at all.
 *
 * rc_get, rc_set, rc_get_value, rc_get_loadable and rc_set_value, the
 * calls that many threads make at once, go through combine.c, which
 * gathers them into batches. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "_cgo_export.h"
#include "combine.h"

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

int rc_resolve_with_settings(const char *entry, size_t entry_len, const char *django_settings,
                             size_t django_settings_len, char **settings, size_t *settings_len, char **err) {
    if (forked()) return refuse_forked("rc_resolve_with_settings", err);
    return rcgo_resolve_with_settings(entry, entry_len, django_settings, django_settings_len, settings,
                                      settings_len, err);
}

int rc_expand_env(const char *text, size_t text_len, char **out, size_t *out_len, char **err) {
    if (forked()) return refuse_forked("rc_expand_env", err);
    return rcgo_expand_env(text, text_len, out, out_len, err);
}

int rc_open(const char *entry, size_t entry_len, rc_client **client, char **err) {
    if (forked()) return refuse_forked("rc_open", err);
    return rcgo_open(entry, entry_len, client, err);
}

int rc_open_with_settings(const char *entry, size_t entry_len, const char *django_settings,
                          size_t django_settings_len, rc_client **client, char **err) {
    if (forked()) return refuse_forked("rc_open_with_settings", err);
    return rcgo_open_with_settings(entry, entry_len, django_settings, django_settings_len, client, err);
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
    rc__call call = {.op = RC__OP_GET, .client = client, .key = key, .key_len = key_len, .version = version,
                     .out = value, .out_len = value_len, .err = err};
    return rc__submit(&call);
}

int rc_set(rc_client *client, const char *key, size_t key_len, const char *value, size_t value_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set", err);
    rc__call call = {.op = RC__OP_SET, .client = client, .key = key, .key_len = key_len, .value = value,
                     .value_len = value_len, .timeout = timeout, .version = version, .err = err};
    return rc__submit(&call);
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
    rc__call call = {.op = RC__OP_GET_VALUE, .client = client, .key = key, .key_len = key_len, .version = version,
                     .out = json, .out_len = json_len, .err = err};
    return rc__submit(&call);
}

int rc_get_loadable(rc_client *client, const char *key, size_t key_len, int version, char **form, size_t *form_len, char **err) {
    if (forked()) return refuse_forked("rc_get_loadable", err);
    rc__call call = {.op = RC__OP_GET_LOADABLE, .client = client, .key = key, .key_len = key_len, .version = version,
                     .out = form, .out_len = form_len, .err = err};
    return rc__submit(&call);
}

int rc_set_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set_value", err);
    rc__call call = {.op = RC__OP_SET_VALUE, .client = client, .key = key, .key_len = key_len, .value = json,
                     .value_len = json_len, .timeout = timeout, .version = version, .err = err};
    return rc__submit(&call);
}

int rc_add_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_add_value", err);
    return rcgo_add_value(client, key, key_len, json, json_len, timeout, version, err);
}

int rc_get_many_values(rc_client *client, const char *const *keys, const size_t *key_lens, size_t n, int version, rc_buf **values, char **err) {
    if (forked()) return refuse_forked("rc_get_many_values", err);
    return rcgo_get_many_values(client, keys, key_lens, n, version, values, err);
}

int rc_get_many_loadable(rc_client *client, const char *const *keys, const size_t *key_lens, size_t n, int version, rc_buf **values, char **err) {
    if (forked()) return refuse_forked("rc_get_many_loadable", err);
    return rcgo_get_many_loadable(client, keys, key_lens, n, version, values, err);
}

int rc_set_many_values(rc_client *client, const char *const *keys, const size_t *key_lens, const char *const *jsons, const size_t *json_lens, size_t n, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_set_many_values", err);
    return rcgo_set_many_values(client, keys, key_lens, jsons, json_lens, n, timeout, version, err);
}

int rc_get_or_set(rc_client *client, const char *key, size_t key_len, const char *value, size_t value_len, rc_timeout timeout, int version, char **out, size_t *out_len, char **err) {
    if (forked()) return refuse_forked("rc_get_or_set", err);
    return rcgo_get_or_set(client, key, key_len, value, value_len, timeout, version, out, out_len, err);
}

int rc_get_or_set_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **out, size_t *out_len, char **err) {
    if (forked()) return refuse_forked("rc_get_or_set_value", err);
    return rcgo_get_or_set_value(client, key, key_len, json, json_len, timeout, version, out, out_len, err);
}

int rc_incr_version(rc_client *client, const char *key, size_t key_len, int delta, int version, int *new_version, char **err) {
    if (forked()) return refuse_forked("rc_incr_version", err);
    return rcgo_incr_version(client, key, key_len, delta, version, new_version, err);
}

int rc_decr_version(rc_client *client, const char *key, size_t key_len, int delta, int version, int *new_version, char **err) {
    if (forked()) return refuse_forked("rc_decr_version", err);
    return rcgo_decr_version(client, key, key_len, delta, version, new_version, err);
}

int rc_set_many_report(rc_client *client, const char *const *keys, const size_t *key_lens, const char *const *values, const size_t *value_lens, size_t n, rc_timeout timeout, int version, unsigned char *failed, char **err) {
    if (forked()) return refuse_forked("rc_set_many_report", err);
    return rcgo_set_many_report(client, keys, key_lens, values, value_lens, n, timeout, version, failed, err);
}

int rc_set_many_values_report(rc_client *client, const char *const *keys, const size_t *key_lens, const char *const *jsons, const size_t *json_lens, size_t n, rc_timeout timeout, int version, unsigned char *failed, char **err) {
    if (forked()) return refuse_forked("rc_set_many_values_report", err);
    return rcgo_set_many_values_report(client, keys, key_lens, jsons, json_lens, n, timeout, version, failed, err);
}

int rc_pexpire(rc_client *client, const char *key, size_t key_len, int64_t ms, int version, char **err) {
    if (forked()) return refuse_forked("rc_pexpire", err);
    return rcgo_pexpire(client, key, key_len, ms, version, err);
}

int rc_pexpire_at(rc_client *client, const char *key, size_t key_len, int64_t unix_ms, int version, char **err) {
    if (forked()) return refuse_forked("rc_pexpire_at", err);
    return rcgo_pexpire_at(client, key, key_len, unix_ms, version, err);
}

int rc_replace(rc_client *client, const char *key, size_t key_len, const char *value, size_t value_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_replace", err);
    return rcgo_replace(client, key, key_len, value, value_len, timeout, version, err);
}

int rc_replace_value(rc_client *client, const char *key, size_t key_len, const char *json, size_t json_len, rc_timeout timeout, int version, char **err) {
    if (forked()) return refuse_forked("rc_replace_value", err);
    return rcgo_replace_value(client, key, key_len, json, json_len, timeout, version, err);
}

int rc_incr_create(rc_client *client, const char *key, size_t key_len, int64_t delta, int version, int64_t *result, char **err) {
    if (forked()) return refuse_forked("rc_incr_create", err);
    return rcgo_incr_create(client, key, key_len, delta, version, result, err);
}

int rc_keys(rc_client *client, const char *pattern, size_t pattern_len, int version, rc_buf **keys, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_keys", err);
    return rcgo_keys(client, pattern, pattern_len, version, keys, n, err);
}

int rc_scan_keys(rc_client *client, const char *pattern, size_t pattern_len, int version, uint64_t *cursor, int64_t count, rc_buf **keys, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_scan_keys", err);
    return rcgo_scan_keys(client, pattern, pattern_len, version, cursor, count, keys, n, err);
}

int rc_delete_pattern(rc_client *client, const char *pattern, size_t pattern_len, int version, int64_t count, int64_t *deleted, char **err) {
    if (forked()) return refuse_forked("rc_delete_pattern", err);
    return rcgo_delete_pattern(client, pattern, pattern_len, version, count, deleted, err);
}

int rc_hset(rc_client *client, const char *key, size_t key_len, const char *const *fields, const size_t *field_lens, const char *const *values, const size_t *value_lens, size_t n, int version, int64_t *added, char **err) {
    if (forked()) return refuse_forked("rc_hset", err);
    return rcgo_hset(client, key, key_len, fields, field_lens, values, value_lens, n, version, added, err);
}

int rc_hset_values(rc_client *client, const char *key, size_t key_len, const char *const *fields, const size_t *field_lens, const char *const *jsons, const size_t *json_lens, size_t n, int version, int64_t *added, char **err) {
    if (forked()) return refuse_forked("rc_hset_values", err);
    return rcgo_hset_values(client, key, key_len, fields, field_lens, jsons, json_lens, n, version, added, err);
}

int rc_hdel(rc_client *client, const char *key, size_t key_len, const char *const *fields, const size_t *field_lens, size_t n, int version, int64_t *removed, char **err) {
    if (forked()) return refuse_forked("rc_hdel", err);
    return rcgo_hdel(client, key, key_len, fields, field_lens, n, version, removed, err);
}

int rc_hlen(rc_client *client, const char *key, size_t key_len, int version, int64_t *length, char **err) {
    if (forked()) return refuse_forked("rc_hlen", err);
    return rcgo_hlen(client, key, key_len, version, length, err);
}

int rc_hkeys(rc_client *client, const char *key, size_t key_len, int version, rc_buf **fields, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_hkeys", err);
    return rcgo_hkeys(client, key, key_len, version, fields, n, err);
}

int rc_hexists(rc_client *client, const char *key, size_t key_len, const char *field, size_t field_len, int version, char **err) {
    if (forked()) return refuse_forked("rc_hexists", err);
    return rcgo_hexists(client, key, key_len, field, field_len, version, err);
}

int rc_lock_acquire(rc_client *client, const char *name, size_t name_len, int version, double timeout, double sleep, int blocking, double blocking_timeout, const char *token, size_t token_len, char **token_out, size_t *token_out_len, char **err) {
    if (forked()) return refuse_forked("rc_lock_acquire", err);
    return rcgo_lock_acquire(client, name, name_len, version, timeout, sleep, blocking, blocking_timeout, token, token_len, token_out, token_out_len, err);
}

int rc_lock_release(rc_client *client, const char *name, size_t name_len, int version, const char *token, size_t token_len, char **err) {
    if (forked()) return refuse_forked("rc_lock_release", err);
    return rcgo_lock_release(client, name, name_len, version, token, token_len, err);
}

int rc_lock_extend(rc_client *client, const char *name, size_t name_len, int version, const char *token, size_t token_len, double additional, int replace_ttl, char **err) {
    if (forked()) return refuse_forked("rc_lock_extend", err);
    return rcgo_lock_extend(client, name, name_len, version, token, token_len, additional, replace_ttl, err);
}

int rc_lock_reacquire(rc_client *client, const char *name, size_t name_len, int version, const char *token, size_t token_len, double timeout, char **err) {
    if (forked()) return refuse_forked("rc_lock_reacquire", err);
    return rcgo_lock_reacquire(client, name, name_len, version, token, token_len, timeout, err);
}

int rc_lock_owned(rc_client *client, const char *name, size_t name_len, int version, const char *token, size_t token_len, char **err) {
    if (forked()) return refuse_forked("rc_lock_owned", err);
    return rcgo_lock_owned(client, name, name_len, version, token, token_len, err);
}

int rc_lock_locked(rc_client *client, const char *name, size_t name_len, int version, char **err) {
    if (forked()) return refuse_forked("rc_lock_locked", err);
    return rcgo_lock_locked(client, name, name_len, version, err);
}

int rc_zadd(rc_client *client, const char *key, size_t key_len, const char *const *members, const size_t *member_lens, const double *scores, size_t n, int flags, int version, int64_t *result, char **err) {
    if (forked()) return refuse_forked("rc_zadd", err);
    return rcgo_zadd(client, key, key_len, members, member_lens, scores, n, flags, version, result, err);
}

int rc_zadd_incr(rc_client *client, const char *key, size_t key_len, const char *member, size_t member_len, double score, int flags, int version, double *result, char **err) {
    if (forked()) return refuse_forked("rc_zadd_incr", err);
    return rcgo_zadd_incr(client, key, key_len, member, member_len, score, flags, version, result, err);
}

int rc_zincrby(rc_client *client, const char *key, size_t key_len, double amount, const char *member, size_t member_len, int version, double *result, char **err) {
    if (forked()) return refuse_forked("rc_zincrby", err);
    return rcgo_zincrby(client, key, key_len, amount, member, member_len, version, result, err);
}

int rc_zcard(rc_client *client, const char *key, size_t key_len, int version, int64_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zcard", err);
    return rcgo_zcard(client, key, key_len, version, n, err);
}

int rc_zcount(rc_client *client, const char *key, size_t key_len, const char *min, const char *max, int version, int64_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zcount", err);
    return rcgo_zcount(client, key, key_len, min, max, version, n, err);
}

int rc_zremrangebyscore(rc_client *client, const char *key, size_t key_len, const char *min, const char *max, int version, int64_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zremrangebyscore", err);
    return rcgo_zremrangebyscore(client, key, key_len, min, max, version, n, err);
}

int rc_zpopmax(rc_client *client, const char *key, size_t key_len, int64_t count, int version, rc_scored **out, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zpopmax", err);
    return rcgo_zpopmax(client, key, key_len, count, version, out, n, err);
}

int rc_zpopmin(rc_client *client, const char *key, size_t key_len, int64_t count, int version, rc_scored **out, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zpopmin", err);
    return rcgo_zpopmin(client, key, key_len, count, version, out, n, err);
}

int rc_zrange(rc_client *client, const char *key, size_t key_len, int64_t start, int64_t stop, int desc, int version, rc_scored **out, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zrange", err);
    return rcgo_zrange(client, key, key_len, start, stop, desc, version, out, n, err);
}

int rc_zrangebyscore(rc_client *client, const char *key, size_t key_len, const char *min, const char *max, int64_t offset, int64_t count, int rev, int version, rc_scored **out, size_t *n, char **err) {
    if (forked()) return refuse_forked("rc_zrangebyscore", err);
    return rcgo_zrangebyscore(client, key, key_len, min, max, offset, count, rev, version, out, n, err);
}

int rc_zrank(rc_client *client, const char *key, size_t key_len, const char *member, size_t member_len, int version, int64_t *rank, char **err) {
    if (forked()) return refuse_forked("rc_zrank", err);
    return rcgo_zrank(client, key, key_len, member, member_len, version, rank, err);
}

int rc_zscore(rc_client *client, const char *key, size_t key_len, const char *member, size_t member_len, int version, double *score, char **err) {
    if (forked()) return refuse_forked("rc_zscore", err);
    return rcgo_zscore(client, key, key_len, member, member_len, version, score, err);
}

int rc_zrem(rc_client *client, const char *key, size_t key_len, const char *const *members, const size_t *member_lens, size_t n, int version, int64_t *removed, char **err) {
    if (forked()) return refuse_forked("rc_zrem", err);
    return rcgo_zrem(client, key, key_len, members, member_lens, n, version, removed, err);
}

int rc_encode_values(rc_client *client, const char *const *jsons, const size_t *json_lens, size_t n, int serialized, rc_buf **out, char **err) {
    if (forked()) return refuse_forked("rc_encode_values", err);
    return rcgo_encode_values(client, jsons, json_lens, n, serialized, out, err);
}

int rc_decode_values(rc_client *client, const char *const *data, const size_t *lens, size_t n, rc_buf **out, char **err) {
    if (forked()) return refuse_forked("rc_decode_values", err);
    return rcgo_decode_values(client, data, lens, n, out, err);
}

int rc_compress_values(rc_client *client, const char *const *data, const size_t *lens, size_t n, rc_buf **out, char **err) {
    if (forked()) return refuse_forked("rc_compress_values", err);
    return rcgo_compress_values(client, data, lens, n, out, err);
}

int rc_decompress_values(rc_client *client, const char *const *data, const size_t *lens, size_t n, rc_buf **out, char **err) {
    if (forked()) return refuse_forked("rc_decompress_values", err);
    return rcgo_decompress_values(client, data, lens, n, out, err);
}
