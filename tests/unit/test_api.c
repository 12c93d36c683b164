/*
 * test_api.c - the public API's contract for embedding programs: options
 * structs carry a version that the library checks (a program built
 * against another layout gets WS_EINVAL with a message, never a misread
 * struct), and ws_version names what was built.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsearch/extract.h"
#include "wsearch/index.h"
#include "wsearch/search.h"

static char dir[128], idx[160], doc[160];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-api-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(idx, sizeof idx, "%s/index", dir);
    snprintf(doc, sizeof doc, "%s/a.txt", dir);
    FILE *f = fopen(doc, "w");
    if (!f)
        return -1;
    fputs("Bericht\n\nDie Kommune plant Wohnraum.\n", f);
    fclose(f);
    ws_index *ix = NULL;
    ws_error e;
    if (ws_index_open(&ix, idx, NULL, &e) != WS_OK)
        return -1;
    return ws_index_close(ix, &e) == WS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Each options struct: the right version works, 0 and a later one are
 * refused with a message naming the version. */
static void test_options_version(void **state)
{
    (void)state;
    static const unsigned bad[] = {0, 3, 0xFFFFFFFFu}; /* no struct is at 3 yet */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ws_error e;
        char want[32];
        snprintf(want, sizeof want, "version %u", bad[i]);

        ws_index_options io = WS_INDEX_OPTIONS_INIT;
        io.version = bad[i];
        ws_index *ix = (ws_index *)&io; /* must be set to NULL */
        assert_int_equal(ws_index_open(&ix, idx, &io, &e), WS_EINVAL);
        assert_null(ix);
        assert_non_null(strstr(e.msg, want));

        io = (ws_index_options)WS_INDEX_OPTIONS_INIT;
        io.extract.version = bad[i];
        assert_int_equal(ws_index_open(&ix, idx, &io, &e), WS_EINVAL);
        snprintf(want, sizeof want, "(extract %u)", bad[i]);
        assert_non_null(strstr(e.msg, want));
        snprintf(want, sizeof want, "version %u", bad[i]);

        ws_extract_options xo = WS_EXTRACT_OPTIONS_INIT;
        xo.version = bad[i];
        ws_extracted *x = NULL;
        assert_int_equal(ws_extract_file(doc, &xo, &x, &e), WS_EINVAL);
        assert_null(x);
        assert_non_null(strstr(e.msg, want));

        ws_searcher *s = NULL;
        assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
        ws_search_options so = WS_SEARCH_OPTIONS_INIT;
        so.version = bad[i];
        ws_results *r = NULL;
        assert_int_equal(ws_search(s, "kommune", 7, &so, &r, &e), WS_EINVAL);
        assert_null(r);
        assert_non_null(strstr(e.msg, want));
        ws_searcher_close(s);
    }
    /* and the right versions work */
    ws_error e;
    ws_index_options io = WS_INDEX_OPTIONS_INIT;
    ws_index *ix = NULL;
    assert_int_equal(ws_index_open(&ix, idx, &io, &e), WS_OK);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);
    ws_searcher *s = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_search_options so = WS_SEARCH_OPTIONS_INIT;
    ws_results *r = NULL;
    assert_int_equal(ws_search(s, "kommune", 7, &so, &r, &e), WS_OK);
    ws_results_free(r);
    ws_searcher_close(s);
}

static void test_version(void **state)
{
    (void)state;
    ws_version_info v;
    memset(&v, 0, sizeof v);
    ws_version(&v);
    assert_non_null(v.wsearch);
    assert_non_null(v.xapian);
    assert_non_null(v.analysis);
    assert_string_equal(v.wsearch, WS_VERSION);
    assert_true(strchr(v.xapian, '.') != NULL); /* "1.4.22" */
    assert_true(strlen(v.analysis) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_version),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
