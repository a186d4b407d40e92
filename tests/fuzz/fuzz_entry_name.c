/* libFuzzer: bundle entry names for any Windows path and stream name stay inside the bundle. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every unpacking responder relies on; abort() makes it a finding. */
static void
check(const char *name, char drive)
{
	const char *c = name + 8, *e;
	size_t n;

	if (strncmp(name, "files/", 6) != 0 || name[6] != drive ||
	    name[7] != '/' || strlen(name) > EXH_BUNDLE_PATH_MAX ||
	    strstr(name, "..") != NULL || strchr(name, '\\') != NULL ||
	    !exh_utf8_valid(name, strlen(name)))
		abort();
	for (;; c = e + 1) {
		if ((e = strchr(c, '/')) == NULL)
			e = c + strlen(c);
		n = (size_t)(e - c);
		if (n == 0 || n > EXH_BUNDLE_NAME_MAX || c[n - 1] == '.' ||
		    c[n - 1] == ' ')
			abort();
		if (*e == '\0')
			break;
	}
	for (c = name; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f ||
		    strchr("<>:\"|?*", *c) != NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exh_buf out = { 0 };
	char *path, *stream;
	const uint8_t *nul;
	char drive;

	if (size < 2)
		return 0;
	drive = (char)('A' + data[0] % 26);
	/* path NUL stream */
	if ((path = malloc(size)) == NULL)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	nul = memchr(data + 1, '\0', size - 1);
	stream = nul != NULL ? path + (nul - (data + 1)) + 1 : path + size - 1;
	if (*path != '\0' &&
	    exh_bundle_entry_name(drive, path, stream, &out) == EXH_OK)
		check(out.data, drive);
	exh_buf_free(&out);
	free(path);
	return 0;
}
