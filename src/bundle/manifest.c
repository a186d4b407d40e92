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

static int
put_str(struct exh_buf *b, const char *key, const char *s, bool comma)
{
	int rc = exh_buf_printf(b, "%s\"%s\":", comma ? "," : "", key);

	if (rc != EXH_OK)
		return rc;
	if (s == NULL)
		return exh_buf_puts(b, "null");
	if ((rc = exh_buf_putc(b, '"')) != EXH_OK ||
	    (rc = exh_esc_json(b, s, strlen(s))) != EXH_OK)
		return rc;
	return exh_buf_putc(b, '"');
}

static int
put_time(struct exh_buf *b, const char *key, int64_t ft, bool comma)
{
	char iso[32];

	if (ft == 0)
		return exh_buf_printf(b, "%s\"%s\":null", comma ? "," : "",
		    key);
	return exh_buf_printf(b, "%s\"%s\":\"%s\"", comma ? "," : "", key,
	    exh_filetime_iso(ft, iso));
}

static int
put_macb(struct exh_buf *b, const char *key, const struct exh_macb *m)
{
	if (exh_buf_printf(b, ",\"%s\":{", key) != EXH_OK ||
	    put_time(b, "created", m->created, false) != EXH_OK ||
	    put_time(b, "modified", m->modified, true) != EXH_OK ||
	    put_time(b, "mft_changed", m->mft_changed, true) != EXH_OK ||
	    put_time(b, "accessed", m->accessed, true) != EXH_OK)
		return EXH_ENOMEM;
	return exh_buf_putc(b, '}');
}

static int
put_attrs(struct exh_buf *b, uint32_t attrs)
{
	uint32_t known = 0;
	bool first = true;
	size_t i;

	if (exh_buf_puts(b, ",\"attributes\":[") != EXH_OK)
		return EXH_ENOMEM;
	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		known |= attr_names[i].bit;
		if ((attrs & attr_names[i].bit) == 0)
			continue;
		if (exh_buf_printf(b, "%s\"%s\"", first ? "" : ",",
		    attr_names[i].name) != EXH_OK)
			return EXH_ENOMEM;
		first = false;
	}
	/* Bits we have no name for are kept as a number, never dropped. */
	if ((attrs & ~known) != 0 && exh_buf_printf(b, "%s\"0x%08" PRIx32 "\"",
	    first ? "" : ",", attrs & ~known) != EXH_OK)
		return EXH_ENOMEM;
	return exh_buf_putc(b, ']');
}

static int
put_digests(struct exh_buf *b, const struct manifest_line *m)
{
	char md5[33], sha1[41], sha256[65];

	if (!m->have_digests)
		return exh_buf_puts(b,
		    ",\"md5\":null,\"sha1\":null,\"sha256\":null");
	exh_hex(m->md5, 16, md5);
	exh_hex(m->sha1, 20, sha1);
	exh_hex(m->sha256, 32, sha256);
	return exh_buf_printf(b, ",\"md5\":\"%s\",\"sha1\":\"%s\","
	    "\"sha256\":\"%s\"", md5, sha1, sha256);
}

int
manifest_put(struct exh_buf *b, const struct manifest_line *m)
{
	const struct exh_bundle_item *it = m->item;
	char drive[2] = { 0, 0 };
	size_t i;

	if (exh_buf_putc(b, '{') != EXH_OK ||
	    put_str(b, "entry", m->entry, false) != EXH_OK)
		return EXH_ENOMEM;
	if (it == NULL) {
		if (exh_buf_puts(b, ",\"drive\":null,\"path\":null,"
		    "\"stream\":null,\"mft\":null,\"seq\":null") != EXH_OK)
			return EXH_ENOMEM;
	} else {
		drive[0] = it->drive;
		if (put_str(b, "drive", drive, true) != EXH_OK ||
		    put_str(b, "path", it->winpath, true) != EXH_OK ||
		    put_str(b, "stream", it->stream ? it->stream : "", true) !=
		    EXH_OK ||
		    exh_buf_printf(b, ",\"mft\":%" PRIu64 ",\"seq\":%u",
		    it->mft, (unsigned)it->seq) != EXH_OK)
			return EXH_ENOMEM;
	}
	if (exh_buf_printf(b, ",\"size\":%" PRIu64, m->stored) != EXH_OK ||
	    (it != NULL && exh_buf_printf(b, ",\"source_size\":%" PRIu64,
	    it->size) != EXH_OK) ||
	    put_digests(b, m) != EXH_OK)
		return EXH_ENOMEM;
	if (it != NULL && (put_macb(b, "si", &it->si) != EXH_OK ||
	    put_macb(b, "fn", &it->fn) != EXH_OK ||
	    put_attrs(b, it->attributes) != EXH_OK))
		return EXH_ENOMEM;
	if (put_str(b, "reason", it != NULL ? it->reason : "document", true) !=
	    EXH_OK || exh_buf_puts(b, ",\"findings\":[") != EXH_OK)
		return EXH_ENOMEM;
	for (i = 0; it != NULL && i < it->n_finding_ids; i++) {
		if ((i > 0 && exh_buf_putc(b, ',') != EXH_OK) ||
		    exh_buf_putc(b, '"') != EXH_OK ||
		    exh_esc_json(b, it->finding_ids[i],
		    strlen(it->finding_ids[i])) != EXH_OK ||
		    exh_buf_putc(b, '"') != EXH_OK)
			return EXH_ENOMEM;
	}
	if (exh_buf_putc(b, ']') != EXH_OK ||
	    put_str(b, "status", m->status, true) != EXH_OK ||
	    put_str(b, "why", m->why, true) != EXH_OK)
		return EXH_ENOMEM;
	return exh_buf_puts(b, "}\n");
}
