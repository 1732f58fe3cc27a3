// File, descriptor, stat and memory syscalls made one by one through syscall(2), for the decoder tests.
// Usage: strace_file DIR   (DIR: an empty directory; the program works inside it)
//
// Between the marker calls close(12345) and close(12346) every syscall goes through sc(), which records
// on stdout (after the end marker, so the records cost no traced calls):
//   R name number result errno a0 a1 a2 a3 a4 a5        (result -errno on failure, args in hex)
//   M address length pre-hex post-hex                    (the registered memory before and after the call)
// A test rebuilds each call with its memory and compares its decoded line with strace's line.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sysmacros.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAXREG 8
#define MAXLEN 8192
static void *rp[MAXREG];
static size_t rn[MAXREG];
static int nreg;
static unsigned char pre[MAXREG][MAXLEN];
static char out[1 << 22];
static size_t outlen;

static void R(const void *p, size_t n) {
    if (nreg < MAXREG && n <= MAXLEN) { rp[nreg] = (void *)p; rn[nreg] = n; nreg++; }
}
static void RS(const char *s) { R(s, strlen(s) + 1); }

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void put(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + outlen, sizeof out - outlen, fmt, ap);
    va_end(ap);
    if (n > 0 && outlen + n < sizeof out) outlen += n;
}
static void hex(const unsigned char *p, size_t n) {
    static const char d[] = "0123456789abcdef";
    if (outlen + 2 * n + 2 >= sizeof out) return;
    if (n == 0) out[outlen++] = '-';
    for (size_t i = 0; i < n; i++) { out[outlen++] = d[p[i] >> 4]; out[outlen++] = d[p[i] & 15]; }
}

static long sc(const char *name, long nr, const long *a) {
    for (int i = 0; i < nreg; i++) memcpy(pre[i], rp[i], rn[i]);
    long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    int e = r == -1 ? errno : 0;
    put("R %s %ld %ld %d %lx %lx %lx %lx %lx %lx\n", name, nr, e ? -(long)e : r, e,
        a[0], a[1], a[2], a[3], a[4], a[5]);
    for (int i = 0; i < nreg; i++) {
        put("M %lx %zu ", (unsigned long)rp[i], rn[i]);
        hex(pre[i], rn[i]);
        put(" ");
        hex(rp[i], rn[i]);
        put("\n");
    }
    nreg = 0;
    return r;
}
#define L(x) ((long)(x))
#define SC(name, ...) sc(#name, SYS_##name, (long[6]){__VA_ARGS__})

static char text[] = "hello, world: a line longer than thirty-two bytes\n\t\001\377end";

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) return 2;
    static char buf[4096], buf2[64];
    static struct stat st;
    static struct statfs sfs;
    static struct statx stx;
    static int pfd[2];
    static struct iovec iov[2];
    struct winsize ws;
    struct termios tio;
    int n;

    syscall(SYS_close, 12345);

    char *p_data = "data.txt", *p_none = "missing/none", *p_dot = ".", *p_empty = "";
    RS(p_data);
    int fd = SC(openat, AT_FDCWD, L(p_data), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    R(text, sizeof text - 1);
    SC(write, fd, L(text), sizeof text - 1);
    R("XY", 2);
    SC(pwrite64, fd, L("XY"), 2, 3);
    iov[0].iov_base = "ab"; iov[0].iov_len = 2; iov[1].iov_base = "cde\n"; iov[1].iov_len = 4;
    R(iov, sizeof iov); R("ab", 2); R("cde\n", 4);
    SC(writev, fd, L(iov), 2);
    R(iov, sizeof iov); R("ab", 2); R("cde\n", 4);
    SC(pwritev, fd, L(iov), 2, 100, 0);
    R(iov, sizeof iov); R("ab", 2); R("cde\n", 4);
    SC(pwritev2, fd, L(iov), 2, 200, 0, RWF_DSYNC);
    SC(fsync, fd);
    SC(fdatasync, fd);
    SC(ftruncate, fd, 300);
    SC(fallocate, fd, FALLOC_FL_KEEP_SIZE, 0, 4096);
    SC(fadvise64, fd, 0, 100, POSIX_FADV_DONTNEED);
    SC(sync_file_range, fd, 0, 4096, SYNC_FILE_RANGE_WRITE);
    SC(flock, fd, LOCK_EX | LOCK_NB);
    SC(flock, fd, LOCK_UN);
    SC(close, fd);
    SC(close, 99);

    RS(p_data);
    fd = SC(open, L(p_data), O_RDONLY);
    R(buf, sizeof buf);
    n = SC(read, fd, L(buf), sizeof buf);
    R(buf, 8);
    SC(pread64, fd, L(buf), 8, 2);
    SC(lseek, fd, 0, SEEK_SET);
    SC(lseek, fd, -5, SEEK_END);
    SC(lseek, fd, 1, 7);
    iov[0].iov_base = buf; iov[0].iov_len = 3; iov[1].iov_base = buf2; iov[1].iov_len = 40;
    R(iov, sizeof iov); R(buf, 3); R(buf2, 40);
    SC(readv, fd, L(iov), 2);
    R(iov, sizeof iov); R(buf, 3); R(buf2, 40);
    SC(preadv, fd, L(iov), 2, 1, 0);
    R(iov, sizeof iov); R(buf, 3); R(buf2, 40);
    SC(preadv2, fd, L(iov), 2, 1, 0, RWF_NOWAIT);
    SC(read, 99, L(buf), 10);
    R(&st, sizeof st);
    SC(fstat, fd, L(&st));
    RS(p_data); R(&st, sizeof st);
    SC(stat, L(p_data), L(&st));
    RS(p_none); R(&st, sizeof st);
    SC(lstat, L(p_none), L(&st));
    RS(p_data); R(&st, sizeof st);
    SC(newfstatat, AT_FDCWD, L(p_data), L(&st), AT_SYMLINK_NOFOLLOW);
    RS(p_empty); R(&st, sizeof st);
    SC(newfstatat, fd, L(p_empty), L(&st), AT_EMPTY_PATH);
    RS(p_data); R(&stx, sizeof stx);
    SC(statx, AT_FDCWD, L(p_data), AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS | STATX_BTIME, L(&stx));
    RS(p_none); R(&stx, sizeof stx);
    SC(statx, AT_FDCWD, L(p_none), AT_SYMLINK_NOFOLLOW, STATX_ALL, L(&stx));
    RS(p_dot); R(&sfs, sizeof sfs);
    SC(statfs, L(p_dot), L(&sfs));
    R(&sfs, sizeof sfs);
    SC(fstatfs, fd, L(&sfs));
    RS(p_data);
    SC(access, L(p_data), R_OK | W_OK);
    RS(p_none);
    SC(faccessat, AT_FDCWD, L(p_none), F_OK);
    RS(p_data);
    SC(faccessat2, AT_FDCWD, L(p_data), X_OK, AT_EACCESS);

    int d = SC(dup, fd);
    SC(dup2, fd, 10);
    SC(dup3, fd, 11, O_CLOEXEC);
    SC(close_range, 10, 11, 0);
    SC(close_range, 20, ~0U, CLOSE_RANGE_CLOEXEC);
    SC(fcntl, d, F_GETFD);
    SC(fcntl, d, F_SETFD, FD_CLOEXEC);
    SC(fcntl, d, F_GETFL);
    SC(fcntl, d, F_SETFL, O_NONBLOCK | O_APPEND);
    SC(fcntl, d, F_DUPFD_CLOEXEC, 20);
    struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    R(&fl, sizeof fl);
    SC(fcntl, d, F_SETLK, L(&fl));
    R(&fl, sizeof fl);
    SC(fcntl, d, F_GETLK, L(&fl));
    SC(fcntl, d, 1234);
    SC(close, d);
    R(pfd, sizeof pfd);
    SC(pipe2, L(pfd), O_CLOEXEC | O_NONBLOCK);
    SC(fcntl, pfd[0], F_GETPIPE_SZ);
    SC(fcntl, pfd[0], F_GETFL);
    R(&n, sizeof n);
    SC(ioctl, pfd[0], FIONREAD, L(&n));
    R(&tio, sizeof tio);
    SC(ioctl, 0, TCGETS, L(&tio));
    R(&ws, sizeof ws);
    SC(ioctl, 0, TIOCGWINSZ, L(&ws));
    SC(ioctl, pfd[0], _IOR(0x99, 1, int), L(&n));
    SC(ioctl, pfd[0], 0x5401ff, 0);
    SC(ioctl, pfd[0], FIOCLEX);
    SC(close, pfd[0]);
    SC(close, pfd[1]);
    R(pfd, sizeof pfd);
    SC(pipe, L(pfd));
    R(text, 10);
    SC(write, pfd[1], L(text), 10);
    R(iov, sizeof iov);
    SC(splice, pfd[0], 0, fd, 0, 4, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    SC(lseek, fd, 0, SEEK_SET);

    RS("copy.txt");
    int w = SC(creat, L("copy.txt"), 0600);
    SC(sendfile, w, fd, 0, 16);
    static long long off = 2;
    R(&off, sizeof off);
    SC(sendfile, w, fd, L(&off), 16);
    static long long offin = 0, offout = 100;
    R(&offin, sizeof offin); R(&offout, sizeof offout);
    SC(copy_file_range, fd, L(&offin), w, L(&offout), 8, 0);
    SC(copy_file_range, fd, 0, w, 0, 8, 0);
    SC(close, w);

    RS("a-memfd");
    int m = SC(memfd_create, L("a-memfd"), MFD_CLOEXEC | MFD_ALLOW_SEALING);
    SC(close, m);

    RS(p_dot);
    int dir = SC(openat, AT_FDCWD, L(p_dot), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
    R(buf, sizeof buf);
    SC(getdents64, dir, L(buf), sizeof buf);
    R(buf, sizeof buf);
    SC(getdents64, dir, L(buf), sizeof buf);
    R(buf, 200);
    SC(getcwd, L(buf), 200);
    SC(getcwd, L(buf), 1);

    RS("sub");
    SC(mkdir, L("sub"), 0755);
    RS("sub2");
    SC(mkdirat, dir, L("sub2"), 0700);
    RS("sub");
    SC(chdir, L("sub"));
    SC(fchdir, dir);
    RS("sub2");
    SC(rmdir, L("sub2"));
    RS(p_data); RS("link");
    SC(symlink, L(p_data), L("link"));
    RS(p_data); RS("link2");
    SC(symlinkat, L(p_data), dir, L("link2"));
    RS("link"); R(buf2, 64);
    SC(readlink, L("link"), L(buf2), 64);
    RS("link2"); R(buf2, 4);
    SC(readlinkat, dir, L("link2"), L(buf2), 4);
    RS(p_data); RS("hard");
    SC(link, L(p_data), L("hard"));
    RS("hard"); RS("hard2");
    SC(linkat, AT_FDCWD, L("hard"), dir, L("hard2"), AT_SYMLINK_FOLLOW);
    RS("hard2"); RS("hard3");
    SC(rename, L("hard2"), L("hard3"));
    RS("hard3"); RS("hard4");
    SC(renameat, dir, L("hard3"), AT_FDCWD, L("hard4"));
    RS("hard4"); RS("hard");
    SC(renameat2, AT_FDCWD, L("hard4"), AT_FDCWD, L("hard"), RENAME_NOREPLACE);
    RS("hard");
    SC(unlink, L("hard"));
    RS("link2");
    SC(unlinkat, dir, L("link2"), 0);
    RS("sub");
    SC(unlinkat, AT_FDCWD, L("sub"), AT_REMOVEDIR);
    RS(p_data);
    SC(chmod, L(p_data), 0640);
    SC(fchmod, fd, 04755);
    RS(p_data);
    SC(fchmodat, AT_FDCWD, L(p_data), 0644);
    RS(p_data);
    SC(chown, L(p_data), 0, 0);
    SC(fchown, fd, -1, 0);
    RS("link");
    SC(lchown, L("link"), 0, -1);
    RS(p_data);
    SC(fchownat, dir, L(p_data), 1, 2, AT_SYMLINK_NOFOLLOW);
    SC(umask, 022);
    SC(umask, 077);
    RS(p_data);
    SC(truncate, L(p_data), 200);
    SC(sync);
    RS(p_data);
    SC(utimensat, AT_FDCWD, L(p_data), 0, 0);
    struct timespec ts[2] = {{1, 2}, {0, UTIME_OMIT}};
    RS(p_data); R(ts, sizeof ts);
    SC(utimensat, AT_FDCWD, L(p_data), L(ts), AT_SYMLINK_NOFOLLOW);
    RS("fifo");
    SC(mknod, L("fifo"), S_IFIFO | 0644, 0);
    RS("node");
    SC(mknodat, dir, L("node"), S_IFREG | 0600, 0);
    RS("chr");
    SC(mknodat, dir, L("chr"), S_IFCHR | 0600, makedev(1, 3));
    RS("p2"); R(buf2, 64);
    SC(readlink, L("p2"), L(buf2), 64);
    static struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH};
    RS(p_data); R(&how, sizeof how);
    int o2 = SC(openat2, AT_FDCWD, L(p_data), L(&how), sizeof how);
    SC(close, o2);
    RS("new.txt");
    o2 = SC(open, L("new.txt"), O_RDWR | O_CREAT | O_EXCL | O_APPEND, 0600);
    SC(close, o2);
    RS(p_data);
    SC(openat, AT_FDCWD, L(p_data), O_RDONLY | O_NOFOLLOW | O_NOATIME | 0x4000000);

    static char xval[] = "value-1";
    RS(p_data); RS("user.k"); R(xval, 7);
    SC(setxattr, L(p_data), L("user.k"), L(xval), 7, XATTR_CREATE);
    RS(p_data); RS("user.k"); R(buf2, 64);
    SC(getxattr, L(p_data), L("user.k"), L(buf2), 64);
    RS("user.k"); R(buf2, 64);
    SC(fgetxattr, fd, L("user.k"), L(buf2), 64);
    RS(p_data); R(buf2, 64);
    SC(listxattr, L(p_data), L(buf2), 64);
    RS(p_data); RS("user.k");
    SC(removexattr, L(p_data), L("user.k"));
    RS(p_data); RS("user.none"); R(buf2, 64);
    SC(lgetxattr, L(p_data), L("user.none"), L(buf2), 64);

    // memory
    long b = SC(brk, 0);
    SC(brk, b + 8192);
    long map = SC(mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SC(mprotect, map, 4096, PROT_READ);
    SC(mprotect, map, 4096, PROT_NONE);
    SC(madvise, map, 8192, MADV_DONTNEED);
    SC(madvise, map, 8192, 77);
    SC(mlock, map, 4096);
    SC(munlock, map, 4096);
    SC(mlock2, map, 4096, MLOCK_ONFAULT);
    SC(msync, map, 4096, MS_ASYNC | MS_INVALIDATE);
    long map2 = SC(mremap, map, 8192, 16384, MREMAP_MAYMOVE);
    SC(munmap, map2, 16384);
    long fmap = SC(mmap, 0, 4096, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
    SC(munmap, fmap, 4096);
    SC(mmap, 0, 4096, PROT_READ | PROT_EXEC | 0x100000, MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    SC(mmap, 0, 4096, PROT_READ, MAP_SHARED, 99, 4096);
    SC(munlockall);

    // poll, select, epoll
    R(pfd, sizeof pfd);
    SC(pipe2, L(pfd), O_NONBLOCK);
    R(text, 1);
    SC(write, pfd[1], L(text), 1);
    struct pollfd pf[3] = {{pfd[0], POLLIN, 0}, {pfd[1], POLLOUT | POLLPRI, 0}, {-1, POLLIN, 0}};
    R(pf, sizeof pf);
    SC(poll, L(pf), 3, 0);
    struct pollfd pf0[1] = {{fd + 100, POLLIN, 0}};
    R(pf0, sizeof pf0);
    SC(poll, L(pf0), 1, 10);
    struct timespec pts = {0, 1000};
    R(pf, sizeof pf); R(&pts, sizeof pts);
    SC(ppoll, L(pf), 2, L(&pts), 0, 8);
    fd_set rs, ws2;
    FD_ZERO(&rs); FD_ZERO(&ws2);
    FD_SET(pfd[0], &rs); FD_SET(0, &rs); FD_SET(pfd[1], &ws2);
    struct timeval tv = {0, 0};
    R(&rs, 8); R(&ws2, 8); R(&tv, sizeof tv);
    SC(select, pfd[1] + 1, L(&rs), L(&ws2), 0, L(&tv));
    FD_ZERO(&rs); FD_SET(pfd[1], &rs);
    struct timespec ps = {0, 5000};
    R(&rs, 8); R(&ps, sizeof ps);
    SC(pselect6, pfd[1] + 1, L(&rs), 0, 0, L(&ps), 0);
    int ep = SC(epoll_create1, EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0x1234};
    R(&ev, sizeof ev);
    SC(epoll_ctl, ep, EPOLL_CTL_ADD, pfd[0], L(&ev));
    SC(epoll_ctl, ep, EPOLL_CTL_DEL, pfd[0], 0);
    R(&ev, sizeof ev);
    SC(epoll_ctl, ep, EPOLL_CTL_ADD, pfd[0], L(&ev));
    struct epoll_event evs[4];
    memset(evs, 0, sizeof evs);
    R(evs, sizeof evs);
    SC(epoll_wait, ep, L(evs), 4, 0);
    R(evs, sizeof evs);
    SC(epoll_pwait, ep, L(evs), 4, 1, 0, 8);
    SC(close, ep);
    int ev2 = SC(eventfd2, 5, EFD_CLOEXEC | EFD_NONBLOCK);
    SC(close, ev2);
    int in = SC(inotify_init1, IN_CLOEXEC);
    RS(p_dot);
    SC(inotify_add_watch, in, L(p_dot), IN_CREATE | IN_DELETE | IN_ONLYDIR);
    SC(close, in);
    static struct { struct file_handle h; unsigned char more[128]; } fh = {.h = {.handle_bytes = 128}};
    static int mnt;
    RS(p_data); R(&fh, sizeof fh); R(&mnt, sizeof mnt);
    SC(name_to_handle_at, AT_FDCWD, L(p_data), L(&fh), L(&mnt), 0);

    syscall(SYS_close, 12346);
    fwrite(out, 1, outlen, stdout);
    return 0;
}
