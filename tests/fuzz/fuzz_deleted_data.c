/* libFuzzer: a deleted record's hostile $DATA attribute, decoded and mapped. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 4096	/* offsets mapped per input */

/* Every run inside the volume, in VCN order without gaps. */
static void
check_runs(const struct exh_deleted_layout *l, uint64_t nr_clusters,
    size_t alen)
{
	uint64_t vcn = 0;
	size_t i;

	if (l->nruns > alen / 2 + 1)
		__builtin_trap();
	for (i = 0; i < l->nruns; i++) {
		const struct exh_run *r = &l->runs[i];

		if (r->vcn != vcn || r->length == 0)
			__builtin_trap();
		if (!r->sparse && (r->lcn >= nr_clusters ||
		    r->length > nr_clusters - r->lcn))
			__builtin_trap();
		vcn += r->length;
	}
}

/* Every byte of the file maps inside the volume or reads as zero. */
static void
check_addresses(const struct exh_deleted_layout *l, uint64_t nr_clusters)
{
	uint64_t off = 0, at, span, volume_bytes;
	unsigned steps = 0;

	volume_bytes = nr_clusters * l->cluster_size;
	while (off < l->data_size && steps++ < MAX_STEPS) {
		at = exh_deleted_layout_address(l, off, &span);
		if (span == 0 || span > l->data_size - off)
			__builtin_trap();
		if (at != UINT64_MAX && (at >= volume_bytes ||
		    span > volume_bytes - at))
			__builtin_trap();
		off += span;
	}
}

/* Input: 4 bytes of cluster count, 1 of cluster-size shift, then the
 * attribute. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_deleted_layout l;
	struct exh_err err = { 0 };
	uint64_t nr_clusters;
	uint32_t cluster_size;
	int rc;

	if (size < 5)
		return 0;
	nr_clusters = (uint64_t)data[0] | (uint64_t)data[1] << 8 |
	    (uint64_t)data[2] << 16 | (uint64_t)data[3] << 24;
	cluster_size = 1u << (9 + data[4] % 8);	/* 512 .. 64 KiB */
	rc = exh_deleted_layout_decode(data + 5, size - 5, nr_clusters,
	    cluster_size, &l, &err);
	if (rc == EXH_ECORRUPT || rc == EXH_ENOMEM)
		return 0;
	if (rc != EXH_OK)
		__builtin_trap();
	if (l.resident) {
		if (l.value < data + 5 || l.value + l.data_size > data + size)
			__builtin_trap();
	} else {
		check_runs(&l, nr_clusters, size - 5);
		check_addresses(&l, nr_clusters);
	}
	exh_deleted_layout_free(&l);
	return 0;
}
