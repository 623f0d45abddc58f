/* periods.c - the named date ranges of the robustness suite.
 *
 * In:  nothing (the built-in periods, chosen to fit the shared data), or
 *      a YAML file:
 *
 *        periods:
 *          - name: bear_2008
 *            from: 2007-10-09
 *            to: 2009-03-09
 *
 * Out: an array of momo_period. Errors name the file, the line and the
 *      field ("p.yaml:4: periods[1]: 'from': not a date ...").
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "analysis/analysis.h"
#include "core/core.h"

#define PERIODS_MAX_BYTES ((size_t)1 << 20)
#define PERIODS_MAX       256

/* Days since 1970-01-01 (tests check them against the calendar dates
 * in the comments). */
static const momo_period defaults[] = {
    { "bear", 13787, 14334 },       /* 2007-10-01 .. 2009-03-31 */
    { "recovery", 14304, 15339 },   /* 2009-03-01 .. 2011-12-31 */
    { "sideways", 16436, 17166 },   /* 2015-01-01 .. 2016-12-31 */
    { "volatile", 18293, 18443 },   /* 2020-02-01 .. 2020-06-30 */
    { "bull", 17167, 18261 },       /* 2017-01-01 .. 2019-12-31 */
};

const momo_period *momo_periods_default(size_t *n)
{
    *n = sizeof(defaults) / sizeof(defaults[0]);
    return defaults;
}

void momo_periods_free(momo_period *p)
{
    core_free(p);
}

static size_t line_of(const yaml_node_t *node)
{
    return node->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE
           ? (const char *)node->data.scalar.value : NULL;
}

static int parse_entry(yaml_document_t *doc, const yaml_node_t *item,
                       size_t idx, const char *path, momo_period *out,
                       momo_err *err)
{
    int have_from = 0, have_to = 0;

    memset(out, 0, sizeof(*out));
    if (item->type != YAML_MAPPING_NODE)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: periods[%zu]: expected a map with "
                            "name, from and to", path, line_of(item), idx);
    for (yaml_node_pair_t *pr = item->data.mapping.pairs.start;
         pr < item->data.mapping.pairs.top; pr++) {
        const yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        const yaml_node_t *vn = yaml_document_get_node(doc, pr->value);
        const char *k = scalar(kn), *v = scalar(vn);
        int32_t date;

        if (!k)
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: periods[%zu]: keys must be "
                                "plain words", path, line_of(kn), idx);
        if (!v)
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: periods[%zu]: '%s' must be a "
                                "single value", path, line_of(vn), idx, k);
        if (strcmp(k, "name") == 0) {
            if (!v[0] || strlen(v) >= sizeof(out->name))
                return momo_err_set(err, MOMO_EFORMAT,
                                    "%s:%zu: periods[%zu]: 'name' must "
                                    "have 1 to %zu characters", path,
                                    line_of(vn), idx,
                                    sizeof(out->name) - 1);
            snprintf(out->name, sizeof(out->name), "%s", v);
        } else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
            if (core_parse_date(v, strlen(v), &date) != 0)
                return momo_err_set(err, MOMO_EFORMAT,
                                    "%s:%zu: periods[%zu]: '%s': not a "
                                    "date (YYYY-MM-DD): '%s'", path,
                                    line_of(vn), idx, k, v);
            if (k[0] == 'f') {
                out->from = date;
                have_from = 1;
            } else {
                out->to = date;
                have_to = 1;
            }
        } else {
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: periods[%zu]: unknown key '%s' "
                                "(expected name, from, to)", path,
                                line_of(kn), idx, k);
        }
    }
    if (!out->name[0] || !have_from || !have_to)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: periods[%zu]: missing '%s'", path,
                            line_of(item), idx,
                            !out->name[0] ? "name"
                                          : !have_from ? "from" : "to");
    if (out->from > out->to)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: periods[%zu]: 'from' is after 'to'",
                            path, line_of(item), idx);
    return MOMO_OK;
}

static int parse_doc(yaml_document_t *doc, const char *path,
                     momo_period **out, size_t *n, momo_err *err)
{
    const yaml_node_t *root = yaml_document_get_root_node(doc);
    const yaml_node_t *list = NULL;
    momo_period *v;
    size_t count;

    if (!root || root->type != YAML_MAPPING_NODE)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:1: expected a map with the key 'periods'",
                            path);
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
         pr < root->data.mapping.pairs.top; pr++) {
        const yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        const char *k = scalar(kn);

        if (!k || strcmp(k, "periods") != 0)
            return momo_err_set(err, MOMO_EFORMAT,
                                "%s:%zu: unknown key '%s' (expected "
                                "'periods')", path, line_of(kn),
                                k ? k : "?");
        list = yaml_document_get_node(doc, pr->value);
    }
    if (!list || list->type != YAML_SEQUENCE_NODE)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: 'periods' must be a list", path,
                            list ? line_of(list) : (size_t)1);
    count = (size_t)(list->data.sequence.items.top -
                     list->data.sequence.items.start);
    if (count == 0 || count > PERIODS_MAX)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s:%zu: 'periods' must list 1 to %d periods, "
                            "not %zu", path, line_of(list), PERIODS_MAX,
                            count);
    v = core_calloc(count, sizeof(*v));
    if (!v)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            yaml_document_get_node(doc, list->data.sequence.items.start[i]);
        int rc = parse_entry(doc, item, i, path, &v[i], err);

        for (size_t j = 0; rc == MOMO_OK && j < i; j++)
            if (strcmp(v[j].name, v[i].name) == 0)
                rc = momo_err_set(err, MOMO_EFORMAT,
                                  "%s:%zu: periods[%zu]: the name '%s' is "
                                  "used twice", path, line_of(item), i,
                                  v[i].name);
        if (rc != MOMO_OK) {
            core_free(v);
            return rc;
        }
    }
    *out = v;
    *n = count;
    return MOMO_OK;
}

int momo_periods_load_text(const char *text, size_t len, const char *name,
                           momo_period **out, size_t *n, momo_err *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc;

    *out = NULL;
    *n = 0;
    if (len > PERIODS_MAX_BYTES)
        return momo_err_set(err, MOMO_EFORMAT,
                            "%s: larger than the limit of %d bytes", name,
                            (int)PERIODS_MAX_BYTES);
    if (!yaml_parser_initialize(&parser))
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = momo_err_set(err, MOMO_EFORMAT, "%s:%zu: %s", name,
                          parser.problem_mark.line + 1,
                          parser.problem ? parser.problem : "bad YAML");
    } else {
        rc = parse_doc(&doc, name, out, n, err);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int momo_periods_load(const char *path, momo_period **out, size_t *n,
                      momo_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = core_read_file(path, PERIODS_MAX_BYTES, &text, &len, err);
    if (rc != MOMO_OK)
        return rc;
    rc = momo_periods_load_text(text, len, path, out, n, err);
    core_free(text);
    return rc;
}
