/* src/config/config.h - the config module's interface to other modules,
 * and what its own files (params.c, yaml.c, config.c, write.c) share. */
#ifndef MOMO_CONFIG_INT_H
#define MOMO_CONFIG_INT_H

#include <stddef.h>

#include "momo/config.h"

/* A config file larger than this is refused, as is YAML nested deeper
 * than CFG_MAX_DEPTH maps and lists. */
#define CFG_MAX_BYTES  ((size_t)1 << 20)
#define CFG_MAX_DEPTH  16
/* Longest dotted name, and longest key text, accepted from YAML. */
#define CFG_KEY_MAX    128

/* Shortest text that reads back to exactly `v` (see params.c). Returns
 * the length written, as snprintf. */
int cfg_format_double(double v, char *buf, size_t n);

/* momo_params_validate, also saying which parameters broke the rule:
 * who[0] and who[1] (either may be NULL) on failure. */
int cfg_validate(const momo_params *p, const momo_param_info **who,
                 momo_err *err);

/* 1 when `name` is a section: a proper dotted prefix of a parameter
 * name ("signals", "signals.entry"); 0 otherwise. */
int cfg_is_section(const char *name);

/* The section name nearest to `name`, written into buf, or NULL when
 * none is close. */
const char *cfg_suggest_section(const char *name, char *buf, size_t n);

/* Index of `pi` in the registry (pi from momo_param_at/find). */
size_t cfg_param_index(const momo_param_info *pi);

/* Apply the YAML `text` (`len` bytes, read from `name`) to `p`. Each
 * parameter set is recorded in line[index] (1-based line; 0: not in the
 * file). Errors read "name:line: ...". Library allocations go through
 * core_malloc; libyaml's own do not. */
int cfg_yaml_apply(const char *text, size_t len, const char *name,
                   momo_params *p, size_t *line, momo_err *err);

#endif
