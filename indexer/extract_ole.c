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
 * protected)".  libgsf's GLib warnings about damaged files are dropped:
 * the library never prints, the error message says what went wrong.
 */
#define _POSIX_C_SOURCE 200809L

#include "ole.h"

#include <stdlib.h>
#include <string.h>

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

/* A string property, or NULL; only valid UTF-8 is taken. */
static const char *prop_str(GsfDocMetaData *md, const char *name)
{
    GsfDocProp *p = gsf_doc_meta_data_lookup(md, name);
    const GValue *v = p ? gsf_doc_prop_get_val(p) : NULL;
    if (!v || !G_VALUE_HOLDS_STRING(v))
        return NULL;
    const char *s = g_value_get_string(v);
    return s && *s && g_utf8_validate(s, -1, NULL) ? s : NULL;
}

static void prop_date(ws_xb *b, GsfDocMetaData *md, const char *name)
{
    GsfDocProp *p = gsf_doc_meta_data_lookup(md, name);
    const GValue *v = p ? gsf_doc_prop_get_val(p) : NULL;
    if (!v || !VAL_IS_GSF_TIMESTAMP(v) || b->x->date)
        return;
    const GsfTimestamp *ts = g_value_get_boxed(v);
    char *s = ts ? gsf_timestamp_as_string(ts) : NULL;
    if (s)
        ws_xb_date(b, &b->x->date, s, strlen(s));
    g_free(s);
}

/* Title, author, subject, keywords and dates.  A damaged property set is
 * not an error: the text is what matters. */
static void read_meta(ws_xb *b, ws_ole *o)
{
    GsfInput *si = gsf_infile_child_by_name(o->f, "\005SummaryInformation");
    if (!si)
        return;
    if ((uint64_t)gsf_input_size(si) <= o->len) {
        GsfDocMetaData *md = gsf_doc_meta_data_new();
        GError *ge = gsf_doc_meta_data_read_from_msole(md, si);
        if (ge)
            g_error_free(ge);
        ws_extracted *x = b->x;
        const char *s;
        if ((s = prop_str(md, GSF_META_NAME_TITLE)))
            ws_xb_field(b, &x->title, s, strlen(s));
        if ((s = prop_str(md, GSF_META_NAME_CREATOR)))
            ws_xb_list_split(b, &x->speakers, &x->nspeakers, s, strlen(s), ";");
        if ((s = prop_str(md, GSF_META_NAME_SUBJECT)))
            ws_xb_field(b, &x->description, s, strlen(s));
        if ((s = prop_str(md, GSF_META_NAME_KEYWORDS)))
            ws_xb_list_split(b, &x->tags, &x->ntags, s, strlen(s), ",;");
        /* When the talk was written says more than when it was last saved. */
        prop_date(b, md, GSF_META_NAME_DATE_CREATED);
        prop_date(b, md, GSF_META_NAME_DATE_MODIFIED);
        g_object_unref(md);
    }
    g_object_unref(si);
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
