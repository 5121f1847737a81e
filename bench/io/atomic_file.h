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

#endif
