/*
 * Wipe-on-free allocation; see wipe.h.
 *
 * malloc_usable_size gives the whole block, slack included, so every byte
 * a library could have written is cleared. realloc is done by hand
 * (allocate, copy, wipe, free): the C library's realloc may move a block
 * and free the old one unwiped. explicit_bzero cannot be optimised away.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libxml/xmlmemory.h>

#include "log.h"
#include "wipe.h"

void *
wipe_malloc(size_t n)
{
	return malloc(n);
}

void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

void *
wipe_realloc(void *p, size_t n)
{
	void	*q;
	size_t	 old;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		wipe_free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (old >= n)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	wipe_free(p);
	return q;
}

char *
wipe_strdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*d;

	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

/* cJSON's hooks take no realloc: it then allocates, copies and frees. */
static void
wipe_cjson_free(void *p)
{
	wipe_free(p);
}

void
wipe_install(void)
{
	cJSON_Hooks	hooks = { wipe_malloc, wipe_cjson_free };

	if (xmlMemSetup(wipe_free, wipe_malloc, wipe_realloc,
	    wipe_strdup) != 0)
		fatal("xmlMemSetup: cannot install the wiping allocator");
	cJSON_InitHooks(&hooks);
}
