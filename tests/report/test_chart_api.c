/* tests/report/test_chart_api.c - the chart object's contract (chart.c):
 * bad input, copies, histogram binning, atomic files, allocation
 * failures and drawing on several threads at once. */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>

#include "testutil.h"
#include "core/core.h"
#include "report/chart.h"
#include "report/chart_int.h"

static char tmp_dir[4200];   /* made once, in main */

static const double xs[5] = { 1, 2, 3, 4, 5 };
static const double ys[5] = { 2, 1, 4, 3, 5 };

static rpt_chart *new_chart(int w, int h)
{
    rpt_chart *c = NULL;
    momo_err err = { 0 };

    assert_int_equal(rpt_chart_new(w, h, &c, &err), MOMO_OK);
    return c;
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    }
    closedir(d);
    return n;
}

static const char *fresh_dir(const char *name)
{
    static char path[4][4300];
    static int slot;
    char *p = path[slot++ % 4];

    snprintf(p, sizeof(path[0]), "%s/%s", tmp_dir, name);
    assert_int_equal(core_mkdir_p(p, NULL), MOMO_OK);
    assert_int_equal(dir_entries(p), 0);
    return p;
}

/*---- Bad input ----*/

#define EXPECT_EINVAL(call, text)                                        \
    do {                                                                 \
        momo_err e_ = { 0 };                                             \
        assert_int_equal((call), MOMO_EINVAL);                           \
        assert_int_equal(e_.code, MOMO_EINVAL);                          \
        if (!strstr(e_.msg, (text)))                                     \
            fail_msg("message '%s' lacks '%s'", e_.msg, (text));         \
    } while (0)

static void bad_input_is_refused_and_the_chart_keeps_what_it_had(
    void **state)
{
    const char *cats[3] = { "a", "b", "c" };
    const double x0[2] = { 0, 1 }, x1[2] = { 1, 2 };
    const int bad_cat[2] = { 0, 5 };
    const double zig[3] = { 1, 3, 2 }, huge[2] = { -1e308, 1e308 };
    struct rpt_axis log_x = { .scale = RPT_SCALE_LOG };
    struct rpt_axis date_y = { .format = RPT_FMT_DATE };
    struct rpt_axis bad_log = { .scale = RPT_SCALE_LOG, .min = -1, .max = 5 };
    struct rpt_style bad_dash = { .dash = 9 };
    rpt_chart *c = NULL, *h;
    momo_err err = { 0 };
    double z[6] = { 1, 2, 3, 4, 5, 6 };   /* 3 x 2 for the surfaces */

    (void)state;
    EXPECT_EINVAL(rpt_chart_new(100, 100, &c, &e_), "outside 200..20000");
    assert_null(c);
    c = new_chart(400, 300);
    assert_int_equal(rpt_chart_add_line(c, "kept", xs, ys, 5, NULL, &err),
                     MOMO_OK);
    EXPECT_EINVAL(rpt_chart_set_axis(c, RPT_AXIS_X, &log_x, &e_), "x axis");
    EXPECT_EINVAL(rpt_chart_set_axis(c, RPT_AXIS_Y, &date_y, &e_),
                  "dates are for the x axis");
    EXPECT_EINVAL(rpt_chart_set_axis(c, RPT_AXIS_Y, &bad_log, &e_),
                  "log range must be > 0");
    EXPECT_EINVAL(rpt_chart_set_axis(c, 7, &log_x, &e_), "no axis 7");
    EXPECT_EINVAL(rpt_chart_add_line(c, "x", xs, NULL, 5, NULL, &e_),
                  "without y values");
    EXPECT_EINVAL(rpt_chart_add_line(c, "bad \xff\xfe", xs, ys, 5, NULL,
                                     &e_), "not valid UTF-8");
    EXPECT_EINVAL(rpt_chart_set_title(c, "ok", "\xc3", &e_),
                  "subtitle is not valid UTF-8");
    EXPECT_EINVAL(rpt_chart_add_line(c, "x", xs, ys, 5, &bad_dash, &e_),
                  "bad style");
    assert_int_equal(rpt_chart_set_categories(c, cats, 3, &err), MOMO_OK);
    EXPECT_EINVAL(rpt_chart_add_bars(c, "b", ys, NULL, NULL, 2, NULL, &e_),
                  "2 values for 3 categories");
    EXPECT_EINVAL(rpt_chart_add_bars(c, "b", ys, ys, NULL, 3, NULL, &e_),
                  "need both lo and hi");
    EXPECT_EINVAL(rpt_chart_add_shading(c, x0, x1, bad_cat, 2, cats, 3,
                                        &e_), "range 1: category 5");
    EXPECT_EINVAL(rpt_chart_add_histogram(c, "h", ys, 5, 20000, NULL, &e_),
                  "20000 bins");
    EXPECT_EINVAL(rpt_chart_add_histogram(c, "h", huge, 2, 0, NULL, &e_),
                  "span more than a double holds");
    EXPECT_EINVAL(rpt_chart_set_heatmap(c, z, 2, 2, NULL, NULL, 0, &e_),
                  "a plot cannot also hold a heatmap");
    assert_int_equal(c->n_series, 1);
    assert_string_equal(c->s[0].label, "kept");
    assert_int_equal(c->n_shade, 0);
    assert_int_equal(c->axis[RPT_AXIS_X].scale, RPT_SCALE_LINEAR);
    assert_null(c->subtitle);
    rpt_chart_free(c);

    h = new_chart(400, 300);
    EXPECT_EINVAL(rpt_chart_set_heatmap(h, z, 0, 2, NULL, NULL, 0, &e_),
                  "empty grid");
    EXPECT_EINVAL(rpt_chart_set_surface(h, zig, xs, z, 3, 1, &e_),
                  "at least 2 x 2");
    EXPECT_EINVAL(rpt_chart_set_surface(h, zig, xs, z, 3, 2, &e_),
                  "strictly increasing");
    assert_int_equal(rpt_chart_set_heatmap(h, z, 2, 2, NULL, NULL, 0, &err),
                     MOMO_OK);
    EXPECT_EINVAL(rpt_chart_set_heatmap(h, z, 2, 2, NULL, NULL, 0, &e_),
                  "already set");
    EXPECT_EINVAL(rpt_chart_add_line(h, "x", xs, ys, 5, NULL, &e_),
                  "a heatmap cannot also hold a plot");
    rpt_chart_free(h);
}

static void added_data_is_copied_from_the_caller(void **state)
{
    double y[5];
    char label[16] = "mine";
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };

    (void)state;
    memcpy(y, ys, sizeof(y));
    assert_int_equal(rpt_chart_add_line(c, label, xs, y, 5, NULL, &err),
                     MOMO_OK);
    y[0] = 99;
    strcpy(label, "changed");
    assert_true(c->s[0].y[0] == ys[0]);
    assert_string_equal(c->s[0].label, "mine");
    rpt_chart_free(c);
}

static void a_palette_that_runs_out_adds_dashes(void **state)
{
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };

    (void)state;
    for (int k = 0; k < RPT_N_COLORS + 1; k++)
        assert_int_equal(rpt_chart_add_line(c, "s", xs, ys, 5, NULL, &err),
                         MOMO_OK);
    for (int k = 0; k < RPT_N_COLORS; k++) {
        assert_int_equal(c->s[k].st.color, k + 1);
        assert_int_equal(c->s[k].st.dash, RPT_SOLID);
    }
    assert_int_equal(c->s[RPT_N_COLORS].st.color, 1);
    assert_int_equal(c->s[RPT_N_COLORS].st.dash, RPT_DASHED);
    rpt_chart_free(c);
}

/*---- Histograms ----*/

static double sum_counts(const struct rpt_series *s)
{
    double n = 0;

    for (size_t i = 0; i < s->n; i++)
        n += s->y[i];
    return n;
}

static void a_histogram_counts_every_finite_value_once(void **state)
{
    const double v[8] = { 3, NAN, 1, INFINITY, 2, 5, -INFINITY, 5 };
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };
    const struct rpt_series *s;

    (void)state;
    assert_int_equal(rpt_chart_add_histogram(c, "h", v, 8, 4, NULL, &err),
                     MOMO_OK);
    s = &c->s[0];
    assert_int_equal(s->n, 4);
    assert_true(s->x[0] == 1 && s->x[4] == 5);
    assert_true(sum_counts(s) == 5);
    assert_true(s->y[3] == 2);          /* both 5s, the top edge included */
    rpt_chart_free(c);
}

/* Quantile by linear interpolation between order statistics. */
static double quantile(const double *sorted, size_t n, double f)
{
    double pos = f * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    double frac = pos - (double)i;

    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void freedman_diaconis_sets_the_bin_count(void **state)
{
    double v[1000], sorted[1000], iqr, width;
    size_t want;
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };

    (void)state;
    for (int i = 0; i < 1000; i++)
        v[i] = exp(sin(i * 0.731) * 1.7);       /* skewed, deterministic */
    memcpy(sorted, v, sizeof(v));
    qsort(sorted, 1000, sizeof(double), cmp_double);
    iqr = quantile(sorted, 1000, 0.75) - quantile(sorted, 1000, 0.25);
    width = 2 * iqr / cbrt(1000.0);
    want = (size_t)ceil((sorted[999] - sorted[0]) / width);
    assert_true(want > 5 && want < 200);
    assert_int_equal(rpt_chart_add_histogram(c, "h", v, 1000, 0, NULL,
                                             &err), MOMO_OK);
    assert_int_equal(c->s[0].n, want);
    assert_true(sum_counts(&c->s[0]) == 1000);
    rpt_chart_free(c);
}

static void a_histogram_of_one_repeated_value_has_one_full_bin(
    void **state)
{
    double v[50];
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };
    size_t full = 0;

    (void)state;
    for (int i = 0; i < 50; i++)    /* 7, up to rounding noise */
        v[i] = 7.0 + (i % 5) * 1e-15;
    assert_int_equal(rpt_chart_add_histogram(c, "h", v, 50, 0, NULL, &err),
                     MOMO_OK);
    assert_true(c->s[0].n >= 1);
    assert_true(c->s[0].x[0] < 7.0 && c->s[0].x[c->s[0].n] > 7.0);
    for (size_t i = 0; i < c->s[0].n; i++)
        full += c->s[0].y[i] == 50;
    assert_int_equal(full, 1);
    rpt_chart_free(c);
}

/*---- Files ----*/

static void an_unwritable_path_gives_eio_and_leaves_nothing_behind(
    void **state)
{
    const char *dir = fresh_dir("unwritable");
    char missing[4400], is_dir[4400];
    rpt_chart *c = new_chart(400, 300);
    momo_err err = { 0 };
    struct stat st;

    (void)state;
    assert_int_equal(rpt_chart_add_line(c, "a", xs, ys, 5, NULL, &err),
                     MOMO_OK);
    snprintf(missing, sizeof(missing), "%s/no/such/dir/x.png", dir);
    assert_int_equal(rpt_chart_write_png(c, missing, &err), MOMO_EIO);
    assert_non_null(strstr(err.msg, missing));
    momo_err_clear(&err);
    assert_int_equal(dir_entries(dir), 0);

    /* the target is a directory: the rename fails, the temporary goes */
    snprintf(is_dir, sizeof(is_dir), "%s/taken", dir);
    assert_int_equal(core_mkdir_p(is_dir, NULL), MOMO_OK);
    assert_int_equal(rpt_chart_write_png(c, is_dir, &err), MOMO_EIO);
    assert_non_null(strstr(err.msg, is_dir));
    momo_err_clear(&err);
    assert_int_equal(rpt_chart_write_svg(c, is_dir, &err), MOMO_EIO);
    momo_err_clear(&err);
    assert_int_equal(rpt_chart_write_pdf(c, is_dir, &err), MOMO_EIO);
    assert_int_equal(dir_entries(dir), 1);
    assert_int_equal(stat(is_dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(dir_entries(is_dir), 0);
    rpt_chart_free(c);
}

static void a_new_file_replaces_the_old_one_whole(void **state)
{
    const char *dir = fresh_dir("replace");
    char path[4400];
    rpt_chart *big = new_chart(640, 480), *small = new_chart(300, 200);
    momo_err err = { 0 };
    cairo_surface_t *s;

    (void)state;
    snprintf(path, sizeof(path), "%s/chart.png", dir);
    rpt_chart_add_line(big, "a", xs, ys, 5, NULL, &err);
    rpt_chart_add_line(small, "a", xs, ys, 5, NULL, &err);
    assert_int_equal(rpt_chart_write_png(big, path, &err), MOMO_OK);
    assert_int_equal(rpt_chart_write_png(small, path, &err), MOMO_OK);
    s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 300);
    assert_int_equal(cairo_image_surface_get_height(s), 200);
    cairo_surface_destroy(s);
    assert_int_equal(dir_entries(dir), 1);
    rpt_chart_free(big);
    rpt_chart_free(small);
}

/*---- Allocation failures ----*/

static int build_xy(rpt_chart **out, momo_err *err)
{
    const char *cats[5] = { "a", "b", "c", "d", "e" };
    const char *names[5] = { "p", NULL, "q", "r", "s" };
    const double x0[1] = { 1 }, x1[1] = { 3 };
    const int cat[1] = { 0 };
    struct rpt_axis ax = { .label = "Date", .format = RPT_FMT_DATE };
    struct rpt_axis ay = { .label = "Equity", .unit = "USD",
                           .format = RPT_FMT_MONEY };
    rpt_chart *c = NULL;
    int rc = rpt_chart_new(500, 400, &c, err);

    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, "title", "subtitle", err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_X, &ax, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_Y, &ay, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_line(c, "line", xs, ys, 5, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_band(c, "band", xs, NULL, ys, 5, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_scatter(c, "pts", xs, ys, names, 5, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_histogram(c, "hist", ys, 5, 0, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_shading(c, x0, x1, cat, 1, cats, 1, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_hline(c, 2, "two", NULL, err);
    if (rc != MOMO_OK) {
        rpt_chart_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

static int build_bars(rpt_chart **out, momo_err *err)
{
    const char *cats[5] = { "a", "b", "c", "d", "e" };
    rpt_chart *c = NULL;
    int rc = rpt_chart_new(500, 400, &c, err);

    if (rc == MOMO_OK)
        rc = rpt_chart_set_categories(c, cats, 5, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, "a", ys, xs, ys, 5, NULL, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, "b", xs, NULL, NULL, 5, NULL, err);
    if (rc != MOMO_OK) {
        rpt_chart_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

static int build_grid(rpt_chart **out, int surface, momo_err *err)
{
    const char *names[3] = { "x", "y", "z" };
    const double gx[3] = { 1, 2, 3 };
    double z[9] = { 1, 2, 3, 4, NAN, 6, 7, 8, 9 };
    rpt_chart *c = NULL;
    int rc = rpt_chart_new(500, 400, &c, err);

    if (rc == MOMO_OK && surface)
        rc = rpt_chart_set_surface(c, gx, gx, z, 3, 3, err);
    else if (rc == MOMO_OK)
        rc = rpt_chart_set_heatmap(c, z, 3, 3, names, names, RPT_LABELS_ON,
                                   err);
    if (rc != MOMO_OK) {
        rpt_chart_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

static void building_and_writing_fail_cleanly_on_every_allocation(
    void **state)
{
    const char *dir = fresh_dir("faults");
    char path[4400];

    (void)state;
    snprintf(path, sizeof(path), "%s/c.png", dir);
    for (int kind = 0; kind < 4; kind++) {
        int done = 0;

        for (long nth = 1; !done; nth++) {
            momo_err err = { 0 };
            rpt_chart *c = NULL;
            int rc;

            core_fail_alloc_at(nth);
            if (kind == 0)
                rc = build_xy(&c, &err);
            else if (kind == 1)
                rc = build_bars(&c, &err);
            else
                rc = build_grid(&c, kind == 3, &err);
            if (rc == MOMO_OK)
                rc = rpt_chart_write_png(c, path, &err);
            core_fail_alloc_at(0);
            if (rc == MOMO_OK) {
                done = 1;
            } else {
                assert_int_equal(rc, MOMO_ENOMEM);
                assert_int_equal(err.code, MOMO_ENOMEM);
                assert_int_equal(dir_entries(dir), 0);
            }
            rpt_chart_free(c);
            assert_true(nth < 1000);
        }
        assert_int_equal(unlink(path), 0);
    }
}

/*---- Threads ----*/

struct job {
    int kind;
    unsigned char *pixels;      /* the rendering, stride w * 4 */
    int rc;
};

static int build_kind(int kind, rpt_chart **c, momo_err *err)
{
    if (kind == 0)
        return build_xy(c, err);
    if (kind == 1)
        return build_bars(c, err);
    return build_grid(c, kind == 3, err);
}

static void draw_to_memory(struct job *j)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 500,
                                                    400);
    cairo_t *cr = cairo_create(s);
    rpt_chart *c = NULL;
    momo_err err = { 0 };

    j->rc = build_kind(j->kind, &c, &err);
    if (j->rc == MOMO_OK)
        j->rc = rpt_chart_draw(c, cr, 0, 0, 500, 400, &err);
    cairo_surface_flush(s);
    j->pixels = malloc((size_t)cairo_image_surface_get_stride(s) * 400);
    if (j->pixels)
        memcpy(j->pixels, cairo_image_surface_get_data(s),
               (size_t)cairo_image_surface_get_stride(s) * 400);
    rpt_chart_free(c);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static void *thread_main(void *arg)
{
    struct job *j = arg;

    for (int k = 0; k < 3; k++) {
        free(j->pixels);
        j->pixels = NULL;
        draw_to_memory(j);
    }
    return NULL;
}

static void charts_drawn_on_several_threads_match_those_drawn_alone(
    void **state)
{
    struct job alone[4], par[8];
    pthread_t th[8];
    size_t size = (size_t)cairo_format_stride_for_width(CAIRO_FORMAT_RGB24,
                                                        500) * 400;

    (void)state;
    for (int k = 0; k < 4; k++) {
        memset(&alone[k], 0, sizeof(alone[k]));
        alone[k].kind = k;
        draw_to_memory(&alone[k]);
        assert_int_equal(alone[k].rc, MOMO_OK);
    }
    for (int t = 0; t < 8; t++) {
        memset(&par[t], 0, sizeof(par[t]));
        par[t].kind = t % 4;
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, &par[t]),
                         0);
    }
    for (int t = 0; t < 8; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(par[t].rc, MOMO_OK);
        assert_non_null(par[t].pixels);
        assert_memory_equal(par[t].pixels, alone[t % 4].pixels, size);
        free(par[t].pixels);
    }
    for (int k = 0; k < 4; k++)
        free(alone[k].pixels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            bad_input_is_refused_and_the_chart_keeps_what_it_had),
        cmocka_unit_test(added_data_is_copied_from_the_caller),
        cmocka_unit_test(a_palette_that_runs_out_adds_dashes),
        cmocka_unit_test(a_histogram_counts_every_finite_value_once),
        cmocka_unit_test(freedman_diaconis_sets_the_bin_count),
        cmocka_unit_test(a_histogram_of_one_repeated_value_has_one_full_bin),
        cmocka_unit_test(
            an_unwritable_path_gives_eio_and_leaves_nothing_behind),
        cmocka_unit_test(a_new_file_replaces_the_old_one_whole),
        cmocka_unit_test(
            building_and_writing_fail_cleanly_on_every_allocation),
        cmocka_unit_test(
            charts_drawn_on_several_threads_match_those_drawn_alone),
    };

    snprintf(tmp_dir, sizeof(tmp_dir), "%s", tu_tmpdir("report_api"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
