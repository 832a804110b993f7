/* Throughput of GETs from many threads, with the client CPU per GET:
 * through libredisclient (one rc_client shared by the threads, as the
 * header allows) or through hiredis (a connection per thread, its own
 * baseline). scripts/bench_threads.sh runs it beside the others.
 *
 *   threads rc ENTRY.json PREFIX THREADS SECONDS
 *   threads hiredis HOST:PORT PREFIX THREADS SECONDS
 *
 * Thread i reads key "t<i>", which is PREFIX:1:t<i> in Redis (Django's key
 * function), holding 100 bytes. hiredis follows a cluster's MOVED reply to
 * the node of its key once, before the clock starts. Prints one line:
 * "ops_per_s=N cpu_us_per_op=N". */
#define _GNU_SOURCE
#include <errno.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "redisclient.h"

#define VALUE_LEN 100

static const char *mode, *target, *prefix;
static atomic_int go_flag, stop_flag;
static rc_client *shared;

struct worker {
    pthread_t thread;
    int index;
    long ops;
    int failed;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what, const char *why) {
    fprintf(stderr, "threads: %s: %s\n", what, why ? why : "failed");
    exit(1);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) die(path, strerror(errno));
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = 0;
    return buf;
}

static void wait_for_start(void) {
    while (!atomic_load(&go_flag)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static void *rc_worker(void *arg) {
    struct worker *w = arg;
    char key[32];
    int klen = snprintf(key, sizeof key, "t%d", w->index);
    wait_for_start();
    while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        char *value = NULL, *err = NULL;
        size_t len = 0;
        int st = rc_get(shared, key, (size_t)klen, 1, &value, &len, &err);
        if (st != RC_OK || len != VALUE_LEN) {
            fprintf(stderr, "threads: rc_get %s: status %d: %s\n", key, st, err ? err : "");
            rc_free(err);
            w->failed = 1;
            return NULL;
        }
        rc_free(value);
        w->ops++;
    }
    return NULL;
}

/* A connection to the node that serves key: a MOVED reply names it. */
static redisContext *connect_for(const char *key) {
    char host[256];
    snprintf(host, sizeof host, "%s", target);
    char *colon = strrchr(host, ':');
    if (colon == NULL) die(target, "want HOST:PORT");
    *colon = 0;
    int port = atoi(colon + 1);
    for (int hop = 0; hop < 3; hop++) {
        redisContext *c = redisConnect(host, port);
        if (c == NULL || c->err) die("redisConnect", c ? c->errstr : NULL);
        redisReply *r = redisCommand(c, "GET %s", key);
        if (r == NULL) die("GET", c->errstr);
        if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "MOVED ", 6) == 0) {
            const char *addr = strchr(r->str + 6, ' ');
            if (addr == NULL) die("MOVED", r->str);
            snprintf(host, sizeof host, "%s", addr + 1);
            colon = strrchr(host, ':');
            if (colon == NULL) die("MOVED", r->str);
            *colon = 0;
            port = atoi(colon + 1);
            freeReplyObject(r);
            redisFree(c);
            continue;
        }
        freeReplyObject(r);
        return c;
    }
    die("MOVED", "too many redirections");
    return NULL;
}

static void *hiredis_worker(void *arg) {
    struct worker *w = arg;
    char key[512];
    snprintf(key, sizeof key, "%s:1:t%d", prefix, w->index);
    redisContext *c = connect_for(key);
    wait_for_start();
    while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        redisReply *r = redisCommand(c, "GET %s", key);
        if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != VALUE_LEN) {
            fprintf(stderr, "threads: hiredis GET %s: %s\n", key, r ? (r->str ? r->str : "wrong reply") : c->errstr);
            w->failed = 1;
            if (r) freeReplyObject(r);
            break;
        }
        freeReplyObject(r);
        w->ops++;
    }
    redisFree(c);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: threads rc|hiredis ENTRY.json|HOST:PORT PREFIX THREADS SECONDS\n");
        return 2;
    }
    mode = argv[1];
    target = argv[2];
    prefix = argv[3];
    int n = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (n < 1 || seconds <= 0) die("arguments", "THREADS and SECONDS must be positive");
    int use_rc = strcmp(mode, "rc") == 0;
    if (!use_rc && strcmp(mode, "hiredis") != 0) die(mode, "mode must be rc or hiredis");

    if (use_rc) {
        size_t len;
        char *entry = read_file(target, &len);
        char *err = NULL;
        if (rc_open(entry, len, &shared, &err) != RC_OK) die("rc_open", err);
        char value[VALUE_LEN];
        memset(value, 'v', sizeof value);
        for (int i = 0; i < n; i++) {
            char key[32];
            int klen = snprintf(key, sizeof key, "t%d", i);
            rc_timeout forever = {RC_TIMEOUT_NEVER, 0};
            if (rc_set(shared, key, (size_t)klen, value, sizeof value, forever, 1, &err) != RC_OK) die("rc_set", err);
        }
    }

    struct worker *ws = calloc((size_t)n, sizeof *ws);
    for (int i = 0; i < n; i++) {
        ws[i].index = i;
        if (pthread_create(&ws[i].thread, NULL, use_rc ? rc_worker : hiredis_worker, &ws[i]) != 0)
            die("pthread_create", strerror(errno));
    }
    /* Let hiredis's threads connect before the clock starts. */
    struct timespec settle = {0, 200000000};
    nanosleep(&settle, NULL);
    double cpu0 = cpu_seconds(), t0 = now();
    atomic_store(&go_flag, 1);
    struct timespec run = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&run, NULL);
    atomic_store(&stop_flag, 1);
    double t1 = now(), cpu1 = cpu_seconds();
    long ops = 0;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(ws[i].thread, NULL);
        ops += ws[i].ops;
        failed |= ws[i].failed;
    }
    if (failed) return 1;
    if (use_rc) {
        char *err = NULL;
        if (rc_close(shared, &err) != RC_OK) die("rc_close", err);
    }
    printf("ops_per_s=%.0f cpu_us_per_op=%.1f\n", ops / (t1 - t0), ops ? (cpu1 - cpu0) * 1e6 / ops : 0.0);
    free(ws);
    return 0;
}
