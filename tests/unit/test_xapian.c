/*
 * test_xapian.c - the C wrapper over xapian-core, on its own: handles,
 * status codes, messages, and that Xapian's exceptions become errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "xapian/xapian.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ws-test-xapian-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in_tmp(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void test_open_missing(void **state)
{
    (void)state;
    char p[300];
    path_in_tmp(p, sizeof p, "nothing-here");
    ws_xdb *db = (ws_xdb *)1;
    ws_error e;
    assert_int_equal(ws_xdb_open_read(&db, p, &e), WS_ENOTFOUND);
    assert_null(db);
    assert_int_equal(e.code, WS_ENOTFOUND);
    assert_true(strlen(e.msg) > 0);
    assert_int_equal(ws_xdb_open_write(&db, p, WS_XDB_OPEN, &e), WS_ENOTFOUND);
}

/* Build a three-document index and query it. */
static void build(const char *p)
{
    ws_error e;
    ws_xdb *db = NULL;
    assert_int_equal(ws_xdb_open_write(&db, p, WS_XDB_OVERWRITE, &e), WS_OK);
    assert_true(ws_xdb_is_writable(db));
    const char *texts[][3] = {{"kommunen", "resilienz", "Qa"},
                              {"kommunen", "vernetzung", "Qb"},
                              {"ehrenamt", "vernetzung", "Qc"}};
    for (int i = 0; i < 3; i++) {
        ws_xdoc *d = NULL;
        assert_int_equal(ws_xdoc_new(&d, &e), WS_OK);
        assert_int_equal(ws_xdoc_add_posting(d, texts[i][0], 1, 1, &e), WS_OK);
        assert_int_equal(ws_xdoc_add_posting(d, texts[i][1], 2, 1, &e), WS_OK);
        assert_int_equal(ws_xdoc_add_boolean_term(d, texts[i][2], &e), WS_OK);
        assert_int_equal(ws_xdoc_set_value(d, 0, "2024", 4, &e), WS_OK);
        assert_int_equal(ws_xdoc_set_data(d, texts[i][1], strlen(texts[i][1]), &e), WS_OK);
        uint32_t id = 0;
        assert_int_equal(ws_xdb_replace_by_term(db, texts[i][2], d, &id, &e), WS_OK);
        assert_int_equal(id, (uint32_t)i + 1);
        ws_xdoc_free(d);
    }
    assert_int_equal(ws_xdb_set_metadata(db, "k", "wert", &e), WS_OK);
    assert_int_equal(ws_xdb_commit(db, &e), WS_OK);
    ws_xdb_close(db);
}

static void test_write_read_query(void **state)
{
    (void)state;
    char p[300];
    path_in_tmp(p, sizeof p, "db1");
    build(p);
    ws_error e;
    ws_xdb *db = NULL;
    assert_int_equal(ws_xdb_open_read(&db, p, &e), WS_OK);
    assert_false(ws_xdb_is_writable(db));
    uint32_t n = 0;
    assert_int_equal(ws_xdb_doccount(db, &n, &e), WS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ws_xdb_termfreq(db, "kommunen", &n, &e), WS_OK);
    assert_int_equal(n, 2);
    char *m = NULL;
    assert_int_equal(ws_xdb_get_metadata(db, "k", &m, &e), WS_OK);
    assert_string_equal(m, "wert");
    free(m);
    assert_int_equal(ws_xdb_get_metadata(db, "absent", &m, &e), WS_OK);
    assert_string_equal(m, "");
    free(m);

    /* A writer on a read-only handle is refused, not thrown. */
    assert_int_equal(ws_xdb_set_metadata(db, "k", "v", &e), WS_EINVAL);

    ws_xquery *a = NULL, *b = NULL, *q = NULL;
    assert_int_equal(ws_xquery_term(&a, "kommunen", &e), WS_OK);
    assert_int_equal(ws_xquery_term(&b, "vernetzung", &e), WS_OK);
    assert_int_equal(ws_xquery_combine(&q, WS_XOP_AND, a, b, &e), WS_OK);
    ws_xenquire *enq = NULL;
    assert_int_equal(ws_xenquire_new(&enq, db, &e), WS_OK);
    assert_int_equal(ws_xenquire_set_query(enq, q, &e), WS_OK);
    ws_xmset *ms = NULL;
    assert_int_equal(ws_xenquire_mset(enq, 0, 10, 0, &ms, &e), WS_OK);
    assert_int_equal(ws_xmset_size(ms), 1);
    assert_int_equal(ws_xmset_docid(ms, 0), 2);
    ws_xdoc *d = NULL;
    assert_int_equal(ws_xmset_document(ms, 0, &d, &e), WS_OK);
    char *data = NULL;
    assert_int_equal(ws_xdoc_get_data(d, &data, NULL, &e), WS_OK);
    assert_string_equal(data, "vernetzung");
    free(data);
    char *qt = NULL;
    assert_int_equal(ws_xdoc_term_with_prefix(d, "Q", &qt, &e), WS_OK);
    assert_string_equal(qt, "Qb");
    free(qt);
    assert_int_equal(ws_xdoc_term_with_prefix(d, "XYZ", &qt, &e), WS_ENOTFOUND);
    ws_xdoc_free(d);
    /* Out-of-range index into an mset is an error, not a crash. */
    assert_int_equal(ws_xmset_document(ms, 7, &d, &e), WS_EINVAL);
    ws_xmset_free(ms);

    /* OR gives both kommunen documents plus the vernetzung ones. */
    ws_xquery *o = NULL;
    assert_int_equal(ws_xquery_combine(&o, WS_XOP_OR, a, b, &e), WS_OK);
    assert_int_equal(ws_xenquire_set_query(enq, o, &e), WS_OK);
    assert_int_equal(ws_xenquire_mset(enq, 0, 10, 0, &ms, &e), WS_OK);
    assert_int_equal(ws_xmset_size(ms), 3);
    assert_int_equal(ws_xmset_estimated(ms), 3);
    ws_xmset_free(ms);

    uint32_t *ids = NULL;
    size_t nids = 0;
    assert_int_equal(ws_xdb_postings(db, "vernetzung", &ids, &nids, &e), WS_OK);
    assert_int_equal(nids, 2);
    assert_int_equal(ids[0], 2);
    assert_int_equal(ids[1], 3);
    free(ids);

    ws_xquery_free(a);
    ws_xquery_free(b);
    ws_xquery_free(q);
    ws_xquery_free(o);
    ws_xenquire_free(enq);
    ws_xdb_close(db);
}

static void test_parser_and_stemmer(void **state)
{
    (void)state;
    char p[300];
    path_in_tmp(p, sizeof p, "db2");
    build(p);
    ws_error e;
    ws_xdb *db = NULL;
    assert_int_equal(ws_xdb_open_read(&db, p, &e), WS_OK);
    ws_xqp *qp = NULL;
    assert_int_equal(ws_xqp_new(&qp, &e), WS_OK);
    assert_int_equal(ws_xqp_set_database(qp, db, &e), WS_OK);
    ws_xquery *q = NULL;
    /* Xapian's own syntax error surfaces as WS_EQUERY with its message. */
    assert_int_equal(ws_xqp_parse(qp, "kommunen AND", WS_XQP_BOOLEAN, &q, &e), WS_EQUERY);
    assert_null(q);
    assert_non_null(strstr(e.msg, "QueryParserError"));
    assert_int_equal(ws_xqp_parse(qp, "kommunen vernetzung", WS_XQP_BOOLEAN, &q, &e), WS_OK);
    char *desc = NULL;
    assert_int_equal(ws_xquery_describe(q, &desc, &e), WS_OK);
    /* default operator is AND */
    assert_non_null(strstr(desc, "AND"));
    free(desc);
    ws_xquery_free(q);
    ws_xqp_free(qp);
    ws_xdb_close(db);
}

static void test_lock(void **state)
{
    (void)state;
    char p[300];
    path_in_tmp(p, sizeof p, "db3");
    ws_error e;
    ws_xdb *w1 = NULL, *w2 = NULL;
    assert_int_equal(ws_xdb_open_write(&w1, p, WS_XDB_CREATE, &e), WS_OK);
    assert_int_equal(ws_xdb_open_write(&w2, p, WS_XDB_CREATE, &e), WS_ELOCKED);
    assert_null(w2);
    ws_xdb_close(w1);
    assert_int_equal(ws_xdb_open_write(&w2, p, WS_XDB_CREATE, &e), WS_OK);
    ws_xdb_close(w2);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    ws_error e;
    ws_xquery *q = NULL;
    assert_int_equal(ws_xquery_term(&q, "", &e), WS_EINVAL);
    assert_int_equal(ws_xquery_term(&q, NULL, &e), WS_EINVAL);
    /* A term over Xapian's length limit is rejected on add or commit, with
     * a message, never an exception. */
    char p[300];
    path_in_tmp(p, sizeof p, "db4");
    ws_xdb *db = NULL;
    assert_int_equal(ws_xdb_open_write(&db, p, WS_XDB_CREATE, &e), WS_OK);
    ws_xdoc *d = NULL;
    assert_int_equal(ws_xdoc_new(&d, &e), WS_OK);
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws_xdoc_add_term(d, big, 1, &e);
    int rc = ws_xdb_replace_by_term(db, "Qbig", d, NULL, &e);
    if (rc == WS_OK)
        rc = ws_xdb_commit(db, &e);
    assert_int_not_equal(rc, WS_OK);
    assert_true(strlen(e.msg) > 0);
    ws_xdoc_free(d);
    ws_xdb_close(db);
    ws_xdb_close(NULL);
    ws_xmset_free(NULL);
    assert_int_equal(ws_xmset_size(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing),       cmocka_unit_test(test_write_read_query),
        cmocka_unit_test(test_parser_and_stemmer), cmocka_unit_test(test_lock),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
