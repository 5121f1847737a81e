/* The record generator's choices, as scripts/record.py specifies them (its
 * "The generator" comment: which choice decides what): each choice (a
 * record's presence draw, a string's length, which shared value) is made in
 * blocks of W slots that hold
 * outcome k exactly weights[k] times, in an order shuffled per block by
 * Fisher-Yates driven by splitmix64. Among the first N choices each outcome
 * then comes an exactly known number of times, which is what lets the byte
 * model count a record's bytes for any N without making the records; and the
 * order is seeded, so every run makes the same records. */
#ifndef ANTMEM_RECORD_GEN_H
#define ANTMEM_RECORD_GEN_H

#include <stddef.h>
#include <stdint.h>

/* What a choice decides (mixed into its seed, as record.py's PURPOSE). */
enum rg_purpose { RG_PRESENCE = 1, RG_LENGTH = 2, RG_VALUE = 3, RG_VALUE_LENGTH = 4 };

struct rg_choice {
	uint64_t seed;
	uint64_t block_start; /* the choice index of slots[0]: its block's first */
	unsigned field;
	enum rg_purpose purpose;
	const uint32_t *weights; /* NULL: each outcome once */
	size_t outcomes, width; /* width: the sum of the weights */
	uint32_t *slots;        /* width outcomes, the current block's order */
};

uint64_t rg_mix64(uint64_t x);
/* 0, or -ENOMEM / -EINVAL (no outcome, or a zero sum); weights NULL: each
 * of the outcomes once (a uniform choice). The slots are allocated here,
 * before any measured loop. */
int rg_choice_init(struct rg_choice *c, uint64_t seed, unsigned field, enum rg_purpose purpose,
		   const uint32_t *weights, size_t outcomes);
/* Shuffles the block that holds choice i into c->slots (rg_choice_at's slow path). */
void rg_choice_shuffle(struct rg_choice *c, uint64_t i);
/* The outcome of choice i: inline and without a division while i stays in
 * the current block (the generator asks in order: a block is shuffled once). */
static inline uint32_t rg_choice_at(struct rg_choice *c, uint64_t i)
{
	if (i - c->block_start >= c->width) /* also when i is below it (wraps) */
		rg_choice_shuffle(c, i);
	return c->slots[i - c->block_start];
}
void rg_choice_free(struct rg_choice *c);

#endif
