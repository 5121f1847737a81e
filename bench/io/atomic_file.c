/* Temp-file-and-rename writing (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>
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

static int finish(struct atomic_file *af, bool sync)
{
	int rc = 0;
	if (fflush(af->f) || (sync && fsync(fileno(af->f))))
		rc = -errno;
	else if (ferror(af->f)) /* an earlier write failed (a full disk): the file is not whole */
		rc = -EIO;
	if (fclose(af->f) && !rc)
		rc = -errno;
	af->f = NULL;
	if (rc)
		unlink(af->tmp_path);
	pending[0] = '\0';
	return rc;
}

static int commit(struct atomic_file *af, bool sync)
{
	int rc = finish(af, sync);
	if (!rc && rename(af->tmp_path, af->path)) {
		rc = -errno;
		unlink(af->tmp_path);
	}
	return rc;
}

int atomic_close_kept(struct atomic_file *af)
{
	return finish(af, true);
}

/* The held files: (temporary, final) pairs, strdup'd; the count is read by
 * the signal handler, so it grows only after an entry is whole. */
static char **held;
static volatile sig_atomic_t held_count;
static size_t held_cap;

int atomic_hold(const char *tmp, const char *path)
{
	if ((size_t)held_count == held_cap) {
		size_t cap = held_cap ? held_cap * 2 : 16;
		char **grown = realloc(held, cap * 2 * sizeof *grown);
		if (!grown) {
			unlink(tmp);
			return -ENOMEM;
		}
		held = grown;
		held_cap = cap;
	}
	char *t = strdup(tmp), *p = strdup(path);
	if (!t || !p) {
		free(t);
		free(p);
		unlink(tmp);
		return -ENOMEM;
	}
	held[2 * held_count] = t;
	held[2 * held_count + 1] = p;
	held_count++;
	return 0;
}

int atomic_close_held(struct atomic_file *af)
{
	int rc = atomic_close_kept(af);
	return rc ? rc : atomic_hold(af->tmp_path, af->path);
}

int atomic_commit_held(const char **failed)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	static char failed_path[PATH_MAX];
	int rc = 0;
	for (sig_atomic_t i = 0; i < held_count; i++) {
		if (!rc && rename(held[2 * i], held[2 * i + 1])) {
			rc = -errno;
			snprintf(failed_path, sizeof failed_path, "%s", held[2 * i + 1]);
			*failed = failed_path;
		}
		if (rc)
			unlink(held[2 * i]);
	}
	sig_atomic_t count = held_count;
	held_count = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (sig_atomic_t i = 0; i < 2 * count; i++)
		free(held[i]);
	return rc;
}

static char scratch[256];

void atomic_scratch_dir(const char *dir)
{
	scratch[0] = '\0'; /* the first byte last: never half a name, should a signal come */
	if (!dir[0])
		return;
	snprintf(scratch + 1, sizeof scratch - 1, "%s", dir + 1);
	__atomic_store_n(&scratch[0], dir[0], __ATOMIC_RELEASE);
}

/* Async-signal-safe: getdents64 and unlinkat, no allocation. */
static void drop_scratch(void)
{
	if (!scratch[0])
		return;
	int fd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		char buf[4096];
		long got;
		/* entries removed while listed: list again until none is left */
		while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < got;) {
				/* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
				unsigned short reclen;
				memcpy(&reclen, buf + off + 16, sizeof reclen);
				const char *name = buf + off + 19;
				if (strcmp(name, ".") && strcmp(name, ".."))
					unlinkat(fd, name, 0);
				off += reclen;
			}
		}
		close(fd);
	}
	rmdir(scratch);
}

void atomic_drop_held(void)
{
	for (sig_atomic_t i = 0; i < held_count; i++)
		unlink(held[2 * i]);
}

void atomic_interrupted(void)
{
	if (pending[0])
		unlink(pending);
	atomic_drop_held();
	drop_scratch();
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
