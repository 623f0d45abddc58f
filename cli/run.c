/* run.c - the options every strategy command shares (--data, --config,
 * --set, --symbols, --from, --to) and loading what they name. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_run_load(struct cli_run *r, momo_err *err)
{
    momo_engine_opts eo = { 0 };
    int rc;

    rc = momo_config_load(r->config, r->sets.v, r->sets.n, &r->cfg, err);
    if (rc != MOMO_OK)
        return rc;
    if (r->data) {
        rc = momo_dataset_open(r->data, &r->ds, err);
    } else {
        /* the embedded default: the synthetic market of seed 1 */
        momo_synth_opts so = momo_synth_default_opts();

        cli_warnf("no --data given: using the built-in synthetic market "
                  "(momo data synth --seed %lu)", (unsigned long)so.seed);
        rc = momo_synth_generate(&so, &r->ds, err);
    }
    if (rc != MOMO_OK)
        return rc;
    if (r->symbols) {
        if (cli_split_commas(r->symbols, &r->syms) != 0)
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
        if (r->syms.n == 0)
            return momo_err_set(err, MOMO_EINVAL,
                                "--symbols: no symbol given");
        eo.symbols = (const char *const *)r->syms.v;
        eo.n_symbols = r->syms.n;
    }
    eo.threads = r->jobs > 0 ? (int)r->jobs : 0;
    rc = momo_engine_new(r->ds, momo_config_params(r->cfg), &eo, &r->eng,
                         err);
    r->win.from = r->from;
    r->win.to = r->to;
    if (rc == MOMO_OK && r->from && r->to && r->from > r->to)
        rc = momo_err_set(err, MOMO_EINVAL, "--from is after --to");
    return rc;
}

void cli_run_release(struct cli_run *r)
{
    momo_engine_free(r->eng);
    momo_dataset_close(r->ds);
    momo_config_free(r->cfg);
    cli_strs_release(&r->syms);
    cli_list_release(&r->sets);
    r->eng = NULL;
    r->ds = NULL;
    r->cfg = NULL;
}
