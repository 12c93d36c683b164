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

static void le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void le32(unsigned char *p, uint32_t v)
{
    le16(p, v & 0xFFFF);
    le16(p + 2, v >> 16);
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* One stored entry; the central directory claims usize bytes and puts the
 * local header at offset off (the truth: usize = strlen(data), off = 0). */
static size_t make_zip(unsigned char *out, const char *name, const char *data, uint32_t usize,
                       uint32_t off)
{
    size_t nl = strlen(name), dl = strlen(data), o = 0;
    uint32_t crc = crc32_of((const unsigned char *)data, dl);
    unsigned char *h = out;
    memset(h, 0, 30);
    le32(h, 0x04034b50);
    le16(h + 4, 20);
    le32(h + 14, crc);
    le32(h + 18, (uint32_t)dl);
    le32(h + 22, (uint32_t)dl);
    le16(h + 26, (unsigned)nl);
    o = 30;
    memcpy(out + o, name, nl);
    o += nl;
    memcpy(out + o, data, dl);
    o += dl;
    size_t cd = o;
    h = out + o;
    memset(h, 0, 46);
    le32(h, 0x02014b50);
    le16(h + 4, 20);
    le16(h + 6, 20);
    le32(h + 16, crc);
    le32(h + 20, (uint32_t)dl);
    le32(h + 24, usize);
    le16(h + 28, (unsigned)nl);
    le32(h + 42, off);
    o += 46;
    memcpy(out + o, name, nl);
    o += nl;
    h = out + o;
    memset(h, 0, 22);
    le32(h, 0x06054b50);
    le16(h + 8, 1);
    le16(h + 10, 1);
    le32(h + 12, (uint32_t)(o - cd));
    le32(h + 16, (uint32_t)cd);
    return o + 22;
}

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
    size_t n = make_zip(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
    assert_int_equal(extract_zip(zip, n, &err), WS_OK);

    /* The directory claims more than the entry holds. */
    n = make_zip(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT) + 100, 0);
    int rc = extract_zip(zip, n, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "content.xml"));

    /* A flipped byte in the data: the CRC says so. */
    n = make_zip(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
    zip[30 + strlen("content.xml") + 60] ^= 0x01;
    rc = extract_zip(zip, n, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "content.xml"));

    /* The directory points the entry at a place that is no local header. */
    n = make_zip(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 7);
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
    size_t n = make_zip(zip, "content.xml", CONTENT, (uint32_t)strlen(CONTENT), 0);
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
