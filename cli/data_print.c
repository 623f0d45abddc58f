/* data_print.c - see data_print.h. */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "data_print.h"

void data_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void data_json_date(FILE *f, int has, int32_t days)
{
    char buf[11];

    if (!has) {
        fputs("null", f);
        return;
    }
    fprintf(f, "\"%s\"", momo_format_date(days, buf));
}

const char *data_date(char *buf, int has, int32_t days)
{
    if (!has)
        return strcpy(buf, "-");
    return momo_format_date(days, buf);
}

int data_is_csv_name(const char *path)
{
    size_t n = strlen(path);

    return (n >= 4 && strcasecmp(path + n - 4, ".csv") == 0) ||
           (n >= 7 && strcasecmp(path + n - 7, ".csv.gz") == 0);
}
