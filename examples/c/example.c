/*
 * Opens a client of the CACHES entry in a JSON file, stores a value for 60
 * seconds, reads it back and prints it with the time it has left.
 *
 * ./build.sh compiles it into bin/example-c, as
 *   cc -Iinclude examples/c/example.c -o bin/example-c \
 *      -Llib -lredisclient -Wl,-rpath,'$ORIGIN/../lib'
 *   bin/example-c entry.json
 *
 * entry.json is one CACHES entry, for example:
 *   {"BACKEND": "django_redis.cache.RedisCache",
 *    "LOCATION": "redis://127.0.0.1:6379/0",
 *    "KEY_PREFIX": "example",
 *    "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient"}}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redisclient.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            char *bigger = realloc(buf, cap);
            if (bigger == NULL) break;
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Reports a failed call, frees its message and closes the client. */
static int fail(const char *call, int st, char *err, rc_client *client) {
    /* RC_MISS is no error, so it comes without a message. */
    fprintf(stderr, "%s failed (%d): %s\n", call, st, err != NULL ? err : "key missing");
    rc_free(err);
    rc_close(client, NULL);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ENTRY.json\n", argv[0]);
        return 2;
    }
    size_t entry_len = 0;
    char *entry = read_file(argv[1], &entry_len);
    if (entry == NULL) {
        perror(argv[1]);
        return 2;
    }

    rc_client *client = NULL;
    char *err = NULL;
    int st = rc_open(entry, entry_len, &client, &err);
    free(entry);
    if (st != RC_OK) {
        fprintf(stderr, "open failed (%d): %s\n", st, err);
        rc_free(err);
        return 1;
    }

    const char *key = "greeting";
    const char *value = "hello from C";
    st = rc_set(client, key, strlen(key), value, strlen(value),
                rc_timeout_seconds(60), RC_DEFAULT_VERSION, &err);
    if (st != RC_OK) return fail("rc_set", st, err, client);

    /* The value comes back in a buffer of the library's: rc_free it. */
    char *got = NULL;
    size_t got_len = 0;
    st = rc_get(client, key, strlen(key), RC_DEFAULT_VERSION, &got, &got_len, &err);
    if (st != RC_OK) return fail("rc_get", st, err, client);
    printf("%s = %.*s\n", key, (int)got_len, got);
    rc_free(got);

    int64_t ttl_ms = 0;
    st = rc_ttl(client, key, strlen(key), RC_DEFAULT_VERSION, &ttl_ms, &err);
    if (st != RC_OK) return fail("rc_ttl", st, err, client);
    printf("ttl of %s = %.1f s\n", key, ttl_ms / 1000.0);

    rc_close(client, NULL);
    return 0;
}
