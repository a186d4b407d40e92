/* libFuzzer: rule and IOC files (YARA and its prefilter, hash lists, path IOCs, MSTIC CSV, file types, SID names). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte chooses the file name, and so how the loader reads it. */
static const char *const names[] = {
	"rules.yar", "hash-iocs.txt", "trusted-hashes.txt",
	"filename-iocs.txt", "mstic.csv", "file-type-signatures.txt",
	"case-sids.tsv",
};

static char dir[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_rules_options opt = { 0 };
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const char *ioc[2];
	char path[128], pin[128];
	FILE *f;

	if (size < 1)
		return 0;
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/exhume-fuzz-rules.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		/* One valid entry, so that a YARA file alone is loaded on. */
		snprintf(pin, sizeof(pin), "%s/pin-filename-iocs.txt", dir);
		if ((f = fopen(pin, "w")) == NULL)
			abort();
		fputs("\\\\inetpub\\\\x\\.aspx$;80\n", f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/%s", dir,
	    names[data[0] % (sizeof(names) / sizeof(names[0]))]);
	snprintf(pin, sizeof(pin), "%s/pin-filename-iocs.txt", dir);
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	opt.no_default = true;
	if (data[0] % (sizeof(names) / sizeof(names[0])) == 0) {
		opt.yara_paths = (const char *const *)&ioc[0];
		ioc[0] = path;
		opt.n_yara = 1;
		ioc[1] = pin;
		opt.ioc_paths = (const char *const *)&ioc[1];
		opt.n_ioc = 1;
	} else {
		ioc[0] = path;
		ioc[1] = pin;
		opt.ioc_paths = (const char *const *)ioc;
		opt.n_ioc = 2;
	}
	if (exh_rules_load(&opt, &r, &err) == EXH_OK)
		exh_rules_destroy(r);
	unlink(path);
	return 0;
}
