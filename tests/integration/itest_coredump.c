/*
 * No identifier in a core image: after the identifier test set has been
 * ingested over HTTPS (iJw messages, a scores upload, refused uploads),
 * the running daemon's memory is dumped with gdb's gcore and scanned byte
 * for byte: no BSN, ToewijzingNummer, name, phone number or address may be
 * in it. Every buffer that held request bytes must have been wiped: the
 * request bodies, libxml2's copy and tree, cJSON's, libcsv's field buffer
 * and the TLS library's record buffers.
 *
 * gcore needs ptrace; the daemon forbids core dumps of itself, which root
 * (CI) overrides. Without the permission the test is skipped (exit 77),
 * saying why.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define SKIP	77

static struct h_env	e;
static char		tok_msg[128], tok_a[128];
static const char *const xml_hdr[] = {
	"Content-Type: application/xml", NULL
};
static const char *const csv_hdr[] = { "Content-Type: text/csv", NULL };

/* Everything identifying that the uploads below carry. */
static const char *const secrets[] = {
	"999993847", "999990408", "999990482", "999992077", "999993483",
	"999993926", "999994669", "999995017", "999992806", "999991905",
	"918273645", "918273646", "Testsma", "Fictief", "Oudersma",
	"Proefhuis", "Voorbeeldink", "Crlfsma", "Verzonnenstraat", "1500ZZ",
	"0612345678", "0759876543", "GEHEIM-COMMENTAAR-MARKER",
};
#define NSECRETS	(sizeof(secrets) / sizeof(secrets[0]))
static const char *const control[] = { "+SIGN-EDDSA-ED448" };

static const char excel[] =
	"BSN;ToewijzingNummer;Gemeente;AGB;Meetdatum;Meetmoment;"
	"gas_1;gas_2;gas_3;gewicht_1;Probleemafname;Zonder_hulp_verder;"
	"productcategorie;geboortedatum;geslacht\r\n"
	"999993847;918273645;0363;12345678;15-01-2026;begin;;;;;;;45;"
	"3-4-2012;1\r\n"
	"999993847;918273645;0363;12345678;15-06-2026;eind;1;0;-1;3;3;ja;45;"
	"3-4-2012;1\r\n"
	"999992077;918273646;0457;12345678;2026-02-01;begin;;;;;;;;;\r\n"
	"999992077;918273646;0457;12345678;2026-07-01;eind;2;;;;2;nee;;;\r\n";

/* A refused upload: the error path must wipe too. */
static const char bad[] =
	"bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1\r\n"
	"999993926;918273645;0363;12345678;01-01-2026;begin;\r\n"
	"999994669;918273645;0599;12345678;31-02-2026;later;5\r\n";

static const char *const files[] = {
	"jw301_v32.xml", "jw305_v32.xml", "jw305_v30.xml",
	"jw305_crlf_bom.xml", "jw305_default_ns.xml",
	"jw305_extra_elements.xml", "jw305_taakgericht.xml",
	"jw307_v31.xml", "jw307_v32.xml", "jw307_status3.xml",
	"header_mismatch.xml",
};
#define NFILES	(sizeof(files) / sizeof(files[0]))

struct poster {
	pthread_t	 t;
	const char	*name;
	int		 stored;
};

/* One fixture, POSTed from its own thread. */
static void *
post_fixture(void *arg)
{
	struct poster	*p = arg;
	struct h_resp	 r;
	char		 path[H_PATH_MAX + 64], *doc;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/tests/fixtures/ijw/%s",
	    SORTTP_SOURCE_DIR, p->name);
	if ((doc = h_slurp(path, &len)) == NULL)
		return NULL;
	if (h_request(&e, "POST", "/v1/messages", tok_msg, xml_hdr, doc, len,
	    0, &r) == 0)
		p->stored = r.status == 200 || r.status == 201;
	h_resp_free(&r);
	free(doc);
	return NULL;
}

/*
 * The uploads, messages in parallel: requests served side by side leave
 * freed blocks between live ones, which is where an unwiped copy of a
 * request survives (one at a time, the heap tops are simply trimmed).
 */
static int
ingest(void)
{
	struct poster	 p[NFILES];
	struct h_resp	 r;
	size_t		 i;
	int		 round, stored = 0;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < NFILES; i++) {
			p[i].name = files[i];
			p[i].stored = 0;
			if (pthread_create(&p[i].t, NULL, post_fixture,
			    &p[i]) != 0)
				exit(2);
		}
		for (i = 0; i < NFILES; i++) {
			pthread_join(p[i].t, NULL);
			stored += p[i].stored;
		}
	}
	CHECK_EQ_INT(h_request(&e, "POST", "/v1/scores", tok_a, csv_hdr,
	    excel, sizeof(excel) - 1, 0, &r), 0);
	CHECK_EQ_INT(r.status, 201);
	stored += r.status == 201;
	h_resp_free(&r);
	CHECK_EQ_INT(h_request(&e, "POST", "/v1/scores", tok_a, csv_hdr, bad,
	    sizeof(bad) - 1, 0, &r), 0);
	CHECK_EQ_INT(r.status, 422);
	h_resp_free(&r);
	return stored;
}

/* gcore of the daemon into path; 0, or SKIP without ptrace rights. */
static int
dump(const char *prefix, char *core, size_t len)
{
	char	cmd[3 * H_PATH_MAX];
	int	rc;

	snprintf(cmd, sizeof(cmd), "timeout 120 gcore -o %s %d >%s.out 2>&1",
	    prefix, (int)e.pid, prefix);
	rc = system(cmd);
	snprintf(core, len, "%s.%d", prefix, (int)e.pid);
	if (rc == 0 && access(core, R_OK) == 0)
		return 0;
	if (geteuid() != 0) {
		fprintf(stderr, "itest_coredump: SKIPPED: gcore could not "
		    "attach (not root, ptrace restricted); run as root\n");
		return SKIP;
	}
	fprintf(stderr, "itest_coredump: gcore failed (status %d)\n", rc);
	return -1;
}

/*
 * Marks in hit[] which of the n needles occur in the file, reading it in
 * pieces (a core runs to a gigabyte) that overlap by the longest needle.
 */
static int
scan(const char *path, const char *const *needles, size_t n, int *hit)
{
	const size_t	 piece = 8 << 20, keep = 64;
	char		*buf;
	size_t		 have = 0, i;
	ssize_t		 got;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 ||
	    (buf = malloc(piece + keep)) == NULL)
		return -1;
	while ((got = read(fd, buf + have, piece)) > 0) {
		have += (size_t)got;
		for (i = 0; i < n; i++)
			if (memmem(buf, have, needles[i],
			    strlen(needles[i])) != NULL)
				hit[i] = 1;
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
	free(buf);
	close(fd);
	return got == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	char		 prefix[H_PATH_MAX], core[H_PATH_MAX + 16];
	size_t		 i, found = 0;
	int		 rc, hit[NSECRETS], control_hit = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: itest_coredump SORTTP_BINARY\n");
		return 2;
	}
	if (access(argv[1], X_OK) != 0) {
		fprintf(stderr, "itest_coredump: SKIPPED: no %s (a sanitizer "
		    "build scans the release build: cmake -B build-release)\n",
		    argv[1]);
		return SKIP;
	}
	if (system("command -v gcore >/dev/null 2>&1") != 0) {
		fprintf(stderr, "itest_coredump: SKIPPED: no gcore (gdb)\n");
		return SKIP;
	}
	h_setup(&e, argv[1]);
	h_init(&e);
	CHECK_EQ_INT(h_party_add(&e, tok_msg, sizeof(tok_msg), "backoffice",
	    "berichtenverkeer", NULL), 0);
	CHECK_EQ_INT(h_party_add(&e, tok_a, sizeof(tok_a), "zorg-a",
	    "aanbieder", "--agb", "12345678", NULL), 0);
	if (h_start(&e, NULL, NULL) == -1) {
		fprintf(stderr, "daemon did not start\n");
		h_teardown(&e);
		return 1;
	}
	CHECK(ingest() >= 5);
	h_path(&e, prefix, sizeof(prefix), "core");
	if ((rc = dump(prefix, core, sizeof(core))) != 0) {
		h_teardown(&e);
		return rc == SKIP ? SKIP : 1;
	}
	CHECK(stat(core, &sb) == 0 && sb.st_size > 0);
	printf("itest_coredump: core of %lld bytes\n", (long long)sb.st_size);
	/* The scan finds what is meant to be there: the configuration. */
	memset(hit, 0, sizeof(hit));
	CHECK_EQ_INT(scan(core, secrets, NSECRETS, hit), 0);
	CHECK_EQ_INT(scan(core, control, 1, &control_hit), 0);
	CHECK_EQ_INT(control_hit, 1);
	for (i = 0; i < NSECRETS; i++)
		if (hit[i]) {
			fprintf(stderr, "itest_coredump: %s is in the core\n",
			    secrets[i]);
			found++;
		}
	CHECK_EQ_INT(found, 0);
	CHECK_EQ_INT(h_stop(&e), 0);
	if (getenv("SORTTP_KEEP_TMP") == NULL)
		(void)unlink(core);
	h_teardown(&e);
	return test_done("integration_coredump");
}
