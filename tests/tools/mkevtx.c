/* mkevtx: writes a Windows .evtx file from a text spec, for tests. */
/*
 * usage: mkevtx [--dirty] [--truncate-chunk N] [--corrupt-record ID]
 *            [--templateless] SPEC OUT.evtx
 * --templateless writes the records the way Windows stores events that
 * carry no template (forwarded events): see tests/lib/evtxwriter.c.
 * SPEC ("-" for stdin) has one event a line:
 *   provider|channel|eventid|level|ISO-time|recordid|data1|data2|...
 * An empty record id continues from the previous one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/evtxwriter.c"

static void
usage(void)
{
	fprintf(stderr, "usage: mkevtx [--dirty] [--truncate-chunk N] "
	    "[--corrupt-record ID] [--templateless] SPEC OUT.evtx\n");
	exit(2);
}

static long long
argnum(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end != '\0' || v < 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct evtxw_damage dmg = { 0, -1, 0 };
	struct evtxw *w;
	FILE *in;
	char *line = NULL, msg[128];
	size_t cap = 0, len, done;
	unsigned long lineno = 0;
	unsigned char *img;
	int i, fd, templateless = 0;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--dirty") == 0)
			dmg.dirty = 1;
		else if (strcmp(argv[i], "--truncate-chunk") == 0 &&
		    i + 1 < argc)
			dmg.truncate_chunk = (long)argnum(argv[++i]);
		else if (strcmp(argv[i], "--corrupt-record") == 0 &&
		    i + 1 < argc)
			dmg.corrupt_record = (uint64_t)argnum(argv[++i]);
		else if (strcmp(argv[i], "--templateless") == 0)
			templateless = 1;
		else
			usage();
	}
	if (argc - i != 2)
		usage();
	in = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
	if (in == NULL) {
		fprintf(stderr, "mkevtx: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	if ((w = evtxw_new()) == NULL) {
		fprintf(stderr, "mkevtx: out of memory\n");
		return 1;
	}
	evtxw_set_templateless(w, templateless);
	while (getline(&line, &cap, in) != -1) {
		lineno++;
		if (evtxw_add_spec_line(w, line, msg, sizeof(msg)) != 0) {
			fprintf(stderr, "mkevtx: %s:%lu: %s\n", argv[i],
			    lineno, msg);
			return 1;
		}
	}
	free(line);
	if (in != stdin)
		fclose(in);
	if (evtxw_finish(w, &dmg, &img, &len) != 0) {
		fprintf(stderr, "mkevtx: cannot build the file (bad "
		    "--truncate-chunk?)\n");
		return 1;
	}
	fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		fprintf(stderr, "mkevtx: %s: %s\n", argv[i + 1],
		    strerror(errno));
		return 1;
	}
	for (done = 0; done < len;) {
		ssize_t n = write(fd, img + done, len - done);

		if (n <= 0) {
			fprintf(stderr, "mkevtx: write: %s\n", strerror(errno));
			return 1;
		}
		done += (size_t)n;
	}
	if (close(fd) != 0) {
		fprintf(stderr, "mkevtx: close: %s\n", strerror(errno));
		return 1;
	}
	free(img);
	evtxw_free(w);
	return 0;
}
