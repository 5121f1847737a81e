/* Temp-file-and-rename writing (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One file is written at a time per process; a signal handler may unlink it. */
static char pending[PATH_MAX];

int atomic_open(struct atomic_file *af, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	if (snprintf(af->path, sizeof af->path, "%s", path) >= (int)sizeof af->path ||
	    snprintf(af->tmp_path, sizeof af->tmp_path, "%.*s.%s.tmp%ld", dir_len, path,
		     path + dir_len, (long)getpid()) >= (int)sizeof af->tmp_path)
		return -ENAMETOOLONG;
	af->f = fopen(af->tmp_path, "w");
	if (!af->f)
		return -errno;
	memcpy(pending, af->tmp_path, sizeof pending);
	return 0;
}

static int commit(struct atomic_file *af, bool sync)
{
	int rc = 0;
	if (fflush(af->f) || (sync && fsync(fileno(af->f))))
		rc = -errno;
	else if (ferror(af->f)) /* an earlier write failed (a full disk): the file is not whole */
		rc = -EIO;
	if (fclose(af->f) && !rc)
		rc = -errno;
	af->f = NULL;
	if (!rc && rename(af->tmp_path, af->path))
		rc = -errno;
	if (rc)
		unlink(af->tmp_path);
	pending[0] = '\0';
	return rc;
}

int atomic_commit(struct atomic_file *af)
{
	return commit(af, true);
}

int atomic_commit_unsynced(struct atomic_file *af)
{
	return commit(af, false);
}

void atomic_abort(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	af->f = NULL;
	unlink(af->tmp_path);
	pending[0] = '\0';
}

const char *atomic_pending_path(void)
{
	return pending;
}
