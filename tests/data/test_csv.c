/* tests/data/test_csv.c - tests for src/data/csv.c */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "core/core.h"
#include "data/csv.h"

struct parsed {
    int rc;
    struct csv_bars b;
    struct csv_stats st;
    struct csv_issue *iss;
    momo_err err;
};

static void parse_text(const char *name, const char *text,
                       const struct csv_map *map, struct parsed *p)
{
    struct csv_opts o = { map, 100, 0 };

    memset(p, 0, sizeof(*p));
    p->rc = ds_csv_parse(name, text, strlen(text), &o, &p->b, &p->st, &p->iss,
                         &p->err);
}

static void parse_fixture(const char *rel, struct parsed *p)
{
    const char *path = tu_fixture(rel);
    char *text;
    size_t n;
    struct csv_opts o = { NULL, 100, 0 };

    assert_int_equal(core_read_file(path, 0, &text, &n, NULL), MOMO_OK);
    memset(p, 0, sizeof(*p));
    p->rc = ds_csv_parse(rel, text, n, &o, &p->b, &p->st, &p->iss, &p->err);
    core_free(text);
}

static void release(struct parsed *p)
{
    ds_csv_bars_release(&p->b);
    core_free(p->iss);
}

static int32_t day(const char *s)
{
    int32_t d;

    assert_int_equal(core_parse_date(s, strlen(s), &d), 0);
    return d;
}

/*---- Fields ----*/

static void split_trims_blanks_and_unquotes_fields(void **state)
{
    const char *line = " a ,\"b, c\" ,,\"d\"\"e\"";
    struct csv_field f[8];
    char buf[16];

    (void)state;
    assert_int_equal(ds_csv_split(line, strlen(line), f, 8), 4);
    assert_int_equal(f[0].n, 1);
    assert_memory_equal(f[0].s, "a", 1);
    assert_int_equal(f[1].n, 4);
    assert_memory_equal(f[1].s, "b, c", 4);
    assert_int_equal(f[2].n, 0);
    assert_true(f[3].quoted);
    assert_int_equal(ds_csv_field_copy(&f[3], buf, sizeof(buf)), 3);
    assert_string_equal(buf, "d\"e");
    assert_int_equal(ds_csv_split("a,", 2, f, 8), 2);
    assert_int_equal(ds_csv_split("a,b,c", 5, f, 1), 3);
    assert_int_equal(ds_csv_split("\"open", 5, f, 8), -1);
}

/*---- Formats ----*/

static void alpha_vantage_rows_are_back_adjusted_by_adjusted_close(
    void **state)
{
    struct parsed p;
    double f;

    (void)state;
    parse_fixture("csv/formats/AV.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_ALPHA_VANTAGE);
    assert_int_equal(p.b.n, 3);
    /* f = 52.5 / 105 = 0.5: open 100 -> 50, high 55, low 45, volume x2 */
    assert_int_equal(p.b.date[0], day("2020-01-02"));
    assert_true(p.b.open[0] == 50.0);
    assert_true(p.b.high[0] == 55.0);
    assert_true(p.b.low[0] == 45.0);
    assert_true(p.b.close[0] == 52.5);
    assert_true(p.b.volume[0] == 2000.0);
    /* f = 60 / 80 = 0.75: 100 -> 75, 112 -> 84, 96 -> 72, 3000 -> 4000 */
    assert_true(p.b.open[1] == 75.0);
    assert_true(p.b.high[1] == 84.0);
    assert_true(p.b.low[1] == 72.0);
    assert_true(p.b.close[1] == 60.0);
    assert_true(p.b.volume[1] == 4000.0);
    /* an awkward factor: the same operations in the same order */
    f = 0.596878742448 / 77.62;
    assert_true(p.b.open[2] == 80.0 * f);
    assert_true(p.b.high[2] == 80.69 * f);
    assert_true(p.b.low[2] == 77.37 * f);
    assert_true(p.b.close[2] == 0.596878742448);
    assert_true(p.b.volume[2] == 2487300.0 / f);
    assert_true(fabs(p.b.open[2] - 0.6151804) < 1e-6);  /* by hand */
    release(&p);
}

static void yahoo_rows_are_back_adjusted_by_adj_close(void **state)
{
    struct parsed p;
    double f = 26.912429809570312 / 47.03125;

    (void)state;
    parse_fixture("csv/formats/YH.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_YAHOO);
    assert_int_equal(p.b.n, 2);
    assert_true(p.b.open[0] == 46.84375 * f);
    assert_true(p.b.close[0] == 26.912429809570312);
    assert_true(p.b.volume[0] == 775500 / f);
    assert_true(p.b.open[1] == 5.0);
    assert_true(p.b.high[1] == 6.0);
    assert_true(p.b.low[1] == 4.0);
    assert_true(p.b.volume[1] == 200.0);
    release(&p);
}

static void columns_are_found_in_any_order_among_extra_ones(void **state)
{
    struct parsed p;

    (void)state;
    parse_text("x.csv",
               "Volume,Note,Close,DATE,adj close,LOW,High,Open\r\n"
               "100,hello,10,2020-01-02,5,9,11,10\r\n", NULL, &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_YAHOO);
    assert_int_equal(p.b.n, 1);
    assert_true(p.b.open[0] == 5.0);
    assert_true(p.b.high[0] == 5.5);
    assert_true(p.b.low[0] == 4.5);
    assert_true(p.b.close[0] == 5.0);
    assert_true(p.b.volume[0] == 200.0);
    release(&p);
}

static void stooq_rows_are_read_as_they_are(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/formats/STQ.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_STOOQ);
    assert_int_equal(p.b.n, 3);
    assert_true(p.b.open[1] == 376.42);
    assert_true(p.b.high[1] == 386.6);
    assert_true(p.b.low[1] == 372.25);
    assert_true(p.b.close[1] == 376.72);
    assert_true(p.b.volume[1] == 7245.19);
    release(&p);
}

static void stooq_download_form_with_angle_brackets_is_read(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/formats/STA.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_STOOQ);
    assert_int_equal(p.b.n, 2);
    assert_int_equal(p.b.date[0], day("2020-01-02"));
    assert_true(p.b.close[0] == 10.5);
    assert_true(p.b.volume[1] == 2000.0);
    release(&p);
}

static void ohlc_without_volume_gives_volume_zero(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/formats/VX.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_OHLC);
    assert_int_equal(p.b.n, 2);
    assert_true(p.b.close[1] == 18.19);
    assert_true(p.b.volume[0] == 0.0);
    assert_true(p.b.volume[1] == 0.0);
    release(&p);
}

static void unknown_header_is_refused_naming_file_and_reason(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/bad/BAD.csv", &p);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_string_equal(p.err.msg, "csv/bad/BAD.csv:1: header '{' is not a "
                                   "known format (no date column)");
    assert_int_equal(p.b.n, 0);
    assert_null(p.iss);
    parse_text("y.csv", "Date,Open,High,Low\n2020-01-02,1,2,3\n", NULL, &p);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_non_null(strstr(p.err.msg, "y.csv:1: "));
    assert_non_null(strstr(p.err.msg, "no close column"));
    parse_text("z.csv", "", NULL, &p);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_string_equal(p.err.msg, "z.csv: empty file");
    parse_text("w.csv", "Date,Close,Open,High,Low,close\n", NULL, &p);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_non_null(strstr(p.err.msg, "column 'close' appears twice"));
}

/*---- Column mapping ----*/

static void column_mapping_reads_a_layout_no_header_rule_knows(void **state)
{
    struct csv_map map;
    struct parsed p;
    char *text;
    size_t n;
    struct csv_opts o = { &map, 10, 0 };

    (void)state;
    assert_int_equal(ds_csv_map_parse("date=Day,open=O,high=H,low=L,close=C,"
                                      "adj_close=AC,volume=V", &map, NULL),
                     MOMO_OK);
    assert_int_equal(core_read_file(tu_fixture("csv/mapped/MAP.csv"), 0,
                                    &text, &n, NULL), MOMO_OK);
    memset(&p, 0, sizeof(p));
    p.rc = ds_csv_parse("MAP.csv", text, n, &o, &p.b, &p.st, &p.iss, &p.err);
    core_free(text);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_MAPPED);
    assert_int_equal(p.b.n, 2);
    assert_true(p.b.open[0] == 5.0);        /* f = 5 / 10 */
    assert_true(p.b.volume[0] == 200.0);
    assert_true(p.b.close[1] == 11.0);
    release(&p);
}

static void mapping_falls_back_to_detection_and_names_what_is_missing(
    void **state)
{
    struct csv_map map;
    struct parsed p;

    (void)state;
    assert_int_equal(ds_csv_map_parse("date=Day,open=O,high=H,low=L,close=C",
                                      &map, NULL), MOMO_OK);
    parse_text("s.csv", "Date,Open,High,Low,Close\n2020-01-02,1,2,1,2\n",
               &map, &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.format, MOMO_CSV_OHLC);
    release(&p);
    parse_text("t.csv", "Day,O,H,L\n2020-01-02,1,2,1\n", &map, &p);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_non_null(strstr(p.err.msg, "t.csv:1: "));
    assert_non_null(strstr(p.err.msg, "no column 'c' (--columns close)"));
}

static void bad_mappings_are_refused_naming_the_part(void **state)
{
    struct csv_map map;
    momo_err err = { 0 };

    (void)state;
    assert_int_equal(ds_csv_map_parse("date=D,open=O,high=H,low=L", &map,
                                      &err), MOMO_EINVAL);
    assert_string_equal(err.msg, "--columns: field 'close' is required");
    momo_err_clear(&err);
    assert_int_equal(ds_csv_map_parse("date=D,opne=O", &map, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "unknown field 'opne'"));
    momo_err_clear(&err);
    assert_int_equal(ds_csv_map_parse("date=D,date=E", &map, &err),
                     MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "'date' given twice"));
    momo_err_clear(&err);
    assert_int_equal(ds_csv_map_parse("date", &map, &err), MOMO_EINVAL);
    assert_non_null(strstr(err.msg, "'date' is not FIELD=NAME"));
}

/*---- Row rules ----*/

static void row_rules_skip_count_and_report_file_and_line(void **state)
{
    struct parsed p;
    const char *want[] = {
        "csv/rules/RULES.csv:3: column 'Open': missing",
        "csv/rules/RULES.csv:4: column 'Low': must be > 0, got 0",
        "csv/rules/RULES.csv:10: bad date '2020-13-01'",
        "csv/rules/RULES.csv:11: 4 fields, the header has 6",
        "csv/rules/RULES.csv:12: column 'Close': not a number 'abc'",
        "csv/rules/RULES.csv:13: column 'Close': must be > 0, got -1",
        "csv/rules/RULES.csv:14: column 'Volume': negative volume -5",
    };

    (void)state;
    parse_fixture("csv/rules/RULES.csv", &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.n_rows, 13);
    assert_int_equal(p.st.n_skipped, 7);
    assert_int_equal(p.st.skipped[MOMO_ROW_MISSING_PRICE], 1);
    assert_int_equal(p.st.skipped[MOMO_ROW_NONPOSITIVE], 2);
    assert_int_equal(p.st.skipped[MOMO_ROW_BAD_DATE], 1);
    assert_int_equal(p.st.skipped[MOMO_ROW_FIELD_COUNT], 1);
    assert_int_equal(p.st.skipped[MOMO_ROW_BAD_NUMBER], 2);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(p.iss[i].kind < MOMO_N_ROW_ISSUES, 1);
        assert_string_equal(p.iss[i].msg, want[i]);
    }
    assert_int_equal(p.iss[0].line, 3);
    release(&p);
}

static void missing_volume_is_zero_and_the_row_is_kept(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/rules/RULES.csv", &p);
    assert_int_equal(p.b.date[1], day("2020-01-07"));
    assert_true(p.b.volume[1] == 0.0);
    assert_true(p.b.close[1] == 10.5);
    release(&p);
    parse_text("n.csv", "Date,Open,High,Low,Close,Volume\n"
                        "2020-01-02,1,2,1,2,null\n", NULL, &p);
    assert_int_equal(p.b.n, 1);
    assert_true(p.b.volume[0] == 0.0);
    release(&p);
}

static void duplicate_date_keeps_the_last_row_of_the_file(void **state)
{
    struct parsed p;
    size_t k;

    (void)state;
    parse_fixture("csv/rules/RULES.csv", &p);
    assert_int_equal(p.st.n_duplicates, 1);
    assert_int_equal(p.b.date[2], day("2020-01-08"));
    assert_true(p.b.close[2] == 20.5);
    assert_true(p.b.volume[2] == 200.0);
    assert_int_equal(p.b.line[2], 7);
    for (k = 0; k < p.st.n_issues; k++)
        if (p.iss[k].kind == CSV_ISSUE_DUPLICATE)
            break;
    assert_true(k < p.st.n_issues);
    assert_string_equal(p.iss[k].msg, "csv/rules/RULES.csv:7: date "
                                      "2020-01-08 repeats line 6: the later "
                                      "row wins");
    release(&p);
}

static void rows_out_of_order_are_sorted_ascending(void **state)
{
    struct parsed p;

    (void)state;
    parse_fixture("csv/rules/RULES.csv", &p);
    assert_int_equal(p.st.n_unsorted, 1);
    assert_int_equal(p.b.n, 5);
    for (size_t i = 1; i < p.b.n; i++)
        assert_true(p.b.date[i] > p.b.date[i - 1]);
    assert_int_equal(p.b.date[3], day("2020-01-09"));
    assert_int_equal(p.b.line[3], 9);
    assert_int_equal(p.b.date[4], day("2020-01-10"));
    release(&p);
}

static void bom_crlf_blank_lines_and_quotes_are_tolerated(void **state)
{
    struct parsed p;

    (void)state;
    parse_text("b.csv", "\xEF\xBB\xBF\"Date\",\"Open\",High,Low,Close\r\n"
                        "\r\n  \n\"2020-01-02\",\"1.5\",2,1,2\r\n", NULL, &p);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.b.n, 1);
    assert_true(p.b.open[0] == 1.5);
    assert_int_equal(p.b.line[0], 4);
    assert_int_equal(p.st.n_skipped, 0);
    release(&p);
}

static void only_the_first_issues_are_kept_but_all_are_counted(void **state)
{
    struct csv_opts o = { NULL, 2, 0 };
    const char *t = "Date,Open,High,Low,Close\nx,1,1,1,1\ny,1,1,1,1\n"
                    "z,1,1,1,1\n2020-01-02,1,1,1,1\n";
    struct parsed p;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.rc = ds_csv_parse("q.csv", t, strlen(t), &o, &p.b, &p.st, &p.iss,
                        &p.err);
    assert_int_equal(p.rc, MOMO_OK);
    assert_int_equal(p.st.n_issues, 3);
    assert_int_equal(p.st.skipped[MOMO_ROW_BAD_DATE], 3);
    assert_string_equal(p.iss[1].msg, "q.csv:3: bad date 'y'");
    release(&p);
}

static void too_many_rows_refuse_the_file(void **state)
{
    struct csv_opts o = { NULL, 2, 2 };
    const char *t = "Date,Open,High,Low,Close\n2020-01-02,1,1,1,1\n"
                    "2020-01-03,1,1,1,1\n2020-01-06,1,1,1,1\n";
    struct parsed p;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.rc = ds_csv_parse("r.csv", t, strlen(t), &o, &p.b, &p.st, &p.iss,
                        &p.err);
    assert_int_equal(p.rc, MOMO_EFORMAT);
    assert_string_equal(p.err.msg, "r.csv:4: more than 2 rows");
}

static void parser_fails_cleanly_on_every_allocation(void **state)
{
    char *text;
    size_t n;

    (void)state;
    assert_int_equal(core_read_file(tu_fixture("csv/rules/RULES.csv"), 0,
                                    &text, &n, NULL), MOMO_OK);
    for (long nth = 1;; nth++) {
        struct csv_opts o = { NULL, 100, 0 };
        struct parsed p;

        memset(&p, 0, sizeof(p));
        core_fail_alloc_at(nth);
        p.rc = ds_csv_parse("f.csv", text, n, &o, &p.b, &p.st, &p.iss,
                            &p.err);
        core_fail_alloc_at(0);
        if (p.rc == MOMO_OK) {
            assert_int_equal(p.b.n, 5);
            release(&p);
            break;
        }
        assert_int_equal(p.rc, MOMO_ENOMEM);
        assert_null(p.b.date);
        assert_null(p.iss);
        assert_true(nth < 100);
    }
    core_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_trims_blanks_and_unquotes_fields),
        cmocka_unit_test(
            alpha_vantage_rows_are_back_adjusted_by_adjusted_close),
        cmocka_unit_test(yahoo_rows_are_back_adjusted_by_adj_close),
        cmocka_unit_test(columns_are_found_in_any_order_among_extra_ones),
        cmocka_unit_test(stooq_rows_are_read_as_they_are),
        cmocka_unit_test(stooq_download_form_with_angle_brackets_is_read),
        cmocka_unit_test(ohlc_without_volume_gives_volume_zero),
        cmocka_unit_test(unknown_header_is_refused_naming_file_and_reason),
        cmocka_unit_test(column_mapping_reads_a_layout_no_header_rule_knows),
        cmocka_unit_test(
            mapping_falls_back_to_detection_and_names_what_is_missing),
        cmocka_unit_test(bad_mappings_are_refused_naming_the_part),
        cmocka_unit_test(row_rules_skip_count_and_report_file_and_line),
        cmocka_unit_test(missing_volume_is_zero_and_the_row_is_kept),
        cmocka_unit_test(duplicate_date_keeps_the_last_row_of_the_file),
        cmocka_unit_test(rows_out_of_order_are_sorted_ascending),
        cmocka_unit_test(bom_crlf_blank_lines_and_quotes_are_tolerated),
        cmocka_unit_test(only_the_first_issues_are_kept_but_all_are_counted),
        cmocka_unit_test(too_many_rows_refuse_the_file),
        cmocka_unit_test(parser_fails_cleanly_on_every_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
