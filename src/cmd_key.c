/*
 * Where the pseudonymisation key lives, and whether that is safe.
 *
 * With the key, a copy of the data folder re-identifies every client: the
 * BSN space is 10^9 numbers, a tenth of which pass the elfproef, and one
 * core computes all their pseudonyms in about 90 seconds. So the key
 * should not travel with the data: systemd can hand it to the daemon as
 * an (encrypted) credential, or the configuration can name a file
 * elsewhere. A key inside the data folder still works, for the quick
 * start, but every start says so in the log and in /metrics, and a
 * production configuration refuses it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "metrics.h"
#include "util.h"

#define CREDENTIAL_NAME		"sorttp-key"

int
cmd_key_path(const struct config *cfg, const char *dir, const char *given,
    int credentials, char *buf, size_t len)
{
	struct stat	 sb;
	const char	*creds;
	char		 cpath[PATH_MAX];

	if (given != NULL)
		return util_fmt(buf, len, "%s", given);
	creds = credentials ? getenv("CREDENTIALS_DIRECTORY") : NULL;
	if (creds != NULL && creds[0] != '\0' &&
	    util_path_join(cpath, sizeof(cpath), creds, CREDENTIAL_NAME) == 0 &&
	    stat(cpath, &sb) == 0)
		return util_fmt(buf, len, "%s", cpath);
	if (cfg->key_file[0] == '/')
		return util_fmt(buf, len, "%s", cfg->key_file);
	if (cfg->key_file[0] != '\0')
		return util_path_join(buf, len, dir, cfg->key_file);
	return util_path_join(buf, len, dir, DATA_KEY_FILE);
}

/*
 * 1 when keyp (or, before it exists, its folder) resolves to a place
 * inside the data folder, 0 when not, -1 when either cannot be resolved.
 */
int
cmd_key_inside(const char *dir, const char *keyp)
{
	char	 d[PATH_MAX], k[PATH_MAX], copy[PATH_MAX];
	size_t	 n;

	if (realpath(dir, d) == NULL)
		return -1;
	if (realpath(keyp, k) == NULL) {
		if (util_fmt(copy, sizeof(copy), "%s", keyp) == -1 ||
		    realpath(dirname(copy), k) == NULL)
			return -1;
	}
	n = strlen(d);
	if (strcmp(d, "/") == 0)
		return 1;
	return strncmp(k, d, n) == 0 && (k[n] == '/' || k[n] == '\0');
}

int
cmd_key_check(const struct config *cfg, const char *dir, const char *keyp)
{
	int	inside = cmd_key_inside(dir, keyp);

	if (inside == -1) {
		log_error("key %s or data folder %s: %s", keyp, dir,
		    strerror(errno));
		return -1;
	}
	metrics_key_in_data(inside);
	if (!inside)
		return 0;
	if (cfg->production) {
		log_error("the key %s is inside the data folder %s, and the "
		    "configuration says production: a copy of the folder "
		    "would re-identify every client. Move the key out (set "
		    "key_file, or use the systemd credential %s)", keyp, dir,
		    CREDENTIAL_NAME);
		return -1;
	}
	log_warn("the key %s is inside the data folder %s: whoever copies "
	    "the folder can re-identify every client. Keep it elsewhere "
	    "(key_file, or the systemd credential %s)", keyp, dir,
	    CREDENTIAL_NAME);
	return 0;
}
