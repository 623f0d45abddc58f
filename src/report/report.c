/* report.c - `momo report`: from an optimization's folder to the charts,
 * the text and PDF report and recommended.yaml.
 *
 * In:  the folder momo optimize wrote (report_load.c reads it).
 * Out: in the output folder, every figure as PNG and SVG (rendered on
 *      worker threads: cairo's PNG encoder is most of the cost), then
 *      optimization_report.txt, optimization_report.pdf (the same
 *      figures drawn again as vectors) and recommended.yaml, the base
 *      config with the best set's values. Each file is written
 *      atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

void momo_report_opts_init(momo_report_opts *o)
{
    memset(o, 0, sizeof(*o));
}

/* `p` as YAML into memory (momo_config_write_yaml writes to a FILE). */
static int yaml_text(const momo_params *p, const char *head, char **text,
                     size_t *n, momo_err *err)
{
    FILE *f;
    int rc;

    *text = NULL;
    *n = 0;
    f = open_memstream(text, n);
    if (!f)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (head)
        fputs(head, f);
    rc = momo_config_write_yaml(p, 1, f, err);
    if (fclose(f) != 0 && rc == MOMO_OK)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    if (rc != MOMO_OK) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

static int write_yaml(const char *path, const momo_params *p,
                      const char *head, momo_err *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = yaml_text(p, head, &text, &n, err);

    if (rc == MOMO_OK)
        rc = core_write_file_atomic(path, text, n, err);
    free(text);
    return rc;
}

int momo_report_save_config(const char *dir, const momo_params *p,
                            momo_err *err)
{
    char path[RPT_PATH];
    int rc = core_mkdir_p(dir, err);

    snprintf(path, sizeof(path), "%s/config.yaml", dir);
    if (rc == MOMO_OK)
        rc = write_yaml(path, p, "# The config this optimization ran with "
                        "(--config and --set applied).\n# 'momo report' "
                        "builds recommended.yaml on top of it.\n", err);
    return rc;
}

/* The base config with the best set's values. */
static int recommended(const struct rpt_study *st, const char *path,
                       momo_err *err)
{
    momo_params p = st->base;
    struct core_buf head;
    int rc = MOMO_OK;

    for (size_t j = 0; rc == MOMO_OK && j < st->n_dims; j++)
        rc = momo_params_set_number(&p, st->param[j], st->top[0].x[j], err);
    if (rc == MOMO_OK)
        rc = momo_params_validate(&p, err);
    if (rc != MOMO_OK)
        return rc;
    core_buf_init(&head, 1 << 20);
    core_buf_printf(&head, "# Recommended by 'momo report' (section 5 of "
                    "optimization_report.txt):\n# the base config with "
                    "the best parameter set of the optimization.\n");
    for (size_t j = 0; j < st->n_dims; j++) {
        char t[40];

        rpt_fmt_param(st->param[j], st->top[0].x[j], t, sizeof(t));
        core_buf_printf(&head, "#   %-40s %s\n", st->param[j]->name, t);
    }
    if (head.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
    else
        rc = write_yaml(path, &p, core_buf_cstr(&head), err);
    core_buf_release(&head);
    return rc;
}

int momo_report_write(const char *dir, const momo_report_opts *o,
                      momo_report_info *info, momo_err *err)
{
    momo_report_opts def;
    struct rpt_study st;
    struct rpt_figs figs;
    struct rpt_doc doc;
    const char *out;
    char pdf[RPT_PATH], txt[RPT_PATH], yaml[RPT_PATH];
    double t0 = core_now();
    int rc;

    if (!o) {
        momo_report_opts_init(&def);
        o = &def;
    }
    out = o->out_dir ? o->out_dir : dir;
    memset(&figs, 0, sizeof(figs));
    memset(&doc, 0, sizeof(doc));
    if (info)
        memset(info, 0, sizeof(*info));
    rc = rpt_study_load(dir, o, &st, err);
    if (rc != MOMO_OK)
        return rc;
    snprintf(pdf, sizeof(pdf), "%s/optimization_report.pdf", out);
    snprintf(txt, sizeof(txt), "%s/optimization_report.txt", out);
    snprintf(yaml, sizeof(yaml), "%s/recommended.yaml", out);
    rc = core_mkdir_p(out, err);
    if (rc == MOMO_OK)
        rc = rpt_figs_build(&st, o, &figs, err);
    if (rc == MOMO_OK)
        rc = rpt_doc_build(&st, &figs, "recommended.yaml", &doc, err);
    if (rc == MOMO_OK)
        rc = recommended(&st, yaml, err);
    if (rc == MOMO_OK)
        rc = rpt_figs_write(&figs, out, o->jobs, err);
    if (rc == MOMO_OK)
        rc = rpt_doc_write_text(&doc, &figs, txt, err);
    if (rc == MOMO_OK)
        rc = rpt_doc_write_pdf(&doc, &figs, pdf, err);
    if (rc == MOMO_OK && info) {
        snprintf(info->pdf, sizeof(info->pdf), "%s", pdf);
        snprintf(info->txt, sizeof(info->txt), "%s", txt);
        snprintf(info->yaml, sizeof(info->yaml), "%s", yaml);
        info->n_charts = figs.n;
        info->seconds = core_now() - t0;
    }
    rpt_doc_release(&doc);
    rpt_figs_release(&figs);
    rpt_study_release(&st);
    return rc;
}
