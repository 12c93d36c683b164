/*
 * http.c - the HTTP/JSON API on libmicrohttpd.
 *
 * libmicrohttpd parses HTTP, enforces header and connection limits and
 * runs a pool of threads on epoll, so a slow client holds only its own
 * connection.  Each pool thread keeps its own ws_searcher (Xapian handles
 * are not shared between threads) and reopens it before every request, so
 * a commit by a concurrent indexer is visible to the next request.  All
 * JSON is built with jansson.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"
#include "wsearch/search.h"

static atomic_uint inflight;

unsigned sd_http_inflight(void)
{
    return atomic_load(&inflight);
}

/* ---- per-thread searchers ------------------------------------------------ */

typedef struct tsearcher {
    ws_searcher *s;
    unsigned generation;
} tsearcher;

static pthread_key_t ts_key;
static pthread_once_t ts_once = PTHREAD_ONCE_INIT;

static void ts_free(void *p)
{
    tsearcher *t = p;
    ws_searcher_close(t->s);
    free(t);
}

static void ts_init(void)
{
    pthread_key_create(&ts_key, ts_free);
}

/* This thread's searcher, opened or reopened as needed.  NULL with err
 * set when the index cannot be opened. */
static ws_searcher *thread_searcher(ws_error *err)
{
    pthread_once(&ts_once, ts_init);
    tsearcher *t = pthread_getspecific(ts_key);
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t) {
            ws_error_set(err, WS_ENOMEM, "out of memory");
            return NULL;
        }
        pthread_setspecific(ts_key, t);
    }
    pthread_rwlock_rdlock(&sd.lock);
    unsigned gen = sd.generation;
    if (t->s && t->generation != gen) {
        ws_searcher_close(t->s);
        t->s = NULL;
    }
    int rc = WS_OK;
    if (!t->s) {
        rc = ws_searcher_open(&t->s, sd.settings.index, err);
        t->generation = gen;
    }
    pthread_rwlock_unlock(&sd.lock);
    if (rc != WS_OK)
        return NULL;
    /* Cheap when nothing changed; makes new commits visible at once. */
    if (ws_searcher_reopen(t->s, err) != WS_OK) {
        ws_searcher_close(t->s);
        t->s = NULL;
        return NULL;
    }
    return t->s;
}

/* ---- requests and responses ---------------------------------------------- */

typedef struct request {
    double start;
    unsigned status;
    const char *endpoint;
    size_t body;            /* request body bytes seen */
    char *uri;              /* for the log line */
    int counted;            /* in `inflight` */
    int late;               /* arrived after the daemon began to stop */
    int overload;           /* arrived when max_inflight requests were being served */
    struct search_job *job; /* a heavy search handed to a worker */
} request;

/* Send the JSON text s (malloc'd, len bytes; taken over). */
static enum MHD_Result send_body(struct MHD_Connection *c, request *rq, unsigned status, char *s,
                                 size_t len)
{
    if (!s)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE || status == MHD_HTTP_TOO_MANY_REQUESTS)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    rq->status = status;
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, request *rq, unsigned status,
                                 json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return send_body(c, rq, status, s, s ? strlen(s) : 0);
}

static enum MHD_Result send_error(struct MHD_Connection *c, request *rq, unsigned status,
                                  const char *msg)
{
    json_t *e = json_pack("{s:{s:i,s:s}}", "error", "status", (int)status, "message", msg);
    return send_json(c, rq, status, e);
}

static unsigned status_for(int code)
{
    switch (code) {
    case WS_EQUERY:
    case WS_EINVAL:
        return MHD_HTTP_BAD_REQUEST;
    case WS_ETOOBIG:
        return MHD_HTTP_URI_TOO_LONG;
    case WS_ENOTFOUND:
        return MHD_HTTP_NOT_FOUND;
    case WS_ETIMEOUT:
    case WS_ELOCKED:
    case WS_EMODIFIED:
    case WS_ENETWORK: /* a shard is down: the others may be back soon */
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    default:
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* A query argument with its length (it may hold a NUL byte, which the
 * searcher then refuses), or NULL. */
static const char *arg(struct MHD_Connection *c, const char *key, size_t *len)
{
    const char *v = NULL;
    size_t l = 0;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, key, strlen(key), &v, &l) !=
        MHD_YES)
        return NULL;
    if (len)
        *len = l;
    return v ? v : "";
}

/* An unsigned argument in [0, max]; def when absent; -1 when malformed. */
static long uint_arg(struct MHD_Connection *c, const char *key, long def, long max)
{
    const char *v = arg(c, key, NULL);
    if (!v || !*v)
        return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (*end || errno || n < 0 || n > max)
        return -1;
    return n;
}

/* Text arguments must be C strings for the filters: refuse embedded NULs. */
static const char *text_arg(struct MHD_Connection *c, const char *key, int *bad)
{
    size_t l = 0;
    const char *v = arg(c, key, &l);
    if (v && memchr(v, '\0', l))
        *bad = 1;
    return v && *v ? v : NULL;
}

/* Heavy queries (many wildcards, or long) do not run on libmicrohttpd's
 * threads: the connection is suspended (MHD_suspend_connection) and the
 * search handed to one of threads/2 heavy workers, which resumes it with
 * the answer.  So an expensive client never holds a thread that normal
 * queries are waiting on; when every heavy worker is busy the next heavy
 * query gets 503 with Retry-After at once.  The query budget bounds what
 * each one costs. */
static atomic_uint heavy;

static int is_heavy(const char *q, size_t n)
{
    size_t stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += q[i] == '*';
    return stars > 8 || n > 1024;
}

static unsigned max_heavy(void)
{
    return sd.threads / 2 ? sd.threads / 2 : 1;
}

/* 1 if q may run now (a heavy one then holds a slot: heavy_leave), 0 if
 * it is heavy and the slots are taken. */
static int heavy_enter(const char *q, size_t n, int *held)
{
    *held = is_heavy(q, n);
    if (*held && atomic_fetch_add(&heavy, 1) >= max_heavy()) {
        atomic_fetch_sub(&heavy, 1);
        *held = 0;
        return 0;
    }
    return 1;
}

static void heavy_leave(int held)
{
    if (held)
        atomic_fetch_sub(&heavy, 1);
}

#define HEAVY_BUSY "too many expensive queries at once; try again shortly"

/* One search: its arguments (pointing into the connection's memory, which
 * stays put while it is suspended) and its answer. */
typedef struct search_job {
    struct MHD_Connection *c;
    const char *q;
    size_t qlen;
    ws_search_options o;
    unsigned status;            /* of the answer */
    char msg[WS_ERROR_MSG_MAX]; /* when status is an error */
    char *out;                  /* when status is 200: the JSON body */
    size_t out_len;
    struct search_job *next;
} search_job;

static void run_search(search_job *j)
{
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    if (!s) {
        j->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
        return;
    }
    ws_results *r = NULL;
    int rc = ws_search(s, j->q, j->qlen, &j->o, &r, &err);
    if (rc != WS_OK) {
        j->status = status_for(rc);
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
        return;
    }
    /* One encoding of the answer, the library's (ws_results_to_json). */
    pthread_rwlock_rdlock(&sd.lock);
    char index[PATH_MAX];
    int have_index = sd.settings.index != NULL;
    snprintf(index, sizeof index, "%s", have_index ? sd.settings.index : "");
    pthread_rwlock_unlock(&sd.lock);
    ws_json_request req = {j->q, j->qlen, j->o.offset, j->o.limit, have_index ? index : NULL};
    rc = ws_results_to_json(r, &req, WS_JSON_SNIPPET_HTML, &j->out, &j->out_len, &err);
    ws_results_free(r);
    if (rc != WS_OK) {
        j->status = status_for(rc);
        snprintf(j->msg, sizeof j->msg, "%s", err.msg);
        return;
    }
    j->status = MHD_HTTP_OK;
}

static enum MHD_Result reply(struct MHD_Connection *c, request *rq, search_job *j)
{
    if (j->status != MHD_HTTP_OK)
        return send_error(c, rq, j->status, j->msg);
    char *out = j->out;
    j->out = NULL;
    return send_body(c, rq, MHD_HTTP_OK, out, j->out_len);
}

/* ---- heavy workers --------------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    search_job *head, *tail;
    pthread_t *threads;
    unsigned n;
    int quit;
} hw = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, NULL, 0, 0};

static void *heavy_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&hw.lock);
    for (;;) {
        while (!hw.head && !hw.quit)
            pthread_cond_wait(&hw.cond, &hw.lock);
        if (!hw.head)
            break; /* quit, and nothing left to answer */
        search_job *j = hw.head;
        hw.head = j->next;
        if (!hw.head)
            hw.tail = NULL;
        pthread_mutex_unlock(&hw.lock);
        run_search(j);
        atomic_fetch_sub(&heavy, 1);
        MHD_resume_connection(j->c); /* the access handler sends the answer */
        pthread_mutex_lock(&hw.lock);
    }
    pthread_mutex_unlock(&hw.lock);
    return NULL;
}

/* Start the heavy workers (once; 0 if they run). */
static int heavy_start(char *err, size_t errlen)
{
    pthread_mutex_lock(&hw.lock);
    int rc = 0;
    if (!hw.threads) {
        unsigned n = max_heavy();
        hw.threads = calloc(n, sizeof *hw.threads);
        hw.quit = 0;
        for (hw.n = 0; hw.threads && hw.n < n; hw.n++)
            if (pthread_create(&hw.threads[hw.n], NULL, heavy_main, NULL) != 0)
                break;
        if (!hw.n) {
            snprintf(err, errlen, "cannot start the heavy query workers");
            free(hw.threads);
            hw.threads = NULL;
            rc = -1;
        }
    }
    pthread_mutex_unlock(&hw.lock);
    return rc;
}

static void heavy_stop(void)
{
    pthread_mutex_lock(&hw.lock);
    hw.quit = 1;
    pthread_cond_broadcast(&hw.cond);
    pthread_mutex_unlock(&hw.lock);
    for (unsigned i = 0; i < hw.n; i++)
        pthread_join(hw.threads[i], NULL);
    free(hw.threads);
    hw.threads = NULL;
    hw.n = 0;
}

/* The search options from the query string and the limits in st; NULL,
 * or why the request is bad (a 400). */
static const char *search_options(struct MHD_Connection *c, const sd_settings *st,
                                  ws_search_options *o)
{
    o->max_query = st->max_query;
    o->time_limit = st->search_timeout;
    o->max_terms = st->max_terms;
    o->max_expansion = st->max_expansion;
    o->facet_values = st->facet_values;
    long size = uint_arg(c, "size", 10, st->max_page_size);
    long offset = uint_arg(c, "offset", -2, 100000);
    long page = uint_arg(c, "page", 1, 100000);
    if (size < 0)
        return "size must be a number from 0 to the "
               "page size limit";
    if (offset == -1 || page <= 0)
        return "offset and page must be numbers "
               "(page starts at 1)";
    o->limit = (unsigned)size;
    o->offset = offset >= 0 ? (unsigned)offset : (unsigned)((page - 1) * size);
    int bad = 0;
    o->type = text_arg(c, "type", &bad);
    o->date_from = text_arg(c, "from", &bad);
    o->date_to = text_arg(c, "to", &bad);
    o->speaker = text_arg(c, "speaker", &bad);
    o->organisation = text_arg(c, "org", &bad);
    o->event = text_arg(c, "event", &bad);
    o->year = text_arg(c, "year", &bad);
    const char *sort = text_arg(c, "sort", &bad);
    if (bad)
        return "a parameter contains a NUL byte";
    if (!sort || !strcmp(sort, "relevance"))
        o->sort = WS_SORT_RELEVANCE;
    else if (!strcmp(sort, "date"))
        o->sort = WS_SORT_DATE_DESC;
    else if (!strcmp(sort, "date-asc"))
        o->sort = WS_SORT_DATE_ASC;
    else
        return "sort must be relevance, date or date-asc";
    return NULL;
}

/* A heavy query goes to the worker queue; the connection is suspended
 * until the worker resumes it. */
static enum MHD_Result queue_heavy(struct MHD_Connection *c, request *rq, const search_job *job,
                                   int held)
{
    search_job *j = malloc(sizeof *j);
    if (!j) {
        heavy_leave(held);
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory");
    }
    *j = *job;
    rq->job = j;
    /* Suspended before the worker can resume it. */
    MHD_suspend_connection(c);
    pthread_mutex_lock(&hw.lock);
    if (hw.tail)
        hw.tail->next = j;
    else
        hw.head = j;
    hw.tail = j;
    pthread_cond_signal(&hw.cond);
    pthread_mutex_unlock(&hw.lock);
    return MHD_YES; /* answered when the worker resumes the connection */
}

static enum MHD_Result do_search(struct MHD_Connection *c, request *rq)
{
    size_t qlen = 0;
    const char *q = arg(c, "q", &qlen);
    if (!q || !qlen)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "missing query parameter q");
    pthread_rwlock_rdlock(&sd.lock);
    sd_settings st = sd.settings; /* the numbers; index path is not used here */
    pthread_rwlock_unlock(&sd.lock);

    search_job job;
    memset(&job, 0, sizeof job);
    job.c = c;
    job.q = q;
    job.qlen = qlen;
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    const char *why = search_options(c, &st, &o);
    if (why)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, why);
    job.o = o;

    int held = 0;
    if (!heavy_enter(q, qlen, &held))
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, HEAVY_BUSY);
    if (held)
        return queue_heavy(c, rq, &job, held);
    run_search(&job);
    return reply(c, rq, &job);
}

/* {"query": q, key: [lines]}; frees the lines. */
static enum MHD_Result send_lines(struct MHD_Connection *c, request *rq, const char *q, size_t qlen,
                                  const char *key, char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    ws_strings_free(v, n);
    return send_json(c, rq, MHD_HTTP_OK, json_pack("{s:s%,s:o}", "query", q, qlen, key, a));
}

static enum MHD_Result do_suggest(struct MHD_Connection *c, request *rq)
{
    size_t qlen = 0;
    const char *q = arg(c, "q", &qlen);
    if (!q)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "missing query parameter q");
    long size = uint_arg(c, "size", 8, 50);
    if (size < 0)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "size must be a number from 0 to 50");
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    if (!s)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, err.msg);
    char **v = NULL;
    size_t n = 0;
    int rc = ws_searcher_suggest(s, q, qlen, (size_t)size, &v, &n, &err);
    if (rc != WS_OK)
        return send_error(c, rq, status_for(rc), err.msg);
    return send_lines(c, rq, q, qlen, "suggestions", v, n);
}

static enum MHD_Result do_explain(struct MHD_Connection *c, request *rq)
{
    size_t qlen = 0;
    const char *q = arg(c, "q", &qlen);
    if (!q || !qlen)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "missing query parameter q");
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    if (!s)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, err.msg);
    char **v = NULL;
    size_t n = 0;
    /* Explaining runs the search and counts each wildcard's words: heavy
     * queries take a heavy slot here too. */
    int held = 0;
    if (!heavy_enter(q, qlen, &held))
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, HEAVY_BUSY);
    int rc = ws_search_explain(s, q, qlen, &v, &n, &err);
    heavy_leave(held);
    if (rc != WS_OK)
        return send_error(c, rq, status_for(rc), err.msg);
    return send_lines(c, rq, q, qlen, "explanation", v, n);
}

/* A document as /doc sends it: the stored record's fields under the names
 * docs/schema.md gives them (absent when empty), its passages and text.
 * NULL when out of memory or the text is damaged. */
static json_t *doc_json(const ws_document *doc)
{
    static const char *const fields[WS_FIELD_COUNT_] = {"path",        "title",        "date",
                                                        "description", "organisation", "event"};
    static const char *const lists[WS_LIST_COUNT_] = {"speakers", "tags", "links"};
    json_t *d = json_object();
    if (!d)
        return NULL;
    for (int f = 0; f < WS_FIELD_COUNT_; f++) {
        if (f == WS_FIELD_DATE) /* the type sits between title and date */
            json_object_set_new(d, "type", json_string(ws_doctype_name(ws_document_type(doc))));
        const char *v = ws_document_field(doc, (ws_doc_field)f);
        if (v && *v)
            json_object_set_new(d, fields[f], json_string(v));
    }
    for (int l = 0; l < WS_LIST_COUNT_; l++) {
        const char *const *v;
        size_t n = ws_document_list(doc, (ws_doc_list)l, &v);
        if (!n)
            continue;
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_string(v[i]));
        json_object_set_new(d, lists[l], a);
    }
    const ws_document_passage *p;
    size_t np = ws_document_passages(doc, &p);
    json_t *ps = json_array();
    for (size_t i = 0; i < np; i++) {
        json_t *po = json_object();
        json_object_set_new(po, "kind", json_string(ws_passage_kind_name(p[i].kind)));
        json_object_set_new(po, "n", json_integer(p[i].number));
        if (p[i].heading && *p[i].heading)
            json_object_set_new(po, "heading", json_string(p[i].heading));
        json_object_set_new(po, "start", json_integer((json_int_t)p[i].start));
        json_object_set_new(po, "end", json_integer((json_int_t)p[i].end));
        if (p[i].ocr)
            json_object_set_new(po, "ocr", json_true());
        json_array_append_new(ps, po);
    }
    json_object_set_new(d, "passages", ps);
    size_t tl = 0;
    const char *t = ws_document_text(doc, &tl);
    if (!t) { /* a damaged text: no answer rather than a wrong one */
        json_decref(d);
        return NULL;
    }
    json_object_set_new(d, "text", json_stringn(t, tl));
    return d;
}

static enum MHD_Result do_doc(struct MHD_Connection *c, request *rq, const char *idstr)
{
    char *end;
    errno = 0;
    unsigned long id = strtoul(idstr, &end, 10);
    if (!*idstr || *end || errno || id == 0 || id > 0xffffffffUL || idstr[0] == '-')
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "document id must be a positive number");
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    if (!s)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, err.msg);
    ws_document *doc = NULL;
    int rc = ws_searcher_document(s, (uint32_t)id, &doc, &err);
    if (rc == WS_ECORRUPT)
        return send_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "stored record is damaged");
    if (rc != WS_OK)
        return send_error(c, rq, status_for(rc), err.msg);
    json_t *d = doc_json(doc);
    ws_document_free(doc);
    if (!d)
        return send_error(c, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "stored record is damaged");
    json_object_set_new(d, "id", json_integer((json_int_t)id));
    return send_json(c, rq, MHD_HTTP_OK, d);
}

static enum MHD_Result do_health(struct MHD_Connection *c, request *rq)
{
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    uint32_t docs = 0;
    uint64_t rev = 0;
    if (!s || ws_searcher_doccount(s, &docs, &err) != WS_OK ||
        ws_searcher_revision(s, &rev, &err) != WS_OK)
        return send_json(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
                         json_pack("{s:s,s:s}", "status", "unavailable", "error", err.msg));
    return send_json(c, rq, MHD_HTTP_OK,
                     json_pack("{s:s,s:i,s:I}", "status", "ok", "documents", (int)docs, "revision",
                               (json_int_t)rev));
}

static enum MHD_Result do_stats(struct MHD_Connection *c, request *rq)
{
    json_t *o = json_object();
    ws_error err;
    ws_searcher *s = thread_searcher(&err);
    uint32_t docs = 0;
    uint64_t rev = 0;
    if (s && ws_searcher_doccount(s, &docs, &err) == WS_OK &&
        ws_searcher_revision(s, &rev, &err) == WS_OK) {
        json_object_set_new(o, "documents", json_integer(docs));
        json_object_set_new(o, "revision", json_integer((json_int_t)rev));
    } else {
        json_object_set_new(o, "index_error", json_string(err.msg));
    }
    pthread_rwlock_rdlock(&sd.lock);
    json_object_set_new(o, "index", json_string(sd.settings.index));
    pthread_rwlock_unlock(&sd.lock);
    json_object_set_new(o, "uptime_s", json_real(sd_now() - sd.started));
    json_object_set_new(o, "threads", json_integer(sd.threads));
    json_object_set_new(o, "in_flight", json_integer(sd_http_inflight()));
    sd_stats_json(o);
    unsigned long open = 0, deadline = 0, shed = 0, gone = 0;
    sd_guard_stats(&open, &deadline, &shed, &gone);
    json_object_set_new(o, "connections",
                        json_pack("{s:I,s:I,s:I,s:I}", "open", (json_int_t)open, "cut_deadline",
                                  (json_int_t)deadline, "cut_shed", (json_int_t)shed,
                                  "cut_unfinished", (json_int_t)gone));
    return send_json(c, rq, MHD_HTTP_OK, o);
}

/* The web front end and documents' files (static.c); errors as JSON. */
static enum MHD_Result do_static(struct MHD_Connection *c, request *rq, const char *url)
{
    sd_served out = {0};
    if (!strcmp(rq->endpoint, "file")) {
        rq->endpoint = "static";
        ws_error err;
        ws_searcher *s = thread_searcher(&err);
        if (!s)
            return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, err.msg);
        sd_file_serve(c, s, url + 6, &out);
    } else {
        sd_static_serve(c, url, &out);
    }
    if (!out.queued)
        return send_error(c, rq, out.status, out.message);
    rq->status = out.status;
    return (enum MHD_Result)out.ret;
}

/* Requests refused before routing: NUL bytes, request heads over
 * max_request (libmicrohttpd's pool is sized above it, so these get JSON;
 * only heads beyond the pool get libmicrohttpd's own HTML 414/431). */
static enum MHD_Result refuse_early(struct MHD_Connection *c, request *rq, const char *version,
                                    int *refused)
{
    *refused = 1;
    size_t uri_len = 0;
    int flaws = sd_guard_flaws(c, version, &uri_len);
    if (flaws & SD_FLAW_RAW_NUL)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "the request line contains a NUL byte");
    if (flaws & SD_FLAW_PATH_NUL)
        return send_error(c, rq, MHD_HTTP_BAD_REQUEST, "the path contains a NUL byte (%00)");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (ci && ci->header_size > sd.max_request) {
        if (uri_len > sd.max_request / 2)
            return send_error(c, rq, MHD_HTTP_URI_TOO_LONG,
                              "the URL is too long (see max_request)");
        return send_error(c, rq, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                          "the request headers are too large (see max_request)");
    }
    *refused = 0;
    return MHD_YES;
}

/* A request's first call: count it, refuse what can be refused before
 * the body is read. */
static enum MHD_Result arrive(sd_guard *g, struct MHD_Connection *c, const char *url,
                              const char *version, void **con_cls)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq)
        return MHD_NO;
    rq->start = sd_now();
    rq->late = sd.stopping;
    rq->endpoint = "other";
    rq->uri = strdup(url ? url : "");
    *con_cls = rq;
    /* Admission is decided when a request arrives: one admitted is
     * served even if others pile up behind it. */
    pthread_rwlock_rdlock(&sd.lock);
    unsigned max_inflight = sd.settings.max_inflight;
    pthread_rwlock_unlock(&sd.lock);
    rq->overload = atomic_fetch_add(&inflight, 1) + 1 > max_inflight;
    rq->counted = 1;
    int refused = 0;
    enum MHD_Result ret = refuse_early(c, rq, version, &refused);
    if (refused) {
        sd_guard_serving(g, c, 1);
        return ret;
    }
    /* A body announced too large is refused before it is read. */
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > sd.max_body) {
        sd_guard_serving(g, c, 1);
        return send_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    }
    return MHD_YES;
}

/* The endpoint for url; it names the request for the statistics. */
static enum MHD_Result route(struct MHD_Connection *c, request *rq, const char *url)
{
    if (!strcmp(url, "/search")) {
        rq->endpoint = "search";
        return do_search(c, rq);
    }
    if (!strcmp(url, "/suggest")) {
        rq->endpoint = "suggest";
        return do_suggest(c, rq);
    }
    if (!strcmp(url, "/explain")) {
        rq->endpoint = "search";
        return do_explain(c, rq);
    }
    if (!strncmp(url, "/doc/", 5)) {
        rq->endpoint = "doc";
        return do_doc(c, rq, url + 5);
    }
    if (!strcmp(url, "/health")) {
        rq->endpoint = "health";
        return do_health(c, rq);
    }
    if (!strcmp(url, "/stats")) {
        rq->endpoint = "stats";
        return do_stats(c, rq);
    }
    const char *st = sd_static_route(url);
    if (st) {
        rq->endpoint = st;
        return do_static(c, rq, url);
    }
    return send_error(c, rq, MHD_HTTP_NOT_FOUND, "no such endpoint");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    sd_guard *g = cls;
    (void)upload_data;
    request *rq = *con_cls;
    if (!rq)
        return arrive(g, c, url, version, con_cls);
    if (*upload_data_size) {
        /* GET takes no body: swallow a small one; drop a client that
         * streams more than it may (chunked, so no length was announced). */
        rq->body += *upload_data_size;
        *upload_data_size = 0;
        if (rq->body > sd.max_body) {
            rq->status = MHD_HTTP_CONTENT_TOO_LARGE;
            return MHD_NO;
        }
        return MHD_YES;
    }
    if (rq->job) { /* resumed: the heavy worker has the answer */
        struct search_job *j = rq->job;
        rq->job = NULL;
        enum MHD_Result ret = reply(c, rq, j);
        free(j->out);
        free(j);
        return ret;
    }
    if (rq->status)
        return MHD_YES; /* a response is already queued */
    /* The request is complete: from here it is answered, not awaited. */
    sd_guard_serving(g, c, 1);

    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
        return send_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are served");
    if (rq->body > sd.max_body)
        return send_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    /* Requests that began before the stop are served; new ones on
     * kept-alive connections are turned away. */
    if (rq->late)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "searchd is shutting down");
    if (rq->overload)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE,
                          "too many requests at once; try again shortly");
    return route(c, rq, url);
}

/* After the response went out (or the client vanished): log and count. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    sd_guard_serving(cls, c, 0);
    request *rq = *con_cls;
    if (!rq)
        return;
    double secs = sd_now() - rq->start;
    unsigned status = rq->status;
    if (status)
        sd_stats_record(rq->endpoint, status, secs);
    pthread_rwlock_rdlock(&sd.lock);
    int log = sd.settings.log_requests;
    pthread_rwlock_unlock(&sd.lock);
    if (log) {
        const char *why = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK      ? ""
                          : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)"
                          : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT    ? " (client went away)"
                                                                          : " (aborted)";
        sd_log("%s %u %.3fms%s", rq->uri ? rq->uri : "?", status, secs * 1000.0, why);
    }
    if (rq->counted)
        atomic_fetch_sub(&inflight, 1);
    free(rq->uri);
    free(rq);
    *con_cls = NULL;
}

/* libmicrohttpd's own complaints (malformed requests and the like). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    buf[strcspn(buf, "\n")] = '\0';
    sd_log("http: %s", buf);
}

/* A request line arrived: the guard starts the request's deadline. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
    sd_guard_request_line(cls, c, uri);
    return NULL; /* the request struct is made by the access handler */
}

/* Each daemon's guard, to free it when the daemon stops. */
#define MAX_DAEMONS 8
static struct {
    struct MHD_Daemon *d;
    sd_guard *g;
} daemons[MAX_DAEMONS];
static pthread_mutex_t daemons_lock = PTHREAD_MUTEX_INITIALIZER;

struct MHD_Daemon *sd_http_start(int fd, unsigned threads, const sd_limits *lim, char *err,
                                 size_t errlen)
{
    if (heavy_start(err, errlen) != 0)
        return NULL;
    sd_guard *g = sd_guard_new(lim, err, errlen);
    if (!g)
        return NULL;
    /* Every connection needs a descriptor; ask for them all up front. */
    sd_guard_raise_nofile(4ul * lim->max_connections + 256);
    sd.max_request = lim->max_request;
    /* The pool holds the read buffer, the parsed headers and arguments
     * (some 60 bytes each: 500 x "q=a" is 30 KB) and the answer's
     * headers: room above max_request, so over-long requests get our JSON
     * 414/431 and not libmicrohttpd's pool failure.  Untouched pages cost
     * no memory. */
    size_t pool = lim->max_request * 4 + 65536;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    /* Per-address caps mean something on TCP only: every UNIX client has
     * the same (empty) address. */
    unsigned per_ip = sd_is_unix(fd) ? 0 : lim->per_ip;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, g, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, lim->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        per_ip, MHD_OPTION_CONNECTION_TIMEOUT, lim->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_NOTIFY_COMPLETED, completed, g,
        MHD_OPTION_NOTIFY_CONNECTION, sd_guard_notify, g, MHD_OPTION_URI_LOG_CALLBACK, uri_seen, g,
        MHD_OPTION_END);
    if (!d) {
        snprintf(err, errlen, "cannot start the HTTP server (libmicrohttpd refused the options)");
        sd_guard_free(g);
        return NULL;
    }
    pthread_mutex_lock(&daemons_lock);
    for (size_t i = 0; i < MAX_DAEMONS; i++)
        if (!daemons[i].d) {
            daemons[i].d = d;
            daemons[i].g = g;
            g = NULL;
            break;
        }
    pthread_mutex_unlock(&daemons_lock);
    if (g) { /* more daemons than slots: cannot happen with main.c's four */
        MHD_stop_daemon(d);
        sd_guard_free(g);
        snprintf(err, errlen, "too many listening sockets");
        return NULL;
    }
    return d;
}

void sd_http_stop(struct MHD_Daemon *d)
{
    if (!d)
        return;
    /* The daemon first: its threads use the guard until they are gone. */
    MHD_stop_daemon(d);
    pthread_mutex_lock(&daemons_lock);
    int left = 0;
    for (size_t i = 0; i < MAX_DAEMONS; i++) {
        if (daemons[i].d == d) {
            sd_guard_free(daemons[i].g);
            daemons[i].d = NULL;
            daemons[i].g = NULL;
        }
        left += daemons[i].d != NULL;
    }
    pthread_mutex_unlock(&daemons_lock);
    if (!left)
        heavy_stop();
}
