/* Result files appear whole or not at all: written under a temporary name
 * beside the final one, then renamed over it. A run that fails or is
 * interrupted leaves the earlier file untouched. */
#ifndef ANTMEM_ATOMIC_FILE_H
#define ANTMEM_ATOMIC_FILE_H

#include <limits.h>
#include <stdio.h>

struct atomic_file {
	FILE *f;
	char path[PATH_MAX];
	char tmp_path[PATH_MAX];
};

/* 0, or -errno with nothing created. */
int atomic_open(struct atomic_file *af, const char *path) __attribute__((warn_unused_result));
/* Flush, close and rename into place: 0, or -errno with the temporary removed. */
int atomic_commit(struct atomic_file *af) __attribute__((warn_unused_result));
/* The same without fsync: still whole or not at all for any reader, but not
 * made durable against a crash of the machine. For scratch files a run
 * removes itself (the chunked scenario's output, like pandas' to_pickle,
 * which does not sync either): syncing them would time the disk. */
int atomic_commit_unsynced(struct atomic_file *af) __attribute__((warn_unused_result));
/* Close and remove the temporary; the final path is not touched. */
void atomic_abort(struct atomic_file *af);
/* For signal handlers: the temporary of the file being written, or "". */
const char *atomic_pending_path(void);

/* Files that must change together (a summary, its sidecar and the curves it
 * names): each is written whole under its temporary name and held; then all
 * are renamed into place in one burst with SIGINT, SIGTERM and SIGHUP held
 * off, so an interrupt leaves the earlier set or the new one, never a
 * summary beside another run's curve. */
/* Flush, sync and close, keeping the temporary (another process may hold it):
 * 0, or -errno with the temporary removed. */
int atomic_close_kept(struct atomic_file *af) __attribute__((warn_unused_result));
/* Hold tmp (written whole, by this process or a child) to be renamed to path:
 * 0, or -ENOMEM (tmp then removed). */
int atomic_hold(const char *tmp, const char *path) __attribute__((warn_unused_result));
/* atomic_close_kept, then atomic_hold of its temporary: 0 or -errno. */
int atomic_close_held(struct atomic_file *af) __attribute__((warn_unused_result));
/* Rename every held file, in the order held: 0, or -errno with the ones not
 * yet renamed removed and *failed naming the first that failed. */
int atomic_commit_held(const char **failed) __attribute__((warn_unused_result));
/* Remove every held temporary (async-signal-safe: for interrupt handlers). */
void atomic_drop_held(void);

/* A scratch folder of this process's (dir, at most 255 bytes; "" for none)
 * that atomic_interrupted empties and removes: an interrupted run leaves
 * nothing in /tmp. */
void atomic_scratch_dir(const char *dir);

/* For interrupt handlers: every temporary this process has in the making or
 * held, and its scratch folder, removed (async-signal-safe). */
void atomic_interrupted(void);

#endif
