/*
 * layout.h - where an index's database lives, and how a rebuild replaces
 * it without a gap.
 *
 * An index path is either a plain Xapian folder (indexes made by earlier
 * versions, and every index until its first --rebuild) or a Xapian stub
 * file ("glass NAME.gen/N") naming a generation folder beside it.  A
 * rebuild writes generation N+1 while readers keep using N, then replaces
 * the stub with rename(2), so a reader sees either the old index or the
 * whole new one.  A plain folder is swapped for the stub with
 * renameat2(RENAME_EXCHANGE), equally atomic.  The previous generation is
 * kept until the next rebuild: a reader that still has it open, or is in
 * the middle of reopening it, keeps working.  Readers notice the swap by
 * the path's inode (see ws_xdb_reopen).
 */
#ifndef WS_LAYOUT_H
#define WS_LAYOUT_H

#include "wsearch/error.h"

/*
 * The database folder that path names right now: path itself (a plain
 * folder, or nothing yet) or the generation its stub file names.  *dir is
 * malloc'd.  *is_stub (may be NULL) says which.
 */
int ws_layout_live(const char *path, char **dir, int *is_stub, ws_error *err);

/* A new, empty generation folder name beside path (PATH.gen/N, N one
 * above any there); the .gen folder is created, N itself is not. */
int ws_layout_new_generation(const char *path, char **dir, ws_error *err);

/*
 * Make gendir (from ws_layout_new_generation, committed and closed) the
 * index at path, atomically, then delete generations other than the new
 * one and the one it replaced.  A plain folder at path becomes
 * PATH.gen/0.
 */
int ws_layout_publish(const char *path, const char *gendir, ws_error *err);

/* Put the database folder newdir (a compacted copy of the folder dir)
 * in dir's place in one step (renameat2 RENAME_EXCHANGE), keeping dir's
 * mode; newdir then names the old folder, for the caller to remove once
 * it has closed it.  WS_EIO when the file system cannot exchange (dir is
 * then unchanged and newdir removed). */
int ws_layout_swap_dir(const char *dir, const char *newdir, ws_error *err);

/* rm -r of a generation folder that was never published. */
void ws_layout_discard(const char *gendir);

#endif /* WS_LAYOUT_H */
