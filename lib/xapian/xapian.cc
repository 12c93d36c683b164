/*
 * xapian.cc - the one C++ translation unit: wsearch/xapian.h over xapian-core.
 *
 * Every extern "C" function body runs inside WS_TRY/WS_CATCH, which turns
 * Xapian::Error subclasses, std::bad_alloc and any other exception into a
 * status code and a message.  Handles are heap structs holding the Xapian
 * objects by value (Xapian's classes are reference-counted handles
 * themselves, so copies are cheap).
 */
#include "xapian/xapian.h"

#include <xapian.h>

extern "C" {
#include "index/schema.h" /* the term prefixes */
}

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <algorithm>
#include <map>
#include <set>
#include <vector>
#include <string>

struct ws_xdb {
    Xapian::Database db; /* for readers; a WritableDatabase for writers */
    Xapian::WritableDatabase w;
    bool writable;
    /* Readers: the path opened and its identity then.  A rebuild swaps the
     * stub file at path for one naming a new generation (a new inode), and
     * ws_xdb_reopen then opens that instead of reopening the old one. */
    std::string path;
    dev_t dev = 0;
    ino_t ino = 0;
    bool remote = false; /* a stub naming a remote shard (names_remote) */
};

/* The path's identity now; false when it cannot be stat'ed. */
static bool path_identity(const std::string &path, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

/* Does the stub file at path name a remote database ("remote ..." line,
 * Xapian's stub format)?  A folder, or a stub of generations, does not.
 * Only a hint for costs (ws_xenquire_matching_terms): Xapian parses the
 * stub itself. */
static bool names_remote(const std::string &path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536)
        return false;
    FILE *f = fopen(path.c_str(), "r");
    if (!f)
        return false;
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        const char *p = line + strspn(line, " \t");
        found = !strncmp(p, "remote", 6) && (p[6] == ' ' || p[6] == '\t');
    }
    fclose(f);
    return found;
}

struct ws_xdoc {
    Xapian::Document doc;
};

struct ws_xquery {
    Xapian::Query q;
};

namespace
{

/* Our stemmer plugged into Xapian: the query parser calls it for every word
 * it stems, so it stems exactly as the indexer does. */
class CallbackStem : public Xapian::StemImplementation
{
  public:
    CallbackStem(ws_xstem_fn fn, void *ctx) : fn_(fn), ctx_(ctx)
    {
    }
    std::string operator()(const std::string &word) override
    {
        char buf[512];
        if (word.size() >= sizeof buf / 2)
            return word;
        int n = fn_(ctx_, word.data(), word.size(), buf, sizeof buf);
        if (n < 0 || (size_t)n >= sizeof buf)
            return word;
        return std::string(buf, (size_t)n);
    }
    std::string get_description() const override
    {
        return "wsearch-german";
    }

  private:
    ws_xstem_fn fn_;
    void *ctx_;
};

/* Our stopword test plugged into Xapian's query parser. */
class CallbackStopper : public Xapian::Stopper
{
  public:
    CallbackStopper(ws_xstop_fn fn, void *ctx) : fn_(fn), ctx_(ctx)
    {
    }
    bool operator()(const std::string &term) const override
    {
        return fn_(ctx_, term.c_str()) != 0;
    }

  private:
    ws_xstop_fn fn_;
    void *ctx_;
};

int map_xapian_error(const Xapian::Error &e)
{
    const char *type = e.get_type();
    if (!strcmp(type, "DatabaseNotFoundError"))
        return WS_ENOTFOUND;
    if (!strcmp(type, "DatabaseLockError"))
        return WS_ELOCKED;
    if (!strcmp(type, "DatabaseCorruptError"))
        return WS_ECORRUPT;
    if (!strcmp(type, "DatabaseModifiedError"))
        return WS_EMODIFIED;
    if (!strcmp(type, "DatabaseVersionError"))
        return WS_EVERSION;
    if (!strcmp(type, "DatabaseOpeningError"))
        return WS_ENOTFOUND;
    if (!strcmp(type, "QueryParserError") || !strcmp(type, "WildcardError"))
        return WS_EQUERY;
    if (!strcmp(type, "DocNotFoundError"))
        return WS_ENOTFOUND;
    if (!strcmp(type, "InvalidArgumentError") || !strcmp(type, "InvalidOperationError"))
        return WS_EINVAL;
    /* NetworkError and NetworkTimeoutError: a remote shard */
    if (!strncmp(type, "Network", 7))
        return WS_ENETWORK;
    if (!strcmp(type, "DatabaseError") || !strcmp(type, "DatabaseCreateError"))
        return WS_EIO;
    return WS_EINTERNAL;
}

char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

} // namespace

#define WS_TRY try {
#define WS_CATCH(err)                                                                              \
    }                                                                                              \
    catch (const Xapian::Error &e)                                                                 \
    {                                                                                              \
        return ws_error_set(err, map_xapian_error(e), "%s: %s", e.get_type(),                      \
                            e.get_msg().c_str());                                                  \
    }                                                                                              \
    catch (const std::bad_alloc &)                                                                 \
    {                                                                                              \
        return ws_error_set(err, WS_ENOMEM, "out of memory in xapian");                            \
    }                                                                                              \
    catch (const std::exception &e)                                                                \
    {                                                                                              \
        return ws_error_set(err, WS_EINTERNAL, "xapian: %s", e.what());                            \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return ws_error_set(err, WS_EINTERNAL, "xapian: unknown exception");                       \
    }

#define CHECK_ARG(cond, err)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return ws_error_set(err, WS_EINVAL, "%s: invalid argument (%s)", __func__, #cond);     \
    } while (0)

struct ws_xqp {
    Xapian::QueryParser qp;
    std::string corrected;
    bool has_db;
};

namespace
{

/* One facet: Xapian's ValueCountMatchSpy over a slot, because it is the
 * spy Xapian's remote servers know (xapian-tcpsrv unserialises it by name,
 * so facets work over shards; a spy of our own would be refused there).
 * A multi-valued slot holds entries joined by WS_XFACET_SEP; each joined
 * combination is counted whole and split when read, which gives every
 * entry the number of documents holding it. */
struct Facet {
    Xapian::ValueCountMatchSpy *spy; /* owned by the Enquire (release()) */
    unsigned slot;
    int field; /* >= 0: this field of the value (WS_XFACET_FIELD_SEP) */
    bool multi;
    size_t key_len; /* values start with a document's key: count documents */
};

/* Split the spy's counts into entries (a document with two speakers counts
 * once for each). */
static std::map<std::string, Xapian::doccount> facet_counts(const Facet &f)
{
    std::map<std::string, Xapian::doccount> counts;
    for (auto it = f.spy->values_begin(); it != f.spy->values_end(); ++it) {
        std::string v = *it;
        Xapian::doccount n = it.get_termfreq();
        if (f.key_len) { /* parts of one document: one value, counted once */
            if (v.size() <= f.key_len)
                continue;
            v.erase(0, f.key_len);
            n = 1;
        }
        for (int k = 0; k < f.field; k++) {
            size_t at = v.find(WS_XFACET_FIELD_SEP);
            v.erase(0, at == std::string::npos ? v.size() : at + 1);
        }
        if (f.field >= 0)
            v.erase(std::min(v.find(WS_XFACET_FIELD_SEP), v.size()));
        if (v.empty())
            continue;
        if (!f.multi) {
            counts[v] += n;
            continue;
        }
        size_t start = 0;
        while (start <= v.size()) {
            size_t end = v.find(WS_XFACET_SEP, start);
            if (end == std::string::npos)
                end = v.size();
            if (end > start)
                counts[v.substr(start, end - start)] += n;
            start = end + 1;
        }
    }
    return counts;
}

} // namespace

struct ws_xenquire {
    Xapian::Enquire enq;
    Xapian::Database db; /* for ws_xenquire_matching_terms */
    bool remote = false; /* shards behind xapian-tcpsrv (names_remote) */
    std::vector<Facet> facets;
    explicit ws_xenquire(const Xapian::Database &d) : enq(d), db(d)
    {
    }
};

/* Does q hold a wildcard (whose terms only the match expands)? */
static bool has_wildcard(const Xapian::Query &q)
{
    if (q.get_type() == Xapian::Query::OP_WILDCARD)
        return true;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (has_wildcard(q.get_subquery(i)))
            return true;
    return false;
}

struct ws_xmset {
    Xapian::MSet ms;
};

namespace
{
/* The stemmed leaf a ranked word search is made of: "Z..." alone, or the
 * first term of the SYNONYM group the parser built from the thesaurus. */
std::string stem_leaf(const Xapian::Query &q)
{
    const Xapian::Query *l = &q;
    Xapian::Query first;
    if (q.get_type() == Xapian::Query::OP_SYNONYM && q.get_num_subqueries() > 0) {
        first = q.get_subquery(0);
        l = &first;
    }
    if (l->get_type() != Xapian::Query::LEAF_TERM)
        return std::string();
    const std::string t = *l->get_terms_begin();
    return !t.empty() && !t.compare(0, sizeof WS_PFX_STEM - 1, WS_PFX_STEM) ? t : std::string();
}

Xapian::Query expand(const Xapian::Database &db, const Xapian::Query &q, const std::string &kp,
                     double factor, unsigned max, int depth)
{
    using Q = Xapian::Query;
    if (depth > 64)
        return q;
    switch (q.get_type()) {
    case Q::LEAF_TERM:
    case Q::OP_SYNONYM: {
        const std::string t = stem_leaf(q);
        if (t.empty())
            return q;
        const std::string key = kp + t;
        std::vector<std::string> syn;
        for (auto it = db.synonyms_begin(key); it != db.synonyms_end(key) && syn.size() < max; ++it)
            syn.push_back(*it);
        if (syn.empty())
            return q;
        return Q(Q::OP_OR, q,
                 Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_SYNONYM, syn.begin(), syn.end()), factor));
    }
    case Q::OP_AND:
    case Q::OP_OR:
    case Q::OP_XOR:
    case Q::OP_MAX:
    case Q::OP_AND_MAYBE:
    case Q::OP_AND_NOT:
    case Q::OP_FILTER: {
        /* what follows the first operand of AND_NOT and FILTER excludes
         * or filters: left as it is */
        bool left_only = q.get_type() == Q::OP_AND_NOT || q.get_type() == Q::OP_FILTER;
        std::vector<Q> sub;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            sub.push_back(i == 0 || !left_only
                              ? expand(db, q.get_subquery(i), kp, factor, max, depth + 1)
                              : q.get_subquery(i));
        return Q(q.get_type(), sub.begin(), sub.end());
    }
    default: /* phrases, NEAR, wildcards, value ranges: words as written */
        return q;
    }
}
} // namespace

extern "C" {

const char *ws_xapian_version(void)
{
    return Xapian::version_string();
}

/* ---- database ---------------------------------------------------------- */

int ws_xdb_open_read(ws_xdb **out, const char *path, ws_error *err)
{
    CHECK_ARG(out && path, err);
    *out = nullptr;
    WS_TRY
    ws_xdb *h = new ws_xdb();
    try {
        /* Identity before opening: a swap in between is seen next time. */
        h->path = path;
        path_identity(h->path, &h->dev, &h->ino);
        h->remote = names_remote(h->path);
        h->db = Xapian::Database(path);
    } catch (...) {
        delete h;
        throw;
    }
    h->writable = false;
    *out = h;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_open_write(ws_xdb **out, const char *path, int mode, ws_error *err)
{
    CHECK_ARG(out && path && mode >= WS_XDB_OPEN && mode <= WS_XDB_OVERWRITE, err);
    *out = nullptr;
    WS_TRY
    int action = mode == WS_XDB_OVERWRITE ? Xapian::DB_CREATE_OR_OVERWRITE
                 : mode == WS_XDB_CREATE  ? Xapian::DB_CREATE_OR_OPEN
                                          : Xapian::DB_OPEN;
    ws_xdb *h = new ws_xdb();
    try {
        h->w = Xapian::WritableDatabase(path, action);
        h->db = h->w;
    } catch (...) {
        delete h;
        throw;
    }
    h->writable = true;
    *out = h;
    return WS_OK;
    WS_CATCH(err)
}

void ws_xdb_close(ws_xdb *db)
{
    if (!db)
        return;
    try {
        /* close() without commit: uncommitted changes are dropped. */
        if (db->writable)
            db->w.close();
        db->db.close();
    } catch (...) {
    }
    delete db;
}

int ws_xdb_is_writable(const ws_xdb *db)
{
    return db && db->writable;
}

/* A reader opens whatever its path names now (a new generation, or every
 * shard of a stub again), and remembers the path's identity then. */
static void open_again(ws_xdb *db)
{
    dev_t dev = 0;
    ino_t ino = 0;
    path_identity(db->path, &dev, &ino);
    Xapian::Database fresh(db->path);
    db->db = fresh;
    db->remote = names_remote(db->path);
    db->dev = dev;
    db->ino = ino;
}

int ws_xdb_reopen(ws_xdb *db, int *changed, ws_error *err)
{
    CHECK_ARG(db, err);
    WS_TRY
    dev_t dev;
    ino_t ino;
    if (!db->writable && !db->path.empty() && path_identity(db->path, &dev, &ino) &&
        (dev != db->dev || ino != db->ino)) {
        /* A new generation: open it whole; the old one stays readable for
         * whoever still holds it. */
        open_again(db);
        if (changed)
            *changed = 2;
        return WS_OK;
    }
    bool c;
    try {
        c = db->db.reopen();
    } catch (const Xapian::NetworkError &) {
        /* A remote shard went away (its xapian-tcpsrv restarted, the
         * connection dropped): connect again to everything the stub names.
         * Still unreachable: NetworkError, WS_ENETWORK, and the next call
         * tries again. */
        if (db->writable || db->path.empty())
            throw;
        open_again(db);
        if (changed)
            *changed = 2;
        return WS_OK;
    } catch (const Xapian::DatabaseOpeningError &) {
        /* Our generation was removed after a newer one was published (we
         * lagged two rebuilds behind): open whatever the path names now. */
        if (db->writable || db->path.empty())
            throw;
        open_again(db);
        if (changed)
            *changed = 2;
        return WS_OK;
    }
    if (changed)
        *changed = c ? 1 : 0;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_doccount(ws_xdb *db, uint32_t *out, ws_error *err)
{
    CHECK_ARG(db && out, err);
    WS_TRY
    *out = db->db.get_doccount();
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_revision(ws_xdb *db, uint64_t *out, ws_error *err)
{
    CHECK_ARG(db && out, err);
    WS_TRY
    try {
        *out = db->db.get_revision();
    } catch (const Xapian::InvalidOperationError &) {
        /* Several shards (a stub naming remote or local databases): Xapian
         * 1.4 has no combined revision, so say "unknown". */
        *out = 0;
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_termfreq(ws_xdb *db, const char *term, uint32_t *out, ws_error *err)
{
    CHECK_ARG(db && term && out, err);
    WS_TRY
    *out = db->db.get_termfreq(term);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_get_metadata(ws_xdb *db, const char *key, char **out, ws_error *err)
{
    CHECK_ARG(db && key && *key && out, err);
    *out = nullptr;
    WS_TRY
    *out = dup_string(db->db.get_metadata(key));
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_set_metadata(ws_xdb *db, const char *key, const char *value, ws_error *err)
{
    CHECK_ARG(db && db->writable && key && *key && value, err);
    WS_TRY
    db->w.set_metadata(key, value);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_replace_by_term(ws_xdb *db, const char *uterm, ws_xdoc *doc, uint32_t *docid,
                           ws_error *err)
{
    CHECK_ARG(db && db->writable && uterm && *uterm && doc, err);
    WS_TRY
    Xapian::docid id = db->w.replace_document(uterm, doc->doc);
    if (docid)
        *docid = id;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_add_document(ws_xdb *db, ws_xdoc *doc, uint32_t *docid, ws_error *err)
{
    CHECK_ARG(db && db->writable && doc, err);
    WS_TRY
    Xapian::docid id = db->w.add_document(doc->doc);
    if (docid)
        *docid = id;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_delete_by_term(ws_xdb *db, const char *term, ws_error *err)
{
    CHECK_ARG(db && db->writable && term && *term, err);
    WS_TRY
    db->w.delete_document(std::string(term));
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_delete_docid(ws_xdb *db, uint32_t docid, ws_error *err)
{
    CHECK_ARG(db && db->writable && docid, err);
    WS_TRY
    db->w.delete_document(docid);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_commit(ws_xdb *db, ws_error *err)
{
    CHECK_ARG(db && db->writable, err);
    WS_TRY
    db->w.commit();
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_compact(const char *src, const char *dst, ws_error *err)
{
    CHECK_ARG(src && dst, err);
    WS_TRY
    Xapian::Database db(src);
    db.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_merge(const char *const *srcs, size_t n, const char *dst, ws_error *err)
{
    CHECK_ARG(srcs && n && dst, err);
    WS_TRY
    Xapian::Database db;
    for (size_t i = 0; i < n; i++)
        db.add_database(Xapian::Database(srcs[i]));
    /* renumbered: each source's documents follow the one before's, in
     * their order (the sources were written from empty, without gaps) */
    db.compact(dst);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_get_document(ws_xdb *db, uint32_t docid, ws_xdoc **out, ws_error *err)
{
    CHECK_ARG(db && out && docid, err);
    *out = nullptr;
    WS_TRY
    Xapian::Document d = db->db.get_document(docid);
    *out = new ws_xdoc{d};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_postings(ws_xdb *db, const char *term, uint32_t **ids, size_t *n, ws_error *err)
{
    return ws_xdb_postings_upto(db, term, (size_t)-1, ids, n, err);
}

int ws_xdb_postings_upto(ws_xdb *db, const char *term, size_t max, uint32_t **ids, size_t *n,
                         ws_error *err)
{
    CHECK_ARG(db && term && ids && n, err);
    *ids = nullptr;
    *n = 0;
    WS_TRY
    size_t cap = 0, len = 0;
    uint32_t *v = nullptr;
    for (auto it = db->db.postlist_begin(term); it != db->db.postlist_end(term) && len < max;
         ++it) {
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            uint32_t *nv = static_cast<uint32_t *>(realloc(v, cap * sizeof *v));
            if (!nv) {
                free(v);
                throw std::bad_alloc();
            }
            v = nv;
        }
        v[len++] = *it;
    }
    *ids = v;
    *n = len;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_allterms(ws_xdb *db, const char *prefix, ws_xterm_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(db && prefix && fn, err);
    WS_TRY
    for (auto it = db->db.allterms_begin(prefix); it != db->db.allterms_end(prefix); ++it) {
        const std::string t = *it;
        if (fn(ctx, t.c_str(), t.size(), it.get_termfreq()))
            break;
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_add_spelling(ws_xdb *db, const char *word, uint32_t freqinc, ws_error *err)
{
    CHECK_ARG(db && db->writable && word && *word, err);
    WS_TRY
    db->w.add_spelling(word, freqinc ? freqinc : 1);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_add_synonym(ws_xdb *db, const char *term, const char *synonym, ws_error *err)
{
    CHECK_ARG(db && db->writable && term && *term && synonym && *synonym, err);
    WS_TRY
    db->w.add_synonym(term, synonym);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_clear_synonyms(ws_xdb *db, const char *term, ws_error *err)
{
    CHECK_ARG(db && db->writable && term && *term, err);
    WS_TRY
    db->w.clear_synonyms(term);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_spelling(ws_xdb *db, const char *word, unsigned max_edit, char **out, ws_error *err)
{
    CHECK_ARG(db && word && out, err);
    *out = nullptr;
    WS_TRY
    *out = dup_string(db->db.get_spelling_suggestion(word, max_edit));
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_synonyms(ws_xdb *db, const char *term, ws_xterm_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(db && term && fn, err);
    WS_TRY
    for (auto it = db->db.synonyms_begin(term); it != db->db.synonyms_end(term); ++it) {
        const std::string t = *it;
        if (fn(ctx, t.c_str(), t.size(), 0))
            break;
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdb_synonym_keys(ws_xdb *db, ws_xterm_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(db && fn, err);
    WS_TRY
    for (auto it = db->db.synonym_keys_begin(); it != db->db.synonym_keys_end(); ++it) {
        const std::string t = *it;
        if (fn(ctx, t.c_str(), t.size(), 0))
            break;
    }
    return WS_OK;
    WS_CATCH(err)
}

/* ---- document ---------------------------------------------------------- */

int ws_xdoc_new(ws_xdoc **out, ws_error *err)
{
    CHECK_ARG(out, err);
    WS_TRY
    *out = new ws_xdoc();
    return WS_OK;
    WS_CATCH(err)
}

void ws_xdoc_free(ws_xdoc *doc)
{
    delete doc;
}

int ws_xdoc_set_data(ws_xdoc *doc, const char *data, size_t len, ws_error *err)
{
    CHECK_ARG(doc && (data || !len), err);
    WS_TRY
    doc->doc.set_data(std::string(data ? data : "", len));
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_get_data(ws_xdoc *doc, char **out, size_t *len, ws_error *err)
{
    CHECK_ARG(doc && out, err);
    *out = nullptr;
    WS_TRY
    const std::string d = doc->doc.get_data();
    *out = dup_string(d);
    if (len)
        *len = d.size();
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_add_posting(ws_xdoc *doc, const char *term, uint32_t pos, uint32_t wdfinc,
                        ws_error *err)
{
    CHECK_ARG(doc && term && *term, err);
    WS_TRY
    doc->doc.add_posting(term, pos, wdfinc);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_add_term(ws_xdoc *doc, const char *term, uint32_t wdfinc, ws_error *err)
{
    CHECK_ARG(doc && term && *term, err);
    WS_TRY
    doc->doc.add_term(term, wdfinc);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_add_boolean_term(ws_xdoc *doc, const char *term, ws_error *err)
{
    CHECK_ARG(doc && term && *term, err);
    WS_TRY
    doc->doc.add_boolean_term(term);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_add_terms(ws_xdoc *doc, const ws_xterm *terms, size_t n, ws_error *err)
{
    CHECK_ARG(doc && (terms || !n), err);
    WS_TRY
    std::string t;
    for (size_t i = 0; i < n; i++) {
        const ws_xterm &x = terms[i];
        if (!x.len)
            continue;
        t.assign(x.term, x.len);
        for (uint32_t k = 0; k < x.npos; k++)
            doc->doc.add_posting(t, x.pos[k], 0);
        doc->doc.add_term(t, x.wdf);
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_set_value(ws_xdoc *doc, unsigned slot, const char *data, size_t len, ws_error *err)
{
    CHECK_ARG(doc && (data || !len), err);
    WS_TRY
    doc->doc.add_value(slot, std::string(data ? data : "", len));
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_get_value(ws_xdoc *doc, unsigned slot, char **out, size_t *len, ws_error *err)
{
    CHECK_ARG(doc && out, err);
    *out = nullptr;
    WS_TRY
    const std::string v = doc->doc.get_value(slot);
    *out = dup_string(v);
    if (len)
        *len = v.size();
    return WS_OK;
    WS_CATCH(err)
}

int ws_xdoc_term_with_prefix(ws_xdoc *doc, const char *prefix, char **out, ws_error *err)
{
    CHECK_ARG(doc && prefix && out, err);
    *out = nullptr;
    WS_TRY
    auto it = doc->doc.termlist_begin();
    it.skip_to(prefix);
    if (it == doc->doc.termlist_end())
        return ws_error_set(err, WS_ENOTFOUND, "document has no term with prefix '%s'", prefix);
    const std::string t = *it;
    if (t.compare(0, strlen(prefix), prefix) != 0)
        return ws_error_set(err, WS_ENOTFOUND, "document has no term with prefix '%s'", prefix);
    *out = dup_string(t);
    return WS_OK;
    WS_CATCH(err)
}

/* ---- queries ----------------------------------------------------------- */

void ws_xquery_free(ws_xquery *q)
{
    delete q;
}

int ws_xquery_term(ws_xquery **out, const char *term, ws_error *err)
{
    CHECK_ARG(out && term && *term, err);
    *out = nullptr;
    WS_TRY
    *out = new ws_xquery{Xapian::Query(term)};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_value_range(ws_xquery **out, unsigned slot, const char *lo, const char *hi,
                          ws_error *err)
{
    CHECK_ARG(out && (lo || hi), err);
    *out = nullptr;
    WS_TRY
    Xapian::Query q;
    if (lo && hi)
        q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
    else if (lo)
        q = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
    else
        q = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
    *out = new ws_xquery{q};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_combine(ws_xquery **out, ws_xop op, const ws_xquery *a, const ws_xquery *b,
                      ws_error *err)
{
    CHECK_ARG(out && (a || b), err);
    *out = nullptr;
    WS_TRY
    Xapian::Query r;
    if (!a) {
        r = (op == WS_XOP_AND_NOT)
                ? Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, b->q)
                : b->q;
    } else if (!b) {
        r = a->q;
    } else {
        Xapian::Query::op xop = Xapian::Query::OP_AND;
        switch (op) {
        case WS_XOP_AND:
            xop = Xapian::Query::OP_AND;
            break;
        case WS_XOP_OR:
            xop = Xapian::Query::OP_OR;
            break;
        case WS_XOP_AND_NOT:
            xop = Xapian::Query::OP_AND_NOT;
            break;
        case WS_XOP_FILTER:
            xop = Xapian::Query::OP_FILTER;
            break;
        case WS_XOP_AND_MAYBE:
            xop = Xapian::Query::OP_AND_MAYBE;
            break;
        case WS_XOP_SYNONYM:
            xop = Xapian::Query::OP_SYNONYM;
            break;
        default:
            return ws_error_set(err, WS_EINVAL, "unknown query operator %d", (int)op);
        }
        r = Xapian::Query(xop, a->q, b->q);
    }
    *out = new ws_xquery{r};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_combine_n(ws_xquery **out, ws_xop op, const ws_xquery *const *v, size_t n,
                        ws_error *err)
{
    CHECK_ARG(out && (v || !n) && (op == WS_XOP_AND || op == WS_XOP_OR || op == WS_XOP_SYNONYM),
              err);
    *out = nullptr;
    WS_TRY
    std::vector<Xapian::Query> sub;
    for (size_t i = 0; i < n; i++)
        if (v[i])
            sub.push_back(v[i]->q);
    if (sub.empty())
        return WS_OK;
    Xapian::Query::op xop = op == WS_XOP_AND  ? Xapian::Query::OP_AND
                            : op == WS_XOP_OR ? Xapian::Query::OP_OR
                                              : Xapian::Query::OP_SYNONYM;
    *out = new ws_xquery{sub.size() == 1 ? sub[0] : Xapian::Query(xop, sub.begin(), sub.end())};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_scale(ws_xquery **out, const ws_xquery *q, double factor, ws_error *err)
{
    CHECK_ARG(out && q && factor >= 0, err);
    *out = nullptr;
    WS_TRY
    *out = new ws_xquery{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_expand(ws_xquery **q, ws_xdb *db, const char *key_prefix, double factor, unsigned max,
                     ws_error *err)
{
    CHECK_ARG(q && *q && db && key_prefix && factor >= 0, err);
    WS_TRY
    Xapian::Query r = expand(db->db, (*q)->q, key_prefix, factor, max, 0);
    (*q)->q = r;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_constant(ws_xquery **out, const ws_xquery *q, double w, ws_error *err)
{
    CHECK_ARG(out && q && w >= 0, err);
    *out = nullptr;
    WS_TRY
    Xapian::Query fixed((new Xapian::FixedWeightPostingSource(w))->release());
    *out = new ws_xquery{Xapian::Query(Xapian::Query::OP_FILTER, fixed, q->q)};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_is_empty(const ws_xquery *q)
{
    return !q || q->q.empty();
}

int ws_xquery_terms(const ws_xquery *q, ws_xterm_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(q && fn, err);
    WS_TRY
    for (auto it = q->q.get_unique_terms_begin(); it != q->q.get_unique_terms_end(); ++it) {
        const std::string t = *it;
        if (fn(ctx, t.c_str(), t.size(), 0))
            break;
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_shape(const ws_xquery *q, ws_xshape *out, ws_xterm_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(q && out, err);
    *out = ws_xshape{0, 0, 0};
    WS_TRY
    /* An explicit stack: a hostile query may nest brackets deeply. */
    std::vector<std::pair<Xapian::Query, uint32_t>> todo;
    todo.emplace_back(q->q, 1);
    while (!todo.empty()) {
        Xapian::Query sub = todo.back().first;
        uint32_t depth = todo.back().second;
        todo.pop_back();
        if (sub.empty())
            continue;
        out->depth = std::max(out->depth, depth);
        size_t n = sub.get_num_subqueries();
        if (sub.get_type() == Xapian::Query::OP_WILDCARD) {
            out->leaves++;
            out->wildcards++;
            /* 1.4 has no accessor for the pattern; its description is
             * "Query(WILDCARD <combiner> <pattern>)". */
            std::string d = sub.get_description();
            const std::string head = "Query(WILDCARD ";
            size_t sp = d.compare(0, head.size(), head) == 0 ? d.find(' ', head.size()) : d.npos;
            if (fn && sp != d.npos && d.size() > sp + 2 && d.back() == ')') {
                std::string pat = d.substr(sp + 1, d.size() - sp - 2);
                if (fn(ctx, pat.data(), pat.size(), 0))
                    fn = nullptr;
            }
        } else if (n == 0) {
            out->leaves++;
        }
        for (size_t i = 0; i < n; i++)
            todo.emplace_back(sub.get_subquery(i), depth + 1);
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xquery_describe(const ws_xquery *q, char **out, ws_error *err)
{
    CHECK_ARG(q && out, err);
    *out = nullptr;
    WS_TRY
    *out = dup_string(q->q.get_description());
    return WS_OK;
    WS_CATCH(err)
}

/* ---- query parser ------------------------------------------------------ */

int ws_xqp_new(ws_xqp **out, ws_error *err)
{
    CHECK_ARG(out, err);
    *out = nullptr;
    WS_TRY
    ws_xqp *h = new ws_xqp();
    h->has_db = false;
    /* Implicit operator AND: users expect every word to count, as with
     * web search engines; OR is available explicitly. */
    h->qp.set_default_op(Xapian::Query::OP_AND);
    *out = h;
    return WS_OK;
    WS_CATCH(err)
}

void ws_xqp_free(ws_xqp *qp)
{
    delete qp;
}

int ws_xqp_set_database(ws_xqp *qp, ws_xdb *db, ws_error *err)
{
    CHECK_ARG(qp, err);
    WS_TRY
    qp->qp.set_database(db ? db->db : Xapian::Database());
    qp->has_db = db != nullptr;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_set_stemmer(ws_xqp *qp, ws_xstem_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(qp, err);
    WS_TRY
    if (fn) {
        qp->qp.set_stemmer(Xapian::Stem(new CallbackStem(fn, ctx)));
        qp->qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    } else {
        qp->qp.set_stemmer(Xapian::Stem());
        qp->qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
    }
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_set_stopper(ws_xqp *qp, ws_xstop_fn fn, void *ctx, ws_error *err)
{
    CHECK_ARG(qp, err);
    WS_TRY
    if (fn)
        qp->qp.set_stopper((new CallbackStopper(fn, ctx))->release());
    else
        qp->qp.set_stopper(nullptr);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_add_prefix(ws_xqp *qp, const char *field, const char *prefix, ws_error *err)
{
    CHECK_ARG(qp && field && *field && prefix, err);
    WS_TRY
    qp->qp.add_prefix(field, prefix);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_add_boolean_prefix(ws_xqp *qp, const char *field, const char *prefix, ws_error *err)
{
    CHECK_ARG(qp && field && *field && prefix && *prefix, err);
    WS_TRY
    qp->qp.add_boolean_prefix(field, prefix);
    return WS_OK;
    WS_CATCH(err)
}

/* YYYY-MM-DD that names a real day (2024-02-30 does not). */
static bool iso_date(const std::string &d, int *ymd)
{
    if (d.size() != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (d[i] < '0' || d[i] > '9')
            return false;
    int y = std::atoi(d.substr(0, 4).c_str()), m = std::atoi(d.substr(5, 2).c_str()),
        day = std::atoi(d.substr(8, 2).c_str());
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || day < 1 || day > mdays[m - 1] || (m == 2 && day == 29 && !leap))
        return false;
    *ymd = y * 10000 + m * 100 + day;
    return true;
}

/* Xapian reads datum:2024-13-45 as a date it normalises and a reversed
 * range as no document at all; both are mistakes the user should hear
 * about (issue 16), so ISO dates are checked before Xapian sees them. */
class CheckedDateRange : public Xapian::DateRangeProcessor
{
  public:
    using Xapian::DateRangeProcessor::DateRangeProcessor;
    Xapian::Query operator()(const std::string &b, const std::string &e) override
    {
        int lo = 0, hi = 0, any = 0;
        bool blo = !b.empty() && iso_date(b, &lo), bhi = !e.empty() && iso_date(e, &hi);
        for (const std::string *d : {&b, &e})
            if (!d->empty() && d->size() == 10 && (*d)[4] == '-' && !iso_date(*d, &any))
                throw Xapian::QueryParserError("'" + *d + "' is not a date (YYYY-MM-DD)");
        if (blo && bhi && lo > hi)
            throw Xapian::QueryParserError("empty date range: " + b + " is after " + e +
                                           " (write the earlier date first)");
        return Xapian::DateRangeProcessor::operator()(b, e);
    }
};

int ws_xqp_add_date_range(ws_xqp *qp, unsigned slot, const char *field, ws_error *err)
{
    CHECK_ARG(qp && field && *field, err);
    WS_TRY
    std::string pfx = std::string(field) + ":";
    /* Without RP_DATE_PREFER_MDY ambiguous dates are read day first, as
     * Germans write them; two-digit years pivot around 1970. */
    qp->qp.add_rangeprocessor((new CheckedDateRange(slot, pfx, 0, 1970))->release());
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_set_max_expansion(ws_xqp *qp, uint32_t max, ws_error *err)
{
    return ws_xqp_set_wildcard_limit(qp, max, 0, err);
}

int ws_xqp_set_wildcard_limit(ws_xqp *qp, uint32_t max, int first, ws_error *err)
{
    CHECK_ARG(qp, err);
    WS_TRY
    qp->qp.set_max_expansion(
        max,
        first ? Xapian::Query::WILDCARD_LIMIT_FIRST : Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
        Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_parse(ws_xqp *qp, const char *query, unsigned flags, ws_xquery **out, ws_error *err)
{
    CHECK_ARG(qp && query && out, err);
    *out = nullptr;
    WS_TRY
    unsigned xf = 0;
    if (flags & WS_XQP_BOOLEAN)
        xf |= Xapian::QueryParser::FLAG_BOOLEAN;
    if (flags & WS_XQP_PHRASE)
        xf |= Xapian::QueryParser::FLAG_PHRASE;
    if (flags & WS_XQP_LOVEHATE)
        xf |= Xapian::QueryParser::FLAG_LOVEHATE;
    if (flags & WS_XQP_WILDCARD)
        xf |= Xapian::QueryParser::FLAG_WILDCARD;
    if ((flags & WS_XQP_SPELLING) && qp->has_db)
        xf |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
    if ((flags & WS_XQP_SYNONYMS) && qp->has_db)
        xf |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS;
    if (flags & WS_XQP_PURE_NOT)
        xf |= Xapian::QueryParser::FLAG_PURE_NOT;
    Xapian::Query q = qp->qp.parse_query(query, xf);
    qp->corrected = (xf & Xapian::QueryParser::FLAG_SPELLING_CORRECTION)
                        ? qp->qp.get_corrected_query_string()
                        : std::string();
    *out = new ws_xquery{q};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xqp_corrected(ws_xqp *qp, char **out, ws_error *err)
{
    CHECK_ARG(qp && out, err);
    *out = nullptr;
    WS_TRY
    *out = dup_string(qp->corrected);
    return WS_OK;
    WS_CATCH(err)
}

/* ---- enquire and match sets --------------------------------------------- */

int ws_xenquire_new(ws_xenquire **out, ws_xdb *db, ws_error *err)
{
    CHECK_ARG(out && db, err);
    *out = nullptr;
    WS_TRY
    *out = new ws_xenquire(db->db);
    (*out)->remote = db->remote;
    return WS_OK;
    WS_CATCH(err)
}

void ws_xenquire_free(ws_xenquire *enq)
{
    delete enq;
}

int ws_xenquire_set_query(ws_xenquire *enq, const ws_xquery *q, ws_error *err)
{
    CHECK_ARG(enq && q, err);
    WS_TRY
    enq->enq.set_query(q->q);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_sort_by_value(ws_xenquire *enq, unsigned slot, int descending, ws_error *err)
{
    CHECK_ARG(enq, err);
    WS_TRY
    enq->enq.set_sort_by_value_then_relevance(slot, descending != 0);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_collapse(ws_xenquire *enq, unsigned slot, ws_error *err)
{
    CHECK_ARG(enq, err);
    WS_TRY
    enq->enq.set_collapse_key(slot);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_time_limit(ws_xenquire *enq, double seconds, ws_error *err)
{
    CHECK_ARG(enq && seconds >= 0, err);
    WS_TRY
    enq->enq.set_time_limit(seconds);
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_add_facet(ws_xenquire *enq, unsigned slot, int field, int multi, size_t key_len,
                          ws_error *err)
{
    CHECK_ARG(enq, err);
    WS_TRY
    Xapian::ValueCountMatchSpy *spy = nullptr;
    for (const Facet &f : enq->facets)
        if (f.slot == slot)
            spy = f.spy; /* one spy reads the slot for all its fields */
    if (!spy) {
        spy = new Xapian::ValueCountMatchSpy(slot);
        /* release(): the Enquire owns the spy and deletes it with itself. */
        enq->enq.add_matchspy(spy->release());
    }
    enq->facets.push_back(Facet{spy, slot, field, multi != 0, key_len});
    return (int)enq->facets.size() - 1;
    WS_CATCH(err)
}

int ws_xenquire_facet(ws_xenquire *enq, int idx, size_t max, ws_xterm_fn fn, void *ctx,
                      ws_error *err)
{
    CHECK_ARG(enq && fn && idx >= 0 && (size_t)idx < enq->facets.size(), err);
    WS_TRY
    const auto c = facet_counts(enq->facets[(size_t)idx]);
    std::vector<std::pair<std::string, Xapian::doccount>> v(c.begin(), c.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    for (size_t i = 0; i < v.size() && i < max; i++)
        if (fn(ctx, v[i].first.data(), v[i].first.size(), v[i].second))
            break;
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_mset(ws_xenquire *enq, uint32_t first, uint32_t max, uint32_t check_at_least,
                     ws_xmset **out, ws_error *err)
{
    CHECK_ARG(enq && out, err);
    *out = nullptr;
    WS_TRY
    Xapian::MSet ms = enq->enq.get_mset(first, max, check_at_least);
    *out = new ws_xmset{ms};
    return WS_OK;
    WS_CATCH(err)
}

int ws_xenquire_matching_terms(ws_xenquire *enq, uint32_t docid, ws_xterm_fn fn, void *ctx,
                               ws_error *err)
{
    CHECK_ARG(enq && docid && fn, err);
    WS_TRY
    /* Xapian walks the document's termlist, tens of thousands of terms
     * for a long document; asking each query term's postlist for docid
     * costs the query's few terms instead.  Wildcards need the walk, and
     * so do remote shards: there a postlist comes over the network whole,
     * for every document holding the term, where the termlist is this
     * document's only. */
    const Xapian::Query q = enq->enq.get_query();
    if (enq->remote || has_wildcard(q)) {
        for (auto it = enq->enq.get_matching_terms_begin(docid);
             it != enq->enq.get_matching_terms_end(docid); ++it) {
            const std::string t = *it;
            if (fn(ctx, t.c_str(), t.size(), 0))
                break;
        }
        return WS_OK;
    }
    std::set<std::string> seen; /* query position order, as Xapian gives them */
    const Xapian::Database db = enq->db;
    for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) {
        const std::string t = *it;
        if (!seen.insert(t).second)
            continue;
        Xapian::PostingIterator p = db.postlist_begin(t);
        p.skip_to(docid);
        if (p != db.postlist_end(t) && *p == docid && fn(ctx, t.c_str(), t.size(), 0))
            break;
    }
    return WS_OK;
    WS_CATCH(err)
}

void ws_xmset_free(ws_xmset *ms)
{
    delete ms;
}

uint32_t ws_xmset_size(const ws_xmset *ms)
{
    return ms ? ms->ms.size() : 0;
}

uint32_t ws_xmset_estimated(const ws_xmset *ms)
{
    return ms ? ms->ms.get_matches_estimated() : 0;
}

int ws_xmset_exact(const ws_xmset *ms)
{
    return ms && ms->ms.get_matches_lower_bound() == ms->ms.get_matches_upper_bound();
}

uint32_t ws_xenquire_facet_seen(const ws_xenquire *enq, uint32_t *docs)
{
    *docs = 0;
    if (!enq || enq->facets.empty())
        return 0;
    const Facet &f = enq->facets[0];
    uint32_t seen = f.spy->get_total();
    if (!f.key_len) {
        *docs = seen;
        return seen;
    }
    try { /* each distinct keyed value is one document */
        for (auto it = f.spy->values_begin(); it != f.spy->values_end(); ++it)
            ++*docs;
    } catch (...) {
    }
    return seen;
}

uint32_t ws_xmset_docid(const ws_xmset *ms, uint32_t i)
{
    if (!ms || i >= ms->ms.size())
        return 0;
    return *(ms->ms.begin() + i);
}

double ws_xmset_weight(const ws_xmset *ms, uint32_t i)
{
    if (!ms || i >= ms->ms.size())
        return 0;
    return (ms->ms.begin() + i).get_weight();
}

int ws_xmset_percent(const ws_xmset *ms, uint32_t i)
{
    if (!ms || i >= ms->ms.size())
        return 0;
    return (ms->ms.begin() + i).get_percent();
}

uint32_t ws_xmset_collapse_count(const ws_xmset *ms, uint32_t i)
{
    if (!ms || i >= ms->ms.size())
        return 0;
    return (ms->ms.begin() + i).get_collapse_count();
}

int ws_xmset_document(ws_xmset *ms, uint32_t i, ws_xdoc **out, ws_error *err)
{
    CHECK_ARG(ms && out && i < ms->ms.size(), err);
    *out = nullptr;
    WS_TRY
    Xapian::Document d = (ms->ms.begin() + i).get_document();
    *out = new ws_xdoc{d};
    return WS_OK;
    WS_CATCH(err)
}

} /* extern "C" */
