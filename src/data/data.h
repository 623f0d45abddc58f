/* src/data/data.h - the data module's interface to other modules. */
#ifndef MOMO_DATA_H
#define MOMO_DATA_H

#include "momo/dataset.h"

#endif
