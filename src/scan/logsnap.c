/* The logs of a shadow copy: what the live volume holds whole is not read again. */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* The first n bytes of stream "" of (mft, seq) on vol into buf; false when
 * it cannot be opened or read whole. */
static bool
read_head(struct exh_volume *vol, uint64_t mft, uint16_t seq,
    unsigned char *buf, size_t n, uint64_t *size)
{
	struct exh_stream *st;
	struct exh_err e;
	size_t have = 0, got;
	bool ok = true;

	if (exh_stream_open_ref(vol, mft, seq, "", &st, &e) != EXH_OK)
		return false;
	*size = exh_stream_size(st);
	while (ok && have < n) {
		got = 0;
		ok = exh_stream_pread(st, buf + have, n - have, have, &got,
		    &e) == EXH_OK && got > 0;
		have += got;
	}
	exh_stream_close(st);
	return ok;
}

/*
 * Append-only logs (IIS, Exchange): when the live volume has the same file
 * (MFT reference and sequence), at least as long, starting with the same
 * bytes, it holds every line the snapshot's copy holds.  A log deleted or
 * rotated away since, or rewritten, is read.
 */
static bool
held_live(struct exh_volume *live, const struct log_file *f,
    unsigned char *a, unsigned char *b)
{
	size_t n = f->size < DEDUPE_HEAD ? (size_t)f->size : DEDUPE_HEAD;
	uint64_t live_size, store_size;

	if (!read_head(live, f->mft, f->seq, a, n, &live_size) ||
	    live_size < f->size)
		return false;
	if (!read_head(f->vol, f->mft, f->seq, b, n, &store_size) ||
	    store_size != f->size)
		return false;
	return memcmp(a, b, n) == 0;
}

int
log_drop_in_live(const struct exh_scan_logs_input *in, struct log_list *l,
    struct exh_scan_logs_result *res, struct exh_err *err)
{
	unsigned char *a, *b;
	size_t k, kept = 0;

	if ((a = malloc(DEDUPE_HEAD)) == NULL ||
	    (b = malloc(DEDUPE_HEAD)) == NULL) {
		free(a);
		return exh_err_set(err, EXH_ENOMEM, 0, "logs: out of memory");
	}
	for (k = 0; k < l->n; k++) {
		struct log_file *f = &l->files[k];

		if (held_live(in->live, f, a, b)) {
			res->logs_in_live++;
			free(f->path);
			continue;
		}
		l->files[kept++] = *f;
	}
	l->n = kept;
	free(a);
	free(b);
	return EXH_OK;
}
