/* Burns one CPU in a busy loop until killed (top %CPU oracle). */
#include <unistd.h>
int main(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
    return 0;
}
