/*
 * fuzz_docmsg.c - libFuzzer target for what a worker sends its writer
 * (lib/index/docmsg.c): whatever the bytes, ws_docmsg_decode gives a
 * message whose every term, position, value and word keeps the promises
 * the writer relies on before it hands them to Xapian, or refuses it.
 *
 * Input: byte 0 chooses max_text (64-byte steps); the rest is the message,
 * expected for the file /srv/korpus/folien.pptx.  Seeds: a worker's real
 * messages (fuzz/make-seeds.sh writes them with `wsearch`'s own builder
 * through tests; any docmsg works).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/docmsg.h"
#include "index/record.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_doc(const ws_docmsg_doc *d)
{
    ws_record r;
    ws_error err;
    if (ws_record_open(&r, d->data, d->data_len, &err) != WS_OK)
        abort();
    ws_record_free(&r);
    for (unsigned v = 0; v < d->nvalues; v++)
        if (d->values[v].slot == 1 || d->values[v].len > WS_DOCMSG_VALUE_MAX)
            abort();
    for (size_t i = 0; i < d->nterms; i++) {
        const ws_xterm *t = &d->terms[i];
        if (!t->len || t->len > WS_DOCMSG_TERM_MAX || t->term[0] == 'Q' ||
            memchr(t->term, '\0', t->len))
            abort();
        for (uint32_t k = 0; k < t->npos; k++)
            if (!t->pos[k] || t->pos[k] > WS_DOCMSG_MAX_POS || (k && t->pos[k] <= t->pos[k - 1]))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ws_docmsg_expect want = {"/srv/korpus/folien.pptx", WS_DOC_PPTX, 1 + (size_t)data[0] * 64};
    char *buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    ws_docmsg *m = NULL;
    ws_error err;
    if (ws_docmsg_decode(buf, size - 1, &want, &m, &err) != WS_OK) {
        if (m)
            abort();
        return 0;
    }
    for (size_t i = 0; i < m->ndocs; i++)
        check_doc(&m->docs[i]);
    for (size_t i = 0; i < m->nwords; i++)
        if (!m->words[i].len || !ws_utf8_valid(m->words[i].word, m->words[i].len))
            abort();
    if (m->note && !ws_utf8_valid(m->note, strlen(m->note)))
        abort();
    ws_docmsg_free(m);
    return 0;
}
