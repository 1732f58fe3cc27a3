// The floor for a ptrace syscall tracer: PTRACE_SYSCALL + wait4 + PTRACE_GET_SYSCALL_INFO per stop,
// no decoding, no output. Usage: ptrace_loop PROG [ARGS]
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    ptrace(PTRACE_SYSCALL, pid, 0, 0);
    struct __ptrace_syscall_info info;
    for (;;) {
        if (waitpid(pid, &status, __WALL) < 0) break;
        if (WIFEXITED(status) || WIFSIGNALED(status)) break;
        int sig = WSTOPSIG(status);
        if (sig == (SIGTRAP | 0x80)) {
            ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
            sig = 0;
        } else if (status >> 16) {
            sig = 0;  /* a ptrace event stop (the exec), not a signal */
        }
        ptrace(PTRACE_SYSCALL, pid, 0, sig);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
