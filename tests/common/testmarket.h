/* tests/common/testmarket.h - small markets built inside tests. */
#ifndef MOMO_TESTMARKET_H
#define MOMO_TESTMARKET_H

#include <stddef.h>
#include <stdint.h>

#include "momo/momo.h"

#define TM_MAX_BARS 4096

/* One symbol under construction: bars appended one by one. */
struct tm_sym {
    char name[32];
    int cls;
    size_t n;
    int32_t date[TM_MAX_BARS];
    double o[TM_MAX_BARS], h[TM_MAX_BARS], l[TM_MAX_BARS], c[TM_MAX_BARS],
           v[TM_MAX_BARS];
};

/* Weekday n after `start` (crypto: calendar day n). */
int32_t tm_day(int32_t start, int crypto, size_t n);
void tm_init(struct tm_sym *s, const char *name, int cls);
void tm_bar(struct tm_sym *s, int32_t date, double o, double h, double l,
            double c, double v);
/* Build a dataset from syms[0..n); fails the test on error. */
momo_dataset *tm_build(struct tm_sym *const *syms, size_t n);
/* A random-walk market: n_stocks stocks (5-day weeks) and n_crypto coins
 * (7-day weeks) over about `days` calendar days, reproducible by seed. */
momo_dataset *tm_random(unsigned seed, int n_stocks, int n_crypto,
                        int days);
/* A copy of `ds` whose every bar dated after `cut` is replaced with
 * garbage (for look-ahead tests); fails the test on error. */
momo_dataset *tm_garble_after(const momo_dataset *ds, int32_t cut);
/* Parameters where every symbol qualifies quickly: tiny periods, no
 * thresholds, no costs. Tests then change what they exercise. */
void tm_easy_params(momo_params *p);
/* The default parameters with momentum windows of 5, 10, 20 and 40 bars,
 * so a market of a few years ranks from its first months. */
void tm_short_params(momo_params *p);
/* tm_short_params plus short SMAs, a wide RSI band, a low liquidity
 * floor and 15-bar holds: a tm_random market then trades a lot. */
void tm_random_params(momo_params *p);
/* The synthetic market generator at a small size; fails the test on
 * error. */
momo_dataset *tm_synth(int n_stocks, int n_crypto, int years,
                       uint64_t seed);

#endif
