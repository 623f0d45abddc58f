/* chart.c - the chart object: what callers describe, and its output.
 *
 * In:  titles, axes, series, categories, grids from the caller; every
 *      array and string is copied (core_malloc), so the caller keeps
 *      ownership of its own.
 * Out: a rendering into a cairo surface (PNG, SVG, PDF) or into the
 *      caller's context. Files are encoded in memory first and then
 *      written with core_write_file_atomic, so a failed write leaves
 *      whatever was at the path before.
 *
 * The drawing itself lives in chart_xy.c, chart_heatmap.c and
 * chart_surface.c; this file dispatches on the chart's kind.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/core.h"
#include "report/chart_int.h"

#define MAX_ENCODED (512u << 20)    /* largest file we encode: 512 MiB */
#define MAX_BINS    10000
#define FD_MAX_BINS 200

/*---- Copies ----*/

static int bad_text(const char *s, const char *what, momo_err *err)
{
    if (s && !g_utf8_validate(s, -1, NULL))
        return momo_err_set(err, MOMO_EINVAL, "chart: %s is not valid "
                            "UTF-8", what);
    return MOMO_OK;
}

static int dup_text(const char *s, char **out, const char *what,
                    momo_err *err)
{
    int rc = bad_text(s, what, err);

    *out = NULL;
    if (rc != MOMO_OK || !s)
        return rc;
    *out = core_strdup(s);
    if (!*out)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    return MOMO_OK;
}

static int dup_doubles(const double *v, size_t n, double **out,
                       momo_err *err)
{
    *out = NULL;
    if (!v || n == 0)
        return MOMO_OK;
    *out = core_malloc(n * sizeof(double));
    if (!*out)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    memcpy(*out, v, n * sizeof(double));
    return MOMO_OK;
}

static void free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        core_free(names[i]);
    core_free(names);
}

/* Copy n names; `v` NULL gives NULL, NULL entries stay NULL. */
static int dup_names(const char *const *v, size_t n, char ***out,
                     const char *what, momo_err *err)
{
    char **names;

    *out = NULL;
    if (!v || n == 0)
        return MOMO_OK;
    names = core_calloc(n, sizeof(char *));
    if (!names)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = dup_text(v[i], &names[i], what, err);

        if (rc != MOMO_OK) {
            free_names(names, n);
            return rc;
        }
    }
    *out = names;
    return MOMO_OK;
}

/*---- The object ----*/

int rpt_chart_new(int width, int height, rpt_chart **out, momo_err *err)
{
    rpt_chart *c;

    *out = NULL;
    if (width == 0 || height == 0) {
        width = RPT_DEFAULT_WIDTH;
        height = RPT_DEFAULT_HEIGHT;
    }
    if (width < 200 || height < 200 || width > 20000 || height > 20000)
        return momo_err_set(err, MOMO_EINVAL, "chart: size %dx%d is outside "
                            "200..20000", width, height);
    c = core_calloc(1, sizeof(*c));
    if (!c)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    c->width = width;
    c->height = height;
    c->azimuth = -60.0;
    c->elevation = 30.0;
    *out = c;
    return MOMO_OK;
}

static void series_release(struct rpt_series *s)
{
    core_free(s->label);
    core_free(s->x);
    core_free(s->y);
    core_free(s->y2);
    core_free(s->y3);
    free_names(s->names, s->n);
}

void rpt_chart_free(rpt_chart *c)
{
    if (!c)
        return;
    core_free(c->title);
    core_free(c->subtitle);
    for (int i = 0; i < 3; i++)
        core_free(c->axis[i].label);
    for (size_t i = 0; i < c->n_series; i++)
        series_release(&c->s[i]);
    core_free(c->s);
    free_names(c->cats, c->n_cats);
    core_free(c->sh_x0);
    core_free(c->sh_x1);
    core_free(c->sh_cat);
    free_names(c->sh_names, c->n_sh_names);
    core_free(c->gx);
    core_free(c->gy);
    core_free(c->gz);
    free_names(c->xnames, c->nx);
    free_names(c->ynames, c->ny);
    core_free(c);
}

int rpt_chart_set_title(rpt_chart *c, const char *title,
                        const char *subtitle, momo_err *err)
{
    char *t = NULL, *s = NULL;
    int rc = dup_text(title, &t, "title", err);

    if (rc == MOMO_OK)
        rc = dup_text(subtitle, &s, "subtitle", err);
    if (rc != MOMO_OK) {
        core_free(t);
        return rc;
    }
    core_free(c->title);
    core_free(c->subtitle);
    c->title = t;
    c->subtitle = s;
    return MOMO_OK;
}

int rpt_chart_set_axis(rpt_chart *c, int axis, const struct rpt_axis *a,
                       momo_err *err)
{
    static const char *const names[3] = { "x", "y", "z" };
    struct rpt_axis_opts o = { 0 };
    char *label = NULL;
    int rc;

    if (axis < RPT_AXIS_X || axis > RPT_AXIS_Z)
        return momo_err_set(err, MOMO_EINVAL, "chart: no axis %d", axis);
    if (a->scale != RPT_SCALE_LINEAR && a->scale != RPT_SCALE_LOG)
        return momo_err_set(err, MOMO_EINVAL, "chart: %s axis: unknown "
                            "scale %d", names[axis], a->scale);
    if (a->format < RPT_FMT_PLAIN || a->format > RPT_FMT_DATE)
        return momo_err_set(err, MOMO_EINVAL, "chart: %s axis: unknown "
                            "format %d", names[axis], a->format);
    if (axis == RPT_AXIS_X && a->scale == RPT_SCALE_LOG)
        return momo_err_set(err, MOMO_EINVAL, "chart: x axis: log scale "
                            "is for y and z only");
    if (axis != RPT_AXIS_X && a->format == RPT_FMT_DATE)
        return momo_err_set(err, MOMO_EINVAL, "chart: %s axis: dates are "
                            "for the x axis only", names[axis]);
    if (a->format == RPT_FMT_DATE && a->scale == RPT_SCALE_LOG)
        return momo_err_set(err, MOMO_EINVAL, "chart: %s axis: a date "
                            "axis cannot be logarithmic", names[axis]);
    if (a->scale == RPT_SCALE_LOG && a->min < a->max && !(a->min > 0))
        return momo_err_set(err, MOMO_EINVAL, "chart: %s axis: log range "
                            "must be > 0, got %g", names[axis], a->min);
    rc = bad_text(a->label, "axis label", err);
    if (rc == MOMO_OK)
        rc = bad_text(a->unit, "axis unit", err);
    if (rc != MOMO_OK)
        return rc;
    if (a->label || a->unit) {
        size_t n = (a->label ? strlen(a->label) : 0) +
                   (a->unit ? strlen(a->unit) : 0) + 4;

        label = core_malloc(n);
        if (!label)
            return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
        if (a->label && a->unit)
            snprintf(label, n, "%s (%s)", a->label, a->unit);
        else
            snprintf(label, n, "%s", a->label ? a->label : a->unit);
    }
    o.label = label;
    o.scale = a->scale;
    o.format = a->format;
    o.min = a->min;
    o.max = a->max;
    if (!(isfinite(o.min) && isfinite(o.max) && o.min < o.max))
        o.min = o.max = 0.0;
    core_free(c->axis[axis].label);
    c->axis[axis] = o;
    return MOMO_OK;
}

void rpt_chart_set_legend(rpt_chart *c, int mode)
{
    if (mode >= RPT_LEGEND_AUTO && mode <= RPT_LEGEND_NONE)
        c->legend = mode;
}

void rpt_chart_set_view(rpt_chart *c, double azimuth, double elevation)
{
    if (isfinite(azimuth))
        c->azimuth = fmod(azimuth, 360.0);
    if (isfinite(elevation))
        c->elevation = elevation < 5 ? 5 : elevation > 85 ? 85 : elevation;
}

/*---- Series ----*/

static const char *kind_name(int kind)
{
    return kind == RPT_KIND_HEATMAP   ? "heatmap"
           : kind == RPT_KIND_SURFACE ? "surface"
                                      : "plot";
}

static int claim_kind(rpt_chart *c, int kind, momo_err *err)
{
    if (c->locked && c->kind != kind)
        return momo_err_set(err, MOMO_EINVAL, "chart: a %s cannot also "
                            "hold a %s", kind_name(c->kind),
                            kind_name(kind));
    if (c->locked && kind != RPT_KIND_XY)
        return momo_err_set(err, MOMO_EINVAL, "chart: the %s is already "
                            "set", kind_name(kind));
    return MOMO_OK;
}

/* A new zeroed series slot at the end (not yet counted in n_series). */
static int new_series(rpt_chart *c, int type, const char *label,
                      size_t n, const struct rpt_style *st,
                      struct rpt_series **out, momo_err *err)
{
    static const char *const names[] = { "line", "step line", "band",
                                         "scatter", "bars", "histogram",
                                         "hline", "vline" };
    struct rpt_series *s = NULL;
    int rc = claim_kind(c, RPT_KIND_XY, err);

    if (rc != MOMO_OK)
        return rc;
    if (c->n_series >= RPT_MAX_SERIES)
        return momo_err_set(err, MOMO_EINVAL, "chart: more than %d series",
                            RPT_MAX_SERIES);
    if (n > RPT_MAX_POINTS)
        return momo_err_set(err, MOMO_EINVAL, "chart: %s: %zu points, more "
                            "than %u", names[type], n, RPT_MAX_POINTS);
    if (st && (st->dash < RPT_SOLID || st->dash > RPT_DOTTED ||
               st->color < 0 || !(st->width >= 0 && st->width <= 100) ||
               !(st->alpha >= 0 && st->alpha <= 1)))
        return momo_err_set(err, MOMO_EINVAL, "chart: %s: bad style",
                            names[type]);
    rc = core_grow((void **)&c->s, &c->cap_series, c->n_series + 1,
                   sizeof(*c->s), RPT_MAX_SERIES);
    if (rc != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    s = &c->s[c->n_series];
    memset(s, 0, sizeof(*s));
    s->type = type;
    if (st)
        s->st = *st;
    rc = dup_text(label, &s->label, "series label", err);
    if (rc != MOMO_OK)
        return rc;
    *out = s;
    return MOMO_OK;
}

/* Count the series in and give it its colour. */
static void commit_series(rpt_chart *c, struct rpt_series *s)
{
    if (s->st.color == 0) {
        if (s->type == RPT_S_HLINE || s->type == RPT_S_VLINE) {
            s->st.color = -1;
        } else {
            int round = c->next_color / RPT_N_COLORS;

            s->st.color = 1 + c->next_color % RPT_N_COLORS;
            c->next_color++;
            /* once the palette is used up, lines differ by dash too */
            if ((s->type == RPT_S_LINE || s->type == RPT_S_STEP) &&
                s->st.dash == RPT_SOLID && round > 0)
                s->st.dash = round % 2 ? RPT_DASHED : RPT_DOTTED;
        }
    }
    c->n_series++;
    c->locked = 1;
    c->kind = RPT_KIND_XY;
}

static int add_xy(rpt_chart *c, int type, const char *label,
                  const double *x, const double *y, const double *y2,
                  size_t n, const struct rpt_style *st,
                  struct rpt_series **out, momo_err *err)
{
    struct rpt_series *s = NULL;
    int rc;

    if (n > 0 && !y && type != RPT_S_BAND)
        return momo_err_set(err, MOMO_EINVAL, "chart: %zu points without "
                            "y values", n);
    rc = new_series(c, type, label, n, st, &s, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(x, n, &s->x, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(y, n, &s->y, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(y2, n, &s->y2, err);
    if (rc != MOMO_OK) {
        if (s)
            series_release(s);
        return rc;
    }
    s->n = n;
    commit_series(c, s);
    if (out)
        *out = s;
    return MOMO_OK;
}

int rpt_chart_add_line(rpt_chart *c, const char *label, const double *x,
                       const double *y, size_t n,
                       const struct rpt_style *st, momo_err *err)
{
    return add_xy(c, RPT_S_LINE, label, x, y, NULL, n, st, NULL, err);
}

int rpt_chart_add_step(rpt_chart *c, const char *label, const double *x,
                       const double *y, size_t n,
                       const struct rpt_style *st, momo_err *err)
{
    return add_xy(c, RPT_S_STEP, label, x, y, NULL, n, st, NULL, err);
}

int rpt_chart_add_band(rpt_chart *c, const char *label, const double *x,
                       const double *lo, const double *hi, size_t n,
                       const struct rpt_style *st, momo_err *err)
{
    return add_xy(c, RPT_S_BAND, label, x, lo, hi, n, st, NULL, err);
}

int rpt_chart_add_scatter(rpt_chart *c, const char *label, const double *x,
                          const double *y, const char *const *names,
                          size_t n, const struct rpt_style *st,
                          momo_err *err)
{
    struct rpt_series *s = NULL;
    char **copy = NULL;
    int rc;

    rc = dup_names(names, n, &copy, "point label", err);
    if (rc != MOMO_OK)
        return rc;
    rc = add_xy(c, RPT_S_SCATTER, label, x, y, NULL, n, st, &s, err);
    if (rc != MOMO_OK) {
        free_names(copy, n);
        return rc;
    }
    s->names = copy;
    return MOMO_OK;
}

int rpt_chart_set_categories(rpt_chart *c, const char *const *names,
                             size_t n, momo_err *err)
{
    char **copy = NULL;
    int rc = claim_kind(c, RPT_KIND_XY, err);

    if (rc != MOMO_OK)
        return rc;
    if (n > RPT_MAX_CATEGORIES)
        return momo_err_set(err, MOMO_EINVAL, "chart: %zu categories, more "
                            "than %d", n, RPT_MAX_CATEGORIES);
    if (n > 0 && !names)
        return momo_err_set(err, MOMO_EINVAL, "chart: %zu categories "
                            "without names", n);
    for (size_t i = 0; i < c->n_series; i++) {
        if (c->s[i].type == RPT_S_BARS && c->s[i].n != n)
            return momo_err_set(err, MOMO_EINVAL, "chart: %zu categories, "
                                "but bars of %zu values", n, c->s[i].n);
    }
    rc = dup_names(names, n, &copy, "category name", err);
    if (rc != MOMO_OK)
        return rc;
    free_names(c->cats, c->n_cats);
    c->cats = copy;
    c->n_cats = n;
    return MOMO_OK;
}

int rpt_chart_add_bars(rpt_chart *c, const char *label, const double *y,
                       const double *lo, const double *hi, size_t n,
                       const struct rpt_style *st, momo_err *err)
{
    struct rpt_series *s = NULL;
    double *e = NULL;
    int rc;

    if (n != c->n_cats)
        return momo_err_set(err, MOMO_EINVAL, "chart: bars: %zu values for "
                            "%zu categories", n, c->n_cats);
    if (!lo != !hi)
        return momo_err_set(err, MOMO_EINVAL, "chart: bars: error bars "
                            "need both lo and hi");
    rc = dup_doubles(hi, n, &e, err);
    if (rc != MOMO_OK)
        return rc;
    rc = add_xy(c, RPT_S_BARS, label, NULL, y, lo, n, st, &s, err);
    if (rc != MOMO_OK) {
        core_free(e);
        return rc;
    }
    s->y3 = e;
    return MOMO_OK;
}

/* Bin the finite values of v with GSL. Values equal to the top edge go
 * into the last bin (GSL's bins are half-open). */
static int histogram_bins(const double *v, size_t n, size_t bins,
                          double **edges, double **counts, size_t *n_bins,
                          momo_err *err)
{
    double *sorted, lo, hi;
    size_t m = 0;
    gsl_histogram *h;
    int rc = MOMO_OK;

    *edges = *counts = NULL;
    *n_bins = 0;
    sorted = core_malloc((n ? n : 1) * sizeof(double));
    if (!sorted)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]))
            sorted[m++] = v[i];
    }
    if (m == 0)
        goto out;
    gsl_sort(sorted, 1, m);
    lo = sorted[0];
    hi = sorted[m - 1];
    if (!isfinite(hi - lo)) {
        rc = momo_err_set(err, MOMO_EINVAL, "chart: histogram: values from "
                          "%g to %g span more than a double holds", lo, hi);
        goto out;
    }
    if (!rpt_distinct(lo, hi)) {
        /* one value, up to rounding: a narrow middle bin among empty
         * ones, so it reads as a spike (or the bins asked for) */
        double mid = (lo + hi) / 2, d = mid == 0 ? 0.5 : fabs(mid) * 0.05;

        lo = mid - d;
        hi = mid + d;
        if (bins == 0)
            bins = 11;
    } else if (bins == 0) {
        double iqr = gsl_stats_quantile_from_sorted_data(sorted, 1, m, 0.75) -
                     gsl_stats_quantile_from_sorted_data(sorted, 1, m, 0.25);
        double n_fd = ceil((hi - lo) / (2.0 * iqr / cbrt((double)m)));

        if (iqr > 0 && isfinite(n_fd))
            bins = n_fd > FD_MAX_BINS ? FD_MAX_BINS : (size_t)n_fd;
        else                                    /* Sturges */
            bins = (size_t)ceil(log2((double)m)) + 1;
        if (bins > FD_MAX_BINS)
            bins = FD_MAX_BINS;
        if (bins < 1)
            bins = 1;
    }
    *edges = core_malloc((bins + 1) * sizeof(double));
    *counts = core_malloc(bins * sizeof(double));
    if (!*edges || !*counts) {
        rc = momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
        goto out;
    }
    h = gsl_histogram_alloc(bins);
    if (!h) {
        rc = momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
        goto out;
    }
    gsl_histogram_set_ranges_uniform(h, lo, hi);
    for (size_t i = 0; i < m; i++) {
        if (gsl_histogram_increment(h, sorted[i]) != 0)
            gsl_histogram_increment(h, h->range[bins - 1]);
    }
    memcpy(*edges, h->range, (bins + 1) * sizeof(double));
    for (size_t i = 0; i < bins; i++)
        (*counts)[i] = gsl_histogram_get(h, i);
    gsl_histogram_free(h);
    *n_bins = bins;
out:
    if (rc != MOMO_OK) {
        core_free(*edges);
        core_free(*counts);
        *edges = *counts = NULL;
    }
    core_free(sorted);
    return rc;
}

int rpt_chart_add_histogram(rpt_chart *c, const char *label,
                            const double *v, size_t n, size_t bins,
                            const struct rpt_style *st, momo_err *err)
{
    struct rpt_series *s = NULL;
    double *edges = NULL, *counts = NULL;
    size_t n_bins = 0;
    int rc;

    if (bins > MAX_BINS)
        return momo_err_set(err, MOMO_EINVAL, "chart: histogram: %zu bins, "
                            "more than %d", bins, MAX_BINS);
    if (n > 0 && !v)
        return momo_err_set(err, MOMO_EINVAL, "chart: histogram: %zu "
                            "values missing", n);
    if (n > RPT_MAX_POINTS)
        return momo_err_set(err, MOMO_EINVAL, "chart: histogram: %zu "
                            "values, more than %u", n, RPT_MAX_POINTS);
    rc = histogram_bins(v, n, bins, &edges, &counts, &n_bins, err);
    if (rc == MOMO_OK)
        rc = new_series(c, RPT_S_HIST, label, n_bins, st, &s, err);
    if (rc != MOMO_OK) {
        core_free(edges);
        core_free(counts);
        return rc;
    }
    s->x = edges;
    s->y = counts;
    s->n = n_bins;
    commit_series(c, s);
    return MOMO_OK;
}

int rpt_chart_add_shading(rpt_chart *c, const double *x0, const double *x1,
                          const int *cat, size_t n,
                          const char *const *cat_names, size_t n_cats,
                          momo_err *err)
{
    double *a = NULL, *b = NULL;
    int *k = NULL;
    char **names = NULL;
    int rc = claim_kind(c, RPT_KIND_XY, err);

    if (rc != MOMO_OK)
        return rc;
    if (c->n_shade > 0 || c->sh_names)
        return momo_err_set(err, MOMO_EINVAL, "chart: shading is already "
                            "set");
    if (n > RPT_MAX_POINTS || n_cats > RPT_MAX_CATEGORIES)
        return momo_err_set(err, MOMO_EINVAL, "chart: shading: too many "
                            "ranges or categories");
    if (n > 0 && (!x0 || !x1 || !cat))
        return momo_err_set(err, MOMO_EINVAL, "chart: shading: %zu ranges "
                            "without bounds or categories", n);
    for (size_t i = 0; i < n; i++) {
        if (cat[i] < 0 || (size_t)cat[i] >= n_cats)
            return momo_err_set(err, MOMO_EINVAL, "chart: shading: range "
                                "%zu: category %d is not in 0..%zu", i,
                                cat[i], n_cats ? n_cats - 1 : 0);
    }
    rc = dup_doubles(x0, n, &a, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(x1, n, &b, err);
    if (rc == MOMO_OK && n > 0) {
        k = core_malloc(n * sizeof(int));
        if (!k)
            rc = momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
        else
            memcpy(k, cat, n * sizeof(int));
    }
    if (rc == MOMO_OK)
        rc = dup_names(cat_names, n_cats, &names, "category name", err);
    if (rc != MOMO_OK) {
        core_free(a);
        core_free(b);
        core_free(k);
        return rc;
    }
    c->sh_x0 = a;
    c->sh_x1 = b;
    c->sh_cat = k;
    c->n_shade = n;
    c->sh_names = names;
    c->n_sh_names = names ? n_cats : 0;
    c->locked = 1;
    c->kind = RPT_KIND_XY;
    return MOMO_OK;
}

static int add_ref(rpt_chart *c, int type, double at, const char *label,
                   const struct rpt_style *st, momo_err *err)
{
    struct rpt_series *s = NULL;
    int rc = new_series(c, type, label, 0, st, &s, err);

    if (rc != MOMO_OK)
        return rc;
    if (!st)
        s->st.dash = RPT_DASHED;
    s->at = at;
    commit_series(c, s);
    return MOMO_OK;
}

int rpt_chart_add_hline(rpt_chart *c, double at, const char *label,
                        const struct rpt_style *st, momo_err *err)
{
    return add_ref(c, RPT_S_HLINE, at, label, st, err);
}

int rpt_chart_add_vline(rpt_chart *c, double at, const char *label,
                        const struct rpt_style *st, momo_err *err)
{
    return add_ref(c, RPT_S_VLINE, at, label, st, err);
}

/*---- Grids ----*/

int rpt_chart_set_heatmap(rpt_chart *c, const double *z, size_t nx,
                          size_t ny, const char *const *xnames,
                          const char *const *ynames, int value_labels,
                          momo_err *err)
{
    double *zz = NULL;
    char **xn = NULL, **yn = NULL;
    int rc = claim_kind(c, RPT_KIND_HEATMAP, err);

    if (rc != MOMO_OK)
        return rc;
    if (nx == 0 || ny == 0 || !z)
        return momo_err_set(err, MOMO_EINVAL, "chart: heatmap: empty grid "
                            "(%zu x %zu)", nx, ny);
    if (nx > RPT_MAX_CATEGORIES || ny > RPT_MAX_CATEGORIES)
        return momo_err_set(err, MOMO_EINVAL, "chart: heatmap: %zu x %zu "
                            "is more than %d a side", nx, ny,
                            RPT_MAX_CATEGORIES);
    if (value_labels < RPT_LABELS_AUTO || value_labels > RPT_LABELS_OFF)
        return momo_err_set(err, MOMO_EINVAL, "chart: heatmap: unknown "
                            "value label mode %d", value_labels);
    rc = dup_doubles(z, nx * ny, &zz, err);
    if (rc == MOMO_OK)
        rc = dup_names(xnames, nx, &xn, "column name", err);
    if (rc == MOMO_OK)
        rc = dup_names(ynames, ny, &yn, "row name", err);
    if (rc != MOMO_OK) {
        core_free(zz);
        free_names(xn, nx);
        return rc;
    }
    c->gz = zz;
    c->xnames = xn;
    c->ynames = yn;
    c->nx = nx;
    c->ny = ny;
    c->value_labels = value_labels;
    c->kind = RPT_KIND_HEATMAP;
    c->locked = 1;
    return MOMO_OK;
}

static int increasing(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || (i > 0 && !(v[i] > v[i - 1])))
            return 0;
    }
    return 1;
}

int rpt_chart_set_surface(rpt_chart *c, const double *x, const double *y,
                          const double *z, size_t nx, size_t ny,
                          momo_err *err)
{
    double *xx = NULL, *yy = NULL, *zz = NULL;
    int rc = claim_kind(c, RPT_KIND_SURFACE, err);

    if (rc != MOMO_OK)
        return rc;
    if (nx < 2 || ny < 2 || !x || !y || !z)
        return momo_err_set(err, MOMO_EINVAL, "chart: surface: needs a grid "
                            "of at least 2 x 2, got %zu x %zu", nx, ny);
    if (nx > RPT_MAX_CATEGORIES || ny > RPT_MAX_CATEGORIES ||
        nx * ny > RPT_MAX_SURFACE)
        return momo_err_set(err, MOMO_EINVAL, "chart: surface: %zu x %zu "
                            "is more than %d a side or %d points", nx, ny,
                            RPT_MAX_CATEGORIES, RPT_MAX_SURFACE);
    if (!increasing(x, nx) || !increasing(y, ny))
        return momo_err_set(err, MOMO_EINVAL, "chart: surface: x and y must "
                            "be finite and strictly increasing");
    rc = dup_doubles(x, nx, &xx, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(y, ny, &yy, err);
    if (rc == MOMO_OK)
        rc = dup_doubles(z, nx * ny, &zz, err);
    if (rc != MOMO_OK) {
        core_free(xx);
        core_free(yy);
        return rc;
    }
    c->gx = xx;
    c->gy = yy;
    c->gz = zz;
    c->nx = nx;
    c->ny = ny;
    c->kind = RPT_KIND_SURFACE;
    c->locked = 1;
    return MOMO_OK;
}

/*---- Shared drawing helpers ----*/

void rpt_style_rgb(const struct rpt_style *st, double rgb[3])
{
    if (st->color < 0) {
        rgb[0] = rgb[1] = rgb[2] = 0.25;
        return;
    }
    rpt_palette_rgb(st->color, rgb);
}

void rpt_set_dash(cairo_t *cr, int dash, double width)
{
    double d[2];

    switch (dash) {
    case RPT_DASHED:
        d[0] = 4.0 * width;
        d[1] = 2.5 * width;
        cairo_set_dash(cr, d, 2, 0.0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        break;
    case RPT_DOTTED:
        d[0] = 0.0;
        d[1] = 2.2 * width;
        cairo_set_dash(cr, d, 2, 0.0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        break;
    default:
        cairo_set_dash(cr, NULL, 0, 0.0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        break;
    }
}

int rpt_finite_range(const double *v, size_t n, int log, double *lo,
                     double *hi)
{
    int found = 0;

    for (size_t i = 0; v && i < n; i++) {
        if (!rpt_drawable(v[i], log))
            continue;
        if (!found || v[i] < *lo)
            *lo = v[i];
        if (!found || v[i] > *hi)
            *hi = v[i];
        found = 1;
    }
    return found;
}

void rpt_draw_titles(const rpt_chart *c, struct rpt_frame *f)
{
    double y = f->y + f->pad, w = f->w - 2 * f->pad, h;

    rpt_set_grey(f->cr, 0.1);
    if (c->title && *c->title) {
        rpt_text_size(&f->tx, RPT_F_TITLE, c->title, w, NULL, &h);
        rpt_text_draw(&f->tx, RPT_F_TITLE, c->title, f->x + f->w / 2, y,
                      0.5, 0.0, 0.0, w);
        y += h;
    }
    if (c->subtitle && *c->subtitle) {
        rpt_set_grey(f->cr, 0.35);
        rpt_text_size(&f->tx, RPT_F_SUBTITLE, c->subtitle, w, NULL, &h);
        rpt_text_draw(&f->tx, RPT_F_SUBTITLE, c->subtitle,
                      f->x + f->w / 2, y + 0.2 * h, 0.5, 0.0, 0.0, w);
        y += 1.2 * h;
    }
    f->top = y + f->gap;
}

void rpt_draw_note(struct rpt_frame *f, const char *note, double x,
                   double y, double w, double h)
{
    rpt_set_grey(f->cr, 0.45);
    rpt_text_draw(&f->tx, RPT_F_NOTE, note, x + w / 2, y + h / 2, 0.5, 0.5,
                  0.0, w);
}

/*---- Rendering and output ----*/

static int cairo_code(cairo_status_t st)
{
    return st == CAIRO_STATUS_NO_MEMORY ? MOMO_ENOMEM : MOMO_EIO;
}

/* Draw c into (x, y, w, h) of cr. */
static int render(const rpt_chart *c, cairo_t *cr, double x, double y,
                  double w, double h, momo_err *err)
{
    struct rpt_frame f;
    double s = sqrt(w * h / (RPT_DEFAULT_WIDTH * (double)RPT_DEFAULT_HEIGHT));
    cairo_status_t st;
    int rc;

    memset(&f, 0, sizeof(f));
    f.cr = cr;
    f.x = x;
    f.y = y;
    f.w = w;
    f.h = h;
    f.s = s < 0.6 ? 0.6 : s > 3.0 ? 3.0 : s;
    f.pad = 14.0 * f.s;
    f.gap = 6.0 * f.s;
    f.tick = 5.0 * f.s;
    rc = rpt_text_init(&f.tx, cr, f.s);
    if (rc != MOMO_OK)
        return momo_err_set(err, rc, "chart: out of memory");
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    rpt_draw_titles(c, &f);
    if (c->kind == RPT_KIND_HEATMAP)
        rc = rpt_draw_heatmap(c, &f, err);
    else if (c->kind == RPT_KIND_SURFACE)
        rc = rpt_draw_surface(c, &f, err);
    else
        rc = rpt_draw_xy(c, &f, err);
    cairo_restore(cr);
    rpt_text_release(&f.tx);
    st = cairo_status(cr);
    if (rc == MOMO_OK && st != CAIRO_STATUS_SUCCESS)
        rc = momo_err_set(err, cairo_code(st), "chart: drawing failed: %s",
                          cairo_status_to_string(st));
    return rc;
}

int rpt_chart_draw(const rpt_chart *c, cairo_t *cr, double x, double y,
                   double w, double h, momo_err *err)
{
    cairo_status_t st = cairo_status(cr);
    int rc;

    if (st != CAIRO_STATUS_SUCCESS)
        return momo_err_set(err, cairo_code(st), "chart: the cairo "
                            "context is in error: %s",
                            cairo_status_to_string(st));
    if (!(w >= 50 && h >= 50) || !isfinite(x) || !isfinite(y) ||
        !isfinite(w) || !isfinite(h))
        return momo_err_set(err, MOMO_EINVAL, "chart: cannot draw into a "
                            "%gx%g rectangle", w, h);
    cairo_save(cr);
    rc = render(c, cr, x, y, w, h, err);
    cairo_restore(cr);
    return rc;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int n)
{
    struct core_buf *b = closure;

    if (core_buf_append(b, (const char *)data, n) != MOMO_OK)
        return CAIRO_STATUS_WRITE_ERROR;
    return CAIRO_STATUS_SUCCESS;
}

enum { OUT_PNG, OUT_SVG, OUT_PDF };

static int write_file(const rpt_chart *c, int kind, const char *path,
                      momo_err *err)
{
    static const char *const names[] = { "PNG", "SVG", "PDF" };
    struct core_buf buf;
    cairo_surface_t *sf;
    cairo_t *cr = NULL;
    cairo_status_t st;
    int rc;

    core_buf_init(&buf, MAX_ENCODED);
    if (kind == OUT_PNG)
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, c->width,
                                        c->height);
    else if (kind == OUT_SVG)
        sf = cairo_svg_surface_create_for_stream(to_buf, &buf, c->width,
                                                 c->height);
    else
        sf = cairo_pdf_surface_create_for_stream(to_buf, &buf, c->width,
                                                 c->height);
    st = cairo_surface_status(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = momo_err_set(err, cairo_code(st), "%s: cannot make a %s "
                          "surface: %s", path, names[kind],
                          cairo_status_to_string(st));
        goto out;
    }
    if (kind == OUT_SVG)
        cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
    cr = cairo_create(sf);
    rc = render(c, cr, 0, 0, c->width, c->height, err);
    if (rc != MOMO_OK)
        goto out;
    cairo_destroy(cr);
    cr = NULL;
    if (kind == OUT_PNG)
        st = cairo_surface_write_to_png_stream(sf, to_buf, &buf);
    else {
        cairo_surface_finish(sf);
        st = cairo_surface_status(sf);
    }
    if (buf.failed) {
        rc = momo_err_set(err, MOMO_ENOMEM, "%s: out of memory while "
                          "encoding %s", path, names[kind]);
        goto out;
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = momo_err_set(err, cairo_code(st), "%s: cannot encode %s: %s",
                          path, names[kind], cairo_status_to_string(st));
        goto out;
    }
    rc = core_write_file_atomic(path, buf.s, buf.n, err);
out:
    if (cr)
        cairo_destroy(cr);
    cairo_surface_destroy(sf);
    core_buf_release(&buf);
    return rc;
}

int rpt_chart_write_png(const rpt_chart *c, const char *path,
                        momo_err *err)
{
    return write_file(c, OUT_PNG, path, err);
}

int rpt_chart_write_svg(const rpt_chart *c, const char *path,
                        momo_err *err)
{
    return write_file(c, OUT_SVG, path, err);
}

int rpt_chart_write_pdf(const rpt_chart *c, const char *path,
                        momo_err *err)
{
    return write_file(c, OUT_PDF, path, err);
}
