/* check.c - data-quality findings on a dataset or on raw CSV files.
 *
 * In:  a dataset, or the paths an import would read.
 * Out: a report of findings (kind, symbol, date or file:line, detail),
 *      counted per kind, sorted by kind, symbol, date and line.
 *
 * What counts as a problem (docs/cli/momo-data.md lists the kinds):
 * - missing bars: for a stock, the days of the stock calendar (the union
 *   of every stock's dates) between its own first and last bar that it
 *   lacks; for crypto, every calendar day between its first and last
 *   bar; for ETFs, bonds and indexes, the stock calendar days within the
 *   span both cover. Consecutive missing days make one finding.
 * - stale closes: the same close on >= 5 bars running; series that end
 *   more than 30 days before the latest series of their asset class.
 * - OHLC inconsistencies (high < low, open or close outside [low, high])
 *   with a relative tolerance of 1e-9: back-adjustment multiplies every
 *   price by adjusted close / close, which can move a close equal to the
 *   high by one rounding.
 * - zero volume, where the series has volume on other bars (a series
 *   with no volume at all, such as an index, has none to miss).
 * - one-day jumps: |close / previous close - 1| > 0.5, and moves that
 *   look like an unadjusted split even when smaller (a 2-for-1 split
 *   left in the prices is a -50% day, at the edge of that threshold):
 *   close / previous close within 2% of 1/k (k = 2, 3, 4, 5, 10) with
 *   the open already gapped to within 5% of the same ratio.
 * - CSV input only: unparseable files, malformed rows, missing and
 *   non-positive prices, duplicate and out-of-order dates.
 * Bars with open = high = low = close are counted as information.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "data/import_int.h"

#define MAX_FINDINGS      ((size_t)200000)
#define FILE_ISSUES       ((size_t)1000)
#define STALE_RUN         5
#define ENDS_EARLY_DAYS   30
#define JUMP_FRAC         0.5
#define REL_EPS           1e-9
#define SPLIT_TOL         0.02
#define SPLIT_GAP_TOL     0.05

static const char *const kind_names[MOMO_N_CHECK_KINDS] = {
    "unparseable_file", "malformed_row", "missing_price",
    "nonpositive_price", "duplicate_date", "unsorted_date", "missing_bars",
    "stale_close", "ends_early", "ohlc_inconsistent", "zero_volume", "jump",
    "flat_bars"
};

const char *momo_check_kind_name(int kind)
{
    if (kind < 0 || kind >= MOMO_N_CHECK_KINDS)
        return "?";
    return kind_names[kind];
}

int momo_check_kind_is_problem(int kind)
{
    return kind >= 0 && kind < MOMO_N_CHECK_KINDS &&
           kind != MOMO_CHECK_FLAT_BARS;
}

void momo_check_report_release(momo_check_report *r)
{
    if (!r)
        return;
    core_free(r->findings);
    for (size_t i = 0; i < r->n_file_names; i++)
        core_free(r->files[i]);
    core_free(r->files);
    memset(r, 0, sizeof(*r));
}

/*---- Collecting findings ----*/

struct fset {
    momo_check_report *r;
    size_t cap;
};

struct where {
    const char *symbol;
    int has_date;
    int32_t date;
    const char *file;
    size_t line;
};

static int vadd(struct fset *fs, int kind, int counted, const struct where *w,
                const char *fmt, va_list ap)
{
    momo_check_report *r = fs->r;
    momo_finding *f;

    if (counted) {
        r->count[kind]++;
        if (momo_check_kind_is_problem(kind))
            r->n_problems++;
    }
    if (r->n_findings >= MAX_FINDINGS) {
        r->n_dropped++;
        return MOMO_OK;
    }
    if (core_grow((void **)&r->findings, &fs->cap, r->n_findings + 1,
                  sizeof(*r->findings), 0) != MOMO_OK)
        return MOMO_ENOMEM;
    f = &r->findings[r->n_findings++];
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    snprintf(f->symbol, sizeof(f->symbol), "%s", w->symbol ? w->symbol : "");
    f->has_date = w->has_date;
    f->date = w->has_date ? w->date : 0;
    f->file = w->file;
    f->line = w->line;
    vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
    return MOMO_OK;
}

static int add(struct fset *fs, int kind, const char *symbol, int32_t date,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* A finding about `symbol` on `date`. */
static int add(struct fset *fs, int kind, const char *symbol, int32_t date,
               const char *fmt, ...)
{
    struct where w = { symbol, 1, date, NULL, 0 };
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vadd(fs, kind, 1, &w, fmt, ap);
    va_end(ap);
    return rc;
}

static int add_at(struct fset *fs, int kind, int counted,
                  const struct where *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int add_at(struct fset *fs, int kind, int counted,
                  const struct where *w, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vadd(fs, kind, counted, w, fmt, ap);
    va_end(ap);
    return rc;
}

/*---- Calendars ----*/

/* The sorted union of every stock's dates. */
static int stock_calendar(const momo_dataset *ds, int32_t **cal, size_t *n)
{
    int32_t *a = NULL;
    size_t na = 0;

    for (size_t sym = 0; sym < momo_dataset_n_symbols(ds); sym++) {
        momo_series s;
        int32_t *m;
        size_t i = 0, j = 0, o = 0;

        if (momo_dataset_symbol(ds, sym)->asset_class != MOMO_STOCK)
            continue;
        momo_dataset_series(ds, sym, &s);
        m = core_malloc((na + s.n + 1) * sizeof(*m));
        if (!m) {
            core_free(a);
            return MOMO_ENOMEM;
        }
        while (i < na || j < s.n) {
            int32_t d;

            if (j >= s.n || (i < na && a[i] < s.date[j]))
                d = a[i++];
            else if (i >= na || s.date[j] < a[i])
                d = s.date[j++];
            else {
                d = a[i++];
                j++;
            }
            m[o++] = d;
        }
        core_free(a);
        a = m;
        na = o;
    }
    *cal = a;
    *n = na;
    return MOMO_OK;
}

static size_t lower_bound(const int32_t *v, size_t n, int32_t x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int emit_missing(struct fset *fs, const char *sym, int32_t first,
                        int32_t last, size_t n, const char *against)
{
    char a[11], b[11];

    if (n == 1)
        return add(fs, MOMO_CHECK_MISSING_BARS, sym, first,
                   "1 bar missing (%s) against %s",
                   core_format_date(first, a), against);
    return add(fs, MOMO_CHECK_MISSING_BARS, sym, first,
               "%zu bars missing, %s to %s, against %s", n,
               core_format_date(first, a), core_format_date(last, b),
               against);
}

/* Calendar days in [lo, hi] that `s` lacks, as runs. */
static int missing_against(struct fset *fs, const char *sym,
                           const int32_t *cal, size_t ncal, int32_t lo,
                           int32_t hi, const momo_series *s)
{
    size_t i = 0, run = 0, start = 0;
    int rc = MOMO_OK;

    for (size_t j = lower_bound(cal, ncal, lo);
         j < ncal && cal[j] <= hi && rc == MOMO_OK; j++) {
        while (i < s->n && s->date[i] < cal[j])
            i++;
        if (i < s->n && s->date[i] == cal[j]) {
            if (run)
                rc = emit_missing(fs, sym, cal[start], cal[j - 1], run,
                                  "the stock calendar");
            run = 0;
        } else if (run++ == 0) {
            start = j;
        }
    }
    if (rc == MOMO_OK && run) {
        size_t endj = start + run - 1;

        rc = emit_missing(fs, sym, cal[start], cal[endj], run,
                          "the stock calendar");
    }
    return rc;
}

/* Every calendar day between the first and last bar (crypto). */
static int missing_days(struct fset *fs, const char *sym,
                        const momo_series *s)
{
    int rc = MOMO_OK;

    for (size_t i = 1; i < s->n && rc == MOMO_OK; i++)
        if (s->date[i] - s->date[i - 1] > 1)
            rc = emit_missing(fs, sym, s->date[i - 1] + 1, s->date[i] - 1,
                              (size_t)(s->date[i] - s->date[i - 1] - 1),
                              "every calendar day");
    return rc;
}

/*---- One series ----*/

static int near(double x, double target, double tol)
{
    return fabs(x / target - 1) <= tol;
}

/* k when the move from bar i-1 to bar i looks like an unadjusted k-for-1
 * split (k > 0) or 1-for-k reverse split (k < 0), else 0. */
static int split_like(const momo_series *s, size_t i)
{
    static const int ks[] = { 2, 3, 4, 5, 10 };
    double r = s->close[i] / s->close[i - 1];
    double gap = s->open[i] / s->close[i - 1];

    for (size_t k = 0; k < sizeof(ks) / sizeof(ks[0]); k++) {
        double down = 1.0 / ks[k], up = ks[k];

        if (near(r, down, SPLIT_TOL) && near(gap, down, SPLIT_GAP_TOL))
            return ks[k];
        if (near(r, up, SPLIT_TOL) && near(gap, up, SPLIT_GAP_TOL))
            return -ks[k];
    }
    return 0;
}

static int check_bars(struct fset *fs, const char *sym, const momo_series *s)
{
    size_t flat = 0, stale = 0, zero = 0;
    int32_t flat_first = 0;
    int has_volume = 0, rc = MOMO_OK;
    char a[11];

    for (size_t i = 0; i < s->n; i++)
        if (s->volume[i] > 0)
            has_volume = 1;
    for (size_t i = 0; i < s->n && rc == MOMO_OK; i++) {
        double o = s->open[i], h = s->high[i], l = s->low[i], c = s->close[i];
        double eps = REL_EPS * fmax(fmax(o, h), fmax(l, c));

        if (h < l - eps)
            rc = add(fs, MOMO_CHECK_OHLC, sym, s->date[i],
                     "high %.10g below low %.10g", h, l);
        else if (o < l - eps || o > h + eps)
            rc = add(fs, MOMO_CHECK_OHLC, sym, s->date[i],
                     "open %.10g outside [low %.10g, high %.10g]", o, l, h);
        else if (c < l - eps || c > h + eps)
            rc = add(fs, MOMO_CHECK_OHLC, sym, s->date[i],
                     "close %.10g outside [low %.10g, high %.10g]", c, l,
                     h);
        if (rc != MOMO_OK)
            break;
        if (fmax(fmax(o, h), fmax(l, c)) - fmin(fmin(o, h), fmin(l, c)) <=
            eps) {
            if (flat++ == 0)
                flat_first = s->date[i];
        }
        /* zero volume, in runs */
        if (has_volume && s->volume[i] == 0)
            zero++;
        if (zero && (i + 1 == s->n || !(s->volume[i + 1] == 0))) {
            size_t st = i + 1 - zero;

            if (zero == 1)
                rc = add(fs, MOMO_CHECK_ZERO_VOLUME, sym, s->date[st],
                         "volume 0 on 1 bar");
            else
                rc = add(fs, MOMO_CHECK_ZERO_VOLUME, sym, s->date[st],
                         "volume 0 on %zu bars running, to %s", zero,
                         core_format_date(s->date[i], a));
            zero = 0;
            if (rc != MOMO_OK)
                break;
        }
        /* stale closes, in runs */
        stale = (i > 0 && c == s->close[i - 1]) ? stale + 1 : 1;
        if (stale >= STALE_RUN && (i + 1 == s->n || s->close[i + 1] != c))
            rc = add(fs, MOMO_CHECK_STALE_CLOSE, sym, s->date[i + 1 - stale],
                     "close %.10g unchanged on %zu bars running, to %s", c,
                     stale, core_format_date(s->date[i], a));
        if (rc != MOMO_OK || i == 0)
            continue;
        /* one-day jumps */
        {
            double r = c / s->close[i - 1];
            int k = split_like(s, i);
            char why[64] = "";

            if (k > 0)
                snprintf(why, sizeof(why), ", looks like an unadjusted "
                         "%d-for-1 split", k);
            else if (k < 0)
                snprintf(why, sizeof(why), ", looks like an unadjusted "
                         "1-for-%d reverse split", -k);
            if (fabs(r - 1) > JUMP_FRAC || k)
                rc = add(fs, MOMO_CHECK_JUMP, sym, s->date[i],
                         "close %.10g -> %.10g (%+.1f%%)%s",
                         s->close[i - 1], c, 100 * (r - 1), why);
        }
    }
    if (rc == MOMO_OK && flat) {
        fs->r->n_flat_bars += flat;
        rc = add(fs, MOMO_CHECK_FLAT_BARS, sym, flat_first,
                 "%zu bar%s with open = high = low = close (the first is "
                 "shown)", flat, flat == 1 ? "" : "s");
    }
    return rc;
}

/*---- The dataset ----*/

static int check_dataset(struct fset *fs, const momo_dataset *ds)
{
    int32_t *cal = NULL, class_last[MOMO_N_ASSET_CLASSES];
    size_t ncal = 0, class_n[MOMO_N_ASSET_CLASSES] = { 0 };
    size_t n = momo_dataset_n_symbols(ds);
    int rc;

    fs->r->n_symbols += n;
    fs->r->n_bars += momo_dataset_n_bars(ds);
    for (int c = 0; c < MOMO_N_ASSET_CLASSES; c++)
        class_last[c] = INT32_MIN;
    for (size_t sym = 0; sym < n; sym++) {
        const momo_symbol *sy = momo_dataset_symbol(ds, sym);

        if (sy->n_bars == 0)
            continue;
        class_n[sy->asset_class]++;
        if (sy->last_date > class_last[sy->asset_class])
            class_last[sy->asset_class] = sy->last_date;
    }
    rc = stock_calendar(ds, &cal, &ncal);
    for (size_t sym = 0; sym < n && rc == MOMO_OK; sym++) {
        const momo_symbol *sy = momo_dataset_symbol(ds, sym);
        momo_series s;
        char a[11], b[11];

        momo_dataset_series(ds, sym, &s);
        if (s.n == 0)
            continue;
        rc = check_bars(fs, sy->name, &s);
        if (rc != MOMO_OK)
            break;
        if (sy->asset_class == MOMO_CRYPTO)
            rc = missing_days(fs, sy->name, &s);
        else if (ncal > 0)
            rc = missing_against(fs, sy->name, cal, ncal,
                                 s.date[0] > cal[0] ? s.date[0] : cal[0],
                                 s.date[s.n - 1] < cal[ncal - 1]
                                     ? s.date[s.n - 1] : cal[ncal - 1],
                                 &s);
        if (rc == MOMO_OK && class_n[sy->asset_class] > 1 &&
            class_last[sy->asset_class] - sy->last_date > ENDS_EARLY_DAYS)
            rc = add(fs, MOMO_CHECK_ENDS_EARLY, sy->name, sy->last_date,
                     "last bar on %s, %ld days before the last %s bar (%s)",
                     core_format_date(sy->last_date, a),
                     (long)class_last[sy->asset_class] - sy->last_date,
                     momo_asset_class_name(sy->asset_class),
                     core_format_date(class_last[sy->asset_class], b));
    }
    core_free(cal);
    return rc;
}

static int cmp_finding(const void *a, const void *b)
{
    const momo_finding *x = a, *y = b;
    int c;

    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    c = strcmp(x->symbol, y->symbol);
    if (c)
        return c;
    if (x->file != y->file) {
        if (!x->file || !y->file)
            return x->file ? 1 : -1;
        c = strcmp(x->file, y->file);
        if (c)
            return c;
    }
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->has_date != y->has_date)
        return x->has_date ? 1 : -1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return strcmp(x->detail, y->detail);
}

int momo_data_check(const momo_dataset *ds, momo_check_report *out,
                    momo_err *err)
{
    struct fset fs = { out, 0 };
    int rc;

    memset(out, 0, sizeof(*out));
    rc = check_dataset(&fs, ds);
    if (rc != MOMO_OK) {
        momo_check_report_release(out);
        return momo_err_set(err, rc, "out of memory");
    }
    if (out->n_findings > 1)
        qsort(out->findings, out->n_findings, sizeof(*out->findings),
              cmp_finding);
    return MOMO_OK;
}

/*---- Raw CSV files ----*/

/* Split "path:line: detail" (or "path: detail") into line and detail. */
static const char *after_where(const char *msg, const char *path,
                               size_t *line)
{
    size_t n = strlen(path);
    const char *p = msg;

    *line = 0;
    if (strncmp(msg, path, n) != 0 || msg[n] != ':')
        return msg;
    p = msg + n + 1;
    if (*p >= '0' && *p <= '9') {
        size_t v = 0;
        const char *q = p;

        while (*q >= '0' && *q <= '9')
            v = v * 10 + (size_t)(*q++ - '0');
        if (*q == ':') {
            *line = v;
            p = q + 1;
        }
    }
    while (*p == ' ')
        p++;
    return p;
}

static int issue_kind(int csv_kind)
{
    switch (csv_kind) {
    case MOMO_ROW_MISSING_PRICE: return MOMO_CHECK_MISSING_PRICE;
    case MOMO_ROW_NONPOSITIVE:   return MOMO_CHECK_NONPOSITIVE_PRICE;
    case CSV_ISSUE_DUPLICATE:    return MOMO_CHECK_DUPLICATE_DATE;
    case CSV_ISSUE_UNSORTED:     return MOMO_CHECK_UNSORTED_DATE;
    default:                     return MOMO_CHECK_MALFORMED_ROW;
    }
}

static int check_file(struct fset *fs, const struct imp_file *f,
                      const char *path)
{
    momo_check_report *r = fs->r;
    const struct csv_stats *st = &f->st;
    size_t counts[MOMO_N_CHECK_KINDS] = { 0 }, kept = 0;
    int rc = MOMO_OK;

    counts[MOMO_CHECK_MISSING_PRICE] = st->skipped[MOMO_ROW_MISSING_PRICE];
    counts[MOMO_CHECK_NONPOSITIVE_PRICE] = st->skipped[MOMO_ROW_NONPOSITIVE];
    counts[MOMO_CHECK_MALFORMED_ROW] = st->skipped[MOMO_ROW_BAD_DATE] +
                                       st->skipped[MOMO_ROW_FIELD_COUNT] +
                                       st->skipped[MOMO_ROW_BAD_NUMBER];
    counts[MOMO_CHECK_DUPLICATE_DATE] = st->n_duplicates;
    counts[MOMO_CHECK_UNSORTED_DATE] = st->n_unsorted;
    for (int k = 0; k < MOMO_N_CHECK_KINDS; k++) {
        r->count[k] += counts[k];
        r->n_problems += counts[k];
    }
    for (size_t i = 0; i < f->n_iss && rc == MOMO_OK; i++) {
        const struct csv_issue *is = &f->iss[i];
        struct where w = { f->symbol, is->has_date, is->date, path, 0 };
        const char *detail = after_where(is->msg, f->path, &w.line);

        w.line = is->line;
        rc = add_at(fs, issue_kind(is->kind), 0, &w, "%s", detail);
        kept++;
    }
    r->n_dropped += st->n_issues - kept;
    if (rc == MOMO_OK && f->skipped) {
        struct where w = { f->symbol, 0, 0, path, 0 };
        const char *detail = after_where(f->why, f->path, &w.line);

        rc = add_at(fs, MOMO_CHECK_UNPARSEABLE_FILE, 1, &w, "%s", detail);
    }
    return rc;
}

int momo_data_check_files(const char *const *paths, size_t n_paths,
                          const momo_import_opts *opts,
                          momo_check_report *out, momo_err *err)
{
    static const momo_import_opts defaults = MOMO_IMPORT_OPTS_INIT;
    struct fset fs = { out, 0 };
    momo_dataset_builder *b = NULL;
    momo_dataset *ds = NULL;
    struct imp_run run;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!opts)
        opts = &defaults;
    rc = ds_import_scan(&run, paths, n_paths, opts, err);
    if (rc == MOMO_OK && run.n_files == 0)
        rc = momo_err_set(err, MOMO_ENOTFOUND,
                          "no data files (.csv or .csv.gz) in the given "
                          "paths");
    if (rc == MOMO_OK) {
        run.max_issues = FILE_ISSUES;
        rc = ds_import_parse(&run, 0, err);
    }
    if (rc == MOMO_OK) {
        out->n_files = run.n_files;
        out->files = core_calloc(run.n_files, sizeof(*out->files));
        if (!out->files)
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    if (rc == MOMO_OK)
        rc = momo_dataset_builder_new(&b, err);
    for (size_t i = 0; rc == MOMO_OK && i < run.n_files; i++) {
        struct imp_file *f = &run.files[i];
        momo_symbol meta;
        momo_series s;

        if (f->rc != MOMO_OK) {
            rc = momo_err_set(err, f->rc, "%s", f->err.msg);
            break;
        }
        out->files[i] = core_strdup(f->path);
        if (!out->files[i]) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
        out->n_file_names = i + 1;
        rc = check_file(&fs, f, out->files[i]);
        if (rc != MOMO_OK) {
            rc = momo_err_set(err, rc, "out of memory");
            break;
        }
        if (f->skipped)
            continue;
        ds_import_meta(&run, f->symbol, &meta);
        s.n = f->bars.n;
        s.date = f->bars.date;
        s.open = f->bars.open;
        s.high = f->bars.high;
        s.low = f->bars.low;
        s.close = f->bars.close;
        s.volume = f->bars.volume;
        rc = momo_dataset_builder_add(b, &meta, &s, err);
        ds_csv_bars_release(&f->bars);
    }
    if (rc == MOMO_OK) {
        rc = momo_dataset_builder_finish(b, &ds, err);
        b = NULL;
    }
    if (rc == MOMO_OK) {
        rc = check_dataset(&fs, ds);
        if (rc != MOMO_OK)
            rc = momo_err_set(err, rc, "out of memory");
    }
    momo_dataset_builder_free(b);
    momo_dataset_close(ds);
    ds_import_release(&run);
    if (rc != MOMO_OK) {
        momo_check_report_release(out);
        return rc;
    }
    if (out->n_findings > 1)
        qsort(out->findings, out->n_findings, sizeof(*out->findings),
              cmp_finding);
    return MOMO_OK;
}
