/* tests/analysis/test_regimes.c - tests for src/analysis/regimes.c: the
 * regime split adds up to the run, trades land in the regime of their
 * entry date, each regime's Sharpe ratio is that of its days, and
 * regimes.csv and regime_performance.json hold what they document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/analysis.h"
#include "momo/synth.h"

struct fixture {
    momo_dataset *ds;
    momo_engine *eng;
    momo_result *res;
    momo_params p;
    momo_regime_report rep;
};

static int setup(void **state)
{
    static struct fixture f;
    momo_synth_opts o = momo_synth_default_opts();
    momo_err err = { 0 };

    memset(&f, 0, sizeof(f));
    o.n_stocks = 40;
    o.n_crypto = 2;
    o.years = 5;
    o.seed = 3;
    if (momo_synth_generate(&o, &f.ds, &err) != MOMO_OK)
        return -1;
    momo_params_default(&f.p);
    f.p.roc_periods[2] = 60;
    f.p.roc_periods[3] = 100;
    if (momo_engine_new(f.ds, &f.p, NULL, &f.eng, &err) != MOMO_OK ||
        momo_backtest_run(f.eng, &f.p, NULL, &f.res, &err) != MOMO_OK ||
        momo_regime_analyze(f.eng, f.res, &f.p, &f.rep, &err) != MOMO_OK)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    momo_result_free(f->res);
    momo_engine_free(f->eng);
    momo_dataset_close(f->ds);
    return 0;
}

static void trades_and_days_per_regime_add_up_to_the_run(void **state)
{
    struct fixture *f = *state;
    size_t n_tr, n_eq, trades = 0, days = 0, regimes_seen = 0;
    double share = 0, pnl = 0, run_pnl = 0;
    const momo_trade *t = momo_result_trades(f->res, &n_tr);

    momo_result_equity(f->res, &n_eq);
    assert_true(n_tr > 50);
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        trades += f->rep.by[s].n_trades;
        days += f->rep.by[s].n_days;
        share += f->rep.by[s].share_days;
        pnl += f->rep.by[s].total_pnl;
        regimes_seen += s < MOMO_N_REGIMES && f->rep.by[s].n_trades > 0;
    }
    for (size_t k = 0; k < n_tr; k++)
        run_pnl += t[k].pnl;
    assert_int_equal(trades, n_tr);
    assert_int_equal(days, n_eq);
    assert_int_equal(f->rep.n_trades, n_tr);
    assert_true(fabs(share - 1) < 1e-12);
    assert_true(fabs(pnl - run_pnl) < 1e-6 * fabs(run_pnl) + 1e-6);
    assert_true(regimes_seen >= 2);          /* not vacuous */
}

static int regime_on(const momo_engine *eng, int32_t date)
{
    size_t n;
    const momo_regime_day *rg = momo_engine_regimes(eng, &n);

    for (size_t d = 0; d < n; d++)
        if (rg[d].date == date)
            return rg[d].regime < 0 ? MOMO_N_REGIMES : rg[d].regime;
    return MOMO_N_REGIMES;
}

static void each_trade_counts_in_the_regime_of_its_entry_date(void **st)
{
    struct fixture *f = *st;
    size_t n_tr, count[MOMO_REGIME_SLOTS] = { 0 };
    size_t wins[MOMO_REGIME_SLOTS] = { 0 };
    const momo_trade *t = momo_result_trades(f->res, &n_tr);

    for (size_t k = 0; k < n_tr; k++) {
        int s = regime_on(f->eng, t[k].entry_date);

        count[s]++;
        wins[s] += t[k].pnl > 0;
    }
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        assert_int_equal(f->rep.by[s].n_trades, count[s]);
        if (count[s])
            assert_true(f->rep.by[s].win_rate ==
                        (double)wins[s] / (double)count[s]);
        else
            assert_true(isnan(f->rep.by[s].win_rate));
    }
}

static void a_regimes_sharpe_is_that_of_its_days(void **state)
{
    struct fixture *f = *state;
    size_t n_eq;
    const momo_equity_row *eq = momo_result_equity(f->res, &n_eq);
    double A = momo_result_metrics(f->res)->periods_per_year;

    for (int s = 0; s < MOMO_N_REGIMES; s++) {
        double *r = malloc(n_eq * sizeof(double)), mean = 0, var = 0;
        size_t m = 0;

        for (size_t t = 1; t < n_eq; t++)
            if (regime_on(f->eng, eq[t].date) == s)
                r[m++] = eq[t].equity / eq[t - 1].equity - 1;
        if (m < 2) {
            free(r);
            continue;
        }
        for (size_t i = 0; i < m; i++)
            mean += r[i] / (double)m;
        for (size_t i = 0; i < m; i++)
            var += (r[i] - mean) * (r[i] - mean) / (double)(m - 1);
        assert_true(fabs(f->rep.by[s].sharpe - mean / sqrt(var) * sqrt(A))
                    < 1e-9);
        free(r);
    }
}

static void regimes_csv_and_json_hold_the_documented_fields(void **state)
{
    struct fixture *f = *state;
    const char *dir = tu_tmpdir("regimes");
    char path[4096], line[256], *json;
    size_t n_eq, rows = 0, len;
    FILE *in;
    momo_err err = { 0 };
    const momo_equity_row *eq = momo_result_equity(f->res, &n_eq);

    assert_int_equal(momo_regime_write(f->eng, f->res, &f->rep, dir, &err),
                     MOMO_OK);
    snprintf(path, sizeof(path), "%s/regimes.csv", dir);
    in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof(line), in));
    assert_string_equal(line, "date,regime,trend,high_vol,breadth\n");
    while (fgets(line, sizeof(line), in)) {
        char date[11], *name = line + 11, *comma = strchr(name, ',');
        int known = 0;

        assert_non_null(comma);
        *comma = '\0';
        line[10] = '\0';                 /* the date field */
        assert_string_equal(line, core_format_date(eq[rows].date, date));
        for (int s = 0; s < MOMO_REGIME_SLOTS; s++)
            known |= strcmp(name, momo_regime_slot_name(s)) == 0;
        assert_true(known);
        rows++;
    }
    fclose(in);
    assert_int_equal(rows, n_eq);
    snprintf(path, sizeof(path), "%s/regime_performance.json", dir);
    assert_int_equal(core_read_file(path, 1 << 20, &json, &len, &err),
                     MOMO_OK);
    for (int s = 0; s < MOMO_REGIME_SLOTS; s++) {
        char key[64];

        snprintf(key, sizeof(key), "\"%s\": {\"days\": ",
                 momo_regime_slot_name(s));
        assert_non_null(strstr(json, key));
    }
    assert_non_null(strstr(json, "\"win_rate\": "));
    assert_non_null(strstr(json, "\"sharpe\": "));
    assert_non_null(strstr(json, "\"proxy\": \"SPY\""));
    core_free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trades_and_days_per_regime_add_up_to_the_run),
        cmocka_unit_test(each_trade_counts_in_the_regime_of_its_entry_date),
        cmocka_unit_test(a_regimes_sharpe_is_that_of_its_days),
        cmocka_unit_test(regimes_csv_and_json_hold_the_documented_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
