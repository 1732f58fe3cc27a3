/* Program for the objcopy tests: a little of everything (data, bss, rodata, a static function). */
#include <stdio.h>
static int helper(int x) { return x * 2; }
int global_var = 5;
int zeroed[16];
const char message[] = "objcopy fixture";
int main(int argc, char **argv) {
    (void)argv;
    zeroed[argc & 15] = helper(argc) + global_var;
    printf("%s %d\n", message, zeroed[argc & 15]);
    return 0;
}
