// Two threads, each blocked ten calls deep: main in f1..f10 -> pause(),
// the second thread in g1..g10 -> read() on a pipe nobody writes.
// argv[1]: a file created once both threads are (about to be) blocked.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile int sink;
static int block_pipe[2], ready_pipe[2];
static const char *ready_path;

#define N __attribute__((noinline, noclone))

N int g10(int x) { char c; write(ready_pipe[1], "g", 1); sink += (int)read(block_pipe[0], &c, 1); return x + sink; }
N int g9(int x) { int r = g10(x + 1); sink += r; return r + 1; }
N int g8(int x) { int r = g9(x + 2); sink += r; return r + 2; }
N int g7(int x) { int r = g8(x + 3); sink += r; return r + 3; }
N int g6(int x) { int r = g7(x + 4); sink += r; return r + 4; }
N int g5(int x) { int r = g6(x + 5); sink += r; return r + 5; }
N int g4(int x) { int r = g5(x + 6); sink += r; return r + 6; }
N int g3(int x) { int r = g4(x + 7); sink += r; return r + 7; }
N int g2(int x) { int r = g3(x + 8); sink += r; return r + 8; }
N int g1(int x) { int r = g2(x + 9); sink += r; return r + 9; }

N void *thread_main(void *arg) { sink += g1((int)(long)arg); return NULL; }

N int f10(int x) {
    int fd = open(ready_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) close(fd);
    for (;;) { pause(); sink += x; }
    return x;
}
N int f9(int x) { int r = f10(x + 1); sink += r; return r + 1; }
N int f8(int x) { int r = f9(x + 2); sink += r; return r + 2; }
N int f7(int x) { int r = f8(x + 3); sink += r; return r + 3; }
N int f6(int x) { int r = f7(x + 4); sink += r; return r + 4; }
N int f5(int x) { int r = f6(x + 5); sink += r; return r + 5; }
N int f4(int x) { int r = f5(x + 6); sink += r; return r + 6; }
N int f3(int x) { int r = f4(x + 7); sink += r; return r + 7; }
N int f2(int x) { int r = f3(x + 8); sink += r; return r + 8; }
N int f1(int x) { int r = f2(x + 9); sink += r; return r + 9; }

int main(int argc, char **argv) {
    ready_path = argc > 1 ? argv[1] : "/dev/null";
    if (pipe(block_pipe) != 0 || pipe(ready_pipe) != 0) return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, (void *)(long)argc) != 0) return 1;
    char c;
    if (read(ready_pipe[0], &c, 1) != 1) return 1;
    sink += f1(argc);
    return sink;
}
