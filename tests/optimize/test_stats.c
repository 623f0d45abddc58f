/* tests/optimize/test_stats.c - tests for src/optimize/stats.c: the
 * Deflated Sharpe Ratio against the worked example of its paper, PBO by
 * CSCV against a direct implementation over the raw returns, and the
 * walk-forward layout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "optimize/optimize.h"

/* Bailey & Lopez de Prado (2014), the numerical example: N = 100
 * trials, annualized Sharpe 2.5 and variance of the trials' annualized
 * Sharpe 1/2 over 250 days a year, T = 1250 daily returns, skewness -3,
 * kurtosis 10. The paper gives SR0 = 0.1132 and DSR = 0.9004. */
static void dsr_matches_the_worked_example_of_the_paper(void **state)
{
    struct opt_dsr d;

    (void)state;
    opt_dsr(2.5 / sqrt(250.0), 1250, -3, 10, 0.5 / 250, 100, &d);
    assert_true(fabs(d.sr0 - 0.1132) < 5e-5);
    assert_true(fabs(d.dsr - 0.9004) < 5e-5);
}

static void dsr_falls_as_trials_grow_and_is_undefined_for_one(void **state)
{
    struct opt_dsr a, b, c;

    (void)state;
    opt_dsr(0.08, 1000, 0, 3, 0.001, 10, &a);
    opt_dsr(0.08, 1000, 0, 3, 0.001, 10000, &b);
    assert_true(a.dsr > b.dsr);
    assert_true(b.sr0 > a.sr0);
    opt_dsr(0.08, 1000, 0, 3, 0.001, 1, &c);
    assert_true(isnan(c.dsr));
    /* no spread among trials: SR0 = 0, DSR = PSR against zero */
    opt_dsr(0.05, 1001, 0, 3, 0, 50, &c);
    assert_true(c.sr0 == 0);
    assert_true(fabs(c.dsr - 0.9430) < 1e-3);   /* Z(0.05 * sqrt(1000) /
                                                   sqrt(1.00125)) */
}

/* GSL's moments: standardized by the sample deviation (ddof 1), the
 * kurtosis reported with 3 added back (non-excess). */
static void moments_are_those_of_the_sample(void **state)
{
    const double r[] = { 1, 2, 3, 4, 100, -7, 0.5, 2.5 };
    const size_t n = sizeof(r) / sizeof(r[0]);
    double skew, kurt, m = 0, s2 = 0, m3 = 0, m4 = 0, sd;

    (void)state;
    for (size_t i = 0; i < n; i++)
        m += r[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        s2 += (r[i] - m) * (r[i] - m) / (double)(n - 1);
    sd = sqrt(s2);
    for (size_t i = 0; i < n; i++) {
        m3 += pow((r[i] - m) / sd, 3) / (double)n;
        m4 += pow((r[i] - m) / sd, 4) / (double)n;
    }
    opt_moments(r, n, &skew, &kurt);
    assert_true(fabs(skew - m3) < 1e-12);
    assert_true(fabs(kurt - m4) < 1e-12);
    assert_true(skew > 1);          /* one large outlier: right skew */
    opt_moments(r, 2, &skew, &kurt);
    assert_true(isnan(skew) && isnan(kurt));
}

/*---- PBO against a direct implementation ----*/

static double gauss(unsigned long long *s)
{
    double u1, u2;

    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u1 = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u2 = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

struct direct {
    const double *r;          /* T x N, row-major by time */
    size_t T, N, S;
    double *logits;
    size_t n_logits;
};

/* Sharpe (ddof 1) of trial i over the rows of the chosen blocks, read
 * from the raw returns with a two-pass deviation. */
static double sharpe_rows(const struct direct *x, size_t i, const int *in,
                          int want)
{
    double s = 0, ss = 0, mean;
    size_t n = 0;

    for (size_t b = 0; b < x->S; b++) {
        if (in[b] != want)
            continue;
        for (size_t t = b * x->T / x->S; t < (b + 1) * x->T / x->S; t++) {
            s += x->r[t * x->N + i];
            n++;
        }
    }
    mean = s / (double)n;
    for (size_t b = 0; b < x->S; b++) {
        if (in[b] != want)
            continue;
        for (size_t t = b * x->T / x->S; t < (b + 1) * x->T / x->S; t++)
            ss += (x->r[t * x->N + i] - mean) * (x->r[t * x->N + i] - mean);
    }
    return mean / sqrt(ss / (double)(n - 1));
}

static void direct_split(struct direct *x, const int *in)
{
    size_t star = 0, less = 0, eq = 0;
    double best = -INFINITY, oos, w;

    for (size_t i = 0; i < x->N; i++) {
        double v = sharpe_rows(x, i, in, 1);

        if (v > best) {
            best = v;
            star = i;
        }
    }
    oos = sharpe_rows(x, star, in, 0);
    for (size_t i = 0; i < x->N; i++) {
        double v = sharpe_rows(x, i, in, 0);

        less += v < oos;
        eq += v == oos;
    }
    w = ((double)less + ((double)eq + 1) / 2) / ((double)x->N + 1);
    x->logits[x->n_logits++] = log(w / (1 - w));
}

/* Every choice of S/2 blocks, by recursion. */
static void direct_choose(struct direct *x, int *in, size_t b, size_t left)
{
    if (b == x->S) {
        if (left == 0)
            direct_split(x, in);
        return;
    }
    if (left > 0) {
        in[b] = 1;
        direct_choose(x, in, b + 1, left - 1);
    }
    in[b] = 0;
    direct_choose(x, in, b + 1, left);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Returns r (T x N): trial i has drift drift[i] and unit-ish noise. */
static double *returns(size_t T, size_t N, const double *drift,
                       unsigned long long seed)
{
    double *r = malloc(T * N * sizeof(*r));

    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < N; i++)
            r[t * N + i] = (drift ? drift[i] : 0) + 0.01 * gauss(&seed);
    return r;
}

static double run_pbo(const double *r, size_t T, size_t N, size_t S,
                      double *logits, size_t *nc)
{
    double *blk = calloc(N * S * 2, sizeof(*blk)), pbo;
    size_t len[32];
    momo_err err = { 0 };

    for (size_t b = 0; b < S; b++) {
        len[b] = (b + 1) * T / S - b * T / S;
        for (size_t t = b * T / S; t < (b + 1) * T / S; t++)
            for (size_t i = 0; i < N; i++) {
                blk[(i * S + b) * 2] += r[t * N + i];
                blk[(i * S + b) * 2 + 1] += r[t * N + i] * r[t * N + i];
            }
    }
    if (opt_pbo(blk, len, N, S, 2, &pbo, logits, nc, &err) != MOMO_OK)
        fail_msg("%s", err.msg);
    free(blk);
    return pbo;
}

static void pbo_equals_a_direct_cscv_over_the_raw_returns(void **state)
{
    const size_t T = 803, N = 12, S = 8;    /* T not a multiple of S */
    double *r = returns(T, N, NULL, 11), pbo, direct_pbo = 0;
    double *lg = malloc(70 * sizeof(*lg));
    size_t nc = 0, below = 0;
    int in[8];
    struct direct x = { r, T, N, S, malloc(70 * sizeof(double)), 0 };

    (void)state;
    pbo = run_pbo(r, T, N, S, lg, &nc);
    direct_choose(&x, in, 0, S / 2);
    assert_int_equal(nc, 70);               /* C(8, 4) */
    assert_int_equal(x.n_logits, 70);
    qsort(lg, 70, sizeof(*lg), cmp_double);
    qsort(x.logits, 70, sizeof(*lg), cmp_double);
    for (size_t c = 0; c < 70; c++) {
        assert_true(fabs(lg[c] - x.logits[c]) < 1e-9);
        below += x.logits[c] <= 0;
    }
    direct_pbo = (double)below / 70;
    assert_true(pbo == direct_pbo);
    free(r);
    free(lg);
    free(x.logits);
}

static void a_trial_that_wins_everywhere_is_not_overfit(void **state)
{
    const size_t T = 1600, N = 20, S = 16;
    double drift[20] = { 0 }, *r, pbo;
    size_t nc;

    (void)state;
    drift[7] = 0.004;                        /* Sharpe ~0.4 a day */
    r = returns(T, N, drift, 5);
    pbo = run_pbo(r, T, N, S, NULL, &nc);
    assert_int_equal(nc, 12870);             /* C(16, 8) */
    assert_true(pbo == 0);
    free(r);
}

static void picking_the_best_of_pure_noise_is_overfit(void **state)
{
    const size_t T = 1600, N = 40, S = 16;
    double *r = returns(T, N, NULL, 9), pbo;
    size_t nc;

    (void)state;
    pbo = run_pbo(r, T, N, S, NULL, &nc);
    /* the in-sample winner of noise is a coin toss out of sample, or
     * worse: what it won in sample is missing out of sample */
    assert_true(pbo > 0.4);
    free(r);
}

static void pbo_refuses_an_odd_number_of_blocks(void **state)
{
    double blk[12] = { 0 }, pbo;
    size_t len[3] = { 1, 1, 1 };
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(opt_pbo(blk, len, 2, 3, 1, &pbo, NULL, NULL, &err),
                     MOMO_EINVAL);
    assert_true(isnan(pbo));
}

static void binomials_are_exact(void **state)
{
    (void)state;
    assert_int_equal(opt_binomial(16, 8), 12870);
    assert_int_equal(opt_binomial(20, 10), 184756);
    assert_int_equal(opt_binomial(5, 0), 1);
    assert_int_equal(opt_binomial(3, 4), 0);
}

/*---- Walk-forward layout ----*/

static void test_windows_tile_the_end_and_never_overlap_training(
    void **state)
{
    struct opt_wf_window w[5];
    momo_err err = { 0 };

    (void)state;
    for (int anchored = 0; anchored <= 1; anchored++) {
        assert_int_equal(opt_wf_layout(100, 1099, 5, 0.8, anchored, w,
                                       &err), MOMO_OK);
        assert_int_equal(w[4].test1, 1099);
        for (size_t k = 0; k < 5; k++) {
            assert_true(w[k].train0 <= w[k].train1);
            assert_true(w[k].train1 < w[k].test0);      /* no overlap */
            assert_int_equal(w[k].test0, w[k].train1 + 1);
            assert_true(w[k].test0 <= w[k].test1);
            if (anchored)
                assert_int_equal(w[k].train0, 100);
            if (k > 0) {
                assert_int_equal(w[k].test0, w[k - 1].test1 + 1);
                assert_int_equal(w[k].test1 - w[k].test0,
                                 w[0].test1 - w[0].test0);
                if (!anchored)
                    assert_int_equal(w[k].train1 - w[k].train0,
                                     w[0].train1 - w[0].train0);
            }
        }
        /* T = floor(1000 * 0.2 / (0.8 + 5 * 0.2)) = 111 */
        assert_int_equal(w[0].test1 - w[0].test0 + 1, 111);
        assert_int_equal(w[0].train1 - w[0].train0 + 1, 1000 - 5 * 111);
    }
}

static void too_short_a_range_is_refused(void **state)
{
    struct opt_wf_window w[10];
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(opt_wf_layout(0, 20, 10, 0.8, 0, w, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "too few"));
    assert_int_equal(opt_wf_layout(0, 999, 3, 1.0, 0, w, &err),
                     MOMO_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dsr_matches_the_worked_example_of_the_paper),
        cmocka_unit_test(dsr_falls_as_trials_grow_and_is_undefined_for_one),
        cmocka_unit_test(moments_are_those_of_the_sample),
        cmocka_unit_test(pbo_equals_a_direct_cscv_over_the_raw_returns),
        cmocka_unit_test(a_trial_that_wins_everywhere_is_not_overfit),
        cmocka_unit_test(picking_the_best_of_pure_noise_is_overfit),
        cmocka_unit_test(pbo_refuses_an_odd_number_of_blocks),
        cmocka_unit_test(binomials_are_exact),
        cmocka_unit_test(
            test_windows_tile_the_end_and_never_overlap_training),
        cmocka_unit_test(too_short_a_range_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
