/* design.c - the trials of a search: a grid, a Latin Hypercube sample or
 * an explicit list.
 *
 * In:  a parsed space (space.c), a sample size and a seed.
 * Out: a momo_design: its dimensions and, for trial i and dimension j,
 *      the value to give that parameter.
 *
 * A grid is never materialized: trial i's value of dimension j is list
 * entry (i / stride[j]) % n_j, the last dimension varying fastest, so a
 * grid of millions of combinations costs a few strides. Samples are
 * drawn on the calling thread from one GSL mt19937 stream, dimension by
 * dimension (a shuffle, then one uniform per sample), so a seed fixes
 * the whole design whatever runs it later.
 */
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "optimize/optimize_int.h"

static int new_design(int kind, const momo_dim *dims, size_t n_dims,
                      size_t n_trials, momo_design **out, momo_err *err)
{
    momo_design *d = core_calloc(1, sizeof(*d));

    *out = NULL;
    if (!d || opt_dims_copy(dims, n_dims, &d->dims) != MOMO_OK) {
        core_free(d);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    d->kind = kind;
    d->n_dims = n_dims;
    d->n_trials = n_trials;
    *out = d;
    return MOMO_OK;
}

void momo_design_free(momo_design *d)
{
    if (!d)
        return;
    opt_dims_free(d->dims, d->n_dims);
    core_free(d->stride);
    core_free(d->x);
    core_free(d);
}

int momo_design_grid(const momo_space *sp, momo_design **out, momo_err *err)
{
    uint64_t n = momo_space_grid_size(sp);
    momo_design *d;
    size_t s = 1;
    int rc;

    *out = NULL;
    if (n == 0)
        return momo_err_set(err, MOMO_EINVAL, "the space has no 'grid:' "
                            "section: grid search needs lists of values "
                            "(random search reads 'space:')");
    if (n > MOMO_MAX_TRIALS)
        return momo_err_set(err, MOMO_EINVAL, "the grid has %llu "
                            "combinations, more than the %zu one run takes: "
                            "narrow it or use random search",
                            (unsigned long long)n, MOMO_MAX_TRIALS);
    rc = new_design(MOMO_DESIGN_GRID, sp->grid, sp->n_grid, (size_t)n, &d,
                    err);
    if (rc != MOMO_OK)
        return rc;
    d->stride = core_calloc(d->n_dims, sizeof(*d->stride));
    if (!d->stride) {
        momo_design_free(d);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t j = d->n_dims; j-- > 0;) {
        d->stride[j] = s;
        s *= d->dims[j].n_values;
    }
    *out = d;
    return MOMO_OK;
}

/* Map u in [0, 1) through the distribution of `dm`. */
static double draw(const momo_dim *dm, double u)
{
    double v;
    size_t k;

    switch (dm->dist) {
    case MOMO_DIST_UNIFORM:
        v = dm->low + (dm->high - dm->low) * u;
        break;
    case MOMO_DIST_LOG_UNIFORM:
        v = exp(log(dm->low) + (log(dm->high) - log(dm->low)) * u);
        break;
    case MOMO_DIST_INTEGER:
        v = floor(dm->low + (dm->high - dm->low + 1) * u);
        return v > dm->high ? dm->high : v;
    default:
        k = (size_t)floor((double)dm->n_values * u);
        return dm->values[k < dm->n_values ? k : dm->n_values - 1];
    }
    if (v < dm->low)
        v = dm->low;
    if (v > dm->high)
        v = dm->high;
    /* an integer parameter under a continuous distribution: nearest */
    if (dm->param->type != MOMO_PARAM_DOUBLE)
        v = floor(v + 0.5);
    return v;
}

int momo_design_random(const momo_space *sp, size_t n, unsigned long seed,
                       momo_design **out, momo_err *err)
{
    const momo_dim *src = sp->n_rand ? sp->rand : sp->grid;
    size_t nd = sp->n_rand ? sp->n_rand : sp->n_grid;
    momo_design *d = NULL;
    size_t *perm = NULL;
    gsl_rng *rng = NULL;
    int rc;

    *out = NULL;
    if (n == 0)
        return momo_err_set(err, MOMO_EINVAL, "random search needs at "
                            "least one iteration");
    if (n > MOMO_MAX_TRIALS)
        return momo_err_set(err, MOMO_EINVAL, "%zu iterations: at most %zu",
                            n, MOMO_MAX_TRIALS);
    rc = new_design(MOMO_DESIGN_RANDOM, src, nd, n, &d, err);
    if (rc != MOMO_OK)
        return rc;
    if (!sp->n_rand)               /* grid lists become choices */
        for (size_t j = 0; j < nd; j++)
            d->dims[j].dist = MOMO_DIST_CHOICE;
    d->seed = seed;
    d->x = core_malloc(n * nd * sizeof(*d->x) + 1);
    perm = core_malloc(n * sizeof(*perm));
    rng = d->x && perm ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (!rng) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    gsl_rng_set(rng, seed);
    for (size_t j = 0; j < nd; j++) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        gsl_ran_shuffle(rng, perm, n, sizeof(*perm));
        for (size_t i = 0; i < n; i++) {
            double u = ((double)perm[i] + gsl_rng_uniform(rng)) / (double)n;

            d->x[i * nd + j] = draw(&d->dims[j], u);
        }
    }
    *out = d;
    d = NULL;
out:
    gsl_rng_free(rng);
    core_free(perm);
    momo_design_free(d);
    return rc;
}

int momo_design_list(const momo_dim *dims, size_t n_dims,
                     const double *values, size_t n, momo_design **out,
                     momo_err *err)
{
    momo_design *d;
    int rc = new_design(MOMO_DESIGN_LIST, dims, n_dims, n, &d, err);

    if (rc != MOMO_OK)
        return rc;
    d->x = core_malloc(n * n_dims * sizeof(*d->x) + 1);
    if (!d->x) {
        momo_design_free(d);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (n > 0 && n_dims > 0)
        memcpy(d->x, values, n * n_dims * sizeof(*d->x));
    *out = d;
    return MOMO_OK;
}

int momo_design_kind_of(const momo_design *d)
{
    return d->kind;
}

size_t momo_design_n_trials(const momo_design *d)
{
    return d->n_trials;
}

size_t momo_design_n_dims(const momo_design *d)
{
    return d->n_dims;
}

const momo_dim *momo_design_dim(const momo_design *d, size_t j)
{
    return j < d->n_dims ? &d->dims[j] : NULL;
}

double momo_design_value(const momo_design *d, size_t i, size_t j)
{
    MOMO_ASSERT(i < d->n_trials && j < d->n_dims);
    if (d->kind == MOMO_DESIGN_GRID)
        return d->dims[j].values[(i / d->stride[j]) % d->dims[j].n_values];
    return d->x[i * d->n_dims + j];
}

int opt_trial_params(const momo_params *base, const momo_design *d,
                     size_t i, momo_params *p, momo_err *err)
{
    *p = *base;
    for (size_t j = 0; j < d->n_dims; j++) {
        int rc = momo_params_set_number(p, d->dims[j].param,
                                        momo_design_value(d, i, j), err);

        if (rc != MOMO_OK)
            return rc;
    }
    return momo_params_validate(p, err);
}

int opt_design_clone(const momo_design *src, momo_design **out)
{
    momo_design *d = core_calloc(1, sizeof(*d));
    size_t nx = src->x ? src->n_trials * src->n_dims : 0;

    *out = NULL;
    if (!d)
        return MOMO_ENOMEM;
    *d = *src;
    d->dims = NULL;
    d->stride = NULL;
    d->x = NULL;
    if (opt_dims_copy(src->dims, src->n_dims, &d->dims) != MOMO_OK)
        goto nomem;
    if (src->stride) {
        d->stride = core_malloc(src->n_dims * sizeof(*d->stride) + 1);
        if (!d->stride)
            goto nomem;
        memcpy(d->stride, src->stride, src->n_dims * sizeof(*d->stride));
    }
    if (src->x) {
        d->x = core_malloc(nx * sizeof(*d->x) + 1);
        if (!d->x)
            goto nomem;
        if (nx > 0)
            memcpy(d->x, src->x, nx * sizeof(*d->x));
    }
    *out = d;
    return MOMO_OK;
nomem:
    momo_design_free(d);
    return MOMO_ENOMEM;
}
