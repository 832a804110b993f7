/* Deliberately buggy: tests/c/run.sh runs it under the same valgrind
 * options as the test and expects tests/c/valgrind_judge.py to report each
 * bug below, and nothing else, although the Go runtime (loaded with
 * libredisclient.so) makes its usual noise next to them. Natively it runs
 * clean and exits 0. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redisclient.h"

static volatile int sink;

/* An invalid read in C code. */
static void bad_read(int n) {
    int *a = malloc(n * sizeof *a);
    sink = a[n];
    free(a);
}

/* One through libc (valgrind's replacement memcpy): judged by the caller. */
static void bad_memcpy(size_t n) {
    char *a = malloc(n), b[16];
    free(a);
    memcpy(b, a, n);
    sink = b[0];
}

/* A syscall parameter from C, through libc's write. */
static void bad_syscall(int fd) {
    char *a = malloc(8);
    sink = (int)write(fd, a, 8);
    free(a);
}

/* Decisions on uninitialised C memory, heap and stack: memcheck knows
 * their origins, which the judge must not take for Go's. */
static void bad_uninit_heap(size_t n) {
    char *a = malloc(n);
    if (a[n / 2]) sink = 1;
    free(a);
}

static void bad_uninit_stack(void) {
    char a[8];
    if (a[3]) sink = 1;
}

/* A definite leak. */
static void bad_leak(size_t n) {
    char *a = malloc(n);
    sink = a != NULL;
}

/* In a forked child, which writes its own XML file. */
static void bad_child_read(int n) {
    char *a = malloc(n);
    sink = a[n + 1];
    free(a);
}

int main(void) {
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || rc_abi_version() != RC_ABI_VERSION) return 2;
    bad_read(4);
    bad_memcpy(16);
    bad_syscall(fd);
    bad_uninit_heap(16);
    bad_uninit_stack();
    pid_t pid = fork();
    if (pid == 0) {
        bad_child_read(8);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) return 2;
    bad_leak(32); /* after the fork, so that only the parent has it */
    close(fd);
    return 0;
}
