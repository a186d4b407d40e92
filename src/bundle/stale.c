/* Partial files an interrupted bundle run left next to a bundle. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/*
 * A bundle is written as NAME.partial-XXXXXX and renamed at the end; its
 * side hash and CMS envelope likewise.  A run killed before its renames
 * leaves such a file behind: a complete-looking zip under another name,
 * possibly next to a final .sha256.  Whoever next writes or verifies
 * NAME must hear of it.
 */
static bool
stale_name(const char *entry, const char *base)
{
	static const char *const suffixes[] = {
		".partial-", ".sha256.partial-", ".p7m.partial-",
	};
	size_t bl = strlen(base), i, sl;

	if (strncmp(entry, base, bl) != 0)
		return false;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i]);
		if (strncmp(entry + bl, suffixes[i], sl) == 0 &&
		    strlen(entry + bl + sl) == 6)
			return true;
	}
	return false;
}

int
exh_bundle_stale_partials(const char *path, char ***out, size_t *n,
    struct exh_err *err)
{
	char *d = strdup(path), *b = strdup(path), **v = NULL, **grown;
	const char *dir, *base;
	struct dirent *e;
	size_t count = 0;
	DIR *dp = NULL;
	int rc = EXH_OK;

	*out = NULL;
	*n = 0;
	if (d == NULL || b == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
		goto out;
	}
	dir = dirname(d);
	base = basename(b);
	if ((dp = opendir(dir)) == NULL) {
		rc = exh_err_set(err, EXH_EIO, errno, "%s: %s", dir,
		    exh_strerror(errno));
		goto out;
	}
	while ((e = readdir(dp)) != NULL) {
		if (!stale_name(e->d_name, base))
			continue;
		if ((grown = realloc(v, (count + 1) * sizeof(*v))) == NULL ||
		    (grown[count] = strdup(e->d_name)) == NULL) {
			v = grown != NULL ? grown : v;
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
			break;
		}
		v = grown;
		count++;
	}
out:
	if (dp != NULL)
		closedir(dp);
	free(d);
	free(b);
	if (rc != EXH_OK) {
		exh_bundle_free_names(v, count);
		return rc;
	}
	*out = v;
	*n = count;
	return EXH_OK;
}

void
exh_bundle_free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
