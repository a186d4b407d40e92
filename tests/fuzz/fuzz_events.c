/* libFuzzer: an event log (libevtx, our XML reader and the event checks) from hostile bytes. */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "exhume/events.h"
#include "exhume/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct exh_events *ev;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	int fd;

	if (ev == NULL && exh_events_create(EXH_RULES_DIR, &ev, &err) !=
	    EXH_OK)
		abort();	/* the shipped rules must load */
	if ((fd = memfd_create("evtx", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    exh_findings_create(&fs, &err) == EXH_OK)
		(void)exh_events_scan_fd(ev, fd,
		    "C:\\Windows\\System32\\winevt\\Logs\\Application.evtx",
		    fs, NULL, &err);
	exh_findings_destroy(fs);
	close(fd);
	return 0;
}
