/*
 * Fuzzes the strict JSON scanner (json_scan.c). Beyond not crashing, it
 * checks what the CEM+ parser relies on: an accepted text has no raw NUL
 * and cJSON parses it; the value found for the root key "responses" is
 * the one cJSON sees under that key, with as many elements; a refusal
 * points inside the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_scan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan	 sc;
	cJSON		*root;
	const cJSON	*found;

	jscan_init(&sc, data, size, 64, 16, 8, "responses");
	if (jscan_document(&sc) == -1) {
		check(sc.err != JSCAN_OK && sc.why != NULL);
		check(sc.epos <= size);
		return 0;
	}
	check(sc.err == JSCAN_OK && sc.pos == size);
	check(memchr(data, '\0', size) == NULL);
	root = cJSON_ParseWithLength((const char *)data, size);
	check(root != NULL);
	if (sc.nfound > 0) {
		check(cJSON_IsObject(root));
		check(sc.found_start < sc.found_end && sc.found_end <= size);
		found = cJSON_GetObjectItemCaseSensitive(root, "responses");
		check(found != NULL);
		if (cJSON_IsArray(found))
			check((size_t)cJSON_GetArraySize(found) == sc.nelems);
	} else if (cJSON_IsObject(root))
		check(cJSON_GetObjectItemCaseSensitive(root, "responses") ==
		    NULL);
	cJSON_Delete(root);
	return 0;
}
