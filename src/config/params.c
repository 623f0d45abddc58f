/* params.c - the parameter registry: every tunable, declared once.
 *
 * The table below is the single source of truth for names, types,
 * defaults, bounds and descriptions. Loading (yaml.c), --set, the
 * optimizer's grids and `momo config schema` all read it.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"

#define OFF(f) offsetof(momo_params, f)
#define D(name, f, def, lo, hi, desc, fl) \
    { name, MOMO_PARAM_DOUBLE, OFF(f), 1, def, lo, hi, #def, desc, fl }
#define I(name, f, def, lo, hi, desc, fl) \
    { name, MOMO_PARAM_INT, OFF(f), 1, def, lo, hi, #def, desc, fl }
#define B(name, f, def, desc) \
    { name, MOMO_PARAM_BOOL, OFF(f), 1, def, 0, 1, def ? "true" : "false", \
      desc, 0 }
#define S(name, f, def, desc, fl) \
    { name, MOMO_PARAM_STRING, OFF(f), 1, 0, 0, 0, def, desc, fl }

static const momo_param_info registry[] = {
    I("indicators.rsi_period", rsi_period, 14, 2, 500,
      "Wilder RSI period in bars", MOMO_PARAM_PRECOMPUTE),
    I("indicators.sma_fast", sma_fast, 50, 2, 2000,
      "fast SMA of close in bars: entry trend filter, regime trend",
      MOMO_PARAM_PRECOMPUTE),
    I("indicators.sma_slow", sma_slow, 200, 2, 5000,
      "slow SMA of close in bars: regime trend and breadth",
      MOMO_PARAM_PRECOMPUTE),
    I("indicators.adv_period", adv_period, 20, 1, 1000,
      "bars in the average dollar volume (close x volume)",
      MOMO_PARAM_PRECOMPUTE),
    { "scanner.roc_periods", MOMO_PARAM_INT_LIST, OFF(roc_periods),
      MOMO_N_ROC, 0, 1, 5000, "[21, 63, 126, 252]",
      "the four rate-of-change lookbacks of the momentum score, in bars",
      MOMO_PARAM_PRECOMPUTE },
    { "scanner.weights", MOMO_PARAM_DOUBLE_LIST, OFF(weights), MOMO_N_ROC,
      0, -100, 100, "[0.1, 0.3, 0.3, 0.3]",
      "weights of the four ROCs in the raw momentum m",
      MOMO_PARAM_PRECOMPUTE },
    D("scanner.min_price", min_price, 5.0, 0, 1e9,
      "minimum close for a stock to be eligible", MOMO_PARAM_PRECOMPUTE),
    D("scanner.min_price_crypto", min_price_crypto, 0.0, 0, 1e9,
      "minimum close for a crypto asset to be eligible",
      MOMO_PARAM_PRECOMPUTE),
    D("scanner.min_dollar_volume", min_dollar_volume, 5e6, 0, 1e15,
      "minimum ADV (mean close x volume) to be eligible",
      MOMO_PARAM_PRECOMPUTE),
    D("scanner.momentum_threshold", momentum_threshold, 70, 0, 100,
      "minimum momentum score (percentile 0-100) to pass the scanner", 0),
    D("signals.entry.rsi_min", rsi_min, 50, 0, 100,
      "lowest RSI at which a candidate may enter", 0),
    D("signals.entry.rsi_max", rsi_max, 70, 0, 100,
      "highest RSI at which a candidate may enter", 0),
    B("signals.entry.trend_filter", trend_filter, 1,
      "require close > fast SMA to enter"),
    D("signals.exit.stop_loss_stock", stop_loss_stock, 0.08, 0.001, 0.99,
      "fixed stop below the entry price, stocks (fraction)", 0),
    D("signals.exit.profit_target_stock", profit_target_stock, 0.20, 0.001,
      100, "profit target above the entry price, stocks (fraction)", 0),
    D("signals.exit.stop_loss_crypto", stop_loss_crypto, 0.12, 0.001, 0.99,
      "fixed stop below the entry price, crypto (fraction)", 0),
    D("signals.exit.profit_target_crypto", profit_target_crypto, 0.30,
      0.001, 100, "profit target above the entry price, crypto (fraction)",
      0),
    D("signals.exit.trailing_stop_distance", trailing_stop_distance, 0.08,
      0.001, 0.99, "trailing stop below the highest high since entry "
      "(fraction)", 0),
    I("signals.exit.max_holding_days", max_holding_days, 30, 1, 100000,
      "bars held before a time exit at the next open", 0),
    D("risk.risk_per_trade", risk_per_trade, 0.01, 0.00001, 1,
      "equity fraction risked per trade (to the fixed stop)", 0),
    D("risk.max_position_pct", max_position_pct, 0.20, 0.0001, 1,
      "largest position as a fraction of equity", 0),
    I("risk.max_positions", max_positions, 8, 1, 10000,
      "open plus pending positions at most", 0),
    D("execution.slippage_bps_stock", slippage_bps_stock, 5, 0, 5000,
      "slippage on stock fills, basis points", 0),
    D("execution.slippage_bps_crypto", slippage_bps_crypto, 10, 0, 5000,
      "slippage on crypto fills, basis points", 0),
    D("execution.commission_per_share", commission_per_share, 0.005, 0, 1000,
      "stock commission per share, in money", 0),
    D("execution.commission_min", commission_min, 1.0, 0, 1e6,
      "minimum stock commission per order, in money", 0),
    D("execution.fee_bps_crypto", fee_bps_crypto, 10, 0, 5000,
      "crypto fee on notional, basis points", 0),
    D("execution.crypto_lot", crypto_lot, 1e-6, 1e-12, 1e9,
      "crypto quantity step (units)", 0),
    I("execution.entry_delay_bars", entry_delay_bars, 0, 0, 1000,
      "extra bars before an entry order fills", 0),
    D("execution.fill_ratio", fill_ratio, 1.0, 0.0001, 1,
      "fraction of an entry order that fills; the rest is cancelled", 0),
    D("execution.max_volume_participation", max_volume_participation, 0, 0,
      1, "largest entry fill as a fraction of the bar's volume (0 = off)",
      0),
    D("portfolio.initial_capital", initial_capital, 100000, 1, 1e13,
      "starting cash, in money", 0),
    D("portfolio.cash_rate", cash_rate, 0, -1, 10,
      "annual interest on cash (0 = none)", 0),
    D("metrics.risk_free", risk_free, 0, -1, 10,
      "annual risk-free rate used by the Sharpe ratio", 0),
    B("regime.enabled", regime_enabled, 0,
      "scale risk_per_trade by the market regime (STRATEGY.md 9)"),
    S("regime.market_symbol", market_symbol, "SPY",
      "market proxy (an index or etf symbol); equal-weight universe "
      "index when absent", MOMO_PARAM_PRECOMPUTE),
    S("regime.vix_symbol", vix_symbol, "VIX",
      "volatility index; realized volatility is used when absent",
      MOMO_PARAM_PRECOMPUTE),
    D("regime.vix_high", vix_high, 20, 0, 1000,
      "VIX close above which volatility is high", MOMO_PARAM_PRECOMPUTE),
    I("regime.vol_window", vol_window, 21, 2, 1000,
      "bars of realized volatility of the proxy (without VIX)",
      MOMO_PARAM_PRECOMPUTE),
    I("regime.vol_median_window", vol_median_window, 252, 2, 5000,
      "bars of the median realized volatility is compared with",
      MOMO_PARAM_PRECOMPUTE),
    D("regime.risk_scale.high_vol_trending", risk_scale[0], 1.0, 0, 10,
      "risk_per_trade multiplier in high-vol trending markets", 0),
    D("regime.risk_scale.low_vol_trending", risk_scale[1], 1.0, 0, 10,
      "risk_per_trade multiplier in low-vol trending markets", 0),
    D("regime.risk_scale.high_vol_mean_reverting", risk_scale[2], 0.5, 0,
      10, "risk_per_trade multiplier in high-vol mean-reverting markets", 0),
    D("regime.risk_scale.low_vol_sideways", risk_scale[3], 0.5, 0, 10,
      "risk_per_trade multiplier in low-vol sideways markets (0 pauses "
      "entries)", 0),
};

#define N_PARAMS (sizeof(registry) / sizeof(registry[0]))

size_t momo_param_count(void)
{
    return N_PARAMS;
}

const momo_param_info *momo_param_at(size_t i)
{
    return i < N_PARAMS ? &registry[i] : NULL;
}

const momo_param_info *momo_param_find(const char *name)
{
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strcmp(registry[i].name, name) == 0)
            return &registry[i];
    return NULL;
}

/* Levenshtein distance of a and b, or SIZE_MAX once it must exceed
 * `limit` (a row's minimum never falls): names are short, and only near
 * misses matter. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b), prev[128], cur[128];

    if (la > 127 || lb > 127)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t row_min;

        cur[0] = row_min = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del
                                                                      : ins);
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (row_min > limit)
            return (size_t)-1;
        memcpy(prev, cur, (lb + 1) * sizeof(size_t));
    }
    return prev[lb] <= limit ? prev[lb] : (size_t)-1;
}

static const char *last_part(const char *s)
{
    const char *d = strrchr(s, '.');

    return d ? d + 1 : s;
}

static size_t len_diff(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/* A near miss is a few edits from a whole name, or the right leaf
 * ("rsi_max") under the wrong or missing section, itself with at most a
 * typo per four letters. */
const char *momo_param_suggest(const char *name)
{
    const char *best = NULL, *leaf = last_part(name);
    size_t best_d = (size_t)-1, n = strlen(name), nl = strlen(leaf);
    size_t lim = 2 + n / 6, lim_leaf = nl / 4;

    for (size_t i = 0; i < N_PARAMS; i++) {
        const char *rl = last_part(registry[i].name);
        size_t d = (size_t)-1, dl = (size_t)-1;

        /* the distance is at least the difference in length: most
         * names are ruled out without computing it */
        if (len_diff(n, strlen(registry[i].name)) <= lim)
            d = edit_distance(name, registry[i].name, lim);
        if (len_diff(nl, strlen(rl)) <= lim_leaf)
            dl = edit_distance(leaf, rl, lim_leaf);
        if (dl != (size_t)-1 && dl + 1 < d)
            d = dl + 1;
        if (d < best_d) {
            best_d = d;
            best = registry[i].name;
        }
    }
    return best;
}

void momo_params_default(momo_params *p)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < N_PARAMS; i++) {
        int rc = momo_params_set(p, registry[i].name, registry[i].def_text,
                                 NULL);

        MOMO_ASSERT(rc == MOMO_OK);
        (void)rc;
    }
}

/*---- Typed access to a field ----*/

static double *dfield(momo_params *p, const momo_param_info *pi)
{
    return (double *)(void *)((char *)p + pi->offset);
}

static int *ifield(momo_params *p, const momo_param_info *pi)
{
    return (int *)(void *)((char *)p + pi->offset);
}

/* The shortest text that strtod reads back to exactly `v`: the fewest
 * significant digits that round-trip, written positionally ("5000000",
 * "0.001") unless the exponent form is clearly shorter ("1e-12"). */
int cfg_format_double(double v, char *buf, size_t n)
{
    char sci[40], pos[400];
    const char *e;
    int prec, x, d;

    if (!isfinite(v))
        return snprintf(buf, n, "%g", v);
    for (prec = 1; prec < 17; prec++) {
        snprintf(sci, sizeof(sci), "%.*e", prec - 1, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    snprintf(sci, sizeof(sci), "%.*e", prec - 1, v);
    e = strchr(sci, 'e');
    x = e ? atoi(e + 1) : 0;
    if (x >= -6 && x < 17) {
        d = prec - 1 - x;
        snprintf(pos, sizeof(pos), "%.*f", d > 0 ? d : 0, v);
        if (strtod(pos, NULL) == v && strlen(pos) <= strlen(sci) + 2)
            return snprintf(buf, n, "%s", pos);
    }
    return snprintf(buf, n, "%s", sci);
}

static const char *fmt_num(double v, char *buf, size_t n)
{
    cfg_format_double(v, buf, n);
    return buf;
}

static int check_bounds(const momo_param_info *pi, double v, const char *text,
                        momo_err *err)
{
    char b[40];

    if (isnan(v))
        return momo_err_set(err, MOMO_EINVAL, "%s: '%s' is not a number",
                            pi->name, text);
    if (v < pi->min)
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: %s is below the minimum %s", pi->name, text,
                            fmt_num(pi->min, b, sizeof(b)));
    if (v > pi->max)
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: %s is above the maximum %s", pi->name, text,
                            fmt_num(pi->max, b, sizeof(b)));
    return MOMO_OK;
}

static int parse_number(const momo_param_info *pi, const char *s, size_t len,
                        int integral, double *out, momo_err *err)
{
    char text[64];

    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    snprintf(text, sizeof(text), "%.*s", (int)(len < 60 ? len : 60), s);
    if (core_parse_double(s, len, out) != 0)
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: '%s' is not %s", pi->name, text,
                            integral ? "an integer" : "a number");
    if (integral && (*out != floor(*out) || fabs(*out) > 1e9))
        return momo_err_set(err, MOMO_EINVAL, "%s: '%s' is not an integer",
                            pi->name, text);
    return check_bounds(pi, *out, text, err);
}

static int parse_bool(const momo_param_info *pi, const char *s, int *out,
                      momo_err *err)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return MOMO_OK;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return MOMO_OK;
        }
    }
    return momo_err_set(err, MOMO_EINVAL,
                        "%s: '%s' is not a boolean (true or false)", pi->name,
                        s);
}

static int parse_list(momo_params *p, const momo_param_info *pi,
                      const char *s, momo_err *err)
{
    double v[16];
    const char *q = s, *end;
    int n = 0, integral = pi->type == MOMO_PARAM_INT_LIST, rc;

    while (isspace((unsigned char)*q))
        q++;
    end = q + strlen(q);
    while (end > q && isspace((unsigned char)end[-1]))
        end--;
    if (q < end && *q == '[') {
        if (end[-1] != ']')
            return momo_err_set(err, MOMO_EINVAL, "%s: '%s': missing ']'",
                                pi->name, s);
        q++;
        end--;
    }
    while (q <= end) {
        const char *comma = memchr(q, ',', (size_t)(end - q));
        const char *stop = comma ? comma : end;

        if (n == pi->count)
            return momo_err_set(err, MOMO_EINVAL,
                                "%s: '%s' has more than %d values", pi->name,
                                s, pi->count);
        rc = parse_number(pi, q, (size_t)(stop - q), integral, &v[n], err);
        if (rc != MOMO_OK)
            return rc;
        n++;
        if (!comma)
            break;
        q = comma + 1;
    }
    if (n != pi->count)
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: '%s' has %d values, expected %d", pi->name,
                            s, n, pi->count);
    for (int i = 0; i < n; i++) {
        if (integral)
            ifield(p, pi)[i] = (int)v[i];
        else
            dfield(p, pi)[i] = v[i];
    }
    return MOMO_OK;
}

int momo_params_set(momo_params *p, const char *name, const char *value,
                    momo_err *err)
{
    const momo_param_info *pi = momo_param_find(name);
    double v;
    int rc, b = 0;

    if (!pi) {
        const char *near = momo_param_suggest(name);

        if (near)
            return momo_err_set(err, MOMO_ENOTFOUND,
                                "unknown parameter '%s' (did you mean "
                                "'%s'?)", name, near);
        return momo_err_set(err, MOMO_ENOTFOUND,
                            "unknown parameter '%s' (see 'momo config "
                            "schema')", name);
    }
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
    case MOMO_PARAM_INT:
        rc = parse_number(pi, value, strlen(value),
                          pi->type == MOMO_PARAM_INT, &v, err);
        if (rc != MOMO_OK)
            return rc;
        if (pi->type == MOMO_PARAM_INT)
            *ifield(p, pi) = (int)v;
        else
            *dfield(p, pi) = v;
        return MOMO_OK;
    case MOMO_PARAM_BOOL:
        rc = parse_bool(pi, value, &b, err);
        if (rc == MOMO_OK)
            *ifield(p, pi) = b;
        return rc;
    case MOMO_PARAM_STRING:
        if (strlen(value) >= MOMO_NAME_MAX)
            return momo_err_set(err, MOMO_EINVAL,
                                "%s: '%.64s' is longer than %d bytes",
                                pi->name, value, MOMO_NAME_MAX - 1);
        /* symbols are printable ASCII: written back verbatim to YAML,
         * JSON and reports, they need no escaping beyond quotes */
        for (const char *c = value; *c; c++)
            if (*c < 0x20 || *c > 0x7e)
                return momo_err_set(err, MOMO_EINVAL,
                                    "%s: '%s' has a character that is not "
                                    "printable ASCII", pi->name, value);
        strcpy((char *)p + pi->offset, value);
        return MOMO_OK;
    case MOMO_PARAM_DOUBLE_LIST:
    case MOMO_PARAM_INT_LIST:
        return parse_list(p, pi, value, err);
    }
    return momo_err_set(err, MOMO_EINTERNAL, "%s: bad type", pi->name);
}

int momo_params_set_number(momo_params *p, const momo_param_info *pi,
                           double v, momo_err *err)
{
    char text[40];
    int ok = !isnan(v) && v >= pi->min && v <= pi->max;

    /* the value's text is for messages: written only when one is due */
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
        if (!ok)
            return check_bounds(pi, v, fmt_num(v, text, sizeof(text)), err);
        *dfield(p, pi) = v;
        return MOMO_OK;
    case MOMO_PARAM_INT:
    case MOMO_PARAM_BOOL:
        if (v != floor(v))
            return momo_err_set(err, MOMO_EINVAL, "%s: %s is not an integer",
                                pi->name, fmt_num(v, text, sizeof(text)));
        if (!ok)
            return check_bounds(pi, v, fmt_num(v, text, sizeof(text)), err);
        *ifield(p, pi) = (int)v;
        return MOMO_OK;
    default:
        return momo_err_set(err, MOMO_EINVAL,
                            "%s: not a single number; it cannot be set "
                            "from one", pi->name);
    }
}

double momo_params_get_number(const momo_params *p, const momo_param_info *pi)
{
    const char *f = (const char *)p + pi->offset;

    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
        return *(const double *)(const void *)f;
    case MOMO_PARAM_INT:
    case MOMO_PARAM_BOOL:
        return *(const int *)(const void *)f;
    default:
        return NAN;
    }
}

int momo_params_format(const momo_params *p, const momo_param_info *pi,
                       char *buf, size_t n)
{
    const char *f = (const char *)p + pi->offset;
    char num[40];
    size_t used = 0;

    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
        return snprintf(buf, n, "%s",
                        fmt_num(*(const double *)(const void *)f, num,
                                sizeof(num)));
    case MOMO_PARAM_INT:
        return snprintf(buf, n, "%d", *(const int *)(const void *)f);
    case MOMO_PARAM_BOOL:
        return snprintf(buf, n, "%s",
                        *(const int *)(const void *)f ? "true" : "false");
    case MOMO_PARAM_STRING:
        return snprintf(buf, n, "%s", f);
    default:
        break;
    }
    for (int i = 0; i < pi->count; i++) {
        int w;

        if (pi->type == MOMO_PARAM_INT_LIST)
            snprintf(num, sizeof(num), "%d",
                     ((const int *)(const void *)f)[i]);
        else
            fmt_num(((const double *)(const void *)f)[i], num, sizeof(num));
        w = snprintf(buf + (used < n ? used : n), used < n ? n - used : 0,
                     "%s%s%s", i ? ", " : "[", num,
                     i == pi->count - 1 ? "]" : "");
        used += (size_t)w;
    }
    return (int)used;
}

int cfg_validate(const momo_params *p, const momo_param_info **who,
                 momo_err *err)
{
    char a[40], b[40];

    who[0] = who[1] = NULL;
    if (!(p->rsi_min < p->rsi_max)) {
        who[0] = momo_param_find("signals.entry.rsi_min");
        who[1] = momo_param_find("signals.entry.rsi_max");
        return momo_err_set(err, MOMO_EINVAL,
                            "signals.entry.rsi_min (%s) must be below "
                            "signals.entry.rsi_max (%s)",
                            fmt_num(p->rsi_min, a, sizeof(a)),
                            fmt_num(p->rsi_max, b, sizeof(b)));
    }
    if (!(p->sma_fast < p->sma_slow)) {
        who[0] = momo_param_find("indicators.sma_fast");
        who[1] = momo_param_find("indicators.sma_slow");
        return momo_err_set(err, MOMO_EINVAL,
                            "indicators.sma_fast (%d) must be below "
                            "indicators.sma_slow (%d)", p->sma_fast,
                            p->sma_slow);
    }
    {
        double sum = 0;

        for (int i = 0; i < MOMO_N_ROC; i++)
            sum += fabs(p->weights[i]);
        if (sum == 0) {
            who[0] = momo_param_find("scanner.weights");
            return momo_err_set(err, MOMO_EINVAL,
                                "scanner.weights: at least one weight must "
                                "be non-zero");
        }
    }
    return MOMO_OK;
}

int momo_params_validate(const momo_params *p, momo_err *err)
{
    const momo_param_info *who[2];

    return cfg_validate(p, who, err);
}

/*---- Sections: the dotted prefixes of parameter names ----*/

/* Length of the prefix of `name` that holds `dots` dots ("signals" for
 * 0, "signals.entry" for 1), or 0 when that prefix would be the whole
 * name. */
static size_t prefix_len(const char *name, int dots)
{
    const char *c = name;

    for (int k = 0; k <= dots; k++) {
        c = strchr(c, '.');
        if (!c)
            return 0;
        if (k < dots)
            c++;
    }
    return (size_t)(c - name);
}

int cfg_is_section(const char *name)
{
    size_t n = strlen(name);

    if (n == 0)
        return 0;
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strncmp(registry[i].name, name, n) == 0 &&
            registry[i].name[n] == '.')
            return 1;
    return 0;
}

const char *cfg_suggest_section(const char *name, char *buf, size_t n)
{
    size_t best_d = (size_t)-1;

    if (n == 0)
        return NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < N_PARAMS; i++) {
        for (int dots = 0;; dots++) {
            size_t len = prefix_len(registry[i].name, dots), d;
            char sec[128];

            if (len == 0 || len >= sizeof(sec))
                break;
            if (len_diff(strlen(name), len) > 2 + strlen(name) / 5)
                continue;
            memcpy(sec, registry[i].name, len);
            sec[len] = '\0';
            d = edit_distance(name, sec, 2 + strlen(name) / 5);
            if (d < best_d) {
                best_d = d;
                snprintf(buf, n, "%s", sec);
            }
        }
    }
    return best_d <= 2 + strlen(name) / 5 ? buf : NULL;
}

size_t cfg_param_index(const momo_param_info *pi)
{
    MOMO_ASSERT(pi >= registry && pi < registry + N_PARAMS);
    return (size_t)(pi - registry);
}
