/*
 * analysis_bench.c - what the term generator costs per MB of text.
 *
 *   analysis_bench dump CACHE     < file names   extract each file once
 *   analysis_bench run CACHE [REPEAT] [DICT]     time ws_termgen_text
 *
 * Extraction is not what is measured, so `dump` extracts the files named on
 * stdin once (ws_extract_file, in-process) into CACHE: per document its
 * title, headings and passages, each a 4-byte length and the bytes, a
 * zero length closing the document.  `run` reads CACHE into memory and
 * feeds every text REPEAT times (default 1) through the term generator as
 * the indexer does (body text, the word list DICT, default wngerman's
 * /usr/share/dict/ngerman; "none" for none), one term list reused and
 * cleared per document, and prints MB/s per CPU second and per wall
 * second, with the term count, on one line.  bench/xapian_termgen.cc
 * reads the same CACHE with Xapian's TermGenerator, so both are measured
 * over the same bytes.  bench/analysis_cost.sh runs them side by side.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "wsearch/extract.h"

static int put_text(FILE *out, const char *s, size_t n)
{
    if (!s || !n || n > UINT32_MAX)
        return 0;
    uint32_t len = (uint32_t)n;
    return fwrite(&len, sizeof len, 1, out) == 1 && fwrite(s, 1, n, out) == n ? 0 : -1;
}

static int dump(const char *cache)
{
    FILE *out = fopen(cache, "wb");
    if (!out) {
        perror(cache);
        return 2;
    }
    char path[4096];
    size_t docs = 0, bytes = 0;
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = '\0';
        ws_extracted *x = NULL;
        ws_error err;
        if (!*path || ws_extract_file(path, NULL, &x, &err) != WS_OK) {
            if (*path)
                fprintf(stderr, "%s: %s (skipped)\n", path, err.msg);
            continue;
        }
        int rc = put_text(out, x->title, x->title ? strlen(x->title) : 0);
        for (size_t i = 0; rc == 0 && i < x->npassages; i++) {
            const ws_passage *p = &x->passages[i];
            rc = put_text(out, p->heading, p->heading ? strlen(p->heading) : 0);
            if (rc == 0)
                rc = put_text(out, p->text, p->text_len);
            bytes += p->text_len;
        }
        uint32_t end = 0;
        if (rc != 0 || fwrite(&end, sizeof end, 1, out) != 1) {
            perror(cache);
            fclose(out);
            return 2;
        }
        docs++;
        ws_extracted_free(x);
    }
    fclose(out);
    fprintf(stderr, "%zu documents, %.1f MB of passage text in %s\n", docs, bytes / 1e6, cache);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = b ? (size_t)n : 0;
    return b;
}

static double seconds(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One pass over the cache: every text of every document. */
static int one_pass(ws_termgen *tg, ws_termlist *l, const char *c, size_t n, size_t *bytes,
                    size_t *terms)
{
    for (size_t i = 0; i + 4 <= n;) {
        uint32_t len;
        memcpy(&len, c + i, 4);
        i += 4;
        if (!len) { /* end of a document */
            *terms += l->n;
            ws_termlist_clear(l);
            continue;
        }
        if (len > n - i)
            return -1;
        uint32_t pos = 1;
        ws_error err;
        if (ws_termgen_text(tg, "", 1, c + i, len, &pos, l, &err) != WS_OK) {
            fprintf(stderr, "analysis_bench: %s\n", err.msg);
            return -1;
        }
        *bytes += len;
        i += len;
    }
    return 0;
}

static int run(const char *cache, int repeat, const char *dict_path)
{
    size_t n;
    char *c = slurp(cache, &n);
    if (!c) {
        perror(cache);
        return 2;
    }
    ws_error err;
    ws_analyzer *an = NULL;
    ws_compounds *dict = NULL;
    ws_termgen *tg = NULL;
    if (ws_analyzer_new(&an, &err) != WS_OK ||
        (strcmp(dict_path, "none") && ws_compounds_load(&dict, dict_path, &err) != WS_OK) ||
        ws_termgen_new(&tg, an, dict, &err) != WS_OK) {
        fprintf(stderr, "analysis_bench: %s\n", err.msg);
        return 2;
    }
    ws_termlist l = WS_TERMLIST_INIT;
    size_t bytes = 0, terms = 0;
    double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
    int rc = 0;
    for (int r = 0; rc == 0 && r < repeat; r++)
        rc = one_pass(tg, &l, c, n, &bytes, &terms);
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, wall = seconds(CLOCK_MONOTONIC) - w0;
    if (rc == 0)
        printf("wsearch termgen: %.1f MB in %.2f CPU s (%.2f wall s): %.2f MB/s per CPU s, "
               "%.2f MB/s wall, %zu terms generated\n",
               bytes / 1e6, cpu, wall, bytes / 1e6 / cpu, bytes / 1e6 / wall, terms);
    ws_termlist_free(&l);
    ws_termgen_free(tg);
    ws_compounds_free(dict);
    ws_analyzer_free(an);
    free(c);
    return rc ? 2 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "dump"))
        return dump(argv[2]);
    if (argc >= 3 && argc <= 5 && !strcmp(argv[1], "run"))
        return run(argv[2], argc > 3 ? atoi(argv[3]) : 1,
                   argc > 4 ? argv[4] : "/usr/share/dict/ngerman");
    fprintf(stderr, "usage: analysis_bench dump CACHE < files\n"
                    "       analysis_bench run CACHE [REPEAT] [DICT|none]\n");
    return 2;
}
