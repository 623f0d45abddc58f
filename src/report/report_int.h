/* src/report/report_int.h - what the optimization report's own files
 * share: the study read back from an optimization folder
 * (report_load.c), the figures drawn from it (report_charts.c), the
 * document of sections 1-6 (report_doc.c) and its text and PDF
 * renderings (report_pdf.c). report.c drives them. */
#ifndef MOMO_REPORT_INT_H
#define MOMO_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "momo/backtest.h"
#include "momo/config.h"
#include "momo/optimize.h"
#include "momo/report.h"
#include "optimize/optimize.h"
#include "report/chart.h"

#define RPT_TOP        10      /* rows of the top table */
#define RPT_CURVES     5       /* equity curves drawn */
#define RPT_MAX_SUB    16      /* sub-period values kept per set */
#define RPT_MAX_PANELS 64      /* panels of one figure */
#define RPT_PATH       4096
#define RPT_MAX_DIMS   64      /* searched parameters (the optimizer's
                                  limit per section) */

enum { RPT_MODE_GRID, RPT_MODE_RANDOM, RPT_MODE_WF };

/* Where the base config came from. */
enum { RPT_BASE_GIVEN, RPT_BASE_FILE, RPT_BASE_DEFAULTS };

/* One parameter set of the top table. */
struct rpt_set {
    size_t trial;              /* index into the study's trials, or
                                  SIZE_MAX (walk-forward candidates) */
    double *x;                 /* n_dims values (owned) */
    momo_metrics m;            /* grid/random: the optimization window;
                                  walk-forward: the out-of-sample span */
    int have_val;
    momo_metrics val;          /* the validation window */
    double robustness;         /* NaN when not computed */
    double mean_oos;           /* walk-forward: mean metric over every
                                  test window; NaN otherwise */
    size_t n_windows;          /* test windows behind mean_oos */
    int passed;                /* passed the rank filters */
    double sub[RPT_MAX_SUB];   /* the metric per sub-period (in sample) */
    size_t n_sub;
};

/* One walk-forward split (walk_forward.csv). */
struct rpt_split {
    int32_t train_from, train_to, test_from, test_to;
    double is, oos;            /* the split's choice: metric in and out */
    int passed;
};

struct rpt_study {
    int mode;                  /* RPT_MODE_* */
    char mode_name[16];
    size_t metric;             /* momo_metric_name index */
    int dir;                   /* momo_metric_direction */
    int32_t from, to;          /* optimization range (calendar dates) */
    int32_t vfrom, vto;        /* validation range; 0: none */
    int32_t oos_from, oos_to;  /* walk-forward: first test day, last */
    char dataset[RPT_PATH];    /* path in the summary; "" when none */
    char checksum[16];
    double runtime;
    size_t tested, ok, failed, cached, passed;
    unsigned long seed;
    int have_seed;
    /* walk-forward */
    size_t n_splits, iterations;
    double train_frac, efficiency;
    int anchored;
    char search[16];
    momo_metrics stitched;     /* equity-curve metrics of the stitched
                                  out-of-sample curve */
    struct rpt_split *split;
    /* searched parameters */
    size_t n_dims;
    const momo_param_info **param;
    /* the trials of the search (walk-forward: every training search):
     * values x[i * n_dims + j], metrics, state */
    size_t n_trials;
    double *x;
    double *y;                 /* the metric; NaN for failed trials */
    momo_metrics *m;
    size_t *rank;              /* 0: not ranked */
    double *robust;
    double *sub;               /* n_trials x K */
    size_t K;
    size_t *trial_split;       /* walk-forward: split of each trial */
    /* sensitivity over those trials */
    momo_design *design;
    struct opt_sensitivity sens;
    int sens_ok;
    /* top sets, best first */
    struct rpt_set *top;
    size_t n_top;
    int none_passed;           /* no set passed the rank filters */
    /* overfitting (overfitting.json) */
    momo_overfit of;
    char **advice;
    size_t n_advice;
    /* equity curves of the top sets: date[t], eq[t * RPT_CURVES + k] */
    size_t n_eq, n_curves;
    int32_t *eq_date;
    double *eq;
    /* walk-forward: the stitched out-of-sample curve */
    size_t n_wf;
    int32_t *wf_date;
    double *wf_eq;
    /* the config behind recommended.yaml */
    momo_params base;
    int base_source;           /* RPT_BASE_* */
    int sp500;                 /* the shared S&P 500 constituents */
};

/* Read the optimization in `dir` (report_load.c). `o` (may be NULL)
 * gives the base config, dataset and symbols. On failure `st` is
 * released. */
int rpt_study_load(const char *dir, const momo_report_opts *o,
                   struct rpt_study *st, momo_err *err);
void rpt_study_release(struct rpt_study *st);

/* The short name of a parameter (its last dotted part) when that is
 * unique among the study's dimensions, else the full name. */
const char *rpt_short_name(const struct rpt_study *st, size_t j);
/* A parameter value as a person reads it: "8%" for fractions, "25" for
 * integers, "0.0637" otherwise. */
void rpt_fmt_param(const momo_param_info *pi, double v, char *buf,
                   size_t n);
/* The same for a level of dimension j (a value or a bin "a-b"). */
void rpt_fmt_level(const momo_param_info *pi, const struct opt_level *l,
                   char *buf, size_t n);
/* A metric value as a person reads it ("12.5%", "0.914", "57"). */
void rpt_fmt_metric(size_t metric, double v, char *buf, size_t n);
/* The metric's name for titles ("Sharpe ratio") and its unit. */
const char *rpt_metric_title(size_t metric);
/* Level index of value v in a sensitivity dimension. */
size_t rpt_level_of(const struct opt_sens_dim *sd, double v);
/* The recommended range of dimension j: levels [*lo, *hi] around the
 * best level whose mean is within a quarter of the metric's standard
 * deviation of it. */
void rpt_recommended_levels(const struct rpt_study *st, size_t j,
                            size_t *lo, size_t *hi, size_t *best);

/*---- Figures ----*/

struct rpt_fig {
    char name[96];             /* file stem: "sensitivity" */
    char what[160];            /* what it shows, for the text report */
    rpt_chart *panel[RPT_MAX_PANELS];
    size_t n_panels;
    int cols;                  /* panels per row */
    int pw, ph;                /* panel size in pixels */
    int section;               /* report section it belongs to (1-6) */
};

struct rpt_figs {
    struct rpt_fig *v;
    size_t n, cap;
};

/* Build every figure of the study: the parameter pairs to show are the
 * two most important dimensions and the named pairs of `o` (may be
 * NULL). */
int rpt_figs_build(const struct rpt_study *st, const momo_report_opts *o,
                   struct rpt_figs *figs, momo_err *err);
void rpt_figs_release(struct rpt_figs *figs);
/* Write each figure as dir/<name>.png and .svg on `jobs` threads. */
int rpt_figs_write(const struct rpt_figs *figs, const char *dir, int jobs,
                   momo_err *err);
/* Width and height in pixels of figure f's image. */
void rpt_fig_size(const struct rpt_fig *f, int *w, int *h);

/*---- The document ----*/

enum {
    RPT_B_TITLE,               /* the report's title */
    RPT_B_HEADING,             /* "1. Summary" */
    RPT_B_PARA,                /* wrapped text */
    RPT_B_BULLET,              /* wrapped text after a bullet */
    RPT_B_PRE,                 /* aligned lines (tables), monospace */
    RPT_B_FIGURE               /* figs.v[fig] */
};

struct rpt_block {
    int kind;
    char *text;                /* owned; NULL for figures */
    size_t fig;
};

struct rpt_doc {
    struct rpt_block *v;
    size_t n, cap;
    int failed;                /* an allocation failed */
};

/* Sections 1-6 of the study, with figures placed where they belong. */
int rpt_doc_build(const struct rpt_study *st, const struct rpt_figs *figs,
                  const char *yaml_name, struct rpt_doc *doc,
                  momo_err *err);
void rpt_doc_release(struct rpt_doc *doc);
/* Append one block; printf-style text. Sets doc->failed on failure. */
void rpt_doc_add(struct rpt_doc *doc, int kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The document as plain text (wrapped at 78 columns) and as a PDF with
 * the figures drawn as vectors; each written atomically. */
int rpt_doc_write_text(const struct rpt_doc *doc, const struct rpt_figs *f,
                       const char *path, momo_err *err);
int rpt_doc_write_pdf(const struct rpt_doc *doc, const struct rpt_figs *f,
                      const char *path, momo_err *err);

#endif
