/*
 * Questionnaire benchmark helper (bench/bench_cem.sh drives it):
 *
 *   bench_cem defs DIR        writes DIR/questionnaires/bench-20.json, a
 *                             definition with 20 items per respondent
 *   bench_cem gen N FILE      a batch of N responses, 20 answers each
 *   bench_cem cjson FILE      the cJSON parse rate of that body, in
 *                             responses/s (parse and free, best of 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "demo.h"

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
items(FILE *f)
{
	int	i;

	fputs("\"items\": [", f);
	for (i = 1; i <= 17; i++)
		fprintf(f, "{\"code\": \"s%d\", \"tekst\": \"Stelling %d\", "
		    "\"type\": \"schaal\", \"min\": 1, \"max\": 5, \"verplicht\": "
		    "false, \"positief\": "
		    "{\"vanaf\": 4, \"tot_en_met\": 5}}, ", i, i);
	fputs("{\"code\": \"cijfer\", \"tekst\": \"Rapportcijfer\", \"type\": "
	    "\"cijfer\", \"verplicht\": true, \"rol\": \"rapportcijfer\", "
	    "\"positief\": {\"vanaf\": 7, \"tot_en_met\": 10}}, "
	    "{\"code\": \"zhv\", \"tekst\": \"Kan zonder hulp verder\", "
	    "\"type\": \"janee\", \"verplicht\": false, \"rol\": "
	    "\"zonder_hulp_verder\", "
	    "\"positief\": \"ja\"}, {\"code\": \"beter\", \"tekst\": \"Wat kan "
	    "beter?\", \"type\": \"open\", \"verplicht\": false}]", f);
}

static int
defs(const char *dir)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/questionnaires", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/questionnaires/bench-20.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs("{\"id\": \"bench-20\", \"titel\": \"Benchmark, 20 items\", "
	    "\"respondenten\": {\"jeugdige\": {", f);
	items(f);
	fputs("}, \"ouder\": {", f);
	items(f);
	fputs("}}}\n", f);
	return fclose(f) == 0 ? 0 : 1;
}

static int
gen(long n, const char *file)
{
	static const char *const gem[] = { "0363", "0479", "0362", "0384" };
	FILE	*f;
	char	 bsn[10];
	long	 i;
	int	 k;

	if ((f = fopen(file, "w")) == NULL)
		return 1;
	fputs("{\"responses\": [\n", f);
	for (i = 0; i < n; i++) {
		demo_bsn(0, (unsigned)i, bsn);
		fprintf(f, "%s{\"bron_id\": \"bergop-%ld\", \"vragenlijst\": "
		    "\"bench-20\", \"respondent\": \"%s\", \"bsn\": \"%s\", "
		    "\"agb\": \"%08ld\", \"gemeente\": \"%s\", "
		    "\"ingevuld_op\": \"2026-0%ld-1%ld\", \"geslacht\": %ld, "
		    "\"antwoorden\": {", i ? ",\n" : "", i,
		    i % 3 ? "jeugdige" : "ouder", bsn, 12345600 + i % 200,
		    gem[i % 4], 1 + i % 9, i % 10, i % 3);
		for (k = 1; k <= 17; k++)
			fprintf(f, "\"s%d\": %ld, ", k, 1 + (i + k) % 5);
		fprintf(f, "\"cijfer\": %ld, \"zhv\": \"%s\", \"beter\": "
		    "\"meer tijd\"}}", 5 + i % 6, i % 2 ? "ja" : "nee");
	}
	fputs("\n]}\n", f);
	return fclose(f) == 0 ? 0 : 1;
}

static int
parse(const char *file)
{
	FILE	*f;
	char	*buf;
	long	 len;
	double	 best = 1e9, t0;
	int	 i, n = 0;
	cJSON	*j;

	if ((f = fopen(file, "rb")) == NULL)
		return 1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);
	for (i = 0; i < 3; i++) {
		t0 = now_s();
		if ((j = cJSON_ParseWithLength(buf, (size_t)len)) == NULL)
			return 1;
		n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "responses"));
		cJSON_Delete(j);
		if (now_s() - t0 < best)
			best = now_s() - t0;
	}
	printf("%.0f\n", n / best);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "defs") == 0)
		return defs(argv[2]);
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(strtol(argv[2], NULL, 10), argv[3]);
	if (argc == 3 && strcmp(argv[1], "cjson") == 0)
		return parse(argv[2]);
	fprintf(stderr, "usage: bench_cem defs DIR | gen N FILE | cjson FILE\n");
	return 2;
}
