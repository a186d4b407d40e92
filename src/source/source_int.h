/* Private to the source module. */
#ifndef EXHUME_SOURCE_INT_H
#define EXHUME_SOURCE_INT_H

#include "exhume/source.h"

#define SOURCE_MAGIC 0x53524345u

struct exh_source {
	unsigned magic;
	int fd;
	char *path;
	uint64_t size;
	char table[8];
	struct exh_partition *parts;
	size_t nparts;
	struct exh_ro_state ro;
};

int source_probe(struct exh_source *src, struct exh_err *err);
int source_enforce_ro(struct exh_source *src, struct exh_err *err);

#endif /* EXHUME_SOURCE_INT_H */
