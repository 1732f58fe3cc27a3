/* A process with a known shape for ps tests: argv[1] extra threads that sleep,
 * then the main thread sleeps. Exits when killed. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *sleeper(void *arg) { (void)arg; for (;;) pause(); return NULL; }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3;
    for (int i = 0; i < n; i++) {
        pthread_t t;
        pthread_create(&t, NULL, sleeper, NULL);
    }
    for (;;) pause();
}
