/* include/momo/synth.h - the embedded synthetic market.
 *
 * momo_synth_generate() builds a whole market in memory from a seed:
 * stocks in sectors and size buckets, crypto assets trading every day,
 * the index ETF SPY, the bond ETF AGG and the volatility index VIX, over
 * a schedule of bull, bear, crash, flash-crash, sideways and low-volatility
 * regimes. The model, its equations and its parameters are described in
 * docs/internals/synth.md. The same options give the same dataset, byte
 * for byte (the same momo_dataset_checksum), on every run.
 */
#ifndef MOMO_SYNTH_H
#define MOMO_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "momo/dataset.h"
#include "momo/error.h"

/* Limits checked by momo_synth_generate(). */
#define MOMO_SYNTH_MAX_STOCKS   5000
#define MOMO_SYNTH_MAX_CRYPTO   500
#define MOMO_SYNTH_MAX_YEARS    100
#define MOMO_SYNTH_MAX_MOMENTUM 5.0

/* What to generate. Start from momo_synth_default_opts() and change the
 * fields you need; the defaults are given field by field. */
typedef struct momo_synth_opts {
    uint64_t seed;      /* 1: the only source of randomness */
    size_t n_stocks;    /* 150 (1 .. MOMO_SYNTH_MAX_STOCKS), in 11 sectors */
    size_t n_crypto;    /* 12 (0 .. MOMO_SYNTH_MAX_CRYPTO) */
    int years;          /* 20 (1 .. MOMO_SYNTH_MAX_YEARS) */
    int32_t start;      /* 2005-01-03, days since 1970-01-01, between
                           1900-01-01 and 2200-01-01; the market
                           runs from `start` to the last day of the month
                           before the start's month `years` years on
                           (2024-12-31 by default) */
    double momentum;    /* 0.5: strength of the persistent drift that
                           makes past winners keep winning; 0 = none,
                           1 = strong (0 .. MOMO_SYNTH_MAX_MOMENTUM) */
    int random_walk;    /* 0; 1 = every symbol an independent driftless
                           random walk: no regimes, factors or momentum */
} momo_synth_opts;

/* Market regimes of the schedule (docs/internals/synth.md). */
enum momo_synth_regime_kind {
    MOMO_SYNTH_BULL = 0,
    MOMO_SYNTH_LOW_VOL,      /* a calm, slowly rising market */
    MOMO_SYNTH_BEAR,
    MOMO_SYNTH_CRASH,        /* the market falls about 20% in a month */
    MOMO_SYNTH_SIDEWAYS,     /* no trend: the market reverts to a level */
    MOMO_SYNTH_FLASH_CRASH,  /* one day's fall of about 8%, recovered in
                                the next four trading days */
    MOMO_SYNTH_N_REGIMES
};

/* One stretch of the schedule: stock trading days first_date ..
 * last_date (inclusive), days since 1970-01-01. */
typedef struct momo_synth_regime {
    int kind;               /* enum momo_synth_regime_kind */
    int32_t first_date;
    int32_t last_date;
} momo_synth_regime;

/* The schedule has at most this many stretches. */
#define MOMO_SYNTH_MAX_REGIMES 16

/* The defaults listed in momo_synth_opts. */
momo_synth_opts momo_synth_default_opts(void);

/* Generate the market that `o` describes. On MOMO_OK *out is a new
 * in-memory dataset (close with momo_dataset_close; save it with
 * momo_dataset_save). Otherwise *out is NULL and the result is
 * MOMO_EINVAL (an option out of range, `err` names it) or MOMO_ENOMEM.
 * Borrows `o` for the call. Single-threaded; about 0.3 s and 80 MB at
 * peak for the defaults. */
int momo_synth_generate(const momo_synth_opts *o, momo_dataset **out,
                        momo_err *err);

/* The regime schedule momo_synth_generate() follows for `o`, in date
 * order, into out[0 .. max); *n is the number of stretches (0 with
 * random_walk). MOMO_EINVAL when an option is out of range, or when
 * `max` is smaller than the schedule. Cheap: generates no prices. */
int momo_synth_regimes(const momo_synth_opts *o, momo_synth_regime *out,
                       size_t max, size_t *n, momo_err *err);

/* "bull", "low_vol", "bear", "crash", "sideways", "flash_crash"; "?" for
 * an unknown kind. */
const char *momo_synth_regime_name(int kind);

#endif
