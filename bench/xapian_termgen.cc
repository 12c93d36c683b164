/*
 * xapian_termgen.cc - the benchmark to beat: Xapian's TermGenerator with
 * Stem("german"), as omindex runs it, over the same bytes analysis_bench
 * measures.
 *
 *   xapian_termgen CACHE [REPEAT]
 *
 * Reads CACHE (written by `analysis_bench dump`: per document 4-byte
 * lengths and texts, a zero length closing it), indexes every text of a
 * document into one Xapian::Document (positions on, the default STEM_SOME
 * strategy, as omindex does), and prints MB/s per CPU second and per wall
 * second, with the count of distinct terms per document summed.  The only
 * C++ of bench/, as lib/xapian/xapian.cc is of the library.
 */
#include <xapian.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>

static double seconds(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return double(ts.tv_sec) + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: xapian_termgen CACHE [REPEAT]\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::string c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        std::perror(argv[1]);
        return 2;
    }
    int repeat = argc > 2 ? std::atoi(argv[2]) : 1;
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("german"));
    size_t bytes = 0, terms = 0;
    double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), w0 = seconds(CLOCK_MONOTONIC);
    for (int r = 0; r < repeat; r++) {
        Xapian::Document doc;
        tg.set_document(doc);
        for (size_t i = 0; i + 4 <= c.size();) {
            uint32_t len;
            std::memcpy(&len, c.data() + i, 4);
            i += 4;
            if (!len) {
                terms += doc.termlist_count();
                doc = Xapian::Document();
                tg.set_document(doc);
                continue;
            }
            if (len > c.size() - i)
                return 2;
            tg.index_text(Xapian::Utf8Iterator(c.data() + i, len));
            tg.increase_termpos();
            bytes += len;
            i += len;
        }
    }
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, wall = seconds(CLOCK_MONOTONIC) - w0;
    std::printf("xapian TermGenerator: %.1f MB in %.2f CPU s (%.2f wall s): %.2f MB/s per CPU s, "
                "%.2f MB/s wall, %zu distinct terms per document, summed\n",
                bytes / 1e6, cpu, wall, bytes / 1e6 / cpu, bytes / 1e6 / wall, terms);
    return 0;
}
