/*
 * EnCase/FTK/ewfacquire images (E01 sets) through libewf.
 *
 * libewf (20140813) opens an incomplete or truncated set without a word:
 * the chunks it cannot find read as zeros.  So before handing the set to
 * libewf we walk each segment's chain of section descriptors ourselves:
 * every segment but the last must end in a "next" section and the last
 * in "done", every descriptor must pass its Adler-32 and lie inside its
 * file.  That names the segment that is missing or damaged.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libewf.h>

#include "source_int.h"

#define EWF1_SIGNATURE		"EVF\x09\x0d\x0a\xff\x00"
#define EWF2_SIGNATURE		"EVF2\x0d\x0a\x81\x00"
#define EWF1_HEADER_SIZE	13	/* signature, 1, segment (LE16), 0 */
#define EWF2_SEGMENT_AT		12	/* LE32 after version and method */
#define SECTION_SIZE		76	/* type[16], next, size, pad, adler */
/* Real segments hold a handful of sections per 16k chunks; a forged
 * chain stepping 76 bytes at a time must not cost minutes. */
#define MAX_SECTIONS		100000

/* libewf's most specific line (the first of its backtrace), without the
 * full stop our messages do not end in. */
static void
libewf_cause(libewf_error_t *e, char *msg, size_t msglen)
{
	size_t len;

	msg[0] = '\0';
	if (e != NULL)
		libewf_error_backtrace_sprint(e, msg, msglen);
	ct_cause(msg);
	len = strlen(msg);
	if (len > 0 && msg[len - 1] == '.')
		msg[len - 1] = '\0';
}

/*
 * libewf hands back a chunk that fails its checksum (a damaged segment)
 * as zeros and only notes it in a list: a read that touches such a chunk
 * is failed here, so nothing above mistakes the zeros for the disk.
 */
static bool
damaged_chunk(libewf_handle_t *h, uint64_t off, size_t len, char *msg,
    size_t msglen)
{
	uint64_t first, count, start, end;
	uint32_t n = 0, i, bps = 0;

	if (libewf_handle_get_number_of_checksum_errors(h, &n, NULL) != 1 ||
	    n == 0 || libewf_handle_get_bytes_per_sector(h, &bps, NULL) != 1 ||
	    bps == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (libewf_handle_get_checksum_error(h, i, &first, &count,
		    NULL) != 1 ||
		    __builtin_mul_overflow(first, (uint64_t)bps, &start) ||
		    __builtin_mul_overflow(count, (uint64_t)bps, &end) ||
		    __builtin_add_overflow(start, end, &end))
			continue;
		if (start < off + len && end > off) {
			(void)snprintf(msg, msglen, "E01 chunk at byte %llu "
			    "(%llu bytes) fails its checksum: a segment is "
			    "damaged; ewfverify names it",
			    (unsigned long long)start,
			    (unsigned long long)(end - start));
			return true;
		}
	}
	return false;
}

static ssize_t
ewf_read(void *h, void *buf, size_t len, uint64_t off, char *msg,
    size_t msglen)
{
	libewf_error_t *e = NULL;
	ssize_t n;

	n = libewf_handle_read_random(h, buf, len, (off64_t)off, &e);
	if (n < 0 && e != NULL)
		libewf_cause(e, msg, msglen);
	libewf_error_free(&e);
	if (n > 0 && damaged_chunk(h, off, (size_t)n, msg, msglen))
		return -1;
	return n;
}

/*
 * A compressed E01 costs a decompression per chunk, and one libewf handle
 * serves one thread at a time: the set is opened once per reader (up to
 * EWF_READERS, the scan's worker count), each handle with its own lock,
 * so the scan's workers decompress side by side.
 */
#define EWF_READERS 4
#define EWF_OPEN_FILES 32	/* segment files open per handle at once */

struct ewf_set {
	size_t n;
	libewf_handle_t *h[EWF_READERS];
	pthread_mutex_t lock[EWF_READERS];
	unsigned next;		/* where the next reader starts looking */
};

/* A free handle's index, locked; waits for one when all are busy. */
static size_t
ewf_take(struct ewf_set *set)
{
	size_t i, start = __atomic_fetch_add(&set->next, 1, __ATOMIC_RELAXED) %
	    set->n;

	for (i = 0; i < set->n; i++)
		if (pthread_mutex_trylock(&set->lock[(start + i) % set->n]) ==
		    0)
			return (start + i) % set->n;
	pthread_mutex_lock(&set->lock[start]);
	return start;
}

static int
ewf_pread(void *h, void *buf, size_t len, uint64_t off, struct exh_err *err)
{
	struct ewf_set *set = h;
	size_t i = ewf_take(set);
	int rc;

	rc = ct_read_all(ewf_read, set->h[i], buf, len, off, err);
	pthread_mutex_unlock(&set->lock[i]);
	return rc;
}

static void
ewf_close(void *h)
{
	struct ewf_set *set = h;
	size_t i;

	for (i = 0; i < set->n; i++) {
		(void)libewf_handle_close(set->h[i], NULL);
		(void)libewf_handle_free(&set->h[i], NULL);
		pthread_mutex_destroy(&set->lock[i]);
	}
	free(set);
}

static const struct ct_ops ewf_ops = { ewf_pread, ewf_close, true };

static libewf_handle_t *
ewf_first(const struct exh_source *src)
{
	return ((const struct ewf_set *)src->ct)->h[0];
}

static int
ewf_fail(libewf_error_t **e, struct exh_err *err, const char *what)
{
	char msg[512] = "";

	libewf_cause(*e, msg, sizeof(msg));
	libewf_error_free(e);
	return exh_err_set(err, EXH_ECORRUPT, 0, "E01: %s: %s", what,
	    msg[0] ? msg : "no reason given");
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static uint32_t
adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n-- > 0) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/*
 * The first segment given must be segment 1; an Ex01 is refused here
 * because this libewf reads only EWF1.
 */
static int
check_first_segment(const struct exh_source *src, struct exh_err *err)
{
	unsigned char head[EWF1_HEADER_SIZE + 3];
	unsigned seg;

	if (!exh_pread_full(src->fd, head, sizeof(head), 0))
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 segment 1 (%s) "
		    "damaged or truncated: shorter than its file header",
		    base_name(src->path));
	if (memcmp(head, EWF2_SIGNATURE, 8) == 0) {
		seg = (unsigned)head[EWF2_SEGMENT_AT] |
		    (unsigned)head[EWF2_SEGMENT_AT + 1] << 8;
		return exh_err_set(err, EXH_ECORRUPT, 0, "Ex01 (EWF2) is not "
		    "read by this libewf%s; export it as E01 with ewfexport "
		    "from libewf >= 2016 or FTK Imager", seg > 1 ?
		    " (and this is not its first segment)" : "");
	}
	seg = (unsigned)head[9] | (unsigned)head[10] << 8;
	if (seg == 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 segment 1 (%s) "
		    "damaged or truncated: its header numbers it 0",
		    base_name(src->path));
	if (seg != 1)
		return exh_err_set(err, EXH_EUSAGE, 0, "E01: this is segment %u "
		    "of a set; give the first segment (NAME.E01)", seg);
	return EXH_OK;
}

/* The last section a segment's chain reaches. */
enum chain_end { END_NEXT, END_DONE };

/*
 * Walks the section descriptors of segment file fd (size bytes) from the
 * file header on.  EXH_OK with *end set, or EXH_ECORRUPT with the cause
 * in why.
 */
static int
walk_sections(int fd, uint64_t size, enum chain_end *end, char *why,
    size_t whylen)
{
	unsigned char d[SECTION_SIZE];
	uint64_t off = EWF1_HEADER_SIZE, next;
	char type[17];
	int n;

	for (n = 0; n < MAX_SECTIONS; n++) {
		if (size < SECTION_SIZE || off > size - SECTION_SIZE ||
		    !exh_pread_full(fd, d, sizeof(d), off)) {
			(void)snprintf(why, whylen, "the file ends at byte "
			    "%llu but its chain of sections goes on at byte "
			    "%llu", (unsigned long long)size,
			    (unsigned long long)off);
			return EXH_ECORRUPT;
		}
		memcpy(type, d, 16);
		type[16] = '\0';
		if (adler32(d, 72) != ((uint32_t)d[72] | (uint32_t)d[73] << 8 |
		    (uint32_t)d[74] << 16 | (uint32_t)d[75] << 24)) {
			(void)snprintf(why, whylen, "the section descriptor at "
			    "byte %llu fails its checksum",
			    (unsigned long long)off);
			return EXH_ECORRUPT;
		}
		if (strcmp(type, "next") == 0 || strcmp(type, "done") == 0) {
			*end = type[0] == 'n' ? END_NEXT : END_DONE;
			return EXH_OK;
		}
		next = exh_le64(d + 16);
		if (next < off + SECTION_SIZE) {
			(void)snprintf(why, whylen, "the section at byte %llu "
			    "points back to byte %llu", (unsigned long long)off,
			    (unsigned long long)next);
			return EXH_ECORRUPT;
		}
		off = next;
	}
	(void)snprintf(why, whylen, "more than %d sections", MAX_SECTIONS);
	return EXH_ECORRUPT;
}

/*
 * The name segment number seg of the set would have, from the first
 * segment's name: .E01 ... .E99, then .EAA ... .EZZ, .FAA ... (libewf's
 * scheme, case kept).  "" when the name has no such extension.
 */
static void
segment_name(const char *first, unsigned seg, char *dst, size_t dstlen)
{
	const char *name = base_name(first);
	size_t len = strlen(name);
	char ext[4];
	unsigned v;
	int lower;

	dst[0] = '\0';
	if (len < 4 || name[len - 4] != '.' || seg == 0)
		return;
	lower = name[len - 3] >= 'a' && name[len - 3] <= 'z';
	if (seg <= 99)
		(void)snprintf(ext, sizeof(ext), "%c%02u", name[len - 3], seg);
	else {
		v = seg - 100;
		if (v / 676 > (unsigned)('z' - name[len - 3]))
			return;
		ext[0] = (char)(name[len - 3] + v / 676);
		ext[1] = (char)((lower ? 'a' : 'A') + v / 26 % 26);
		ext[2] = (char)((lower ? 'a' : 'A') + v % 26);
		ext[3] = '\0';
	}
	(void)snprintf(dst, dstlen, "%.*s%s", (int)(len - 3), name, ext);
}

/* Segment i (0-based) of n: its file header numbers it and its chain
 * ends as its place in the set says. */
static int
check_segment(char *const *names, int i, int n, struct exh_err *err)
{
	unsigned char head[EWF1_HEADER_SIZE];
	const char *name = base_name(names[i]);
	enum chain_end end = END_DONE;
	char why[160], missing[256];
	struct stat st;
	unsigned seg;
	int fd, rc;

	if ((fd = open(names[i], O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "E01 segment %d (%s): "
		    "cannot open: %s", i + 1, name, exh_strerror(errno));
	rc = EXH_ECORRUPT;
	if (fstat(fd, &st) != 0 || !exh_pread_full(fd, head, sizeof(head), 0))
		(void)snprintf(why, sizeof(why), "shorter than its file header");
	else if (memcmp(head, EWF1_SIGNATURE, 8) != 0)
		(void)snprintf(why, sizeof(why), "no EWF signature");
	else if ((seg = (unsigned)head[9] | (unsigned)head[10] << 8) !=
	    (unsigned)i + 1)
		(void)snprintf(why, sizeof(why), "its header says segment %u",
		    seg);
	else
		rc = walk_sections(fd, (uint64_t)st.st_size, &end, why,
		    sizeof(why));
	close(fd);
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 segment %d (%s) "
		    "damaged or truncated: %s", i + 1, name, why);
	if (end == END_DONE && i + 1 < n)
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 segment %d (%s) "
		    "ends the set but %s follows it; move files that are not "
		    "part of this set away", i + 1, name,
		    base_name(names[i + 1]));
	if (end == END_NEXT && i + 1 == n) {
		segment_name(names[0], (unsigned)n + 1, missing,
		    sizeof(missing));
		return exh_err_set(err, EXH_ENOTFOUND, 0, "E01 set incomplete: "
		    "segment %d (%s) missing; found %d; put every segment of "
		    "the set beside the first", n + 1, missing[0] ? missing :
		    "no name", n);
	}
	return EXH_OK;
}

/*
 * Copies a header value libewf holds, cut to dstlen, or leaves dst "".
 * The value comes from the evidence: its size is libewf's count, never
 * a NUL we hope for, and a forged huge one is not fetched.
 */
static void
header_value(libewf_handle_t *h, const char *id, char *dst, size_t dstlen)
{
	const uint8_t *name = (const uint8_t *)id;
	uint8_t *value;
	size_t size = 0, len;

	dst[0] = '\0';
	if (libewf_handle_get_utf8_header_value_size(h, name, strlen(id),
	    &size, NULL) != 1 || size == 0 || size > (1u << 20) ||
	    (value = calloc(1, size + 1)) == NULL)
		return;
	if (libewf_handle_get_utf8_header_value(h, name, strlen(id), value,
	    size, NULL) == 1) {
		len = strnlen((const char *)value, size);
		if (len >= dstlen)
			len = dstlen - 1;
		memcpy(dst, value, len);
		dst[len] = '\0';
	}
	free(value);
}

/* A stored hash as lower-case hex, only when it is hex of the right
 * length: anything else is left out rather than shown. */
static void
hex_hash(const uint8_t *value, size_t len, char *dst, size_t want)
{
	size_t i;

	dst[0] = '\0';
	if (len != want)
		return;
	for (i = 0; i < len; i++) {
		char c = (char)value[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			dst[0] = '\0';
			return;
		}
		dst[i] = c;
	}
	dst[len] = '\0';
}

static void
stored_hashes(libewf_handle_t *h, struct exh_image_meta *m)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t md5[16], sha1[48];
	size_t i;

	if (libewf_handle_get_md5_hash(h, md5, sizeof(md5), NULL) == 1) {
		for (i = 0; i < sizeof(md5); i++) {
			m->md5[2 * i] = digits[md5[i] >> 4];
			m->md5[2 * i + 1] = digits[md5[i] & 15];
		}
		m->md5[32] = '\0';
	}
	memset(sha1, 0, sizeof(sha1));
	if (libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"SHA1", 4,
	    sha1, sizeof(sha1) - 1, NULL) == 1)
		hex_hash(sha1, strnlen((const char *)sha1, sizeof(sha1) - 1),
		    m->sha1, 40);
}

static int
read_meta(struct exh_source *src, libewf_handle_t *h, struct exh_err *err)
{
	struct exh_image_meta *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	header_value(h, "case_number", m->case_number, sizeof(m->case_number));
	header_value(h, "evidence_number", m->evidence_number,
	    sizeof(m->evidence_number));
	header_value(h, "examiner_name", m->examiner, sizeof(m->examiner));
	header_value(h, "description", m->description,
	    sizeof(m->description));
	header_value(h, "notes", m->notes, sizeof(m->notes));
	header_value(h, "acquiry_date", m->acquired, sizeof(m->acquired));
	header_value(h, "system_date", m->system_date,
	    sizeof(m->system_date));
	header_value(h, "acquiry_software_version", m->software,
	    sizeof(m->software));
	header_value(h, "acquiry_operating_system", m->os, sizeof(m->os));
	header_value(h, "model", m->model, sizeof(m->model));
	header_value(h, "serial_number", m->serial, sizeof(m->serial));
	stored_hashes(h, m);
	if (libewf_handle_get_bytes_per_sector(h, &m->bytes_per_sector,
	    NULL) != 1)
		m->bytes_per_sector = 0;
	src->meta = m;
	return EXH_OK;
}

/*
 * Sectors the acquisition could not read: recorded as bad ranges of the
 * logical disk (libewf reads them as zeros).  A forged entry is clipped
 * to the disk, or dropped when it lies outside it.
 */
static int
read_acquiry_errors(struct exh_source *src, libewf_handle_t *h,
    uint32_t bps, struct exh_err *err)
{
	uint64_t first, count, off, len;
	uint32_t n = 0, i;
	int rc;

	if (bps == 0 ||
	    libewf_handle_get_number_of_acquiry_errors(h, &n, NULL) != 1)
		return EXH_OK;
	for (i = 0; i < n; i++) {
		if (libewf_handle_get_acquiry_error(h, i, &first, &count,
		    NULL) != 1)
			continue;
		if (__builtin_mul_overflow(first, (uint64_t)bps, &off) ||
		    off >= src->size)
			continue;
		if (__builtin_mul_overflow(count, (uint64_t)bps, &len) ||
		    len > src->size - off)
			len = src->size - off;
		if (len > 0 &&
		    (rc = source_add_bad_range(src, off, len, err)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

static const char *
format_name(libewf_handle_t *h)
{
	static const struct {
		uint8_t code;
		const char *name;
	} names[] = {
		{ LIBEWF_FORMAT_ENCASE1, "EnCase 1" },
		{ LIBEWF_FORMAT_ENCASE2, "EnCase 2" },
		{ LIBEWF_FORMAT_ENCASE3, "EnCase 3" },
		{ LIBEWF_FORMAT_ENCASE4, "EnCase 4" },
		{ LIBEWF_FORMAT_ENCASE5, "EnCase 5" },
		{ LIBEWF_FORMAT_ENCASE6, "EnCase 6" },
		{ LIBEWF_FORMAT_ENCASE7, "EnCase 7" },
		{ LIBEWF_FORMAT_SMART, "SMART" },
		{ LIBEWF_FORMAT_FTK_IMAGER, "FTK Imager" },
		{ LIBEWF_FORMAT_LINEN5, "linen 5" },
		{ LIBEWF_FORMAT_LINEN6, "linen 6" },
		{ LIBEWF_FORMAT_LINEN7, "linen 7" },
		{ LIBEWF_FORMAT_EWF, "EWF" },
		{ LIBEWF_FORMAT_EWFX, "EWFX" },
	};
	uint8_t code = 0;
	size_t i;

	if (libewf_handle_get_format(h, &code, NULL) != 1)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}

/*
 * libewf refused the set without saying which file it choked on: the
 * first k segments alone open while segment k + 1 is intact, so the
 * shortest prefix that fails names it.  Only for sets of a sensible size,
 * as each try reads the earlier segments again.
 */
static int
damaged_segment(char **names, int n)
{
	libewf_handle_t *h;
	int k, ok;

	for (k = 1; k <= n && k <= 64; k++) {
		h = NULL;
		if (libewf_handle_initialize(&h, NULL) != 1)
			return 0;
		ok = libewf_handle_open(h, names, k, LIBEWF_OPEN_READ, NULL);
		if (ok == 1)
			(void)libewf_handle_close(h, NULL);
		(void)libewf_handle_free(&h, NULL);
		if (ok != 1)
			return k;
	}
	return 0;
}

static int
open_failed(char **names, int n, libewf_error_t **e, struct exh_err *err)
{
	char msg[512] = "";
	int k;

	libewf_cause(*e, msg, sizeof(msg));
	libewf_error_free(e);
	if (msg[0] == '\0')
		(void)snprintf(msg, sizeof(msg), "libewf gives no reason");
	if ((k = damaged_segment(names, n)) > 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 segment %d (%s) "
		    "damaged or truncated: %s", k, base_name(names[k - 1]),
		    msg);
	return exh_err_set(err, EXH_ECORRUPT, 0, "E01 set damaged: %s; "
	    "ewfverify may name the segment", msg);
}

/* More handles on the same, already checked set, one per reader; a
 * handle that does not open only means fewer readers. */
static void
add_readers(struct ewf_set *set, char **names, int n, size_t want)
{
	libewf_handle_t *h;

	while (set->n < want && set->n < EWF_READERS) {
		h = NULL;
		if (libewf_handle_initialize(&h, NULL) != 1)
			return;
		(void)libewf_handle_set_maximum_number_of_open_handles(h,
		    EWF_OPEN_FILES, NULL);
		if (libewf_handle_open(h, names, n, LIBEWF_OPEN_READ, NULL) !=
		    1 || pthread_mutex_init(&set->lock[set->n], NULL) != 0) {
			(void)libewf_handle_close(h, NULL);
			(void)libewf_handle_free(&h, NULL);
			return;
		}
		set->h[set->n++] = h;
	}
}

/* Opens the set with libewf once every segment checked out. */
static int
open_handle(struct exh_source *src, char **names, int n,
    struct exh_err *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	struct ewf_set *set;
	size64_t size = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if (libewf_handle_initialize(&h, &e) != 1) {
		free(set);
		return ewf_fail(&e, err, "cannot start libewf");
	}
	(void)libewf_handle_set_maximum_number_of_open_handles(h,
	    EWF_OPEN_FILES, NULL);
	if (libewf_handle_open(h, names, n, LIBEWF_OPEN_READ, &e) != 1) {
		(void)libewf_handle_free(&h, NULL);
		free(set);
		return open_failed(names, n, &e, err);
	}
	/* The set belongs to src from here: closing src frees it. */
	set->h[0] = h;
	(void)pthread_mutex_init(&set->lock[0], NULL);
	set->n = 1;
	src->ct_ops = &ewf_ops;
	src->ct = set;
	add_readers(set, names, n, cpus < 1 ? 1 : (size_t)cpus);
	if (libewf_handle_get_media_size(h, &size, &e) != 1)
		return ewf_fail(&e, err, "cannot read the media size");
	if (libewf_handle_segment_files_corrupted(h, NULL) == 1)
		return exh_err_set(err, EXH_ECORRUPT, 0, "E01 set damaged: "
		    "libewf marks its segment files corrupted; run ewfverify "
		    "on it");
	src->size = size;
	return EXH_OK;
}

int
ct_open_ewf(struct exh_source *src, const struct exh_source_options *opt,
    struct exh_err *err)
{
	libewf_error_t *e = NULL;
	char **names = NULL, *single[1] = { src->path };
	const char *fmt;
	bool globbed;
	int n = 0, i, rc;

	(void)opt;
	if ((rc = check_first_segment(src, err)) != EXH_OK)
		return rc;
	globbed = libewf_glob(src->path, strlen(src->path),
	    LIBEWF_FORMAT_UNKNOWN, &names, &n, &e) == 1;
	if (!globbed) {
		/*
		 * libewf lists a set only by its extension: an E01 renamed
		 * (evidence.img) is read as the single segment it is, and
		 * check_segment names a set that needs more.
		 */
		libewf_error_free(&e);
		names = single;
		n = 1;
	}
	for (i = 0, rc = EXH_OK; i < n && rc == EXH_OK; i++)
		rc = check_segment(names, i, n, err);
	if (!globbed && rc == EXH_ENOTFOUND)
		rc = exh_err_set(err, EXH_ENOTFOUND, 0, "E01 set incomplete: "
		    "this first segment was renamed and the set has more "
		    "segments, which libewf finds only beside a first segment "
		    "named .E01; give the set under its original names");
	if (rc == EXH_OK)
		rc = open_handle(src, names, n, err);
	for (i = 0; i < n && rc == EXH_OK; i++)
		rc = source_add_file(src, names[i], "segment", 0, err);
	if (globbed)
		libewf_glob_free(names, n, NULL);
	if (rc == EXH_OK)
		rc = read_meta(src, ewf_first(src), err);
	if (rc != EXH_OK)
		return rc;
	if (src->meta->bytes_per_sector >= 512 &&
	    src->meta->bytes_per_sector <= 65536)
		src->sector_size = src->meta->bytes_per_sector;
	if ((rc = read_acquiry_errors(src, ewf_first(src),
	    src->meta->bytes_per_sector, err)) != EXH_OK)
		return rc;
	fmt = format_name(ewf_first(src));
	(void)snprintf(src->format, sizeof(src->format), "E01, %d segment%s%s%s",
	    n, n == 1 ? "" : "s", fmt != NULL ? ", " : "", fmt != NULL ? fmt : "");
	return EXH_OK;
}
