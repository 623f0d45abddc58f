/* testmarket.c - see testmarket.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmarket.h"
#include "core/core.h"
#include "momo/synth.h"

int32_t tm_day(int32_t start, int crypto, size_t n)
{
    int32_t d = start;

    if (crypto)
        return start + (int32_t)n;
    while (core_weekday(d) >= 5)
        d++;
    for (size_t k = 0; k < n; k++) {
        d++;
        while (core_weekday(d) >= 5)
            d++;
    }
    return d;
}

void tm_init(struct tm_sym *s, const char *name, int cls)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->cls = cls;
}

void tm_bar(struct tm_sym *s, int32_t date, double o, double h, double l,
            double c, double v)
{
    assert_true(s->n < TM_MAX_BARS);
    s->date[s->n] = date;
    s->o[s->n] = o;
    s->h[s->n] = h;
    s->l[s->n] = l;
    s->c[s->n] = c;
    s->v[s->n] = v;
    s->n++;
}

momo_dataset *tm_build(struct tm_sym *const *syms, size_t n)
{
    momo_dataset_builder *b = NULL;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    assert_int_equal(momo_dataset_builder_new(&b, &err), MOMO_OK);
    for (size_t i = 0; i < n; i++) {
        momo_symbol m = { 0 };
        momo_series s = { syms[i]->n, syms[i]->date, syms[i]->o, syms[i]->h,
                          syms[i]->l, syms[i]->c, syms[i]->v };

        m.name = syms[i]->name;
        m.sector = "";
        m.asset_class = syms[i]->cls;
        if (momo_dataset_builder_add(b, &m, &s, &err) != MOMO_OK)
            fail_msg("tm_build: %s", err.msg);
    }
    if (momo_dataset_builder_finish(b, &ds, &err) != MOMO_OK)
        fail_msg("tm_build: %s", err.msg);
    return ds;
}

static double uniform(unsigned long long *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*st >> 11) / 9007199254740992.0;
}

static double gauss(unsigned long long *st)
{
    double u = uniform(st), v = uniform(st);

    return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

momo_dataset *tm_random(unsigned seed, int n_stocks, int n_crypto, int days)
{
    int total = n_stocks + n_crypto;
    struct tm_sym **syms = calloc((size_t)total, sizeof(*syms));
    unsigned long long st = seed * 2654435761ULL + 1;
    int32_t start = core_days_from_civil(2010, 1, 4);
    momo_dataset *ds;

    for (int i = 0; i < total; i++) {
        int crypto = i >= n_stocks;
        char name[32];
        double px = 20 + 200 * uniform(&st);
        double drift = (uniform(&st) - 0.45) * 0.002;
        double vol = crypto ? 0.04 : 0.02;
        size_t n = crypto ? (size_t)days : (size_t)days * 5 / 7;

        syms[i] = calloc(1, sizeof(**syms));
        snprintf(name, sizeof(name), crypto ? "C%02d-USD" : "S%03d", i);
        tm_init(syms[i], name, crypto ? MOMO_CRYPTO : MOMO_STOCK);
        for (size_t t = 0; t < n && t < TM_MAX_BARS; t++) {
            double o = px * exp(vol * 0.3 * gauss(&st));
            double c = o * exp(drift + vol * gauss(&st));
            double h = fmax(o, c) * exp(fabs(vol * 0.5 * gauss(&st)));
            double l = fmin(o, c) * exp(-fabs(vol * 0.5 * gauss(&st)));

            tm_bar(syms[i], tm_day(start, crypto, t), o, h, l, c,
                   1e5 + 1e6 * uniform(&st));
            px = c;
            /* slowly changing drift: some momentum to trade on */
            drift += (uniform(&st) - 0.5) * 0.0002;
        }
    }
    ds = tm_build(syms, (size_t)total);
    for (int i = 0; i < total; i++)
        free(syms[i]);
    free(syms);
    return ds;
}

momo_dataset *tm_garble_after(const momo_dataset *ds, int32_t cut)
{
    momo_dataset_builder *b = NULL;
    momo_dataset *out = NULL;
    momo_err err = { 0 };
    unsigned seed = 99;

    assert_int_equal(momo_dataset_builder_new(&b, &err), MOMO_OK);
    for (size_t k = 0; k < momo_dataset_n_symbols(ds); k++) {
        momo_series s, g;
        double *col[5];

        momo_dataset_series(ds, k, &s);
        for (int c = 0; c < 5; c++)
            col[c] = malloc((s.n + 1) * sizeof(double));
        for (size_t t = 0; t < s.n; t++) {
            double junk = 1 + (double)(rand_r(&seed) % 100000);
            int late = s.date[t] > cut;

            col[0][t] = late ? junk : s.open[t];
            col[1][t] = late ? junk * 3 : s.high[t];
            col[2][t] = late ? junk / 3 : s.low[t];
            col[3][t] = late ? junk * 2 : s.close[t];
            col[4][t] = late ? junk * 1e6 : s.volume[t];
        }
        g = s;
        g.open = col[0];
        g.high = col[1];
        g.low = col[2];
        g.close = col[3];
        g.volume = col[4];
        assert_int_equal(momo_dataset_builder_add(
                             b, momo_dataset_symbol(ds, k), &g, &err),
                         MOMO_OK);
        for (int c = 0; c < 5; c++)
            free(col[c]);
    }
    assert_int_equal(momo_dataset_builder_finish(b, &out, &err), MOMO_OK);
    return out;
}

void tm_easy_params(momo_params *p)
{
    momo_params_default(p);
    p->rsi_period = 2;
    p->sma_fast = 2;
    p->sma_slow = 3;
    p->adv_period = 1;
    for (int k = 0; k < MOMO_N_ROC; k++) {
        p->roc_periods[k] = 1;
        p->weights[k] = 0.25;
    }
    p->min_price = 0;
    p->min_price_crypto = 0;
    p->min_dollar_volume = 0;
    p->momentum_threshold = 0;
    p->rsi_min = 0;
    p->rsi_max = 100;
    p->trend_filter = 0;
    p->slippage_bps_stock = 0;
    p->slippage_bps_crypto = 0;
    p->commission_per_share = 0;
    p->commission_min = 0;
    p->fee_bps_crypto = 0;
    p->max_positions = 1;
    p->trailing_stop_distance = 0.5;
    p->max_holding_days = 1000;
}

void tm_short_params(momo_params *p)
{
    momo_params_default(p);
    p->roc_periods[0] = 5;
    p->roc_periods[1] = 10;
    p->roc_periods[2] = 20;
    p->roc_periods[3] = 40;
}

void tm_random_params(momo_params *p)
{
    tm_short_params(p);
    p->sma_fast = 10;
    p->sma_slow = 40;
    p->min_dollar_volume = 1e6;
    p->rsi_min = 40;
    p->rsi_max = 80;
    p->max_holding_days = 15;
}

momo_dataset *tm_synth(int n_stocks, int n_crypto, int years,
                       uint64_t seed)
{
    momo_synth_opts o = momo_synth_default_opts();
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    o.n_stocks = n_stocks;
    o.n_crypto = n_crypto;
    o.years = years;
    o.seed = seed;
    if (momo_synth_generate(&o, &ds, &err) != MOMO_OK)
        fail_msg("synth: %s", err.msg);
    return ds;
}
