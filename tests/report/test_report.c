/* tests/report/test_report.c - the optimization report (src/report/
 * report*.c) on real optimizations of a small synthetic market: a grid
 * search with a validation range and a walk-forward with random search,
 * both run here through the optimizer's API and written to disk as
 * `momo optimize` writes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <sqlite3.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/momo.h"
#include "momo/report.h"
#include "report/report_int.h"

static char data_path[4400], grid_dir[4400], wf_dir[4400], tmp[4200];

static const char grid_space[] =
    "grid:\n"
    "  scanner.momentum_threshold: [55, 70, 85]\n"
    "  signals.entry.rsi_min: [40, 50]\n"
    "  signals.exit.stop_loss_stock: [0.05, 0.08, 0.12]\n"
    "  risk.max_positions: [4, 8]\n";

static const char wf_space[] =
    "space:\n"
    "  scanner.momentum_threshold: {type: uniform, low: 55, high: 85}\n"
    "  signals.entry.rsi_min: {type: integer, low: 40, high: 55}\n"
    "  signals.exit.max_holding_days: {type: integer, low: 15, high: 40}\n";

/*---- Fixtures: two optimizations, written once ----*/

static void run_grid(const momo_dataset *ds, const momo_params *base)
{
    momo_space *sp = NULL;
    momo_design *d = NULL;
    momo_opt_result *res = NULL;
    momo_opt_opts o;
    momo_err err = { 0 };
    char cache[4500];

    snprintf(grid_dir, sizeof(grid_dir), "%s/grid", tmp);
    snprintf(cache, sizeof(cache), "%s/results.sqlite", grid_dir);
    assert_int_equal(momo_space_load_text(grid_space, strlen(grid_space),
                                          "grid.yaml", &sp, &err), MOMO_OK);
    assert_int_equal(momo_design_grid(sp, &d, &err), MOMO_OK);
    momo_opt_opts_init(&o);
    o.window.to = core_days_from_civil(2008, 12, 31);
    o.validation.from = core_days_from_civil(2009, 1, 1);
    o.min_trades = 5;
    o.max_drawdown = 0.9;
    o.min_win_rate = 0.1;
    o.jobs = 2;
    o.cache_path = cache;
    assert_int_equal(momo_optimize(ds, base, d, &o, &res, &err), MOMO_OK);
    assert_int_equal(momo_opt_write(res, grid_dir, "grid", &err), MOMO_OK);
    assert_int_equal(momo_report_save_config(grid_dir, base, &err),
                     MOMO_OK);
    momo_opt_result_free(res);
    momo_design_free(d);
    momo_space_free(sp);
}

static void run_wf(const momo_dataset *ds, const momo_params *base)
{
    momo_space *sp = NULL;
    momo_wf_result *res = NULL;
    momo_wf_opts wf;
    momo_opt_opts o;
    momo_err err = { 0 };
    char cache[4500];

    snprintf(wf_dir, sizeof(wf_dir), "%s/wf", tmp);
    snprintf(cache, sizeof(cache), "%s/results.sqlite", wf_dir);
    assert_int_equal(momo_space_load_text(wf_space, strlen(wf_space),
                                          "wf.yaml", &sp, &err), MOMO_OK);
    momo_wf_opts_init(&wf);
    wf.n_splits = 3;
    wf.random = 1;
    wf.iterations = 24;
    momo_opt_opts_init(&o);
    o.jobs = 2;
    o.cache_path = cache;
    assert_int_equal(momo_walk_forward(ds, base, sp, &wf, &o, &res, &err),
                     MOMO_OK);
    assert_int_equal(momo_wf_write(res, wf_dir, &err), MOMO_OK);
    assert_int_equal(momo_report_save_config(wf_dir, base, &err), MOMO_OK);
    momo_wf_result_free(res);
    momo_space_free(sp);
}

static int setup(void **state)
{
    momo_synth_opts so = momo_synth_default_opts();
    momo_dataset *mem = NULL, *ds = NULL;
    momo_config *cfg = NULL;
    momo_err err = { 0 };
    const char *sets[] = { "risk.max_position_pct=0.25" };

    (void)state;
    snprintf(tmp, sizeof(tmp), "%s", tu_tmpdir("report"));
    snprintf(data_path, sizeof(data_path), "%s/market.momo", tmp);
    so.n_stocks = 40;
    so.n_crypto = 2;
    so.years = 6;
    so.seed = 3;
    if (momo_synth_generate(&so, &mem, &err) != MOMO_OK ||
        momo_dataset_save(mem, data_path, &err) != MOMO_OK ||
        momo_dataset_open(data_path, &ds, &err) != MOMO_OK ||
        momo_config_load(NULL, sets, 1, &cfg, &err) != MOMO_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    run_grid(ds, momo_config_params(cfg));
    run_wf(ds, momo_config_params(cfg));
    momo_config_free(cfg);
    momo_dataset_close(ds);
    momo_dataset_close(mem);
    return 0;
}

/*---- Helpers ----*/

static char *slurp(const char *path)
{
    char *data = NULL, *copy;
    size_t n = 0;
    momo_err err = { 0 };

    assert_int_equal(core_read_file(path, 1 << 26, &data, &n, &err),
                     MOMO_OK);
    /* a copy: GCC 12 mistakes the buffer filled through &data for the
     * local itself (-Wdangling-pointer) */
    copy = strdup(data);
    core_free(data);
    assert_non_null(copy);
    return copy;
}

static int exists(const char *dir, const char *name)
{
    char path[9300];
    struct stat sb;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

/* One number from results.sqlite of `dir` (or from the JSON text `json`
 * when given, by json_extract). */
static double query(const char *dir, const char *sql, const char *json)
{
    char path[4600];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    double v = NAN;

    snprintf(path, sizeof(path), "%s/results.sqlite", dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (json)
        sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* `text` has `label`, then blanks, then `value`. */
static int has_value(const char *text, const char *label, const char *value)
{
    for (const char *p = strstr(text, label); p; p = strstr(p + 1, label)) {
        const char *q = p + strlen(label);

        while (*q == ' ' || *q == '\t' || *q == '\n')
            q++;
        if (strncmp(q, value, strlen(value)) == 0)
            return 1;
    }
    return 0;
}

static void report(const char *dir, const momo_report_opts *o)
{
    momo_report_info info;
    momo_err err = { 0 };
    int rc = momo_report_write(dir, o, &info, &err);

    if (rc != MOMO_OK)
        fail_msg("momo_report_write: %s", err.msg);
    assert_true(info.n_charts >= 6);
}

static void png_is(const char *dir, const char *name, int w, int h)
{
    char path[4600];
    cairo_surface_t *sf;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    sf = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
        fail_msg("%s does not decode: %s", name,
                 cairo_status_to_string(cairo_surface_status(sf)));
    assert_int_equal(cairo_image_surface_get_width(sf), w);
    assert_int_equal(cairo_image_surface_get_height(sf), h);
    cairo_surface_destroy(sf);
}

static void svg_is_svg(const char *dir, const char *name)
{
    char path[4600], *text;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    text = slurp(path);
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "</svg>"));
    core_free(text);
}

static int have_poppler(void)
{
    return tu_system("pdfinfo -v >/dev/null 2>&1") == 0 &&
           tu_system("pdftotext -v >/dev/null 2>&1") == 0;
}

/* pdftotext of dir/optimization_report.pdf. */
static char *pdf_text(const char *dir)
{
    char txt[4600];

    snprintf(txt, sizeof(txt), "%s/report_pdf.txt", dir);
    assert_int_equal(tu_system("pdfinfo '%s/optimization_report.pdf' "
                               ">/dev/null", dir), 0);
    assert_int_equal(tu_system("pdftotext -layout "
                               "'%s/optimization_report.pdf' '%s'", dir,
                               txt), 0);
    return slurp(txt);
}

static const char *const sections[6] = {
    "1. Summary", "2. Top 10 parameter sets", "3. Sensitivity",
    "4. Overfitting", "5. Recommended configuration",
    "6. Implementation notes"
};

/*---- Tests ----*/

static void every_chart_of_a_grid_search_decodes_at_its_size(void **state)
{
    (void)state;
    report(grid_dir, NULL);
    png_is(grid_dir, "equity_top5.png", 1200, 800);
    png_is(grid_dir, "drawdowns_top5.png", 1200, 800);
    /* four parameters: panels of 600 x 420, three to a row */
    png_is(grid_dir, "sensitivity.png", 1800, 840);
    png_is(grid_dir, "validation.png", 1200, 800);
    /* the pair of the two most important parameters, by the ranking */
    {
        struct rpt_study st;
        momo_err err = { 0 };
        char h[256], s[256];

        assert_int_equal(rpt_study_load(grid_dir, NULL, &st, &err), MOMO_OK);
        snprintf(h, sizeof(h), "heatmap_%s__%s.png",
                 rpt_short_name(&st, st.sens.order[0]),
                 rpt_short_name(&st, st.sens.order[1]));
        snprintf(s, sizeof(s), "surface_%s__%s.png",
                 rpt_short_name(&st, st.sens.order[0]),
                 rpt_short_name(&st, st.sens.order[1]));
        png_is(grid_dir, h, 1200, 800);
        png_is(grid_dir, s, 1200, 800);
        strcpy(strrchr(h, '.'), ".svg");
        svg_is_svg(grid_dir, h);
        rpt_study_release(&st);
    }
    svg_is_svg(grid_dir, "sensitivity.svg");
    svg_is_svg(grid_dir, "equity_top5.svg");
    assert_true(exists(grid_dir, "optimization_report.txt"));
    assert_true(exists(grid_dir, "optimization_report.pdf"));
    assert_true(exists(grid_dir, "recommended.yaml"));
}

static void pdf_has_six_sections_and_the_stored_numbers(void **state)
{
    char *text, *of, want[64], path[4600];
    double best, pbo, dsr, n;

    (void)state;
    if (!have_poppler()) {
        print_message("pdfinfo or pdftotext missing: skipped\n");
        skip();
    }
    report(grid_dir, NULL);
    text = pdf_text(grid_dir);
    for (int k = 0; k < 6; k++)
        if (!strstr(text, sections[k]))
            fail_msg("the PDF lacks the heading '%s'", sections[k]);
    for (int k = 1; k < 6; k++)
        assert_true(strstr(text, sections[k - 1]) <
                    strstr(text, sections[k]));
    best = query(grid_dir, "SELECT r.sharpe FROM trials t JOIN runs r ON "
                 "r.key = t.key WHERE t.phase = 'search' AND t.rank = 1",
                 NULL);
    n = query(grid_dir, "SELECT count(*) FROM trials WHERE phase = "
              "'search'", NULL);
    snprintf(path, sizeof(path), "%s/overfitting.json", grid_dir);
    of = slurp(path);
    pbo = query(grid_dir, "SELECT json_extract(?1, '$.pbo')", of);
    dsr = query(grid_dir, "SELECT json_extract(?1, '$.deflated_sharpe')",
                of);
    assert_true(isfinite(best) && isfinite(pbo) && isfinite(dsr));
    assert_int_equal((int)n, 36);
    snprintf(want, sizeof(want), "sharpe %.4f from", best);
    if (!strstr(text, want))
        fail_msg("the PDF lacks '%s'", want);
    snprintf(want, sizeof(want), "%.0f tested", n);
    assert_true(has_value(text, "Combinations", want));
    snprintf(want, sizeof(want), "%.3f", pbo);
    assert_true(has_value(text, "PBO", want));
    snprintf(want, sizeof(want), "%.3f", dsr);
    assert_true(has_value(text, "DSR", want));
    assert_non_null(strstr(text, "page 1 of "));
    core_free(of);
    core_free(text);
}

static void sensitivity_ranks_parameters_as_the_optimizer_does(void **st_)
{
    struct rpt_study st;
    momo_err err = { 0 };
    char path[4600], *json;

    (void)st_;
    assert_int_equal(rpt_study_load(grid_dir, NULL, &st, &err), MOMO_OK);
    snprintf(path, sizeof(path), "%s/sensitivity.json", grid_dir);
    json = slurp(path);
    for (size_t k = 0; k < st.n_dims; k++) {
        char q[128];
        size_t j = st.sens.order[k];
        double imp;

        snprintf(q, sizeof(q), "SELECT json_extract(?1, "
                 "'$.parameters[%zu].importance')", j);
        imp = query(grid_dir, q, json);
        assert_true(fabs(imp - st.sens.dims[j].importance) <=
                    1e-12 * fmax(1, fabs(imp)));
    }
    core_free(json);
    rpt_study_release(&st);
}

static void walk_forward_recommendation_reproduces_its_metric(void **state)
{
    char path[4600], *text, *summary, want[64];
    momo_config *cfg = NULL;
    momo_dataset *ds = NULL;
    momo_engine *eng = NULL;
    momo_result *res = NULL;
    momo_err err = { 0 };
    struct rpt_study st;
    momo_window w;
    double sharpe;

    (void)state;
    report(wf_dir, NULL);
    png_is(wf_dir, "walk_forward.png", 1200, 800);
    png_is(wf_dir, "equity_top5.png", 1200, 800);
    /* three parameters: one row of three panels */
    png_is(wf_dir, "sensitivity.png", 1800, 420);
    assert_int_equal(rpt_study_load(wf_dir, NULL, &st, &err), MOMO_OK);
    assert_int_equal(st.base_source, RPT_BASE_FILE);
    /* the recommendation is the optimizer's */
    summary = NULL;
    {
        char sp[4600];
        size_t n = 0;

        snprintf(sp, sizeof(sp), "%s/summary.json", wf_dir);
        assert_int_equal(core_read_file(sp, 1 << 20, &summary, &n, &err),
                         MOMO_OK);
    }
    for (size_t j = 0; j < st.n_dims; j++) {
        char q[160];

        snprintf(q, sizeof(q), "SELECT json_extract(?1, "
                 "'$.best.params.\"%s\"')", st.param[j]->name);
        assert_true(query(wf_dir, q, summary) == st.top[0].x[j]);
    }
    /* recommended.yaml loads and reproduces the reported metric */
    snprintf(path, sizeof(path), "%s/recommended.yaml", wf_dir);
    assert_int_equal(momo_config_load(path, NULL, 0, &cfg, &err), MOMO_OK);
    assert_true(momo_config_params(cfg)->max_position_pct == 0.25);
    assert_int_equal(momo_dataset_open(data_path, &ds, &err), MOMO_OK);
    assert_int_equal(momo_engine_new(ds, momo_config_params(cfg), NULL,
                                     &eng, &err), MOMO_OK);
    w.from = st.oos_from;
    w.to = st.oos_to;
    assert_int_equal(momo_backtest_run(eng, momo_config_params(cfg), &w,
                                       &res, &err), MOMO_OK);
    sharpe = momo_result_metrics(res)->sharpe;
    assert_true(sharpe == st.top[0].m.sharpe);
    snprintf(path, sizeof(path), "%s/optimization_report.txt", wf_dir);
    text = slurp(path);
    snprintf(want, sizeof(want), "sharpe %.4f from", sharpe);
    if (!strstr(text, want))
        fail_msg("the text report lacks '%s'", want);
    core_free(text);
    core_free(summary);
    momo_result_free(res);
    momo_engine_free(eng);
    momo_dataset_close(ds);
    momo_config_free(cfg);
    rpt_study_release(&st);
}

static void named_surfaces_are_drawn_into_another_folder(void **state)
{
    momo_report_opts o;
    const char *pairs[] = { "momentum_threshold,stop_loss_stock",
                            "signals.entry.rsi_min,risk.max_positions" };
    char out[4600];

    (void)state;
    snprintf(out, sizeof(out), "%s/elsewhere", tmp);
    momo_report_opts_init(&o);
    o.out_dir = out;
    o.surfaces = pairs;
    o.n_surfaces = 2;
    report(grid_dir, &o);
    png_is(out, "surface_momentum_threshold__stop_loss_stock.png", 1200,
           800);
    png_is(out, "heatmap_momentum_threshold__stop_loss_stock.png", 1200,
           800);
    assert_true(exists(out, "optimization_report.pdf"));
    assert_true(exists(out, "recommended.yaml"));
}

static void bad_folders_and_names_are_refused_clearly(void **state)
{
    momo_report_opts o;
    momo_report_info info;
    momo_err err = { 0 };
    char dir[4600], missing[4600], db[4700];
    const char *bad[] = { "momentum_threshold,no_such_param" };

    (void)state;
    snprintf(missing, sizeof(missing), "%s/no_such_dir", tmp);
    assert_int_equal(momo_report_write(missing, NULL, &info, &err),
                     MOMO_EIO);
    assert_non_null(strstr(err.msg, "no_such_dir"));
    snprintf(dir, sizeof(dir), "%s/empty", tmp);
    assert_int_equal(core_mkdir_p(dir, NULL), MOMO_OK);
    momo_err_clear(&err);
    assert_int_equal(momo_report_write(dir, NULL, &info, &err),
                     MOMO_EFORMAT);
    assert_non_null(strstr(err.msg, "not an optimization folder"));
    /* a results.sqlite that is not a database */
    snprintf(db, sizeof(db), "%s/results.sqlite", dir);
    tu_write_file(db, "this is not a database\n");
    momo_err_clear(&err);
    assert_int_equal(momo_report_write(dir, NULL, &info, &err),
                     MOMO_EFORMAT);
    assert_non_null(strstr(err.msg, "results.sqlite"));
    momo_report_opts_init(&o);
    o.surfaces = bad;
    o.n_surfaces = 1;
    o.out_dir = dir;
    momo_err_clear(&err);
    assert_int_equal(momo_report_write(grid_dir, &o, &info, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "'no_such_param'"));
    /* nothing was written for the refused report */
    assert_false(exists(dir, "optimization_report.pdf"));
}

static void loading_fails_cleanly_on_every_allocation(void **state)
{
    (void)state;
    for (long nth = 1;; nth++) {
        struct rpt_study st;
        momo_err err = { 0 };
        int rc;

        core_fail_alloc_at(nth);
        rc = rpt_study_load(grid_dir, NULL, &st, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            rpt_study_release(&st);
            break;
        }
        if (rc != MOMO_ENOMEM)
            fail_msg("allocation %ld: %s", nth, err.msg);
        assert_true(nth < 100000);
    }
}

static void figures_and_text_fail_cleanly_on_every_allocation(void **state)
{
    struct rpt_study st;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(rpt_study_load(wf_dir, NULL, &st, &err), MOMO_OK);
    for (long nth = 1;; nth++) {
        struct rpt_figs figs;
        struct rpt_doc doc;
        int rc;

        momo_err_clear(&err);
        core_fail_alloc_at(nth);
        rc = rpt_figs_build(&st, NULL, &figs, &err);
        if (rc == MOMO_OK) {
            rc = rpt_doc_build(&st, &figs, "recommended.yaml", &doc, &err);
            if (rc == MOMO_OK)
                rpt_doc_release(&doc);
            rpt_figs_release(&figs);
        }
        core_fail_alloc_at(0);
        if (rc == MOMO_OK)
            break;
        if (rc != MOMO_ENOMEM)
            fail_msg("allocation %ld: %s", nth, err.msg);
        assert_true(nth < 1000000);
    }
    rpt_study_release(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_chart_of_a_grid_search_decodes_at_its_size),
        cmocka_unit_test(pdf_has_six_sections_and_the_stored_numbers),
        cmocka_unit_test(sensitivity_ranks_parameters_as_the_optimizer_does),
        cmocka_unit_test(walk_forward_recommendation_reproduces_its_metric),
        cmocka_unit_test(named_surfaces_are_drawn_into_another_folder),
        cmocka_unit_test(bad_folders_and_names_are_refused_clearly),
        cmocka_unit_test(loading_fails_cleanly_on_every_allocation),
        cmocka_unit_test(figures_and_text_fail_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
