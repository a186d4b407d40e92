/* evtx-compare: reads every record of each .evtx with libevtx and with our binary XML reader and counts how they agree. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/core.h"
#include "exhume/events.h"
#include "exhume/findings.h"

#include "events/events_int.h"

/*
 * usage: evtx-compare [-r rules] FILE.evtx...
 * One line a file: records libevtx lists, identical, fell back (ours
 * declined, libevtx read it), differing, libevtx failed, not placed (not
 * found by our chunk walk), the first difference; then whether the whole
 * event analysis (findings, skips, counters) is byte-identical with our
 * reader and with libevtx alone (EXHUME_EVTX_LIBEVTX=1), and how many
 * records the analysis left to libevtx.  Exits 1 when anything differs.
 */

/* Everything one analysis of fd yields, as text. */
static int
analyse(struct exh_events *ev, int fd, struct exh_buf *out,
    struct exh_events_stats *st)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	size_t i;
	int rc;

	if (exh_findings_create(&fs, &err) != EXH_OK)
		return EXH_ENOMEM;
	rc = exh_events_scan_fd(ev, fd, "C:\\Windows\\System32\\winevt\\Logs\\"
	    "Security.evtx", fs, st, &err);
	(void)exh_buf_printf(out, "rc %d records %llu recovered %llu damaged "
	    "%llu first %lld last %lld lost %llu slack %llu grouped %llu\n", rc,
	    (unsigned long long)st->records, (unsigned long long)st->recovered,
	    (unsigned long long)st->damaged, (long long)st->first,
	    (long long)st->last, (unsigned long long)st->lost,
	    (unsigned long long)st->slack_lost,
	    (unsigned long long)st->grouped);
	for (i = 0; i < exh_findings_count(fs); i++) {
		(void)exh_finding_to_json(exh_findings_get(fs, i), out);
		(void)exh_buf_putc(out, '\n');
	}
	for (i = 0; i < exh_findings_skip_count(fs); i++) {
		const struct exh_skip *s = exh_findings_skip(fs, i);

		(void)exh_buf_printf(out, "skip %s %s\n", s->reason, s->detail);
	}
	exh_findings_destroy(fs);
	return EXH_OK;
}

int
main(int argc, char **argv)
{
	struct exh_events *ours = NULL, *lib = NULL;
	struct exh_err err = { 0 };
	const char *rules = EXH_RULES_DIR;
	int i = 1, bad = 0;

	if (argc > 2 && strcmp(argv[1], "-r") == 0) {
		rules = argv[2];
		i = 3;
	}
	if (exh_events_create(rules, &ours, &err) != EXH_OK ||
	    setenv("EXHUME_EVTX_LIBEVTX", "1", 1) != 0 ||
	    exh_events_create(rules, &lib, &err) != EXH_OK) {
		fprintf(stderr, "evtx-compare: %s\n", err.msg);
		return 2;
	}
	for (; i < argc; i++) {
		struct events_compare c;
		struct exh_events_stats so, sl;
		struct exh_buf a = { 0 }, b = { 0 };
		struct stat sb;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		bool same;

		if (fd < 0 || fstat(fd, &sb) != 0 ||
		    events_compare_fd(fd, (uint64_t)sb.st_size, &c) != EXH_OK) {
			printf("%s unreadable\n", argv[i]);
			if (fd >= 0)
				close(fd);
			continue;
		}
		(void)analyse(ours, fd, &a, &so);
		(void)analyse(lib, fd, &b, &sl);
		close(fd);
		same = a.len == b.len && (a.len == 0 ||
		    memcmp(a.data, b.data, a.len) == 0);
		printf("%s records %llu identical %llu fell_back %llu "
		    "differing %llu libevtx_failed %llu not_placed %llu "
		    "analysis %s scan_fell_back %llu first_fell_back %llu%s%s\n",
		    argv[i], (unsigned long long)c.records,
		    (unsigned long long)c.identical,
		    (unsigned long long)c.fell_back,
		    (unsigned long long)c.differing,
		    (unsigned long long)c.libevtx_failed,
		    (unsigned long long)c.not_placed,
		    same ? "same" : "DIFFERENT",
		    (unsigned long long)so.fell_back,
		    (unsigned long long)c.first_fell_back,
		    c.first_diff[0] ? " first: " : "", c.first_diff);
		if (c.differing > 0 || !same)
			bad = 1;
		if (!same && getenv("EVTX_COMPARE_DUMP") != NULL)
			printf("--- ours\n%s--- libevtx\n%s", a.data, b.data);
		exh_buf_free(&a);
		exh_buf_free(&b);
	}
	exh_events_destroy(ours);
	exh_events_destroy(lib);
	return bad;
}
