/* write.c - parameters and the registry, written out.
 *
 * In:  a momo_params, or the registry itself (params.c).
 * Out: YAML that momo_config_load reads back to the same values, a flat
 *      JSON object for external tools, and the schema as JSON, text or
 *      the Markdown of docs/config.md.
 *
 * Values are always written with momo_params_format, the text that
 * momo_params_set reads back exactly; YAML and JSON only differ in how
 * strings are quoted. Sections are grouped by walking the registry per
 * dotted prefix, so a section is written once even if its parameters
 * were not declared next to each other.
 */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"

#define VALUE_MAX 512       /* longest formatted value (a list of 16) */
#define WRAP      78

static int finish(FILE *f, momo_err *err)
{
    if (fflush(f) != 0 || ferror(f))
        return momo_err_set(err, MOMO_EIO, "writing the config failed");
    return MOMO_OK;
}

/* Double-quoted, escaped for JSON (and so for YAML too). */
static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_value(FILE *f, const momo_params *p,
                      const momo_param_info *pi)
{
    char v[VALUE_MAX];

    momo_params_format(p, pi, v, sizeof(v));
    if (pi->type == MOMO_PARAM_STRING)
        put_quoted(f, v);
    else
        fputs(v, f);
}

static const char *type_text(const momo_param_info *pi)
{
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:      return "number";
    case MOMO_PARAM_INT:         return "integer";
    case MOMO_PARAM_BOOL:        return "boolean";
    case MOMO_PARAM_STRING:      return "string";
    case MOMO_PARAM_DOUBLE_LIST: return "numbers";
    case MOMO_PARAM_INT_LIST:    return "integers";
    default:                     return "?";
    }
}

static const char *type_json(const momo_param_info *pi)
{
    switch (pi->type) {
    case MOMO_PARAM_DOUBLE:      return "double";
    case MOMO_PARAM_INT:         return "int";
    case MOMO_PARAM_BOOL:        return "bool";
    case MOMO_PARAM_STRING:      return "string";
    case MOMO_PARAM_DOUBLE_LIST: return "double_list";
    case MOMO_PARAM_INT_LIST:    return "int_list";
    default:                     return "?";
    }
}

static int has_bounds(const momo_param_info *pi)
{
    return pi->type != MOMO_PARAM_BOOL && pi->type != MOMO_PARAM_STRING;
}

/* "integer, 2 to 500", "4 numbers, each -100 to 100", "boolean", ... */
static void kind_text(const momo_param_info *pi, char *buf, size_t n)
{
    char lo[40], hi[40];

    cfg_format_double(pi->min, lo, sizeof(lo));
    cfg_format_double(pi->max, hi, sizeof(hi));
    if (pi->type == MOMO_PARAM_STRING)
        snprintf(buf, n, "string, at most %d characters", MOMO_NAME_MAX - 1);
    else if (!has_bounds(pi))
        snprintf(buf, n, "%s", type_text(pi));
    else if (pi->count > 1)
        snprintf(buf, n, "%d %s, each %s to %s", pi->count, type_text(pi),
                 lo, hi);
    else
        snprintf(buf, n, "%s, %s to %s", type_text(pi), lo, hi);
}

/* `text` as "# " comment lines of at most WRAP columns, indented. */
static void put_comment(FILE *f, int indent, const char *text)
{
    const char *s = text;
    int width = WRAP - indent - 2;

    while (*s) {
        const char *end = s, *cut = NULL;

        while (*end && end - s <= width) {
            if (*end == ' ')
                cut = end;
            end++;
        }
        if (!*end)
            cut = end;
        else if (!cut)
            cut = end;                  /* one very long word */
        fprintf(f, "%*s# %.*s\n", indent, "", (int)(cut - s), s);
        s = cut;
        while (*s == ' ')
            s++;
    }
}

/*---- YAML ----*/

/* Is `name` the first registry parameter under section `sec` (of
 * length n)? Only then is that section written. */
static int first_in_section(size_t i, const char *sec, size_t n)
{
    for (size_t j = 0; j < i; j++) {
        const char *o = momo_param_at(j)->name;

        if (strncmp(o, sec, n) == 0 && o[n] == '.')
            return 0;
    }
    return 1;
}

static void put_yaml_section(FILE *f, const momo_params *p,
                             const momo_params *def, int comments,
                             const char *prefix, size_t plen, int indent)
{
    size_t n = momo_param_count();
    int first = 1;

    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);
        const char *rest = pi->name + plen, *dot;

        if (strncmp(pi->name, prefix, plen) != 0)
            continue;
        dot = strchr(rest, '.');
        if (dot && !first_in_section(i, pi->name, (size_t)(dot - pi->name)))
            continue;
        if (comments && indent == 0 && !first)
            fputc('\n', f);
        first = 0;
        if (dot) {
            size_t slen = (size_t)(dot - pi->name) + 1;

            fprintf(f, "%*s%.*s:\n", indent, "", (int)(dot - rest), rest);
            put_yaml_section(f, p, def, comments, pi->name, slen,
                             indent + 2);
            continue;
        }
        if (comments) {
            char kind[128], d[VALUE_MAX], line[VALUE_MAX + 256];

            momo_params_format(def, pi, d, sizeof(d));
            kind_text(pi, kind, sizeof(kind));
            put_comment(f, indent, pi->description);
            snprintf(line, sizeof(line), "%s; default %s%s", kind, d,
                     pi->flags & MOMO_PARAM_PRECOMPUTE ? "; precompute"
                                                       : "");
            put_comment(f, indent, line);
        }
        fprintf(f, "%*s%s: ", indent, "", rest);
        put_value(f, p, pi);
        fputc('\n', f);
    }
}

int momo_config_write_yaml(const momo_params *p, int comments, FILE *f,
                           momo_err *err)
{
    momo_params def;

    momo_params_default(&def);
    if (comments)
        fprintf(f,
                "# momo config: every parameter, with its description, "
                "type, bounds and\n"
                "# default above its value. \"precompute\" marks those "
                "that change what is\n"
                "# computed once per dataset. Keys nest by their dotted "
                "names; a flat dotted\n"
                "# key (signals.entry.rsi_min: 50) works too. Reference: "
                "docs/config.md.\n\n");
    put_yaml_section(f, p, &def, comments, "", 0, 0);
    return finish(f, err);
}

/*---- JSON ----*/

int momo_config_write_json(const momo_params *p, FILE *f, momo_err *err)
{
    size_t n = momo_param_count();

    fputs("{\n", f);
    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);

        fputs("  ", f);
        put_quoted(f, pi->name);
        fputs(": ", f);
        put_value(f, p, pi);
        fputs(i + 1 < n ? ",\n" : "\n", f);
    }
    fputs("}\n", f);
    return finish(f, err);
}

/*---- Schema ----*/

static void put_json_bound(FILE *f, const momo_param_info *pi, double v)
{
    char b[40];

    if (!has_bounds(pi)) {
        fputs("null", f);
        return;
    }
    cfg_format_double(v, b, sizeof(b));
    fputs(b, f);
}

static void schema_json(FILE *f, const momo_params *def)
{
    size_t n = momo_param_count();

    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);

        fputs("  {\"name\": ", f);
        put_quoted(f, pi->name);
        fprintf(f, ", \"type\": \"%s\", \"count\": %d, \"default\": ",
                type_json(pi), pi->count);
        put_value(f, def, pi);
        fputs(", \"min\": ", f);
        put_json_bound(f, pi, pi->min);
        fputs(", \"max\": ", f);
        put_json_bound(f, pi, pi->max);
        fputs(", \"description\": ", f);
        put_quoted(f, pi->description);
        fprintf(f, ", \"precompute\": %s}%s\n",
                pi->flags & MOMO_PARAM_PRECOMPUTE ? "true" : "false",
                i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
}

static void schema_text(FILE *f, const momo_params *def)
{
    size_t n = momo_param_count();

    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);
        char kind[128], d[VALUE_MAX];

        momo_params_format(def, pi, d, sizeof(d));
        kind_text(pi, kind, sizeof(kind));
        fprintf(f, "%s = %s\n", pi->name, d);
        fprintf(f, "    %s%s\n", kind, pi->flags & MOMO_PARAM_PRECOMPUTE
                                       ? "; changes the precompute" : "");
        fprintf(f, "    %s\n", pi->description);
    }
}

/* A Markdown table cell: '|' would end the cell. */
static void put_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static void schema_markdown(FILE *f, const momo_params *def)
{
    size_t n = momo_param_count();
    char section[CFG_KEY_MAX] = "";

    fputs("# Configuration reference\n\n"
          "<!-- Generated by `momo config schema --markdown`; do not edit. "
          "A test\n     checks that this file matches the command's "
          "output. -->\n\n"
          "Every parameter momo reads, with its type, default and bounds "
          "(both\ninclusive; a list's bounds hold for each of its values). "
          "Set them in a\nYAML file given with `--config FILE`, nested by "
          "their dotted names or as\nflat dotted keys, or on the command "
          "line with `--set name=value`, which\nwins over the file. "
          "`momo config show` prints the effective values.\n"
          "\"Precompute\" marks the parameters that change what is "
          "computed once per\ndataset (indicators, scores): an optimizer "
          "sweep over one of them costs a\nprecompute per value. See "
          "docs/cli/momo-config.md for the file format.\n", f);
    for (size_t i = 0; i < n; i++) {
        const momo_param_info *pi = momo_param_at(i);
        const char *dot = strchr(pi->name, '.');
        size_t slen = dot ? (size_t)(dot - pi->name) : strlen(pi->name);
        char d[VALUE_MAX], lo[40] = "", hi[40] = "";

        if (strlen(section) != slen ||
            strncmp(section, pi->name, slen) != 0) {
            snprintf(section, sizeof(section), "%.*s", (int)slen, pi->name);
            fprintf(f, "\n## %s\n\n"
                       "| name | type | default | min | max | precompute "
                       "| description |\n"
                       "| --- | --- | --- | --- | --- | --- | --- |\n",
                    section);
        }
        momo_params_format(def, pi, d, sizeof(d));
        if (has_bounds(pi)) {
            cfg_format_double(pi->min, lo, sizeof(lo));
            cfg_format_double(pi->max, hi, sizeof(hi));
        }
        fprintf(f, "| `%s` | ", pi->name);
        if (pi->count > 1)
            fprintf(f, "%d %s", pi->count, type_text(pi));
        else
            fputs(type_text(pi), f);
        fputs(" | `", f);
        put_cell(f, d);
        fprintf(f, "` | %s | %s | %s | ", lo, hi,
                pi->flags & MOMO_PARAM_PRECOMPUTE ? "yes" : "");
        put_cell(f, pi->description);
        fputs(" |\n", f);
    }
}

int momo_config_write_schema_as(FILE *f, int format, momo_err *err)
{
    momo_params def;

    momo_params_default(&def);
    switch (format) {
    case MOMO_SCHEMA_JSON:
        schema_json(f, &def);
        break;
    case MOMO_SCHEMA_TEXT:
        schema_text(f, &def);
        break;
    case MOMO_SCHEMA_MARKDOWN:
        schema_markdown(f, &def);
        break;
    default:
        return momo_err_set(err, MOMO_EINVAL, "unknown schema format %d",
                            format);
    }
    return finish(f, err);
}

int momo_config_write_schema(FILE *f, momo_err *err)
{
    return momo_config_write_schema_as(f, MOMO_SCHEMA_JSON, err);
}
