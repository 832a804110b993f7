/*
 * Opens a client of the CACHES entry in a JSON file, stores a value, reads
 * it back, prints both and closes.
 *
 *   cc -Iinclude examples/c/example.c -Llib -lredisclient -Wl,-rpath,'$ORIGIN/../lib'
 *   ./a.out entry.json
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
    if (st != RC_OK) {
        fprintf(stderr, "set failed (%d): %s\n", st, err);
        rc_free(err);
        rc_close(client, NULL);
        return 1;
    }

    char *got = NULL;
    size_t got_len = 0;
    st = rc_get(client, key, strlen(key), RC_DEFAULT_VERSION, &got, &got_len, &err);
    if (st == RC_OK) {
        printf("%s = %.*s\n", key, (int)got_len, got);
    } else if (st == RC_MISS) {
        printf("%s is missing\n", key);
    } else {
        fprintf(stderr, "get failed (%d): %s\n", st, err);
    }
    rc_free(got);
    rc_free(err);

    rc_close(client, NULL);
    return st < 0 ? 1 : 0;
}
