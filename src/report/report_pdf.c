/* report_pdf.c - the report's document as plain text and as a PDF.
 *
 * In:  the blocks of report_doc.c and the figures of report_charts.c.
 * Out: optimization_report.txt (paragraphs wrapped at 78 columns,
 *      tables as they are) and optimization_report.pdf: A4 pages laid
 *      out with pango (text wrapped to the page width, tables in a
 *      monospace font so their columns stay aligned), the figures drawn
 *      as vectors through rpt_chart_draw, page numbers in the footer.
 *
 * Pagination: a heading stays with what follows it; a paragraph or a
 * figure that does not fit goes to the next page whole; tables break
 * between lines. The layout runs twice, first only to count the pages
 * ("page 2 of 7" needs the total), then to draw.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "report/report_int.h"

#define PAGE_W   595.276
#define PAGE_H   841.890
#define MARGIN_X 50.0
#define MARGIN_T 56.0
#define MARGIN_B 64.0
#define TEXT_W   (PAGE_W - 2 * MARGIN_X)
#define MAX_OUT  ((size_t)256 << 20)

/*---- Plain text ----*/

static void wrap(struct core_buf *b, const char *text, const char *first,
                 const char *indent, size_t width)
{
    const char *p = text;
    size_t col = 0, lead = strlen(first);

    core_buf_printf(b, "%s", first);
    col = lead;
    while (*p) {
        const char *w = p;
        size_t len;

        while (*p && *p != ' ')
            p++;
        len = (size_t)(p - w);
        if (col > lead && col + 1 + len > width) {
            core_buf_printf(b, "\n%s", indent);
            col = strlen(indent);
        } else if (col > lead) {
            core_buf_append(b, " ", 1);
            col++;
        }
        core_buf_append(b, w, len);
        col += len;
        while (*p == ' ')
            p++;
    }
    core_buf_append(b, "\n\n", 2);
}

static void rule(struct core_buf *b, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        core_buf_append(b, &c, 1);
    core_buf_append(b, "\n", 1);
}

int rpt_doc_write_text(const struct rpt_doc *doc, const struct rpt_figs *f,
                       const char *path, momo_err *err)
{
    struct core_buf b;
    int rc;

    core_buf_init(&b, MAX_OUT);
    for (size_t i = 0; i < doc->n; i++) {
        const struct rpt_block *k = &doc->v[i];

        switch (k->kind) {
        case RPT_B_TITLE:
            core_buf_printf(&b, "%s\n", k->text);
            rule(&b, '=', strlen(k->text));
            core_buf_append(&b, "\n", 1);
            break;
        case RPT_B_HEADING:
            core_buf_printf(&b, "\n%s\n", k->text);
            rule(&b, '-', strlen(k->text));
            core_buf_append(&b, "\n", 1);
            break;
        case RPT_B_PARA:
            wrap(&b, k->text, "", "", 78);
            break;
        case RPT_B_BULLET:
            wrap(&b, k->text, "  - ", "    ", 78);
            break;
        case RPT_B_PRE:
            core_buf_printf(&b, "%s\n\n", k->text);
            break;
        case RPT_B_FIGURE:
            core_buf_printf(&b, "[figure: %s.png (also .svg): %s]\n\n",
                            f->v[k->fig].name, f->v[k->fig].what);
            break;
        }
    }
    if (b.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "%s: out of memory", path);
    else
        rc = core_write_file_atomic(path, b.s, b.n, err);
    core_buf_release(&b);
    return rc;
}

/*---- PDF ----*/

struct pdf {
    cairo_t *cr;
    PangoLayout *lay;
    int draw;                  /* 0: count pages only */
    int page, pages;
    double y;
};

static void set_text(struct pdf *p, const char *font, const char *text,
                     double width, int markup)
{
    PangoFontDescription *fd = pango_font_description_from_string(font);

    pango_layout_set_font_description(p->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->lay, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
    if (markup) {
        pango_layout_set_markup(p->lay, text, -1);
    } else {
        pango_layout_set_attributes(p->lay, NULL);   /* markup's italics */
        pango_layout_set_text(p->lay, text, -1);
    }
}

static double text_height(struct pdf *p)
{
    int w, h;

    pango_layout_get_size(p->lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void show(struct pdf *p, double x, double y, double grey)
{
    if (!p->draw)
        return;
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->lay);
}

static void footer(struct pdf *p)
{
    char t[64];

    if (!p->draw)
        return;
    cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, MARGIN_X, PAGE_H - MARGIN_B + 18);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, PAGE_H - MARGIN_B + 18);
    cairo_stroke(p->cr);
    set_text(p, "Sans 8", "momo optimization report", TEXT_W, 0);
    pango_layout_set_alignment(p->lay, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, PAGE_H - MARGIN_B + 24, 0.4);
    snprintf(t, sizeof(t), "page %d of %d", p->page, p->pages);
    set_text(p, "Sans 8", t, TEXT_W, 0);
    pango_layout_set_alignment(p->lay, PANGO_ALIGN_RIGHT);
    show(p, MARGIN_X, PAGE_H - MARGIN_B + 24, 0.4);
    pango_layout_set_alignment(p->lay, PANGO_ALIGN_LEFT);
}

static void new_page(struct pdf *p)
{
    footer(p);
    if (p->draw)
        cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_T;
}

static double room(const struct pdf *p)
{
    return PAGE_H - MARGIN_B - p->y;
}

/* Make room for h points (a new page unless at the top already). */
static void need(struct pdf *p, double h)
{
    if (h > room(p) && p->y > MARGIN_T + 1)
        new_page(p);
}

/* Escape text for pango markup. */
static char *escaped(const char *s)
{
    return g_markup_escape_text(s, -1);
}

static void para(struct pdf *p, const char *font, const char *text,
                 double indent, const char *bullet, double after)
{
    double h;

    set_text(p, font, text, TEXT_W - indent, 0);
    h = text_height(p);
    need(p, h);
    show(p, MARGIN_X + indent, p->y, 0.1);
    if (bullet) {
        set_text(p, font, bullet, indent, 0);
        show(p, MARGIN_X + indent / 3, p->y, 0.1);
    }
    p->y += h + after;
}

static void pre(struct pdf *p, const char *text)
{
    const char *s = text;

    while (s) {
        const char *nl = strchr(s, '\n');
        char line[1024];
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        double h;

        if (len >= sizeof(line))
            len = sizeof(line) - 1;
        memcpy(line, s, len);
        line[len] = '\0';
        set_text(p, "Monospace 8", len ? line : " ", TEXT_W, 0);
        h = text_height(p);
        need(p, h);
        show(p, MARGIN_X, p->y, 0.1);
        p->y += h;
        s = nl ? nl + 1 : NULL;
    }
    p->y += 8;
}

/* Panel k of f at (x, y), w points wide. Small panels are laid out on
 * a larger logical rectangle and scaled down, so that their text keeps
 * its proportions to the plot instead of crowding it. */
static int panel(struct pdf *p, const struct rpt_fig *f, size_t k,
                 double x, double y, double w, double h, momo_err *err)
{
    double lw = w < 300 ? 340 : w, s = w / lw;
    int rc;

    cairo_save(p->cr);
    cairo_translate(p->cr, x, y);
    cairo_scale(p->cr, s, s);
    rc = rpt_chart_draw(f->panel[k], p->cr, 0, 0, lw, h / s, err);
    cairo_restore(p->cr);
    return rc;
}

static int figure(struct pdf *p, const struct rpt_fig *f, momo_err *err)
{
    int cols = f->n_panels > 1 ? 2 : 1;
    double w = TEXT_W / cols, h = w * f->ph / f->pw, cap_h;
    size_t rows = (f->n_panels + (size_t)cols - 1) / (size_t)cols;
    char *name = escaped(f->name), *what = escaped(f->what), cap[512];
    int rc = MOMO_OK;

    snprintf(cap, sizeof(cap), "<i>Figure %s.png</i>: %s", name, what);
    g_free(name);
    g_free(what);
    set_text(p, "Sans 8", cap, TEXT_W, 1);
    cap_h = text_height(p);
    if (h > PAGE_H - MARGIN_T - MARGIN_B - cap_h - 10) {
        h = PAGE_H - MARGIN_T - MARGIN_B - cap_h - 10;
        w = h * f->pw / f->ph;
    }
    for (size_t r = 0; r < rows && rc == MOMO_OK; r++) {
        need(p, h + (r + 1 == rows ? cap_h + 6 : 0));
        for (size_t c = 0; c < (size_t)cols; c++) {
            size_t k = r * (size_t)cols + c;

            if (k >= f->n_panels || !p->draw)
                continue;
            rc = panel(p, f, k, MARGIN_X + (TEXT_W - cols * w) / 2 + c * w,
                       p->y, w, h, err);
        }
        p->y += h;
    }
    set_text(p, "Sans 8", cap, TEXT_W, 1);
    show(p, MARGIN_X, p->y + 3, 0.3);
    p->y += cap_h + 14;
    return rc;
}

static int layout(struct pdf *p, const struct rpt_doc *doc,
                  const struct rpt_figs *figs, momo_err *err)
{
    int rc = MOMO_OK;

    p->page = 1;
    p->y = MARGIN_T;
    for (size_t i = 0; i < doc->n && rc == MOMO_OK; i++) {
        const struct rpt_block *k = &doc->v[i];

        switch (k->kind) {
        case RPT_B_TITLE:
            para(p, "Sans Bold 20", k->text, 0, NULL, 4);
            if (p->draw) {
                cairo_set_source_rgb(p->cr, 0.0, 0.45, 0.70);
                cairo_set_line_width(p->cr, 1.5);
                cairo_move_to(p->cr, MARGIN_X, p->y);
                cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y);
                cairo_stroke(p->cr);
            }
            p->y += 12;
            break;
        case RPT_B_HEADING:
            /* keep the heading with about five lines of what follows */
            set_text(p, "Sans Bold 13", k->text, TEXT_W, 0);
            need(p, text_height(p) + 80);
            p->y += 6;
            para(p, "Sans Bold 13", k->text, 0, NULL, 6);
            break;
        case RPT_B_PARA:
            para(p, "Sans 9.5", k->text, 0, NULL, 7);
            break;
        case RPT_B_BULLET:
            para(p, "Sans 9.5", k->text, 14, "\xe2\x80\xa2", 5);
            break;
        case RPT_B_PRE:
            pre(p, k->text);
            break;
        case RPT_B_FIGURE:
            rc = figure(p, &figs->v[k->fig], err);
            break;
        }
    }
    footer(p);
    return rc;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int n)
{
    struct core_buf *b = closure;

    if (core_buf_append(b, (const char *)data, n) != MOMO_OK)
        return CAIRO_STATUS_WRITE_ERROR;
    return CAIRO_STATUS_SUCCESS;
}

int rpt_doc_write_pdf(const struct rpt_doc *doc, const struct rpt_figs *f,
                      const char *path, momo_err *err)
{
    struct core_buf buf;
    struct pdf p;
    cairo_surface_t *sf;
    cairo_status_t s;
    int rc = MOMO_OK;

    memset(&p, 0, sizeof(p));
    core_buf_init(&buf, MAX_OUT);
    sf = cairo_pdf_surface_create_for_stream(to_buf, &buf, PAGE_W, PAGE_H);
    s = cairo_surface_status(sf);
    if (s != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(sf);
        core_buf_release(&buf);
        return momo_err_set(err, s == CAIRO_STATUS_NO_MEMORY ? MOMO_ENOMEM
                            : MOMO_EIO, "%s: cannot make a PDF: %s", path,
                            cairo_status_to_string(s));
    }
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE,
                                   "Optimization report");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "momo");
    p.cr = cairo_create(sf);
    p.lay = pango_cairo_create_layout(p.cr);
    pango_cairo_context_set_resolution(pango_layout_get_context(p.lay), 72);
    pango_layout_context_changed(p.lay);
    rc = layout(&p, doc, f, err);          /* count the pages */
    if (rc == MOMO_OK) {
        p.pages = p.page;
        p.draw = 1;
        rc = layout(&p, doc, f, err);
        cairo_show_page(p.cr);
    }
    g_object_unref(p.lay);
    cairo_destroy(p.cr);
    cairo_surface_finish(sf);
    s = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (rc == MOMO_OK && buf.failed)
        rc = momo_err_set(err, MOMO_ENOMEM, "%s: out of memory", path);
    else if (rc == MOMO_OK && s != CAIRO_STATUS_SUCCESS)
        rc = momo_err_set(err, s == CAIRO_STATUS_NO_MEMORY ? MOMO_ENOMEM
                          : MOMO_EIO, "%s: cannot write the PDF: %s", path,
                          cairo_status_to_string(s));
    if (rc == MOMO_OK)
        rc = core_write_file_atomic(path, buf.s, buf.n, err);
    core_buf_release(&buf);
    return rc;
}
