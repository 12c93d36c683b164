/*
 * links.c - link targets a document names: from markup (href, Markdown
 * destinations) and bare URLs and domain names found in prose.
 *
 * Links are kept once each (a string set, util/strset.h, beside
 * x->links, which keeps their order), over-long targets and javascript:/data:
 * schemes are skipped, and a document keeps at most WS_X_MAX_LINKS, so a
 * page of a million links cannot grow the record without bound.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strset.h"
#include "util/text.h"

void ws_xb_link(ws_xb *b, const char *s, size_t n)
{
    ws_extracted *x = b->x;
    if (!s || x->nlinks >= WS_X_MAX_LINKS || b->oom)
        return;
    while (n && is_blank_byte((unsigned char)*s))
        s++, n--;
    while (n && is_blank_byte((unsigned char)s[n - 1]))
        n--;
    if (!n || n > WS_X_LINK_MAX || s[0] == '#' || ascii_prefix(s, n, "javascript:") ||
        ascii_prefix(s, n, "data:") || ascii_prefix(s, n, "vbscript:"))
        return;
    char *v = NULL;
    if (ws_text_field(s, n, WS_X_LINK_MAX, &v)) {
        b->oom = 1;
        return;
    }
    if (!v)
        return;
    /* each link once: the set holds the links seen, x->links their order */
    int added = 0;
    char **l = NULL;
    if ((!b->link_set && !(b->link_set = ws_strset_new(0))) ||
        ws_strset_add(b->link_set, v, strlen(v), &added) < 0 ||
        (added && !(l = realloc(x->links, (x->nlinks + 1) * sizeof *l)))) {
        free(v);
        b->oom = 1;
        return;
    }
    if (!added) {
        free(v);
        return;
    }
    x->links = l;
    l[x->nlinks++] = v;
}

/* Length of the UTF-8 quote or no-break space at s[i] that ends a URL in
 * prose (« » „ “ ” ‘ ’), or 0. */
static size_t url_stop_seq(const char *s, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)s + i;
    if (i + 1 < n && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] == 0xAB || p[1] == 0xBB))
        return 2;
    if (i + 2 < n && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x98 || p[2] == 0x99 || p[2] == 0x9C || p[2] == 0x9D || p[2] == 0x9E))
        return 3;
    return 0;
}

static int url_byte(unsigned char c)
{
    return c > 0x20 && c != 0x7F && !strchr("<>\"`{}|\\^", c);
}

static int alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* host[0..n) is name.name...tld with a top-level domain common in this
 * corpus; plain words with dots (z.B., u.a.) are not. */
static int plausible_domain(const char *h, size_t n)
{
    static const char *const tlds[] = {"de", "org",  "com", "net", "eu",  "at",
                                       "ch", "info", "io",  "edu", "gov", "int"};
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (i == start || h[start] == '-' || h[i - 1] == '-')
                return 0;
            labels++;
            if (i < n)
                start = i + 1;
        } else if (!alnum((unsigned char)h[i]) && h[i] != '-') {
            return 0;
        }
    }
    if (labels < 2)
        return 0;
    for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++)
        if (n - start == strlen(tlds[t]) && ascii_prefix(h + start, n - start, tlds[t]))
            return 1;
    return 0;
}

void ws_xb_scan_links(ws_xb *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && b->x->nlinks < WS_X_MAX_LINKS && !b->oom) {
        unsigned char prev = i ? (unsigned char)s[i - 1] : ' ';
        if (!alnum((unsigned char)s[i]) || alnum(prev) || (prev && strchr("-._@/:%&=?#+~", prev))) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && url_byte((unsigned char)s[j]) && !url_stop_seq(s, n, j))
            j++;
        size_t end = j;
        /* Sentence punctuation after a URL is not part of it. */
        for (;;) {
            if (end > i && strchr(".,;:!?'*", s[end - 1])) {
                end--;
                continue;
            }
            if (end > i && (s[end - 1] == ')' || s[end - 1] == ']')) {
                char open = s[end - 1] == ')' ? '(' : '[';
                long depth = 0;
                for (size_t k = i; k < end; k++)
                    depth += s[k] == open ? 1 : s[k] == s[end - 1] ? -1 : 0;
                if (depth < 0) {
                    end--;
                    continue;
                }
            }
            break;
        }
        const char *u = s + i;
        size_t ul = end - i;
        if (ascii_prefix(u, ul, "http://") || ascii_prefix(u, ul, "https://")) {
            size_t rest = ascii_prefix(u, ul, "https://") ? 8 : 7;
            if (ul > rest && alnum((unsigned char)u[rest]))
                ws_xb_link(b, u, ul);
        } else {
            size_t hl = 0;
            while (hl < ul && u[hl] != '/')
                hl++;
            if (plausible_domain(u, hl))
                ws_xb_link(b, u, ul);
        }
        i = j > i ? j : i + 1;
    }
}
