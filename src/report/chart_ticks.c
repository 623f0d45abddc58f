/* chart_ticks.c - where axes put their ticks and how they write numbers.
 *
 * In:  an axis range and how many labels fit (the layout in chart_xy.c
 *      measures them and asks again with fewer when they collide).
 * Out: struct rpt_ticks, values and labels, no allocation.
 *
 * Linear steps are 1, 2, 2.5 or 5 x 10^k. Date axes tick on calendar
 * boundaries (day, Monday, month, quarter, half year, year, then nice
 * multiples of years), so labels read as dates, not as day numbers.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "report/chart.h"
#include "report/chart_int.h"

static const char *const month_abbr[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const double mantissa[4] = { 1.0, 2.0, 2.5, 5.0 };

static size_t clamp_max(size_t max_ticks)
{
    if (max_ticks < 2)
        return 2;
    if (max_ticks > RPT_MAX_TICKS)
        return RPT_MAX_TICKS;
    return max_ticks;
}

/* Decimals that values spaced `step` apart need: 0.25 -> 2, 10 -> 0. */
static int decimals_for(double step)
{
    step = fabs(step);
    if (!(step > 0.0) || !isfinite(step))
        return 0;
    for (int d = 0; d < 9; d++) {
        double s = step * pow(10.0, d);

        if (fabs(s - nearbyint(s)) < 1e-6 * s)
            return d;
    }
    return 9;
}

/* "1234567.5" -> "1,234,567.5"; `s` holds digits and maybe a point. */
static void group_thousands(const char *s, char *out, size_t size)
{
    const char *dot = strchr(s, '.');
    size_t int_len = dot ? (size_t)(dot - s) : strlen(s);
    size_t o = 0;

    for (size_t i = 0; i < int_len && o + 1 < size; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && o + 2 < size)
            out[o++] = ',';
        out[o++] = s[i];
    }
    if (dot) {
        for (const char *p = dot; *p && o + 1 < size; p++)
            out[o++] = *p;
    }
    out[o] = '\0';
}

void rpt_format_value(double v, int format, double step, char *buf,
                      size_t size)
{
    char tmp[64], grouped[96];
    int d;

    if (size == 0)
        return;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "n/a" : v > 0 ? "inf" : "-inf");
        return;
    }
    if (step > 0.0 && fabs(v) < step * 1e-9)
        v = 0.0;                        /* 3 * 0.1 - 0.3, and no "-0" */
    switch (format) {
    case RPT_FMT_PERCENT:
        d = decimals_for(step * 100.0);
        v *= 100.0;
        if (fabs(v) < 0.5 * pow(10.0, -d))
            v = 0.0;
        snprintf(buf, size, "%.*f%%", d, v);
        return;
    case RPT_FMT_MONEY:
        d = decimals_for(step);
        if (d > 2)
            d = 2;
        if (fabs(v) < 0.5 * pow(10.0, -d))
            v = 0.0;
        if (fabs(v) >= 1e15) {
            snprintf(buf, size, "%.3g", v);
            return;
        }
        snprintf(tmp, sizeof(tmp), "%.*f", d, fabs(v));
        group_thousands(tmp, grouped, sizeof(grouped));
        snprintf(buf, size, "%s%s", v < 0 ? "-" : "", grouped);
        return;
    case RPT_FMT_DATE: {
        char date[16];
        double r = nearbyint(v);

        if (r < -2147483648.0 || r > 2147483647.0) {
            snprintf(buf, size, "%.0f", r);
            return;
        }
        snprintf(buf, size, "%s", core_format_date((int32_t)r, date));
        return;
    }
    default:
        d = decimals_for(step);
        if (fabs(v) >= 1e10 || (v != 0.0 && fabs(v) < 1e-6 && d >= 9)) {
            snprintf(buf, size, "%.3g", v);
            return;
        }
        if (fabs(v) < 0.5 * pow(10.0, -d))
            v = 0.0;
        snprintf(buf, size, "%.*f", d, v);
        return;
    }
}

/*---- Linear ticks ----*/

/* Candidate steps ascending: mantissa[j % 4] x 10^(k0 + j / 4). */
static double candidate(int k0, int j)
{
    return mantissa[j % 4] * pow(10.0, k0 + j / 4);
}

static int first_exponent(double span, size_t max_ticks)
{
    return (int)floor(log10(span / (double)max_ticks)) - 1;
}

void rpt_ticks_linear(double lo, double hi, size_t max_ticks, int format,
                      struct rpt_ticks *t)
{
    double step = 0.0, span = hi - lo;
    long i0 = 0, i1 = -1;
    int k0;

    t->n = 0;
    t->step = 0.0;
    max_ticks = clamp_max(max_ticks);
    if (!isfinite(lo) || !isfinite(hi) || hi < lo)
        return;
    if (!(span > 0.0)) {
        t->n = 1;
        t->v[0] = lo;
        rpt_format_value(lo, format, fabs(lo) > 0 ? fabs(lo) / 10 : 1,
                         t->label[0], RPT_TICK_LABEL);
        return;
    }
    k0 = first_exponent(span, max_ticks);
    for (int j = 0; j < 80; j++) {
        step = candidate(k0, j);
        i0 = (long)ceil(lo / step - 1e-9);
        i1 = (long)floor(hi / step + 1e-9);
        if (i1 - i0 + 1 <= (long)max_ticks)
            break;
    }
    t->step = step;
    for (long i = i0; i <= i1 && t->n < RPT_MAX_TICKS; i++) {
        double v = (double)i * step;

        t->v[t->n] = v;
        rpt_format_value(v, format, step, t->label[t->n], RPT_TICK_LABEL);
        t->n++;
    }
}

double rpt_nice_range(double *lo, double *hi, size_t max_ticks)
{
    double a = *lo, b = *hi, step = 1.0;
    int k0;

    max_ticks = clamp_max(max_ticks);
    if (!isfinite(a) || !isfinite(b))
        return 0.0;
    if (b < a) {
        double tmp = a;

        a = b;
        b = tmp;
    }
    if (!rpt_distinct(a, b)) {
        double m = (a + b) / 2, d = m == 0.0 ? 1.0 : fabs(m) * 0.1;

        a = m - d;
        b = m + d;
    }
    k0 = first_exponent(b - a, max_ticks);
    for (int j = 0; j < 80; j++) {
        double n0, n1;

        step = candidate(k0, j);
        n0 = floor(a / step + 1e-9);
        n1 = ceil(b / step - 1e-9);
        if (n1 - n0 + 1 <= (double)max_ticks) {
            *lo = n0 * step;
            *hi = n1 * step;
            return step;
        }
    }
    *lo = a;
    *hi = b;
    return step;
}

/*---- Log ticks ----*/

static void log_label(struct rpt_ticks *t, int format)
{
    double v = t->v[t->n];
    double decade = pow(10.0, floor(log10(v) + 1e-9));

    rpt_format_value(v, format, decade, t->label[t->n], RPT_TICK_LABEL);
}

/* Ticks m * 10^k (m in `ms`) within [lo, hi], for k a multiple of
 * `every`. Returns how many there are; fills t only when fill != 0 and
 * they fit. */
static size_t log_set(double lo, double hi, const int *ms, int n_ms,
                      int every, int format, int fill,
                      struct rpt_ticks *t)
{
    int k0 = (int)floor(log10(lo)) - 1, k1 = (int)ceil(log10(hi)) + 1;
    size_t count = 0;

    if (fill)
        t->n = 0;
    for (int k = k0; k <= k1; k++) {
        if (((k % every) + every) % every != 0)
            continue;
        for (int j = 0; j < n_ms; j++) {
            double v = ms[j] * pow(10.0, k);

            if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
                continue;
            if (fill && t->n < RPT_MAX_TICKS) {
                t->v[t->n] = v;
                log_label(t, format);
                t->n++;
            }
            count++;
        }
    }
    return count;
}

void rpt_ticks_log(double lo, double hi, size_t max_ticks, int format,
                   struct rpt_ticks *t)
{
    static const int m1[] = { 1 }, m125[] = { 1, 2, 5 },
                     m19[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    size_t nd, c;

    t->n = 0;
    t->step = 0.0;
    max_ticks = clamp_max(max_ticks);
    if (!(lo > 0.0) || !(hi > lo) || !isfinite(hi))
        return;
    nd = log_set(lo, hi, m1, 1, 1, format, 0, t);
    if (nd >= 3) {
        int every = 1;

        while (log_set(lo, hi, m1, 1, every, format, 0, t) > max_ticks)
            every = every < 3 ? every + 1 : every < 5 ? 5 : every * 2;
        log_set(lo, hi, m1, 1, every, format, 1, t);
        return;
    }
    c = log_set(lo, hi, m125, 3, 1, format, 0, t);
    if (c >= 3 && c <= max_ticks) {
        log_set(lo, hi, m125, 3, 1, format, 1, t);
        return;
    }
    c = log_set(lo, hi, m19, 9, 1, format, 0, t);
    if (c >= 3 && c <= max_ticks) {
        log_set(lo, hi, m19, 9, 1, format, 1, t);
        return;
    }
    if (nd >= 2) {
        log_set(lo, hi, m1, 1, 1, format, 1, t);
        return;
    }
    rpt_ticks_linear(lo, hi, max_ticks, format, t);
    t->step = 0.0;
}

/*---- Date ticks ----*/

enum { U_DAY, U_WEEK, U_MONTH, U_YEAR };

struct date_step {
    int unit, n;
    double days;    /* approximate length, for rpt_ticks.step */
};

static const struct date_step date_steps[] = {
    { U_DAY, 1, 1.0 },    { U_DAY, 2, 2.0 },     { U_WEEK, 1, 7.0 },
    { U_MONTH, 1, 30.44 }, { U_MONTH, 2, 60.88 }, { U_MONTH, 3, 91.31 },
    { U_MONTH, 6, 182.62 }
};

/* Ticks of one step within [lo, hi]; stops once more than `cap` are
 * found (then the count returned is cap + 1). Values go to v when v is
 * not NULL. */
static size_t date_gen(const struct date_step *s, int32_t lo, int32_t hi,
                       size_t cap, double *v)
{
    size_t n = 0;
    int y, m, d;

    switch (s->unit) {
    case U_DAY:
    case U_WEEK:
        for (int64_t day = lo; day <= hi; day++) {
            int hit = s->unit == U_WEEK
                          ? core_weekday((int32_t)day) == 0
                          : ((day % s->n) + s->n) % s->n == 0;

            if (!hit)
                continue;
            if (n >= cap)
                return cap + 1;
            if (v)
                v[n] = (double)day;
            n++;
        }
        return n;
    case U_MONTH:
        core_civil_from_days(lo, &y, &m, &d);
        for (;;) {
            int32_t day = core_days_from_civil(y, m, 1);

            if (day > hi)
                break;
            if (day >= lo && (m - 1) % s->n == 0) {
                if (n >= cap)
                    return cap + 1;
                if (v)
                    v[n] = (double)day;
                n++;
            }
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        return n;
    default:
        core_civil_from_days(lo, &y, &m, &d);
        {
            int y1, m1, d1;

            core_civil_from_days(hi, &y1, &m1, &d1);
            for (long yy = (long)floor((double)y / s->n) * s->n; yy <= y1;
                 yy += s->n) {
                int32_t day = core_days_from_civil((int)yy, 1, 1);

                if (day < lo || day > hi)
                    continue;
                if (n >= cap)
                    return cap + 1;
                if (v)
                    v[n] = (double)day;
                n++;
            }
        }
        return n;
    }
}

static void date_label(const struct date_step *s, double v, char *buf)
{
    int y, m, d;

    core_civil_from_days((int32_t)v, &y, &m, &d);
    if (s->unit == U_YEAR)
        snprintf(buf, RPT_TICK_LABEL, "%d", y);
    else if (s->unit == U_MONTH)
        snprintf(buf, RPT_TICK_LABEL, "%s %d", month_abbr[m - 1], y);
    else
        snprintf(buf, RPT_TICK_LABEL, "%d %s %d", d, month_abbr[m - 1], y);
}

void rpt_ticks_date(double lo, double hi, size_t max_ticks,
                    struct rpt_ticks *t)
{
    struct date_step s = { U_YEAR, 1, 365.25 };
    size_t n_steps = sizeof(date_steps) / sizeof(date_steps[0]);
    int32_t a, b;
    size_t i;
    int found = 0;

    t->n = 0;
    t->step = 0.0;
    max_ticks = clamp_max(max_ticks);
    if (!isfinite(lo) || !isfinite(hi) || hi < lo || lo < -1e8 || hi > 1e8)
        return;
    a = (int32_t)ceil(lo - 1e-9);
    b = (int32_t)floor(hi + 1e-9);
    for (i = 0; i < n_steps; i++) {
        /* whole days are only worth enumerating for short spans */
        if (date_steps[i].unit <= U_WEEK &&
            (double)(b - a) > date_steps[i].days * (double)max_ticks + 7)
            continue;
        if (date_gen(&date_steps[i], a, b, max_ticks, NULL) <= max_ticks) {
            s = date_steps[i];
            found = 1;
            break;
        }
    }
    if (!found) {
        /* years: 1, 2, 5, 10, 20, 25, 50, ... (never 2.5) */
        for (int j = 0; j < 80; j++) {
            double step = candidate(0, j);

            if (step != floor(step))
                continue;
            s.n = (int)step;
            s.days = 365.25 * step;
            if (date_gen(&s, a, b, max_ticks, NULL) <= max_ticks)
                break;
        }
    }
    t->n = date_gen(&s, a, b, RPT_MAX_TICKS, t->v);
    if (t->n > RPT_MAX_TICKS)
        t->n = RPT_MAX_TICKS;
    t->step = s.days;
    for (i = 0; i < t->n; i++)
        date_label(&s, t->v[i], t->label[i]);
}
