/*
 * test_error.c - the error record: codes, messages, one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "wsearch/error.h"

static void test_set_and_clear(void **state)
{
    (void)state;
    ws_error e;
    assert_int_equal(ws_error_set(&e, WS_EIO, "%s: %d", "datei.txt", 42), WS_EIO);
    assert_int_equal(e.code, WS_EIO);
    assert_string_equal(e.msg, "datei.txt: 42");
    ws_error_clear(&e);
    assert_int_equal(e.code, WS_OK);
    assert_string_equal(e.msg, "");
    /* NULL is allowed and still returns the code */
    assert_int_equal(ws_error_set(NULL, WS_ENOMEM, "x"), WS_ENOMEM);
}

static void test_one_line_and_truncated(void **state)
{
    (void)state;
    ws_error e;
    ws_error_set(&e, WS_EFORMAT, "zeile 1\nzeile 2\r\n");
    assert_null(strchr(e.msg, '\n'));
    assert_null(strchr(e.msg, '\r'));
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws_error_set(&e, WS_EFORMAT, "%s", big);
    assert_int_equal(strlen(e.msg), WS_ERROR_MSG_MAX - 1);
}

/* Callers prefix the message they were given with their own context; the
 * old text must survive whole, also when the result is cut to fit. */
static void test_prefix_own_message(void **state)
{
    (void)state;
    ws_error e;
    ws_error_set(&e, WS_EIO, "NetworkError: Couldn't connect (Connection refused)");
    ws_error_set(&e, e.code, "%s: cannot open index: %s", "stub", e.msg);
    assert_string_equal(
        e.msg, "stub: cannot open index: NetworkError: Couldn't connect (Connection refused)");
    assert_int_equal(e.code, WS_EIO);
    char big[WS_ERROR_MSG_MAX];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws_error_set(&e, WS_EIO, "%s", big);
    ws_error_set(&e, WS_EIO, "pfx: %s", e.msg);
    assert_int_equal(strlen(e.msg), WS_ERROR_MSG_MAX - 1);
    assert_memory_equal(e.msg, "pfx: bbbb", 9);
}

static void test_strerror(void **state)
{
    (void)state;
    for (int c = WS_ENETWORK; c <= WS_OK; c++)
        assert_non_null(ws_strerror(c));
    assert_string_equal(ws_strerror(WS_ELOCKED), "index is locked by another writer");
    assert_string_equal(ws_strerror(WS_ENETWORK), "a remote shard could not be reached");
    assert_string_equal(ws_strerror(12345), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_clear),
        cmocka_unit_test(test_one_line_and_truncated),
        cmocka_unit_test(test_prefix_own_message),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
