/* util.c - the public face of core's date and number helpers. */
#include <string.h>

#include "core/core.h"
#include "momo/util.h"

int momo_parse_date(const char *s, int32_t *out)
{
    size_t n = strlen(s);

    if (n != 8 && n != 10)
        return -1;
    return core_parse_date(s, n, out);
}

char *momo_format_date(int32_t days, char *buf)
{
    return core_format_date(days, buf);
}

int momo_parse_double(const char *s, double *out)
{
    return core_parse_double(s, strlen(s), out);
}

double momo_now(void)
{
    return core_now();
}
