/* mft-deleted: lists the deleted records of a copied $MFT file (record, sequence, parent, path). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exhume/volume.h"

static int
print(const struct exh_deleted *d, void *ctx)
{
	(void)ctx;
	printf("%" PRIu64 "\t%u\t%" PRIu64 "-%u\t%s\t%s\n", d->mft,
	    (unsigned)d->seq, d->parent_mft, (unsigned)d->parent_seq,
	    d->is_dir ? "dir" : "file", d->path);
	return EXH_WALK_NEXT;
}

int
main(int argc, char **argv)
{
	struct exh_deleted_counts c;
	struct exh_err err;
	struct stat st;
	void *map;
	int fd, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: mft-deleted MFT-FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) != 0 ||
	    st.st_size == 0 || (map = mmap(NULL, (size_t)st.st_size,
	    PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		perror(argv[1]);
		return 2;
	}
	rc = exh_mft_deleted_walk(map, (size_t)st.st_size, 'C', print, NULL,
	    &c, &err);
	fprintf(stderr, "%" PRIu64 " records, %" PRIu64 " deleted, %" PRIu64
	    " names, %" PRIu64 " nameless, %" PRIu64 " damaged\n", c.records,
	    c.deleted, c.listed, c.nameless, c.damaged);
	if (rc != EXH_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		return 1;
	}
	return 0;
}
