/* fuzz_space.c - the parameter-space parser (src/optimize/space.c) on
 * arbitrary bytes, and the designs built from whatever it accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "momo/optimize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    momo_space *sp = NULL;
    momo_design *d = NULL;
    momo_err err = { 0 };
    volatile double sink = 0;

    if (momo_space_load_text((const char *)data, size, "fuzz.yaml", &sp,
                             &err) != MOMO_OK)
        return 0;
    if (momo_space_grid_size(sp) <= 4096 &&
        momo_design_grid(sp, &d, &err) == MOMO_OK) {
        for (size_t i = 0; i < momo_design_n_trials(d); i++)
            for (size_t j = 0; j < momo_design_n_dims(d); j++)
                sink += momo_design_value(d, i, j);
        momo_design_free(d);
    }
    if (momo_design_random(sp, 17, 3, &d, &err) == MOMO_OK) {
        for (size_t i = 0; i < momo_design_n_trials(d); i++)
            for (size_t j = 0; j < momo_design_n_dims(d); j++) {
                const momo_dim *dm = momo_design_dim(d, j);
                double v = momo_design_value(d, i, j);

                /* every sample respects its distribution's bounds */
                if ((dm->dist == MOMO_DIST_UNIFORM ||
                     dm->dist == MOMO_DIST_LOG_UNIFORM ||
                     dm->dist == MOMO_DIST_INTEGER) &&
                    (v < dm->low - 0.5 || v > dm->high + 0.5))
                    abort();
                sink += v;
            }
        momo_design_free(d);
    }
    momo_space_free(sp);
    (void)sink;
    return 0;
}
