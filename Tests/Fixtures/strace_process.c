// Makes process, signal, time, network and credential syscalls with raw syscall(2) and reports each one
// on stdout so a test can rebuild the call (arguments, result, memory) and decode it without ptrace:
//   C <name> <ret or -errno> <arg0> ... <arg5>     (hex)
//   I <address> <hex bytes>                       (before the C line: memory as it was at entry)
//   M <address> <hex bytes>                       (memory the call read or wrote, as it is after the call)
//   S <hex bytes of a siginfo_t>                  (from SA_SIGINFO handlers, in delivery order)
// Run under `strace -o LOG -e trace=<the names>`; every call below appears once in the log, in this order.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

static char out[1 << 16];
static size_t outlen;

static void put(const char *s) { size_t n = strlen(s); memcpy(out + outlen, s, n); outlen += n; }
static void hexbytes(const void *p, size_t n) {
    static const char d[] = "0123456789abcdef";
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { out[outlen++] = d[b[i] >> 4]; out[outlen++] = d[b[i] & 15]; }
}
static void hexnum(unsigned long v) { char buf[32]; snprintf(buf, sizeof buf, "%lx", v); put(buf); }

static long call(const char *name, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    long r = syscall(nr, a0, a1, a2, a3, a4, a5);
    long ret = r < 0 ? -errno : r;
    put("C "); put(name); put(" "); put(ret < 0 ? "-" : ""); hexnum(ret < 0 ? -ret : ret);
    long a[6] = {a0, a1, a2, a3, a4, a5};
    for (int i = 0; i < 6; i++) { put(" "); hexnum(a[i]); }
    put("\n");
    return r;
}
static void pre(const void *p, size_t n) { put("I "); hexnum((unsigned long)p); put(" "); hexbytes(p, n); put("\n"); }
static void mem(const void *p, size_t n) { put("M "); hexnum((unsigned long)p); put(" "); hexbytes(p, n); put("\n"); }

static void on_signal(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    put("S "); hexbytes(si, sizeof *si); put("\n");
}

struct ksigaction { void *handler; unsigned long flags; void *restorer; uint64_t mask; };
extern void __restore_rt(void);

int main(void) {
    // Signal dispositions through glibc first (their calls are not reported and not traced by the test),
    // then one raw rt_sigaction the test decodes.
    struct sigaction sa = {0};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);  // libc's restorer, reused below

    static struct ksigaction act, old;
    act.handler = (void *)on_signal;
    act.flags = SA_SIGINFO | SA_RESTART | 0x04000000;
    act.restorer = (void *)cur.sa_restorer;
    act.mask = (1ull << (SIGCHLD - 1)) | (1ull << (SIGTTOU - 1));
    call("rt_sigaction", SYS_rt_sigaction, SIGUSR1, (long)&act, (long)&old, 8, 0, 0);
    mem(&act, sizeof act); mem(&old, sizeof old);

    static uint64_t set, oldset, most;
    set = (1ull << (SIGUSR1 - 1)) | (1ull << 31) | (1ull << 32);
    call("rt_sigprocmask", SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, (long)&oldset, 8, 0, 0);
    mem(&set, 8); mem(&oldset, 8);
    most = ~((1ull << (SIGUSR1 - 1)) | (1ull << (SIGCHLD - 1)) | (1ull << (SIGUSR2 - 1)) | (1ull << 33));
    call("rt_sigprocmask", SYS_rt_sigprocmask, SIG_SETMASK, (long)&most, (long)&oldset, 8, 0, 0);
    mem(&most, 8); mem(&oldset, 8);
    set = 0;
    call("rt_sigprocmask", SYS_rt_sigprocmask, SIG_SETMASK, (long)&set, 0, 8, 0, 0);
    mem(&set, 8);

    // Signals with siginfo: kill (SI_USER), tgkill (SI_TKILL), rt_sigqueueinfo (SI_QUEUE).
    call("kill", SYS_kill, getpid(), SIGUSR1, 0, 0, 0, 0);
    call("tgkill", SYS_tgkill, getpid(), getpid(), SIGUSR2, 0, 0, 0);
    static siginfo_t qi;
    memset(&qi, 0, sizeof qi);
    qi.si_signo = SIGUSR2; qi.si_code = SI_QUEUE; qi.si_pid = getpid(); qi.si_uid = getuid();
    qi.si_value.sival_int = 42;
    call("rt_sigqueueinfo", SYS_rt_sigqueueinfo, getpid(), SIGUSR2, (long)&qi, 0, 0, 0);
    mem(&qi, sizeof qi);

    // A child through raw clone that exits with 3, reaped by wait4.
    long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) syscall(SYS_exit, 3);
    put("C clone "); hexnum(pid); put(" 11 0 0 0 0 0\n");
    static int status;
    long w;
    do { w = call("wait4", SYS_wait4, pid, (long)&status, 0, 0, 0, 0); } while (w < 0 && errno == EINTR);
    mem(&status, 4);
    call("wait4", SYS_wait4, -1, (long)&status, WNOHANG, 0, 0, 0);

    static struct rlimit64 { uint64_t cur, max; } rl;
    call("prlimit64", SYS_prlimit64, 0, RLIMIT_STACK, 0, (long)&rl, 0, 0);
    mem(&rl, sizeof rl);
    call("prlimit64", SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&rl, 0, 0);
    mem(&rl, sizeof rl);

    static struct utsname un;
    call("uname", SYS_uname, (long)&un, 0, 0, 0, 0, 0);
    mem(&un, sizeof un);

    static unsigned char rnd[40];
    call("getrandom", SYS_getrandom, (long)rnd, 8, 1, 0, 0, 0);
    mem(rnd, 8);
    call("getrandom", SYS_getrandom, (long)rnd, 40, 0, 0, 0, 0);
    mem(rnd, 40);

    static struct timespec ts, req = {0, 1000};
    call("clock_gettime", SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0);
    mem(&ts, sizeof ts);
    call("nanosleep", SYS_nanosleep, (long)&req, 0, 0, 0, 0, 0);
    mem(&req, sizeof req);
    call("clock_nanosleep", SYS_clock_nanosleep, CLOCK_REALTIME, 0, (long)&req, (long)&ts, 0, 0);
    mem(&req, sizeof req);

    static int fword;
    call("futex", SYS_futex, (long)&fword, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
    static struct timespec fto = {0, 100};
    call("futex", SYS_futex, (long)&fword, FUTEX_WAIT_PRIVATE, 1, (long)&fto, 0, 0);
    mem(&fto, sizeof fto);

    static char name[16] = "sonde-fixture", got[16];
    call("prctl", SYS_prctl, PR_SET_NAME, (long)name, 0, 0, 0, 0);
    mem(name, 16);
    call("prctl", SYS_prctl, PR_GET_NAME, (long)got, 0, 0, 0, 0);
    mem(got, 16);
    call("prctl", SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0, 0);

    static int ids[3];
    call("getresuid", SYS_getresuid, (long)&ids[0], (long)&ids[1], (long)&ids[2], 0, 0, 0);
    mem(ids, sizeof ids);
    static unsigned char cpus[128];
    call("sched_getaffinity", SYS_sched_getaffinity, 0, sizeof cpus, (long)cpus, 0, 0, 0);
    mem(cpus, sizeof cpus);

    // Sockets
    long s = call("socket", SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP, 0, 0, 0);
    static int one = 1;
    call("setsockopt", SYS_setsockopt, s, SOL_SOCKET, SO_REUSEADDR, (long)&one, sizeof one, 0);
    mem(&one, 4);
    static struct sockaddr_in sin;
    sin.sin_family = AF_INET; sin.sin_port = htons(9); sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    call("connect", SYS_connect, s, (long)&sin, sizeof sin, 0, 0, 0);
    mem(&sin, sizeof sin);
    static int type; static socklen_t tlen = sizeof type;
    pre(&tlen, 4);
    call("getsockopt", SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, (long)&type, (long)&tlen, 0);
    mem(&type, 4); mem(&tlen, 4);
    call("shutdown", SYS_shutdown, s, SHUT_RDWR, 0, 0, 0, 0);

    long u = call("socket", SYS_socket, AF_UNIX, SOCK_DGRAM, 0, 0, 0, 0);
    static struct sockaddr_un sun;
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "/tmp/sonde-fixture-%d.sock", (int)getpid());
    unlink(sun.sun_path);
    long sunlen = offsetof(struct sockaddr_un, sun_path) + strlen(sun.sun_path) + 1;
    call("bind", SYS_bind, u, (long)&sun, sunlen, 0, 0, 0);
    mem(&sun, sunlen);
    static struct sockaddr_un got_un; static socklen_t glen;
    glen = sizeof got_un;
    pre(&glen, 4);
    call("getsockname", SYS_getsockname, u, (long)&got_un, (long)&glen, 0, 0, 0);
    mem(&got_un, sizeof got_un); mem(&glen, 4);
    static char msg[] = "hello\n";
    call("sendto", SYS_sendto, u, (long)msg, 6, MSG_DONTWAIT, (long)&sun, sunlen);
    mem(msg, 6); mem(&sun, sunlen);
    static char rbuf[64];
    static struct sockaddr_un from; static socklen_t flen;
    flen = sizeof from;
    pre(&flen, 4);
    call("recvfrom", SYS_recvfrom, u, (long)rbuf, sizeof rbuf, 0, (long)&from, (long)&flen);
    mem(rbuf, 6); mem(&from, sizeof from); mem(&flen, 4);
    unlink(sun.sun_path);

    static int sv[2];
    call("socketpair", SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (long)sv, 0, 0);
    mem(sv, 8);

    // execve that fails: argv array and envp count.
    static char *argv[] = {"/nonexistent/prog", "-l", "a\tb", NULL};
    static char *envp[] = {"A=1", "B=2", NULL};
    call("execve", SYS_execve, (long)argv[0], (long)argv, (long)envp, 0, 0, 0);
    put("M "); hexnum((unsigned long)argv[0]); put(" "); hexbytes(argv[0], strlen(argv[0]) + 1); put("\n");
    mem(argv, sizeof argv);
    for (int i = 1; argv[i]; i++) mem(argv[i], strlen(argv[i]) + 1);
    mem(envp, sizeof envp);

    write(1, out, outlen);
    syscall(SYS_exit_group, 0);
    return 0;
}
