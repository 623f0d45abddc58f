/* fuzz_periods.c - the robustness periods file (momo_periods_load_text,
 * src/analysis/periods.c) on arbitrary bytes: it returns a status, and
 * on success every period is named and has from <= to. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "momo/momo.h"
#include "momo/analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    momo_period *p = NULL;
    size_t n = 0;
    momo_err err = { 0 };
    int rc = momo_periods_load_text((const char *)data, size, "fuzz.yaml",
                                    &p, &n, &err);

    if (rc == MOMO_OK) {
        for (size_t i = 0; i < n; i++)
            if (p[i].name[0] == '\0' || p[i].from > p[i].to)
                abort();
    } else if (p || n || err.code != rc || err.msg[0] == '\0') {
        abort();
    }
    momo_periods_free(p);
    return 0;
}
