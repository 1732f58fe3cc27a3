// Test target for pmap/proc: a private anonymous region of exactly 64 pages
// with exactly 10 pages touched, a 3-page shared file mapping whose name has
// spaces, known descriptors (42 file, 50/51 pipe, 60 socket), two extra
// threads. Writes "ANON_START FILE_START" to argv[1] when ready, then sleeps.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static void *idle(void *arg) { (void)arg; for (;;) pause(); return NULL; }

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    long pg = sysconf(_SC_PAGESIZE);
    // Guard pages on both sides keep the region from merging with its neighbours.
    char *all = mmap(NULL, 66 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (all == MAP_FAILED) return 3;
    char *anon = all + pg;
    if (mprotect(anon, 64 * pg, PROT_READ | PROT_WRITE) != 0) return 4;
    for (int i = 0; i < 10; i++) anon[i * pg] = (char)i;

    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 3 * pg) != 0) return 5;
    volatile char *fm = mmap(NULL, 3 * pg, PROT_READ, MAP_SHARED, fd, 0);
    if (fm == MAP_FAILED) return 6;
    (void)fm[0];
    dup2(fd, 42);
    close(fd);
    int p[2];
    if (pipe(p) != 0) return 7;
    dup2(p[0], 50); dup2(p[1], 51); close(p[0]); close(p[1]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    dup2(s, 60); close(s);

    pthread_t t;
    pthread_create(&t, NULL, idle, NULL);
    pthread_create(&t, NULL, idle, NULL);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (!f) return 8;
    fprintf(f, "%lx %lx\n", (unsigned long)anon, (unsigned long)fm);
    fclose(f);
    rename(tmp, argv[1]);
    for (;;) pause();
}
