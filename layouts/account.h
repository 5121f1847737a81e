/* Where a colony's requested bytes go: each layout walks its own structure
 * and sorts every byte it asked for into one of five kinds, so the suite can
 * say "dict: 22.8 B/ant of information, 89 B/ant of headers and pointers, 120
 * B/ant of empty table slots" instead of one total. The five kinds sum to
 * mem_requested_bytes exactly (tests/test_layouts.c checks it); what the
 * allocator and the kernel add on top is measured by the driver. */
#ifndef ANTMEM_ACCOUNT_H
#define ANTMEM_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct byte_account {
	/* The information itself: id characters, the role and colony references
	 * (a pointer or a code, whatever the layout stores), and the shared
	 * role and colony strings once. */
	uint64_t payload_bytes;
	/* What holds the information together: per-object headers, pointers to
	 * objects and owned strings, NUL terminators, id offsets, hash fields and
	 * key pointers of used table entries, attribute names. */
	uint64_t header_bytes;
	/* Empty slots a hash table or a values array keeps so it can accept
	 * more attributes (dict's 8 slots for 3 attributes). */
	uint64_t table_slack_bytes;
	/* Bytes a fixed-size record holds for nothing: alignment padding between
	 * and after its fields, and the unused part of an inline buffer (an id
	 * shorter than the space a small-string optimisation keeps for it). */
	uint64_t padding_bytes;
	/* Capacity of growable arrays beyond their count (doubling leaves up to
	 * half of an array unused right after a grow). */
	uint64_t growth_slack_bytes;
	/* The part of growth_slack_bytes on whole pages the process never
	 * touched (mincore): requested, yet not in RSS. */
	uint64_t growth_untouched_bytes;
};

static inline uint64_t byte_account_total(const struct byte_account *a)
{
	return a->payload_bytes + a->header_bytes + a->table_slack_bytes + a->padding_bytes +
	       a->growth_slack_bytes;
}

/* A growable array of capacity elements, count of them in use: the unused
 * tail goes to growth slack (and its untouched pages are counted); the used
 * part is the caller's to classify. */
void account_array_tail(struct byte_account *a, const void *array, size_t count,
			size_t capacity, size_t elem_size);

/* A NUL-terminated string the layout owns: its characters are payload, its
 * terminator is structure (soa.c, which packs ids, pays offsets instead). */
static inline void account_owned_string(struct byte_account *a, const char *s)
{
	a->payload_bytes += strlen(s);
	a->header_bytes += 1;
}

#endif
