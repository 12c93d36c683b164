/*
 * test_ocr.c - unit tests for OCR (lib/extract/ocr.c, extract_img.c and the
 * scanned-page path of extract_pdf.c) on the fixtures of tests/data/ocr
 * (see make-ocr-fixtures.sh): scanned pages become PAGE passages marked
 * ocr with the known words on their pages, a stamped text layer over a
 * scan does not hide it, images of every format and a two-page TIFF;
 * ocr = off; hostile images refused with their reason before decoding;
 * missing language data named; the progress hook; the ocr bit and counts
 * through the worker record codec; the OCR settings' checks.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "index/pool.h"
#include "wsearch/config.h"
#include "config/config_int.h"
#include "wsearch/extract.h"
#define WS_TESTUTIL_OWN_EXTRACT
#include "ws_testutil.h"
#include "util/text.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif
#define OCR(name) WS_TEST_DATA "/ocr/" name

/* Recognition must not depend on the machine's speed (a sanitizer build on
 * a loaded machine takes many times the 20 s default): tests that expect
 * text allow ten minutes a page; test_page_timeout tests the limit. */
#define SLOW_PAGE 600

static ws_extracted *extract_with(const char *path, const ws_extract_options *o)
{
    ws_extract_options slow = WS_EXTRACT_OPTIONS_INIT;
    slow.ocr_page_timeout = SLOW_PAGE;
    if (!o)
        o = &slow;
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, o, &x, &err);
    if (rc != WS_OK)
        fail_msg("%s: %d %s", path, rc, err.msg);
    assert_non_null(x);
    assert_int_equal(strlen(x->text), x->text_len);
    assert_true(ws_utf8_valid(x->text, x->text_len));
    return x;
}

static void expect_fail(const char *path, const ws_extract_options *o, int code, const char *why)
{
    ws_extracted *x = NULL;
    ws_error err;
    ws_error_clear(&err);
    int rc = ws_extract_file(path, o, &x, &err);
    if (rc != code || !strstr(err.msg, why))
        fail_msg("%s: got %d '%s', expected %d '...%s...'", path, rc, err.msg, code, why);
    assert_null(x);
}

static void test_scanned_pdf(void **state)
{
    (void)state;
    ws_extracted *x = extract_with(OCR("scan.pdf"), NULL);
    assert_int_equal(x->npassages, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_PAGE);
        assert_int_equal(x->passages[i].number, i + 1);
        assert_true(x->passages[i].ocr);
    }
    assert_int_equal(only_in(x, "Kürbis")->number, 2);
    assert_int_equal(only_in(x, "Stadtteilzentrum Menschen")->number, 1);
    assert_int_equal(only_in(x, "Quartiersmanagement")->number, 3);
    assert_int_equal(x->ocr_pages, 3);
    assert_int_equal(x->ocr_skipped, 0);
    assert_true(x->ocr_seconds > 0);
    /* a short first line of the first recognised page */
    assert_non_null(x->title);
    assert_non_null(strstr(x->title, "Stadtteilzentrum"));
    ws_extracted_free(x);
}

/* Page 1 typed, page 2 a scan under a stamped "- 2 -": both found, only
 * page 2 recognised. */
static void test_mixed_pdf(void **state)
{
    (void)state;
    ws_extracted *x = extract_with(OCR("gemischt.pdf"), NULL);
    assert_int_equal(x->npassages, 2);
    const ws_passage *p1 = only_in(x, "Tagesordnung");
    assert_int_equal(p1->number, 1);
    assert_false(p1->ocr);
    const ws_passage *p2 = only_in(x, "Kürbis");
    assert_int_equal(p2->number, 2);
    assert_true(p2->ocr);
    assert_int_equal(x->ocr_pages, 1);
    assert_string_equal(x->title, "Tagesordnung der Sitzung");
    ws_extracted_free(x);
}

/* A page stored as 24 strips, each under 5 % of the page: together they
 * are a scan. */
static void test_strips(void **state)
{
    (void)state;
    ws_extracted *x = extract_with(OCR("streifen.pdf"), NULL);
    assert_int_equal(x->npassages, 1);
    assert_true(x->passages[0].ocr);
    assert_int_equal(x->passages[0].number, 1);
    assert_non_null(strstr(x->text, "Wochenmarkt"));
    ws_extracted_free(x);
}

static void check_aushang(const char *path, ws_doctype type)
{
    ws_extracted *x = extract_with(path, NULL);
    assert_int_equal(x->type, type);
    assert_int_equal(x->npassages, 1);
    assert_int_equal(x->passages[0].kind, WS_PASSAGE_PAGE);
    assert_int_equal(x->passages[0].number, 1);
    assert_true(x->passages[0].ocr);
    assert_non_null(strstr(x->text, "Nähwerkstatt"));
    assert_non_null(strstr(x->text, "Schneiderinnen"));
    assert_int_equal(x->ocr_pages, 1);
    ws_extracted_free(x);
}

static void test_images(void **state)
{
    (void)state;
    assert_int_equal(ws_doctype_from_path("a/B.PNG"), WS_DOC_PNG);
    assert_int_equal(ws_doctype_from_path("b.jpeg"), WS_DOC_JPEG);
    assert_int_equal(ws_doctype_from_path("c.tif"), WS_DOC_TIFF);
    assert_string_equal(ws_doctype_name(WS_DOC_JPEG), "jpg");
    assert_int_equal(ws_doctype_from_name("tiff"), WS_DOC_TIFF);
    check_aushang(OCR("aushang.png"), WS_DOC_PNG);
    check_aushang(OCR("aushang.jpg"), WS_DOC_JPEG);
    /* two pages of a TIFF: two PAGE passages */
    ws_extracted *x = extract_with(OCR("mappe.tif"), NULL);
    assert_int_equal(x->npassages, 2);
    assert_int_equal(only_in(x, "Nähwerkstatt")->number, 1);
    assert_int_equal(only_in(x, "Kochabend")->number, 2);
    assert_true(x->passages[1].ocr);
    assert_int_equal(x->ocr_pages, 2);
    ws_extracted_free(x);
}

static void test_ocr_off(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.ocr = WS_OCR_OFF;
    o.ocr_page_timeout = SLOW_PAGE;
    expect_fail(OCR("scan.pdf"), &o, WS_EFORMAT, "no text layer in 3 pages");
    expect_fail(OCR("aushang.png"), &o, WS_EUNSUPPORTED, "OCR is off");
    /* the typed page of a mixed file is still read, the scan is not */
    ws_extracted *x = extract_with(OCR("gemischt.pdf"), &o);
    assert_int_equal(x->ocr_pages, 0);
    assert_null(strstr(x->text, "Kürbis"));
    assert_non_null(strstr(x->text, "Tagesordnung"));
    ws_extracted_free(x);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)n);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return d;
}

static void expect_buffer_fail(ws_doctype t, const char *d, size_t n, int code, const char *why)
{
    ws_extracted *x = NULL;
    ws_error err;
    ws_error_clear(&err);
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.ocr_page_timeout = SLOW_PAGE;
    int rc = ws_extract_buffer(t, d, n, "bild", &o, &x, &err);
    if (rc != code || !strstr(err.msg, why))
        fail_msg("got %d '%s', expected %d '...%s...'", rc, err.msg, code, why);
    assert_null(x);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void test_hostile_images(void **state)
{
    (void)state;
    size_t n = 0, jn = 0;
    char *png = slurp(OCR("aushang.png"), &n);
    char *jpg = slurp(OCR("aushang.jpg"), &jn);
    /* a PNG that claims 100 000 x 100 000 pixels: refused unread */
    char *big = malloc(n);
    assert_non_null(big);
    memcpy(big, png, n);
    put_be32((unsigned char *)big + 16, 100000);
    put_be32((unsigned char *)big + 20, 100000);
    expect_buffer_fail(WS_DOC_PNG, big, n, WS_ETOOBIG, "over the limit of 50 megapixels");
    free(big);
    /* cut short: the header is fine, the pixels are not */
    expect_buffer_fail(WS_DOC_PNG, png, 400, WS_EFORMAT, "damaged image");
    expect_buffer_fail(WS_DOC_PNG, png, 20, WS_EFORMAT, "damaged image");
    expect_buffer_fail(WS_DOC_PNG, png, 0, WS_EFORMAT, "empty file");
    expect_buffer_fail(WS_DOC_PNG, png, 5, WS_EFORMAT, "not a PNG image");
    /* a JPEG named .png, a PDF named .jpg, text named .tif */
    expect_buffer_fail(WS_DOC_PNG, jpg, jn, WS_EFORMAT, "content is a JPEG image, not a PNG");
    expect_buffer_fail(WS_DOC_JPEG, "%PDF-1.4\n%%EOF\n", 15, WS_EFORMAT, "not a JPEG image");
    static const char text[] = "Das ist kein Bild, nur ein Text.";
    expect_buffer_fail(WS_DOC_TIFF, text, sizeof text - 1, WS_EFORMAT, "not a TIFF image");
    /* a TIFF header and nothing after it */
    static const char tiff[16] = "II*\0\x08\0\0\0\xff\xff\0\0\0\0\0";
    expect_buffer_fail(WS_DOC_TIFF, tiff, sizeof tiff, WS_EFORMAT, "damaged");
    free(png);
    free(jpg);
    /* a blank page: a valid image, no text in it */
    PIX *white = pixCreate(600, 800, 8);
    assert_non_null(white);
    pixSetAll(white);
    l_uint8 *blank = NULL;
    size_t bn = 0;
    assert_int_equal(pixWriteMem(&blank, &bn, white, IFF_PNG), 0);
    expect_buffer_fail(WS_DOC_PNG, (const char *)blank, bn, WS_EFORMAT,
                       "OCR recognised no text in 1 image page (a photo, or text too small");
    lept_free(blank);
    pixDestroy(&white);
}

static void test_missing_language(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.ocr_languages = "xyz";
    o.ocr_page_timeout = SLOW_PAGE;
    expect_fail(OCR("aushang.png"), &o, WS_EUNSUPPORTED,
                "OCR needs Tesseract's language data 'xyz'");
    expect_fail(OCR("scan.pdf"), &o, WS_EUNSUPPORTED, "install tesseract-ocr-xyz");
    /* a text PDF never needs it */
    ws_extracted *x = extract_with(WS_TEST_DATA "/docs/bericht.pdf", &o);
    assert_int_equal(x->ocr_pages, 0);
    ws_extracted_free(x);
}

static unsigned hook_pages[8], hook_calls;

static void hook(void *ctx, unsigned page)
{
    assert_ptr_equal(ctx, &hook_calls);
    if (hook_calls < 8)
        hook_pages[hook_calls] = page;
    hook_calls++;
}

/* The pool extends a file's deadline from this hook: once per OCR page. */
static void test_page_hook(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.ocr_page_timeout = SLOW_PAGE;
    o.ocr_page_hook = hook;
    o.ocr_hook_ctx = &hook_calls;
    ws_extracted *x = extract_with(OCR("scan.pdf"), &o);
    assert_int_equal(hook_calls, 3);
    assert_int_equal(hook_pages[0], 1);
    assert_int_equal(hook_pages[2], 3);
    ws_extracted_free(x);
    hook_calls = 0;
    x = extract_with(OCR("gemischt.pdf"), &o);
    assert_int_equal(hook_calls, 1);
    assert_int_equal(hook_pages[0], 2);
    ws_extracted_free(x);
}

static void slow_hook(void *ctx, unsigned page)
{
    (void)ctx;
    (void)page;
    struct timespec t = {1, 100 * 1000 * 1000};
    nanosleep(&t, NULL);
}

/* A page over ocr_page_timeout (here the hook spends the page's second) is
 * left out and counted; a file whose only pages are left out says so. */
static void test_page_timeout(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.ocr_page_timeout = 1;
    o.ocr_page_hook = slow_hook;
    expect_fail(OCR("aushang.png"), &o, WS_EFORMAT, "(over the OCR time limit)");
    expect_fail(OCR("kopie.pdf"), &o, WS_EFORMAT, "(some over the OCR time limit)");
    /* the typed page of a mixed PDF stays; the scan is counted as skipped */
    ws_extracted *x = extract_with(OCR("gemischt.pdf"), &o);
    assert_int_equal(x->ocr_skipped, 1);
    assert_int_equal(x->ocr_pages, 0);
    assert_int_equal(x->npassages, 2); /* page 2 keeps its stamp, "- 2 -" */
    assert_false(x->passages[1].ocr);
    ws_extracted_free(x);
}

/* What a worker sends keeps the ocr bit and the counts; a record with an
 * unknown bit in a passage's kind is refused. */
static void test_codec(void **state)
{
    (void)state;
    ws_extracted *x = extract_with(OCR("gemischt.pdf"), NULL);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ws_pool_encode(x, &buf, &len), WS_OK);
    ws_extracted *y = NULL;
    ws_error err;
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_PDF, 16 << 20, &y, &err), WS_OK);
    assert_int_equal(y->npassages, 2);
    assert_false(y->passages[0].ocr);
    assert_true(y->passages[1].ocr);
    assert_int_equal(y->ocr_pages, 1);
    assert_true(y->ocr_seconds > 0 && y->ocr_seconds < x->ocr_seconds + 0.01);
    assert_string_equal(y->text, x->text);
    ws_extracted_free(y);
    for (size_t cut = 0; cut < len; cut += 7) {
        y = NULL;
        assert_int_equal(ws_pool_decode(buf, cut, WS_DOC_PDF, 16 << 20, &y, &err), WS_EFORMAT);
        assert_null(y);
    }
    /* find the second passage's kind word (PAGE | 0x100) and set bit 9 */
    uint32_t want = WS_PASSAGE_PAGE | 0x100u;
    size_t at = len;
    for (size_t i = 0; i + 4 <= len; i++) {
        uint32_t v;
        memcpy(&v, buf + i, 4);
        if (v == want) {
            at = i;
            break;
        }
    }
    assert_true(at < len);
    uint32_t bad = want | 0x200u;
    memcpy(buf + at, &bad, 4);
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_PDF, 16 << 20, &y, &err), WS_EFORMAT);
    assert_non_null(strstr(err.msg, "unknown passage kind"));
    free(buf);
    ws_extracted_free(x);
}

static void test_settings(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    ws_error err;
    assert_int_equal(o.ocr, WS_OCR_AUTO);
    assert_int_equal(o.ocr_dpi, 300);
    assert_int_equal(o.ocr_page_timeout, 20);
    assert_int_equal(ws_config_ocr_set(&o, "ocr", "off", &err), WS_OK);
    assert_int_equal(o.ocr, WS_OCR_OFF);
    assert_int_equal(ws_config_ocr_set(&o, "ocr", "auto", &err), WS_OK);
    assert_int_equal(o.ocr, WS_OCR_AUTO);
    assert_int_equal(ws_config_ocr_set(&o, "ocr", "yes", &err), WS_EINVAL);
    assert_non_null(strstr(err.msg, "expected auto or off"));
    assert_int_equal(ws_config_ocr_set(&o, "ocr_languages", "deu+eng", &err), WS_OK);
    assert_string_equal(o.ocr_languages, "deu+eng");
    static const char *const bad_langs[] = {
        "", "+deu", "deu+", "deu++eng", "../etc", "de u", "a+b+c+d+e+f+g+h+i"};
    for (size_t i = 0; i < sizeof bad_langs / sizeof *bad_langs; i++)
        assert_int_equal(ws_config_ocr_set(&o, "ocr_languages", bad_langs[i], &err), WS_EINVAL);
    assert_string_equal(o.ocr_languages, "deu+eng");
    assert_int_equal(ws_config_ocr_set(&o, "ocr_dpi", "200", &err), WS_OK);
    assert_int_equal(o.ocr_dpi, 200);
    assert_int_equal(ws_config_ocr_set(&o, "ocr_dpi", "69", &err), WS_EINVAL);
    assert_int_equal(ws_config_ocr_set(&o, "ocr_dpi", "300dpi", &err), WS_EINVAL);
    assert_int_equal(ws_config_ocr_set(&o, "ocr_page_timeout", "0", &err), WS_EINVAL);
    assert_non_null(strstr(err.msg, "ocr_page_timeout = '0': expected a number from 1 to 3600"));
    assert_int_equal(ws_config_ocr_set(&o, "ocr_page_timeout", "45", &err), WS_OK);
    assert_int_equal(o.ocr_page_timeout, 45);
    /* from a configuration */
    ws_config *c = NULL;
    assert_int_equal(ws_config_new(&c, &err), WS_OK);
    assert_int_equal(ws_config_set(c, "ocr", "off", &err), WS_OK);
    assert_int_equal(ws_config_set(c, "ocr_dpi", "150", &err), WS_OK);
    ws_extract_options p = WS_EXTRACT_OPTIONS_INIT;
    assert_int_equal(ws_config_ocr(c, &p, &err), WS_OK);
    assert_int_equal(p.ocr, WS_OCR_OFF);
    assert_int_equal(p.ocr_dpi, 150);
    assert_int_equal(p.ocr_page_timeout, 20);
    assert_int_equal(ws_config_set(c, "ocr_languages", "deu;rm -rf", &err), WS_OK);
    assert_int_equal(ws_config_ocr(c, &p, &err), WS_EINVAL);
    ws_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanned_pdf),    cmocka_unit_test(test_mixed_pdf),
        cmocka_unit_test(test_images),         cmocka_unit_test(test_ocr_off),
        cmocka_unit_test(test_hostile_images), cmocka_unit_test(test_missing_language),
        cmocka_unit_test(test_page_hook),      cmocka_unit_test(test_codec),
        cmocka_unit_test(test_settings),       cmocka_unit_test(test_page_timeout),
        cmocka_unit_test(test_strips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
