// Blocks (off CPU) in two functions for 40 ms and 120 ms, ten times each: off-CPU time 1:3.
#include <unistd.h>
__attribute__((noinline)) void nap(void) { usleep(40000); }
__attribute__((noinline)) void longnap(void) { usleep(120000); }
int main(void) {
    for (int i = 0; i < 10; i++) { nap(); longnap(); }
    return 0;
}
