/* libFuzzer: the configuration exposures and the OWA logon check from a hostile web.config, applicationHost.config, logon.aspx or flogon.js. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/host.h"

#include "../lib/pespec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define E15 "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
#define APPHOST "inetsrv\\config\\applicationHost.config"

/* The first byte chooses which file holds the rest; the others are a
 * small Exchange SE front end. */
static const char *const targets[] = {
	APPHOST,
	"FrontEnd\\HttpProxy\\owa\\web.config",
	"FrontEnd\\HttpProxy\\owa\\auth\\logon.aspx",
	"\\scripts\\premium\\flogon.js",
};

static const char apphost[] =
    "<configuration><system.applicationHost><sites>"
    "<site name=\"Default Web Site\" id=\"1\"><application path=\"/owa\">"
    "<virtualDirectory path=\"/\" physicalPath=\"" E15
    "FrontEnd\\HttpProxy\\owa\"/></application></site>"
    "</sites></system.applicationHost></configuration>";

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
	unsigned char pe[PS_MAX];
	const unsigned v[4] = { 15, 2, 2562, 20 };

	exh_buf_reset(out);
	if (strstr(path, in->target) != NULL)
		return exh_buf_append(out, in->data, in->size < max ?
		    in->size : max);
	if (strstr(path, APPHOST) != NULL)
		return exh_buf_append(out, apphost, sizeof(apphost) - 1);
	if (strstr(path, "Bin\\ExSetup.exe") != NULL)
		return exh_buf_append(out, pe, ps_build(pe, v, PS_GOOD));
	return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: not found", path);
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
