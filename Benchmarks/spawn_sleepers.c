/* Forks argv[1] children that pause() and die with their parent (PR_SET_PDEATHSIG);
   prints "ready" when all exist, then waits for SIGTERM/SIGINT and kills them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    pid_t parent = getpid();
    pid_t *kids = calloc(n > 0 ? n : 1, sizeof(pid_t));
    int made = 0;
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) { perror("fork"); break; }
        if (c == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(0);
            signal(SIGTERM, SIG_DFL);
            for (;;) pause();
        }
        kids[made++] = c;
    }
    printf("ready\n");
    fflush(stdout);
    while (!stop) pause();
    for (int i = 0; i < made; i++) kill(kids[i], SIGKILL);
    while (wait(NULL) > 0) {}
    return 0;
}
