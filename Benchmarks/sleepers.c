/* Forks N children that sleep until the parent dies: a process table of a given
 * size for the ps and top benchmarks. Usage: sleepers N  (prints "ready"). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            for (;;) pause();
        }
        if (p < 0) { perror("fork"); return 1; }
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
