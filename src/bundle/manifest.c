/* manifest.jsonl lines: one JSON object per collected, left-out or document entry. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

static const struct {
	uint32_t bit;
	const char *name;
} attr_names[] = {
	{ 0x00000001, "readonly" }, { 0x00000002, "hidden" },
	{ 0x00000004, "system" }, { 0x00000010, "directory" },
	{ 0x00000020, "archive" }, { 0x00000040, "device" },
	{ 0x00000080, "normal" }, { 0x00000100, "temporary" },
	{ 0x00000200, "sparse" }, { 0x00000400, "reparse_point" },
	{ 0x00000800, "compressed" }, { 0x00001000, "offline" },
	{ 0x00002000, "not_content_indexed" }, { 0x00004000, "encrypted" },
	{ 0x00008000, "integrity_stream" }, { 0x00010000, "virtual" },
	{ 0x00020000, "no_scrub_data" }, { 0x00040000, "recall_on_open" },
	{ 0x00080000, "pinned" }, { 0x00100000, "unpinned" },
	{ 0x00400000, "recall_on_data_access" },
};

static void
put_attrs(struct exh_json *w, uint32_t attrs)
{
	uint32_t known = 0;
	char other[16];
	size_t i;

	exh_json_open(w, "attributes", '[');
	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		known |= attr_names[i].bit;
		if ((attrs & attr_names[i].bit) != 0)
			exh_json_str(w, NULL, attr_names[i].name);
	}
	/* Bits we have no name for are kept as a number, never dropped. */
	if ((attrs & ~known) != 0) {
		/* A 32-bit number always fits other[16]. */
		(void)snprintf(other, sizeof(other), "0x%08" PRIx32,
		    attrs & ~known);
		exh_json_str(w, NULL, other);
	}
	exh_json_close(w, ']');
}

static void
put_digests(struct exh_json *w, const struct manifest_line *m)
{
	char md5[33], sha1[41], sha256[65];

	if (!m->have_digests) {
		exh_json_null(w, "md5");
		exh_json_null(w, "sha1");
		exh_json_null(w, "sha256");
		return;
	}
	exh_hex(m->md5, 16, md5);
	exh_hex(m->sha1, 20, sha1);
	exh_hex(m->sha256, 32, sha256);
	exh_json_str(w, "md5", md5);
	exh_json_str(w, "sha1", sha1);
	exh_json_str(w, "sha256", sha256);
}

static void
put_item(struct exh_json *w, const struct exh_bundle_item *it)
{
	char drive[2] = { 0, 0 };

	if (it == NULL) {
		exh_json_null(w, "drive");
		exh_json_null(w, "path");
		exh_json_null(w, "stream");
		exh_json_null(w, "mft");
		exh_json_null(w, "seq");
		return;
	}
	drive[0] = it->drive;
	exh_json_str(w, "drive", drive);
	exh_json_str(w, "path", it->file.path);
	exh_json_text(w, "stream", it->file.stream);
	exh_json_uint(w, "mft", it->file.mft);
	exh_json_uint(w, "seq", it->file.seq);
}

int
manifest_put(struct exh_buf *b, const struct manifest_line *m)
{
	const struct exh_bundle_item *it = m->item;
	struct exh_json w;
	size_t i;

	exh_json_init(&w, b);
	exh_json_open(&w, NULL, '{');
	exh_json_str(&w, "entry", m->entry);
	put_item(&w, it);
	exh_json_uint(&w, "size", m->stored);
	if (it != NULL)
		exh_json_uint(&w, "source_size", it->file.size);
	put_digests(&w, m);
	if (it != NULL) {
		exh_json_macb(&w, "si", &it->file.si, EXH_JSON_ABSENT_NULL);
		exh_json_macb(&w, "fn", &it->file.fn, EXH_JSON_ABSENT_NULL);
		put_attrs(&w, it->file.attributes);
	}
	exh_json_str(&w, "reason", it != NULL ? it->reason : "document");
	exh_json_open(&w, "findings", '[');
	for (i = 0; it != NULL && i < it->n_finding_ids; i++)
		exh_json_str(&w, NULL, it->finding_ids[i]);
	exh_json_close(&w, ']');
	exh_json_str(&w, "status", m->status);
	exh_json_str(&w, "why", m->why);
	exh_json_close(&w, '}');
	exh_json_raw(&w, "\n");
	return exh_json_status(&w) == EXH_OK ? EXH_OK : EXH_ENOMEM;
}
