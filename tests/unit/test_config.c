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
#include "config/config_int.h"

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

/* ---- ws_config_resolve: one precedence, one "off", checked values ---- */

/* Precedence for each kind of setting: flag > environment > file > default.
 * env is NULL for settings without an environment variable. */
static void test_precedence(void **state)
{
    (void)state;
    static const struct {
        const char *key, *env, *flag, *envval, *file; /* file: its "key = value" */
        const char *want;                             /* value expected; NULL: number */
        unsigned number;
        ws_setting_from from;
    } cases[] = {
        /* paths that cannot be off */
        {"index", "WSEARCH_INDEX", "/f", "/e", "/c", "/f", 0, WS_FROM_FLAG},
        {"index", "WSEARCH_INDEX", NULL, "/e", "/c", "/e", 0, WS_FROM_ENV},
        {"index", "WSEARCH_INDEX", NULL, NULL, "/c", "/c", 0, WS_FROM_CONFIG},
        {"index", "WSEARCH_INDEX", NULL, NULL, NULL, "/srv/d/wsearch/index", 0, WS_FROM_DEFAULT},
        /* resources that may be off */
        {"dictionary", "WSEARCH_DICTIONARY", "/f", "/e", "/c", "/f", 0, WS_FROM_FLAG},
        {"dictionary", "WSEARCH_DICTIONARY", NULL, "/e", "/c", "/e", 0, WS_FROM_ENV},
        {"dictionary", "WSEARCH_DICTIONARY", NULL, NULL, "/c", "/c", 0, WS_FROM_CONFIG},
        {"dictionary", "WSEARCH_DICTIONARY", NULL, NULL, NULL, "/usr/share/dict/ngerman", 0,
         WS_FROM_DEFAULT},
        {"synonyms", "WSEARCH_SYNONYMS", NULL, "/e", "/c", "/e", 0, WS_FROM_ENV},
        {"synonyms", "WSEARCH_SYNONYMS", NULL, NULL, "/c", "/c", 0, WS_FROM_CONFIG},
        {"openthesaurus", "WSEARCH_OPENTHESAURUS", "/f", "/e", "/c", "/f", 0, WS_FROM_FLAG},
        {"openthesaurus", "WSEARCH_OPENTHESAURUS", NULL, "/e", "/c", "/e", 0, WS_FROM_ENV},
        {"openthesaurus", "WSEARCH_OPENTHESAURUS", NULL, NULL, NULL, NULL, 0, WS_FROM_DEFAULT},
        {"searchd.socket", "WSEARCH_SOCKET", "/f.sock", "/e.sock", "/c.sock", "/f.sock", 0,
         WS_FROM_FLAG},
        {"searchd.socket", "WSEARCH_SOCKET", NULL, "/e.sock", "/c.sock", "/e.sock", 0, WS_FROM_ENV},
        {"searchd.socket", "WSEARCH_SOCKET", NULL, NULL, "/c.sock", "/c.sock", 0, WS_FROM_CONFIG},
        /* numbers, choices, switches: no environment variable */
        {"limit", NULL, "7", NULL, "20", NULL, 7, WS_FROM_FLAG},
        {"limit", NULL, NULL, NULL, "20", NULL, 20, WS_FROM_CONFIG},
        {"limit", NULL, NULL, NULL, NULL, NULL, 10, WS_FROM_DEFAULT},
        {"searchd.socket_mode", NULL, NULL, NULL, "0600", NULL, 0600, WS_FROM_CONFIG},
        {"searchd.socket_mode", NULL, NULL, NULL, NULL, NULL, 0660, WS_FROM_DEFAULT},
        {"searchd.threads", NULL, "3", NULL, "2", NULL, 3, WS_FROM_FLAG},
        {"color", NULL, "never", NULL, "always", "never", 2, WS_FROM_FLAG},
        {"color", NULL, NULL, NULL, "always", "always", 1, WS_FROM_CONFIG},
        {"color", NULL, NULL, NULL, NULL, "auto", 0, WS_FROM_DEFAULT},
        {"searchd.log_requests", NULL, NULL, NULL, NULL, NULL, 1, WS_FROM_DEFAULT},
        {"searchd.log_requests", NULL, NULL, NULL, "off", NULL, 0, WS_FROM_CONFIG},
        {"searchd.serve_private", NULL, NULL, NULL, "yes", NULL, 1, WS_FROM_CONFIG},
        {"ocr_dpi", NULL, "150", NULL, "600", "150", 150, WS_FROM_FLAG},
        {"ocr_dpi", NULL, NULL, NULL, "600", "600", 600, WS_FROM_CONFIG},
        {"ocr", NULL, NULL, NULL, "auto", "auto", 0, WS_FROM_CONFIG},
    };
    setenv("XDG_DATA_HOME", "/srv/d", 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_config *c = NULL;
        ws_error e;
        assert_int_equal(ws_config_new(&c, &e), WS_OK);
        if (cases[i].file)
            assert_int_equal(ws_config_set(c, cases[i].key, cases[i].file, &e), WS_OK);
        if (cases[i].env) {
            if (cases[i].envval)
                setenv(cases[i].env, cases[i].envval, 1);
            else
                unsetenv(cases[i].env);
        }
        ws_setting st;
        int rc = ws_config_resolve(c, cases[i].key, cases[i].flag, &st, &e);
        if (rc != WS_OK)
            fail_msg("case %zu (%s): %s", i, cases[i].key, e.msg);
        if (st.from != cases[i].from)
            fail_msg("case %zu (%s): from %d, want %d", i, cases[i].key, st.from, cases[i].from);
        if (cases[i].want) {
            assert_non_null(st.value);
            assert_string_equal(st.value, cases[i].want);
        } else if (cases[i].env || !strcmp(cases[i].key, "openthesaurus")) {
            assert_null(st.value);
        }
        if (!cases[i].env)
            assert_int_equal(st.number, cases[i].number);
        if (cases[i].env)
            unsetenv(cases[i].env);
        ws_config_free(c);
    }
    unsetenv("XDG_DATA_HOME");
}

/* "off", "none" and "" are off for every setting that can be off, from
 * every source; a setting that cannot be off says so. */
static void test_off(void **state)
{
    (void)state;
    static const char *const offs[] = {"off", "none", ""};
    static const struct {
        const char *key, *env;
        int can_be_off;
    } keys[] = {
        {"synonyms", "WSEARCH_SYNONYMS", 1},
        {"dictionary", "WSEARCH_DICTIONARY", 1},
        {"openthesaurus", "WSEARCH_OPENTHESAURUS", 1},
        {"searchd.socket", "WSEARCH_SOCKET", 1},
        {"searchd.tcp", NULL, 1},
        {"searchd.pid_file", NULL, 1},
        {"searchd.log_requests", NULL, 1},
        {"searchd.serve_private", NULL, 1},
        {"ocr", NULL, 1},
        {"index", "WSEARCH_INDEX", 0},
        {"searchd.web_root", NULL, 0},
        {"limit", NULL, 0},
        {"color", NULL, 0},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (size_t o = 0; o < 3; o++)
            for (int src = 0; src < 3; src++) { /* flag, environment, file */
                if (src == 1 && !keys[k].env)
                    continue;
                ws_config *c = NULL;
                ws_error e;
                assert_int_equal(ws_config_new(&c, &e), WS_OK);
                if (src == 2)
                    assert_int_equal(ws_config_set(c, keys[k].key, offs[o], &e), WS_OK);
                if (src == 1)
                    setenv(keys[k].env, offs[o], 1);
                ws_setting st;
                int rc = ws_config_resolve(c, keys[k].key, src == 0 ? offs[o] : NULL, &st, &e);
                if (keys[k].can_be_off) {
                    if (rc != WS_OK)
                        fail_msg("%s = '%s': %s", keys[k].key, offs[o], e.msg);
                    assert_true(st.off);
                    if (strcmp(keys[k].key, "ocr") != 0) { /* ocr: the choice "off" */
                        assert_int_equal(st.number, 0);
                        assert_null(st.value);
                    } else {
                        assert_string_equal(st.value, "off");
                    }
                } else {
                    if (rc != WS_EINVAL)
                        fail_msg("%s = '%s' accepted", keys[k].key, offs[o]);
                    assert_non_null(strstr(e.msg, src == 1 ? keys[k].env : keys[k].key));
                }
                if (keys[k].env)
                    unsetenv(keys[k].env);
                ws_config_free(c);
            }
}

/* Unknown keys and bad values in a file: an error naming file and line. */
static void test_check(void **state)
{
    (void)state;
    static const struct {
        const char *content;
        int rc;
        const char *msg; /* expected in the message, after "FILE" */
    } cases[] = {
        {"index = /x\nlimit = 20\n[searchd]\nthreads = 2\nlog_requests = on\n", WS_OK, NULL},
        {"index = /x\ndictonary = /usr/share/dict/ngerman\n", WS_EINVAL,
         ":2: unknown key 'dictonary'"},
        {"[searchd]\nsocket = /s\ngreeting = hallo\n", WS_EINVAL,
         ":3: unknown key 'searchd.greeting'"},
        {"[search]\nlimit = 5\n", WS_EINVAL, ":2: unknown key 'search.limit'"},
        {"limit = viele\n", WS_EINVAL, ":1: limit = 'viele': expected a number from 0 to 1000"},
        {"limit = -1\n", WS_EINVAL, ":1: limit = '-1'"},
        {"limit = 1001\n", WS_EINVAL, ":1: limit = '1001'"},
        {"\n\ncolor = bunt\n", WS_EINVAL, ":3: color = 'bunt': expected one of"},
        {"[searchd]\nthreads = 0\n", WS_EINVAL, ":2: searchd.threads = '0'"},
        {"[searchd]\nmax_query = 1x\n", WS_EINVAL, ":2: searchd.max_query = '1x'"},
        {"[searchd]\nlog_requests = vielleicht\n", WS_EINVAL,
         ":2: searchd.log_requests = 'vielleicht': expected on or off"},
        {"index = off\n", WS_EINVAL, ":1: index = 'off': expected a path"},
        {"ocr_dpi = 5\n", WS_EINVAL, ":1: ocr_dpi = '5': expected a number from 70 to 1200"},
        {"ocr_languages = ../etc\n", WS_EINVAL, ":1: ocr_languages = '../etc'"},
        {"ocr = maybe\n", WS_EINVAL, ":1: ocr = 'maybe'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = write_tmp(cases[i].content);
        ws_config *c = NULL;
        ws_error e;
        ws_error_clear(&e);
        assert_int_equal(ws_config_load(&c, p, &e), WS_OK); /* the reader takes any key */
        int rc = ws_config_check(c, &e);
        if (rc != cases[i].rc)
            fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, e.msg);
        if (cases[i].msg) {
            char want[600];
            snprintf(want, sizeof want, "%s%s", p, cases[i].msg);
            if (!strstr(e.msg, want))
                fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, want);
        }
        ws_config_free(c);
        unlink(p);
    }
}

/* Bad values from a flag or the environment are named as such. */
static void test_bad_values(void **state)
{
    (void)state;
    ws_error e;
    ws_setting st;
    assert_int_equal(ws_config_resolve(NULL, "limit", "zehn", &st, &e), WS_EINVAL);
    assert_non_null(strstr(e.msg, "limit = 'zehn'"));
    assert_int_equal(ws_config_resolve(NULL, "searchd.threads", "999", &st, &e), WS_EINVAL);
    assert_non_null(strstr(e.msg, "expected a number from 1 to 256"));
    setenv("WSEARCH_INDEX", "none", 1);
    assert_int_equal(ws_config_resolve(NULL, "index", NULL, &st, &e), WS_EINVAL);
    assert_non_null(strstr(e.msg, "$WSEARCH_INDEX = 'none'"));
    unsetenv("WSEARCH_INDEX");
    assert_int_equal(ws_config_resolve(NULL, "no.such.key", NULL, &st, &e), WS_EINVAL);
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[0] = '/';
    big[sizeof big - 1] = '\0';
    assert_int_equal(ws_config_resolve(NULL, "dictionary", big, &st, &e), WS_EINVAL);
    assert_non_null(strstr(e.msg, "too long"));
}

/* config/wsearch.conf documents every key: with each "#key = value"
 * example line uncommented, it passes the check (table and file agree). */
static void test_shipped_file(void **state)
{
    (void)state;
    FILE *in = fopen(WS_SOURCE_DIR "/config/wsearch.conf", "r");
    assert_non_null(in);
    char path[64];
    snprintf(path, sizeof path, "/tmp/ws-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    char line[1024];
    unsigned examples = 0;
    while (fgets(line, sizeof line, in)) {
        size_t k = 1;
        while (line[0] == '#' && ((line[k] >= 'a' && line[k] <= 'z') || line[k] == '_'))
            k++;
        int example = line[0] == '#' && k > 1 && !strncmp(line + k, " = ", 3);
        fputs(example ? line + 1 : line, out);
        examples += (unsigned)example;
    }
    fclose(in);
    fclose(out);
    assert_true(examples >= 30);
    ws_config *c = NULL;
    ws_error e;
    assert_int_equal(ws_config_load(&c, path, &e), WS_OK);
    if (ws_config_check(c, &e) != WS_OK)
        fail_msg("%s", e.msg);
    ws_config_free(c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),      cmocka_unit_test(test_errors),
        cmocka_unit_test(test_defaults),   cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_off),        cmocka_unit_test(test_check),
        cmocka_unit_test(test_bad_values), cmocka_unit_test(test_shipped_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
