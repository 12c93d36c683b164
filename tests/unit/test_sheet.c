/*
 * test_sheet.c - unit tests for the spreadsheet extractor
 * (lib/extract/extract_sheet.c): the LibreOffice fixtures tabelle.xlsx and
 * tabelle.ods (tests/data/docs/make-sheets.sh) give one SHEET passage per
 * sheet named after it, cells row by row, cached formula results and not
 * formulas, xlsx date cells as dates, and their metadata; workbooks written
 * here with libzip read dates through their number formats and hit
 * the sheet and cell limits, which leave a note instead of failing or
 * passing silently; wrong content is refused naming both formats; the
 * worker record carries SHEET passages and the note.
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
#include <zip.h>

#include "util/buf.h"
#include "extract/extract_int.h"
#include "index/pool.h"
#include "wsearch/extract.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif
#define DOC(name) WS_TEST_DATA "/docs/" name

static ws_extracted *extract(const char *path)
{
    ws_extracted *x = NULL;
    ws_error err;
    if (ws_extract_file(path, NULL, &x, &err) != WS_OK)
        fail_msg("%s: %s", path, err.msg);
    assert_true(ws_utf8_valid(x->text, x->text_len));
    return x;
}

static int has_tag(const ws_extracted *x, const char *t)
{
    for (size_t i = 0; i < x->ntags; i++)
        if (!strcmp(x->tags[i], t))
            return 1;
    return 0;
}

static void check_workbook(const char *path)
{
    ws_extracted *x = extract(path);
    assert_int_equal(x->npassages, 3);
    static const char *const names[] = {"Kurse", "Kontakte", "Leer"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_SHEET);
        assert_int_equal(x->passages[i].number, i + 1);
        assert_non_null(x->passages[i].heading);
        assert_string_equal(x->passages[i].heading, names[i]);
    }
    const char *k = x->passages[0].text, *c = x->passages[1].text;
    /* a row is a line, its cells in order */
    assert_non_null(strstr(k, "Kurs | Tag | Plätze\nDeutsch A1 | Montag | 12\n"));
    assert_non_null(strstr(k, "Summe | 32"));              /* cached result of =SUM */
    assert_non_null(strstr(k, "Nachhilfegruppe"));         /* cached text result */
    assert_non_null(strstr(k, "\nBeginn | 12.03.2025\n")); /* a date, not 45728 */
    assert_null(strstr(x->text, "SUM"));                   /* never the formula */
    assert_null(strstr(x->text, "CONCATENATE"));
    assert_non_null(strstr(c, "Frau Okonkwo | Wasserturmverein"));
    assert_null(strstr(k, "Wasserturmverein")); /* only on sheet 2 */
    assert_int_equal(x->passages[2].text_len, 0);
    assert_string_equal(x->title, "Kursliste Frühjahr");
    assert_true(x->nspeakers >= 1);
    assert_string_equal(x->speakers[0], "Dr. Mira Lenz");
    /* LibreOffice writes the keywords as one, space-separated, in xlsx */
    assert_true(has_tag(x, "Kurse") || has_tag(x, "Kurse Ehrenamt"));
    assert_non_null(x->date);
    assert_string_equal(x->date, "2025-02-03");
    assert_null(x->note);
    ws_extracted_free(x);
}

static void test_xlsx(void **state)
{
    (void)state;
    assert_int_equal(ws_doctype_from_path("Liste.XLSX"), WS_DOC_XLSX);
    assert_string_equal(ws_doctype_name(WS_DOC_XLSX), "xlsx");
    check_workbook(DOC("tabelle.xlsx"));
}

static void test_ods(void **state)
{
    (void)state;
    assert_int_equal(ws_doctype_from_path("liste.ods"), WS_DOC_ODS);
    assert_int_equal(ws_doctype_from_name("ods"), WS_DOC_ODS);
    check_workbook(DOC("tabelle.ods"));
}

/* ---- workbooks written here -------------------------------------------- */

typedef struct part {
    const char *name;
    const char *data;
    size_t len;
} part;

/* A stored (uncompressed) zip of the parts, in memory; free() it. */
static char *make_zip(const part *p, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    zip_source_keep(src);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, p[i].data, p[i].len, 0);
        assert_non_null(s);
        zip_int64_t idx = zip_file_add(z, p[i].name, s, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
    }
    assert_int_equal(zip_close(z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_stat(src, &st), 0);
    char *buf = malloc(st.size);
    assert_non_null(buf);
    assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = st.size;
    return buf;
}

static int extract_parts(ws_doctype t, const part *p, size_t n, ws_extracted **x, ws_error *err)
{
    size_t len = 0;
    char *zip = make_zip(p, n, &len);
    int rc = ws_extract_buffer(t, zip, len, "mappe", NULL, x, err);
    free(zip);
    return rc;
}

#define WB_HEAD                                                                                    \
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "               \
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
#define RELS_HEAD                                                                                  \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
#define SST_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
#define WS_TYPE  "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

/* An xlsx of nsheets sheets that all show the same part. */
static int xlsx_of(unsigned nsheets, const char *sheet, const char *sst, ws_extracted **x,
                   ws_error *err)
{
    ws_buf wb = WS_BUF_INIT, rels = WS_BUF_INIT;
    ws_buf_puts(&wb, WB_HEAD);
    for (unsigned i = 1; i <= nsheets; i++)
        ws_buf_printf(&wb, "<sheet name=\"Blatt %u\" sheetId=\"%u\" r:id=\"rId%u\"/>", i, i, i);
    ws_buf_puts(&wb, "</sheets></workbook>");
    ws_buf_puts(&rels, RELS_HEAD);
    for (unsigned i = 1; i <= nsheets; i++)
        ws_buf_printf(&rels,
                      "<Relationship Id=\"rId%u\" Type=\"" WS_TYPE
                      "\" Target=\"worksheets/sheet1.xml\"/>",
                      i);
    ws_buf_puts(&rels, "<Relationship Id=\"rS\" Type=\"" SST_TYPE "\" Target=\"strings.xml\"/>");
    ws_buf_puts(&rels, "</Relationships>");
    part p[] = {{"xl/workbook.xml", wb.data, wb.len},
                {"xl/_rels/workbook.xml.rels", rels.data, rels.len},
                {"xl/worksheets/sheet1.xml", sheet, strlen(sheet)},
                {"xl/strings.xml", sst ? sst : "<sst/>", strlen(sst ? sst : "<sst/>")}};
    int rc = extract_parts(WS_DOC_XLSX, p, 4, x, err);
    ws_buf_free(&wb);
    ws_buf_free(&rels);
    return rc;
}

static void test_xlsx_cells(void **state)
{
    (void)state;
    /* Shared strings through a relationship to a non-default part name,
     * rich text runs joined, phonetic runs dropped; inline strings; a
     * boolean and an error give no text; a reference past the table is
     * counted in the note. */
    const char *sst = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                      "<si><t>Erstes</t></si>"
                      "<si><r><t>Zusammen</t></r><r><t>gesetzt</t></r><rPh><t>FURI</t></rPh></si>"
                      "<si/></sst>";
    const char *sheet =
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
        "<c r=\"C1\" t=\"b\"><v>1</v></c><c r=\"D1\" t=\"e\"><v>#DIV/0!</v></c></row>"
        "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>Inline</t></is></c>"
        "<c r=\"B2\"><f>A1*2</f><v>4.5</v></c><c r=\"C2\" t=\"s\"><v>99</v></c>"
        "<c r=\"D2\" s=\"1\"/></row></sheetData></worksheet>";
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(xlsx_of(1, sheet, sst, &x, &err), WS_OK);
    assert_int_equal(x->npassages, 1);
    assert_string_equal(x->passages[0].text, "Erstes | Zusammengesetzt\nInline | 4.5");
    assert_non_null(x->note);
    assert_non_null(strstr(x->note, "1 cells not indexed"));
    ws_extracted_free(x);
}

/* Dates: xlsx keeps a day number; the cell's format (built-in id or a
 * custom code, in styles.xml) says whether it is a date. */
static void test_xlsx_dates(void **state)
{
    (void)state;
    const char *styles =
        "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"[$-407]TT.MM.JJJJ\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"0.00&quot; d&quot;\"/></numFmts>"
        "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
        "<xf numFmtId=\"165\"/><xf numFmtId=\"22\"/><xf numFmtId=\"45\"/></cellXfs></styleSheet>";
    const char *sheet = "<worksheet><sheetData><row>"
                        "<c s=\"0\"><v>45728</v></c>"                      /* General: a number */
                        "<c s=\"1\"><v>45728</v></c>"                      /* built-in date */
                        "<c s=\"2\"><v>45729.75</v></c>"                   /* German custom date */
                        "<c s=\"3\"><v>45728</v></c>"                      /* " d" is quoted text */
                        "<c s=\"4\"><v>45728.6041666667</v></c>"           /* date and time */
                        "<c s=\"5\"><v>0.5</v></c>"                        /* mm:ss: a duration */
                        "<c s=\"1\"><v>59</v></c><c s=\"1\"><v>61</v></c>" /* 29.02.1900 */
                        "<c s=\"1\" t=\"s\"><v>0</v></c>" /* a string keeps its text */
                        "<c s=\"99\"><v>7</v></c>"        /* no such format */
                        "</row></sheetData></worksheet>";
    const char *sst = "<sst><si><t>Text</t></si></sst>";
    const char *wb = WB_HEAD "<sheet name=\"D\" r:id=\"r1\"/></sheets></workbook>";
    const char *rels = RELS_HEAD "<Relationship Id=\"r1\" Type=\"" WS_TYPE
                                 "\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
    part p[] = {{"xl/workbook.xml", wb, strlen(wb)},
                {"xl/_rels/workbook.xml.rels", rels, strlen(rels)},
                {"xl/worksheets/sheet1.xml", sheet, strlen(sheet)},
                {"xl/sharedStrings.xml", sst, strlen(sst)},
                {"xl/styles.xml", styles, strlen(styles)}};
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(extract_parts(WS_DOC_XLSX, p, 5, &x, &err), WS_OK);
    assert_string_equal(x->passages[0].text, "45728 | 12.03.2025 | 13.03.2025 | 45728 | "
                                             "12.03.2025 14:30 | 0.5 | 28.02.1900 | 01.03.1900 | "
                                             "Text | 7");
    ws_extracted_free(x);

    /* The 1904 system of old Mac workbooks: day 1 is 2 January 1904. */
    const char *wb04 = WB_HEAD "<sheet name=\"D\" r:id=\"r1\"/></sheets>"
                               "<workbookPr date1904=\"1\"/></workbook>";
    const char *one = "<worksheet><sheetData><row><c s=\"1\"><v>1</v></c></row></sheetData>"
                      "</worksheet>";
    p[0] = (part){"xl/workbook.xml", wb04, strlen(wb04)};
    p[2] = (part){"xl/worksheets/sheet1.xml", one, strlen(one)};
    assert_int_equal(extract_parts(WS_DOC_XLSX, p, 5, &x, &err), WS_OK);
    assert_string_equal(x->passages[0].text, "02.01.1904");
    ws_extracted_free(x);
}

static void test_sheet_limit(void **state)
{
    (void)state;
    const char *sheet = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>Zelle</t></is></c>"
                        "</row></sheetData></worksheet>";
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(xlsx_of(WS_X_MAX_SHEETS + 5, sheet, NULL, &x, &err), WS_OK);
    assert_int_equal(x->npassages, WS_X_MAX_SHEETS);
    assert_string_equal(x->passages[WS_X_MAX_SHEETS - 1].heading, "Blatt 1000");
    assert_non_null(x->note);
    assert_non_null(strstr(x->note, "only the first 1000 of 1005 sheets"));
    ws_extracted_free(x);

    /* ods: the same with tables */
    ws_buf c = WS_BUF_INIT;
    ws_buf_puts(&c, "<office:document-content "
                    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                    "<office:body><office:spreadsheet>");
    for (unsigned i = 1; i <= WS_X_MAX_SHEETS + 2; i++)
        ws_buf_printf(&c,
                      "<table:table table:name=\"T%u\"><table:table-row "
                      "table:number-rows-repeated=\"1000\"><table:table-cell "
                      "table:number-columns-repeated=\"1000\"><text:p>Wert%u</text:p>"
                      "<office:annotation><text:p>Kommentar</text:p></office:annotation>"
                      "</table:table-cell></table:table-row></table:table>",
                      i, i);
    ws_buf_puts(&c, "</office:spreadsheet></office:body></office:document-content>");
    const char *mt = "application/vnd.oasis.opendocument.spreadsheet";
    part p[] = {{"mimetype", mt, strlen(mt)}, {"content.xml", c.data, c.len}};
    assert_int_equal(extract_parts(WS_DOC_ODS, p, 2, &x, &err), WS_OK);
    assert_int_equal(x->npassages, WS_X_MAX_SHEETS);
    assert_string_equal(x->passages[1].heading, "T2");
    assert_string_equal(x->passages[1].text, "Wert2"); /* repeated: once; no comment */
    assert_non_null(x->note);
    assert_non_null(strstr(x->note, "of 1002 sheets"));
    ws_extracted_free(x);
    ws_buf_free(&c);
}

static void test_cell_limit(void **state)
{
    (void)state;
    ws_buf s = WS_BUF_INIT;
    ws_buf_puts(&s, "<worksheet><sheetData>");
    unsigned long n = WS_X_MAX_CELLS + 10;
    for (unsigned long i = 0; i < n; i++) {
        if (i % 1000 == 0)
            ws_buf_puts(&s, i ? "</row><row>" : "<row>");
        ws_buf_printf(&s, "<c><v>%lu</v></c>", i);
    }
    ws_buf_puts(&s, "</row></sheetData></worksheet>");
    assert_false(s.oom);
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(xlsx_of(2, s.data, NULL, &x, &err), WS_OK);
    const char *t = x->passages[0].text;
    assert_true(x->passages[0].text_len > 8);
    assert_string_equal(t + x->passages[0].text_len - 8, "| 999999"); /* the last one kept */
    assert_null(strstr(x->passages[0].text, "1000000"));
    assert_int_equal(x->npassages, 1); /* nothing read after the limit */
    assert_non_null(x->note);
    assert_non_null(strstr(x->note, "only the first 1000000 non-empty cells"));
    ws_extracted_free(x);
    ws_buf_free(&s);
}

static void test_wrong_content(void **state)
{
    (void)state;
    const char *doc = "<w:document/>";
    part p[] = {{"word/document.xml", doc, strlen(doc)}};
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(extract_parts(WS_DOC_XLSX, p, 1, &x, &err), WS_EFORMAT);
    assert_non_null(strstr(err.msg, "content is a Word document (docx), not an xlsx"));
    const char *mt = "application/vnd.oasis.opendocument.text";
    part q[] = {{"mimetype", mt, strlen(mt)}, {"content.xml", doc, strlen(doc)}};
    assert_int_equal(extract_parts(WS_DOC_ODS, q, 2, &x, &err), WS_EFORMAT);
    assert_non_null(strstr(err.msg, "not an ods"));
    /* an xlsx named .pptx is named as such */
    part r[] = {{"xl/workbook.xml", WB_HEAD "</sheets></workbook>",
                 strlen(WB_HEAD "</sheets></workbook>")}};
    assert_int_equal(extract_parts(WS_DOC_PPTX, r, 1, &x, &err), WS_EFORMAT);
    assert_non_null(strstr(err.msg, "Excel workbook"));
    /* encrypted: an OLE container */
    static const char ole[512] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    assert_int_equal(ws_extract_buffer(WS_DOC_XLSX, ole, sizeof ole, "g.xlsx", NULL, &x, &err),
                     WS_EUNSUPPORTED);
    assert_null(x);
}

static void test_record(void **state)
{
    (void)state;
    ws_extracted *x = extract(DOC("tabelle.ods"));
    x->note = strdup("only the first 1000 of 1200 sheets indexed");
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ws_pool_encode(x, &buf, &len), WS_OK);
    ws_extracted *y = NULL;
    ws_error err;
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_ODS, (size_t)16 << 20, &y, &err), WS_OK);
    assert_int_equal(y->npassages, 3);
    assert_int_equal(y->passages[1].kind, WS_PASSAGE_SHEET);
    assert_string_equal(y->passages[1].heading, "Kontakte");
    assert_string_equal(y->note, x->note);
    assert_string_equal(y->text, x->text);
    ws_extracted_free(y);
    free(buf);
    ws_extracted_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx),          cmocka_unit_test(test_ods),
        cmocka_unit_test(test_xlsx_cells),    cmocka_unit_test(test_xlsx_dates),
        cmocka_unit_test(test_sheet_limit),   cmocka_unit_test(test_cell_limit),
        cmocka_unit_test(test_wrong_content), cmocka_unit_test(test_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
