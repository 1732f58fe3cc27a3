// Burns CPU in three functions by loop counts 3:1:1 (heavy:light:other); each function runs its own
// loop (self time, not a shared helper). All three are called from run(), which main calls.
// Built with frame pointers (-O0 -fno-omit-frame-pointer) and without (-O2 -fomit-frame-pointer);
// noinline keeps each function a symbol of its own.
// Usage: perf_burn [units]   (one unit = 5 * 2*10^6 loop iterations; default 100)
#include <stdlib.h>

static volatile unsigned long sink;

#define BURN(n) do { unsigned long x = sink; \
    for (unsigned long i = 0; i < (n); i++) x = x * 6364136223846793005UL + 1442695040888963407UL; \
    sink = x; } while (0)

__attribute__((noinline)) void heavy(unsigned long n) { BURN(3 * n); }
__attribute__((noinline)) void light(unsigned long n) { BURN(n); }
__attribute__((noinline)) void other(unsigned long n) { BURN(n); }

__attribute__((noinline)) void run(int units) {
    for (int u = 0; u < units; u++) {
        heavy(2000000UL);
        light(2000000UL);
        other(2000000UL);
    }
}

int main(int argc, char **argv) {
    run(argc > 1 ? atoi(argv[1]) : 100);
    return 0;
}
