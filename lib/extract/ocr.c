/*
 * ocr.c - page images to text with Tesseract's C API.
 *
 * Design.  Tesseract is loaded with dlopen on first use, in the process
 * that recognises (an extraction worker), not linked into wsearch: Debian
 * builds it with OpenMP, and libgomp reads OMP_THREAD_LIMIT only when it is
 * loaded.  Unbounded, each recognition starts up to ten threads, and two
 * workers on two cores took 3.0 s a page instead of 0.5 s; so
 * OMP_THREAD_LIMIT=1 is set (unless the user set it) before loading, and
 * the pool's -j workers use -j cores.  Loading lazily also means wsearch
 * without libtesseract5 still indexes everything else, and a file that
 * needs OCR fails with a message naming the package.
 *
 * One TessBaseAPI per process is kept between files (loading the German
 * model takes 0.1 s) and re-initialised only when the languages change.
 * Every page gets ocr_page_timeout seconds, enforced by Tesseract's own
 * monitor deadline (it stops between words); a page over it is skipped and
 * counted.  The worker's wall-clock and CPU limits still hold around all
 * of this (see pool.c): they are extended page by page, never lifted.
 * Tesseract's messages (tprintf) go to /dev/null: the file's outcome is
 * reported by the indexer.
 *
 * Memory: a worker recognising a 300 dpi A4 page peaks at 190 MB of address
 * space (bench/ocr_bench.sh), Tesseract and its model included, so OCR runs
 * under the same 2 GiB RLIMIT_AS as every other file; page images are kept
 * under WS_OCR_MAX_PIXELS, so no page can need much more.
 */
#define _POSIX_C_SOURCE 200809L
#include "extract/ocr.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#ifndef WS_TESSERACT_LIB
#define WS_TESSERACT_LIB "libtesseract.so.5"
#endif

/* The functions used, typed from capi.h and looked up once. */
#define WS_TESS_FUNCS(X)                                                                           \
    X(TessBaseAPICreate)                                                                           \
    X(TessBaseAPIDelete)                                                                           \
    X(TessBaseAPIEnd)                                                                              \
    X(TessBaseAPIInit3)                                                                            \
    X(TessBaseAPISetVariable)                                                                      \
    X(TessBaseAPIGetDatapath)                                                                      \
    X(TessBaseAPIGetLoadedLanguagesAsVector)                                                       \
    X(TessBaseAPISetPageSegMode)                                                                   \
    X(TessBaseAPISetImage2)                                                                        \
    X(TessBaseAPISetSourceResolution)                                                              \
    X(TessBaseAPIRecognize)                                                                        \
    X(TessBaseAPIGetUTF8Text)                                                                      \
    X(TessBaseAPIClear)                                                                            \
    X(TessDeleteText)                                                                              \
    X(TessDeleteTextArray)                                                                         \
    X(TessMonitorCreate)                                                                           \
    X(TessMonitorDelete)                                                                           \
    X(TessMonitorSetDeadlineMSecs)

static struct {
    int tried, ok;
    char why[256];
#define WS_TESS_PTR(f) __typeof__(f) *f;
    WS_TESS_FUNCS(WS_TESS_PTR)
#undef WS_TESS_PTR
} T;

static TessBaseAPI *api; /* initialised for api_langs */
static char api_langs[256];

double ws_ocr_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int load_tesseract(ws_error *err, const char *name)
{
    if (!T.tried) {
        T.tried = 1;
        /* Before libgomp is loaded (see the top of this file). */
        setenv("OMP_THREAD_LIMIT", "1", 0);
        void *h = dlopen(WS_TESSERACT_LIB, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            snprintf(T.why, sizeof T.why,
                     "OCR needs Tesseract, and %s cannot be loaded (install libtesseract5)",
                     WS_TESSERACT_LIB);
        } else {
            T.ok = 1;
#define WS_TESS_SYM(f)                                                                             \
    if (T.ok && !(*(void **)&T.f = dlsym(h, #f))) {                                                \
        snprintf(T.why, sizeof T.why, "OCR: %s has no %s (wrong Tesseract version?)",              \
                 WS_TESSERACT_LIB, #f);                                                            \
        T.ok = 0;                                                                                  \
    }
            WS_TESS_FUNCS(WS_TESS_SYM)
#undef WS_TESS_SYM
            /* Leptonica complains on stderr about every odd image. */
            setMsgSeverity(L_SEVERITY_NONE);
        }
    }
    if (!T.ok)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: %s", name, T.why);
    return WS_OK;
}

/* The Debian package that holds a language's data: chi_sim is in
 * tesseract-ocr-chi-sim. */
static void package_name(const char *lang, size_t n, char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "tesseract-ocr-");
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        out[o++] = lang[i] == '_' ? '-' : (char)(lang[i] | 0x20);
    out[o < cap ? o : cap - 1] = '\0';
}

/* A TessBaseAPI for langs, Tesseract's chatter silenced; NULL and *why on
 * failure. */
static TessBaseAPI *new_api(const char *langs, char *why, size_t cap)
{
    TessBaseAPI *a = T.TessBaseAPICreate();
    if (!a) {
        snprintf(why, cap, "OCR: Tesseract could not start");
        return NULL;
    }
    T.TessBaseAPISetVariable(a, "debug_file", "/dev/null");
    if (T.TessBaseAPIInit3(a, NULL, langs) != 0) {
        const char *dp = T.TessBaseAPIGetDatapath(a);
        size_t n = strcspn(langs, "+");
        char pkg[80];
        package_name(langs, n, pkg, sizeof pkg);
        snprintf(why, cap,
                 "OCR needs Tesseract's language data '%.*s', not found in %s "
                 "(install %s, or set ocr_languages)",
                 (int)n, langs, dp && *dp ? dp : "its tessdata folder", pkg);
        T.TessBaseAPIDelete(a);
        return NULL;
    }
    T.TessBaseAPISetVariable(a, "debug_file", "/dev/null");
    /* Automatic page segmentation: columns, headings and notes on one page
     * (the API's default is a single block). */
    T.TessBaseAPISetPageSegMode(a, PSM_AUTO);
    return a;
}

static int get_api(ws_xb *b, ws_error *err)
{
    int rc = load_tesseract(err, b->name);
    if (rc != WS_OK)
        return rc;
    const char *langs = b->opts->ocr_languages ? b->opts->ocr_languages : "deu";
    if (strlen(langs) >= sizeof api_langs)
        return ws_error_set(err, WS_EINVAL, "%s: OCR languages '%.40s...' too long", b->name,
                            langs);
    if (api && !strcmp(api_langs, langs))
        return WS_OK;
    if (api) {
        T.TessBaseAPIEnd(api);
        T.TessBaseAPIDelete(api);
        api = NULL;
    }
    char why[512];
    if (!(api = new_api(langs, why, sizeof why)))
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: %s", b->name, why);
    snprintf(api_langs, sizeof api_langs, "%s", langs);
    return WS_OK;
}

int ws_ocr_missing_languages(const char *want, char **missing, ws_error *err)
{
    *missing = NULL;
    int rc = load_tesseract(err, "OCR");
    if (rc != WS_OK)
        return rc;
    char why[512];
    TessBaseAPI *a = new_api(want, why, sizeof why);
    char **loaded = a ? T.TessBaseAPIGetLoadedLanguagesAsVector(a) : NULL;
    char out[256] = "";
    size_t ol = 0;
    for (const char *s = want; *s;) {
        size_t n = strcspn(s, "+");
        int found = 0;
        for (char **l = loaded; l && *l && !found; l++)
            found = strlen(*l) == n && !strncmp(*l, s, n);
        if (!found && n && ol + n + 2 < sizeof out)
            ol += (size_t)snprintf(out + ol, sizeof out - ol, "%s%.*s", ol ? "+" : "", (int)n, s);
        s += n + (s[n] == '+');
    }
    if (loaded)
        T.TessDeleteTextArray(loaded);
    if (a) {
        T.TessBaseAPIEnd(a);
        T.TessBaseAPIDelete(a);
    }
    if (ol && !(*missing = strdup(out)))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    return WS_OK;
}

double ws_ocr_begin(ws_xb *b, unsigned number)
{
    if (b->x->ocr_pages + b->x->ocr_skipped >= WS_OCR_MAX_PAGES)
        return 0;
    /* The page's time runs from its announcement on. */
    double t = ws_ocr_now();
    if (b->opts->ocr_page_hook)
        b->opts->ocr_page_hook(b->opts->ocr_hook_ctx, number);
    return t;
}

/* Tesseract keeps a word broken at the end of a line as "Gemeinde-\nhaus";
 * joined when the next line goes on in lower case, so the word is found. */
static void join_broken_words(char *t)
{
    char *o = t;
    for (char *s = t; *s;) {
        unsigned char prev = o > t ? (unsigned char)o[-1] : ' ';
        int letter = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') || prev >= 0x80;
        unsigned char n1 = (unsigned char)s[1] == '\n' ? (unsigned char)s[2] : 0;
        int lower = (n1 >= 'a' && n1 <= 'z') ||
                    (n1 == 0xC3 && s[3] && strchr("\xA4\xB6\xBC\x9F", s[3])); /* äöüß */
        if (s[0] == '-' && s[1] == '\n' && letter && lower) {
            s += 2;
            continue;
        }
        *o++ = *s++;
    }
    *o = '\0';
}

int ws_ocr_page(ws_xb *b, struct Pix *pix, int dpi, unsigned number, double started,
                char **text_out, ws_error *err)
{
    if (text_out)
        *text_out = NULL;
    int rc = get_api(b, err);
    if (rc != WS_OK)
        return rc;
    unsigned limit = b->opts->ocr_page_timeout ? b->opts->ocr_page_timeout : 20;
    double left = (double)limit - (ws_ocr_now() - started);
    if (left <= 0) { /* rendering took it all */
        b->x->ocr_skipped++;
        b->x->ocr_seconds += ws_ocr_now() - started;
        return WS_OK;
    }
    ETEXT_DESC *mon = T.TessMonitorCreate();
    if (!mon)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    /* What rendering took counts against the page's time. */
    T.TessMonitorSetDeadlineMSecs(mon, left > 0.001 ? (int)(left * 1000) : 1);
    T.TessBaseAPISetImage2(api, pix);
    if (dpi >= 70 && dpi <= 2400)
        T.TessBaseAPISetSourceResolution(api, dpi);
    int ok = T.TessBaseAPIRecognize(api, mon) == 0 && ws_ocr_now() - started <= limit + 1.0;
    char *text = ok ? T.TessBaseAPIGetUTF8Text(api) : NULL;
    T.TessMonitorDelete(mon);
    T.TessBaseAPIClear(api);
    if (!ok) {
        b->x->ocr_skipped++;
    } else {
        b->x->ocr_pages++;
        if (text) {
            join_broken_words(text);
            size_t n = strlen(text), blank = strspn(text, " \t\r\n\f");
            if (blank < n) {
                ws_xb_page(b, WS_PASSAGE_PAGE, number, NULL, 0);
                b->cur_ocr = 1;
                ws_xb_text(b, text, n, 0);
                if (text_out && !(*text_out = strdup(text)))
                    b->oom = 1;
            }
        }
    }
    if (text)
        T.TessDeleteText(text);
    b->x->ocr_seconds += ws_ocr_now() - started;
    return WS_OK;
}
