/* Descriptors of every kind `strace -y` / `-yy` decorates, each used by a call that prints it.
 * Usage: strace_fds DIR — DIR is an empty scratch directory (it becomes the cwd, so AT_FDCWD<DIR>).
 * Sections are separated by getpid() so a test can find them. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) return 2;
    struct stat st;
    char buf[256];

    /* files and directories, AT_FDCWD */
    int f = openat(AT_FDCWD, "/etc/passwd", O_RDONLY);
    fstat(f, &st);
    read(f, buf, 8);
    int d = open(".", O_RDONLY | O_DIRECTORY);
    fstat(d, &st);
    int odd = openat(d, "a\nb>c<d\"e\\f\tg\001h", O_CREAT | O_RDWR | O_TRUNC, 0600);
    write(odd, "x", 1);
    int gone = openat(AT_FDCWD, "deleted-file-with-a-long-name", O_CREAT | O_RDWR | O_TRUNC, 0600);
    unlinkat(AT_FDCWD, "deleted-file-with-a-long-name", 0);
    fstat(gone, &st);
    getpid();

    /* pipe, eventfd, /dev/null */
    int p[2];
    pipe2(p, 0);
    write(p[1], "hello\n", 6);
    read(p[0], buf, sizeof buf);
    int e = eventfd(0, 0);
    uint64_t one = 1;
    write(e, &one, sizeof one);
    int null = open("/dev/null", O_WRONLY);
    write(null, "nothing", 7);
    fstat(null, &st);
    getpid();

    /* TCP over 127.0.0.1 */
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    getsockname(l, (struct sockaddr *)&a, &len);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int acc = accept(l, NULL, NULL);
    write(c, "ping", 4);
    read(acc, buf, 4);
    getpid();

    /* TCP over ::1 */
    int l6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    socklen_t len6 = sizeof a6;
    if (bind(l6, (struct sockaddr *)&a6, sizeof a6) == 0) {
        listen(l6, 4);
        getsockname(l6, (struct sockaddr *)&a6, &len6);
        int c6 = socket(AF_INET6, SOCK_STREAM, 0);
        connect(c6, (struct sockaddr *)&a6, sizeof a6);
        write(c6, "v6", 2);
    }
    getpid();

    /* UDP: unbound, bound, then connected (strace caches what it saw first) */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    fcntl(u, F_GETFL);
    struct sockaddr_in ua = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t ulen = sizeof ua;
    bind(u, (struct sockaddr *)&ua, sizeof ua);
    getsockname(u, (struct sockaddr *)&ua, &ulen);
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    connect(u2, (struct sockaddr *)&ua, sizeof ua);
    sendto(u2, "dgram", 5, 0, NULL, 0);
    recvfrom(u, buf, sizeof buf, 0, NULL, NULL);
    getpid();

    /* unix: a socketpair, a named listener with a client, an abstract one, a datagram pair */
    int sp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
    write(sp[0], "pair", 4);
    read(sp[1], buf, 4);
    unlink("sock");
    int ul = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    strcpy(un.sun_path, "sock");
    bind(ul, (struct sockaddr *)&un, sizeof un);
    listen(ul, 4);
    fcntl(ul, F_GETFL);
    int uc = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(uc, (struct sockaddr *)&un, sizeof un);
    int ua2 = accept(ul, NULL, NULL);
    write(uc, "named", 5);
    read(ua2, buf, 5);
    int ab = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un abn = { .sun_family = AF_UNIX };
    memcpy(abn.sun_path, "\0sonde-abstract", 15);
    bind(ab, (struct sockaddr *)&abn, offsetof(struct sockaddr_un, sun_path) + 15);
    listen(ab, 1);
    fcntl(ab, F_GETFL);
    int dp[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, dp);
    write(dp[0], "d", 1);
    unlink("sock");
    getpid();

    /* netlink */
    int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl na = { .nl_family = AF_NETLINK };
    socklen_t nlen = sizeof na;
    bind(nl, (struct sockaddr *)&na, sizeof na);
    getsockname(nl, (struct sockaddr *)&na, &nlen);
    fcntl(nl, F_GETFL);
    int nl2 = socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT);
    fcntl(nl2, F_GETFL);
    getpid();

    /* pidfd, then an iovec write and an fd passed through dup */
    int pfd = syscall(SYS_pidfd_open, getpid(), 0);
    fcntl(pfd, F_GETFL);
    struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "def", 3 } };
    writev(p[1], iov, 3);
    readv(p[0], (struct iovec[]){ { buf, 2 }, { buf + 2, 10 } }, 2);
    int du = dup(f);
    close(du);
    return 0;
}
