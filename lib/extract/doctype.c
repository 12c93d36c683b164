/*
 * doctype.c - what a file is: its type from its name, and whether its first
 * bytes agree.
 *
 * The extension decides the extractor (as Omega's omindex does); the
 * content only vetoes: an Office or PDF file whose first bytes say
 * something else is refused with a message naming both, before any parser
 * sees it, so "report.pdf" that is really a zip gets a clear one-line
 * reason instead of a parser's complaint.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <string.h>

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

ws_doctype ws_doctype_from_path(const char *path)
{
    static const struct {
        const char *ext;
        ws_doctype type;
    } exts[] = {{"txt", WS_DOC_TXT},     {"text", WS_DOC_TXT},  {"md", WS_DOC_MD},
                {"markdown", WS_DOC_MD}, {"html", WS_DOC_HTML}, {"htm", WS_DOC_HTML},
                {"xhtml", WS_DOC_HTML},  {"pdf", WS_DOC_PDF},   {"pptx", WS_DOC_PPTX},
                {"odp", WS_DOC_ODP},     {"docx", WS_DOC_DOCX}, {"odt", WS_DOC_ODT},
                {"xlsx", WS_DOC_XLSX},   {"ods", WS_DOC_ODS},   {"doc", WS_DOC_DOC},
                {"ppt", WS_DOC_PPT},     {"xls", WS_DOC_XLS},   {"rtf", WS_DOC_RTF},
                {"pps", WS_DOC_PPT},     {"pot", WS_DOC_PPT},   {"dot", WS_DOC_DOC},
                {"xlt", WS_DOC_XLS},     {"png", WS_DOC_PNG},   {"jpg", WS_DOC_JPEG},
                {"jpeg", WS_DOC_JPEG},   {"tif", WS_DOC_TIFF},  {"tiff", WS_DOC_TIFF}};
    if (!path)
        return WS_DOC_UNKNOWN;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) /* no extension, or a dot file such as ".md" */
        return WS_DOC_UNKNOWN;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (ascii_casecmp(dot + 1, exts[i].ext) == 0)
            return exts[i].type;
    return WS_DOC_UNKNOWN;
}

const char *ws_doctype_name(ws_doctype t)
{
    switch (t) {
    case WS_DOC_TXT:
        return "txt";
    case WS_DOC_MD:
        return "md";
    case WS_DOC_HTML:
        return "html";
    case WS_DOC_PDF:
        return "pdf";
    case WS_DOC_PPTX:
        return "pptx";
    case WS_DOC_ODP:
        return "odp";
    case WS_DOC_DOCX:
        return "docx";
    case WS_DOC_ODT:
        return "odt";
    case WS_DOC_XLSX:
        return "xlsx";
    case WS_DOC_ODS:
        return "ods";
    case WS_DOC_PNG:
        return "png";
    case WS_DOC_JPEG:
        return "jpg";
    case WS_DOC_TIFF:
        return "tiff";
    case WS_DOC_DOC:
        return "doc";
    case WS_DOC_PPT:
        return "ppt";
    case WS_DOC_XLS:
        return "xls";
    case WS_DOC_RTF:
        return "rtf";
    default:
        return "unknown";
    }
}

ws_doctype ws_doctype_from_name(const char *name)
{
    if (!name)
        return WS_DOC_UNKNOWN;
    for (int t = WS_DOC_TXT; t < WS_DOC_COUNT_; t++)
        if (strcmp(name, ws_doctype_name((ws_doctype)t)) == 0)
            return (ws_doctype)t;
    return WS_DOC_UNKNOWN;
}

/* What the first bytes of a binary document say it is, or NULL. */
static const char *magic_name(const char *d, size_t len)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *name;
    } m[] = {
        {"%PDF-", 5, "a PDF"},
        {"PK\x03\x04", 4, "a zip container"},
        {"PK\x05\x06", 4, "an empty zip container"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "an OLE compound file"},
        {"\x89PNG", 4, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"},
        {"{\\rtf", 5, "an RTF document"},
        {"<?xml", 5, "an XML document"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (len >= m[i].len && !memcmp(d, m[i].magic, m[i].len))
            return m[i].name;
    return NULL;
}

/*
 * Office and PDF files say what they are in their first bytes; a file whose
 * content is not what its extension promises is refused here with a
 * message naming both, before any parser sees it.
 */
int ws_x_sniff_container(ws_doctype type, const char *d, size_t len, const char *name,
                         ws_error *err)
{
    const char *want = ws_doctype_name(type);
    if (len == 0)
        return ws_error_set(err, WS_EFORMAT, "%s: empty file (0 bytes), not a valid %s", name,
                            want);
    const char *is = magic_name(d, len);
    if (type == WS_DOC_PDF) {
        /* The header may come after some junk, as readers allow. */
        size_t look = len < 1024 ? len : 1024;
        for (size_t i = 0; i + 5 <= look; i++)
            if (!memcmp(d + i, "%PDF-", 5))
                return WS_OK;
        if (is)
            return ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a PDF (wrong extension?)",
                                name, is);
        return ws_error_set(err, WS_EFORMAT, "%s: not a PDF (no %%PDF- header)", name);
    }
    int ole = type == WS_DOC_DOC || type == WS_DOC_PPT || type == WS_DOC_XLS;
    if (is && !strcmp(is, "an OLE compound file") && ole)
        return WS_OK;
    if (is && !strcmp(is, "an RTF document") && (type == WS_DOC_RTF || type == WS_DOC_DOC))
        return WS_OK; /* Word has always let users save RTF under a .doc name */
    if (type == WS_DOC_RTF)
        return ws_error_set(err, WS_EFORMAT, "%s: not an RTF document (no {\\rtf header)", name);
    if (is && !strncmp(is, "a zip", 5) && !ole)
        return WS_OK;
    if (is && !strcmp(is, "an OLE compound file") &&
        (type == WS_DOC_PPTX || type == WS_DOC_DOCX || type == WS_DOC_XLSX))
        /* Office stores password-protected OOXML files in an OLE container
         * (EncryptedPackage); an old binary .ppt/.doc renamed looks the same. */
        return ws_error_set(err, WS_EUNSUPPORTED,
                            "%s: encrypted (password-protected) Office file or legacy binary "
                            "format, skipped",
                            name);
    if (is)
        return ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a %s (wrong extension?)", name,
                            is, want);
    return ws_error_set(err, WS_EFORMAT, "%s: not a %s (not %s)", name, want,
                        ole ? "an OLE compound file" : "a zip container");
}
