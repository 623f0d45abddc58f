/* include/momo/momo.h - the whole public API of libmomo. */
#ifndef MOMO_H
#define MOMO_H

#include "momo/error.h"
#include "momo/log.h"
#include "momo/dataset.h"
#include "momo/data.h"
#include "momo/synth.h"
#include "momo/config.h"
#include "momo/util.h"
#include "momo/fetch.h"
#include "momo/backtest.h"
#include "momo/optimize.h"
#include "momo/analysis.h"

#endif
