/* evtx-compare: reads every record of each .evtx with libevtx and with our binary XML reader and counts how they agree. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "exhume/core.h"

#include "events/events_int.h"

/*
 * usage: evtx-compare FILE.evtx...
 * One line a file: records, identical, fell back (ours declined, libevtx
 * read it), differing, libevtx failed, not placed, then the first
 * difference.  Exits 1 when any record differs.
 */
int
main(int argc, char **argv)
{
	struct events_compare c;
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &sb) != 0 ||
		    events_compare_fd(fd, (uint64_t)sb.st_size, &c) != EXH_OK) {
			printf("%s unreadable\n", argv[i]);
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		printf("%s records %llu identical %llu fell_back %llu "
		    "differing %llu libevtx_failed %llu not_placed %llu%s%s\n",
		    argv[i], (unsigned long long)c.records,
		    (unsigned long long)c.identical,
		    (unsigned long long)c.fell_back,
		    (unsigned long long)c.differing,
		    (unsigned long long)c.libevtx_failed,
		    (unsigned long long)c.not_placed,
		    c.first_diff[0] ? " first: " : "", c.first_diff);
		if (c.differing > 0)
			bad = 1;
	}
	return bad;
}
