/* Spins in user space for argv[1] milliseconds (default 500) in a recognizable function, then
 * exits 0 (sampling and task-clock oracle). */
#include <stdlib.h>
#include <time.h>
__attribute__((noinline)) unsigned long burn(unsigned long n) {
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < n; i++) x += i;
    return x;
}
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    double ms = argc > 1 ? atof(argv[1]) : 500;
    double end = now() + ms / 1000;
    while (now() < end) burn(100000);
    return 0;
}
