/* tests/common/testutil.h - what unit tests share: fixture paths, the
 * shared market data (tests skip cleanly without it), temporary dirs. */
#ifndef MOMO_TESTUTIL_H
#define MOMO_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Absolute path of tests/fixtures/<name> (static buffer per call slot). */
const char *tu_fixture(const char *name);
/* Path of the shared data folder, or NULL when it is absent. The env var
 * MOMO_SHARED_DATA overrides the configured default. */
const char *tu_shared_data(void);
/* Path under the shared data folder, or NULL when absent. */
const char *tu_shared(const char *rel);
/* A new empty directory for this test (under MOMO_TEST_TMP or /tmp). */
const char *tu_tmpdir(const char *tag);
/* Path of the built momo binary. */
const char *tu_momo_binary(void);
/* Write text to a file; fails the test on error. */
void tu_write_file(const char *path, const char *text);
/* Run a shell command, return its exit status (or -1). */
int tu_system(const char *fmt, ...);

#define TU_SKIP_WITHOUT_SHARED()                                   \
    do {                                                           \
        if (!tu_shared_data()) {                                   \
            print_message("shared data absent: skipped\n");        \
            skip();                                                \
        }                                                          \
    } while (0)

#endif
