/* rdrand / rdseed: the x86 hardware random number generator instructions. */
#include <stdint.h>

/* 1 when this is x86-64 and CPUID says rdrand exists (leaf 1 ECX bit 30), else 0. */
int oe_cpu_has_rdrand(void);

/* 1 when this is x86-64 and CPUID says rdseed exists (leaf 7.0 EBX bit 18), else 0. */
int oe_cpu_has_rdseed(void);

/* n 64-bit rdrand outputs; returns n or fewer at the deadline, -EIO when one value fails
 * its retries, -ENOTSUP without rdrand, -ENOSYS on other architectures. */
int64_t oe_rdrand(uint64_t *out, int64_t n, int64_t deadline_ns);

/* n 64-bit rdseed outputs; same contract as oe_rdrand. */
int64_t oe_rdseed(uint64_t *out, int64_t n, int64_t deadline_ns);
