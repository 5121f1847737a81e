/* The common layer of colony.h: what every layout would otherwise repeat —
 * the ant count, range checks, matching attribute names, and the visit loop —
 * done once, so a layout implements only its storage. */
#include <errno.h>
#include <string.h>

#include "colony.h"
#include "intern.h"
#include "mem.h"

static const struct colony_head *head(const struct colony *c)
{
	return (const struct colony_head *)c; /* every struct colony begins with one */
}

struct colony *colony_alloc(size_t size, const struct colony_ops *ops, const char *colony_name)
{
	struct colony_head *h = mem_alloc(size);
	if (!h)
		return NULL;
	memset(h, 0, size);
	h->ops = ops;
	h->colony_code = intern_code(&h->values, colony_name);
	if (h->colony_code < 0) {
		colony_free((struct colony *)h, size);
		return NULL;
	}
	return (struct colony *)h;
}

void colony_free(struct colony *c, size_t size)
{
	intern_clear(&((struct colony_head *)c)->values);
	mem_free(c, size);
}

enum attr attr_of(const char *name)
{
	if (strcmp(name, ATTR_WORKER_ID) == 0)
		return ATTR_IS_WORKER_ID;
	if (strcmp(name, ATTR_ROLE) == 0)
		return ATTR_IS_ROLE;
	if (strcmp(name, ATTR_COLONY) == 0)
		return ATTR_IS_COLONY;
	return ATTR_IS_OTHER;
}

size_t colony_count(const struct colony *c)
{
	return head(c)->count;
}

int colony_add_ant(struct colony *c, const char *worker_id, const char *role)
{
	int rc = head(c)->ops->append(c, worker_id, role);
	if (!rc)
		((struct colony_head *)c)->count++;
	return rc;
}

int colony_get(const struct colony *c, size_t i, const char *attr, struct strv *out)
{
	const struct colony_head *h = head(c);
	if (i >= h->count)
		return -ERANGE;
	enum attr a = attr_of(attr);
	if (a == ATTR_IS_OTHER)
		return h->ops->get_other ? h->ops->get_other(c, i, attr, out) : -ENOENT;
	struct ant_view v;
	int rc = h->ops->view(c, i, &v);
	if (rc)
		return rc;
	*out = a == ATTR_IS_WORKER_ID ? v.worker_id : a == ATTR_IS_ROLE ? v.role : v.colony;
	return 0;
}

int colony_set(struct colony *c, size_t i, const char *attr, const char *value)
{
	const struct colony_head *h = head(c);
	if (i >= h->count)
		return -ERANGE;
	enum attr a = attr_of(attr);
	if (a == ATTR_IS_OTHER && !h->ops->accepts_new_attributes)
		return -EINVAL; /* AttributeError: not one of the layout's fields */
	return h->ops->set_attr(c, i, a, attr, value);
}

int colony_visit(const struct colony *c, ant_visitor fn, void *arg)
{
	const struct colony_head *h = head(c);
	for (size_t i = 0; i < h->count; i++) {
		struct ant_view v;
		int rc = h->ops->view(c, i, &v);
		v.index = i;
		if (!rc)
			rc = fn(&v, arg);
		if (rc)
			return rc;
	}
	return 0;
}
