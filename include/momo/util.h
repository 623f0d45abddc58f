/* include/momo/util.h - dates and numbers as momo reads and writes them. */
#ifndef MOMO_UTIL_H
#define MOMO_UTIL_H

#include <stdint.h>

/* Parse "YYYY-MM-DD" (or "YYYYMMDD") into days since 1970-01-01.
 * 0 on success, -1 when `s` is not a valid date. */
int momo_parse_date(const char *s, int32_t *out);

/* Write "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *momo_format_date(int32_t days, char *buf);

/* Parse a plain decimal number (no "nan", "inf", hex). 0 or -1. */
int momo_parse_double(const char *s, double *out);

/* Monotonic clock, seconds. */
double momo_now(void);

#endif
