/* tests/report/test_chart_render.c - what charts look like: every chart
 * type renders to PNG, SVG and PDF, and the pixels of the PNG show the
 * data where it belongs (src/report/chart*.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "testutil.h"
#include "core/core.h"
#include "report/chart.h"
#include "report/chart_int.h"

/*---- Images ----*/

struct img {
    cairo_surface_t *s;
    int w, h, stride;
    const unsigned char *d;
};

static char tmp_dir[4200];   /* made once, in main */

static const char *tmp_file(const char *name)
{
    static char path[4][4300];
    static int slot;
    char *p = path[slot++ % 4];

    snprintf(p, sizeof(path[0]), "%s/%s", tmp_dir, name);
    return p;
}

static void load(const char *path, struct img *im)
{
    im->s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(im->s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(im->s);
    im->w = cairo_image_surface_get_width(im->s);
    im->h = cairo_image_surface_get_height(im->s);
    im->stride = cairo_image_surface_get_stride(im->s);
    im->d = cairo_image_surface_get_data(im->s);
}

static void unload(struct img *im)
{
    cairo_surface_destroy(im->s);
}

/* Render `c` to a PNG, free it, and load the image. */
static void render(rpt_chart *c, struct img *im)
{
    static int serial;      /* every rendering kept, for a look after */
    char name[32];
    const char *path;
    momo_err err = { 0 };

    snprintf(name, sizeof(name), "chart%02d.png", ++serial);
    path = tmp_file(name);

    assert_int_equal(rpt_chart_write_png(c, path, &err), MOMO_OK);
    rpt_chart_free(c);
    load(path, im);
}

static void pix(const struct img *im, int x, int y, int rgb[3])
{
    uint32_t v;

    memcpy(&v, im->d + (size_t)y * (size_t)im->stride + 4 * (size_t)x, 4);
    rgb[0] = (int)(v >> 16) & 255;
    rgb[1] = (int)(v >> 8) & 255;
    rgb[2] = (int)v & 255;
}

static int near(const struct img *im, int x, int y, const int want[3],
                int tol)
{
    int rgb[3];

    pix(im, x, y, rgb);
    return abs(rgb[0] - want[0]) <= tol && abs(rgb[1] - want[1]) <= tol &&
           abs(rgb[2] - want[2]) <= tol;
}

static void palette(int k, int rgb[3])
{
    double d[3];

    rpt_palette_rgb(k, d);
    for (int i = 0; i < 3; i++)
        rgb[i] = (int)lround(d[i] * 255);
}

struct bbox {
    int x0, y0, x1, y1;
    long n;
};

/* Bounding box of the pixels near `want` within a rectangle. */
static struct bbox find_in(const struct img *im, const int want[3], int tol,
                           int x0, int y0, int x1, int y1)
{
    struct bbox b = { im->w, im->h, -1, -1, 0 };

    for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
            if (!near(im, x, y, want, tol))
                continue;
            b.x0 = x < b.x0 ? x : b.x0;
            b.y0 = y < b.y0 ? y : b.y0;
            b.x1 = x > b.x1 ? x : b.x1;
            b.y1 = y > b.y1 ? y : b.y1;
            b.n++;
        }
    }
    return b;
}

static struct bbox find(const struct img *im, const int want[3], int tol)
{
    return find_in(im, want, tol, 0, 0, im->w, im->h);
}

static rpt_chart *new_chart(int w, int h)
{
    rpt_chart *c = NULL;
    momo_err err = { 0 };

    assert_int_equal(rpt_chart_new(w, h, &c, &err), MOMO_OK);
    return c;
}

static void fix_axis(rpt_chart *c, int axis, double lo, double hi,
                     int scale)
{
    struct rpt_axis a = { 0 };
    momo_err err = { 0 };

    a.min = lo;
    a.max = hi;
    a.scale = scale;
    assert_int_equal(rpt_chart_set_axis(c, axis, &a, &err), MOMO_OK);
}

/*---- Every type renders ----*/

static const double xs[6] = { 0, 1, 2, 3, 4, 5 };
static const double ys[6] = { 1, 3, 2, 5, 4, 6 };
static const double los[6] = { 0.5, 2, 1, 4, 3, 5 };
static const char *const names6[6] = { "a", "b", "c", "d", "e", "f" };

static rpt_chart *build(int type)
{
    rpt_chart *c = new_chart(640, 480);
    momo_err err = { 0 };
    int rc = MOMO_OK;
    int cat[2] = { 0, 1 };
    double x0[2] = { 0, 2.5 }, x1[2] = { 2.5, 5 }, z[12];

    rpt_chart_set_title(c, "Every type", "renders", &err);
    switch (type) {
    case 0:
        rc = rpt_chart_add_line(c, "line", xs, ys, 6, NULL, &err);
        break;
    case 1:
        rc = rpt_chart_add_step(c, "step", xs, ys, 6, NULL, &err);
        break;
    case 2:
        rc = rpt_chart_add_band(c, "band", xs, los, ys, 6, NULL, &err);
        break;
    case 3:
        rc = rpt_chart_add_scatter(c, "pts", xs, ys, names6, 6, NULL, &err);
        break;
    case 4:
        rc = rpt_chart_set_categories(c, names6, 6, &err);
        if (rc == MOMO_OK)
            rc = rpt_chart_add_bars(c, "bars", ys, los, ys, 6, NULL, &err);
        break;
    case 5:
        rc = rpt_chart_add_histogram(c, "hist", ys, 6, 0, NULL, &err);
        break;
    case 6:
        rc = rpt_chart_add_shading(c, x0, x1, cat, 2, names6, 2, &err);
        if (rc == MOMO_OK)
            rc = rpt_chart_add_line(c, "line", xs, ys, 6, NULL, &err);
        break;
    case 7:
        rc = rpt_chart_add_hline(c, 3, "h", NULL, &err);
        if (rc == MOMO_OK)
            rc = rpt_chart_add_vline(c, 2, "v", NULL, &err);
        if (rc == MOMO_OK)
            rc = rpt_chart_add_line(c, NULL, xs, ys, 6, NULL, &err);
        break;
    case 8:
        for (int i = 0; i < 12; i++)
            z[i] = i;
        rc = rpt_chart_set_heatmap(c, z, 4, 3, names6, names6,
                                   RPT_LABELS_ON, &err);
        break;
    default:
        for (int i = 0; i < 12; i++)
            z[i] = sin(i);
        rc = rpt_chart_set_surface(c, xs, xs, z, 4, 3, &err);
        break;
    }
    if (rc != MOMO_OK)
        fail_msg("type %d: %s", type, err.msg);
    return c;
}

static int file_starts_with(const char *path, const char *prefix)
{
    char buf[64] = "";
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strncmp(buf, prefix, strlen(prefix)) == 0;
}

static int file_contains(const char *path, const char *needle)
{
    char *data = NULL;
    size_t n = 0;
    int found;

    if (core_read_file(path, 1 << 26, &data, &n, NULL) != MOMO_OK)
        return 0;
    found = strstr(data, needle) != NULL;
    core_free(data);
    return found;
}

static void every_chart_type_renders_to_png_svg_and_pdf(void **state)
{
    (void)state;
    for (int type = 0; type < 10; type++) {
        rpt_chart *c = build(type);
        momo_err err = { 0 };
        const char *png = tmp_file("t.png"), *svg = tmp_file("t.svg");
        const char *pdf = tmp_file("t.pdf");
        struct img im;

        assert_int_equal(rpt_chart_write_png(c, png, &err), MOMO_OK);
        assert_int_equal(rpt_chart_write_svg(c, svg, &err), MOMO_OK);
        assert_int_equal(rpt_chart_write_pdf(c, pdf, &err), MOMO_OK);
        rpt_chart_free(c);
        load(png, &im);
        assert_int_equal(im.w, 640);
        assert_int_equal(im.h, 480);
        unload(&im);
        assert_true(file_starts_with(svg, "<?xml"));
        assert_true(file_contains(svg, "width=\"640px\""));
        assert_true(file_contains(svg, "height=\"480px\""));
        assert_true(file_starts_with(pdf, "%PDF-"));
    }
}

static void a_chart_of_default_size_is_1200_by_800(void **state)
{
    rpt_chart *c = new_chart(0, 0);
    momo_err err = { 0 };
    struct img im;

    (void)state;
    assert_int_equal(rpt_chart_add_line(c, NULL, xs, ys, 6, NULL, &err),
                     MOMO_OK);
    render(c, &im);
    assert_int_equal(im.w, RPT_DEFAULT_WIDTH);
    assert_int_equal(im.h, RPT_DEFAULT_HEIGHT);
    unload(&im);
}

/*---- Lines ----*/

static void a_rising_line_colours_the_bottom_left_and_top_right(
    void **state)
{
    const double x[2] = { 0, 1 }, y[2] = { 0, 1 };
    struct rpt_style st = { .color = 1, .width = 3 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    struct img im;
    struct bbox b, tl, br;
    int left_y = -1, right_y = -1;

    (void)state;
    fix_axis(c, RPT_AXIS_X, 0, 1, RPT_SCALE_LINEAR);
    fix_axis(c, RPT_AXIS_Y, 0, 1, RPT_SCALE_LINEAR);
    assert_int_equal(rpt_chart_add_line(c, NULL, x, y, 2, &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, blue);
    b = find(&im, blue, 40);
    /* the line spans most of the image: the plot area's diagonal */
    assert_true(b.x1 - b.x0 > im.w * 6 / 10);
    assert_true(b.y1 - b.y0 > im.h * 6 / 10);
    for (int row = 0; row < im.h; row++) {
        if (near(&im, b.x0 + 2, row, blue, 40))
            left_y = row;
        if (right_y < 0 && near(&im, b.x1 - 2, row, blue, 40))
            right_y = row;
    }
    assert_true(left_y > b.y1 - 8);     /* starts at the bottom left */
    assert_true(right_y >= 0 && right_y < b.y0 + 8);   /* ends top right */
    /* nothing in the empty corners of the diagonal's box */
    tl = find_in(&im, blue, 40, b.x0, b.y0, (b.x0 + b.x1) / 2 - 10,
                 (b.y0 + b.y1) / 2 - 10);
    br = find_in(&im, blue, 40, (b.x0 + b.x1) / 2 + 10,
                 (b.y0 + b.y1) / 2 + 10, b.x1, b.y1);
    assert_int_equal(tl.n, 0);
    assert_int_equal(br.n, 0);
    unload(&im);
}

static void nan_values_leave_a_gap_in_a_line(void **state)
{
    double x[11], y[11];
    struct rpt_style st = { .color = 1, .width = 3 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    struct img im;
    struct bbox b;

    (void)state;
    for (int i = 0; i < 11; i++) {
        x[i] = i;
        y[i] = 0.5;
    }
    y[5] = NAN;
    y[8] = INFINITY;    /* another gap, 7..9 */
    fix_axis(c, RPT_AXIS_X, 0, 10, RPT_SCALE_LINEAR);
    fix_axis(c, RPT_AXIS_Y, 0, 1, RPT_SCALE_LINEAR);
    assert_int_equal(rpt_chart_add_line(c, NULL, x, y, 11, &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, blue);
    b = find(&im, blue, 40);
    assert_true(b.n > 0);
    {
        double unit = (b.x1 - b.x0) / 10.0;
        struct bbox gap5 = find_in(&im, blue, 60, b.x0 + (int)(4.3 * unit),
                                   0, b.x0 + (int)(5.7 * unit), im.h);
        struct bbox gap8 = find_in(&im, blue, 60, b.x0 + (int)(7.3 * unit),
                                   0, b.x0 + (int)(8.7 * unit), im.h);
        struct bbox seg = find_in(&im, blue, 40, b.x0 + (int)(1.5 * unit),
                                  0, b.x0 + (int)(2.5 * unit), im.h);

        assert_int_equal(gap5.n, 0);
        assert_int_equal(gap8.n, 0);
        assert_true(seg.n > 0);
    }
    unload(&im);
}

static int row_of(const struct img *im, int x, const int want[3])
{
    long sum = 0, n = 0;

    for (int y = 0; y < im->h; y++) {
        if (near(im, x, y, want, 30)) {
            sum += y;
            n++;
        }
    }
    return n ? (int)(sum / n) : -1;
}

static void a_log_axis_puts_10_100_and_1000_at_equal_spacings(void **state)
{
    const double x[2] = { 0, 1 }, y[2] = { 5000, 5000 };
    struct rpt_style s1 = { .color = 1, .width = 5 };
    struct rpt_style s2 = { .color = 2, .width = 5 };
    struct rpt_style s3 = { .color = 3, .width = 5 };
    struct rpt_style s4 = { .color = 4, .width = 5 };
    rpt_chart *c = new_chart(600, 600);
    momo_err err = { 0 };
    int c1[3], c2[3], c3[3], y10, y100, y1000;
    struct img im;

    (void)state;
    fix_axis(c, RPT_AXIS_Y, 1, 10000, RPT_SCALE_LOG);
    assert_int_equal(rpt_chart_add_line(c, NULL, x, y, 2, &s4, &err),
                     MOMO_OK);
    assert_int_equal(rpt_chart_add_hline(c, 10, NULL, &s1, &err), MOMO_OK);
    assert_int_equal(rpt_chart_add_hline(c, 100, NULL, &s2, &err), MOMO_OK);
    assert_int_equal(rpt_chart_add_hline(c, 1000, NULL, &s3, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, c1);
    palette(2, c2);
    palette(3, c3);
    y10 = row_of(&im, im.w / 2, c1);
    y100 = row_of(&im, im.w / 2, c2);
    y1000 = row_of(&im, im.w / 2, c3);
    assert_true(y10 > y100 && y100 > y1000 && y1000 > 0);
    assert_true(y10 - y100 > 50);
    assert_true(abs((y10 - y100) - (y100 - y1000)) <= 1);
    unload(&im);
}

/*---- Heatmaps ----*/

/* Box of the pixels near `want` in rows that hold at least `min` of
 * them (a cell, not the thin colour bar). */
static struct bbox cell_of(const struct img *im, const int want[3], int tol,
                           int min)
{
    struct bbox b = { im->w, im->h, -1, -1, 0 };

    for (int y = 0; y < im->h; y++) {
        struct bbox row = find_in(im, want, tol, 0, y, im->w, y + 1);

        if (row.n < min)
            continue;
        b.x0 = row.x0 < b.x0 ? row.x0 : b.x0;
        b.x1 = row.x1 > b.x1 ? row.x1 : b.x1;
        b.y0 = y < b.y0 ? y : b.y0;
        b.y1 = y;
        b.n += row.n;
    }
    return b;
}

static void the_largest_heatmap_cell_has_the_top_colour_of_the_map(
    void **state)
{
    /* 3 x 3, max at column 2 of row 1, min at column 0 of row 0 */
    const double z[9] = { -1, 0.2, 0.3, 0.4, 0.5, 2.0, 0.7, 0.8, 0.9 };
    rpt_chart *c = new_chart(600, 600);
    momo_err err = { 0 };
    double top[3], bot[3];
    int t[3], m[3];
    struct bbox hi, lo;
    struct img im;

    (void)state;
    assert_int_equal(rpt_chart_set_heatmap(c, z, 3, 3, NULL, NULL,
                                           RPT_LABELS_OFF, &err), MOMO_OK);
    render(c, &im);
    rpt_viridis(1.0, top);
    rpt_viridis(0.0, bot);
    for (int i = 0; i < 3; i++) {
        t[i] = (int)lround(top[i] * 255);
        m[i] = (int)lround(bot[i] * 255);
    }
    assert_int_equal(t[0], 0xFD);       /* viridis ends in #FDE725 */
    assert_int_equal(t[1], 0xE7);
    assert_int_equal(t[2], 0x25);
    hi = cell_of(&im, t, 0, 40);
    lo = cell_of(&im, m, 0, 40);
    assert_true(hi.n > 40 * 40);
    assert_true(lo.n > 40 * 40);
    /* whole cells, of equal size */
    assert_true(labs(hi.n - (long)(hi.x1 - hi.x0 + 1) * (hi.y1 - hi.y0 + 1))
                == 0);
    assert_true(abs((hi.x1 - hi.x0) - (lo.x1 - lo.x0)) <= 1);
    /* max two columns right of and one row above the min */
    {
        int cw = lo.x1 - lo.x0 + 1, ch = lo.y1 - lo.y0 + 1;

        assert_true(abs((hi.x0 - lo.x0) - 2 * cw) <= 2);
        assert_true(abs((lo.y0 - hi.y0) - ch) <= 2);
    }
    unload(&im);
}

static void nan_heatmap_cells_are_grey_and_hatched(void **state)
{
    const double z[4] = { 1, NAN, 3, 4 }, full[4] = { 1, 2, 3, 4 };
    const int grey[3] = { 220, 220, 220 };
    momo_err err = { 0 };
    struct img im;
    rpt_chart *c = new_chart(500, 400);
    struct bbox g, other;
    long hatch = 0;

    (void)state;
    assert_int_equal(rpt_chart_set_heatmap(c, z, 2, 2, NULL, NULL,
                                           RPT_LABELS_ON, &err), MOMO_OK);
    render(c, &im);
    /* the NaN cell is the second column of the bottom row */
    g = find_in(&im, grey, 1, im.w / 2, im.h * 55 / 100, im.w * 85 / 100,
                im.h * 85 / 100);
    other = find_in(&im, grey, 1, im.w / 10, im.h / 10, im.w / 2,
                    im.h * 4 / 10);
    assert_true(g.n > 5000);
    assert_true(other.n < 20);
    /* darker grey hatch lines across it */
    for (int y = g.y0; y <= g.y1; y++) {
        for (int x = g.x0; x <= g.x1; x++) {
            int rgb[3];

            pix(&im, x, y, rgb);
            hatch += rgb[0] == rgb[1] && rgb[1] == rgb[2] && rgb[0] < 200 &&
                     rgb[0] > 120;
        }
    }
    assert_true(hatch > (long)(g.x1 - g.x0) * (g.y1 - g.y0) / 20);
    unload(&im);

    c = new_chart(500, 400);
    assert_int_equal(rpt_chart_set_heatmap(c, full, 2, 2, NULL, NULL,
                                           RPT_LABELS_ON, &err), MOMO_OK);
    render(c, &im);
    g = find_in(&im, grey, 1, im.w / 2, im.h * 55 / 100, im.w * 85 / 100,
                im.h * 85 / 100);
    assert_true(g.n < 20);
    unload(&im);
}

/*---- Bars, histograms, shading, scatter ----*/

static void taller_values_draw_taller_bars_on_one_baseline(void **state)
{
    const char *cats[2] = { "low", "high" };
    const double y[2] = { 1, 3 }, lo[2] = { 0.5, 2.0 }, hi[2] = { 1.5, 3.8 };
    struct rpt_style st = { .color = 1, .alpha = 1 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    const int dark[3] = { 31, 31, 31 };
    struct img im;
    struct bbox all, left, right;

    (void)state;
    assert_int_equal(rpt_chart_set_categories(c, cats, 2, &err), MOMO_OK);
    assert_int_equal(rpt_chart_add_bars(c, "v", y, lo, hi, 2, &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, blue);
    all = find(&im, blue, 10);
    left = find_in(&im, blue, 10, 0, 0, (all.x0 + all.x1) / 2, im.h);
    right = find_in(&im, blue, 10, (all.x0 + all.x1) / 2, 0, im.w, im.h);
    assert_true(left.n > 0 && right.n > 0);
    assert_true(abs(left.y1 - right.y1) <= 1);          /* one baseline */
    {
        double hl = left.y1 - left.y0, hr = right.y1 - right.y0;

        assert_true(fabs(hr / hl - 3.0) < 0.1);
    }
    /* the error bar of the right bar rises above it, to 3.8 */
    {
        int xm = (right.x0 + right.x1) / 2;
        struct bbox eb = find_in(&im, dark, 40, xm - 2, 0, xm + 3,
                                 right.y0);
        double unit = (right.y1 - right.y0) / 3.0;

        assert_true(eb.n > 0);
        assert_true(fabs((right.y1 - eb.y0) / unit - 3.8) < 0.1);
    }
    unload(&im);
}

static void a_histogram_bar_is_as_tall_as_its_count(void **state)
{
    const double v[4] = { 0.1, 0.6, 0.7, 0.9 };     /* 2 bins: 1 and 3 */
    struct rpt_style st = { .color = 1, .alpha = 1 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    struct img im;
    struct bbox all, left, right;

    (void)state;
    assert_int_equal(rpt_chart_add_histogram(c, NULL, v, 4, 2, &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, blue);
    all = find(&im, blue, 10);
    left = find_in(&im, blue, 10, 0, 0, (all.x0 + all.x1) / 2 - 2, im.h);
    right = find_in(&im, blue, 10, (all.x0 + all.x1) / 2 + 2, 0, im.w,
                    im.h);
    assert_true(abs(left.y1 - right.y1) <= 1);
    assert_true(fabs((double)(right.y1 - right.y0) /
                     (left.y1 - left.y0) - 3.0) < 0.1);
    assert_true(abs((left.x1 - left.x0) - (right.x1 - right.x0)) <= 2);
    unload(&im);
}

static void shading_tints_each_range_in_its_category_colour(void **state)
{
    const double x0[2] = { 0, 1 }, x1[2] = { 1, 2 };
    const int cat[2] = { 0, 1 };
    const char *names[2] = { "bull", "bear" };
    const double lx[2] = { 0, 2 }, ly[2] = { 0, 0 };
    struct rpt_style st = { .color = 3, .width = 3 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int dark[3], a[3], b[3];
    struct img im;
    struct bbox line;

    (void)state;
    fix_axis(c, RPT_AXIS_X, 0, 2, RPT_SCALE_LINEAR);
    fix_axis(c, RPT_AXIS_Y, -1, 1, RPT_SCALE_LINEAR);
    rpt_chart_set_legend(c, RPT_LEGEND_NONE);
    assert_int_equal(rpt_chart_add_shading(c, x0, x1, cat, 2, names, 2,
                                           &err), MOMO_OK);
    assert_int_equal(rpt_chart_add_line(c, NULL, lx, ly, 2, &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(3, dark);
    line = find(&im, dark, 30);
    pix(&im, line.x0 + (line.x1 - line.x0) / 4 + 5, line.y0 - 40, a);
    pix(&im, line.x0 + 3 * (line.x1 - line.x0) / 4 + 5, line.y0 - 40, b);
    assert_true(a[2] > a[0] + 20);      /* blue tint: bull */
    assert_true(b[0] > b[2] + 20);      /* vermillion tint: bear */
    assert_true(a[0] > 150 && b[2] > 150);  /* light, not solid */
    unload(&im);
}

static void scatter_markers_sit_at_their_points(void **state)
{
    const double x[2] = { 0, 1 }, y[2] = { 0, 1 };
    const char *names[2] = { "low risk", "high risk" };
    struct rpt_style st = { .color = 1 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    struct img im;
    struct bbox all, left, right;

    (void)state;
    assert_int_equal(rpt_chart_add_scatter(c, NULL, x, y, names, 2, &st,
                                           &err), MOMO_OK);
    render(c, &im);
    palette(1, blue);
    all = find(&im, blue, 40);
    left = find_in(&im, blue, 40, 0, 0, (all.x0 + all.x1) / 2, im.h);
    right = find_in(&im, blue, 40, (all.x0 + all.x1) / 2, 0, im.w, im.h);
    assert_true(left.n > 8 && right.n > 8);
    assert_true(left.x1 - left.x0 < 15 && right.x1 - right.x0 < 15);
    assert_true(left.y0 > right.y1 + 100);      /* (0,0) below (1,1) */
    assert_true(right.x0 > left.x1 + 200);
    unload(&im);
}

/*---- Legend ----*/

static int max_blue_x(rpt_chart *c)
{
    struct img im;
    int blue[3], x;

    render(c, &im);
    palette(1, blue);
    x = find(&im, blue, 40).x1;
    unload(&im);
    return x;
}

static void the_legend_goes_outside_when_no_corner_is_free(void **state)
{
    double x[200], full[200], low[200], low2[200];
    struct rpt_style s1 = { .color = 1 }, s2 = { .color = 2 };
    momo_err err = { 0 };
    rpt_chart *one, *free_corner, *crowded;
    int x_one, x_free, x_crowded;

    (void)state;
    for (int i = 0; i < 200; i++) {
        x[i] = i;
        full[i] = i % 2 ? 1.0 : 0.0;            /* covers every corner */
        low[i] = 0.1 + 0.1 * sin(i / 10.0);     /* bottom fifth only */
        low2[i] = low[i] + 0.05;
    }
    one = new_chart(800, 500);
    rpt_chart_add_line(one, "a", x, full, 200, &s1, &err);
    free_corner = new_chart(800, 500);
    fix_axis(free_corner, RPT_AXIS_Y, 0, 1, RPT_SCALE_LINEAR);
    rpt_chart_add_line(free_corner, "a", x, low, 200, &s1, &err);
    rpt_chart_add_line(free_corner, "b", x, low2, 200, &s2, &err);
    crowded = new_chart(800, 500);
    rpt_chart_add_line(crowded, "a", x, full, 200, &s1, &err);
    rpt_chart_add_line(crowded, "b", x, full, 200, &s2, &err);
    assert_int_equal(err.code, MOMO_OK);
    x_one = max_blue_x(one);
    x_free = max_blue_x(free_corner);
    x_crowded = max_blue_x(crowded);
    /* a free corner keeps the plot's width; a crowded plot narrows */
    assert_true(abs(x_free - x_one) <= 2);
    assert_true(x_crowded < x_one - 40);
}

static void labels_of_reference_lines_at_one_place_stack_up(void **state)
{
    const double x[2] = { 0, 10 }, y[2] = { 0, 0.1 };
    struct rpt_style st = { .color = 1, .width = 2 };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    const int ink[3] = { 51, 51, 51 };
    int blue[3], bands = 0, gap = 99;
    struct img im;
    struct bbox line;

    (void)state;
    fix_axis(c, RPT_AXIS_Y, 0, 1, RPT_SCALE_LINEAR);
    assert_int_equal(rpt_chart_add_line(c, NULL, x, y, 2, NULL, &err),
                     MOMO_OK);
    assert_int_equal(rpt_chart_add_vline(c, 3, "first", &st, &err),
                     MOMO_OK);
    assert_int_equal(rpt_chart_add_vline(c, 3, "second", &st, &err),
                     MOMO_OK);
    assert_int_equal(rpt_chart_add_vline(c, 3.05, "third", &st, &err),
                     MOMO_OK);
    render(c, &im);
    palette(1, blue);
    /* the vertical lines: the tallest blue columns */
    line = find_in(&im, blue, 30, 0, 0, im.w, im.h / 3);
    assert_true(line.n > 0);
    /* lines of label text right of them, top of the plot (a band ends
     * after three rows without ink) */
    for (int row = line.y0; row < line.y0 + im.h / 3; row++) {
        int ink_row = find_in(&im, ink, 50, line.x1 + 2, row,
                              line.x1 + 80, row + 1).n > 0;

        if (ink_row && gap >= 3)
            bands++;
        gap = ink_row ? 0 : gap + 1;
    }
    assert_int_equal(bands, 3);
    unload(&im);
}

/*---- Surfaces ----*/

static void a_surface_rising_along_x_is_drawn_higher_where_z_is_high(
    void **state)
{
    double x[12], y[10], z[120];
    rpt_chart *c = new_chart(800, 600);
    momo_err err = { 0 };
    struct img im;
    long yy = 0, ny = 0, yp = 0, np = 0;

    (void)state;
    for (int i = 0; i < 12; i++)
        x[i] = i;
    for (int j = 0; j < 10; j++)
        y[j] = j * 0.1;
    for (int j = 0; j < 10; j++)
        for (int i = 0; i < 12; i++)
            z[j * 12 + i] = i;
    assert_int_equal(rpt_chart_set_surface(c, x, y, z, 12, 10, &err),
                     MOMO_OK);
    render(c, &im);
    /* yellow (high z) and purple (low z) parts of the surface, left of
     * the colour bar */
    for (int py = 0; py < im.h; py++) {
        for (int px = 0; px < im.w * 3 / 4; px++) {
            int rgb[3];

            pix(&im, px, py, rgb);
            if (rgb[0] > 170 && rgb[1] > 160 && rgb[2] < 90) {
                yy += py;
                ny++;
            } else if (rgb[0] > 40 && rgb[0] < 90 && rgb[1] < 40 &&
                       rgb[2] > 60) {
                yp += py;
                np++;
            }
        }
    }
    assert_true(ny > 500 && np > 500);
    assert_true(yy / ny + 20 < yp / np);
    unload(&im);
}

/*---- Empty data and drawing into a caller's context ----*/

static void a_chart_without_data_draws_a_note_instead_of_failing(
    void **state)
{
    const double y[3] = { NAN, INFINITY, -INFINITY };
    rpt_chart *c = new_chart(600, 400);
    momo_err err = { 0 };
    int blue[3];
    const int ink[3] = { 115, 115, 115 };
    struct img im;

    (void)state;
    assert_int_equal(rpt_chart_add_line(c, "nothing", NULL, y, 3, NULL,
                                        &err), MOMO_OK);
    assert_int_equal(rpt_chart_add_line(c, "empty", NULL, NULL, 0, NULL,
                                        &err), MOMO_OK);
    render(c, &im);
    palette(1, blue);
    assert_int_equal(find(&im, blue, 40).n, 0);
    /* grey text in the middle: the note */
    assert_true(find_in(&im, ink, 40, im.w / 3, im.h / 3, 2 * im.w / 3,
                        2 * im.h / 3).n > 20);
    unload(&im);
}

static void drawing_into_a_context_stays_inside_its_rectangle(void **state)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 800,
                                                    600);
    cairo_t *cr = cairo_create(s);
    rpt_chart *c = build(0);
    momo_err err = { 0 };
    cairo_matrix_t before, after;
    struct img im;
    const int red[3] = { 255, 0, 0 }, white[3] = { 255, 255, 255 };

    (void)state;
    cairo_set_source_rgb(cr, 1, 0, 0);
    cairo_paint(cr);
    cairo_set_line_width(cr, 7.0);
    cairo_get_matrix(cr, &before);
    assert_int_equal(rpt_chart_draw(c, cr, 100, 100, 400, 300, &err),
                     MOMO_OK);
    cairo_get_matrix(cr, &after);
    assert_true(cairo_get_line_width(cr) == 7.0);
    assert_memory_equal(&before, &after, sizeof(before));
    cairo_surface_flush(s);
    im.s = s;
    im.w = 800;
    im.h = 600;
    im.stride = cairo_image_surface_get_stride(s);
    im.d = cairo_image_surface_get_data(s);
    assert_true(near(&im, 99, 99, red, 0));
    assert_true(near(&im, 500, 400, red, 0));
    assert_true(near(&im, 300, 99, red, 0));
    assert_true(near(&im, 100, 100, white, 0));
    assert_true(near(&im, 499, 399, white, 0));
    assert_int_equal(find_in(&im, red, 0, 100, 100, 500, 400).n, 0);
    assert_int_equal(rpt_chart_draw(c, cr, 0, 0, 10, 10, &err), MOMO_EINVAL);
    rpt_chart_free(c);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_chart_type_renders_to_png_svg_and_pdf),
        cmocka_unit_test(a_chart_of_default_size_is_1200_by_800),
        cmocka_unit_test(a_rising_line_colours_the_bottom_left_and_top_right),
        cmocka_unit_test(nan_values_leave_a_gap_in_a_line),
        cmocka_unit_test(a_log_axis_puts_10_100_and_1000_at_equal_spacings),
        cmocka_unit_test(
            the_largest_heatmap_cell_has_the_top_colour_of_the_map),
        cmocka_unit_test(nan_heatmap_cells_are_grey_and_hatched),
        cmocka_unit_test(taller_values_draw_taller_bars_on_one_baseline),
        cmocka_unit_test(a_histogram_bar_is_as_tall_as_its_count),
        cmocka_unit_test(shading_tints_each_range_in_its_category_colour),
        cmocka_unit_test(scatter_markers_sit_at_their_points),
        cmocka_unit_test(the_legend_goes_outside_when_no_corner_is_free),
        cmocka_unit_test(labels_of_reference_lines_at_one_place_stack_up),
        cmocka_unit_test(
            a_surface_rising_along_x_is_drawn_higher_where_z_is_high),
        cmocka_unit_test(
            a_chart_without_data_draws_a_note_instead_of_failing),
        cmocka_unit_test(drawing_into_a_context_stays_inside_its_rectangle),
    };

    snprintf(tmp_dir, sizeof(tmp_dir), "%s", tu_tmpdir("report_render"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
