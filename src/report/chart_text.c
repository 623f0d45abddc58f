/* chart_text.c - text through pango: measuring, placing, turning.
 *
 * Each rendering makes one layout per font, each with its own pango
 * context (so turning the cairo matrix for one layout never leaves
 * another with stale glyph positions). Fonts have absolute sizes in
 * user units, so a chart looks the same in PNG pixels and PDF points.
 * Metrics are not hinted, so a label measures the same at any angle.
 * pango's default font map is per thread, which makes rendering
 * different charts on different threads safe.
 */
#include <string.h>

#include "core/core.h"
#include "report/chart_int.h"

/* fontconfig keeps caches for the life of the process that the leak
 * checker of AddressSanitizer builds reports as leaks; they are not
 * ours to free (FcFini would break other threads still using fonts). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RPT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RPT_ASAN 1
#endif
#ifdef RPT_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}
#endif

static const struct {
    double size;
    int bold;
} fonts[RPT_F_COUNT] = {
    [RPT_F_TITLE] = { 22.0, 1 },
    [RPT_F_SUBTITLE] = { 15.0, 0 },
    [RPT_F_LABEL] = { 15.0, 0 },
    [RPT_F_TICK] = { 13.0, 0 },
    [RPT_F_LEGEND] = { 13.0, 0 },
    [RPT_F_NOTE] = { 16.0, 0 },
    [RPT_F_VALUE] = { 12.0, 0 },
};

void rpt_text_resize(struct rpt_text *tx, int font, double size)
{
    PangoFontDescription *fd = pango_font_description_new();

    pango_font_description_set_family(fd, "Sans");
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(
        fd, fonts[font].bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(tx->lay[font], fd);
    pango_font_description_free(fd);
    tx->size[font] = size;
}

int rpt_text_init(struct rpt_text *tx, cairo_t *cr, double s)
{
    cairo_font_options_t *fo;

    memset(tx, 0, sizeof(*tx));
    tx->cr = cr;
    fo = cairo_font_options_create();
    if (cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
        cairo_font_options_destroy(fo);
        return MOMO_ENOMEM;
    }
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    for (int i = 0; i < RPT_F_COUNT; i++) {
        tx->lay[i] = pango_cairo_create_layout(cr);
        if (!tx->lay[i]) {
            cairo_font_options_destroy(fo);
            rpt_text_release(tx);
            return MOMO_ENOMEM;
        }
        pango_cairo_context_set_font_options(
            pango_layout_get_context(tx->lay[i]), fo);
        pango_layout_context_changed(tx->lay[i]);
        rpt_text_resize(tx, i, fonts[i].size * s);
    }
    cairo_font_options_destroy(fo);
    return MOMO_OK;
}

void rpt_text_release(struct rpt_text *tx)
{
    for (int i = 0; i < RPT_F_COUNT; i++) {
        if (tx->lay[i])
            g_object_unref(tx->lay[i]);
        tx->lay[i] = NULL;
    }
}

static PangoLayout *prepare(struct rpt_text *tx, int font, const char *s,
                            double max_w)
{
    PangoLayout *lay = tx->lay[font];

    pango_layout_set_text(lay, s ? s : "", -1);
    if (max_w > 0) {
        pango_layout_set_width(lay, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(lay, tx->middle ? PANGO_ELLIPSIZE_MIDDLE
                                                   : PANGO_ELLIPSIZE_END);
    } else {
        pango_layout_set_width(lay, -1);
        pango_layout_set_ellipsize(lay, PANGO_ELLIPSIZE_NONE);
    }
    return lay;
}

void rpt_text_size(struct rpt_text *tx, int font, const char *s,
                   double max_w, double *w, double *h)
{
    PangoRectangle logical;

    pango_layout_get_extents(prepare(tx, font, s, max_w), NULL, &logical);
    if (w)
        *w = (double)logical.width / PANGO_SCALE;
    if (h)
        *h = (double)logical.height / PANGO_SCALE;
}

void rpt_text_draw(struct rpt_text *tx, int font, const char *s, double x,
                   double y, double ax, double ay, double angle,
                   double max_w)
{
    PangoLayout *lay = prepare(tx, font, s, max_w);
    PangoRectangle logical;
    double w, h;

    pango_layout_get_extents(lay, NULL, &logical);
    w = (double)logical.width / PANGO_SCALE;
    h = (double)logical.height / PANGO_SCALE;
    cairo_save(tx->cr);
    cairo_translate(tx->cr, x, y);
    if (angle != 0.0)
        cairo_rotate(tx->cr, angle * G_PI / 180.0);
    cairo_move_to(tx->cr, -ax * w - (double)logical.x / PANGO_SCALE,
                  -ay * h - (double)logical.y / PANGO_SCALE);
    pango_cairo_update_layout(tx->cr, lay);
    pango_cairo_show_layout(tx->cr, lay);
    cairo_restore(tx->cr);
}
