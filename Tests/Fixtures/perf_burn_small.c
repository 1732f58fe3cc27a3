/* A short CPU-bound program with a few call levels, for perf.data tests (about 0.3 s). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned long leaf(unsigned long x) {
    for (int i = 0; i < 1000; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

__attribute__((noinline)) static unsigned long middle(unsigned long x, int depth) {
    if (depth > 0) return middle(x + 1, depth - 1) ^ 1;
    return leaf(x);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 300000;
    unsigned long acc = 0;
    for (long i = 0; i < n; i++) acc += middle(acc, (int)(i % 5));
    printf("%lu\n", acc);
    return 0;
}
