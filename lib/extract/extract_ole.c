/*
 * extract_ole.c - the legacy binary Office formats (.doc, .ppt, .xls):
 * the OLE2 compound file around them, their metadata, encryption.
 *
 * Why libgsf and our own stream parsers: libgsf (GNOME's structured file
 * library, used by Gnumeric and AbiWord) reads the compound file from
 * memory, checks its sector chains, and decodes the SummaryInformation
 * property set with its code page.  Debian has no maintained library for
 * PowerPoint 97 text, and libwv (Word) keeps global state, prints to
 * stdout/stderr, reads files by name and has seen little maintenance; the
 * text of all three formats is reachable through a few documented records
 * ([MS-DOC] piece table, [MS-PPT] text atoms, [MS-XLS] cell records), so
 * extract_doc.c, extract_ppt.c and extract_xls.c parse those themselves,
 * on buffers, with every length checked.
 *
 * Encryption is refused before any text is read: an OLE file holding an
 * EncryptionInfo or EncryptedPackage stream (an encrypted OOXML file, or
 * RC4 CryptoAPI), and each format's own mark (Word's fEncrypted, the
 * PowerPoint CurrentUser token and CryptSession10Container, Excel's
 * FILEPASS record), all give WS_EUNSUPPORTED "encrypted (password-
 * protected)".  libgsf's GLib warnings and assertion messages about
 * damaged files (some are logged without a domain) are dropped: the
 * library never prints, the error message says what went wrong.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/ole.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsf/gsf.h>

struct ws_ole {
    GsfInfile *f;
    size_t len; /* of the whole container */
    const char *name;
};

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data;
}

static void silence_gsf(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        GLogLevelFlags lv = G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_MESSAGE |
                            G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG;
        g_log_set_handler("libgsf", lv, quiet, NULL);
        g_log_set_handler("libgsf:msole", lv, quiet, NULL);
        g_log_set_handler("GLib-GObject", G_LOG_LEVEL_CRITICAL, quiet, NULL);
        g_log_set_handler(NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL, quiet, NULL);
        g_once_init_leave(&done, 1);
    }
}

int ws_ole_encrypted(ws_xb *b, const char *what, ws_error *err)
{
    return ws_error_set(err, WS_EUNSUPPORTED, "%s: encrypted (password-protected) %s, skipped",
                        b->name, what);
}

int ws_ole_has(ws_ole *o, const char *name)
{
    GsfInput *c = gsf_infile_child_by_name(o->f, name);
    if (c)
        g_object_unref(c);
    return c != NULL;
}

int ws_ole_read(ws_ole *o, const char *name, unsigned char **data, size_t *len, ws_error *err)
{
    *data = NULL;
    *len = 0;
    GsfInput *c = gsf_infile_child_by_name(o->f, name);
    if (!c)
        return WS_OK;
    gsf_off_t size = gsf_input_size(c);
    int rc = WS_OK;
    if (size < 0 || (uint64_t)size > o->len) {
        rc = ws_error_set(err, WS_EFORMAT,
                          "%s: damaged OLE container (stream %s claims %lld bytes in a %zu-byte "
                          "file)",
                          o->name, name, (long long)size, o->len);
    } else {
        unsigned char *buf = malloc((size_t)size + 1);
        if (!buf) {
            rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", o->name);
        } else if (size > 0 && !gsf_input_read(c, (size_t)size, buf)) {
            free(buf);
            rc = ws_error_set(err, WS_EFORMAT,
                              "%s: damaged or truncated OLE container (stream %s cannot be read)",
                              o->name, name);
        } else {
            *data = buf;
            *len = (size_t)size;
        }
    }
    g_object_unref(c);
    return rc;
}

void ws_ole_put(ws_buf *out, uint32_t cp)
{
    char u[4];
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        ws_buf_putc(out, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        ws_buf_append(out, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        ws_buf_append(out, u, 3);
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        ws_buf_append(out, u, 4);
    }
}

uint32_t ws_cp1252(unsigned char c)
{
    static const uint16_t hi[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                    0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    return c >= 0x80 && c < 0xA0 ? hi[c - 0x80] : c;
}

/* ---- metadata -------------------------------------------------------------- */

/*
 * The \005SummaryInformation property set ([MS-OLEPS] 2.21): a header, the
 * offset of the first section, and in it (property id, offset) pairs with
 * typed values.  Read here rather than through libgsf's reader, which
 * asserts and leaks on damaged property sets: only strings (VT_LPSTR in
 * the set's code page, VT_LPWSTR) and times (VT_FILETIME) of the ids we
 * want, every offset checked against the stream.
 */
#define PID_CODEPAGE 1
#define PID_TITLE    2
#define PID_SUBJECT  3
#define PID_AUTHOR   4
#define PID_KEYWORDS 5
#define PID_CREATED  12
#define PID_SAVED    13
#define PROPS_MAX    1024 /* properties looked at in one section */

/* The string value at off as UTF-8 into out (reset first); 1 if any. */
static int prop_string(const unsigned char *d, size_t len, size_t off, unsigned codepage,
                       ws_buf *out)
{
    ws_buf_reset(out);
    if (!ws_in(len, off, 8))
        return 0;
    unsigned type = ws_le16(d + off);
    size_t n = ws_le32(d + off + 4), at = off + 8;
    if (type == 0x1F) { /* VT_LPWSTR: n characters of UTF-16LE */
        if (n > len / 2 || !ws_in(len, at, 2 * n))
            return 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t c = ws_le16(d + at + 2 * i);
            if (c >= 0x20)
                ws_ole_put(out, c);
        }
    } else if (type == 0x1E) { /* VT_LPSTR: n bytes in the code page */
        if (!ws_in(len, at, n))
            return 0;
        const char *s = (const char *)d + at;
        size_t sl = strnlen(s, n);
        if (codepage == 65001) {
            if (g_utf8_validate(s, (gssize)sl, NULL))
                ws_buf_append(out, s, sl);
        } else if (codepage == 0 || codepage == 1252 || codepage == 28591) {
            for (size_t i = 0; i < sl; i++)
                ws_ole_put(out, ws_cp1252((unsigned char)s[i]));
        } else {
            char cs[24];
            snprintf(cs, sizeof cs, "CP%u", codepage);
            gsize wr = 0;
            gchar *u = g_convert(s, (gssize)sl, "UTF-8", cs, NULL, &wr, NULL);
            if (u && g_utf8_validate(u, (gssize)wr, NULL))
                ws_buf_append(out, u, wr);
            g_free(u);
        }
    }
    return out->len > 0 && !out->oom;
}

static void prop_date(ws_xb *b, const unsigned char *d, size_t len, size_t off)
{
    if (b->x->date || !ws_in(len, off, 12) || ws_le16(d + off) != 0x40) /* VT_FILETIME */
        return;
    uint64_t ft = (uint64_t)ws_le32(d + off + 4) | (uint64_t)ws_le32(d + off + 8) << 32;
    uint64_t secs = ft / 10000000u;
    if (secs < 11644473600u || secs - 11644473600u > (uint64_t)1 << 40)
        return;
    time_t t = (time_t)(secs - 11644473600u);
    struct tm tm;
    char s[16];
    if (gmtime_r(&t, &tm) && strftime(s, sizeof s, "%Y-%m-%d", &tm))
        ws_xb_date(b, &b->x->date, s, strlen(s));
}

/* Title, author, subject, keywords and dates.  A damaged property set is
 * not an error: the text is what matters. */
static void read_meta(ws_xb *b, ws_ole *o)
{
    unsigned char *d = NULL;
    size_t len = 0;
    ws_error ignored;
    if (ws_ole_read(o, "\005SummaryInformation", &d, &len, &ignored) != WS_OK || !d)
        return;
    if (!ws_in(len, 0, 48) || ws_le16(d) != 0xFFFE || ws_le32(d + 24) < 1) {
        free(d);
        return;
    }
    size_t sec = ws_le32(d + 44);
    if (!ws_in(len, sec, 8)) {
        free(d);
        return;
    }
    size_t slen = ws_le32(d + sec), nprops = ws_le32(d + sec + 4);
    if (slen > len - sec)
        slen = len - sec;
    const unsigned char *p = d + sec;
    if (nprops > PROPS_MAX)
        nprops = PROPS_MAX;
    if (!ws_in(slen, 8, 8 * nprops))
        nprops = slen >= 8 ? (slen - 8) / 8 : 0;
    unsigned codepage = 0;
    for (size_t i = 0; i < nprops; i++) {
        size_t off = ws_le32(p + 8 + 8 * i + 4);
        if (ws_le32(p + 8 + 8 * i) == PID_CODEPAGE && ws_in(slen, off, 6) && ws_le16(p + off) == 2)
            codepage = ws_le16(p + off + 4);
    }
    ws_extracted *x = b->x;
    ws_buf v = WS_BUF_INIT;
    size_t created = 0, saved = 0;
    for (size_t i = 0; i < nprops; i++) {
        uint32_t pid = ws_le32(p + 8 + 8 * i);
        size_t off = ws_le32(p + 8 + 8 * i + 4);
        if (pid == PID_CREATED)
            created = off;
        else if (pid == PID_SAVED)
            saved = off;
        if (pid < PID_TITLE || pid > PID_KEYWORDS || !prop_string(p, slen, off, codepage, &v))
            continue;
        const char *s = ws_buf_cstr(&v);
        if (pid == PID_TITLE)
            ws_xb_field(b, &x->title, s, v.len);
        else if (pid == PID_SUBJECT)
            ws_xb_field(b, &x->description, s, v.len);
        else if (pid == PID_AUTHOR)
            ws_xb_list_split(b, &x->speakers, &x->nspeakers, s, v.len, ";");
        else
            ws_xb_list_split(b, &x->tags, &x->ntags, s, v.len, ",;");
    }
    /* When the talk was written says more than when it was last saved. */
    if (created)
        prop_date(b, p, slen, created);
    if (saved)
        prop_date(b, p, slen, saved);
    ws_buf_free(&v);
    free(d);
}

/* ---- the container ----------------------------------------------------------- */

static const struct {
    ws_doctype type;
    const char *stream, *what;
} kinds[] = {
    {WS_DOC_DOC, "WordDocument", "a Word document (doc)"},
    {WS_DOC_PPT, "PowerPoint Document", "a PowerPoint file (ppt)"},
    {WS_DOC_XLS, "Workbook", "an Excel workbook (xls)"},
};

int ws_extract_ole(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    silence_gsf();
    GError *ge = NULL;
    GsfInput *in = gsf_input_memory_new((const guint8 *)data, (gsf_off_t)len, FALSE);
    if (!in)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    GsfInfile *f = gsf_infile_msole_new(in, &ge);
    g_object_unref(in); /* the container keeps its own reference */
    if (!f) {
        int rc = ws_error_set(err, WS_EFORMAT, "%s: damaged or truncated OLE container (%s)",
                              b->name, ge && ge->message ? ge->message : "cannot be read");
        if (ge)
            g_error_free(ge);
        return rc;
    }
    ws_ole o = {f, len, b->name};
    int rc = WS_OK;
    ws_doctype t = b->x->type;
    const char *want = NULL, *is = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].type == t)
            want = kinds[i].stream;
        else if (!is && ws_ole_has(&o, kinds[i].stream))
            is = kinds[i].what;
    if (ws_ole_has(&o, "EncryptionInfo") || ws_ole_has(&o, "EncryptedPackage")) {
        rc = ws_ole_encrypted(b, "Office file", err);
    } else if (want && ws_ole_has(&o, want)) {
        read_meta(b, &o);
        rc = t == WS_DOC_DOC   ? ws_extract_doc(b, &o, err)
             : t == WS_DOC_PPT ? ws_extract_ppt(b, &o, err)
                               : ws_extract_xls(b, &o, err);
    } else if (t == WS_DOC_XLS && ws_ole_has(&o, "Book")) {
        rc = ws_error_set(err, WS_EUNSUPPORTED,
                          "%s: Excel 5.0/95 workbook (BIFF5): only Excel 97-2003 is read, skipped",
                          b->name);
    } else if (is) {
        rc = ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a %s (wrong extension?)",
                          b->name, is, ws_doctype_name(t));
    } else {
        rc = ws_error_set(err, WS_EFORMAT, "%s: not a %s: the OLE container has no %s stream",
                          b->name, ws_doctype_name(t), want ? want : "known");
    }
    g_object_unref(f);
    return rc;
}
