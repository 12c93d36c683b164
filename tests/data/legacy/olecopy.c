/*
 * olecopy.c - copy an OLE compound file with libgsf, for make-fixtures.sh.
 *
 *   olecopy IN OUT [-drop NAME]... [-add NAME FILE]... [-nothumb]
 *
 * Top-level streams are copied in order (storages are left out); -drop leaves one out, -add puts a
 * stream made from FILE's bytes at the end, -nothumb rewrites the
 * \005SummaryInformation property set without its preview image (which
 * LibreOffice's PowerPoint export always writes, ~450 KB).  Only a test
 * data tool: it exits on the first error.
 */
#include <gsf/gsf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
    fprintf(stderr, "olecopy: %s\n", what);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: olecopy IN OUT [-drop NAME]... [-add NAME FILE]... [-nothumb]");
    GError *ge = NULL;
    GsfInput *src = gsf_input_stdio_new(argv[1], &ge);
    if (!src)
        die("cannot open input");
    GsfInfile *in = gsf_infile_msole_new(src, &ge);
    if (!in)
        die("input is not an OLE file");
    GsfOutput *sink = gsf_output_stdio_new(argv[2], &ge);
    if (!sink)
        die("cannot write output");
    GsfOutfile *out = gsf_outfile_msole_new(sink);
    int nothumb = 0;
    for (int a = 3; a < argc; a++)
        nothumb |= !strcmp(argv[a], "-nothumb");
    for (int i = 0; i < gsf_infile_num_children(in); i++) {
        const char *name = gsf_infile_name_by_index(in, i);
        int drop = 0;
        for (int a = 3; a + 1 < argc; a++)
            drop |= !strcmp(argv[a], "-drop") && !strcmp(argv[a + 1], name);
        GsfInput *child = gsf_infile_child_by_index(in, i);
        if (drop || !child || gsf_infile_num_children(GSF_INFILE(child)) >= 0) { /* no storages */
            if (child)
                g_object_unref(child);
            continue;
        }
        GsfOutput *o = gsf_outfile_new_child(out, name, FALSE);
        if (nothumb && !strcmp(name, "\005SummaryInformation")) {
            GsfDocMetaData *md = gsf_doc_meta_data_new();
            if (gsf_doc_meta_data_read_from_msole(md, child))
                die("cannot read the property set");
            gsf_doc_meta_data_remove(md, GSF_META_NAME_THUMBNAIL);
            if (!gsf_doc_meta_data_write_to_msole(md, o, FALSE))
                die("cannot write the property set");
            g_object_unref(md);
        } else if (!gsf_input_copy(child, o)) {
            die("copy failed");
        }
        gsf_output_close(o);
        g_object_unref(o);
        g_object_unref(child);
    }
    for (int a = 3; a + 2 < argc; a++) {
        if (strcmp(argv[a], "-add"))
            continue;
        GsfInput *f = gsf_input_stdio_new(argv[a + 2], &ge);
        if (!f)
            die("cannot read a stream to add");
        GsfOutput *o = gsf_outfile_new_child(out, argv[a + 1], FALSE);
        if (!gsf_input_copy(f, o))
            die("copy failed");
        gsf_output_close(o);
        g_object_unref(o);
        g_object_unref(f);
    }
    gsf_output_close(GSF_OUTPUT(out));
    g_object_unref(out);
    g_object_unref(sink);
    g_object_unref(in);
    g_object_unref(src);
    return 0;
}
