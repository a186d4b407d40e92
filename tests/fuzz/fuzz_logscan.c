/* libFuzzer: every Exchange/IIS log family's parser and checks on hostile lines (gzip too). */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exhume/findings.h"
#include "exhume/logscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte chooses the log's place, and so its family. */
static const char *const places[] = {
	"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG",
	"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\ECP\\Server\\ECPServer20210303-1.LOG",
	"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\OABGeneratorLog\\OABGenerator_20210303-1.LOG",
	"C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210303.log",
	"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\CmdletInfra\\Powershell-Proxy\\Http\\Rps_Http_2021030306-1.log",
	"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\PowerShell\\HttpProxy_2021030306-1.LOG",
};

static struct exh_logscan *ls;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	char path[64];
	int fd;

	if (size < 1)
		return 0;
	if (ls == NULL && exh_logscan_create(EXH_RULES_DIR, &ls, &err) !=
	    EXH_OK)
		abort();	/* the shipped rules must load */
	if ((fd = memfd_create("log", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1) &&
	    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd) <
	    (int)sizeof(path) && exh_findings_create(&fs, &err) == EXH_OK)
		(void)exh_logscan_local_file(ls, path,
		    places[data[0] % (sizeof(places) / sizeof(places[0]))],
		    EXH_LOG_UNKNOWN, fs, &err);
	exh_findings_destroy(fs);
	close(fd);
	return 0;
}
