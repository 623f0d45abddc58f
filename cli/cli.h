/* cli/cli.h - what the command files share: exit codes, the option
 * parser, error reporting, progress bars. The CLI is a client of
 * include/momo/ only. */
#ifndef MOMO_CLI_H
#define MOMO_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "momo/momo.h"

/* Exit codes, stable and documented in README.md. */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_PROBLEMS = 1,   /* ran, and found problems (data check) */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INPUT = 3,      /* bad input: data, config, values */
    EXIT_IO = 4,         /* file, network or database I/O */
    EXIT_INTERNAL = 5,   /* a bug, or out of memory */
    EXIT_INTERRUPTED = 130
};

/*---- Commands ----*/

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

extern const struct cli_command cli_commands[];

int cmd_backtest(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_benchmark(int argc, char **argv);
int cmd_montecarlo(int argc, char **argv);
int cmd_regime(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_robustness(int argc, char **argv);
int cmd_optimize(int argc, char **argv);

/*---- Options ----*/

enum cli_opt_kind {
    CLI_FLAG,     /* int *: set to 1 */
    CLI_STRING,   /* const char **: last one wins */
    CLI_LIST,     /* struct cli_list *: every occurrence, in order */
    CLI_LONG,     /* long * */
    CLI_DOUBLE,   /* double * */
    CLI_DATE      /* int32_t * days since 1970-01-01, from YYYY-MM-DD */
};

struct cli_list {
    const char **v;
    size_t n, cap;
};

struct cli_opt {
    const char *name;      /* long name, without "--" */
    char short_name;       /* 0 for none */
    int kind;              /* enum cli_opt_kind */
    void *dest;
    const char *arg;       /* metavariable for help, e.g. "FILE" */
    const char *help;
};

#define CLI_OPT_END { NULL, 0, 0, NULL, NULL, NULL }

struct cli_spec {
    const char *const *usage;  /* usage lines, NULL-terminated */
    const char *summary;       /* one paragraph under the usage */
    const struct cli_opt *opts;/* CLI_OPT_END-terminated */
    size_t min_args, max_args; /* positional arguments */
};

struct cli_args {
    char **v;                  /* positional arguments (point into argv) */
    size_t n;
};

/* Parse argv[1..argc) (argv[0] is the command name) against `spec`.
 * Returns 0 when parsed, 1 when --help was given and printed to `out`,
 * EXIT_USAGE when the line is wrong (message on `errf`). Only on 0 does
 * `pos` hold the positional arguments (free with cli_args_release);
 * lists filled in are freed with cli_list_release in every case. */
int cli_parse(int argc, char **argv, const struct cli_spec *spec,
              struct cli_args *pos, FILE *out, FILE *errf);
void cli_args_release(struct cli_args *pos);
void cli_list_release(struct cli_list *l);
void cli_print_help(FILE *f, const char *cmd, const struct cli_spec *spec);

/*---- Reporting ----*/

/* "momo: <msg>" on stderr. */
void cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void cli_warnf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Print err->msg and return the exit code for err->code. */
int cli_report(const momo_err *err);
int cli_exit_code(int momo_rc);
/* Flush stdout; a failed write turns success into EXIT_IO. */
int cli_finish(int rc);
void cli_install_logging(void);

/* Run the subcommand of `table` named by argv[1] (argv[0] is the group,
 * e.g. "data"); --help lists the table. */
int cli_dispatch(const char *group, const struct cli_command *table,
                 int argc, char **argv);

/* Seconds as "42s", "3m05s", "1h20m" ("--" when unknown). */
void cli_fmt_secs(double s, char *buf, size_t n);

/*---- Progress on a TTY (stderr); silent otherwise ----*/

struct cli_progress {
    const char *label;
    double start, last_draw;
    int tty;
};
void cli_progress_init(struct cli_progress *p, const char *label);
/* A momo_progress_fn: ud is the struct cli_progress. */
void cli_progress_cb(void *ud, size_t done, size_t total);
void cli_progress_done(struct cli_progress *p);

/*---- Shared pieces of commands ----*/

/* Install a SIGINT/SIGTERM handler that sets the flag returned by
 * cli_interrupt_flag(), which long library calls poll. */
void cli_catch_interrupts(void);
volatile int *cli_interrupt_flag(void);

/* "A,B,,C" split at commas, empty parts dropped. */
struct cli_strs {
    char **v;
    size_t n;
    char *block;
};
int cli_split_commas(const char *s, struct cli_strs *out);  /* 0 or -1 */
void cli_strs_release(struct cli_strs *s);

/*---- The options of every strategy command ----*/

struct cli_run {
    const char *data, *config, *symbols;
    struct cli_list sets;
    int32_t from, to;
    long jobs;
    /* filled by cli_run_load */
    momo_config *cfg;
    momo_dataset *ds;
    momo_engine *eng;
    momo_window win;
    struct cli_strs syms;
};

#define CLI_RUN_OPTS(r)                                                    \
    { "data", 'd', CLI_STRING, &(r)->data, "DATASET",                      \
      "dataset file (from 'momo data import' or 'momo data synth'; "       \
      "default: the built-in synthetic market)" },                         \
    { "config", 'c', CLI_STRING, &(r)->config, "FILE", "YAML config" },    \
    { "set", 's', CLI_LIST, &(r)->sets, "NAME=VALUE",                      \
      "override one parameter (repeatable; see 'momo config schema')" },   \
    { "symbols", 0, CLI_STRING, &(r)->symbols, "A,B,...",                  \
      "trade only these symbols (as if only they were loaded)" },          \
    { "from", 0, CLI_DATE, &(r)->from, "DATE",                             \
      "first date of the window, YYYY-MM-DD (history before it feeds "     \
      "indicators)" },                                                     \
    { "to", 0, CLI_DATE, &(r)->to, "DATE", "last date of the window" }

/* Parse the command line of a strategy command: its options fill `r`
 * (and the command's own variables); --jobs must be 0..256 and, when
 * `seed` is given, --seed >= 0. Returns 0 to go on; otherwise the
 * command returns *exit_code (help printed: EXIT_OK; bad line:
 * EXIT_USAGE, the message printed), and r's lists are released. */
int cli_parse_run(int argc, char **argv, const struct cli_spec *spec,
                  struct cli_run *r, const long *seed, int *exit_code);

/* Load the config (file + --set), open the dataset and build the engine.
 * On failure `err` says why; cli_run_release frees what was loaded. */
int cli_run_load(struct cli_run *r, momo_err *err);
void cli_run_release(struct cli_run *r);

#endif
