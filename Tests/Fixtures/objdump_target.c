// A small program for objdump/disassembly tests: a few functions with branches,
// calls, RIP-relative data and a loop.
#include <stdio.h>

int table[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static int counter;

__attribute__((noinline)) int scale(int x) { return x * 3 + 1; }

__attribute__((noinline)) int sum(int n) {
    int s = 0;
    for (int i = 0; i < n && i < 16; i++) s += table[i] * scale(i);
    counter++;
    return s;
}

int main(int argc, char **argv) {
    (void)argv;
    printf("%d %d\n", sum(argc * 5), counter);
    return 0;
}
