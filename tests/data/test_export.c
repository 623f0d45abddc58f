/* tests/data/test_export.c - tests for src/data/export.c */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/data.h"

static const char *keep(char *buf, const char *path)
{
    snprintf(buf, 4096, "%s", path);
    return buf;
}

static momo_dataset *sample(void)
{
    static const int32_t d[] = { 18263, 18264, 18267 };
    static const double o[] = { 0.1, 1.0 / 3, 1e-7 },
                        h[] = { 0.30000000000000004, 2.0 / 3, 2e-7 },
                        l[] = { 0.05, 0.25, 5e-8 },
                        c[] = { 0.2, 0.5, 1.5e-7 },
                        v[] = { 123456789.123, 0, 2487300 / 0.0076897 };
    momo_dataset_builder *b;
    momo_dataset *ds = NULL;
    momo_symbol m = { 0 };
    momo_series s = { 3, d, o, h, l, c, v };

    assert_int_equal(momo_dataset_builder_new(&b, NULL), MOMO_OK);
    m.name = "AAA";
    m.sector = "Real Estate, \"REIT\"";
    m.asset_class = MOMO_STOCK;
    m.size = MOMO_SIZE_MID;
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_OK);
    m.name = "BTC-USD";
    m.sector = "";
    m.asset_class = MOMO_CRYPTO;
    m.size = MOMO_SIZE_NONE;
    s.n = 2;
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_OK);
    assert_int_equal(momo_dataset_builder_finish(b, &ds, NULL), MOMO_OK);
    return ds;
}

static void each_symbol_is_written_with_17_significant_digits(void **state)
{
    char dir_buf[4096], path[4200], *text;
    const char *dir = keep(dir_buf, tu_tmpdir("exp_text"));
    momo_dataset *ds = sample();
    size_t n, written;

    (void)state;
    assert_int_equal(momo_data_export(ds, dir, NULL, 0, &written, NULL),
                     MOMO_OK);
    assert_int_equal(written, 2);
    snprintf(path, sizeof(path), "%s/BTC-USD.csv", dir);
    assert_int_equal(core_read_file(path, 0, &text, &n, NULL), MOMO_OK);
    assert_string_equal(text,
                        "Date,Open,High,Low,Close,Volume\n"
                        "2020-01-02,0.10000000000000001,"
                        "0.30000000000000004,0.050000000000000003,"
                        "0.20000000000000001,123456789.123\n"
                        "2020-01-03,0.33333333333333331,0.66666666666666663,"
                        "0.25,0.5,0\n");
    core_free(text);
    snprintf(path, sizeof(path), "%s/universe.csv", dir);
    assert_int_equal(core_read_file(path, 0, &text, &n, NULL), MOMO_OK);
    assert_string_equal(text, "symbol,asset_class,sector,size\n"
                              "AAA,stock,\"Real Estate, \"\"REIT\"\"\",mid\n"
                              "BTC-USD,crypto,,\n");
    core_free(text);
    momo_dataset_close(ds);
}

static void importing_an_export_gives_identical_bars_and_metadata(
    void **state)
{
    char dir_buf[4096], uni_path[4200];
    const char *dir = keep(dir_buf, tu_tmpdir("exp_round"));
    const char *paths[1], *uni[1];
    momo_import_opts o = MOMO_IMPORT_OPTS_INIT;
    momo_dataset *a = sample(), *b = NULL;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(momo_data_export(a, dir, NULL, 0, NULL, NULL), MOMO_OK);
    snprintf(uni_path, sizeof(uni_path), "%s/universe.csv", dir);
    paths[0] = dir;
    uni[0] = uni_path;
    o.universe = uni;
    o.n_universe = 1;
    assert_int_equal(momo_data_import(paths, 1, &o, &b, NULL, &err),
                     MOMO_OK);
    assert_int_equal(momo_dataset_n_symbols(b), 2);
    for (size_t sym = 0; sym < 2; sym++) {
        const momo_symbol *x = momo_dataset_symbol(a, sym);
        const momo_symbol *y = momo_dataset_symbol(b, sym);
        momo_series sx, sy;

        assert_string_equal(x->name, y->name);
        assert_string_equal(x->sector, y->sector);
        assert_int_equal(x->asset_class, y->asset_class);
        assert_int_equal(x->size, y->size);
        momo_dataset_series(a, sym, &sx);
        momo_dataset_series(b, sym, &sy);
        assert_int_equal(sx.n, sy.n);
        assert_memory_equal(sx.date, sy.date, sx.n * sizeof(int32_t));
        assert_memory_equal(sx.open, sy.open, sx.n * sizeof(double));
        assert_memory_equal(sx.high, sy.high, sx.n * sizeof(double));
        assert_memory_equal(sx.low, sy.low, sx.n * sizeof(double));
        assert_memory_equal(sx.close, sy.close, sx.n * sizeof(double));
        assert_memory_equal(sx.volume, sy.volume, sx.n * sizeof(double));
    }
    /* the whole payload, metadata included, is the same */
    assert_int_equal(momo_dataset_checksum(a), momo_dataset_checksum(b));
    momo_dataset_close(a);
    momo_dataset_close(b);
}

static void only_the_symbols_asked_for_are_written(void **state)
{
    char dir_buf[4096], path[4200];
    const char *dir = keep(dir_buf, tu_tmpdir("exp_subset"));
    const char *want[] = { "BTC-USD", "BTC-USD" }, *bad[] = { "NOPE" };
    momo_dataset *ds = sample();
    momo_err err = { 0 };
    size_t written;

    (void)state;
    assert_int_equal(momo_data_export(ds, dir, want, 2, &written, NULL),
                     MOMO_OK);
    assert_int_equal(written, 1);
    snprintf(path, sizeof(path), "%s/AAA.csv", dir);
    assert_int_not_equal(tu_system("test -e '%s'", path), 0);
    assert_int_equal(momo_data_export(ds, dir, bad, 1, &written, &err),
                     MOMO_ENOTFOUND);
    assert_string_equal(err.msg, "symbol 'NOPE' is not in the dataset");
    momo_dataset_close(ds);
}

static void exporting_fails_cleanly_on_every_allocation(void **state)
{
    char dir_buf[4096];
    const char *dir = keep(dir_buf, tu_tmpdir("exp_fault"));
    momo_dataset *ds = sample();

    (void)state;
    for (long nth = 1;; nth++) {
        int rc;

        core_fail_alloc_at(nth);
        rc = momo_data_export(ds, dir, NULL, 0, NULL, NULL);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK)
            break;
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_true(nth < 200);
    }
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_symbol_is_written_with_17_significant_digits),
        cmocka_unit_test(
            importing_an_export_gives_identical_bars_and_metadata),
        cmocka_unit_test(only_the_symbols_asked_for_are_written),
        cmocka_unit_test(exporting_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
