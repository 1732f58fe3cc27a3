// Freestanding i386 program (no libc): syscalls through int $0x80.
static long sys(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
void _start(void) {
    static const char msg[] = "hi\n";
    sys(4, 1, (long)msg, 3);              /* write */
    sys(20, 0, 0, 0);                      /* getpid */
    sys(5, (long)"/nonexistent", 0, 0);    /* open */
    sys(295, -100, (long)"/etc/hostname", 0x80000); /* openat */
    sys(252, 3, 0, 0);                     /* exit_group */
}
