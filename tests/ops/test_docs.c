/*
 * The manual pages cover the program: every command, subcommand and
 * option the binary's own --help texts name appears in sorttp(8), and
 * every key of the default configuration in sorttp.json(5), each limit
 * with its default and range as config.c defines them. A failure lists
 * everything missing, so a new command or setting cannot ship
 * undocumented.
 *
 * Usage: test_docs SORTTP_BINARY SOURCE_DIR
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "test.h"
#include "util.h"

#define OUT_MAX		(256 * 1024)

static char	*man8, *man5;
static int	 missing;

static char *
slurp(const char *path)
{
	char	*data = NULL;
	size_t	 len;

	if (util_read_file(path, 4 * 1024 * 1024, &data, &len) == -1) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	return data;	/* NUL-terminated by util_read_file */
}

/* The standard output of a command line, NUL-terminated. */
static char *
run(const char *cmd)
{
	FILE	*f;
	char	*buf = calloc(1, OUT_MAX);
	size_t	 n;

	if (buf == NULL || (f = popen(cmd, "r")) == NULL) {
		fprintf(stderr, "cannot run %s\n", cmd);
		exit(1);
	}
	n = fread(buf, 1, OUT_MAX - 1, f);
	buf[n] = '\0';
	pclose(f);
	return buf;
}

static void
need(const char *page, const char *pagename, const char *text,
    const char *what)
{
	if (strstr(page, text) == NULL) {
		fprintf(stderr, "  %s lacks %s: \"%s\"\n", pagename, what,
		    text);
		missing++;
	}
}

/* Every --option in text must appear as "Fl -option" in sorttp(8). */
static void
need_options(const char *text)
{
	const char	*p = text;
	char		 want[96];
	size_t		 n;

	while ((p = strstr(p, "--")) != NULL) {
		p += 2;
		for (n = 0; islower((unsigned char)p[n]) ||
		    isdigit((unsigned char)p[n]) || p[n] == '-'; n++)
			;
		if (n == 0 || n > 64)
			continue;
		snprintf(want, sizeof(want), "Fl -%.*s", (int)n, p);
		need(man8, "sorttp.8", want, "an option");
		p += n;
	}
}

/*
 * The commands of `sorttp --help` (indented lines of the "commands:"
 * list), and in each command's usage lines its subcommands: a plain
 * lower-case word right after the command.
 */
static void
check_commands(const char *bin)
{
	char		 cmd[1200], want[160], name[64], sub[64];
	char		*top, *help, *line, *save = NULL, *p;
	int		 ncmd = 0;

	snprintf(cmd, sizeof(cmd), "%s --help", bin);
	top = run(cmd);
	p = strstr(top, "commands:\n");
	CHECK(p != NULL);
	for (line = p ? strtok_r(p + 10, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "  ", 2) != 0 || !islower((unsigned char)
		    line[2]) || sscanf(line + 2, "%63[a-z-]", name) != 1)
			continue;
		ncmd++;
		snprintf(want, sizeof(want), "Cm %s", name);
		need(man8, "sorttp.8", want, "a command");
		snprintf(cmd, sizeof(cmd), "%s %s --help", bin, name);
		help = run(cmd);
		need_options(help);
		/* "sorttp NAME SUB ..." on usage lines: SUB a subcommand. */
		snprintf(want, sizeof(want), "sorttp %s ", name);
		for (p = strstr(help, want); p != NULL;
		    p = strstr(p + 1, want)) {
			if (!islower((unsigned char)p[strlen(want)]) ||
			    sscanf(p + strlen(want), "%63[a-z-]", sub) != 1 ||
			    !(p[strlen(want) + strlen(sub)] == ' ' ||
			    p[strlen(want) + strlen(sub)] == '\n'))
				continue;
			snprintf(cmd, sizeof(cmd), "Cm %s %s", name, sub);
			need(man8, "sorttp.8", cmd, "a subcommand");
		}
		free(help);
	}
	CHECK(ncmd >= 10);
	free(top);
}

/* Every leaf key of the default configuration, dotted. */
static void
check_keys(const cJSON *obj, const char *prefix)
{
	const cJSON	*it;
	char		 key[256], want[300];

	cJSON_ArrayForEach(it, obj) {
		snprintf(key, sizeof(key), "%s%s%s", prefix,
		    prefix[0] ? "." : "", it->string);
		if (cJSON_IsObject(it)) {
			check_keys(it, key);
			continue;
		}
		snprintf(want, sizeof(want), ".It Cm %s\n", key);
		need(man5, "sorttp.json.5", want, "a setting");
	}
}

/* Each limit's entry gives config.c's default and range. */
static void
check_limits(void)
{
	const struct cfg_limit_def	*d;
	char				 want[160], txt[128];
	const char			*p, *end;
	size_t				 i;

	for (i = 0; i < LIMIT__COUNT; i++) {
		d = &config_limit_defs[i];
		snprintf(want, sizeof(want), ".It Cm %s%s\n",
		    strcmp(d->name, "k") == 0 ? "" : "limits.", d->name);
		if ((p = strstr(man5, want)) == NULL) {
			need(man5, "sorttp.json.5", want, "a limit");
			continue;
		}
		p += strlen(want);
		end = strstr(p, "\n.It ");
		if (end == NULL)
			end = p + strlen(p);
		snprintf(txt, sizeof(txt), "Default: %lld.", d->def);
		if (memmem(p, (size_t)(end - p), txt, strlen(txt)) == NULL) {
			fprintf(stderr, "  sorttp.json.5: %s lacks \"%s\"\n",
			    d->name, txt);
			missing++;
		}
		snprintf(txt, sizeof(txt), "Range: %lld..%lld.", d->min,
		    d->max);
		if (memmem(p, (size_t)(end - p), txt, strlen(txt)) == NULL) {
			fprintf(stderr, "  sorttp.json.5: %s lacks \"%s\"\n",
			    d->name, txt);
			missing++;
		}
	}
}

int
main(int argc, char **argv)
{
	char	 path[1024];
	char	*json;
	cJSON	*cfg;

	if (argc != 3) {
		fprintf(stderr, "usage: test_docs SORTTP_BINARY SOURCE_DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/man/sorttp.8", argv[2]);
	man8 = slurp(path);
	snprintf(path, sizeof(path), "%s/man/sorttp.json.5", argv[2]);
	man5 = slurp(path);
	snprintf(path, sizeof(path), "%s/config/sorttp.json", argv[2]);
	json = slurp(path);
	cfg = cJSON_Parse(json);
	CHECK(cJSON_IsObject(cfg));

	check_commands(argv[1]);
	check_keys(cfg, "");
	check_limits();
	if (missing > 0)
		fprintf(stderr, "%d item(s) missing from the manual pages\n",
		    missing);
	CHECK_EQ_INT(missing, 0);

	cJSON_Delete(cfg);
	free(json);
	free(man8);
	free(man5);
	return test_done("ops_docs");
}
