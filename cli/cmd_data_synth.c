/* cmd_data_synth.c - `momo data synth`: generate the synthetic market
 * (include/momo/synth.h), save it as a dataset and print a summary:
 * symbols by class, date range, bars, checksum and the regime schedule. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_data_synth(int argc, char **argv);

static const char *const usage[] = {
    "momo data synth --out DATASET [--seed N] [--stocks N] [--crypto N]",
    "                [--years N] [--start YYYY-MM-DD] [--momentum F]",
    "                [--random-walk] [--json]",
    NULL
};

struct synth_args {
    const char *out;
    long seed, stocks, crypto, years;
    int32_t start;
    double momentum;
    int random_walk, json;
};

/* What the summary reports, counted from the dataset itself. */
struct census {
    size_t n_class[MOMO_N_ASSET_CLASSES];
    size_t n_size[MOMO_N_SIZES];
    size_t n_sectors;
    int32_t first, last;
};

static void take_census(const momo_dataset *ds, struct census *c)
{
    const char *seen[64];
    size_t n_seen = 0;

    memset(c, 0, sizeof(*c));
    for (size_t sym = 0; sym < momo_dataset_n_symbols(ds); sym++) {
        const momo_symbol *m = momo_dataset_symbol(ds, sym);
        size_t k = 0;

        c->n_class[m->asset_class]++;
        if (m->asset_class == MOMO_STOCK)
            c->n_size[m->size]++;
        if (m->n_bars > 0 && (c->first == 0 || m->first_date < c->first))
            c->first = m->first_date;
        if (m->n_bars > 0 && m->last_date > c->last)
            c->last = m->last_date;
        if (m->sector[0] == '\0')
            continue;
        while (k < n_seen && strcmp(seen[k], m->sector) != 0)
            k++;
        if (k == n_seen && n_seen < sizeof(seen) / sizeof(seen[0]))
            seen[n_seen++] = m->sector;
    }
    c->n_sectors = n_seen;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void print_json(FILE *f, const struct synth_args *a,
                       const momo_dataset *ds, const struct census *c,
                       const momo_synth_regime *rg, size_t n_rg,
                       const double seconds[2])
{
    char d1[11], d2[11];

    fprintf(f, "{\"out\":");
    json_string(f, a->out);
    fprintf(f, ",\"seed\":%ld,\"momentum\":%.17g,\"random_walk\":%s,",
            a->seed, a->momentum, a->random_walk ? "true" : "false");
    fprintf(f, "\"first_date\":\"%s\",\"last_date\":\"%s\",",
            momo_format_date(c->first, d1), momo_format_date(c->last, d2));
    fprintf(f, "\"n_symbols\":%zu,\"n_bars\":%zu,\"checksum\":\"%08x\",",
            momo_dataset_n_symbols(ds), momo_dataset_n_bars(ds),
            (unsigned)momo_dataset_checksum(ds));
    fprintf(f, "\"classes\":{");
    for (int k = 0; k < MOMO_N_ASSET_CLASSES; k++)
        fprintf(f, "%s\"%s\":%zu", k ? "," : "", momo_asset_class_name(k),
                c->n_class[k]);
    fprintf(f, "},\"sectors\":%zu,\"sizes\":{\"large\":%zu,\"mid\":%zu,"
            "\"small\":%zu},\"regimes\":[", c->n_sectors,
            c->n_size[MOMO_SIZE_LARGE], c->n_size[MOMO_SIZE_MID],
            c->n_size[MOMO_SIZE_SMALL]);
    for (size_t k = 0; k < n_rg; k++)
        fprintf(f, "%s{\"kind\":\"%s\",\"first_date\":\"%s\","
                "\"last_date\":\"%s\"}", k ? "," : "",
                momo_synth_regime_name(rg[k].kind),
                momo_format_date(rg[k].first_date, d1),
                momo_format_date(rg[k].last_date, d2));
    fprintf(f, "],\"seconds_generate\":%.3f,\"seconds_write\":%.3f}\n",
            seconds[0], seconds[1]);
}

static void print_text(FILE *f, const struct synth_args *a,
                       const momo_dataset *ds, const struct census *c,
                       const momo_synth_regime *rg, size_t n_rg,
                       const double seconds[2])
{
    char d1[11], d2[11];

    fprintf(f, "synthetic market, seed %ld, %s, written to %s\n",
            a->seed, a->random_walk ? "random walk" : "factor model",
            a->out);
    fprintf(f, "  dates     %s .. %s (%ld year%s)\n",
            momo_format_date(c->first, d1), momo_format_date(c->last, d2),
            a->years, a->years == 1 ? "" : "s");
    fprintf(f, "  symbols   %zu: %zu stock (%zu sectors; %zu large, "
            "%zu mid, %zu small), %zu crypto, %zu etf, %zu bond, "
            "%zu index\n", momo_dataset_n_symbols(ds),
            c->n_class[MOMO_STOCK], c->n_sectors,
            c->n_size[MOMO_SIZE_LARGE], c->n_size[MOMO_SIZE_MID],
            c->n_size[MOMO_SIZE_SMALL], c->n_class[MOMO_CRYPTO],
            c->n_class[MOMO_ETF], c->n_class[MOMO_BOND],
            c->n_class[MOMO_INDEX]);
    fprintf(f, "  bars      %zu\n", momo_dataset_n_bars(ds));
    fprintf(f, "  momentum  %g\n", a->random_walk ? 0.0 : a->momentum);
    fprintf(f, "  checksum  %08x\n", (unsigned)momo_dataset_checksum(ds));
    fprintf(f, "  time      %.2f s to generate, %.2f s to write\n",
            seconds[0], seconds[1]);
    if (n_rg == 0) {
        fprintf(f, "  regimes   none (random walk)\n");
        return;
    }
    fprintf(f, "  regimes\n");
    for (size_t k = 0; k < n_rg; k++)
        fprintf(f, "    %-12s %s .. %s\n", momo_synth_regime_name(rg[k].kind),
                momo_format_date(rg[k].first_date, d1),
                momo_format_date(rg[k].last_date, d2));
}

/* Range checks that name the option; the library checks again. */
static int check_range(const char *opt, long v, long lo, long hi)
{
    if (v >= lo && v <= hi)
        return 0;
    fprintf(stderr, "momo synth: --%s: %ld is out of range %ld..%ld\n", opt,
            v, lo, hi);
    return -1;
}

int cmd_data_synth(int argc, char **argv)
{
    momo_synth_opts so = momo_synth_default_opts();
    struct synth_args a;
    struct cli_args pos;
    momo_synth_regime rg[MOMO_SYNTH_MAX_REGIMES];
    momo_dataset *ds = NULL;
    momo_err err = { 0 };
    struct census c;
    size_t n_rg = 0;
    double t0, seconds[2] = { 0, 0 };
    int rc;

    memset(&a, 0, sizeof(a));
    a.seed = 1;
    a.stocks = (long)so.n_stocks;
    a.crypto = (long)so.n_crypto;
    a.years = so.years;
    a.start = so.start;
    a.momentum = so.momentum;
    {
        const struct cli_opt opts[] = {
            { "out", 'o', CLI_STRING, &a.out, "DATASET",
              "write the dataset here (required)" },
            { "seed", 0, CLI_LONG, &a.seed, "N",
              "random seed, 0 or more (default 1)" },
            { "stocks", 0, CLI_LONG, &a.stocks, "N",
              "number of stocks (default 150)" },
            { "crypto", 0, CLI_LONG, &a.crypto, "N",
              "number of crypto assets (default 12)" },
            { "years", 0, CLI_LONG, &a.years, "N",
              "years of daily bars (default 20)" },
            { "start", 0, CLI_DATE, &a.start, "YYYY-MM-DD",
              "first day (default 2005-01-03)" },
            { "momentum", 0, CLI_DOUBLE, &a.momentum, "F",
              "momentum persistence, 0 = none (default 0.5)" },
            { "random-walk", 0, CLI_FLAG, &a.random_walk, NULL,
              "independent random walks: no regimes, factors, momentum" },
            { "json", 0, CLI_FLAG, &a.json, NULL,
              "print the summary as JSON" },
            CLI_OPT_END
        };
        const struct cli_spec spec = {
            usage,
            "Generate the synthetic market: stocks in 11 sectors and three "
            "size buckets,\ncrypto trading every day, SPY, AGG and VIX, "
            "over a schedule of bull, bear,\ncrash, flash-crash, sideways "
            "and low-volatility regimes. The same seed and\noptions give "
            "the same dataset (same checksum). Model: "
            "docs/internals/synth.md.",
            opts, 0, 0
        };

        rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    }
    if (rc == 1)
        return EXIT_OK;
    if (rc != 0)
        return EXIT_USAGE;
    cli_args_release(&pos);
    if (!a.out || a.out[0] == '\0') {
        fprintf(stderr, "momo synth: --out DATASET is required (see 'momo "
                "data synth --help')\n");
        return EXIT_USAGE;
    }
    if (check_range("seed", a.seed, 0, LONG_MAX) ||
        check_range("stocks", a.stocks, 1, MOMO_SYNTH_MAX_STOCKS) ||
        check_range("crypto", a.crypto, 0, MOMO_SYNTH_MAX_CRYPTO) ||
        check_range("years", a.years, 1, MOMO_SYNTH_MAX_YEARS))
        return EXIT_USAGE;
    if (!(a.momentum >= 0.0 && a.momentum <= MOMO_SYNTH_MAX_MOMENTUM)) {
        fprintf(stderr, "momo synth: --momentum: %g is out of range 0..%g\n",
                a.momentum, MOMO_SYNTH_MAX_MOMENTUM);
        return EXIT_USAGE;
    }
    so.seed = (uint64_t)a.seed;
    so.n_stocks = (size_t)a.stocks;
    so.n_crypto = (size_t)a.crypto;
    so.years = (int)a.years;
    so.start = a.start;
    so.momentum = a.momentum;
    so.random_walk = a.random_walk;

    t0 = momo_now();
    rc = momo_synth_regimes(&so, rg, MOMO_SYNTH_MAX_REGIMES, &n_rg, &err);
    if (rc == MOMO_OK)
        rc = momo_synth_generate(&so, &ds, &err);
    seconds[0] = momo_now() - t0;
    if (rc == MOMO_OK)
        rc = momo_dataset_save(ds, a.out, &err);
    seconds[1] = momo_now() - t0 - seconds[0];
    if (rc == MOMO_OK) {
        take_census(ds, &c);
        if (a.json)
            print_json(stdout, &a, ds, &c, rg, n_rg, seconds);
        else
            print_text(stdout, &a, ds, &c, rg, n_rg, seconds);
    }
    momo_dataset_close(ds);
    if (rc != MOMO_OK)
        return cli_report(&err);
    return EXIT_OK;
}
