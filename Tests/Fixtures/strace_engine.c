// Programs with known process behaviour for the tracee engine tests (argv[1] picks one).
//   stop         stops itself with SIGSTOP; an untraced grandchild sends SIGCONT 0.2 s later; exits 0
//   threads      4 threads; one calls exit_group(7) while others block in read(); exits 7
//   segv         writes through a null pointer
//   thread-exec  a non-leader thread calls execve("/bin/true")
//   spin         counts forever, writing the count to the file argv[2] every 10 ms
//   signals      SIGUSR1 to itself with a handler, then SIGTERM with default action
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>

static int fds[2];

static void *blocker(void *arg) {
    char c;
    (void)arg;
    read(fds[0], &c, 1);
    return NULL;
}

static void *exiter(void *arg) {
    (void)arg;
    usleep(100000);
    exit(7);
}

static void *execer(void *arg) {
    (void)arg;
    char *argv[] = {"/bin/true", NULL};
    char *envp[] = {NULL};
    execve("/bin/true", argv, envp);
    return NULL;
}

static void on_usr1(int s) { (void)s; }

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *mode = argv[1];
    if (!strcmp(mode, "stop")) {
        pid_t parent = getpid();
        if (fork() == 0) {
            // Untraced without -f: continue the parent after it stopped.
            if (fork() == 0) {
                usleep(200000);
                kill(parent, SIGCONT);
                _exit(0);
            }
            _exit(0);
        }
        wait(NULL);
        kill(getpid(), SIGSTOP);
        write(1, "continued\n", 10);
        return 0;
    }
    if (!strcmp(mode, "threads")) {
        pipe(fds);
        pthread_t t[4];
        for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, blocker, NULL);
        pthread_create(&t[3], NULL, exiter, NULL);
        for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
        return 0;
    }
    if (!strcmp(mode, "segv")) {
        volatile int *p = NULL;
        *p = 1;
        return 0;
    }
    if (!strcmp(mode, "thread-exec")) {
        pthread_t t;
        pthread_create(&t, NULL, execer, NULL);
        pthread_join(t, NULL);
        return 1;
    }
    if (!strcmp(mode, "spin")) {
        for (unsigned long n = 0;; n++) {
            int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) { dprintf(fd, "%lu\n", n); close(fd); }
            usleep(10000);
        }
    }
    if (!strcmp(mode, "signals")) {
        signal(SIGUSR1, on_usr1);
        kill(getpid(), SIGUSR1);
        kill(getpid(), SIGTERM);
        return 0;
    }
    return 2;
}
