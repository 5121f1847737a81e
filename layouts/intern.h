/* A small pool of shared strings: the role and colony values that Python
 * would share as one object across all ants ("Worker", "Tinyopolis").
 * Each string is allocated once and never moves, so dict.c and slots.c store
 * the pointer, and soa.c stores the one-byte code. */
#ifndef ANTMEM_INTERN_H
#define ANTMEM_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "colony.h"

/* uint8_t codes in soa.c: a role or colony column with more distinct values
 * than this is refused with -ENOSPC rather than silently widened. */
#define INTERN_MAX 256

/* struct intern_pool is in colony.h: every colony's head holds one. */

/* The code of s, adding it if new: 0..INTERN_MAX-1, -ENOMEM or -ENOSPC. */
int intern_code(struct intern_pool *pool, const char *s) __attribute__((warn_unused_result));
const char *intern_str(const struct intern_pool *pool, int code);
struct strv intern_view(const struct intern_pool *pool, int code);
void intern_clear(struct intern_pool *pool);
/* The seed's three attribute names, in enum attr's order (codes 0, 1, 2):
 * the keys of the layouts that store them. 0 or intern_code's error. */
int intern_attribute_names(struct intern_pool *keys) __attribute__((warn_unused_result));
/* The pool's bytes into *a: its strings' characters as payload when they are
 * values (role, colony name), as headers when they are attribute names. */
void intern_account(const struct intern_pool *pool, struct byte_account *a, bool strings_are_payload);

#endif
