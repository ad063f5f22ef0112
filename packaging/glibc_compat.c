/* glibc_compat.c -- linked into the Lambda `bootstrap` only.
 *
 * The package runs on provided.al2023's glibc 2.34, but GCC 12's static
 * libstdc++ and libgcc (brought in by ICU, which is C++) import
 * arc4random (GLIBC_2.36, for std::random_device) and _dl_find_object
 * (GLIBC_2.35, for the unwinder), and the dynamic loader would refuse the
 * binary. Defining both here keeps those references inside the binary, so
 * no symbol above GLIBC_2.34 is imported (tests/package_test.sh checks
 * every ELF file of the zip). Neither is on milkbot's own paths. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

uint32_t arc4random(void);
int _dl_find_object(void *pc, void *result);

/* getrandom(2) is in glibc 2.25. */
uint32_t arc4random(void) {
    uint32_t v;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) abort();
    return v;
}

/* "Not found": libgcc's unwinder then falls back to dl_iterate_phdr, as it
 * does on every glibc before 2.35. */
int _dl_find_object(void *pc, void *result) {
    (void)pc;
    (void)result;
    return -1;
}
