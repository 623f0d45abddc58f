/* report_charts.c - the figures of the optimization report.
 *
 * In:  the study read back by report_load.c.
 * Out: figures, each one or more chart panels (chart.h) laid out on a
 *      grid, written as PNG and SVG on worker threads, and later drawn
 *      again as vectors into the PDF (report_pdf.c).
 *
 *   sensitivity      one panel per parameter, most important first: the
 *                    mean metric at each level, error bars one standard
 *                    deviation either side, a line at the mean of all
 *   heatmap_A__B     the mean metric over each (level of A, level of B)
 *                    cell, averaged over the other parameters
 *   surface_A__B     the same grid as a 3D surface
 *   walk_forward     in- vs out-of-sample metric per split (validation:
 *                    the top sets on the optimization and validation
 *                    windows)
 *   equity_top5      equity curves of the top 5 sets
 *   drawdowns_top5   their drawdowns from the running peak
 *
 * A mean, not a maximum, aggregates the other parameters: a region
 * where the metric is good whatever else is set is what a trader can
 * rely on; a maximum would show the luckiest combination.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>

#include "report/report_int.h"

#define PANEL_W 600
#define PANEL_H 420
#define MAX_LEVELS_SHOWN 200
#define MAX_ENCODED ((size_t)512 << 20)

/*---- Figures ----*/

static int fig_new(struct rpt_figs *figs, const char *name, int section,
                   struct rpt_fig **out, momo_err *err)
{
    struct rpt_fig *f;

    *out = NULL;
    if (core_grow((void **)&figs->v, &figs->cap, figs->n + 1,
                  sizeof(*figs->v), 0) != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    f = &figs->v[figs->n++];
    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->section = section;
    f->cols = 1;
    f->pw = RPT_DEFAULT_WIDTH;
    f->ph = RPT_DEFAULT_HEIGHT;
    *out = f;
    return MOMO_OK;
}

/* A new panel of f, w x h pixels. */
static int panel_new(struct rpt_fig *f, rpt_chart **c, momo_err *err)
{
    int rc;

    *c = NULL;
    if (f->n_panels >= RPT_MAX_PANELS)
        return momo_err_set(err, MOMO_EINVAL, "report: more than %d panels "
                            "in one figure", RPT_MAX_PANELS);
    rc = rpt_chart_new(f->pw, f->ph, c, err);
    if (rc == MOMO_OK)
        f->panel[f->n_panels++] = *c;
    return rc;
}

void rpt_fig_size(const struct rpt_fig *f, int *w, int *h)
{
    size_t rows = (f->n_panels + (size_t)f->cols - 1) / (size_t)f->cols;

    *w = f->pw * (f->n_panels < (size_t)f->cols ? (int)f->n_panels
                                                 : f->cols);
    *h = f->ph * (int)(rows ? rows : 1);
    if (*w == 0)
        *w = f->pw;
}

void rpt_figs_release(struct rpt_figs *figs)
{
    for (size_t i = 0; i < figs->n; i++)
        for (size_t k = 0; k < figs->v[i].n_panels; k++)
            rpt_chart_free(figs->v[i].panel[k]);
    core_free(figs->v);
    memset(figs, 0, sizeof(*figs));
}

/*---- Axes ----*/

static int metric_format(size_t metric)
{
    char t[32];

    rpt_fmt_metric(metric, 0.5, t, sizeof(t));
    return strchr(t, '%') ? RPT_FMT_PERCENT : RPT_FMT_PLAIN;
}

/* The unit of a parameter for an axis label, and its number format. */
static const char *param_unit(const momo_param_info *pi, int *format)
{
    const char *d = pi->description ? pi->description : "";

    *format = RPT_FMT_PLAIN;
    if (strstr(d, "fraction")) {
        *format = RPT_FMT_PERCENT;
        return strstr(pi->name, "risk.") ? "% of equity" : "%";
    }
    if (strstr(d, "basis points"))
        return "bps";
    if (strstr(d, "percentile"))
        return "percentile";
    if (strstr(pi->name, "rsi_m"))
        return "RSI";
    if (strstr(d, "bars") || strstr(pi->name, "_days"))
        return "bars";
    if (strstr(d, "money"))
        return "money";
    if (strstr(pi->name, "positions"))
        return "positions";
    return NULL;
}

static int set_axis(rpt_chart *c, int id, const char *label,
                    const char *unit, int format, momo_err *err)
{
    struct rpt_axis a;

    memset(&a, 0, sizeof(a));
    a.label = label;
    a.unit = unit;
    a.format = format;
    return rpt_chart_set_axis(c, id, &a, err);
}

static const char *metric_unit(size_t metric)
{
    const char *n = momo_metric_name(metric);

    if (strcmp(n, "sharpe") == 0 || strcmp(n, "sortino") == 0)
        return "annualized";
    if (metric_format(metric) == RPT_FMT_PERCENT)
        return "%";
    return NULL;
}

/*---- Sensitivity ----*/

static int sens_panel(const struct rpt_study *st, struct rpt_fig *f,
                      size_t j, momo_err *err)
{
    const struct opt_sens_dim *sd = &st->sens.dims[j];
    const momo_param_info *pi = st->param[j];
    size_t n = sd->n_levels;
    char **names = NULL, title[160], sub[160];
    double *y = NULL, *lo = NULL, *hi = NULL, mean = 0;
    size_t nv = 0;
    rpt_chart *c;
    int rc, fmt;
    const char *unit = param_unit(pi, &fmt);
    struct rpt_style bar = { 0 };

    rc = panel_new(f, &c, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(title, sizeof(title), "%s", pi->name);
    snprintf(sub, sizeof(sub), "importance %.2f, effect %.2f sd: %s",
             sd->importance, sd->effect, sd->fragile ? "fragile" : "robust");
    rc = rpt_chart_set_title(c, title, sub, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_X, rpt_short_name(st, j), unit, fmt, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Y, rpt_metric_title(st->metric),
                      metric_unit(st->metric), metric_format(st->metric),
                      err);
    if (rc != MOMO_OK || n == 0)
        return rc;
    names = core_calloc(n, sizeof(*names));
    y = core_malloc(3 * n * sizeof(*y));
    if (!names || !y) {
        core_free(names);
        core_free(y);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    lo = y + n;
    hi = y + 2 * n;
    for (size_t k = 0; k < n && rc == MOMO_OK; k++) {
        const struct opt_level *l = &sd->levels[k];
        char t[80];

        rpt_fmt_level(pi, l, t, sizeof(t));
        names[k] = core_strdup(t);
        if (!names[k])
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        y[k] = l->mean;
        lo[k] = isfinite(l->spread) ? l->mean - l->spread : l->mean;
        hi[k] = isfinite(l->spread) ? l->mean + l->spread : l->mean;
    }
    for (size_t i = 0; i < st->n_trials; i++)
        if (isfinite(st->y[i])) {
            mean += st->y[i];
            nv++;
        }
    bar.color = 2;
    if (rc == MOMO_OK)
        rc = rpt_chart_set_categories(c, (const char *const *)names, n,
                                      err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, "mean", y, lo, hi, n, &bar, err);
    if (rc == MOMO_OK && nv)
        rc = rpt_chart_add_hline(c, mean / (double)nv, "mean of all", NULL,
                                 err);
    for (size_t k = 0; k < n; k++)
        core_free(names[k]);
    core_free(names);
    core_free(y);
    return rc;
}

static int fig_sensitivity(const struct rpt_study *st, struct rpt_figs *figs,
                           momo_err *err)
{
    struct rpt_fig *f = NULL;
    size_t nd = st->n_dims < RPT_MAX_PANELS ? st->n_dims : RPT_MAX_PANELS;
    int rc = fig_new(figs, "sensitivity", 3, &f, err);

    if (rc != MOMO_OK)
        return rc;
    f->pw = PANEL_W;
    f->ph = PANEL_H;
    f->cols = nd < 3 ? (int)(nd ? nd : 1) : 3;
    snprintf(f->what, sizeof(f->what), "mean %s at each level of every "
             "parameter, +/- one standard deviation",
             rpt_metric_title(st->metric));
    for (size_t k = 0; rc == MOMO_OK && k < nd; k++)
        rc = sens_panel(st, f, st->sens.order[k], err);
    return rc;
}

/*---- Parameter pairs ----*/

/* The mean metric per (level of a, level of b): z[ib * na + ia]. */
static int pair_grid(const struct rpt_study *st, size_t a, size_t b,
                     double **z, size_t *na, size_t *nb, momo_err *err)
{
    const struct opt_sens_dim *sa = &st->sens.dims[a], *sb = &st->sens.dims[b];
    size_t *cnt;

    *na = sa->n_levels;
    *nb = sb->n_levels;
    *z = core_calloc(*na * *nb + 1, sizeof(double));
    cnt = core_calloc(*na * *nb + 1, sizeof(size_t));
    if (!*z || !cnt) {
        core_free(*z);
        core_free(cnt);
        *z = NULL;
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < st->n_trials; i++) {
        size_t ia, ib;

        if (!isfinite(st->y[i]))
            continue;
        ia = rpt_level_of(sa, st->x[i * st->n_dims + a]);
        ib = rpt_level_of(sb, st->x[i * st->n_dims + b]);
        (*z)[ib * *na + ia] += st->y[i];
        cnt[ib * *na + ia]++;
    }
    for (size_t k = 0; k < *na * *nb; k++)
        (*z)[k] = cnt[k] ? (*z)[k] / (double)cnt[k] : NAN;
    core_free(cnt);
    return MOMO_OK;
}

static int level_names(const struct rpt_study *st, size_t j, char ***out,
                       momo_err *err)
{
    const struct opt_sens_dim *sd = &st->sens.dims[j];
    char **v = core_calloc(sd->n_levels + 1, sizeof(*v));

    *out = v;
    if (!v)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t k = 0; k < sd->n_levels; k++) {
        char t[80];

        rpt_fmt_level(st->param[j], &sd->levels[k], t, sizeof(t));
        v[k] = core_strdup(t);
        if (!v[k])
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    return MOMO_OK;
}

static void free_names(char **v, size_t n)
{
    for (size_t k = 0; v && k < n; k++)
        core_free(v[k]);
    core_free(v);
}

static void pair_stem(const struct rpt_study *st, const char *kind,
                      size_t a, size_t b, char *buf, size_t n)
{
    snprintf(buf, n, "%s_%s__%s", kind, rpt_short_name(st, a),
             rpt_short_name(st, b));
    for (char *p = buf; *p; p++)
        if (*p == '.')
            *p = '_';
}

static int fig_heatmap(const struct rpt_study *st, size_t a, size_t b,
                       const double *z, struct rpt_figs *figs,
                       momo_err *err)
{
    const struct opt_sens_dim *sa = &st->sens.dims[a], *sb = &st->sens.dims[b];
    struct rpt_fig *f = NULL;
    rpt_chart *c = NULL;
    char stem[96], title[200], sub[160], **xn = NULL, **yn = NULL;
    int rc, fa, fb;
    const char *ua = param_unit(st->param[a], &fa);
    const char *ub = param_unit(st->param[b], &fb);

    pair_stem(st, "heatmap", a, b, stem, sizeof(stem));
    rc = fig_new(figs, stem, 3, &f, err);
    if (rc == MOMO_OK)
        rc = panel_new(f, &c, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(f->what, sizeof(f->what), "mean %s by %s and %s",
             rpt_metric_title(st->metric), st->param[a]->name,
             st->param[b]->name);
    snprintf(title, sizeof(title), "Mean %s by %s and %s",
             rpt_metric_title(st->metric), rpt_short_name(st, a),
             rpt_short_name(st, b));
    snprintf(sub, sizeof(sub), "each cell: the mean over the other "
             "parameters of %zu trials; hatched: no trial", st->sens.n);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title, sub, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_X, st->param[a]->name, ua, fa, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Y, st->param[b]->name, ub, fb, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Z, rpt_metric_title(st->metric),
                      metric_unit(st->metric), metric_format(st->metric),
                      err);
    if (rc == MOMO_OK)
        rc = level_names(st, a, &xn, err);
    if (rc == MOMO_OK)
        rc = level_names(st, b, &yn, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_heatmap(c, z, sa->n_levels, sb->n_levels,
                                   (const char *const *)xn,
                                   (const char *const *)yn, RPT_LABELS_AUTO,
                                   err);
    free_names(xn, sa->n_levels);
    free_names(yn, sb->n_levels);
    return rc;
}

static int increasing(const double *v, size_t n)
{
    for (size_t k = 1; k < n; k++)
        if (!(v[k] > v[k - 1]))
            return 0;
    return 1;
}

static int fig_surface(const struct rpt_study *st, size_t a, size_t b,
                       const double *z, struct rpt_figs *figs,
                       momo_err *err)
{
    const struct opt_sens_dim *sa = &st->sens.dims[a], *sb = &st->sens.dims[b];
    size_t na = sa->n_levels, nb = sb->n_levels;
    struct rpt_fig *f = NULL;
    rpt_chart *c = NULL;
    char stem[96], title[200];
    double *x = core_malloc((na + nb + 1) * sizeof(double)), *y;
    int rc, fa, fb, ia, ib;
    const char *ua = param_unit(st->param[a], &fa);
    const char *ub = param_unit(st->param[b], &fb);

    if (!x)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    y = x + na;
    for (size_t k = 0; k < na; k++)
        x[k] = sa->levels[k].value;
    for (size_t k = 0; k < nb; k++)
        y[k] = sb->levels[k].value;
    /* tied bin means: fall back to level numbers */
    ia = increasing(x, na);
    ib = increasing(y, nb);
    for (size_t k = 0; !ia && k < na; k++)
        x[k] = (double)k + 1;
    for (size_t k = 0; !ib && k < nb; k++)
        y[k] = (double)k + 1;
    pair_stem(st, "surface", a, b, stem, sizeof(stem));
    rc = fig_new(figs, stem, 3, &f, err);
    if (rc == MOMO_OK)
        rc = panel_new(f, &c, err);
    if (rc != MOMO_OK) {
        core_free(x);
        return rc;
    }
    snprintf(f->what, sizeof(f->what), "3D surface of the mean %s over %s "
             "and %s", rpt_metric_title(st->metric), st->param[a]->name,
             st->param[b]->name);
    snprintf(title, sizeof(title), "%s surface: %s x %s",
             rpt_metric_title(st->metric), rpt_short_name(st, a),
             rpt_short_name(st, b));
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title, "height and colour: the mean over "
                                 "the other parameters; holes: no trial",
                                 err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_X, rpt_short_name(st, a),
                      ia ? ua : "level", ia ? fa : RPT_FMT_PLAIN, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Y, rpt_short_name(st, b),
                      ib ? ub : "level", ib ? fb : RPT_FMT_PLAIN, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Z, rpt_metric_title(st->metric),
                      metric_unit(st->metric), metric_format(st->metric),
                      err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_surface(c, x, y, z, na, nb, err);
    if (rc == MOMO_OK)
        rpt_chart_set_view(c, -55, 28);
    core_free(x);
    return rc;
}

static int find_dim(const struct rpt_study *st, const char *name, size_t len)
{
    for (size_t j = 0; j < st->n_dims; j++) {
        const char *full = st->param[j]->name;
        const char *shrt = rpt_short_name(st, j);

        if ((strlen(full) == len && strncmp(full, name, len) == 0) ||
            (strlen(shrt) == len && strncmp(shrt, name, len) == 0))
            return (int)j;
    }
    return -1;
}

/* The pairs to draw: the two most important parameters, then each
 * "a,b" of o->surfaces. pairs[2k], pairs[2k + 1]. */
static int pick_pairs(const struct rpt_study *st, const momo_report_opts *o,
                      size_t *pairs, size_t *n_pairs, momo_err *err)
{
    size_t n = 0;

    if (st->n_dims >= 2) {
        pairs[0] = st->sens.order[0];
        pairs[1] = st->sens.order[1];
        n = 1;
    }
    for (size_t s = 0; o && s < o->n_surfaces; s++) {
        const char *spec = o->surfaces[s], *comma = strchr(spec, ',');
        int a, b;
        size_t k;

        if (s >= MOMO_REPORT_MAX_SURFACES)
            return momo_err_set(err, MOMO_EINVAL, "--surface: at most %d "
                                "pairs", MOMO_REPORT_MAX_SURFACES);
        if (!comma || strchr(comma + 1, ','))
            return momo_err_set(err, MOMO_EINVAL, "--surface '%s': give two "
                                "parameters as A,B", spec);
        a = find_dim(st, spec, (size_t)(comma - spec));
        b = find_dim(st, comma + 1, strlen(comma + 1));
        if (a < 0 || b < 0) {
            const char *bad = a < 0 ? spec : comma + 1;
            size_t len = a < 0 ? (size_t)(comma - spec) : strlen(comma + 1);

            return momo_err_set(err, MOMO_EINVAL, "--surface '%s': '%.*s' "
                                "is not a searched parameter of this "
                                "optimization", spec, (int)len, bad);
        }
        if (a == b)
            return momo_err_set(err, MOMO_EINVAL, "--surface '%s': two "
                                "different parameters needed", spec);
        for (k = 0; k < n; k++)
            if ((pairs[2 * k] == (size_t)a && pairs[2 * k + 1] == (size_t)b)
                || (pairs[2 * k] == (size_t)b &&
                    pairs[2 * k + 1] == (size_t)a))
                break;
        if (k == n) {
            pairs[2 * n] = (size_t)a;
            pairs[2 * n + 1] = (size_t)b;
            n++;
        }
    }
    *n_pairs = n;
    return MOMO_OK;
}

/*---- Walk-forward and validation ----*/

static int fig_is_oos(const struct rpt_study *st, struct rpt_figs *figs,
                      momo_err *err)
{
    int wf = st->mode == RPT_MODE_WF;
    size_t n = wf ? st->n_splits : st->n_top;
    struct rpt_fig *f = NULL;
    rpt_chart *c = NULL;
    char **names = NULL, title[160];
    double *is = NULL, *oos = NULL;
    struct rpt_style s1 = { 0 }, s2 = { 0 };
    int rc;

    if (!wf && !st->vfrom)
        return MOMO_OK;
    rc = fig_new(figs, wf ? "walk_forward" : "validation", 4, &f, err);
    if (rc == MOMO_OK)
        rc = panel_new(f, &c, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(f->what, sizeof(f->what), wf ? "in- vs out-of-sample %s of "
             "each split's choice" : "%s of the top sets on the "
             "optimization and validation windows",
             rpt_metric_title(st->metric));
    names = core_calloc(n + 1, sizeof(*names));
    is = core_malloc((2 * n + 1) * sizeof(double));
    if (!names || !is) {
        core_free(names);
        core_free(is);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    oos = is + n;
    for (size_t k = 0; k < n && rc == MOMO_OK; k++) {
        char t[64], a[11];

        if (wf) {
            core_format_date(st->split[k].test_from, a);
            snprintf(t, sizeof(t), "%zu (%.7s)", k + 1, a);
            is[k] = st->split[k].is;
            oos[k] = st->split[k].oos;
        } else {
            snprintf(t, sizeof(t), "#%zu", k + 1);
            is[k] = momo_metric_get(&st->top[k].m, st->metric);
            oos[k] = st->top[k].have_val
                ? momo_metric_get(&st->top[k].val, st->metric) : NAN;
        }
        names[k] = core_strdup(t);
        if (!names[k])
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    snprintf(title, sizeof(title), wf ? "Walk-forward: %s in and out of "
             "sample per split" : "Validation: %s of the top sets in and "
             "out of sample", rpt_metric_title(st->metric));
    s1.color = 1;
    s2.color = 2;
    if (rc == MOMO_OK)
        rc = rpt_chart_set_title(c, title, wf ? "in sample: the training "
                                 "window the split's choice was made on; "
                                 "out of sample: its test window" :
                                 "in sample: the optimization window",
                                 err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_X, wf ? "Split (month its test window "
                                          "starts)"
                                        : "Rank in sample", NULL,
                      RPT_FMT_PLAIN, err);
    if (rc == MOMO_OK)
        rc = set_axis(c, RPT_AXIS_Y, rpt_metric_title(st->metric),
                      metric_unit(st->metric), metric_format(st->metric),
                      err);
    if (rc == MOMO_OK)
        rc = rpt_chart_set_categories(c, (const char *const *)names, n, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, wf ? "in sample (training)"
                                      : "optimization window", is, NULL,
                                NULL, n, &s1, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_bars(c, wf ? "out of sample (test)"
                                      : "validation window", oos, NULL,
                                NULL, n, &s2, err);
    if (rc == MOMO_OK)
        rc = rpt_chart_add_hline(c, 0, NULL, NULL, err);
    free_names(names, n);
    core_free(is);
    return rc;
}

/*---- Equity and drawdowns ----*/

static void curve_label(const struct rpt_study *st, size_t k, char *buf,
                        size_t n)
{
    char v[32];

    rpt_fmt_metric(st->metric, momo_metric_get(&st->top[k].m, st->metric),
                   v, sizeof(v));
    snprintf(buf, n, "#%zu (%s %s)", k + 1, momo_metric_name(st->metric), v);
}

static int fig_curves(const struct rpt_study *st, int drawdown,
                      struct rpt_figs *figs, momo_err *err)
{
    struct rpt_fig *f = NULL;
    rpt_chart *c = NULL;
    size_t n = st->n_eq;
    double *x = NULL, *y = NULL, lo = INFINITY, hi = 0;
    char sub[200], win[64], a[11], b[11];
    int rc;
    struct rpt_axis ax;

    rc = fig_new(figs, drawdown ? "drawdowns_top5" : "equity_top5", 2, &f,
                 err);
    if (rc == MOMO_OK)
        rc = panel_new(f, &c, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(f->what, sizeof(f->what), drawdown ? "drawdowns of the top %zu "
             "parameter sets" : "equity curves of the top %zu parameter "
             "sets", st->n_curves);
    if (n) {
        core_format_date(st->eq_date[0], a);
        core_format_date(st->eq_date[n - 1], b);
        snprintf(win, sizeof(win), "%s to %s", a, b);
    } else {
        snprintf(win, sizeof(win), "no curve stored");
    }
    snprintf(sub, sizeof(sub), "%s%s", win, st->mode == RPT_MODE_WF
             ? " (the out-of-sample span); dashed: the stitched walk-forward "
               "curve" : " (the optimization window)");
    rc = rpt_chart_set_title(c, drawdown
                             ? "Drawdowns of the top 5 parameter sets"
                             : "Equity of the top 5 parameter sets", sub,
                             err);
    memset(&ax, 0, sizeof(ax));
    ax.label = "Date";
    ax.format = RPT_FMT_DATE;
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_X, &ax, err);
    x = core_malloc((n + st->n_wf + 1) * sizeof(double));
    y = core_malloc((n + st->n_wf + 1) * sizeof(double));
    if (!x || !y) {
        core_free(x);
        core_free(y);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t t = 0; t < n; t++) {
        x[t] = st->eq_date[t];
        for (size_t k = 0; k < st->n_curves; k++) {
            double v = st->eq[t * RPT_CURVES + k];

            if (isfinite(v) && v > 0) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    memset(&ax, 0, sizeof(ax));
    ax.label = drawdown ? "Drawdown from the running peak" : "Equity";
    ax.unit = drawdown ? "%" : "money";
    ax.format = drawdown ? RPT_FMT_PERCENT : RPT_FMT_MONEY;
    ax.scale = !drawdown && hi > 10 * lo ? RPT_SCALE_LOG : RPT_SCALE_LINEAR;
    if (rc == MOMO_OK)
        rc = rpt_chart_set_axis(c, RPT_AXIS_Y, &ax, err);
    for (size_t k = 0; rc == MOMO_OK && k < st->n_curves; k++) {
        char label[96];
        double peak = -INFINITY;
        struct rpt_style s = { 0 };

        s.color = (int)k + 1;
        s.width = k == 0 ? 2.6 : 1.6;
        for (size_t t = 0; t < n; t++) {
            double v = st->eq[t * RPT_CURVES + k];

            if (isfinite(v) && v > peak)
                peak = v;
            y[t] = !drawdown ? v : isfinite(v) && peak > 0 ? v / peak - 1
                                                           : NAN;
        }
        curve_label(st, k, label, sizeof(label));
        rc = rpt_chart_add_line(c, label, x, y, n, &s, err);
    }
    if (rc == MOMO_OK && st->mode == RPT_MODE_WF && st->n_wf) {
        struct rpt_style s = { 0 };
        double peak = -INFINITY;

        s.color = 8;
        s.dash = RPT_DASHED;
        s.width = 1.6;
        for (size_t t = 0; t < st->n_wf; t++) {
            double v = st->wf_eq[t];

            x[t] = st->wf_date[t];
            if (isfinite(v) && v > peak)
                peak = v;
            y[t] = !drawdown ? v : isfinite(v) && peak > 0 ? v / peak - 1
                                                           : NAN;
        }
        rc = rpt_chart_add_line(c, "walk-forward (each split's choice)", x,
                                y, st->n_wf, &s, err);
    }
    if (rc == MOMO_OK && !drawdown && n)
        rc = rpt_chart_add_hline(c, st->base.initial_capital,
                                 "initial capital", NULL, err);
    core_free(x);
    core_free(y);
    return rc;
}

/*---- All figures ----*/

int rpt_figs_build(const struct rpt_study *st, const momo_report_opts *o,
                   struct rpt_figs *figs, momo_err *err)
{
    size_t pairs[2 * (MOMO_REPORT_MAX_SURFACES + 1)], n_pairs = 0;
    int rc;

    memset(figs, 0, sizeof(*figs));
    rc = pick_pairs(st, o, pairs, &n_pairs, err);
    if (rc == MOMO_OK)
        rc = fig_curves(st, 0, figs, err);
    if (rc == MOMO_OK)
        rc = fig_curves(st, 1, figs, err);
    if (rc == MOMO_OK)
        rc = fig_sensitivity(st, figs, err);
    for (size_t k = 0; rc == MOMO_OK && k < n_pairs; k++) {
        size_t a = pairs[2 * k], b = pairs[2 * k + 1];
        size_t na = st->sens.dims[a].n_levels, nb = st->sens.dims[b].n_levels;
        double *z = NULL;

        if (na > MAX_LEVELS_SHOWN || nb > MAX_LEVELS_SHOWN || na < 1 ||
            nb < 1)
            continue;
        rc = pair_grid(st, a, b, &z, &na, &nb, err);
        if (rc == MOMO_OK)
            rc = fig_heatmap(st, a, b, z, figs, err);
        if (rc == MOMO_OK && na >= 2 && nb >= 2)
            rc = fig_surface(st, a, b, z, figs, err);
        core_free(z);
    }
    if (rc == MOMO_OK)
        rc = fig_is_oos(st, figs, err);
    if (rc != MOMO_OK)
        rpt_figs_release(figs);
    return rc;
}

/*---- Writing ----*/

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int n)
{
    struct core_buf *b = closure;

    if (core_buf_append(b, (const char *)data, n) != MOMO_OK)
        return CAIRO_STATUS_WRITE_ERROR;
    return CAIRO_STATUS_SUCCESS;
}

static int cairo_rc(cairo_status_t s)
{
    return s == CAIRO_STATUS_NO_MEMORY ? MOMO_ENOMEM : MOMO_EIO;
}

/* Draw figure f's panels on their grid into a PNG or SVG file. */
static int fig_write(const struct rpt_fig *f, int svg, const char *path,
                     momo_err *err)
{
    struct core_buf buf;
    cairo_surface_t *sf;
    cairo_t *cr = NULL;
    cairo_status_t s;
    int w, h, rc = MOMO_OK;

    rpt_fig_size(f, &w, &h);
    core_buf_init(&buf, MAX_ENCODED);
    sf = svg ? cairo_svg_surface_create_for_stream(to_buf, &buf, w, h)
             : cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    s = cairo_surface_status(sf);
    if (s != CAIRO_STATUS_SUCCESS) {
        rc = momo_err_set(err, cairo_rc(s), "%s: cannot make the image: %s",
                          path, cairo_status_to_string(s));
        goto out;
    }
    if (svg)
        cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
    cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    for (size_t k = 0; rc == MOMO_OK && k < f->n_panels; k++)
        rc = rpt_chart_draw(f->panel[k], cr,
                            (double)(k % (size_t)f->cols) * f->pw,
                            (double)(k / (size_t)f->cols) * f->ph, f->pw,
                            f->ph, err);
    cairo_destroy(cr);
    cr = NULL;
    if (rc != MOMO_OK)
        goto out;
    if (svg) {
        cairo_surface_finish(sf);
        s = cairo_surface_status(sf);
    } else {
        s = cairo_surface_write_to_png_stream(sf, to_buf, &buf);
    }
    if (buf.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "%s: out of memory while "
                          "encoding", path);
    else if (s != CAIRO_STATUS_SUCCESS)
        rc = momo_err_set(err, cairo_rc(s), "%s: cannot encode: %s", path,
                          cairo_status_to_string(s));
    else
        rc = core_write_file_atomic(path, buf.s, buf.n, err);
out:
    cairo_surface_destroy(sf);
    core_buf_release(&buf);
    return rc;
}

struct write_job {
    const struct rpt_figs *figs;
    const char *dir;
    int *rc;
    momo_err *err;
};

static void write_one(void *ctx, size_t i)
{
    const struct write_job *j = ctx;
    const struct rpt_fig *f = &j->figs->v[i / 2];
    char path[RPT_PATH + 128];

    snprintf(path, sizeof(path), "%s/%s.%s", j->dir, f->name,
             i % 2 ? "svg" : "png");
    j->rc[i] = fig_write(f, (int)(i % 2), path, &j->err[i]);
}

int rpt_figs_write(const struct rpt_figs *figs, const char *dir, int jobs,
                   momo_err *err)
{
    size_t n = 2 * figs->n;
    struct write_job j;
    int rc = MOMO_OK;

    if (n == 0)
        return MOMO_OK;
    j.figs = figs;
    j.dir = dir;
    j.rc = core_calloc(n, sizeof(*j.rc));
    j.err = core_calloc(n, sizeof(*j.err));
    if (!j.rc || !j.err) {
        core_free(j.rc);
        core_free(j.err);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    core_parallel_for(n, jobs, write_one, &j);
    for (size_t i = 0; i < n; i++)
        if (j.rc[i] != MOMO_OK) {
            rc = momo_err_set(err, j.rc[i], "%s", j.err[i].msg);
            break;
        }
    core_free(j.rc);
    core_free(j.err);
    return rc;
}
