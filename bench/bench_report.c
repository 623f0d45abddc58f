/* bench_report.c - how long the optimization report takes for a large
 * optimization (src/report/report*.c).
 *
 *   bench_report [DIR [TRIALS [REPS]]]
 *
 * Runs a random search of TRIALS (default 10,000) samples of nine
 * parameters on a small synthetic market into DIR (default
 * /tmp/momo_bench_report; its results.sqlite caches the runs, so a
 * second call skips the search), then times momo_report_write REPS
 * times (default 3) and prints the median, and once each phase: reading
 * the folder back, building the figures and the document, rendering the
 * images (PNG and SVG on every core), the text and the PDF.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "momo/momo.h"
#include "momo/report.h"
#include "report/report_int.h"

static const char space[] =
    "space:\n"
    "  scanner.momentum_threshold: {type: uniform, low: 55, high: 85}\n"
    "  signals.entry.rsi_min: {type: integer, low: 40, high: 55}\n"
    "  signals.entry.rsi_max: {type: integer, low: 65, high: 80}\n"
    "  signals.exit.profit_target_stock: {type: log-uniform, low: 0.1, "
    "high: 0.4}\n"
    "  signals.exit.stop_loss_stock: {type: uniform, low: 0.05, high: 0.12}\n"
    "  signals.exit.trailing_stop_distance: {type: uniform, low: 0.05, "
    "high: 0.12}\n"
    "  signals.exit.max_holding_days: {type: integer, low: 15, high: 40}\n"
    "  risk.risk_per_trade: {type: log-uniform, low: 0.005, high: 0.02}\n"
    "  risk.max_positions: [6, 8, 10]\n";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int optimize(const char *dir, size_t trials, momo_err *err)
{
    momo_synth_opts so = momo_synth_default_opts();
    momo_dataset *ds = NULL;
    momo_space *sp = NULL;
    momo_design *d = NULL;
    momo_opt_result *res = NULL;
    momo_opt_opts o;
    momo_params base;
    char cache[4200];
    double t0 = core_now();
    int rc;

    so.n_stocks = 40;
    so.n_crypto = 2;
    so.years = 6;
    momo_params_default(&base);
    snprintf(cache, sizeof(cache), "%s/results.sqlite", dir);
    momo_opt_opts_init(&o);
    o.cache_path = cache;
    rc = momo_synth_generate(&so, &ds, err);
    if (rc == MOMO_OK)
        rc = momo_space_load_text(space, strlen(space), "bench", &sp, err);
    if (rc == MOMO_OK)
        rc = momo_design_random(sp, trials, 1, &d, err);
    if (rc == MOMO_OK)
        rc = momo_optimize(ds, &base, d, &o, &res, err);
    if (rc == MOMO_OK)
        rc = momo_opt_write(res, dir, "random", err);
    if (rc == MOMO_OK)
        rc = momo_report_save_config(dir, &base, err);
    if (rc == MOMO_OK)
        printf("optimization    %zu trials of 9 parameters in %.1f s "
               "(cached runs are read back)\n", trials, core_now() - t0);
    momo_opt_result_free(res);
    momo_design_free(d);
    momo_space_free(sp);
    momo_dataset_close(ds);
    return rc;
}

/* Each phase of momo_report_write once, timed. */
static int phases(const char *dir, momo_err *err)
{
    struct rpt_study st;
    struct rpt_figs figs;
    struct rpt_doc doc;
    char path[4200];
    double t[5];
    int rc;

    memset(&figs, 0, sizeof(figs));
    memset(&doc, 0, sizeof(doc));
    t[0] = core_now();
    rc = rpt_study_load(dir, NULL, &st, err);
    if (rc != MOMO_OK)
        return rc;
    t[1] = core_now();
    rc = rpt_figs_build(&st, NULL, &figs, err);
    if (rc == MOMO_OK)
        rc = rpt_doc_build(&st, &figs, "recommended.yaml", &doc, err);
    t[2] = core_now();
    if (rc == MOMO_OK)
        rc = rpt_figs_write(&figs, dir, 0, err);
    t[3] = core_now();
    snprintf(path, sizeof(path), "%s/optimization_report.txt", dir);
    if (rc == MOMO_OK)
        rc = rpt_doc_write_text(&doc, &figs, path, err);
    snprintf(path, sizeof(path), "%s/optimization_report.pdf", dir);
    if (rc == MOMO_OK)
        rc = rpt_doc_write_pdf(&doc, &figs, path, err);
    t[4] = core_now();
    if (rc == MOMO_OK) {
        printf("  read back     %6.0f ms  (%zu trials, %zu parameters)\n",
               1e3 * (t[1] - t[0]), st.n_trials, st.n_dims);
        printf("  figures, doc  %6.0f ms  (%zu figures)\n",
               1e3 * (t[2] - t[1]), figs.n);
        printf("  PNG + SVG     %6.0f ms  (%zu files on %d threads)\n",
               1e3 * (t[3] - t[2]), 2 * figs.n, core_ncpu());
        printf("  text + PDF    %6.0f ms\n", 1e3 * (t[4] - t[3]));
    }
    rpt_doc_release(&doc);
    rpt_figs_release(&figs);
    rpt_study_release(&st);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/momo_bench_report";
    size_t trials = argc > 2 ? (size_t)atol(argv[2]) : 10000;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    double *secs;
    momo_report_info info;
    momo_err err = { 0 };
    int rc;

    if (trials < 10 || reps < 1) {
        fprintf(stderr, "usage: bench_report [DIR [TRIALS >= 10 [REPS]]]\n");
        return 2;
    }
    secs = calloc((size_t)reps, sizeof(*secs));
    rc = secs ? optimize(dir, trials, &err) : MOMO_ENOMEM;
    for (int r = 0; rc == MOMO_OK && r < reps; r++) {
        rc = momo_report_write(dir, NULL, &info, &err);
        secs[r] = info.seconds;
    }
    if (rc == MOMO_OK) {
        qsort(secs, (size_t)reps, sizeof(*secs), cmp_double);
        printf("momo_report_write  median %.2f s over %d runs (min %.2f, "
               "max %.2f): %zu charts as PNG and SVG, text, PDF, YAML\n",
               secs[reps / 2], reps, secs[0], secs[reps - 1],
               info.n_charts);
        rc = phases(dir, &err);
    }
    free(secs);
    if (rc != MOMO_OK) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        return 1;
    }
    return 0;
}
