/* src/optimize/optimize_int.h - what the optimizer's own files share:
 * the space and design structs, the trial rows, the study context that
 * runs trials (eval.c) and the result cache (cache.c). */
#ifndef MOMO_OPTIMIZE_INT_H
#define MOMO_OPTIMIZE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "optimize/optimize.h"

#define OPT_MAX_DIMS      64
#define OPT_MAX_VALUES    10000     /* values of one list */
#define OPT_SPACE_MAX     ((size_t)1 << 20)
#define OPT_MAX_SUB       16
#define OPT_MAX_BLOCKS    20
#define OPT_N_TOP_EQUITY  5

/*---- Spaces and designs ----*/

struct momo_space {
    momo_dim *grid;
    size_t n_grid;
    momo_dim *rand;
    size_t n_rand;
};

struct momo_design {
    int kind;                  /* enum momo_design_kind */
    momo_dim *dims;            /* values arrays owned (one block each) */
    size_t n_dims;
    size_t n_trials;
    size_t *stride;            /* grid: index = (i / stride[j]) % n */
    double *x;                 /* random, list: n_trials x n_dims */
    unsigned long seed;
};

/* A deep copy of a design. MOMO_OK or MOMO_ENOMEM. */
int opt_design_clone(const momo_design *src, momo_design **out);
/* Deep copies of dims (each values array copied). */
int opt_dims_copy(const momo_dim *src, size_t n, momo_dim **out);
void opt_dims_free(momo_dim *dims, size_t n);
/* Position of v in [0, 1] along dimension `dm` (for distances). */
double opt_dim_unit(const momo_dim *dm, double v);
/* 1 when the dimension takes few enough distinct values to be a level
 * each in sensitivity tables. */
int opt_dim_discrete(const momo_dim *dm);

/* off[j] = position of metric j (momo_metric_name order) in momo_metrics
 * seen as an array of doubles; `off` holds momo_metric_count() entries
 * (at most 64). */
void opt_metric_slots(size_t *off);

/*---- Trial rows ----*/

enum { OPT_PENDING = 0, OPT_OK, OPT_FAILED };

struct opt_rows {
    size_t n, K, S;
    momo_metrics *m;
    double *sub;               /* n x K: the metric in each sub-period */
    double *blk;               /* n x S x 2: block sums of r and r^2 */
    size_t *blk_len;           /* S: returns per block (same for all) */
    char **reason;             /* failed trials: why (core_strdup) */
    uint8_t *state;
    uint8_t *cached;
};

int opt_rows_init(struct opt_rows *r, size_t n, size_t K, size_t S);
void opt_rows_release(struct opt_rows *r);

/*---- Study context ----*/

struct opt_cache;

struct opt_ctx {
    const momo_dataset *ds;
    momo_params base;
    momo_opt_opts o;           /* defaults resolved */
    int jobs;
    size_t metric;             /* index of the optimized metric */
    size_t sub_metric;         /* metric computed per sub-period */
    uint64_t key_seed[2];      /* dataset, engine version, symbols */
    struct opt_cache *cache;   /* NULL: no cache */
    momo_engine *own;          /* engine built here, reused while it fits */
    double t0;
    /* counters over every phase */
    size_t n_planned, n_run, n_cached_total, n_failed_warned;
    int estimated, warmed;
    double store_seconds;       /* storing rows in the cache, in all */
    /* progress over the current phase */
    size_t phase_done, phase_total;
};

int opt_ctx_init(struct opt_ctx *cx, const momo_dataset *ds,
                 const momo_params *base, const momo_opt_opts *o,
                 momo_err *err);
void opt_ctx_release(struct opt_ctx *cx);

/* An engine for `p`: the caller's, the last one built, or a new one
 * (which replaces the last one). Lives until the next call or release. */
int opt_ctx_engine(struct opt_ctx *cx, const momo_params *p,
                   const momo_engine **out, momo_err *err);

/* `base` with trial `i` of `d` applied. MOMO_EINVAL with the reason. */
int opt_trial_params(const momo_params *base, const momo_design *d,
                     size_t i, momo_params *p, momo_err *err);

/* Run (or read from the cache) every trial of `d` over `win` into rows
 * (initialized by the caller for d's trial count). `phase` names the
 * work in logs. MOMO_EINTR when interrupted (rows done are kept and
 * cached). */
int opt_eval_design(struct opt_ctx *cx, const momo_design *d,
                    const momo_window *win, struct opt_rows *rows,
                    momo_err *err);

/* One run with its equity curve copied out (for top-N curves, DSR
 * moments, walk-forward stitching). *eq is core_malloc'd. */
int opt_run_equity(struct opt_ctx *cx, const momo_params *p,
                   const momo_window *win, momo_metrics *m,
                   momo_equity_row **eq, size_t *n_eq, momo_err *err);

/* Per-run summaries from an equity curve: the metric `which` in each of
 * K sub-periods and block sums of returns and squared returns (S
 * blocks of opt_block_lengths). `ret`, when not NULL, holds the run's
 * n - 1 daily returns (momo_workspace_returns), which spares dividing. */
void opt_summarize_curve(const momo_equity_row *eq, const double *ret,
                         size_t n, double A, double rf, size_t which,
                         size_t K, size_t S, double *sub, double *blk);
/* Returns per block when a curve of n_eq rows is cut into S blocks. */
void opt_block_lengths(size_t n_eq, size_t S, size_t *len);

/*---- Cache (results.sqlite) ----*/

struct opt_key {
    uint64_t h[2];
};

int opt_cache_open(const char *path, int writer, struct opt_cache **out,
                   momo_err *err);
void opt_cache_close(struct opt_cache *c);
/* 1 when a run under `k` was stored (as of opening, plus puts). */
int opt_cache_has(const struct opt_cache *c, const struct opt_key *k);
/* Read run `k` into row i of `rows`; *found = 0 when absent or stored
 * with other K or S. */
int opt_cache_get(struct opt_cache *c, const struct opt_key *k,
                  struct opt_rows *rows, size_t i, int *found,
                  momo_err *err);
int opt_cache_begin(struct opt_cache *c, momo_err *err);
int opt_cache_commit(struct opt_cache *c, momo_err *err);
/* Abandon the open transaction (after a failed put). */
void opt_cache_rollback(struct opt_cache *c);
/* Store row i (state OK) under `k`; `params` is its JSON. */
int opt_cache_put(struct opt_cache *c, const struct opt_key *k,
                  const struct opt_ctx *cx, const momo_window *win,
                  const char *params, const struct opt_rows *rows,
                  size_t i, momo_err *err);

/* A trial recorded in the `trials` table. */
struct opt_trial_rec {
    const char *phase;         /* "search", "validate", "wf-train", ... */
    long split;                /* -1 when none */
    struct opt_key key;
    const char *params;        /* JSON */
    const char *status;
    long rank;                 /* 0: not ranked */
    double robustness;
};

/* Replace the `trials` table and the `meta` entries in one
 * transaction. */
int opt_cache_write_trials(struct opt_cache *c,
                           const struct opt_trial_rec *t, size_t n,
                           const char *const *meta, size_t n_meta,
                           momo_err *err);

/* The part of every key a study shares: dataset checksum, engine
 * version, traded symbols. */
void opt_key_seed(const momo_dataset *ds, const char *const *symbols,
                  size_t n_symbols, uint64_t seed[2]);
/* The cache key of a run of `p` over `win` in study `cx`. */
void opt_key_of(const struct opt_ctx *cx, const momo_params *p,
                const momo_window *win, struct opt_key *k);
void opt_key_hex(const struct opt_key *k, char out[33]);

/*---- Overfitting (overfit.c) ----*/

#define OPT_DEGRADATION_FLAG  0.30
#define OPT_TRADES_PER_PARAM  20.0
#define OPT_FEW_TRADES        30.0
#define OPT_MAX_ADVICE        16

struct opt_advice {
    char *v[OPT_MAX_ADVICE];
    size_t n;
};

void opt_overfit_init(momo_overfit *of);
/* PBO over the valid trials of `rows` (a seeded subsample of at most
 * cscv_max_trials of them). NaN when fewer than 2 or a block is empty. */
int opt_overfit_pbo(const struct opt_ctx *cx, const struct opt_rows *rows,
                    double *pbo, size_t *n_used, size_t *n_comb,
                    momo_err *err);
/* DSR of `best` (with its equity curve) against the Sharpe ratios of
 * every valid trial of `rows`; `work` holds max(rows->n, n_eq) doubles. */
void opt_overfit_dsr(const struct opt_rows *rows, const momo_metrics *best,
                     const momo_equity_row *eq, size_t n_eq,
                     momo_overfit *of, double *work);
void opt_overfit_degradation(momo_overfit *of, const momo_metrics *is,
                             const momo_metrics *oos);
void opt_overfit_indicators(momo_overfit *of, double trades, size_t n_dims,
                            double min_trades, const double *sub, size_t K,
                            int sub_dir, double whole);
void opt_overfit_score(momo_overfit *of);
int opt_overfit_advise(const momo_overfit *of, int have_oos, double trades,
                       size_t n_dims, const struct opt_sensitivity *sens,
                       const momo_design *d, struct opt_advice *a);
void opt_advice_release(struct opt_advice *a);
void opt_overfit_json(struct core_buf *b, const momo_overfit *of,
                      const struct opt_advice *a, const char *scope,
                      unsigned long seed, size_t S);

/*---- JSON and CSV text ----*/

void opt_json_str(struct core_buf *b, const char *s);
void opt_json_num(struct core_buf *b, double v);
/* {"name": value, ...} of trial i's values. */
void opt_json_trial(struct core_buf *b, const momo_design *d, size_t i);
/* The same through a memo of each dimension's last value and text: the
 * trials of a grid share most of their values with their neighbours'.
 * Zero m->set before the first use. */
struct opt_fmt_memo {
    int set[OPT_MAX_DIMS];
    double v[OPT_MAX_DIMS];
    char s[OPT_MAX_DIMS][40];
};
void opt_json_trial_memo(struct core_buf *b, const momo_design *d, size_t i,
                         struct opt_fmt_memo *m);
/* The text of dimension j's value in trial i (opt_fmt_value), memoized. */
const char *opt_fmt_trial_value(struct opt_fmt_memo *m, const momo_design *d,
                                size_t i, size_t j);
void opt_json_metrics(struct core_buf *b, const momo_metrics *m,
                      int indent);
/* A parameter value as text (ints without a decimal point, bools as
 * true/false). */
void opt_fmt_value(const momo_dim *dm, double v, char *buf, size_t n);
void opt_csv_field(struct core_buf *b, const char *s);
/* sensitivity.json of `s` (study.c). */
void opt_sensitivity_json(struct core_buf *b, const momo_design *d,
                          const struct opt_sensitivity *s,
                          const char *metric);
int opt_write_buf(const char *dir, const char *name, struct core_buf *b,
                  momo_err *err);

#endif
