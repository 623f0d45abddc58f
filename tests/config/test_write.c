/* tests/config/test_write.c - tests for src/config/write.c: what is
 * written reads back to the same values, for the defaults and for
 * random valid parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "config/config.h"
#include "core/core.h"

/*---- Helpers ----*/

static void *field(momo_params *p, const momo_param_info *pi)
{
    return (char *)p + pi->offset;
}

static size_t field_size(const momo_param_info *pi)
{
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:
    case MOMO_PARAM_DOUBLE_LIST:
        return sizeof(double) * (size_t)pi->count;
    case MOMO_PARAM_INT:
    case MOMO_PARAM_BOOL:
    case MOMO_PARAM_INT_LIST:
        return sizeof(int) * (size_t)pi->count;
    default:
        return 0;
    }
}

/* Every parameter of a and b holds the same value, bit for bit. */
static void assert_same_params(momo_params *a, momo_params *b)
{
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);

        if (pi->type == MOMO_PARAM_STRING) {
            if (strcmp(field(a, pi), field(b, pi)) != 0)
                fail_msg("%s: '%s' read back as '%s'", pi->name,
                         (char *)field(a, pi), (char *)field(b, pi));
        } else if (memcmp(field(a, pi), field(b, pi), field_size(pi)) != 0) {
            char x[256], y[256];

            momo_params_format(a, pi, x, sizeof(x));
            momo_params_format(b, pi, y, sizeof(y));
            fail_msg("%s: %s read back as %s", pi->name, x, y);
        }
    }
}

static char *yaml_of(const momo_params *p, int comments)
{
    char *text = NULL, *copy;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    momo_err err = { 0 };

    assert_non_null(f);
    assert_int_equal(momo_config_write_yaml(p, comments, f, &err), MOMO_OK);
    fclose(f);
    /* a copy: GCC 12 at -O3 mistakes the stream's buffer for a local */
    copy = strdup(text);
    free(text);
    assert_non_null(copy);
    return copy;
}

static void load_back(const char *text, momo_params *out)
{
    momo_config *cfg = NULL;
    momo_err err = { 0 };

    if (momo_config_load_text(text, strlen(text), "written.yaml", NULL, 0,
                              &cfg, &err) != MOMO_OK)
        fail_msg("%s\n--- text:\n%s", err.msg, text);
    *out = *momo_config_params(cfg);
    momo_config_free(cfg);
}

static unsigned long long next(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double uniform(unsigned long long *s)
{
    return (double)(next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* A random value within [lo, hi]: full-precision, log-scaled over wide
 * positive ranges, sometimes a bound itself or a short decimal. */
static double random_in(unsigned long long *s, double lo, double hi,
                        int integral)
{
    double v;

    switch (next(s) % 6) {
    case 0:
        return lo;
    case 1:
        return hi;
    case 2:
        if (lo > 0 && hi / lo > 1e3) {
            v = exp(log(lo) + uniform(s) * (log(hi) - log(lo)));
            break;
        }
        /* fall through */
    default:
        v = lo + uniform(s) * (hi - lo);
    }
    if (next(s) % 4 == 0)
        v = round(v * 100) / 100;               /* "0.35" */
    if (integral)
        v = floor(v);
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}

static void random_params(unsigned long long *s, momo_params *p)
{
    momo_params_default(p);
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);
        char *str;
        size_t len;

        switch (pi->type) {
        case MOMO_PARAM_DOUBLE:
        case MOMO_PARAM_DOUBLE_LIST:
            for (int k = 0; k < pi->count; k++)
                ((double *)field(p, pi))[k] = random_in(s, pi->min, pi->max,
                                                        0);
            break;
        case MOMO_PARAM_INT:
        case MOMO_PARAM_BOOL:
        case MOMO_PARAM_INT_LIST:
            for (int k = 0; k < pi->count; k++)
                ((int *)field(p, pi))[k] = (int)random_in(s, pi->min,
                                                          pi->max, 1);
            break;
        case MOMO_PARAM_STRING:
            /* any printable ASCII: quotes, backslashes, '#', ': ' */
            str = field(p, pi);
            len = next(s) % MOMO_NAME_MAX;
            for (size_t k = 0; k < len; k++)
                str[k] = (char)(0x20 + next(s) % 95);
            str[len] = '\0';
            break;
        }
    }
    /* keep the cross-parameter rules */
    if (!(p->rsi_min < p->rsi_max)) {
        double t = p->rsi_min;

        p->rsi_min = p->rsi_max;
        p->rsi_max = t;
        if (p->rsi_min == p->rsi_max)
            p->rsi_min = p->rsi_max > 0 ? 0 : 100;
        if (!(p->rsi_min < p->rsi_max)) {
            t = p->rsi_min;
            p->rsi_min = p->rsi_max;
            p->rsi_max = t;
        }
    }
    if (!(p->sma_fast < p->sma_slow)) {
        p->sma_fast = 2 + (int)(next(s) % 50);
        p->sma_slow = p->sma_fast + 1 + (int)(next(s) % 300);
    }
    p->weights[0] = p->weights[0] == 0 ? 1 : p->weights[0];
}

/*---- YAML ----*/

static void the_defaults_written_as_yaml_read_back_the_same(void **state)
{
    momo_params d, back;

    (void)state;
    momo_params_default(&d);
    for (int comments = 0; comments < 2; comments++) {
        char *text = yaml_of(&d, comments);

        load_back(text, &back);
        assert_same_params(&d, &back);
        free(text);
    }
}

static void random_valid_parameters_survive_a_yaml_round_trip(void **state)
{
    unsigned long long s = 0x2545f4914f6cdd1dull;

    (void)state;
    for (int i = 0; i < 500; i++) {
        momo_params p, back;
        char *text;

        random_params(&s, &p);
        assert_int_equal(momo_params_validate(&p, NULL), MOMO_OK);
        text = yaml_of(&p, i % 2);
        load_back(text, &back);
        assert_same_params(&p, &back);
        free(text);
    }
}

static void yaml_nests_each_section_once(void **state)
{
    momo_params d;
    char *text;

    (void)state;
    momo_params_default(&d);
    text = yaml_of(&d, 0);
    assert_non_null(strstr(text, "signals:\n  entry:\n    rsi_min: 50\n"));
    assert_non_null(strstr(text, "\n  exit:\n"));
    assert_non_null(strstr(text, "  weights: [0.1, 0.3, 0.3, 0.3]\n"));
    assert_non_null(strstr(text, "  market_symbol: \"SPY\"\n"));
    assert_non_null(strstr(text, "  min_dollar_volume: 5000000\n"));
    assert_null(strstr(strstr(text, "signals:") + 1, "signals:"));
    assert_null(strstr(strstr(text, "  entry:") + 1, "  entry:"));
    free(text);
}

static void comments_describe_each_parameter_above_it(void **state)
{
    momo_params d;
    char *text;

    (void)state;
    momo_params_default(&d);
    d.rsi_period = 9;
    text = yaml_of(&d, 1);
    assert_non_null(strstr(text,
                           "  # Wilder RSI period in bars\n"
                           "  # integer, 2 to 500; default 14; "
                           "precompute\n"
                           "  rsi_period: 9\n"));
    assert_non_null(strstr(text, "    # lowest RSI at which a candidate "
                                 "may enter\n"));
    /* no comment line is longer than 80 columns */
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');

        assert_non_null(e);
        assert_true(e - l <= 80);
        l = e + 1;
    }
    free(text);
}

/*---- JSON ----*/

/* Read the flat JSON object written by momo_config_write_json back into
 * q, one "  \"name\": value" line at a time. */
static void read_json(char *text, momo_params *q)
{
    size_t n = 0;

    memset(q, 0, sizeof(*q));
    assert_true(strncmp(text, "{\n", 2) == 0);
    for (char *l = text + 2; *l && *l != '}'; n++) {
        char *e = strchr(l, '\n'), *name, *colon, *v;
        momo_err err = { 0 };

        assert_non_null(e);
        *e = '\0';
        if (e > l && e[-1] == ',')
            e[-1] = '\0';
        assert_true(strncmp(l, "  \"", 3) == 0);
        name = l + 3;
        colon = strstr(name, "\": ");
        assert_non_null(colon);
        *colon = '\0';
        v = colon + 3;
        if (*v == '"') {                /* unescape \" and \\ in place */
            char *w = v;

            for (char *r = v + 1; *r != '"'; r++) {
                if (*r == '\\')
                    r++;
                *w++ = *r;
            }
            *w = '\0';
        }
        if (momo_params_set(q, name, v, &err) != MOMO_OK)
            fail_msg("%s", err.msg);
        l = e + 1;
    }
    assert_int_equal(n, momo_param_count());
}

static void random_valid_parameters_survive_a_json_round_trip(void **state)
{
    unsigned long long s = 0x9e3779b97f4a7c15ull;

    (void)state;
    for (int i = 0; i < 300; i++) {
        momo_params p, back;
        char *text = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&text, &n);

        random_params(&s, &p);
        assert_int_equal(momo_config_write_json(&p, f, NULL), MOMO_OK);
        fclose(f);
        read_json(text, &back);
        assert_same_params(&p, &back);
        free(text);
    }
}

/*---- Schema ----*/

static char *schema_of(int format)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    momo_err err = { 0 };

    assert_non_null(f);
    assert_int_equal(momo_config_write_schema_as(f, format, &err), MOMO_OK);
    fclose(f);
    return text;
}

static void the_schema_lists_every_parameter_in_each_format(void **state)
{
    char *json = schema_of(MOMO_SCHEMA_JSON);
    char *text = schema_of(MOMO_SCHEMA_TEXT);
    char *md = schema_of(MOMO_SCHEMA_MARKDOWN);
    char *plain = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&plain, &n);

    (void)state;
    assert_int_equal(momo_config_write_schema(f, NULL), MOMO_OK);
    fclose(f);
    assert_string_equal(plain, json);
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);
        char want[256];

        snprintf(want, sizeof(want), "{\"name\": \"%s\", ", pi->name);
        assert_non_null(strstr(json, want));
        snprintf(want, sizeof(want), "\n%s = ", pi->name);
        assert_true(i == 0 ? strncmp(text, want + 1, strlen(want + 1)) == 0
                           : strstr(text, want) != NULL);
        snprintf(want, sizeof(want), "| `%s` | ", pi->name);
        assert_non_null(strstr(md, want));
    }
    assert_non_null(strstr(json,
                           "{\"name\": \"indicators.rsi_period\", \"type\": "
                           "\"int\", \"count\": 1, \"default\": 14, \"min\": "
                           "2, \"max\": 500, \"description\": \"Wilder RSI "
                           "period in bars\", \"precompute\": true},\n"));
    assert_non_null(strstr(json, "\"name\": \"scanner.weights\", \"type\": "
                                 "\"double_list\", \"count\": 4, "
                                 "\"default\": [0.1, 0.3, 0.3, 0.3], "
                                 "\"min\": -100, \"max\": 100"));
    assert_non_null(strstr(json, "\"default\": \"SPY\", \"min\": null, "
                                 "\"max\": null"));
    assert_non_null(strstr(md, "| `signals.entry.rsi_min` | number | `50` "
                               "| 0 | 100 |  | lowest RSI"));
    assert_non_null(strstr(text, "scanner.min_dollar_volume = 5000000\n"
                                 "    number, 0 to 1e+15; changes the "
                                 "precompute\n"));
    assert_int_equal(momo_config_write_schema_as(stdout, 99, NULL),
                     MOMO_EINVAL);
    free(json);
    free(text);
    free(md);
    free(plain);
}

static void a_failed_write_is_reported(void **state)
{
    FILE *f = fopen("/dev/full", "w");
    momo_params d;
    momo_err err = { 0 };

    (void)state;
    if (!f)
        skip();
    momo_params_default(&d);
    assert_int_equal(momo_config_write_yaml(&d, 1, f, &err), MOMO_EIO);
    assert_string_equal(err.msg, "writing the config failed");
    clearerr(f);
    assert_int_equal(momo_config_write_json(&d, f, NULL), MOMO_EIO);
    clearerr(f);
    assert_int_equal(momo_config_write_schema_as(f, MOMO_SCHEMA_MARKDOWN,
                                                 NULL), MOMO_EIO);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_defaults_written_as_yaml_read_back_the_same),
        cmocka_unit_test(random_valid_parameters_survive_a_yaml_round_trip),
        cmocka_unit_test(yaml_nests_each_section_once),
        cmocka_unit_test(comments_describe_each_parameter_above_it),
        cmocka_unit_test(random_valid_parameters_survive_a_json_round_trip),
        cmocka_unit_test(the_schema_lists_every_parameter_in_each_format),
        cmocka_unit_test(a_failed_write_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
