/* bench_chart.c - how long charts take to render (src/report/chart*.c).
 *
 *   bench_chart [REPS]
 *
 * For each chart (a 5,000-point line, a 50 x 50 heatmap, a 50 x 50
 * surface, a Monte Carlo fan) it prints the median over REPS runs
 * (default 15) of: drawing into a 1200 x 800 image, encoding that image
 * as PNG in memory, and rpt_chart_write_png as a whole (draw, encode,
 * write a temporary file, fsync, rename). CPU time of the calling
 * thread is printed next to wall time, since the machine may be shared.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>

#include "bench.h"
#include "core/core.h"
#include "report/chart.h"

static cairo_status_t discard(void *closure, const unsigned char *data,
                              unsigned int n)
{
    (void)closure;
    (void)data;
    (void)n;
    return CAIRO_STATUS_SUCCESS;
}

static rpt_chart *line_chart(momo_err *err)
{
    static double x[5000], y[5000];
    struct rpt_axis ax = { .label = "Date", .format = RPT_FMT_DATE };
    struct rpt_axis ay = { .label = "Equity", .unit = "USD",
                           .format = RPT_FMT_MONEY };
    double e = 100000;
    unsigned s = 1;
    rpt_chart *c = NULL;

    for (int i = 0; i < 5000; i++) {
        s = s * 1103515245u + 12345u;
        e *= 1.0003 + 0.01 * (((s >> 8) & 0xffff) / 32768.0 - 1.0);
        x[i] = 10000 + i * 365.25 / 252;
        y[i] = e;
    }
    if (rpt_chart_new(0, 0, &c, err) != MOMO_OK ||
        rpt_chart_set_title(c, "5,000-point equity curve", NULL, err) ||
        rpt_chart_set_axis(c, RPT_AXIS_X, &ax, err) ||
        rpt_chart_set_axis(c, RPT_AXIS_Y, &ay, err) ||
        rpt_chart_add_line(c, "equity", x, y, 5000, NULL, err)) {
        rpt_chart_free(c);
        return NULL;
    }
    return c;
}

static rpt_chart *grid_chart(int surface, momo_err *err)
{
    static double g[50], z[2500];
    rpt_chart *c = NULL;
    int rc;

    for (int i = 0; i < 50; i++)
        g[i] = i;
    for (int j = 0; j < 50; j++)
        for (int i = 0; i < 50; i++)
            z[j * 50 + i] = sin(i / 7.0) * cos(j / 9.0);
    rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, surface ? "50 x 50 surface"
                                            : "50 x 50 heatmap", NULL, err);
    if (rc == MOMO_OK && surface)
        rc = rpt_chart_set_surface(c, g, g, z, 50, 50, err);
    else if (rc == MOMO_OK)
        rc = rpt_chart_set_heatmap(c, z, 50, 50, NULL, NULL,
                                   RPT_LABELS_AUTO, err);
    if (rc != MOMO_OK) {
        rpt_chart_free(c);
        return NULL;
    }
    return c;
}

static rpt_chart *fan_chart(momo_err *err)
{
    static double x[253], q[5][253];
    const double zq[5] = { -1.645, -0.674, 0, 0.674, 1.645 };
    struct rpt_style outer = { .color = 1, .alpha = 0.18 };
    struct rpt_style inner = { .color = 1, .alpha = 0.35 };
    struct rpt_style mid = { .color = 1 };
    rpt_chart *c = NULL;
    int rc;

    for (int i = 0; i < 253; i++) {
        x[i] = i;
        for (int k = 0; k < 5; k++)
            q[k][i] = 1e5 * exp(0.0004 * i + zq[k] * 0.012 * sqrt(i));
    }
    rc = rpt_chart_new(0, 0, &c, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_band(c, "5-95%", x, q[0], q[4], 253, &outer, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_band(c, "25-75%", x, q[1], q[3], 253, &inner,
                                err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_line(c, "median", x, q[2], 253, &mid, err);
    if (rc != MOMO_OK) {
        rpt_chart_free(c);
        return NULL;
    }
    return c;
}

static void measure(const char *name, rpt_chart *c, int reps,
                    const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                    RPT_DEFAULT_WIDTH,
                                                    RPT_DEFAULT_HEIGHT);
    cairo_t *cr = cairo_create(s);
    double *t = malloc(6 * (size_t)reps * sizeof(double));
    momo_err err = { 0 };

    if (!c || !t) {
        printf("%-26s failed: %s\n", name, err.msg);
        goto out;
    }
    for (int r = 0; r < reps; r++) {
        double w0 = core_now(), c0 = bench_thread_cpu(), w1, c1, w2, c2;

        if (rpt_chart_draw(c, cr, 0, 0, RPT_DEFAULT_WIDTH,
                           RPT_DEFAULT_HEIGHT, &err) != MOMO_OK)
            break;
        cairo_surface_flush(s);
        w1 = core_now();
        c1 = bench_thread_cpu();
        cairo_surface_write_to_png_stream(s, discard, NULL);
        w2 = core_now();
        c2 = bench_thread_cpu();
        t[r] = (w1 - w0) * 1e3;
        t[reps + r] = (c1 - c0) * 1e3;
        t[2 * reps + r] = (w2 - w1) * 1e3;
        t[3 * reps + r] = (c2 - c1) * 1e3;
        w0 = core_now();
        c0 = bench_thread_cpu();
        if (rpt_chart_write_png(c, path, &err) != MOMO_OK)
            break;
        t[4 * reps + r] = (core_now() - w0) * 1e3;
        t[5 * reps + r] = (bench_thread_cpu() - c0) * 1e3;
    }
    if (err.code != MOMO_OK) {
        printf("%-26s failed: %s\n", name, err.msg);
        goto out;
    }
    printf("%-26s draw %6.1f ms (cpu %6.1f)  png %6.1f ms (cpu %6.1f)  "
           "write_png %6.1f ms (cpu %6.1f)\n", name,
           bench_median(t, (size_t)reps), bench_median(t + reps, (size_t)reps),
           bench_median(t + 2 * reps, (size_t)reps),
           bench_median(t + 3 * reps, (size_t)reps),
           bench_median(t + 4 * reps, (size_t)reps),
           bench_median(t + 5 * reps, (size_t)reps));
out:
    free(t);
    rpt_chart_free(c);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    char path[64];
    momo_err err = { 0 };
    rpt_chart *warm = line_chart(&err);

    if (reps < 1)
        reps = 1;
    snprintf(path, sizeof(path), "/tmp/bench_chart.%ld.png",
             (long)getpid());
    /* the first rendering on a thread loads fonts: not counted */
    if (warm)
        rpt_chart_write_png(warm, path, &err);
    rpt_chart_free(warm);
    printf("medians of %d runs, 1200 x 800\n", reps);
    measure("line, 5,000 points", line_chart(&err), reps, path);
    measure("heatmap, 50 x 50", grid_chart(0, &err), reps, path);
    measure("surface, 50 x 50", grid_chart(1, &err), reps, path);
    measure("fan, 2 bands + median", fan_chart(&err), reps, path);
    unlink(path);
    return 0;
}
