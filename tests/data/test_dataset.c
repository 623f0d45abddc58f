/* tests/data/test_dataset.c - tests for src/data/dataset.c */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/dataset.h"

static const int32_t dates[] = { 18000, 18001, 18004 };
static const double o[] = { 10, 11, 12 }, h[] = { 11, 12, 13 },
                    l[] = { 9, 10, 11 }, c[] = { 10.5, 11.5, 12.5 },
                    v[] = { 100, 0, 300 };

static int build(momo_dataset **out)
{
    momo_dataset_builder *b;
    momo_symbol m = { 0 };
    momo_series s = { 3, dates, o, h, l, c, v };
    momo_err err = { 0 };
    int rc = momo_dataset_builder_new(&b, &err);

    if (rc != MOMO_OK)
        return rc;
    m.name = "ZZZ";
    m.sector = "Tech";
    m.asset_class = MOMO_STOCK;
    m.size = MOMO_SIZE_LARGE;
    rc = momo_dataset_builder_add(b, &m, &s, &err);
    m.name = "BTC";
    m.sector = "";
    m.asset_class = MOMO_CRYPTO;
    m.size = MOMO_SIZE_NONE;
    s.n = 2;
    if (rc == MOMO_OK)
        rc = momo_dataset_builder_add(b, &m, &s, &err);
    if (rc != MOMO_OK) {
        momo_dataset_builder_free(b);
        return rc;
    }
    return momo_dataset_builder_finish(b, out, &err);
}

static void built_dataset_sorts_symbols_and_keeps_bars(void **state)
{
    momo_dataset *ds = NULL;
    momo_series s;

    (void)state;
    assert_int_equal(build(&ds), MOMO_OK);
    assert_int_equal(momo_dataset_n_symbols(ds), 2);
    assert_int_equal(momo_dataset_n_bars(ds), 5);
    assert_string_equal(momo_dataset_symbol(ds, 0)->name, "BTC");
    assert_string_equal(momo_dataset_symbol(ds, 1)->name, "ZZZ");
    assert_string_equal(momo_dataset_symbol(ds, 1)->sector, "Tech");
    assert_int_equal(momo_dataset_symbol(ds, 0)->asset_class, MOMO_CRYPTO);
    assert_int_equal(momo_dataset_find(ds, "ZZZ"), 1);
    assert_int_equal(momo_dataset_find(ds, "NOPE"), -1);
    momo_dataset_series(ds, 1, &s);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.date[2], 18004);
    assert_true(s.close[1] == 11.5);
    assert_true(s.volume[2] == 300);
    assert_int_equal((uintptr_t)s.close % 64, 0);
    assert_int_equal(momo_dataset_verify(ds, NULL), MOMO_OK);
    momo_dataset_close(ds);
}

static void saved_file_opens_to_the_same_content(void **state)
{
    const char *dir = tu_tmpdir("ds_save");
    char path[4200];
    momo_dataset *a = NULL, *b = NULL;
    momo_err err = { 0 };
    momo_series sa, sb;

    (void)state;
    snprintf(path, sizeof(path), "%s/x.momo", dir);
    assert_int_equal(build(&a), MOMO_OK);
    assert_int_equal(momo_dataset_save(a, path, &err), MOMO_OK);
    assert_int_equal(momo_dataset_open(path, &b, &err), MOMO_OK);
    assert_int_equal(momo_dataset_checksum(a), momo_dataset_checksum(b));
    assert_int_equal(momo_dataset_verify(b, &err), MOMO_OK);
    momo_dataset_series(a, 1, &sa);
    momo_dataset_series(b, 1, &sb);
    assert_memory_equal(sa.close, sb.close, 3 * sizeof(double));
    assert_string_equal(momo_dataset_path(b), path);
    momo_dataset_close(a);
    momo_dataset_close(b);
}

static void damaged_files_are_refused_with_the_file_name(void **state)
{
    const char *dir = tu_tmpdir("ds_bad");
    char path[4200];
    momo_dataset *a = NULL, *b = NULL;
    momo_err err = { 0 };
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/x.momo", dir);
    assert_int_equal(build(&a), MOMO_OK);
    assert_int_equal(momo_dataset_save(a, path, &err), MOMO_OK);
    momo_dataset_close(a);
    /* truncated */
    assert_int_equal(tu_system("truncate -s 500 '%s'", path), 0);
    assert_int_equal(momo_dataset_open(path, &b, &err), MOMO_EFORMAT);
    assert_null(b);
    assert_non_null(strstr(err.msg, path));
    /* not a dataset */
    tu_write_file(path, "date,open\n");
    momo_err_clear(&err);
    assert_int_equal(momo_dataset_open(path, &b, &err), MOMO_EFORMAT);
    /* a flipped payload byte fails verification, not opening */
    assert_int_equal(build(&a), MOMO_OK);
    assert_int_equal(momo_dataset_save(a, path, &err), MOMO_OK);
    momo_dataset_close(a);
    f = fopen(path, "r+b");
    fseek(f, -8, SEEK_END);
    fputc(0x5a, f);
    fclose(f);
    momo_err_clear(&err);
    assert_int_equal(momo_dataset_open(path, &b, &err), MOMO_OK);
    assert_int_equal(momo_dataset_verify(b, &err), MOMO_EFORMAT);
    assert_non_null(strstr(err.msg, "checksum"));
    momo_dataset_close(b);
    /* missing file */
    momo_err_clear(&err);
    assert_int_equal(momo_dataset_open("/nonexistent/x.momo", &b, &err),
                     MOMO_EIO);
}

static void builder_rejects_bad_rows_and_duplicates(void **state)
{
    momo_dataset_builder *b;
    momo_symbol m = { 0 };
    const int32_t bad_dates[] = { 5, 5, 6 };
    const double neg[] = { 1, -1, 1 };
    momo_series s = { 3, bad_dates, o, h, l, c, v };
    momo_err err = { 0 };

    (void)state;
    m.name = "A";
    assert_int_equal(momo_dataset_builder_new(&b, &err), MOMO_OK);
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, &err), MOMO_EINVAL);
    s.date = dates;
    s.low = neg;
    momo_err_clear(&err);
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, &err), MOMO_EINVAL);
    s.low = l;
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_OK);
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_EINVAL);
    momo_dataset_builder_free(b);
}

static void building_fails_cleanly_on_every_allocation(void **state)
{
    (void)state;
    for (long nth = 1;; nth++) {
        momo_dataset *ds = NULL;
        int rc;

        core_fail_alloc_at(nth);
        rc = build(&ds);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            momo_dataset_close(ds);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        assert_null(ds);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(built_dataset_sorts_symbols_and_keeps_bars),
        cmocka_unit_test(saved_file_opens_to_the_same_content),
        cmocka_unit_test(damaged_files_are_refused_with_the_file_name),
        cmocka_unit_test(builder_rejects_bad_rows_and_duplicates),
        cmocka_unit_test(building_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
