/*
 * test_config.c - the configuration file reader.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsearch/config.h"

static char *write_tmp(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ws-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(content, f);
    fclose(f);
    return path;
}

static void test_parse(void **state)
{
    (void)state;
    char *p = write_tmp("# Kommentar\n"
                        "index = /var/lib/wsearch/index\n"
                        "limit=20   # trailing comment\n"
                        "\n"
                        "[searchd]\n"
                        "socket = /run/wsearch/searchd.sock\n"
                        "greeting = \"  Grüß Gott  \"\n");
    ws_config *c = NULL;
    ws_error e;
    assert_int_equal(ws_config_load(&c, p, &e), WS_OK);
    assert_string_equal(ws_config_get(c, "index"), "/var/lib/wsearch/index");
    assert_string_equal(ws_config_get(c, "limit"), "20");
    assert_string_equal(ws_config_get(c, "searchd.socket"), "/run/wsearch/searchd.sock");
    assert_string_equal(ws_config_get(c, "searchd.greeting"), "  Grüß Gott  ");
    assert_null(ws_config_get(c, "socket"));
    assert_int_equal(ws_config_set(c, "limit", "5", &e), WS_OK);
    assert_string_equal(ws_config_get(c, "limit"), "5");
    ws_config_free(c);
    unlink(p);
}

static void test_errors(void **state)
{
    (void)state;
    ws_config *c = NULL;
    ws_error e;
    assert_int_equal(ws_config_load(&c, "/nonexistent/wsearch.conf", &e), WS_ENOTFOUND);
    char *p = write_tmp("index = x\nthis line has no equals sign\n");
    assert_int_equal(ws_config_load(&c, p, &e), WS_EFORMAT);
    assert_non_null(strstr(e.msg, ":2:"));
    assert_null(c);
    unlink(p);
    p = write_tmp("[unclosed\n");
    assert_int_equal(ws_config_load(&c, p, &e), WS_EFORMAT);
    unlink(p);
}

static void test_defaults(void **state)
{
    (void)state;
    setenv("XDG_DATA_HOME", "/srv/daten", 1);
    char *d = ws_config_default_index();
    assert_string_equal(d, "/srv/daten/wsearch/index");
    free(d);
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/anna", 1);
    d = ws_config_default_index();
    assert_string_equal(d, "/home/anna/.local/share/wsearch/index");
    free(d);
    setenv("WSEARCH_CONFIG", "/etc/anders.conf", 1);
    d = ws_config_default_path();
    assert_string_equal(d, "/etc/anders.conf");
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
