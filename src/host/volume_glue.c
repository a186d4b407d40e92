/* Host profile over opened NTFS volumes: maps Windows drive paths to volumes. */
#include <errno.h>
#include <string.h>

#include "exhume/host.h"
#include "exhume/volume.h"
#include "host_int.h"

struct vols {
	struct exh_volume *const *v;
	size_t n;
	struct exh_volume *system;
};

/* "C:\\x" goes to the system volume (Windows sees it as C: almost always)
 * unless another volume carries that letter; other letters go to the
 * volume with that letter. */
static int
vol_read(void *ctx, const char *path, size_t max, struct exh_buf *out,
    struct exh_err *err)
{
	struct vols *vs = ctx;
	struct exh_volume *vol = NULL;
	char letter;
	size_t i;
	int rc;

	if (strlen(path) < 3 || path[1] != ':' || path[2] != '\\')
		return exh_err_set(err, EXH_EUSAGE, 0, "%s: not a drive path",
		    path);
	letter = (char)(path[0] & ~0x20);
	for (i = 0; i < vs->n; i++)
		if (exh_volume_info(vs->v[i])->letter == letter)
			vol = vs->v[i];
	if (vol == NULL && letter == 'C')
		vol = vs->system;
	if (vol == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "%c: no volume with this drive letter", letter);
	rc = exh_volume_read_file(vol, path + 2, "", max, out, err);
	if (rc != EXH_OK)
		exh_err_prefix(err, "%s", path);
	return rc;
}

int
exh_profile_build(struct exh_volume *const *vols, size_t nvols,
    const char *rules_dir, struct exh_profile **out, struct exh_err *err)
{
	struct vols vs = { vols, nvols, NULL };
	size_t i;

	for (i = 0; i < nvols && vs.system == NULL; i++)
		if (exh_volume_is_system(vols[i]))
			vs.system = vols[i];
	if (vs.system == NULL)
		return exh_err_set(err, EXH_ENOTFOUND, 0, "profile: no volume "
		    "holds \\Windows\\System32\\config\\SYSTEM");
	return exh_profile_build_from(vol_read, &vs, rules_dir, out, err);
}
