/* tests/data/test_universe.c - tests for src/data/universe.c */
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "data/csv.h"

static int load_text(struct universe *u, const char *name, const char *text,
                     momo_err *err)
{
    int rc = ds_universe_parse(u, name, text, strlen(text), err);

    return rc == MOMO_OK ? ds_universe_finish(u, err) : rc;
}

static void extra_form_gives_class_sector_and_size(void **state)
{
    struct universe u;
    const struct uni_entry *e;

    (void)state;
    ds_universe_init(&u);
    assert_int_equal(ds_universe_load(&u, tu_fixture("csv/universe/extra.csv"),
                                      NULL), MOMO_OK);
    assert_int_equal(ds_universe_finish(&u, NULL), MOMO_OK);
    assert_int_equal(u.n, 4);
    e = ds_universe_find(&u, "SPY");
    assert_non_null(e);
    assert_int_equal(e->asset_class, MOMO_ETF);
    assert_string_equal(e->sector, "");
    e = ds_universe_find(&u, "BTC-USD");
    assert_int_equal(e->asset_class, MOMO_CRYPTO);
    e = ds_universe_find(&u, "YH");
    assert_int_equal(e->asset_class, MOMO_STOCK);
    assert_string_equal(e->sector, "Tech");
    assert_int_equal(e->size, MOMO_SIZE_MID);
    assert_null(ds_universe_find(&u, "NOPE"));
    ds_universe_release(&u);
}

static void blank_asset_class_means_stock(void **state)
{
    struct universe u;
    const struct uni_entry *e;

    (void)state;
    ds_universe_init(&u);
    assert_int_equal(ds_universe_load(&u, tu_fixture("csv/universe/extra.csv"),
                                      NULL), MOMO_OK);
    assert_int_equal(ds_universe_finish(&u, NULL), MOMO_OK);
    e = ds_universe_find(&u, "AV");
    assert_int_equal(e->asset_class, MOMO_STOCK);
    assert_string_equal(e->sector, "Energy");
    assert_int_equal(e->size, MOMO_SIZE_LARGE);
    ds_universe_release(&u);
}

static void constituents_form_makes_stocks_with_their_sector(void **state)
{
    struct universe u;
    const struct uni_entry *e;

    (void)state;
    ds_universe_init(&u);
    assert_int_equal(ds_universe_load(&u,
                                      tu_fixture("csv/universe/"
                                                 "constituents.csv"), NULL),
                     MOMO_OK);
    assert_int_equal(ds_universe_finish(&u, NULL), MOMO_OK);
    assert_int_equal(u.n, 3);
    e = ds_universe_find(&u, "AV");
    assert_int_equal(e->asset_class, MOMO_STOCK);
    assert_string_equal(e->sector, "Industrials");
    assert_int_equal(e->size, MOMO_SIZE_NONE);
    assert_string_equal(ds_universe_find(&u, "MAP")->sector, "Utilities");
    ds_universe_release(&u);
}

static void later_files_override_earlier_ones_column_by_column(void **state)
{
    struct universe u;
    const struct uni_entry *e;

    (void)state;
    ds_universe_init(&u);
    assert_int_equal(ds_universe_load(&u, tu_fixture("csv/universe/extra.csv"),
                                      NULL), MOMO_OK);
    assert_int_equal(ds_universe_load(&u,
                                      tu_fixture("csv/universe/"
                                                 "constituents.csv"), NULL),
                     MOMO_OK);
    assert_int_equal(ds_universe_load(&u, tu_fixture("csv/universe/sizes.csv"),
                                      NULL), MOMO_OK);
    assert_int_equal(ds_universe_finish(&u, NULL), MOMO_OK);
    assert_int_equal(u.n, 6);
    e = ds_universe_find(&u, "AV");
    /* sector from constituents.csv, size from sizes.csv */
    assert_string_equal(e->sector, "Industrials");
    assert_int_equal(e->size, MOMO_SIZE_SMALL);
    assert_int_equal(e->asset_class, MOMO_STOCK);
    /* untouched by the later files */
    assert_string_equal(ds_universe_find(&u, "YH")->sector, "Tech");
    assert_int_equal(ds_universe_find(&u, "SPY")->asset_class, MOMO_ETF);
    ds_universe_release(&u);
}

static void later_class_wins_over_an_earlier_one(void **state)
{
    const char *a = "symbol,asset_class\nX,etf\nY,bond\n";
    struct universe u;
    momo_err err = { 0 };

    (void)state;
    ds_universe_init(&u);
    assert_int_equal(ds_universe_parse(&u, "a.csv", a, strlen(a), &err),
                     MOMO_OK);
    assert_int_equal(load_text(&u, "b.csv", "Symbol,Class\nX,Crypto\n", &err),
                     MOMO_OK);
    assert_int_equal(ds_universe_find(&u, "X")->asset_class, MOMO_CRYPTO);
    assert_int_equal(ds_universe_find(&u, "Y")->asset_class, MOMO_BOND);
    ds_universe_release(&u);
}

static void bad_rows_name_file_line_and_field(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "symbol,asset_class\nA,stock\nB,fund\n",
          "u.csv:3: asset_class: unknown 'fund' (stock, crypto, etf, bond, "
          "index)" },
        { "symbol,size\nA,huge\n",
          "u.csv:2: size: unknown 'huge' (large, mid, small or empty)" },
        { "symbol,sector\n,Tech\n", "u.csv:2: symbol: empty" },
        { "symbol,sector\nA,Tech,extra\n",
          "u.csv:2: 3 fields, the header has 2" },
        { "symbol,sector\nABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG,Tech\n",
          "u.csv:2: symbol: longer than 31 bytes" },
        { "name,sector\nA,Tech\n",
          "u.csv:1: header: no 'symbol' column (symbol,asset_class,sector,"
          "size or Symbol,Name,Sector)" },
        { "symbol,sector\nA,Tech\nB,Energy\nA,Energy\n",
          "u.csv:4: symbol: 'A' already on line 2" },
        { "symbol,sector\nA,\"Tech\n", "u.csv:2: unterminated quote" },
        { "", "u.csv: empty universe file" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct universe u;
        momo_err err = { 0 };

        ds_universe_init(&u);
        assert_int_equal(load_text(&u, "u.csv", cases[i].text, &err),
                         MOMO_EFORMAT);
        assert_string_equal(err.msg, cases[i].msg);
        ds_universe_release(&u);
    }
}

static void loading_fails_cleanly_on_every_allocation(void **state)
{
    (void)state;
    for (long nth = 1;; nth++) {
        struct universe u;
        momo_err err = { 0 };
        int rc;

        ds_universe_init(&u);
        core_fail_alloc_at(nth);
        rc = ds_universe_load(&u, tu_fixture("csv/universe/extra.csv"),
                              &err);
        if (rc == MOMO_OK)
            rc = ds_universe_load(&u, tu_fixture("csv/universe/sizes.csv"),
                                  &err);
        if (rc == MOMO_OK)
            rc = ds_universe_finish(&u, &err);
        core_fail_alloc_at(0);
        if (rc == MOMO_OK) {
            assert_int_equal(ds_universe_find(&u, "AV")->size,
                             MOMO_SIZE_SMALL);
            ds_universe_release(&u);
            break;
        }
        assert_int_equal(rc, MOMO_ENOMEM);
        ds_universe_release(&u);
        assert_true(nth < 100);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extra_form_gives_class_sector_and_size),
        cmocka_unit_test(blank_asset_class_means_stock),
        cmocka_unit_test(constituents_form_makes_stocks_with_their_sector),
        cmocka_unit_test(later_files_override_earlier_ones_column_by_column),
        cmocka_unit_test(later_class_wins_over_an_earlier_one),
        cmocka_unit_test(bad_rows_name_file_line_and_field),
        cmocka_unit_test(loading_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
