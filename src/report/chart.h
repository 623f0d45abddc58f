/* src/report/chart.h - charts drawn with cairo and pango.
 *
 * In:  numbers and labels only (series of doubles, category names); the
 *      chart knows nothing of datasets or results. Callers (cli/, the
 *      report module) compute the numbers first, then describe a chart.
 * Out: a PNG, SVG or PDF file written atomically, or drawing into a
 *      caller's cairo context (a page of a PDF report).
 *
 * A chart is one of three kinds, fixed by what is added first:
 *   - an x/y plot: lines, step lines, bands, scatter, grouped bars with
 *     error bars, histograms, background shading, reference lines;
 *   - a heatmap: a grid of values over two categorical axes;
 *   - a 3D surface: z over an (x, y) grid, seen from an oblique angle.
 *
 * Every rpt_chart_add_* and _set_* function copies what it is given, so
 * the caller's arrays and strings may be freed afterwards. Non-finite
 * values are gaps, never errors. A chart without any finite point draws
 * its frame with a "no data" note.
 *
 * Thread safety: a chart is not locked; do not change one chart from
 * two threads. Drawing different charts on different threads at once is
 * safe (no global mutable state; pango keeps one font map per thread).
 */
#ifndef MOMO_REPORT_CHART_H
#define MOMO_REPORT_CHART_H

#include <stddef.h>

#include <cairo.h>

#include "momo/error.h"

typedef struct rpt_chart rpt_chart;

#define RPT_DEFAULT_WIDTH  1200
#define RPT_DEFAULT_HEIGHT 800
#define RPT_MAX_SERIES     256         /* series per chart */
#define RPT_MAX_POINTS     (1u << 26)  /* points per series */
#define RPT_MAX_CATEGORIES 4096        /* categories, heatmap rows/columns */
#define RPT_MAX_SURFACE    (1 << 20)    /* points of a surface grid */
#define RPT_N_COLORS       8           /* size of the series palette */

enum rpt_axis_id {
    RPT_AXIS_X,
    RPT_AXIS_Y,
    RPT_AXIS_Z      /* heatmap colour scale; surface height */
};

enum rpt_scale {
    RPT_SCALE_LINEAR,
    RPT_SCALE_LOG   /* base 10; values <= 0 are gaps */
};

enum rpt_format {
    RPT_FMT_PLAIN,     /* 1250.5 -> "1250.5" */
    RPT_FMT_PERCENT,   /* fractions: 0.125 -> "12.5%" */
    RPT_FMT_MONEY,     /* 1234567 -> "1,234,567" */
    RPT_FMT_DATE       /* days since 1970-01-01 -> "2008", "Mar 2020" */
};

enum rpt_dash { RPT_SOLID, RPT_DASHED, RPT_DOTTED };

enum rpt_legend {
    RPT_LEGEND_AUTO,     /* inside a free corner, else outside right */
    RPT_LEGEND_OUTSIDE,  /* always right of the plot */
    RPT_LEGEND_NONE
};

enum rpt_labels { RPT_LABELS_AUTO, RPT_LABELS_ON, RPT_LABELS_OFF };

/* How one series looks. A zeroed struct (or NULL) means the defaults. */
struct rpt_style {
    int color;      /* 0: the next palette colour; k: palette colour k,
                     * 1..RPT_N_COLORS (rpt_palette_rgb) */
    int dash;       /* enum rpt_dash */
    double width;   /* line width in px at 1200x800; 0: 2 */
    double alpha;   /* fill opacity of bands, bars, histograms, shading;
                     * 0: the type's default */
};

/* One axis. A zeroed struct means: no label, linear, plain numbers,
 * range from the data. */
struct rpt_axis {
    const char *label;   /* "Equity"; NULL: none */
    const char *unit;    /* "USD" is shown as "Equity (USD)"; NULL: none */
    int scale;           /* enum rpt_scale (log: y, and z of heatmaps) */
    int format;          /* enum rpt_format */
    double min, max;     /* fixed range when min < max, else automatic */
};

/*---- The chart object ----*/

/* A new empty chart of width x height pixels (points for SVG and PDF);
 * 0 for either means RPT_DEFAULT_WIDTH x RPT_DEFAULT_HEIGHT. Sizes must
 * lie in [200, 20000]. Caller frees with rpt_chart_free. MOMO_EINVAL,
 * MOMO_ENOMEM. */
int rpt_chart_new(int width, int height, rpt_chart **out, momo_err *err);

/* Release `c` and everything it copied. NULL is a no-op. */
void rpt_chart_free(rpt_chart *c);

/* Title and subtitle (either may be NULL). Text must be UTF-8. */
int rpt_chart_set_title(rpt_chart *c, const char *title,
                        const char *subtitle, momo_err *err);

/* Set axis `axis` (enum rpt_axis_id). MOMO_EINVAL for a log x axis, a
 * date format on y or z, or a fixed log range that is not > 0. */
int rpt_chart_set_axis(rpt_chart *c, int axis, const struct rpt_axis *a,
                       momo_err *err);

/* Where the legend goes (enum rpt_legend). A legend appears when the
 * plot has two or more labelled series, or any shading categories. */
void rpt_chart_set_legend(rpt_chart *c, int mode);

/*---- x/y series ----*/

/* A polyline through (x[i], y[i]), i < n; `x` NULL means x = i (also the
 * category index when categories are set). Points with a non-finite
 * coordinate break the line. `label` may be NULL (no legend entry). */
int rpt_chart_add_line(rpt_chart *c, const char *label, const double *x,
                       const double *y, size_t n,
                       const struct rpt_style *st, momo_err *err);

/* As rpt_chart_add_line, but drawn as steps: y[i] holds until x[i+1]. */
int rpt_chart_add_step(rpt_chart *c, const char *label, const double *x,
                       const double *y, size_t n,
                       const struct rpt_style *st, momo_err *err);

/* The area between lo[i] and hi[i] (percentile fans, drawdown areas);
 * either bound NULL means 0. Default opacity 0.25. */
int rpt_chart_add_band(rpt_chart *c, const char *label, const double *x,
                       const double *lo, const double *hi, size_t n,
                       const struct rpt_style *st, momo_err *err);

/* Markers at (x[i], y[i]); `names` (may be NULL, or hold NULLs) labels
 * each point, placed so that labels do not overlap where possible. */
int rpt_chart_add_scatter(rpt_chart *c, const char *label, const double *x,
                          const double *y, const char *const *names,
                          size_t n, const struct rpt_style *st,
                          momo_err *err);

/* Make the x axis categorical: names[i] sits at x = i. Needed before
 * bars. */
int rpt_chart_set_categories(rpt_chart *c, const char *const *names,
                             size_t n, momo_err *err);

/* One bar per category (n must equal the number of categories); several
 * bar series are grouped side by side. `lo` and `hi` (both NULL, or both
 * given) draw an error bar from lo[i] to hi[i], e.g. mean - std to
 * mean + std, or min to max. */
int rpt_chart_add_bars(rpt_chart *c, const char *label, const double *y,
                       const double *lo, const double *hi, size_t n,
                       const struct rpt_style *st, momo_err *err);

/* A histogram of the finite values among v[0..n): `bins` equal bins, or
 * 0 for the Freedman-Diaconis rule (at most 200 bins). The y axis counts
 * values. MOMO_EINVAL for bins > 10000. */
int rpt_chart_add_histogram(rpt_chart *c, const char *label,
                            const double *v, size_t n, size_t bins,
                            const struct rpt_style *st, momo_err *err);

/* Shade the background over [x0[i], x1[i]) in the colour of category
 * cat[i] (0 <= cat[i] < n_cats; palette colour cat[i] + 1); each named
 * category gets a legend entry (regime timelines). */
int rpt_chart_add_shading(rpt_chart *c, const double *x0, const double *x1,
                          const int *cat, size_t n,
                          const char *const *cat_names, size_t n_cats,
                          momo_err *err);

/* A horizontal line at y = `at` / vertical line at x = `at` across the
 * plot, labelled in place when `label` is not NULL. Default: dashed,
 * dark grey. */
int rpt_chart_add_hline(rpt_chart *c, double at, const char *label,
                        const struct rpt_style *st, momo_err *err);
int rpt_chart_add_vline(rpt_chart *c, double at, const char *label,
                        const struct rpt_style *st, momo_err *err);

/*---- Grids ----*/

/* A heatmap of z[iy * nx + ix] (row iy = 0 at the bottom) over column
 * names xnames[nx] and row names ynames[ny] (NULL: 1, 2, ...). Colours
 * follow viridis over the finite range of z, shown by a colour bar; NaN
 * cells are grey and hatched. `value_labels` is enum rpt_labels (auto:
 * when the values fit in the cells). Formats come from the z axis.
 * MOMO_EINVAL for an empty grid. */
int rpt_chart_set_heatmap(rpt_chart *c, const double *z, size_t nx,
                          size_t ny, const char *const *xnames,
                          const char *const *ynames, int value_labels,
                          momo_err *err);

/* A surface of z[iy * nx + ix] over x[0..nx) and y[0..ny) (finite,
 * strictly increasing; nx, ny >= 2). Cells with a non-finite corner are
 * holes. */
int rpt_chart_set_surface(rpt_chart *c, const double *x, const double *y,
                          const double *z, size_t nx, size_t ny,
                          momo_err *err);

/* Viewing angles of a surface in degrees: azimuth (any; default -60)
 * turns the grid about the vertical, elevation (clamped to [5, 85];
 * default 30) raises the eye. */
void rpt_chart_set_view(rpt_chart *c, double azimuth, double elevation);

/*---- Output ----*/

/* Render `c` and write it to `path` atomically (a temporary file in the
 * same directory, then rename): on failure nothing at `path` changes.
 * MOMO_EIO names the path; MOMO_ENOMEM. The chart is not modified. */
int rpt_chart_write_png(const rpt_chart *c, const char *path,
                        momo_err *err);
int rpt_chart_write_svg(const rpt_chart *c, const char *path,
                        momo_err *err);
int rpt_chart_write_pdf(const rpt_chart *c, const char *path,
                        momo_err *err);

/* Draw `c` into the caller's context within the rectangle (x, y, w, h)
 * of its user space, scaled to that size. The context's state is
 * restored afterwards. MOMO_EINVAL for a degenerate rectangle, or the
 * context's error as MOMO_ENOMEM / MOMO_EIO. */
int rpt_chart_draw(const rpt_chart *c, cairo_t *cr, double x, double y,
                   double w, double h, momo_err *err);

/*---- Colours (also used by callers that draw legends of their own) ----*/

/* Series palette colour k (1..RPT_N_COLORS, wrapping): Okabe-Ito, safe
 * for colour-blind readers. */
void rpt_palette_rgb(int k, double rgb[3]);

/* The viridis colour map at t in [0, 1] (clamped; NaN gives grey). */
void rpt_viridis(double t, double rgb[3]);

/*---- Ticks and number formats (exposed for tests and other layouts) ----*/

#define RPT_MAX_TICKS  64
#define RPT_TICK_LABEL 32

struct rpt_ticks {
    size_t n;
    double v[RPT_MAX_TICKS];                   /* ascending */
    char label[RPT_MAX_TICKS][RPT_TICK_LABEL];
    double step;    /* linear: the step; date: the step in days (months
                     * count 30.44, years 365.25); log: 0 */
};

/* Nice linear ticks within [lo, hi]: the step is 1, 2, 2.5 or 5 x 10^k,
 * the smallest giving at most max_ticks ticks (max_ticks clamped to
 * [2, RPT_MAX_TICKS]). Labels in `format`. */
void rpt_ticks_linear(double lo, double hi, size_t max_ticks, int format,
                      struct rpt_ticks *t);

/* Widen [*lo, *hi] to multiples of the nice step that leaves at most
 * max_ticks ticks over the widened range; returns that step. A range
 * with *lo == *hi is first widened around its value. */
double rpt_nice_range(double *lo, double *hi, size_t max_ticks);

/* Ticks of a log10 axis within [lo, hi] (0 < lo < hi): decades when
 * there are enough, 1-2-5 within decades when few, every k-th decade
 * when many, plain linear ticks when the span is under one decade and
 * holds no decade. */
void rpt_ticks_log(double lo, double hi, size_t max_ticks, int format,
                   struct rpt_ticks *t);

/* Date ticks within [lo, hi] (days since 1970-01-01) on day, Monday,
 * month, quarter, half-year or year boundaries, the finest with at most
 * max_ticks ticks. Labels: "2 Mar 2020" for days and weeks, "Mar 2020"
 * for months, "2008" for years. */
void rpt_ticks_date(double lo, double hi, size_t max_ticks,
                    struct rpt_ticks *t);

/* Format `v` in `format` with as many decimals as `step` (the spacing
 * of neighbouring values) needs. Writes at most `size` bytes. */
void rpt_format_value(double v, int format, double step, char *buf,
                      size_t size);

#endif
