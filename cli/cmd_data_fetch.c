/* cmd_data_fetch.c - `momo data fetch`: download one daily CSV per symbol
 * (Stooq's format) into a folder, for `momo data import` to read.
 *
 * Thin: parse, check every URL before any transfer (a bad symbol or
 * template is a usage error), run momo_fetch_run, print one line per
 * symbol and a summary on stdout (or JSON), one line per failure on
 * stderr. Exit 0 when every symbol was fetched, 4 when any failed, 130
 * when interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_data_fetch(int argc, char **argv);

static const char *const usage[] = {
    "momo data fetch --out DIR [--source URL_TEMPLATE] [--suffix SUFFIX] "
    "[--from DATE] [--to DATE]",
    "                [--timeout SECONDS] [--retries N] [--jobs N] [--json] "
    "SYMBOL...",
    NULL
};

static const char summary[] =
    "Download one daily CSV per SYMBOL (Date,Open,High,Low,Close,Volume)\n"
    "into DIR/SYMBOL.csv, replacing the file only once the download is\n"
    "complete and checked. The default source is Stooq:\n"
    "  " MOMO_FETCH_DEFAULT_SOURCE "\n"
    "{symbol} is the symbol lower-cased, with SUFFIX (default .us)\n"
    "appended unless it already has a '.' or starts with '^'; use\n"
    "--suffix '' for crypto and other non-US symbols. With --from/--to,\n"
    "{from} and {to} are YYYYMMDD (Stooq: &d1={from}&d2={to} is added).\n"
    "Connection errors, timeouts, HTTP 429 and 5xx are retried with\n"
    "backoff (1 s, 2 s, 4 s, ...).";

/* JSON string body: quotes, backslashes and control bytes escaped. */
static void json_str(FILE *f, const char *s)
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

static void print_json(FILE *f, const char *dir,
                       const momo_fetch_result *res, size_t n,
                       size_t n_ok)
{
    fputs("{\"out\":", f);
    json_str(f, dir);
    fprintf(f, ",\"requested\":%zu,\"fetched\":%zu,\"failed\":%zu,"
               "\"symbols\":[", n, n_ok, n - n_ok);
    for (size_t i = 0; i < n; i++) {
        const momo_fetch_result *r = &res[i];

        fputs(i ? ",\n  {\"symbol\":" : "\n  {\"symbol\":", f);
        json_str(f, r->symbol);
        fprintf(f, ",\"ok\":%s,\"url\":", r->rc == MOMO_OK ? "true"
                                                          : "false");
        json_str(f, r->url);
        fprintf(f, ",\"http_status\":%ld,\"rows\":%zu,\"bytes\":%zu,"
                   "\"attempts\":%d,\"seconds\":%.3f,\"error\":",
                r->http_status, r->rc == MOMO_OK ? r->n_rows : 0,
                r->bytes, r->attempts, r->seconds);
        if (r->rc == MOMO_OK)
            fputs("null", f);
        else
            json_str(f, r->err.msg);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
}

static void print_text(FILE *f, const char *dir,
                       const momo_fetch_result *res, size_t n,
                       size_t n_ok, double seconds)
{
    size_t rows = 0, bytes = 0;

    for (size_t i = 0; i < n; i++) {
        const momo_fetch_result *r = &res[i];

        if (r->rc != MOMO_OK)
            continue;
        rows += r->n_rows;
        bytes += r->bytes;
        fprintf(f, "%-12s %6zu rows %9zu bytes  %d attempt%s  %.1f s\n",
                r->symbol, r->n_rows, r->bytes, r->attempts,
                r->attempts == 1 ? "" : "s", r->seconds);
    }
    fprintf(f, "fetched %zu of %zu symbol%s into %s (%zu rows, %zu bytes, "
               "%.1f s)", n_ok, n, n == 1 ? "" : "s", dir, rows, bytes,
            seconds);
    if (n_ok < n)
        fprintf(f, "; %zu failed", n - n_ok);
    fputc('\n', f);
}

int cmd_data_fetch(int argc, char **argv)
{
    const char *out = NULL, *source = NULL, *suffix = NULL;
    double timeout = 30.0;
    long retries = 3, jobs = 2;
    int32_t from = MOMO_FETCH_NO_DATE, to = MOMO_FETCH_NO_DATE;
    int json = 0, rc;
    const struct cli_opt opts[] = {
        { "out", 'o', CLI_STRING, &out, "DIR",
          "folder for SYMBOL.csv files (created if missing)" },
        { "source", 0, CLI_STRING, &source, "URL_TEMPLATE",
          "URL with {symbol}, {from}, {to} (default: Stooq)" },
        { "suffix", 0, CLI_STRING, &suffix, "SUFFIX",
          "appended to symbols without '.' (default .us)" },
        { "from", 0, CLI_DATE, &from, "DATE", "first date (YYYY-MM-DD)" },
        { "to", 0, CLI_DATE, &to, "DATE", "last date (YYYY-MM-DD)" },
        { "timeout", 0, CLI_DOUBLE, &timeout, "SECONDS",
          "limit per attempt, connecting included (default 30)" },
        { "retries", 0, CLI_LONG, &retries, "N",
          "extra attempts on transient failures (default 3)" },
        { "jobs", 'j', CLI_LONG, &jobs, "N",
          "downloads at once (default 2)" },
        { "json", 0, CLI_FLAG, &json, NULL, "print the summary as JSON" },
        CLI_OPT_END
    };
    const struct cli_spec spec = { usage, summary, opts, 1, (size_t)-1 };
    struct cli_args pos;
    struct cli_progress prog;
    momo_fetch_opts o;
    momo_fetch_result *res = NULL;
    momo_err err = { 0 };
    const char *last = "";
    size_t n_ok = 0;
    double t0;

    argv[0] = (char *)"data fetch";     /* messages say "momo data fetch" */
    rc = cli_parse(argc, argv, &spec, &pos, stdout, stderr);
    if (rc == 1)
        return EXIT_OK;
    if (rc != 0)
        return EXIT_USAGE;
    rc = EXIT_OK;
    if (!out || !*out) {
        cli_errorf("data fetch: --out DIR is required");
        rc = EXIT_USAGE;
    } else if (!(timeout > 0) || timeout > 86400) {
        cli_errorf("data fetch: --timeout %g: must be in (0, 86400]",
                   timeout);
        rc = EXIT_USAGE;
    } else if (retries < 0 || retries > 100) {
        cli_errorf("data fetch: --retries %ld: must be in [0, 100]",
                   retries);
        rc = EXIT_USAGE;
    } else if (jobs < 1 || jobs > 64) {
        cli_errorf("data fetch: --jobs %ld: must be in [1, 64]", jobs);
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
        cli_args_release(&pos);
        return rc;
    }

    momo_fetch_opts_default(&o);
    o.source = source;
    o.suffix = suffix;
    o.from = from;
    o.to = to;
    o.timeout_s = timeout;
    o.retries = (int)retries;
    o.jobs = (int)jobs;
    o.interrupt = cli_interrupt_flag();
    /* every URL is checked before anything is downloaded */
    for (size_t i = 0; i < pos.n && rc == EXIT_OK; i++) {
        char url[MOMO_FETCH_URL_MAX];

        if (momo_fetch_url(&o, pos.v[i], url, sizeof(url), &err) !=
            MOMO_OK) {
            cli_errorf("%s", err.msg);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        res = calloc(pos.n, sizeof(*res));
        if (!res) {
            cli_errorf("data fetch: out of memory");
            rc = EXIT_INTERNAL;
        }
    }
    if (rc != EXIT_OK) {
        cli_args_release(&pos);
        return rc;
    }

    cli_catch_interrupts();
    cli_progress_init(&prog, "fetch");
    o.progress = cli_progress_cb;
    o.progress_ud = &prog;
    t0 = momo_now();
    rc = momo_fetch_run(&o, out, (const char *const *)pos.v, pos.n, res,
                        &err);
    cli_progress_done(&prog);
    for (size_t i = 0; i < pos.n; i++) {
        if (res[i].rc == MOMO_OK)
            n_ok++;
        else if (res[i].rc != MOMO_EINTR &&
                 strcmp(res[i].err.msg, last) != 0) {
            cli_errorf("%s", res[i].err.msg);
            last = res[i].err.msg;  /* a failed start is said once */
        }
    }
    if (rc == MOMO_EINTR)
        cli_errorf("data fetch: interrupted");
    if (json)
        print_json(stdout, out, res, pos.n, n_ok);
    else
        print_text(stdout, out, res, pos.n, n_ok, momo_now() - t0);
    if (rc == MOMO_EINTR)
        rc = EXIT_INTERRUPTED;
    else if (n_ok < pos.n)
        rc = EXIT_IO;
    else
        rc = EXIT_OK;
    free(res);
    cli_args_release(&pos);
    return rc;
}
