/* The record generator's choices (see record_gen.h). */
#include "record_gen.h"

#include <errno.h>
#include <stdlib.h>

#define GOLDEN UINT64_C(0x9E3779B97F4A7C15)

uint64_t rg_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

static void shuffle(struct rg_choice *c, uint64_t block)
{
	size_t s = 0;
	for (size_t k = 0; k < c->outcomes; k++)
		for (uint32_t w = 0; w < (c->weights ? c->weights[k] : 1); w++)
			c->slots[s++] = (uint32_t)k;
	uint64_t state = rg_mix64(c->seed ^ rg_mix64(((uint64_t)c->field << 8 | c->purpose) ^
						     rg_mix64(block + GOLDEN)));
	for (size_t i = c->width - 1; i > 0; i--) {
		state += GOLDEN;
		size_t j = (size_t)(rg_mix64(state) % (i + 1));
		uint32_t t = c->slots[i];
		c->slots[i] = c->slots[j];
		c->slots[j] = t;
	}
	c->block_start = block * c->width;
}

void rg_choice_shuffle(struct rg_choice *c, uint64_t i)
{
	shuffle(c, i / c->width);
}

int rg_choice_init(struct rg_choice *c, uint64_t seed, unsigned field, enum rg_purpose purpose,
		   const uint32_t *weights, size_t outcomes)
{
	*c = (struct rg_choice){.seed = seed, .field = field, .purpose = purpose, .weights = weights,
				.outcomes = outcomes};
	for (size_t k = 0; k < outcomes; k++)
		c->width += weights ? weights[k] : 1;
	if (!c->width)
		return -EINVAL;
	c->slots = malloc(c->width * sizeof *c->slots);
	if (!c->slots)
		return -ENOMEM;
	shuffle(c, 0);
	return 0;
}

void rg_choice_free(struct rg_choice *c)
{
	free(c->slots);
	c->slots = NULL;
}
