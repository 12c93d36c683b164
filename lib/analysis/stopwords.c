/*
 * stopwords.c - German function words a query can do without.
 *
 * Words that stand in nearly every recap (der, und, für, mit ...) make a
 * query stricter without making it better: "Integration vor Ort" typed
 * without quotes should find recaps about Integration and Ort.  The query
 * parser drops them outside phrases; documents keep them, so phrases and
 * a query of nothing but such words still work.  The list is written in
 * folded form (ß as ss), sorted for bsearch.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/stopwords.h"

static const char *const words[] = {
    "ab",     "aber",   "alle",   "allem",   "allen",    "aller",   "alles",   "als",     "also",
    "am",     "an",     "ander",  "andere",  "anderem",  "anderen", "anderer", "anderes", "auch",
    "auf",    "aus",    "bei",    "beim",    "bin",      "bis",     "bist",    "da",      "damit",
    "dann",   "das",    "dass",   "dem",     "den",      "denn",    "der",     "des",     "dessen",
    "die",    "dies",   "diese",  "diesem",  "diesen",   "dieser",  "dieses",  "doch",    "dort",
    "du",     "durch",  "ein",    "eine",    "einem",    "einen",   "einer",   "eines",   "er",
    "es",     "etwa",   "euch",   "euer",    "für",      "gegen",   "hab",     "habe",    "haben",
    "hat",    "hatte",  "hier",   "hin",     "hätte",    "ich",     "ihm",     "ihn",     "ihnen",
    "ihr",    "ihre",   "ihrem",  "ihren",   "ihrer",    "im",      "in",      "indem",   "ins",
    "ist",    "jede",   "jedem",  "jeden",   "jeder",    "jedes",   "jene",    "kann",    "kein",
    "keine",  "keinem", "keinen", "keiner",  "können",   "man",     "mit",     "muss",    "nach",
    "nicht",  "noch",   "nun",    "nur",     "ob",       "oder",    "ohne",    "sehr",    "sein",
    "seine",  "seinem", "seinen", "seiner",  "seit",     "sich",    "sie",     "sind",    "so",
    "solche", "soll",   "sollen", "sondern", "sowie",    "um",      "und",     "uns",     "unser",
    "unter",  "vom",    "von",    "vor",     "war",      "waren",   "was",     "weil",    "wenn",
    "wer",    "werden", "wie",    "wieder",  "will",     "wir",     "wird",    "wo",      "würde",
    "zu",     "zum",    "zur",    "zwar",    "zwischen", "über",
};

static int cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int ws_is_stopword(const char *term)
{
    /* the table is sorted by bytes (umlauts after z) */
    return bsearch(&term, words, sizeof words / sizeof *words, sizeof *words, cmp) != NULL;
}
