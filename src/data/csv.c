/* csv.c - one daily-bar CSV file, in memory, into back-adjusted bars.
 *
 * In:  the text of one file (already inflated when it was .gz), its name
 *      for messages, and optionally an explicit column mapping.
 * Out: bars with strictly ascending dates, counts of what was skipped,
 *      and the first few issues as "file:line: reason" messages.
 *
 * The header decides the layout. Column names are compared after
 * normalising: surrounding quotes, spaces and Stooq's <angle brackets>
 * dropped, ASCII lower case, spaces and dashes read as '_'. Any column
 * order works and extra columns are ignored. Rows follow STRATEGY.md
 * 11.1: a missing or non-positive price skips the row, a missing volume
 * is 0, a duplicate date keeps the last row of the file, and rows out of
 * order are sorted. Back-adjustment is docs/methods.md's: f = adjusted
 * close / close; open, high, low times f; close = adjusted close; volume
 * divided by f.
 *
 * The text may hold any bytes (the fuzz target feeds it garbage): every
 * scan is bounded by the length, never by a NUL.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "data/csv.h"

/*---- Fields ----*/

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Bytes from p to end; 0 when p is past it (never, but the optimizer
 * cannot tell, and warns about memchr otherwise). */
static size_t left(const char *p, const char *end)
{
    return p < end ? (size_t)(end - p) : 0;
}

long ds_csv_split(const char *s, size_t len, struct csv_field *f, size_t max)
{
    const char *p = s, *end = s + len;
    long n = 0;

    for (;;) {
        struct csv_field fld;

        while (p < end && is_blank(*p))
            p++;
        if (p < end && *p == '"') {
            const char *q = ++p, *c;

            for (;;) {
                c = memchr(q, '"', left(q, end));
                if (!c)
                    return -1;
                if (c + 1 < end && c[1] == '"') {
                    q = c + 2;
                    continue;
                }
                break;
            }
            fld.s = p;
            fld.n = (size_t)(c - p);
            fld.quoted = 1;
            p = c + 1;
            while (p < end && is_blank(*p))
                p++;
            if (p < end && *p != ',')
                return -1;
        } else {
            const char *c = memchr(p, ',', left(p, end));
            const char *e = c ? c : end;

            fld.s = p;
            while (e > p && is_blank(e[-1]))
                e--;
            fld.n = (size_t)(e - p);
            fld.quoted = 0;
            p = c ? c : end;
        }
        if ((size_t)n < max)
            f[n] = fld;
        n++;
        if (p >= end)
            break;
        p++;                            /* the comma */
    }
    return n;
}

long ds_csv_field_copy(const struct csv_field *f, char *buf, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < f->n; i++) {
        if (f->quoted && f->s[i] == '"' && i + 1 < f->n && f->s[i + 1] == '"')
            i++;
        if (o + 1 >= n)
            return -1;
        buf[o++] = f->s[i];
    }
    if (n == 0)
        return -1;
    buf[o] = '\0';
    return (long)o;
}

/* A short printable copy of a field for messages. */
static const char *shown(const char *s, size_t n, char *buf, size_t cap)
{
    size_t o = 0, lim = cap - 4;

    for (size_t i = 0; i < n && o < lim; i++) {
        unsigned char c = (unsigned char)s[i];

        buf[o++] = (c >= 32 && c < 127) ? (char)c : '?';
    }
    if (n > lim) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

/* Normalised column name: quotes gone, <> dropped, lower case, ' ' and
 * '-' as '_'. Names longer than CSV_NAME_MAX are cut (and so match
 * nothing a user can map). */
void ds_csv_norm_name(const char *s, size_t n, char *out)
{
    size_t o = 0;

    for (size_t i = 0; i < n && o < CSV_NAME_MAX; i++) {
        char c = s[i];

        if (c == '<' || c == '>' || c == '"')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '-')
            c = '_';
        out[o++] = c;
    }
    out[o] = '\0';
}

/*---- Column mapping ----*/

static const char *const map_keys[CSV_N_COLS] = {
    "date", "open", "high", "low", "close", "adj_close", "volume"
};

int ds_csv_map_parse(const char *spec, struct csv_map *map, momo_err *err)
{
    const char *p = spec;

    memset(map, 0, sizeof(*map));
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen, vlen;
        int col = -1;

        if (len == 0) {
            p += comma ? 1 : 0;
            continue;
        }
        if (!eq)
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: '%.*s' is not FIELD=NAME",
                                (int)len, p);
        klen = (size_t)(eq - p);
        vlen = len - klen - 1;
        for (int c = 0; c < CSV_N_COLS; c++)
            if (strlen(map_keys[c]) == klen &&
                strncasecmp(map_keys[c], p, klen) == 0)
                col = c;
        if (col < 0)
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: unknown field '%.*s' (date, open, "
                                "high, low, close, adj_close, volume)",
                                (int)klen, p);
        if (map->name[col][0])
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: field '%s' given twice",
                                map_keys[col]);
        if (vlen == 0 || vlen > CSV_NAME_MAX)
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: field '%s': column name empty or "
                                "longer than %d bytes", map_keys[col],
                                CSV_NAME_MAX);
        ds_csv_norm_name(eq + 1, vlen, map->name[col]);
        if (!map->name[col][0])
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: field '%s': bad column name",
                                map_keys[col]);
        p += len + (comma ? 1 : 0);
    }
    for (int c = CSV_DATE; c <= CSV_CLOSE; c++)
        if (!map->name[c][0])
            return momo_err_set(err, MOMO_EINVAL,
                                "--columns: field '%s' is required",
                                map_keys[c]);
    return MOMO_OK;
}

/*---- Header ----*/

static const struct {
    const char *name;
    int col;
} known_names[] = {
    { "date", CSV_DATE },          { "timestamp", CSV_DATE },
    { "open", CSV_OPEN },          { "high", CSV_HIGH },
    { "low", CSV_LOW },            { "close", CSV_CLOSE },
    { "adj_close", CSV_ADJ },      { "adjusted_close", CSV_ADJ },
    { "adjclose", CSV_ADJ },       { "volume", CSV_VOLUME },
    { "vol", CSV_VOLUME },
};

struct header {
    size_t n;                             /* fields */
    int idx[CSV_N_COLS];                  /* field of each column, or -1 */
    char shown[CSV_N_COLS][40];           /* its name as written */
    int format;
};

/* Find the mapped columns. 0, or -1 with the first missing one in
 * *missing. */
static int header_map(char (*names)[CSV_NAME_MAX + 1], size_t n,
                      const struct csv_map *map, struct header *h,
                      int *missing)
{
    for (int c = 0; c < CSV_N_COLS; c++) {
        h->idx[c] = -1;
        if (!map->name[c][0])
            continue;
        for (size_t i = 0; i < n && h->idx[c] < 0; i++)
            if (strcmp(names[i], map->name[c]) == 0)
                h->idx[c] = (int)i;
        if (h->idx[c] < 0) {
            *missing = c;
            return -1;
        }
    }
    h->format = MOMO_CSV_MAPPED;
    return 0;
}

/* Recognise a known layout. 0, or -1 with why in `why`. */
static int header_detect(char (*names)[CSV_NAME_MAX + 1], size_t n,
                         struct header *h, char *why, size_t why_n)
{
    for (int c = 0; c < CSV_N_COLS; c++)
        h->idx[c] = -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof(known_names) / sizeof(known_names[0]);
             k++) {
            int c = known_names[k].col;

            if (strcmp(names[i], known_names[k].name) != 0)
                continue;
            if (h->idx[c] >= 0) {
                snprintf(why, why_n, "column '%s' appears twice",
                         map_keys[c]);
                return -1;
            }
            h->idx[c] = (int)i;
        }
    for (int c = CSV_DATE; c <= CSV_CLOSE; c++)
        if (h->idx[c] < 0) {
            snprintf(why, why_n, "no %s column", map_keys[c]);
            return -1;
        }
    if (h->idx[CSV_ADJ] >= 0)
        h->format = strcmp(names[h->idx[CSV_DATE]], "timestamp") == 0
                        ? MOMO_CSV_ALPHA_VANTAGE : MOMO_CSV_YAHOO;
    else if (h->idx[CSV_VOLUME] < 0)
        h->format = MOMO_CSV_OHLC;
    else
        h->format = MOMO_CSV_STOOQ;
    return 0;
}

static int parse_header(const char *name, const char *line, size_t len,
                        const struct csv_map *map, struct header *h,
                        momo_err *err)
{
    struct csv_field f[CSV_MAX_COLS];
    char (*names)[CSV_NAME_MAX + 1];
    char txt[48], why[96];
    long nf = ds_csv_split(line, len, f, CSV_MAX_COLS);
    int rc = MOMO_OK, missing = -1;

    shown(line, len, txt, sizeof(txt));
    if (nf < 0)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:1: header '%s': unterminated quote", name,
                            txt);
    if (nf > CSV_MAX_COLS)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:1: header has more than %d columns", name,
                            CSV_MAX_COLS);
    names = core_malloc((size_t)nf * sizeof(*names));
    if (!names)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (long i = 0; i < nf; i++)
        ds_csv_norm_name(f[i].s, f[i].n, names[i]);
    h->n = (size_t)nf;
    if (map && header_map(names, h->n, map, h, &missing) == 0)
        goto found;
    if (header_detect(names, h->n, h, why, sizeof(why)) == 0)
        goto found;
    if (map)
        rc = momo_err_set(err, MOMO_EFORMAT,
                          "%s:1: header '%s' has no column '%s' (--columns "
                          "%s) and is not a known format (%s)", name, txt,
                          map->name[missing], map_keys[missing], why);
    else
        rc = momo_err_set(err, MOMO_EFORMAT,
                          "%s:1: header '%s' is not a known format (%s)",
                          name, txt, why);
    goto out;
found:
    for (int c = 0; c < CSV_N_COLS; c++)
        if (h->idx[c] >= 0)
            shown(f[h->idx[c]].s, f[h->idx[c]].n, h->shown[c],
                  sizeof(h->shown[c]));
out:
    core_free(names);
    return rc;
}

/*---- Rows ----*/

struct reader {
    const char *name;
    const struct csv_opts *opts;
    struct csv_stats *st;
    struct csv_issue *iss;
    size_t n_iss, cap_iss;
    struct csv_bars b;
    size_t cap;
};

static int add_issue(struct reader *r, int kind, size_t line, int32_t date,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int add_issue(struct reader *r, int kind, size_t line, int32_t date,
                     const char *fmt, ...)
{
    struct csv_issue *is;
    va_list ap;
    int k;

    r->st->n_issues++;
    if (kind < MOMO_N_ROW_ISSUES) {
        r->st->skipped[kind]++;
        r->st->n_skipped++;
    }
    if (r->n_iss >= r->opts->max_issues)
        return MOMO_OK;
    if (core_grow((void **)&r->iss, &r->cap_iss, r->n_iss + 1,
                  sizeof(*r->iss), r->opts->max_issues) != MOMO_OK)
        return MOMO_ENOMEM;
    is = &r->iss[r->n_iss++];
    is->kind = kind;
    is->line = line;
    is->has_date = kind != MOMO_ROW_BAD_DATE && kind != MOMO_ROW_FIELD_COUNT;
    is->date = is->has_date ? date : 0;
    k = snprintf(is->msg, sizeof(is->msg), "%s:%zu: ", r->name, line);
    if (k < 0 || (size_t)k >= sizeof(is->msg))
        return MOMO_OK;
    va_start(ap, fmt);
    vsnprintf(is->msg + k, sizeof(is->msg) - (size_t)k, fmt, ap);
    va_end(ap);
    return MOMO_OK;
}

static int is_missing(const struct csv_field *f)
{
    static const char *const words[] = { "null", "nan", "na", "n/a" };

    if (f->n == 0)
        return 1;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (f->n == strlen(words[i]) && strncasecmp(f->s, words[i], f->n) == 0)
            return 1;
    return 0;
}

static int alloc_bars(struct csv_bars *b, size_t cap)
{
    memset(b, 0, sizeof(*b));
    b->date = core_malloc(cap * sizeof(*b->date));
    b->open = core_malloc(cap * sizeof(double));
    b->high = core_malloc(cap * sizeof(double));
    b->low = core_malloc(cap * sizeof(double));
    b->close = core_malloc(cap * sizeof(double));
    b->volume = core_malloc(cap * sizeof(double));
    b->line = core_malloc(cap * sizeof(*b->line));
    if (!b->date || !b->open || !b->high || !b->low || !b->close ||
        !b->volume || !b->line) {
        ds_csv_bars_release(b);
        return MOMO_ENOMEM;
    }
    return MOMO_OK;
}

void ds_csv_bars_release(struct csv_bars *b)
{
    if (!b)
        return;
    core_free(b->date);
    core_free(b->open);
    core_free(b->high);
    core_free(b->low);
    core_free(b->close);
    core_free(b->volume);
    core_free(b->line);
    memset(b, 0, sizeof(*b));
}

/* Parse one data row. MOMO_OK whether kept or skipped; MOMO_ENOMEM. */
static int parse_row(struct reader *r, const struct header *h,
                     const char *s, size_t len, size_t line_no)
{
    struct csv_field f[CSV_MAX_COLS + 1];
    double px[CSV_N_COLS] = { 0 };
    long nf = ds_csv_split(s, len, f, h->n + 1);
    const struct csv_field *fd;
    int32_t date;
    char sv[40];
    size_t i;

    r->st->n_rows++;
    if (nf < 0)
        return add_issue(r, MOMO_ROW_FIELD_COUNT, line_no, 0,
                         "unterminated quote");
    if ((size_t)nf != h->n)
        return add_issue(r, MOMO_ROW_FIELD_COUNT, line_no, 0,
                         "%ld fields, the header has %zu", nf, h->n);
    fd = &f[h->idx[CSV_DATE]];
    if (fd->n == 0)
        return add_issue(r, MOMO_ROW_BAD_DATE, line_no, 0, "missing date");
    if (core_parse_date(fd->s, fd->n, &date) != 0)
        return add_issue(r, MOMO_ROW_BAD_DATE, line_no, 0,
                         "bad date '%s'", shown(fd->s, fd->n, sv, 32));
    for (int c = CSV_OPEN; c <= CSV_VOLUME; c++) {
        const struct csv_field *fc;

        if (h->idx[c] < 0)
            continue;
        fc = &f[h->idx[c]];
        if (is_missing(fc)) {
            if (c == CSV_VOLUME)
                continue;               /* missing volume is 0 */
            return add_issue(r, MOMO_ROW_MISSING_PRICE, line_no, date,
                             "column '%s': missing", h->shown[c]);
        }
        if (core_parse_double(fc->s, fc->n, &px[c]) != 0)
            return add_issue(r, MOMO_ROW_BAD_NUMBER, line_no, date,
                             "column '%s': not a number '%s'", h->shown[c],
                             shown(fc->s, fc->n, sv, 32));
        if (c == CSV_VOLUME) {
            if (px[c] < 0)
                return add_issue(r, MOMO_ROW_BAD_NUMBER, line_no, date,
                                 "column '%s': negative volume %g",
                                 h->shown[c], px[c]);
            px[c] += 0.0;               /* -0 reads as 0 */
        } else if (!(px[c] > 0)) {
            return add_issue(r, MOMO_ROW_NONPOSITIVE, line_no, date,
                             "column '%s': must be > 0, got %g", h->shown[c],
                             px[c]);
        }
    }
    if (h->idx[CSV_ADJ] >= 0) {
        double fct = px[CSV_ADJ] / px[CSV_CLOSE];

        px[CSV_OPEN] = px[CSV_OPEN] * fct;
        px[CSV_HIGH] = px[CSV_HIGH] * fct;
        px[CSV_LOW] = px[CSV_LOW] * fct;
        px[CSV_CLOSE] = px[CSV_ADJ];
        px[CSV_VOLUME] = px[CSV_VOLUME] / fct;
    }
    for (int c = CSV_OPEN; c <= CSV_CLOSE; c++)
        if (!(px[c] > 0) || !isfinite(px[c]))
            return add_issue(r, MOMO_ROW_BAD_NUMBER, line_no, date,
                             "column '%s': out of range after "
                             "back-adjustment", h->shown[c]);
    if (!isfinite(px[CSV_VOLUME]))
        return add_issue(r, MOMO_ROW_BAD_NUMBER, line_no, date,
                         "column '%s': out of range after back-adjustment",
                         h->shown[CSV_VOLUME]);
    if (r->b.n >= r->cap || line_no > UINT32_MAX)
        return MOMO_EINVAL;             /* cannot happen: cap = lines */
    i = r->b.n++;
    r->b.date[i] = date;
    r->b.open[i] = px[CSV_OPEN];
    r->b.high[i] = px[CSV_HIGH];
    r->b.low[i] = px[CSV_LOW];
    r->b.close[i] = px[CSV_CLOSE];
    r->b.volume[i] = px[CSV_VOLUME];
    r->b.line[i] = (uint32_t)line_no;
    return MOMO_OK;
}

/*---- Order: sort, and keep the last row of a date ----*/

struct order_key {
    int32_t date;
    uint32_t i;
};

static int cmp_order(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int fix_order(struct reader *r)
{
    struct csv_bars *b = &r->b, nb;
    struct order_key *k;
    size_t n = b->n, o = 0;
    char d1[11], d2[11];
    int rc = MOMO_OK;

    for (size_t i = 1; i < n; i++)
        if (b->date[i] < b->date[i - 1]) {
            r->st->n_unsorted++;
            rc = add_issue(r, CSV_ISSUE_UNSORTED, b->line[i], b->date[i],
                           "date %s comes after %s (line %u): rows sorted",
                           core_format_date(b->date[i], d1),
                           core_format_date(b->date[i - 1], d2),
                           (unsigned)b->line[i - 1]);
            if (rc != MOMO_OK)
                return rc;
        }
    k = core_malloc(n * sizeof(*k));
    if (!k)
        return MOMO_ENOMEM;
    if (alloc_bars(&nb, n) != MOMO_OK) {
        core_free(k);
        return MOMO_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        k[i].date = b->date[i];
        k[i].i = (uint32_t)i;
    }
    qsort(k, n, sizeof(*k), cmp_order);
    for (size_t j = 0; j < n; j++) {
        size_t i = k[j].i;

        if (j + 1 < n && k[j + 1].date == k[j].date) {
            size_t w = k[j + 1].i;

            r->st->n_duplicates++;
            rc = add_issue(r, CSV_ISSUE_DUPLICATE, b->line[w], b->date[w],
                           "date %s repeats line %u: the later row wins",
                           core_format_date(b->date[w], d1),
                           (unsigned)b->line[i]);
            if (rc != MOMO_OK)
                break;
            continue;
        }
        nb.date[o] = b->date[i];
        nb.open[o] = b->open[i];
        nb.high[o] = b->high[i];
        nb.low[o] = b->low[i];
        nb.close[o] = b->close[i];
        nb.volume[o] = b->volume[i];
        nb.line[o] = b->line[i];
        o++;
    }
    core_free(k);
    if (rc != MOMO_OK) {
        ds_csv_bars_release(&nb);
        return rc;
    }
    nb.n = o;
    ds_csv_bars_release(b);
    *b = nb;
    return MOMO_OK;
}

/*---- The file ----*/

int ds_csv_parse(const char *name, const char *text, size_t len,
                 const struct csv_opts *opts, struct csv_bars *bars,
                 struct csv_stats *st, struct csv_issue **issues,
                 momo_err *err)
{
    const char *p = text, *end = text + len;
    struct reader r;
    struct header h;
    size_t line_no = 0, n_lines = 0, max_rows;
    int rc = MOMO_OK, have_header = 0;

    memset(bars, 0, sizeof(*bars));
    memset(st, 0, sizeof(*st));
    *issues = NULL;
    memset(&r, 0, sizeof(r));
    r.name = name;
    r.opts = opts;
    r.st = st;
    max_rows = opts->max_rows ? opts->max_rows : CSV_MAX_ROWS;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;                         /* UTF-8 byte order mark */
    for (const char *q = p; q < end; n_lines++) {
        q = memchr(q, '\n', (size_t)(end - q));
        if (!q)
            break;
        q++;
    }
    n_lines++;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end, *next = eol ? eol + 1 : end;
        const char *q = p;

        line_no++;
        if (le > p && le[-1] == '\r')
            le--;
        while (q < le && (is_blank(*q) || *q == '\r'))
            q++;
        if (q == le) {
            p = next;
            continue;                   /* blank line */
        }
        if (!have_header) {
            rc = parse_header(name, p, (size_t)(le - p), opts->map, &h, err);
            if (rc != MOMO_OK)
                goto fail;
            have_header = 1;
            st->format = h.format;
            r.cap = n_lines - line_no;
            if (r.cap > max_rows)
                r.cap = max_rows + 1;
            if (alloc_bars(&r.b, r.cap ? r.cap : 1) != MOMO_OK) {
                rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
                goto fail;
            }
        } else {
            if (st->n_rows >= max_rows) {
                rc = momo_err_set(err, MOMO_EFORMAT,
                                  "%s:%zu: more than %zu rows", name, line_no,
                                  max_rows);
                goto fail;
            }
            rc = parse_row(&r, &h, p, (size_t)(le - p), line_no);
            if (rc == MOMO_ENOMEM)
                momo_err_set(err, rc, "out of memory");
            else if (rc != MOMO_OK)
                momo_err_set(err, rc, "%s:%zu: internal error", name,
                             line_no);
            if (rc != MOMO_OK)
                goto fail;
        }
        p = next;
    }
    if (!have_header) {
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: empty file", name);
        goto fail;
    }
    for (size_t i = 1; i < r.b.n; i++)
        if (r.b.date[i] <= r.b.date[i - 1]) {
            rc = fix_order(&r);
            if (rc != MOMO_OK) {
                rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
                goto fail;
            }
            break;
        }
    *bars = r.b;
    *issues = r.iss;
    return MOMO_OK;
fail:
    ds_csv_bars_release(&r.b);
    core_free(r.iss);
    memset(st, 0, sizeof(*st));
    return rc;
}
