/* The calls that threads make at once on the library, gathered into
 * batches: see combine.c. Shared by combine.c, guard.c and batch.go. */
#ifndef RC_COMBINE_H
#define RC_COMBINE_H

#include <stddef.h>
#include "redisclient.h"

enum { RC__OP_GET = 1, RC__OP_SET = 2, RC__OP_GET_VALUE = 3, RC__OP_SET_VALUE = 4, RC__OP_GET_LOADABLE = 5 };

/* One call, on its caller's stack: the arguments as the public function
 * took them, and the status Go writes back. Go reads and writes only the
 * fields above `state`. */
typedef struct rc__call {
    int op;
    rc_client *client;
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
    rc_timeout timeout;
    int version;
    char **out;
    size_t *out_len;
    char **err;
    int status;
    /* Owned by combine.c: a futex word, and the queue's link. */
    int state;
    struct rc__call *next;
} rc__call;

/* Hidden: the library exports only the header's functions. */
__attribute__((visibility("hidden"))) int rc__submit(rc__call *call);

#endif
