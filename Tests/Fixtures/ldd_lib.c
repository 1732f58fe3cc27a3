/* Shared library for the ldd tests, built with -DNAME=lib_a (needs lib_b) or -DNAME=lib_b (a leaf). */
#ifdef CALLS
int CALLS(void);
int NAME(void) { return CALLS() + 1; }
#else
int NAME(void) { return 1; }
#endif
