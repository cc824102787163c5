/* SP 800-90B 6.3.5 t-tuple and 6.3.6 LRS: the tuple counts, from the LCP array.
 *
 * q[w] (most occurrences of any w-tuple) and pairs[w] (sum of C(count, 2) over w-tuples)
 * for every w at once: the LCP array of the suffixes in suffix order, then one bottom-up
 * walk of the LCP-interval tree, in which each interval is a group of equal w-tuples for a
 * range of w. The LCP array comes from the packed-key sort (sp80090b_suffixes.c), or, when
 * the data repeat too much for it, from the suffix array (SA-IS, Nong, Zhang and Chan 2009)
 * and Kasai et al. (2001), both O(n). ea_non_iid gets the same tables from libdivsufsort
 * and Kaufer's algorithm. Nothing here credits entropy.
 */
#include "sp80090b.h"
#include "_sp80090b_suffixes.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- suffix array */

static void buckets(const int32_t *t, int32_t n, int32_t k, int32_t *b, int end)
{
    int32_t i, sum = 0;
    memset(b, 0, sizeof(int32_t) * (size_t)k);
    for (i = 0; i < n; i++) b[t[i]]++;
    for (i = 0; i < k; i++) {
        sum += b[i];
        b[i] = end ? sum : sum - b[i];
    }
}

#define IS_LMS(ls, i) ((i) > 0 && (ls)[i] && !(ls)[(i) - 1])

static void induce(const int32_t *t, int32_t *sa, const uint8_t *ls, int32_t n, int32_t k, int32_t *b)
{
    int32_t i, j;
    buckets(t, n, k, b, 0);
    for (i = 0; i < n; i++) {
        j = sa[i] - 1;
        if (sa[i] > 0 && !ls[j]) sa[b[t[j]]++] = j;
    }
    buckets(t, n, k, b, 1);
    for (i = n - 1; i >= 0; i--) {
        j = sa[i] - 1;
        if (sa[i] > 0 && ls[j]) sa[--b[t[j]]] = j;
    }
}

/* SA-IS (Nong, Zhang, Chan 2009). t[n-1] must be the unique smallest symbol 0; symbols < k. */
static int sais(const int32_t *t, int32_t *sa, int32_t n, int32_t k)
{
    int32_t i, j, d, n1, name, prev, pos;
    int32_t *s1, *b = malloc(sizeof(int32_t) * (size_t)k);
    uint8_t *ls = malloc((size_t)n);
    if (!b || !ls) {
        free(b);
        free(ls);
        return -1;
    }
    ls[n - 1] = 1;
    for (i = n - 2; i >= 0; i--) ls[i] = t[i] < t[i + 1] || (t[i] == t[i + 1] && ls[i + 1]);

    /* sort the LMS substrings */
    buckets(t, n, k, b, 1);
    for (i = 0; i < n; i++) sa[i] = -1;
    for (i = 1; i < n; i++)
        if (IS_LMS(ls, i)) sa[--b[t[i]]] = i;
    induce(t, sa, ls, n, k, b);

    /* name them; equal substrings share a name */
    for (i = 0, n1 = 0; i < n; i++)
        if (IS_LMS(ls, sa[i])) sa[n1++] = sa[i];
    for (i = n1; i < n; i++) sa[i] = -1;
    for (i = 0, name = 0, prev = -1; i < n1; i++) {
        int diff = 0;
        pos = sa[i];
        for (d = 0; d < n; d++) {
            if (prev == -1 || t[pos + d] != t[prev + d] || ls[pos + d] != ls[prev + d]) {
                diff = 1;
                break;
            }
            if (d > 0 && (IS_LMS(ls, pos + d) || IS_LMS(ls, prev + d))) break;
        }
        if (diff) {
            name++;
            prev = pos;
        }
        sa[n1 + pos / 2] = name - 1;
    }
    for (i = n - 1, j = n - 1; i >= n1; i--)
        if (sa[i] >= 0) sa[j--] = sa[i];

    /* sort the reduced string, recursing while names repeat */
    s1 = sa + n - n1;
    if (name < n1) {
        if (sais(s1, sa, n1, name) != 0) {
            free(b);
            free(ls);
            return -1;
        }
    } else {
        for (i = 0; i < n1; i++) sa[s1[i]] = i;
    }

    /* induce the full order from the sorted LMS suffixes */
    for (i = 1, j = 0; i < n; i++)
        if (IS_LMS(ls, i)) s1[j++] = i;
    for (i = 0; i < n1; i++) sa[i] = s1[sa[i]];
    for (i = n1; i < n; i++) sa[i] = -1;
    buckets(t, n, k, b, 1);
    for (i = n1 - 1; i >= 0; i--) {
        j = sa[i];
        sa[i] = -1;
        sa[--b[t[j]]] = j;
    }
    induce(t, sa, ls, n, k, b);
    free(b);
    free(ls);
    return 0;
}

/* One LCP interval [lb, lb+count) whose members share exactly `len` symbols, inside a parent
 * interval sharing `parent` symbols: it is a group of `count` equal w-tuples for parent < w <= len. */
static void report(int64_t len, int64_t parent, int64_t count, int64_t cap, int64_t *qtop, int64_t *pdiff)
{
    uint64_t c2 = (uint64_t)count * (uint64_t)(count - 1) / 2;
    int64_t top = len < cap ? len : cap;
    if (qtop[top] < count) qtop[top] = count;
    if (parent + 1 <= cap) pdiff[parent + 1] += (int64_t)c2;
    if (len + 1 <= cap) pdiff[len + 1] -= (int64_t)c2;
}

/* The LCP array of s by SA-IS and Kasai (same contract as oe_sp80090b_lcp_by_keys), for
 * the inputs that repeat too much for the key sort: linear in n whatever the data. */
static int lcp_by_sais(const uint8_t *s, int64_t n, int32_t k, int32_t **lcp_out)
{
    int32_t *t, *sa, *rank, *lcp, i, j, h;
    *lcp_out = NULL;
    t = malloc(sizeof(int32_t) * (size_t)(n + 1));
    sa = malloc(sizeof(int32_t) * (size_t)(n + 1));
    if (!t || !sa) goto fail;
    for (i = 0; i < n; i++) {
        t[i] = (int32_t)s[i] + 1; /* shift up to make room for the sentinel 0 */
        if (t[i] > k) k = t[i];   /* a symbol past k - 1 widens the alphabet, never overflows it */
    }
    t[n] = 0;
    if (sais(t, sa, (int32_t)n + 1, k + 1) != 0) goto fail;
    /* sa[0] is the sentinel; sa + 1 is the suffix array of s. t is reused as the rank array. */
    rank = t;
    lcp = malloc(sizeof(int32_t) * (size_t)(n + 1));
    if (!lcp) goto fail;
    memmove(sa, sa + 1, sizeof(int32_t) * (size_t)n);
    for (i = 0; i < n; i++) rank[sa[i]] = i;
    lcp[0] = 0;
    for (i = 0, h = 0; i < n; i++) { /* Kasai et al. 2001 */
        if (rank[i] > 0) {
            j = sa[rank[i] - 1];
            while (i + h < n && j + h < n && s[i + h] == s[j + h]) h++;
            lcp[rank[i]] = h;
            if (h > 0) h--;
        } else {
            h = 0;
        }
    }
    lcp[n] = 0;
    free(sa);
    free(t);
    *lcp_out = lcp;
    return 0;
fail:
    free(t);
    free(sa);
    return -1;
}

int64_t oe_sp80090b_repeats(const uint8_t *s, int64_t n, int32_t k, int64_t cap, int64_t *q, uint64_t *pairs)
{
    int32_t *lcp, *stack_len, *stack_lb, i;
    int64_t *pdiff, top = 0, depth = 1024, v = 0, w;
    int rc;
    if (n < 2 || n > INT32_MAX - 2 || cap < 1) return -1;
    rc = oe_sp80090b_lcp_by_keys(s, n, &lcp);
    if (rc == 1) rc = lcp_by_sais(s, n, k, &lcp);
    if (rc != 0) return -1;

    stack_len = malloc(sizeof(int32_t) * (size_t)depth);
    stack_lb = malloc(sizeof(int32_t) * (size_t)depth);
    pdiff = calloc((size_t)cap + 2, sizeof(int64_t));
    if (!stack_len || !stack_lb || !pdiff) {
        free(stack_len);
        free(stack_lb);
        free(pdiff);
        free(lcp);
        return -1;
    }
    for (w = 0; w <= cap; w++) q[w] = 0;
    stack_len[0] = 0;
    stack_lb[0] = 0;
    for (i = 1; i <= n; i++) { /* bottom-up walk of the LCP-interval tree */
        int64_t cur = lcp[i], lb = i - 1;
        if (cur > v) v = cur;
        while (cur < stack_len[top]) {
            int64_t len = stack_len[top];
            lb = stack_lb[top];
            top--;
            report(len, cur > stack_len[top] ? cur : stack_len[top], i - lb, cap, q, pdiff);
        }
        if (cur > stack_len[top]) {
            if (top + 1 == depth) { /* nesting deeper than ever before: grow the stack */
                int32_t *nl = realloc(stack_len, sizeof(int32_t) * (size_t)depth * 2);
                int32_t *nb = nl ? realloc(stack_lb, sizeof(int32_t) * (size_t)depth * 2) : NULL;
                if (nl) stack_len = nl;
                if (!nb) {
                    free(stack_len);
                    free(stack_lb);
                    free(pdiff);
                    free(lcp);
                    return -1;
                }
                stack_lb = nb;
                depth *= 2;
            }
            top++;
            stack_len[top] = (int32_t)cur;
            stack_lb[top] = (int32_t)lb;
        }
    }
    /* q[w] so far holds the largest group whose common prefix is exactly w (clipped to cap);
     * the largest group of w-tuples is the largest group sharing at least w symbols. */
    for (w = cap - 1; w >= 1; w--)
        if (q[w] < q[w + 1]) q[w] = q[w + 1];
    for (w = 1; w <= cap; w++) {
        if (q[w] < 1) q[w] = 1;
        pdiff[w] += pdiff[w - 1];
        pairs[w] = (uint64_t)pdiff[w];
    }
    q[0] = 0;
    pairs[0] = 0;
    free(stack_len);
    free(stack_lb);
    free(pdiff);
    free(lcp);
    return v;
}

