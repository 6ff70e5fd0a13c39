/*
 * For unit tests that write their own config files: text as dir/name,
 * exiting the test when it cannot be written.
 */
#ifndef SORTTP_TEST_FILE_H
#define SORTTP_TEST_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_write_file(const char *dir, const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;
	size_t	 len = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

#endif
