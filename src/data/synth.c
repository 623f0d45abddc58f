/* synth.c - the embedded synthetic market (`momo data synth`).
 *
 * In:  momo_synth_opts (seed, number of stocks and coins, span,
 *      momentum strength, random-walk switch).
 * Out: a momo_dataset laid out by the dataset builder (dataset.c).
 *
 * Order of work: the stock calendar (weekdays less three fixed holidays)
 * and the regime schedule over it; the market factor (GARCH(1,1) variance,
 * Student-t innovations, drift from the regime); one factor per sector;
 * each stock (beta, sector loading, a slowly varying AR(1) drift that is
 * the momentum, idiosyncratic noise), whose cap-weighted returns make
 * SPY; VIX from SPY's realized volatility; AGG; the crypto factor on
 * every calendar day and the coins. docs/internals/synth.md gives the
 * equations and every parameter.
 *
 * Determinism: each part draws from its own stream, an MT19937 generator
 * reseeded from (seed, stream id), so a stock's path depends only on the
 * seed, the shared factors and its own index. Prices evolve in full
 * precision and are stored rounded to 6 significant digits (volumes to
 * whole units), so a last-bit difference in a libm function on another
 * machine cannot change the stored bytes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/core.h"
#include "data/data.h"
#include "momo/synth.h"

#define TD_YEAR 252.0           /* stock trading days in a year */
#define CD_YEAR 365.0           /* crypto trading days in a year */

/*---- Parameters (docs/internals/synth.md lists them all) ----*/

static const struct sector {
    const char *name, *code;
    double beta;                /* mean market beta of its stocks */
    double vol;                 /* annual volatility of the sector factor */
} sectors[] = {
    { "Information Technology", "TEC", 1.20, 0.14 },
    { "Health Care",            "HLT", 0.85, 0.10 },
    { "Financials",             "FIN", 1.15, 0.12 },
    { "Energy",                 "ENE", 1.00, 0.18 },
    { "Industrials",            "IND", 1.05, 0.09 },
    { "Consumer Discretionary", "CDS", 1.10, 0.10 },
    { "Consumer Staples",       "CST", 0.65, 0.08 },
    { "Utilities",              "UTL", 0.55, 0.10 },
    { "Materials",              "MAT", 1.05, 0.12 },
    { "Communication Services", "COM", 1.00, 0.11 },
    { "Real Estate",            "REA", 0.90, 0.13 },
};
#define N_SECTORS (sizeof(sectors) / sizeof(sectors[0]))

static const struct bucket {
    double beta;                /* multiplies the sector's beta */
    double idio_lo, idio_hi;    /* annual idiosyncratic volatility */
    double px_lo, px_hi;        /* first price, log-uniform */
    double cap_lo, cap_hi;      /* first market cap, log-uniform */
    double turn_lo, turn_hi;    /* share turnover per day */
} buckets[MOMO_N_SIZES] = {
    [MOMO_SIZE_LARGE] = { 1.00, 0.15, 0.25, 40, 300, 30e9, 600e9,
                          0.003, 0.006 },
    [MOMO_SIZE_MID]   = { 1.05, 0.22, 0.35, 20, 150, 3e9, 20e9,
                          0.004, 0.008 },
    [MOMO_SIZE_SMALL] = { 1.15, 0.32, 0.55, 10, 60, 0.5e9, 5e9,
                          0.005, 0.010 },
};

static const struct regime {
    double mu;          /* annual drift of the market factor (log) */
    double vol;         /* annual volatility the GARCH variance targets */
    double spread;      /* multiplies sector and idiosyncratic volatility */
    double volume;      /* multiplies traded volume */
    double bond_beta;   /* AGG's loading on the market factor */
} regimes[MOMO_SYNTH_N_REGIMES] = {
    [MOMO_SYNTH_BULL]        = {  0.17, 0.13, 1.0, 1.0,  0.02 },
    [MOMO_SYNTH_LOW_VOL]     = {  0.10, 0.07, 0.8, 0.8,  0.02 },
    [MOMO_SYNTH_BEAR]        = { -0.25, 0.26, 1.3, 1.3, -0.06 },
    [MOMO_SYNTH_CRASH]       = {  0.00, 0.55, 1.4, 2.2, -0.06 },
    [MOMO_SYNTH_SIDEWAYS]    = {  0.00, 0.15, 1.0, 0.9,  0.02 },
    [MOMO_SYNTH_FLASH_CRASH] = {  0.00, 0.35, 1.0, 2.5, -0.06 },
};

#define BULL_VOL (regimes[MOMO_SYNTH_BULL].vol)

static const char *const regime_names[MOMO_SYNTH_N_REGIMES] = {
    "bull", "low_vol", "bear", "crash", "sideways", "flash_crash"
};

/* The schedule over the N stock days: a stretch starts at floor(at * N),
 * or right after the fixed-length event before it (at < 0). */
static const struct stretch {
    int kind;
    double at;
    size_t len;         /* fixed length in days for the two events */
} schedule[] = {
    { MOMO_SYNTH_BULL,        0.000,  0 },
    { MOMO_SYNTH_LOW_VOL,     0.125,  0 },
    { MOMO_SYNTH_BEAR,        0.250,  0 },
    { MOMO_SYNTH_CRASH,       0.330, 21 },
    { MOMO_SYNTH_BULL,       -1.0,    0 },
    { MOMO_SYNTH_SIDEWAYS,    0.450,  0 },
    { MOMO_SYNTH_FLASH_CRASH, 0.550,  5 },
    { MOMO_SYNTH_SIDEWAYS,   -1.0,    0 },
    { MOMO_SYNTH_BULL,        0.650,  0 },
    { MOMO_SYNTH_BEAR,        0.820,  0 },
    { MOMO_SYNTH_BULL,        0.880,  0 },
};
#define N_STRETCHES (sizeof(schedule) / sizeof(schedule[0]))

#define CRASH_LOG      (-0.2231435513142098)   /* log(0.80) */
#define FLASH_LOG      (-0.0833816089390511)   /* log(0.92) */
#define FLASH_NOISE    0.3      /* noise scale in the flash-crash window */
#define SIDEWAYS_PULL  0.03     /* daily reversion to the sideways level */

#define GARCH_ALPHA    0.05
#define GARCH_BETA     0.93
#define GARCH_CAP      2.0      /* conditional vol at most 2 x target */
#define Z_MAX          6.0      /* innovations are clipped at +-6 sd */
#define MARKET_NU      5.0      /* Student-t degrees of freedom */
#define IDIO_NU        5.0
#define CRYPTO_NU      4.0

#define MOM_DRIFT      0.40     /* annual drift spread at momentum 1 */
#define MOM_DAYS       126.0    /* AR(1) time constant, trading days */
#define MOM_DRIFT_C    0.50     /* the same for coins */
#define MOM_DAYS_C     182.0    /* calendar days */

#define LISTING_SHARE  0.08     /* stocks listed after the start */

#define SPY_PRICE      120.0
#define SPY_DOLLARS    2e10     /* dollar volume per day */
#define AGG_PRICE      80.0
#define AGG_MU         0.035
#define AGG_VOL        0.04
#define AGG_DOLLARS    3e8
#define VIX_LAMBDA     0.94     /* EWMA of SPY's squared returns */
#define VIX_BASE       5.0      /* target = BASE + SLOPE * annual vol % */
#define VIX_SLOPE      0.9
#define VIX_LEVERAGE   0.5      /* weight of SPY's own shock, negated */
#define VIX_PULL       0.25
#define VIX_NOISE      0.06
#define VIX_MIN        8.0
#define VIX_MAX        95.0

#define CRYPTO_AT      0.25     /* share of the span before the first coin */
#define CRYPTO_FIRST   4        /* coins listed on that first day */
#define CRYPTO_MU      0.15
#define CRYPTO_VOL     0.60
#define CRYPTO_BETA    0.5      /* crypto factor's loading on the market */

enum {                          /* stream ids: one generator state each */
    STREAM_MARKET = 1,
    STREAM_SECTORS,
    STREAM_SPY,
    STREAM_AGG,
    STREAM_CRYPTO,
    STREAM_STOCK = 1000,
    STREAM_COIN = 1000000
};

/*---- State of one generation ----*/

struct synth {
    const momo_synth_opts *o;
    gsl_rng rng;                /* state allocated through core_malloc */
    size_t n_days;              /* stock trading days */
    size_t n_cal;               /* calendar days */
    int32_t first, last;        /* calendar span */
    int32_t *day;               /* day[t]: date of stock day t */
    unsigned char *kind;        /* regime of stock day t */
    double *rm;                 /* market factor log return on day t */
    double *msd;                /* its conditional daily sd on day t */
    double *fs;                 /* sector factors: fs[sec * n_days + t] */
    double *num, *den;          /* SPY: cap-weighted return sums */
    double *cf, *csd;           /* crypto factor on calendar day d */
    struct {                    /* one symbol's rows, reused */
        int32_t *date;
        double *open, *high, *low, *close, *volume;
    } rows;
    momo_dataset_builder *b;
};

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Reseed the generator for stream `id`; MT19937 takes 32 seed bits. */
static void stream(struct synth *s, uint64_t id)
{
    uint64_t k = splitmix64(s->o->seed ^ splitmix64(id));

    gsl_rng_set(&s->rng, (unsigned long)(k & 0xffffffffu));
}

static double uniform(const gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

static double loguniform(const gsl_rng *r, double lo, double hi)
{
    return exp(uniform(r, log(lo), log(hi)));
}

static double gauss(const gsl_rng *r)
{
    return gsl_ran_gaussian_ziggurat(r, 1.0);
}

/* Student-t with `nu` > 2 degrees of freedom, scaled to unit variance
 * and clipped at +-Z_MAX: fat tails without a 20-sd day. */
static double student(const gsl_rng *r, double nu)
{
    double z = gsl_ran_tdist(r, nu) * sqrt((nu - 2.0) / nu);

    return z > Z_MAX ? Z_MAX : z < -Z_MAX ? -Z_MAX : z;
}

/* `x` > 0 rounded to 6 significant digits with exact powers of ten, so
 * the result depends on `x` alone. Values beyond 1e-16 .. 1e22 stay. */
static double round_sig(double x)
{
    static const double p10[] = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    int k = 0;

    if (x >= 1e6) {
        while (k < 16 && x / p10[k + 1] >= 1e5)
            k++;
        return x / p10[k] >= 1e6 ? x : nearbyint(x / p10[k]) * p10[k];
    }
    while (k < 21 && x * p10[k] < 1e5)
        k++;
    return x * p10[k] < 1e5 ? x : nearbyint(x * p10[k]) / p10[k];
}

static double whole(double v)
{
    v = floor(v + 0.5);
    return v < 1.0 ? 1.0 : v;
}

static int is_stock_day(int32_t d)
{
    int y, m, dd;

    if (core_weekday(d) >= 5)
        return 0;
    core_civil_from_days(d, &y, &m, &dd);
    return !((m == 1 && dd == 1) || (m == 7 && dd == 4) ||
             (m == 12 && dd == 25));
}

/*---- Options, calendar and schedule ----*/

momo_synth_opts momo_synth_default_opts(void)
{
    momo_synth_opts o;

    memset(&o, 0, sizeof(o));
    o.seed = 1;
    o.n_stocks = 150;
    o.n_crypto = 12;
    o.years = 20;
    o.start = core_days_from_civil(2005, 1, 3);
    o.momentum = 0.5;
    o.random_walk = 0;
    return o;
}

const char *momo_synth_regime_name(int kind)
{
    if (kind < 0 || kind >= MOMO_SYNTH_N_REGIMES)
        return "?";
    return regime_names[kind];
}

static int check_opts(const momo_synth_opts *o, momo_err *err)
{
    int32_t lo = core_days_from_civil(1900, 1, 1);
    int32_t hi = core_days_from_civil(2200, 1, 1);

    if (o->n_stocks < 1 || o->n_stocks > MOMO_SYNTH_MAX_STOCKS)
        return momo_err_set(err, MOMO_EINVAL, "synth: stocks = %zu is out "
                            "of range 1..%d", o->n_stocks,
                            MOMO_SYNTH_MAX_STOCKS);
    if (o->n_crypto > MOMO_SYNTH_MAX_CRYPTO)
        return momo_err_set(err, MOMO_EINVAL, "synth: crypto = %zu is out "
                            "of range 0..%d", o->n_crypto,
                            MOMO_SYNTH_MAX_CRYPTO);
    if (o->years < 1 || o->years > MOMO_SYNTH_MAX_YEARS)
        return momo_err_set(err, MOMO_EINVAL, "synth: years = %d is out of "
                            "range 1..%d", o->years, MOMO_SYNTH_MAX_YEARS);
    if (!(o->momentum >= 0.0 && o->momentum <= MOMO_SYNTH_MAX_MOMENTUM))
        return momo_err_set(err, MOMO_EINVAL, "synth: momentum = %g is out "
                            "of range 0..%g", o->momentum,
                            MOMO_SYNTH_MAX_MOMENTUM);
    if (o->start < lo || o->start > hi) {
        char d[11];

        return momo_err_set(err, MOMO_EINVAL, "synth: start = %s is out of "
                            "range 1900-01-01..2200-01-01",
                            core_format_date(o->start, d));
    }
    return MOMO_OK;
}

/* Last calendar day: the end of the month before the start's month,
 * `years` years on (2005-01-03 and 20 years end on 2024-12-31). */
static int32_t span_end(const momo_synth_opts *o)
{
    int y, m, d;

    core_civil_from_days(o->start, &y, &m, &d);
    return core_days_from_civil(y + o->years, m, 1) - 1;
}

static size_t count_stock_days(int32_t first, int32_t last)
{
    size_t n = 0;

    for (int32_t d = first; d <= last; d++)
        n += (size_t)is_stock_day(d);
    return n;
}

/* First stock day index of each stretch, for a market of n days;
 * at[N_STRETCHES] = n. */
static void stretch_starts(size_t n, size_t *at)
{
    for (size_t k = 0; k < N_STRETCHES; k++)
        at[k] = schedule[k].at >= 0 ? (size_t)(schedule[k].at * (double)n)
                                    : at[k - 1] + schedule[k - 1].len;
    at[N_STRETCHES] = n;
}

int momo_synth_regimes(const momo_synth_opts *o, momo_synth_regime *out,
                       size_t max, size_t *n, momo_err *err)
{
    size_t at[N_STRETCHES + 1], t = 0, k = 0, n_days;
    int32_t first = o->start, last;
    int rc = check_opts(o, err);

    *n = 0;
    if (rc != MOMO_OK)
        return rc;
    if (o->random_walk)
        return MOMO_OK;
    if (max < N_STRETCHES)
        return momo_err_set(err, MOMO_EINVAL, "synth: room for %zu "
                            "regimes, the schedule has %zu", max,
                            (size_t)N_STRETCHES);
    last = span_end(o);
    n_days = count_stock_days(first, last);
    stretch_starts(n_days, at);
    for (int32_t d = first; d <= last && k < N_STRETCHES; d++) {
        if (!is_stock_day(d))
            continue;
        if (t == at[k]) {
            out[k].kind = schedule[k].kind;
            out[k].first_date = d;
        }
        if (t + 1 == at[k + 1]) {
            out[k].last_date = d;
            k++;
        }
        t++;
    }
    *n = N_STRETCHES;
    return MOMO_OK;
}

/*---- Allocation ----*/

static void synth_release(struct synth *s)
{
    core_free(s->rng.state);
    core_free(s->day);
    core_free(s->kind);
    core_free(s->rm);
    core_free(s->msd);
    core_free(s->fs);
    core_free(s->num);
    core_free(s->den);
    core_free(s->cf);
    core_free(s->csd);
    core_free(s->rows.date);
    core_free(s->rows.open);
    core_free(s->rows.high);
    core_free(s->rows.low);
    core_free(s->rows.close);
    core_free(s->rows.volume);
    momo_dataset_builder_free(s->b);
}

static int synth_init(struct synth *s, const momo_synth_opts *o,
                      momo_err *err)
{
    size_t n, nc;
    int rc;

    memset(s, 0, sizeof(*s));
    s->o = o;
    s->first = o->start;
    s->last = span_end(o);
    s->n_cal = nc = (size_t)(s->last - s->first) + 1;
    s->n_days = n = count_stock_days(s->first, s->last);
    s->rng.type = gsl_rng_mt19937;
    s->rng.state = core_malloc(gsl_rng_mt19937->size);
    s->day = core_malloc(n * sizeof(*s->day));
    s->kind = core_malloc(n);
    s->rm = core_calloc(n, sizeof(double));
    s->msd = core_calloc(n, sizeof(double));
    s->fs = core_calloc(n * N_SECTORS, sizeof(double));
    s->num = core_calloc(n, sizeof(double));
    s->den = core_calloc(n, sizeof(double));
    s->cf = core_calloc(nc, sizeof(double));
    s->csd = core_calloc(nc, sizeof(double));
    s->rows.date = core_malloc(nc * sizeof(int32_t));
    s->rows.open = core_malloc(nc * sizeof(double));
    s->rows.high = core_malloc(nc * sizeof(double));
    s->rows.low = core_malloc(nc * sizeof(double));
    s->rows.close = core_malloc(nc * sizeof(double));
    s->rows.volume = core_malloc(nc * sizeof(double));
    if (!s->rng.state || !s->day || !s->kind || !s->rm || !s->msd ||
        !s->fs || !s->num || !s->den || !s->cf || !s->csd ||
        !s->rows.date || !s->rows.open || !s->rows.high || !s->rows.low ||
        !s->rows.close || !s->rows.volume)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = momo_dataset_builder_new(&s->b, err);
    if (rc != MOMO_OK)
        return rc;
    n = 0;
    for (int32_t d = s->first; d <= s->last; d++)
        if (is_stock_day(d))
            s->day[n++] = d;
    return MOMO_OK;
}

/*---- Shared factors ----*/

static void mark_regimes(struct synth *s)
{
    size_t at[N_STRETCHES + 1];

    if (s->o->random_walk) {
        memset(s->kind, MOMO_SYNTH_BULL, s->n_days);
        return;
    }
    stretch_starts(s->n_days, at);
    for (size_t k = 0; k < N_STRETCHES; k++)
        for (size_t t = at[k]; t < at[k + 1]; t++)
            s->kind[t] = (unsigned char)schedule[k].kind;
}

/* The designed move of an event on its day t (window a .. e): the crash
 * falls by CRASH_LOG evenly; the flash crash falls by FLASH_LOG on its
 * first day and climbs back evenly over the others. */
static double event_drift(int kind, size_t t, size_t a, size_t e)
{
    if (kind == MOMO_SYNTH_CRASH)
        return CRASH_LOG / (double)(e - a);
    return t == a ? FLASH_LOG : -FLASH_LOG / (double)(e - a - 1);
}

/* The market factor: r_t = drift_t + e_t, e_t = sqrt(h_t) z_t with z_t
 * unit Student-t and h_{t+1} = w + a e_t^2 + b h_t, w set so h reverts
 * to the regime's variance; h stays below GARCH_CAP^2 times it. A crash
 * or a flash crash starts from at least its own variance, adds its
 * designed move, and has its noise made to sum to zero over its window,
 * so its size does not depend on luck. A sideways stretch pulls the
 * factor's level back to where the stretch began. */
static void market_factor(struct synth *s)
{
    const gsl_rng *r = &s->rng;
    size_t at[N_STRETCHES + 1];
    double h = BULL_VOL * BULL_VOL / TD_YEAR;
    double level = 0.0, anchor = 0.0;

    if (s->o->random_walk)
        return;
    stream(s, STREAM_MARKET);
    stretch_starts(s->n_days, at);
    for (size_t k = 0; k < N_STRETCHES; k++) {
        int kind = schedule[k].kind;
        const struct regime *g = &regimes[kind];
        double var = g->vol * g->vol / TD_YEAR;
        double w = var * (1.0 - GARCH_ALPHA - GARCH_BETA);
        double hmax = GARCH_CAP * GARCH_CAP * var;
        double mu = g->mu / TD_YEAR, sum = 0.0;
        int event = kind == MOMO_SYNTH_CRASH ||
                    kind == MOMO_SYNTH_FLASH_CRASH;
        size_t a = at[k], e = at[k + 1];

        if (event && h < var)
            h = var;
        if (h > hmax)
            h = hmax;
        if (kind == MOMO_SYNTH_SIDEWAYS &&
            (k == 0 || schedule[k - 1].kind != MOMO_SYNTH_FLASH_CRASH))
            anchor = level;
        for (size_t t = a; t < e; t++) {
            double x;

            s->msd[t] = sqrt(h);
            x = s->msd[t] * student(r, MARKET_NU);
            if (kind == MOMO_SYNTH_FLASH_CRASH)
                x *= FLASH_NOISE;
            if (event) {        /* the move is added after the bridge */
                s->rm[t] = x;
                sum += x;
            } else if (kind == MOMO_SYNTH_SIDEWAYS) {
                s->rm[t] = -SIDEWAYS_PULL * (level - anchor) + x;
                level += s->rm[t];
            } else {
                s->rm[t] = mu + x;
                level += s->rm[t];
            }
            h = w + GARCH_ALPHA * x * x + GARCH_BETA * h;
            if (h > hmax)
                h = hmax;
        }
        for (size_t t = a; event && t < e; t++) {
            s->rm[t] += event_drift(kind, t, a, e) - sum / (double)(e - a);
            level += s->rm[t];
        }
    }
}

static void sector_factors(struct synth *s)
{
    const gsl_rng *r = &s->rng;

    if (s->o->random_walk)
        return;
    stream(s, STREAM_SECTORS);
    for (size_t sec = 0; sec < N_SECTORS; sec++) {
        double sd = sectors[sec].vol / sqrt(TD_YEAR);
        double *f = s->fs + sec * s->n_days;

        for (size_t t = 0; t < s->n_days; t++)
            f[t] = sd * regimes[s->kind[t]].spread * gauss(r);
    }
}

/*---- Bars ----*/

/* One bar from the previous close, today's log return `ret` and the
 * day's typical sd: the open gaps by part of the move (stocks) or is the
 * previous close (coins, which trade around the clock); high and low
 * reach past both by half-normal amounts. */
static void make_bar(struct synth *s, size_t i, int32_t date, double prev,
                     double close, double ret, double sd, int gap,
                     double volume)
{
    const gsl_rng *r = &s->rng;
    double open = prev, hi, lo;

    if (gap)
        open = prev * exp(0.3 * ret + 0.25 * sd * gauss(r));
    hi = (open > close ? open : close) * exp(0.5 * sd * fabs(gauss(r)));
    lo = (open < close ? open : close) * exp(-0.5 * sd * fabs(gauss(r)));
    s->rows.date[i] = date;
    s->rows.open[i] = round_sig(open);
    s->rows.high[i] = round_sig(hi);
    s->rows.low[i] = round_sig(lo);
    s->rows.close[i] = round_sig(close);
    s->rows.volume[i] = volume;
}

static int add_rows(struct synth *s, const char *name, const char *sector,
                    int asset_class, int size, size_t n, momo_err *err)
{
    momo_symbol m;
    momo_series bars;

    memset(&m, 0, sizeof(m));
    m.name = name;
    m.sector = sector;
    m.asset_class = asset_class;
    m.size = size;
    bars.n = n;
    bars.date = s->rows.date;
    bars.open = s->rows.open;
    bars.high = s->rows.high;
    bars.low = s->rows.low;
    bars.close = s->rows.close;
    bars.volume = s->rows.volume;
    return momo_dataset_builder_add(s->b, &m, &bars, err);
}

/* Size bucket of the j-th stock of sector `sec`: 2 in 10 large, 3 mid,
 * 5 small, interleaved so that every sector with a few stocks, and the
 * first stocks of the sectors together, hold all three. */
static int bucket_of(size_t sec, size_t j)
{
    static const unsigned char pattern[10] = {
        MOMO_SIZE_LARGE, MOMO_SIZE_MID, MOMO_SIZE_SMALL, MOMO_SIZE_SMALL,
        MOMO_SIZE_MID, MOMO_SIZE_LARGE, MOMO_SIZE_SMALL, MOMO_SIZE_MID,
        MOMO_SIZE_SMALL, MOMO_SIZE_SMALL
    };

    return pattern[(sec + j) % 10];
}

/* Stock i: r_t = beta rm_t + gamma f_sec,t + m MOM_DRIFT a_t / 252
 *              - (sf^2 + si^2) / 2 + si e_t
 * with a_t = phi a_{t-1} + sqrt(1 - phi^2) u_t the persistent drift; the
 * variance term keeps sector and own noise from adding to the expected
 * price, so an index of the stocks follows the market factor. */
static int add_stock(struct synth *s, size_t i, momo_err *err)
{
    const gsl_rng *r = &s->rng;
    size_t sec = i % N_SECTORS, j = i / N_SECTORS, first = 0, n = 0;
    int size = bucket_of(sec, j);
    const struct bucket *bk = &buckets[size];
    double beta, gamma, idio, px, shares, turnover, a, x, prev;
    double phi = exp(-1.0 / MOM_DAYS), innov = sqrt(1.0 - phi * phi);
    double drift_sd = s->o->momentum * MOM_DRIFT / TD_YEAR;
    const double *f = s->fs + sec * s->n_days;
    char name[MOMO_SYMBOL_MAX + 1];

    stream(s, STREAM_STOCK + i);
    snprintf(name, sizeof(name), "%s%02zu", sectors[sec].code, j + 1);
    beta = sectors[sec].beta * bk->beta * uniform(r, 0.85, 1.15);
    gamma = uniform(r, 0.7, 1.3);
    idio = uniform(r, bk->idio_lo, bk->idio_hi) / sqrt(TD_YEAR);
    px = loguniform(r, bk->px_lo, bk->px_hi);
    shares = loguniform(r, bk->cap_lo, bk->cap_hi) / px;
    turnover = uniform(r, bk->turn_lo, bk->turn_hi);
    a = gauss(r);
    if (j > 0 && gsl_rng_uniform(r) < LISTING_SHARE)
        first = (size_t)((double)s->n_days * uniform(r, 0.1, 0.6));
    if (s->o->random_walk)      /* the whole volatility, no factors */
        idio = sqrt(idio * idio + beta * beta * BULL_VOL * BULL_VOL /
                    TD_YEAR);
    x = log(px);
    prev = px;
    for (size_t t = first; t < s->n_days; t++) {
        const struct regime *g = &regimes[s->kind[t]];
        double ret, sd, close, vol;

        if (s->o->random_walk) {
            sd = idio;
            ret = -0.5 * sd * sd + sd * gauss(r);
        } else {
            double si = idio * g->spread;
            double sf = gamma * sectors[sec].vol / sqrt(TD_YEAR) * g->spread;
            double sm = beta * s->msd[t];

            a = phi * a + innov * gauss(r);
            ret = beta * s->rm[t] + gamma * f[t] + drift_sd * a -
                  0.5 * (sf * sf + si * si) + si * student(r, IDIO_NU);
            sd = sqrt(sm * sm + sf * sf + si * si);
        }
        x += ret;
        close = exp(x);
        vol = shares * turnover * g->volume *
              exp(0.35 * gauss(r) - 0.06125) *
              (1.0 + 0.6 * fabs(ret) / sd) / 1.48;
        make_bar(s, n++, s->day[t], prev, close, ret, sd, 1, whole(vol));
        if (t > first) {
            double w = sqrt(shares * prev);

            s->num[t] += w * (close / prev - 1.0);
            s->den[t] += w;
        }
        prev = close;
    }
    return add_rows(s, name, sectors[sec].name, MOMO_STOCK, size, n, err);
}

/* SPY is the index of the stocks, each weighted by the square root of
 * its market cap (pure cap weights let a few giants swamp a universe of
 * 150); VIX follows SPY's EWMA realized volatility and jumps when SPY
 * falls. */
static int add_spy_vix(struct synth *s, momo_err *err)
{
    const gsl_rng *r = &s->rng;
    double v = BULL_VOL * BULL_VOL / TD_YEAR;
    double px = SPY_PRICE, lvix, *vix_close;
    size_t n = s->n_days;
    int rc;

    /* VIX closes wait in s->cf, unused until the coins. */
    vix_close = s->cf;
    stream(s, STREAM_SPY);
    lvix = log(VIX_BASE + VIX_SLOPE * 100.0 * sqrt(TD_YEAR * v));
    for (size_t t = 0; t < n; t++) {
        double ret = 0.0, close, z = 0.0, target, sd = sqrt(v);

        if (t > 0 && s->den[t] > 0.0)
            ret = log1p(s->num[t] / s->den[t]);
        close = px * exp(ret);
        z = ret / sd;
        v = VIX_LAMBDA * v + (1.0 - VIX_LAMBDA) * ret * ret;
        make_bar(s, t, s->day[t], px, close, ret, sd, 1,
                 whole(SPY_DOLLARS * regimes[s->kind[t]].volume *
                       exp(0.25 * gauss(r)) / close));
        px = close;
        target = VIX_BASE + VIX_SLOPE * 100.0 * sqrt(TD_YEAR * v);
        if (t > 0)
            lvix += VIX_PULL * (log(target) - lvix) +
                    VIX_NOISE * (-VIX_LEVERAGE * z +
                                 sqrt(1.0 - VIX_LEVERAGE * VIX_LEVERAGE) *
                                 gauss(r));
        if (lvix < log(VIX_MIN))
            lvix = log(VIX_MIN);
        if (lvix > log(VIX_MAX))
            lvix = log(VIX_MAX);
        vix_close[t] = exp(lvix);
    }
    rc = add_rows(s, "SPY", "", MOMO_ETF, MOMO_SIZE_NONE, n, err);
    if (rc != MOMO_OK)
        return rc;
    for (size_t t = 0; t < n; t++) {
        double prev = t > 0 ? vix_close[t - 1] : vix_close[0];
        double ret = log(vix_close[t] / prev);

        make_bar(s, t, s->day[t], prev, vix_close[t], ret, 0.05, 1, 0.0);
    }
    return add_rows(s, "VIX", "", MOMO_INDEX, MOMO_SIZE_NONE, n, err);
}

/* AGG: slow drift, low volatility, a small loading on the market factor
 * that turns negative in bear markets and crashes (flight to quality). */
static int add_agg(struct synth *s, momo_err *err)
{
    const gsl_rng *r = &s->rng;
    double px = AGG_PRICE, sd0 = AGG_VOL / sqrt(TD_YEAR);

    stream(s, STREAM_AGG);
    for (size_t t = 0; t < s->n_days; t++) {
        const struct regime *g = &regimes[s->kind[t]];
        double ret, close, sd = sd0;

        if (s->o->random_walk) {
            ret = -0.5 * sd * sd + sd * gauss(r);
        } else {
            if (g->bond_beta < 0)
                sd *= 1.5;
            ret = AGG_MU / TD_YEAR + g->bond_beta * s->rm[t] +
                  sd * gauss(r);
        }
        close = px * exp(ret);
        make_bar(s, t, s->day[t], px, close, ret, sd, 1,
                 whole(AGG_DOLLARS * g->volume * exp(0.3 * gauss(r)) /
                       close));
        px = close;
    }
    return add_rows(s, "AGG", "", MOMO_BOND, MOMO_SIZE_NONE, s->n_days, err);
}

/*---- Crypto ----*/

/* The crypto factor on every calendar day from the first coin: GARCH
 * with Student-t (4) innovations, plus half the market factor on stock
 * days. */
static void crypto_factor(struct synth *s, size_t d0)
{
    const gsl_rng *r = &s->rng;
    double var = CRYPTO_VOL * CRYPTO_VOL / CD_YEAR, h = var;
    double w = var * (1.0 - GARCH_ALPHA - GARCH_BETA);
    double hmax = GARCH_CAP * GARCH_CAP * var;
    size_t t = 0;

    if (s->o->random_walk)
        return;
    stream(s, STREAM_CRYPTO);
    for (size_t d = 0; d < s->n_cal; d++) {
        int32_t date = s->first + (int32_t)d;
        double x = 0.0, m = 0.0;

        while (t < s->n_days && s->day[t] < date)
            t++;
        if (t < s->n_days && s->day[t] == date)
            m = CRYPTO_BETA * s->rm[t];
        if (d < d0)
            continue;
        s->csd[d] = sqrt(h);
        x = s->csd[d] * student(r, CRYPTO_NU);
        s->cf[d] = CRYPTO_MU / CD_YEAR + m + x;
        h = w + GARCH_ALPHA * x * x + GARCH_BETA * h;
        if (h > hmax)
            h = hmax;
    }
}

static int add_coin(struct synth *s, size_t k, size_t d0, momo_err *err)
{
    const gsl_rng *r = &s->rng;
    double beta, idio, px, dollars, a, x, prev;
    double phi = exp(-1.0 / MOM_DAYS_C), innov = sqrt(1.0 - phi * phi);
    double drift_sd = s->o->momentum * MOM_DRIFT_C / CD_YEAR;
    size_t first = d0, n = 0;
    char name[MOMO_SYMBOL_MAX + 1];

    stream(s, STREAM_COIN + k);
    snprintf(name, sizeof(name), "XC%02zu-USD", k + 1);
    beta = uniform(r, 0.7, 1.3);
    idio = uniform(r, 0.4, 0.9) / sqrt(CD_YEAR);
    px = loguniform(r, 1.0, 3000.0);
    dollars = loguniform(r, 1e7, 5e8);
    a = gauss(r);
    if (k >= CRYPTO_FIRST)
        first += (size_t)(0.25 * (double)(s->n_cal - d0) *
                          gsl_rng_uniform(r));
    if (s->o->random_walk)
        idio = sqrt(idio * idio + beta * beta * CRYPTO_VOL * CRYPTO_VOL /
                    CD_YEAR);
    x = log(px);
    prev = px;
    for (size_t d = first; d < s->n_cal; d++) {
        double ret, sd, close, vol;

        if (s->o->random_walk) {
            sd = idio;
            ret = -0.5 * sd * sd + sd * gauss(r);
        } else {
            double sm = beta * s->csd[d];

            a = phi * a + innov * gauss(r);
            ret = beta * s->cf[d] + drift_sd * a - 0.5 * idio * idio +
                  idio * student(r, CRYPTO_NU);
            sd = sqrt(sm * sm + idio * idio);
        }
        x += ret;
        close = exp(x);
        /* dollar volume grows with the square root of the price */
        vol = dollars / sqrt(px * close) * exp(0.4 * gauss(r) - 0.08) *
              (1.0 + 0.6 * fabs(ret) / sd) / 1.48;
        make_bar(s, n++, s->first + (int32_t)d, prev, close, ret, sd, 0,
                 whole(vol));
        prev = close;
    }
    return add_rows(s, name, "", MOMO_CRYPTO, MOMO_SIZE_NONE, n, err);
}

/*---- Entry point ----*/

int momo_synth_generate(const momo_synth_opts *o, momo_dataset **out,
                        momo_err *err)
{
    struct synth s;
    size_t d0 = 0;
    int rc;

    *out = NULL;
    rc = check_opts(o, err);
    if (rc != MOMO_OK)
        return rc;
    rc = synth_init(&s, o, err);
    if (rc == MOMO_OK) {
        mark_regimes(&s);
        market_factor(&s);
        sector_factors(&s);
    }
    for (size_t i = 0; rc == MOMO_OK && i < o->n_stocks; i++)
        rc = add_stock(&s, i, err);
    if (rc == MOMO_OK)
        rc = add_spy_vix(&s, err);
    if (rc == MOMO_OK)
        rc = add_agg(&s, err);
    /* the first coins trade from the stock day CRYPTO_AT into the span */
    if (rc == MOMO_OK && o->n_crypto > 0) {
        size_t t0 = (size_t)(CRYPTO_AT * (double)s.n_days);

        d0 = (size_t)(s.day[t0] - s.first);
        memset(s.cf, 0, s.n_cal * sizeof(double));
        crypto_factor(&s, d0);
    }
    for (size_t k = 0; rc == MOMO_OK && k < o->n_crypto; k++)
        rc = add_coin(&s, k, d0, err);
    if (rc == MOMO_OK) {
        rc = momo_dataset_builder_finish(s.b, out, err);
        s.b = NULL;
    }
    synth_release(&s);
    return rc;
}
