/*
 * zipx.c - checked zip containers (libzip) and safe streaming XML readers
 * (libxml2) over their parts; see zipx.h for the threat model.
 *
 * The central directory is authoritative.  Real writers leave local
 * headers that disagree with it in harmless ways (another modification
 * time or "version needed", the data-descriptor flag with a CRC of 0):
 * unzip and Python read those, and libzip's ZIP_CHECKCONS would refuse the
 * whole file.  So the archive is opened without it, and what is read is
 * validated instead: the CRC (libzip checks it at the end of an entry)
 * and the number of bytes an entry really inflates to.
 *
 * Bombs: the entry count and the total declared size are checked when the
 * archive is opened, before a byte is inflated.  The expansion ratio is
 * checked only for an entry that is actually read and only when it claims
 * more than WS_ZIP_RATIO_FROM bytes: a picture of zeros that no extractor
 * opens harms nobody.  The declared sizes are not believed either: a part
 * is read through a callback that counts what zip_fread really delivers
 * and stops at the declared size and at WS_ZIP_MAX_PART.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/zipx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "util/text.h"

struct ws_zipx {
    zip_t *zip;
    const char *name; /* file name for messages */
};

struct ws_xml {
    ws_zipx *z;
    zip_file_t *f;
    xmlTextReaderPtr r;
    char part[512];
    zip_uint64_t declared; /* uncompressed size the directory claims */
    zip_uint64_t read;     /* bytes delivered so far */
    int too_big;           /* the part ran past its declared size or the cap */
    int zip_failed;        /* zip_fread failed (damaged data, bad CRC) */
    char zip_msg[160];
    char xml_msg[200]; /* first parse error libxml2 reported */
    int xml_failed;
};

int ws_zipx_open(ws_xb *b, const char *data, size_t len, ws_zipx **out, ws_error *err)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    /* No ZIP_CHECKCONS: see the top of this file. */
    zip_t *zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!zip) {
        int code = zip_error_code_zip(&ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        if (code == ZIP_ER_MEMORY)
            return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
        return ws_error_set(err, WS_EFORMAT, "%s: damaged or truncated zip container (%s)", b->name,
                            code == ZIP_ER_NOZIP    ? "no zip directory found"
                            : code == ZIP_ER_INCONS ? "inconsistent directory"
                                                    : "cannot be read");
    }
    zip_error_fini(&ze);
    ws_zipx *z = calloc(1, sizeof *z);
    if (!z) {
        zip_discard(zip);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    z->zip = zip;
    z->name = b->name;

    zip_int64_t n = zip_get_num_entries(zip, 0);
    int rc = WS_OK;
    if (n < 0 || n > WS_ZIP_MAX_ENTRIES)
        rc = ws_error_set(err, WS_ETOOBIG,
                          "%s: zip container has %lld entries, over the limit of %d", b->name,
                          (long long)n, WS_ZIP_MAX_ENTRIES);
    uint64_t total = 0;
    for (zip_int64_t i = 0; rc == WS_OK && i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(zip, (zip_uint64_t)i, 0, &st) != 0) {
            rc = ws_error_set(err, WS_EFORMAT, "%s: damaged zip directory", b->name);
            break;
        }
        const char *en = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "?";
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            rc = ws_error_set(err, WS_EUNSUPPORTED,
                              "%s: encrypted (password-protected) zip entry %.100s, skipped",
                              b->name, en);
            break;
        }
        uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
        total += size;
        if (size > WS_ZIP_MAX_TOTAL || total > WS_ZIP_MAX_TOTAL) {
            rc = ws_error_set(err, WS_ETOOBIG,
                              "%s: zip container expands to more than %zu MiB (zip bomb?)", b->name,
                              WS_ZIP_MAX_TOTAL >> 20);
            break;
        }
    }
    if (rc != WS_OK) {
        ws_zipx_close(z);
        return rc;
    }
    *out = z;
    return WS_OK;
}

void ws_zipx_close(ws_zipx *z)
{
    if (!z)
        return;
    zip_discard(z->zip); /* read-only: nothing to write back */
    free(z);
}

static zip_int64_t locate(ws_zipx *z, const char *name)
{
    /* Part names are case-insensitive in OPC; try the exact name first. */
    zip_int64_t i = zip_name_locate(z->zip, name, 0);
    if (i < 0)
        i = zip_name_locate(z->zip, name, ZIP_FL_NOCASE);
    return i;
}

/* Open entry i for reading after the checks that apply to what is read:
 * its expansion ratio when it is large.  *declared gets its size. */
static int entry_open(ws_zipx *z, zip_int64_t i, const char *name, zip_file_t **f,
                      zip_uint64_t *declared, ws_error *err)
{
    *f = NULL;
    zip_stat_t st;
    if (zip_stat_index(z->zip, (zip_uint64_t)i, 0, &st) != 0)
        return ws_error_set(err, WS_EFORMAT, "%s: damaged zip directory", z->name);
    uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (size > WS_ZIP_RATIO_FROM && size / (comp ? comp : 1) > WS_ZIP_MAX_RATIO)
        return ws_error_set(err, WS_ETOOBIG,
                            "%s: zip entry %.100s expands %llu times (%llu to %llu bytes): "
                            "zip bomb?",
                            z->name, name, (unsigned long long)(size / (comp ? comp : 1)),
                            (unsigned long long)comp, (unsigned long long)size);
    *declared = size;
    *f = zip_fopen_index(z->zip, (zip_uint64_t)i, 0);
    if (!*f)
        return ws_error_set(err, WS_EFORMAT, "%s: cannot open part %s (%s)", z->name, name,
                            zip_strerror(z->zip));
    return WS_OK;
}

int ws_zipx_has(ws_zipx *z, const char *name)
{
    return locate(z, name) >= 0;
}

int ws_zipx_read(ws_zipx *z, const char *name, size_t max, char **out, size_t *len, ws_error *err)
{
    *out = NULL;
    *len = 0;
    zip_int64_t i = locate(z, name);
    if (i < 0)
        return ws_error_set(err, WS_ENOTFOUND, "%s: no part %s", z->name, name);
    zip_file_t *f = NULL;
    zip_uint64_t declared = 0;
    int orc = entry_open(z, i, name, &f, &declared, err);
    if (orc != WS_OK)
        return orc;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? WS_OK : ws_error_set(err, WS_ENOMEM, "%s: out of memory", z->name);
    while (rc == WS_OK) {
        if (n == cap) {
            if (cap >= max) {
                rc = ws_error_set(err, WS_ETOOBIG, "%s: part %s is over %zu bytes", z->name, name,
                                  max);
                break;
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            char *p = realloc(buf, ncap + 1);
            if (!p) {
                rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", z->name);
                break;
            }
            buf = p;
            cap = ncap;
        }
        zip_int64_t r = zip_fread(f, buf + n, cap - n);
        if (r < 0)
            rc = ws_error_set(err, WS_EFORMAT, "%s: damaged part %s (%s)", z->name, name,
                              zip_file_strerror(f));
        else if (r == 0)
            break;
        else
            n += (size_t)r;
    }
    /* Local headers are not compared with the directory: the data is.
     * Fewer bytes than declared is a damaged entry, not a short part. */
    if (rc == WS_OK && n != declared)
        rc = ws_error_set(err, WS_EFORMAT,
                          "%s: damaged part %s (%zu bytes, the zip directory says %llu)", z->name,
                          name, n, (unsigned long long)declared);
    zip_fclose(f);
    if (rc != WS_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return WS_OK;
}

/* ---- XML over a part ------------------------------------------------------ */

static int xml_read_cb(void *ctx, char *buf, int len)
{
    ws_xml *x = ctx;
    if (len <= 0)
        return 0;
    zip_int64_t r = zip_fread(x->f, buf, (zip_uint64_t)len);
    if (r < 0) {
        x->zip_failed = 1;
        snprintf(x->zip_msg, sizeof x->zip_msg, "%s", zip_file_strerror(x->f));
        return -1;
    }
    if (r == 0 && x->read != x->declared) {
        /* what the directory says is what the data must give */
        x->zip_failed = 1;
        snprintf(x->zip_msg, sizeof x->zip_msg, "%llu bytes, the zip directory says %llu",
                 (unsigned long long)x->read, (unsigned long long)x->declared);
        return -1;
    }
    x->read += (zip_uint64_t)r;
    /* zip_fread already stops at the declared size; the cap is ours. */
    if (x->read > x->declared || x->read > WS_ZIP_MAX_PART) {
        x->too_big = 1;
        return -1;
    }
    return (int)r;
}

static int xml_close_cb(void *ctx)
{
    (void)ctx;
    return 0;
}

static void xml_error_cb(void *ctx, xmlErrorPtr e)
{
    ws_xml *x = ctx;
    if (x->xml_failed || !e || e->level < XML_ERR_ERROR)
        return;
    x->xml_failed = 1;
    snprintf(x->xml_msg, sizeof x->xml_msg, "line %d: %s", e->line,
             e->message ? e->message : "parse error");
    x->xml_msg[strcspn(x->xml_msg, "\n")] = '\0';
}

int ws_xml_open(ws_zipx *z, const char *name, ws_xml **out, ws_error *err)
{
    *out = NULL;
    zip_int64_t i = locate(z, name);
    if (i < 0)
        return ws_error_set(err, WS_ENOTFOUND, "%s: no part %s", z->name, name);
    ws_xml *x = calloc(1, sizeof *x);
    if (!x)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", z->name);
    x->z = z;
    snprintf(x->part, sizeof x->part, "%s", name);
    int orc = entry_open(z, i, name, &x->f, &x->declared, err);
    if (orc != WS_OK) {
        free(x);
        return orc;
    }
    /* No XML_PARSE_NOENT (entities stay references), no DTDLOAD, no
     * network, no HUGE (libxml2 keeps its own size and depth limits). */
    x->r = xmlReaderForIO(xml_read_cb, xml_close_cb, x, NULL, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                              XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (!x->r) {
        zip_fclose(x->f);
        free(x);
        return ws_error_set(err, WS_ENOMEM, "%s: cannot start an XML reader", z->name);
    }
    xmlTextReaderSetStructuredErrorHandler(x->r, xml_error_cb, x);
    *out = x;
    return WS_OK;
}

void ws_xml_close(ws_xml *x)
{
    if (!x)
        return;
    xmlFreeTextReader(x->r);
    zip_fclose(x->f);
    free(x);
}

int ws_xml_next(ws_xml *x, ws_error *err)
{
    int r = xmlTextReaderRead(x->r);
    const char *nm = x->z->name;
    if (x->too_big)
        return ws_error_set(err, WS_ETOOBIG,
                            "%s: part %s is larger than its container says or "
                            "over %zu MiB",
                            nm, x->part, WS_ZIP_MAX_PART >> 20);
    if (x->zip_failed)
        return ws_error_set(err, WS_EFORMAT, "%s: damaged part %s (%s)", nm, x->part, x->zip_msg);
    if (r < 0 || x->xml_failed)
        return ws_error_set(err, WS_EFORMAT, "%s: malformed XML in %s (%s)", nm, x->part,
                            x->xml_failed ? x->xml_msg : "parse error");
    if (r == 0)
        return 0;
    int t = xmlTextReaderNodeType(x->r);
    if (t == XML_READER_TYPE_DOCUMENT_TYPE)
        return ws_error_set(err, WS_EFORMAT,
                            "%s: %s declares a DTD, which Office files never do "
                            "(entity bomb?)",
                            nm, x->part);
    if (xmlTextReaderDepth(x->r) > WS_XML_MAX_DEPTH)
        return ws_error_set(err, WS_EFORMAT, "%s: %s is nested deeper than %d elements", nm,
                            x->part, WS_XML_MAX_DEPTH);
    return 1;
}

xmlTextReaderPtr ws_xml_reader(ws_xml *x)
{
    return x->r;
}

int ws_xml_type(ws_xml *x)
{
    return xmlTextReaderNodeType(x->r);
}

const char *ws_xml_name(ws_xml *x)
{
    const xmlChar *n = xmlTextReaderConstLocalName(x->r);
    return n ? (const char *)n : "";
}

int ws_xml_depth(ws_xml *x)
{
    return xmlTextReaderDepth(x->r);
}

int ws_xml_empty(ws_xml *x)
{
    return xmlTextReaderIsEmptyElement(x->r) == 1;
}

/* The value of the current element's attribute with this local name (one
 * in a namespace when qualified is set), or NULL. */
static char *find_attr(ws_xml *x, const char *local, int qualified)
{
    if (xmlTextReaderHasAttributes(x->r) != 1 || xmlTextReaderMoveToFirstAttribute(x->r) != 1)
        return NULL;
    char *v = NULL;
    do {
        const xmlChar *ln = xmlTextReaderConstLocalName(x->r);
        const xmlChar *ns = qualified ? xmlTextReaderConstNamespaceUri(x->r) : NULL;
        if (ln && (!qualified || (ns && *ns)) && !strcmp((const char *)ln, local)) {
            xmlChar *val = xmlTextReaderValue(x->r);
            if (val) {
                v = strdup((const char *)val);
                xmlFree(val);
            }
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(x->r) == 1);
    xmlTextReaderMoveToElement(x->r);
    return v;
}

char *ws_xml_attr(ws_xml *x, const char *local)
{
    return find_attr(x, local, 0);
}

const char *ws_xml_value(ws_xml *x)
{
    int t = xmlTextReaderNodeType(x->r);
    if (t != XML_READER_TYPE_TEXT && t != XML_READER_TYPE_SIGNIFICANT_WHITESPACE &&
        t != XML_READER_TYPE_WHITESPACE && t != XML_READER_TYPE_CDATA)
        return NULL;
    return (const char *)xmlTextReaderConstValue(x->r);
}

int ws_zipx_resolve(const char *base_part, const char *target, char *out, size_t cap)
{
    char tmp[1024];
    size_t n;
    if (target[0] == '/') {
        n = (size_t)snprintf(tmp, sizeof tmp, "%s", target + 1);
    } else {
        const char *slash = strrchr(base_part, '/');
        int dl = slash ? (int)(slash - base_part) : 0;
        n = (size_t)snprintf(tmp, sizeof tmp, "%.*s%s%s", dl, base_part, dl ? "/" : "", target);
    }
    if (n >= sizeof tmp)
        return 0;
    /* Walk the segments, dropping "." and applying "..". */
    size_t o = 0;
    char *save = NULL;
    for (char *seg = strtok_r(tmp, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (!strcmp(seg, "."))
            continue;
        if (!strcmp(seg, "..")) {
            if (!o)
                return 0;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o)
                o--; /* the slash before the dropped segment */
            continue;
        }
        size_t sl = strlen(seg);
        if (o + (o ? 1 : 0) + sl + 1 > cap)
            return 0;
        if (o)
            out[o++] = '/';
        memcpy(out + o, seg, sl);
        o += sl;
    }
    if (!o)
        return 0;
    out[o] = '\0';
    return 1;
}

char *ws_xml_attr_ns(ws_xml *x, const char *local)
{
    return find_attr(x, local, 1);
}

int ws_xml_skip(ws_xml *x, ws_error *err)
{
    if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || ws_xml_empty(x))
        return WS_OK;
    int d = ws_xml_depth(x);
    for (;;) {
        int r = ws_xml_next(x, err);
        if (r <= 0)
            return r ? r : ws_error_set(err, WS_EFORMAT, "%s: %s ends early", x->z->name, x->part);
        if (ws_xml_type(x) == XML_READER_TYPE_END_ELEMENT && ws_xml_depth(x) == d)
            return WS_OK;
    }
}

int ws_xml_collect(ws_xml *x, ws_buf *out, size_t max, ws_error *err)
{
    if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || ws_xml_empty(x))
        return WS_OK;
    int d = ws_xml_depth(x);
    for (;;) {
        int r = ws_xml_next(x, err);
        if (r <= 0)
            return r ? r : ws_error_set(err, WS_EFORMAT, "%s: %s ends early", x->z->name, x->part);
        if (ws_xml_type(x) == XML_READER_TYPE_END_ELEMENT && ws_xml_depth(x) == d)
            return WS_OK;
        const char *v = ws_xml_value(x);
        if (v) {
            size_t n = strlen(v);
            if (out->len + n > max)
                n = max > out->len ? max - out->len : 0;
            ws_buf_append(out, v, n);
        }
    }
}

/* ---- shared by the Office extractors ------------------------------------- */

int ws_office_meta(ws_xb *b, ws_zipx *z, const char *part, ws_error *err)
{
    if (!ws_zipx_has(z, part))
        return WS_OK;
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    ws_extracted *e = b->x;
    ws_buf v = WS_BUF_INIT;
    char *created = NULL, *modified = NULL;
    int r;
    while ((r = ws_xml_next(x, err)) == 1) {
        /* core.xml: fields are the root's children; meta.xml: children
         * of <office:meta> below the root. */
        if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || ws_xml_depth(x) < 1 || ws_xml_depth(x) > 2)
            continue;
        static const char *const fields[] = {
            "title",   "creator", "initial-creator", "subject",  "description", "keywords",
            "keyword", "created", "creation-date",   "modified", "date",        NULL};
        char name[32];
        snprintf(name, sizeof name, "%s", ws_xml_name(x));
        size_t f = 0;
        while (fields[f] && strcmp(fields[f], name))
            f++;
        if (!fields[f])
            continue;
        ws_buf_reset(&v);
        if ((r = ws_xml_collect(x, &v, WS_X_FIELD_MAX, err)) != WS_OK)
            break;
        if (!v.len)
            continue;
        const char *s = ws_buf_cstr(&v);
        if (!s) {
            b->oom = 1;
            break;
        }
        if (!strcmp(name, "title"))
            ws_xb_field(b, &e->title, s, v.len);
        else if (!strcmp(name, "creator") || !strcmp(name, "initial-creator"))
            ws_xb_list_split(b, &e->speakers, &e->nspeakers, s, v.len, ";");
        else if (!strcmp(name, "subject") || !strcmp(name, "description"))
            ws_xb_field(b, &e->description, s, v.len);
        else if (!strcmp(name, "keywords"))
            ws_xb_list_split(b, &e->tags, &e->ntags, s, v.len, ",;");
        else if (!strcmp(name, "keyword")) /* ODF: one element per keyword */
            ws_xb_list_add(b, &e->tags, &e->ntags, s, v.len);
        else if (!strcmp(name, "created") || !strcmp(name, "creation-date"))
            ws_xb_date(b, &created, s, v.len);
        else if (!strcmp(name, "modified") || !strcmp(name, "date"))
            ws_xb_date(b, &modified, s, v.len);
    }
    ws_buf_free(&v);
    ws_xml_close(x);
    /* When the talk was written says more than when it was last touched. */
    if (!e->date) {
        e->date = created ? created : modified;
        if (created)
            free(modified);
    } else {
        free(created);
        free(modified);
    }
    return r < 0 ? r : WS_OK;
}

void ws_flow_start(ws_flow *f, ws_xb *b)
{
    memset(f, 0, sizeof *f);
    f->b = b;
    f->page = 1;
    b->pages_to_sections = 1;
    ws_xb_page(b, WS_PASSAGE_PAGE, 1, NULL, 0);
}

void ws_flow_text(ws_flow *f, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n) {
        if (f->want_heading && f->section)
            ws_xb_set_heading(f->b, f->section, strlen(f->section));
        f->want_heading = 0;
        f->page_text = 1;
    }
    ws_xb_text(f->b, s, n, 1);
}

void ws_flow_heading(ws_flow *f, const char *h, size_t n)
{
    char *s = NULL;
    if (ws_text_field(h, n, WS_X_HEADING_MAX, &s)) {
        f->b->oom = 1;
        return;
    }
    if (!s)
        return; /* an empty heading is no new section */
    free(f->section);
    f->section = s;
    f->want_heading = 0;
    f->page_text = 1;
    ws_xb_page(f->b, WS_PASSAGE_PAGE, f->page, s, strlen(s));
    if (!f->b->x->title && !f->b->oom)
        ws_xb_field(f->b, &f->b->x->title, s, strlen(s));
}

void ws_flow_page_break(ws_flow *f)
{
    /* Breaks with nothing before them (a rendered break right after an
     * explicit one, a break at the very top) do not make empty pages. */
    if (!f->page_text)
        return;
    f->page++;
    f->page_text = 0;
    f->want_heading = 1;
    ws_xb_page(f->b, WS_PASSAGE_PAGE, f->page, NULL, 0);
}

void ws_flow_end(ws_flow *f)
{
    free(f->section);
    f->section = NULL;
}
