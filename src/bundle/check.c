/* Bundle preflight: destination, disks and key material, before evidence is opened. */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/* Nested device-mapper and md layers we follow before giving up. */
#define MAX_STACK 8

int
bundle_check_targets(const char *path, struct exh_err *err)
{
	static const char *const suffix[] = { "", ".sha256", ".p7m",
	    ".p7m.sha256" };
	struct stat st;
	char p[4096];
	size_t i;
	int n;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		n = snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		if (n < 0 || (size_t)n >= sizeof(p))
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "bundle: path too long");
		if (lstat(p, &st) == 0)
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "bundle %s: already exists; choose another name "
			    "(a bundle is never overwritten)", p);
	}
	return EXH_OK;
}

uint64_t
bundle_space_needed(const struct exh_bundle_options *opt, uint64_t estimated)
{
	uint64_t cap = opt->max_collect_bytes ? opt->max_collect_bytes :
	    EXH_BUNDLE_DEFAULT_CAP, need;

	need = estimated < cap ? estimated : cap;
	if (opt->n_encrypt_certs > 0)
		need = need > UINT64_MAX / 2 ? UINT64_MAX : need * 2;
	return need > UINT64_MAX - BUNDLE_MARGIN ? UINT64_MAX :
	    need + BUNDLE_MARGIN;
}

uint64_t
exh_bundle_space_needed(const struct exh_bundle_options *opt,
    uint64_t estimated)
{
	return bundle_space_needed(opt, estimated);
}

int
bundle_check_space(const char *dir, uint64_t need, struct exh_err *err)
{
	struct statvfs vfs;
	uint64_t have;

	if (statvfs(dir, &vfs) != 0)
		return exh_err_set(err, EXH_EIO, errno,
		    "bundle: cannot check free space in %s: %s", dir,
		    exh_strerror(errno));
	have = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (need > have)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: not enough space in %s: need %" PRIu64
		    " bytes, have %" PRIu64 "; use a larger destination or a "
		    "lower collection cap", dir, need, have);
	return EXH_OK;
}

/* The sysfs directory of a block device ("/sys/devices/.../sda/sda1"). */
static bool
sysfs_dir(dev_t dev, char out[PATH_MAX])
{
	char link[64];

	if (snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev),
	    minor(dev)) >= (int)sizeof(link))
		return false;
	return realpath(link, out) != NULL;
}

/* A partition's directory sits inside its disk's: cut it to the disk. */
static void
to_whole_disk(char d[PATH_MAX])
{
	char part[PATH_MAX + 16];
	char *slash;

	if (snprintf(part, sizeof(part), "%s/partition", d) <
	    (int)sizeof(part) && access(part, F_OK) == 0 &&
	    (slash = strrchr(d, '/')) != NULL && slash != d)
		*slash = '\0';
}

/*
 * True when the block device with sysfs directory d lies on disk (a whole
 * disk's sysfs directory): it is the disk, one of its partitions, or a
 * device-mapper or md device built on them (LVM, dm-crypt, RAID).
 */
static bool
lies_on(const char *d, const char *disk, int depth)
{
	char w[PATH_MAX], slaves[PATH_MAX + 16], sub[PATH_MAX + 300];
	char real[PATH_MAX];
	struct dirent *e;
	bool hit = false;
	DIR *dir;

	if (snprintf(w, sizeof(w), "%s", d) >= (int)sizeof(w))
		return false;
	to_whole_disk(w);
	if (strcmp(w, disk) == 0)
		return true;
	if (depth >= MAX_STACK || snprintf(slaves, sizeof(slaves),
	    "%s/slaves", d) >= (int)sizeof(slaves) ||
	    (dir = opendir(slaves)) == NULL)
		return false;
	while (!hit && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", slaves, e->d_name) <
		    (int)sizeof(sub) && realpath(sub, real) != NULL)
			hit = lies_on(real, disk, depth + 1);
	}
	closedir(dir);
	return hit;
}

/*
 * True when the file system holding dir (st_dev) lives on the disk of
 * the block device src (st_rdev).  Without sysfs only the device numbers
 * themselves are compared.
 */
static bool
on_disk_of(dev_t fs_dev, dev_t src_dev)
{
	char fs[PATH_MAX], disk[PATH_MAX];

	if (fs_dev == src_dev)
		return true;
	if (!sysfs_dir(src_dev, disk) || !sysfs_dir(fs_dev, fs))
		return false;
	to_whole_disk(disk);
	return lies_on(fs, disk, 0);
}

/*
 * A bundle must never be written to a disk being examined.  For a block
 * device source that is any file system on the same disk.  An image file
 * is not a disk: a bundle next to it is fine (the image itself is never
 * the destination, since an existing file is refused before this).
 */
static int
check_sources(const char *path, const char *dir, const struct stat *dst,
    const char *const *sources, size_t nsources, struct exh_err *err)
{
	struct stat st;
	size_t i;

	for (i = 0; i < nsources; i++) {
		if (sources[i] == NULL || stat(sources[i], &st) != 0 ||
		    !S_ISBLK(st.st_mode))
			continue;
		if (on_disk_of(dst->st_dev, st.st_rdev))
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "bundle %s: %s is on %s, a disk being examined; "
			    "evidence is never written to a source disk: "
			    "choose a destination on another disk", path, dir,
			    sources[i]);
	}
	return EXH_OK;
}

/* The only sure test of "writable" (root passes access(2) on read-only
 * directories such as /proc): create a file and remove it again. */
static int
check_writable(const char *path, const char *dir, struct exh_err *err)
{
	size_t len = strlen(path) + 32;
	char *probe;
	int fd, e;

	if ((probe = malloc(len)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	if (snprintf(probe, len, "%s.check-XXXXXX", path) >= (int)len) {
		free(probe);
		return exh_err_set(err, EXH_EUSAGE, 0, "bundle: bad path");
	}
	if ((fd = mkostemp(probe, O_CLOEXEC)) < 0) {
		e = errno;
		free(probe);
		return exh_err_set(err, EXH_EUSAGE, e,
		    "bundle %s: cannot write in %s: %s; choose a writable "
		    "destination", path, dir, exh_strerror(e));
	}
	close(fd);
	unlink(probe);
	free(probe);
	return EXH_OK;
}

static int
check_dir(const char *path, const char *dir, struct stat *st,
    struct exh_err *err)
{
	if (stat(dir, st) != 0)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "bundle %s: destination directory %s: %s; create it or "
		    "choose another", path, dir, exh_strerror(errno));
	if (!S_ISDIR(st->st_mode))
		return exh_err_set(err, EXH_EUSAGE, ENOTDIR,
		    "bundle %s: %s is not a directory", path, dir);
	return EXH_OK;
}

static int
check_material(const struct exh_bundle_options *o, struct exh_err *err)
{
	struct exh_bundle b;
	int rc;

	if (o->zip_password != NULL && *o->zip_password == '\0')
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: the zip password is empty");
	if (o->n_encrypt_certs > 0 && o->encrypt_certs == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: recipient certificate list missing");
	memset(&b, 0, sizeof(b));
	rc = bundle_load_material(&b, o, err);
	sk_X509_pop_free(b.recipients, X509_free);
	X509_free(b.sign_cert);
	EVP_PKEY_free(b.sign_key);
	return rc;
}

int
exh_bundle_check(const struct exh_bundle_options *o,
    const char *const *sources, size_t nsources, uint64_t estimated,
    struct exh_err *err)
{
	struct stat st;
	char *tmp, *dir;
	int rc;

	if (o == NULL || o->path == NULL || *o->path == '\0')
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: no destination path given");
	if ((tmp = strdup(o->path)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	dir = dirname(tmp);
	if ((rc = bundle_check_targets(o->path, err)) == EXH_OK &&
	    (rc = check_dir(o->path, dir, &st, err)) == EXH_OK &&
	    (rc = check_sources(o->path, dir, &st, sources, nsources,
	    err)) == EXH_OK &&
	    (rc = check_writable(o->path, dir, err)) == EXH_OK &&
	    (rc = check_material(o, err)) == EXH_OK && estimated > 0)
		rc = bundle_check_space(dir, bundle_space_needed(o, estimated),
		    err);
	free(tmp);
	return rc;
}

int
exh_bundle_room(const struct exh_bundle_options *o, uint64_t reserve,
    uint64_t *room, struct exh_err *err)
{
	struct statvfs vfs;
	uint64_t have;
	char *tmp, *dir;
	int rc = EXH_OK;

	*room = 0;
	if (o == NULL || o->path == NULL || *o->path == '\0')
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "bundle: no destination path given");
	if ((tmp = strdup(o->path)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "bundle: out of memory");
	dir = dirname(tmp);
	if (statvfs(dir, &vfs) != 0)
		rc = exh_err_set(err, EXH_EIO, errno,
		    "bundle: cannot check free space in %s: %s", dir,
		    exh_strerror(errno));
	free(tmp);
	if (rc != EXH_OK)
		return rc;
	/* The inverse of bundle_space_needed, so exh_bundle_create's check
	 * passes for a cap of *room. */
	have = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (have <= BUNDLE_MARGIN)
		return EXH_OK;
	have -= BUNDLE_MARGIN;
	if (o->n_encrypt_certs > 0)
		have /= 2;
	*room = have > reserve ? have - reserve : 0;
	return EXH_OK;
}
