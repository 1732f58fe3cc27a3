/* Data moved by every kind of call `strace -e read=FD -e write=FD` dumps, with known contents:
 * fd 3 is /dev/null, 4/5 a pipe, 6/7 a unix datagram socketpair. The bytes of the second write are
 * (i * 7 + 3) & 0xff for i in 0..<300; the big write is 1 MiB + 40 zero bytes ending in 'Z'. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    unsigned char b[300];
    char r[64];
    for (int i = 0; i < 300; i++) b[i] = (unsigned char)(i * 7 + 3);
    int null = open("/dev/null", O_WRONLY);           /* 3 */
    write(null, "hello\n", 6);
    write(null, b, 300);
    write(null, "", 0);
    write(null, (void *)8, 10);                        /* unreadable: no dump lines */
    struct iovec iov[3] = { { "abc", 3 }, { "", 0 }, { "def", 3 } };
    writev(null, iov, 3);                              /* stops at the empty buffer */
    pwrite(null, "at offset", 9, 100);
    int p[2];
    pipe(p);                                           /* 4, 5 */
    write(p[1], "0123456789abcdefXYZ", 19);
    read(p[0], r, sizeof r);
    write(p[1], "vector data", 11);
    readv(p[0], (struct iovec[]){ { r, 2 }, { r + 2, 3 }, { r + 5, 40 } }, 3);
    read(p[0] + 100, r, 5);                            /* EBADF */
    int s[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, s);             /* 6, 7 */
    sendto(s[0], "sendto\x01\x7f\xff", 9, 0, NULL, 0);
    recvfrom(s[1], r, sizeof r, 0, NULL, NULL);
    struct msghdr m = { .msg_iov = (struct iovec[]){ { "msg-one ", 8 }, { "msg-two", 7 } }, .msg_iovlen = 2 };
    sendmsg(s[0], &m, 0);
    struct msghdr in = { .msg_iov = (struct iovec[]){ { r, 4 }, { r + 4, 30 } }, .msg_iovlen = 2 };
    recvmsg(s[1], &in, 0);
    struct mmsghdr mm[2] = {
        { .msg_hdr = { .msg_iov = (struct iovec[]){ { "first", 5 } }, .msg_iovlen = 1 } },
        { .msg_hdr = { .msg_iov = (struct iovec[]){ { "second", 6 }, { "!", 1 } }, .msg_iovlen = 2 } },
    };
    sendmmsg(s[0], mm, 2, 0);
    char r1[16], r2[16];
    struct mmsghdr rm[2] = {
        { .msg_hdr = { .msg_iov = (struct iovec[]){ { r1, 16 } }, .msg_iovlen = 1 } },
        { .msg_hdr = { .msg_iov = (struct iovec[]){ { r2, 3 }, { r2 + 3, 13 } }, .msg_iovlen = 2 } },
    };
    recvmmsg(s[1], rm, 2, MSG_DONTWAIT, NULL);
    size_t big = (1 << 20) + 40;
    unsigned char *z = calloc(big, 1);
    z[big - 1] = 'Z';
    write(null, z, big);
    return 0;
}
