/* tests/data/test_import.c - tests for src/data/import.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/data.h"

/* tu_tmpdir and tu_fixture share a small ring of buffers: keep a copy. */
static const char *keep(char *buf, const char *path)
{
    snprintf(buf, 4096, "%s", path);
    return buf;
}

static char *path_join(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, 4096, "%s/%s", dir, name);

    if (n < 0 || n >= 4096)
        fail_msg("path too long: %s/%s", dir, name);
    return buf;
}

static void copy_fixture(const char *rel, const char *dir, const char *name)
{
    assert_int_equal(tu_system("mkdir -p '%s' && cp '%s' '%s/%s'", dir,
                               tu_fixture(rel), dir, name), 0);
}

/* Write the fixture `rel` gzip-compressed to dir/name. */
static void gzip_fixture(const char *rel, const char *dir, const char *name)
{
    char path[4096], *text;
    size_t n;
    gzFile gz;

    assert_int_equal(core_read_file(tu_fixture(rel), 0, &text, &n, NULL),
                     MOMO_OK);
    tu_system("mkdir -p '%s'", dir);
    gz = gzopen(path_join(path, dir, name), "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, text, (unsigned)n), (int)n);
    assert_int_equal(gzclose(gz), Z_OK);
    core_free(text);
}

static int import_dir(const char *dir, const momo_import_opts *o,
                      momo_dataset **ds, momo_import_summary *sum,
                      momo_err *err)
{
    const char *paths[1];

    paths[0] = dir;
    return momo_data_import(paths, 1, o, ds, sum, err);
}

static const momo_symbol *sym_of(const momo_dataset *ds, const char *name)
{
    long i = momo_dataset_find(ds, name);

    assert_true(i >= 0);
    return momo_dataset_symbol(ds, (size_t)i);
}

static void same_bars(const momo_dataset *a, const char *sa,
                      const momo_dataset *b, const char *sb)
{
    momo_series x, y;

    momo_dataset_series(a, (size_t)momo_dataset_find(a, sa), &x);
    momo_dataset_series(b, (size_t)momo_dataset_find(b, sb), &y);
    assert_int_equal(x.n, y.n);
    assert_memory_equal(x.date, y.date, x.n * sizeof(*x.date));
    assert_memory_equal(x.open, y.open, x.n * sizeof(double));
    assert_memory_equal(x.high, y.high, x.n * sizeof(double));
    assert_memory_equal(x.low, y.low, x.n * sizeof(double));
    assert_memory_equal(x.close, y.close, x.n * sizeof(double));
    assert_memory_equal(x.volume, y.volume, x.n * sizeof(double));
}

static const char *formats_dir(void)
{
    static char buf[4096];
    const char *dir = keep(buf, tu_tmpdir("imp_formats"));
    char sub[4096];

    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    copy_fixture("csv/formats/YH.csv", dir, "YH.csv");
    copy_fixture("csv/formats/STQ.csv", dir, "STQ.csv");
    copy_fixture("csv/formats/STA.csv", dir, "STA.csv");
    copy_fixture("csv/formats/VX.csv", dir, "VX.csv");
    path_join(sub, dir, "sub/deeper");
    gzip_fixture("csv/formats/STQ.csv", sub, "BTC-USD.csv.gz");
    gzip_fixture("csv/formats/AV.csv", sub, "AVGZ.CSV.GZ");
    tu_write_file(path_join(sub, dir, "notes.txt"), "not data\n");
    return dir;
}

static void a_folder_of_every_format_plain_and_gz_imports(void **state)
{
    const char *dir = formats_dir();
    momo_import_summary sum;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(import_dir(dir, NULL, &ds, &sum, &err), MOMO_OK);
    assert_int_equal(sum.n_files, 7);
    assert_int_equal(sum.n_files_imported, 7);
    assert_int_equal(sum.n_files_skipped, 0);
    assert_int_equal(sum.n_formats[MOMO_CSV_ALPHA_VANTAGE], 2);
    assert_int_equal(sum.n_formats[MOMO_CSV_YAHOO], 1);
    assert_int_equal(sum.n_formats[MOMO_CSV_STOOQ], 3);
    assert_int_equal(sum.n_formats[MOMO_CSV_OHLC], 1);
    assert_int_equal(momo_dataset_n_symbols(ds), 7);
    assert_int_equal(sum.n_bars, 3 + 2 + 3 + 2 + 2 + 3 + 3);
    assert_int_equal(momo_dataset_n_bars(ds), sum.n_bars);
    /* the symbol is the file name without .csv / .csv.gz, case kept */
    assert_string_equal(momo_dataset_symbol(ds, 0)->name, "AV");
    assert_string_equal(momo_dataset_symbol(ds, 1)->name, "AVGZ");
    assert_string_equal(momo_dataset_symbol(ds, 2)->name, "BTC-USD");
    same_bars(ds, "BTC-USD", ds, "STQ");
    same_bars(ds, "AVGZ", ds, "AV");
    assert_true(sym_of(ds, "AV")->first_date < sym_of(ds, "AV")->last_date);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void a_file_with_an_unknown_header_is_skipped_and_listed(
    void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_bad"));
    momo_import_summary sum;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char want[4200];

    (void)state;
    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    gzip_fixture("csv/bad/BAD.csv", dir, "BF.B.csv.gz");
    tu_write_file(path_join(want, dir, "HDR.csv"), "Date,Close\n");
    tu_write_file(path_join(want, dir, "EMPTY.csv"),
                  "Date,Open,High,Low,Close\n2020-01-02,0,1,1,1\n");
    assert_int_equal(import_dir(dir, NULL, &ds, &sum, &err), MOMO_OK);
    assert_int_equal(sum.n_files, 4);
    assert_int_equal(sum.n_files_imported, 1);
    assert_int_equal(sum.n_files_skipped, 3);
    assert_int_equal(momo_dataset_n_symbols(ds), 1);
    snprintf(want, sizeof(want), "%s/BF.B.csv.gz:1: header '{' is not a "
             "known format (no date column)", dir);
    assert_string_equal(sum.skipped[0].reason, want);
    assert_non_null(strstr(sum.skipped[0].path, "BF.B.csv.gz"));
    assert_non_null(strstr(sum.skipped[1].reason, "EMPTY.csv: no valid rows "
                                                  "(1 read, 1 skipped)"));
    assert_non_null(strstr(sum.skipped[2].reason, "HDR.csv:1: header "
                                                  "'Date,Close' is not a "
                                                  "known format (no open "
                                                  "column)"));
    assert_int_equal(sum.n_row_issues[MOMO_ROW_NONPOSITIVE], 1);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void skipped_rows_are_counted_by_reason(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_rules"));
    momo_import_summary sum;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    (void)state;
    copy_fixture("csv/rules/RULES.csv", dir, "RULES.csv");
    assert_int_equal(import_dir(dir, NULL, &ds, &sum, &err), MOMO_OK);
    assert_int_equal(sum.n_rows, 13);
    assert_int_equal(sum.n_rows_skipped, 7);
    assert_int_equal(sum.n_row_issues[MOMO_ROW_MISSING_PRICE], 1);
    assert_int_equal(sum.n_row_issues[MOMO_ROW_NONPOSITIVE], 2);
    assert_int_equal(sum.n_row_issues[MOMO_ROW_BAD_DATE], 1);
    assert_int_equal(sum.n_row_issues[MOMO_ROW_FIELD_COUNT], 1);
    assert_int_equal(sum.n_row_issues[MOMO_ROW_BAD_NUMBER], 2);
    assert_int_equal(sum.n_duplicates, 1);
    assert_int_equal(sum.n_unsorted, 1);
    assert_int_equal(momo_dataset_n_bars(ds), 5);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void strict_turns_the_first_skipped_row_into_an_error(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_strict"));
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char want[4200];

    (void)state;
    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    copy_fixture("csv/rules/RULES.csv", dir, "RULES.csv");
    o.strict = 1;
    assert_int_equal(import_dir(dir, &o, &ds, NULL, &err), MOMO_EFORMAT);
    assert_null(ds);
    snprintf(want, sizeof(want), "%s/RULES.csv:3: column 'Open': missing",
             dir);
    assert_string_equal(err.msg, want);
}

static void strict_turns_an_unknown_header_into_an_error(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_strict_hdr"));
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    (void)state;
    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    copy_fixture("csv/bad/BAD.csv", dir, "BAD.csv");
    o.strict = 1;
    o.jobs = 2;
    assert_int_equal(import_dir(dir, &o, &ds, NULL, &err), MOMO_EFORMAT);
    assert_null(ds);
    assert_non_null(strstr(err.msg, "BAD.csv:1: header '{' is not a known "
                                    "format"));
}

static void two_files_giving_one_symbol_are_an_error_naming_both(
    void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_dup"));
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char a[4200], b[4200], want[9000];

    (void)state;
    path_join(a, dir, "a");
    path_join(b, dir, "b");
    copy_fixture("csv/formats/STQ.csv", a, "X.csv");
    gzip_fixture("csv/formats/STQ.csv", b, "X.csv.gz");
    assert_int_equal(import_dir(dir, NULL, &ds, NULL, &err), MOMO_EINVAL);
    assert_null(ds);
    snprintf(want, sizeof(want), "symbol 'X' comes from two files: %s/X.csv "
             "and %s/X.csv.gz", a, b);
    assert_string_equal(err.msg, want);
}

static void the_same_file_named_twice_is_read_once(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_twice"));
    const char *paths[2];
    char file[4200];
    momo_import_summary sum;
    momo_dataset *ds = NULL;

    (void)state;
    copy_fixture("csv/formats/STQ.csv", dir, "STQ.csv");
    paths[0] = dir;
    paths[1] = path_join(file, dir, "STQ.csv");
    assert_int_equal(momo_data_import(paths, 2, NULL, &ds, &sum, NULL),
                     MOMO_OK);
    assert_int_equal(sum.n_files, 1);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void universe_metadata_is_attached_and_unlisted_files_are_stocks(
    void **state)
{
    const char *dir = formats_dir();
    const char *uni[2];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    const momo_symbol *s;

    (void)state;
    uni[0] = tu_fixture("csv/universe/extra.csv");
    uni[1] = tu_fixture("csv/universe/constituents.csv");
    o.universe = uni;
    o.n_universe = 2;
    assert_int_equal(import_dir(dir, &o, &ds, &sum, &err), MOMO_OK);
    s = sym_of(ds, "AV");
    assert_string_equal(s->sector, "Industrials");   /* the later file */
    assert_int_equal(s->size, MOMO_SIZE_LARGE);       /* the earlier one */
    assert_int_equal(s->asset_class, MOMO_STOCK);
    s = sym_of(ds, "BTC-USD");
    assert_int_equal(s->asset_class, MOMO_CRYPTO);
    s = sym_of(ds, "YH");
    assert_string_equal(s->sector, "Tech");
    assert_int_equal(s->size, MOMO_SIZE_MID);
    s = sym_of(ds, "STA");
    assert_int_equal(s->asset_class, MOMO_STOCK);
    assert_string_equal(s->sector, "");
    assert_int_equal(s->size, MOMO_SIZE_NONE);
    /* listed: SPY BTC-USD AV YH STQ MAP; without data: SPY, MAP */
    assert_int_equal(sum.n_universe, 6);
    assert_int_equal(sum.n_universe_unused, 2);
    /* unlisted: AVGZ, STA, VX */
    assert_int_equal(sum.n_unlisted, 3);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void universe_files_among_the_data_are_not_read_as_data(
    void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_uni_inside"));
    char uni_path[4200];
    const char *uni[1];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    momo_dataset *ds = NULL;

    (void)state;
    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    copy_fixture("csv/universe/extra.csv", dir, "universe.csv");
    uni[0] = path_join(uni_path, dir, "universe.csv");
    o.universe = uni;
    o.n_universe = 1;
    assert_int_equal(import_dir(dir, &o, &ds, &sum, NULL), MOMO_OK);
    assert_int_equal(sum.n_files, 1);
    assert_int_equal(sum.n_files_skipped, 0);
    assert_string_equal(sym_of(ds, "AV")->sector, "Energy");
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

static void a_bad_universe_file_stops_the_import(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_uni_bad"));
    char uni_path[4200];
    const char *uni[1];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    char want[4300];

    (void)state;
    copy_fixture("csv/formats/AV.csv", dir, "AV.csv");
    tu_write_file(path_join(uni_path, dir, "u.txt"),
                  "symbol,asset_class\nAV,stonk\n");
    uni[0] = uni_path;
    o.universe = uni;
    o.n_universe = 1;
    assert_int_equal(import_dir(dir, &o, &ds, NULL, &err), MOMO_EFORMAT);
    snprintf(want, sizeof(want), "%s:2: asset_class: unknown 'stonk' "
             "(stock, crypto, etf, bond, index)", uni_path);
    assert_string_equal(err.msg, want);
    assert_null(ds);
}

static void column_mapping_option_imports_an_unknown_layout(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_map"));
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    momo_series s;

    (void)state;
    copy_fixture("csv/mapped/MAP.csv", dir, "MAP.csv");
    copy_fixture("csv/formats/STQ.csv", dir, "STQ.csv");
    assert_int_equal(import_dir(dir, NULL, &ds, &sum, NULL), MOMO_OK);
    assert_int_equal(sum.n_files_skipped, 1);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
    o.columns = "date=Day,open=O,high=H,low=L,close=C,adj_close=AC,volume=V";
    assert_int_equal(import_dir(dir, &o, &ds, &sum, &err), MOMO_OK);
    assert_int_equal(sum.n_files_imported, 2);
    assert_int_equal(sum.n_formats[MOMO_CSV_MAPPED], 1);
    assert_int_equal(sum.n_formats[MOMO_CSV_STOOQ], 1);
    momo_dataset_series(ds, (size_t)momo_dataset_find(ds, "MAP"), &s);
    assert_true(s.open[0] == 5.0);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
    o.columns = "date=Day";
    assert_int_equal(import_dir(dir, &o, &ds, NULL, &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "--columns: field 'open' is required");
}

static void paths_without_data_files_are_an_error(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("imp_none"));
    const char *paths[1];
    char file[4200];
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(import_dir(dir, NULL, &ds, NULL, &err),
                     MOMO_ENOTFOUND);
    momo_err_clear(&err);
    tu_write_file(path_join(file, dir, "x.txt"), "Date\n");
    paths[0] = file;
    assert_int_equal(momo_data_import(paths, 1, NULL, &ds, NULL, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "x.txt: not a .csv or .csv.gz file"));
    momo_err_clear(&err);
    paths[0] = "/nonexistent/momo/data";
    assert_int_equal(momo_data_import(paths, 1, NULL, &ds, NULL, &err),
                     MOMO_EIO);
    assert_string_equal(err.msg, "/nonexistent/momo/data: cannot open: No "
                                 "such file or directory");
    assert_null(ds);
}

/* Many small files, some broken, for the thread-count comparison. */
static const char *many_files_dir(void)
{
    static char buf[4096];
    const char *dir = keep(buf, tu_tmpdir("imp_many"));
    char path[4200], name[32];

    for (int k = 0; k < 60; k++) {
        FILE *f;

        snprintf(name, sizeof(name), "S%02d.csv", k);
        f = fopen(path_join(path, dir, name), "w");
        assert_non_null(f);
        fprintf(f, k % 2 ? "Date,Open,High,Low,Close,Volume\n"
                         : "timestamp,open,high,low,close,adjusted_close,"
                           "volume\n");
        for (int d = 0; d < 200 + k; d++) {
            double c = 10 + (d * 7 + k * 13) % 17 * 0.37;

            if (k % 2)
                fprintf(f, "2010-%02d-%02d,%.2f,%.2f,%.2f,%.2f,%d\n",
                        1 + d / 28 % 12, 1 + d % 28, c, c + 1, c - 1, c,
                        d * 100);
            else
                fprintf(f, "2010-%02d-%02d,%.2f,%.2f,%.2f,%.2f,%.4f,%d\n",
                        1 + d / 28 % 12, 1 + d % 28, c, c + 1, c - 1, c,
                        c * 0.9, d * 100);
        }
        if (k % 7 == 0)
            fprintf(f, "bad row\n");
        fclose(f);
    }
    copy_fixture("csv/bad/BAD.csv", dir, "ZZBAD.csv");
    return dir;
}

static void the_dataset_is_the_same_for_1_2_and_4_jobs(void **state)
{
    const char *dir = many_files_dir();
    static const int jobs[] = { 1, 2, 4 };
    uint32_t crc[3];
    size_t bars[3];

    (void)state;
    for (int i = 0; i < 3; i++) {
        momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
        momo_import_summary sum;
        momo_dataset *ds = NULL;

        o.jobs = jobs[i];
        assert_int_equal(import_dir(dir, &o, &ds, &sum, NULL), MOMO_OK);
        assert_int_equal(sum.n_files_imported, 60);
        assert_int_equal(sum.n_files_skipped, 1);
        assert_int_equal(sum.n_row_issues[MOMO_ROW_FIELD_COUNT], 9);
        crc[i] = momo_dataset_checksum(ds);
        bars[i] = momo_dataset_n_bars(ds);
        momo_import_summary_release(&sum);
        momo_dataset_close(ds);
    }
    assert_int_equal(crc[0], crc[1]);
    assert_int_equal(crc[0], crc[2]);
    assert_int_equal(bars[0], bars[2]);
}

static void import_fails_cleanly_on_every_allocation(void **state)
{
    const char *dir = formats_dir();
    const char *uni[1];

    (void)state;
    uni[0] = tu_fixture("csv/universe/extra.csv");
    for (int jobs = 1; jobs <= 2; jobs++)
        for (long nth = 1;; nth++) {
            momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
            momo_import_summary sum;
            momo_dataset *ds = NULL;
            momo_err err = { 0 };
            int rc;

            o.universe = uni;
            o.n_universe = 1;
            o.jobs = jobs;
            core_fail_alloc_at(nth);
            rc = import_dir(dir, &o, &ds, &sum, &err);
            core_fail_alloc_at(0);
            momo_import_summary_release(&sum);
            if (rc == MOMO_OK) {
                assert_int_equal(momo_dataset_n_symbols(ds), 7);
                momo_dataset_close(ds);
                break;
            }
            assert_int_equal(rc, MOMO_ENOMEM);
            assert_null(ds);
            assert_true(nth < 1000);
        }
}

/*---- The shared data ----*/

static void the_whole_shared_data_imports_in_one_call(void **state)
{
    const char *paths[1], *uni[2];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_import_summary sum;
    momo_dataset_info info;
    momo_dataset *ds = NULL;
    momo_err err = { 0 };

    (void)state;
    TU_SKIP_WITHOUT_SHARED();
    paths[0] = tu_shared_data();
    uni[0] = tu_shared("sp500/constituents.csv");
    uni[1] = tu_shared("universe_extra.csv");
    o.universe = uni;
    o.n_universe = 2;
    assert_int_equal(momo_data_import(paths, 1, &o, &ds, &sum, &err),
                     MOMO_OK);
    assert_int_equal(sum.n_files, 511);
    assert_int_equal(sum.n_files_skipped, 1);
    assert_non_null(strstr(sum.skipped[0].path, "BF.B.csv.gz"));
    assert_int_equal(sum.n_rows_skipped, 0);
    assert_int_equal(sum.n_unlisted, 0);
    assert_int_equal(sum.n_universe_unused, 1);          /* BF.B */
    assert_int_equal(momo_dataset_describe(ds, &info, NULL), MOMO_OK);
    assert_int_equal(info.n_symbols, 510);
    assert_int_equal(info.by_class[MOMO_STOCK].n_symbols, 504);
    assert_int_equal(info.by_class[MOMO_STOCK].n_bars, 2402891);
    assert_int_equal(info.by_class[MOMO_CRYPTO].n_symbols, 3);
    assert_int_equal(info.by_class[MOMO_CRYPTO].n_bars, 1864 + 787 + 924);
    assert_int_equal(info.by_class[MOMO_ETF].n_symbols, 1);
    assert_int_equal(info.by_class[MOMO_BOND].n_symbols, 1);
    assert_int_equal(info.by_class[MOMO_INDEX].n_symbols, 1);
    assert_int_equal(sym_of(ds, "SPY")->asset_class, MOMO_ETF);
    assert_int_equal(sym_of(ds, "SPY")->n_bars, 7838);
    assert_int_equal(sym_of(ds, "AGG")->asset_class, MOMO_BOND);
    assert_int_equal(sym_of(ds, "AGG")->n_bars, 5389);
    assert_int_equal(sym_of(ds, "VIX")->asset_class, MOMO_INDEX);
    assert_int_equal(sym_of(ds, "VIX")->n_bars, 9235);
    assert_string_equal(sym_of(ds, "AAPL")->sector,
                        "Information Technology");
    assert_int_equal(momo_dataset_find(ds, "BF.B"), -1);
    assert_int_equal(sum.n_formats[MOMO_CSV_ALPHA_VANTAGE], 504);
    assert_int_equal(sum.n_formats[MOMO_CSV_YAHOO], 2);
    assert_int_equal(sum.n_formats[MOMO_CSV_STOOQ], 3);
    assert_int_equal(sum.n_formats[MOMO_CSV_OHLC], 1);
    momo_dataset_info_release(&info);
    momo_import_summary_release(&sum);
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_folder_of_every_format_plain_and_gz_imports),
        cmocka_unit_test(a_file_with_an_unknown_header_is_skipped_and_listed),
        cmocka_unit_test(skipped_rows_are_counted_by_reason),
        cmocka_unit_test(strict_turns_the_first_skipped_row_into_an_error),
        cmocka_unit_test(strict_turns_an_unknown_header_into_an_error),
        cmocka_unit_test(two_files_giving_one_symbol_are_an_error_naming_both),
        cmocka_unit_test(the_same_file_named_twice_is_read_once),
        cmocka_unit_test(
            universe_metadata_is_attached_and_unlisted_files_are_stocks),
        cmocka_unit_test(universe_files_among_the_data_are_not_read_as_data),
        cmocka_unit_test(a_bad_universe_file_stops_the_import),
        cmocka_unit_test(column_mapping_option_imports_an_unknown_layout),
        cmocka_unit_test(paths_without_data_files_are_an_error),
        cmocka_unit_test(the_dataset_is_the_same_for_1_2_and_4_jobs),
        cmocka_unit_test(import_fails_cleanly_on_every_allocation),
        cmocka_unit_test(the_whole_shared_data_imports_in_one_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
