/* stream-ref: opens a stream by MFT reference (record of PATH, its sequence plus DELTA) and prints its SHA-256 or the error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/source.h"
#include "exhume/volume.h"

struct seq_find {
	uint64_t mft;
	uint16_t seq;
	bool found;
};

static int
on_entry(const struct exh_entry *e, void *ctx)
{
	struct seq_find *s = ctx;

	if (e->mft == s->mft) {
		s->seq = e->seq;
		s->found = true;
		return EXH_WALK_STOP;
	}
	return EXH_WALK_NEXT;
}

static int
dump(struct exh_stream *st)
{
	struct exh_hasher *h;
	struct exh_err err;
	char buf[4096], hex[65];
	uint64_t off = 0;
	size_t got;

	if (exh_hasher_create(false, false, &h) != EXH_OK)
		return 1;
	for (;;) {
		if (exh_stream_pread(st, buf, sizeof(buf), off, &got, &err) !=
		    EXH_OK) {
			printf("error %d: %s\n", err.status, err.msg);
			exh_hasher_destroy(h);
			return 1;
		}
		if (got == 0)
			break;
		exh_hasher_update(h, buf, got);
		off += got;
	}
	(void)exh_hasher_final(h, NULL, NULL, hex);
	exh_hasher_destroy(h);
	printf("ok %s\n", hex);
	return 0;
}

int
main(int argc, char **argv)
{
	struct exh_source *src;
	struct exh_volume *vol;
	struct exh_stream *st;
	struct seq_find s = { 0, 0, false };
	struct exh_err err;
	char *end;
	long delta;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: stream-ref IMAGE PATH SEQ-DELTA "
		    "STREAM\n");
		return 2;
	}
	delta = strtol(argv[3], &end, 10);
	if (*end != '\0' || delta < -1 || delta > 1)
		return 2;
	if (exh_source_open(argv[1], &src, &err) != EXH_OK ||
	    exh_source_partition_count(src) == 0 ||
	    exh_volume_open(src, exh_source_partition(src, 0)->number, &vol,
	    &err) != EXH_OK ||
	    exh_volume_lookup(vol, argv[2], &s.mft, NULL, &err) != EXH_OK ||
	    exh_volume_walk(vol, NULL, on_entry, &s, &err) == EXH_ENOTFOUND ||
	    !s.found) {
		fprintf(stderr, "stream-ref: %s\n", err.msg);
		return 2;
	}
	if (exh_stream_open_ref(vol, s.mft, (uint16_t)(s.seq + delta),
	    argv[4], &st, &err) != EXH_OK) {
		printf("error %d: %s\n", err.status, err.msg);
		rc = 1;
	} else {
		rc = dump(st);
		exh_stream_close(st);
	}
	exh_volume_close(vol);
	exh_source_close(src);
	return rc;
}
