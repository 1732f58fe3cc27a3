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
};

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

static inline ssize_t sonde_process_vm_readv(pid_t pid, void *local, size_t len, uint64_t remote) {
    struct iovec l = { local, len }, r = { (void *)(uintptr_t)remote, len };
    return (ssize_t)syscall(SYS_process_vm_readv, pid, &l, 1UL, &r, 1UL, 0UL);
}

#endif
