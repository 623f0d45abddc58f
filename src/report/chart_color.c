/* chart_color.c - the series palette and the viridis colour map.
 *
 * The palette is Okabe and Ito's (2008) set for colour-blind readers,
 * reordered so the first colours contrast most on white; yellow comes
 * last. Viridis (van der Walt and Smith, matplotlib) is perceptually
 * uniform and readable in grey; eleven control points interpolated
 * linearly in sRGB stay within a few levels of the full 256-entry table.
 */
#include <math.h>

#include "report/chart.h"
#include "report/chart_int.h"

static const unsigned char palette[RPT_N_COLORS][3] = {
    { 0x00, 0x72, 0xB2 },   /* blue */
    { 0xD5, 0x5E, 0x00 },   /* vermillion */
    { 0x00, 0x9E, 0x73 },   /* bluish green */
    { 0xE6, 0x9F, 0x00 },   /* orange */
    { 0xCC, 0x79, 0xA7 },   /* reddish purple */
    { 0x56, 0xB4, 0xE9 },   /* sky blue */
    { 0x33, 0x33, 0x33 },   /* near black */
    { 0xF0, 0xE4, 0x42 }    /* yellow */
};

static const unsigned char viridis[RPT_VIRIDIS_STOPS][3] = {
    { 0x44, 0x01, 0x54 }, { 0x48, 0x24, 0x75 }, { 0x41, 0x44, 0x87 },
    { 0x35, 0x5F, 0x8D }, { 0x2A, 0x78, 0x8E }, { 0x21, 0x91, 0x8C },
    { 0x22, 0xA8, 0x84 }, { 0x44, 0xBF, 0x70 }, { 0x7A, 0xD1, 0x51 },
    { 0xBD, 0xDF, 0x26 }, { 0xFD, 0xE7, 0x25 }
};

void rpt_palette_rgb(int k, double rgb[3])
{
    int i = k < 1 ? 0 : (k - 1) % RPT_N_COLORS;

    for (int j = 0; j < 3; j++)
        rgb[j] = palette[i][j] / 255.0;
}

void rpt_viridis(double t, double rgb[3])
{
    double pos, f;
    int i;

    if (isnan(t)) {
        rgb[0] = rgb[1] = rgb[2] = 0.85;
        return;
    }
    if (t < 0.0)
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    pos = t * (RPT_VIRIDIS_STOPS - 1);
    i = (int)floor(pos);
    if (i >= RPT_VIRIDIS_STOPS - 1)
        i = RPT_VIRIDIS_STOPS - 2;
    f = pos - i;
    for (int j = 0; j < 3; j++)
        rgb[j] = ((1.0 - f) * viridis[i][j] + f * viridis[i + 1][j]) / 255.0;
}

void rpt_viridis_stop(int i, double rgb[3])
{
    for (int j = 0; j < 3; j++)
        rgb[j] = viridis[i][j] / 255.0;
}

double rpt_luminance(const double rgb[3])
{
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}
