/* Touches exactly N fresh anonymous pages (argv[1], default 1000), one write each, then exits:
 * N minor page faults on top of the process's own start-up faults (perf stat page-faults oracle). */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    long page = sysconf(_SC_PAGESIZE);
    volatile char *p = mmap(0, (size_t)(n * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return 1;
    for (long i = 0; i < n; i++) p[i * page] = 1;
    return 0;
}
