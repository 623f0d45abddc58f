/* chart_xy.c - x/y plots: ranges, layout, series and the legend.
 *
 * In:  a chart of kind RPT_KIND_XY (chart.c) and a frame whose titles
 *      are drawn.
 * Out: the plot drawn into the frame.
 *
 * Layout runs before any drawing, because every margin depends on text
 * sizes: the bottom margin on the x tick labels (rotated for long
 * category names), the left one on the widest y tick label, which
 * depends on how many y ticks the plot height allows. x ticks are then
 * thinned until their measured labels no longer collide. The legend is
 * tried in each inside corner; a corner is free when no series touches
 * it (an occupancy grid of the plot, a few pixels per cell). When none
 * is free, or there are many entries, the layout is redone with the
 * legend outside to the right.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "report/chart_int.h"

#define LEGEND_INSIDE_MAX 8     /* more entries always go outside */
#define LABELLED_MAX 1000       /* scatter points labelled at most */
#define STROKE_CHUNK 64         /* segments per stroke of a long line */
#define CAT_MAX_W 0.26          /* longest category name, of the height */

struct legend_entry {
    const char *label;
    int type;                   /* series type; -1 for shading */
    struct rpt_style st;
};

struct xy {
    const rpt_chart *c;
    struct rpt_frame *f;
    cairo_t *cr;
    int has_data, xcat, xdate, ylog;
    double dxlo, dxhi, dylo, dyhi;  /* data ranges, padded */
    struct rpt_map mx, my;
    struct rpt_ticks tx, ty;
    double px, py, pw, ph;
    double th, lh;                  /* tick and axis label heights */
    double yw;                      /* widest y tick label */
    int cat_rot;
    size_t cat_every;
    double cat_w;
    struct legend_entry *leg;
    size_t n_leg, leg_rows;
    double leg_w, leg_h, leg_row, leg_x, leg_y, leg_text_w;
    int leg_on, leg_out;
    size_t n_bars;
};

static double sx(const struct rpt_series *s, size_t i)
{
    return s->x ? s->x[i] : (double)i;
}

static double band_lo(const struct rpt_series *s, size_t i)
{
    return s->y ? s->y[i] : 0.0;
}

static double band_hi(const struct rpt_series *s, size_t i)
{
    return s->y2 ? s->y2[i] : 0.0;
}

static double line_width(const struct xy *p, const struct rpt_series *s)
{
    return (s->st.width > 0 ? s->st.width : 2.0) * p->f->s;
}

static double fill_alpha(const struct rpt_style *st, int type)
{
    if (st->alpha > 0)
        return st->alpha;
    switch (type) {
    case RPT_S_BAND: return 0.25;
    case RPT_S_HIST: return 0.6;
    case RPT_S_BARS: return 0.9;
    default:         return 0.2;    /* shading */
    }
}

/*---- Ranges ----*/

struct range {
    double lo, hi;
    int found;
};

static void grow(struct range *r, double v, int log)
{
    if (!rpt_drawable(v, log))
        return;
    if (!r->found || v < r->lo)
        r->lo = v;
    if (!r->found || v > r->hi)
        r->hi = v;
    r->found = 1;
}

static void data_ranges(struct xy *p)
{
    const rpt_chart *c = p->c;
    struct range rx = { 0 }, ry = { 0 };
    int zero = 0, scatter = 0, hist = 0, ylog = p->ylog;

    for (size_t k = 0; k < c->n_series; k++) {
        const struct rpt_series *s = &c->s[k];

        switch (s->type) {
        case RPT_S_LINE:
        case RPT_S_STEP:
        case RPT_S_SCATTER:
            scatter |= s->type == RPT_S_SCATTER;
            for (size_t i = 0; i < s->n; i++) {
                if (!isfinite(sx(s, i)) || !rpt_drawable(s->y[i], ylog))
                    continue;
                grow(&rx, sx(s, i), 0);
                grow(&ry, s->y[i], ylog);
                p->has_data = 1;
            }
            break;
        case RPT_S_BAND:
            for (size_t i = 0; i < s->n; i++) {
                double lo = band_lo(s, i), hi = band_hi(s, i);

                if (!isfinite(sx(s, i)) || !rpt_drawable(lo, ylog) ||
                    !rpt_drawable(hi, ylog))
                    continue;
                grow(&rx, sx(s, i), 0);
                grow(&ry, lo, ylog);
                grow(&ry, hi, ylog);
                p->has_data = 1;
            }
            break;
        case RPT_S_BARS:
            zero = 1;
            for (size_t i = 0; i < s->n; i++) {
                if (!rpt_drawable(s->y[i], ylog))
                    continue;
                grow(&ry, s->y[i], ylog);
                if (s->y2 && rpt_drawable(s->y2[i], ylog) &&
                    rpt_drawable(s->y3[i], ylog)) {
                    grow(&ry, s->y2[i], ylog);
                    grow(&ry, s->y3[i], ylog);
                }
                p->has_data = 1;
            }
            break;
        case RPT_S_HIST:
            if (s->n == 0)
                break;
            zero = hist = 1;
            grow(&rx, s->x[0], 0);
            grow(&rx, s->x[s->n], 0);
            for (size_t i = 0; i < s->n; i++)
                grow(&ry, s->y[i], ylog);
            p->has_data = 1;
            break;
        case RPT_S_HLINE:
            grow(&ry, s->at, ylog);
            break;
        default:
            grow(&rx, s->at, 0);
            break;
        }
    }
    for (size_t i = 0; i < c->n_shade; i++) {
        grow(&rx, c->sh_x0[i], 0);
        grow(&rx, c->sh_x1[i], 0);
    }
    if (zero && !ylog)
        grow(&ry, 0.0, 0);
    if (!p->has_data) {
        rx.found = ry.found = 0;
    }
    if (p->xcat) {
        rx.lo = -0.5;
        rx.hi = (double)c->n_cats - 0.5;
        rx.found = c->n_cats > 0;
    }
    if (!rx.found) {
        rx.lo = 0.0;
        rx.hi = 1.0;
    }
    if (!ry.found) {
        ry.lo = ylog ? 1.0 : 0.0;
        ry.hi = ylog ? 10.0 : 1.0;
    }
    if (!rpt_distinct(rx.lo, rx.hi)) {
        double m = (rx.lo + rx.hi) / 2;
        double d = p->xdate ? 1.0 : m == 0 ? 1.0 : fabs(m) * 0.05;

        rx.lo = m - d;
        rx.hi = m + d;
    }
    if (!rpt_distinct(ry.lo, ry.hi)) {
        double m = (ry.lo + ry.hi) / 2;

        if (ylog) {
            ry.lo = m / 2.0;
            ry.hi = m * 2.0;
        } else {
            double d = m == 0 ? 1.0 : fabs(m) * 0.1;

            ry.lo = m - d;
            ry.hi = m + d;
        }
    }
    if (!p->xcat && (scatter || hist)) {
        double d = (rx.hi - rx.lo) * (scatter ? 0.05 : 0.02);

        rx.lo -= d;
        rx.hi += d;
    }
    if (ylog) {
        double d = (log10(ry.hi) - log10(ry.lo)) * 0.04;

        ry.lo /= pow(10.0, d);
        ry.hi *= pow(10.0, d);
    } else if (scatter) {
        double d = (ry.hi - ry.lo) * 0.05;

        ry.lo -= d;
        ry.hi += d;
    }
    if (c->axis[RPT_AXIS_X].min < c->axis[RPT_AXIS_X].max && !p->xcat) {
        rx.lo = c->axis[RPT_AXIS_X].min;
        rx.hi = c->axis[RPT_AXIS_X].max;
    }
    p->dxlo = rx.lo;
    p->dxhi = rx.hi;
    p->dylo = ry.lo;
    p->dyhi = ry.hi;
}

/*---- Legend entries ----*/

static int legend_entries(struct xy *p, momo_err *err)
{
    const rpt_chart *c = p->c;
    size_t n_series = 0, n = 0;

    if (c->legend == RPT_LEGEND_NONE)
        return MOMO_OK;
    for (size_t k = 0; k < c->n_series; k++) {
        int t = c->s[k].type;

        if (c->s[k].label && t != RPT_S_HLINE && t != RPT_S_VLINE)
            n_series++;
    }
    for (size_t k = 0; k < c->n_sh_names; k++) {
        if (c->sh_names[k])
            n++;
    }
    if (n_series < 2 && n == 0)
        return MOMO_OK;
    p->leg = core_malloc((n_series + n) * sizeof(*p->leg));
    if (!p->leg)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    for (size_t k = 0; k < c->n_series; k++) {
        const struct rpt_series *s = &c->s[k];

        if (!s->label || s->type == RPT_S_HLINE || s->type == RPT_S_VLINE)
            continue;
        p->leg[p->n_leg].label = s->label;
        p->leg[p->n_leg].type = s->type;
        p->leg[p->n_leg].st = s->st;
        p->n_leg++;
    }
    for (size_t k = 0; k < c->n_sh_names; k++) {
        struct legend_entry *e = &p->leg[p->n_leg];

        if (!c->sh_names[k])
            continue;
        memset(e, 0, sizeof(*e));
        e->label = c->sh_names[k];
        e->type = -1;
        e->st.color = (int)k + 1;
        p->n_leg++;
    }
    p->leg_on = 1;
    p->leg_out = c->legend == RPT_LEGEND_OUTSIDE ||
                 p->n_leg > LEGEND_INSIDE_MAX;
    return MOMO_OK;
}

static void legend_size(struct xy *p)
{
    struct rpt_frame *f = p->f;
    double h, wmax = 0, cap = 0.28 * f->w;

    rpt_text_size(&f->tx, RPT_F_LEGEND, "Ag", 0, NULL, &h);
    p->leg_row = 1.45 * h;
    for (size_t i = 0; i < p->n_leg; i++) {
        double w;

        rpt_text_size(&f->tx, RPT_F_LEGEND, p->leg[i].label, cap, &w, NULL);
        if (w > wmax)
            wmax = w;
    }
    if (p->n_leg > LEGEND_INSIDE_MAX) {    /* room for "and N more" */
        char more[48];
        double w;

        snprintf(more, sizeof(more), "and %zu more", p->n_leg);
        rpt_text_size(&f->tx, RPT_F_LEGEND, more, 0, &w, NULL);
        wmax = fmax(wmax, w);
    }
    p->leg_text_w = wmax;
    p->leg_w = 3 * f->gap + 24 * f->s + wmax;
    p->leg_rows = p->n_leg;
    p->leg_h = f->gap + p->leg_row * (double)p->leg_rows;
}

/*---- Layout ----*/

static int x_labels_fit(struct xy *p)
{
    struct rpt_frame *f = p->f;
    double prev_x = 0, prev_w = 0;

    for (size_t i = 0; i < p->tx.n; i++) {
        double x = rpt_map(&p->mx, p->tx.v[i]), w;

        rpt_text_size(&f->tx, RPT_F_TICK, p->tx.label[i], 0, &w, NULL);
        if (i > 0 && x - prev_x < (w + prev_w) / 2 + 2.5 * f->gap)
            return 0;
        prev_x = x;
        prev_w = w;
    }
    return 1;
}

static void make_x_ticks(struct xy *p, size_t max)
{
    int fmt = p->c->axis[RPT_AXIS_X].format;

    if (p->xdate)
        rpt_ticks_date(p->mx.lo, p->mx.hi, max, &p->tx);
    else
        rpt_ticks_linear(p->mx.lo, p->mx.hi, max, fmt, &p->tx);
}

static void make_y_ticks(struct xy *p, size_t max)
{
    int fmt = p->c->axis[RPT_AXIS_Y].format;

    if (p->ylog)
        rpt_ticks_log(p->my.lo, p->my.hi, max, fmt, &p->ty);
    else
        rpt_ticks_linear(p->my.lo, p->my.hi, max, fmt, &p->ty);
}

static void layout(struct xy *p)
{
    const rpt_chart *c = p->c;
    struct rpt_frame *f = p->f;
    const struct rpt_axis_opts *ax = &c->axis[RPT_AXIS_X];
    const struct rpt_axis_opts *ay = &c->axis[RPT_AXIS_Y];

    for (int pass = 0; pass < 2; pass++) {
        double bottom, left, right, tick_area, yw = 0;
        size_t max_y, max_x;

        /* bottom margin, then the plot height */
        if (p->xcat && p->cat_rot)
            tick_area = (p->cat_w + p->th) * 0.7071;
        else
            tick_area = p->th;
        bottom = f->pad + (ax->label ? p->lh + f->gap : 0) + tick_area +
                 f->gap + f->tick;
        p->py = f->top;
        p->ph = f->y + f->h - bottom - p->py;
        if (p->ph < 20)
            p->ph = 20;

        /* y ticks from the height, then the left margin */
        max_y = (size_t)(p->ph / (p->th * 2.4));
        if (max_y > 12)
            max_y = 12;
        p->my.lo = p->dylo;
        p->my.hi = p->dyhi;
        p->my.log = p->ylog;
        if (ay->min < ay->max) {
            p->my.lo = ay->min;
            p->my.hi = ay->max;
        } else if (!p->ylog && p->has_data) {
            rpt_nice_range(&p->my.lo, &p->my.hi, max_y);
        }
        p->my.p0 = p->py + p->ph;
        p->my.p1 = p->py;
        if (p->has_data)
            make_y_ticks(p, max_y);
        else
            p->ty.n = 0;
        for (size_t i = 0; i < p->ty.n; i++) {
            double w;

            rpt_text_size(&f->tx, RPT_F_TICK, p->ty.label[i], 0, &w, NULL);
            if (w > yw)
                yw = w;
        }
        p->yw = yw;
        left = f->pad + (ay->label ? p->lh + f->gap : 0) + yw + f->gap +
               f->tick;
        right = 2 * f->pad + (p->leg_on && p->leg_out ? p->leg_w : 0);
        if (p->xcat && p->cat_rot) {    /* room for the first slanted name */
            double slot = (f->w - left - right) / (double)c->n_cats;

            left = fmax(left, f->pad + 0.7071 * p->cat_w - 0.5 * slot);
        }
        p->px = f->x + left;
        p->pw = f->w - left - right;
        if (p->pw < 20)
            p->pw = 20;
        p->mx.lo = p->dxlo;
        p->mx.hi = p->dxhi;
        p->mx.p0 = p->px;
        p->mx.p1 = p->px + p->pw;

        if (p->xcat) {
            double slot = p->pw / (double)(c->n_cats ? c->n_cats : 1);
            size_t flat = (size_t)ceil((p->cat_w + 2 * f->gap) / slot);
            size_t slanted = (size_t)ceil(p->th * 1.25 / 0.7071 / slot);

            /* slant the names only when that shows more of them */
            if (pass == 0 && flat > 1 && slanted < flat) {
                p->cat_rot = 1;         /* redo with a taller bottom */
                continue;
            }
            p->cat_every = p->cat_rot ? slanted : flat;
            if (p->cat_every < 1)
                p->cat_every = 1;
            p->tx.n = 0;
            return;
        }
        if (!p->has_data) {
            p->tx.n = 0;
            return;
        }
        max_x = (size_t)(p->pw / (4.0 * p->th));
        if (max_x > 12)
            max_x = 12;
        if (max_x < 2)
            max_x = 2;
        for (;; max_x--) {
            make_x_ticks(p, max_x);
            if (max_x <= 2 || x_labels_fit(p))
                break;
        }
        return;
    }
}

/*---- Occupancy: where the series are, for placing the legend ----*/

struct occ {
    unsigned char *g;
    int nx, ny;
    double x0, y0, cell;
};

static void occ_mark(struct occ *o, double x, double y)
{
    int i = (int)floor((x - o->x0) / o->cell);
    int j = (int)floor((y - o->y0) / o->cell);

    if (i >= 0 && i < o->nx && j >= 0 && j < o->ny)
        o->g[(size_t)j * (size_t)o->nx + (size_t)i] = 1;
}

static void occ_rect(struct occ *o, double x0, double y0, double x1,
                     double y1)
{
    int i0, i1, j0, j1;

    if (x1 < x0) {
        double t = x0;

        x0 = x1;
        x1 = t;
    }
    if (y1 < y0) {
        double t = y0;

        y0 = y1;
        y1 = t;
    }
    i0 = (int)floor((x0 - o->x0) / o->cell);
    i1 = (int)floor((x1 - o->x0) / o->cell);
    j0 = (int)floor((y0 - o->y0) / o->cell);
    j1 = (int)floor((y1 - o->y0) / o->cell);
    if (i0 < 0)
        i0 = 0;
    if (j0 < 0)
        j0 = 0;
    if (i1 >= o->nx)
        i1 = o->nx - 1;
    if (j1 >= o->ny)
        j1 = o->ny - 1;
    for (int j = j0; j <= j1; j++) {
        for (int i = i0; i <= i1; i++)
            o->g[(size_t)j * (size_t)o->nx + (size_t)i] = 1;
    }
}

static int occ_any(const struct occ *o, double x0, double y0, double x1,
                   double y1)
{
    int i0 = (int)floor((x0 - o->x0) / o->cell);
    int i1 = (int)floor((x1 - o->x0) / o->cell);
    int j0 = (int)floor((y0 - o->y0) / o->cell);
    int j1 = (int)floor((y1 - o->y0) / o->cell);

    if (i0 < 0)
        i0 = 0;
    if (j0 < 0)
        j0 = 0;
    if (i1 >= o->nx)
        i1 = o->nx - 1;
    if (j1 >= o->ny)
        j1 = o->ny - 1;
    for (int j = j0; j <= j1; j++) {
        for (int i = i0; i <= i1; i++) {
            if (o->g[(size_t)j * (size_t)o->nx + (size_t)i])
                return 1;
        }
    }
    return 0;
}

static void occ_segment(struct occ *o, double x0, double y0, double x1,
                        double y1)
{
    double len = fmax(fabs(x1 - x0), fabs(y1 - y0));
    int steps = (int)ceil(len / (0.5 * o->cell));

    if (steps > 20000)
        steps = 20000;
    for (int k = 0; k <= steps; k++) {
        double t = steps ? (double)k / steps : 0.0;

        occ_mark(o, x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    }
}

static double bar_base(const struct xy *p)
{
    if (p->ylog)
        return p->my.lo;
    return fmin(fmax(0.0, p->my.lo), p->my.hi);
}

/* Pixel box of bar i of the k-th bar series. */
static void bar_box(const struct xy *p, size_t k, size_t i, double y,
                    double *x0, double *x1, double *y0, double *y1)
{
    double bw = 0.8 / (double)p->n_bars;
    double left = (double)i - 0.4 + bw * (double)k;

    *x0 = rpt_map(&p->mx, left + 0.06 * bw);
    *x1 = rpt_map(&p->mx, left + 0.94 * bw);
    *y0 = rpt_map(&p->my, bar_base(p));
    *y1 = rpt_map(&p->my, y);
}

static void occ_series(struct xy *p, struct occ *o)
{
    const rpt_chart *c = p->c;
    size_t bar_k = 0;

    for (size_t k = 0; k < c->n_series; k++) {
        const struct rpt_series *s = &c->s[k];
        int have = 0;
        double qx = 0, qy = 0;

        switch (s->type) {
        case RPT_S_LINE:
        case RPT_S_STEP:
        case RPT_S_SCATTER:
            for (size_t i = 0; i < s->n; i++) {
                double x, y;

                if (!isfinite(sx(s, i)) || !rpt_drawable(s->y[i], p->ylog)) {
                    have = 0;
                    continue;
                }
                x = rpt_map(&p->mx, sx(s, i));
                y = rpt_map(&p->my, s->y[i]);
                if (s->type == RPT_S_SCATTER) {
                    double r = 6 * p->f->s;

                    occ_rect(o, x - r, y - r, x + r, y + r);
                } else if (have) {
                    if (s->type == RPT_S_STEP) {
                        occ_segment(o, qx, qy, x, qy);
                        occ_segment(o, x, qy, x, y);
                    } else {
                        occ_segment(o, qx, qy, x, y);
                    }
                } else {
                    occ_mark(o, x, y);
                }
                qx = x;
                qy = y;
                have = 1;
            }
            break;
        case RPT_S_BAND:
            for (size_t i = 0; i < s->n; i++) {
                double x, lo = band_lo(s, i), hi = band_hi(s, i);

                if (!isfinite(sx(s, i)) || !rpt_drawable(lo, p->ylog) ||
                    !rpt_drawable(hi, p->ylog)) {
                    have = 0;
                    continue;
                }
                x = rpt_map(&p->mx, sx(s, i));
                if (have)
                    occ_rect(o, qx, rpt_map(&p->my, lo), x,
                             rpt_map(&p->my, hi));
                else
                    occ_rect(o, x, rpt_map(&p->my, lo), x,
                             rpt_map(&p->my, hi));
                qx = x;
                have = 1;
            }
            break;
        case RPT_S_BARS:
            for (size_t i = 0; i < s->n; i++) {
                double x0, x1, y0, y1;

                if (!rpt_drawable(s->y[i], p->ylog))
                    continue;
                bar_box(p, bar_k, i, s->y[i], &x0, &x1, &y0, &y1);
                occ_rect(o, x0, y0, x1, y1);
                if (s->y2 && rpt_drawable(s->y3[i], p->ylog))
                    occ_rect(o, x0, y1, x1, rpt_map(&p->my, s->y3[i]));
            }
            bar_k++;
            break;
        case RPT_S_HIST:
            for (size_t i = 0; i < s->n; i++) {
                if (!rpt_drawable(s->y[i], p->ylog) || s->y[i] == 0)
                    continue;
                occ_rect(o, rpt_map(&p->mx, s->x[i]),
                         rpt_map(&p->my, bar_base(p)),
                         rpt_map(&p->mx, s->x[i + 1]),
                         rpt_map(&p->my, s->y[i]));
            }
            break;
        default:
            break;
        }
    }
}

/* Put the legend in a free inside corner; 0 when none is free. */
static int place_legend_inside(struct xy *p, momo_err *err, int *rc)
{
    struct rpt_frame *f = p->f;
    struct occ o;
    double in = f->gap * 1.5;
    const double corner[4][2] = {
        { p->px + p->pw - in - p->leg_w, p->py + in },
        { p->px + in, p->py + in },
        { p->px + p->pw - in - p->leg_w, p->py + p->ph - in - p->leg_h },
        { p->px + in, p->py + p->ph - in - p->leg_h },
    };
    int placed = 0;

    *rc = MOMO_OK;
    if (p->leg_w > 0.5 * p->pw || p->leg_h > 0.6 * p->ph)
        return 0;
    o.cell = 4.0 * f->s;
    o.x0 = p->px;
    o.y0 = p->py;
    o.nx = (int)ceil(p->pw / o.cell) + 1;
    o.ny = (int)ceil(p->ph / o.cell) + 1;
    o.g = core_calloc((size_t)o.nx * (size_t)o.ny, 1);
    if (!o.g) {
        *rc = momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
        return 0;
    }
    occ_series(p, &o);
    for (int k = 0; k < 4 && !placed; k++) {
        double x = corner[k][0], y = corner[k][1];

        if (!occ_any(&o, x - f->gap, y - f->gap, x + p->leg_w + f->gap,
                     y + p->leg_h + f->gap)) {
            p->leg_x = x;
            p->leg_y = y;
            placed = 1;
        }
    }
    core_free(o.g);
    return placed;
}

/*---- Drawing ----*/

static void draw_grid(struct xy *p)
{
    cairo_t *cr = p->cr;

    cairo_set_line_width(cr, 1.0 * p->f->s);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    for (size_t i = 0; i < p->ty.n; i++) {
        double y = rpt_map(&p->my, p->ty.v[i]);

        cairo_move_to(cr, p->px, y);
        cairo_line_to(cr, p->px + p->pw, y);
    }
    for (size_t i = 0; i < p->tx.n; i++) {
        double x = rpt_map(&p->mx, p->tx.v[i]);

        cairo_move_to(cr, x, p->py);
        cairo_line_to(cr, x, p->py + p->ph);
    }
    cairo_stroke(cr);
}

static void draw_shading(struct xy *p)
{
    const rpt_chart *c = p->c;
    cairo_t *cr = p->cr;

    for (size_t i = 0; i < c->n_shade; i++) {
        double rgb[3], x0, x1;

        if (!isfinite(c->sh_x0[i]) || !isfinite(c->sh_x1[i]))
            continue;
        x0 = rpt_map(&p->mx, c->sh_x0[i]);
        x1 = rpt_map(&p->mx, c->sh_x1[i]);
        rpt_palette_rgb(c->sh_cat[i] + 1, rgb);
        rpt_set_rgb(cr, rgb, 0.2);
        cairo_rectangle(cr, x0, p->py, x1 - x0, p->ph);
        cairo_fill(cr);
    }
}

static void draw_band(struct xy *p, const struct rpt_series *s)
{
    cairo_t *cr = p->cr;
    double rgb[3];
    size_t i = 0;

    rpt_style_rgb(&s->st, rgb);
    rpt_set_rgb(cr, rgb, fill_alpha(&s->st, RPT_S_BAND));
    while (i < s->n) {
        size_t a, b;

        /* one run of drawable points [a, b) */
        while (i < s->n && (!isfinite(sx(s, i)) ||
                            !rpt_drawable(band_lo(s, i), p->ylog) ||
                            !rpt_drawable(band_hi(s, i), p->ylog)))
            i++;
        a = i;
        while (i < s->n && isfinite(sx(s, i)) &&
               rpt_drawable(band_lo(s, i), p->ylog) &&
               rpt_drawable(band_hi(s, i), p->ylog))
            i++;
        b = i;
        if (b <= a)
            continue;
        for (size_t j = a; j < b; j++) {
            double x = rpt_map(&p->mx, sx(s, j));
            double y = rpt_map(&p->my, band_hi(s, j));

            if (j == a)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        for (size_t j = b; j-- > a;)
            cairo_line_to(cr, rpt_map(&p->mx, sx(s, j)),
                          rpt_map(&p->my, band_lo(s, j)));
        cairo_close_path(cr);
    }
    cairo_fill(cr);
}

static void draw_hist(struct xy *p, const struct rpt_series *s)
{
    cairo_t *cr = p->cr;
    double rgb[3], base = rpt_map(&p->my, bar_base(p));

    rpt_style_rgb(&s->st, rgb);
    for (size_t i = 0; i < s->n; i++) {
        double x0, x1, y;

        if (!rpt_drawable(s->y[i], p->ylog) || s->y[i] == 0)
            continue;
        x0 = rpt_map(&p->mx, s->x[i]);
        x1 = rpt_map(&p->mx, s->x[i + 1]);
        y = rpt_map(&p->my, s->y[i]);
        cairo_rectangle(cr, x0, y, x1 - x0, base - y);
    }
    rpt_set_rgb(cr, rgb, fill_alpha(&s->st, RPT_S_HIST));
    cairo_fill_preserve(cr);
    rpt_set_rgb(cr, rgb, 1.0);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0 * p->f->s);
    cairo_stroke(cr);
}

static void draw_bars(struct xy *p, const struct rpt_series *s, size_t k)
{
    cairo_t *cr = p->cr;
    double rgb[3];

    rpt_style_rgb(&s->st, rgb);
    rpt_set_rgb(cr, rgb, fill_alpha(&s->st, RPT_S_BARS));
    for (size_t i = 0; i < s->n; i++) {
        double x0, x1, y0, y1;

        if (!rpt_drawable(s->y[i], p->ylog))
            continue;
        bar_box(p, k, i, s->y[i], &x0, &x1, &y0, &y1);
        cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    }
    cairo_fill(cr);
    if (!s->y2)
        return;
    cairo_set_source_rgb(cr, 0.12, 0.12, 0.12);
    cairo_set_line_width(cr, 1.4 * p->f->s);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < s->n; i++) {
        double x0, x1, y0, y1, xm, cap, lo, hi;

        if (!rpt_drawable(s->y2[i], p->ylog) ||
            !rpt_drawable(s->y3[i], p->ylog))
            continue;
        bar_box(p, k, i, s->y2[i], &x0, &x1, &y0, &y1);
        xm = (x0 + x1) / 2;
        cap = fmin((x1 - x0) * 0.25, 7 * p->f->s);
        lo = rpt_map(&p->my, s->y2[i]);
        hi = rpt_map(&p->my, s->y3[i]);
        cairo_move_to(cr, xm, lo);
        cairo_line_to(cr, xm, hi);
        cairo_move_to(cr, xm - cap, lo);
        cairo_line_to(cr, xm + cap, lo);
        cairo_move_to(cr, xm - cap, hi);
        cairo_line_to(cr, xm + cap, hi);
    }
    cairo_stroke(cr);
}

static void draw_line(struct xy *p, const struct rpt_series *s)
{
    cairo_t *cr = p->cr;
    double rgb[3], w = line_width(p, s), prev_y = 0;
    int pen = 0, run = 0;

    rpt_style_rgb(&s->st, rgb);
    rpt_set_rgb(cr, rgb, 1.0);
    cairo_set_line_width(cr, w);
    rpt_set_dash(cr, s->st.dash, w);
    for (size_t i = 0; i < s->n; i++) {
        double x, y;

        if (!isfinite(sx(s, i)) || !rpt_drawable(s->y[i], p->ylog)) {
            pen = 0;
            continue;
        }
        x = rpt_map(&p->mx, sx(s, i));
        y = rpt_map(&p->my, s->y[i]);
        if (!pen) {
            cairo_move_to(cr, x, y);
            /* an isolated point still shows, as a dot */
            if (i + 1 >= s->n || !isfinite(sx(s, i + 1)) ||
                !rpt_drawable(s->y[i + 1], p->ylog))
                cairo_line_to(cr, x, y);
        } else if (s->type == RPT_S_STEP) {
            cairo_line_to(cr, x, prev_y);
            cairo_line_to(cr, x, y);
        } else {
            cairo_line_to(cr, x, y);
        }
        prev_y = y;
        pen = 1;
        if (++run == STROKE_CHUNK && s->st.dash == RPT_SOLID) {
            /* short paths rasterize much faster than one long one */
            cairo_stroke(cr);
            cairo_move_to(cr, x, y);
            run = 0;
        }
    }
    cairo_stroke(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, NULL, 0, 0);
}

struct box {
    double x0, y0, x1, y1;
};

static int overlaps(const struct box *a, const struct box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 &&
           b->y0 < a->y1;
}

/* Point labels: the first of eight places around the marker that stays
 * inside the plot and clear of markers and labels placed before. */
static int draw_point_labels(struct xy *p, const struct rpt_series *s,
                             momo_err *err)
{
    static const double dir[8][2] = { { 1, 0 },  { -1, 0 }, { 0, -1 },
                                      { 0, 1 },  { 1, -1 }, { -1, -1 },
                                      { 1, 1 },  { -1, 1 } };
    struct rpt_frame *f = p->f;
    double r = 4.5 * f->s + 3 * f->s;
    struct box *placed;
    size_t n_placed = 0;

    placed = core_malloc(2 * s->n * sizeof(*placed));
    if (!placed)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    for (size_t i = 0; i < s->n; i++) {
        double x, y;

        if (!isfinite(sx(s, i)) || !rpt_drawable(s->y[i], p->ylog))
            continue;
        x = rpt_map(&p->mx, sx(s, i));
        y = rpt_map(&p->my, s->y[i]);
        placed[n_placed].x0 = x - r * 0.7;
        placed[n_placed].x1 = x + r * 0.7;
        placed[n_placed].y0 = y - r * 0.7;
        placed[n_placed].y1 = y + r * 0.7;
        n_placed++;
    }
    rpt_set_grey(p->cr, 0.15);
    for (size_t i = 0; i < s->n; i++) {
        double x, y, w, h;
        struct box best = { 0 };
        int found = 0;

        if (!s->names[i] || !*s->names[i] || !isfinite(sx(s, i)) ||
            !rpt_drawable(s->y[i], p->ylog))
            continue;
        x = rpt_map(&p->mx, sx(s, i));
        y = rpt_map(&p->my, s->y[i]);
        rpt_text_size(&f->tx, RPT_F_TICK, s->names[i], 0, &w, &h);
        for (int k = 0; k < 8 && !found; k++) {
            double cx = x + dir[k][0] * (r + w / 2);
            double cy = y + dir[k][1] * (r * 0.6 + h / 2);
            struct box b = { cx - w / 2, cy - h / 2, cx + w / 2,
                             cy + h / 2 };
            int clear = b.x0 >= p->px && b.x1 <= p->px + p->pw &&
                        b.y0 >= p->py && b.y1 <= p->py + p->ph;

            for (size_t j = 0; clear && j < n_placed; j++)
                clear = !overlaps(&b, &placed[j]);
            if (k == 0)
                best = b;
            if (clear) {
                best = b;
                found = 1;
            }
        }
        placed[n_placed++] = best;
        rpt_text_draw(&f->tx, RPT_F_TICK, s->names[i], best.x0, best.y0, 0,
                      0, 0, 0);
    }
    core_free(placed);
    return MOMO_OK;
}

static int draw_scatter(struct xy *p, const struct rpt_series *s,
                        momo_err *err)
{
    cairo_t *cr = p->cr;
    double rgb[3], r = fmax(3.5, 4.5 * p->f->s);

    rpt_style_rgb(&s->st, rgb);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0 * p->f->s);
    for (size_t i = 0; i < s->n; i++) {
        double x, y;

        if (!isfinite(sx(s, i)) || !rpt_drawable(s->y[i], p->ylog))
            continue;
        x = rpt_map(&p->mx, sx(s, i));
        y = rpt_map(&p->my, s->y[i]);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        rpt_set_rgb(cr, rgb, 0.9);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_stroke(cr);
    }
    if (s->names && s->n <= LABELLED_MAX)
        return draw_point_labels(p, s, err);
    return MOMO_OK;
}

/* Labels of reference lines placed so far, so later ones step aside. */
struct ref_labels {
    struct box b[RPT_MAX_SERIES];
    size_t n;
};

/* A label on a light box, so it reads over grid and series. It starts
 * with its point (ax, ay) at (x, y) and, while it overlaps a label
 * placed before, moves by its own size in direction (dx, dy). */
static void ref_label(struct xy *p, struct ref_labels *rl, const char *s,
                      double x, double y, double ax, double ay, double dx,
                      double dy)
{
    struct rpt_frame *f = p->f;
    double w, h, m = 2 * f->s;
    struct box b = { 0 };

    rpt_text_size(&f->tx, RPT_F_TICK, s, 0.4 * p->pw, &w, &h);
    for (int k = 0; k < 40; k++) {
        int clear = 1;

        b.x0 = x - ax * w - m;
        b.y0 = y - ay * h - m;
        b.x1 = b.x0 + w + 2 * m;
        b.y1 = b.y0 + h + 2 * m;
        for (size_t j = 0; clear && j < rl->n; j++)
            clear = !overlaps(&b, &rl->b[j]);
        if (clear)
            break;
        x += dx * (w + 2 * m + f->gap);
        y += dy * (h + 2 * m + 1);
    }
    if (rl->n < RPT_MAX_SERIES)
        rl->b[rl->n++] = b;
    cairo_set_source_rgba(p->cr, 1, 1, 1, 0.8);
    cairo_rectangle(p->cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_fill(p->cr);
    rpt_set_grey(p->cr, 0.2);
    rpt_text_draw(&f->tx, RPT_F_TICK, s, b.x0 + m, b.y0 + m, 0, 0, 0,
                  0.4 * p->pw);
}

/* Pixel position of a reference line, or NAN when it is off the plot. */
static double ref_at(const struct xy *p, const struct rpt_series *s)
{
    double v;

    if (s->type == RPT_S_HLINE) {
        if (!rpt_drawable(s->at, p->ylog))
            return NAN;
        v = rpt_map(&p->my, s->at);
        return v < p->py - 1 || v > p->py + p->ph + 1 ? NAN : v;
    }
    if (!isfinite(s->at))
        return NAN;
    v = rpt_map(&p->mx, s->at);
    return v < p->px - 1 || v > p->px + p->pw + 1 ? NAN : v;
}

static void draw_ref(struct xy *p, const struct rpt_series *s)
{
    cairo_t *cr = p->cr;
    double rgb[3], w = (s->st.width > 0 ? s->st.width : 1.5) * p->f->s;
    double v = ref_at(p, s);

    if (isnan(v))
        return;
    rpt_style_rgb(&s->st, rgb);
    rpt_set_rgb(cr, rgb, 1.0);
    cairo_set_line_width(cr, w);
    rpt_set_dash(cr, s->st.dash, w);
    if (s->type == RPT_S_HLINE) {
        cairo_move_to(cr, p->px, v);
        cairo_line_to(cr, p->px + p->pw, v);
    } else {
        cairo_move_to(cr, v, p->py);
        cairo_line_to(cr, v, p->py + p->ph);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

/* hline labels sit above the line's right end and step left; vline
 * labels sit at the top beside the line and step down. */
static void label_ref(struct xy *p, struct ref_labels *rl,
                      const struct rpt_series *s)
{
    struct rpt_frame *f = p->f;
    double v = ref_at(p, s);

    if (isnan(v) || !s->label)
        return;
    if (s->type == RPT_S_HLINE) {
        int below = v - p->py < 3 * p->th;

        ref_label(p, rl, s->label, p->px + p->pw - f->gap,
                  v + (below ? 1.0 : -1.0) * f->gap / 2, 1.0,
                  below ? 0.0 : 1.0, -1.0, 0.0);
    } else {
        int left = v > p->px + 0.7 * p->pw;

        ref_label(p, rl, s->label, v + (left ? -1.0 : 1.0) * f->gap,
                  p->py + f->gap, left ? 1.0 : 0.0, 0.0, 0.0, 1.0);
    }
}

static int draw_series(struct xy *p, momo_err *err)
{
    const rpt_chart *c = p->c;
    size_t bar_k = 0;
    int rc = MOMO_OK;

    /* areas first, so lines and markers stay on top */
    for (size_t k = 0; k < c->n_series; k++) {
        if (c->s[k].type == RPT_S_BAND)
            draw_band(p, &c->s[k]);
        else if (c->s[k].type == RPT_S_HIST)
            draw_hist(p, &c->s[k]);
    }
    for (size_t k = 0; k < c->n_series; k++) {
        if (c->s[k].type == RPT_S_BARS)
            draw_bars(p, &c->s[k], bar_k++);
    }
    for (size_t k = 0; k < c->n_series; k++) {
        int t = c->s[k].type;

        if (t == RPT_S_LINE || t == RPT_S_STEP)
            draw_line(p, &c->s[k]);
    }
    for (size_t k = 0; k < c->n_series && rc == MOMO_OK; k++) {
        if (c->s[k].type == RPT_S_SCATTER)
            rc = draw_scatter(p, &c->s[k], err);
    }
    for (size_t k = 0; k < c->n_series; k++) {
        int t = c->s[k].type;

        if (t == RPT_S_HLINE || t == RPT_S_VLINE)
            draw_ref(p, &c->s[k]);
    }
    return rc;
}

static void draw_ref_labels(struct xy *p)
{
    struct ref_labels rl;

    rl.n = 0;
    for (size_t k = 0; k < p->c->n_series; k++) {
        int t = p->c->s[k].type;

        if (t == RPT_S_HLINE || t == RPT_S_VLINE)
            label_ref(p, &rl, &p->c->s[k]);
    }
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void draw_axes(struct xy *p)
{
    const rpt_chart *c = p->c;
    struct rpt_frame *f = p->f;
    cairo_t *cr = p->cr;
    double x_lab = p->py + p->ph + f->tick + f->gap;

    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0 * f->s);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_rectangle(cr, p->px, p->py, p->pw, p->ph);
    for (size_t i = 0; i < p->ty.n; i++) {
        double y = rpt_map(&p->my, p->ty.v[i]);

        cairo_move_to(cr, p->px, y);
        cairo_line_to(cr, p->px - f->tick, y);
    }
    for (size_t i = 0; i < p->tx.n; i++) {
        double x = rpt_map(&p->mx, p->tx.v[i]);

        cairo_move_to(cr, x, p->py + p->ph);
        cairo_line_to(cr, x, p->py + p->ph + f->tick);
    }
    if (p->xcat) {
        for (size_t i = 0; i < c->n_cats; i += p->cat_every) {
            double x = rpt_map(&p->mx, (double)i);

            cairo_move_to(cr, x, p->py + p->ph);
            cairo_line_to(cr, x, p->py + p->ph + f->tick);
        }
    }
    cairo_stroke(cr);

    rpt_set_grey(cr, 0.2);
    for (size_t i = 0; i < p->ty.n; i++)
        rpt_text_draw(&f->tx, RPT_F_TICK, p->ty.label[i],
                      p->px - f->tick - f->gap,
                      rpt_map(&p->my, p->ty.v[i]), 1.0, 0.5, 0, 0);
    for (size_t i = 0; i < p->tx.n; i++) {
        double w, x = rpt_map(&p->mx, p->tx.v[i]);

        rpt_text_size(&f->tx, RPT_F_TICK, p->tx.label[i], 0, &w, NULL);
        x = clampd(x, f->x + f->pad / 2 + w / 2,
                   f->x + f->w - f->pad / 2 - w / 2);
        rpt_text_draw(&f->tx, RPT_F_TICK, p->tx.label[i], x, x_lab, 0.5,
                      0.0, 0, 0);
    }
    f->tx.middle = 1;
    for (size_t i = 0; p->xcat && i < c->n_cats; i += p->cat_every) {
        const char *name = c->cats[i] ? c->cats[i] : "";
        double x = rpt_map(&p->mx, (double)i);

        if (p->cat_rot)
            rpt_text_draw(&f->tx, RPT_F_TICK, name, x + 0.35 * p->th, x_lab,
                          1.0, 0.5, -45.0, p->cat_w);
        else
            rpt_text_draw(&f->tx, RPT_F_TICK, name, x, x_lab, 0.5, 0.0, 0,
                          p->cat_w + 1);
    }
    f->tx.middle = 0;
    if (c->axis[RPT_AXIS_X].label)
        rpt_text_draw(&f->tx, RPT_F_LABEL, c->axis[RPT_AXIS_X].label,
                      p->px + p->pw / 2, f->y + f->h - f->pad, 0.5, 1.0, 0,
                      f->w - 2 * f->pad);
    if (c->axis[RPT_AXIS_Y].label)     /* next to the tick labels */
        rpt_text_draw(&f->tx, RPT_F_LABEL, c->axis[RPT_AXIS_Y].label,
                      p->px - f->tick - 2 * f->gap - p->yw - p->lh,
                      p->py + p->ph / 2, 0.5, 0.0, -90.0, p->ph);
}

static void legend_swatch(struct xy *p, const struct legend_entry *e,
                          double x, double y, double w, double h)
{
    cairo_t *cr = p->cr;
    double rgb[3], lw;

    rpt_style_rgb(&e->st, rgb);
    switch (e->type) {
    case RPT_S_LINE:
    case RPT_S_STEP:
        lw = (e->st.width > 0 ? e->st.width : 2.0) * p->f->s;
        rpt_set_rgb(cr, rgb, 1.0);
        cairo_set_line_width(cr, lw);
        rpt_set_dash(cr, e->st.dash, lw);
        cairo_move_to(cr, x, y + h / 2);
        cairo_line_to(cr, x + w, y + h / 2);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        break;
    case RPT_S_SCATTER:
        rpt_set_rgb(cr, rgb, 0.9);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + w / 2, y + h / 2, 4.5 * p->f->s, 0, 2 * G_PI);
        cairo_fill(cr);
        break;
    default: {
        double a = e->type < 0 ? 0.35 : fill_alpha(&e->st, e->type);

        rpt_set_rgb(cr, rgb, a);
        cairo_rectangle(cr, x, y + h * 0.15, w, h * 0.7);
        cairo_fill(cr);
        break;
    }
    }
}

static void draw_legend(struct xy *p)
{
    struct rpt_frame *f = p->f;
    cairo_t *cr = p->cr;
    double x = p->leg_x, y = p->leg_y, sw = 24 * f->s;
    double max_rows = floor((f->y + f->h - f->pad - y - f->gap) / p->leg_row);
    size_t rows = p->n_leg;
    char more[48];

    if (max_rows < 1)
        max_rows = 1;
    if ((double)rows > max_rows)
        rows = (size_t)max_rows;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.88);
    cairo_rectangle(cr, x, y, p->leg_w, f->gap + p->leg_row * (double)rows);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.78, 0.78, 0.78);
    cairo_set_line_width(cr, 1.0 * f->s);
    cairo_stroke(cr);
    for (size_t i = 0; i < rows; i++) {
        double ry = y + f->gap / 2 + p->leg_row * (double)i;
        const char *label = p->leg[i].label;

        if (i + 1 == rows && rows < p->n_leg) {
            snprintf(more, sizeof(more), "and %zu more", p->n_leg - i);
            label = more;
        } else {
            legend_swatch(p, &p->leg[i], x + f->gap, ry, sw, p->leg_row);
        }
        rpt_set_grey(cr, 0.15);
        rpt_text_draw(&f->tx, RPT_F_LEGEND, label, x + 2 * f->gap + sw,
                      ry + p->leg_row / 2, 0.0, 0.5, 0, p->leg_text_w + 1);
    }
}

int rpt_draw_xy(const rpt_chart *c, struct rpt_frame *f, momo_err *err)
{
    struct xy p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.c = c;
    p.f = f;
    p.cr = f->cr;
    p.xcat = c->n_cats > 0;
    p.xdate = !p.xcat && c->axis[RPT_AXIS_X].format == RPT_FMT_DATE;
    p.ylog = c->axis[RPT_AXIS_Y].scale == RPT_SCALE_LOG;
    for (size_t k = 0; k < c->n_series; k++)
        p.n_bars += c->s[k].type == RPT_S_BARS;
    rpt_text_size(&f->tx, RPT_F_TICK, "0123456789", 0, NULL, &p.th);
    rpt_text_size(&f->tx, RPT_F_LABEL, "Ag", 0, NULL, &p.lh);
    f->tx.middle = 1;
    for (size_t i = 0; i < c->n_cats; i++) {
        double w;

        rpt_text_size(&f->tx, RPT_F_TICK, c->cats[i], CAT_MAX_W * f->h, &w,
                      NULL);
        if (w > p.cat_w)
            p.cat_w = w;
    }
    f->tx.middle = 0;
    data_ranges(&p);
    rc = legend_entries(&p, err);
    if (rc != MOMO_OK)
        return rc;
    if (p.leg_on)
        legend_size(&p);
    layout(&p);
    if (p.leg_on && !p.leg_out && p.has_data) {
        if (!place_legend_inside(&p, err, &rc)) {
            if (rc != MOMO_OK)
                goto out;
            p.leg_out = 1;
            layout(&p);
        }
    } else if (p.leg_on && !p.leg_out) {
        p.leg_x = p.px + p.pw - 1.5 * f->gap - p.leg_w;
        p.leg_y = p.py + 1.5 * f->gap;
    }
    if (p.leg_on && p.leg_out) {
        p.leg_x = p.px + p.pw + f->gap;
        p.leg_y = p.py;
    }

    draw_grid(&p);
    cairo_save(p.cr);
    cairo_rectangle(p.cr, p.px, p.py, p.pw, p.ph);
    cairo_clip(p.cr);
    draw_shading(&p);
    rc = draw_series(&p, err);
    if (rc == MOMO_OK)
        draw_ref_labels(&p);
    cairo_restore(p.cr);
    if (rc != MOMO_OK)
        goto out;
    draw_axes(&p);
    if (!p.has_data)
        rpt_draw_note(f, "no data", p.px, p.py, p.pw, p.ph);
    if (p.leg_on)
        draw_legend(&p);
out:
    core_free(p.leg);
    return rc;
}
