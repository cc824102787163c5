/* The predictor estimators' scoreboard (SP 800-90B 6.3.7-6.3.10): each step the winning
 * predictor's guess is either right (one more correct prediction, the current run of
 * right guesses grows and may become the longest) or wrong (the run ends). The estimates
 * are then computed from the count and the longest run (NIST's predictor_estimates).
 * Private to the C files (the leading underscore keeps it out of the cdef). */
#ifndef OE_SP80090B_SCOREBOARD_H
#define OE_SP80090B_SCOREBOARD_H

#include <stdint.h>

static inline void score_prediction(int right, int64_t *correct, int64_t *run, int64_t *longest)
{
    if (right) {
        (*correct)++;
        if (++*run > *longest) *longest = *run;
    } else {
        *run = 0;
    }
}

#endif
