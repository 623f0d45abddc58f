/* fetch.c - download daily CSVs over HTTP(S) with libcurl.
 *
 * In:  symbols, a URL template and limits (momo/fetch.h).
 * Out: DIR/<SYMBOL>.csv per symbol, each written atomically, and one
 *      momo_fetch_result per symbol. `momo data import` reads the files.
 *
 * Each symbol is a `struct xfer`, a small state machine (waiting, active,
 * done) driven by one curl multi handle, so up to o->jobs transfers run
 * at once on the calling thread and share connections. The body streams
 * into a temporary file in the destination directory (never into memory)
 * while the write callback keeps the first bytes, counts lines and
 * enforces the size limit. Only a complete 2xx body whose first line is
 * a Stooq daily header and which has rows is renamed over the
 * destination; every other outcome removes the temporary file, so the
 * destination is either the old file or the new one, never a mix.
 * A retry truncates the same temporary file and re-adds the same easy
 * handle after its backoff. Design notes: docs/internals/fetch.md.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/core.h"
#include "momo/dataset.h"
#include "momo/fetch.h"

#define RANGE_SUFFIX   "&d1={from}&d2={to}"
#define OPEN_FROM      "18000101"
#define SUFFIX_MAX     32
#define HEAD_MAX       256     /* bytes of the body kept for the checks */
#define POLL_MS        100     /* longest wait between interrupt checks */

void momo_fetch_opts_default(momo_fetch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->source = NULL;
    o->suffix = NULL;
    o->from = MOMO_FETCH_NO_DATE;
    o->to = MOMO_FETCH_NO_DATE;
    o->timeout_s = 30.0;
    o->connect_timeout_s = 10.0;
    o->low_speed_bytes = 100;
    o->low_speed_s = 15;
    o->retries = 3;
    o->backoff_s = 1.0;
    o->backoff_max_s = 30.0;
    o->max_body = (size_t)64 << 20;
    o->jobs = 2;
    o->interrupt = NULL;
    o->progress = NULL;
    o->progress_ud = NULL;
}

/*---- URLs ----*/

static int check_symbol(const char *s, momo_err *err)
{
    size_t n = strlen(s);

    if (n == 0 || n > MOMO_SYMBOL_MAX)
        return momo_err_set(err, MOMO_EINVAL,
                            "fetch '%.40s': a symbol has 1 to %d characters",
                            s, MOMO_SYMBOL_MAX);
    if (s[0] == '.')
        return momo_err_set(err, MOMO_EINVAL,
                            "fetch '%s': a symbol cannot start with '.'", s);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (isalnum(c) || strchr(".-_^=", c))
            continue;
        if (isprint(c))
            return momo_err_set(err, MOMO_EINVAL,
                                "fetch '%s': character '%c' is not allowed "
                                "in a symbol", s, c);
        return momo_err_set(err, MOMO_EINVAL,
                            "fetch: byte 0x%02x is not allowed in a symbol",
                            c);
    }
    return MOMO_OK;
}

static void format_yyyymmdd(int32_t days, char *buf, size_t n)
{
    int y, m, d;

    core_civil_from_days(days, &y, &m, &d);
    snprintf(buf, n, "%04d%02d%02d", y, m, d);
}

static int append(char *buf, size_t size, size_t *n, const char *s,
                  size_t len, momo_err *err)
{
    if (len >= size - *n)
        return momo_err_set(err, MOMO_EINVAL,
                            "fetch: URL longer than %zu bytes", size - 1);
    memcpy(buf + *n, s, len);
    *n += len;
    buf[*n] = '\0';
    return MOMO_OK;
}

/* Replace {symbol}, {from} and {to} in `tmpl`. */
static int expand(const char *tmpl, const char *sym, const char *from,
                  const char *to, char *buf, size_t size, momo_err *err)
{
    size_t n = 0;
    int rc = MOMO_OK;

    buf[0] = '\0';
    for (const char *p = tmpl; *p && rc == MOMO_OK;) {
        const char *end, *rep;
        size_t len;

        if (*p != '{') {
            rc = append(buf, size, &n, p, 1, err);
            p++;
            continue;
        }
        end = strchr(p, '}');
        if (!end)
            return momo_err_set(err, MOMO_EINVAL,
                                "source '%s': '{' without a closing '}'",
                                tmpl);
        len = (size_t)(end - p - 1);
        if (len == 6 && strncmp(p + 1, "symbol", 6) == 0)
            rep = sym;
        else if (len == 4 && strncmp(p + 1, "from", 4) == 0)
            rep = from;
        else if (len == 2 && strncmp(p + 1, "to", 2) == 0)
            rep = to;
        else
            return momo_err_set(err, MOMO_EINVAL,
                                "source '%s': unknown placeholder '{%.*s}' "
                                "(known: {symbol}, {from}, {to})", tmpl,
                                (int)(len > 40 ? 40 : len), p + 1);
        rc = append(buf, size, &n, rep, strlen(rep), err);
        p = end + 1;
    }
    return rc;
}

static int is_http_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 ||
           strncasecmp(s, "https://", 8) == 0;
}

int momo_fetch_url(const momo_fetch_opts *o, const char *symbol, char *buf,
                   size_t size, momo_err *err)
{
    const char *tmpl = o->source ? o->source : MOMO_FETCH_DEFAULT_SOURCE;
    const char *suffix = o->suffix ? o->suffix : MOMO_FETCH_DEFAULT_SUFFIX;
    int ranged = o->from != MOMO_FETCH_NO_DATE ||
                 o->to != MOMO_FETCH_NO_DATE;
    char sym[MOMO_SYMBOL_MAX + SUFFIX_MAX + 1], from[16], to[16];
    char tbuf[MOMO_FETCH_URL_MAX];
    char *enc;
    size_t n;
    int rc;

    if (size > 0)
        buf[0] = '\0';
    if (size == 0)
        return momo_err_set(err, MOMO_EINVAL, "fetch: no room for the URL");
    if (!is_http_url(tmpl))
        return momo_err_set(err, MOMO_EINVAL,
                            "source '%s': not an http:// or https:// URL",
                            tmpl);
    if (strlen(suffix) > SUFFIX_MAX)
        return momo_err_set(err, MOMO_EINVAL,
                            "suffix '%.40s': longer than %d characters",
                            suffix, SUFFIX_MAX);
    rc = check_symbol(symbol, err);
    if (rc != MOMO_OK)
        return rc;
    if (o->from != MOMO_FETCH_NO_DATE && o->to != MOMO_FETCH_NO_DATE &&
        o->from > o->to) {
        char a[16], b[16];

        return momo_err_set(err, MOMO_EINVAL,
                            "date range: from %s is after to %s",
                            core_format_date(o->from, a),
                            core_format_date(o->to, b));
    }
    if (ranged && strcmp(tmpl, MOMO_FETCH_DEFAULT_SOURCE) == 0) {
        snprintf(tbuf, sizeof(tbuf), "%s%s", tmpl, RANGE_SUFFIX);
        tmpl = tbuf;
    } else if (ranged && !strstr(tmpl, "{from}") && !strstr(tmpl, "{to}")) {
        return momo_err_set(err, MOMO_EINVAL,
                            "source '%s': a date range was given but the "
                            "template has no {from} or {to}", tmpl);
    }

    n = strlen(symbol);
    for (size_t i = 0; i < n; i++)
        sym[i] = (char)tolower((unsigned char)symbol[i]);
    sym[n] = '\0';
    if (!strchr(symbol, '.') && symbol[0] != '^')
        strcat(sym, suffix);

    if (o->from != MOMO_FETCH_NO_DATE)
        format_yyyymmdd(o->from, from, sizeof(from));
    else
        snprintf(from, sizeof(from), "%s", OPEN_FROM);
    if (o->to != MOMO_FETCH_NO_DATE)
        format_yyyymmdd(o->to, to, sizeof(to));
    else
        format_yyyymmdd((int32_t)(time(NULL) / 86400), to, sizeof(to));

    /* since libcurl 7.82 the handle argument is not needed */
    enc = curl_easy_escape(NULL, sym, 0);
    if (!enc)
        return momo_err_set(err, MOMO_ENOMEM, "fetch %s: out of memory",
                            symbol);
    rc = expand(tmpl, enc, from, to, buf, size < MOMO_FETCH_URL_MAX
                                           ? size : MOMO_FETCH_URL_MAX, err);
    curl_free(enc);
    if (rc != MOMO_OK)
        buf[0] = '\0';
    return rc;
}

/*---- One transfer ----*/

enum { X_WAITING, X_ACTIVE, X_DONE };

struct run {
    const momo_fetch_opts *o;
    const char *dir;
    CURLM *multi;
    size_t n, n_active, n_done;
};

struct xfer {
    struct run *run;
    momo_fetch_result *res;
    CURL *h;
    char *dest;                 /* dir/SYMBOL.csv */
    char *tmp;                  /* dir/.SYMBOL.csv.XXXXXX while it exists */
    FILE *f;                    /* open on tmp */
    int state;
    double start_at;            /* a waiting transfer may start then */
    double first_t;             /* when the first attempt started */
    size_t bytes, n_lines, n_head;
    char head[HEAD_MAX];
    char last;                  /* last byte of the body */
    int too_big, write_errno;
    char errbuf[CURL_ERROR_SIZE];
};

static int interrupted(const struct run *r)
{
    return r->o->interrupt && *r->o->interrupt;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if (n == 0)
        return 0;
    if (n > x->run->o->max_body - x->bytes) {
        x->too_big = 1;
        return 0;               /* CURLE_WRITE_ERROR ends the transfer */
    }
    if (x->n_head < HEAD_MAX) {
        size_t k = HEAD_MAX - x->n_head < n ? HEAD_MAX - x->n_head : n;

        memcpy(x->head + x->n_head, p, k);
        x->n_head += k;
    }
    for (const char *q = p, *end = p + n;;) {
        q = memchr(q, '\n', (size_t)(end - q));
        if (!q)
            break;
        x->n_lines++;
        q++;
    }
    if (fwrite(p, 1, n, x->f) != n) {
        x->write_errno = errno ? errno : EIO;
        return 0;
    }
    x->bytes += n;
    x->last = p[n - 1];
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    const struct xfer *x = ud;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return interrupted(x->run);     /* non-zero aborts the transfer */
}

#define SETOPT(opt, val)                                \
    do {                                                \
        if (cc == CURLE_OK)                             \
            cc = curl_easy_setopt(h, opt, val);         \
    } while (0)

static int setup_handle(struct xfer *x, momo_err *e)
{
    const momo_fetch_opts *o = x->run->o;
    double conn = o->connect_timeout_s > 0 &&
                  o->connect_timeout_s < o->timeout_s
                  ? o->connect_timeout_s : o->timeout_s;
    CURLcode cc = CURLE_OK;
    CURL *h = curl_easy_init();

    if (!h)
        return momo_err_set(e, MOMO_ENOMEM, "fetch %s: out of memory",
                            x->res->symbol);
    SETOPT(CURLOPT_URL, x->res->url);
    SETOPT(CURLOPT_PRIVATE, (void *)x);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, (void *)x);
    SETOPT(CURLOPT_XFERINFOFUNCTION, on_progress);
    SETOPT(CURLOPT_XFERINFODATA, (void *)x);
    SETOPT(CURLOPT_NOPROGRESS, 0L);
    SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
    SETOPT(CURLOPT_USERAGENT, "momo/" MOMO_VERSION);
    SETOPT(CURLOPT_FOLLOWLOCATION, 1L);
    SETOPT(CURLOPT_MAXREDIRS, 5L);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_TIMEOUT_MS, (long)(o->timeout_s * 1000.0));
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)(conn * 1000.0));
    SETOPT(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
    SETOPT(CURLOPT_LOW_SPEED_TIME, o->low_speed_s);
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    /* certificate checks stay at libcurl's default: on */
    if (cc != CURLE_OK) {
        curl_easy_cleanup(h);
        return momo_err_set(e, MOMO_EINTERNAL, "fetch %s: libcurl: %s",
                            x->res->symbol, curl_easy_strerror(cc));
    }
    x->h = h;
    return MOMO_OK;
}

#undef SETOPT

/* Open (first attempt) or empty (a retry) the temporary file. */
static int open_tmp(struct xfer *x, momo_err *e)
{
    size_t len = strlen(x->run->dir) + strlen(x->res->symbol) + 32;
    int fd;

    if (x->f) {
        if (fflush(x->f) != 0 || ftruncate(fileno(x->f), 0) != 0)
            return momo_err_set(e, MOMO_EIO, "fetch %s: %s: cannot "
                                "truncate: %s", x->res->symbol, x->tmp,
                                strerror(errno));
        rewind(x->f);
        return MOMO_OK;
    }
    x->tmp = core_malloc(len);
    if (!x->tmp)
        return momo_err_set(e, MOMO_ENOMEM, "fetch %s: out of memory",
                            x->res->symbol);
    snprintf(x->tmp, len, "%s/.%s.csv.XXXXXX", x->run->dir, x->res->symbol);
    fd = mkstemp(x->tmp);
    if (fd < 0) {
        int rc = momo_err_set(e, MOMO_EIO, "fetch %s: %s: cannot create: "
                              "%s", x->res->symbol, x->tmp, strerror(errno));

        core_free(x->tmp);
        x->tmp = NULL;
        return rc;
    }
    fchmod(fd, 0644);
    x->f = fdopen(fd, "wb");
    if (!x->f) {
        close(fd);
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: cannot open: %s",
                            x->res->symbol, x->tmp, strerror(errno));
    }
    return MOMO_OK;
}

static int start(struct xfer *x, momo_err *e)
{
    struct run *r = x->run;
    int rc = MOMO_OK;
    CURLMcode mc;

    if (!x->h)
        rc = setup_handle(x, e);
    if (rc == MOMO_OK)
        rc = open_tmp(x, e);
    if (rc != MOMO_OK)
        return rc;
    x->bytes = x->n_lines = x->n_head = 0;
    x->last = '\0';
    x->too_big = x->write_errno = 0;
    x->errbuf[0] = '\0';
    if (x->res->attempts == 0)
        x->first_t = core_now();
    mc = curl_multi_add_handle(r->multi, x->h);
    if (mc != CURLM_OK)
        return momo_err_set(e, MOMO_EINTERNAL, "fetch %s: libcurl: %s",
                            x->res->symbol, curl_multi_strerror(mc));
    x->res->attempts++;
    x->state = X_ACTIVE;
    r->n_active++;
    return MOMO_OK;
}

/* Release everything the transfer holds and record its outcome. */
static void done(struct xfer *x, int rc, const momo_err *e)
{
    struct run *r = x->run;
    momo_fetch_result *res = x->res;

    if (x->f)
        fclose(x->f);
    x->f = NULL;
    if (x->tmp)
        unlink(x->tmp);
    core_free(x->tmp);
    x->tmp = NULL;
    if (x->h) {
        if (x->state == X_ACTIVE)
            curl_multi_remove_handle(r->multi, x->h);
        curl_easy_cleanup(x->h);
        x->h = NULL;
    }
    res->rc = rc;
    if (rc != MOMO_OK) {
        res->err = *e;
        if (res->err.code == MOMO_OK)
            res->err.code = rc;
        if (res->attempts > 1) {
            size_t len = strlen(res->err.msg);

            snprintf(res->err.msg + len, sizeof(res->err.msg) - len,
                     " (after %d attempts)", res->attempts);
        }
    }
    if (res->attempts > 0)
        res->seconds = core_now() - x->first_t;
    if (x->state == X_ACTIVE)
        r->n_active--;
    x->state = X_DONE;
    r->n_done++;
    if (r->o->progress)
        r->o->progress(r->o->progress_ud, r->n_done, r->n);
}

static int is_transient(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* Say why libcurl gave up, in the user's terms. */
static int describe_curl(const struct xfer *x, CURLcode cc, momo_err *e)
{
    const momo_fetch_opts *o = x->run->o;
    const char *sym = x->res->symbol, *url = x->res->url;
    const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);

    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        if (strncmp(why, "Operation too slow", 18) == 0)
            return momo_err_set(e, MOMO_EIO, "fetch %s: %s: stalled: under "
                                "%ld bytes/s for %ld s", sym, url,
                                o->low_speed_bytes, o->low_speed_s);
        if (strncmp(why, "Connection timed out", 20) == 0 ||
            strncmp(why, "Failed to connect", 17) == 0)
            return momo_err_set(e, MOMO_EIO, "fetch %s: %s: timed out "
                                "connecting (%s)", sym, url, why);
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: timed out after "
                            "%g s", sym, url, o->timeout_s);
    case CURLE_COULDNT_CONNECT:
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: cannot connect "
                            "(%s)", sym, url, why);
    case CURLE_COULDNT_RESOLVE_HOST:
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: unknown host (%s)",
                            sym, url, why);
    case CURLE_PARTIAL_FILE:
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: truncated "
                            "response (%s)", sym, url, why);
    default:
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: %s", sym, url, why);
    }
}

/* First line of the body, printable and short, for messages. */
static void first_line(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0, i;

    for (i = 0; i < n && s[i] != '\n' && s[i] != '\r' && k + 4 < size; i++)
        out[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (i < n && s[i] != '\n' && s[i] != '\r') {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

static int is_stooq_header(const char *s, size_t n)
{
    static const char *const ok[] = {
        "date,open,high,low,close,volume",
        "date,open,high,low,close"
    };

    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strlen(ok[i]) == n && strncasecmp(s, ok[i], n) == 0)
            return 1;
    return 0;
}

/* A 2xx body: Stooq's header and at least one row? */
static int check_body(struct xfer *x, momo_err *e)
{
    const char *sym = x->res->symbol, *url = x->res->url;
    const char *s = x->head, *nl;
    size_t n = x->n_head, line;
    char shown[64];

    if (x->bytes == 0)
        return momo_err_set(e, MOMO_EFORMAT, "fetch %s: %s: empty response",
                            sym, url);
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (x->bytes <= 64) {        /* Stooq's answer for unknown symbols */
        size_t k = n;

        while (k > 0 && isspace((unsigned char)s[k - 1]))
            k--;
        if (k == 7 && strncasecmp(s, "no data", 7) == 0)
            return momo_err_set(e, MOMO_ENOTFOUND, "fetch %s: %s: no data "
                                "for %s", sym, url, sym);
    }
    nl = memchr(s, '\n', n);
    line = nl ? (size_t)(nl - s) : n;
    if ((!nl && x->bytes > x->n_head) || !is_stooq_header(s, line)) {
        first_line(s, n, shown, sizeof(shown));
        return momo_err_set(e, MOMO_EFORMAT, "fetch %s: %s: not a Stooq "
                            "daily CSV (first line '%s')", sym, url, shown);
    }
    x->res->n_rows = x->n_lines + (x->last != '\n') - 1;
    if (x->res->n_rows == 0)
        return momo_err_set(e, MOMO_ENOTFOUND, "fetch %s: %s: no data for "
                            "%s (a header and no rows)", sym, url, sym);
    return MOMO_OK;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);

    if (fd >= 0) {
        fsync(fd);              /* best effort: makes the rename durable */
        close(fd);
    }
}

/* Flush the temporary file and rename it over the destination. */
static int commit(struct xfer *x, momo_err *e)
{
    const char *sym = x->res->symbol;
    FILE *f = x->f;
    int rc = MOMO_OK;

    x->f = NULL;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        rc = momo_err_set(e, MOMO_EIO, "fetch %s: %s: write failed: %s",
                          sym, x->tmp, strerror(errno));
    if (fclose(f) != 0 && rc == MOMO_OK)
        rc = momo_err_set(e, MOMO_EIO, "fetch %s: %s: close failed: %s",
                          sym, x->tmp, strerror(errno));
    if (rc == MOMO_OK && rename(x->tmp, x->dest) != 0)
        rc = momo_err_set(e, MOMO_EIO, "fetch %s: %s: cannot rename to "
                          "%s: %s", sym, x->tmp, x->dest, strerror(errno));
    if (rc != MOMO_OK)
        return rc;
    core_free(x->tmp);          /* renamed: nothing left to remove */
    x->tmp = NULL;
    sync_dir(x->run->dir);
    return MOMO_OK;
}

/* Judge a finished attempt: MOMO_OK, or an error and whether it is
 * worth another attempt. */
static int judge(struct xfer *x, CURLcode cc, long status, int *transient,
                 momo_err *e)
{
    const char *sym = x->res->symbol, *url = x->res->url;

    *transient = 0;
    if (interrupted(x->run))
        return momo_err_set(e, MOMO_EINTR, "fetch %s: %s: interrupted",
                            sym, url);
    if (x->write_errno)
        return momo_err_set(e, MOMO_EIO, "fetch %s: %s: write failed: %s",
                            sym, x->tmp, strerror(x->write_errno));
    if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED)
        return momo_err_set(e, MOMO_EFORMAT, "fetch %s: %s: response "
                            "larger than the limit of %zu bytes", sym, url,
                            x->run->o->max_body);
    if (cc != CURLE_OK) {
        *transient = is_transient(cc);
        return describe_curl(x, cc, e);
    }
    if (status >= 200 && status < 300)
        return check_body(x, e);
    if (status == 429 || status >= 500)
        *transient = 1;
    return momo_err_set(e, status == 404 || status == 410 ? MOMO_ENOTFOUND
                                                          : MOMO_EIO,
                        "fetch %s: HTTP %ld from %s", sym, status, url);
}

static double backoff(const struct xfer *x)
{
    const momo_fetch_opts *o = x->run->o;
    double wait = o->backoff_s;
    curl_off_t after = 0;

    for (int i = 1; i < x->res->attempts && wait < o->backoff_max_s; i++)
        wait *= 2;
    if (curl_easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
        (double)after > wait)
        wait = (double)after;
    return wait < o->backoff_max_s ? wait : o->backoff_max_s;
}

static void finish(struct xfer *x, CURLcode cc)
{
    struct run *r = x->run;
    momo_err e = { 0 };
    long status = 0;
    int rc, transient;

    curl_multi_remove_handle(r->multi, x->h);
    r->n_active--;
    x->state = X_WAITING;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    x->res->http_status = status;
    x->res->bytes = x->bytes;
    if (x->f && fflush(x->f) != 0 && !x->write_errno)
        x->write_errno = errno ? errno : EIO;
    rc = judge(x, cc, status, &transient, &e);
    if (rc == MOMO_OK)
        rc = commit(x, &e);
    if (rc != MOMO_OK && transient && x->res->attempts <= r->o->retries) {
        double wait = backoff(x);

        core_warn("%s; retrying in %g s (attempt %d of %d)", e.msg, wait,
                  x->res->attempts + 1, r->o->retries + 1);
        x->start_at = core_now() + wait;
        return;
    }
    done(x, rc, &e);
}

/*---- The run ----*/

static int check_opts(const momo_fetch_opts *o, momo_err *err)
{
    if (!(o->timeout_s > 0) || o->timeout_s > 86400)
        return momo_err_set(err, MOMO_EINVAL, "fetch: timeout %g s is not "
                            "in (0, 86400]", o->timeout_s);
    if (o->retries < 0 || o->retries > 100)
        return momo_err_set(err, MOMO_EINVAL, "fetch: retries %d is not in "
                            "[0, 100]", o->retries);
    if (o->jobs < 1 || o->jobs > 64)
        return momo_err_set(err, MOMO_EINVAL, "fetch: jobs %d is not in "
                            "[1, 64]", o->jobs);
    if (o->max_body == 0)
        return momo_err_set(err, MOMO_EINVAL, "fetch: the body limit is 0");
    if (o->backoff_s < 0 || o->backoff_max_s < 0 || o->low_speed_bytes < 0 ||
        o->low_speed_s < 0)
        return momo_err_set(err, MOMO_EINVAL, "fetch: negative backoff or "
                            "speed limit");
    return MOMO_OK;
}

/* Build the URL and destination of every transfer; a symbol that cannot
 * be built fails alone. */
static void prepare(struct run *r, struct xfer *xs)
{
    for (size_t i = 0; i < r->n; i++) {
        struct xfer *x = &xs[i];
        momo_err e = { 0 };
        size_t len;
        int rc;

        x->run = r;
        x->state = X_WAITING;
        rc = momo_fetch_url(r->o, x->res->symbol, x->res->url,
                            sizeof(x->res->url), &e);
        if (rc == MOMO_OK) {
            len = strlen(r->dir) + strlen(x->res->symbol) + 8;
            x->dest = core_malloc(len);
            if (x->dest)
                snprintf(x->dest, len, "%s/%s.csv", r->dir,
                         x->res->symbol);
            else
                rc = momo_err_set(&e, MOMO_ENOMEM, "fetch %s: out of "
                                  "memory", x->res->symbol);
        }
        if (rc != MOMO_OK)
            done(x, rc, &e);
    }
}

/* Wake up at least every POLL_MS to notice an interrupt, sooner when a
 * retry is due. */
static int poll_ms(const struct run *r, const struct xfer *xs, double now)
{
    double next = now + POLL_MS / 1000.0;

    if (r->n_active < (size_t)r->o->jobs)
        for (size_t i = 0; i < r->n; i++)
            if (xs[i].state == X_WAITING && xs[i].start_at < next)
                next = xs[i].start_at;
    return next <= now ? 0 : (int)((next - now) * 1000.0) + 1;
}

static void abandon(struct run *r, struct xfer *xs, int rc, const char *why)
{
    for (size_t i = 0; i < r->n; i++) {
        momo_err e = { 0 };

        if (xs[i].state == X_DONE)
            continue;
        momo_err_set(&e, rc, "fetch %s: %s", xs[i].res->symbol, why);
        done(&xs[i], rc, &e);
    }
}

static int drive(struct run *r, struct xfer *xs, momo_err *err)
{
    while (r->n_done < r->n) {
        double now = core_now();
        CURLMcode mc;
        int running;

        if (interrupted(r)) {
            abandon(r, xs, MOMO_EINTR, "interrupted");
            return momo_err_set(err, MOMO_EINTR, "fetch: interrupted");
        }
        for (size_t i = 0; i < r->n && r->n_active < (size_t)r->o->jobs;
             i++) {
            struct xfer *x = &xs[i];
            momo_err e = { 0 };

            if (x->state != X_WAITING || x->start_at > now)
                continue;
            if (start(x, &e) != MOMO_OK)
                done(x, e.code, &e);
        }
        mc = curl_multi_perform(r->multi, &running);
        for (;;) {
            int left;
            CURLMsg *m = curl_multi_info_read(r->multi, &left);
            struct xfer *x = NULL;

            if (!m)
                break;
            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            finish(x, m->data.result);
        }
        if (mc == CURLM_OK && r->n_done < r->n)
            mc = curl_multi_poll(r->multi, NULL, 0,
                                 poll_ms(r, xs, core_now()), NULL);
        if (mc != CURLM_OK) {
            abandon(r, xs, MOMO_EINTERNAL, curl_multi_strerror(mc));
            return momo_err_set(err, MOMO_EINTERNAL, "fetch: libcurl: %s",
                                curl_multi_strerror(mc));
        }
    }
    return MOMO_OK;
}

static int summarize(const momo_fetch_result *results, size_t n,
                     momo_err *err)
{
    size_t failed = 0, first = n;

    for (size_t i = 0; i < n; i++) {
        if (results[i].rc == MOMO_OK)
            continue;
        if (first == n)
            first = i;
        failed++;
    }
    if (failed == 0)
        return MOMO_OK;
    return momo_err_set(err, results[first].rc, "%zu of %zu symbols "
                        "failed; first: %s", failed, n,
                        results[first].err.msg);
}

int momo_fetch_run(const momo_fetch_opts *o, const char *dir,
                   const char *const *symbols, size_t n_symbols,
                   momo_fetch_result *results, momo_err *err)
{
    struct run r = { 0 };
    struct xfer *xs = NULL;
    momo_err setup = { 0 };
    int rc, curl_ready = 0;

    for (size_t i = 0; i < n_symbols; i++) {
        memset(&results[i], 0, sizeof(results[i]));
        results[i].symbol = symbols[i];
        results[i].rc = MOMO_EINTERNAL;
    }
    if (n_symbols == 0)
        return MOMO_OK;
    r.o = o;
    r.dir = dir;
    r.n = n_symbols;
    rc = check_opts(o, &setup);
    if (rc == MOMO_OK)
        rc = core_mkdir_p(dir, &setup);
    if (rc == MOMO_OK) {
        xs = core_calloc(n_symbols, sizeof(*xs));
        if (!xs)
            rc = momo_err_set(&setup, MOMO_ENOMEM, "fetch: out of memory");
    }
    if (rc == MOMO_OK) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
            curl_ready = 1;
        else
            rc = momo_err_set(&setup, MOMO_EINTERNAL, "fetch: libcurl "
                              "failed to initialise");
    }
    if (rc == MOMO_OK) {
        r.multi = curl_multi_init();
        if (!r.multi)
            rc = momo_err_set(&setup, MOMO_ENOMEM, "fetch: out of memory");
    }
    if (rc != MOMO_OK) {
        for (size_t i = 0; i < n_symbols; i++) {
            results[i].rc = rc;
            results[i].err = setup;
        }
        momo_err_set(err, rc, "%s", setup.msg);
    } else {
        for (size_t i = 0; i < n_symbols; i++)
            xs[i].res = &results[i];
        prepare(&r, xs);
        rc = drive(&r, xs, err);
        if (rc == MOMO_OK)
            rc = summarize(results, n_symbols, err);
    }
    if (xs)
        for (size_t i = 0; i < n_symbols; i++)
            core_free(xs[i].dest);
    if (r.multi)
        curl_multi_cleanup(r.multi);
    if (curl_ready)
        curl_global_cleanup();
    core_free(xs);
    return rc;
}
