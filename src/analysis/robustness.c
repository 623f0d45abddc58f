/* robustness.c - where the strategy breaks.
 *
 * In:  the engine, parameters and window of the baseline backtest, the
 *      named periods, the stress date.
 * Out: one test per changed thing, each a run compared with the
 *      baseline; a score from 0 to 100 and the weaknesses in words.
 *
 *   periods      the baseline parameters over each named date range
 *                (outside the data: skipped), beside the market ETF's
 *                buy and hold over the same rows;
 *   universes    large, mid and small caps (size buckets from the
 *                universe file, or terciles of median dollar volume
 *                over the window when a bucket is empty), stocks only,
 *                crypto only, the mixed universe and each sector: an
 *                engine per universe, ranks within it (STRATEGY.md 11.2);
 *   stress       each scenario of stress.c injected at the stress date
 *                into an in-memory copy of the dataset;
 *   assumptions  slippage x2 and x3, commissions x2, one more bar of
 *                entry delay, 50% and 80% fills.
 *
 * Tests run on worker threads, one job per test; a job writes only its
 * own test, so the result does not depend on the threads. The score
 * formula and the wording rules are in docs/internals/analysis.md.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "core/core.h"

/* Category weights of the score. */
static const double cat_weight[MOMO_N_ROBUST] = { 0.25, 0.25, 0.20, 0.30 };

static const char *const cat_names[MOMO_N_ROBUST] = {
    "periods", "universes", "stress", "assumptions"
};

const char *momo_robust_category_name(int cat)
{
    if (cat < 0 || cat >= MOMO_N_ROBUST)
        return NULL;
    return cat_names[cat];
}

enum job_kind { JOB_EVAL, JOB_UNIVERSE, JOB_STRESS, JOB_SKIP };

struct rjob {
    int kind;
    momo_params p;
    momo_window win;
    uint32_t *syms;             /* universe: dataset symbols */
    size_t n_syms;
    int stress;                 /* enum momo_stress_kind */
    int period;                 /* 1: compare with the market */
};

struct momo_robust_result {
    momo_metrics base;
    int32_t from, to;
    size_t n_symbols;
    momo_robust_test *tests;
    size_t n_tests;
    double score, cat_score[MOMO_N_ROBUST];
    char **weak;
    size_t n_weak;
    char market[MOMO_NAME_MAX];
    int32_t stress_date;
    int stress_uniform;
};

struct ctx {
    const momo_engine *eng;
    const momo_params *p;
    const momo_robust_opts *o;
    const char *market;
    long market_sym;
    int32_t stress_date;
    struct rjob *jobs;
    momo_robust_test *tests;
    int *rc;                    /* per job: fatal errors only */
    momo_err *err;              /* per job */
};

/*---- Building the list of tests ----*/

struct list {
    momo_robust_test *t;
    struct rjob *j;
    size_t n, cap;
};

static int push(struct list *l, int cat, const char *name,
                const char *what, int kind)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        momo_robust_test *t = core_realloc(l->t, cap * sizeof(*t));
        struct rjob *j;

        if (!t)
            return MOMO_ENOMEM;
        l->t = t;
        j = core_realloc(l->j, cap * sizeof(*j));
        if (!j)
            return MOMO_ENOMEM;
        l->j = j;
        l->cap = cap;
    }
    memset(&l->t[l->n], 0, sizeof(l->t[0]));
    memset(&l->j[l->n], 0, sizeof(l->j[0]));
    l->t[l->n].category = cat;
    snprintf(l->t[l->n].name, sizeof(l->t[0].name), "%s.%s", cat_names[cat],
             name);
    snprintf(l->t[l->n].what, sizeof(l->t[0].what), "%s", what);
    l->t[l->n].market_return = NAN;
    l->j[l->n].kind = kind;
    l->n++;
    return MOMO_OK;
}

static momo_robust_test *last_test(struct list *l)
{
    return &l->t[l->n - 1];
}

static struct rjob *last_job(struct list *l)
{
    return &l->j[l->n - 1];
}

static void skip(struct list *l, const char *fmt, const char *arg)
{
    last_job(l)->kind = JOB_SKIP;
    last_test(l)->skipped = 1;
    snprintf(last_test(l)->note, sizeof(last_test(l)->note), fmt, arg);
}

static int add_periods(struct list *l, const momo_engine *eng,
                       const momo_params *p, const momo_robust_opts *o)
{
    const momo_period *per = o->periods;
    size_t n = o->n_periods, n_cal;
    const int32_t *cal = momo_engine_calendar(eng, &n_cal);

    if (!per)
        per = momo_periods_default(&n);
    for (size_t i = 0; i < n; i++) {
        char what[128], a[11], b[11], c[11], d[11], note[192];

        snprintf(what, sizeof(what), "in the %s period (%s .. %s)",
                 per[i].name, core_format_date(per[i].from, a),
                 core_format_date(per[i].to, b));
        if (push(l, MOMO_ROBUST_PERIOD, per[i].name, what, JOB_EVAL))
            return MOMO_ENOMEM;
        last_job(l)->p = *p;
        last_job(l)->win.from = per[i].from;
        last_job(l)->win.to = per[i].to;
        last_job(l)->period = 1;
        if (per[i].to < cal[0] || per[i].from > cal[n_cal - 1]) {
            snprintf(note, sizeof(note), "outside the data (%s .. %s)",
                     core_format_date(cal[0], c),
                     core_format_date(cal[n_cal - 1], d));
            skip(l, "%s", note);
        } else if (per[i].from < cal[0] || per[i].to > cal[n_cal - 1]) {
            snprintf(last_test(l)->note, sizeof(last_test(l)->note),
                     "partly outside the data (%s .. %s): run on the "
                     "overlap", core_format_date(cal[0], c),
                     core_format_date(cal[n_cal - 1], d));
        }
    }
    return MOMO_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Median dollar volume (close x volume) of each bar of `sym` dated in
 * [from, to]; NaN without bars there. `tmp` holds the symbol's bars. */
static double median_dollar_volume(const momo_dataset *ds, uint32_t sym,
                                   int32_t from, int32_t to, double *tmp)
{
    momo_series s;
    size_t n = 0;

    momo_dataset_series(ds, sym, &s);
    for (size_t t = 0; t < s.n; t++)
        if (s.date[t] >= from && s.date[t] <= to)
            tmp[n++] = s.close[t] * s.volume[t];
    if (n == 0)
        return NAN;
    qsort(tmp, n, sizeof(double), cmp_double);
    return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

struct dv {
    double v;
    uint32_t sym;
};

static int cmp_dv(const void *a, const void *b)
{
    const struct dv *x = a, *y = b;

    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;           /* largest first */
    return x->sym < y->sym ? -1 : x->sym > y->sym;
}

/* size[i] for the traded symbols: from the universe file, or terciles
 * of median dollar volume over the window when a bucket is empty. */
static int size_buckets(const momo_engine *eng, int32_t from, int32_t to,
                        int *size, int *derived)
{
    size_t n, count[MOMO_N_SIZES] = { 0 }, m = 0, most = 1;
    const uint32_t *syms = momo_engine_symbols(eng, &n);
    const momo_dataset *ds = momo_engine_dataset(eng);
    struct dv *v;
    double *tmp;

    *derived = 0;
    for (size_t i = 0; i < n; i++) {
        const momo_symbol *s = momo_dataset_symbol(ds, syms[i]);

        size[i] = s->asset_class == MOMO_STOCK ? s->size : MOMO_SIZE_NONE;
        count[size[i]]++;
        if (s->n_bars > most)
            most = s->n_bars;
    }
    if (count[MOMO_SIZE_LARGE] && count[MOMO_SIZE_MID] &&
        count[MOMO_SIZE_SMALL])
        return MOMO_OK;
    *derived = 1;
    v = core_malloc((n + 1) * sizeof(*v));
    tmp = core_malloc(most * sizeof(double));
    if (!v || !tmp) {
        core_free(v);
        core_free(tmp);
        return MOMO_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size[i] = MOMO_SIZE_NONE;
        if (momo_dataset_symbol(ds, syms[i])->asset_class != MOMO_STOCK)
            continue;
        v[m].v = median_dollar_volume(ds, syms[i], from, to, tmp);
        v[m].sym = (uint32_t)i;
        if (isfinite(v[m].v))
            m++;
    }
    qsort(v, m, sizeof(*v), cmp_dv);
    for (size_t k = 0; k < m; k++)
        size[v[k].sym] = k < m / 3 ? MOMO_SIZE_LARGE
                         : k < 2 * m / 3 ? MOMO_SIZE_MID : MOMO_SIZE_SMALL;
    core_free(v);
    core_free(tmp);
    return MOMO_OK;
}

/* A universe test of the traded symbols i with keep[i]. */
static int add_universe(struct list *l, const momo_engine *eng,
                        const momo_params *p, const momo_window *win,
                        const char *name, const char *what,
                        const unsigned char *keep, const char *empty_note)
{
    size_t n, k = 0;
    const uint32_t *syms = momo_engine_symbols(eng, &n);
    struct rjob *j;

    if (push(l, MOMO_ROBUST_UNIVERSE, name, what, JOB_UNIVERSE))
        return MOMO_ENOMEM;
    j = last_job(l);
    j->p = *p;
    if (win)
        j->win = *win;
    j->syms = core_malloc((n + 1) * sizeof(uint32_t));
    if (!j->syms)
        return MOMO_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            j->syms[k++] = syms[i];
    j->n_syms = k;
    if (k == 0)
        skip(l, "%s", empty_note);
    else if (k == n) {
        j->kind = JOB_EVAL;       /* the baseline's own universe */
        snprintf(last_test(l)->note, sizeof(last_test(l)->note),
                 "the whole traded universe: the baseline");
    }
    return MOMO_OK;
}

static void slug(const char *s, char *out, size_t n)
{
    size_t k = 0;

    for (; *s && k + 1 < n; s++)
        out[k++] = isalnum((unsigned char)*s)
                   ? (char)tolower((unsigned char)*s) : '_';
    out[k] = '\0';
}

/* One symbol per distinct non-empty sector of syms[0..n), sorted by
 * sector name, into out[0..*n_out). */
static int sector_order(const momo_dataset *ds, const uint32_t *syms,
                        size_t n, uint32_t *out, size_t *n_out)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const char *sec = momo_dataset_symbol(ds, syms[i])->sector;
        size_t lo = 0, hi = k;

        if (!sec[0])
            continue;
        while (lo < hi) {                   /* insertion by name */
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(momo_dataset_symbol(ds, out[mid])->sector, sec);

            if (c == 0) {
                lo = SIZE_MAX;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == SIZE_MAX)
            continue;
        memmove(out + lo + 1, out + lo, (k - lo) * sizeof(*out));
        out[lo] = syms[i];
        k++;
    }
    *n_out = k;
    return MOMO_OK;
}

static int add_universes(struct list *l, const momo_engine *eng,
                         const momo_params *p, const momo_window *win,
                         int32_t from, int32_t to)
{
    static const char *const size_label[MOMO_N_SIZES] = {
        "", "large", "mid", "small"
    };
    size_t n;
    const uint32_t *syms = momo_engine_symbols(eng, &n);
    const momo_dataset *ds = momo_engine_dataset(eng);
    unsigned char *keep = core_malloc(n + 1);
    int *size = core_malloc((n + 1) * sizeof(int)), derived, rc;
    uint32_t *sec_order = core_malloc((n + 1) * sizeof(uint32_t));
    size_t n_sec = 0;

    if (!keep || !size || !sec_order) {
        rc = MOMO_ENOMEM;
        goto out;
    }
    rc = size_buckets(eng, from, to, size, &derived);
    for (int b = MOMO_SIZE_LARGE; rc == MOMO_OK && b <= MOMO_SIZE_SMALL;
         b++) {
        char name[32], what[64];

        for (size_t i = 0; i < n; i++)
            keep[i] = size[i] == b;
        snprintf(name, sizeof(name), "%s_cap", size_label[b]);
        snprintf(what, sizeof(what), "on %s caps only", size_label[b]);
        rc = add_universe(l, eng, p, win, name, what, keep,
                          "no stock in this size bucket");
        if (rc == MOMO_OK && derived && !last_test(l)->skipped)
            snprintf(last_test(l)->note, sizeof(last_test(l)->note),
                     "size buckets derived: terciles of median dollar "
                     "volume over the window (the universe file gives "
                     "none for some bucket)");
    }
    for (int c = 0; rc == MOMO_OK && c < 3; c++) {
        static const char *const nm[3] = { "stocks", "crypto", "mixed" };
        static const char *const wh[3] = {
            "on stocks only", "on crypto only", "on stocks and crypto"
        };
        int has_s = 0, has_c = 0;

        for (size_t i = 0; i < n; i++) {
            int cls = momo_dataset_symbol(ds, syms[i])->asset_class;

            keep[i] = c == 2 || (c == 0 ? cls == MOMO_STOCK
                                        : cls == MOMO_CRYPTO);
            has_s |= cls == MOMO_STOCK;
            has_c |= cls == MOMO_CRYPTO;
        }
        if (c == 2 && !(has_s && has_c)) {
            if (push(l, MOMO_ROBUST_UNIVERSE, nm[c], wh[c], JOB_SKIP)) {
                rc = MOMO_ENOMEM;
                break;
            }
            skip(l, "%s", has_s ? "the universe has no crypto"
                                : "the universe has no stock");
            continue;
        }
        rc = add_universe(l, eng, p, win, nm[c], wh[c], keep,
                          c == 0 ? "the universe has no stock"
                                 : "the universe has no crypto");
    }
    /* each sector, in name order */
    if (rc == MOMO_OK)
        rc = sector_order(ds, syms, n, sec_order, &n_sec);
    for (size_t si = 0; rc == MOMO_OK && si < n_sec; si++) {
        const char *sec = momo_dataset_symbol(ds, sec_order[si])->sector;
        char name[96], what[128], sl[80];

        for (size_t j = 0; j < n; j++)
            keep[j] = strcmp(momo_dataset_symbol(ds, syms[j])->sector,
                             sec) == 0;
        slug(sec, sl, sizeof(sl));
        snprintf(name, sizeof(name), "sector_%s", sl);
        snprintf(what, sizeof(what), "on the %s sector only", sec);
        rc = add_universe(l, eng, p, win, name, what, keep, "empty");
    }
out:
    core_free(keep);
    core_free(size);
    core_free(sec_order);
    return rc;
}

static int add_stress(struct list *l, const momo_params *p,
                      const momo_window *win, int32_t date)
{
    static const char *const what[MOMO_N_STRESS] = {
        "in a -20%% market month from %s",
        "in a one-day -10%% flash crash on %s",
        "in a -35%% six-month drawdown from %s",
        "in a six-month low-volatility grind from %s"
    };

    for (int k = 0; k < MOMO_N_STRESS; k++) {
        char w[128], d[11];

        snprintf(w, sizeof(w), what[k], core_format_date(date, d));
        if (push(l, MOMO_ROBUST_STRESS, momo_stress_name(k), w, JOB_STRESS))
            return MOMO_ENOMEM;
        last_job(l)->p = *p;
        if (win)
            last_job(l)->win = *win;
        last_job(l)->stress = k;
    }
    return MOMO_OK;
}

static int add_assumptions(struct list *l, const momo_params *p,
                           const momo_window *win)
{
    static const struct {
        const char *name, *what;
    } a[] = {
        { "slippage_x2", "when slippage doubles" },
        { "slippage_x3", "when slippage triples" },
        { "commission_x2", "when commissions double" },
        { "entry_delay_plus_1", "with one more bar of entry delay" },
        { "fills_50", "with 50% fills" },
        { "fills_80", "with 80% fills" },
    };

    for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
        momo_params q = *p;

        if (push(l, MOMO_ROBUST_ASSUMPTION, a[k].name, a[k].what, JOB_EVAL))
            return MOMO_ENOMEM;
        switch (k) {
        case 0:
        case 1:
            q.slippage_bps_stock *= (double)(k + 2);
            q.slippage_bps_crypto *= (double)(k + 2);
            break;
        case 2:
            q.commission_per_share *= 2;
            q.commission_min *= 2;
            q.fee_bps_crypto *= 2;
            break;
        case 3:
            q.entry_delay_bars += 1;
            break;
        default:
            q.fill_ratio *= k == 4 ? 0.5 : 0.8;
            break;
        }
        last_job(l)->p = q;
        if (win)
            last_job(l)->win = *win;
    }
    return MOMO_OK;
}

/*---- Running one test ----*/

/* momo_metrics holds only doubles: all undefined until a run. */
static void nan_metrics(momo_metrics *m)
{
    double *v = (double *)(void *)m;

    for (size_t i = 0; i < sizeof(*m) / sizeof(double); i++)
        v[i] = NAN;
}

static int eval_on(const momo_engine *eng, const struct rjob *j,
                   momo_robust_test *t, momo_err *err)
{
    momo_workspace *ws = NULL;
    const momo_equity_row *eq;
    size_t n;
    int rc = momo_workspace_new(eng, &ws, err);

    if (rc == MOMO_OK)
        rc = momo_backtest_eval(ws, &j->p, &j->win, &t->m, err);
    if (rc == MOMO_OK) {
        eq = momo_workspace_equity(ws, &n);
        t->from = eq[0].date;
        t->to = eq[n - 1].date;
        momo_engine_symbols(eng, &t->n_symbols);
    }
    momo_workspace_free(ws);
    return rc;
}

static int names_of(const momo_dataset *ds, const uint32_t *syms, size_t n,
                    const char ***out)
{
    const char **v = core_malloc((n + 1) * sizeof(*v));

    *out = v;
    if (!v)
        return MOMO_ENOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = momo_dataset_symbol(ds, syms[i])->name;
    return MOMO_OK;
}

static int engine_on(const momo_dataset *ds, const momo_params *p,
                     const uint32_t *syms, size_t n, const struct rjob *j,
                     momo_robust_test *t, momo_err *err)
{
    momo_engine_opts eo;
    momo_engine *eng = NULL;
    const char **names = NULL;
    int rc = names_of(ds, syms, n, &names);

    memset(&eo, 0, sizeof(eo));
    eo.symbols = names;
    eo.n_symbols = n;
    eo.threads = 1;
    if (rc != MOMO_OK)
        return momo_err_set(err, rc, "out of memory");
    rc = momo_engine_new(ds, p, &eo, &eng, err);
    if (rc == MOMO_OK)
        rc = eval_on(eng, j, t, err);
    momo_engine_free(eng);
    core_free(names);
    return rc;
}

static void run_test(void *arg, size_t i, int worker)
{
    struct ctx *c = arg;
    const struct rjob *j = &c->jobs[i];
    momo_robust_test *t = &c->tests[i];
    momo_err *err = &c->err[i];
    const momo_dataset *ds = momo_engine_dataset(c->eng);
    int rc = MOMO_OK;

    (void)worker;
    if (j->kind == JOB_SKIP)
        return;
    if (j->kind == JOB_EVAL) {
        rc = eval_on(c->eng, j, t, err);
    } else if (j->kind == JOB_UNIVERSE) {
        rc = engine_on(ds, &j->p, j->syms, j->n_syms, j, t, err);
    } else {
        momo_stress_opts so;
        momo_dataset *sds = NULL;
        size_t n;
        const uint32_t *syms = momo_engine_symbols(c->eng, &n);

        so.kind = j->stress;
        so.date = c->stress_date;
        so.uniform = c->o->stress_uniform;
        so.market = c->market;
        rc = momo_stress_apply(ds, &so, &sds, err);
        /* the copy has the same symbols in the same (name) order */
        if (rc == MOMO_OK)
            rc = engine_on(sds, &j->p, syms, n, j, t, err);
        momo_dataset_close(sds);
    }
    if (rc == MOMO_OK && j->period && c->market_sym >= 0) {
        size_t n_cal, d0, d1;
        const int32_t *cal = momo_engine_calendar(c->eng, &n_cal);

        if (eng_window(c->eng, t->from, t->to, &d0, &d1, NULL) == MOMO_OK)
            t->market_return = ana_buy_and_hold_return(
                ds, &j->p, (uint32_t)c->market_sym, cal + d0, d1 - d0 + 1);
    }
    if (rc == MOMO_ENOMEM || rc == MOMO_EINTERNAL) {
        c->rc[i] = rc;
    } else if (rc != MOMO_OK) {
        t->skipped = 1;
        snprintf(t->note, sizeof(t->note), "%.255s", err->msg);
    }
}

/*---- Score and weaknesses ----*/

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The share of the baseline's Sharpe ratio a test keeps. */
static double sharpe_value(double s, double base)
{
    if (!isfinite(s))
        return 0;
    if (!(base > 0))
        return s > 0 ? 1 : 0;
    return clamp01(s / base);
}

static double drawdown_value(double dd, double base)
{
    if (!isfinite(dd) || dd <= base || dd <= 0)
        return 1;
    return clamp01(base / dd);
}

static void score(momo_robust_result *r)
{
    double sum[MOMO_N_ROBUST] = { 0 }, wsum = 0, total = 0;
    size_t cnt[MOMO_N_ROBUST] = { 0 };
    const momo_metrics *b = &r->base;

    for (size_t i = 0; i < r->n_tests; i++) {
        momo_robust_test *t = &r->tests[i];

        if (t->skipped)
            continue;
        if (t->category == MOMO_ROBUST_PERIOD) {
            double pos = t->m.sharpe > 0 ? 1 : 0;

            t->value = isfinite(t->market_return)
                ? 0.5 * pos + 0.5 * (t->m.total_return >= t->market_return)
                : pos;
        } else {
            t->value = 0.7 * sharpe_value(t->m.sharpe, b->sharpe) +
                       0.3 * drawdown_value(t->m.max_drawdown,
                                            b->max_drawdown);
        }
        sum[t->category] += t->value;
        cnt[t->category]++;
    }
    for (int c = 0; c < MOMO_N_ROBUST; c++) {
        r->cat_score[c] = cnt[c] ? 100.0 * sum[c] / (double)cnt[c] : NAN;
        if (cnt[c]) {
            total += cat_weight[c] * r->cat_score[c];
            wsum += cat_weight[c];
        }
    }
    r->score = wsum > 0 ? total / wsum : NAN;
}

static int add_weak(momo_robust_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int add_weak(momo_robust_result *r, const char *fmt, ...)
{
    char buf[320], **v;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    v = core_realloc(r->weak, (r->n_weak + 1) * sizeof(*v));
    if (!v)
        return MOMO_ENOMEM;
    r->weak = v;
    v[r->n_weak] = core_strdup(buf);
    if (!v[r->n_weak])
        return MOMO_ENOMEM;
    r->n_weak++;
    return MOMO_OK;
}

static int weaknesses(momo_robust_result *r)
{
    const momo_metrics *b = &r->base;
    char x[32], y[32];
    int rc = MOMO_OK;

    if (!(b->sharpe > 0))
        rc = add_weak(r, "the baseline itself has a Sharpe ratio of %s: "
                      "there is little to lose", ana_fmt_num(b->sharpe, x));
    for (size_t i = 0; rc == MOMO_OK && i < r->n_tests; i++) {
        const momo_robust_test *t = &r->tests[i];
        const momo_metrics *m = &t->m;

        if (t->skipped)
            continue;
        if (t->category == MOMO_ROBUST_PERIOD) {
            if (!(m->total_return < 0))
                continue;
            if (isfinite(t->market_return) &&
                m->total_return >= t->market_return)
                continue;
            if (isfinite(t->market_return) && t->market_return >= 0)
                rc = add_weak(r, "loses %s %s, while the market gains %s",
                              ana_fmt_pct(-m->total_return, x), t->what,
                              ana_fmt_pct(t->market_return, y));
            else if (isfinite(t->market_return))
                rc = add_weak(r, "loses %s %s, more than the market (%s)",
                              ana_fmt_pct(-m->total_return, x), t->what,
                              ana_fmt_pct(t->market_return, y));
            else
                rc = add_weak(r, "loses %s %s",
                              ana_fmt_pct(-m->total_return, x), t->what);
            continue;
        }
        if (b->num_trades > 0 && m->num_trades == 0) {
            rc = add_weak(r, "makes no trade %s", t->what);
            continue;
        }
        if (b->sharpe > 0 && isfinite(m->sharpe) && m->sharpe <= 0)
            rc = add_weak(r, "its Sharpe ratio falls from %s to %s %s",
                          ana_fmt_num(b->sharpe, x),
                          ana_fmt_num(m->sharpe, y), t->what);
        else if (b->sharpe > 0 && m->sharpe <= 0.7 * b->sharpe)
            rc = add_weak(r, "loses %.0f%% of its Sharpe ratio %s "
                          "(%s -> %s)",
                          100.0 * (1.0 - m->sharpe / b->sharpe), t->what,
                          ana_fmt_num(b->sharpe, x),
                          ana_fmt_num(m->sharpe, y));
        if (rc == MOMO_OK && m->max_drawdown > b->max_drawdown + 0.05 &&
            m->max_drawdown > 1.25 * b->max_drawdown)
            rc = add_weak(r, "its max drawdown deepens from %s to %s %s",
                          ana_fmt_pct(b->max_drawdown, x),
                          ana_fmt_pct(m->max_drawdown, y), t->what);
    }
    return rc;
}

/*---- Driver ----*/

void momo_robust_result_free(momo_robust_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_weak; i++)
        core_free(r->weak[i]);
    core_free(r->weak);
    core_free(r->tests);
    core_free(r);
}

static void free_jobs(struct rjob *j, size_t n)
{
    for (size_t i = 0; j && i < n; i++)
        core_free(j[i].syms);
    core_free(j);
}

int momo_robustness_run(const momo_engine *eng, const momo_params *p,
                        const momo_window *win, const momo_robust_opts *o,
                        momo_robust_result **out, momo_err *err)
{
    momo_robust_opts dflt;
    momo_robust_result *r = NULL;
    struct list l = { NULL, NULL, 0, 0 };
    struct ctx c;
    momo_workspace *ws = NULL;
    const momo_equity_row *eq;
    size_t n_eq, d0, d1, n_cal;
    const int32_t *cal = momo_engine_calendar(eng, &n_cal);
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    if (!o) {
        memset(&dflt, 0, sizeof(dflt));
        o = &dflt;
    }
    r = core_calloc(1, sizeof(*r));
    if (!r)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = momo_workspace_new(eng, &ws, err);
    if (rc == MOMO_OK)
        rc = momo_backtest_eval(ws, p, win, &r->base, err);
    if (rc != MOMO_OK)
        goto out;
    eq = momo_workspace_equity(ws, &n_eq);
    r->from = eq[0].date;
    r->to = eq[n_eq - 1].date;
    momo_engine_symbols(eng, &r->n_symbols);
    snprintf(r->market, sizeof(r->market), "%s",
             o->market ? o->market : p->market_symbol);
    rc = eng_window(eng, r->from, r->to, &d0, &d1, err);
    if (rc != MOMO_OK)
        goto out;
    r->stress_date = o->stress_date ? o->stress_date
                                    : cal[d0 + (d1 - d0) / 2];
    r->stress_uniform = o->stress_uniform;

    rc = add_periods(&l, eng, p, o);
    if (rc == MOMO_OK)
        rc = add_universes(&l, eng, p, win, r->from, r->to);
    if (rc == MOMO_OK)
        rc = add_stress(&l, p, win, r->stress_date);
    if (rc == MOMO_OK)
        rc = add_assumptions(&l, p, win);
    if (rc != MOMO_OK) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    c.eng = eng;
    c.p = p;
    c.o = o;
    c.market = r->market;
    c.market_sym = momo_dataset_find(momo_engine_dataset(eng), r->market);
    c.stress_date = r->stress_date;
    c.jobs = l.j;
    c.tests = l.t;
    c.rc = core_calloc(l.n, sizeof(int));
    c.err = core_calloc(l.n, sizeof(momo_err));
    if (!c.rc || !c.err) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        nan_metrics(&l.t[i].m);
    rc = ana_run_jobs(l.n, o->threads, run_test, &c, o->progress,
                      o->progress_ud, o->interrupt);
    if (rc == MOMO_EINTR) {
        rc = momo_err_set(err, MOMO_EINTR, "interrupted");
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        if (c.rc[i] != MOMO_OK) {
            rc = momo_err_set(err, c.rc[i], "%s", c.err[i].msg);
            goto out;
        }
    r->tests = l.t;
    r->n_tests = l.n;
    l.t = NULL;
    score(r);
    if (weaknesses(r) != MOMO_OK) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    *out = r;
    r = NULL;
out:
    momo_workspace_free(ws);
    core_free(c.rc);
    core_free(c.err);
    core_free(l.t);
    free_jobs(l.j, l.n);
    momo_robust_result_free(r);
    return rc;
}

/*---- Access ----*/

double momo_robust_result_score(const momo_robust_result *r)
{
    return r->score;
}

double momo_robust_result_category_score(const momo_robust_result *r,
                                         int cat)
{
    return cat >= 0 && cat < MOMO_N_ROBUST ? r->cat_score[cat] : NAN;
}

const momo_metrics *momo_robust_result_baseline(const momo_robust_result *r)
{
    return &r->base;
}

const momo_robust_test *momo_robust_result_tests(const momo_robust_result *r,
                                                 size_t *n)
{
    *n = r->n_tests;
    return r->tests;
}

const char *const *momo_robust_result_weaknesses(const momo_robust_result *r,
                                                 size_t *n)
{
    *n = r->n_weak;
    return (const char *const *)r->weak;
}

/*---- Output ----*/

static void json_change(FILE *f, const momo_metrics *m,
                        const momo_metrics *b)
{
    fputs("{\"sharpe\": ", f);
    ana_json_num(f, m->sharpe - b->sharpe);
    fputs(", \"sharpe_ratio\": ", f);
    ana_json_num(f, b->sharpe > 0 ? m->sharpe / b->sharpe : NAN);
    fputs(", \"cagr\": ", f);
    ana_json_num(f, m->cagr - b->cagr);
    fputs(", \"total_return\": ", f);
    ana_json_num(f, m->total_return - b->total_return);
    fputs(", \"max_drawdown\": ", f);
    ana_json_num(f, m->max_drawdown - b->max_drawdown);
    fputs(", \"num_trades\": ", f);
    ana_json_num(f, m->num_trades - b->num_trades);
    fputc('}', f);
}

int momo_robust_result_write_json(const momo_robust_result *r, FILE *f)
{
    fputs("{\n  \"score\": ", f);
    ana_json_num(f, r->score);
    fputs(",\n  \"categories\": {", f);
    for (int c = 0; c < MOMO_N_ROBUST; c++) {
        fprintf(f, "%s\"%s\": ", c ? ", " : "", cat_names[c]);
        ana_json_num(f, r->cat_score[c]);
    }
    fputs("},\n  \"from\": ", f);
    ana_json_date(f, r->from);
    fputs(",\n  \"to\": ", f);
    ana_json_date(f, r->to);
    fprintf(f, ",\n  \"symbols\": %zu,\n  \"market_symbol\": ",
            r->n_symbols);
    ana_json_str(f, r->market);
    fputs(",\n  \"stress_date\": ", f);
    ana_json_date(f, r->stress_date);
    fprintf(f, ",\n  \"stress_scaling\": \"%s\",\n  \"baseline\": ",
            r->stress_uniform ? "uniform" : "beta");
    momo_metrics_write_json(&r->base, f, 2);
    fputs(",\n  \"tests\": [", f);
    for (size_t i = 0; i < r->n_tests; i++) {
        const momo_robust_test *t = &r->tests[i];

        fprintf(f, "%s\n    {\n      \"name\": ", i ? "," : "");
        ana_json_str(f, t->name);
        fprintf(f, ",\n      \"category\": \"%s\",\n      \"what\": ",
                cat_names[t->category]);
        ana_json_str(f, t->what);
        fprintf(f, ",\n      \"skipped\": %s,\n      \"note\": ",
                t->skipped ? "true" : "false");
        ana_json_str(f, t->note);
        if (!t->skipped) {
            fputs(",\n      \"from\": ", f);
            ana_json_date(f, t->from);
            fputs(",\n      \"to\": ", f);
            ana_json_date(f, t->to);
            fprintf(f, ",\n      \"symbols\": %zu", t->n_symbols);
        }
        fputs(",\n      \"market_return\": ", f);
        ana_json_num(f, t->market_return);
        fputs(",\n      \"value\": ", f);
        ana_json_num(f, t->skipped ? NAN : t->value);
        fputs(",\n      \"metrics\": ", f);
        momo_metrics_write_json(&t->m, f, 6);
        fputs(",\n      \"change\": ", f);
        json_change(f, &t->m, &r->base);
        fputs("\n    }", f);
    }
    fputs("\n  ],\n  \"weaknesses\": [", f);
    for (size_t i = 0; i < r->n_weak; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        ana_json_str(f, r->weak[i]);
    }
    fputs(r->n_weak ? "\n  ]\n}\n" : "]\n}\n", f);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

int momo_robust_result_write_text(const momo_robust_result *r, FILE *f)
{
    char a[11], b[11], x[5][32];

    fprintf(f, "robustness      score %.0f / 100 (", r->score);
    for (int c = 0; c < MOMO_N_ROBUST; c++) {
        if (isfinite(r->cat_score[c]))
            fprintf(f, "%s%s %.0f", c ? ", " : "", cat_names[c],
                    r->cat_score[c]);
        else
            fprintf(f, "%s%s n/a", c ? ", " : "", cat_names[c]);
    }
    fprintf(f, ")\nbaseline        %s .. %s, %zu symbols: Sharpe %s, CAGR "
               "%s, max drawdown %s, %.0f trades\n\n",
            core_format_date(r->from, a), core_format_date(r->to, b),
            r->n_symbols, ana_fmt_num(r->base.sharpe, x[0]),
            ana_fmt_pct(r->base.cagr, x[1]),
            ana_fmt_pct(r->base.max_drawdown, x[2]), r->base.num_trades);
    fprintf(f, "%-40s %6s %7s %7s %6s %5s\n", "test", "Sharpe", "CAGR",
            "max DD", "trades", "value");
    for (size_t i = 0; i < r->n_tests; i++) {
        const momo_robust_test *t = &r->tests[i];

        if (t->skipped) {
            fprintf(f, "%-40.40s skipped: %s\n", t->name, t->note);
            continue;
        }
        fprintf(f, "%-40.40s %6s %7s %7s %6.0f %5.2f\n", t->name,
                ana_fmt_num(t->m.sharpe, x[0]),
                ana_fmt_pct(t->m.cagr, x[1]),
                ana_fmt_pct(t->m.max_drawdown, x[2]), t->m.num_trades,
                t->value);
    }
    fprintf(f, "\nweaknesses%s\n", r->n_weak ? "" : ": none found");
    for (size_t i = 0; i < r->n_weak; i++)
        fprintf(f, "  - %s\n", r->weak[i]);
    return ferror(f) ? MOMO_EIO : MOMO_OK;
}

static int json_cb(const void *obj, FILE *f)
{
    return momo_robust_result_write_json(obj, f);
}

static int text_cb(const void *obj, FILE *f)
{
    return momo_robust_result_write_text(obj, f);
}

int momo_robust_result_write(const momo_robust_result *r, const char *dir,
                             momo_err *err)
{
    int rc = ana_write_file(dir, "robustness.json", json_cb, r, err);

    if (rc == MOMO_OK)
        rc = ana_write_file(dir, "robustness.txt", text_cb, r, err);
    return rc;
}
