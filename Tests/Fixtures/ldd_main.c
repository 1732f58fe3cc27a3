/* Program for the ldd tests: calls into a shared library (ldd_lib.c built as liba.so). */
#include <stdio.h>
int lib_a(void);
int main(void) { printf("%d\n", lib_a()); return 0; }
