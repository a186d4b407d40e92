/*
 * Containers: which format a file holds, told from its bytes, and the
 * dispatch to the backend that reads its logical disk.  Formats exhume
 * does not read are named with what to do, never left to the partition
 * probe to call "unknown".
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source_int.h"

enum magic_at { AT_START, AT_END };

/* A signature and what it means; open is NULL for a format we name but
 * do not read, and why then says what the responder can do. */
struct signature {
	enum magic_at at;
	size_t off;
	const char *bytes;
	size_t len;
	int container;
	int (*open)(struct exh_source *, const struct exh_source_options *,
	    struct exh_err *);
	const char *what;
	const char *why;
};

#define SIG(at, off, lit, ct, fn, what, why) \
	{ at, off, lit, sizeof(lit) - 1, ct, fn, what, why }

static const struct signature signatures[] = {
	SIG(AT_START, 0, "EVF\x09\x0d\x0a\xff\x00", EXH_CT_EWF, ct_open_ewf,
	    "E01 (EWF)", NULL),
	SIG(AT_START, 0, "EVF2\x0d\x0a\x81\x00", EXH_CT_EWF, ct_open_ewf,
	    "Ex01 (EWF2)", NULL),
	SIG(AT_START, 0, "LVF\x09\x0d\x0a\xff\x00", -1, NULL,
	    "EnCase logical evidence file (L01)", "it holds copied files, "
	    "not a disk; export its files with the tool that made it"),
	SIG(AT_START, 0, "LEF2\x0d\x0a\x81\x00", -1, NULL,
	    "EnCase logical evidence file (Lx01)", "it holds copied files, "
	    "not a disk; export its files with the tool that made it"),
	SIG(AT_START, 0, "vhdxfile", EXH_CT_VHDX, ct_open_vhdi, "VHDX", NULL),
	SIG(AT_START, 0, "conectix", EXH_CT_VHD, ct_open_vhdi, "VHD", NULL),
	SIG(AT_END, 512, "conectix", EXH_CT_VHD, ct_open_vhdi, "VHD", NULL),
	SIG(AT_START, 0, "KDMV", EXH_CT_VMDK, ct_open_vmdk, "VMDK", NULL),
	SIG(AT_START, 0, "COWD", EXH_CT_VMDK, ct_open_vmdk, "VMDK (COWD)",
	    NULL),
	SIG(AT_START, 0, "# Disk DescriptorFile", EXH_CT_VMDK, ct_open_vmdk,
	    "VMDK descriptor", NULL),
	SIG(AT_START, 0, "QFI\xfb", EXH_CT_QCOW, ct_open_qcow, "qcow", NULL),
	SIG(AT_START, 0x40, "\x7f\x10\xda\xbe", -1, NULL,
	    "VirtualBox VDI image", "exhume does not read it; convert it "
	    "with `qemu-img convert -O qcow2` (or -O raw) and give that"),
	SIG(AT_START, 0, "AFF10\x0d\x0a", -1, NULL, "AFF image",
	    "exhume does not read it; convert it with `affconvert -r` or "
	    "ewfacquire and give that"),
	SIG(AT_END, 512, "koly", -1, NULL, "Apple disk image (DMG)",
	    "not a Windows server's disk"),
	SIG(AT_START, 0, "\x1f\x8b", -1, NULL, "gzip-compressed file",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "\xfd" "7zXZ", -1, NULL, "xz-compressed file",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "BZh", -1, NULL, "bzip2-compressed file",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "\x28\xb5\x2f\xfd", -1, NULL, "zstd-compressed file",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "PK\x03\x04", -1, NULL, "zip archive",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "7z\xbc\xaf\x27\x1c", -1, NULL, "7-Zip archive",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "Rar!\x1a\x07", -1, NULL, "RAR archive",
	    "unpack it first; exhume reads disk images, not archives"),
	SIG(AT_START, 0, "MSWIM\0\0\0", -1, NULL, "Windows imaging (WIM) file",
	    "it holds files, not a disk; apply it with wimlib first"),
};

static bool
sig_matches(const struct signature *s, const unsigned char *head,
    size_t nhead, const unsigned char *tail, size_t ntail)
{
	if (s->at == AT_START)
		return s->off + s->len <= nhead &&
		    memcmp(head + s->off, s->bytes, s->len) == 0;
	return s->off <= ntail && s->len <= s->off &&
	    memcmp(tail + ntail - s->off, s->bytes, s->len) == 0;
}

static const struct signature *
detect(int fd, uint64_t size)
{
	unsigned char head[1024], tail[512];
	size_t nhead = size < sizeof(head) ? (size_t)size : sizeof(head);
	size_t ntail = size < sizeof(tail) ? 0 : sizeof(tail);
	size_t i;

	if (nhead == 0 || !exh_pread_full(fd, head, nhead, 0))
		return NULL;
	if (ntail > 0 && !exh_pread_full(fd, tail, ntail, size - ntail))
		ntail = 0;
	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		if (sig_matches(&signatures[i], head, nhead, tail, ntail))
			return &signatures[i];
	return NULL;
}

/*
 * The name the next segment of a split raw set would have: the last
 * run of digits counted up in the same width ("x.000" -> "x.001"), or
 * two trailing letters after a dot ("x.aa" -> "x.ab").  NULL when the
 * name has no such ending.
 */
static char *
next_segment_name(const char *path)
{
	size_t len = strlen(path), i;
	char *next;

	errno = 0;
	if (len < 3 || (next = strdup(path)) == NULL)
		return NULL;
	i = len;
	if (next[i - 1] >= '0' && next[i - 1] <= '9') {
		while (i > 0 && next[i - 1] >= '0' && next[i - 1] <= '9')
			i--;
		if (i == 0 || next[i - 1] != '.' || len - i < 2)
			goto none;
		for (i = len; i > 0 && next[i - 1] == '9'; i--)
			next[i - 1] = '0';
		if (next[i - 1] < '0' || next[i - 1] > '9')
			goto none;	/* all nines: no next in this width */
		next[i - 1]++;
		return next;
	}
	if (len >= 3 && next[len - 3] == '.' &&
	    next[len - 2] >= 'a' && next[len - 2] <= 'z' &&
	    next[len - 1] >= 'a' && next[len - 1] <= 'z') {
		if (next[len - 1] < 'z')
			next[len - 1]++;
		else if (next[len - 2] < 'z') {
			next[len - 2]++;
			next[len - 1] = 'a';
		} else
			goto none;
		return next;
	}
none:
	free(next);
	errno = 0;
	return NULL;
}

/* Whether the next segment of a split raw set is beside path. */
static int
has_next_segment(const char *path, bool *yes, struct exh_err *err)
{
	char *next;
	struct stat st;

	*yes = false;
	if ((next = next_segment_name(path)) == NULL)
		return errno == ENOMEM ? exh_err_set(err, EXH_ENOMEM, 0,
		    "out of memory") : EXH_OK;
	*yes = stat(next, &st) == 0 && S_ISREG(st.st_mode);
	free(next);
	return EXH_OK;
}

char *
source_beside(const char *base, const char *name)
{
	const char *slash = strrchr(base, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - base) + 1 : 0;
	size_t n = dirlen + strlen(name) + 1;
	char *p;

	if (name[0] == '/')
		return strdup(name);
	if ((p = malloc(n)) == NULL)
		return NULL;
	memcpy(p, base, dirlen);
	memcpy(p + dirlen, name, strlen(name) + 1);
	return p;
}

int
source_add_file(struct exh_source *src, const char *path, const char *role,
    int depth, struct exh_err *err)
{
	struct exh_image_file *grown, *f;
	struct stat st;
	size_t bytes;

	if (!exh_mul_ok(src->nfiles + 1, sizeof(*grown), &bytes) ||
	    (grown = realloc(src->files, bytes)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	src->files = grown;
	f = &src->files[src->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	f->size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	f->role = role;
	f->depth = depth;
	src->nfiles++;
	return EXH_OK;
}

int
source_add_bad_range(struct exh_source *src, uint64_t off, uint64_t size,
    struct exh_err *err)
{
	struct exh_bad_range *grown;
	size_t bytes;

	if (!exh_mul_ok(src->nbad + 1, sizeof(*grown), &bytes) ||
	    (grown = realloc(src->bad, bytes)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	src->bad = grown;
	src->bad[src->nbad].offset = off;
	src->bad[src->nbad].size = size;
	src->nbad++;
	return EXH_OK;
}

/* The access mode of descriptor fd as the kernel records it. */
static int
fd_access_mode(int fd)
{
	char path[64], buf[256];
	unsigned long flags;
	const char *p;
	ssize_t n;
	int sfd;

	(void)snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if ((sfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(sfd, buf, sizeof(buf) - 1);
	close(sfd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "flags:")) == NULL)
		return -1;
	flags = strtoul(p + 6, NULL, 8);
	return (int)(flags & O_ACCMODE);
}

static bool
is_source_file(const struct exh_source *src, const char *target)
{
	char real[PATH_MAX];
	size_t i;

	for (i = 0; i < src->nfiles; i++)
		if (realpath(src->files[i].path, real) != NULL &&
		    strcmp(real, target) == 0)
			return true;
	return false;
}

/*
 * The container libraries open their files themselves: every descriptor
 * this process holds on one of the source's files must be read-only, or
 * the source is refused before anything is read through it.
 */
static int
audit_descriptors(const struct exh_source *src, struct exh_err *err)
{
	char link[64], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	ssize_t n;
	int fd, bad = -1;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return EXH_OK;	/* no /proc: O_RDONLY is still what we asked */
	while ((de = readdir(d)) != NULL && bad < 0) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = (int)strtol(de->d_name, NULL, 10);
		(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (is_source_file(src, target) &&
		    fd_access_mode(fd) != O_RDONLY)
			bad = fd;
	}
	closedir(d);
	if (bad >= 0)
		return exh_err_set(err, EXH_EFATAL, 0, "a container file is "
		    "open for writing (descriptor %d); refused, nothing was "
		    "read", bad);
	return EXH_OK;
}

static int
open_raw(struct exh_source *src, struct exh_err *err)
{
	src->container = EXH_CT_RAW;
	(void)snprintf(src->format, sizeof(src->format), "raw image");
	return source_add_file(src, src->path, "image", 0, err);
}

int
source_open_container(struct exh_source *src,
    const struct exh_source_options *opt, struct exh_err *err)
{
	const struct signature *sig = detect(src->fd, src->size);
	bool split = false;
	int rc;

	src->sector_size = 512;
	if (sig != NULL && sig->open == NULL)
		return exh_err_set(err, EXH_ECORRUPT, 0, "%s: %s", sig->what,
		    sig->why);
	if (sig == NULL &&
	    (rc = has_next_segment(src->path, &split, err)) != EXH_OK)
		return rc;
	if (split)
		rc = ct_open_smraw(src, opt, err);
	else if (sig == NULL)
		return open_raw(src, err);
	else {
		src->container = sig->container;
		rc = sig->open(src, opt, err);
	}
	if (rc != EXH_OK)
		return rc;
	if (pthread_mutex_init(&src->ct_lock, NULL) != 0)
		return exh_err_set(err, EXH_ENOMEM, 0, "cannot make a lock");
	src->ct_lock_ready = true;
	return audit_descriptors(src, err);
}

void
source_close_container(struct exh_source *src)
{
	size_t i;

	if (src->ct_ops != NULL && src->ct != NULL)
		src->ct_ops->close(src->ct);
	src->ct = NULL;
	if (src->ct_lock_ready)
		pthread_mutex_destroy(&src->ct_lock);
	src->ct_lock_ready = false;
	for (i = 0; i < src->nfiles; i++)
		free(src->files[i].path);
	free(src->files);
	free(src->meta);
	free(src->bad);
	src->files = NULL;
	src->meta = NULL;
	src->bad = NULL;
	src->nfiles = src->nbad = 0;
}

void
ct_cause(char *msg)
{
	char *nl;

	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	if ((nl = strchr(msg, '\r')) != NULL)
		*nl = '\0';
}

int
ct_read_all(ct_read_fn fn, void *h, void *buf, size_t len, uint64_t off,
    struct exh_err *err)
{
	char msg[512] = "";
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = fn(h, (char *)buf + done, len - done, off + done, msg,
		    sizeof(msg));
		if (n <= 0) {
			ct_cause(msg);
			return exh_err_set(err, EXH_EIO, 0, "read of %zu bytes "
			    "at %llu failed: %s", len - done,
			    (unsigned long long)(off + done),
			    n == 0 ? "unexpected end of data" :
			    msg[0] ? msg : "no reason given");
		}
		done += (size_t)n;
	}
	return EXH_OK;
}
