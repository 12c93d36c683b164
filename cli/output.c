/*
 * output.c - search results for people (text) and programs (JSON).
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wsearch/search.h"

#define BOLD  "\033[1m"
#define DIM   "\033[2m"
#define RESET "\033[0m"

/* A path relative to the current folder when it lies below it: shorter to
 * read and what the user typed when indexing. */
static const char *display_path(const char *path, char *cwd, size_t cap)
{
    if (!path)
        return "";
    if (!getcwd(cwd, cap))
        return path;
    size_t n = strlen(cwd);
    if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static void put_snippet(FILE *f, const ws_hit *h, int color)
{
    size_t at = 0;
    for (size_t i = 0; i < h->nmarks; i++) {
        const ws_range *m = &h->marks[i];
        fwrite(h->snippet + at, 1, m->start - at, f);
        if (color)
            fputs(BOLD, f);
        fwrite(h->snippet + m->start, 1, m->end - m->start, f);
        if (color)
            fputs(RESET, f);
        at = m->end;
    }
    fputs(h->snippet + at, f);
}

static const char *passage_label(const ws_hit *h, char *buf, size_t cap)
{
    if (h->passage_kind == WS_PASSAGE_PAGE)
        snprintf(buf, cap, "page %u", h->passage_number);
    else if (h->passage_kind == WS_PASSAGE_SLIDE)
        snprintf(buf, cap, "slide %u", h->passage_number);
    else if (h->passage_kind == WS_PASSAGE_SHEET && h->passage_heading)
        snprintf(buf, cap, "sheet \"%s\"", h->passage_heading);
    else if (h->passage_kind == WS_PASSAGE_SECTION && h->passage_heading)
        snprintf(buf, cap, "section \"%s\"", h->passage_heading);
    else
        return NULL;
    return buf;
}

/* "related: Title (path) · ..." under a hit: the recap of a deck, the
 * decks of a recap. */
static void put_related(FILE *f, const ws_hit *h, int color)
{
    char cwd[PATH_MAX];
    if (!h->nrelated)
        return;
    fprintf(f, "   %srelated:%s ", color ? DIM : "", color ? RESET : "");
    for (size_t i = 0; i < h->nrelated; i++)
        fprintf(f, "%s%s (%s)", i ? " · " : "", h->related[i].title,
                display_path(h->related[i].path, cwd, sizeof cwd));
    fputc('\n', f);
}

static void out_text(FILE *f, const ws_results *r, const out_opts *o)
{
    char cwd[PATH_MAX];
    for (size_t i = 0; i < r->nhits; i++) {
        const ws_hit *h = &r->hits[i];
        char pl[300];
        if (i)
            fputc('\n', f);
        fprintf(f, "%zu. %s%s%s\n", i + 1, o->color ? BOLD : "", h->title, o->color ? RESET : "");
        fprintf(f, "   %s%s · %s", o->color ? DIM : "", display_path(h->path, cwd, sizeof cwd),
                ws_doctype_name(h->type));
        if (h->date)
            fprintf(f, " · %s", h->date);
        /* A first section under the document's own title says nothing new. */
        const char *p = h->passage_kind == WS_PASSAGE_SECTION && h->passage_heading &&
                                !strcmp(h->passage_heading, h->title)
                            ? NULL
                            : passage_label(h, pl, sizeof pl);
        if (p)
            fprintf(f, " · %s", p);
        if (h->ocr) /* recognised text: may hold misread words */
            fputs(" (OCR)", f);
        fprintf(f, " · %d%%%s\n   ", h->percent, o->color ? RESET : "");
        put_snippet(f, h, o->color);
        fputc('\n', f);
        put_related(f, h, o->color);
    }
    if (r->corrected)
        fprintf(f, "%sDid you mean: %s%s%s\n", r->nhits ? "\n" : "", o->color ? BOLD : "",
                r->corrected, o->color ? RESET : "");
}

void out_results(FILE *f, const ws_results *r, const out_opts *o)
{
    if (!o->json) {
        out_text(f, r, o);
        return;
    }
    /* the library's JSON edge, as searchd's; only the hits, indented */
    char *js = NULL;
    size_t len = 0;
    ws_error err;
    if (ws_results_to_json(r, NULL, WS_JSON_HITS_ONLY, &js, &len, &err) != WS_OK) {
        fprintf(stderr, "wsearch: %s\n", err.msg);
        return;
    }
    fwrite(js, 1, len, f);
    fputc('\n', f);
    free(js);
}
