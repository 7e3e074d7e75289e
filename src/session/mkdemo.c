/* mkdemo.c - build-time tool: writes the demo snapshot embedded in hubtop.
 *
 * Usage: mkdemo ORGS.tsv OUT
 * Problems in the directory file are reported on standard error and the
 * bad lines skipped, as hubtop does at start-up; an unreadable directory
 * stops the build, since the demo would lose its countries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubtop/demo.h"
#include "hubtop/orgdir.h"

static void mkdemo_report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "mkdemo: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct orgdir_diag diag = { mkdemo_report, NULL, 0 };
	struct orgdir *d;
	char err[1024];
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: mkdemo ORGS.tsv OUT\n"
				"Writes the demo snapshot (%u models, %u datasets, seed %u) to OUT.\n",
			DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS, DEMO_DEFAULT_SEED);
		return 2;
	}
	d = orgdir_new();
	if (!d) {
		fprintf(stderr, "mkdemo: out of memory\n");
		return 1;
	}
	if (orgdir_load_file(d, argv[1], &diag) < 0) {
		fprintf(stderr, "mkdemo: cannot read the organisation directory %s: %s\n",
			argv[1], strerror(errno));
		orgdir_free(d);
		return 1;
	}
	if (diag.errors)
		fprintf(stderr, "mkdemo: %s: %u bad line(s) skipped\n", argv[1], diag.errors);
	if (orgdir_count(d) == 0)
		fprintf(stderr, "mkdemo: %s holds no account: using the built-in list; the demo "
				"will show every account as independent\n", argv[1]);
	rc = demo_write(DEMO_DEFAULT_MODELS, DEMO_DEFAULT_DATASETS, DEMO_DEFAULT_SEED, d, argv[2],
			err, sizeof err);
	orgdir_free(d);
	if (rc != 0) {
		fprintf(stderr, "mkdemo: %s\n", err);
		return 1;
	}
	return 0;
}
