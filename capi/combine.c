/* Gathers the calls that threads make at once into batches, so that one
 * thread enters Go for many (flat combining).
 *
 * Why: every call from C into Go runs on its caller's thread, locked to
 * it. When the call waits for Redis, that thread sleeps inside the Go
 * runtime, and waking it takes a hand-over from the runtime's network
 * poller (two wake-ups, each tens of microseconds on a VM), and 64 threads
 * in Go at once contend for GOMAXPROCS processors. Here a thread queues its
 * call; the first to find no batch running takes every queued call and
 * hands them to Go together (batch.go sends the GETs of one client on one
 * pipeline), while the others sleep on a futex outside Go until their
 * answer is written. Then the leader hands the lead to the oldest queued
 * call, so that no thread serves others for more than one batch. A thread
 * alone finds the queue empty and enters Go directly, as without batching.
 *
 * The queue holds only calls in flight, each on its caller's stack; it is
 * the only process-wide state besides the handle table. A forked child
 * never reaches it (guard.c refuses first), so a lock held at the fork does
 * not matter. */
#include <stdint.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "combine.h"
#include "_cgo_export.h"

enum { PENDING = 0, DONE = 1, LEAD = 2 };

/* A bigger batch saves little more round-trip time and keeps the calls at
 * its end waiting for the whole pipeline. */
#define MAX_BATCH 64

/* How many batches of one lane may run at once. With two, on the 2-vCPU
 * test machine, 16 and 64 threads on the standalone server made 15 to 45%
 * fewer GETs a second than with one, at more CPU per GET (a cluster gained
 * up to 20% at 4 and 64 threads, at 15 to 35% more CPU): a second batch
 * in flight halves the batches, and the pipelines are what saves. */
#define LEADERS 1

/* The calls of different clients queue apart (a client's handle picks its
 * lane), so that a client whose server is slow holds up only its own
 * calls, and those of the few clients that share its lane. */
#define LANES 16

struct lane {
    pthread_mutex_t mu;
    rc__call *head, *tail;
    int leaders; /* batches running, or whose lead is being handed on */
    size_t last; /* the size of the lane's last batch */
    size_t queued; /* calls in the queue (read without the lock by gather) */
};

static struct lane lanes[LANES];

__attribute__((constructor)) static void init_lanes(void) {
    for (int i = 0; i < LANES; i++) pthread_mutex_init(&lanes[i].mu, NULL);
}

static void futex_wait(int *word, int expected) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(int *word) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* A waiter may return as soon as it sees DONE, and its call (on its stack)
 * is gone: nothing touches the call after the store. A wake that then
 * reaches another futex at the same address is spurious, and every waiter
 * checks its word again. */
static void finish(rc__call *c, int state) {
    int *word = &c->state;
    __atomic_store_n(word, state, __ATOMIC_RELEASE);
    futex_wake(word);
}

/* How long a new leader waits for the callers of the last batch to queue
 * again (see gather). */
#define GATHER_NS 20000

/* After a batch of several calls, their threads were woken together and
 * are calling again: the first to find no leader would otherwise run a
 * batch of one while the others queue behind it, and the batches of a few
 * threads would alternate between one call and the rest. So a leader
 * whose lane's last batch held several calls yields until as many are
 * queued again (itself included) or GATHER_NS has passed. On the 2-vCPU
 * test machine, against one yield, the standalone server answered 1.20x
 * the GETs a second from 4 threads and 1.11x from 16 (medians of six
 * runs; the cluster within noise); a thread alone finds last = 1 and never
 * waits. */
static void gather(struct lane *l) {
    size_t last = __atomic_load_n(&l->last, __ATOMIC_RELAXED);
    if (last <= 1) return;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        sched_yield();
        if (__atomic_load_n(&l->queued, __ATOMIC_RELAXED) + 1 >= last) return;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > GATHER_NS) return;
    }
}

/* Runs self's call and the queued ones in one batch, then gives the
 * leader's place to the oldest call still queued. A leader's call is never
 * in the queue: only the calls that found every place taken wait there. */
static void lead(struct lane *l, rc__call *self) {
    rc__call *batch[MAX_BATCH];
    size_t n = 0;
    batch[n++] = self;
    gather(l);
    pthread_mutex_lock(&l->mu);
    while (l->head != NULL && n < MAX_BATCH) {
        batch[n++] = l->head;
        l->head = l->head->next;
        __atomic_fetch_sub(&l->queued, 1, __ATOMIC_RELAXED);
    }
    if (l->head == NULL) l->tail = NULL;
    pthread_mutex_unlock(&l->mu);
    __atomic_store_n(&l->last, n, __ATOMIC_RELAXED);

    rcgo_batch(batch, n);

    /* The next leader first: its batch is gathering meanwhile. */
    pthread_mutex_lock(&l->mu);
    rc__call *next = l->head;
    if (next != NULL) {
        l->head = next->next;
        if (l->head == NULL) l->tail = NULL;
        __atomic_fetch_sub(&l->queued, 1, __ATOMIC_RELAXED);
    } else {
        l->leaders--;
    }
    pthread_mutex_unlock(&l->mu);
    if (next != NULL) finish(next, LEAD);
    for (size_t i = 1; i < n; i++) finish(batch[i], DONE);
}

int rc__submit(rc__call *call) {
    struct lane *l = &lanes[(uintptr_t)call->client % LANES];
    call->state = PENDING;
    call->next = NULL;
    pthread_mutex_lock(&l->mu);
    int leader = l->leaders < LEADERS;
    if (leader) {
        l->leaders++;
    } else if (l->tail != NULL) {
        l->tail->next = call;
        l->tail = call;
        __atomic_fetch_add(&l->queued, 1, __ATOMIC_RELAXED);
    } else {
        l->head = l->tail = call;
        __atomic_fetch_add(&l->queued, 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&l->mu);
    if (!leader) {
        int state;
        while ((state = __atomic_load_n(&call->state, __ATOMIC_ACQUIRE)) == PENDING) {
            futex_wait(&call->state, PENDING);
        }
        if (state == DONE) return call->status;
    }
    lead(l, call);
    return call->status;
}
