/*
 * extract_ppt.c - PowerPoint 97-2003 (.ppt): one SLIDE passage per slide.
 *
 * The "PowerPoint Document" stream is a sequence of records ([MS-PPT]
 * 2.3.1: an 8-byte header with version, instance, type and length;
 * version 0xF marks a container of further records).  Which records are
 * current is said by the persist directory: the Current User stream
 * points at the newest UserEditAtom, each edit at its PersistDirectoryAtom
 * (persist id -> stream offset) and at the edit before it, and the newest
 * entry for an id wins, so slides replaced by a later fast save are never
 * read.  The DocumentContainer's SlideListWithTextContainer (instance 0)
 * lists the slides in presentation order (SlidePersistAtom), instance 2 the
 * notes pages; a slide's SlideAtom names its notes page.
 *
 * Text lives in two places: PowerPoint keeps placeholder text in the slide
 * list itself (TextHeaderAtom + TextCharsAtom/TextBytesAtom after the
 * slide's SlidePersistAtom, referenced from the shape by an
 * OutlineTextRefAtom), other writers and other shapes keep it in the
 * shape's client textbox inside the slide's drawing.  Both are read, slide
 * list first.  The title (a TextHeaderAtom of type Title or CenterTitle,
 * or a title placeholder) is the passage heading and the first text; notes
 * follow the slide's text, without the notes page's slide image, header,
 * footer, date and number placeholders; a text that is only "*" (a field
 * such as the slide number) is dropped.  Master slides are not read.
 * Hyperlink targets come from the document's ExObjList.
 *
 * A file whose Current User stream or edit chain is damaged is read by
 * walking the top-level records for slide containers in stream order
 * (without notes), so a damaged deck still gives its text.
 *
 * Bounds: every record must fit in its parent, containers nest at most
 * PPT_MAX_DEPTH deep, the edit chain must go backwards in the stream,
 * persist ids are below 2^20 as the format's 20-bit field allows, and no
 * more than four times the stream's bytes are walked in all (slides of a
 * hostile file may all point at one large container).
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/ole.h"

#include <stdlib.h>
#include <string.h>

#define PPT_MAX_DEPTH   32
#define PPT_MAX_PERSIST (1u << 20)

#define RT_DOCUMENT        0x03E8
#define RT_EXOBJLIST       0x0409
#define RT_CSTRING         0x0FBA
#define RT_EXHYPERLINK     0x0FD7
#define RT_SLIDE           0x03EE
#define RT_SLIDE_ATOM      0x03EF
#define RT_NOTES           0x03F0
#define RT_SLIDE_PERSIST   0x03F3
#define RT_PLACEHOLDER     0x0BC3
#define RT_OUTLINE_TEXTREF 0x0F9E
#define RT_TEXT_HEADER     0x0F9F
#define RT_TEXT_CHARS      0x0FA0
#define RT_TEXT_BYTES      0x0FA8
#define RT_SLIDE_LIST      0x0FF0
#define RT_USER_EDIT       0x0FF5
#define RT_PERSIST_DIR     0x1772
#define RT_CRYPT_SESSION   0x2F14
#define RT_SP_CONTAINER    0xF004

#define TOKEN_PLAIN     0xE391C05Fu
#define TOKEN_ENCRYPTED 0xF3D1C4DFu

typedef struct rec {
    unsigned ver, inst, type;
    size_t body, len; /* body offset and length */
} rec;

typedef struct shape {
    int ph;         /* PlaceholderEnum of the shape, -1 if none */
    unsigned ttype; /* TextHeaderAtom textType of the next text, 99 if none */
} shape;

typedef struct ppt {
    ws_xb *b;
    const unsigned char *d;
    size_t len;
    uint32_t *persist; /* persist id -> stream offset + 1; 0 = none */
    size_t npersist;
    size_t budget;     /* record bytes that may still be walked */
    int notes;         /* reading a notes page */
    uint32_t notes_id; /* notesIdRef of the slide being read */
    ws_buf t;
} ppt;

/* The record at off if it fits before end. */
static int rec_at(const ppt *p, size_t off, size_t end, rec *r)
{
    if (end > p->len || !ws_in(end, off, 8))
        return 0;
    uint16_t vi = ws_le16(p->d + off);
    uint32_t l = ws_le32(p->d + off + 4);
    if (l > end - off - 8)
        return 0;
    r->ver = vi & 0xF;
    r->inst = vi >> 4;
    r->type = ws_le16(p->d + off + 2);
    r->body = off + 8;
    r->len = l;
    return 1;
}

static int persist_set(ppt *p, uint32_t id, uint32_t off)
{
    if (id >= PPT_MAX_PERSIST || off == UINT32_MAX)
        return 0;
    if (id >= p->npersist) {
        size_t n = p->npersist ? p->npersist : 64;
        while (n <= id)
            n *= 2;
        uint32_t *v = realloc(p->persist, n * sizeof *v);
        if (!v)
            return -1;
        memset(v + p->npersist, 0, (n - p->npersist) * sizeof *v);
        p->persist = v;
        p->npersist = n;
    }
    if (!p->persist[id]) /* the newest edit comes first and wins */
        p->persist[id] = off + 1;
    return 0;
}

/* The record a persist id refers to, if it is of the given type. */
static int persist_rec(const ppt *p, uint32_t id, unsigned type, rec *r)
{
    if (id >= p->npersist || !p->persist[id])
        return 0;
    return rec_at(p, p->persist[id] - 1, p->len, r) && r->type == type;
}

/* Follow the edit chain from the Current User stream's offset.  1 if at
 * least the newest edit and its directory were read. */
static int load_persist(ppt *p, uint32_t edit, uint32_t *doc_ref, uint32_t *crypt_ref)
{
    int ok = 0;
    for (;;) {
        rec e, dir;
        if (!rec_at(p, edit, p->len, &e) || e.type != RT_USER_EDIT || e.len < 28)
            break;
        const unsigned char *u = p->d + e.body;
        if (!ok) {
            *doc_ref = ws_le32(u + 16);
            *crypt_ref = e.len >= 32 ? ws_le32(u + 28) : 0;
        }
        uint32_t last = ws_le32(u + 8), pdir = ws_le32(u + 12);
        if (!rec_at(p, pdir, p->len, &dir) || dir.type != RT_PERSIST_DIR)
            break;
        for (size_t i = 0; i + 4 <= dir.len;) {
            uint32_t info = ws_le32(p->d + dir.body + i);
            uint32_t id = info & 0xFFFFF, n = info >> 20;
            i += 4;
            for (uint32_t k = 0; k < n && i + 4 <= dir.len; k++, i += 4)
                if (persist_set(p, id + k, ws_le32(p->d + dir.body + i)) < 0)
                    return -1;
        }
        ok = 1;
        /* Older edits lie earlier in the stream; anything else is a loop. */
        if (last == 0 || last >= edit)
            break;
        edit = last;
    }
    return ok;
}

/* Text of a TextCharsAtom (UTF-16LE) or TextBytesAtom (Latin-1, the low
 * bytes of UTF-16) into p->t, paragraph marks as newlines. */
static void decode(ppt *p, const rec *r)
{
    ws_buf_reset(&p->t);
    const unsigned char *s = p->d + r->body;
    int wide = r->type == RT_TEXT_CHARS;
    size_t n = wide ? r->len / 2 : r->len;
    for (size_t i = 0; i < n && !p->t.oom; i++) {
        uint32_t c = wide ? ws_le16(s + 2 * i) : s[i];
        if (wide && c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
            uint32_t lo = ws_le16(s + 2 * i + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if (c == '\r' || c == 0x0B)
            ws_buf_putc(&p->t, '\n');
        else if (c == '\t')
            ws_buf_putc(&p->t, ' ');
        else if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)
            ws_ole_put(&p->t, c);
    }
}

static int is_title(const shape *sh)
{
    return sh->ttype == 0 || sh->ttype == 6 || sh->ph == 0x0D || sh->ph == 0x0F || sh->ph == 0x11;
}

/* Notes-page placeholders that hold no notes: slide image, date, slide
 * number, footer, header. */
static int notes_boilerplate(const shape *sh)
{
    return sh->ph == 0x0B || (sh->ph >= 0x05 && sh->ph <= 0x0A);
}

static void emit(ppt *p, const shape *sh, const rec *r)
{
    ws_xb *b = p->b;
    if (b->full || b->oom || (p->notes && notes_boilerplate(sh)))
        return;
    decode(p, r);
    const char *s = ws_buf_cstr(&p->t);
    if (!s) {
        b->oom = 1;
        return;
    }
    size_t n = p->t.len, k = strspn(s, " \n");
    if (k == n || (n - k == 1 && s[k] == '*'))
        return;
    ws_xb_text(b, s, n, 0);
    ws_xb_break(b, 2);
    if (!p->notes && is_title(sh) && !b->heading) {
        for (size_t i = 0; i < n; i++)
            if (p->t.data[i] == '\n')
                p->t.data[i] = ' ';
        ws_xb_set_heading(b, p->t.data, n);
    }
}

/* The records in [off, end): text atoms, shapes and their placeholders,
 * and (in a slide) the SlideAtom's notes reference. */
static void walk(ppt *p, size_t off, size_t end, unsigned depth, shape *sh)
{
    rec r;
    while (!p->b->full && !p->b->oom && rec_at(p, off, end, &r)) {
        size_t cost = 8 + (r.ver == 0xF ? 0 : r.len);
        if (cost > p->budget)
            return; /* slides of a hostile file sharing one huge container */
        p->budget -= cost;
        if (r.ver == 0xF) {
            if (r.type == RT_SP_CONTAINER) {
                shape inner = {-1, 99};
                if (depth < PPT_MAX_DEPTH)
                    walk(p, r.body, r.body + r.len, depth + 1, &inner);
            } else if (r.type != RT_SLIDE_LIST && depth < PPT_MAX_DEPTH) {
                walk(p, r.body, r.body + r.len, depth + 1, sh);
            }
        } else if (r.type == RT_PLACEHOLDER && r.len >= 8) {
            sh->ph = p->d[r.body + 4];
        } else if (r.type == RT_TEXT_HEADER && r.len >= 4) {
            sh->ttype = ws_le32(p->d + r.body);
        } else if (r.type == RT_TEXT_CHARS || r.type == RT_TEXT_BYTES) {
            emit(p, sh, &r);
            sh->ttype = 99;
        } else if (r.type == RT_SLIDE_ATOM && r.len >= 20 && !p->notes) {
            p->notes_id = ws_le32(p->d + r.body + 16);
        }
        off = r.body + r.len;
    }
}

typedef struct slide_ref {
    uint32_t persist, id;
    size_t text, text_end; /* the slide list's text records for it */
} slide_ref;

/* The SlidePersistAtoms of a SlideListWithTextContainer. */
static int slide_list(ppt *p, const rec *list, slide_ref **out, size_t *n)
{
    size_t cap = 0, off = list->body, end = list->body + list->len;
    rec r;
    while (rec_at(p, off, end, &r)) {
        if (r.type == RT_SLIDE_PERSIST && r.len >= 16) {
            if (*n + 1 >= WS_X_MAX_PASSAGES)
                break;
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                slide_ref *v = realloc(*out, cap * sizeof *v);
                if (!v)
                    return -1;
                *out = v;
            }
            slide_ref *s = &(*out)[(*n)++];
            s->persist = ws_le32(p->d + r.body);
            s->id = ws_le32(p->d + r.body + 12);
            s->text = s->text_end = r.body + r.len;
        } else if (*n) {
            (*out)[*n - 1].text_end = r.body + r.len;
        }
        off = r.body + r.len;
    }
    return 0;
}

static void read_slide(ppt *p, unsigned number, const slide_ref *s, const slide_ref *notes,
                       size_t nnotes)
{
    ws_xb *b = p->b;
    ws_xb_page(b, WS_PASSAGE_SLIDE, number, NULL, 0);
    shape sh = {-1, 99};
    p->notes = 0;
    p->notes_id = 0;
    walk(p, s->text, s->text_end, 1, &sh); /* placeholder text kept in the slide list */
    rec r;
    if (persist_rec(p, s->persist, RT_SLIDE, &r))
        walk(p, r.body, r.body + r.len, 1, &sh);
    const slide_ref *n = NULL;
    for (size_t lo = 0, hi = nnotes; p->notes_id && lo < hi && !n;) {
        size_t mid = lo + (hi - lo) / 2;
        if (notes[mid].id == p->notes_id)
            n = &notes[mid];
        else if (notes[mid].id < p->notes_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (n) {
        p->notes = 1;
        shape nsh = {-1, 99};
        walk(p, n->text, n->text_end, 1, &nsh);
        if (persist_rec(p, n->persist, RT_NOTES, &r))
            walk(p, r.body, r.body + r.len, 1, &nsh);
    }
    p->notes = 0;
    /* No title in the metadata: the first slide's title is the deck's. */
    if (!b->x->title && b->heading)
        ws_xb_field(b, &b->x->title, b->heading, strlen(b->heading));
}

/* Hyperlink targets: ExObjList > ExHyperlinkContainer > CString of
 * instance 1 (0 is the friendly name, 3 the location inside the file). */
static void links(ppt *p, const rec *list)
{
    rec h, c;
    for (size_t off = list->body; rec_at(p, off, list->body + list->len, &h);
         off = h.body + h.len) {
        if (h.type != RT_EXHYPERLINK || h.ver != 0xF)
            continue;
        for (size_t o2 = h.body; rec_at(p, o2, h.body + h.len, &c); o2 = c.body + c.len) {
            if (c.type != RT_CSTRING || c.inst != 1)
                continue;
            decode(p, &c);
            const char *s = ws_buf_cstr(&p->t);
            if (s && p->t.len)
                ws_xb_link(p->b, s, p->t.len);
        }
    }
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = ((const slide_ref *)a)->id, y = ((const slide_ref *)b)->id;
    return x < y ? -1 : x > y;
}

/* The persist directory's view: slides in the order of the slide list. */
static int read_deck(ppt *p, const rec *docrec)
{
    slide_ref *slides = NULL, *notes = NULL;
    size_t nslides = 0, nnotes = 0, off = docrec->body, end = docrec->body + docrec->len;
    rec r;
    int rc = 0;
    while (rc == 0 && rec_at(p, off, end, &r)) {
        if (r.type == RT_SLIDE_LIST && r.ver == 0xF && r.inst == 0 && !nslides)
            rc = slide_list(p, &r, &slides, &nslides);
        else if (r.type == RT_SLIDE_LIST && r.ver == 0xF && r.inst == 2 && !nnotes)
            rc = slide_list(p, &r, &notes, &nnotes);
        else if (r.type == RT_EXOBJLIST && r.ver == 0xF)
            links(p, &r);
        off = r.body + r.len;
    }
    if (nnotes) /* looked up by id for each slide */
        qsort(notes, nnotes, sizeof *notes, by_id);
    for (size_t i = 0; rc == 0 && i < nslides && !p->b->full && !p->b->oom; i++)
        read_slide(p, (unsigned)(i + 1), &slides[i], notes, nnotes);
    free(slides);
    free(notes);
    return rc;
}

/* The fallback for a damaged edit chain: slide containers in stream order. */
static int scan_slides(ppt *p)
{
    size_t off = 0;
    unsigned n = 0;
    rec r;
    while (rec_at(p, off, p->len, &r) && !p->b->full && !p->b->oom) {
        if (r.type == RT_SLIDE && r.ver == 0xF && n + 1 < WS_X_MAX_PASSAGES) {
            ws_xb_page(p->b, WS_PASSAGE_SLIDE, ++n, NULL, 0);
            shape sh = {-1, 99};
            walk(p, r.body, r.body + r.len, 1, &sh);
        }
        off = r.body + r.len;
    }
    return (int)n;
}

int ws_extract_ppt(ws_xb *b, ws_ole *o, ws_error *err)
{
    unsigned char *doc = NULL, *cu = NULL;
    size_t dlen = 0, culen = 0;
    int rc = ws_ole_read(o, "PowerPoint Document", &doc, &dlen, err);
    if (rc == WS_OK)
        rc = ws_ole_read(o, "Current User", &cu, &culen, err);
    if (rc != WS_OK) {
        free(doc);
        return rc;
    }
    uint32_t token = cu && culen >= 20 ? ws_le32(cu + 12) : 0;
    uint32_t edit = cu && culen >= 20 ? ws_le32(cu + 16) : 0;
    free(cu);
    ppt p = {b, doc, dlen, NULL, 0, dlen > SIZE_MAX / 4 ? SIZE_MAX : 4 * dlen, 0, 0, WS_BUF_INIT};
    uint32_t doc_ref = 0, crypt_ref = 0;
    rec r;
    int ok = 0;
    if (token == TOKEN_ENCRYPTED || ws_ole_has(o, "EncryptedSummary")) {
        rc = ws_ole_encrypted(b, "PowerPoint file", err);
    } else if ((ok = load_persist(&p, edit, &doc_ref, &crypt_ref)) < 0) {
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    } else if (ok && crypt_ref && persist_rec(&p, crypt_ref, RT_CRYPT_SESSION, &r)) {
        rc = ws_ole_encrypted(b, "PowerPoint file", err);
    } else if (ok && persist_rec(&p, doc_ref, RT_DOCUMENT, &r)) {
        if (read_deck(&p, &r) < 0)
            rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    } else {
        /* Damaged edit chain: read what slides there are. */
        size_t off = 0;
        int doc_seen = 0;
        while (rec_at(&p, off, p.len, &r)) {
            if (r.type == RT_CRYPT_SESSION)
                break;
            doc_seen |= r.type == RT_DOCUMENT;
            off = r.body + r.len;
        }
        if (rec_at(&p, off, p.len, &r) && r.type == RT_CRYPT_SESSION)
            rc = ws_ole_encrypted(b, "PowerPoint file", err);
        else if (scan_slides(&p) == 0 && !doc_seen)
            rc = ws_error_set(err, WS_EFORMAT,
                              "%s: damaged PowerPoint file (no current edit and no slides in "
                              "the PowerPoint Document stream)",
                              b->name);
    }
    if (rc == WS_OK && p.t.oom)
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    ws_buf_free(&p.t);
    free(p.persist);
    free(doc);
    return rc;
}
