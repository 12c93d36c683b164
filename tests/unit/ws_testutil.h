/*
 * ws_testutil.h - helpers the extractor unit tests share (test_office.c,
 * test_legacy.c, test_zipx.c, test_ocr.c).
 *
 * extract() reads a fixture and fails the test unless it extracts to text
 * of the length it claims in valid UTF-8; only_in() finds the one passage
 * holding a word.  make_zip() writes a zip of one stored part (its CRC
 * from fuzz/zipw.h), so that a test can hand the XML layer exactly the
 * part it means; make_zip_claiming() lets the central directory lie about
 * the size and the local header's offset, for the checks of zipx.c.  Everything is
 * static inline: each test includes what it uses, after cmocka.h's
 * prerequisites, and unused helpers cost nothing.  A test with an
 * extract() of its own (test_ocr.c: other options) defines
 * WS_TESTUTIL_OWN_EXTRACT first.
 */
#ifndef WS_TESTUTIL_H
#define WS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../fuzz/zipw.h"
#include "util/text.h"
#include "wsearch/extract.h"

#ifndef WS_TESTUTIL_OWN_EXTRACT
static inline ws_extracted *extract(const char *path)
{
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, NULL, &x, &err);
    if (rc != WS_OK)
        fail_msg("%s: %d %s", path, rc, err.msg);
    assert_non_null(x);
    assert_int_equal(strlen(x->text), x->text_len);
    assert_true(ws_utf8_valid(x->text, x->text_len));
    return x;
}
#endif

/* The only passage containing word (a failure if none or several). */
static inline const ws_passage *only_in(const ws_extracted *x, const char *word)
{
    const ws_passage *found = NULL;
    for (size_t i = 0; i < x->npassages; i++) {
        if (strstr(x->passages[i].text, word)) {
            if (found)
                fail_msg("'%s' in more than one passage", word);
            found = &x->passages[i];
        }
    }
    if (!found)
        fail_msg("'%s' in no passage", word);
    return found;
}

/* ---- zip containers written here ------------------------------------- */

static inline void le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void le32(unsigned char *p, uint32_t v)
{
    le16(p, v & 0xFFFF);
    le16(p + 2, v >> 16);
}

/* One stored entry; the central directory claims usize bytes and puts the
 * local header at offset off (the truth: usize = strlen(data), off = 0). */
static inline size_t make_zip_claiming(unsigned char *out, const char *name, const char *data,
                                       uint32_t usize, uint32_t off)
{
    size_t nl = strlen(name), dl = strlen(data), o = 0;
    uint32_t crc = zipw_crc((const unsigned char *)data, dl);
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

/* The truth: the directory agrees with the data. */
static inline size_t make_zip(unsigned char *out, const char *name, const char *data)
{
    return make_zip_claiming(out, name, data, (uint32_t)strlen(data), 0);
}

#endif /* WS_TESTUTIL_H */
