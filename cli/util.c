/* util.c - reporting, exit codes, logging to stderr, progress bars and
 * interrupts for the commands. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("momo: error: ", fmt, ap);
    va_end(ap);
}

void cli_warnf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("momo: warning: ", fmt, ap);
    va_end(ap);
}

int cli_exit_code(int momo_rc)
{
    switch (momo_rc) {
    case MOMO_OK:        return EXIT_OK;
    case MOMO_EFORMAT:
    case MOMO_EINVAL:
    case MOMO_ENOTFOUND: return EXIT_INPUT;
    case MOMO_EIO:       return EXIT_IO;
    case MOMO_EINTR:     return EXIT_INTERRUPTED;
    default:             return EXIT_INTERNAL;
    }
}

int cli_report(const momo_err *err)
{
    if (err->code == MOMO_OK)
        return EXIT_OK;
    cli_errorf("%s", err->msg[0] ? err->msg : momo_strerror(err->code));
    return cli_exit_code(err->code);
}

int cli_finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "momo: error: writing the output failed\n");
        return rc == EXIT_OK ? EXIT_IO : rc;
    }
    return rc;
}

static void log_to_stderr(int level, const char *msg, void *ud)
{
    static const char *const names[] = { "error", "warning", "info",
                                         "debug" };

    (void)ud;
    fprintf(stderr, "momo: %s: %s\n", names[level], msg);
}

void cli_install_logging(void)
{
    const char *env = getenv("MOMO_LOG");
    int level = MOMO_LOG_WARN;

    if (env) {
        if (strcasecmp(env, "debug") == 0)
            level = MOMO_LOG_DEBUG;
        else if (strcasecmp(env, "info") == 0)
            level = MOMO_LOG_INFO;
        else if (strcasecmp(env, "error") == 0)
            level = MOMO_LOG_ERROR;
    }
    momo_log_set_handler(log_to_stderr, NULL, level);
}

/*---- Progress ----*/

void cli_progress_init(struct cli_progress *p, const char *label)
{
    p->label = label;
    p->start = momo_now();
    p->last_draw = 0;
    p->tty = isatty(STDERR_FILENO) && !getenv("MOMO_NO_PROGRESS");
}

void cli_fmt_secs(double s, char *buf, size_t n)
{
    if (!(s >= 0) || s > 1e9)
        snprintf(buf, n, "--");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

void cli_progress_cb(void *ud, size_t done, size_t total)
{
    struct cli_progress *p = ud;
    double now = momo_now(), el = now - p->start, rate, eta;
    char eta_s[16];
    int width = 30, fill;

    if (!p->tty || (now - p->last_draw < 0.1 && done < total))
        return;
    p->last_draw = now;
    rate = el > 0 ? (double)done / el : 0;
    eta = rate > 0 ? (double)(total - done) / rate : -1;
    fill = total ? (int)((double)width * (double)done / (double)total) : 0;
    cli_fmt_secs(eta, eta_s, sizeof(eta_s));
    fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu %.0f/s ETA %s  ", p->label, fill,
            "##############################", width - fill, "", done, total,
            rate, eta_s);
    fflush(stderr);
}

void cli_progress_done(struct cli_progress *p)
{
    if (p->tty && p->last_draw > 0)
        fputs("\r\033[K", stderr);
}

/*---- Interrupts ----*/

static volatile int interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

void cli_catch_interrupts(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

volatile int *cli_interrupt_flag(void)
{
    return &interrupted;
}

int cli_split_commas(const char *s, struct cli_strs *out)
{
    size_t count = 1, len = strlen(s);

    out->n = 0;
    out->v = NULL;
    out->block = malloc(len + 1);
    if (!out->block)
        return -1;
    memcpy(out->block, s, len + 1);
    for (const char *p = s; *p; p++)
        count += *p == ',';
    out->v = calloc(count, sizeof(*out->v));
    if (!out->v) {
        cli_strs_release(out);
        return -1;
    }
    for (char *tok = out->block, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        if (*tok)
            out->v[out->n++] = tok;
    }
    return 0;
}

void cli_strs_release(struct cli_strs *s)
{
    free(s->v);
    free(s->block);
    s->v = NULL;
    s->block = NULL;
    s->n = 0;
}

int cli_dispatch(const char *group, const struct cli_command *table,
                 int argc, char **argv)
{
    FILE *f = stdout;

    if (argc >= 2 && strcmp(argv[1], "--help") != 0 &&
        strcmp(argv[1], "-h") != 0) {
        for (const struct cli_command *c = table; c->name; c++)
            if (strcmp(c->name, argv[1]) == 0)
                return c->run(argc - 1, argv + 1);
        cli_errorf("unknown %s subcommand '%s' (see 'momo %s --help')",
                   group, argv[1], group);
        return EXIT_USAGE;
    }
    if (argc < 2)
        f = stderr;
    fprintf(f, "usage: momo %s <subcommand> [options] [--help]\n\n"
               "subcommands:\n", group);
    for (const struct cli_command *c = table; c->name; c++)
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
}
