/* run.c - the options every strategy command shares (--data, --config,
 * --set, --symbols, --from, --to) and loading what they name. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_run(int argc, char **argv, const struct cli_spec *spec,
                  struct cli_run *r, const long *seed, int *exit_code)
{
    struct cli_args pos;
    int rc = cli_parse(argc, argv, spec, &pos, stdout, stderr);

    if (rc == 0) {
        cli_args_release(&pos);
        if (r->jobs < 0 || r->jobs > 256) {
            cli_errorf("%s: --jobs: %ld is out of range 0..256", argv[0],
                       r->jobs);
            rc = EXIT_USAGE;
        } else if (seed && *seed < 0) {
            cli_errorf("%s: --seed: %ld must be >= 0", argv[0], *seed);
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0)
        return 0;
    cli_list_release(&r->sets);
    *exit_code = rc == 1 ? EXIT_OK : rc;
    return 1;
}

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
