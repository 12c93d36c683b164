/*
 * date.c - dates found in metadata and prose (2025-03-19, 19.03.2025,
 * 19. März 2025), normalised to YYYY-MM-DD.
 *
 * A document without a date in its metadata takes the first full date of
 * its text (ws_xb_finish), except one that announces the next event ("Der
 * nächste Austausch findet am ..."), which says nothing about when the
 * document was written.  Years outside 1900..2199 are not dates.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <string.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2199

static int make_date(int y, int m, int d, char out[11])
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return 0;
    /* Written by hand: the values are range-checked and gcc's format
     * truncation analysis cannot see that. */
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 1;
}

/* A number of minw..maxw digits at s[*i], with no digit after it. */
static int read_num(const char *s, size_t len, size_t *i, size_t minw, size_t maxw, int *val)
{
    size_t k = *i;
    int v = 0;
    while (k < len && is_digit((unsigned char)s[k]) && k - *i < maxw)
        v = v * 10 + (s[k++] - '0');
    if (k - *i < minw || (k < len && is_digit((unsigned char)s[k])))
        return 0;
    *i = k;
    *val = v;
    return 1;
}

/* Blanks between the parts of a written date: space, tab, no-break space. */
static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    for (;;) {
        if (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        else if (i + 1 < len && s[i] == '\xC2' && s[i + 1] == '\xA0')
            i += 2;
        else
            return i;
    }
}

/* A word of ASCII letters and German umlauts at s[i], lower-cased into w. */
static size_t read_word(const char *s, size_t len, size_t i, char *w, size_t wmax)
{
    size_t o = 0, k = i;
    while (k < len) {
        unsigned char c = (unsigned char)s[k];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (o + 1 >= wmax)
                return 0;
            w[o++] = (char)ascii_lower(c);
            k++;
        } else if (c == 0xC3 && k + 1 < len) {
            unsigned char d = (unsigned char)s[k + 1];
            if (d == 0x84 || d == 0x96 || d == 0x9C) /* Ä Ö Ü */
                d += 0x20;
            if (d != 0xA4 && d != 0xB6 && d != 0xBC && d != 0x9F)
                break;
            if (o + 2 >= wmax)
                return 0;
            w[o++] = (char)c;
            w[o++] = (char)d;
            k += 2;
        } else {
            break;
        }
    }
    w[o] = '\0';
    return k - i;
}

static int month_number(const char *w)
{
    static const struct {
        const char *name;
        int month;
    } months[] = {
        {"januar", 1},    {"j\xC3\xA4nner", 1}, {"jaenner", 1}, {"jan", 1},
        {"februar", 2},   {"feber", 2},         {"feb", 2},     {"m\xC3\xA4rz", 3},
        {"maerz", 3},     {"m\xC3\xA4r", 3},    {"mrz", 3},     {"april", 4},
        {"apr", 4},       {"mai", 5},           {"juni", 6},    {"jun", 6},
        {"juli", 7},      {"jul", 7},           {"august", 8},  {"aug", 8},
        {"september", 9}, {"sept", 9},          {"sep", 9},     {"oktober", 10},
        {"okt", 10},      {"november", 11},     {"nov", 11},    {"dezember", 12},
        {"dez", 12},
    };
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
        if (strcmp(w, months[i].name) == 0)
            return months[i].month;
    return 0;
}

/* A full date starting at s[i] (a digit); 1 and out set if there is one. */
static int date_at(const char *s, size_t len, size_t i, char out[11])
{
    size_t k = i;
    int a, m, y;
    if (read_num(s, len, &k, 4, 4, &y)) { /* 2025-03-19, maybe with a time after it */
        int d;
        if (k < len && s[k] == '-') {
            k++;
            if (read_num(s, len, &k, 2, 2, &m) && k < len && s[k] == '-') {
                k++;
                if (read_num(s, len, &k, 2, 2, &d))
                    return make_date(y, m, d, out);
            }
        }
        return 0;
    }
    if (!read_num(s, len, &k, 1, 2, &a) || k >= len || s[k] != '.')
        return 0;
    k++;
    if (k < len && is_digit((unsigned char)s[k])) { /* 19.03.2025 */
        if (!read_num(s, len, &k, 1, 2, &m) || k >= len || s[k] != '.')
            return 0;
        k++;
        if (!read_num(s, len, &k, 4, 4, &y))
            return 0;
        /* "19.03.2025.1" is a version or a section number, not a date */
        if (k + 1 < len && s[k] == '.' && is_digit((unsigned char)s[k + 1]))
            return 0;
        return make_date(y, m, a, out);
    }
    /* 19. März 2025 */
    char w[16];
    k = skip_blanks(s, len, k);
    size_t wl = read_word(s, len, k, w, sizeof w);
    if (!wl || !(m = month_number(w)))
        return 0;
    k += wl;
    int dot = k < len && s[k] == '.';
    k += (size_t)dot;
    size_t after = skip_blanks(s, len, k);
    if (after == k && !dot)
        return 0;
    k = after;
    if (!read_num(s, len, &k, 4, 4, &y))
        return 0;
    return make_date(y, m, a, out);
}

/* Recaps close with "Der nächste Austausch findet am 23. Juli 2025 statt":
 * that date belongs to the next event, not to this document.  Looks back
 * over the sentence before s[i] for such an announcement. */
static int announces_next_event(const char *s, size_t i)
{
    static const char *cues[] = {"n\xc3\xa4"
                                 "chste",
                                 "N\xc3\xa4"
                                 "chste",
                                 "kommende",
                                 "Kommende",
                                 "folgende",
                                 "Folgende"};
    size_t from = i > 160 ? i - 160 : 0;
    for (size_t k = i; k > from; k--)
        if (s[k - 1] == '\n' ||
            (s[k - 1] == ' ' && k >= 2 && (s[k - 2] == '!' || s[k - 2] == '?'))) {
            from = k;
            break;
        }
    for (size_t c = 0; c < sizeof cues / sizeof *cues; c++) {
        size_t cl = strlen(cues[c]);
        for (size_t k = from; k + cl <= i; k++)
            if (!memcmp(s + k, cues[c], cl))
                return 1;
    }
    return 0;
}

int ws_date_find(const char *s, size_t len, char out[11])
{
    size_t i = 0;
    while (i < len) {
        if (!is_digit((unsigned char)s[i])) {
            i++;
            continue;
        }
        /* Not inside a longer number such as 1.19.03.2025 */
        int inside = i >= 2 && s[i - 1] == '.' && is_digit((unsigned char)s[i - 2]);
        if (!inside && date_at(s, len, i, out) && !announces_next_event(s, i))
            return 1;
        while (i < len && is_digit((unsigned char)s[i]))
            i++;
    }
    return 0;
}

int ws_date_parse(const char *s, size_t len, char out[11])
{
    static const char *const weekdays[] = {
        "montag",    "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
        "sonnabend", "sonntag",  "mo",       "di",         "mi",      "do",
        "fr",        "sa",       "so",       "monday",     "tuesday", "wednesday",
        "thursday",  "friday",   "saturday", "sunday"};
    if (!s || !out)
        return 0;
    size_t i = skip_blanks(s, len, 0);
    while (i < len && (s[i] == '\n' || s[i] == '\r'))
        i = skip_blanks(s, len, i + 1);
    char w[16];
    size_t wl = read_word(s, len, i, w, sizeof w);
    if (wl) {
        size_t d;
        for (d = 0; d < sizeof weekdays / sizeof weekdays[0]; d++)
            if (strcmp(w, weekdays[d]) == 0)
                break;
        if (d == sizeof weekdays / sizeof weekdays[0])
            return 0;
        i += wl;
        if (i < len && s[i] == '.')
            i++;
        if (i < len && s[i] == ',')
            i++;
        i = skip_blanks(s, len, i);
    }
    return i < len && is_digit((unsigned char)s[i]) && date_at(s, len, i, out);
}
