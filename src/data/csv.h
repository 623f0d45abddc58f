/* src/data/csv.h - the daily-bar CSV reader and the universe reader.
 *
 * Both read from a memory buffer (core_read_file has already inflated a
 * .gz file), so the fuzz target drives them exactly as the importer
 * does. The importer (import.c) and the checker (check.c) are their
 * callers; a fetcher may call ds_csv_parse to validate a download.
 */
#ifndef MOMO_DATA_CSV_H
#define MOMO_DATA_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "momo/data.h"
#include "momo/error.h"

#define CSV_NAME_MAX 63

/*---- Fields of one CSV line ----*/

struct csv_field {
    const char *s;      /* content, quotes removed, spaces trimmed */
    size_t n;
    int quoted;         /* doubled quotes ("") inside are left as is */
};

/* Split the line [s, s+len) (no newline) at commas into f[0..max).
 * Returns the number of fields the line has, which may exceed `max`
 * (only the first `max` are stored), or -1 on an unterminated quote. */
long ds_csv_split(const char *s, size_t len, struct csv_field *f,
                  size_t max);

/* Copy field `f` into buf (size n, NUL-terminated), undoubling quotes.
 * Returns the length, or -1 when it does not fit. */
long ds_csv_field_copy(const struct csv_field *f, char *buf, size_t n);

/* Normalise a column name for comparison: quotes and Stooq's <angle
 * brackets> dropped, ASCII lower case, ' ' and '-' read as '_'; cut at
 * CSV_NAME_MAX bytes. `out` holds CSV_NAME_MAX + 1 bytes. */
void ds_csv_norm_name(const char *s, size_t n, char *out);

/*---- Column mapping (--columns) ----*/

enum csv_col {
    CSV_DATE = 0,
    CSV_OPEN,
    CSV_HIGH,
    CSV_LOW,
    CSV_CLOSE,
    CSV_ADJ,
    CSV_VOLUME,
    CSV_N_COLS
};

struct csv_map {
    char name[CSV_N_COLS][CSV_NAME_MAX + 1];   /* "" when not given */
};

/* Parse "date=Day,open=O,high=H,low=L,close=C[,adj_close=AC][,volume=V]".
 * MOMO_EINVAL names the bad part. */
int ds_csv_map_parse(const char *spec, struct csv_map *map, momo_err *err);

/*---- Reading daily bars ----*/

/* One problem with one row. Messages are "file:line: reason". */
enum csv_issue_kind {
    /* rows skipped: enum momo_row_issue values 0..MOMO_N_ROW_ISSUES-1 */
    CSV_ISSUE_DUPLICATE = MOMO_N_ROW_ISSUES,  /* an earlier row replaced */
    CSV_ISSUE_UNSORTED                        /* a date before the last */
};

struct csv_issue {
    int kind;           /* enum momo_row_issue or enum csv_issue_kind */
    size_t line;        /* 1-based line in the file */
    int has_date;       /* the row's date parsed */
    int32_t date;
    char msg[200];      /* "file:line: reason" */
};

/* Parsed, back-adjusted bars: dates strictly ascending, duplicates
 * resolved (last row wins). All arrays are n long; line[] is each
 * kept row's line in the file. */
struct csv_bars {
    size_t n;
    int32_t *date;
    double *open, *high, *low, *close, *volume;
    uint32_t *line;
};

struct csv_stats {
    int format;                           /* enum momo_csv_format */
    size_t n_rows;                        /* data rows (not blank lines) */
    size_t n_skipped;                     /* sum of skipped[] */
    size_t skipped[MOMO_N_ROW_ISSUES];
    size_t n_duplicates;                  /* rows replaced by a later one */
    size_t n_unsorted;                    /* rows dated before the last */
    size_t n_issues;                      /* all issues, kept or not */
};

struct csv_opts {
    const struct csv_map *map;   /* NULL: detect the format */
    size_t max_issues;           /* issues kept in *issues (0: none) */
    size_t max_rows;             /* 0: CSV_MAX_ROWS */
};

#define CSV_MAX_ROWS   ((size_t)20000000)
#define CSV_MAX_COLS   256

/* Read the CSV text [text, text+len) of the file called `name` (used in
 * messages only). On MOMO_OK, *bars holds the kept rows (release with
 * ds_csv_bars_release), *st the counts, and *issues (free with
 * core_free) the first opts->max_issues issues in line order.
 * MOMO_EFORMAT means the file as a whole is unusable (empty, header not
 * a known format, too many rows): err says why and nothing is returned.
 * MOMO_ENOMEM: out of memory. The text need not be NUL-terminated and
 * may hold any bytes. */
int ds_csv_parse(const char *name, const char *text, size_t len,
                 const struct csv_opts *opts, struct csv_bars *bars,
                 struct csv_stats *st, struct csv_issue **issues,
                 momo_err *err);

void ds_csv_bars_release(struct csv_bars *bars);

/*---- Universe files ----*/

#define UNI_HAS_CLASS   0x1u
#define UNI_HAS_SECTOR  0x2u
#define UNI_HAS_SIZE    0x4u

struct uni_entry {
    char symbol[MOMO_SYMBOL_MAX + 1];
    char sector[MOMO_SECTOR_MAX + 1];
    int asset_class;            /* enum momo_asset_class */
    int size;                   /* enum momo_size */
    unsigned has;               /* UNI_HAS_*: columns the file had */
    size_t file;                /* index of the file, in load order */
    size_t line;
    size_t seq;                 /* order of appearance over all files */
};

struct universe {
    struct uni_entry *v;
    size_t n, cap;
    char **files;               /* names of the loaded files */
    size_t n_files;
    int finished;
};

void ds_universe_init(struct universe *u);
/* Parse the universe CSV `text` of file `name` and append its rows.
 * Forms: symbol,asset_class,sector,size (any subset after symbol, any
 * order) or Symbol,Name,Sector. Errors: MOMO_EFORMAT
 * "file:line: field: reason", MOMO_ENOMEM. */
int ds_universe_parse(struct universe *u, const char *name, const char *text,
                      size_t len, momo_err *err);
/* Read the file at `path` and parse it. */
int ds_universe_load(struct universe *u, const char *path, momo_err *err);
/* Merge the rows of every file per symbol: a later file's columns
 * override an earlier file's; a symbol twice in one file is an error. */
int ds_universe_finish(struct universe *u, momo_err *err);
/* The merged entry of `symbol`, or NULL (after ds_universe_finish). */
const struct uni_entry *ds_universe_find(const struct universe *u,
                                         const char *symbol);
void ds_universe_release(struct universe *u);

#endif
