/* The byte model's input: each layout's own description of the blocks its
 * colony holds once the seed's loop has added n ants ("W0" ... "W<n-1>",
 * role "Worker", colony "Tinyopolis"), as (size, count) pairs. It is written
 * from the layout's structures, not measured: scripts/model.py rounds each
 * block by an allocator's size-class rules to predict requested and usable
 * bytes for any n, and tests/test_model.py compares that with the driver's
 * measurement, so a description that drifts from the code is caught. */
#ifndef ANTMEM_PLAN_H
#define ANTMEM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plan {
	/* count live blocks of size bytes */
	void (*block)(void *arg, size_t size, uint64_t count);
	/* one array grown by mem_grow() to capacity elements of elem_size: live
	 * at capacity, and freed at every smaller capacity on the way (16, 32,
	 * ...), which matters to allocators that reuse freed chunks */
	void (*array)(void *arg, size_t elem_size, uint64_t capacity);
	void *arg;
};

/* count blocks of size bytes (nothing when count is 0) */
void plan_blocks(const struct plan *p, size_t size, uint64_t count);
/* The capacity mem_grow() leaves an array at after growing to hold need
 * elements one at a time: 0, or 16 doubled until it fits. */
uint64_t plan_capacity(uint64_t need);
/* One grown array of elem_size elements holding need of them (if any). */
void plan_array(const struct plan *p, uint64_t need, size_t elem_size);
/* Each ant's own copy of its id: "W" + digits + NUL. */
void plan_worker_ids(const struct plan *p, uint64_t n);
/* The same for the ids of more than chars characters only (the others kept
 * inline by the layout). */
void plan_worker_ids_longer(const struct plan *p, uint64_t n, size_t chars);
/* How many of the first n ids have exactly chars characters. */
uint64_t plan_worker_ids_of_length(uint64_t n, size_t chars);
/* The characters of the first n ids, without NULs (soa's packed arena). */
uint64_t plan_worker_id_chars(uint64_t n);
/* An intern pool (intern.h) holding these strings: its entries array and a
 * NUL-terminated copy of each. */
void plan_intern(const struct plan *p, const char *const *strings, size_t count);

/* Every byte a colony of n ants of this layout requests, by its plan: what
 * the driver checks against the machine's memory before a run. */
struct colony_ops;
uint64_t plan_requested_bytes(const struct colony_ops *ops, uint64_t n);

/* What every layout's colony starts with: its struct (colony_size bytes),
 * the interned attribute names where it keeps keys (with_keys), and the
 * shared values: the colony's name, and "Worker" once an ant has it. */
void plan_colony(const struct plan *p, size_t colony_size, bool with_keys, uint64_t n);

#endif
