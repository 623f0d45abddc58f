/* space.c - the parameter-space file: what a search may vary, and how.
 *
 * In:  YAML text (a file of at most OPT_SPACE_MAX bytes) with a `grid:`
 *      map of value lists and/or a `space:` map of distributions, keyed
 *      by dotted parameter names or nested maps of their sections.
 * Out: a momo_space: the grid dimensions and the random dimensions, in
 *      file order, each with the line that declared it.
 *
 * libyaml's events drive a recursive descent: the root map, a section
 * map, a parameter's value. Names are judged against the registry the
 * moment they are read (unknown ones get a did-you-mean), values against
 * the parameter's type and bounds by momo_params_set_number itself, so
 * the registry stays the only authority. Nothing grows without a bound:
 * nesting is at most 8 maps deep, a list at most OPT_MAX_VALUES values,
 * a space at most OPT_MAX_DIMS dimensions per section. Aliases are
 * refused (no expansion, so no "billion laughs").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config/config.h"
#include "optimize/optimize_int.h"

#define MAX_NEST 8

enum { K_GRID, K_SPACE };

struct parse {
    yaml_parser_t yp;
    yaml_event_t ev;
    int have_ev;
    const char *file;
    momo_space *sp;
    momo_params scratch;          /* bounds checks write here */
    size_t cap_grid, cap_rand;
    momo_err *err;
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(struct parse *ps, size_t line, int code, const char *fmt,
                ...)
{
    char msg[sizeof(((momo_err *)0)->msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return momo_err_set(ps->err, code, "%s:%zu: %s", ps->file, line, msg);
}

static size_t line_of(const yaml_event_t *ev)
{
    return ev->start_mark.line + 1;
}

/* The next event into ps->ev; the previous one is released. */
static int next(struct parse *ps)
{
    if (ps->have_ev)
        yaml_event_delete(&ps->ev);
    ps->have_ev = 0;
    if (!yaml_parser_parse(&ps->yp, &ps->ev)) {
        size_t line = ps->yp.problem_mark.line + 1;

        if (ps->yp.error == YAML_MEMORY_ERROR)
            return momo_err_set(ps->err, MOMO_ENOMEM, "%s: out of memory",
                                ps->file);
        return fail(ps, line, MOMO_EFORMAT, "%s%s%s",
                    ps->yp.problem ? ps->yp.problem : "malformed YAML",
                    ps->yp.context ? " " : "",
                    ps->yp.context ? ps->yp.context : "");
    }
    ps->have_ev = 1;
    if (ps->ev.type == YAML_ALIAS_EVENT)
        return fail(ps, line_of(&ps->ev), MOMO_EFORMAT,
                    "aliases are not accepted");
    return MOMO_OK;
}

static const char *scalar(const struct parse *ps)
{
    return (const char *)ps->ev.data.scalar.value;
}

static int is_null(const struct parse *ps)
{
    const char *v = scalar(ps);

    if (ps->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0;
}

static const char *event_name(int type)
{
    switch (type) {
    case YAML_MAPPING_START_EVENT:  return "a map";
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_SCALAR_EVENT:         return "a single value";
    default:                        return "something else";
    }
}

/*---- Values ----*/

/* Parse the current scalar as a value of `pi` and check it against the
 * parameter's type and bounds. */
static int parse_value(struct parse *ps, const momo_param_info *pi,
                       const char *what, double *out)
{
    const char *s = scalar(ps);
    size_t line = line_of(&ps->ev), len = strlen(s);
    momo_err e = { 0 };

    if (pi->type == MOMO_PARAM_BOOL) {
        if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
            strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0)
            *out = 1;
        else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
                 strcasecmp(s, "off") == 0 || strcmp(s, "0") == 0)
            *out = 0;
        else
            return fail(ps, line, MOMO_EINVAL, "%s: %s '%.40s' is not "
                        "true or false", pi->name, what, s);
        return MOMO_OK;
    }
    if (len == 0 || core_parse_double(s, len, out) != 0)
        return fail(ps, line, MOMO_EINVAL, "%s: %s '%.40s' is not a number",
                    pi->name, what, s);
    if (momo_params_set_number(&ps->scratch, pi, *out, &e) != MOMO_OK)
        return fail(ps, line, MOMO_EINVAL, "%s", e.msg);
    return MOMO_OK;
}

static int push_value(struct parse *ps, momo_dim *dm, size_t *cap,
                      double v, size_t line)
{
    double *vals = (double *)dm->values;

    for (size_t i = 0; i < dm->n_values; i++)
        if (vals[i] == v)
            return fail(ps, line, MOMO_EINVAL, "%s: value %s listed twice",
                        dm->param->name, scalar(ps));
    if (dm->n_values >= OPT_MAX_VALUES)
        return fail(ps, line, MOMO_EINVAL, "%s: more than %d values",
                    dm->param->name, OPT_MAX_VALUES);
    if (core_grow((void **)&vals, cap, dm->n_values + 1, sizeof(*vals),
                  OPT_MAX_VALUES) != MOMO_OK)
        return momo_err_set(ps->err, MOMO_ENOMEM, "%s: out of memory",
                            ps->file);
    vals[dm->n_values++] = v;
    dm->values = vals;
    return MOMO_OK;
}

/* A list of values (the current event opened it) into dm->values. */
static int parse_list(struct parse *ps, momo_dim *dm)
{
    size_t cap = 0, line = line_of(&ps->ev);
    int rc;

    for (;;) {
        double v;

        rc = next(ps);
        if (rc != MOMO_OK)
            return rc;
        if (ps->ev.type == YAML_SEQUENCE_END_EVENT)
            break;
        if (ps->ev.type != YAML_SCALAR_EVENT)
            return fail(ps, line_of(&ps->ev), MOMO_EFORMAT,
                        "%s: list items must be single values, not %s",
                        dm->param->name, event_name(ps->ev.type));
        rc = parse_value(ps, dm->param, "value", &v);
        if (rc == MOMO_OK)
            rc = push_value(ps, dm, &cap, v, line_of(&ps->ev));
        if (rc != MOMO_OK)
            return rc;
    }
    if (dm->n_values == 0)
        return fail(ps, line, MOMO_EINVAL, "%s: the list is empty",
                    dm->param->name);
    return MOMO_OK;
}

static int parse_dist_name(struct parse *ps, const char *pname, int *dist)
{
    static const struct { const char *name; int dist; } names[] = {
        { "uniform", MOMO_DIST_UNIFORM },
        { "log-uniform", MOMO_DIST_LOG_UNIFORM },
        { "loguniform", MOMO_DIST_LOG_UNIFORM },
        { "log_uniform", MOMO_DIST_LOG_UNIFORM },
        { "integer", MOMO_DIST_INTEGER },
        { "int", MOMO_DIST_INTEGER },
        { "choice", MOMO_DIST_CHOICE },
    };

    if (ps->ev.type == YAML_SCALAR_EVENT)
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcasecmp(scalar(ps), names[i].name) == 0) {
                *dist = names[i].dist;
                return MOMO_OK;
            }
    return fail(ps, line_of(&ps->ev), MOMO_EINVAL,
                "%s: type must be uniform, log-uniform, integer or choice%s"
                "%.40s%s", pname,
                ps->ev.type == YAML_SCALAR_EVENT ? ", not '" : "",
                ps->ev.type == YAML_SCALAR_EVENT ? scalar(ps) : "",
                ps->ev.type == YAML_SCALAR_EVENT ? "'" : "");
}

/* {type: ..., low: ..., high: ..., values: [...]} (the current event
 * opened the map). */
static int parse_dist(struct parse *ps, momo_dim *dm)
{
    const momo_param_info *pi = dm->param;
    size_t line = line_of(&ps->ev);
    int have_type = 0, have_low = 0, have_high = 0, have_values = 0, rc;

    for (;;) {
        char key[16];
        size_t kline;

        rc = next(ps);
        if (rc != MOMO_OK)
            return rc;
        if (ps->ev.type == YAML_MAPPING_END_EVENT)
            break;
        kline = line_of(&ps->ev);
        if (ps->ev.type != YAML_SCALAR_EVENT)
            return fail(ps, kline, MOMO_EFORMAT, "%s: expected a key "
                        "(type, low, high, values)", pi->name);
        snprintf(key, sizeof(key), "%s", scalar(ps));
        if (strcmp(key, "type") != 0 && strcmp(key, "low") != 0 &&
            strcmp(key, "high") != 0 && strcmp(key, "values") != 0)
            return fail(ps, kline, MOMO_EINVAL, "%s: unknown key '%.40s' "
                        "(expected type, low, high, values)", pi->name,
                        scalar(ps));
        if ((key[0] == 't' && have_type) || (key[0] == 'l' && have_low) ||
            (key[0] == 'h' && have_high) || (key[0] == 'v' && have_values))
            return fail(ps, kline, MOMO_EINVAL, "%s: '%s' given twice",
                        pi->name, key);
        rc = next(ps);
        if (rc != MOMO_OK)
            return rc;
        if (key[0] == 'v') {
            if (ps->ev.type != YAML_SEQUENCE_START_EVENT)
                return fail(ps, line_of(&ps->ev), MOMO_EINVAL,
                            "%s: values must be a list", pi->name);
            rc = parse_list(ps, dm);
            have_values = 1;
        } else if (key[0] == 't') {
            rc = parse_dist_name(ps, pi->name, &dm->dist);
            have_type = 1;
        } else if (ps->ev.type != YAML_SCALAR_EVENT) {
            rc = fail(ps, line_of(&ps->ev), MOMO_EINVAL,
                      "%s: %s must be a single value", pi->name, key);
        } else if (key[0] == 'l') {
            rc = parse_value(ps, pi, "low", &dm->low);
            have_low = 1;
        } else {
            rc = parse_value(ps, pi, "high", &dm->high);
            have_high = 1;
        }
        if (rc != MOMO_OK)
            return rc;
    }
    if (!have_type)
        dm->dist = have_values ? MOMO_DIST_CHOICE : MOMO_DIST_UNIFORM;
    if (dm->dist == MOMO_DIST_CHOICE) {
        if (!have_values || have_low || have_high)
            return fail(ps, line, MOMO_EINVAL, "%s: a choice takes "
                        "'values: [...]' and no low or high", pi->name);
        return MOMO_OK;
    }
    if (have_values || !have_low || !have_high)
        return fail(ps, line, MOMO_EINVAL, "%s: this distribution takes "
                    "'low' and 'high' and no values", pi->name);
    if (pi->type == MOMO_PARAM_BOOL)
        return fail(ps, line, MOMO_EINVAL, "%s: a boolean is searched as "
                    "a choice: [true, false]", pi->name);
    if (dm->dist == MOMO_DIST_INTEGER &&
        (dm->low != floor(dm->low) || dm->high != floor(dm->high)))
        return fail(ps, line, MOMO_EINVAL, "%s: integer bounds must be "
                    "whole numbers", pi->name);
    if (!(dm->low < dm->high))
        return fail(ps, line, MOMO_EINVAL, "%s: low must be below high",
                    pi->name);
    if (dm->dist == MOMO_DIST_LOG_UNIFORM && !(dm->low > 0))
        return fail(ps, line, MOMO_EINVAL, "%s: a log-uniform low must be "
                    "above 0", pi->name);
    return MOMO_OK;
}

/*---- Names ----*/

static int searchable(struct parse *ps, const momo_param_info *pi,
                      size_t line)
{
    if (pi->type == MOMO_PARAM_DOUBLE || pi->type == MOMO_PARAM_INT ||
        pi->type == MOMO_PARAM_BOOL)
        return MOMO_OK;
    return fail(ps, line, MOMO_EINVAL, "%s: only single numbers and "
                "booleans can be searched; set this one in the config",
                pi->name);
}

static int add_dim(struct parse *ps, int kind, const momo_param_info *pi,
                   size_t line, momo_dim **out)
{
    momo_dim **v = kind == K_GRID ? &ps->sp->grid : &ps->sp->rand;
    size_t *n = kind == K_GRID ? &ps->sp->n_grid : &ps->sp->n_rand;
    size_t *cap = kind == K_GRID ? &ps->cap_grid : &ps->cap_rand;

    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].param == pi)
            return fail(ps, line, MOMO_EINVAL, "%s: given twice (lines %zu "
                        "and %zu)", pi->name, (*v)[i].line, line);
    if (*n >= OPT_MAX_DIMS)
        return fail(ps, line, MOMO_EINVAL, "more than %d parameters in "
                    "'%s'", OPT_MAX_DIMS, kind == K_GRID ? "grid" : "space");
    if (core_grow((void **)v, cap, *n + 1, sizeof(**v), OPT_MAX_DIMS) !=
        MOMO_OK)
        return momo_err_set(ps->err, MOMO_ENOMEM, "%s: out of memory",
                            ps->file);
    *out = &(*v)[(*n)++];
    memset(*out, 0, sizeof(**out));
    (*out)->param = pi;
    (*out)->line = line;
    (*out)->dist = kind == K_GRID ? MOMO_DIST_LIST : MOMO_DIST_CHOICE;
    return MOMO_OK;
}

/* The value of parameter `pi` (its key was just read). */
static int parse_param(struct parse *ps, int kind, const momo_param_info *pi,
                       size_t line)
{
    momo_dim *dm = NULL;
    int rc = searchable(ps, pi, line);

    if (rc == MOMO_OK)
        rc = add_dim(ps, kind, pi, line, &dm);
    if (rc == MOMO_OK)
        rc = next(ps);
    if (rc != MOMO_OK)
        return rc;
    switch (ps->ev.type) {
    case YAML_SEQUENCE_START_EVENT:
        return parse_list(ps, dm);
    case YAML_MAPPING_START_EVENT:
        if (kind == K_GRID)
            return fail(ps, line_of(&ps->ev), MOMO_EINVAL, "%s: a grid "
                        "takes a list of values, e.g. [60, 70]; "
                        "distributions go under 'space:'", pi->name);
        return parse_dist(ps, dm);
    case YAML_SCALAR_EVENT:
        if (kind == K_GRID && !is_null(ps)) {
            double v;
            size_t cap = 0;

            rc = parse_value(ps, pi, "value", &v);
            if (rc == MOMO_OK)
                rc = push_value(ps, dm, &cap, v, line_of(&ps->ev));
            return rc;
        }
        return fail(ps, line, MOMO_EINVAL, "%s: expected %s", pi->name,
                    kind == K_GRID ? "a list of values"
                                   : "a distribution {type: uniform, low: "
                                     "A, high: B} or a list of choices");
    default:
        return fail(ps, line, MOMO_EFORMAT, "%s: unexpected %s", pi->name,
                    event_name(ps->ev.type));
    }
}

static int unknown_name(struct parse *ps, const char *name, size_t line)
{
    const char *near = momo_param_suggest(name);
    char sec[CFG_KEY_MAX];

    if (!near)
        near = cfg_suggest_section(name, sec, sizeof(sec));
    if (near)
        return fail(ps, line, MOMO_ENOTFOUND, "unknown parameter '%s' (did "
                    "you mean '%s'?)", name, near);
    return fail(ps, line, MOMO_ENOTFOUND, "unknown parameter '%s' (see "
                "'momo config schema')", name);
}

/* The keys of a map under `grid:` or `space:` (the current event opened
 * it); `prefix` is its dotted section, "" at the top. */
static int parse_map(struct parse *ps, int kind, const char *prefix,
                     int depth)
{
    for (;;) {
        char full[CFG_KEY_MAX];
        const momo_param_info *pi;
        size_t line;
        int rc = next(ps), w;

        if (rc != MOMO_OK)
            return rc;
        if (ps->ev.type == YAML_MAPPING_END_EVENT)
            return MOMO_OK;
        line = line_of(&ps->ev);
        if (ps->ev.type != YAML_SCALAR_EVENT)
            return fail(ps, line, MOMO_EFORMAT, "expected a parameter "
                        "name, not %s", event_name(ps->ev.type));
        if (is_null(ps))
            return fail(ps, line, MOMO_EFORMAT, "empty parameter name");
        w = snprintf(full, sizeof(full), "%s%s%s", prefix,
                     prefix[0] ? "." : "", scalar(ps));
        if (w < 0 || (size_t)w >= sizeof(full))
            return fail(ps, line, MOMO_EINVAL, "name '%.40s...' is too long",
                        full);
        pi = momo_param_find(full);
        if (pi) {
            rc = parse_param(ps, kind, pi, line);
        } else if (cfg_is_section(full)) {
            rc = next(ps);
            if (rc != MOMO_OK)
                return rc;
            if (ps->ev.type != YAML_MAPPING_START_EVENT)
                return fail(ps, line, MOMO_EINVAL, "'%s' is a section: "
                            "expected a map of its parameters", full);
            if (depth >= MAX_NEST)
                return fail(ps, line, MOMO_EFORMAT, "maps nested more than "
                            "%d deep", MAX_NEST);
            rc = parse_map(ps, kind, full, depth + 1);
        } else {
            rc = unknown_name(ps, full, line);
        }
        if (rc != MOMO_OK)
            return rc;
    }
}

static int parse_root(struct parse *ps)
{
    size_t seen[2] = { 0, 0 };
    int rc = next(ps);

    if (rc == MOMO_OK)
        rc = next(ps);            /* after STREAM_START */
    if (rc != MOMO_OK)
        return rc;
    if (ps->ev.type == YAML_STREAM_END_EVENT)
        return fail(ps, 1, MOMO_EINVAL, "the file is empty: give 'grid:' "
                    "or 'space:'");
    rc = next(ps);                /* after DOCUMENT_START */
    if (rc != MOMO_OK)
        return rc;
    if (ps->ev.type != YAML_MAPPING_START_EVENT)
        return fail(ps, line_of(&ps->ev), MOMO_EFORMAT, "expected a map "
                    "with 'grid:' and/or 'space:', not %s",
                    event_name(ps->ev.type));
    for (;;) {
        size_t line;
        int kind;

        rc = next(ps);
        if (rc != MOMO_OK)
            return rc;
        if (ps->ev.type == YAML_MAPPING_END_EVENT)
            break;
        line = line_of(&ps->ev);
        if (ps->ev.type != YAML_SCALAR_EVENT)
            return fail(ps, line, MOMO_EFORMAT, "expected 'grid' or "
                        "'space', not %s", event_name(ps->ev.type));
        if (strcmp(scalar(ps), "grid") == 0) {
            kind = K_GRID;
        } else if (strcmp(scalar(ps), "space") == 0) {
            kind = K_SPACE;
        } else {
            const char *s = scalar(ps);
            const char *near = strncasecmp(s, "gr", 2) == 0 ? "grid"
                             : strncasecmp(s, "sp", 2) == 0 ? "space"
                             : NULL;

            if (momo_param_find(s) || cfg_is_section(s))
                return fail(ps, line, MOMO_EINVAL, "'%.60s' must sit under "
                            "'grid:' or 'space:'", s);
            return fail(ps, line, MOMO_EINVAL, "unknown key '%.60s' "
                        "(expected 'grid' or 'space'%s%s%s)", s,
                        near ? "; did you mean '" : "", near ? near : "",
                        near ? "'?" : "");
        }
        if (seen[kind])
            return fail(ps, line, MOMO_EINVAL, "'%s' given twice (lines "
                        "%zu and %zu)", kind == K_GRID ? "grid" : "space",
                        seen[kind], line);
        seen[kind] = line;
        rc = next(ps);
        if (rc != MOMO_OK)
            return rc;
        if (ps->ev.type != YAML_MAPPING_START_EVENT)
            return fail(ps, line, MOMO_EINVAL, "'%s' must be a map of "
                        "parameters", kind == K_GRID ? "grid" : "space");
        rc = parse_map(ps, kind, "", 1);
        if (rc != MOMO_OK)
            return rc;
    }
    rc = next(ps);                /* DOCUMENT_END */
    if (rc == MOMO_OK)
        rc = next(ps);
    if (rc != MOMO_OK)
        return rc;
    if (ps->ev.type != YAML_STREAM_END_EVENT)
        return fail(ps, line_of(&ps->ev), MOMO_EFORMAT,
                    "more than one YAML document");
    if (ps->sp->n_grid == 0 && ps->sp->n_rand == 0)
        return fail(ps, 1, MOMO_EINVAL, "no parameter to search: give "
                    "'grid:' or 'space:' with at least one parameter");
    return MOMO_OK;
}

/*---- Public ----*/

int momo_space_load_text(const char *text, size_t len, const char *name,
                         momo_space **out, momo_err *err)
{
    struct parse ps;
    int rc;

    *out = NULL;
    memset(&ps, 0, sizeof(ps));
    ps.file = name ? name : "<space>";
    ps.err = err;
    if (len > OPT_SPACE_MAX)
        return momo_err_set(err, MOMO_EINVAL, "%s: larger than %zu bytes",
                            ps.file, OPT_SPACE_MAX);
    momo_params_default(&ps.scratch);
    ps.sp = core_calloc(1, sizeof(*ps.sp));
    if (!ps.sp)
        return momo_err_set(err, MOMO_ENOMEM, "%s: out of memory", ps.file);
    if (!yaml_parser_initialize(&ps.yp)) {
        core_free(ps.sp);
        return momo_err_set(err, MOMO_ENOMEM, "%s: out of memory", ps.file);
    }
    yaml_parser_set_input_string(&ps.yp, (const unsigned char *)text, len);
    rc = parse_root(&ps);
    if (ps.have_ev)
        yaml_event_delete(&ps.ev);
    yaml_parser_delete(&ps.yp);
    if (rc != MOMO_OK) {
        momo_space_free(ps.sp);
        return rc;
    }
    *out = ps.sp;
    return MOMO_OK;
}

int momo_space_load(const char *path, momo_space **out, momo_err *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc;

    *out = NULL;
    rc = core_read_file(path, OPT_SPACE_MAX, &text, &n, err);
    if (rc != MOMO_OK)
        return rc;
    rc = momo_space_load_text(text, n, path, out, err);
    core_free(text);
    return rc;
}

void momo_space_free(momo_space *sp)
{
    if (!sp)
        return;
    opt_dims_free(sp->grid, sp->n_grid);
    opt_dims_free(sp->rand, sp->n_rand);
    core_free(sp);
}

size_t momo_space_n_grid(const momo_space *sp)
{
    return sp->n_grid;
}

const momo_dim *momo_space_grid_dim(const momo_space *sp, size_t i)
{
    return i < sp->n_grid ? &sp->grid[i] : NULL;
}

size_t momo_space_n_random(const momo_space *sp)
{
    return sp->n_rand;
}

const momo_dim *momo_space_random_dim(const momo_space *sp, size_t i)
{
    return i < sp->n_rand ? &sp->rand[i] : NULL;
}

uint64_t momo_space_grid_size(const momo_space *sp)
{
    uint64_t n = 1;

    if (sp->n_grid == 0)
        return 0;
    for (size_t j = 0; j < sp->n_grid; j++) {
        uint64_t k = sp->grid[j].n_values;

        if (k != 0 && n > UINT64_MAX / k)
            return UINT64_MAX;
        n *= k;
    }
    return n;
}

/*---- Dimensions ----*/

void opt_dims_free(momo_dim *dims, size_t n)
{
    if (!dims)
        return;
    for (size_t i = 0; i < n; i++)
        core_free((void *)dims[i].values);
    core_free(dims);
}

int opt_dims_copy(const momo_dim *src, size_t n, momo_dim **out)
{
    momo_dim *d = core_calloc(n ? n : 1, sizeof(*d));

    *out = NULL;
    if (!d)
        return MOMO_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        d[i] = src[i];
        d[i].values = NULL;
        if (src[i].n_values) {
            double *v = core_malloc(src[i].n_values * sizeof(*v));

            if (!v) {
                opt_dims_free(d, n);
                return MOMO_ENOMEM;
            }
            memcpy(v, src[i].values, src[i].n_values * sizeof(*v));
            d[i].values = v;
        }
    }
    *out = d;
    return MOMO_OK;
}

double opt_dim_unit(const momo_dim *dm, double v)
{
    switch (dm->dist) {
    case MOMO_DIST_UNIFORM:
    case MOMO_DIST_INTEGER:
        return (v - dm->low) / (dm->high - dm->low);
    case MOMO_DIST_LOG_UNIFORM:
        return (log(v) - log(dm->low)) / (log(dm->high) - log(dm->low));
    default:
        for (size_t i = 0; i < dm->n_values; i++)
            if (dm->values[i] == v)
                return dm->n_values > 1
                    ? (double)i / (double)(dm->n_values - 1) : 0.5;
        return 0.5;
    }
}

int opt_dim_discrete(const momo_dim *dm)
{
    switch (dm->dist) {
    case MOMO_DIST_LIST:
    case MOMO_DIST_CHOICE:
        return 1;
    case MOMO_DIST_INTEGER:
        return dm->high - dm->low + 1 <= OPT_MAX_LEVELS;
    default:
        return 0;
    }
}
