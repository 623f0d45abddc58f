/* fuzz_set.c - "name=value" overrides (momo_config_parse_set and
 * momo_params_set) on arbitrary text, one override per line. A value
 * that is accepted must format to text that sets the same value again,
 * and a refused one must leave the parameters untouched. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "momo/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SETS 8

static void one(momo_params *p, const char *arg)
{
    char name[128], text[512];
    const char *value;
    momo_params before = *p, again;
    momo_err err = { 0 };
    const momo_param_info *pi;

    if (momo_config_parse_set(arg, name, sizeof(name), &value, &err) !=
        MOMO_OK) {
        if (!err.msg[0])
            abort();
        return;
    }
    if (momo_params_set(p, name, value, &err) != MOMO_OK) {
        if (!err.msg[0] || memcmp(p, &before, sizeof(*p)) != 0)
            abort();                    /* a refusal stores nothing */
        return;
    }
    pi = momo_param_find(name);
    if (!pi)
        abort();
    momo_params_format(p, pi, text, sizeof(text));
    again = before;
    if (momo_params_set(&again, name, text, &err) != MOMO_OK ||
        memcmp(&again, p, sizeof(again)) != 0) {
        fprintf(stderr, "%s: '%s' formats as '%s', which does not set it "
                "back: %s\n", name, value, text, err.msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    const char *sets[MAX_SETS];
    size_t n_sets = 0;
    momo_params p;
    momo_config *cfg = NULL;
    momo_err err = { 0 };

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (char *line = buf; line && n_sets < MAX_SETS;) {
        char *nl = strchr(line, '\n');

        if (nl)
            *nl++ = '\0';
        sets[n_sets++] = line;
        line = nl;
    }
    momo_params_default(&p);
    for (size_t i = 0; i < n_sets; i++)
        one(&p, sets[i]);
    /* the same overrides through the whole load */
    if (momo_config_load_text(NULL, 0, NULL, sets, n_sets, &cfg, &err) ==
        MOMO_OK)
        momo_config_free(cfg);
    else if (cfg || !err.msg[0])
        abort();
    free(buf);
    return 0;
}
