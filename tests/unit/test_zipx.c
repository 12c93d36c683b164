/*
 * test_zipx.c - unit tests for the lenient zip container layer
 * (lib/extract/zipx.c): valid files whose local headers disagree with the
 * central directory, and a deck with a highly compressible picture that
 * is never read, are extracted (tests/data/docs/lenient, made by
 * make-lenient.sh); data that does not match the directory (an entry
 * that inflates to fewer bytes than declared, a bad CRC, an entry whose
 * local header is not where the directory says) and a bomb in a part that
 * is read are still refused with their reason.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wsearch/extract.h"
#include "extract/zipx.h"
#include "ws_testutil.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif

static void expect_word(const char *name, const char *word, ws_passage_kind kind, unsigned number)
{
    char path[512];
    snprintf(path, sizeof path, "%s/docs/lenient/%s", WS_TEST_DATA, name);
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, NULL, &x, &err);
    if (rc != WS_OK)
        fail_msg("%s refused: %s", name, err.msg);
    const ws_passage *p = NULL;
    for (size_t i = 0; i < x->npassages && !p; i++)
        if (strstr(x->passages[i].text, word))
            p = &x->passages[i];
    if (!p)
        fail_msg("%s: '%s' not extracted", name, word);
    assert_int_equal(p->kind, kind);
    assert_int_equal(p->number, number);
    ws_extracted_free(x);
}

static void test_lenient_fixtures(void **state)
{
    (void)state;
    expect_word("zeit.docx", "Zugvogel", WS_PASSAGE_PAGE, 3);
    expect_word("version.docx", "Zugvogel", WS_PASSAGE_PAGE, 3);
    expect_word("deskriptor.docx", "Zugvogel", WS_PASSAGE_PAGE, 3);
    expect_word("extra.pptx", "Leuchtturmwärter", WS_PASSAGE_SLIDE, 3);
    expect_word("bild.pptx", "Leuchtturmwärter", WS_PASSAGE_SLIDE, 3);
}

/* ---- containers written here ------------------------------------------ */

static const char CONTENT[] = "<?xml version=\"1.0\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:body><office:text><text:p>Gartenzwerg</text:p>"
                              "</office:text></office:body></office:document-content>";

static int extract_zip(const unsigned char *zip, size_t n, ws_error *err)
{
    ws_extracted *x = NULL;
    int rc = ws_extract_buffer(WS_DOC_ODT, (const char *)zip, n, "t.odt", NULL, &x, err);
    if (rc == WS_OK) {
        assert_non_null(strstr(x->text, "Gartenzwerg"));
        ws_extracted_free(x);
    }
    return rc;
}

static void test_directory_is_checked_against_data(void **state)
{
    (void)state;
    static unsigned char zip[8192];
    ws_error err;
    size_t n = make_zip_claiming(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
    assert_int_equal(extract_zip(zip, n, &err), WS_OK);

    /* The directory claims more than the entry holds. */
    n = make_zip_claiming(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT) + 100, 0);
    int rc = extract_zip(zip, n, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "content.xml"));

    /* A flipped byte in the data: the CRC says so. */
    n = make_zip_claiming(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
    zip[30 + strlen("content.xml") + 60] ^= 0x01;
    rc = extract_zip(zip, n, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "content.xml"));

    /* The directory points the entry at a place that is no local header. */
    n = make_zip_claiming(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 7);
    rc = extract_zip(zip, n, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "t.odt"));
}

/* A large, highly compressible part: refused when it is read, ignored
 * when it is not (a picture). */
static void test_ratio_only_for_parts_read(void **state)
{
    (void)state;
    static unsigned char zip[8192];
    size_t n = make_zip_claiming(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
    /* Patch the directory's sizes: 8 MiB from the few stored bytes. */
    size_t cd = 30 + strlen("content.xml") + strlen(CONTENT);
    le32(zip + cd + 24, 8u << 20);
    ws_xb b;
    memset(&b, 0, sizeof b);
    b.name = "r.odt";
    ws_zipx *z = NULL;
    ws_error err;
    assert_int_equal(ws_zipx_open(&b, (const char *)zip, n, &z, &err), WS_OK);
    ws_xml *x = NULL;
    assert_int_equal(ws_xml_open(z, "content.xml", &x, &err), WS_ETOOBIG);
    assert_non_null(strstr(err.msg, "zip bomb"));
    assert_null(x);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ws_zipx_read(z, "content.xml", 1 << 20, &buf, &len, &err), WS_ETOOBIG);
    assert_null(buf);
    ws_zipx_close(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenient_fixtures),
        cmocka_unit_test(test_directory_is_checked_against_data),
        cmocka_unit_test(test_ratio_only_for_parts_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
