/*
 * Allocation functions that wipe memory before giving it back, for the
 * libraries that hold request bytes in memory of their own: libxml2
 * (xmlMemSetup), cJSON (cJSON_InitHooks) and libcsv (per parser). A
 * freed block otherwise keeps its bytes until reused, and a core image or
 * a memory disclosure would show a BSN in clear.
 */
#ifndef SORTTP_WIPE_H
#define SORTTP_WIPE_H

#include <stddef.h>

void	*wipe_malloc(size_t);
void	*wipe_realloc(void *, size_t);
void	 wipe_free(void *);
char	*wipe_strdup(const char *);

/*
 * Installs the functions in libxml2 and cJSON. Call once, first thing in
 * main, before either library allocates anything: a block allocated by
 * one allocator and freed by the other would not be wiped.
 */
void	 wipe_install(void);

#endif
