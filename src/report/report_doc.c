/* report_doc.c - what the optimization report says: sections 1-6 as a
 * list of blocks (headings, paragraphs, aligned tables, figures) that
 * report_pdf.c renders as plain text and as a PDF.
 *
 * Confidence in the recommendation (section 5) combines the overfitting
 * measures the optimizer stored:
 *   high    out-of-sample results exist, the overfitting score is below
 *           30, PBO at most 0.25 and the Deflated Sharpe Ratio at least
 *           0.90;
 *   low     the score is 60 or more, PBO above 0.5, DSR below 0.5, or no
 *           set passed the rank filters;
 *   medium  otherwise (also whenever nothing was tested out of sample).
 * The expected performance range is the spread of the out-of-sample
 * metric: each walk-forward split's own choice on its test window (the
 * honest estimate), or the top sets on the validation window.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

#define WIDTH  96          /* columns of aligned blocks */
#define KEYW   20          /* key column of key-value blocks */

/*---- Blocks ----*/

void rpt_doc_add(struct rpt_doc *doc, int kind, const char *fmt, ...)
{
    va_list ap;
    char *text;
    int n;

    if (doc->failed)
        return;
    if (core_grow((void **)&doc->v, &doc->cap, doc->n + 1, sizeof(*doc->v),
                  0) != MOMO_OK) {
        doc->failed = 1;
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    text = n >= 0 ? core_malloc((size_t)n + 1) : NULL;
    if (!text) {
        doc->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    doc->v[doc->n].kind = kind;
    doc->v[doc->n].text = text;
    doc->v[doc->n].fig = 0;
    doc->n++;
}

static void add_fig(struct rpt_doc *doc, const struct rpt_figs *figs,
                    const char *prefix)
{
    for (size_t i = 0; i < figs->n; i++) {
        if (strncmp(figs->v[i].name, prefix, strlen(prefix)) != 0)
            continue;
        if (doc->failed || core_grow((void **)&doc->v, &doc->cap,
                                     doc->n + 1, sizeof(*doc->v), 0) !=
            MOMO_OK) {
            doc->failed = 1;
            return;
        }
        doc->v[doc->n].kind = RPT_B_FIGURE;
        doc->v[doc->n].text = NULL;
        doc->v[doc->n].fig = i;
        doc->n++;
    }
}

void rpt_doc_release(struct rpt_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++)
        core_free(doc->v[i].text);
    core_free(doc->v);
    memset(doc, 0, sizeof(*doc));
}

/* A key-value line, the value wrapped under itself at WIDTH. */
static void kv(struct core_buf *b, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void kv(struct core_buf *b, const char *key, const char *fmt, ...)
{
    char text[2048];
    const char *p = text;
    va_list ap;
    int first = 1;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    do {
        size_t len = strlen(p), cut = len;

        if (len > WIDTH - KEYW) {
            cut = WIDTH - KEYW;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = WIDTH - KEYW;
        }
        core_buf_printf(b, "%-*s%.*s\n", KEYW, first ? key : "", (int)cut,
                        p);
        first = 0;
        p += cut;
        while (*p == ' ')
            p++;
    } while (*p);
}

static void add_pre(struct rpt_doc *doc, struct core_buf *b)
{
    if (b->failed)
        doc->failed = 1;
    else if (b->n) {
        while (b->n && b->s[b->n - 1] == '\n')
            b->n--;
        rpt_doc_add(doc, RPT_B_PRE, "%s", core_buf_cstr(b));
    }
    core_buf_release(b);
    core_buf_init(b, 1 << 24);
}

static const char *date_s(int32_t d, char *buf)
{
    if (!d)
        return "-";
    return core_format_date(d, buf);
}

/*---- 1. Summary ----*/

static void sec_summary(const struct rpt_study *st, struct rpt_doc *doc)
{
    struct core_buf b;
    char a[11], c[11], e[11], f[11];
    const char *metric = momo_metric_name(st->metric);

    rpt_doc_add(doc, RPT_B_HEADING, "1. Summary");
    core_buf_init(&b, 1 << 24);
    if (st->mode == RPT_MODE_WF && strcmp(st->search, "random") == 0)
        kv(&b, "Search", "walk-forward: %zu %s splits, %.0f%% of each "
           "window to train; random search of %zu samples per split, "
           "seed %lu", st->n_splits, st->anchored ? "anchored" : "rolling",
           100 * st->train_frac, st->iterations, st->seed);
    else if (st->mode == RPT_MODE_WF)
        kv(&b, "Search", "walk-forward: %zu %s splits, %.0f%% of each "
           "window to train; grid search", st->n_splits,
           st->anchored ? "anchored" : "rolling", 100 * st->train_frac);
    else if (st->have_seed)
        kv(&b, "Search", "random (Latin Hypercube sample), seed %lu",
           st->seed);
    else
        kv(&b, "Search", "grid (every combination)");
    kv(&b, "Date range", "%s to %s (optimization range)",
       date_s(st->from, a), date_s(st->to, c));
    if (st->mode == RPT_MODE_WF)
        kv(&b, "Out of sample", "%s to %s (the %zu test windows)",
           date_s(st->oos_from, e), date_s(st->oos_to, f), st->n_splits);
    else if (st->vfrom)
        kv(&b, "Validation", "%s to %s (out of sample)",
           date_s(st->vfrom, e), date_s(st->vto, f));
    else
        kv(&b, "Validation", "none (no out-of-sample range was given)");
    kv(&b, "Metric", "%s (%s; %s is better)", metric,
       rpt_metric_title(st->metric), st->dir > 0 ? "higher" : "lower");
    kv(&b, "Combinations", "%zu tested: %zu ok, %zu failed, %zu read from "
       "the cache", st->tested, st->ok, st->failed, st->cached);
    if (st->mode != RPT_MODE_WF)
        kv(&b, "", "%zu passed the rank filters", st->passed);
    {
        struct core_buf names;

        core_buf_init(&names, 1 << 16);
        for (size_t j = 0; j < st->n_dims; j++)
            core_buf_printf(&names, "%s%s", j ? ", " : "",
                            st->param[j]->name);
        if (names.failed)
            doc->failed = 1;
        else
            kv(&b, "Parameters", "%zu searched: %s", st->n_dims,
               core_buf_cstr(&names));
        core_buf_release(&names);
    }
    kv(&b, "Total runtime", "%.1f s", st->runtime);
    kv(&b, "Dataset", "%s, checksum %s", st->dataset[0] ? st->dataset
       : "the built-in synthetic market", st->checksum[0] ? st->checksum
       : "unknown");
    kv(&b, "Base config", "%s", st->base_source == RPT_BASE_GIVEN
       ? "the config given to the command"
       : st->base_source == RPT_BASE_FILE
       ? "config.yaml of the optimization folder"
       : "the defaults (no config.yaml in the optimization folder)");
    add_pre(doc, &b);
    core_buf_release(&b);
    if (st->sp500)
        rpt_doc_add(doc, RPT_B_PARA, "Survivorship bias: the dataset is "
                    "the shared S&P 500 set, whose universe is the index's "
                    "constituents of April 2021. Companies that left the "
                    "index (bankruptcies, takeovers, demotions) before then "
                    "are missing, so every backtest over earlier years "
                    "trades only future survivors and overstates returns; "
                    "read the figures below as optimistic.");
}

/*---- 2. Top sets ----*/

static void metrics_table(const struct rpt_study *st, struct rpt_doc *doc)
{
    struct core_buf b;
    int wf = st->mode == RPT_MODE_WF, val = !wf && st->vfrom;

    core_buf_init(&b, 1 << 24);
    core_buf_printf(&b, "%4s  %8s  %8s  %8s  %8s  %7s", "Rank", "Sharpe",
                    "Return", "Max DD", "Win rate", "Trades");
    if (wf)
        core_buf_printf(&b, "  %10s", "Mean OOS");
    else
        core_buf_printf(&b, "  %6s", "Robust");
    if (val)
        core_buf_printf(&b, "  %10s", "Validation");
    if (st->none_passed || wf)
        core_buf_printf(&b, "  %6s", "Passed");
    core_buf_printf(&b, "\n");
    for (size_t k = 0; k < st->n_top; k++) {
        const struct rpt_set *s = &st->top[k];
        char v[5][32];

        rpt_fmt_metric(momo_metric_find("sharpe"), s->m.sharpe, v[0], 32);
        rpt_fmt_metric(momo_metric_find("total_return"), s->m.total_return,
                       v[1], 32);
        rpt_fmt_metric(momo_metric_find("max_drawdown"), s->m.max_drawdown,
                       v[2], 32);
        rpt_fmt_metric(momo_metric_find("win_rate"), s->m.win_rate, v[3], 32);
        rpt_fmt_metric(momo_metric_find("num_trades"), s->m.num_trades,
                       v[4], 32);
        core_buf_printf(&b, "%4zu  %8s  %8s  %8s  %8s  %7s", k + 1, v[0],
                        v[1], v[2], v[3], v[4]);
        if (wf) {
            rpt_fmt_metric(st->metric, s->mean_oos, v[0], 32);
            core_buf_printf(&b, "  %10s", v[0]);
        } else if (isfinite(s->robustness)) {
            core_buf_printf(&b, "  %6.2f", s->robustness);
        } else {
            core_buf_printf(&b, "  %6s", "-");
        }
        if (val) {
            rpt_fmt_metric(st->metric, s->have_val
                           ? momo_metric_get(&s->val, st->metric) : NAN,
                           v[0], 32);
            core_buf_printf(&b, "  %10s", v[0]);
        }
        if (st->none_passed || wf)
            core_buf_printf(&b, "  %6s", s->passed ? "yes" : "no");
        core_buf_printf(&b, "\n");
    }
    add_pre(doc, &b);
    core_buf_release(&b);
}

/* Parameters of the top sets, as many columns per table as fit. */
static void params_tables(const struct rpt_study *st, struct rpt_doc *doc)
{
    size_t j0 = 0;

    while (j0 < st->n_dims) {
        struct core_buf b;
        size_t width = 4, j1 = j0, w[RPT_MAX_DIMS];

        for (; j1 < st->n_dims; j1++) {
            size_t wj = strlen(rpt_short_name(st, j1));

            for (size_t k = 0; k < st->n_top; k++) {
                char t[40];

                rpt_fmt_param(st->param[j1], st->top[k].x[j1], t,
                              sizeof(t));
                if (strlen(t) > wj)
                    wj = strlen(t);
            }
            if (j1 > j0 && width + 2 + wj > WIDTH)
                break;
            w[j1] = wj;
            width += 2 + wj;
        }
        core_buf_init(&b, 1 << 24);
        core_buf_printf(&b, "%4s", "Rank");
        for (size_t j = j0; j < j1; j++)
            core_buf_printf(&b, "  %*s", (int)w[j], rpt_short_name(st, j));
        core_buf_printf(&b, "\n");
        for (size_t k = 0; k < st->n_top; k++) {
            core_buf_printf(&b, "%4zu", k + 1);
            for (size_t j = j0; j < j1; j++) {
                char t[40];

                rpt_fmt_param(st->param[j], st->top[k].x[j], t, sizeof(t));
                core_buf_printf(&b, "  %*s", (int)w[j], t);
            }
            core_buf_printf(&b, "\n");
        }
        add_pre(doc, &b);
        core_buf_release(&b);
        j0 = j1;
    }
}

static void sec_top(const struct rpt_study *st, const struct rpt_figs *figs,
                    struct rpt_doc *doc)
{
    char a[11], c[11];

    rpt_doc_add(doc, RPT_B_HEADING, "2. Top 10 parameter sets");
    if (st->mode == RPT_MODE_WF)
        rpt_doc_add(doc, RPT_B_PARA, "A walk-forward has one candidate per "
                    "split: the set its training search chose. The %zu "
                    "distinct candidates are ranked by their mean %s over "
                    "every test window (Mean OOS), the way the optimizer "
                    "picks its recommendation. Sharpe, return, max drawdown, "
                    "win rate and trades are those of one backtest of each "
                    "set over the whole out-of-sample span, %s to %s. "
                    "Passed: the choice passed the rank filters in its "
                    "training window.", st->n_top,
                    momo_metric_name(st->metric), date_s(st->oos_from, a),
                    date_s(st->oos_to, c));
    else
        rpt_doc_add(doc, RPT_B_PARA, "%s ranked by %s over the optimization "
                    "range, %s to %s%s. Robust: the optimizer's robustness "
                    "score (0 to 1: consistency over sub-periods and "
                    "stability against neighbouring values).%s",
                    st->none_passed ? "No set passed the rank filters "
                    "(minimum trades, maximum drawdown, minimum win rate), "
                    "so these are the best valid sets," : "The sets that "
                    "passed the rank filters,", momo_metric_name(st->metric),
                    date_s(st->from, a), date_s(st->to, c),
                    st->n_top < RPT_TOP ? " (fewer than 10 qualified)" : "",
                    st->vfrom ? " Validation: the same set's metric on the "
                    "validation range." : "");
    metrics_table(st, doc);
    rpt_doc_add(doc, RPT_B_PARA, "Their parameters (full names in "
                "section 1):");
    params_tables(st, doc);
    add_fig(doc, figs, "equity_top5");
    add_fig(doc, figs, "drawdowns_top5");
}

/*---- 3. Sensitivity ----*/

static void sec_sensitivity(const struct rpt_study *st,
                            const struct rpt_figs *figs, struct rpt_doc *doc)
{
    const struct opt_sensitivity *s = &st->sens;
    const struct opt_sens_dim *most = &s->dims[s->order[0]];
    const struct opt_sens_dim *least = &s->dims[s->order[s->n_dims - 1]];
    struct core_buf b;

    rpt_doc_add(doc, RPT_B_HEADING, "3. Sensitivity");
    rpt_doc_add(doc, RPT_B_PARA, "How much %s moves with each parameter, "
                "over the %zu valid trials%s. Importance is the share of "
                "the variance of %s that the parameter's levels explain; "
                "effect is how far the level means spread, in standard "
                "deviations of all results (fragile above %.1f).",
                momo_metric_name(st->metric), s->n, st->mode == RPT_MODE_WF
                ? " of every training search" : "",
                momo_metric_name(st->metric), OPT_FRAGILE);
    rpt_doc_add(doc, RPT_B_PARA, "Most sensitive: %s (importance %.3f, "
                "effect %.2f, %s). Least sensitive: %s (importance %.3f, "
                "effect %.2f, %s).", st->param[s->order[0]]->name,
                most->importance, most->effect,
                most->fragile ? "fragile" : "robust",
                st->param[s->order[s->n_dims - 1]]->name, least->importance,
                least->effect, least->fragile ? "fragile" : "robust");
    core_buf_init(&b, 1 << 24);
    core_buf_printf(&b, "%-36s  %10s  %6s  %-7s  %s\n", "Parameter",
                    "Importance", "Effect", "Class", "Recommended range");
    for (size_t k = 0; k < s->n_dims; k++) {
        size_t j = s->order[k], lo, hi, best;
        const struct opt_sens_dim *sd = &s->dims[j];
        char a[64], c[64], range[160];

        rpt_recommended_levels(st, j, &lo, &hi, &best);
        if (sd->n_levels == 0) {
            snprintf(range, sizeof(range), "-");
        } else {
            struct opt_level l = sd->levels[lo];

            l.hi = sd->levels[hi].hi;
            if (lo != hi || l.lo != l.hi) {
                rpt_fmt_param(st->param[j], l.lo, a, sizeof(a));
                rpt_fmt_param(st->param[j], l.hi, c, sizeof(c));
                snprintf(range, sizeof(range), "%s to %s", a, c);
            } else {
                rpt_fmt_param(st->param[j], l.value, range, sizeof(range));
            }
        }
        core_buf_printf(&b, "%-36s  %10.3f  %6.2f  %-7s  %s\n",
                        st->param[j]->name, sd->importance, sd->effect,
                        sd->fragile ? "fragile" : "robust", range);
    }
    add_pre(doc, &b);
    core_buf_release(&b);
    rpt_doc_add(doc, RPT_B_PARA, "Levels are the values a parameter took "
                "(or, for one sampled from a continuous range, five bins of "
                "equal count). The recommended range is the run of "
                "neighbouring levels around the best one whose mean %s is "
                "within a quarter of a standard deviation of it: values "
                "there did about as well, so a choice inside the range does "
                "not depend on one lucky level. A fragile parameter with a "
                "narrow range deserves the most care.",
                momo_metric_name(st->metric));
    add_fig(doc, figs, "sensitivity");
    add_fig(doc, figs, "heatmap_");
    add_fig(doc, figs, "surface_");
}

/*---- 4. Overfitting ----*/

static const char *yes_no(int v)
{
    return v ? "yes" : "no";
}

static void num_or_dash(double v, const char *fmt, char *buf, size_t n)
{
    if (isfinite(v))
        snprintf(buf, n, fmt, v);
    else
        snprintf(buf, n, "-");
}

static void sec_overfit(const struct rpt_study *st,
                        const struct rpt_figs *figs, struct rpt_doc *doc)
{
    static const char *const names[3] = { "sharpe", "max_drawdown",
                                          "win_rate" };
    const momo_overfit *of = &st->of;
    struct core_buf b;
    char t[4][48];

    rpt_doc_add(doc, RPT_B_HEADING, "4. Overfitting");
    core_buf_init(&b, 1 << 24);
    num_or_dash(of->score, "%.0f/100", t[0], sizeof(t[0]));
    kv(&b, "Overfitting score", "%s (0: no sign of overfitting; 100: "
       "every measure raises it)", t[0]);
    num_or_dash(of->pbo, "%.3f", t[0], sizeof(t[0]));
    kv(&b, "PBO", "%s (probability of backtest overfitting: the share of "
       "CSCV splits where the best in-sample set falls below the median "
       "out of sample)", t[0]);
    num_or_dash(of->deflated_sharpe, "%.3f", t[0], sizeof(t[0]));
    num_or_dash(of->n_trials, "%.0f", t[1], sizeof(t[1]));
    num_or_dash(of->expected_max_sharpe, "%.4f", t[2], sizeof(t[2]));
    kv(&b, "DSR", "%s (Deflated Sharpe Ratio: the probability that the "
       "best Sharpe beats the best of %s trials by luck alone, whose "
       "expected maximum is %s per period)", t[0], t[1], t[2]);
    if (st->mode == RPT_MODE_WF)
        kv(&b, "", "walk-forward: PBO and DSR are the means over the "
           "splits' searches");
    num_or_dash(st->efficiency, "%.2f", t[0], sizeof(t[0]));
    if (st->mode == RPT_MODE_WF)
        kv(&b, "WF efficiency", "%s (mean out-of-sample %s / mean in "
           "sample)", t[0], momo_metric_name(st->metric));
    add_pre(doc, &b);
    core_buf_printf(&b, "%-14s  %10s  %13s  %11s  %7s\n", "Measure",
                    "In sample", "Out of sample", "Degradation", "Flagged");
    for (int k = 0; k < 3; k++) {
        size_t m = (size_t)momo_metric_find(names[k]);

        rpt_fmt_metric(m, of->is_value[k], t[0], sizeof(t[0]));
        rpt_fmt_metric(m, of->oos_value[k], t[1], sizeof(t[1]));
        num_or_dash(100 * of->degradation[k], "%.1f%%", t[2], sizeof(t[2]));
        core_buf_printf(&b, "%-14s  %10s  %13s  %11s  %7s\n", names[k], t[0],
                        t[1], t[2], isfinite(of->degradation[k])
                        ? yes_no(of->flagged[k]) : "-");
    }
    add_pre(doc, &b);
    core_buf_release(&b);
    rpt_doc_add(doc, RPT_B_PARA, "Degradation is the fall from in sample "
                "to out of sample (%s), flagged above 30%%. Indicators: too "
                "many parameters for the trades: %s; too few trades: %s; "
                "one period carries the result: %s.",
                st->mode == RPT_MODE_WF ? "means over the splits' choices"
                : st->vfrom ? "the best set on the validation range"
                : "not measured: no validation range",
                yes_no(of->too_many_params), yes_no(of->too_few_trades),
                yes_no(of->one_period_only));
    if (st->mode == RPT_MODE_WF) {
        core_buf_init(&b, 1 << 24);
        core_buf_printf(&b, "%5s  %-24s  %-24s  %9s  %9s  %6s\n", "Split",
                        "Train", "Test", "In sample", "Out", "Passed");
        for (size_t k = 0; k < st->n_splits; k++) {
            const struct rpt_split *s = &st->split[k];
            char a[11], c[11], d[11], e[11], tr[32], te[32];

            snprintf(tr, sizeof(tr), "%s..%s", date_s(s->train_from, a),
                     date_s(s->train_to, c));
            snprintf(te, sizeof(te), "%s..%s", date_s(s->test_from, d),
                     date_s(s->test_to, e));
            rpt_fmt_metric(st->metric, s->is, t[0], sizeof(t[0]));
            rpt_fmt_metric(st->metric, s->oos, t[1], sizeof(t[1]));
            core_buf_printf(&b, "%5zu  %-24s  %-24s  %9s  %9s  %6s\n", k + 1,
                            tr, te, t[0], t[1], yes_no(s->passed));
        }
        add_pre(doc, &b);
        core_buf_release(&b);
    }
    add_fig(doc, figs, "walk_forward");
    add_fig(doc, figs, "validation");
    if (st->n_advice || st->none_passed ||
        st->base_source == RPT_BASE_DEFAULTS)
        rpt_doc_add(doc, RPT_B_PARA, "Warnings:");
    for (size_t i = 0; i < st->n_advice; i++)
        rpt_doc_add(doc, RPT_B_BULLET, "%s", st->advice[i]);
    if (st->none_passed)
        rpt_doc_add(doc, RPT_B_BULLET, "no parameter set passed the rank "
                    "filters: the best valid set is reported, but it fails "
                    "at least one of the minimum trades, maximum drawdown "
                    "or minimum win rate the search asked for");
    if (st->base_source == RPT_BASE_DEFAULTS)
        rpt_doc_add(doc, RPT_B_BULLET, "the optimization folder has no "
                    "config.yaml, so recommended.yaml starts from the "
                    "defaults; if the optimization ran with --config or "
                    "--set, run 'momo report --config' with the same "
                    "config");
}

/*---- 5. Recommended configuration ----*/

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Out-of-sample values of the metric: v[0..*n), sorted. */
static void oos_values(const struct rpt_study *st, double *v, size_t *n,
                       const char **what)
{
    *n = 0;
    if (st->mode == RPT_MODE_WF) {
        for (size_t k = 0; k < st->n_splits; k++)
            if (isfinite(st->split[k].oos))
                v[(*n)++] = st->split[k].oos;
        *what = "each split's own choice on its test window";
    } else {
        for (size_t k = 0; k < st->n_top; k++)
            if (st->top[k].have_val &&
                isfinite(momo_metric_get(&st->top[k].val, st->metric)))
                v[(*n)++] = momo_metric_get(&st->top[k].val, st->metric);
        *what = "the top sets on the validation range";
    }
    qsort(v, *n, sizeof(*v), cmp_double);
}

static double quantile(const double *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t i = (size_t)h;

    if (n == 0)
        return NAN;
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

static const char *confidence(const struct rpt_study *st, size_t n_oos,
                              char *why, size_t n)
{
    const momo_overfit *of = &st->of;

    if (st->none_passed || of->score >= 60 || of->pbo > 0.5 ||
        of->deflated_sharpe < 0.5) {
        snprintf(why, n, "%s%s%s%s", st->none_passed
                 ? "no set passed the rank filters; " : "",
                 of->score >= 60 ? "the overfitting score is 60 or more; "
                 : "", of->pbo > 0.5 ? "PBO is above 0.5: the best "
                 "in-sample set usually disappoints out of sample; " : "",
                 of->deflated_sharpe < 0.5 ? "the Deflated Sharpe Ratio is "
                 "below 0.5: the best result is within what luck gives; "
                 : "");
        if (strlen(why) >= 2)
            why[strlen(why) - 2] = '\0';
        return "low";
    }
    if (n_oos > 0 && of->score < 30 && of->pbo <= 0.25 &&
        of->deflated_sharpe >= 0.90) {
        snprintf(why, n, "results hold out of sample, PBO is at most 0.25 "
                 "and the Deflated Sharpe Ratio at least 0.90");
        return "high";
    }
    snprintf(why, n, "%s", n_oos == 0 ? "nothing was tested out of sample"
             : "no measure condemns the result, but not all of them "
               "clearly support it (high needs a score below 30, PBO at "
               "most 0.25 and DSR at least 0.90)");
    return "medium";
}

static void sec_recommended(const struct rpt_study *st,
                            const char *yaml_name, struct rpt_doc *doc)
{
    const struct rpt_set *best = &st->top[0];
    struct core_buf b;
    char a[11], c[11], v[4][32], why[512];
    double oos[128];
    size_t n_oos = 0;
    const char *what = "", *level;
    int wf = st->mode == RPT_MODE_WF;
    int32_t from = wf ? st->oos_from : st->from, to = wf ? st->oos_to : st->to;

    rpt_doc_add(doc, RPT_B_HEADING, "5. Recommended configuration");
    rpt_doc_add(doc, RPT_B_PARA, "The best overall set is rank 1 of "
                "section 2%s:", wf ? " (the optimizer's walk-forward "
                "recommendation)" : st->none_passed ? " (the best valid "
                "set; none passed the filters)" : "");
    core_buf_init(&b, 1 << 24);
    for (size_t j = 0; j < st->n_dims; j++) {
        char t[40], raw[40];

        rpt_fmt_param(st->param[j], best->x[j], t, sizeof(t));
        snprintf(raw, sizeof(raw), "%.10g", best->x[j]);
        if (strcmp(t, raw) != 0)
            core_buf_printf(&b, "%-40s  %-10s  (%s)\n", st->param[j]->name,
                            t, raw);
        else
            core_buf_printf(&b, "%-40s  %s\n", st->param[j]->name, t);
    }
    add_pre(doc, &b);
    rpt_doc_add(doc, RPT_B_PARA, "%s holds the base config (%s) with these "
                "values: a complete config, ready to use.", yaml_name,
                st->base_source == RPT_BASE_GIVEN ? "the one given to the "
                "command" : st->base_source == RPT_BASE_FILE
                ? "the optimization folder's config.yaml" : "the defaults");
    rpt_fmt_metric(momo_metric_find("total_return"), best->m.total_return,
                   v[0], sizeof(v[0]));
    rpt_fmt_metric(momo_metric_find("max_drawdown"), best->m.max_drawdown,
                   v[1], sizeof(v[1]));
    rpt_fmt_metric(momo_metric_find("win_rate"), best->m.win_rate, v[2],
                   sizeof(v[2]));
    rpt_fmt_metric(momo_metric_find("num_trades"), best->m.num_trades, v[3],
                   sizeof(v[3]));
    kv(&b, "Reported metric", "%s %.4f from %s to %s%s",
       momo_metric_name(st->metric),
       momo_metric_get(&best->m, st->metric), date_s(from, a),
       date_s(to, c), wf ? " (the out-of-sample span)"
       : " (the optimization range)");
    kv(&b, "", "total return %s, max drawdown %s, win rate %s, %s trades",
       v[0], v[1], v[2], v[3]);
    if (wf && isfinite(best->mean_oos))
        kv(&b, "", "mean %s over the %zu test windows: %.4f",
           momo_metric_name(st->metric), best->n_windows, best->mean_oos);
    oos_values(st, oos, &n_oos, &what);
    level = confidence(st, n_oos, why, sizeof(why));
    kv(&b, "Confidence", "%s: %s", level, why);
    if (n_oos) {
        char q[5][32];

        rpt_fmt_metric(st->metric, oos[0], q[0], sizeof(q[0]));
        rpt_fmt_metric(st->metric, quantile(oos, n_oos, 0.25), q[1],
                       sizeof(q[1]));
        rpt_fmt_metric(st->metric, quantile(oos, n_oos, 0.5), q[2],
                       sizeof(q[2]));
        rpt_fmt_metric(st->metric, quantile(oos, n_oos, 0.75), q[3],
                       sizeof(q[3]));
        rpt_fmt_metric(st->metric, oos[n_oos - 1], q[4], sizeof(q[4]));
        kv(&b, "Expected range", "%s from %s to %s, middle half %s to %s, "
           "median %s (out of sample: %s, %zu values)",
           momo_metric_name(st->metric), q[0], q[4], q[1], q[3], q[2], what,
           n_oos);
    } else {
        double sub[RPT_MAX_SUB];
        size_t ns = 0;

        for (size_t k = 0; k < best->n_sub; k++)
            if (isfinite(best->sub[k]))
                sub[ns++] = best->sub[k];
        qsort(sub, ns, sizeof(*sub), cmp_double);
        if (ns) {
            char q[2][32];

            rpt_fmt_metric(st->metric, sub[0], q[0], sizeof(q[0]));
            rpt_fmt_metric(st->metric, sub[ns - 1], q[1], sizeof(q[1]));
            kv(&b, "Expected range", "not measured out of sample (no "
               "validation range). In sample, over %zu sub-periods, the "
               "metric per sub-period ranged from %s to %s: a lower bound "
               "on the spread to expect", ns, q[0], q[1]);
        } else {
            kv(&b, "Expected range", "not measured: no out-of-sample "
               "results");
        }
    }
    add_pre(doc, &b);
    core_buf_release(&b);
}

/*---- 6. Implementation notes ----*/

static void sec_notes(const struct rpt_study *st, const char *yaml_name,
                      struct rpt_doc *doc)
{
    const struct rpt_set *best = &st->top[0];
    char a[11], c[11], cmd[RPT_PATH + 256], dd[32];
    int wf = st->mode == RPT_MODE_WF;
    int32_t from = wf ? st->oos_from : st->from, to = wf ? st->oos_to : st->to;
    double months = wf && st->n_splits
        ? (st->split[0].test_to - st->split[0].test_from) / 30.44 : 12;

    rpt_doc_add(doc, RPT_B_HEADING, "6. Implementation notes");
    snprintf(cmd, sizeof(cmd), "momo backtest --config %s%s%s --from %s "
             "--to %s", yaml_name, st->dataset[0] ? " --data " : "",
             st->dataset[0] ? st->dataset : "", date_s(from, a),
             date_s(to, c));
    rpt_doc_add(doc, RPT_B_PARA, "To apply the parameters, use %s as the "
                "config of every command. This reproduces the figures of "
                "section 5 exactly (same data, same window):", yaml_name);
    rpt_doc_add(doc, RPT_B_PRE, "  %s", cmd);
    rpt_doc_add(doc, RPT_B_PARA, "Drop --from and --to to see the whole "
                "history, and paper-trade with the same file: the daily "
                "cycle runs the rules of the backtest.%s",
                st->base_source == RPT_BASE_DEFAULTS ? " The optimization "
                "folder held no config.yaml: check that the defaults are "
                "what the optimization ran with." : "");
    rpt_fmt_metric(momo_metric_find("max_drawdown"), best->m.max_drawdown,
                   dd, sizeof(dd));
    rpt_doc_add(doc, RPT_B_BULLET, "Expected variability: results vary "
                "from one period to the next as much as the expected range "
                "of section 5 says; judge the live strategy on a full "
                "window, not on weeks. Its drawdown reached %s over %s to "
                "%s: be ready to sit through one as deep.", dd,
                date_s(from, a), date_s(to, c));
    if (wf)
        rpt_doc_add(doc, RPT_B_BULLET, "When to re-optimize: every test "
                    "window, about %.0f months, with the same walk-forward "
                    "settings (this is how the out-of-sample results above "
                    "were obtained), and at once if the live %s over the "
                    "last window falls below the low end of the expected "
                    "range.", months, momo_metric_name(st->metric));
    else
        rpt_doc_add(doc, RPT_B_BULLET, "When to re-optimize: once a year "
                    "with the range extended to the latest data, and at "
                    "once if the live %s over the last six months falls "
                    "below the low end of the expected range. Prefer a "
                    "walk-forward to check that re-optimizing helps.",
                    momo_metric_name(st->metric));
    rpt_doc_add(doc, RPT_B_BULLET, "Parameters marked fragile in section 3 "
                "move the result most: keep them inside their recommended "
                "range and re-check them first after a change of market "
                "regime.");
}

/*---- The document ----*/

int rpt_doc_build(const struct rpt_study *st, const struct rpt_figs *figs,
                  const char *yaml_name, struct rpt_doc *doc, momo_err *err)
{
    char a[11], c[11];

    memset(doc, 0, sizeof(*doc));
    if (st->n_top == 0 || st->n_dims == 0)
        return momo_err_set(err, MOMO_EFORMAT, "no valid parameter set to "
                            "report on");
    rpt_doc_add(doc, RPT_B_TITLE, "Optimization report");
    rpt_doc_add(doc, RPT_B_PARA, "%s optimization of %zu parameters for %s, "
                "%s to %s.", st->mode == RPT_MODE_WF ? "Walk-forward"
                : st->mode == RPT_MODE_GRID ? "Grid" : "Random-search",
                st->n_dims, momo_metric_name(st->metric),
                date_s(st->from, a), date_s(st->to, c));
    sec_summary(st, doc);
    sec_top(st, figs, doc);
    sec_sensitivity(st, figs, doc);
    sec_overfit(st, figs, doc);
    sec_recommended(st, yaml_name, doc);
    sec_notes(st, yaml_name, doc);
    if (doc->failed) {
        rpt_doc_release(doc);
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    return MOMO_OK;
}
