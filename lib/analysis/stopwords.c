/*
 * stopwords.c - German function words a query can do without.
 *
 * Words that stand in nearly every text (der, und, für, mit ...) and the
 * words a question is built of (wie, was, welche, wann, wo, warum, gibt
 * es ...) make a query stricter without making it better: "Wie können
 * Kommunen Wohnraum finden?" is about Kommunen, Wohnraum and finden.  The
 * query side does not count them as words to match (outside phrases);
 * documents keep them as words, so phrases and a query of nothing but
 * such words still work, but the term generator gives them no stem.
 *
 * The list is Snowball's German stop list (snowballstem.org, the one
 * Xapian and Lucene ship), without "weg" (also the noun Weg), plus the
 * question words it lacks (wann, warum, wer, wieso, wo- forms), the
 * forms of the auxiliary and modal verbs it lists only in part (wurde,
 * worden, wäre, sei, müssen, sollten, darf, möchte ...) and the
 * existential "gibt"/"gab" of "es gibt".
 * Written in folded form (ß as ss), sorted by bytes for bsearch.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/stopwords.h"

static const char *const words[] = {
    "ab",        "aber",    "alle",    "allem",    "allen",     "aller",     "alles",     "als",
    "also",      "am",      "an",      "ander",    "andere",    "anderem",   "anderen",   "anderer",
    "anderes",   "anderm",  "andern",  "anderr",   "anders",    "auch",      "auf",       "aus",
    "bei",       "beim",    "bin",     "bis",      "bist",      "bzw",       "da",        "damit",
    "dann",      "darf",    "das",     "dass",     "dasselbe",  "dazu",      "dein",      "deine",
    "deinem",    "deinen",  "deiner",  "deines",   "dem",       "demselben", "den",       "denn",
    "denselben", "der",     "derer",   "derselbe", "derselben", "des",       "desselben", "dessen",
    "dich",      "die",     "dies",    "diese",    "dieselbe",  "dieselben", "diesem",    "diesen",
    "dieser",    "dieses",  "dir",     "doch",     "dort",      "du",        "durch",     "durfte",
    "dürfen",    "dürfte",  "ein",     "eine",     "einem",     "einen",     "einer",     "eines",
    "einig",     "einige",  "einigem", "einigen",  "einiger",   "einiges",   "einmal",    "er",
    "es",        "etwa",    "etwas",   "euch",     "euer",      "eure",      "eurem",     "euren",
    "eurer",     "eures",   "für",     "gab",      "gaben",     "gegen",     "gewesen",   "gibt",
    "hab",       "habe",    "haben",   "hat",      "hatte",     "hatten",    "hier",      "hin",
    "hinter",    "hätte",   "hätten",  "ich",      "ihm",       "ihn",       "ihnen",     "ihr",
    "ihre",      "ihrem",   "ihren",   "ihrer",    "ihres",     "im",        "in",        "indem",
    "ins",       "ist",     "jede",    "jedem",    "jeden",     "jeder",     "jedes",     "jene",
    "jenem",     "jenen",   "jener",   "jenes",    "jetzt",     "kann",      "kein",      "keine",
    "keinem",    "keinen",  "keiner",  "keines",   "konnte",    "konnten",   "können",    "könnte",
    "könnten",   "machen",  "mag",     "man",      "manche",    "manchem",   "manchen",   "mancher",
    "manches",   "mein",    "meine",   "meinem",   "meinen",    "meiner",    "meines",    "mich",
    "mir",       "mit",     "muss",    "musste",   "mussten",   "möchte",    "möchten",   "müssen",
    "müsste",    "müssten", "nach",    "nicht",    "nichts",    "noch",      "nun",       "nur",
    "ob",        "oder",    "ohne",    "sehr",     "sei",       "seien",     "sein",      "seine",
    "seinem",    "seinen",  "seiner",  "seines",   "seit",      "selbst",    "sich",      "sie",
    "sind",      "so",      "solche",  "solchem",  "solchen",   "solcher",   "solches",   "soll",
    "sollen",    "sollte",  "sollten", "sondern",  "sonst",     "sowie",     "um",        "und",
    "uns",       "unser",   "unsere",  "unserem",  "unseren",   "unseres",   "unter",     "viel",
    "vom",       "von",     "vor",     "wann",     "war",       "waren",     "warst",     "warum",
    "was",       "weil",    "weiter",  "welche",   "welchem",   "welchen",   "welcher",   "welches",
    "wem",       "wen",     "wenn",    "wer",      "werde",     "werden",    "weshalb",   "wessen",
    "weswegen",  "wie",     "wieder",  "wieso",    "wieviel",   "wieviele",  "will",      "wir",
    "wird",      "wirst",   "wo",      "wodurch",  "wofür",     "woher",     "wohin",     "wollen",
    "wollte",    "wollten", "womit",   "woran",    "worauf",    "worden",    "worin",     "worüber",
    "wovon",     "wozu",    "wurde",   "wurden",   "während",   "wäre",      "wären",     "würde",
    "würden",    "zu",      "zum",     "zur",      "zwar",      "zwischen",  "über",
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
