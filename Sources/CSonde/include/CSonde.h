// Thin wrappers for what Swift cannot call directly: variadic syscalls and
// kernel structures glibc does not export. No logic lives here.
#ifndef CSONDE_H
#define CSONDE_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include <sched.h>
#include <malloc.h>
#include <sys/mman.h>
#include <linux/perf_event.h>

/// struct sched_attr as the kernel defines it (SCHED_ATTR_SIZE_VER1).
struct sonde_sched_attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t  sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

static inline int sonde_sched_getattr(pid_t pid, struct sonde_sched_attr *attr) {
    return (int)syscall(SYS_sched_getattr, pid, attr, (unsigned)sizeof(*attr), 0u);
}

static inline int sonde_sched_setattr(pid_t pid, struct sonde_sched_attr *attr) {
    return (int)syscall(SYS_sched_setattr, pid, attr, 0u);
}

/// ioprio_get(IOPRIO_WHO_PROCESS, pid).
static inline int sonde_ioprio_get(pid_t pid) {
    return (int)syscall(SYS_ioprio_get, 1, pid);
}

static inline pid_t sonde_gettid(void) { return (pid_t)syscall(SYS_gettid); }

/// Terminal size of fd; returns 0 and fills rows/cols on success.
static inline int sonde_winsize(int fd, unsigned short *rows, unsigned short *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}

static inline long sonde_clock_ticks(void) { return sysconf(_SC_CLK_TCK); }
static inline long sonde_page_size(void) { return sysconf(_SC_PAGESIZE); }
static inline long sonde_online_cpus(void) { return sysconf(_SC_NPROCESSORS_ONLN); }

#define SONDE_SCHED_RESET_ON_FORK 0x40000000
#define SONDE_SCHED_FLAG_RESET_ON_FORK 0x01


// ---- ptrace and remote memory (Tracee) ----
#include <sys/ptrace.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>

enum {
    SONDE_PTRACE_DETACH = PTRACE_DETACH,
    SONDE_PTRACE_GETREGSET = PTRACE_GETREGSET,
    SONDE_PTRACE_SEIZE = PTRACE_SEIZE,
    SONDE_PTRACE_INTERRUPT = PTRACE_INTERRUPT,
    SONDE_PTRACE_EVENT_STOP = PTRACE_EVENT_STOP,
    SONDE_NT_PRSTATUS = 1,
    SONDE_WALL = __WALL,
    SONDE_PTRACE_SYSCALL = PTRACE_SYSCALL,
    SONDE_PTRACE_CONT = PTRACE_CONT,
    SONDE_PTRACE_LISTEN = PTRACE_LISTEN,
    SONDE_PTRACE_SETOPTIONS = PTRACE_SETOPTIONS,
    SONDE_PTRACE_GETEVENTMSG = PTRACE_GETEVENTMSG,
    SONDE_PTRACE_GETSIGINFO = PTRACE_GETSIGINFO,
    SONDE_PTRACE_GET_SYSCALL_INFO = 0x420e,
    SONDE_PTRACE_O_TRACESYSGOOD = PTRACE_O_TRACESYSGOOD,
    SONDE_PTRACE_O_TRACEFORK = PTRACE_O_TRACEFORK,
    SONDE_PTRACE_O_TRACEVFORK = PTRACE_O_TRACEVFORK,
    SONDE_PTRACE_O_TRACECLONE = PTRACE_O_TRACECLONE,
    SONDE_PTRACE_O_TRACEEXEC = PTRACE_O_TRACEEXEC,
    SONDE_PTRACE_O_TRACEEXIT = PTRACE_O_TRACEEXIT,
    SONDE_PTRACE_O_TRACESECCOMP = PTRACE_O_TRACESECCOMP,
    SONDE_PTRACE_O_EXITKILL = PTRACE_O_EXITKILL,
    SONDE_PTRACE_EVENT_FORK = PTRACE_EVENT_FORK,
    SONDE_PTRACE_EVENT_VFORK = PTRACE_EVENT_VFORK,
    SONDE_PTRACE_EVENT_CLONE = PTRACE_EVENT_CLONE,
    SONDE_PTRACE_EVENT_EXEC = PTRACE_EVENT_EXEC,
    SONDE_PTRACE_EVENT_EXIT = PTRACE_EVENT_EXIT,
    SONDE_PTRACE_EVENT_SECCOMP = PTRACE_EVENT_SECCOMP,
};

/// wait4 with the stopped thread's resource usage: its system CPU time in microseconds goes to *stime_us.
static inline pid_t sonde_wait4(pid_t pid, int *status, int options, long long *stime_us) {
    struct rusage ru;
    pid_t r = wait4(pid, status, options, &ru);
    if (r > 0) *stime_us = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    return r;
}

/// struct ptrace_syscall_info (PTRACE_GET_SYSCALL_INFO, Linux 5.3); op: 1 entry, 2 exit, 3 seccomp.
struct sonde_syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    union {
        struct { uint64_t nr; uint64_t args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
        struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
    };
};

static inline long sonde_get_syscall_info(pid_t tid, struct sonde_syscall_info *info) {
    return ptrace((enum __ptrace_request)0x420e, tid, (void *)sizeof(*info), info);
}

/// The tracee side of spawning: in a fresh child, set credentials when asked, stop itself with SIGSTOP
/// (the tracer seizes it then), and exec. On exec failure the errno goes to `errfd` and the child exits 127.
/// Only async-signal-safe calls happen between fork and exec.
static inline pid_t sonde_spawn_stopped(const char *path, char *const argv[], char *const envp[],
                                        int errfd, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
                                        int setcreds, const void *filter, unsigned short filterLength) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (setcreds) {
        if (setgroups((size_t)ngroups, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
            int e = errno; (void)!write(errfd, &e, sizeof e); _exit(127);
        }
    }
    raise(SIGSTOP);
    if (filterLength > 0) {
        // Installed after the tracer seized us: SECCOMP_RET_TRACE without a tracer would fail the call.
        struct { unsigned short len; const void *filter; } prog = { filterLength, filter };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, 1 /* SET_MODE_FILTER */, 0, &prog) != 0) {
            /* strace falls back silently to tracing every syscall */
        }
    }
    execve(path, argv, envp);
    int e = errno;
    (void)!write(errfd, &e, sizeof e);
    _exit(127);
}

/// ptrace(2) is variadic in glibc.
static inline long sonde_ptrace(int request, pid_t pid, unsigned long addr, unsigned long data) {
    return ptrace((enum __ptrace_request)request, pid, (void *)addr, (void *)data);
}

/// PTRACE_GETREGSET NT_PRSTATUS into buf; *len is the buffer size in, the filled size out.
static inline int sonde_getregs(pid_t tid, void *buf, size_t *len) {
    struct iovec iov = { buf, *len };
    long r = ptrace(PTRACE_GETREGSET, tid, (void *)1, &iov);
    *len = iov.iov_len;
    return (int)r;
}

/// PTRACE_SETREGSET of `type` (1: NT_PRSTATUS general registers, 0x404: NT_ARM_SYSTEM_CALL).
static inline int sonde_setregset(pid_t tid, int type, void *buf, size_t len) {
    struct iovec iov = { buf, len };
    return (int)ptrace(PTRACE_SETREGSET, tid, (void *)(long)type, &iov);
}

static inline ssize_t sonde_process_vm_readv(pid_t pid, void *local, size_t len, uint64_t remote) {
    struct iovec l = { local, len }, r = { (void *)(uintptr_t)remote, len };
    return (ssize_t)syscall(SYS_process_vm_readv, pid, &l, 1UL, &r, 1UL, 0UL);
}

/* getxattr (sys/xattr.h is not in the Glibc module): strace -yy reads system.sockprotoname. */
#include <sys/xattr.h>
static inline ssize_t sonde_getxattr(const char *path, const char *name, void *value, size_t size) {
    return getxattr(path, name, value, size);
}


// ---- perf events (perf_event_open(2)) ----

static inline int sonde_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd, unsigned long flags) {
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}
static inline int sonde_perf_ioctl(int fd, unsigned long request, unsigned long arg) { return ioctl(fd, request, arg); }
static const unsigned long SONDE_PERF_IOC_ENABLE = PERF_EVENT_IOC_ENABLE;
static const unsigned long SONDE_PERF_IOC_DISABLE = PERF_EVENT_IOC_DISABLE;
static const unsigned long SONDE_PERF_IOC_RESET = PERF_EVENT_IOC_RESET;
static const unsigned long SONDE_PERF_IOC_SET_OUTPUT = PERF_EVENT_IOC_SET_OUTPUT;
static const unsigned long SONDE_PERF_IOC_ID = PERF_EVENT_IOC_ID;
static const unsigned long SONDE_PERF_FLAG_FD_CLOEXEC = PERF_FLAG_FD_CLOEXEC;
static const unsigned long SONDE_PERF_IOC_FLAG_GROUP = PERF_IOC_FLAG_GROUP;

/// Ring-buffer head/tail of a perf mmap page: the consumer loads data_head with acquire and stores
/// data_tail with release (tools/include/linux/ring_buffer.h).
static inline uint64_t sonde_load_acquire_u64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void sonde_store_release_u64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

#endif
