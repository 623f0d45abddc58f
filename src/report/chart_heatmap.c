/* chart_heatmap.c - heatmaps over two categorical axes, and the colour
 * bar that heatmaps and surfaces share.
 *
 * In:  a chart of kind RPT_KIND_HEATMAP: z[iy * nx + ix], names.
 * Out: cells coloured by viridis over the finite range of z (or the z
 *      axis range when fixed), a colour bar with ticks on the right,
 *      optional value labels in the cells, NaN cells grey and hatched.
 *
 * Cell edges are snapped to whole pixels and filled without
 * antialiasing, so neighbouring cells meet without seams and a cell's
 * colour is exactly the map's colour for its value.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "report/chart_int.h"

/*---- Colour bar ----*/

double rpt_cbar_t(const struct rpt_cbar *cb, double z)
{
    if (!rpt_drawable(z, cb->m.log))
        return NAN;
    if (cb->m.log)
        return (log10(z) - log10(cb->m.lo)) /
               (log10(cb->m.hi) - log10(cb->m.lo));
    return (z - cb->m.lo) / (cb->m.hi - cb->m.lo);
}

void rpt_cbar_layout(const rpt_chart *c, struct rpt_frame *f, double lo,
                     double hi, double h, struct rpt_cbar *cb)
{
    const struct rpt_axis_opts *az = &c->axis[RPT_AXIS_Z];
    double th, lh, wmax = 0;
    size_t max;

    memset(cb, 0, sizeof(*cb));
    cb->m.lo = lo;
    cb->m.hi = hi;
    /* a log colour scale is for heatmaps; surfaces stay linear */
    cb->m.log = az->scale == RPT_SCALE_LOG && c->kind == RPT_KIND_HEATMAP;
    cb->format = az->format;
    cb->label = az->label;
    cb->bar_w = 18 * f->s;
    rpt_text_size(&f->tx, RPT_F_TICK, "0123456789", 0, NULL, &th);
    rpt_text_size(&f->tx, RPT_F_LABEL, "Ag", 0, NULL, &lh);
    max = (size_t)(h / (th * 2.2));
    if (max > 10)
        max = 10;
    if (cb->m.log)
        rpt_ticks_log(lo, hi, max, cb->format, &cb->t);
    else
        rpt_ticks_linear(lo, hi, max, cb->format, &cb->t);
    for (size_t i = 0; i < cb->t.n; i++) {
        double w;

        rpt_text_size(&f->tx, RPT_F_TICK, cb->t.label[i], 0, &w, NULL);
        if (w > wmax)
            wmax = w;
    }
    cb->width = 3 * f->gap + cb->bar_w + f->tick + f->gap + wmax +
                (cb->label ? f->gap + lh : 0);
}

void rpt_cbar_draw(struct rpt_frame *f, struct rpt_cbar *cb, double x,
                   double y, double h)
{
    cairo_t *cr = f->cr;
    cairo_pattern_t *pat;
    double bx = x + 3 * f->gap, right = bx + cb->bar_w, wmax = 0;

    cb->m.p0 = y + h;
    cb->m.p1 = y;
    pat = cairo_pattern_create_linear(0, y + h, 0, y);
    for (int i = 0; i < RPT_VIRIDIS_STOPS; i++) {
        double rgb[3];

        rpt_viridis_stop(i, rgb);
        cairo_pattern_add_color_stop_rgb(pat,
                                         i / (RPT_VIRIDIS_STOPS - 1.0),
                                         rgb[0], rgb[1], rgb[2]);
    }
    cairo_set_source(cr, pat);
    cairo_rectangle(cr, bx, y, cb->bar_w, h);
    cairo_fill(cr);
    cairo_pattern_destroy(pat);

    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0 * f->s);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_rectangle(cr, bx, y, cb->bar_w, h);
    for (size_t i = 0; i < cb->t.n; i++) {
        double ty = rpt_map(&cb->m, cb->t.v[i]);

        cairo_move_to(cr, right, ty);
        cairo_line_to(cr, right + f->tick, ty);
    }
    cairo_stroke(cr);
    rpt_set_grey(cr, 0.2);
    for (size_t i = 0; i < cb->t.n; i++) {
        double w;

        rpt_text_size(&f->tx, RPT_F_TICK, cb->t.label[i], 0, &w, NULL);
        if (w > wmax)
            wmax = w;
        rpt_text_draw(&f->tx, RPT_F_TICK, cb->t.label[i],
                      right + f->tick + f->gap, rpt_map(&cb->m, cb->t.v[i]),
                      0.0, 0.5, 0, 0);
    }
    if (cb->label)
        rpt_text_draw(&f->tx, RPT_F_LABEL, cb->label,
                      right + f->tick + 2 * f->gap + wmax, y + h / 2, 0.5,
                      1.0, 90.0, h);
}

/*---- Heatmap ----*/

static const char *grid_name(char *const *names, size_t i, char *buf,
                             size_t size)
{
    if (names && names[i])
        return names[i];
    snprintf(buf, size, "%zu", i + 1);
    return buf;
}

static double max_name_width(struct rpt_frame *f, char *const *names,
                             size_t n, double cap)
{
    double wmax = 0;
    char buf[32];

    for (size_t i = 0; i < n; i++) {
        double w;

        rpt_text_size(&f->tx, RPT_F_TICK, grid_name(names, i, buf,
                      sizeof(buf)), cap, &w, NULL);
        if (w > wmax)
            wmax = w;
    }
    return wmax;
}

struct cell_labels {
    int on;
    double step;            /* decimals of the labels */
};

/* Decide whether value labels are drawn, and at what size: the longest
 * label must fit its cell (digits are equally wide, so the longest
 * string is the widest). */
static void plan_labels(const rpt_chart *c, struct rpt_frame *f,
                        const struct rpt_cbar *cb, double cw, double ch,
                        struct cell_labels *cl)
{
    struct rpt_ticks t;
    char buf[64], longest[64] = "";
    double base = f->tx.size[RPT_F_VALUE];

    cl->on = 0;
    if (c->value_labels == RPT_LABELS_OFF)
        return;
    rpt_ticks_linear(cb->m.lo, cb->m.hi, 6, RPT_FMT_PLAIN, &t);
    cl->step = t.step > 0 ? t.step / 10 : 0.01;
    if (cb->format == RPT_FMT_PERCENT && cl->step < 0.001)
        cl->step = 0.001;
    for (size_t i = 0; i < c->nx * c->ny; i++) {
        if (!isfinite(c->gz[i]))
            continue;
        rpt_format_value(c->gz[i], cb->format, cl->step, buf, sizeof(buf));
        if (strlen(buf) > strlen(longest))
            memcpy(longest, buf, strlen(buf) + 1);
    }
    for (double k = 1.0; k >= 0.69; k -= 0.15) {
        double w, h;

        rpt_text_resize(&f->tx, RPT_F_VALUE, base * k);
        rpt_text_size(&f->tx, RPT_F_VALUE, longest, 0, &w, &h);
        if (w <= cw - 4 * f->s && h <= ch - 2 * f->s) {
            cl->on = 1;
            return;
        }
    }
    cl->on = c->value_labels == RPT_LABELS_ON;
}

static void hatch(struct rpt_frame *f, double x0, double y0, double x1,
                  double y1)
{
    cairo_t *cr = f->cr;
    double sp = fmax(6.0, 8 * f->s), h = y1 - y0;

    cairo_set_source_rgb(cr, 0.86, 0.86, 0.86);
    cairo_rectangle(cr, x0, y0, x1 - x0, h);
    cairo_fill(cr);
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, x1 - x0, h);
    cairo_clip(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, fmax(1.0, 1.2 * f->s));
    for (double x = x0 - h; x < x1; x += sp) {
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x + h, y0);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

int rpt_draw_heatmap(const rpt_chart *c, struct rpt_frame *f,
                     momo_err *err)
{
    const struct rpt_axis_opts *ax = &c->axis[RPT_AXIS_X];
    const struct rpt_axis_opts *ay = &c->axis[RPT_AXIS_Y];
    const struct rpt_axis_opts *az = &c->axis[RPT_AXIS_Z];
    cairo_t *cr = f->cr;
    struct rpt_cbar cb;
    struct cell_labels cl;
    double th, lh, xw, yw, lo = 0, hi = 1, px = 0, py, pw = 0, ph = 0;
    double cw = 1, ch = 1;
    size_t x_every = 1, y_every;
    int rot = 0, found;
    char buf[64];

    (void)err;
    rpt_text_size(&f->tx, RPT_F_TICK, "0123456789", 0, NULL, &th);
    rpt_text_size(&f->tx, RPT_F_LABEL, "Ag", 0, NULL, &lh);
    f->tx.middle = 1;
    xw = max_name_width(f, c->xnames, c->nx, 0.26 * f->h);
    yw = max_name_width(f, c->ynames, c->ny, 0.25 * f->w);
    f->tx.middle = 0;
    found = rpt_finite_range(c->gz, c->nx * c->ny,
                             az->scale == RPT_SCALE_LOG, &lo, &hi);
    if (az->min < az->max) {
        lo = az->min;
        hi = az->max;
    } else if (!found) {
        lo = az->scale == RPT_SCALE_LOG ? 1 : 0;
        hi = az->scale == RPT_SCALE_LOG ? 10 : 1;
    } else if (!rpt_distinct(lo, hi)) {
        double m = (lo + hi) / 2, d = m == 0 ? 1 : fabs(m) * 0.1;

        if (az->scale == RPT_SCALE_LOG) {
            lo = m / 2;
            hi = m * 2;
        } else {
            lo = m - d;
            hi = m + d;
        }
    }

    py = f->top;
    for (int pass = 0; pass < 2; pass++) {
        double bottom = f->pad + (ax->label ? lh + f->gap : 0) +
                        (rot ? (xw + th) * 0.7071 : th) + 2 * f->gap;
        double left = f->pad + (ay->label ? lh + f->gap : 0) + yw + f->gap;

        ph = fmax(20, f->y + f->h - bottom - py);
        rpt_cbar_layout(c, f, lo, hi, ph, &cb);
        if (rot)        /* room for the first slanted name */
            left = fmax(left, f->pad + 0.7071 * xw -
                        0.5 * (f->w - left - cb.width) / (double)c->nx);
        px = f->x + left;
        pw = fmax(20, f->w - left - f->pad - cb.width);
        cw = pw / (double)c->nx;
        ch = ph / (double)c->ny;
        x_every = (size_t)ceil((xw + 2 * f->gap) / cw);
        /* slant the names only when that shows more of them */
        if (!rot && x_every > 1 &&
            (size_t)ceil(th * 1.25 / 0.7071 / cw) < x_every) {
            rot = 1;
            continue;
        }
        break;
    }
    if (rot)
        x_every = (size_t)ceil(th * 1.25 / 0.7071 / cw);
    y_every = (size_t)ceil(th * 1.2 / ch);
    if (x_every < 1)
        x_every = 1;
    if (y_every < 1)
        y_every = 1;
    cb.m.p0 = py + ph;
    cb.m.p1 = py;

    /* cells */
    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (size_t iy = 0; iy < c->ny; iy++) {
        double y0 = round(py + ph - (double)(iy + 1) * ch);
        double y1 = round(py + ph - (double)iy * ch);

        for (size_t ix = 0; ix < c->nx; ix++) {
            double x0 = round(px + (double)ix * cw);
            double x1 = round(px + (double)(ix + 1) * cw);
            double t = rpt_cbar_t(&cb, c->gz[iy * c->nx + ix]), rgb[3];

            if (isnan(t)) {
                hatch(f, x0, y0, x1, y1);
                continue;
            }
            rpt_viridis(t, rgb);
            rpt_set_rgb(cr, rgb, 1.0);
            cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);

    plan_labels(c, f, &cb, cw, ch, &cl);
    for (size_t i = 0; cl.on && i < c->nx * c->ny; i++) {
        size_t ix = i % c->nx, iy = i / c->nx;
        double t = rpt_cbar_t(&cb, c->gz[i]), rgb[3];

        if (isnan(t))
            continue;
        rpt_viridis(t, rgb);
        if (rpt_luminance(rgb) > 0.45)
            rpt_set_grey(cr, 0.05);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        rpt_format_value(c->gz[i], az->format, cl.step, buf, sizeof(buf));
        rpt_text_draw(&f->tx, RPT_F_VALUE, buf,
                      px + ((double)ix + 0.5) * cw,
                      py + ph - ((double)iy + 0.5) * ch, 0.5, 0.5, 0, 0);
    }

    cairo_set_line_width(cr, 1.0 * f->s);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_rectangle(cr, round(px), round(py), round(px + pw) - round(px),
                    round(py + ph) - round(py));
    cairo_stroke(cr);

    rpt_set_grey(cr, 0.2);
    f->tx.middle = 1;
    for (size_t ix = 0; ix < c->nx; ix += x_every) {
        const char *name = grid_name(c->xnames, ix, buf, sizeof(buf));
        double x = px + ((double)ix + 0.5) * cw;
        double y = py + ph + f->gap;

        if (rot)
            rpt_text_draw(&f->tx, RPT_F_TICK, name, x + 0.35 * th, y, 1.0,
                          0.5, -45.0, 0.26 * f->h);
        else
            rpt_text_draw(&f->tx, RPT_F_TICK, name, x, y, 0.5, 0.0, 0,
                          xw + 1);
    }
    for (size_t iy = 0; iy < c->ny; iy += y_every)
        rpt_text_draw(&f->tx, RPT_F_TICK,
                      grid_name(c->ynames, iy, buf, sizeof(buf)),
                      px - f->gap, py + ph - ((double)iy + 0.5) * ch, 1.0,
                      0.5, 0, 0.25 * f->w);
    f->tx.middle = 0;
    if (ax->label)
        rpt_text_draw(&f->tx, RPT_F_LABEL, ax->label, px + pw / 2,
                      f->y + f->h - f->pad, 0.5, 1.0, 0, f->w - 2 * f->pad);
    if (ay->label)      /* next to the row names */
        rpt_text_draw(&f->tx, RPT_F_LABEL, ay->label,
                      px - 2 * f->gap - yw - lh, py + ph / 2, 0.5, 0.0,
                      -90.0, ph);
    rpt_cbar_draw(f, &cb, px + pw, py, ph);
    if (!found)
        rpt_draw_note(f, "no data", px, py, pw, ph);
    return MOMO_OK;
}
