/* Inlined from a header, so inline frames name a second file. */
static inline __attribute__((always_inline)) int helper_mix(int v) {
    int r = v * 2654435761u >> 7;
    if (r & 1) r ^= 0x55;
    return r;
}
