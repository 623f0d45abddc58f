/* tests/data/test_check.c - tests for src/data/check.c */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/data.h"

#define MAXN 80

/* One symbol to build: ordinary bars unless a test changes them. */
struct ser {
    const char *name;
    int cls;
    size_t n;
    int32_t date[MAXN];
    double o[MAXN], h[MAXN], l[MAXN], c[MAXN], v[MAXN];
};

static const int32_t D0 = 18262;    /* 2020-01-01, a Wednesday */

/* n weekdays from D0 (crypto: n calendar days), skipping the day
 * offsets listed in skip[0..n_skip). Closes wander gently. */
static void make(struct ser *s, const char *name, int cls, size_t n,
                 const int *skip, size_t n_skip)
{
    int32_t d = D0;

    memset(s, 0, sizeof(*s));
    s->name = name;
    s->cls = cls;
    for (int off = 0; s->n < n; off++, d++) {
        int skipped = 0;

        if (cls != MOMO_CRYPTO && core_weekday(d) >= 5)
            continue;
        for (size_t k = 0; k < n_skip; k++)
            skipped |= skip[k] == off;
        if (skipped)
            continue;
        s->date[s->n] = d;
        s->c[s->n] = 100 + (double)(s->n % 7) + 0.25 * (double)(s->n % 3);
        s->o[s->n] = s->c[s->n] - 0.5;
        s->h[s->n] = s->c[s->n] + 1;
        s->l[s->n] = s->c[s->n] - 1;
        s->v[s->n] = 1000 + (double)s->n;
        s->n++;
    }
}

/* Bar i with these prices; high and low a little outside them. */
static void set_bar(struct ser *s, int i, double open, double close)
{
    s->o[i] = open;
    s->c[i] = close;
    s->h[i] = (open > close ? open : close) + 0.1;
    s->l[i] = (open < close ? open : close) - 0.1;
}

static momo_dataset *build(struct ser *v, size_t n)
{
    momo_dataset_builder *b;
    momo_dataset *ds = NULL;

    assert_int_equal(momo_dataset_builder_new(&b, NULL), MOMO_OK);
    for (size_t i = 0; i < n; i++) {
        momo_symbol m = { 0 };
        momo_series s = { v[i].n, v[i].date, v[i].o, v[i].h, v[i].l, v[i].c,
                          v[i].v };

        m.name = v[i].name;
        m.sector = "";
        m.asset_class = v[i].cls;
        assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_OK);
    }
    assert_int_equal(momo_dataset_builder_finish(b, &ds, NULL), MOMO_OK);
    return ds;
}

static void check(struct ser *v, size_t n, momo_check_report *r)
{
    momo_dataset *ds = build(v, n);

    assert_int_equal(momo_data_check(ds, r, NULL), MOMO_OK);
    momo_dataset_close(ds);
}

static const momo_finding *nth_of(const momo_check_report *r, int kind,
                                  size_t nth)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].kind == kind && nth-- == 0)
            return &r->findings[i];
    fail_msg("no finding %zu of kind %s", nth, momo_check_kind_name(kind));
    return NULL;
}

static void a_clean_dataset_has_no_findings(void **state)
{
    struct ser s[3];
    momo_check_report r;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 60, NULL, 0);
    make(&s[1], "B", MOMO_STOCK, 60, NULL, 0);
    make(&s[2], "BTC", MOMO_CRYPTO, 60, NULL, 0);
    check(s, 3, &r);
    assert_int_equal(r.n_symbols, 3);
    assert_int_equal(r.n_bars, 180);
    assert_int_equal(r.n_problems, 0);
    assert_int_equal(r.n_findings, 0);
    momo_check_report_release(&r);
}

static void days_missing_against_the_stock_calendar_make_one_finding_a_run(
    void **state)
{
    const int gaps[] = { 5, 6, 7, 14 };       /* Mon 6 .. Wed 8, Wed 15 */
    struct ser s[3];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 40, NULL, 0);
    make(&s[1], "B", MOMO_STOCK, 36, gaps, 4);
    make(&s[2], "C", MOMO_STOCK, 10, NULL, 0);
    /* C starts late: listing, not missing */
    memmove(s[2].date, s[0].date + 30, 10 * sizeof(int32_t));
    check(s, 3, &r);
    assert_int_equal(r.count[MOMO_CHECK_MISSING_BARS], 2);
    assert_int_equal(r.n_problems, 2);
    f = nth_of(&r, MOMO_CHECK_MISSING_BARS, 0);
    assert_string_equal(f->symbol, "B");
    assert_int_equal(f->date, D0 + 5);
    assert_string_equal(f->detail, "3 bars missing, 2020-01-06 to "
                                   "2020-01-08, against the stock calendar");
    f = nth_of(&r, MOMO_CHECK_MISSING_BARS, 1);
    assert_int_equal(f->date, D0 + 14);
    assert_string_equal(f->detail, "1 bar missing (2020-01-15) against the "
                                   "stock calendar");
    momo_check_report_release(&r);
}

static void crypto_misses_calendar_days_not_stock_days(void **state)
{
    const int gaps[] = { 10, 11 };
    struct ser s[2];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "BTC", MOMO_CRYPTO, 30, gaps, 2);
    make(&s[1], "A", MOMO_STOCK, 30, NULL, 0);
    check(s, 2, &r);
    assert_int_equal(r.count[MOMO_CHECK_MISSING_BARS], 1);
    f = nth_of(&r, MOMO_CHECK_MISSING_BARS, 0);
    assert_string_equal(f->symbol, "BTC");
    assert_string_equal(f->detail, "2 bars missing, 2020-01-11 to "
                                   "2020-01-12, against every calendar day");
    momo_check_report_release(&r);
}

static void five_equal_closes_running_are_stale_and_four_are_not(
    void **state)
{
    struct ser s[1];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 40, NULL, 0);
    for (int i = 10; i < 14; i++)           /* four */
        set_bar(&s[0], i, 50, 50);
    for (int i = 20; i < 25; i++)           /* five */
        set_bar(&s[0], i, 60, 60);
    check(s, 1, &r);
    assert_int_equal(r.count[MOMO_CHECK_STALE_CLOSE], 1);
    f = nth_of(&r, MOMO_CHECK_STALE_CLOSE, 0);
    assert_int_equal(f->date, s[0].date[20]);
    assert_non_null(strstr(f->detail, "close 60 unchanged on 5 bars"));
    momo_check_report_release(&r);
}

static void a_series_ending_a_month_before_its_class_is_reported(
    void **state)
{
    struct ser s[3];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 60, NULL, 0);
    make(&s[1], "B", MOMO_STOCK, 30, NULL, 0);     /* ends 6 weeks early */
    make(&s[2], "C", MOMO_STOCK, 55, NULL, 0);     /* a week early: fine */
    check(s, 3, &r);
    assert_int_equal(r.count[MOMO_CHECK_ENDS_EARLY], 1);
    f = nth_of(&r, MOMO_CHECK_ENDS_EARLY, 0);
    assert_string_equal(f->symbol, "B");
    assert_int_equal(f->date, s[1].date[29]);
    momo_check_report_release(&r);
}

static void ohlc_inconsistencies_are_reported_beyond_rounding(void **state)
{
    struct ser s[1];
    momo_check_report r;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 20, NULL, 0);
    s[0].h[3] = s[0].l[3] - 0.5;               /* high below low */
    s[0].o[5] = s[0].h[5] + 0.01;              /* open above high */
    s[0].c[7] = s[0].l[7] - 0.01;              /* close below low */
    s[0].c[9] = s[0].h[9] * (1 + 1e-13);       /* rounding: fine */
    check(s, 1, &r);
    assert_int_equal(r.count[MOMO_CHECK_OHLC], 3);
    assert_int_equal(nth_of(&r, MOMO_CHECK_OHLC, 0)->date, s[0].date[3]);
    assert_non_null(strstr(nth_of(&r, MOMO_CHECK_OHLC, 0)->detail,
                           "high 101.5 below low 102"));
    assert_non_null(strstr(nth_of(&r, MOMO_CHECK_OHLC, 1)->detail,
                           "open"));
    assert_non_null(strstr(nth_of(&r, MOMO_CHECK_OHLC, 2)->detail,
                           "close"));
    momo_check_report_release(&r);
}

static void zero_volume_counts_only_where_the_series_has_volume(
    void **state)
{
    struct ser s[2];
    momo_check_report r;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 20, NULL, 0);
    s[0].v[4] = 0;
    s[0].v[10] = s[0].v[11] = s[0].v[12] = 0;
    make(&s[1], "VIX", MOMO_INDEX, 20, NULL, 0);
    memset(s[1].v, 0, sizeof(s[1].v));
    check(s, 2, &r);
    assert_int_equal(r.count[MOMO_CHECK_ZERO_VOLUME], 2);
    assert_string_equal(nth_of(&r, MOMO_CHECK_ZERO_VOLUME, 0)->detail,
                        "volume 0 on 1 bar");
    assert_non_null(strstr(nth_of(&r, MOMO_CHECK_ZERO_VOLUME, 1)->detail,
                           "volume 0 on 3 bars running"));
    momo_check_report_release(&r);
}

static void jumps_over_half_and_split_like_falls_are_reported(void **state)
{
    struct ser s[1];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 40, NULL, 0);
    for (int i = 0; i < 5; i++)
        set_bar(&s[0], i, 100, 100 + (i % 2) * 0.5);
    /* bar 5: +60% */
    for (int i = 5; i < 15; i++)
        set_bar(&s[0], i, 160, 160 + (i % 2) * 0.5);
    /* bar 15: -49.2%, gapped at the open: an unadjusted 2-for-1 split */
    set_bar(&s[0], 15, 0.502 * s[0].c[14], 0.508 * s[0].c[14]);
    for (int i = 16; i < 25; i++)
        set_bar(&s[0], i, s[0].c[15], s[0].c[15] + (i % 2) * 0.1);
    /* bar 25: -49% during the day, the open flat: under 50%, no split */
    set_bar(&s[0], 25, s[0].c[24], 0.51 * s[0].c[24]);
    for (int i = 26; i < 40; i++)
        set_bar(&s[0], i, s[0].c[25], s[0].c[25] + (i % 2) * 0.01);
    check(s, 1, &r);
    assert_int_equal(r.count[MOMO_CHECK_JUMP], 2);
    f = nth_of(&r, MOMO_CHECK_JUMP, 0);
    assert_int_equal(f->date, s[0].date[5]);
    assert_non_null(strstr(f->detail, "(+60.5%)"));
    assert_null(strstr(f->detail, "split"));
    f = nth_of(&r, MOMO_CHECK_JUMP, 1);
    assert_int_equal(f->date, s[0].date[15]);
    assert_non_null(strstr(f->detail, "(-49.2%), looks like an unadjusted "
                                      "2-for-1 split"));
    momo_check_report_release(&r);
}

static void flat_bars_are_information_not_problems(void **state)
{
    struct ser s[1];
    momo_check_report r;
    const momo_finding *f;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 20, NULL, 0);
    for (int i = 6; i <= 7; i++)
        s[0].o[i] = s[0].h[i] = s[0].l[i] = s[0].c[i];
    check(s, 1, &r);
    assert_int_equal(r.n_problems, 0);
    assert_int_equal(r.count[MOMO_CHECK_FLAT_BARS], 1);
    assert_int_equal(r.n_flat_bars, 2);
    f = nth_of(&r, MOMO_CHECK_FLAT_BARS, 0);
    assert_int_equal(f->date, s[0].date[6]);
    assert_false(momo_check_kind_is_problem(MOMO_CHECK_FLAT_BARS));
    assert_true(momo_check_kind_is_problem(MOMO_CHECK_JUMP));
    momo_check_report_release(&r);
}

static void raw_files_show_what_the_dataset_cannot(void **state)
{
    const char *dir = tu_tmpdir("chk_raw");
    char want[4300];
    const char *paths[1];
    momo_check_report r;
    momo_err err = { 0 };
    const momo_finding *f;

    (void)state;
    assert_int_equal(tu_system("cp '%s' '%s' '%s/'",
                               tu_fixture("csv/rules/RULES.csv"),
                               tu_fixture("csv/bad/BAD.csv"), dir), 0);
    paths[0] = dir;
    assert_int_equal(momo_data_check_files(paths, 1, NULL, &r, &err),
                     MOMO_OK);
    assert_int_equal(r.n_files, 2);
    assert_int_equal(r.count[MOMO_CHECK_UNPARSEABLE_FILE], 1);
    assert_int_equal(r.count[MOMO_CHECK_MALFORMED_ROW], 4);
    assert_int_equal(r.count[MOMO_CHECK_MISSING_PRICE], 1);
    assert_int_equal(r.count[MOMO_CHECK_NONPOSITIVE_PRICE], 2);
    assert_int_equal(r.count[MOMO_CHECK_DUPLICATE_DATE], 1);
    assert_int_equal(r.count[MOMO_CHECK_UNSORTED_DATE], 1);
    f = nth_of(&r, MOMO_CHECK_UNPARSEABLE_FILE, 0);
    assert_string_equal(f->symbol, "BAD");
    snprintf(want, sizeof(want), "%s/BAD.csv", dir);
    assert_string_equal(f->file, want);
    assert_int_equal(f->line, 1);
    assert_string_equal(f->detail, "header '{' is not a known format (no "
                                   "date column)");
    f = nth_of(&r, MOMO_CHECK_MALFORMED_ROW, 0);
    assert_int_equal(f->line, 10);
    assert_string_equal(f->detail, "bad date '2020-13-01'");
    assert_false(f->has_date);
    f = nth_of(&r, MOMO_CHECK_DUPLICATE_DATE, 0);
    assert_int_equal(f->line, 7);
    assert_true(f->has_date);
    f = nth_of(&r, MOMO_CHECK_UNSORTED_DATE, 0);
    assert_int_equal(f->line, 9);
    assert_string_equal(f->symbol, "RULES");
    /* the five kept bars are checked as a dataset too */
    assert_int_equal(r.n_symbols, 1);
    assert_int_equal(r.n_bars, 5);
    momo_check_report_release(&r);
}

static void checking_fails_cleanly_on_every_allocation(void **state)
{
    const int gaps[] = { 5, 9 };
    struct ser s[2];
    momo_dataset *ds;

    (void)state;
    make(&s[0], "A", MOMO_STOCK, 40, NULL, 0);
    make(&s[1], "B", MOMO_STOCK, 38, gaps, 2);
    s[1].v[5] = 0;
    ds = build(s, 2);
    for (long nth = 1;; nth++) {
        momo_check_report r;
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_data_check(ds, &r, NULL);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_int_equal(r.count[MOMO_CHECK_MISSING_BARS], 2);
            momo_check_report_release(&r);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(r.findings);
        assert_true(nth < 100);
    }
    momo_dataset_close(ds);
}

/*---- The shared data ----*/

static size_t count_for(const momo_check_report *r, int kind,
                        const char *symbol)
{
    size_t n = 0;

    for (size_t i = 0; i < r->n_findings; i++)
        n += r->findings[i].kind == kind &&
             strcmp(r->findings[i].symbol, symbol) == 0;
    return n;
}

static void shared_data_quirks_are_found(void **state)
{
    static const struct {
        const char *sym;
        size_t days;
    } missing[] = { { "KIM", 3 }, { "RHI", 1 }, { "SPGI", 6 },
                    { "VIAC", 5 }, { "WELL", 12 } };
    const char *paths[1], *uni[1];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_check_report r;
    size_t stock_missing = 0;
    int antm = 0;

    (void)state;
    TU_SKIP_WITHOUT_SHARED();
    paths[0] = tu_shared("sp500/daily");
    uni[0] = tu_shared("sp500/constituents.csv");
    o.universe = uni;
    o.n_universe = 1;
    assert_int_equal(momo_data_check_files(paths, 1, &o, &r, NULL), MOMO_OK);
    /* BF.B holds an API error message, not a CSV */
    assert_int_equal(r.count[MOMO_CHECK_UNPARSEABLE_FILE], 1);
    assert_string_equal(nth_of(&r, MOMO_CHECK_UNPARSEABLE_FILE, 0)->symbol,
                        "BF.B");
    /* ANTM's 2-for-1 split of 2005-06-02 is missing from adjusted_close */
    for (size_t i = 0; i < r.n_findings; i++) {
        const momo_finding *f = &r.findings[i];
        char d[11];

        if (f->kind == MOMO_CHECK_JUMP && strcmp(f->symbol, "ANTM") == 0 &&
            strcmp(core_format_date(f->date, d), "2005-06-02") == 0) {
            assert_non_null(strstr(f->detail, "(-49.1%), looks like an "
                                              "unadjusted 2-for-1 split"));
            antm = 1;
        }
    }
    assert_true(antm);
    /* days missing against the calendar of the other stocks: one finding
     * per day in this data, and only for these five */
    for (size_t k = 0; k < sizeof(missing) / sizeof(missing[0]); k++) {
        assert_int_equal(count_for(&r, MOMO_CHECK_MISSING_BARS,
                                   missing[k].sym), missing[k].days);
        stock_missing += missing[k].days;
    }
    assert_int_equal(r.count[MOMO_CHECK_MISSING_BARS], stock_missing);
    assert_int_equal(r.n_symbols, 504);
    momo_check_report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_clean_dataset_has_no_findings),
        cmocka_unit_test(
            days_missing_against_the_stock_calendar_make_one_finding_a_run),
        cmocka_unit_test(crypto_misses_calendar_days_not_stock_days),
        cmocka_unit_test(five_equal_closes_running_are_stale_and_four_are_not),
        cmocka_unit_test(a_series_ending_a_month_before_its_class_is_reported),
        cmocka_unit_test(ohlc_inconsistencies_are_reported_beyond_rounding),
        cmocka_unit_test(
            zero_volume_counts_only_where_the_series_has_volume),
        cmocka_unit_test(jumps_over_half_and_split_like_falls_are_reported),
        cmocka_unit_test(flat_bars_are_information_not_problems),
        cmocka_unit_test(raw_files_show_what_the_dataset_cannot),
        cmocka_unit_test(checking_fails_cleanly_on_every_allocation),
        cmocka_unit_test(shared_data_quirks_are_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
