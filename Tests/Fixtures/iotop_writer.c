/* Writes argv[2] KiB to file argv[1] every 100 ms with fdatasync, forever (iotop oracle). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    size_t kib = strtoul(argv[2], 0, 10);
    char *buf = malloc(kib * 1024);
    memset(buf, 0x33, kib * 1024);
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 1;
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    for (;;) {
        /* Rewrite the same region so the file does not grow without bound. */
        if (pwrite(fd, buf, kib * 1024, 0) < 0) return 1;
        fdatasync(fd);
        nanosleep(&ts, 0);
    }
}
