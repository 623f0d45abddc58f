/* include/momo/report.h - the optimization report: charts, a text and a
 * PDF report and a ready-to-use config, from an optimization's folder.
 *
 * The report reads what `momo optimize grid|random|walk-forward` stored
 * in its output folder (results.sqlite, overfitting.json,
 * equity_top.csv, walk_forward_equity.csv, config.yaml) and writes
 * into another folder (by default the same one):
 *
 *   sensitivity.png/.svg          each parameter's levels vs the metric
 *   surface_<a>__<b>.png/.svg     3D surface of a parameter pair
 *   heatmap_<a>__<b>.png/.svg     the same pair as a heatmap
 *   walk_forward.png/.svg         in- vs out-of-sample metric per split
 *                                 (validation.png/.svg for a grid or
 *                                 random search with a validation range)
 *   equity_top5.png/.svg          equity curves of the top 5 sets
 *   drawdowns_top5.png/.svg       their drawdowns
 *   optimization_report.txt       sections 1-6 as plain text
 *   optimization_report.pdf       the same with the charts embedded
 *   recommended.yaml              the base config plus the best set
 *
 * Layout, formulas and the choices behind them: docs/internals/report.md.
 */
#ifndef MOMO_REPORT_H
#define MOMO_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "momo/config.h"
#include "momo/dataset.h"
#include "momo/error.h"

/* At most this many --surface pairs. */
#define MOMO_REPORT_MAX_SURFACES 16

typedef struct momo_report_opts {
    /* where to write; NULL: the optimization folder itself */
    const char *out_dir;
    /* the config the optimization ran with (borrowed); NULL: the
     * folder's config.yaml when present, else the defaults */
    const momo_params *base;
    /* the optimization's dataset (borrowed); NULL: the path stored in
     * the summary (for a walk-forward, whose top sets are re-run over
     * the out-of-sample span; a grid or random search needs none) */
    const momo_dataset *ds;
    /* the traded symbols the optimization was restricted to */
    const char *const *symbols;
    size_t n_symbols;
    /* extra parameter pairs for surfaces and heatmaps, each "a,b" with
     * dotted names of searched parameters */
    const char *const *surfaces;
    size_t n_surfaces;
    int jobs;                /* threads for charts and re-runs; 0: cores */
} momo_report_opts;

/* Every field zero: the defaults above. */
void momo_report_opts_init(momo_report_opts *o);

/* What a report wrote. Paths are in the output folder. */
typedef struct momo_report_info {
    char pdf[4096];
    char txt[4096];
    char yaml[4096];
    size_t n_charts;         /* images written (each as PNG and SVG) */
    double seconds;          /* wall time of momo_report_write */
} momo_report_info;

/* Write the report of the optimization stored in folder `dir`.
 * Borrows everything in `o` (NULL: defaults) for the call; `info` (may
 * be NULL) says what was written. Errors: MOMO_EIO when `dir` does not
 * exist or a file cannot be read or written (naming it); MOMO_EFORMAT
 * when `dir` is not the output of `momo optimize grid|random|
 * walk-forward` (no results.sqlite, or one without a finished
 * command); MOMO_EINVAL for an unknown --surface parameter;
 * MOMO_ENOTFOUND when a walk-forward's dataset cannot be opened;
 * MOMO_ENOMEM. Files already written stay; each is replaced
 * atomically. Not thread-safe with itself on one folder. */
int momo_report_write(const char *dir, const momo_report_opts *o,
                      momo_report_info *info, momo_err *err);

/* Write `p` as dir/config.yaml (atomically): the config an
 * optimization ran with, so that a later report can build
 * recommended.yaml on top of it. */
int momo_report_save_config(const char *dir, const momo_params *p,
                            momo_err *err);

#endif
