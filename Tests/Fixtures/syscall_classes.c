/* Calls a fixed list of syscalls through syscall(2) with harmless or invalid arguments (bad descriptors,
 * NULL pointers, bad flags), so that strace -e trace=%class and sonde's tables can be compared.
 * "syscall_classes list" prints the names instead of calling them. x86_64 only. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct call { const char *name; long nr; long a[6]; };

#define C(n, ...) { #n, SYS_##n, { __VA_ARGS__ } }
#define BAD 1L          /* an address nothing is mapped at: EFAULT */
#define NOKEY 0x5a0de1L /* an IPC key nobody uses: ENOENT without IPC_CREAT */

static const struct call calls[] = {
    /* descriptors */
    C(read, -1, 0, 0), C(write, -1, 0, 0), C(close, -1), C(lseek, -1, 0, 0), C(ioctl, -1, 0, 0),
    C(pread64, -1, 0, 0, 0), C(pwrite64, -1, 0, 0, 0), C(readv, -1, 0, 0), C(writev, -1, 0, 0),
    C(preadv, -1, 0, 0, 0), C(pwritev, -1, 0, 0, 0), C(dup, -1), C(dup2, -1, -1), C(dup3, -1, -1, 0),
    C(fcntl, -1, 0, 0), C(pipe, BAD), C(pipe2, BAD, -1), C(select, -1, 0, 0, 0, 0),
    C(pselect6, -1, 0, 0, 0, 0, 0), C(poll, 0, 0, 0), C(ppoll, 0, INT_MAX, 0, 0, 8),
    C(epoll_create, -1), C(epoll_create1, -1), C(epoll_ctl, -1, 0, -1, 0), C(epoll_wait, -1, 0, 0, 0),
    C(epoll_pwait, -1, 0, 0, 0, 0, 8), C(eventfd2, 0, -1), C(timerfd_create, -1, 0),
    C(timerfd_settime, -1, 0, 0, 0), C(timerfd_gettime, -1, 0), C(fsync, -1), C(fdatasync, -1),
    C(ftruncate, -1, 0), C(fchmod, -1, 0), C(fchown, -1, -1, -1), C(fchdir, -1), C(flock, -1, 0),
    C(fallocate, -1, 0, 0, 0), C(fadvise64, -1, 0, 0, 0), C(readahead, -1, 0, 0),
    C(sendfile, -1, -1, 0, 0), C(splice, -1, 0, -1, 0, 0, 0), C(tee, -1, -1, 0, 0),
    C(copy_file_range, -1, 0, -1, 0, 0, 0), C(getdents, -1, 0, 0), C(getdents64, -1, 0, 0),
    C(syncfs, -1), C(sync_file_range, -1, 0, 0, -1), C(memfd_create, BAD, 0), C(inotify_init1, -1),
    C(fanotify_init, -1, -1), C(mq_open, BAD, 0, 0, 0), C(setns, -1, 0), C(pidfd_open, INT_MAX, -1),
    C(pidfd_getfd, -1, -1, 0), C(userfaultfd, -1), C(bpf, -1, 0, 0), C(io_uring_setup, 0, 0),
    C(fsopen, BAD, 0), C(fsmount, -1, 0, 0), C(signalfd4, -1, BAD, 8, 0),
    /* files and the stat family */
    C(open, BAD, 0, 0), C(openat, -1, BAD, 0, 0), C(creat, BAD, 0), C(access, BAD, 0),
    C(faccessat, -1, BAD, 0), C(faccessat2, -1, BAD, 0, 0), C(stat, BAD, 0), C(lstat, BAD, 0),
    C(fstat, -1, 0), C(newfstatat, -1, BAD, 0, 0), C(statx, -1, BAD, 0, 0, 0), C(statfs, BAD, 0),
    C(fstatfs, -1, 0), C(ustat, 0, 0), C(truncate, BAD, 0), C(chdir, BAD), C(mkdir, BAD, 0),
    C(mkdirat, -1, BAD, 0), C(rmdir, BAD), C(unlink, BAD), C(unlinkat, -1, BAD, 0),
    C(rename, BAD, BAD), C(renameat, -1, BAD, -1, BAD), C(renameat2, -1, BAD, -1, BAD, 0),
    C(link, BAD, BAD), C(linkat, -1, BAD, -1, BAD, 0), C(symlink, BAD, BAD), C(symlinkat, BAD, -1, BAD),
    C(readlink, BAD, 0, 0), C(readlinkat, -1, BAD, 0, 0), C(chmod, BAD, 0), C(fchmodat, -1, BAD, 0),
    C(chown, BAD, -1, -1), C(lchown, BAD, -1, -1), C(fchownat, -1, BAD, -1, -1, 0), C(utime, BAD, 0),
    C(utimes, BAD, 0), C(utimensat, -1, 0, 0, 0), C(mknod, BAD, 0, 0), C(mknodat, -1, BAD, 0, 0),
    C(getcwd, 0, 0), C(chroot, BAD), C(mount, 0, BAD, 0, 0, 0), C(umount2, BAD, 0),
    C(setxattr, BAD, BAD, 0, 0, 0), C(lgetxattr, BAD, BAD, 0, 0), C(fgetxattr, -1, BAD, 0, 0),
    C(listxattr, BAD, 0, 0), C(removexattr, BAD, BAD), C(inotify_add_watch, -1, BAD, 0),
    C(name_to_handle_at, -1, BAD, 0, 0, 0), C(open_tree, -1, BAD, 0), C(pivot_root, BAD, BAD),
    C(execve, BAD, 0, 0), C(execveat, -1, BAD, 0, 0, 0),
    /* memory */
    C(mmap, 0, 0, 0, 0, -1, 0), C(mprotect, BAD, 1, 0), C(munmap, BAD, 0), C(brk, 0),
    C(mremap, BAD, 0, 0, 0, 0), C(msync, BAD, 0, 0), C(mincore, BAD, 0, 0), C(madvise, 0, 0, 0),
    C(mlock, 0, 0), C(munlock, 0, 0), C(mlockall, 0), C(mbind, BAD, 0, -1, 0, 0, 0),
    C(get_mempolicy, 0, 0, 0, 0, 0), C(set_mempolicy, -1, 0, 0), C(io_setup, 0, 0), C(io_destroy, 0),
    C(pkey_mprotect, BAD, 1, 0, -1),
    /* processes */
    C(wait4, -1, 0, 1, 0), C(waitid, 0, 0, 0, 5, 0), C(clone, 0x10000, 0, 0, 0, 0), C(clone3, 0, 0),
    C(kill, INT_MAX, 0), C(unshare, -1), C(arch_prctl, -1, 0), C(prctl, -1, 0, 0, 0, 0),
    C(personality, 0xffffffffL), C(setpgid, -1, -1), C(getpgid, -1), C(getsid, -1),
    C(sched_getaffinity, -1, 0, 0), C(sched_yield), C(getpriority, -1, 0), C(setpriority, -1, 0, 0),
    C(getrlimit, -1, 0), C(prlimit64, 0, -1, 0, 0), C(getrusage, -2, 0), C(times, BAD), C(uname, BAD),
    C(sysinfo, BAD), C(umask, 022), C(getrandom, 0, 0, 0), C(kcmp, -1, -1, -1, 0, 0),
    C(ptrace, -1, 0, 0, 0), C(seccomp, -1, 0, 0), C(membarrier, -1, 0, 0),
    /* signals */
    C(rt_sigaction, -1, 0, 0, 8), C(rt_sigprocmask, -1, 0, 0, 8), C(sigaltstack, 0, 0),
    C(rt_sigpending, BAD, 8), C(rt_sigtimedwait, BAD, 0, 0, 8), C(rt_sigqueueinfo, INT_MAX, 0, BAD),
    C(rt_tgsigqueueinfo, -1, -1, 0, BAD), C(tkill, -1, 0), C(tgkill, -1, -1, 0),
    C(pidfd_send_signal, -1, 0, 0, 0),
    /* IPC */
    C(shmget, NOKEY, 0, 0), C(shmat, -1, 0, 0), C(shmctl, -1, 0, 0), C(shmdt, BAD), C(msgget, NOKEY, 0),
    C(msgsnd, -1, 0, 0, 0), C(msgrcv, -1, 0, 0, 0, 0), C(msgctl, -1, 0, 0), C(semget, NOKEY, 0, 0),
    C(semop, -1, 0, 0), C(semtimedop, -1, 0, 0, 0), C(semctl, -1, 0, 0, 0),
    /* network */
    C(socket, -1, 0, 0), C(socketpair, -1, 0, 0, BAD), C(bind, -1, 0, 0), C(connect, -1, 0, 0),
    C(listen, -1, 0), C(accept, -1, 0, 0), C(accept4, -1, 0, 0, 0), C(getsockname, -1, 0, 0),
    C(getpeername, -1, 0, 0), C(sendto, -1, 0, 0, 0, 0, 0), C(recvfrom, -1, 0, 0, 0, 0, 0),
    C(sendmsg, -1, 0, 0), C(recvmsg, -1, 0, 0), C(sendmmsg, -1, 0, 0, 0), C(recvmmsg, -1, 0, 0, 0, 0),
    C(shutdown, -1, 0), C(setsockopt, -1, 0, 0, 0, 0), C(getsockopt, -1, 0, 0, 0, 0),
    /* credentials */
    C(getuid), C(geteuid), C(getgid), C(getegid), C(setuid, -1), C(setgid, -1), C(setreuid, -1, -1),
    C(setregid, -1, -1), C(getresuid, BAD, BAD, BAD), C(getresgid, BAD, BAD, BAD),
    C(setresuid, -1, -1, -1), C(setresgid, -1, -1, -1), C(getgroups, 0, 0), C(setgroups, -1, 0),
    C(setfsuid, -1), C(setfsgid, -1), C(capget, BAD, BAD), C(capset, BAD, BAD),
    /* clocks and timers */
    C(clock_gettime, -1, 0), C(clock_settime, -1, 0), C(clock_getres, -1, 0), C(clock_adjtime, -1, 0),
    C(clock_nanosleep, -1, 0, 0, 0), C(adjtimex, BAD), C(gettimeofday, 0, 0), C(settimeofday, 0, 0),
    C(time, 0), C(nanosleep, BAD, 0), C(timer_create, -1, 0, 0), C(timer_gettime, -1, 0),
    C(getitimer, -1, 0), C(setitimer, -1, 0, 0), C(alarm, 0),
    /* pure */
    C(getpid), C(getppid), C(gettid), C(getpgrp),
};

int main(int argc, char **argv) {
    size_t n = sizeof calls / sizeof calls[0];
    if (argc > 1 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < n; i++) printf("%s\n", calls[i].name);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const long *a = calls[i].a;
        syscall(calls[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    return 0;
}
