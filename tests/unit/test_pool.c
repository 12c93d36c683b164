/*
 * test_pool.c - indexing through the worker pool (lib/index/pool.c,
 * lib/index/index.c): a worker that crashes, hangs, burns CPU or eats memory
 * (injected with the worker_hook test seam) costs only its file, which is
 * reported with the reason, within its timeout; the other files are
 * indexed and searchable, in walk order whatever -j; slides and pages are
 * named in hits; and recaps and decks that link to each other are related
 * both ways (lib/search/related.c, ws_hit.related).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsearch/index.h"
#include "wsearch/search.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS_ASAN 1
#endif
#endif

static char dir[128], docs[160], idx[200];

static void write_file(const char *name, const char *content)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", docs, name);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    mkdir(p, 0755);
    *slash = '/';
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void copy_fixture(const char *from, const char *to)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s/%s')\" && cp '%s/docs/%s' '%s/%s'", docs,
             to, WS_TEST_DATA, from, docs, to);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-pool-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    mkdir(docs, 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- fault injection in the worker --------------------------------------- */

/* haengt.txt hangs only once hang_now is set (workers are forked by each
 * run, so they see the value of the run they serve). */
static int hang_now;

static void hook(const char *path)
{
    if (strstr(path, "absturz"))
        raise(SIGSEGV);
    if (strstr(path, "haengt") && hang_now)
        for (;;)
            sleep(100);
    if (strstr(path, "rechnet"))
        for (volatile unsigned long i = 0;; i++)
            ;
    if (strstr(path, "speicher")) {
        /* Allocate and touch until the address-space limit says no. */
        for (;;) {
            char *p = malloc(1 << 20);
            if (!p)
                abort();
            memset(p, 1, 1 << 20);
        }
    }
}

typedef struct seen {
    char msgs[16][600];
    int n;
    unsigned long last_done;
    int ordered;
} seen;

static void on_event(void *ctx, const ws_index_event *ev)
{
    seen *s = ctx;
    if (ev->kind == WS_INDEX_EV_FAILED && s->n < 16)
        snprintf(s->msgs[s->n++], sizeof s->msgs[0], "%s: %s", ev->path ? ev->path : "?",
                 ev->message);
    if (ev->kind == WS_INDEX_EV_FILE) {
        if (ev->done != s->last_done + 1)
            s->ordered = 0;
        s->last_done = ev->done;
    }
}

static int reported(const seen *s, const char *name, const char *why)
{
    for (int i = 0; i < s->n; i++)
        if (strstr(s->msgs[i], name) && strstr(s->msgs[i], why))
            return 1;
    return 0;
}

/* how many reports name NAME */
static int reports(const seen *s, const char *name)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += strstr(s->msgs[i], name) != NULL;
    return n;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t count_hits(const char *query)
{
    ws_searcher *s = NULL;
    ws_error err;
    assert_int_equal(ws_searcher_open(&s, idx, &err), WS_OK);
    ws_results *r = NULL;
    assert_int_equal(ws_search(s, query, strlen(query), NULL, &r, &err), WS_OK);
    size_t n = r->nhits;
    ws_results_free(r);
    ws_searcher_close(s);
    return n;
}

static void run_index(ws_index_options *o, seen *sn, ws_index_stats *st)
{
    ws_index *ix = NULL;
    ws_error err;
    assert_int_equal(ws_index_open(&ix, idx, o, &err), WS_OK);
    const char *roots[] = {docs};
    memset(sn, 0, sizeof *sn);
    sn->ordered = 1;
    int rc = ws_index_update(ix, roots, 1, on_event, sn, st, &err);
    if (rc != WS_OK)
        fail_msg("update: %s", err.msg);
    assert_int_equal(ws_index_close(ix, &err), WS_OK);
}

static void test_faults(void **state)
{
    (void)state;
    snprintf(idx, sizeof idx, "%s/index-faults", dir);
    for (int i = 0; i < 12; i++) {
        char name[64], text[128];
        snprintf(name, sizeof name, "gut%02d.txt", i);
        snprintf(text, sizeof text, "Datei %d\n\nDie Kommune plant das Begegnungsfest %d.\n", i, i);
        write_file(name, text);
    }
    write_file("absturz.txt", "Absturzwort\n");
    write_file("haengt.txt", "Haengewort\n");
    write_file("rechnet.txt", "Rechenwort\n");
#ifndef WS_ASAN
    write_file("speicher.txt", "Speicherwort\n");
#endif
    copy_fixture("folien.pptx", "folien.pptx");

    /* Run 1: crash, CPU burner, memory eater.  Each of them ends by
     * itself, so the wall-clock timeout is set far out of reach: how long
     * the burner needs to get its 1 s of CPU depends on the machine's load
     * (ctest -j8 on 2 cores), and must not decide which limit it meets. */
    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    o.jobs = 2;
    o.timeout = 600;
    o.cpu_limit = 1;
    o.mem_limit = (size_t)512 << 20;
    o.worker_hook = hook;
    seen sn;
    ws_index_stats st;
    hang_now = 0;
    run_index(&o, &sn, &st);
    for (int i = 0; i < sn.n; i++)
        printf("# reported: %s\n", sn.msgs[i]);
#ifndef WS_ASAN
    assert_true(reported(&sn, "absturz.txt", "extractor crashed (signal 11"));
#else /* AddressSanitizer catches the SIGSEGV itself and exits */
    assert_true(reported(&sn, "absturz.txt", "extractor"));
#endif
    assert_true(reported(&sn, "rechnet.txt", "CPU time limit of 1 s exceeded"));
#ifndef WS_ASAN
    assert_true(reported(&sn, "speicher.txt", "extractor crashed"));
    assert_int_equal(st.failed, 3);
#else
    assert_int_equal(st.failed, 2);
#endif
    assert_int_equal(st.added, 14); /* 12 gut, folien.pptx, haengt.txt */
    assert_true(sn.ordered);
    assert_int_equal(count_hits("Begegnungsfest"), 10);
    assert_int_equal(count_hits("Leuchtturmwärter"), 1);
    assert_int_equal(count_hits("Absturzwort"), 0);
    assert_int_equal(count_hits("Haengewort"), 1);

    /* Run 2, one worker, the same faults plus a hang: haengt.txt changed
     * and now hangs until the wall-clock timeout kills its worker; it is
     * reported once and not retried; the failed files fail again and the
     * good ones are unchanged.  The time the hang cost is a figure, not an
     * assertion (bench/ measures). */
    write_file("haengt.txt", "Haengewort, geändert\n");
    o.jobs = 1;
    o.timeout = 2;
    hang_now = 1;
    double t0 = now();
    run_index(&o, &sn, &st);
    double took = now() - t0;
    for (int i = 0; i < sn.n; i++)
        printf("# reported: %s\n", sn.msgs[i]);
    printf("# the run with a hang took %.1f s (timeout %u s)\n", took, (unsigned)o.timeout);
    assert_true(reported(&sn, "haengt.txt", "timed out after 2 s"));
    assert_int_equal(reports(&sn, "haengt.txt"), 1);
    assert_true(reported(&sn, "absturz.txt", "extractor"));
    assert_int_equal(st.unchanged, 13);
    assert_int_equal(st.added, 0);
    assert_int_equal(count_hits("Begegnungsfest"), 10);
}

/* Slides and pages are named in hits; decks and recaps are related. */
static void test_related(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", docs, docs);
    assert_int_equal(system(cmd), 0);
    snprintf(idx, sizeof idx, "%s/index-related", dir);
    write_file("2024/recap.md",
               "---\ntitle: Rückblick Praxisdialog\n---\n\n"
               "# Rückblick\n\nDie Folien: [zur Präsentation]"
               "(praesentationen/folien.pptx) und [Bericht](../ablage/bericht%20neu.pdf).\n"
               "Auch [Umzug](praesentationen/umgezogen.odp).\n");
    copy_fixture("folien.pptx", "2024/praesentationen/folien.pptx");
    copy_fixture("bericht.pdf", "ablage/bericht neu.pdf");
    /* moved elsewhere: found by its file name */
    copy_fixture("folien.odp", "archiv/umgezogen.odp");
    copy_fixture("bericht.odt", "bericht.odt"); /* unrelated */

    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    seen sn;
    ws_index_stats st;
    run_index(&o, &sn, &st);
    assert_int_equal(st.added, 5);

    ws_searcher *s = NULL;
    ws_error err;
    assert_int_equal(ws_searcher_open(&s, idx, &err), WS_OK);
    ws_results *r = NULL;
    const char *q = "Kaffeeautomat type:pptx";
    assert_int_equal(ws_search(s, q, strlen(q), NULL, &r, &err), WS_OK);
    assert_int_equal(r->nhits, 1);
    ws_hit *h = &r->hits[0];
    assert_int_equal(h->passage_kind, WS_PASSAGE_SLIDE);
    assert_int_equal(h->passage_number, 3);
    assert_int_equal(h->nrelated, 1);
    assert_string_equal(h->related[0].title, "Rückblick Praxisdialog");
    assert_non_null(strstr(h->related[0].path, "2024/recap.md"));
    ws_results_free(r);

    q = "Zugvogel type:pdf";
    assert_int_equal(ws_search(s, q, strlen(q), NULL, &r, &err), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].passage_kind, WS_PASSAGE_PAGE);
    assert_int_equal(r->hits[0].passage_number, 3);
    assert_int_equal(r->hits[0].nrelated, 1);
    ws_results_free(r);

    q = "Zugvogel type:odt";
    assert_int_equal(ws_search(s, q, strlen(q), NULL, &r, &err), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].nrelated, 0);
    ws_results_free(r);

    q = "Gemeindehaus type:odp"; /* the moved deck knows its recap by name */
    assert_int_equal(ws_search(s, q, strlen(q), NULL, &r, &err), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].passage_number, 2);
    assert_int_equal(r->hits[0].nrelated, 1);
    ws_results_free(r);

    q = "Rückblick type:md";
    assert_int_equal(ws_search(s, q, strlen(q), NULL, &r, &err), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].nrelated, 3);
    int types = 0;
    for (size_t i = 0; i < r->hits[0].nrelated; i++) {
        const char *t = ws_doctype_name(r->hits[0].related[i].type);
        types |= !strcmp(t, "pptx") ? 1 : !strcmp(t, "pdf") ? 2 : !strcmp(t, "odp") ? 4 : 8;
    }
    assert_int_equal(types, 7);
    ws_results_free(r);
    ws_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_related),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
