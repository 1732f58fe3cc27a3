/* Allocates and touches argv[1] MiB, prints "ready", then sleeps until killed (RES oracle). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 64;
    char *p = malloc(mib << 20);
    if (!p) return 1;
    memset(p, 0x5a, mib << 20);
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
}
