/* src/report/chart_int.h - the chart object's insides, shared by the
 * chart*.c files and by nothing else.
 *
 *   chart.c          object, series, copies, output (PNG, SVG, PDF)
 *   chart_ticks.c    tick positions and number formats
 *   chart_color.c    palette and viridis
 *   chart_text.c     pango layouts: measuring and drawing text
 *   chart_xy.c       x/y plots: layout, series, legend
 *   chart_heatmap.c  heatmaps and the colour bar
 *   chart_surface.c  3D surfaces
 */
#ifndef MOMO_REPORT_CHART_INT_H
#define MOMO_REPORT_CHART_INT_H

#include <math.h>
#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "report/chart.h"

#define RPT_VIRIDIS_STOPS 11

enum rpt_kind { RPT_KIND_XY, RPT_KIND_HEATMAP, RPT_KIND_SURFACE };

enum rpt_series_type {
    RPT_S_LINE, RPT_S_STEP, RPT_S_BAND, RPT_S_SCATTER, RPT_S_BARS,
    RPT_S_HIST, RPT_S_HLINE, RPT_S_VLINE
};

/* One series, as copied from the caller. Which arrays are used:
 *   line, step, scatter  x (NULL: index), y; scatter names
 *   band                 x (NULL: index), y = lo, y2 = hi (NULL: 0)
 *   bars                 y, y2 = error lo, y3 = error hi (or NULL)
 *   hist                 x = n + 1 bin edges, y = n counts
 *   hline, vline         at
 */
struct rpt_series {
    int type;
    char *label;            /* NULL: no legend entry */
    struct rpt_style st;    /* color resolved: 1..N, or -1 for grey */
    size_t n;
    double *x, *y, *y2, *y3;
    char **names;
    double at;
};

struct rpt_axis_opts {
    char *label;            /* "Equity (USD)", or NULL */
    int scale, format;
    double min, max;        /* fixed when min < max */
};

struct rpt_chart {
    int width, height;
    char *title, *subtitle;
    struct rpt_axis_opts axis[3];
    int legend;
    int kind;
    int locked;             /* kind fixed by the first series or grid */

    struct rpt_series *s;
    size_t n_series, cap_series;
    int next_color;

    char **cats;            /* categorical x axis */
    size_t n_cats;

    /* background shading */
    double *sh_x0, *sh_x1;
    int *sh_cat;
    size_t n_shade;
    char **sh_names;
    size_t n_sh_names;

    /* heatmap or surface grid: z[iy * nx + ix] */
    size_t nx, ny;
    double *gx, *gy, *gz;
    char **xnames, **ynames;
    int value_labels;
    double azimuth, elevation;
};

/*---- Text (chart_text.c) ----*/

enum rpt_font {
    RPT_F_TITLE, RPT_F_SUBTITLE, RPT_F_LABEL, RPT_F_TICK, RPT_F_LEGEND,
    RPT_F_NOTE, RPT_F_VALUE, RPT_F_COUNT
};

struct rpt_text {
    cairo_t *cr;
    PangoLayout *lay[RPT_F_COUNT];
    double size[RPT_F_COUNT];
    int middle;     /* cut too long text in the middle, not at the end:
                     * category names often share a prefix */
};

/* Layouts for the fonts at scale `s`. MOMO_ENOMEM. */
int  rpt_text_init(struct rpt_text *tx, cairo_t *cr, double s);
void rpt_text_release(struct rpt_text *tx);
/* Change the size of one font (heatmap cell labels shrink to fit). */
void rpt_text_resize(struct rpt_text *tx, int font, double size);
/* Logical size of `s`; max_w > 0 ellipsizes to that width. */
void rpt_text_size(struct rpt_text *tx, int font, const char *s,
                   double max_w, double *w, double *h);
/* Draw `s` so that the point (ax, ay) of its box, in fractions of its
 * width and height (0, 0 = top left), lands on (x, y); the box turns
 * by `angle` degrees (clockwise on screen) about that point. */
void rpt_text_draw(struct rpt_text *tx, int font, const char *s, double x,
                   double y, double ax, double ay, double angle,
                   double max_w);

/*---- One rendering ----*/

struct rpt_frame {
    cairo_t *cr;
    struct rpt_text tx;
    double x, y, w, h;      /* the chart's rectangle in user space */
    double s;               /* size relative to 1200 x 800 */
    double pad;             /* outer margin */
    double gap;             /* between text and what it labels */
    double tick;            /* tick mark length */
    double top;             /* first y below the titles */
};

/* Value to pixel along one axis: lo -> p0, hi -> p1. */
struct rpt_map {
    double lo, hi, p0, p1;
    int log;
};

static inline double rpt_map(const struct rpt_map *m, double v)
{
    double t;

    if (m->log)
        t = (log10(v) - log10(m->lo)) / (log10(m->hi) - log10(m->lo));
    else
        t = (v - m->lo) / (m->hi - m->lo);
    t = m->p0 + t * (m->p1 - m->p0);
    /* keep far-off points within cairo's fixed-point range */
    if (t > 1e6)
        return 1e6;
    if (t < -1e6)
        return -1e6;
    return t;
}

static inline int rpt_drawable(double v, int log)
{
    return isfinite(v) && (!log || v > 0.0);
}

/* Whether [lo, hi] is a real range: wider than the rounding noise of
 * doubles (sums of the same numbers in another order differ by ~1e-16
 * relative), so that its ticks can have different labels. */
static inline int rpt_distinct(double lo, double hi)
{
    return hi - lo > 1e-9 * fmax(fabs(lo), fabs(hi));
}

static inline void rpt_set_rgb(cairo_t *cr, const double rgb[3],
                               double alpha)
{
    cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], alpha);
}

static inline void rpt_set_grey(cairo_t *cr, double level)
{
    cairo_set_source_rgb(cr, level, level, level);
}

/* Colour of a series style (-1: dark grey). */
void   rpt_style_rgb(const struct rpt_style *st, double rgb[3]);
void   rpt_viridis_stop(int i, double rgb[3]);
double rpt_luminance(const double rgb[3]);
void   rpt_set_dash(cairo_t *cr, int dash, double width);

/* Title and subtitle; sets f->top. */
void rpt_draw_titles(const rpt_chart *c, struct rpt_frame *f);
/* Centred grey note ("no data") in a rectangle. */
void rpt_draw_note(struct rpt_frame *f, const char *note, double x,
                   double y, double w, double h);

/* Drawers, one per kind; MOMO_ENOMEM when a work buffer fails. */
int rpt_draw_xy(const rpt_chart *c, struct rpt_frame *f, momo_err *err);
int rpt_draw_heatmap(const rpt_chart *c, struct rpt_frame *f,
                     momo_err *err);
int rpt_draw_surface(const rpt_chart *c, struct rpt_frame *f,
                     momo_err *err);

/*---- Colour bar (chart_heatmap.c), shared with surfaces ----*/

struct rpt_cbar {
    struct rpt_map m;       /* value -> y pixel */
    struct rpt_ticks t;
    double bar_w, width;    /* bar, and everything right of the plot */
    int format;
    const char *label;
};

/* Ticks and width of a colour bar for [lo, hi] that is `h` tall. */
void rpt_cbar_layout(const rpt_chart *c, struct rpt_frame *f, double lo,
                     double hi, double h, struct rpt_cbar *cb);
/* Draw it with its top-left corner at (x, y), `h` tall. */
void rpt_cbar_draw(struct rpt_frame *f, struct rpt_cbar *cb, double x,
                   double y, double h);
/* Colour-map position of z over the colour range (log aware). */
double rpt_cbar_t(const struct rpt_cbar *cb, double z);

/* Finite min and max of v[0..n) (log: > 0 only); 0 when none. */
int rpt_finite_range(const double *v, size_t n, int log, double *lo,
                     double *hi);

#endif
