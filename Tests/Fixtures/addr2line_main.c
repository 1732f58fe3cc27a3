/* Fixture for addr2line/DWARF tests: inlining across files, static and global functions,
   loops on one line (discriminators), a cold path, recursion and a table of function pointers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr2line_helper.h"

static int counter;
int global_table[64];

static inline __attribute__((always_inline)) int leaf(int x) {
    counter += x;
    return x * 3 + counter;
}

static inline int mid(int x) {
    int s = 0;
    for (int i = 0; i < x; i++) s += leaf(i) ^ helper_mix(i);
    return s;
}

__attribute__((noinline)) int outer(int x) { return mid(x) + mid(x + 1); }

static __attribute__((noinline)) int local_fn(int n) {
    int acc = 0;
    for (int i = 0; i < n; i++) { if (i % 3) acc += i; else acc -= global_table[i & 63]; }
    switch (n & 7) {
    case 0: acc += 11; break;
    case 1: acc ^= 0x1234; break;
    case 2: acc = acc * 7 + 1; break;
    default: acc += helper_mix(n);
    }
    return acc;
}

__attribute__((noinline, cold)) void fail(const char *why) {
    fprintf(stderr, "failure: %s\n", why);
    exit(3);
}

int recurse(int n) { return n <= 1 ? 1 : n * recurse(n - 1) % 1000003; }

typedef int (*fn_t)(int);
static fn_t table[] = { outer, local_fn, recurse };

int main(int argc, char **argv) {
    int total = 0;
    for (int i = 0; i < 3; i++) total += table[i](argc + i);
    if (argc > 5) fail(argv[1]);
    for (int i = 0; i < 64; i++) global_table[i] = (int)strlen(argv[0]) + i;
    printf("%d %d\n", total, mid(argc));
    return total == 42;
}
