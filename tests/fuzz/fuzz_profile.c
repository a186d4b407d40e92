/* libFuzzer: the host profile from a hostile SYSTEM or SOFTWARE hive, applicationHost.config or ExSetup.exe. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte chooses which file of the disk holds the rest. */
static const char *const targets[] = {
	"\\Windows\\System32\\config\\SYSTEM",
	"\\Windows\\System32\\config\\SOFTWARE",
	"\\Windows\\System32\\inetsrv\\config\\applicationHost.config",
	"ExSetup.exe",
};

struct input {
	const char *target;
	const uint8_t *data;
	size_t size;
};

static int
read_file(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	const struct input *in = ctx;
	size_t n = in->size < max ? in->size : max;

	if (strstr(path, in->target) == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: not found",
		    path);
	exh_buf_reset(out);
	return exh_buf_append(out, in->data, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_profile *p = NULL;
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	struct input in;

	if (size < 1)
		return 0;
	in.target = targets[data[0] % (sizeof(targets) / sizeof(targets[0]))];
	in.data = data + 1;
	in.size = size - 1;
	if (exh_profile_build_from(read_file, &in, EXH_RULES_DIR, &p, &err) ==
	    EXH_OK && exh_findings_create(&fs, &err) == EXH_OK)
		(void)exh_profile_findings(p, fs, &err);
	exh_findings_destroy(fs);
	exh_profile_free(p);
	return 0;
}
