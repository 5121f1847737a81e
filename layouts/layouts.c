/* Finding a layout in the registry (generated from layouts/meson.build), and
 * the one place that names the status codes. */
#include <errno.h>
#include <string.h>

#include "colony.h"

const struct colony_ops *colony_layout_find(const char *name)
{
	for (const struct colony_ops *const *ops = colony_layouts; *ops; ops++)
		if (strcmp((*ops)->name, name) == 0)
			return *ops;
	return NULL;
}

const char *colony_strerror(int status)
{
	switch (status) {
	case 0:
		return "ok";
	case -ENOMEM:
		return "out of memory";
	case -ENOSPC:
		return "too many distinct values for a dictionary-encoded column";
	case -ERANGE:
		return "no ant at that index";
	case -ENOENT:
		return "AttributeError: the ant has no such attribute";
	case -EINVAL:
		return "AttributeError: this layout has a fixed set of attributes";
	case -E2BIG:
		return "value too long for this layout";
	default:
		return strerror(-status);
	}
}

bool strv_eq(struct strv a, const char *s)
{
	return strlen(s) == a.len && (a.len == 0 || memcmp(a.ptr, s, a.len) == 0); /* an empty view may have no pointer */
}
