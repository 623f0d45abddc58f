/* dataset.c - the dataset image: one layout on disk and in memory.
 *
 * A builder collects symbols, then lays them out as one contiguous image;
 * momo_dataset_save() writes that image and momo_dataset_open() maps it
 * back read-only, so readers see the same bytes either way.
 *
 * Dataset file, version 1. Integers and doubles are little-endian.
 *
 *   OFFSET  SIZE  FIELD
 *        0     8  magic "MOMODS\0\1"
 *        8     4  format version (1)
 *       12     4  S, number of symbols
 *       16     8  B, number of bars over all symbols
 *       24     8  file size in bytes
 *       32     8  offset of the string table
 *       40     4  size of the string table in bytes
 *       44     4  CRC-32 (zlib) of every byte after the header
 *       48    16  reserved, zero (the header is 64 bytes)
 *
 * Symbol table at offset 64: S entries of 64 bytes, sorted by name
 * (bytewise), names unique:
 *
 *        0     4  name: offset into the string table (NUL-terminated)
 *        4     4  sector: offset into the string table ("" = unknown)
 *        8     1  asset class (0 stock, 1 crypto, 2 etf, 3 bond, 4 index)
 *        9     1  size bucket (0 unknown, 1 large, 2 mid, 3 small)
 *       10     2  reserved, zero
 *       12     4  n, the symbol's number of bars
 *       16     8  offset of the symbol's column block (64-byte aligned)
 *       24     4  first date, days since 1970-01-01
 *       28     4  last date
 *       32    32  reserved, zero
 *
 * String table: NUL-terminated strings, offset 0 is "".
 *
 * Column block of a symbol with n bars: six arrays, each starting on a
 * 64-byte boundary, in this order: date int32[n], open double[n],
 * high double[n], low double[n], close double[n], volume double[n].
 * Readers scan these straight from the mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"
#include "data/data.h"
#include "momo/dataset.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the dataset image is read in place: little-endian hosts only"
#endif

#define HDR_SIZE   64
#define SYM_SIZE   64
#define ALIGN      64
#define VERSION    1
static const char magic[8] = { 'M', 'O', 'M', 'O', 'D', 'S', 0, 1 };

struct momo_dataset {
    const unsigned char *img;  /* the image: mapping or heap */
    size_t len;
    int mapped;                /* munmap vs core_free_aligned */
    size_t n_sym, n_bars;
    uint32_t crc;
    momo_symbol *syms;
    momo_series *series;
    char *path;
};

/*---- Little helpers on the image ----*/

static uint32_t rd32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static void wr32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void wr64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static size_t align_up(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static size_t block_size(size_t n)
{
    return align_up(n * 4) + 5 * align_up(n * 8);
}

/*---- Interpreting an image (from a file or a builder) ----*/

static int bad(momo_err *err, const char *path, const char *what)
{
    return momo_err_set(err, MOMO_EFORMAT, "%s: not a valid momo dataset: %s",
                        path ? path : "(memory)", what);
}

static int parse_image(momo_dataset *ds, momo_err *err)
{
    const unsigned char *h = ds->img;
    size_t S, B, str_off, str_len, total = 0;

    if (ds->len < HDR_SIZE || memcmp(h, magic, 8) != 0)
        return bad(err, ds->path, "bad magic (is this a dataset file?)");
    if (rd32(h + 8) != VERSION)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s: dataset format version %u is not supported "
                            "(this momo reads version %d)",
                            ds->path ? ds->path : "(memory)", rd32(h + 8),
                            VERSION);
    S = rd32(h + 12);
    B = rd64(h + 16);
    str_off = rd64(h + 32);
    str_len = rd32(h + 40);
    if (rd64(h + 24) != ds->len)
        return bad(err, ds->path, "file size does not match its header "
                                  "(truncated?)");
    if (S > (ds->len - HDR_SIZE) / SYM_SIZE)
        return bad(err, ds->path, "symbol count exceeds the file");
    if (str_off < HDR_SIZE + S * SYM_SIZE || str_off > ds->len ||
        str_len > ds->len - str_off || str_len == 0 ||
        h[str_off + str_len - 1] != '\0')
        return bad(err, ds->path, "bad string table");
    ds->n_sym = S;
    ds->crc = rd32(h + 44);
    ds->syms = core_calloc(S ? S : 1, sizeof(*ds->syms));
    ds->series = core_calloc(S ? S : 1, sizeof(*ds->series));
    if (!ds->syms || !ds->series)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t i = 0; i < S; i++) {
        const unsigned char *e = h + HDR_SIZE + i * SYM_SIZE;
        uint32_t name = rd32(e), sector = rd32(e + 4);
        size_t n = rd32(e + 12), off = rd64(e + 16);
        momo_symbol *sy = &ds->syms[i];
        momo_series *se = &ds->series[i];
        const unsigned char *col;

        if (name >= str_len || sector >= str_len || e[8] >= MOMO_N_ASSET_CLASSES
            || e[9] >= MOMO_N_SIZES)
            return bad(err, ds->path, "bad symbol entry");
        if (off % ALIGN || off < str_off + str_len || off > ds->len ||
            block_size(n) > ds->len - off)
            return bad(err, ds->path, "symbol data outside the file");
        sy->name = (const char *)h + str_off + name;
        sy->sector = (const char *)h + str_off + sector;
        if (sy->name[0] == '\0' || strlen(sy->name) > MOMO_SYMBOL_MAX)
            return bad(err, ds->path, "bad symbol name");
        if (i > 0 && strcmp(ds->syms[i - 1].name, sy->name) >= 0)
            return bad(err, ds->path, "symbols not sorted");
        sy->asset_class = e[8];
        sy->size = e[9];
        sy->n_bars = n;
        sy->first_date = (int32_t)rd32(e + 24);
        sy->last_date = (int32_t)rd32(e + 28);
        col = h + off;
        se->n = n;
        se->date = (const int32_t *)(const void *)col;
        col += align_up(n * 4);
        se->open = (const double *)(const void *)col;
        col += align_up(n * 8);
        se->high = (const double *)(const void *)col;
        col += align_up(n * 8);
        se->low = (const double *)(const void *)col;
        col += align_up(n * 8);
        se->close = (const double *)(const void *)col;
        col += align_up(n * 8);
        se->volume = (const double *)(const void *)col;
        if (n > 0 && (se->date[0] != sy->first_date ||
                      se->date[n - 1] != sy->last_date))
            return bad(err, ds->path, "symbol dates disagree with its entry");
        total += n;
    }
    if (total != B)
        return bad(err, ds->path, "bar count disagrees with the header");
    ds->n_bars = B;
    return MOMO_OK;
}

static void ds_free(momo_dataset *ds)
{
    if (!ds)
        return;
    if (ds->img) {
        if (ds->mapped)
            munmap((void *)ds->img, ds->len);
        else
            core_free_aligned((void *)ds->img);
    }
    core_free(ds->syms);
    core_free(ds->series);
    core_free(ds->path);
    core_free(ds);
}

int momo_dataset_open(const char *path, momo_dataset **out, momo_err *err)
{
    momo_dataset *ds;
    struct stat st;
    void *map;
    int fd, rc;

    *out = NULL;
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return momo_err_set(err, MOMO_EIO, "%s: cannot open: %s", path,
                            strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return momo_err_set(err, MOMO_EIO, "%s: not a regular file", path);
    }
    if ((size_t)st.st_size < HDR_SIZE) {
        close(fd);
        return bad(err, path, "too short for a header");
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return momo_err_set(err, MOMO_EIO, "%s: cannot map: %s", path,
                            strerror(errno));
    ds = core_calloc(1, sizeof(*ds));
    if (!ds) {
        munmap(map, (size_t)st.st_size);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    ds->img = map;
    ds->len = (size_t)st.st_size;
    ds->mapped = 1;
    ds->path = core_strdup(path);
    if (!ds->path)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else
        rc = parse_image(ds, err);
    if (rc != MOMO_OK) {
        ds_free(ds);
        return rc;
    }
    *out = ds;
    return MOMO_OK;
}

void momo_dataset_close(momo_dataset *ds)
{
    ds_free(ds);
}

static uint32_t payload_crc(const unsigned char *img, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t off = HDR_SIZE;

    while (off < len) {
        size_t chunk = len - off > (1u << 30) ? (1u << 30) : len - off;

        crc = crc32(crc, img + off, (uInt)chunk);
        off += chunk;
    }
    return (uint32_t)crc;
}

int momo_dataset_verify(const momo_dataset *ds, momo_err *err)
{
    uint32_t crc = payload_crc(ds->img, ds->len);

    if (crc != ds->crc)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s: checksum mismatch (stored %08x, computed "
                            "%08x): the file is damaged",
                            ds->path ? ds->path : "(memory)", ds->crc, crc);
    return MOMO_OK;
}

size_t momo_dataset_n_symbols(const momo_dataset *ds)
{
    return ds->n_sym;
}

size_t momo_dataset_n_bars(const momo_dataset *ds)
{
    return ds->n_bars;
}

const momo_symbol *momo_dataset_symbol(const momo_dataset *ds, size_t sym)
{
    MOMO_ASSERT(sym < ds->n_sym);
    return &ds->syms[sym];
}

void momo_dataset_series(const momo_dataset *ds, size_t sym, momo_series *out)
{
    MOMO_ASSERT(sym < ds->n_sym);
    *out = ds->series[sym];
}

long momo_dataset_find(const momo_dataset *ds, const char *name)
{
    size_t lo = 0, hi = ds->n_sym;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ds->syms[mid].name, name);

        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

uint32_t momo_dataset_checksum(const momo_dataset *ds)
{
    return ds->crc;
}

const char *momo_dataset_path(const momo_dataset *ds)
{
    return ds->path;
}

int momo_dataset_save(const momo_dataset *ds, const char *path, momo_err *err)
{
    return core_write_file_atomic(path, ds->img, ds->len, err);
}

/*---- Names ----*/

static const char *const class_names[MOMO_N_ASSET_CLASSES] = {
    "stock", "crypto", "etf", "bond", "index"
};
static const char *const size_names[MOMO_N_SIZES] = {
    "", "large", "mid", "small"
};

const char *momo_asset_class_name(int asset_class)
{
    if (asset_class < 0 || asset_class >= MOMO_N_ASSET_CLASSES)
        return "?";
    return class_names[asset_class];
}

const char *momo_size_name(int size)
{
    if (size < 0 || size >= MOMO_N_SIZES)
        return "?";
    return size_names[size];
}

int momo_asset_class_parse(const char *s)
{
    if (s[0] == '\0')
        return MOMO_STOCK;
    for (int i = 0; i < MOMO_N_ASSET_CLASSES; i++)
        if (strcasecmp(s, class_names[i]) == 0)
            return i;
    return -1;
}

int momo_size_parse(const char *s)
{
    for (int i = 0; i < MOMO_N_SIZES; i++)
        if (strcasecmp(s, size_names[i]) == 0)
            return i;
    return -1;
}

/*---- Building ----*/

struct pending {
    char name[MOMO_SYMBOL_MAX + 1];
    char sector[MOMO_SECTOR_MAX + 1];
    int asset_class, size;
    size_t n;
    int32_t *date;
    double *col[5];     /* open, high, low, close, volume */
};

struct momo_dataset_builder {
    struct pending *v;
    size_t n, cap;
};

int momo_dataset_builder_new(momo_dataset_builder **out, momo_err *err)
{
    *out = core_calloc(1, sizeof(**out));
    if (!*out)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    return MOMO_OK;
}

static void pending_release(struct pending *p)
{
    core_free(p->date);
    for (int c = 0; c < 5; c++)
        core_free(p->col[c]);
}

void momo_dataset_builder_free(momo_dataset_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        pending_release(&b->v[i]);
    core_free(b->v);
    core_free(b);
}

static int check_rows(const momo_symbol *meta, const momo_series *bars,
                      momo_err *err)
{
    for (size_t i = 0; i < bars->n; i++) {
        if (i > 0 && bars->date[i] <= bars->date[i - 1]) {
            char d[11];

            return momo_err_set(err, MOMO_EINVAL,
                                "symbol '%s': dates not strictly ascending "
                                "at %s", meta->name,
                                core_format_date(bars->date[i], d));
        }
        if (!(bars->open[i] > 0) || !(bars->high[i] > 0) ||
            !(bars->low[i] > 0) || !(bars->close[i] > 0) ||
            !isfinite(bars->open[i]) || !isfinite(bars->high[i]) ||
            !isfinite(bars->low[i]) || !isfinite(bars->close[i]) ||
            !(bars->volume[i] >= 0) || !isfinite(bars->volume[i]))
            return momo_err_set(err, MOMO_EINVAL,
                                "symbol '%s': bar %zu has a price <= 0, a "
                                "negative volume or a non-finite value",
                                meta->name, i);
    }
    return MOMO_OK;
}

int momo_dataset_builder_add(momo_dataset_builder *b, const momo_symbol *meta,
                             const momo_series *bars, momo_err *err)
{
    struct pending p;
    const double *src[5];
    size_t n = bars->n;
    int rc;

    if (!meta->name || meta->name[0] == '\0' ||
        strlen(meta->name) > MOMO_SYMBOL_MAX)
        return momo_err_set(err, MOMO_EINVAL,
                            "symbol name '%s' is empty or longer than %d "
                            "bytes", meta->name ? meta->name : "",
                            MOMO_SYMBOL_MAX);
    if (meta->sector && strlen(meta->sector) > MOMO_SECTOR_MAX)
        return momo_err_set(err, MOMO_EINVAL,
                            "symbol '%s': sector name longer than %d bytes",
                            meta->name, MOMO_SECTOR_MAX);
    if (meta->asset_class < 0 || meta->asset_class >= MOMO_N_ASSET_CLASSES ||
        meta->size < 0 || meta->size >= MOMO_N_SIZES)
        return momo_err_set(err, MOMO_EINVAL,
                            "symbol '%s': bad asset class or size",
                            meta->name);
    if (n > UINT32_MAX)
        return momo_err_set(err, MOMO_EINVAL, "symbol '%s': too many bars",
                            meta->name);
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->v[i].name, meta->name) == 0)
            return momo_err_set(err, MOMO_EINVAL,
                                "symbol '%s' appears twice", meta->name);
    rc = check_rows(meta, bars, err);
    if (rc != MOMO_OK)
        return rc;
    rc = core_grow((void **)&b->v, &b->cap, b->n + 1, sizeof(*b->v), 0);
    if (rc != MOMO_OK)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    memset(&p, 0, sizeof(p));
    strcpy(p.name, meta->name);
    strcpy(p.sector, meta->sector ? meta->sector : "");
    p.asset_class = meta->asset_class;
    p.size = meta->size;
    p.n = n;
    src[0] = bars->open;
    src[1] = bars->high;
    src[2] = bars->low;
    src[3] = bars->close;
    src[4] = bars->volume;
    p.date = core_malloc(n * sizeof(int32_t));
    if (!p.date)
        goto nomem;
    memcpy(p.date, bars->date, n * sizeof(int32_t));
    for (int c = 0; c < 5; c++) {
        p.col[c] = core_malloc(n * sizeof(double));
        if (!p.col[c])
            goto nomem;
        memcpy(p.col[c], src[c], n * sizeof(double));
    }
    b->v[b->n++] = p;
    return MOMO_OK;
nomem:
    pending_release(&p);
    return momo_err_set(err, MOMO_ENOMEM, "out of memory");
}

int momo_dataset_builder_add_from(momo_dataset_builder *b,
                                  const momo_dataset *ds, size_t sym,
                                  momo_err *err)
{
    momo_series s;

    momo_dataset_series(ds, sym, &s);
    return momo_dataset_builder_add(b, momo_dataset_symbol(ds, sym), &s, err);
}

static int cmp_pending(const void *a, const void *b)
{
    return strcmp(((const struct pending *)a)->name,
                  ((const struct pending *)b)->name);
}

/* Add `s` to the string table at `tab` (sized in advance), reusing an
 * equal string already there only for "" (offset 0). */
static uint32_t put_string(unsigned char *tab, size_t *used, const char *s)
{
    size_t n = strlen(s);
    uint32_t off;

    if (n == 0)
        return 0;
    off = (uint32_t)*used;
    memcpy(tab + off, s, n + 1);
    *used += n + 1;
    return off;
}

int momo_dataset_builder_finish(momo_dataset_builder *b, momo_dataset **out,
                                momo_err *err)
{
    size_t str_len = 1, data_off, len, used = 1, bars = 0, off;
    unsigned char *img = NULL, *h;
    momo_dataset *ds = NULL;
    int rc;

    *out = NULL;
    qsort(b->v, b->n, sizeof(*b->v), cmp_pending);
    for (size_t i = 0; i < b->n; i++) {
        str_len += strlen(b->v[i].name) + 1 + strlen(b->v[i].sector) + 1;
        bars += b->v[i].n;
    }
    if (str_len > UINT32_MAX || b->n > UINT32_MAX) {
        rc = momo_err_set(err, MOMO_EINVAL, "dataset too large");
        goto out;
    }
    data_off = align_up(HDR_SIZE + b->n * SYM_SIZE + str_len);
    len = data_off;
    for (size_t i = 0; i < b->n; i++)
        len += block_size(b->v[i].n);
    img = core_malloc_aligned(len, 4096);
    if (!img) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory (%zu bytes)", len);
        goto out;
    }
    memset(img, 0, data_off);
    h = img;
    memcpy(h, magic, 8);
    wr32(h + 8, VERSION);
    wr32(h + 12, (uint32_t)b->n);
    wr64(h + 16, bars);
    wr64(h + 24, len);
    wr64(h + 32, HDR_SIZE + b->n * SYM_SIZE);
    wr32(h + 40, (uint32_t)str_len);
    off = data_off;
    for (size_t i = 0; i < b->n; i++) {
        const struct pending *p = &b->v[i];
        unsigned char *e = h + HDR_SIZE + i * SYM_SIZE;
        unsigned char *tab = h + HDR_SIZE + b->n * SYM_SIZE;
        unsigned char *col = img + off;
        size_t n = p->n;

        wr32(e, put_string(tab, &used, p->name));
        wr32(e + 4, put_string(tab, &used, p->sector));
        e[8] = (unsigned char)p->asset_class;
        e[9] = (unsigned char)p->size;
        wr32(e + 12, (uint32_t)n);
        wr64(e + 16, off);
        wr32(e + 24, (uint32_t)(n ? p->date[0] : 0));
        wr32(e + 28, (uint32_t)(n ? p->date[n - 1] : 0));
        memset(col, 0, block_size(n));
        memcpy(col, p->date, n * 4);
        col += align_up(n * 4);
        for (int c = 0; c < 5; c++) {
            memcpy(col, p->col[c], n * 8);
            col += align_up(n * 8);
        }
        off += block_size(n);
    }
    wr32(h + 44, payload_crc(img, len));
    ds = core_calloc(1, sizeof(*ds));
    if (!ds) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    ds->img = img;
    ds->len = len;
    img = NULL;
    rc = parse_image(ds, err);
    if (rc == MOMO_OK) {
        *out = ds;
        ds = NULL;
    }
out:
    core_free_aligned(img);
    ds_free(ds);
    momo_dataset_builder_free(b);
    return rc;
}
