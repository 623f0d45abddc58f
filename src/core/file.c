/* file.c - whole-file reads (plain or gzip) and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"

int core_write_file_atomic(const char *path, const void *data, size_t n,
                           momo_err *err)
{
    size_t plen = strlen(path);
    char *tmp = core_malloc(plen + 32);
    const char *p = data;
    int fd, rc = MOMO_OK;

    if (!tmp)
        return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        rc = momo_err_set(err, MOMO_EIO, "%s: cannot create: %s", path,
                          strerror(errno));
        goto out;
    }
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = momo_err_set(err, MOMO_EIO, "%s: write failed: %s", path,
                              strerror(errno));
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    if (rc == MOMO_OK && fsync(fd) != 0)
        rc = momo_err_set(err, MOMO_EIO, "%s: fsync failed: %s", path,
                          strerror(errno));
    if (close(fd) != 0 && rc == MOMO_OK)
        rc = momo_err_set(err, MOMO_EIO, "%s: close failed: %s", path,
                          strerror(errno));
    if (rc == MOMO_OK && rename(tmp, path) != 0)
        rc = momo_err_set(err, MOMO_EIO, "%s: rename failed: %s", path,
                          strerror(errno));
    if (rc != MOMO_OK)
        unlink(tmp);
out:
    core_free(tmp);
    return rc;
}

int core_mkdir_p(const char *path, momo_err *err)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        return momo_err_set(err, MOMO_EINVAL, "'%s': bad directory name",
                            path);
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return momo_err_set(err, MOMO_EIO, "%s: cannot create: %s", buf,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return momo_err_set(err, MOMO_EIO, "%s: cannot create: %s", buf,
                            strerror(errno));
    return MOMO_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int core_read_file(const char *path, size_t max, char **data, size_t *n,
                   momo_err *err)
{
    gzFile gz;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = MOMO_OK;

    *data = NULL;
    *n = 0;
    /* gzopen reads plain files transparently as well */
    gz = gzopen(path, "rb");
    if (!gz)
        return momo_err_set(err, MOMO_EIO, "%s: cannot open: %s", path,
                            errno ? strerror(errno) : "out of memory");
    gzbuffer(gz, 1 << 17);
    for (;;) {
        int got;

        if (cap - len < (1 << 16)) {
            rc = core_grow((void **)&buf, &cap, len + (1 << 16) + 1, 1, 0);
            if (rc != MOMO_OK) {
                rc = momo_err_set(err, MOMO_ENOMEM, "%s: out of memory",
                                  path);
                break;
            }
        }
        got = gzread(gz, buf + len, (unsigned)(cap - len - 1));
        if (got < 0) {
            int zerr;
            const char *m = gzerror(gz, &zerr);

            rc = momo_err_set(err, ends_with(path, ".gz") ? MOMO_EFORMAT
                                                          : MOMO_EIO,
                              "%s: cannot read: %s", path, m);
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (max && len > max) {
            rc = momo_err_set(err, MOMO_EFORMAT,
                              "%s: larger than the limit of %zu bytes", path,
                              max);
            break;
        }
    }
    gzclose(gz);
    if (rc != MOMO_OK) {
        core_free(buf);
        return rc;
    }
    if (!buf) {
        buf = core_malloc(1);
        if (!buf)
            return momo_err_set(err, MOMO_ENOMEM, "out of memory");
    }
    buf[len] = '\0';
    *data = buf;
    *n = len;
    return MOMO_OK;
}

double core_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
