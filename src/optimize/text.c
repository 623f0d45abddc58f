/* text.c - the optimizer's JSON and CSV pieces, written into bounded
 * buffers (core_buf) and then to files atomically.
 *
 * Numbers are written in the shortest text that reads back to the same
 * double; NaN (an undefined metric) is JSON null and an empty CSV field.
 * Integer and boolean parameters are written as integers and
 * true/false, so a value reads back through momo_params_set.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optimize/optimize_int.h"

void opt_json_str(struct core_buf *b, const char *s)
{
    core_buf_append(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            core_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            core_buf_printf(b, "\\u%04x", c);
        else
            core_buf_append(b, s, 1);
    }
    core_buf_append(b, "\"", 1);
}

void opt_json_num(struct core_buf *b, double v)
{
    char t[32];

    if (!isfinite(v))
        core_buf_append(b, "null", 4);
    else
        core_buf_printf(b, "%s", core_fmt_double(v, t));
}

void opt_fmt_value(const momo_dim *dm, double v, char *buf, size_t n)
{
    char t[32];

    if (dm->param->type == MOMO_PARAM_BOOL)
        snprintf(buf, n, "%s", v != 0 ? "true" : "false");
    else if (dm->param->type == MOMO_PARAM_INT && fabs(v) < 1e15)
        snprintf(buf, n, "%lld", (long long)v);
    else
        snprintf(buf, n, "%s", core_fmt_double(v, t));
}

const char *opt_fmt_trial_value(struct opt_fmt_memo *m, const momo_design *d,
                                size_t i, size_t j)
{
    double v = momo_design_value(d, i, j);

    if (!m->set[j] || !(m->v[j] == v) || signbit(m->v[j]) != signbit(v)) {
        opt_fmt_value(&d->dims[j], v, m->s[j], sizeof(m->s[j]));
        m->v[j] = v;
        m->set[j] = 1;
    }
    return m->s[j];
}

void opt_json_trial_memo(struct core_buf *b, const momo_design *d, size_t i,
                         struct opt_fmt_memo *m)
{
    core_buf_append(b, "{", 1);
    for (size_t j = 0; j < d->n_dims; j++) {
        const char *v = opt_fmt_trial_value(m, d, i, j);

        if (j)
            core_buf_append(b, ", ", 2);
        opt_json_str(b, d->dims[j].param->name);
        core_buf_append(b, ": ", 2);
        core_buf_append(b, v, strlen(v));
    }
    core_buf_append(b, "}", 1);
}

void opt_json_trial(struct core_buf *b, const momo_design *d, size_t i)
{
    struct opt_fmt_memo m;

    memset(m.set, 0, sizeof(m.set));
    opt_json_trial_memo(b, d, i, &m);
}

void opt_json_metrics(struct core_buf *b, const momo_metrics *m, int indent)
{
    core_buf_append(b, "{\n", 2);
    for (size_t i = 0; i < momo_metric_count(); i++) {
        core_buf_printf(b, "%*s\"%s\": ", indent + 2, "",
                        momo_metric_name(i));
        opt_json_num(b, momo_metric_get(m, i));
        core_buf_printf(b, "%s\n", i + 1 < momo_metric_count() ? "," : "");
    }
    core_buf_printf(b, "%*s}", indent, "");
}

void opt_csv_field(struct core_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        core_buf_append(b, s, strlen(s));
        return;
    }
    core_buf_append(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            core_buf_append(b, "\"", 1);
        core_buf_append(b, s, 1);
    }
    core_buf_append(b, "\"", 1);
}

int opt_write_buf(const char *dir, const char *name, struct core_buf *b,
                  momo_err *err)
{
    char path[4096];

    if (b->failed)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory writing %s",
                            name);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return core_write_file_atomic(path, core_buf_cstr(b), b->n, err);
}
