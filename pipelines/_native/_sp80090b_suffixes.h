/* Internal to the statistics core (not part of the cdef: the name starts with '_'). */
#include <stdint.h>

/* The LCP array of s in suffix order (end marker below every symbol): *lcp_out gets n + 1
 * entries, lcp[r] = LCP of the suffixes ranked r - 1 and r, lcp[0] = lcp[n] = 0 (free()
 * it). Returns 0; 1 when s repeats too much for this path (the caller takes SA-IS); -1
 * when memory ran out or n is out of range (2 .. INT32_MAX - 2). Symbols are any bytes. */
int oe_sp80090b_lcp_by_keys(const uint8_t *s, int64_t n, int32_t **lcp_out);
