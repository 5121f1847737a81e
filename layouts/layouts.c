/* The layout registry, and the one place that names the status codes.
 * Adding a layout: one file in layouts/ and one line in colony_layouts[]. */
#include <errno.h>
#include <string.h>

#include "colony.h"

extern const struct colony_ops dict_ops, shared_dict_ops, slots_ops, soa_ops;

const struct colony_ops *const colony_layouts[] = {
	&dict_ops,
	&shared_dict_ops,
	&slots_ops,
	&soa_ops,
	NULL,
};

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
	default:
		return strerror(-status);
	}
}

bool strv_eq(struct strv a, const char *s)
{
	return strlen(s) == a.len && memcmp(a.ptr, s, a.len) == 0;
}
