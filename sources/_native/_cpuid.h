/* Private CPUID feature checks shared by tsc.c and cpurng.c (x86-64 only). */
#ifndef OE_CPUID_H
#define OE_CPUID_H
#if defined(__x86_64__)
#include <cpuid.h>

/* Bit `bit` of register `reg` (0=eax 1=ebx 2=ecx 3=edx) of CPUID leaf/subleaf, or 0
 * when the leaf is beyond the CPU's maximum (the __get_cpuid_count check). */
static inline int oe_cpuid_bit(unsigned leaf, unsigned subleaf, int reg, int bit) {
    unsigned r[4] = {0, 0, 0, 0};
    if (!__get_cpuid_count(leaf, subleaf, &r[0], &r[1], &r[2], &r[3])) return 0;
    return (int)((r[reg] >> bit) & 1u);
}
#endif
#endif
