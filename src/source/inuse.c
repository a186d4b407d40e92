/* Whether a disk belongs to the running system: a file system on it is mounted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_int.h"

/* True when dev ("/dev/sda1", the first field of a mounts line) is the
 * disk name or one of its partitions: "sda" holds sda1 but not sdab,
 * "nvme0n1" holds nvme0n1p1 but not nvme0n10. */
static bool
on_disk(const char *line, const char *name)
{
	size_t n = strlen(name);
	const char *rest;

	if (strncmp(line, "/dev/", 5) != 0 || strncmp(line + 5, name, n) != 0)
		return false;
	rest = line + 5 + n;
	if (*rest == ' ' || *rest == '\t')
		return true;
	if (n > 0 && name[n - 1] >= '0' && name[n - 1] <= '9') {
		if (*rest != 'p')
			return false;
		rest++;
	}
	return *rest >= '0' && *rest <= '9';
}

bool
exh_source_disk_in_use(const char *mounts_path, const char *name)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	bool used = false;

	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL)
		return false;
	if ((fp = fopen(mounts_path != NULL ? mounts_path :
	    "/proc/self/mounts", "re")) == NULL)
		return false;
	while (!used && getline(&line, &cap, fp) != -1)
		used = on_disk(line, name);
	free(line);
	fclose(fp);
	return used;
}
