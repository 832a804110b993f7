/*
 * C test of libredisclient against the real servers (testenv): every
 * function on the standalone server and the cluster, misuse, binary data,
 * timeouts, threads and fork. Needs RC_TEST_STANDALONE, RC_TEST_CLUSTER and
 * RC_TEST_ACL with its user and password (fails without them). Prints
 * "N passed, M failed" last; exits 1 on a failure. Run through tests/c/run.sh (valgrind).
 *
 * Every buffer the library returns is freed here, so that valgrind's
 * "definitely lost" would point at the library.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "redisclient.h"

static int passed, failed;
static char prefix[64];

#define CHECK(cond, ...)                                               \
    do {                                                               \
        if (cond) {                                                    \
            passed++;                                                  \
        } else {                                                       \
            failed++;                                                  \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
            printf(__VA_ARGS__);                                       \
            printf("\n");                                              \
        }                                                              \
    } while (0)

/* A status, and the error message the call returned (freed here). */
#define CHECK_ST(call, want)                                              \
    do {                                                                  \
        char *err_ = NULL;                                                \
        int st_ = (call);                                                 \
        CHECK(st_ == (want), "%s -> %d, want %d (%s)", #call, st_, (want), \
              err_ ? err_ : "no message");                                \
        rc_free(err_);                                                    \
    } while (0)
/* `&E` in a call below is the err_ of CHECK_ST. */
#define E err_

static const char *need(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        printf("FAIL: %s is not set: source testenv/.run/env.sh\n", name);
        printf("0 passed, 1 failed\n");
        exit(1);
    }
    return v;
}

#define K(s) (s), (sizeof(s) - 1) /* a literal key as (pointer, length) */
#define V RC_DEFAULT_VERSION

static void standalone_entry(char *buf, size_t cap, const char *suffix) {
    snprintf(buf, cap,
             "{\"BACKEND\": \"django_redis.cache.RedisCache\", "
             "\"LOCATION\": \"redis://%s/0\", \"KEY_PREFIX\": \"%s-%s\", "
             "\"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\"}}",
             need("RC_TEST_STANDALONE"), prefix, suffix);
}

static void cluster_entry(char *buf, size_t cap, const char *suffix) {
    const char *hosts = need("RC_TEST_CLUSTER");
    char first[64];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(hosts, ","), hosts);
    snprintf(buf, cap,
             "{\"LOCATION\": \"redis://%s\", \"KEY_PREFIX\": \"%s-%s\", "
             "\"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", "
             "\"CLIENT_CLASS_KWARGS\": {\"mode\": \"cluster\", \"redis_hosts\": \"%s\"}}}",
             first, prefix, suffix, hosts);
}

static rc_client *open_entry(const char *entry) {
    rc_client *c = NULL;
    char *err = NULL;
    int st = rc_open(entry, strlen(entry), &c, &err);
    CHECK(st == RC_OK && c != NULL, "rc_open -> %d (%s)", st, err ? err : "");
    rc_free(err);
    return c;
}

/* ---- Every function on one server -------------------------------------- */

static void test_get_set_binary(rc_client *c) {
    /* NUL bytes and non-UTF-8 in both key and value. */
    const char key[] = {'b', 0, 'i', (char)0xff, 'n'};
    const char val[] = {0, 1, 0, (char)0xfe, 'x', 0};
    CHECK_ST(rc_set(c, key, sizeof key, val, sizeof val, rc_timeout_default(), V, &E), RC_OK);
    char *got = NULL;
    size_t n = 99;
    CHECK_ST(rc_get(c, key, sizeof key, V, &got, &n, &E), RC_OK);
    CHECK(got != NULL && n == sizeof val && memcmp(got, val, n) == 0, "binary value differs (len %zu)", n);
    CHECK(got != NULL && got[n] == 0, "returned buffer has no trailing NUL");
    rc_free(got);
    /* The key with its NUL is a different key from its prefix "b". */
    got = NULL;
    CHECK_ST(rc_get(c, "b", 1, V, &got, &n, &E), RC_MISS);
    CHECK(got == NULL && n == 0, "a miss returns NULL and 0");
    /* Empty value. */
    CHECK_ST(rc_set(c, K("empty"), "", 0, rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_get(c, K("empty"), V, &got, &n, &E), RC_OK);
    CHECK(got != NULL && n == 0 && got[0] == 0, "empty value is an empty NUL-terminated buffer");
    rc_free(got);
}

static void test_miss_add_delete_has(rc_client *c) {
    char *got = (char *)1;
    size_t n = 5;
    char *err = (char *)1;
    CHECK(rc_get(c, K("never-set"), V, &got, &n, &err) == RC_MISS, "get of a missing key");
    CHECK(got == NULL && n == 0 && err == NULL, "miss sets value NULL, len 0, err NULL");

    CHECK_ST(rc_add(c, K("a"), K("1"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_add(c, K("a"), K("2"), rc_timeout_default(), V, &E), RC_MISS);
    CHECK_ST(rc_get(c, K("a"), V, &got, &n, &E), RC_OK);
    CHECK(n == 1 && got[0] == '1', "add did not overwrite");
    rc_free(got);
    /* Django: add with timeout 0 writes nothing and says the key was absent. */
    CHECK_ST(rc_add(c, K("a0"), K("x"), rc_timeout_seconds(0), V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("a0"), V, &E), RC_MISS);

    CHECK_ST(rc_has_key(c, K("a"), V, &E), RC_OK);
    CHECK_ST(rc_delete(c, K("a"), V, &E), RC_OK);
    CHECK_ST(rc_delete(c, K("a"), V, &E), RC_MISS);
    CHECK_ST(rc_has_key(c, K("a"), V, &E), RC_MISS);
}

/* ---- An independent reader: GET over a socket of its own --------------- */

/* Reads exactly n bytes; 0 on success. */
static int read_full(int fd, char *buf, size_t n) {
    while (n > 0) {
        ssize_t got = recv(fd, buf, n, 0);
        if (got <= 0) return -1;
        buf += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Reads one CRLF-terminated line (without CRLF) into buf; 0 on success. */
static int read_line(int fd, char *buf, size_t cap) {
    size_t n = 0;
    while (n + 1 < cap) {
        if (read_full(fd, buf + n, 1) != 0) return -1;
        if (n > 0 && buf[n - 1] == '\r' && buf[n] == '\n') {
            buf[n - 1] = 0;
            return 0;
        }
        n++;
    }
    return -1;
}

/*
 * GET of a full key from "127.0.0.1:port", following one MOVED (cluster),
 * without the library: what Redis stores, as another client reads it.
 * Writes the value, NUL-terminated, into out; returns 0, 1 for a missing
 * key, -1 on any failure.
 */
static int raw_get(const char *addr, const char *key, char *out, size_t cap) {
    for (int hop = 0; hop < 2; hop++) {
        char host[64];
        const char *colon = strrchr(addr, ':');
        if (colon == NULL || (size_t)(colon - addr) >= sizeof host) return -1;
        snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
        if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            close(fd);
            return -1;
        }
        char cmd[512];
        int n = snprintf(cmd, sizeof cmd, "*2\r\n$3\r\nGET\r\n$%zu\r\n%s\r\n", strlen(key), key);
        char line[256];
        int st = -1;
        static char moved[64];
        if (n > 0 && (size_t)n < sizeof cmd && send(fd, cmd, (size_t)n, 0) == n && read_line(fd, line, sizeof line) == 0) {
            long len = line[0] == '$' ? strtol(line + 1, NULL, 10) : -2;
            if (len == -1) {
                st = 1;
            } else if (len >= 0 && (size_t)len < cap && read_full(fd, out, (size_t)len + 2) == 0) {
                out[len] = 0;
                st = 0;
            } else if (strncmp(line, "-MOVED ", 7) == 0 && strchr(line + 7, ' ')) {
                snprintf(moved, sizeof moved, "%s", strchr(line + 7, ' ') + 1);
                st = 2;
            }
        }
        close(fd);
        if (st != 2) return st;
        addr = moved;
    }
    return -1;
}

/* The stored value of key in this client's default version, read by
 * raw_get from server (the first address of a list). */
static const char *stored(const char *server, const char *keyprefix, const char *key) {
    static char value[128];
    char first[64], full[256];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(server, ","), server);
    snprintf(full, sizeof full, "%s:1:%s", keyprefix, key);
    int st = raw_get(first, full, value, sizeof value);
    return st == 0 ? value : st == 1 ? "(missing)" : "(GET failed)";
}

/* The counter edges: decr by INT64_MIN is refused (its negation does not
 * exist) and overflow either way is refused, each leaving the value alone. */
static void test_counter_limits(rc_client *c, const char *server, const char *keyprefix) {
    int64_t r = 42;
    char *err = NULL;
    CHECK_ST(rc_set(c, K("lim"), K("5"), rc_timeout_default(), V, &E), RC_OK);
    int st = rc_decr(c, K("lim"), INT64_MIN, V, &r, &err);
    CHECK(st == RC_ERR_NOT_INTEGER, "decr(INT64_MIN) -> %d", st);
    CHECK(err && strstr(err, "rc_decr") && strstr(err, "lim") && strstr(err, "-9223372036854775808"),
          "message names op, key and delta: %s", err ? err : "");
    CHECK(r == 0, "result is 0 on error: %" PRId64, r);
    rc_free(err);
    CHECK(strcmp(stored(server, keyprefix, "lim"), "5") == 0, "decr(INT64_MIN) changed 5 to %s",
          stored(server, keyprefix, "lim"));

    static const struct {
        const char *value;
        int decr;
        int64_t delta;
    } over[] = {
        {"9223372036854775807", 0, 1},
        {"9223372036854775807", 1, -1},
        {"1", 0, INT64_MAX},
        {"-9223372036854775808", 1, 1},
        {"-9223372036854775808", 0, -1},
        {"-1", 0, INT64_MIN},
        {"-2", 1, INT64_MAX},
    };
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
        CHECK_ST(rc_set(c, K("lim"), over[i].value, strlen(over[i].value), rc_timeout_default(), V, &E), RC_OK);
        st = over[i].decr ? rc_decr(c, K("lim"), over[i].delta, V, &r, NULL) : rc_incr(c, K("lim"), over[i].delta, V, &r, NULL);
        CHECK(st == RC_ERR_NOT_INTEGER, "%s %s by %" PRId64 " -> %d", over[i].value, over[i].decr ? "decr" : "incr",
              over[i].delta, st);
        CHECK(strcmp(stored(server, keyprefix, "lim"), over[i].value) == 0, "a refused %s changed %s to %s",
              over[i].decr ? "decr" : "incr", over[i].value, stored(server, keyprefix, "lim"));
    }
}

/* The result is the stored value to the last digit, near 2^53 and 2^63
 * (a Lua number, a double, would round it). */
static void test_counter_exact(rc_client *c, const char *server, const char *keyprefix) {
    static const struct {
        const char *value;
        int decr;
        int64_t delta;
        int64_t want;
        const char *want_text;
    } cases[] = {
        {"9007199254740992", 0, 1, 9007199254740993LL, "9007199254740993"},
        {"-9007199254740992", 1, 1, -9007199254740993LL, "-9007199254740993"},
        {"9223372036854775797", 0, 1, 9223372036854775798LL, "9223372036854775798"},
        {"-9223372036854775800", 1, 7, INT64_MIN + 1, "-9223372036854775807"},
        {"5", 0, INT64_MIN, INT64_MIN + 5, "-9223372036854775803"},
        {"0", 0, INT64_MIN, INT64_MIN, "-9223372036854775808"},
        {"9223372036854775806", 0, 1, INT64_MAX, "9223372036854775807"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t r = 0;
        CHECK_ST(rc_set(c, K("exact"), cases[i].value, strlen(cases[i].value), rc_timeout_default(), V, &E), RC_OK);
        if (cases[i].decr) {
            CHECK_ST(rc_decr(c, K("exact"), cases[i].delta, V, &r, &E), RC_OK);
        } else {
            CHECK_ST(rc_incr(c, K("exact"), cases[i].delta, V, &r, &E), RC_OK);
        }
        const char *got = stored(server, keyprefix, "exact");
        CHECK(strcmp(got, cases[i].want_text) == 0, "%s by %" PRId64 ": Redis stores %s", cases[i].value,
              cases[i].delta, got);
        char text[32];
        snprintf(text, sizeof text, "%" PRId64, r);
        CHECK(r == cases[i].want && strcmp(text, got) == 0, "%s by %" PRId64 ": result %s, Redis stores %s",
              cases[i].value, cases[i].delta, text, got);
    }
}

static void test_incr_decr(rc_client *c) {
    int64_t r = 0;
    CHECK_ST(rc_set(c, K("n"), K("10"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_incr(c, K("n"), 5, V, &r, &E), RC_OK);
    CHECK(r == 15, "incr gave %lld", (long long)r);
    CHECK_ST(rc_decr(c, K("n"), 20, V, &r, &E), RC_OK);
    CHECK(r == -5, "decr gave %lld", (long long)r);
    CHECK_ST(rc_incr(c, K("n"), 1, V, NULL, NULL), RC_OK); /* optional outs */

    char *err = NULL;
    r = 42;
    int st = rc_incr(c, K("missing-n"), 1, V, &r, &err);
    CHECK(st == RC_ERR_NOT_FOUND, "incr of a missing key -> %d", st);
    CHECK(err && strstr(err, "rc_incr") && strstr(err, "missing-n"), "message names op and key: %s", err ? err : "");
    CHECK(r == 0, "result is 0 on error");
    rc_free(err);
    CHECK_ST(rc_has_key(c, K("missing-n"), V, &E), RC_MISS); /* incr created nothing */

    CHECK_ST(rc_set(c, K("s"), K("abc"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_decr(c, K("s"), 1, V, &r, &E), RC_ERR_NOT_INTEGER);
}

static int64_t ttl_of(rc_client *c, const char *key, size_t len, int *st) {
    int64_t ms = -99;
    char *err = NULL;
    *st = rc_ttl(c, key, len, V, &ms, &err);
    rc_free(err);
    return ms;
}

static void test_timeouts(rc_client *c) {
    int st;
    int64_t ms;
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_never(), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms == RC_TTL_NEVER, "never: ttl %d %lld", st, (long long)ms);
    CHECK_ST(rc_persist(c, K("t"), V, &E), RC_MISS); /* had no expiry */

    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_default(), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms > 290000 && ms <= 300000, "default is 300 s: %lld", (long long)ms);

    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_seconds(100.5), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms > 90000 && ms <= 100500, "100.5 s: %lld", (long long)ms);

    CHECK_ST(rc_touch(c, K("t"), rc_timeout_seconds(50), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms > 40000 && ms <= 50000, "touch 50 s: %lld", (long long)ms);
    CHECK_ST(rc_expire(c, K("t"), rc_timeout_seconds(30), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms > 20000 && ms <= 30000, "expire 30 s: %lld", (long long)ms);
    CHECK_ST(rc_persist(c, K("t"), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms == RC_TTL_NEVER, "persisted: %lld", (long long)ms);
    CHECK_ST(rc_touch(c, K("t"), rc_timeout_seconds(20), V, &E), RC_OK);
    CHECK_ST(rc_touch(c, K("t"), rc_timeout_never(), V, &E), RC_OK);
    ms = ttl_of(c, K("t"), &st);
    CHECK(st == RC_OK && ms == RC_TTL_NEVER, "touch never: %lld", (long long)ms);

    /* Zero and negative expire at once, as in Django. */
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_seconds(0), V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("t"), V, &E), RC_MISS);
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_seconds(-1), V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("t"), V, &E), RC_MISS);
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_touch(c, K("t"), rc_timeout_seconds(0), V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("t"), V, &E), RC_MISS);

    /* Missing keys. */
    CHECK_ST(rc_touch(c, K("t-missing"), rc_timeout_seconds(5), V, &E), RC_MISS);
    CHECK_ST(rc_persist(c, K("t-missing"), V, &E), RC_MISS);
    ms = ttl_of(c, K("t-missing"), &st);
    CHECK(st == RC_MISS && ms == 0, "ttl of a missing key: %d %lld", st, (long long)ms);

    /* Timeouts that cannot be used. */
    rc_timeout bad_kind = {7, 1};
    CHECK_ST(rc_set(c, K("t"), K("v"), bad_kind, V, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_set(c, K("t"), K("v"), rc_timeout_seconds(NAN), V, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_touch(c, K("t"), rc_timeout_seconds(1e300), V, &E), RC_ERR_INVALID_ARGUMENT);
}

static void test_versions(rc_client *c) {
    char *got = NULL;
    size_t n = 0;
    CHECK_ST(rc_set(c, K("ver"), K("two"), rc_timeout_default(), 2, &E), RC_OK);
    CHECK_ST(rc_get(c, K("ver"), V, &got, &n, &E), RC_MISS);
    CHECK_ST(rc_get(c, K("ver"), 1, &got, &n, &E), RC_MISS);
    CHECK_ST(rc_get(c, K("ver"), 2, &got, &n, &E), RC_OK);
    CHECK(n == 3 && memcmp(got, "two", 3) == 0, "version 2 value");
    rc_free(got);
    CHECK_ST(rc_set(c, K("ver"), K("one"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_get(c, K("ver"), 1, &got, &n, &E), RC_OK); /* default VERSION is 1 */
    rc_free(got);
}

static void test_many(rc_client *c) {
    const char bin[] = {'x', 0, 'y'};
    const char *keys[] = {"m1", "m2", "m3", "m4"};
    size_t klens[] = {2, 2, 2, 2};
    const char *vals[] = {"one", bin, "three"};
    size_t vlens[] = {3, sizeof bin, 5};
    CHECK_ST(rc_set_many(c, keys, klens, vals, vlens, 3, rc_timeout_seconds(60), V, &E), RC_OK);
    int st;
    int64_t ms = ttl_of(c, K("m2"), &st);
    CHECK(st == RC_OK && ms > 50000 && ms <= 60000, "set_many timeout: %lld", (long long)ms);

    const char *ask[] = {"m3", "m4", "m2", "m1", "m3"};
    size_t asklens[] = {2, 2, 2, 2, 2};
    rc_buf *bufs = NULL;
    CHECK_ST(rc_get_many(c, ask, asklens, 5, V, &bufs, &E), RC_OK);
    if (bufs != NULL) {
        CHECK(bufs[0].found && bufs[0].len == 5 && memcmp(bufs[0].data, "three", 5) == 0, "m3 first");
        CHECK(!bufs[1].found && bufs[1].data == NULL && bufs[1].len == 0, "m4 missing");
        CHECK(bufs[2].found && bufs[2].len == 3 && memcmp(bufs[2].data, bin, 3) == 0, "m2 binary");
        CHECK(bufs[2].found && bufs[2].data[3] == 0, "trailing NUL");
        CHECK(bufs[3].found && bufs[3].len == 3 && memcmp(bufs[3].data, "one", 3) == 0, "m1");
        CHECK(bufs[4].found && bufs[4].len == 5 && memcmp(bufs[4].data, "three", 5) == 0, "duplicate m3");
    }
    rc_free(bufs);
    bufs = NULL;
    CHECK_ST(rc_get_many(c, NULL, NULL, 0, V, &bufs, &E), RC_OK);
    rc_free(bufs);
    CHECK_ST(rc_get_many(c, NULL, NULL, 2, V, &bufs, &E), RC_ERR_INVALID_ARGUMENT);

    int64_t deleted = -1;
    CHECK_ST(rc_delete_many(c, ask, asklens, 4, V, &deleted, &E), RC_OK);
    CHECK(deleted == 3, "delete_many deleted %lld", (long long)deleted);
    CHECK_ST(rc_has_key(c, K("m1"), V, &E), RC_MISS);
    CHECK_ST(rc_delete_many(c, NULL, NULL, 0, V, NULL, &E), RC_OK);

    /* A zero timeout deletes, as rc_set does. */
    CHECK_ST(rc_set_many(c, keys, klens, vals, vlens, 1, rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_set_many(c, keys, klens, vals, vlens, 1, rc_timeout_seconds(0), V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("m1"), V, &E), RC_MISS);
}

static void test_clear_and_health(rc_client *c, const char *mode) {
    for (int i = 0; i < 20; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "clear%d", i);
        CHECK_ST(rc_set(c, k, (size_t)n, K("v"), rc_timeout_default(), i % 3 + 1, &E), RC_OK);
    }
    int64_t removed = -1;
    CHECK_ST(rc_clear(c, &removed, &E), RC_OK);
    CHECK(removed >= 20, "clear removed %lld", (long long)removed);
    CHECK_ST(rc_has_key(c, K("clear0"), 1, &E), RC_MISS);

    char *json = NULL;
    size_t len = 0;
    CHECK_ST(rc_health(c, &json, &len, &E), RC_OK);
    CHECK(json && strlen(json) == len && strstr(json, "\"status\":\"good\""), "health: %s", json ? json : "");
    char want[64];
    snprintf(want, sizeof want, "\"mode\":\"%s\"", mode);
    CHECK(json && strstr(json, want), "health mode %s: %s", mode, json ? json : "");
    rc_free(json);
    CHECK_ST(rc_health(c, NULL, NULL, &E), RC_ERR_INVALID_ARGUMENT);
}

static void test_bad_arguments(rc_client *c) {
    char *got = NULL;
    size_t n = 0;
    CHECK_ST(rc_get(c, NULL, 3, V, &got, &n, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_get(c, K("k"), V, NULL, &n, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_set(c, K("k"), NULL, 2, rc_timeout_default(), V, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_ttl(c, K("k"), V, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    /* A NULL key of length 0 is the empty key. */
    CHECK_ST(rc_set(c, NULL, 0, K("e"), rc_timeout_seconds(10), V, &E), RC_OK);
    CHECK_ST(rc_get(c, "", 0, V, &got, &n, &E), RC_OK);
    CHECK(n == 1 && got[0] == 'e', "empty key");
    rc_free(got);
}

/* ---- Values (value JSON) ------------------------------------------------ */

/* Gets key as value JSON and compares it with want (NULL: expect a miss). */
static void check_value(rc_client *c, const char *key, size_t klen, const char *want) {
    char *js = (char *)1;
    size_t n = 99;
    CHECK_ST(rc_get_value(c, key, klen, V, &js, &n, &E), want ? RC_OK : RC_MISS);
    if (want == NULL) {
        CHECK(js == NULL && n == 0, "a value miss returns NULL and 0");
        return;
    }
    CHECK(js != NULL && n == strlen(want) && memcmp(js, want, n) == 0 && js[n] == 0,
          "value JSON %.*s, want %s", js ? (int)n : 0, js ? js : "", want);
    rc_free(js);
}

static void test_values(rc_client *c) {
    /* Every tagged form round-trips through the entry's pickle serializer. */
    const char rich[] =
        "{\"s\":\"h\\u00e9\",\"l\":[1,2.5,{\"$float\":\"nan\"},null,true],"
        "\"t\":{\"$tuple\":[{\"$int\":\"1180591620717411303424\"},{\"$bytes\":\"AP8=\"}]},"
        "\"d\":{\"$dict\":[[1,\"one\"],[{\"$tuple\":[1,2]},{\"$set\":[3]}]]},"
        "\"f\":{\"$frozenset\":[\"x\"]},"
        "\"dt\":{\"$datetime\":\"2024-01-02T03:04:05.000006+02:00\"},"
        "\"naive\":{\"$datetime\":\"2024-01-02T03:04:05\"},"
        "\"day\":{\"$date\":\"2024-02-29\"},\"tm\":{\"$time\":\"23:59:59-01:30\"},"
        "\"td\":{\"$timedelta\":[-1,86399,1]},\"dec\":{\"$decimal\":\"1.10\"},"
        "\"u\":{\"$uuid\":\"12345678-1234-5678-1234-567812345678\"}}";
    const char bkey[] = {'v', 0, (char)0xff};
    CHECK_ST(rc_set_value(c, bkey, sizeof bkey, rich, strlen(rich), rc_timeout_default(), V, &E), RC_OK);
    /* Python's "é" escape is read as the character and written as UTF-8. */
    const char rich_out[] =
        "{\"s\":\"h\xc3\xa9\",\"l\":[1,2.5,{\"$float\":\"nan\"},null,true],"
        "\"t\":{\"$tuple\":[{\"$int\":\"1180591620717411303424\"},{\"$bytes\":\"AP8=\"}]},"
        "\"d\":{\"$dict\":[[1,\"one\"],[{\"$tuple\":[1,2]},{\"$set\":[3]}]]},"
        "\"f\":{\"$frozenset\":[\"x\"]},"
        "\"dt\":{\"$datetime\":\"2024-01-02T03:04:05.000006+02:00\"},"
        "\"naive\":{\"$datetime\":\"2024-01-02T03:04:05\"},"
        "\"day\":{\"$date\":\"2024-02-29\"},\"tm\":{\"$time\":\"23:59:59-01:30\"},"
        "\"td\":{\"$timedelta\":[-1,86399,1]},\"dec\":{\"$decimal\":\"1.10\"},"
        "\"u\":{\"$uuid\":\"12345678-1234-5678-1234-567812345678\"}}";
    check_value(c, bkey, sizeof bkey, rich_out);
    /* The binary key is not its prefix "v". */
    check_value(c, "v", 1, NULL);

    /* $int in hex (the form beyond Python's 4300 decimal digits) is read
     * too, and written back as decimal while it has at most 4300 digits. */
    CHECK_ST(rc_set_value(c, K("hex"), K("[{\"$int\":\"-0x400000000000000000\"},{\"$int\":\"0x1f\"}]"),
                          rc_timeout_default(), V, &E),
             RC_OK);
    check_value(c, K("hex"), "[{\"$int\":\"-1180591620717411303424\"},31]");
    /* 2^20000 (6021 digits): hex both ways, stored as a pickle, not digits. */
    static char huge[5200];
    int hn = snprintf(huge, sizeof huge, "{\"$int\":\"0x1%05000d\"}", 0);
    CHECK_ST(rc_set_value(c, K("huge"), huge, (size_t)hn, rc_timeout_default(), V, &E), RC_OK);
    check_value(c, K("huge"), huge);
    char *hraw = NULL;
    size_t hrn = 0;
    CHECK_ST(rc_get(c, K("huge"), V, &hraw, &hrn, &E), RC_OK);
    CHECK(hraw && hrn > 2 && (unsigned char)hraw[0] == 0x80 && hraw[1] == 4, "an int over 4300 digits is pickled");
    rc_free(hraw);
    /* Stored as Django stores it: a protocol-4 pickle (no compressor). */
    char *raw = NULL;
    size_t rn = 0;
    CHECK_ST(rc_get(c, bkey, sizeof bkey, V, &raw, &rn, &E), RC_OK);
    CHECK(raw && rn > 3 && (unsigned char)raw[0] == 0x80 && raw[1] == 4 && raw[rn - 1] == '.',
          "set_value stores a protocol 4 pickle");
    rc_free(raw);

    /* A pickle as Django writes pickle.dumps({'a': (1, 'é'), 'when':
     * date(2024, 2, 29)}, 4), stored raw, reads as value JSON. */
    const char django[] =
        "\x80\x04\x95\x38\x00\x00\x00\x00\x00\x00\x00\x7d\x94\x28\x8c\x01\x61\x94\x4b\x01\x8c\x02"
        "\xc3\xa9\x94\x86\x94\x8c\x04\x77\x68\x65\x6e\x94\x8c\x08\x64\x61\x74\x65\x74\x69\x6d\x65"
        "\x94\x8c\x04\x64\x61\x74\x65\x94\x93\x94\x43\x04\x07\xe8\x02\x1d\x94\x85\x94\x52\x94\x75\x2e";
    CHECK_ST(rc_set(c, K("django"), django, sizeof django - 1, rc_timeout_default(), V, &E), RC_OK);
    check_value(c, K("django"), "{\"a\":{\"$tuple\":[1,\"\xc3\xa9\"]},\"when\":{\"$date\":\"2024-02-29\"}}");

    /* Ints are stored as digits, as django-redis does: incr works on them. */
    CHECK_ST(rc_set_value(c, K("int"), K("41"), rc_timeout_default(), V, &E), RC_OK);
    int64_t r = 0;
    CHECK_ST(rc_incr(c, K("int"), 1, V, &r, &E), RC_OK);
    check_value(c, K("int"), "42");
    check_value(c, K("never-set-value"), NULL);

    /* add_value: stored once, then RC_MISS and nothing overwritten. */
    CHECK_ST(rc_add_value(c, K("add"), K("[1]"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_add_value(c, K("add"), K("[2]"), rc_timeout_default(), V, &E), RC_MISS);
    check_value(c, K("add"), "[1]");

    /* A pickle that would call os.system, stored raw: read as the view of
     * that call, nothing run, and written back byte for byte. */
    const char evil[] = "cos\nsystem\n(S'true'\ntR.";
    CHECK_ST(rc_set(c, K("evil"), K(evil), rc_timeout_default(), V, &E), RC_OK);
    const char evil_js[] =
        "{\"$opaque\":{\"pickle\":\"Y29zCnN5c3RlbQooUyd0cnVlJwp0Ui4=\",\"value\":"
        "{\"$object\":{\"class\":{\"$global\":[\"os\",\"system\"]},\"args\":[\"true\"]}}}}";
    check_value(c, K("evil"), evil_js);
    CHECK_ST(rc_set_value(c, K("evil-copy"), K(evil_js), rc_timeout_default(), V, &E), RC_OK);
    char *evil_raw = NULL;
    size_t evil_n = 0;
    CHECK_ST(rc_get(c, K("evil-copy"), V, &evil_raw, &evil_n, &E), RC_OK);
    CHECK(evil_raw && evil_n == sizeof evil - 1 && memcmp(evil_raw, evil, evil_n) == 0, "an opaque value is written back unchanged");
    rc_free(evil_raw);

    /* The types only pickles carry: a protocol 5 bytearray as Django
     * writes it, and complex, OrderedDict and zoned datetimes both ways. */
    const char barr[] = "\x80\x05\x95\x0d\x00\x00\x00\x00\x00\x00\x00\x96\x02\x00\x00\x00\x00\x00\x00\x00" "ab\x94.";
    CHECK_ST(rc_set(c, K("bytearray"), barr, sizeof barr - 1, rc_timeout_default(), V, &E), RC_OK);
    check_value(c, K("bytearray"), "{\"$bytearray\":\"YWI=\"}");
    const char pickled_only[] =
        "[{\"$complex\":[1.5,{\"$float\":\"-inf\"}]},{\"$ordereddict\":[[\"b\",1],[2,\"a\"]]},"
        "{\"$datetime\":{\"iso\":\"2024-07-01T12:30:00+02:00\",\"zone\":\"Europe/Paris\"}},"
        "{\"$datetime\":{\"iso\":\"2024-07-01T12:30:00+02:00\",\"zone\":\"Europe/Paris\",\"pytz\":[\"Europe/Paris\",7200,3600,\"CEST\"]}},"
        "{\"$bytearray\":\"\"}]";
    CHECK_ST(rc_set_value(c, K("pickled-only"), K(pickled_only), rc_timeout_default(), V, &E), RC_OK);
    check_value(c, K("pickled-only"), pickled_only);
    char *js = (char *)1, *err = NULL;
    size_t n = 9;
    int st;
    /* Bytes another codec wrote (here not a pickle at all). */
    CHECK_ST(rc_set(c, K("junk"), K("{\"json\": 1}"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_get_value(c, K("junk"), V, &js, &n, &E), RC_ERR_VALUE);

    /* Bad value JSON is an invalid argument, and writes nothing. */
    const char *bad[] = {"", "{'a': 1}", "[1,", "{\"$nope\":1}", "{\"a\":1,\"$tuple\":[]}", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_ST(rc_set_value(c, K("bad"), bad[i], strlen(bad[i]), rc_timeout_default(), V, &E), RC_ERR_INVALID_ARGUMENT);
        CHECK_ST(rc_add_value(c, K("bad"), bad[i], strlen(bad[i]), rc_timeout_default(), V, &E), RC_ERR_INVALID_ARGUMENT);
    }
    CHECK_ST(rc_has_key(c, K("bad"), V, &E), RC_MISS);
    CHECK_ST(rc_set_value(c, K("bad"), NULL, 3, rc_timeout_default(), V, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_get_value(c, K("k"), V, NULL, &n, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_get_value(c, K("k"), V, &js, NULL, &E), RC_ERR_INVALID_ARGUMENT);

    /* Many: texts in, texts out in key order; misses found 0. */
    const char mkey[] = {'m', 0, 'v'};
    const char *keys[] = {"mv1", mkey, "mv3"};
    size_t klens[] = {3, sizeof mkey, 3};
    const char *vals[] = {"{\"$set\":[1]}", "\"two\"", "null"};
    size_t vlens[] = {strlen(vals[0]), strlen(vals[1]), strlen(vals[2])};
    CHECK_ST(rc_set_many_values(c, keys, klens, vals, vlens, 3, rc_timeout_seconds(60), V, &E), RC_OK);
    const char *ask[] = {"mv3", "mv-missing", mkey, "mv1", "mv3"};
    size_t asklens[] = {3, 10, sizeof mkey, 3, 3};
    rc_buf *bufs = NULL;
    CHECK_ST(rc_get_many_values(c, ask, asklens, 5, V, &bufs, &E), RC_OK);
    if (bufs != NULL) {
        CHECK(bufs[0].found && bufs[0].len == 4 && memcmp(bufs[0].data, "null", 4) == 0, "None is found, as null");
        CHECK(!bufs[1].found && bufs[1].data == NULL && bufs[1].len == 0, "missing");
        CHECK(bufs[2].found && bufs[2].len == 5 && memcmp(bufs[2].data, "\"two\"", 5) == 0 && bufs[2].data[5] == 0, "binary key");
        CHECK(bufs[3].found && strcmp(bufs[3].data, "{\"$set\":[1]}") == 0, "set: %s", bufs[3].data ? bufs[3].data : "");
        CHECK(bufs[4].found && bufs[4].len == 4, "duplicate key");
    }
    rc_free(bufs);
    bufs = NULL;
    CHECK_ST(rc_get_many_values(c, NULL, NULL, 0, V, &bufs, &E), RC_OK);
    rc_free(bufs);
    bufs = NULL;
    CHECK_ST(rc_get_many_values(c, ask, asklens, 1, V, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    /* Loadable: a pickle of built-in data comes as itself (0x80 first), an
     * integer stored as digits and a pickle naming a global as value JSON. */
    CHECK_ST(rc_set(c, K("mvint"), "42", 2, rc_timeout_seconds(60), V, &E), RC_OK);
    static const char global_pickle[] = "\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x03int\x94\x93\x94.";
    CHECK_ST(rc_set(c, K("mvglobal"), global_pickle, sizeof global_pickle - 1, rc_timeout_seconds(60), V, &E), RC_OK);
    const char *lask[] = {"mv1", "mv-missing", "mvint", "mvglobal"};
    size_t lasklens[] = {3, 10, 5, 8};
    rc_buf *forms = NULL;
    CHECK_ST(rc_get_many_loadable(c, lask, lasklens, 4, V, &forms, &E), RC_OK);
    if (forms != NULL) {
        CHECK(forms[0].found && forms[0].len > 2 && (unsigned char)forms[0].data[0] == 0x80, "a set of ints is a loadable pickle");
        CHECK(!forms[1].found && forms[1].data == NULL, "missing");
        CHECK(forms[2].found && forms[2].len == 2 && memcmp(forms[2].data, "42", 2) == 0, "digits: value JSON");
        CHECK(forms[3].found && strstr(forms[3].data, "\"$global\"") != NULL, "a global: value JSON, %s", forms[3].data ? forms[3].data : "");
    }
    rc_free(forms);
    CHECK_ST(rc_get_many_loadable(c, ask, asklens, 1, V, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    char *form = NULL;
    size_t form_len = 0;
    CHECK_ST(rc_get_loadable(c, K("mv1"), V, &form, &form_len, &E), RC_OK);
    CHECK(form && form_len > 2 && (unsigned char)form[0] == 0x80 && form[form_len] == 0, "get: a loadable pickle");
    rc_free(form);
    form = NULL;
    CHECK_ST(rc_get_loadable(c, K("mvglobal"), V, &form, &form_len, &E), RC_OK);
    CHECK(form && strlen(form) == form_len && strstr(form, "\"$global\"") != NULL, "get: a global as value JSON");
    rc_free(form);
    form = NULL;
    CHECK_ST(rc_get_loadable(c, K("mv-missing"), V, &form, &form_len, &E), RC_MISS);
    CHECK(form == NULL && form_len == 0, "get: a miss");
    CHECK_ST(rc_get_loadable(c, K("mv1"), V, NULL, &form_len, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_get_loadable(c, K("junk"), V, &form, &form_len, &E), RC_ERR_VALUE);
    /* One undecodable value fails the whole call, naming the key. */
    const char *withjunk[] = {"mv1", "evil", "junk"};
    size_t jlens[] = {3, 4, 4};
    err = NULL;
    st = rc_get_many_values(c, withjunk, jlens, 3, V, &bufs, &err);
    CHECK(st == RC_ERR_VALUE && bufs == NULL && err && strstr(err, "junk"), "get_many_values of bytes that are no pickle -> %d (%s)", st, err ? err : "");
    rc_free(err);
    err = NULL;
    st = rc_get_many_loadable(c, withjunk, jlens, 3, V, &bufs, &err);
    CHECK(st == RC_ERR_VALUE && bufs == NULL && err && strstr(err, "junk"), "get_many_loadable of bytes that are no pickle -> %d (%s)", st, err ? err : "");
    rc_free(err);
    /* A bad text anywhere writes nothing. */
    const char *nkeys[] = {"mvn1", "mvn2"};
    size_t nklens[] = {4, 4};
    const char *nvals[] = {"1", "[1"};
    size_t nvlens[] = {1, 2};
    CHECK_ST(rc_set_many_values(c, nkeys, nklens, nvals, nvlens, 2, rc_timeout_default(), V, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_has_key(c, K("mvn1"), V, &E), RC_MISS);
}

/* ---- Django's cache API ------------------------------------------------ */

static void test_django_api(rc_client *c) {
    char *got = (char *)1;
    size_t n = 9;
    /* get_or_set: added on a miss, the stored value on a hit. */
    CHECK_ST(rc_get_or_set(c, K("gos"), K("first"), rc_timeout_seconds(60), V, &got, &n, &E), RC_OK);
    CHECK(got != NULL && n == 5 && memcmp(got, "first", 5) == 0 && got[n] == 0, "get_or_set stores on a miss");
    rc_free(got);
    CHECK_ST(rc_get_or_set(c, K("gos"), K("second"), rc_timeout_seconds(60), V, &got, &n, &E), RC_OK);
    CHECK(got != NULL && n == 5 && memcmp(got, "first", 5) == 0, "get_or_set returns the stored value");
    rc_free(got);
    got = (char *)1;
    CHECK_ST(rc_get_or_set(c, K("gos0"), K("x"), rc_timeout_seconds(0), V, &got, &n, &E), RC_MISS);
    CHECK(got == NULL && n == 0, "nothing cached: NULL and 0");
    CHECK_ST(rc_has_key(c, K("gos0"), V, &E), RC_MISS);
    CHECK_ST(rc_get_or_set(c, K("gos"), K("x"), rc_timeout_default(), V, NULL, &n, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_get_or_set_value(c, K("gosv"), K("null"), rc_timeout_default(), V, &got, &n, &E), RC_OK);
    CHECK(got != NULL && n == 4 && memcmp(got, "null", 4) == 0, "None is stored: %s", got ? got : "(null)");
    rc_free(got);
    CHECK_ST(rc_get_or_set_value(c, K("gosv"), K("[1"), rc_timeout_default(), V, &got, &n, &E), RC_ERR_INVALID_ARGUMENT);

    /* incr_version keeps the value and its lifetime, and deletes the old key. */
    int moved = 0;
    CHECK_ST(rc_set(c, K("iv"), K("val"), rc_timeout_seconds(60), V, &E), RC_OK);
    CHECK_ST(rc_incr_version(c, K("iv"), 2, V, &moved, &E), RC_OK);
    CHECK(moved == 3, "incr_version -> %d", moved);
    CHECK_ST(rc_has_key(c, K("iv"), V, &E), RC_MISS);
    int st;
    ttl_of(c, K("iv"), &st);
    CHECK(st == RC_MISS, "old version gone");
    int64_t left = 0;
    CHECK_ST(rc_ttl(c, K("iv"), 3, &left, &E), RC_OK);
    CHECK(left > 50000 && left <= 60000, "TTL kept: %lld", (long long)left);
    CHECK_ST(rc_decr_version(c, K("iv"), 1, 3, &moved, &E), RC_OK);
    CHECK(moved == 2, "decr_version -> %d", moved);
    CHECK_ST(rc_get(c, K("iv"), 2, &got, &n, &E), RC_OK);
    CHECK(n == 3 && memcmp(got, "val", 3) == 0, "the value moved");
    rc_free(got);
    CHECK_ST(rc_incr_version(c, K("missing"), 1, V, &moved, &E), RC_ERR_NOT_FOUND);
    CHECK(moved == 0, "nothing returned on error");
    CHECK_ST(rc_incr_version(c, K("iv"), 1, 2147483647, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_decr_version(c, K("iv"), 1, -2147483647, NULL, &E), RC_ERR_INVALID_ARGUMENT); /* would be RC_DEFAULT_VERSION */
    CHECK_ST(rc_has_key(c, K("iv"), 2, &E), RC_OK);

    /* set_many with a report: all stored; the flags are cleared. */
    const char *keys[] = {"r1", "r2", "r1"};
    size_t klens[] = {2, 2, 2};
    unsigned char refused[3] = {7, 7, 7};
    CHECK_ST(rc_set_many_report(c, keys, klens, keys, klens, 3, rc_timeout_default(), V, refused, &E), RC_OK);
    CHECK(refused[0] == 0 && refused[1] == 0 && refused[2] == 0, "flags cleared");
    CHECK_ST(rc_set_many_report(c, keys, klens, keys, klens, 3, rc_timeout_default(), V, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_set_many_report(c, NULL, NULL, NULL, NULL, 0, rc_timeout_default(), V, NULL, &E), RC_OK);
    const char *vals[] = {"1", "{\"a\": [1]}", "2"};
    size_t vlens[] = {1, 10, 1};
    CHECK_ST(rc_set_many_values_report(c, keys, klens, vals, vlens, 3, rc_timeout_default(), V, refused, &E), RC_OK);
    check_value(c, K("r1"), "2");
    check_value(c, K("r2"), "{\"a\":[1]}");
}

/* ---- django-redis's API ----------------------------------------------- */

/* Whether an rc_buf list holds exactly the n strings want, in any order. */
static int same_list(const rc_buf *got, size_t ngot, const char *const *want, size_t n) {
    if (ngot != n) return 0;
    for (size_t i = 0; i < n; i++) {
        int hit = 0;
        for (size_t j = 0; j < ngot; j++)
            if (got[j].found && got[j].len == strlen(want[i]) && memcmp(got[j].data, want[i], got[j].len) == 0 &&
                got[j].data[got[j].len] == 0)
                hit = 1;
        if (!hit) return 0;
    }
    return 1;
}

static void test_redis_api(rc_client *c) {
    int st;
    int64_t n = -1;
    CHECK_ST(rc_set(c, K("px"), K("v"), rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_pexpire(c, K("px"), 40500, V, &E), RC_OK);
    int64_t ms = ttl_of(c, K("px"), &st);
    CHECK(st == RC_OK && ms > 35000 && ms <= 40500, "pexpire: %lld", (long long)ms);
    CHECK_ST(rc_pexpire(c, K("absent"), 1000, V, &E), RC_MISS);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    CHECK_ST(rc_pexpire_at(c, K("px"), now_ms + 30000, V, &E), RC_OK);
    ms = ttl_of(c, K("px"), &st);
    CHECK(st == RC_OK && ms > 25000 && ms <= 30000, "pexpire_at: %lld", (long long)ms);
    CHECK_ST(rc_pexpire_at(c, K("px"), now_ms - 1000, V, &E), RC_OK);
    CHECK_ST(rc_has_key(c, K("px"), V, &E), RC_MISS);

    CHECK_ST(rc_replace(c, K("xx"), K("v"), rc_timeout_default(), V, &E), RC_MISS);
    CHECK_ST(rc_has_key(c, K("xx"), V, &E), RC_MISS);
    CHECK_ST(rc_set(c, K("xx"), K("old"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_replace(c, K("xx"), K("new"), rc_timeout_default(), V, &E), RC_OK);
    CHECK_ST(rc_replace_value(c, K("xx"), K("[1, 2]"), rc_timeout_default(), V, &E), RC_OK);
    check_value(c, K("xx"), "[1,2]");

    CHECK_ST(rc_incr_create(c, K("ic"), 4, V, &n, &E), RC_OK);
    CHECK(n == 4, "incr_create of a missing key: %lld", (long long)n);
    CHECK_ST(rc_incr_create(c, K("ic"), 4, V, &n, &E), RC_OK);
    CHECK(n == 8, "incr_create: %lld", (long long)n);
    CHECK_ST(rc_incr_create(c, K("xx"), 1, V, &n, &E), RC_ERR_NOT_INTEGER);

    /* Keys by pattern: 30 keys over every primary, and one of another version. */
    for (int i = 0; i < 30; i++) {
        char k[16];
        int len = snprintf(k, sizeof k, "pat:%02d", i);
        CHECK_ST(rc_set(c, k, (size_t)len, K("v"), rc_timeout_default(), V, &E), RC_OK);
    }
    CHECK_ST(rc_set(c, K("pat:v2"), K("v"), rc_timeout_default(), 2, &E), RC_OK);
    rc_buf *keys = NULL;
    size_t nkeys = 0;
    CHECK_ST(rc_keys(c, K("pat:1*"), V, &keys, &nkeys, &E), RC_OK);
    const char *tens[] = {"pat:10", "pat:11", "pat:12", "pat:13", "pat:14", "pat:15", "pat:16", "pat:17", "pat:18", "pat:19"};
    CHECK(keys != NULL && same_list(keys, nkeys, tens, 10), "rc_keys found %zu", nkeys);
    rc_free(keys);
    keys = NULL;
    CHECK_ST(rc_keys(c, K("pat:*"), 2, &keys, &nkeys, &E), RC_OK);
    const char *v2[] = {"pat:v2"};
    CHECK(same_list(keys, nkeys, v2, 1), "version 2 has one key");
    rc_free(keys);
    CHECK_ST(rc_keys(c, K("*"), V, NULL, &nkeys, &E), RC_ERR_INVALID_ARGUMENT);

    uint64_t cursor = 0;
    size_t seen = 0;
    int steps = 0;
    do {
        keys = NULL;
        CHECK_ST(rc_scan_keys(c, K("pat:*"), V, &cursor, 4, &keys, &nkeys, &E), RC_OK);
        for (size_t i = 0; i < nkeys; i++)
            if (keys[i].found && keys[i].len == 6 && memcmp(keys[i].data, "pat:", 4) == 0) seen++;
        rc_free(keys);
    } while (cursor != 0 && ++steps < 1000);
    CHECK(seen >= 30 && steps > 1, "rc_scan_keys saw %zu keys in %d steps", seen, steps);
    cursor = (uint64_t)1 << 60;
    CHECK_ST(rc_scan_keys(c, K("*"), V, &cursor, 4, &keys, &nkeys, &E), RC_ERR_INVALID_ARGUMENT);

    CHECK_ST(rc_delete_pattern(c, K("pat:2*"), V, 0, &n, &E), RC_OK);
    CHECK(n == 10, "delete_pattern removed %lld", (long long)n);
    CHECK_ST(rc_delete_pattern(c, K("pat:*"), V, 3, &n, &E), RC_OK);
    CHECK(n == 20, "delete_pattern removed %lld", (long long)n);
    CHECK_ST(rc_has_key(c, K("pat:v2"), 2, &E), RC_OK);
    CHECK_ST(rc_delete(c, K("pat:v2"), 2, &E), RC_OK);

    /* Hashes. */
    const char *fields[] = {"f1", "f2"};
    size_t flens[] = {2, 2};
    const char *vals[] = {"a", "\0b"};
    size_t vlens[] = {1, 2};
    CHECK_ST(rc_hset(c, K("h"), fields, flens, vals, vlens, 2, V, &n, &E), RC_OK);
    CHECK(n == 2, "hset added %lld", (long long)n);
    const char *jsons[] = {"7", "{\"$tuple\": [1]}"};
    size_t jlens[] = {1, 15};
    CHECK_ST(rc_hset_values(c, K("h"), fields, flens, jsons, jlens, 2, V, &n, &E), RC_OK);
    CHECK(n == 0, "hset_values added %lld", (long long)n);
    CHECK_ST(rc_hset(c, K("h"), NULL, NULL, NULL, NULL, 0, V, &n, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_hlen(c, K("h"), V, &n, &E), RC_OK);
    CHECK(n == 2, "hlen %lld", (long long)n);
    rc_buf *fs = NULL;
    size_t nfs = 0;
    CHECK_ST(rc_hkeys(c, K("h"), V, &fs, &nfs, &E), RC_OK);
    CHECK(same_list(fs, nfs, fields, 2), "hkeys");
    rc_free(fs);
    CHECK_ST(rc_hexists(c, K("h"), K("f1"), V, &E), RC_OK);
    CHECK_ST(rc_hexists(c, K("h"), K("zz"), V, &E), RC_MISS);
    CHECK_ST(rc_hdel(c, K("h"), fields, flens, 1, V, &n, &E), RC_OK);
    CHECK(n == 1, "hdel %lld", (long long)n);
    CHECK_ST(rc_hexists(c, K("h"), K("f1"), V, &E), RC_MISS);
    CHECK_ST(rc_hlen(c, K("xx"), V, &n, &E), RC_ERR_SERVER);

    /* Locks: the holder's token, and a second holder excluded. */
    char *token = NULL;
    size_t tlen = 0;
    CHECK_ST(rc_lock_acquire(c, K("lk"), V, 30, 0, 1, -1, NULL, 0, &token, &tlen, &E), RC_OK);
    CHECK(token != NULL && tlen == 32 && token[tlen] == 0, "a random token of 32 characters");
    CHECK_ST(rc_lock_locked(c, K("lk"), V, &E), RC_OK);
    CHECK_ST(rc_lock_owned(c, K("lk"), V, token, tlen, &E), RC_OK);
    CHECK_ST(rc_lock_acquire(c, K("lk"), V, 30, 0, 0, -1, NULL, 0, NULL, NULL, &E), RC_MISS);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ST(rc_lock_acquire(c, K("lk"), V, 30, 0.05, 1, 0.3, K("mine"), NULL, NULL, &E), RC_MISS);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(waited >= 0.2 && waited < 3, "blocking_timeout 0.3 waited %.3f s", waited);
    CHECK_ST(rc_lock_release(c, K("lk"), V, K("mine"), &E), RC_MISS);
    CHECK_ST(rc_lock_owned(c, K("lk"), V, K("mine"), &E), RC_MISS);
    CHECK_ST(rc_lock_extend(c, K("lk"), V, token, tlen, 60, 0, &E), RC_OK);
    ms = ttl_of(c, K("lk"), &st);
    CHECK(ms > 80000 && ms <= 90000, "extended to %lld", (long long)ms);
    CHECK_ST(rc_lock_reacquire(c, K("lk"), V, token, tlen, 10, &E), RC_OK);
    ms = ttl_of(c, K("lk"), &st);
    CHECK(ms > 5000 && ms <= 10000, "reacquired: %lld", (long long)ms);
    CHECK_ST(rc_lock_reacquire(c, K("lk"), V, token, tlen, 0, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_lock_release(c, K("lk"), V, token, tlen, &E), RC_OK);
    CHECK_ST(rc_lock_release(c, K("lk"), V, token, tlen, &E), RC_MISS);
    CHECK_ST(rc_lock_locked(c, K("lk"), V, &E), RC_MISS);
    CHECK_ST(rc_lock_release(c, K("lk"), V, NULL, 0, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_lock_acquire(c, K("lk"), V, -1, 0, 0, -1, NULL, 0, NULL, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_lock_acquire(c, K("lk"), V, NAN, 0, 0, -1, NULL, 0, NULL, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    rc_free(token);
    /* A caller's token, and a lock without a timeout. */
    CHECK_ST(rc_lock_acquire(c, K("lk2"), V, 0, 0, 0, -1, K("tok"), &token, &tlen, &E), RC_OK);
    CHECK(tlen == 3 && memcmp(token, "tok", 3) == 0, "the caller's token");
    rc_free(token);
    CHECK_ST(rc_ttl(c, K("lk2"), V, &ms, &E), RC_OK);
    CHECK(ms == RC_TTL_NEVER, "timeout 0 never expires");
    CHECK_ST(rc_lock_extend(c, K("lk2"), V, K("tok"), 5, 0, &E), RC_MISS);
    CHECK_ST(rc_lock_release(c, K("lk2"), V, K("tok"), &E), RC_OK);
}

static void test_sorted_sets(rc_client *c) {
    const char *ms[] = {"a", "b", "c", "d"};
    size_t mlens[] = {1, 1, 1, 1};
    const double scores[] = {1, 2, 3, 4.5};
    int64_t n = -1;
    CHECK_ST(rc_zadd(c, K("z"), ms, mlens, scores, 4, 0, V, &n, &E), RC_OK);
    CHECK(n == 4, "zadd added %lld", (long long)n);
    const double again[] = {10};
    CHECK_ST(rc_zadd(c, K("z"), ms, mlens, again, 1, RC_ZADD_NX, V, &n, &E), RC_OK);
    CHECK(n == 0, "nx leaves a member alone");
    CHECK_ST(rc_zadd(c, K("z"), ms, mlens, again, 1, RC_ZADD_XX | RC_ZADD_CH, V, &n, &E), RC_OK);
    CHECK(n == 1, "xx ch changed one");
    CHECK_ST(rc_zadd(c, K("z"), NULL, NULL, NULL, 0, 0, V, &n, &E), RC_ERR_INVALID_ARGUMENT);
    double score = 0;
    CHECK_ST(rc_zadd_incr(c, K("z"), K("a"), -9, 0, V, &score, &E), RC_OK);
    CHECK(score == 1, "incr to %g", score);
    CHECK_ST(rc_zadd_incr(c, K("z"), K("new"), 1, RC_ZADD_XX, V, &score, &E), RC_MISS);
    CHECK_ST(rc_zincrby(c, K("z"), 0.5, K("a"), V, &score, &E), RC_OK);
    CHECK(score == 1.5, "zincrby to %g", score);
    CHECK_ST(rc_zcard(c, K("z"), V, &n, &E), RC_OK);
    CHECK(n == 4, "zcard %lld", (long long)n);
    CHECK_ST(rc_zcount(c, K("z"), "(1.5", "+inf", V, &n, &E), RC_OK);
    CHECK(n == 3, "zcount %lld", (long long)n);
    CHECK_ST(rc_zcount(c, K("z"), NULL, "1", V, &n, &E), RC_ERR_INVALID_ARGUMENT);
    rc_scored *got = NULL;
    size_t ng = 0;
    CHECK_ST(rc_zrange(c, K("z"), 0, -1, 0, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 4 && got[0].len == 1 && got[0].data[0] == 'a' && got[0].score == 1.5 && got[0].data[1] == 0 &&
              got[3].data[0] == 'd' && got[3].score == 4.5,
          "zrange");
    rc_free(got);
    CHECK_ST(rc_zrange(c, K("z"), 0, 0, 1, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 1 && got[0].data[0] == 'd', "zrevrange");
    rc_free(got);
    CHECK_ST(rc_zrangebyscore(c, K("z"), "2", "4.5", 1, 1, 0, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 1 && got[0].data[0] == 'c', "zrangebyscore with a limit");
    rc_free(got);
    CHECK_ST(rc_zrangebyscore(c, K("z"), "-inf", "3", 0, -1, 1, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 3 && got[0].data[0] == 'c' && got[2].data[0] == 'a', "zrevrangebyscore");
    rc_free(got);
    int64_t rank = -1;
    CHECK_ST(rc_zrank(c, K("z"), K("c"), V, &rank, &E), RC_OK);
    CHECK(rank == 2, "zrank %lld", (long long)rank);
    CHECK_ST(rc_zrank(c, K("z"), K("zz"), V, &rank, &E), RC_MISS);
    CHECK_ST(rc_zscore(c, K("z"), K("d"), V, &score, &E), RC_OK);
    CHECK(score == 4.5, "zscore %g", score);
    CHECK_ST(rc_zscore(c, K("z"), K("zz"), V, &score, &E), RC_MISS);
    CHECK_ST(rc_zpopmax(c, K("z"), 2, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 2 && got[0].data[0] == 'd' && got[1].data[0] == 'c', "zpopmax");
    rc_free(got);
    CHECK_ST(rc_zpopmin(c, K("z"), 0, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 1 && got[0].data[0] == 'a', "zpopmin");
    rc_free(got);
    CHECK_ST(rc_zrem(c, K("z"), ms, mlens, 2, V, &n, &E), RC_OK);
    CHECK(n == 1, "zrem %lld", (long long)n);
    CHECK_ST(rc_zremrangebyscore(c, K("z"), "-inf", "+inf", V, &n, &E), RC_OK);
    CHECK(n == 0, "zremrangebyscore %lld", (long long)n);
    CHECK_ST(rc_zpopmax(c, K("z"), 1, V, &got, &ng, &E), RC_OK);
    CHECK(ng == 0, "an empty set pops nothing");
    rc_free(got);
    CHECK_ST(rc_zrange(c, K("z"), 0, 1, 0, V, NULL, &ng, &E), RC_ERR_INVALID_ARGUMENT);

    /* Members as django-redis stores them. */
    const char *jsons[] = {"7", "\"s\""};
    size_t jlens[] = {1, 3};
    rc_buf *enc = NULL;
    CHECK_ST(rc_encode_values(c, jsons, jlens, 2, 1, &enc, &E), RC_OK);
    CHECK(enc != NULL && enc[0].len == 5 && memcmp(enc[0].data, "\x80\x04K\x07.", 5) == 0, "an int pickled");
    rc_buf *plain = NULL;
    CHECK_ST(rc_encode_values(c, jsons, jlens, 1, 0, &plain, &E), RC_OK);
    CHECK(plain != NULL && plain[0].len == 1 && plain[0].data[0] == '7', "an int as digits");
    rc_free(plain);
    const char *data[] = {enc[0].data, enc[1].data};
    size_t dlens[] = {enc[0].len, enc[1].len};
    rc_buf *dec = NULL;
    CHECK_ST(rc_decode_values(c, data, dlens, 2, &dec, &E), RC_OK);
    CHECK(dec != NULL && dec[0].len == 1 && dec[0].data[0] == '7' && dec[1].len == 3 && memcmp(dec[1].data, "\"s\"", 3) == 0,
          "decoded back");
    rc_free(dec);
    rc_free(enc);
    const char *bad[] = {"[1"};
    size_t badlen[] = {2};
    CHECK_ST(rc_encode_values(c, bad, badlen, 1, 1, &enc, &E), RC_ERR_INVALID_ARGUMENT);
    const char *junk[] = {"\x80\x04junk"};
    size_t junklen[] = {6};
    CHECK_ST(rc_decode_values(c, junk, junklen, 1, &dec, &E), RC_ERR_VALUE);
    CHECK(dec == NULL, "nothing returned on error");
}

/* The compressor alone: zlib past 15 bytes, as django-redis. */
static void test_compressor(void) {
    char entry[1024];
    snprintf(entry, sizeof entry,
             "{\"LOCATION\": \"redis://%s/0\", \"KEY_PREFIX\": \"%s-z\", "
             "\"OPTIONS\": {\"COMPRESSOR\": \"django_redis.compressors.zlib.ZlibCompressor\"}}",
             need("RC_TEST_STANDALONE"), prefix);
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    char big[300];
    memset(big, 'a', sizeof big);
    const char *data[] = {big, "short"};
    size_t lens[] = {sizeof big, 5};
    rc_buf *packed = NULL, *back = NULL;
    CHECK_ST(rc_compress_values(c, data, lens, 2, &packed, &E), RC_OK);
    CHECK(packed != NULL && packed[0].len < sizeof big && packed[1].len == 5 && memcmp(packed[1].data, "short", 5) == 0,
          "zlib compresses past 15 bytes only");
    if (packed != NULL) {
        const char *again[] = {packed[0].data, packed[1].data};
        size_t alens[] = {packed[0].len, packed[1].len};
        CHECK_ST(rc_decompress_values(c, again, alens, 2, &back, &E), RC_OK);
        CHECK(back != NULL && back[0].len == sizeof big && memcmp(back[0].data, big, sizeof big) == 0 && back[1].len == 5,
              "decompressed back; the short one was stored as it is");
        rc_free(back);
    }
    rc_free(packed);
    CHECK_ST(rc_compress_values(c, data, lens, 1, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* Sends one command to a standalone server over a socket of its own and
 * reads a one-line reply; 0 when it is +OK or an integer. */
static int raw_command(const char *addr, int argc, const char **argv) {
    char host[64];
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || (size_t)(colon - addr) >= sizeof host) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    char cmd[1024], line[256];
    int len = snprintf(cmd, sizeof cmd, "*%d\r\n", argc);
    for (int i = 0; i < argc && len > 0 && (size_t)len < sizeof cmd; i++)
        len += snprintf(cmd + len, sizeof cmd - (size_t)len, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
    int st = -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && len > 0 && (size_t)len < sizeof cmd &&
        send(fd, cmd, (size_t)len, 0) == len && read_line(fd, line, sizeof line) == 0)
        st = (line[0] == '+' || line[0] == ':') ? 0 : -1;
    close(fd);
    return st;
}

/* Redis refuses the writes of a user allowed only KEY_PREFIX:1:ok*: those
 * keys are flagged and the others stored. */
static void test_set_many_refused(void) {
    const char *server = need("RC_TEST_STANDALONE");
    char user[96], allowed[128], entry[1024];
    snprintf(user, sizeof user, "%s-limited", prefix);
    snprintf(allowed, sizeof allowed, "~%s-acl:1:ok*", prefix);
    const char *setuser[] = {"ACL", "SETUSER", user, "on", ">pw", allowed, "&*", "+@all"};
    CHECK(raw_command(server, 8, setuser) == 0, "ACL SETUSER");
    snprintf(entry, sizeof entry,
             "{\"LOCATION\": \"redis://%s/0\", \"KEY_PREFIX\": \"%s-acl\", "
             "\"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", "
             "\"CLIENT_CLASS_KWARGS\": {\"username\": \"%s\", \"password\": \"pw\"}}}",
             server, prefix, user);
    rc_client *c = open_entry(entry);
    if (c != NULL) {
        const char *keys[] = {"ok1", "no1", "ok2", "no1"};
        size_t klens[] = {3, 3, 3, 3};
        unsigned char refused[4] = {9, 9, 9, 9};
        CHECK_ST(rc_set_many_report(c, keys, klens, keys, klens, 4, rc_timeout_default(), V, refused, &E), RC_MISS);
        CHECK(refused[0] == 0 && refused[1] == 1 && refused[2] == 0 && refused[3] == 1, "flags %d %d %d %d", refused[0], refused[1], refused[2], refused[3]);
        CHECK_ST(rc_has_key(c, K("ok2"), V, &E), RC_OK);
        CHECK_ST(rc_set_many(c, keys, klens, keys, klens, 4, rc_timeout_default(), V, &E), RC_ERR_SERVER);
        const char *vals[] = {"1", "2", "3", "4"};
        size_t vlens[] = {1, 1, 1, 1};
        CHECK_ST(rc_set_many_values_report(c, keys, klens, vals, vlens, 4, rc_timeout_default(), V, refused, &E), RC_MISS);
        CHECK(refused[0] == 0 && refused[1] == 1, "value flags");
        const char *mine[] = {"ok1", "ok2"};
        int64_t deleted = 0;
        CHECK_ST(rc_delete_many(c, mine, klens, 2, V, &deleted, &E), RC_OK);
        CHECK(deleted == 2, "the allowed keys were stored: %lld", (long long)deleted);
        CHECK_ST(rc_close(c, &E), RC_OK);
    }
    const char *deluser[] = {"ACL", "DELUSER", user};
    CHECK(raw_command(server, 3, deluser) == 0, "ACL DELUSER");
}

static void test_server(const char *name, const char *entry, const char *mode, const char *server, const char *suffix) {
    printf("-- %s\n", name);
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    char keyprefix[96];
    snprintf(keyprefix, sizeof keyprefix, "%s-%s", prefix, suffix);
    test_get_set_binary(c);
    test_miss_add_delete_has(c);
    test_incr_decr(c);
    test_counter_limits(c, server, keyprefix);
    test_counter_exact(c, server, keyprefix);
    test_timeouts(c);
    test_versions(c);
    test_many(c);
    test_bad_arguments(c);
    test_values(c);
    test_django_api(c);
    test_redis_api(c);
    test_sorted_sets(c);
    test_clear_and_health(c, mode);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* ---- Configuration, resolve, connection errors -------------------------- */

/* django-redis's SentinelClient on the shared Sentinel set: the entry needs
 * DJANGO_REDIS_CONNECTION_FACTORY beside it; then writes go to the master and
 * reads to the replica, which replication reaches a moment later. */
static void test_sentinel(void) {
    char sentinels[512] = "", entry[2048];
    char hosts[256];
    snprintf(hosts, sizeof hosts, "%s", need("RC_TEST_SENTINELS"));
    for (char *save = NULL, *h = strtok_r(hosts, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(h, ':');
        *colon = '\0';
        size_t n = strlen(sentinels);
        snprintf(sentinels + n, sizeof sentinels - n, "%s[\"%s\", %s]", n ? ", " : "", h, colon + 1);
    }
    snprintf(entry, sizeof entry,
             "{\"LOCATION\": \"redis://%s/0\", \"KEY_PREFIX\": \"%s-sentinel\", \"OPTIONS\": "
             "{\"CLIENT_CLASS\": \"django_redis.client.SentinelClient\", \"SENTINELS\": [%s], "
             "\"SENTINEL_KWARGS\": {\"password\": \"S3ntinelPw\"}}}",
             need("RC_TEST_SENTINEL_SERVICE"), prefix, sentinels);
    const char *settings = "{\"DJANGO_REDIS_CONNECTION_FACTORY\": \"django_redis.pool.SentinelConnectionFactory\"}";

    char *js = NULL, *err = NULL;
    rc_client *c = NULL;
    CHECK(rc_resolve(entry, strlen(entry), &js, NULL, &err) == RC_ERR_CONFIG && js == NULL, "resolve without the factory");
    CHECK(err && strstr(err, "DJANGO_REDIS_CONNECTION_FACTORY = \"django_redis.pool.SentinelConnectionFactory\"") &&
              !strstr(err, "S3ntinelPw"),
          "the message names the setting needed: %s", err ? err : "");
    rc_free(err);
    CHECK_ST(rc_open(entry, strlen(entry), &c, &E), RC_ERR_CONFIG);
    CHECK_ST(rc_open_with_settings(entry, strlen(entry), NULL, 0, &c, &E), RC_ERR_CONFIG);

    size_t len = 0;
    CHECK_ST(rc_resolve_with_settings(entry, strlen(entry), settings, strlen(settings), &js, &len, &E), RC_OK);
    CHECK(js && strlen(js) == len && strstr(js, "\"backend\":\"django_redis.client.SentinelClient\"") &&
              strstr(js, "\"mode\":\"sentinel\"") && strstr(js, "\"role\":\"master\"") &&
              strstr(js, "\"role\":\"replica\"") && strstr(js, "\"sentinel_settings\":{") && strstr(js, "S3ntinelPw"),
          "resolved with settings: %s", js ? js : "");
    rc_free(js);
    js = NULL;
    CHECK_ST(rc_resolve_with_settings(entry, strlen(entry), K("{\"DJANGO_REDIS_NOPE\": 1}"), &js, NULL, &E), RC_ERR_CONFIG);
    CHECK_ST(rc_resolve_with_settings(entry, strlen(entry), K("[1]"), &js, NULL, &E), RC_ERR_CONFIG);
    CHECK_ST(rc_resolve_with_settings(entry, strlen(entry), NULL, 3, &js, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_open_with_settings(entry, strlen(entry), settings, strlen(settings), NULL, &E), RC_ERR_INVALID_ARGUMENT);

    CHECK_ST(rc_open_with_settings(entry, strlen(entry), settings, strlen(settings), &c, &E), RC_OK);
    CHECK_ST(rc_set(c, K("k"), K("through sentinel"), rc_timeout_seconds(60), V, &E), RC_OK);
    char *value = NULL;
    int st = RC_MISS;
    for (int i = 0; i < 200 && st == RC_MISS; i++) { /* replication is asynchronous */
        st = rc_get(c, K("k"), V, &value, &len, NULL);
        if (st == RC_MISS) usleep(10 * 1000);
    }
    CHECK(st == RC_OK && value && len == 16 && memcmp(value, "through sentinel", 16) == 0, "read back from the replica: %d", st);
    rc_free(value);
    int64_t n = 0;
    CHECK_ST(rc_incr(c, K("n"), 1, V, &n, &E), RC_ERR_NOT_FOUND);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

static void test_library(void) {
    CHECK(strcmp(rc_version(), RC_VERSION_STRING) == 0, "rc_version %s", rc_version());
    CHECK(rc_abi_version() == RC_ABI_VERSION, "rc_abi_version %d", rc_abi_version());
    rc_free(NULL);
}

static void test_resolve_and_config(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "resolve");
    char *js = NULL;
    size_t len = 0;
    CHECK_ST(rc_resolve(entry, strlen(entry), &js, &len, &E), RC_OK);
    CHECK(js && strlen(js) == len && strstr(js, "\"mode\":\"standalone\"") && strstr(js, "\"socket_timeout\":5") &&
              strstr(js, "\"backend\":\"ansible_base.lib.redis.RedisClient\"") && !strstr(js, "\"replicas\""),
          "resolved: %s", js ? js : "");
    rc_free(js);

    /* django-redis's DefaultClient (no CLIENT_CLASS): a server per LOCATION
     * entry, the password percent-decoded, each in the JSON. */
    const char *list = "{\"LOCATION\": [\"redis://:p%40ss@127.0.0.1:1/2\", \"redis://:r%2Fpw@127.0.0.1:2/3\"]}";
    js = NULL;
    CHECK_ST(rc_resolve(list, strlen(list), &js, NULL, &E), RC_OK);
    CHECK(js && strstr(js, "\"backend\":\"django_redis.client.DefaultClient\"") && strstr(js, "\"password\":\"p@ss\"") &&
              strstr(js, "\"replicas\":[{") && strstr(js, "\"password\":\"r/pw\"") && strstr(js, "\"port\":2"),
          "resolved list: %s", js ? js : "");
    rc_free(js);

    /* The resolved settings carry the password (documented); errors never. */
    const char *pw_entry = "{\"LOCATION\": \"redis://user:Sup3rS3cretPw@127.0.0.1:1/0\"}";
    js = NULL;
    CHECK_ST(rc_resolve(pw_entry, strlen(pw_entry), &js, NULL, &E), RC_OK);
    CHECK(js && strstr(js, "Sup3rS3cretPw"), "resolve returns the password");
    rc_free(js);

    const char *bad =
        "{\"LOCATION\": \"redis://user:Sup3rS3cretPw@127.0.0.1:1/0\", "
        "\"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": {\"socket_timeout\": \"soon\"}}}";
    char *err = NULL;
    rc_client *c = (rc_client *)&err; /* must be reset to NULL */
    int st = rc_open(bad, strlen(bad), &c, &err);
    CHECK(st == RC_ERR_CONFIG && c == NULL, "bad entry -> %d", st);
    CHECK(err && strstr(err, "rc_open") && strstr(err, "socket_timeout"), "message names the setting: %s", err ? err : "");
    CHECK(err && !strstr(err, "Sup3rS3cretPw"), "message has no password: %s", err ? err : "");
    rc_free(err);
    err = NULL;
    js = NULL;
    st = rc_resolve(bad, strlen(bad), &js, NULL, &err);
    CHECK(st == RC_ERR_CONFIG && js == NULL, "resolve of a bad entry -> %d", st);
    CHECK(err && strstr(err, "socket_timeout") && !strstr(err, "Sup3rS3cretPw"), "resolve message: %s", err ? err : "");
    rc_free(err);

    CHECK_ST(rc_open(K("{not json"), &c, &E), RC_ERR_CONFIG);
    CHECK_ST(rc_open(NULL, 5, &c, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_open(K("{}"), NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_resolve(K("{}"), NULL, NULL, &E), RC_ERR_INVALID_ARGUMENT);
}

/* rc_expand_env reads the environment at the call, setenv included. */
static void test_expand_env(void) {
    setenv("RC_C_EXPAND_HOST", "127.0.0.1:1", 1);
    setenv("RC_C_EXPAND_PW", "pa\"ss", 1);
    unsetenv("RC_C_EXPAND_UNSET");
    const char *text = "{\"LOCATION\": \"redis://:${RC_C_EXPAND_PW}@${RC_C_EXPAND_HOST}/0\", "
                       "\"KEY_PREFIX\": \"${RC_C_EXPAND_UNSET:-dflt}\"}";
    char *out = NULL;
    size_t len = 0;
    CHECK_ST(rc_expand_env(text, strlen(text), &out, &len, &E), RC_OK);
    const char *want = "{\"LOCATION\": \"redis://:pa\\\"ss@127.0.0.1:1/0\", \"KEY_PREFIX\": \"dflt\"}";
    CHECK(out && len == strlen(want) && strcmp(out, want) == 0, "expanded: %s", out ? out : "");
    rc_free(out);

    const char *unset = "{\"LOCATION\": \"redis://${RC_C_EXPAND_UNSET}/0\", \"PASSWORD\": \"${RC_C_EXPAND_PW}\"}";
    char *err = NULL;
    out = (char *)&err; /* must be reset to NULL */
    int st = rc_expand_env(unset, strlen(unset), &out, NULL, &err);
    CHECK(st == RC_ERR_CONFIG && out == NULL, "unset variable -> %d", st);
    CHECK(err && strstr(err, "rc_expand_env") && strstr(err, "RC_C_EXPAND_UNSET") && !strstr(err, "pa\"ss"),
          "message names the variable, not a value: %s", err ? err : "");
    rc_free(err);
    CHECK_ST(rc_expand_env(K("{}"), NULL, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    CHECK_ST(rc_expand_env(NULL, 3, &out, NULL, &E), RC_ERR_INVALID_ARGUMENT);
    out = NULL;
    CHECK_ST(rc_expand_env(NULL, 0, &out, &len, &E), RC_OK);
    CHECK(out && len == 0 && out[0] == 0, "empty text");
    rc_free(out);
}

static void test_connection_error(void) {
    /* Nothing listens on port 1: refused at once; bounded by the timeouts. */
    const char *entry =
        "{\"LOCATION\": \"redis://:Sup3rS3cretPw@127.0.0.1:1/0\", "
        "\"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": {\"socket_connect_timeout\": 1, \"socket_timeout\": 1}}}";
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    char *got = NULL, *err = NULL;
    size_t n = 0;
    int st = rc_get(c, K("k"), V, &got, &n, &err);
    CHECK(st == RC_ERR_CONNECTION, "unreachable server -> %d", st);
    CHECK(err && strstr(err, "rc_get") && !strstr(err, "Sup3rS3cretPw"), "connection message: %s", err ? err : "");
    rc_free(err);
    char *json = NULL;
    CHECK_ST(rc_health(c, &json, NULL, &E), RC_ERR_CONNECTION);
    CHECK(json && strstr(json, "\"status\":\"failed\""), "failed health JSON: %s", json ? json : "");
    rc_free(json);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* A server error (wrong password on the ACL server) is RC_ERR_SERVER and
 * its message does not repeat the password; the right one works. */
static void test_server_error(void) {
    char entry[1024];
    const char *fmt =
        "{\"LOCATION\": \"redis://%s\", \"KEY_PREFIX\": \"%s-acl\", \"OPTIONS\": "
        "{\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": {\"username\": \"%s\", \"password\": \"%s\"}}}";
    snprintf(entry, sizeof entry, fmt, need("RC_TEST_ACL"), prefix, need("RC_TEST_ACL_USER"), "Wr0ngPassw0rd");
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    char *got = NULL, *err = NULL;
    size_t n = 0;
    int st = rc_get(c, K("k"), V, &got, &n, &err);
    CHECK(st == RC_ERR_SERVER, "wrong password -> %d", st);
    CHECK(err && strstr(err, "rc_get") && !strstr(err, "Wr0ngPassw0rd"), "auth message: %s", err ? err : "");
    rc_free(err);
    CHECK_ST(rc_close(c, &E), RC_OK);

    const char *password = need("RC_TEST_ACL_PASSWORD");
    snprintf(entry, sizeof entry, fmt, need("RC_TEST_ACL"), prefix, need("RC_TEST_ACL_USER"), password);
    c = open_entry(entry);
    if (c == NULL) return;
    CHECK_ST(rc_set(c, K("k"), K("v"), rc_timeout_seconds(10), V, &E), RC_OK);
    CHECK_ST(rc_delete(c, K("k"), V, &E), RC_OK);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* ---- Secrets ------------------------------------------------------------ */

/* Canary passwords, with each character that can cut a URL short; their
 * pieces hold letters that are not hex digits, so no address matches. */
static const char *const canaries[] = {
    "CaNaRy-Qx7fZ", "CaNaRy/Qx7fZ", "CaNaRy?Qx7fZ", "CaNaRy#Qx7fZ", "CaNaRy@Qx7fZ",
    "CaNaRy:Qx7fZ", "CaNaRy%Qx7fZ", "CaNaRy%2FQx7fZ", "CaNaRy?Qx7fZ#Vb3eK@Mu9tP",
};

/* Whether text shows p, p percent-encoded, or a piece of p that a '/', '?',
 * '#', '@', ':', '%' or '&' could cut off (any case: the host is
 * lower-cased). */
static int shows_secret(const char *text, const char *p) {
    if (text == NULL) return 0;
    char enc[256];
    size_t o = 0;
    for (const char *c = p; *c && o + 4 < sizeof enc; c++) {
        if (strchr("-._~", *c) || (*c >= '0' && *c <= '9') || ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z'))
            enc[o++] = *c;
        else
            o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X", (unsigned char)*c);
    }
    enc[o] = '\0';
    if (strcasestr(text, p) || strcasestr(text, enc)) return 1;
    char piece[64];
    for (const char *c = p; *c;) {
        size_t n = strcspn(c, "/?#@:%&");
        if (n >= 5 && n < sizeof piece) {
            memcpy(piece, c, n);
            piece[n] = '\0';
            if (strcasestr(text, piece)) return 1;
        }
        c += n + (c[n] != '\0');
    }
    return 0;
}

/* Every way an entry can hold the password, through rc_resolve's and
 * rc_open's errors and, when the entry opens, rc_get's (AUTH refused by the
 * ACL server, a missing unix socket, a cluster without the user): none shows
 * it. */
static void test_secrets(void) {
    const char *acl = need("RC_TEST_ACL"), *user = need("RC_TEST_ACL_USER");
    const char *cluster = need("RC_TEST_CLUSTER");
    /* %1$s the ACL server, %2$s its user, %3$s the password, %4$s the cluster. */
    const char *const entries[] = {
        "{\"LOCATION\": \"redis://%2$s:%3$s@%1$s\"}",
        "{\"LOCATION\": \"%2$s:%3$s@%1$s\"}",
        "{\"LOCATION\": \":%3$s@%1$s\"}",
        "{\"LOCATION\": \"%3$s@%1$s\"}",
        "{\"LOCATION\": \"http://%2$s:%3$s@%1$s\"}",
        "{\"LOCATION\": \"unix://%2$s:%3$s@/nonexistent/redis.sock\"}",
        "{\"LOCATION\": \"redis://%2$s:%3$s@127.0.0.1:x\"}",
        "{\"LOCATION\": \"redis://%1$s/0?username=%2$s&password=%3$s\"}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": "
        "{\"username\": \"%2$s\", \"password\": \"%3$s\"}}}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": "
        "{\"password\": \"%3$s\", \"port\": \"junk\"}}}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": "
        "{\"ssl\": true, \"ssl_password\": \"%3$s\"}}}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"PASSWORD\": \"%3$s\", \"CLIENT_CLASS_KWARGS\": "
        "{\"username\": \"%2$s\"}}}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": "
        "{\"mode\": \"cluster\", \"redis_hosts\": \"redis://:%3$s@127.0.0.1:16999\"}}}",
        "{\"LOCATION\": \"redis://%1$s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": "
        "{\"mode\": \"cluster\", \"redis_hosts\": \"%4$s\", \"username\": \"nosuchuser\", \"password\": \"%3$s\"}}}",
    };
    int opened = 0, refused = 0;
    for (size_t i = 0; i < sizeof canaries / sizeof *canaries; i++) {
        const char *p = canaries[i];
        for (size_t j = 0; j < sizeof entries / sizeof *entries; j++) {
            char entry[2048];
            snprintf(entry, sizeof entry, entries[j], acl, user, p, cluster);
            char *js = NULL, *err = NULL;
            if (rc_resolve(entry, strlen(entry), &js, NULL, &err) != RC_OK)
                CHECK(!shows_secret(err, p), "rc_resolve of %s: %s", entry, err);
            rc_free(js);
            rc_free(err);
            err = NULL;
            rc_client *c = NULL;
            if (rc_open(entry, strlen(entry), &c, &err) != RC_OK) {
                refused++;
                CHECK(!shows_secret(err, p), "rc_open of %s: %s", entry, err);
                rc_free(err);
                continue;
            }
            opened++;
            char *got = NULL;
            size_t n = 0;
            int st = rc_get(c, K("k"), V, &got, &n, &err);
            CHECK(st < 0, "rc_get with a canary password -> %d", st);
            CHECK(!shows_secret(err, p), "rc_get of %s: %s", entry, err ? err : "");
            rc_free(got);
            rc_free(err);
            CHECK_ST(rc_close(c, &E), RC_OK);
        }
    }
    CHECK(opened > 0 && refused > 0, "%d entries opened, %d refused", opened, refused);
}

/* A certificate setting naming a device, a FIFO or a directory is
 * RC_ERR_CONFIG naming the setting and the path, at once: /dev/zero used to
 * run the process out of memory, a FIFO to block forever. Each rc_open runs
 * in a thread joined with a deadline, so a hang fails here. */
struct open_call {
    const char *entry;
    int status;
    char *err;
};

static void *open_run(void *arg) {
    struct open_call *call = arg;
    rc_client *c = NULL;
    call->status = rc_open(call->entry, strlen(call->entry), &c, &call->err);
    if (c != NULL) rc_close(c, NULL);
    return NULL;
}

static void test_tls_files(void) {
    char dir[] = "/tmp/rc-ctest-XXXXXX", fifo[64];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo %s", fifo);
    const char *const settings[] = {"ssl_ca_certs", "ssl_certfile", "ssl_keyfile"};
    const char *const paths[] = {"/dev/zero", "/dev/urandom", fifo, dir};
    const char *certs = need("RC_TEST_CERTS");
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 4; j++) {
            char entry[2048], want[256];
            snprintf(entry, sizeof entry,
                     "{\"LOCATION\": \"rediss://%s\", \"OPTIONS\": {\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": {"
                     "\"ssl_ca_certs\": \"%s/ca.crt\", \"ssl_certfile\": \"%s/client.crt\", "
                     "\"ssl_keyfile\": \"%s/client.key\", \"%s\": \"%s\"}}}",
                     need("RC_TEST_TLS"), certs, certs, certs, settings[i], paths[j]);
            struct open_call call = {entry, 0, NULL};
            pthread_t t;
            pthread_create(&t, NULL, open_run, &call);
            struct timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_sec += 20; /* valgrind is slow; a hang is forever */
            if (pthread_timedjoin_np(t, NULL, &deadline) != 0) {
                printf("FAIL %s:%d: rc_open with %s = %s still running after 20 s\n", __FILE__, __LINE__,
                       settings[i], paths[j]);
                printf("%d passed, %d failed\n", passed, failed + 1);
                exit(1);
            }
            snprintf(want, sizeof want, "%s = \"%s\"", settings[i], paths[j]);
            CHECK(call.status == RC_ERR_CONFIG && call.err && strstr(call.err, want),
                  "rc_open with %s -> %d (%s)", want, call.status, call.err ? call.err : "");
            rc_free(call.err);
        }
    }
    unlink(fifo);
    rmdir(dir);
}

/* ---- Handle misuse ------------------------------------------------------ */

/* Every client function on one handle, expecting one status. */
static void check_all_calls(rc_client *c, int want) {
    char *got = NULL, *json = NULL;
    size_t n = 0;
    int64_t i64 = 0;
    rc_buf *bufs = NULL;
    const char *keys[] = {"k"};
    size_t lens[] = {1};
    CHECK_ST(rc_get(c, K("k"), V, &got, &n, &E), want);
    CHECK_ST(rc_set(c, K("k"), K("v"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_add(c, K("k"), K("v"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_delete(c, K("k"), V, &E), want);
    CHECK_ST(rc_has_key(c, K("k"), V, &E), want);
    CHECK_ST(rc_incr(c, K("k"), 1, V, &i64, &E), want);
    CHECK_ST(rc_decr(c, K("k"), 1, V, &i64, &E), want);
    CHECK_ST(rc_touch(c, K("k"), rc_timeout_never(), V, &E), want);
    CHECK_ST(rc_expire(c, K("k"), rc_timeout_never(), V, &E), want);
    CHECK_ST(rc_persist(c, K("k"), V, &E), want);
    CHECK_ST(rc_ttl(c, K("k"), V, &i64, &E), want);
    CHECK_ST(rc_get_many(c, keys, lens, 1, V, &bufs, &E), want);
    CHECK_ST(rc_set_many(c, keys, lens, keys, lens, 1, rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_delete_many(c, keys, lens, 1, V, &i64, &E), want);
    CHECK_ST(rc_clear(c, &i64, &E), want);
    CHECK_ST(rc_health(c, &json, &n, &E), want);
    CHECK_ST(rc_get_value(c, K("k"), V, &got, &n, &E), want);
    CHECK_ST(rc_set_value(c, K("k"), K("1"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_add_value(c, K("k"), K("1"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_get_many_values(c, keys, lens, 1, V, &bufs, &E), want);
    CHECK_ST(rc_set_many_values(c, keys, lens, keys, lens, 1, rc_timeout_default(), V, &E), want);
    unsigned char flags[1];
    int version = 0;
    CHECK_ST(rc_get_or_set(c, K("k"), K("v"), rc_timeout_default(), V, &got, &n, &E), want);
    CHECK_ST(rc_get_or_set_value(c, K("k"), K("1"), rc_timeout_default(), V, &got, &n, &E), want);
    CHECK_ST(rc_incr_version(c, K("k"), 1, V, &version, &E), want);
    CHECK_ST(rc_decr_version(c, K("k"), 1, V, &version, &E), want);
    CHECK_ST(rc_set_many_report(c, keys, lens, keys, lens, 1, rc_timeout_default(), V, flags, &E), want);
    CHECK_ST(rc_set_many_values_report(c, keys, lens, keys, lens, 1, rc_timeout_default(), V, flags, &E), want);
    uint64_t cursor = 0;
    CHECK_ST(rc_pexpire(c, K("k"), 1, V, &E), want);
    CHECK_ST(rc_pexpire_at(c, K("k"), 1, V, &E), want);
    CHECK_ST(rc_replace(c, K("k"), K("v"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_replace_value(c, K("k"), K("1"), rc_timeout_default(), V, &E), want);
    CHECK_ST(rc_incr_create(c, K("k"), 1, V, &i64, &E), want);
    CHECK_ST(rc_keys(c, K("*"), V, &bufs, &n, &E), want);
    CHECK_ST(rc_scan_keys(c, K("*"), V, &cursor, 0, &bufs, &n, &E), want);
    CHECK_ST(rc_delete_pattern(c, K("*"), V, 0, &i64, &E), want);
    CHECK_ST(rc_hset(c, K("k"), keys, lens, keys, lens, 1, V, &i64, &E), want);
    CHECK_ST(rc_hset_values(c, K("k"), keys, lens, keys, lens, 1, V, &i64, &E), want);
    CHECK_ST(rc_hdel(c, K("k"), keys, lens, 1, V, &i64, &E), want);
    CHECK_ST(rc_hlen(c, K("k"), V, &i64, &E), want);
    CHECK_ST(rc_hkeys(c, K("k"), V, &bufs, &n, &E), want);
    CHECK_ST(rc_hexists(c, K("k"), K("f"), V, &E), want);
    CHECK_ST(rc_lock_acquire(c, K("k"), V, 1, 0, 0, -1, NULL, 0, &got, &n, &E), want);
    CHECK_ST(rc_lock_release(c, K("k"), V, K("t"), &E), want);
    CHECK_ST(rc_lock_extend(c, K("k"), V, K("t"), 1, 0, &E), want);
    CHECK_ST(rc_lock_reacquire(c, K("k"), V, K("t"), 1, &E), want);
    CHECK_ST(rc_lock_owned(c, K("k"), V, K("t"), &E), want);
    CHECK_ST(rc_lock_locked(c, K("k"), V, &E), want);
    const double score = 1;
    double f = 0;
    rc_scored *scored = NULL;
    CHECK_ST(rc_zadd(c, K("k"), keys, lens, &score, 1, 0, V, &i64, &E), want);
    CHECK_ST(rc_zadd_incr(c, K("k"), K("m"), 1, 0, V, &f, &E), want);
    CHECK_ST(rc_zincrby(c, K("k"), 1, K("m"), V, &f, &E), want);
    CHECK_ST(rc_zcard(c, K("k"), V, &i64, &E), want);
    CHECK_ST(rc_zcount(c, K("k"), "0", "1", V, &i64, &E), want);
    CHECK_ST(rc_zremrangebyscore(c, K("k"), "0", "1", V, &i64, &E), want);
    CHECK_ST(rc_zpopmax(c, K("k"), 1, V, &scored, &n, &E), want);
    CHECK_ST(rc_zpopmin(c, K("k"), 1, V, &scored, &n, &E), want);
    CHECK_ST(rc_zrange(c, K("k"), 0, 1, 0, V, &scored, &n, &E), want);
    CHECK_ST(rc_zrangebyscore(c, K("k"), "0", "1", 0, -1, 0, V, &scored, &n, &E), want);
    CHECK_ST(rc_zrank(c, K("k"), K("m"), V, &i64, &E), want);
    CHECK_ST(rc_zscore(c, K("k"), K("m"), V, &f, &E), want);
    CHECK_ST(rc_zrem(c, K("k"), keys, lens, 1, V, &i64, &E), want);
    CHECK_ST(rc_encode_values(c, keys, lens, 1, 1, &bufs, &E), want);
    CHECK_ST(rc_decode_values(c, keys, lens, 1, &bufs, &E), want);
    CHECK_ST(rc_compress_values(c, keys, lens, 1, &bufs, &E), want);
    CHECK_ST(rc_decompress_values(c, keys, lens, 1, &bufs, &E), want);
    CHECK(scored == NULL, "nothing returned on error");
    CHECK_ST(rc_close(c, &E), want);
    CHECK(got == NULL && bufs == NULL, "nothing returned on error");
    rc_free(json); /* rc_health may describe the failure */
}

static void test_misuse(void) {
    check_all_calls(NULL, RC_ERR_INVALID_HANDLE);

    /* A never-opened handle: the library never dereferences a handle, so
     * even this address is only "unknown". */
    rc_client *never_opened;
    char stack_byte = 0;
    never_opened = (rc_client *)&stack_byte;
    check_all_calls(never_opened, RC_ERR_INVALID_HANDLE);

    char entry[1024];
    standalone_entry(entry, sizeof entry, "misuse");
    rc_client *c = open_entry(entry);
    rc_client *stale = c;
    CHECK_ST(rc_close(c, &E), RC_OK);
    check_all_calls(stale, RC_ERR_CLOSED); /* ends with a double close */

    /* A new client never takes over a closed client's handle. */
    rc_client *fresh = open_entry(entry);
    CHECK(fresh != stale, "a closed handle was reused");
    CHECK_ST(rc_has_key(stale, K("k"), V, &E), RC_ERR_CLOSED);
    CHECK_ST(rc_set(fresh, K("k"), K("v"), rc_timeout_seconds(10), V, &E), RC_OK);
    char *err = NULL;
    int st = rc_get(stale, K("k"), V, &(char *){NULL}, &(size_t){0}, &err);
    CHECK(st == RC_ERR_CLOSED && err && strstr(err, "rc_get") && strstr(err, "closed"), "closed message: %s", err ? err : "");
    rc_free(err);
    CHECK_ST(rc_close(fresh, NULL), RC_OK); /* err is optional */
}

/* ---- Threads ------------------------------------------------------------ */

enum { THREADS = 8, OPS = 2000 };

struct worker {
    rc_client *c;
    int id;
    int errors;
    int crossed;
};

static void *worker_run(void *arg) {
    struct worker *w = arg;
    for (int j = 0; j < OPS / 2; j++) {
        char key[32], val[48];
        int kn = snprintf(key, sizeof key, "thr%d-%d", w->id, j % 16);
        int vn = snprintf(val, sizeof val, "value-%d-%d", w->id, j);
        char *err = NULL;
        if (rc_set(w->c, key, (size_t)kn, val, (size_t)vn, rc_timeout_seconds(60), V, &err) != RC_OK) w->errors++;
        rc_free(err);
        char *got = NULL;
        size_t n = 0;
        err = NULL;
        if (rc_get(w->c, key, (size_t)kn, V, &got, &n, &err) != RC_OK) {
            w->errors++;
        } else if (n != (size_t)vn || memcmp(got, val, n) != 0) {
            w->crossed++;
        }
        rc_free(got);
        rc_free(err);
    }
    return NULL;
}

static void test_threads(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "threads");
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){c, i, 0, 0};
        pthread_create(&t[i], NULL, worker_run, &w[i]);
    }
    int errors = 0, crossed = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        errors += w[i].errors;
        crossed += w[i].crossed;
    }
    CHECK(errors == 0, "%d errors in %d threads x %d ops", errors, THREADS, OPS);
    CHECK(crossed == 0, "%d crossed values", crossed);
    int64_t removed = 0;
    CHECK_ST(rc_clear(c, &removed, &E), RC_OK);
    CHECK(removed == THREADS * 16, "threads left %lld keys", (long long)removed);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* Calls made at once by many threads are gathered into batches (capi/
 * combine.c); each must still get its own answer: the value of its own
 * client and version, its own miss, its own argument error, its own closed
 * handle. A and B share the lane their calls queue in (B is opened sixteen
 * clients after A), C does not. */
enum { BATCH_THREADS = 16, BATCH_ROUNDS = 300 };

struct batch_worker {
    rc_client *a, *b, *c, *stale;
    int id;
    int wrong;
    char what[160];
};

static int batch_expect(struct batch_worker *w, rc_client *c, const char *key, int version, int want_st,
                        const char *want) {
    char *got = NULL, *err = NULL;
    size_t n = 7;
    int st = rc_get(c, key, strlen(key), version, &got, &n, &err);
    /* value_len is set on OK and MISS; an error leaves it as it was. */
    int ok = st == want_st && (want ? got && n == strlen(want) && memcmp(got, want, n) == 0 && got[n] == 0
                                     : got == NULL && (st != RC_MISS || n == 0));
    if (!ok && !w->wrong) {
        snprintf(w->what, sizeof w->what, "get %s v%d: status %d, %zu bytes, want %d %s (%s)", key, version, st, n,
                 want_st, want ? want : "nothing", err ? err : "");
    }
    w->wrong += !ok;
    rc_free(got);
    rc_free(err);
    return ok;
}

static void *batch_run(void *arg) {
    struct batch_worker *w = arg;
    char own[32], val[32], missing[32];
    snprintf(own, sizeof own, "own-%d", w->id);
    snprintf(missing, sizeof missing, "missing-%d", w->id);
    for (int j = 0; j < BATCH_ROUNDS; j++) {
        snprintf(val, sizeof val, "v-%d-%d", w->id, j);
        char *err = NULL;
        int st;
        if (rc_set(w->a, own, strlen(own), val, strlen(val), rc_timeout_seconds(60), V, &err) != RC_OK) w->wrong++;
        rc_free(err);
        batch_expect(w, w->a, own, V, RC_OK, val);
        batch_expect(w, w->a, "shared", V, RC_OK, "A");
        batch_expect(w, w->b, "shared", V, RC_OK, "B");
        batch_expect(w, w->c, "shared", V, RC_OK, "C");
        batch_expect(w, w->a, "shared", 2, RC_OK, "A2");
        batch_expect(w, w->a, missing, V, RC_MISS, NULL);
        batch_expect(w, w->stale, "shared", V, RC_ERR_CLOSED, NULL);
        /* Values: an integer's value JSON is its digits. */
        char vkey[32], num[32], *json = NULL;
        size_t json_len = 0;
        snprintf(vkey, sizeof vkey, "value-%d", w->id);
        snprintf(num, sizeof num, "%d", w->id * 100000 + j);
        err = NULL;
        if (rc_set_value(w->b, vkey, strlen(vkey), num, strlen(num), rc_timeout_never(), V, &err) != RC_OK) w->wrong++;
        rc_free(err);
        err = NULL;
        st = rc_get_value(w->b, vkey, strlen(vkey), V, &json, &json_len, &err);
        if (st != RC_OK || json_len != strlen(num) || memcmp(json, num, json_len) != 0) {
            if (!w->wrong) snprintf(w->what, sizeof w->what, "get_value %s: %d %.*s (%s)", vkey, st, (int)json_len, json ? json : "", err ? err : "");
            w->wrong++;
        }
        rc_free(json);
        rc_free(err);
        err = NULL;
        size_t n = 0;
        st = rc_get(w->a, K("shared"), V, NULL, &n, &err);
        if (st != RC_ERR_INVALID_ARGUMENT || err == NULL || strstr(err, "rc_get: ") != err || !strstr(err, "value")) {
            if (!w->wrong) snprintf(w->what, sizeof w->what, "NULL value: %d (%s)", st, err ? err : "");
            w->wrong++;
        }
        rc_free(err);
    }
    return NULL;
}

static void test_batched_calls(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "batch-a");
    rc_client *a = open_entry(entry);
    standalone_entry(entry, sizeof entry, "batch-c");
    rc_client *c = open_entry(entry);
    rc_client *stale = NULL;
    for (int i = 0; i < 14; i++) {
        rc_client *other = open_entry(entry);
        if (stale == NULL) {
            stale = other;
        } else {
            CHECK_ST(rc_close(other, &E), RC_OK);
        }
    }
    CHECK_ST(rc_close(stale, &E), RC_OK);
    standalone_entry(entry, sizeof entry, "batch-b");
    rc_client *b = open_entry(entry);
    if (a == NULL || b == NULL || c == NULL) return;
    CHECK_ST(rc_set(a, K("shared"), K("A"), rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_set(a, K("shared"), K("A2"), rc_timeout_never(), 2, &E), RC_OK);
    CHECK_ST(rc_set(b, K("shared"), K("B"), rc_timeout_never(), V, &E), RC_OK);
    CHECK_ST(rc_set(c, K("shared"), K("C"), rc_timeout_never(), V, &E), RC_OK);
    pthread_t t[BATCH_THREADS];
    struct batch_worker w[BATCH_THREADS];
    for (int i = 0; i < BATCH_THREADS; i++) {
        w[i] = (struct batch_worker){.a = a, .b = b, .c = c, .stale = stale, .id = i};
        pthread_create(&t[i], NULL, batch_run, &w[i]);
    }
    for (int i = 0; i < BATCH_THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].wrong == 0, "thread %d: %d wrong answers, first: %s", i, w[i].wrong, w[i].what);
    }
    CHECK_ST(rc_clear(a, &(int64_t){0}, &E), RC_OK);
    CHECK_ST(rc_clear(b, &(int64_t){0}, &E), RC_OK);
    CHECK_ST(rc_clear(c, &(int64_t){0}, &E), RC_OK);
    CHECK_ST(rc_close(a, &E), RC_OK);
    CHECK_ST(rc_close(b, &E), RC_OK);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

/* Closing while other threads use the client: they see RC_ERR_CLOSED, never
 * a crash, and every call after the close fails. */
struct closer_worker {
    rc_client *c;
    int bad;       /* a status other than OK, MISS or CLOSED */
    int after_ok;  /* an OK after this thread saw CLOSED */
};

static void *closer_run(void *arg) {
    struct closer_worker *w = arg;
    int seen_closed = 0;
    for (int j = 0; j < 100000 && seen_closed < 50; j++) {
        char *got = NULL, *err = NULL;
        size_t n = 0;
        int st = rc_get(w->c, K("k"), V, &got, &n, &err);
        rc_free(got);
        rc_free(err);
        if (st == RC_ERR_CLOSED) {
            seen_closed++;
        } else if (st != RC_OK && st != RC_MISS) {
            w->bad++;
        } else if (seen_closed) {
            w->after_ok++;
        }
    }
    return NULL;
}

static void test_close_in_flight(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "closing");
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    pthread_t t[4];
    struct closer_worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct closer_worker){c, 0, 0};
        pthread_create(&t[i], NULL, closer_run, &w[i]);
    }
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK_ST(rc_close(c, &E), RC_OK);
    int bad = 0, after = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        bad += w[i].bad;
        after += w[i].after_ok;
    }
    CHECK(bad == 0, "%d calls failed with another status than CLOSED", bad);
    CHECK(after == 0, "%d calls succeeded after the close", after);
}

/* ---- fork --------------------------------------------------------------- */

/* Forks while other threads keep the Go runtime busy: whatever the runtime
 * was doing at the fork (a thread of the parent holding one of its locks),
 * a call in the child must return RC_ERR_FORKED at once, never hang. */
enum { FORK_THREADS = 4, FORKS = 25 };

struct fork_load {
    rc_client *c;
    _Atomic int stop;
};

static void *fork_load_run(void *arg) {
    struct fork_load *l = arg;
    while (!l->stop) {
        char *got = NULL;
        size_t n = 0;
        rc_get(l->c, K("busy"), V, &got, &n, NULL);
        rc_free(got);
    }
    return NULL;
}

static void test_fork_under_load(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "fork-load");
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    struct fork_load load = {c, 0};
    pthread_t t[FORK_THREADS];
    for (int i = 0; i < FORK_THREADS; i++) pthread_create(&t[i], NULL, fork_load_run, &load);
    int hung = 0, wrong = 0;
    for (int i = 0; i < FORKS; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(5); /* a call that entered the Go runtime may never return */
            char *got = NULL, *err = NULL;
            size_t n = 0;
            int ok = rc_get(c, K("busy"), V, &got, &n, &err) == RC_ERR_FORKED && got == NULL &&
                     err != NULL && strstr(err, "rc_get: called in a forked child") == err;
            rc_free(err);
            _exit(ok ? 0 : 3);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            wrong++;
        } else if (WIFSIGNALED(status)) {
            hung++;
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            wrong++;
        }
    }
    load.stop = 1;
    for (int i = 0; i < FORK_THREADS; i++) pthread_join(t[i], NULL);
    CHECK(hung == 0, "%d of %d children forked under load hung in a call", hung, FORKS);
    CHECK(wrong == 0, "%d of %d children forked under load got another answer", wrong, FORKS);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

static void test_fork(void) {
    char entry[1024];
    standalone_entry(entry, sizeof entry, "fork");
    rc_client *c = open_entry(entry);
    if (c == NULL) return;
    CHECK_ST(rc_set(c, K("f"), K("parent"), rc_timeout_seconds(60), V, &E), RC_OK);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* A call that reached the Go runtime would hang: SIGALRM fails it. */
        alarm(10);
        char *got = NULL, *err = NULL;
        size_t n = 0;
        int ok = strcmp(rc_version(), RC_VERSION_STRING) == 0 && rc_abi_version() == RC_ABI_VERSION;
        ok = ok && rc_get(c, K("f"), V, &got, &n, &err) == RC_ERR_FORKED && got == NULL &&
                 err != NULL && strstr(err, "fork") != NULL;
        rc_free(err);
        rc_client *c2 = NULL;
        ok = ok && rc_open(entry, strlen(entry), &c2, NULL) == RC_ERR_FORKED && c2 == NULL;
        ok = ok && rc_close(c, NULL) == RC_ERR_FORKED;
        _exit(ok ? 0 : 3);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: every call returns RC_ERR_FORKED at once (status %#x)", status);
    char *got = NULL;
    size_t n = 0;
    CHECK_ST(rc_get(c, K("f"), V, &got, &n, &E), RC_OK);
    CHECK(n == 6 && memcmp(got, "parent", 6) == 0, "parent still works after fork");
    rc_free(got);
    CHECK_ST(rc_delete(c, K("f"), V, &E), RC_OK);
    CHECK_ST(rc_close(c, &E), RC_OK);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(prefix, sizeof prefix, "ctest-%ld-%ld", (long)getpid(), (long)time(NULL));
    char entry[2048];

    test_library();
    test_resolve_and_config();
    test_sentinel();
    test_expand_env();
    standalone_entry(entry, sizeof entry, "s");
    test_server("standalone", entry, "standalone", need("RC_TEST_STANDALONE"), "s");
    cluster_entry(entry, sizeof entry, "c");
    test_server("cluster", entry, "cluster", need("RC_TEST_CLUSTER"), "c");
    test_connection_error();
    test_server_error();
    test_set_many_refused();
    test_compressor();
    test_secrets();
    test_tls_files();
    test_misuse();
    test_threads();
    test_batched_calls();
    test_close_in_flight();
    test_fork();
    test_fork_under_load();

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
