/*
 * extract_txt.c - plain text: the whole file is one BODY passage.
 *
 * Plain text has no markup for a title, so one is guessed the way a reader
 * would: near the top, short, not a sentence and not a copyright line.
 * The recap texts this engine indexes often start with a long teaser
 * paragraph and an image credit ("© …") before the real title, which is
 * why more than the first line is looked at.
 */
#include "extract/extract_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define TITLE_LINES     5   /* non-empty lines looked at for a title */
#define TITLE_MAX_CHARS 120 /* longer lines are paragraphs, not titles */

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* The title candidate among the first non-empty lines, or none. */
static void guess_title(ws_xb *b, const char *t, size_t n)
{
    size_t pos = 0;
    int seen = 0;
    while (pos < n && seen < TITLE_LINES) {
        const char *nl = memchr(t + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - t) : n, s = pos, e = end;
        pos = end + 1;
        while (s < e && blank((unsigned char)t[s]))
            s++;
        while (e > s && blank((unsigned char)t[e - 1]))
            e--;
        if (s == e)
            continue;
        seen++;
        if (ws_utf8_count(t + s, e - s) > TITLE_MAX_CHARS || t[e - 1] == '.' ||
            (e - s >= 2 && memcmp(t + s, "\xC2\xA9", 2) == 0))
            continue;
        ws_xb_field(b, &b->x->title, t + s, e - s);
        return;
    }
}

int ws_extract_txt(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = ws_xb_decode(b, data, len, &text, &n, err);
    if (rc)
        return rc;
    guess_title(b, text, n);
    b->kind = WS_PASSAGE_BODY;
    ws_xb_text_clean(b, text, n, 0);
    ws_xb_scan_links(b, text, n);
    free(text);
    return WS_OK;
}
