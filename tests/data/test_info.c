/* tests/data/test_info.c - tests for src/data/info.c */
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "momo/data.h"

static void add(momo_dataset_builder *b, const char *name, const char *sector,
                int cls, int size, size_t n, int32_t first)
{
    int32_t d[8];
    double p[8], v[8];
    momo_symbol m = { 0 };
    momo_series s = { n, d, p, p, p, p, v };

    for (size_t i = 0; i < n; i++) {
        d[i] = first + (int32_t)i;
        p[i] = 10;
        v[i] = 1;
    }
    m.name = name;
    m.sector = sector;
    m.asset_class = cls;
    m.size = size;
    assert_int_equal(momo_dataset_builder_add(b, &m, &s, NULL), MOMO_OK);
}

static void description_counts_classes_sectors_and_sizes(void **state)
{
    momo_dataset_builder *b;
    momo_dataset *ds = NULL;
    momo_dataset_info in;

    (void)state;
    assert_int_equal(momo_dataset_builder_new(&b, NULL), MOMO_OK);
    add(b, "A", "Tech", MOMO_STOCK, MOMO_SIZE_LARGE, 5, 100);
    add(b, "B", "Energy", MOMO_STOCK, MOMO_SIZE_LARGE, 3, 90);
    add(b, "C", "Tech", MOMO_STOCK, MOMO_SIZE_SMALL, 8, 103);
    add(b, "BTC", "", MOMO_CRYPTO, MOMO_SIZE_NONE, 7, 50);
    add(b, "VIX", "", MOMO_INDEX, MOMO_SIZE_NONE, 2, 200);
    assert_int_equal(momo_dataset_builder_finish(b, &ds, NULL), MOMO_OK);
    assert_int_equal(momo_dataset_describe(ds, &in, NULL), MOMO_OK);
    assert_int_equal(in.n_symbols, 5);
    assert_int_equal(in.n_bars, 25);
    assert_int_equal(in.first_date, 50);
    assert_int_equal(in.last_date, 201);
    assert_int_equal(in.by_class[MOMO_STOCK].n_symbols, 3);
    assert_int_equal(in.by_class[MOMO_STOCK].n_bars, 16);
    assert_int_equal(in.by_class[MOMO_STOCK].first_date, 90);
    assert_int_equal(in.by_class[MOMO_STOCK].last_date, 110);
    assert_int_equal(in.by_class[MOMO_CRYPTO].last_date, 56);
    assert_int_equal(in.by_class[MOMO_ETF].n_symbols, 0);
    assert_int_equal(in.by_size[MOMO_SIZE_LARGE], 2);
    assert_int_equal(in.by_size[MOMO_SIZE_SMALL], 1);
    assert_int_equal(in.by_size[MOMO_SIZE_NONE], 2);
    assert_int_equal(in.n_sectors, 3);
    assert_string_equal(in.sectors[0].name, "");
    assert_int_equal(in.sectors[0].n_symbols, 2);
    assert_string_equal(in.sectors[1].name, "Energy");
    assert_string_equal(in.sectors[2].name, "Tech");
    assert_int_equal(in.sectors[2].n_symbols, 2);
    momo_dataset_info_release(&in);
    momo_dataset_close(ds);
}

static void description_fails_cleanly_without_memory(void **state)
{
    momo_dataset_builder *b;
    momo_dataset *ds = NULL;
    momo_dataset_info in;

    (void)state;
    assert_int_equal(momo_dataset_builder_new(&b, NULL), MOMO_OK);
    add(b, "A", "Tech", MOMO_STOCK, MOMO_SIZE_LARGE, 5, 100);
    assert_int_equal(momo_dataset_builder_finish(b, &ds, NULL), MOMO_OK);
    for (long nth = 1; nth <= 2; nth++) {
        core_fail_alloc_at(nth);
        assert_int_equal(momo_dataset_describe(ds, &in, NULL), MOMO_ENOMEM);
        core_fail_alloc_at(0);
        assert_null(in.sectors);
    }
    momo_dataset_close(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(description_counts_classes_sectors_and_sizes),
        cmocka_unit_test(description_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
