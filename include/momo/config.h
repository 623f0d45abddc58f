/* include/momo/config.h - every tunable parameter, and loading a config.
 *
 * Each parameter is declared once, in the registry of src/config/params.c:
 * its dotted name (as in STRATEGY.md), type, default, bounds and
 * description. The registry drives YAML loading, --set overrides,
 * validation, `momo config show|schema` and the optimizer's grids.
 * momo_params is a plain value struct: copy it freely.
 */
#ifndef MOMO_CONFIG_H
#define MOMO_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "momo/error.h"

#define MOMO_N_ROC      4
#define MOMO_N_REGIMES  4
#define MOMO_NAME_MAX   32

/* Regimes of STRATEGY.md section 9, in the order of risk_scale[]. */
enum momo_regime {
    MOMO_REGIME_HIGH_VOL_TRENDING = 0,
    MOMO_REGIME_LOW_VOL_TRENDING,
    MOMO_REGIME_HIGH_VOL_MEAN_REVERTING,
    MOMO_REGIME_LOW_VOL_SIDEWAYS
};

typedef struct momo_params {
    /* indicators.* */
    int rsi_period;                     /* 14 */
    int sma_fast;                       /* 50: trend filter, regime trend */
    int sma_slow;                       /* 200: regime trend, breadth */
    int adv_period;                     /* 20 */
    /* scanner.* */
    int roc_periods[MOMO_N_ROC];        /* 21, 63, 126, 252 */
    double weights[MOMO_N_ROC];         /* 0.1, 0.3, 0.3, 0.3 */
    double min_price;                   /* 5.0, stocks (and ETFs) */
    double min_price_crypto;            /* 0 */
    double min_dollar_volume;           /* 5e6 */
    double momentum_threshold;          /* 70 */
    /* signals.entry.* */
    double rsi_min;                     /* 50 */
    double rsi_max;                     /* 70 */
    int trend_filter;                   /* 1 */
    /* signals.exit.* */
    double stop_loss_stock;             /* 0.08 */
    double profit_target_stock;         /* 0.20 */
    double stop_loss_crypto;            /* 0.12 */
    double profit_target_crypto;        /* 0.30 */
    double trailing_stop_distance;      /* 0.08 */
    int max_holding_days;               /* 30 */
    /* risk.* */
    double risk_per_trade;              /* 0.01 */
    double max_position_pct;            /* 0.20 */
    int max_positions;                  /* 8 */
    /* execution.* */
    double slippage_bps_stock;          /* 5 */
    double slippage_bps_crypto;         /* 10 */
    double commission_per_share;        /* 0.005 */
    double commission_min;              /* 1.0 */
    double fee_bps_crypto;              /* 10 */
    double crypto_lot;                  /* 1e-6 */
    int entry_delay_bars;               /* 0 */
    double fill_ratio;                  /* 1.0 */
    double max_volume_participation;    /* 0 = off */
    /* portfolio.* */
    double initial_capital;             /* 100000 */
    double cash_rate;                   /* 0 */
    /* metrics.* */
    double risk_free;                   /* 0 */
    /* regime.* */
    int regime_enabled;                 /* 0 */
    char market_symbol[MOMO_NAME_MAX];  /* "SPY" */
    char vix_symbol[MOMO_NAME_MAX];     /* "VIX" */
    double vix_high;                    /* 20 */
    int vol_window;                     /* 21 */
    int vol_median_window;              /* 252 */
    double risk_scale[MOMO_N_REGIMES];  /* 1.0, 1.0, 0.5, 0.5 */
} momo_params;

/*---- The registry ----*/

enum momo_param_type {
    MOMO_PARAM_DOUBLE,
    MOMO_PARAM_INT,
    MOMO_PARAM_BOOL,
    MOMO_PARAM_STRING,
    MOMO_PARAM_DOUBLE_LIST,   /* fixed length `count` */
    MOMO_PARAM_INT_LIST
};

/* The parameter changes what the engine precomputes once per dataset
 * (indicators, scores): a sweep over it needs one precompute per value. */
#define MOMO_PARAM_PRECOMPUTE  0x1u

typedef struct momo_param_info {
    const char *name;          /* "signals.entry.rsi_min" */
    int type;                  /* enum momo_param_type */
    size_t offset;             /* of the field in momo_params */
    int count;                 /* elements: 1, or the list length */
    double def;                /* default (numbers, bools as 0/1) */
    double min, max;           /* inclusive bounds of each number */
    const char *def_text;      /* default as text (all types) */
    const char *description;
    unsigned flags;            /* MOMO_PARAM_* */
} momo_param_info;

size_t momo_param_count(void);
/* The i-th parameter (i < momo_param_count()), in documentation order. */
const momo_param_info *momo_param_at(size_t i);
/* The parameter named `name` exactly, or NULL. */
const momo_param_info *momo_param_find(const char *name);
/* The valid name nearest to `name` (edit distance), or NULL if none is
 * close. For "unknown key 'x' (did you mean 'y'?)" messages. */
const char *momo_param_suggest(const char *name);

/* Set every field to its default. */
void momo_params_default(momo_params *p);

/* Parse `value` as parameter `name` and store it. Lists are written
 * "0.1,0.3,0.3,0.3" (brackets optional); bools as true/false/yes/no/
 * on/off/1/0. Errors (MOMO_ENOTFOUND, MOMO_EINVAL) name the key, the
 * value and the bound, with no file prefix: a caller that knows the
 * file and line adds them. */
int momo_params_set(momo_params *p, const char *name, const char *value,
                    momo_err *err);

/* Set a scalar number parameter (double, int, bool) from a double, as an
 * optimizer does. Ints must be integral; bounds are checked. */
int momo_params_set_number(momo_params *p, const momo_param_info *pi,
                           double v, momo_err *err);
/* Read a scalar number parameter as a double. */
double momo_params_get_number(const momo_params *p,
                              const momo_param_info *pi);

/* Format a parameter's value as text (round-trips through
 * momo_params_set). Returns the length written, as snprintf. */
int momo_params_format(const momo_params *p, const momo_param_info *pi,
                       char *buf, size_t n);

/* Check the rules between parameters (rsi_min < rsi_max, ...). */
int momo_params_validate(const momo_params *p, momo_err *err);

/*---- Config: parameters loaded from YAML and overrides ----*/

typedef struct momo_config momo_config;

/* Defaults, then the YAML file at `path` (NULL: none), then each
 * "name=value" of sets[0..n_sets), then validation. On MOMO_OK *out is
 * a new config (free with momo_config_free); otherwise *out is NULL and
 * `err` says "file:line: key: what is wrong" (or "--set name=value: ..."
 * for an override). */
int momo_config_load(const char *path, const char *const *sets,
                     size_t n_sets, momo_config **out, momo_err *err);

/* Load YAML text of `len` bytes, as if read from a file named `name`
 * (used in error messages). Same contract as momo_config_load. */
int momo_config_load_text(const char *text, size_t len, const char *name,
                          const char *const *sets, size_t n_sets,
                          momo_config **out, momo_err *err);

void momo_config_free(momo_config *cfg);

/* The effective parameters. Live as long as `cfg`. */
const momo_params *momo_config_params(const momo_config *cfg);

/* Split "name=value" into its two parts. On MOMO_OK, name (NUL-
 * terminated, at most name_size-1 bytes) and *value (pointing into
 * `arg`) are set; otherwise MOMO_EINVAL says what is wrong. */
int momo_config_parse_set(const char *arg, char *name, size_t name_size,
                          const char **value, momo_err *err);

/* Write `p` as a YAML config that momo_config_load reads back to the
 * same values (nested maps, one per dotted prefix, with descriptions as
 * comments when `comments` is set). */
int momo_config_write_yaml(const momo_params *p, int comments, FILE *f,
                           momo_err *err);

/* Write the registry as JSON: an array of {name, type, default, min,
 * max, description, precompute}. */
int momo_config_write_schema(FILE *f, momo_err *err);

/* Write `p` as one flat JSON object {"dotted.name": value, ...}, in
 * registry order, numbers in the shortest text that reads back to the
 * same double. MOMO_EIO when writing to `f` fails. */
int momo_config_write_json(const momo_params *p, FILE *f, momo_err *err);

enum momo_schema_format {
    MOMO_SCHEMA_JSON,       /* as momo_config_write_schema */
    MOMO_SCHEMA_TEXT,       /* one block per parameter, for a terminal */
    MOMO_SCHEMA_MARKDOWN    /* the reference page, docs/config.md */
};

/* Write the registry in `format` (enum momo_schema_format). */
int momo_config_write_schema_as(FILE *f, int format, momo_err *err);

#endif
