// Blocks (off CPU) in two functions for 20 ms and 60 ms, ten times each: off-CPU time 1:3.
#include <unistd.h>
__attribute__((noinline)) void nap(void) { usleep(20000); }
__attribute__((noinline)) void longnap(void) { usleep(60000); }
int main(void) {
    for (int i = 0; i < 10; i++) { nap(); longnap(); }
    return 0;
}
