#include <stdio.h>
int common_var;
static int local_bss;
int data_var = 3;
const int ro_var = 4;
__thread int tls_var = 5;
__attribute__((weak)) int weak_var = 1;
__attribute__((weak)) void weak_fn(void) {}
extern void undef_fn(void);
__attribute__((weak)) extern void weak_undef(void);
static void local_fn(void) { local_bss++; }
int main(void) { local_fn(); printf("%d\n", data_var); if (weak_undef) weak_undef(); return 0; }
