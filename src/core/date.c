/* date.c - civil dates as days since 1970-01-01.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days
 * algorithms (public domain), exact over the whole int32 range we use. */
#include "core/core.h"

int32_t core_days_from_civil(int y, int m, int d)
{
    int era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void core_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : dm[m - 1];
}

int core_parse_date(const char *s, size_t len, int32_t *out)
{
    int y, m, d;

    if (len == 8) {
        if (digits(s, 4, &y) || digits(s + 4, 2, &m) || digits(s + 6, 2, &d))
            return -1;
    } else if (len >= 10 && s[4] == '-' && s[7] == '-' &&
               (len == 10 || s[10] == ' ' || s[10] == 'T')) {
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return -1;
    } else {
        return -1;
    }
    if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, m))
        return -1;
    *out = core_days_from_civil(y, m, d);
    return 0;
}

char *core_format_date(int32_t days, char *buf)
{
    int y, m, d;

    core_civil_from_days(days, &y, &m, &d);
    buf[0] = (char)('0' + (y / 1000) % 10);
    buf[1] = (char)('0' + (y / 100) % 10);
    buf[2] = (char)('0' + (y / 10) % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

int core_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    int w = (days + 3) % 7;

    return w < 0 ? w + 7 : w;
}
