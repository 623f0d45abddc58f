/* report_load.c - read an optimization back from its folder.
 *
 * In:  the folder `momo optimize grid|random|walk-forward` wrote:
 *      results.sqlite (the trials, their runs' metrics and, in the meta
 *      table, summary.json's text), overfitting.json, equity_top.csv,
 *      walk_forward.csv and walk_forward_equity.csv, config.yaml.
 * Out: a struct rpt_study: the searched parameters, every trial's values
 *      and metrics, the sensitivity levels (computed here with the
 *      optimizer's own opt_sensitivity_compute, so a walk-forward gets
 *      them too), the top sets, the overfitting analysis and the curves.
 *
 * JSON (the trials' parameters, the summary, overfitting.json) is read
 * with SQLite's JSON functions, the parser the results database already
 * brings. A walk-forward's candidates (the splits' choices) are ranked
 * by their mean metric over every test window, exactly as the optimizer
 * picks its recommendation, then run once more over the whole
 * out-of-sample span for their metrics and equity curves.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "report/report_int.h"
#include "momo/synth.h"

#define MAX_FILE ((size_t)1 << 30)

struct ctx {
    const char *dir;
    char db_path[RPT_PATH];
    sqlite3 *db;
    char *summary;             /* summary.json's text (meta) */
    size_t slot[64];           /* metric i -> double slot of momo_metrics */
    char *params_json;         /* scratch for candidate parameters */
};

/*---- Small helpers ----*/

static void nan_metrics(momo_metrics *m)
{
    double *s = (double *)(void *)m;

    for (size_t k = 0; k < sizeof(*m) / sizeof(double); k++)
        s[k] = NAN;
}

/* Which double of momo_metrics each metric name reads, found through
 * the public accessor alone. */
static void metric_slots(size_t *off)
{
    momo_metrics probe;
    double *s = (double *)(void *)&probe;

    for (size_t k = 0; k < sizeof(probe) / sizeof(double); k++)
        s[k] = (double)k;
    for (size_t i = 0; i < momo_metric_count() && i < 64; i++)
        off[i] = (size_t)momo_metric_get(&probe, i);
}

static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
        ? NAN : sqlite3_column_double(st, i);
}

static void read_metrics(const struct ctx *cx, sqlite3_stmt *st, int first,
                         momo_metrics *m)
{
    double *s = (double *)(void *)m;

    for (size_t i = 0; i < momo_metric_count(); i++)
        s[cx->slot[i]] = col_num(st, first + (int)i);
}

static int db_fail(const struct ctx *cx, const char *what, momo_err *err)
{
    int code = sqlite3_errcode(cx->db);

    return momo_err_set(err, code == SQLITE_NOTADB || code == SQLITE_ERROR
                        ? MOMO_EFORMAT : MOMO_EIO, "%s: %s: %s",
                        cx->db_path, what, sqlite3_errmsg(cx->db));
}

/* JSON value at `path` of `doc`: its SQLite type (SQLITE_NULL when
 * absent), the number in *num and the text in buf. */
static int jget(const struct ctx *cx, const char *doc, const char *path,
                double *num, char *buf, size_t n)
{
    sqlite3_stmt *st;
    int type = SQLITE_NULL;

    if (num)
        *num = NAN;
    if (buf && n)
        buf[0] = '\0';
    if (sqlite3_prepare_v2(cx->db, "SELECT json_extract(?1, ?2)", -1, &st,
                           NULL) != SQLITE_OK)
        return SQLITE_NULL;
    sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        type = sqlite3_column_type(st, 0);
        if (num && (type == SQLITE_INTEGER || type == SQLITE_FLOAT))
            *num = sqlite3_column_double(st, 0);
        if (buf && n && type != SQLITE_NULL)
            snprintf(buf, n, "%s",
                     (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return type;
}

static double jnum(const struct ctx *cx, const char *doc, const char *path)
{
    double v;

    jget(cx, doc, path, &v, NULL, 0);
    return v;
}

static int32_t jdate(const struct ctx *cx, const char *doc,
                     const char *path)
{
    char t[32];
    int32_t d = 0;

    if (jget(cx, doc, path, NULL, t, sizeof(t)) == SQLITE_TEXT &&
        core_parse_date(t, strlen(t), &d) != 0)
        d = 0;
    return d;
}

static int json_valid(const struct ctx *cx, const char *doc)
{
    sqlite3_stmt *st;
    int ok = 0;

    if (sqlite3_prepare_v2(cx->db, "SELECT json_valid(?1)", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        ok = sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return ok;
}

/* A file of the folder: 1 when it exists. */
static int have_file(const char *dir, const char *name, char *path,
                     size_t n)
{
    struct stat sb;

    snprintf(path, n, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*---- CSV files of numbers and dates (no quoting) ----*/

struct csv {
    char *data;
    char **cell;               /* n_rows x n_cols, row 0 the header */
    size_t n_rows, n_cols;
};

static void csv_release(struct csv *c)
{
    core_free(c->data);
    core_free(c->cell);
    memset(c, 0, sizeof(*c));
}

static int csv_read(const char *path, struct csv *c, momo_err *err)
{
    size_t n = 0, lines = 0, cap;
    char *p;
    int rc;

    memset(c, 0, sizeof(*c));
    rc = core_read_file(path, MAX_FILE, &c->data, &n, err);
    if (rc != MOMO_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        lines += c->data[i] == '\n';
    lines++;
    /* columns from the header */
    c->n_cols = 1;
    for (p = c->data; *p && *p != '\n'; p++)
        c->n_cols += *p == ',';
    cap = lines * c->n_cols;
    c->cell = core_calloc(cap ? cap : 1, sizeof(*c->cell));
    if (!c->cell) {
        csv_release(c);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    p = c->data;
    while (*p) {
        char *eol = strchr(p, '\n'), *f = p;
        size_t col = 0;

        if (eol)
            *eol = '\0';
        if (eol && eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        if (*p) {
            for (;;) {
                char *comma = strchr(f, ',');

                if (comma)
                    *comma = '\0';
                if (col >= c->n_cols || *f == '"') {
                    rc = momo_err_set(err, MOMO_EFORMAT, "%s:%zu: expected "
                                      "%zu plain fields", path,
                                      c->n_rows + 1, c->n_cols);
                    csv_release(c);
                    return rc;
                }
                c->cell[c->n_rows * c->n_cols + col++] = f;
                if (!comma)
                    break;
                f = comma + 1;
            }
            if (col != c->n_cols) {
                rc = momo_err_set(err, MOMO_EFORMAT, "%s:%zu: %zu fields, "
                                  "the header has %zu", path, c->n_rows + 1,
                                  col, c->n_cols);
                csv_release(c);
                return rc;
            }
            c->n_rows++;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    if (c->n_rows == 0) {
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: empty", path);
        csv_release(c);
        return rc;
    }
    return MOMO_OK;
}

static const char *csv_at(const struct csv *c, size_t row, size_t col)
{
    return c->cell[row * c->n_cols + col];
}

static long csv_col(const struct csv *c, const char *name)
{
    for (size_t j = 0; j < c->n_cols; j++)
        if (strcmp(csv_at(c, 0, j), name) == 0)
            return (long)j;
    return -1;
}

/* A number, or NaN for an empty field; -1 for anything else. */
static int csv_num(const char *s, double *v)
{
    *v = NAN;
    if (!*s)
        return 0;
    return core_parse_double(s, strlen(s), v);
}

static int bad_field(const char *path, size_t row, const char *col,
                     const char *s, momo_err *err)
{
    return momo_err_set(err, MOMO_EFORMAT, "%s:%zu: column '%s': not a "
                        "%s '%s'", path, row + 1, col,
                        strcmp(col, "date") == 0 || strstr(col, "_from") ||
                        strstr(col, "_to") ? "date" : "number", s);
}

/*---- Opening ----*/

static int open_db(struct ctx *cx, momo_err *err)
{
    struct stat sb;
    sqlite3_stmt *st;
    int rc = MOMO_OK;

    if (stat(cx->dir, &sb) != 0)
        return momo_err_set(err, MOMO_EIO, "%s: %s", cx->dir,
                            strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return momo_err_set(err, MOMO_EIO, "%s: not a directory", cx->dir);
    if (!have_file(cx->dir, "results.sqlite", cx->db_path,
                   sizeof(cx->db_path)))
        return momo_err_set(err, MOMO_EFORMAT, "%s: not an optimization "
                            "folder (no results.sqlite; see 'momo optimize "
                            "--out')", cx->dir);
    if (sqlite3_open_v2(cx->db_path, &cx->db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK)
        return momo_err_set(err, MOMO_EIO, "%s: cannot open: %s",
                            cx->db_path, cx->db ? sqlite3_errmsg(cx->db)
                                                : "out of memory");
    sqlite3_busy_timeout(cx->db, 30000);
    if (sqlite3_prepare_v2(cx->db, "SELECT value FROM meta WHERE key = "
                           "'summary'", -1, &st, NULL) != SQLITE_OK)
        return momo_err_set(err, MOMO_EFORMAT, "%s: not a results database "
                            "of 'momo optimize' (%s)", cx->db_path,
                            sqlite3_errmsg(cx->db));
    if (sqlite3_step(st) == SQLITE_ROW) {
        cx->summary = core_strdup((const char *)sqlite3_column_text(st, 0));
        if (!cx->summary)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    } else {
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: no finished optimization "
                          "(the meta table has no summary)", cx->db_path);
    }
    sqlite3_finalize(st);
    if (rc == MOMO_OK && !json_valid(cx, cx->summary))
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: meta 'summary': not "
                          "valid JSON", cx->db_path);
    return rc;
}

/*---- The summary ----*/

static int read_summary(struct ctx *cx, struct rpt_study *st,
                        momo_err *err)
{
    const char *s = cx->summary;
    char t[RPT_PATH];
    long k;

    jget(cx, s, "$.mode", NULL, st->mode_name, sizeof(st->mode_name));
    if (strcmp(st->mode_name, "grid") == 0)
        st->mode = RPT_MODE_GRID;
    else if (strcmp(st->mode_name, "random") == 0)
        st->mode = RPT_MODE_RANDOM;
    else if (strcmp(st->mode_name, "walk-forward") == 0)
        st->mode = RPT_MODE_WF;
    else if (strcmp(st->mode_name, "sizing") == 0)
        return momo_err_set(err, MOMO_EFORMAT, "%s: a position-sizing "
                            "study has no optimization report (its results "
                            "are in sizing.json)", cx->dir);
    else
        return momo_err_set(err, MOMO_EFORMAT, "%s: meta 'summary': "
                            "unknown mode '%s'", cx->db_path,
                            st->mode_name);
    jget(cx, s, "$.metric", NULL, t, sizeof(t));
    k = momo_metric_find(t);
    if (k < 0)
        return momo_err_set(err, MOMO_EFORMAT, "%s: meta 'summary': "
                            "unknown metric '%s'", cx->db_path, t);
    st->metric = (size_t)k;
    st->dir = momo_metric_direction(st->metric);
    st->from = jdate(cx, s, "$.optimization.from");
    st->to = jdate(cx, s, "$.optimization.to");
    st->vfrom = jdate(cx, s, "$.validation.from");
    st->vto = jdate(cx, s, "$.validation.to");
    jget(cx, s, "$.dataset.path", NULL, st->dataset, sizeof(st->dataset));
    jget(cx, s, "$.dataset.checksum", NULL, st->checksum,
         sizeof(st->checksum));
    st->tested = (size_t)fmax(0, jnum(cx, s, "$.combinations.tested"));
    st->failed = (size_t)fmax(0, jnum(cx, s, "$.combinations.failed"));
    st->cached = (size_t)fmax(0, jnum(cx, s, "$.combinations.cached"));
    st->ok = isfinite(jnum(cx, s, "$.combinations.ok"))
        ? (size_t)jnum(cx, s, "$.combinations.ok") : st->tested - st->failed;
    st->passed = (size_t)fmax(0, jnum(cx, s, "$.combinations.passed"));
    st->runtime = jnum(cx, s, "$.runtime_seconds");
    st->have_seed = isfinite(jnum(cx, s, "$.seed"));
    st->seed = st->have_seed ? (unsigned long)jnum(cx, s, "$.seed") : 0;
    if (st->mode == RPT_MODE_WF) {
        st->n_splits = (size_t)fmax(0, jnum(cx, s, "$.splits"));
        st->train_frac = jnum(cx, s, "$.train_frac");
        st->anchored = jnum(cx, s, "$.anchored") == 1;
        jget(cx, s, "$.search", NULL, st->search, sizeof(st->search));
        st->iterations = (size_t)fmax(0, jnum(cx, s, "$.iterations"));
        st->efficiency = jnum(cx, s, "$.efficiency");
        nan_metrics(&st->stitched);
        for (size_t i = 0; i < momo_metric_count(); i++) {
            double *slot = (double *)(void *)&st->stitched;

            snprintf(t, sizeof(t), "$.oos_stitched.%s", momo_metric_name(i));
            slot[cx->slot[i]] = jnum(cx, s, t);
        }
    }
    if (!st->from || !st->to)
        return momo_err_set(err, MOMO_EFORMAT, "%s: meta 'summary': no "
                            "optimization range", cx->db_path);
    return MOMO_OK;
}

/*---- Trials ----*/

/* The searched parameters: the keys of the first trial's JSON. */
static int read_dims(struct ctx *cx, struct rpt_study *st, const char *phase,
                     momo_err *err)
{
    sqlite3_stmt *q;
    size_t cap = 0;
    int s, rc = MOMO_OK;

    if (sqlite3_prepare_v2(cx->db, "SELECT key FROM json_each((SELECT "
                           "params FROM trials WHERE phase = ?1 ORDER BY "
                           "seq LIMIT 1))", -1, &q, NULL) != SQLITE_OK)
        return db_fail(cx, "reading the parameters", err);
    sqlite3_bind_text(q, 1, phase, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(q)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        const momo_param_info *pi = name ? momo_param_find(name) : NULL;

        if (!pi) {
            rc = momo_err_set(err, MOMO_EFORMAT, "%s: trials: unknown "
                              "parameter '%s'", cx->db_path,
                              name ? name : "");
            break;
        }
        if (st->n_dims >= RPT_MAX_DIMS) {
            rc = momo_err_set(err, MOMO_EFORMAT, "%s: trials: more than "
                              "%d parameters", cx->db_path, RPT_MAX_DIMS);
            break;
        }
        if (core_grow((void **)&st->param, &cap, st->n_dims + 1,
                      sizeof(*st->param), 0) != MOMO_OK) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        st->param[st->n_dims++] = pi;
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(cx, "reading the parameters", err);
    sqlite3_finalize(q);
    if (rc == MOMO_OK && st->n_dims == 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: no '%s' trials with "
                          "parameters", cx->db_path, phase);
    return rc;
}

/* "SELECT <values>, <metrics> ... FROM trials t LEFT JOIN runs r": the
 * values are columns 0..n_dims-1, then `extra`, then the metrics. */
static int prepare_trials(struct ctx *cx, const struct rpt_study *st,
                          const char *extra, const char *where,
                          sqlite3_stmt **q, momo_err *err)
{
    struct core_buf b;
    int rc = MOMO_OK;

    core_buf_init(&b, 1 << 20);
    core_buf_printf(&b, "SELECT ");
    for (size_t j = 0; j < st->n_dims; j++)
        core_buf_printf(&b, "json_extract(t.params, ?%zu), ", j + 1);
    core_buf_printf(&b, "%s", extra);
    for (size_t i = 0; i < momo_metric_count(); i++)
        core_buf_printf(&b, ", r.%s", momo_metric_name(i));
    core_buf_printf(&b, " FROM trials t LEFT JOIN runs r ON r.key = t.key "
                    "WHERE %s ORDER BY t.seq", where);
    if (b.failed) {
        core_buf_release(&b);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (sqlite3_prepare_v2(cx->db, core_buf_cstr(&b), -1, q, NULL) !=
        SQLITE_OK)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: reading the trials: %s "
                          "(written by another version of momo?)",
                          cx->db_path, sqlite3_errmsg(cx->db));
    core_buf_release(&b);
    for (size_t j = 0; rc == MOMO_OK && j < st->n_dims; j++) {
        char path[160];

        snprintf(path, sizeof(path), "$.\"%s\"", st->param[j]->name);
        sqlite3_bind_text(*q, (int)j + 1, path, -1, SQLITE_TRANSIENT);
    }
    return rc;
}

/* Values of columns 0..n_dims-1 into x; -1 when one is missing. */
static int read_values(const struct rpt_study *st, sqlite3_stmt *q,
                       double *x)
{
    for (size_t j = 0; j < st->n_dims; j++) {
        int type = sqlite3_column_type(q, (int)j);

        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
            return -1;
        x[j] = sqlite3_column_double(q, (int)j);
    }
    return 0;
}

/* Resize *p to `size` bytes; on failure *p stays as it was. */
static int grow(void **p, size_t size)
{
    void *q = core_realloc(*p, size);

    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int read_trials(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    const char *where = st->mode == RPT_MODE_WF
        ? "t.phase = 'wf-train'" : "t.phase = 'search'";
    sqlite3_stmt *q = NULL;
    size_t cap = 0, nd = st->n_dims;
    int s, rc;

    rc = prepare_trials(cx, st, "t.status, t.rank, t.robustness, t.split, "
                        "r.subperiods, r.key", where, &q, err);
    st->K = 0;
    while (rc == MOMO_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        size_t i = st->n_trials, c = nd;
        const char *status;
        int ok;

        if (i == cap) {
            size_t ncap = cap ? cap * 2 : 1024;

            if (ncap > MOMO_MAX_TRIALS ||
                grow((void **)&st->x, ncap * nd * sizeof(double)) ||
                grow((void **)&st->y, ncap * sizeof(double)) ||
                grow((void **)&st->m, ncap * sizeof(*st->m)) ||
                grow((void **)&st->rank, ncap * sizeof(size_t)) ||
                grow((void **)&st->robust, ncap * sizeof(double)) ||
                grow((void **)&st->sub, ncap * RPT_MAX_SUB * sizeof(double))
                || grow((void **)&st->trial_split, ncap * sizeof(size_t))) {
                rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
                break;
            }
            cap = ncap;
        }
        if (read_values(st, q, &st->x[i * nd]) != 0) {
            rc = momo_err_set(err, MOMO_EFORMAT, "%s: trial %zu: a "
                              "parameter value is missing", cx->db_path, i);
            break;
        }
        status = (const char *)sqlite3_column_text(q, (int)c);
        ok = status && strcmp(status, "ok") == 0 &&
             sqlite3_column_type(q, (int)c + 5) != SQLITE_NULL;
        st->rank[i] = sqlite3_column_type(q, (int)c + 1) == SQLITE_INTEGER
            ? (size_t)sqlite3_column_int64(q, (int)c + 1) : 0;
        st->robust[i] = col_num(q, (int)c + 2);
        st->trial_split[i] = sqlite3_column_type(q, (int)c + 3) ==
            SQLITE_INTEGER ? (size_t)sqlite3_column_int64(q, (int)c + 3) : 0;
        for (size_t k = 0; k < RPT_MAX_SUB; k++)
            st->sub[i * RPT_MAX_SUB + k] = NAN;
        if (ok) {
            size_t nb = (size_t)sqlite3_column_bytes(q, (int)c + 4);
            const void *blob = sqlite3_column_blob(q, (int)c + 4);
            size_t K = nb / sizeof(double);

            if (K > RPT_MAX_SUB)
                K = RPT_MAX_SUB;
            if (blob && K)
                memcpy(&st->sub[i * RPT_MAX_SUB], blob, K * sizeof(double));
            if (K > st->K)
                st->K = K;
            read_metrics(cx, q, (int)c + 6, &st->m[i]);
        } else {
            nan_metrics(&st->m[i]);
        }
        st->y[i] = momo_metric_get(&st->m[i], st->metric);
        st->n_trials++;
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(cx, "reading the trials", err);
    sqlite3_finalize(q);
    if (rc == MOMO_OK && st->n_trials == 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: no trials recorded",
                          cx->db_path);
    return rc;
}

/*---- Sensitivity ----*/

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* A design of the stored trials: dimensions with at most
 * OPT_MAX_LEVELS distinct values (and every grid list) are discrete,
 * as the optimizer's sensitivity treats lists, choices and small
 * integer ranges; the others are binned. */
static int sensitivity(struct rpt_study *st, momo_err *err)
{
    size_t n = st->n_trials, nd = st->n_dims;
    momo_dim *dims = core_calloc(nd ? nd : 1, sizeof(*dims));
    double *v = core_malloc((n ? n : 1) * sizeof(*v));
    int grid = st->mode == RPT_MODE_GRID ||
               (st->mode == RPT_MODE_WF && strcmp(st->search, "grid") == 0);
    int rc;

    if (!dims || !v) {
        core_free(dims);
        core_free(v);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < nd; j++) {
        size_t distinct = 0;

        for (size_t i = 0; i < n; i++)
            v[i] = st->x[i * nd + j];
        qsort(v, n, sizeof(*v), cmp_double);
        for (size_t i = 0; i < n; i++)
            distinct += i == 0 || v[i] != v[i - 1];
        dims[j].param = st->param[j];
        dims[j].low = n ? v[0] : 0;
        dims[j].high = n ? v[n - 1] : 0;
        dims[j].dist = grid || distinct <= OPT_MAX_LEVELS
            ? MOMO_DIST_CHOICE : MOMO_DIST_UNIFORM;
    }
    core_free(v);
    rc = momo_design_list(dims, nd, st->x, n, &st->design, err);
    core_free(dims);
    if (rc == MOMO_OK)
        rc = opt_sensitivity_compute(st->design, st->y, &st->sens, err);
    st->sens_ok = rc == MOMO_OK;
    return rc;
}

/*---- Top sets: grid and random search ----*/

static int set_init(struct rpt_set *s, const struct rpt_study *st,
                    size_t trial)
{
    memset(s, 0, sizeof(*s));
    s->trial = trial;
    s->x = core_malloc((st->n_dims + 1) * sizeof(double));
    if (!s->x)
        return MOMO_ENOMEM;
    nan_metrics(&s->val);
    s->mean_oos = NAN;
    s->robustness = NAN;
    if (trial != SIZE_MAX) {
        memcpy(s->x, &st->x[trial * st->n_dims],
               st->n_dims * sizeof(double));
        s->m = st->m[trial];
        s->robustness = st->robust[trial];
        s->passed = st->rank[trial] > 0;
        s->n_sub = st->K;
        memcpy(s->sub, &st->sub[trial * RPT_MAX_SUB],
               sizeof(s->sub));
    }
    return MOMO_OK;
}

struct by_y {
    const double *y;
    int dir;
};

/* Best first; ties by trial index (as the optimizer ranks). */
static int better(const struct by_y *b, size_t i, size_t k)
{
    double a = b->dir * b->y[i], c = b->dir * b->y[k];

    if (a != c)
        return a > c;
    return i < k;
}

static int study_top(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    size_t pick[RPT_TOP], n = 0;
    struct by_y by = { st->y, st->dir };
    sqlite3_stmt *q = NULL;
    int s, rc = MOMO_OK;

    /* the ranked sets, by rank */
    for (size_t r = 1; r <= RPT_TOP; r++)
        for (size_t i = 0; i < st->n_trials; i++)
            if (st->rank[i] == r) {
                pick[n++] = i;
                break;
            }
    if (n == 0) {              /* none passed: the best valid ones */
        st->none_passed = 1;
        for (size_t i = 0; i < st->n_trials; i++) {
            size_t at;

            if (!isfinite(st->y[i]))
                continue;
            if (n == RPT_TOP && !better(&by, i, pick[n - 1]))
                continue;
            at = n < RPT_TOP ? n++ : n - 1;
            while (at > 0 && better(&by, i, pick[at - 1])) {
                pick[at] = pick[at - 1];
                at--;
            }
            pick[at] = i;
        }
    }
    st->top = core_calloc(RPT_TOP, sizeof(*st->top));
    if (!st->top)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        if (set_init(&st->top[k], st, pick[k]) != MOMO_OK)
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
        st->n_top = k + 1;
    }
    /* the validation runs, one per validated rank */
    rc = prepare_trials(cx, st, "t.rank, t.status", "t.phase = 'validate'",
                        &q, err);
    while (rc == MOMO_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        int c = (int)st->n_dims;
        size_t r = sqlite3_column_type(q, c) == SQLITE_INTEGER
            ? (size_t)sqlite3_column_int64(q, c) : 0;
        const char *status = (const char *)sqlite3_column_text(q, c + 1);

        if (r < 1 || r > st->n_top || !status || strcmp(status, "ok") != 0)
            continue;
        read_metrics(cx, q, c + 2, &st->top[r - 1].val);
        st->top[r - 1].have_val = 1;
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(cx, "reading the validation runs", err);
    sqlite3_finalize(q);
    return rc;
}

/* equity_top.csv: date, rank_1 .. rank_k. */
static int study_curves(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    struct csv c;
    char path[RPT_PATH];
    int rc;

    if (!have_file(cx->dir, "equity_top.csv", path, sizeof(path)))
        return momo_err_set(err, MOMO_EFORMAT, "%s: missing (the equity "
                            "curves of the top sets)", path);
    rc = csv_read(path, &c, err);
    if (rc != MOMO_OK)
        return rc;
    if (strcmp(csv_at(&c, 0, 0), "date") != 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s:1: column 1 is '%s', not "
                          "'date'", path, csv_at(&c, 0, 0));
    st->n_curves = c.n_cols - 1 < RPT_CURVES ? c.n_cols - 1 : RPT_CURVES;
    if (st->n_curves > st->n_top)
        st->n_curves = st->n_top;
    st->n_eq = c.n_rows - 1;
    if (rc == MOMO_OK) {
        st->eq_date = core_malloc((st->n_eq + 1) * sizeof(*st->eq_date));
        st->eq = core_malloc((st->n_eq * RPT_CURVES + 1) * sizeof(double));
        if (!st->eq_date || !st->eq)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    for (size_t t = 0; rc == MOMO_OK && t < st->n_eq; t++) {
        const char *d = csv_at(&c, t + 1, 0);

        if (core_parse_date(d, strlen(d), &st->eq_date[t]) != 0) {
            rc = bad_field(path, t + 1, "date", d, err);
            break;
        }
        for (size_t k = 0; k < RPT_CURVES; k++) {
            double v = NAN;

            if (k < st->n_curves &&
                csv_num(csv_at(&c, t + 1, k + 1), &v) != 0) {
                rc = bad_field(path, t + 1, csv_at(&c, 0, k + 1),
                               csv_at(&c, t + 1, k + 1), err);
                break;
            }
            st->eq[t * RPT_CURVES + k] = v;
        }
    }
    csv_release(&c);
    return rc;
}

/*---- Walk-forward ----*/

static int wf_splits(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    struct csv c;
    char path[RPT_PATH], is_name[64], oos_name[64];
    long col[8];
    const char *names[8];
    int rc;

    if (!have_file(cx->dir, "walk_forward.csv", path, sizeof(path)))
        return momo_err_set(err, MOMO_EFORMAT, "%s: missing (the "
                            "walk-forward splits)", path);
    rc = csv_read(path, &c, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(is_name, sizeof(is_name), "is_%s",
             momo_metric_name(st->metric));
    snprintf(oos_name, sizeof(oos_name), "oos_%s",
             momo_metric_name(st->metric));
    names[0] = "train_from";
    names[1] = "train_to";
    names[2] = "test_from";
    names[3] = "test_to";
    names[4] = is_name;
    names[5] = oos_name;
    names[6] = "passed_filters";
    for (int k = 0; rc == MOMO_OK && k < 7; k++) {
        col[k] = csv_col(&c, names[k]);
        if (col[k] < 0)
            rc = momo_err_set(err, MOMO_EFORMAT, "%s:1: no column '%s'",
                              path, names[k]);
    }
    st->n_splits = c.n_rows - 1;
    if (rc == MOMO_OK && st->n_splits == 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: no splits", path);
    if (rc == MOMO_OK &&
        !(st->split = core_calloc(st->n_splits, sizeof(*st->split))))
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t k = 0; rc == MOMO_OK && k < st->n_splits; k++) {
        struct rpt_split *sp = &st->split[k];
        int32_t *d[4] = { &sp->train_from, &sp->train_to, &sp->test_from,
                          &sp->test_to };

        for (int q = 0; rc == MOMO_OK && q < 4; q++) {
            const char *s = csv_at(&c, k + 1, (size_t)col[q]);

            if (core_parse_date(s, strlen(s), d[q]) != 0)
                rc = bad_field(path, k + 1, names[q], s, err);
        }
        for (int q = 4; rc == MOMO_OK && q < 6; q++) {
            const char *s = csv_at(&c, k + 1, (size_t)col[q]);

            if (csv_num(s, q == 4 ? &sp->is : &sp->oos) != 0)
                rc = bad_field(path, k + 1, names[q], s, err);
        }
        sp->passed = strcmp(csv_at(&c, k + 1, (size_t)col[6]), "true") == 0;
    }
    if (rc == MOMO_OK) {
        st->oos_from = st->split[0].test_from;
        st->oos_to = st->split[st->n_splits - 1].test_to;
    }
    csv_release(&c);
    return rc;
}

/* walk_forward_equity.csv: date, equity, split. */
static int wf_stitched(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    struct csv c;
    char path[RPT_PATH];
    long cd, ce;
    int rc;

    if (!have_file(cx->dir, "walk_forward_equity.csv", path, sizeof(path)))
        return MOMO_OK;            /* the chart goes without it */
    rc = csv_read(path, &c, err);
    if (rc != MOMO_OK)
        return rc;
    cd = csv_col(&c, "date");
    ce = csv_col(&c, "equity");
    if (cd < 0 || ce < 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s:1: expected columns "
                          "'date' and 'equity'", path);
    st->n_wf = c.n_rows - 1;
    if (rc == MOMO_OK &&
        (!(st->wf_date = core_malloc((st->n_wf + 1) * sizeof(int32_t))) ||
         !(st->wf_eq = core_malloc((st->n_wf + 1) * sizeof(double)))))
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t t = 0; rc == MOMO_OK && t < st->n_wf; t++) {
        const char *d = csv_at(&c, t + 1, (size_t)cd);
        const char *e = csv_at(&c, t + 1, (size_t)ce);

        if (core_parse_date(d, strlen(d), &st->wf_date[t]) != 0)
            rc = bad_field(path, t + 1, "date", d, err);
        else if (csv_num(e, &st->wf_eq[t]) != 0)
            rc = bad_field(path, t + 1, "equity", e, err);
    }
    csv_release(&c);
    return rc;
}

struct cand {
    double x[RPT_MAX_DIMS];
    double sum;
    size_t n, first_split;
};

static int same_x(const double *a, const double *b, size_t nd)
{
    for (size_t j = 0; j < nd; j++)
        if (a[j] != b[j])
            return 0;
    return 1;
}

/* The splits' choices and their metric on every test window. */
static int wf_candidates(struct ctx *cx, struct rpt_study *st,
                         struct cand *cand, size_t *n_cand, momo_err *err)
{
    sqlite3_stmt *q = NULL;
    size_t nd = st->n_dims, n = 0;
    double x[RPT_MAX_DIMS];
    int s, rc;

    rc = prepare_trials(cx, st, "t.split", "t.phase = 'wf-train' AND "
                        "t.rank = 1", &q, err);
    while (rc == MOMO_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        size_t c;

        if (read_values(st, q, x) != 0)
            continue;
        for (c = 0; c < n && !same_x(cand[c].x, x, nd); c++)
            ;
        if (c == n && n < st->n_splits && n < 100) {
            memcpy(cand[n].x, x, nd * sizeof(double));
            cand[n].sum = 0;
            cand[n].n = 0;
            cand[n].first_split = (size_t)sqlite3_column_int64(q, (int)nd);
            n++;
        }
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(cx, "reading the splits' choices", err);
    sqlite3_finalize(q);
    q = NULL;
    if (rc == MOMO_OK)
        rc = prepare_trials(cx, st, "t.split, t.status",
                            "t.phase = 'wf-test'", &q, err);
    while (rc == MOMO_OK && (s = sqlite3_step(q)) == SQLITE_ROW) {
        momo_metrics m;
        const char *status = (const char *)sqlite3_column_text(q,
                                                               (int)nd + 1);
        double v;

        if (read_values(st, q, x) != 0 || !status ||
            strcmp(status, "ok") != 0)
            continue;
        read_metrics(cx, q, (int)nd + 2, &m);
        v = momo_metric_get(&m, st->metric);
        for (size_t c = 0; c < n && isfinite(v); c++)
            if (same_x(cand[c].x, x, nd)) {
                cand[c].sum += v;
                cand[c].n++;
            }
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(cx, "reading the test runs", err);
    sqlite3_finalize(q);
    *n_cand = n;
    return rc;
}

static int open_dataset(struct ctx *cx, const struct rpt_study *st,
                        const momo_report_opts *o, momo_dataset **own,
                        const momo_dataset **ds, momo_err *err)
{
    char sum[16];
    int rc = MOMO_OK;

    *own = NULL;
    *ds = o->ds;
    if (!*ds) {
        momo_err e2 = { 0 };

        if (st->dataset[0]) {
            rc = momo_dataset_open(st->dataset, own, &e2);
            if (rc != MOMO_OK)
                return momo_err_set(err, MOMO_ENOTFOUND, "the walk-forward "
                                    "report re-runs its top sets on the "
                                    "dataset, which could not be opened "
                                    "(%s); give it with --data", e2.msg);
        } else {                   /* the built-in synthetic market */
            momo_synth_opts so = momo_synth_default_opts();

            rc = momo_synth_generate(&so, own, err);
            if (rc != MOMO_OK)
                return rc;
        }
        *ds = *own;
    }
    snprintf(sum, sizeof(sum), "%08x",
             (unsigned)momo_dataset_checksum(*ds));
    if (st->checksum[0] && strcmp(sum, st->checksum) != 0)
        rc = momo_err_set(err, MOMO_EINVAL, "%s: the dataset's checksum is "
                          "%s, the optimization ran on %s",
                          momo_dataset_path(*ds) ? momo_dataset_path(*ds)
                          : "dataset", sum, st->checksum);
    (void)cx;
    return rc;
}

/* Run candidate set s over the out-of-sample span: metrics, and the
 * equity curve as curve k (k < RPT_CURVES). */
static int wf_run(struct rpt_study *st, const momo_dataset *ds,
                  const momo_report_opts *o, momo_engine **eng,
                  struct rpt_set *s, size_t k, momo_err *err)
{
    momo_params p = st->base;
    momo_window w = { st->oos_from, st->oos_to };
    momo_result *res = NULL;
    const momo_equity_row *eq;
    size_t n_eq;
    int rc = MOMO_OK;

    for (size_t j = 0; rc == MOMO_OK && j < st->n_dims; j++)
        rc = momo_params_set_number(&p, st->param[j], s->x[j], err);
    if (rc == MOMO_OK)
        rc = momo_params_validate(&p, err);
    if (rc == MOMO_OK && (!*eng || !momo_engine_accepts(*eng, &p))) {
        momo_engine_opts eo = { 0 };

        momo_engine_free(*eng);
        *eng = NULL;
        eo.symbols = o->symbols;
        eo.n_symbols = o->n_symbols;
        eo.threads = o->jobs;
        rc = momo_engine_new(ds, &p, &eo, eng, err);
    }
    if (rc == MOMO_OK)
        rc = momo_backtest_run(*eng, &p, &w, &res, err);
    if (rc != MOMO_OK) {
        momo_result_free(res);
        return rc;
    }
    s->m = *momo_result_metrics(res);
    eq = momo_result_equity(res, &n_eq);
    if (k < RPT_CURVES) {
        if (k == 0) {
            st->n_eq = n_eq;
            st->eq_date = core_malloc((n_eq + 1) * sizeof(*st->eq_date));
            st->eq = core_malloc((n_eq * RPT_CURVES + 1) * sizeof(double));
            if (!st->eq_date || !st->eq) {
                momo_result_free(res);
                return momo_err_set(err, MOMO_ENOMEM, "out of memory");
            }
            for (size_t t = 0; t < n_eq; t++)
                st->eq_date[t] = eq[t].date;
        }
        for (size_t t = 0; t < st->n_eq; t++)
            st->eq[t * RPT_CURVES + k] =
                t < n_eq && eq[t].date == st->eq_date[t] ? eq[t].equity
                                                         : NAN;
        st->n_curves = k + 1;
    }
    momo_result_free(res);
    return MOMO_OK;
}

static int wf_top(struct ctx *cx, struct rpt_study *st,
                  const momo_report_opts *o, momo_err *err)
{
    struct cand *cand = NULL;
    size_t n = 0, *order = NULL;
    momo_dataset *own = NULL;
    const momo_dataset *ds = NULL;
    momo_engine *eng = NULL;
    int rc;

    cand = core_calloc(st->n_splits + 1, sizeof(*cand));
    order = core_calloc(st->n_splits + 1, sizeof(*order));
    st->top = core_calloc(RPT_TOP, sizeof(*st->top));
    if (!cand || !order || !st->top) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    rc = wf_candidates(cx, st, cand, &n, err);
    /* best mean first; ties: the earlier split (the optimizer's order) */
    for (size_t c = 0; rc == MOMO_OK && c < n; c++) {
        double mc = cand[c].n ? cand[c].sum / (double)cand[c].n : NAN;
        size_t at = c;

        order[c] = c;
        while (at > 0) {
            size_t p = order[at - 1];
            double mp = cand[p].n ? cand[p].sum / (double)cand[p].n : NAN;

            if (!(isfinite(mc) && (!isfinite(mp) ||
                                   st->dir * mc > st->dir * mp)))
                break;
            order[at] = p;
            order[at - 1] = c;
            at--;
        }
    }
    if (rc == MOMO_OK && n == 0)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: no split chose a "
                          "parameter set", cx->db_path);
    if (rc == MOMO_OK)
        rc = open_dataset(cx, st, o, &own, &ds, err);
    for (size_t k = 0; rc == MOMO_OK && k < n && k < RPT_TOP; k++) {
        struct cand *c = &cand[order[k]];
        struct rpt_set *s = &st->top[k];

        if (set_init(s, st, SIZE_MAX) != MOMO_OK) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        st->n_top = k + 1;
        memcpy(s->x, c->x, st->n_dims * sizeof(double));
        s->mean_oos = c->n ? c->sum / (double)c->n : NAN;
        s->n_windows = c->n;
        s->passed = st->split[c->first_split < st->n_splits
                              ? c->first_split : 0].passed;
        rc = wf_run(st, ds, o, &eng, s, k, err);
    }
    st->sp500 = st->sp500 || (ds && momo_dataset_find(ds, "AAPL") >= 0 &&
                              momo_dataset_find(ds, "MSFT") >= 0 &&
                              momo_dataset_n_symbols(ds) >= 400);
out:
    momo_engine_free(eng);
    momo_dataset_close(own);
    core_free(cand);
    core_free(order);
    return rc;
}

/*---- overfitting.json ----*/

static int read_overfit(struct ctx *cx, struct rpt_study *st, momo_err *err)
{
    static const char *const deg[3] = { "sharpe", "max_drawdown",
                                        "win_rate" };
    char path[RPT_PATH], q[96];
    char *text = NULL;
    size_t n = 0;
    momo_overfit *of = &st->of;
    sqlite3_stmt *it = NULL;
    int rc, s;

    memset(of, 0, sizeof(*of));
    if (!have_file(cx->dir, "overfitting.json", path, sizeof(path)))
        return momo_err_set(err, MOMO_EFORMAT, "%s: missing (the "
                            "overfitting analysis)", path);
    rc = core_read_file(path, 1 << 24, &text, &n, err);
    if (rc != MOMO_OK)
        return rc;
    if (!json_valid(cx, text)) {
        core_free(text);
        return momo_err_set(err, MOMO_EFORMAT, "%s: not valid JSON", path);
    }
    of->score = jnum(cx, text, "$.score");
    of->pbo = jnum(cx, text, "$.pbo");
    of->deflated_sharpe = jnum(cx, text, "$.deflated_sharpe");
    of->expected_max_sharpe = jnum(cx, text, "$.expected_max_sharpe");
    of->n_trials = jnum(cx, text, "$.n_trials");
    of->cscv_trials = (size_t)fmax(0, jnum(cx, text, "$.cscv.trials"));
    of->cscv_combinations = (size_t)fmax(0, jnum(cx, text,
                                                 "$.cscv.combinations"));
    for (int k = 0; k < 3; k++) {
        snprintf(q, sizeof(q), "$.degradation.%s.in_sample", deg[k]);
        of->is_value[k] = jnum(cx, text, q);
        snprintf(q, sizeof(q), "$.degradation.%s.out_of_sample", deg[k]);
        of->oos_value[k] = jnum(cx, text, q);
        snprintf(q, sizeof(q), "$.degradation.%s.degradation", deg[k]);
        of->degradation[k] = jnum(cx, text, q);
        snprintf(q, sizeof(q), "$.degradation.%s.flagged", deg[k]);
        of->flagged[k] = jnum(cx, text, q) == 1;
    }
    of->too_many_params = jnum(cx, text,
                               "$.indicators.too_many_parameters") == 1;
    of->too_few_trades = jnum(cx, text, "$.indicators.too_few_trades") == 1;
    of->one_period_only = jnum(cx, text,
                               "$.indicators.one_period_only") == 1;
    if (sqlite3_prepare_v2(cx->db, "SELECT value FROM json_each(?1, "
                           "'$.suggestions')", -1, &it, NULL) != SQLITE_OK)
        rc = db_fail(cx, "reading overfitting.json", err);
    else
        sqlite3_bind_text(it, 1, text, -1, SQLITE_STATIC);
    while (rc == MOMO_OK && (s = sqlite3_step(it)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(it, 0);
        char **v;

        if (!a || st->n_advice >= 64)
            continue;
        v = core_realloc(st->advice, (st->n_advice + 1) * sizeof(*v));
        if (!v) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        st->advice = v;
        st->advice[st->n_advice] = core_strdup(a);
        if (!st->advice[st->n_advice]) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        st->n_advice++;
    }
    sqlite3_finalize(it);
    core_free(text);
    return rc;
}

/*---- The base config ----*/

static int read_base(struct ctx *cx, struct rpt_study *st,
                     const momo_report_opts *o, momo_err *err)
{
    char path[RPT_PATH];
    momo_config *cfg = NULL;
    int rc;

    if (o->base) {
        st->base = *o->base;
        st->base_source = RPT_BASE_GIVEN;
        return MOMO_OK;
    }
    if (!have_file(cx->dir, "config.yaml", path, sizeof(path))) {
        momo_params_default(&st->base);
        st->base_source = RPT_BASE_DEFAULTS;
        return MOMO_OK;
    }
    rc = momo_config_load(path, NULL, 0, &cfg, err);
    if (rc == MOMO_OK) {
        st->base = *momo_config_params(cfg);
        st->base_source = RPT_BASE_FILE;
    }
    momo_config_free(cfg);
    return rc;
}

static int has_sp500_name(const char *path)
{
    for (const char *p = path; *p; p++)
        if (strncasecmp(p, "sp500", 5) == 0 ||
            strncasecmp(p, "s&p500", 6) == 0 ||
            strncasecmp(p, "s&p 500", 7) == 0)
            return 1;
    return 0;
}

/*---- The study ----*/

int rpt_study_load(const char *dir, const momo_report_opts *o,
                   struct rpt_study *st, momo_err *err)
{
    momo_report_opts def;
    struct ctx cx;
    int rc;

    if (!o) {
        momo_report_opts_init(&def);
        o = &def;
    }
    memset(st, 0, sizeof(*st));
    memset(&cx, 0, sizeof(cx));
    cx.dir = dir;
    metric_slots(cx.slot);
    rc = open_db(&cx, err);
    if (rc == MOMO_OK)
        rc = read_summary(&cx, st, err);
    if (rc == MOMO_OK)
        rc = read_base(&cx, st, o, err);
    if (rc == MOMO_OK)
        rc = read_dims(&cx, st, st->mode == RPT_MODE_WF ? "wf-train"
                                                         : "search", err);
    if (rc == MOMO_OK)
        rc = read_trials(&cx, st, err);
    if (rc == MOMO_OK)
        rc = sensitivity(st, err);
    if (rc == MOMO_OK)
        rc = read_overfit(&cx, st, err);
    st->sp500 = has_sp500_name(st->dataset);
    if (rc == MOMO_OK && st->mode != RPT_MODE_WF) {
        rc = study_top(&cx, st, err);
        if (rc == MOMO_OK)
            rc = study_curves(&cx, st, err);
    } else if (rc == MOMO_OK) {
        rc = wf_splits(&cx, st, err);
        if (rc == MOMO_OK)
            rc = wf_stitched(&cx, st, err);
        if (rc == MOMO_OK)
            rc = wf_top(&cx, st, o, err);
    }
    sqlite3_close(cx.db);
    core_free(cx.summary);
    if (rc != MOMO_OK)
        rpt_study_release(st);
    return rc;
}

void rpt_study_release(struct rpt_study *st)
{
    if (st->top)
        for (size_t k = 0; k < RPT_TOP; k++)
            core_free(st->top[k].x);
    core_free(st->top);
    core_free(st->param);
    core_free(st->x);
    core_free(st->y);
    core_free(st->m);
    core_free(st->rank);
    core_free(st->robust);
    core_free(st->sub);
    core_free(st->trial_split);
    if (st->sens_ok)
        opt_sensitivity_release(&st->sens);
    momo_design_free(st->design);
    core_free(st->split);
    for (size_t i = 0; i < st->n_advice; i++)
        core_free(st->advice[i]);
    core_free(st->advice);
    core_free(st->eq_date);
    core_free(st->eq);
    core_free(st->wf_date);
    core_free(st->wf_eq);
    memset(st, 0, sizeof(*st));
}
