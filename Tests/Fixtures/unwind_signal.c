// Blocks inside a signal handler: pause <- handler <- __restore_rt (signal frame) <- raise <- s3 <- s2 <- s1 <- main.
// argv[1]: a file created from the handler just before it blocks.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

volatile int sink;
static const char *ready_path;

__attribute__((noinline)) void handler(int s) {
    int fd = open(ready_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) close(fd);
    pause();
    sink += s;
}
__attribute__((noinline)) int s3(int x) { raise(SIGUSR1); sink += x; return sink; }
__attribute__((noinline)) int s2(int x) { int r = s3(x + 1); sink += r; return r; }
__attribute__((noinline)) int s1(int x) { int r = s2(x + 1); sink += r; return r; }

int main(int argc, char **argv) {
    ready_path = argc > 1 ? argv[1] : "/dev/null";
    signal(SIGUSR1, handler);
    int r = s1(argc);
    sink += r;
    return 0;
}
