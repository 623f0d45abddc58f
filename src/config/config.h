/* src/config/config.h - the config module's interface to other modules. */
#ifndef MOMO_CONFIG_INT_H
#define MOMO_CONFIG_INT_H

#include "momo/config.h"

#endif
