/*
 * remote.c - searching through a running searchd instead of opening the
 * index: the daemon has the index open and warm, so answers come faster.
 *
 * The daemon's JSON is turned back into a ws_results by the library's
 * ws_results_from_json (one parse), so output.c prints exactly what it
 * prints for a direct search.  libcurl speaks HTTP over
 * the UNIX socket.
 */
#define _XOPEN_SOURCE 700
#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wsearch/search.h"

typedef struct body {
    char *data;
    size_t len;
    int too_big;
} body;

#define MAX_BODY ((size_t)64 << 20)

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t add = size * n;
    if (b->len + add > MAX_BODY) {
        b->too_big = 1;
        return 0;
    }
    char *d = realloc(b->data, b->len + add + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, add);
    b->data = d;
    b->len += add;
    d[b->len] = '\0';
    return add;
}

static void add_param(CURL *c, char *url, size_t cap, const char *key, const char *val)
{
    if (!val)
        return;
    char *e = curl_easy_escape(c, val, 0);
    if (!e)
        return;
    size_t n = strlen(url);
    snprintf(url + n, cap - n, "&%s=%s", key, e);
    curl_free(e);
}

/* /search?q=...&size=... into url (cap bytes); 0, or -1 when the query
 * cannot go into a URL. */
static int build_url(CURL *c, const char *q, const ws_search_options *so, char *url, size_t cap)
{
    char *e = curl_easy_escape(c, q, 0);
    if (!e || strlen(e) > 12000) {
        curl_free(e);
        return -1;
    }
    snprintf(url + strlen(url), cap - strlen(url), "q=%s", e);
    curl_free(e);
    char num[32];
    snprintf(num, sizeof num, "%u", so->limit);
    add_param(c, url, cap, "size", num);
    snprintf(num, sizeof num, "%u", so->offset);
    add_param(c, url, cap, "offset", num);
    add_param(c, url, cap, "type", so->type);
    add_param(c, url, cap, "from", so->date_from);
    add_param(c, url, cap, "to", so->date_to);
    add_param(c, url, cap, "sort",
              so->sort == WS_SORT_DATE_DESC  ? "date"
              : so->sort == WS_SORT_DATE_ASC ? "date-asc"
                                             : NULL);
    return 0;
}

/* An answer other than 200: the daemon's message; frees the body. */
static int refusal(const char *socket, long status, body *b, char *err, size_t errlen)
{
    json_t *j = json_loadb(b->data ? b->data : "", b->len, 0, NULL);
    free(b->data);
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errlen, "%s: answer is not JSON (HTTP %ld)", socket, status);
        return REMOTE_ERROR;
    }
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    snprintf(err, errlen, "%s", m ? m : "searchd refused the query");
    json_decref(j);
    /* 503: the daemon cannot serve right now; the index may still open */
    return status == 503 ? REMOTE_UNAVAILABLE : REMOTE_ERROR;
}

/* A 200 answer into *out, if it is for this index; frees the body. */
static int read_answer(const char *socket, const char *index, long status, body *b,
                       ws_results **out, char *err, size_t errlen)
{
    /* One parse of the answer, straight into a ws_results. */
    char *their = NULL;
    ws_error we;
    int wrc = ws_results_from_json(b->data ? b->data : "", b->len, out, &their, &we);
    free(b->data);
    if (wrc != WS_OK) {
        if (wrc == WS_ENOMEM)
            snprintf(err, errlen, "out of memory");
        else
            snprintf(err, errlen, "%s: answer is not JSON (HTTP %ld)", socket, status);
        return REMOTE_ERROR;
    }
    /* A daemon serving another index must not answer for this one. */
    char a[PATH_MAX], b2[PATH_MAX];
    if (index && (!their || !realpath(their, a) || !realpath(index, b2) || strcmp(a, b2))) {
        snprintf(err, errlen, "%s serves %s, not %s", socket, their ? their : "?", index);
        free(their);
        ws_results_free(*out);
        *out = NULL;
        return REMOTE_OTHER_INDEX;
    }
    free(their);
    return REMOTE_OK;
}

int remote_search(const char *socket, const char *index, const char *q, const ws_search_options *so,
                  ws_results **out, char *err, size_t errlen)
{
    *out = NULL;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "cannot start an HTTP client");
        return REMOTE_ERROR;
    }
    char url[16384] = "http://localhost/search?";
    if (build_url(c, q, so, url, sizeof url) != 0) {
        curl_easy_cleanup(c);
        return REMOTE_UNAVAILABLE; /* let the direct path say what is wrong */
    }
    body b = {NULL, 0, 0};
    curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    int rc = REMOTE_OK;
    if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT || status == 0) {
        snprintf(err, errlen, "%s: searchd does not answer (%s)", socket, curl_easy_strerror(cc));
        rc = REMOTE_UNAVAILABLE;
    } else if (cc != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", socket,
                 b.too_big ? "answer too large" : curl_easy_strerror(cc));
        rc = REMOTE_ERROR;
    }
    if (rc != REMOTE_OK) {
        free(b.data);
        return rc;
    }
    if (status != 200)
        return refusal(socket, status, &b, err, errlen);
    return read_answer(socket, index, status, &b, out, err, errlen);
}
