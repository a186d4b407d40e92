/* libFuzzer: the container layer (E01, VHD/VHDX, VMDK, qcow, split raw) and the partition probe on its logical disk. */
#include <sys/mman.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is a whole container file.  It is written to a file in a
 * private directory made once per process: the libraries open containers
 * by name (libewf finds segments, libvmdk extents, beside the first file),
 * so a memfd would not reach the same code.  The name ends in .E01 so that
 * libewf's segment search accepts it; detection is by content anyway.
 */
#define READ_TOTAL (4U << 20)	/* bytes of logical disk read per input */
#define READ_CHUNK (64U << 10)
#define READ_RANDOM 16		/* reads at offsets derived from the input */

static char input_dir[64];
static char input_path[80];
static unsigned char chunk[READ_CHUNK];

static void
remove_dir(void)
{
	(void)unlink(input_path);
	(void)rmdir(input_dir);
}

static void
make_dir(void)
{
	(void)snprintf(input_dir, sizeof(input_dir),
	    "/tmp/exhume-fuzz-container.XXXXXX");
	if (mkdtemp(input_dir) == NULL ||
	    snprintf(input_path, sizeof(input_path), "%s/input.E01",
	    input_dir) >= (int)sizeof(input_path)) {
		fprintf(stderr, "fuzz_container: cannot make a directory\n");
		abort();
	}
	(void)atexit(remove_dir);
}

static int
write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(input_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (done < size) {
		n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/* FNV-1a over the input: the same input always reads the same offsets. */
static uint64_t
input_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	return h;
}

static uint64_t
next_offset(uint64_t *state, uint64_t disk_size)
{
	/* xorshift64: cheap, deterministic, never 0 from a non-zero state */
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return disk_size ? *state % disk_size : 0;
}

static void
read_disk(struct exh_source *src, uint64_t seed)
{
	struct exh_err err = { 0 };
	uint64_t disk = exh_source_size(src), off, left = READ_TOTAL;
	uint64_t state = seed | 1;
	size_t len;
	int i;

	/* The start, where tables and boot sectors are, then the end, then
	 * scattered reads (some running past the end: must be an error). */
	for (off = 0; off < disk && left > READ_TOTAL / 2; off += len) {
		len = disk - off < READ_CHUNK ? (size_t)(disk - off) : READ_CHUNK;
		if (exh_source_pread(src, chunk, len, off, &err) != EXH_OK)
			break;
		left -= len;
	}
	if (disk > READ_CHUNK)
		(void)exh_source_pread(src, chunk, READ_CHUNK, disk - READ_CHUNK,
		    &err);
	for (i = 0; i < READ_RANDOM && left >= READ_CHUNK; i++) {
		off = next_offset(&state, disk);
		len = (size_t)(next_offset(&state, READ_CHUNK) + 1);
		(void)exh_source_pread(src, chunk, len, off, &err);
		left -= len;
	}
}

static void
list_source(struct exh_source *src)
{
	const struct exh_partition *p;
	const struct exh_image_file *f;
	volatile size_t sink = 0;
	size_t i, n;

	sink += strlen(exh_source_table(src));
	sink += strlen(exh_source_format(src));
	sink += strlen(exh_source_container_name(src));
	sink += exh_source_sector_size(src);
	n = exh_source_partition_count(src);
	for (i = 0; i < n; i++)
		if ((p = exh_source_partition(src, i)) != NULL)
			sink += (size_t)p->offset + strlen(p->label);
	n = exh_source_file_count(src);
	for (i = 0; i < n; i++)
		if ((f = exh_source_file(src, i)) != NULL)
			sink += strlen(f->path);
	(void)exh_source_image_meta(src);
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_source *src = NULL;
	struct exh_err err = { 0 };

	if (input_path[0] == '\0')
		make_dir();
	if (write_input(data, size) != 0)
		return 0;
	if (exh_source_open_with(input_path, NULL, &src, &err) == EXH_OK) {
		list_source(src);
		read_disk(src, input_hash(data, size));
		exh_source_close(src);
	}
	return 0;
}
