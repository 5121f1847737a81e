/* FNV-1a, 64-bit: the dict layout's key hash and the tests' colony checksum.
 * Chosen for being short and well known, not for speed. */
#ifndef ANTMEM_STRHASH_H
#define ANTMEM_STRHASH_H

#include <stddef.h>
#include <stdint.h>

#define STRHASH_SEED 0xcbf29ce484222325ULL

static inline uint64_t strhash_update(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
