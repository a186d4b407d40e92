/* libFuzzer: the post-exploitation trace parsers: scheduled-task XML, the SAM alias "C" value, and SAM/SOFTWARE/SYSTEM hives through the checks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"
#include "exhume/host.h"
#include "host/traces_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte chooses what the rest is. */
enum { AS_TASK, AS_ALIAS_C, AS_SAM, AS_SOFTWARE, AS_SYSTEM, AS_COUNT };

static const char *const hive_of[AS_COUNT] = {
	NULL, NULL, "\\config\\SAM", "\\config\\SOFTWARE", "\\config\\SYSTEM",
};

struct input {
	int as;
	const uint8_t *data;
	size_t size;
};

static int
read_file(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	const struct input *in = ctx;

	if (hive_of[in->as] == NULL || !exh_ascii_iends(path, hive_of[in->as]))
		return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: not found",
		    path);
	exh_buf_reset(out);
	return exh_buf_append(out, in->data, in->size < max ? in->size : max);
}

static int
walk(void *ctx, const char *dir, size_t max, exh_traces_file_fn each,
    void *fctx, struct exh_err *err)
{
	const struct input *in = ctx;
	struct exh_fileref f = { 0 };
	char path[512];

	if (in->as != AS_TASK)
		return exh_err_set(err, EXH_ENOTFOUND, 0, "%s: none", dir);
	snprintf(path, sizeof(path), "%s\\fuzz", dir);
	f.path = path;
	return each(fctx, &f, in->data, in->size < max ? in->size : max, NULL);
}

static void
alias(const uint8_t *data, size_t size)
{
	struct exh_err err = { 0 };
	char **sids = NULL;
	size_t n = 0;

	(void)traces_alias_members(data, size, &sids, &n, &err);
	exh_strvec_free(sids, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct exh_traces *t;
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	struct input in;
	char **notes = NULL;
	size_t nnotes = 0;

	if (size < 1)
		return 0;
	/* The table is the shipped one, loaded once for the whole run. */
	if (t == NULL && exh_traces_load(EXH_RULES_DIR "/traces.tsv", &t,
	    &err) != EXH_OK)
		abort();
	in.as = data[0] % AS_COUNT;
	in.data = data + 1;
	in.size = size - 1;
	if (in.as == AS_ALIAS_C) {
		alias(in.data, in.size);
		return 0;
	}
	if (exh_findings_create(&fs, &err) == EXH_OK)
		(void)exh_traces_find_from(t, NULL, read_file, walk, &in, fs,
		    &notes, &nnotes, &err);
	exh_findings_destroy(fs);
	exh_strvec_free(notes, nnotes);
	return 0;
}
