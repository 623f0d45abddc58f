/* num.c - decimal text to double, correctly rounded and fast.
 *
 * Market data is millions of short decimals like "123.4500". For those we
 * take Clinger's fast path: when the digits fit in 53 bits and the power
 * of ten is at most 22, both are exact doubles and one IEEE multiply or
 * divide gives the correctly rounded result. Anything else (long
 * mantissas, big exponents) goes to strtod on a bounded copy. Only plain
 * decimal syntax is accepted: no "nan", "inf", hex or thousands commas.
 */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

int core_parse_double(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    uint64_t mant = 0;
    int neg = 0, n_dig = 0, n_sig = 0, exp10 = 0, any = 0;

    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    for (; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
        if (mant == 0 && *p == '0')
            continue;                       /* leading zeros */
        if (n_sig < 19) {
            mant = mant * 10 + (uint64_t)(*p - '0');
            n_sig++;
        } else {
            exp10++;                        /* dropped digit: slow path */
            n_dig++;
        }
    }
    if (p < end && *p == '.') {
        p++;
        for (; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
            if (mant == 0 && *p == '0') {
                exp10--;
                continue;
            }
            if (n_sig < 19) {
                mant = mant * 10 + (uint64_t)(*p - '0');
                n_sig++;
                exp10--;
            } else {
                n_dig++;
            }
        }
    }
    if (!any)
        return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0, e = 0, edig = 0;

        p++;
        if (p < end && (*p == '-' || *p == '+')) {
            eneg = *p == '-';
            p++;
        }
        for (; p < end && *p >= '0' && *p <= '9'; p++, edig++)
            if (e < 100000)
                e = e * 10 + (*p - '0');
        if (!edig)
            return -1;
        exp10 += eneg ? -e : e;
    }
    if (p != end)
        return -1;
    if (mant == 0) {
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
    if (n_dig == 0 && mant <= (UINT64_C(1) << 53) &&
        exp10 >= -22 && exp10 <= 22) {
        double v = (double)mant;

        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = neg ? -v : v;
        return 0;
    }
    {
        char tmp[128];
        char *e;
        double v;

        if (len >= sizeof(tmp))
            return -1;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        errno = 0;
        v = strtod(tmp, &e);
        if (e != tmp + len || !isfinite(v))
            return -1;
        *out = v;
    }
    return 0;
}

/* Does "%.*g" at precision `prec` read back to v? (the text in buf) */
static int round_trips(double v, int prec, char *buf)
{
    snprintf(buf, 32, "%.*g", prec, v);
    return strtod(buf, NULL) == v;
}

/* The text is that of the first of %.15g, %.16g, %.17g that reads back
 * exactly. Two shortcuts give the same text with less work: a whole
 * number below 1e15 is its digits (what %.15g writes), and where %.16g
 * does not read back neither does %.15g, since the nearest 16-digit
 * decimal is never farther from v than the nearest 15-digit one. That
 * holds while v's rounding interval is symmetric, that is unless v's
 * significand is a power of 2: those take the plain sequence. */
char *core_fmt_double(double v, char *buf)
{
    char s16[32];
    int e;

    if (!isfinite(v)) {
        snprintf(buf, 32, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    if (v != 0 && fabs(v) < 1e15 && v == floor(v)) {
        snprintf(buf, 32, "%lld", (long long)v);
        return buf;
    }
    if (v == 0 || fabs(frexp(v, &e)) == 0.5) {
        for (int prec = 15; prec < 17; prec++)
            if (round_trips(v, prec, buf))
                return buf;
        snprintf(buf, 32, "%.17g", v);
        return buf;
    }
    if (!round_trips(v, 16, s16)) {
        snprintf(buf, 32, "%.17g", v);
        return buf;
    }
    if (!round_trips(v, 15, buf))
        memcpy(buf, s16, strlen(s16) + 1);
    return buf;
}
