/* Requested-bytes accounting for the layouts (see mem.h). */
#include "mem.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t mem_requested_bytes;
size_t mem_usable_bytes;
bool mem_track_usable;
size_t mem_alloc_calls;
size_t mem_release_points;
void (*mem_release_hook)(void);

static void release_point(void)
{
	if (mem_release_hook)
		mem_release_hook();
	mem_release_points++;
}

static size_t usable_of_pointer(void *p, size_t size)
{
	(void)size;
	return malloc_usable_size(p);
}

size_t (*mem_usable_size)(void *p, size_t size) = usable_of_pointer;

#define MEM_CLASS_TABLE 4096
static uint32_t small_class_of[MEM_CLASS_TABLE];
static size_t (*large_class_of)(size_t size);

static size_t usable_by_class(void *p, size_t size)
{
	if (size < MEM_CLASS_TABLE)
		return small_class_of[size];
	return large_class_of ? large_class_of(size) : malloc_usable_size(p);
}

void mem_use_size_classes(size_t (*small_class)(size_t size), size_t (*large_class)(size_t size))
{
	for (size_t size = 0; size < MEM_CLASS_TABLE; size++)
		small_class_of[size] = (uint32_t)small_class(size ? size : 1);
	large_class_of = large_class;
	mem_usable_size = usable_by_class;
}

static size_t usable(void *p, size_t size)
{
	return mem_track_usable && p ? mem_usable_size(p, size) : 0;
}

void *mem_alloc(size_t size)
{
	void *p = malloc(size);
	if (p) {
		mem_requested_bytes += size;
		mem_usable_bytes += usable(p, size);
		mem_alloc_calls++;
	}
	return p;
}

void *mem_realloc(void *ptr, size_t old_size, size_t new_size)
{
	size_t old_usable = usable(ptr, old_size);
	release_point();
	void *p = realloc(ptr, new_size);
	if (p) {
		mem_requested_bytes += new_size - old_size; /* wraps correctly when shrinking */
		mem_usable_bytes += usable(p, new_size) - old_usable;
		mem_alloc_calls++;
	}
	return p;
}

void mem_free(void *ptr, size_t size)
{
	if (!ptr)
		return;
	mem_requested_bytes -= size;
	mem_usable_bytes -= usable(ptr, size);
	release_point();
	free(ptr);
}

char *mem_strdup(const char *s)
{
	size_t size = strlen(s) + 1;
	char *p = mem_alloc(size);
	if (p)
		memcpy(p, s, size);
	return p;
}

/* 16 elements first: below that, realloc churn dominates for no saving. */
#define MEM_GROW_MIN 16

int mem_grow(void **array, size_t *capacity, size_t need, size_t elem_size)
{
	if (need <= *capacity)
		return 0;
	size_t cap = *capacity ? *capacity : MEM_GROW_MIN;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap > SIZE_MAX / elem_size)
		return -ENOMEM;
	void *p = mem_realloc(*array, *capacity * elem_size, cap * elem_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*capacity = cap;
	return 0;
}
