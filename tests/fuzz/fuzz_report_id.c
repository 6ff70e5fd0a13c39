/*
 * Fuzzes the report id parser, which reads the {id} of GET
 * /v1/reports/{id} straight from the URL. Every accepted id must be one
 * report_id_make gives back byte for byte (so no other string, no path,
 * can name a file), and its filename must be a plain name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	static int		 loaded;
	struct report_info	 r, again;
	char			 err[256], id[REPORT_ID_MAX * 2], name[256];

	if (!loaded) {
		if (config_load(NULL, &cfg, err, sizeof(err)) == -1)
			abort();
		loaded = 1;
	}
	if (size >= sizeof(id))
		return 0;
	memcpy(id, data, size);
	id[size] = '\0';
	if (report_id_parse(&cfg, id, &r) == -1)
		return 0;
	again = r;
	report_id_make(&cfg, &again);
	if (strcmp(again.id, id) != 0 || strchr(id, '/') != NULL ||
	    strstr(id, "..") != NULL || r.cluster >= cfg.ref.nclusters)
		abort();
	report_filename(&cfg, &r, name, sizeof(name));
	if (strchr(name, '/') != NULL || strchr(name, '"') != NULL)
		abort();
	return 0;
}
