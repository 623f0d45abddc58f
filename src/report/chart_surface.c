/* chart_surface.c - z over an (x, y) grid, drawn as a 3D surface.
 *
 * In:  a chart of kind RPT_KIND_SURFACE: x[nx], y[ny], z[iy * nx + ix],
 *      the viewing angles.
 * Out: a box with three back panes and grid lines, the surface's cells
 *      as quads coloured by z (viridis, the colour bar on the right),
 *      ticks and labels on the x, y and z axes.
 *
 * Projection. The grid is scaled into a box u, v in [-1/2, 1/2] and
 * w in [-H/2, H/2]. The eye looks from the direction
 *     e = (cos el cos az, cos el sin az, sin el)
 * and the screen axes are r = (-sin az, cos az, 0) (right) and
 * up = e x r rearranged: (-sin el cos az, -sin el sin az, cos el), so
 * (r, up, e) is right-handed and nothing is mirrored. A point projects
 * orthographically to (P.r, P.up); its depth is -P.e. Quads are drawn
 * farthest first (painter's algorithm), which is exact for a height
 * field seen from above as long as no quad spans a fold.
 *
 * The back panes are the walls whose outward normal points away from
 * the eye; the x and y axes run along the two front edges of the floor
 * and the z axis up the left silhouette corner.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "report/chart_int.h"

#define BOX_H 0.7             /* height of the box, as a fraction of a side */
#define EDGE_MAX_CELLS 70     /* finer grids are drawn without cell edges */

struct view {
    double e[3], r[3], up[3];
    double xlo, xhi, ylo, yhi, zlo, zhi;    /* box ranges */
    double scale, cx, cy;                   /* world to pixels */
    double ub, vb;                          /* back walls: u = ub, v = vb */
};

struct quad {
    double depth;
    size_t cell;
};

static double dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void world(const struct view *v, double x, double y, double z,
                  double P[3])
{
    P[0] = (x - v->xlo) / (v->xhi - v->xlo) - 0.5;
    P[1] = (y - v->ylo) / (v->yhi - v->ylo) - 0.5;
    P[2] = ((z - v->zlo) / (v->zhi - v->zlo) - 0.5) * BOX_H;
}

static void screen(const struct view *v, const double P[3], double *X,
                   double *Y)
{
    *X = v->cx + v->scale * dot(P, v->r);
    *Y = v->cy - v->scale * dot(P, v->up);
}

static void proj(const struct view *v, double u, double w_v, double w,
                 double *X, double *Y)
{
    double P[3] = { u, w_v, w };

    screen(v, P, X, Y);
}

/* Screen direction (unit, y down) of the world direction d. */
static void screen_dir(const struct view *v, const double d[3], double *dx,
                       double *dy)
{
    double x = dot(d, v->r), y = -dot(d, v->up), n = hypot(x, y);

    *dx = n > 0 ? x / n : 0;
    *dy = n > 0 ? y / n : 1;
}

static int by_depth(const void *a, const void *b)
{
    const struct quad *p = a, *q = b;

    return (p->depth < q->depth) - (p->depth > q->depth);
}

/*---- Panes ----*/

static void pane_lines(struct rpt_frame *f, const struct view *v,
                       const struct rpt_ticks *tx, const struct rpt_ticks *ty,
                       const struct rpt_ticks *tz)
{
    cairo_t *cr = f->cr;
    double wlo = -BOX_H / 2, whi = BOX_H / 2, P[3], X, Y;
    const double fl[4][3] = { { -0.5, -0.5, wlo }, { 0.5, -0.5, wlo },
                              { 0.5, 0.5, wlo },   { -0.5, 0.5, wlo } };
    const double wu[4][3] = { { v->ub, -0.5, wlo }, { v->ub, 0.5, wlo },
                              { v->ub, 0.5, whi },  { v->ub, -0.5, whi } };
    const double wv[4][3] = { { -0.5, v->vb, wlo }, { 0.5, v->vb, wlo },
                              { 0.5, v->vb, whi },  { -0.5, v->vb, whi } };
    const double (*panes[3])[3] = { fl, wu, wv };

    cairo_set_line_width(cr, 1.0 * f->s);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 4; i++) {
            screen(v, panes[k][i], &X, &Y);
            if (i == 0)
                cairo_move_to(cr, X, Y);
            else
                cairo_line_to(cr, X, Y);
        }
        cairo_close_path(cr);
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.96);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
        cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0.84, 0.84, 0.86);
    for (size_t i = 0; i < tx->n; i++) {
        world(v, tx->v[i], v->ylo, v->zlo, P);
        proj(v, P[0], -0.5, wlo, &X, &Y);
        cairo_move_to(cr, X, Y);
        proj(v, P[0], 0.5, wlo, &X, &Y);
        cairo_line_to(cr, X, Y);
        proj(v, P[0], v->vb, whi, &X, &Y);
        cairo_line_to(cr, X, Y);
    }
    for (size_t i = 0; i < ty->n; i++) {
        world(v, v->xlo, ty->v[i], v->zlo, P);
        proj(v, -0.5, P[1], wlo, &X, &Y);
        cairo_move_to(cr, X, Y);
        proj(v, 0.5, P[1], wlo, &X, &Y);
        cairo_line_to(cr, X, Y);
        proj(v, v->ub, P[1], whi, &X, &Y);
        cairo_move_to(cr, X, Y);
        proj(v, v->ub, P[1], wlo, &X, &Y);
        cairo_line_to(cr, X, Y);
    }
    for (size_t i = 0; i < tz->n; i++) {
        world(v, v->xlo, v->ylo, tz->v[i], P);
        proj(v, -v->ub, v->vb, P[2], &X, &Y);
        cairo_move_to(cr, X, Y);
        proj(v, v->ub, v->vb, P[2], &X, &Y);
        cairo_line_to(cr, X, Y);
        proj(v, v->ub, -v->vb, P[2], &X, &Y);
        cairo_line_to(cr, X, Y);
    }
    cairo_stroke(cr);
}

/*---- The surface ----*/

/* Path of the quad (X, Y) grown by d pixels away from its centre (d < 0
 * shrinks it); 0, and no path, when shrinking would turn it inside out. */
static int quad_path(cairo_t *cr, const double X[4], const double Y[4],
                     double d)
{
    double cx = (X[0] + X[1] + X[2] + X[3]) / 4;
    double cy = (Y[0] + Y[1] + Y[2] + Y[3]) / 4;

    for (int k = 0; k < 4; k++) {
        if (hypot(X[k] - cx, Y[k] - cy) <= -2 * d)
            return 0;
    }
    for (int k = 0; k < 4; k++) {
        double len = hypot(X[k] - cx, Y[k] - cy);
        double g = len > 0 ? (len + d) / len : 1.0;

        if (k == 0)
            cairo_move_to(cr, cx + (X[k] - cx) * g, cy + (Y[k] - cy) * g);
        else
            cairo_line_to(cr, cx + (X[k] - cx) * g, cy + (Y[k] - cy) * g);
    }
    cairo_close_path(cr);
    return 1;
}

static int draw_quads(const rpt_chart *c, struct rpt_frame *f,
                      const struct view *v, double clo, double chi,
                      momo_err *err)
{
    cairo_t *cr = f->cr;
    size_t nq = (c->nx - 1) * (c->ny - 1), m = 0;
    struct quad *q = core_malloc((nq ? nq : 1) * sizeof(*q));
    double light[3];
    size_t side = c->nx > c->ny ? c->nx : c->ny;
    /* cell edges only where cells are big enough to show them */
    int edges = side <= EDGE_MAX_CELLS && v->scale / (double)side >= 9.0;

    if (!q)
        return momo_err_set(err, MOMO_ENOMEM, "chart: out of memory");
    for (int k = 0; k < 3; k++)         /* from above, behind the eye */
        light[k] = 0.6 * v->e[k] + 0.5 * v->up[k] - 0.3 * v->r[k];
    for (size_t iy = 0; iy + 1 < c->ny; iy++) {
        for (size_t ix = 0; ix + 1 < c->nx; ix++) {
            size_t a = iy * c->nx + ix;
            const double *z = c->gz;
            double P[3], d = 0;

            if (!isfinite(z[a]) || !isfinite(z[a + 1]) ||
                !isfinite(z[a + c->nx]) || !isfinite(z[a + c->nx + 1]))
                continue;
            for (int k = 0; k < 4; k++) {
                size_t jx = ix + (k == 1 || k == 2), jy = iy + (k >= 2);

                world(v, c->gx[jx], c->gy[jy], z[jy * c->nx + jx], P);
                d -= dot(P, v->e);
            }
            q[m].depth = d / 4;
            q[m].cell = a;
            m++;
        }
    }
    qsort(q, m, sizeof(*q), by_depth);
    for (size_t i = 0; i < m; i++) {
        size_t ix = q[i].cell % c->nx, iy = q[i].cell / c->nx;
        double P[4][3], zm = 0, n[3], a[3], b[3], rgb[3], edge[3], shade;
        double len, X[4], Y[4];

        for (int k = 0; k < 4; k++) {
            size_t jx = ix + (k == 1 || k == 2), jy = iy + (k >= 2);
            double z = c->gz[jy * c->nx + jx];

            world(v, c->gx[jx], c->gy[jy], z, P[k]);
            zm += z / 4;
        }
        for (int k = 0; k < 3; k++) {
            a[k] = P[2][k] - P[0][k];
            b[k] = P[3][k] - P[1][k];
        }
        n[0] = a[1] * b[2] - a[2] * b[1];
        n[1] = a[2] * b[0] - a[0] * b[2];
        n[2] = a[0] * b[1] - a[1] * b[0];
        len = sqrt(dot(n, n) * dot(light, light));
        shade = len > 0 ? fabs(dot(n, light)) / len : 1.0;
        rpt_viridis(chi > clo ? (zm - clo) / (chi - clo) : 0.5, rgb);
        for (int k = 0; k < 3; k++)
            rgb[k] *= 0.72 + 0.28 * shade;
        for (int k = 0; k < 4; k++)
            screen(v, P[k], &X[k], &Y[k]);
        if (edges) {
            /* a darker quad, then the face inset by the edge width: two
             * fills cost far less than stroking an outline */
            for (int k = 0; k < 3; k++)
                edge[k] = rgb[k] * 0.72;
            quad_path(cr, X, Y, 0.5);
            rpt_set_rgb(cr, edge, 1.0);
            cairo_fill(cr);
            if (quad_path(cr, X, Y, -0.7 * f->s)) {
                rpt_set_rgb(cr, rgb, 1.0);
                cairo_fill(cr);
            }
        } else {
            /* grown by half a pixel, so neighbours leave no seams */
            quad_path(cr, X, Y, 0.5);
            rpt_set_rgb(cr, rgb, 1.0);
            cairo_fill(cr);
        }
    }
    core_free(q);
    return MOMO_OK;
}

/*---- Axes ----*/

struct axis3 {
    double a[3], b[3];          /* the edge, box coordinates */
    double dx, dy;              /* outward screen direction */
    const struct rpt_ticks *t;
    int coord;                  /* which box coordinate varies */
    const char *label;
};

/* Label boxes of the ticks along an axis; 1 when two of them overlap. */
static int labels_collide(struct rpt_frame *f, const struct view *v,
                          const struct axis3 *ax)
{
    double prev[4] = { 0 };

    for (size_t i = 0; i < ax->t->n; i++) {
        double P[3], Q[3], X, Y, w, h, off = f->tick + f->gap, box[4];

        world(v, ax->t->v[i], ax->t->v[i], ax->t->v[i], P);
        memcpy(Q, ax->a, sizeof(Q));
        Q[ax->coord] = P[ax->coord];
        screen(v, Q, &X, &Y);
        rpt_text_size(&f->tx, RPT_F_TICK, ax->t->label[i], 0, &w, &h);
        X += ax->dx * off - (0.5 - 0.5 * ax->dx) * w;
        Y += ax->dy * off - (0.5 - 0.5 * ax->dy) * h;
        box[0] = X - f->gap / 2;
        box[1] = Y;
        box[2] = X + w + f->gap / 2;
        box[3] = Y + h;
        if (i > 0 && box[0] < prev[2] && prev[0] < box[2] &&
            box[1] < prev[3] && prev[1] < box[3])
            return 1;
        memcpy(prev, box, sizeof(prev));
    }
    return 0;
}

static void draw_axis(struct rpt_frame *f, const struct view *v,
                      const struct axis3 *ax, double lh)
{
    cairo_t *cr = f->cr;
    double X0, Y0, X1, Y1, ext = 0, off = f->tick + f->gap;

    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 1.2 * f->s);
    screen(v, ax->a, &X0, &Y0);
    screen(v, ax->b, &X1, &Y1);
    cairo_move_to(cr, X0, Y0);
    cairo_line_to(cr, X1, Y1);
    for (size_t i = 0; i < ax->t->n; i++) {
        double P[3], Q[3], X, Y;

        world(v, ax->t->v[i], ax->t->v[i], ax->t->v[i], P);
        memcpy(Q, ax->a, sizeof(Q));
        Q[ax->coord] = P[ax->coord];
        screen(v, Q, &X, &Y);
        cairo_move_to(cr, X, Y);
        cairo_line_to(cr, X + ax->dx * f->tick, Y + ax->dy * f->tick);
    }
    cairo_stroke(cr);
    rpt_set_grey(cr, 0.2);
    for (size_t i = 0; i < ax->t->n; i++) {
        double P[3], Q[3], X, Y, w, h;

        world(v, ax->t->v[i], ax->t->v[i], ax->t->v[i], P);
        memcpy(Q, ax->a, sizeof(Q));
        Q[ax->coord] = P[ax->coord];
        screen(v, Q, &X, &Y);
        rpt_text_size(&f->tx, RPT_F_TICK, ax->t->label[i], 0, &w, &h);
        ext = fmax(ext, fabs(ax->dx) * w + fabs(ax->dy) * h);
        rpt_text_draw(&f->tx, RPT_F_TICK, ax->t->label[i],
                      X + ax->dx * off, Y + ax->dy * off,
                      0.5 - 0.5 * ax->dx, 0.5 - 0.5 * ax->dy, 0, 0);
    }
    if (!ax->label)
        return;
    off += ext + f->gap;
    if (ax->coord == 2) {
        rpt_text_draw(&f->tx, RPT_F_LABEL, ax->label,
                      (X0 + X1) / 2 + ax->dx * off - lh,
                      (Y0 + Y1) / 2, 0.5, 0.0, -90.0, 0);
    } else {
        rpt_text_draw(&f->tx, RPT_F_LABEL, ax->label,
                      (X0 + X1) / 2 + ax->dx * off,
                      (Y0 + Y1) / 2 + ax->dy * off, 0.5 - 0.5 * ax->dx,
                      0.5 - 0.5 * ax->dy, 0, 0);
    }
}

/* Fewer ticks until the labels along the axis stop colliding. */
static void fit_ticks(struct rpt_frame *f, const struct view *v,
                      struct axis3 *ax, struct rpt_ticks *t, double lo,
                      double hi, int format)
{
    for (size_t max = 7;; max--) {
        rpt_ticks_linear(lo, hi, max, format, t);
        if (max <= 2 || !labels_collide(f, v, ax))
            return;
    }
}

int rpt_draw_surface(const rpt_chart *c, struct rpt_frame *f,
                     momo_err *err)
{
    const struct rpt_axis_opts *ao = c->axis;
    struct view v;
    struct rpt_cbar cb;
    struct rpt_ticks tx, ty, tz;
    struct axis3 axx, axy, axz;
    double az = c->azimuth * G_PI / 180, el = c->elevation * G_PI / 180;
    double clo = 0, chi = 1, th, lh, ax0, ay0, aw, ah, mh, mv;
    double bx0 = 1e300, bx1 = -1e300, by0 = 1e300, by1 = -1e300;
    int found, rc;

    memset(&v, 0, sizeof(v));
    rpt_text_size(&f->tx, RPT_F_TICK, "-0.000", 0, NULL, &th);
    rpt_text_size(&f->tx, RPT_F_LABEL, "Ag", 0, NULL, &lh);
    found = rpt_finite_range(c->gz, c->nx * c->ny, 0, &clo, &chi);
    if (!found) {
        clo = 0;
        chi = 1;
    }
    v.xlo = c->gx[0];
    v.xhi = c->gx[c->nx - 1];
    v.ylo = c->gy[0];
    v.yhi = c->gy[c->ny - 1];
    v.zlo = clo;
    v.zhi = chi;
    if (ao[RPT_AXIS_Z].min < ao[RPT_AXIS_Z].max) {
        v.zlo = ao[RPT_AXIS_Z].min;
        v.zhi = ao[RPT_AXIS_Z].max;
    } else {
        rpt_nice_range(&v.zlo, &v.zhi, 6);
    }
    if (!(chi > clo)) {
        clo = v.zlo;
        chi = v.zhi;
    }

    v.e[0] = cos(el) * cos(az);
    v.e[1] = cos(el) * sin(az);
    v.e[2] = sin(el);
    v.r[0] = -sin(az);
    v.r[1] = cos(az);
    v.up[0] = -sin(el) * cos(az);
    v.up[1] = -sin(el) * sin(az);
    v.up[2] = cos(el);
    v.ub = v.e[0] > 0 ? -0.5 : 0.5;
    v.vb = v.e[1] > 0 ? -0.5 : 0.5;

    /* colour bar on the right, the box fitted into what is left */
    ay0 = f->top;
    ah = f->y + f->h - f->pad - ay0;
    rpt_cbar_layout(c, f, clo, chi, ah * 0.8, &cb);
    ax0 = f->x + f->pad;
    aw = f->w - 2 * f->pad - cb.width;
    v.scale = 1;
    for (int i = 0; i < 8; i++) {
        double P[3] = { i & 1 ? 0.5 : -0.5, i & 2 ? 0.5 : -0.5,
                        (i & 4 ? 0.5 : -0.5) * BOX_H }, X, Y;

        screen(&v, P, &X, &Y);
        bx0 = fmin(bx0, X);
        bx1 = fmax(bx1, X);
        by0 = fmin(by0, Y);
        by1 = fmax(by1, Y);
    }
    rpt_text_size(&f->tx, RPT_F_TICK, "00000.0", 0, &mh, NULL);
    mh += f->tick + 3 * f->gap + lh;
    mv = f->tick + 3 * f->gap + th + lh;
    v.scale = fmin((aw - 2 * mh) / (bx1 - bx0), (ah - 2 * mv) / (by1 - by0));
    if (v.scale < 10)
        v.scale = 10;
    v.cx = ax0 + aw / 2 - v.scale * (bx0 + bx1) / 2;
    v.cy = ay0 + ah / 2 - v.scale * (by0 + by1) / 2;

    /* axes: x and y on the front floor edges, z up the left corner */
    {
        double wlo = -BOX_H / 2, whi = BOX_H / 2, d[3] = { 0, 0, 0 };
        double lx, ly, rx, ry;
        double zu, zv;

        axx = (struct axis3){ { -0.5, -v.vb, wlo }, { 0.5, -v.vb, wlo },
                              0, 0, &tx, 0, ao[RPT_AXIS_X].label };
        d[1] = -v.vb;
        screen_dir(&v, d, &axx.dx, &axx.dy);
        axy = (struct axis3){ { -v.ub, -0.5, wlo }, { -v.ub, 0.5, wlo },
                              0, 0, &ty, 1, ao[RPT_AXIS_Y].label };
        d[1] = 0;
        d[0] = -v.ub;
        screen_dir(&v, d, &axy.dx, &axy.dy);
        proj(&v, v.ub, -v.vb, wlo, &lx, &ly);
        proj(&v, -v.ub, v.vb, wlo, &rx, &ry);
        zu = lx < rx ? v.ub : -v.ub;
        zv = lx < rx ? -v.vb : v.vb;
        axz = (struct axis3){ { zu, zv, wlo }, { zu, zv, whi }, -1, 0, &tz,
                              2, ao[RPT_AXIS_Z].label };
    }
    fit_ticks(f, &v, &axx, &tx, v.xlo, v.xhi, ao[RPT_AXIS_X].format);
    fit_ticks(f, &v, &axy, &ty, v.ylo, v.yhi, ao[RPT_AXIS_Y].format);
    fit_ticks(f, &v, &axz, &tz, v.zlo, v.zhi, ao[RPT_AXIS_Z].format);

    pane_lines(f, &v, &tx, &ty, &tz);
    rc = draw_quads(c, f, &v, clo, chi, err);
    if (rc != MOMO_OK)
        return rc;
    draw_axis(f, &v, &axx, lh);
    draw_axis(f, &v, &axy, lh);
    draw_axis(f, &v, &axz, lh);
    /* the colour bar follows the box rather than the frame's edge */
    rpt_cbar_draw(f, &cb, fmin(ax0 + aw, v.cx + v.scale * bx1 + mh),
                  ay0 + ah * 0.1, ah * 0.8);
    if (!found)
        rpt_draw_note(f, "no data", ax0, ay0, aw, ah);
    return MOMO_OK;
}
