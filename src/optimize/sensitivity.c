/* sensitivity.c - how the metric moves with each parameter.
 *
 * In:  a design and the metric of each trial (NaN for failed ones).
 * Out: per dimension, the metric's mean, median, spread (standard
 *      deviation), min and max at each level (each value of a discrete
 *      dimension, or each of OPT_MAX_BINS equal-count bins of a
 *      continuous one), a main-effect share of the variance and a
 *      robust/fragile verdict.
 *
 * Importance is the share of the metric's total sum of squares that the
 * dimension's level means explain (eta squared of a one-way analysis of
 * variance): sum over levels of n_l (mean_l - mean)^2 / sum (y - mean)^2.
 * A dimension is fragile when moving it across its range moves the mean
 * metric by more than OPT_FRAGILE standard deviations of all results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimize/optimize_int.h"

struct pair {
    double key;    /* level index or value */
    double y;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->y > y->y) - (x->y < y->y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Statistics of the y of p[0..n), which are sorted by y. */
static void level_stats(const struct pair *p, size_t n, struct opt_level *l)
{
    double s = 0, ss = 0;

    l->n = n;
    l->min = p[0].y;
    l->max = p[n - 1].y;
    for (size_t i = 0; i < n; i++)
        s += p[i].y;
    l->mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (p[i].y - l->mean) * (p[i].y - l->mean);
    l->spread = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    l->median = n % 2 ? p[n / 2].y : (p[n / 2 - 1].y + p[n / 2].y) / 2;
}

static int discrete_levels(const momo_design *d, size_t j, const double *y,
                           struct pair *p, struct opt_sens_dim *sd)
{
    size_t n = d->n_trials, np = 0, nv = 0;
    double *vals;

    /* the distinct values taken, ascending */
    vals = core_malloc((n ? n : 1) * sizeof(*vals));
    if (!vals)
        return MOMO_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i]))
            vals[nv++] = momo_design_value(d, i, j);
    qsort(vals, nv, sizeof(*vals), cmp_double);
    {
        size_t k = 0;

        for (size_t i = 0; i < nv; i++)
            if (k == 0 || vals[i] != vals[k - 1])
                vals[k++] = vals[i];
        nv = k;
    }
    for (size_t i = 0; i < n; i++) {
        double v;
        size_t lo = 0, hi = nv;

        if (!isfinite(y[i]))
            continue;
        v = momo_design_value(d, i, j);
        while (lo + 1 < hi) {          /* the level: vals[lo] == v */
            size_t mid = (lo + hi) / 2;

            if (vals[mid] <= v)
                lo = mid;
            else
                hi = mid;
        }
        p[np].key = (double)lo;
        p[np].y = y[i];
        np++;
    }
    qsort(p, np, sizeof(*p), cmp_pair);
    sd->levels = core_calloc(nv ? nv : 1, sizeof(*sd->levels));
    if (!sd->levels) {
        core_free(vals);
        return MOMO_ENOMEM;
    }
    for (size_t a = 0, k = 0; a < np; k++) {
        size_t b = a;

        while (b < np && p[b].key == p[a].key)
            b++;
        sd->levels[k].value = vals[(size_t)p[a].key];
        sd->levels[k].lo = sd->levels[k].hi = sd->levels[k].value;
        level_stats(p + a, b - a, &sd->levels[k]);
        a = b;
    }
    sd->n_levels = nv;
    core_free(vals);
    return MOMO_OK;
}

static int binned_levels(const momo_design *d, size_t j, const double *y,
                         struct pair *p, struct opt_sens_dim *sd)
{
    size_t n = d->n_trials, np = 0, bins;

    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i])) {
            p[np].key = momo_design_value(d, i, j);
            p[np].y = y[i];
            np++;
        }
    qsort(p, np, sizeof(*p), cmp_pair);
    bins = np / 2 < OPT_MAX_BINS ? np / 2 : OPT_MAX_BINS;
    if (bins < 1)
        bins = np ? 1 : 0;
    sd->levels = core_calloc(bins ? bins : 1, sizeof(*sd->levels));
    if (!sd->levels)
        return MOMO_ENOMEM;
    for (size_t k = 0; k < bins; k++) {
        size_t a = k * np / bins, b = (k + 1) * np / bins;
        struct opt_level *l = &sd->levels[k];
        double sx = 0;

        l->lo = p[a].key;
        l->hi = p[b - 1].key;
        for (size_t i = a; i < b; i++)
            sx += p[i].key;
        l->value = sx / (double)(b - a);
        /* level_stats wants y sorted: sort the bin by y alone */
        for (size_t i = a; i < b; i++)
            p[i].key = 0;
        qsort(p + a, b - a, sizeof(*p), cmp_pair);
        level_stats(p + a, b - a, l);
    }
    sd->n_levels = bins;
    return MOMO_OK;
}

int opt_sensitivity_compute(const momo_design *d, const double *y,
                            struct opt_sensitivity *out, momo_err *err)
{
    size_t n = d->n_trials, nd = d->n_dims, nv = 0;
    struct pair *p = NULL;
    double mean = 0, sst = 0;
    int rc = MOMO_OK;

    memset(out, 0, sizeof(*out));
    out->dims = core_calloc(nd ? nd : 1, sizeof(*out->dims));
    out->order = core_calloc(nd ? nd : 1, sizeof(*out->order));
    p = core_malloc((n ? n : 1) * sizeof(*p));
    if (!out->dims || !out->order || !p) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    out->n_dims = nd;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i])) {
            mean += y[i];
            nv++;
        }
    mean = nv ? mean / (double)nv : NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i]))
            sst += (y[i] - mean) * (y[i] - mean);
    out->n = nv;
    out->sd = nv > 1 ? sqrt(sst / (double)(nv - 1)) : NAN;
    for (size_t j = 0; rc == MOMO_OK && j < nd; j++) {
        struct opt_sens_dim *sd = &out->dims[j];
        double lo = INFINITY, hi = -INFINITY, ssb = 0;

        sd->dim = j;
        if (opt_dim_discrete(momo_design_dim(d, j)))
            rc = discrete_levels(d, j, y, p, sd);
        else
            rc = binned_levels(d, j, y, p, sd);
        if (rc != MOMO_OK) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        for (size_t k = 0; k < sd->n_levels; k++) {
            const struct opt_level *l = &sd->levels[k];

            ssb += (double)l->n * (l->mean - mean) * (l->mean - mean);
            lo = fmin(lo, l->mean);
            hi = fmax(hi, l->mean);
        }
        sd->importance = sst > 0 ? ssb / sst : 0;
        sd->effect = out->sd > 0 && sd->n_levels ? (hi - lo) / out->sd : 0;
        sd->fragile = sd->effect > OPT_FRAGILE;
    }
    for (size_t j = 0; j < nd; j++)
        out->order[j] = j;
    for (size_t a = 1; a < nd; a++)          /* insertion sort: few dims */
        for (size_t b = a; b > 0; b--) {
            size_t x = out->order[b - 1], z = out->order[b];

            if (out->dims[z].importance <= out->dims[x].importance)
                break;
            out->order[b - 1] = z;
            out->order[b] = x;
        }
out:
    core_free(p);
    if (rc != MOMO_OK)
        opt_sensitivity_release(out);
    return rc;
}

void opt_sensitivity_release(struct opt_sensitivity *s)
{
    if (s->dims)
        for (size_t j = 0; j < s->n_dims; j++)
            core_free(s->dims[j].levels);
    core_free(s->dims);
    core_free(s->order);
    memset(s, 0, sizeof(*s));
}
