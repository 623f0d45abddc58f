/* testutil.c - see testutil.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char slots[8][4096];
static int slot;

static char *next_slot(void)
{
    slot = (slot + 1) % 8;
    return slots[slot];
}

const char *tu_fixture(const char *name)
{
    char *p = next_slot();

    snprintf(p, 4096, "%s/%s", MOMO_FIXTURES, name);
    return p;
}

const char *tu_shared_data(void)
{
    static char path[4096];
    const char *env = getenv("MOMO_SHARED_DATA");
    struct stat st;

    snprintf(path, sizeof(path), "%s", env && *env ? env
                                                   : MOMO_SHARED_DATA_DEFAULT);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    {
        char probe[4200];

        snprintf(probe, sizeof(probe), "%s/sp500/daily", path);
        if (stat(probe, &st) != 0)
            return NULL;
    }
    return path;
}

const char *tu_shared(const char *rel)
{
    const char *base = tu_shared_data();
    char *p;

    if (!base)
        return NULL;
    p = next_slot();
    snprintf(p, 4096, "%s/%s", base, rel);
    return p;
}

const char *tu_tmpdir(const char *tag)
{
    const char *base = getenv("MOMO_TEST_TMP");
    char *p = next_slot();

    if (!base || !*base)
        base = "/tmp";
    mkdir(base, 0755);
    snprintf(p, 4096, "%s/%s.%ld", base, tag, (long)getpid());
    tu_system("rm -rf '%s'", p);
    if (mkdir(p, 0755) != 0)
        fail_msg("cannot create %s", p);
    return p;
}

const char *tu_momo_binary(void)
{
    return MOMO_BINARY;
}

void tu_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

int tu_system(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
