/* universe.c - universe files: which asset class, sector and size bucket
 * each symbol has.
 *
 * In:  CSV files of the form symbol,asset_class,sector,size (any subset
 *      of the last three, any order; shared/data/universe_extra.csv) or
 *      the S&P 500 list Symbol,Name,Sector (no class column: stocks).
 * Out: one merged entry per symbol, looked up by the importer.
 *
 * Files load in command-line order and a later file overrides an
 * earlier one column by column: a file without a size column leaves the
 * size an earlier file gave. A blank asset class means stock (STRATEGY.md
 * 11.2). Unlike data rows, a bad universe row is an error: silently
 * misfiling a symbol would change what the strategy trades.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "data/csv.h"

#define UNI_MAX_ENTRIES  1000000
#define UNI_MAX_BYTES    ((size_t)256 << 20)

void ds_universe_init(struct universe *u)
{
    memset(u, 0, sizeof(*u));
}

void ds_universe_release(struct universe *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n_files; i++)
        core_free(u->files[i]);
    core_free(u->files);
    core_free(u->v);
    ds_universe_init(u);
}

enum { U_SYMBOL, U_CLASS, U_SECTOR, U_SIZE, U_N };

static const struct {
    const char *name;
    int col;
} uni_names[] = {
    { "symbol", U_SYMBOL },     { "ticker", U_SYMBOL },
    { "asset_class", U_CLASS }, { "class", U_CLASS },
    { "assetclass", U_CLASS },  { "sector", U_SECTOR },
    { "size", U_SIZE },
};

static int add_file_name(struct universe *u, const char *name)
{
    char *copy = core_strdup(name);
    char **nv;

    if (!copy)
        return MOMO_ENOMEM;
    nv = core_realloc(u->files, (u->n_files + 1) * sizeof(*nv));
    if (!nv) {
        core_free(copy);
        return MOMO_ENOMEM;
    }
    u->files = nv;
    u->files[u->n_files++] = copy;
    return MOMO_OK;
}

/* Copy field `f` named `what` into buf[n]; an error when it is too long. */
static int copy_field(const struct csv_field *f, char *buf, size_t n,
                      const char *file, size_t line, const char *what,
                      momo_err *err)
{
    if (ds_csv_field_copy(f, buf, n) < 0)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: %s: longer than %zu bytes", file, line,
                            what, n - 1);
    return MOMO_OK;
}

static int parse_entry(struct universe *u, const struct csv_field *f,
                       const int *idx, const char *name, size_t line,
                       momo_err *err)
{
    struct uni_entry e;
    char buf[32];
    int rc;

    memset(&e, 0, sizeof(e));
    e.file = u->n_files - 1;
    e.line = line;
    e.seq = u->n;
    rc = copy_field(&f[idx[U_SYMBOL]], e.symbol, sizeof(e.symbol), name,
                    line, "symbol", err);
    if (rc != MOMO_OK)
        return rc;
    if (e.symbol[0] == '\0')
        return momo_err_set(err, MOMO_EFORMAT, "%s:%zu: symbol: empty",
                            name, line);
    if (idx[U_CLASS] >= 0) {
        if (ds_csv_field_copy(&f[idx[U_CLASS]], buf, sizeof(buf)) < 0)
            strcpy(buf, "(too long)");
        e.asset_class = momo_asset_class_parse(buf);
        if (e.asset_class < 0)
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: asset_class: unknown '%s' (stock, "
                                "crypto, etf, bond, index)", name, line,
                                buf);
        e.has |= UNI_HAS_CLASS;
    }
    if (idx[U_SECTOR] >= 0) {
        rc = copy_field(&f[idx[U_SECTOR]], e.sector, sizeof(e.sector), name,
                        line, "sector", err);
        if (rc != MOMO_OK)
            return rc;
        e.has |= UNI_HAS_SECTOR;
    }
    if (idx[U_SIZE] >= 0) {
        if (ds_csv_field_copy(&f[idx[U_SIZE]], buf, sizeof(buf)) < 0)
            strcpy(buf, "(too long)");
        e.size = momo_size_parse(buf);
        if (e.size < 0)
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: size: unknown '%s' (large, mid, "
                                "small or empty)", name, line, buf);
        e.has |= UNI_HAS_SIZE;
    }
    if (u->n >= UNI_MAX_ENTRIES)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: more than %d universe entries", name,
                            line, UNI_MAX_ENTRIES);
    if (core_grow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v), 0) !=
        MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    u->v[u->n++] = e;
    return MOMO_OK;
}

int ds_universe_parse(struct universe *u, const char *name, const char *text,
                      size_t len, momo_err *err)
{
    const char *p = text, *end = text + len;
    struct csv_field *f;
    size_t line = 0, n_hdr = 0;
    int idx[U_N] = { -1, -1, -1, -1 }, have_header = 0, rc;

    if (add_file_name(u, name) != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    f = core_malloc((CSV_MAX_COLS + 1) * sizeof(*f));
    if (!f)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    rc = MOMO_OK;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && rc == MOMO_OK) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end, *q = p;
        long nf;

        line++;
        if (le > p && le[-1] == '\r')
            le--;
        while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == le) {
            p = eol ? eol + 1 : end;
            continue;
        }
        nf = ds_csv_split(p, (size_t)(le - p), f, CSV_MAX_COLS + 1);
        if (nf < 0) {
            rc = momo_err_set(err, MOMO_EFORMAT,
                              "%s:%zu: unterminated quote", name, line);
        } else if (!have_header) {
            if (nf > CSV_MAX_COLS) {
                rc = momo_err_set(err, MOMO_EFORMAT,
                                  "%s:%zu: header has more than %d columns",
                                  name, line, CSV_MAX_COLS);
                break;
            }
            for (long i = 0; i < nf; i++) {
                char nm[CSV_NAME_MAX + 1];

                ds_csv_norm_name(f[i].s, f[i].n, nm);
                for (size_t k = 0; k < sizeof(uni_names) / sizeof(*uni_names);
                     k++)
                    if (strcmp(nm, uni_names[k].name) == 0 &&
                        idx[uni_names[k].col] < 0)
                        idx[uni_names[k].col] = (int)i;
            }
            if (idx[U_SYMBOL] < 0)
                rc = momo_err_set(err, MOMO_EFORMAT,
                                  "%s:%zu: header: no 'symbol' column "
                                  "(symbol,asset_class,sector,size or "
                                  "Symbol,Name,Sector)", name, line);
            n_hdr = (size_t)nf;
            have_header = 1;
        } else if ((size_t)nf != n_hdr) {
            rc = momo_err_set(err, MOMO_EFORMAT,
                              "%s:%zu: %ld fields, the header has %zu", name,
                              line, nf, n_hdr);
        } else {
            rc = parse_entry(u, f, idx, name, line, err);
        }
        p = eol ? eol + 1 : end;
    }
    if (rc == MOMO_OK && !have_header)
        rc = momo_err_set(err, MOMO_EFORMAT, "%s: empty universe file", name);
    core_free(f);
    u->finished = 0;
    return rc;
}

int ds_universe_load(struct universe *u, const char *path, momo_err *err)
{
    char *text;
    size_t n;
    int rc = core_read_file(path, UNI_MAX_BYTES, &text, &n, err);

    if (rc != MOMO_OK)
        return rc;
    rc = ds_universe_parse(u, path, text, n, err);
    core_free(text);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct uni_entry *x = a, *y = b;
    int c = strcmp(x->symbol, y->symbol);

    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ds_universe_finish(struct universe *u, momo_err *err)
{
    size_t o = 0;

    if (u->finished)
        return MOMO_OK;
    if (u->n > 1)
        qsort(u->v, u->n, sizeof(*u->v), cmp_entry);
    for (size_t i = 0; i < u->n;) {
        struct uni_entry m = u->v[i];
        size_t j = i + 1;

        if (!(m.has & UNI_HAS_CLASS))
            m.asset_class = MOMO_STOCK;
        for (; j < u->n && strcmp(u->v[j].symbol, m.symbol) == 0; j++) {
            const struct uni_entry *e = &u->v[j];

            if (e->file == u->v[j - 1].file)
                return momo_err_set(err, MOMO_EFORMAT,
                                    "%s:%zu: symbol: '%s' already on line "
                                    "%zu", u->files[e->file], e->line,
                                    e->symbol, u->v[j - 1].line);
            if (e->has & UNI_HAS_CLASS)
                m.asset_class = e->asset_class;
            if (e->has & UNI_HAS_SECTOR)
                memcpy(m.sector, e->sector, sizeof(m.sector));
            if (e->has & UNI_HAS_SIZE)
                m.size = e->size;
            m.has |= e->has;
            m.file = e->file;
            m.line = e->line;
        }
        u->v[o++] = m;
        i = j;
    }
    u->n = o;
    u->finished = 1;
    return MOMO_OK;
}

static int cmp_key(const void *key, const void *elem)
{
    return strcmp(key, ((const struct uni_entry *)elem)->symbol);
}

const struct uni_entry *ds_universe_find(const struct universe *u,
                                         const char *symbol)
{
    if (!u->finished || u->n == 0)
        return NULL;
    return bsearch(symbol, u->v, u->n, sizeof(*u->v), cmp_key);
}
