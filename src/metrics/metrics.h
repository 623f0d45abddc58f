/* src/metrics/metrics.h - a run's numbers (STRATEGY.md 8, 11.17). */
#ifndef MOMO_METRICS_H
#define MOMO_METRICS_H

#include <stddef.h>

#include "engine/engine.h"
#include "momo/backtest.h"

/* Every metric of one run from its equity rows and trade statistics.
 * `rf` is metrics.risk_free (annual). Undefined metrics are NaN. */
void met_compute(const struct eng_out *o, double rf, momo_metrics *m);

/* The equity-curve part alone: for curves that did not come from a run
 * (Monte Carlo paths, benchmarks). Trade metrics are left NaN. */
void met_from_equity(const momo_equity_row *eq, size_t n, double A,
                     double rf, momo_metrics *m);

/* Metric `which` of the curve alone, exactly as met_from_equity gives
 * it, computing only what it needs. `ret`, when not NULL, holds the n - 1
 * returns E_t / E_t-1 - 1 of the rows (a run's own array). */
double met_curve_metric(const momo_equity_row *eq, const double *ret,
                        size_t n, double A, double rf, size_t which);

/* Drawdown series 1 - E_t / peak_t of equity values e[0..n) into dd. */
void met_drawdowns(const double *e, size_t n, double *dd);

#endif
