/* cache.c - results.sqlite: every run an optimization made, keyed so
 * that no run is ever made twice, and the trials of the last command.
 *
 * In:  finished runs (their metrics, sub-period values and block sums)
 *      from eval.c, in batches; at the end, the trial list of a study.
 * Out: on a later command, the stored run for a key, bit for bit.
 *
 * The key of a run is 128 bits of hash over everything that can change
 * its result: the dataset checksum, the traded symbols, the engine
 * version (MOMO_ENGINE_VERSION), the window and every parameter of the
 * registry. Two independent 64-bit lanes make an accidental collision
 * among a few million runs about 1e-26 likely. Only successful runs are
 * stored: an invalid combination costs nothing to find again.
 *
 * The database runs in WAL mode with synchronous=NORMAL: a batch is one
 * transaction, so a process killed at any moment loses at most the
 * batch it was running, and the next command resumes from the rest.
 * Doubles are stored as REAL (exact); SQLite stores NaN as NULL, which
 * reads back as NaN. Schema: docs/internals/optimize.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "optimize/optimize_int.h"

#define SCHEMA_VERSION "2"

struct opt_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put;
    int writer;
    /* keys stored: open addressing, {0, 0} marks a free slot */
    uint64_t *keys;            /* 2 x cap */
    size_t n_keys, cap;
};

/*---- Keys ----*/

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void feed(uint64_t h[2], uint64_t v)
{
    h[0] = mix64(h[0] ^ v) * 0xff51afd7ed558ccdULL;
    h[1] = mix64(h[1] + v * 0xc4ceb9fe1a85ec53ULL) ^ (h[1] >> 29);
}

static void feed_bytes(uint64_t h[2], const char *s, size_t n)
{
    uint64_t w = 0;

    feed(h, n);
    for (size_t i = 0; i < n; i++) {
        w = (w << 8) | (unsigned char)s[i];
        if (i % 8 == 7) {
            feed(h, w);
            w = 0;
        }
    }
    feed(h, w);
}

static void feed_double(uint64_t h[2], double v)
{
    uint64_t u;

    if (v == 0)
        v = 0;                     /* -0.0 and 0.0 run alike */
    memcpy(&u, &v, sizeof(u));
    feed(h, u);
}

void opt_key_seed(const momo_dataset *ds, const char *const *symbols,
                  size_t n_symbols, uint64_t seed[2])
{
    static const char tag[] = "momo optimize cache 1";

    seed[0] = 0x6a09e667f3bcc908ULL;
    seed[1] = 0xbb67ae8584caa73bULL;
    feed_bytes(seed, tag, sizeof(tag) - 1);
    feed(seed, (uint64_t)MOMO_ENGINE_VERSION);
    feed(seed, (uint64_t)momo_dataset_checksum(ds));
    feed(seed, (uint64_t)n_symbols);
    for (size_t i = 0; i < n_symbols; i++)
        feed_bytes(seed, symbols[i], strlen(symbols[i]));
}

void opt_key_of(const struct opt_ctx *cx, const momo_params *p,
                const momo_window *win, struct opt_key *k)
{
    uint64_t h[2] = { cx->key_seed[0], cx->key_seed[1] };
    size_t n = momo_param_count();

    feed(h, (uint64_t)(uint32_t)win->from);
    feed(h, (uint64_t)(uint32_t)(win->to ? win->to : INT32_MAX));
    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);
        const char *f = (const char *)p + pi->offset;

        switch (pi->type) {
        case MOMO_PARAM_DOUBLE:
        case MOMO_PARAM_DOUBLE_LIST:
            for (int j = 0; j < pi->count; j++) {
                double v;

                memcpy(&v, f + (size_t)j * sizeof(double), sizeof(v));
                feed_double(h, v);
            }
            break;
        case MOMO_PARAM_INT:
        case MOMO_PARAM_BOOL:
        case MOMO_PARAM_INT_LIST:
            for (int j = 0; j < pi->count; j++) {
                int v;

                memcpy(&v, f + (size_t)j * sizeof(int), sizeof(v));
                feed(h, (uint64_t)(int64_t)v);
            }
            break;
        case MOMO_PARAM_STRING:
            feed_bytes(h, f, strnlen(f, MOMO_NAME_MAX));
            break;
        }
    }
    k->h[0] = mix64(h[0] ^ h[1]);
    k->h[1] = mix64(h[1] + 0x632be59bd9b4e019ULL) ^ h[0];
    if (k->h[0] == 0 && k->h[1] == 0)
        k->h[1] = 1;
}

void opt_key_hex(const struct opt_key *k, char out[33])
{
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)k->h[0],
             (unsigned long long)k->h[1]);
}

static int key_parse(const char *s, struct opt_key *k)
{
    unsigned long long a = 0, b = 0;

    if (!s || strlen(s) != 32)
        return -1;
    for (int i = 0; i < 32; i++) {
        int c = s[i], d = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

        if (d < 0)
            return -1;
        if (i < 16)
            a = (a << 4) | (unsigned)d;
        else
            b = (b << 4) | (unsigned)d;
    }
    k->h[0] = a;
    k->h[1] = b;
    return 0;
}

/*---- The key set ----*/

static int set_insert(struct opt_cache *c, const struct opt_key *k);

static int set_grow(struct opt_cache *c)
{
    size_t old = c->cap, cap = old ? old * 2 : 1024;
    uint64_t *keys = core_calloc(cap * 2, sizeof(*keys)), *prev = c->keys;

    if (!keys)
        return MOMO_ENOMEM;
    c->keys = keys;
    c->cap = cap;
    c->n_keys = 0;
    for (size_t i = 0; i < old; i++)
        if (prev[2 * i] || prev[2 * i + 1]) {
            struct opt_key k = { { prev[2 * i], prev[2 * i + 1] } };

            set_insert(c, &k);
        }
    core_free(prev);
    return MOMO_OK;
}

static int set_insert(struct opt_cache *c, const struct opt_key *k)
{
    size_t i;

    if ((c->n_keys + 1) * 2 > c->cap && set_grow(c) != MOMO_OK)
        return MOMO_ENOMEM;
    i = (size_t)(k->h[0] & (c->cap - 1));
    for (;; i = (i + 1) & (c->cap - 1)) {
        uint64_t *s = &c->keys[2 * i];

        if (s[0] == k->h[0] && s[1] == k->h[1])
            return MOMO_OK;
        if (s[0] == 0 && s[1] == 0) {
            s[0] = k->h[0];
            s[1] = k->h[1];
            c->n_keys++;
            return MOMO_OK;
        }
    }
}

int opt_cache_has(const struct opt_cache *c, const struct opt_key *k)
{
    if (!c->cap)
        return 0;
    for (size_t i = (size_t)(k->h[0] & (c->cap - 1));;
         i = (i + 1) & (c->cap - 1)) {
        const uint64_t *s = &c->keys[2 * i];

        if (s[0] == k->h[0] && s[1] == k->h[1])
            return 1;
        if (s[0] == 0 && s[1] == 0)
            return 0;
    }
}

/*---- Opening ----*/

static int db_fail(struct opt_cache *c, const char *what, momo_err *err)
{
    return momo_err_set(err, MOMO_EIO, "%s: %s: %s",
                        sqlite3_db_filename(c->db, "main"), what,
                        sqlite3_errmsg(c->db));
}

static int exec(struct opt_cache *c, const char *sql, momo_err *err)
{
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, sql, err);
    return MOMO_OK;
}

/* The metric columns, comma separated, as this build names them. */
static void metric_columns(struct core_buf *b, const char *suffix)
{
    for (size_t i = 0; i < momo_metric_count(); i++)
        core_buf_printf(b, "%s%s%s", i ? ", " : "", momo_metric_name(i),
                        suffix);
}

static int get_meta(struct opt_cache *c, const char *key, char *buf,
                    size_t n)
{
    sqlite3_stmt *st;
    int found = 0;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(c->db, "SELECT value FROM meta WHERE key = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

static int create_schema(struct opt_cache *c, momo_err *err)
{
    struct core_buf b;
    char have[4096];
    int rc;

    core_buf_init(&b, 1 << 16);
    rc = exec(c, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, "
                 "value TEXT NOT NULL)", err);
    if (rc != MOMO_OK)
        return rc;
    metric_columns(&b, "");
    /* a cache written with another schema or metric set is dropped */
    if (get_meta(c, "metrics", have, sizeof(have)) &&
        (strcmp(have, core_buf_cstr(&b)) != 0 ||
         !get_meta(c, "schema_version", have, sizeof(have)) ||
         strcmp(have, SCHEMA_VERSION) != 0)) {
        core_info("%s: written by another version: starting afresh",
                  sqlite3_db_filename(c->db, "main"));
        rc = exec(c, "DROP TABLE IF EXISTS runs; "
                     "DROP TABLE IF EXISTS trials", err);
    }
    core_buf_release(&b);
    core_buf_init(&b, 1 << 16);
    /* rows go in in the order they are stored, and only the key index
     * takes them in key order: the random keys then touch a small index
     * instead of the whole table */
    core_buf_printf(&b, "CREATE TABLE IF NOT EXISTS runs("
                        "key TEXT NOT NULL UNIQUE, "
                        "engine_version INTEGER NOT NULL, "
                        "dataset_checksum INTEGER NOT NULL, "
                        "date_from TEXT NOT NULL, date_to TEXT NOT NULL, "
                        "params TEXT NOT NULL, status TEXT NOT NULL, ");
    metric_columns(&b, " REAL");
    core_buf_printf(&b, ", subperiods BLOB NOT NULL, blocks BLOB NOT NULL"
                        "); "
                        "CREATE TABLE IF NOT EXISTS trials("
                        "seq INTEGER PRIMARY KEY, phase TEXT NOT NULL, "
                        "split INTEGER, key TEXT NOT NULL, "
                        "params TEXT NOT NULL, status TEXT NOT NULL, "
                        "rank INTEGER, robustness REAL); "
                        "INSERT OR REPLACE INTO meta VALUES"
                        "('schema_version', '" SCHEMA_VERSION "'); "
                        "INSERT OR REPLACE INTO meta VALUES('metrics', '");
    metric_columns(&b, "");
    core_buf_printf(&b, "')");
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc == MOMO_OK)
        rc = exec(c, core_buf_cstr(&b), err);
    core_buf_release(&b);
    return rc;
}

static int prepare(struct opt_cache *c, momo_err *err)
{
    struct core_buf b;
    int rc = MOMO_OK;

    core_buf_init(&b, 1 << 16);
    core_buf_printf(&b, "SELECT status, ");
    metric_columns(&b, "");
    core_buf_printf(&b, ", subperiods, blocks FROM runs WHERE key = ?");
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else if (sqlite3_prepare_v2(c->db, core_buf_cstr(&b), -1, &c->get,
                                NULL) != SQLITE_OK)
        rc = db_fail(c, "preparing a read", err);
    core_buf_release(&b);
    if (rc != MOMO_OK || !c->writer)
        return rc;
    core_buf_init(&b, 1 << 16);
    core_buf_printf(&b, "INSERT OR REPLACE INTO runs(key, engine_version, "
                        "dataset_checksum, date_from, date_to, params, "
                        "status, ");
    metric_columns(&b, "");
    core_buf_printf(&b, ", subperiods, blocks) VALUES(?, ?, ?, ?, ?, ?, ?");
    for (size_t i = 0; i < momo_metric_count() + 2; i++)
        core_buf_printf(&b, ", ?");
    core_buf_printf(&b, ")");
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else if (sqlite3_prepare_v2(c->db, core_buf_cstr(&b), -1, &c->put,
                                NULL) != SQLITE_OK)
        rc = db_fail(c, "preparing a write", err);
    core_buf_release(&b);
    return rc;
}

static int load_keys(struct opt_cache *c, momo_err *err)
{
    sqlite3_stmt *st;
    int rc = MOMO_OK, s;

    if (sqlite3_prepare_v2(c->db, "SELECT key FROM runs", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(c, "reading the keys", err);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct opt_key k;

        if (key_parse((const char *)sqlite3_column_text(st, 0), &k) != 0)
            continue;
        if (set_insert(c, &k) != MOMO_OK) {
            rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == MOMO_OK && s != SQLITE_DONE)
        rc = db_fail(c, "reading the keys", err);
    sqlite3_finalize(st);
    return rc;
}

int opt_cache_open(const char *path, int writer, struct opt_cache **out,
                   momo_err *err)
{
    struct opt_cache *c = core_calloc(1, sizeof(*c));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc;

    *out = NULL;
    if (!c)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    c->writer = writer;
    if (writer) {
        char dir[4096];
        char *slash;

        flags |= SQLITE_OPEN_CREATE;
        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            rc = core_mkdir_p(dir, err);
            if (rc != MOMO_OK) {
                core_free(c);
                return rc;
            }
        }
    }
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        rc = momo_err_set(err, MOMO_EIO, "%s: cannot open: %s", path,
                          c->db ? sqlite3_errmsg(c->db) : "out of memory");
        opt_cache_close(c);
        return rc;
    }
    sqlite3_busy_timeout(c->db, 30000);
    rc = exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                 "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384",
                 err);
    if (rc == MOMO_OK && writer)
        rc = create_schema(c, err);
    if (rc == MOMO_OK)
        rc = prepare(c, err);
    if (rc == MOMO_OK)
        rc = load_keys(c, err);
    if (rc != MOMO_OK) {
        opt_cache_close(c);
        return rc;
    }
    *out = c;
    return MOMO_OK;
}

void opt_cache_close(struct opt_cache *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_close(c->db);
    core_free(c->keys);
    core_free(c);
}

/*---- Runs ----*/

static double col_double(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
        ? NAN : sqlite3_column_double(st, i);
}

int opt_cache_get(struct opt_cache *c, const struct opt_key *k,
                  struct opt_rows *rows, size_t i, int *found,
                  momo_err *err)
{
    char hex[33];
    size_t nm = momo_metric_count();
    int s, rc = MOMO_OK;

    *found = 0;
    opt_key_hex(k, hex);
    sqlite3_reset(c->get);
    sqlite3_bind_text(c->get, 1, hex, 32, SQLITE_TRANSIENT);
    s = sqlite3_step(c->get);
    if (s == SQLITE_ROW) {
        const void *sub = sqlite3_column_blob(c->get, (int)nm + 1);
        size_t n_sub = (size_t)sqlite3_column_bytes(c->get, (int)nm + 1);
        const void *blk = sqlite3_column_blob(c->get, (int)nm + 2);
        size_t n_blk = (size_t)sqlite3_column_bytes(c->get, (int)nm + 2);
        const char *status = (const char *)sqlite3_column_text(c->get, 0);

        if (status && strcmp(status, "ok") == 0 &&
            n_sub == rows->K * sizeof(double) &&
            n_blk == rows->S * 2 * sizeof(double)) {
            momo_metrics *m = &rows->m[i];
            double *slot = (double *)(void *)m;
            size_t off[64];

            opt_metric_slots(off);
            for (size_t j = 0; j < nm; j++)
                slot[off[j]] = col_double(c->get, (int)j + 1);
            memcpy(&rows->sub[i * rows->K], sub, n_sub);
            memcpy(&rows->blk[i * rows->S * 2], blk, n_blk);
            opt_block_lengths((size_t)m->num_days, rows->S, rows->blk_len);
            rows->state[i] = OPT_OK;
            rows->cached[i] = 1;
            *found = 1;
        }
    } else if (s != SQLITE_DONE) {
        rc = db_fail(c, "reading a run", err);
    }
    sqlite3_reset(c->get);
    return rc;
}

int opt_cache_begin(struct opt_cache *c, momo_err *err)
{
    return exec(c, "BEGIN IMMEDIATE", err);
}

int opt_cache_commit(struct opt_cache *c, momo_err *err)
{
    return exec(c, "COMMIT", err);
}

void opt_cache_rollback(struct opt_cache *c)
{
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int opt_cache_put(struct opt_cache *c, const struct opt_key *k,
                  const struct opt_ctx *cx, const momo_window *win,
                  const char *params, const struct opt_rows *rows,
                  size_t i, momo_err *err)
{
    sqlite3_stmt *st = c->put;
    size_t nm = momo_metric_count();
    char hex[33], from[11] = "", to[11] = "";
    int col = 1;

    MOMO_ASSERT(c->writer && rows->state[i] == OPT_OK);
    opt_key_hex(k, hex);
    if (win->from)
        core_format_date(win->from, from);
    if (win->to && win->to != INT32_MAX)
        core_format_date(win->to, to);
    sqlite3_reset(st);
    sqlite3_bind_text(st, col++, hex, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, col++, MOMO_ENGINE_VERSION);
    sqlite3_bind_int64(st, col++,
                       (sqlite3_int64)momo_dataset_checksum(cx->ds));
    sqlite3_bind_text(st, col++, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, col++, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, col++, params, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, col++, "ok", 2, SQLITE_STATIC);
    for (size_t j = 0; j < nm; j++) {
        double v = momo_metric_get(&rows->m[i], j);

        if (isfinite(v))
            sqlite3_bind_double(st, col++, v);
        else
            sqlite3_bind_null(st, col++);
    }
    sqlite3_bind_blob(st, col++, &rows->sub[i * rows->K],
                      (int)(rows->K * sizeof(double)), SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, col++, &rows->blk[i * rows->S * 2],
                      (int)(rows->S * 2 * sizeof(double)), SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        int rc = db_fail(c, "storing a run", err);

        sqlite3_reset(st);
        return rc;
    }
    sqlite3_reset(st);
    if (set_insert(c, k) != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    return MOMO_OK;
}

/*---- The last command's trials ----*/

int opt_cache_write_trials(struct opt_cache *c,
                           const struct opt_trial_rec *t, size_t n,
                           const char *const *meta, size_t n_meta,
                           momo_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = opt_cache_begin(c, err);

    if (rc == MOMO_OK)
        rc = exec(c, "DELETE FROM trials", err);
    if (rc == MOMO_OK &&
        sqlite3_prepare_v2(c->db, "INSERT INTO trials(seq, phase, split, "
                           "key, params, status, rank, robustness) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        rc = db_fail(c, "preparing the trials", err);
    for (size_t i = 0; rc == MOMO_OK && i < n; i++) {
        char hex[33];

        opt_key_hex(&t[i].key, hex);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_text(st, 2, t[i].phase, -1, SQLITE_STATIC);
        if (t[i].split >= 0)
            sqlite3_bind_int64(st, 3, t[i].split);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, hex, 32, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, t[i].params, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, t[i].status, -1, SQLITE_STATIC);
        if (t[i].rank > 0)
            sqlite3_bind_int64(st, 7, t[i].rank);
        else
            sqlite3_bind_null(st, 7);
        if (isfinite(t[i].robustness))
            sqlite3_bind_double(st, 8, t[i].robustness);
        else
            sqlite3_bind_null(st, 8);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(c, "storing the trials", err);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == MOMO_OK &&
        sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO meta VALUES(?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(c, "preparing the meta data", err);
    for (size_t i = 0; rc == MOMO_OK && i + 1 < n_meta; i += 2) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, meta[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, meta[i + 1], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(c, "storing the meta data", err);
    }
    sqlite3_finalize(st);
    if (rc == MOMO_OK)
        rc = opt_cache_commit(c, err);
    else
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
