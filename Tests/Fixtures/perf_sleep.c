// Blocks (off CPU) in two functions for 40 ms and 120 ms, ten times each: off-CPU time about 1:3.
// Prints the time actually spent in each ("nap <ns> longnap <ns>"): on a loaded machine wake-ups come late,
// and the tests compare the profile with these measured times rather than with the requested ones.
#include <stdio.h>
#include <time.h>
#include <unistd.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static long long napped, longnapped;
__attribute__((noinline)) void nap(void) { long long t = now(); usleep(40000); napped += now() - t; }
__attribute__((noinline)) void longnap(void) { long long t = now(); usleep(120000); longnapped += now() - t; }
int main(void) {
    for (int i = 0; i < 10; i++) { nap(); longnap(); }
    printf("nap %lld longnap %lld\n", napped, longnapped);
    return 0;
}
