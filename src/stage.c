/*
 * Staging files for uploads (see stage.h).
 *
 * Why a file and not memory: a scores upload may have ten million rows,
 * and the rows can only go into the database once the whole upload has
 * arrived and been checked (all or nothing) without holding the write
 * lock while the client sends. The file lives beside the database, on
 * the same (encrypted, backed-up-or-not) volume the operator chose for
 * pseudonymised data, and holds nothing the database would not.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage.h"
#include "util.h"

struct stage {
	int	 fd;
	size_t	 recsize;
	size_t	 count;
};

/* An unnamed file in dir: O_TMPFILE, else a unique name unlinked at once. */
static int
open_unnamed(const char *dir, char *err, size_t errlen)
{
	char	path[4096];
	int	fd;

#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
#endif
	if (util_fmt(path, sizeof(path), "%s/.stage-XXXXXX", dir) == -1) {
		util_fmt(err, errlen, "staging folder path too long");
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
		util_fmt(err, errlen, "cannot create a staging file: %s",
		    strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

int
stage_open(struct stage **out, const char *dir, size_t recsize, char *err,
    size_t errlen)
{
	struct stage	*sg;

	if ((sg = calloc(1, sizeof(*sg))) == NULL) {
		util_fmt(err, errlen, "out of memory");
		return -1;
	}
	sg->recsize = recsize;
	if ((sg->fd = open_unnamed(dir, err, errlen)) == -1) {
		free(sg);
		return -1;
	}
	*out = sg;
	return 0;
}

int
stage_write(struct stage *sg, const void *recs, size_t n)
{
	const char	*p = recs;
	size_t		 left = n * sg->recsize;
	ssize_t		 w;

	while (left > 0) {
		w = write(sg->fd, p, left);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		left -= (size_t)w;
	}
	sg->count += n;
	return 0;
}

int
stage_rewind(struct stage *sg)
{
	return lseek(sg->fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

long
stage_read(struct stage *sg, void *recs, size_t max)
{
	char	*p = recs;
	size_t	 want = max * sg->recsize, got = 0;
	ssize_t	 r;

	while (got < want) {
		r = read(sg->fd, p + got, want - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got % sg->recsize != 0)
		return -1;	/* a torn record: the file was changed */
	return (long)(got / sg->recsize);
}

long
stage_read_at(struct stage *sg, size_t first, void *recs, size_t max)
{
	char	*p = recs;
	size_t	 want = max * sg->recsize, got = 0;
	off_t	 off = (off_t)(first * sg->recsize);
	ssize_t	 r;

	while (got < want) {
		r = pread(sg->fd, p + got, want - got, off + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got % sg->recsize != 0)
		return -1;
	return (long)(got / sg->recsize);
}

size_t
stage_count(const struct stage *sg)
{
	return sg->count;
}

void
stage_close(struct stage *sg)
{
	if (sg == NULL)
		return;
	close(sg->fd);
	free(sg);
}
