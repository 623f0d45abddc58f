/* fuzz_yaml.c - the YAML config loader (src/config/yaml.c, config.c) on
 * arbitrary bytes. Whatever loads must also survive a write and a
 * second load unchanged: the fuzzer checks the round trip too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "momo/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    momo_config *cfg = NULL, *again = NULL;
    momo_err err = { 0 };
    char *text = NULL;
    size_t n = 0;
    FILE *f;

    if (momo_config_load_text((const char *)data, size, "fuzz.yaml", NULL,
                              0, &cfg, &err) != MOMO_OK) {
        if (cfg || err.code == MOMO_OK || !err.msg[0])
            abort();                    /* a failure must say why */
        return 0;
    }
    f = open_memstream(&text, &n);
    if (!f)
        abort();
    if (momo_config_write_yaml(momo_config_params(cfg), (int)(size & 1), f,
                               &err) != MOMO_OK)
        abort();
    fclose(f);
    if (momo_config_load_text(text, n, "written.yaml", NULL, 0, &again,
                              &err) != MOMO_OK) {
        fprintf(stderr, "written config does not load: %s\n%s\n", err.msg,
                text);
        abort();
    }
    for (size_t i = 0; i < momo_param_count(); i++) {
        const momo_param_info *pi = momo_param_at(i);
        char a[512], b[512];

        momo_params_format(momo_config_params(cfg), pi, a, sizeof(a));
        momo_params_format(momo_config_params(again), pi, b, sizeof(b));
        if (strcmp(a, b) != 0) {
            fprintf(stderr, "%s: %s read back as %s\n", pi->name, a, b);
            abort();
        }
    }
    free(text);
    momo_config_free(again);
    momo_config_free(cfg);
    return 0;
}
