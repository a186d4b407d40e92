/* mkfixture: build a test disk image from a small text spec, without mounts. */

/*
 * Usage: mkfixture SPEC OUT.img
 *
 * The image is built from user space only: no loop devices, no FUSE, no
 * mounts, no root.  Each partition is made in a temporary file next to
 * OUT.img (mkntfs, mkfs.fat, a fake BitLocker header, or zeroes), NTFS
 * partitions are filled through libntfs-3g, the table is written by sfdisk
 * on the image file, and the partitions are copied in at their offsets while
 * keeping OUT.img sparse.  Damage directives are applied last, to OUT.img.
 *
 * Spec grammar (one directive per line; see tests/fixtures/README):
 *
 *   # comment                      a line whose first non-blank is '#'
 *   disk gpt|mbr|none [size=N] [id=0xNNNNNNNN|id=GUID]
 *   part ntfs|fat|bitlocker|raw start=SECTOR size=N [label=L] [type=T]
 *        [guid=GUID] [hidden=SECTOR] [fill=0xNN|fill=random:SEED]
 *   mkdir PATH
 *   file PATH CONTENT
 *   ads PATH:STREAM CONTENT
 *   compressed PATH CONTENT
 *   encrypted PATH CONTENT
 *   times PATH [si=C,M,E,A] [fn=C,M,E,A]
 *   attrib PATH FLAG[,FLAG...]     readonly hidden system archive
 *                                  notindexed temporary offline
 *   hardlink EXISTING NEWPATH
 *   delete PATH                    unlinks a file or an empty directory
 *                                  made earlier, as Windows deletes: the
 *                                  MFT record is marked free, its names
 *                                  and runlist stay until reused
 *   junction PATH TARGET
 *   corrupt-fixup PATH
 *   corrupt-attrlen PATH
 *   corrupt-datasize PATH
 *   corrupt-index DIR
 *   corrupt-sii \$Secure [size=N]
 *   truncate size=N
 *
 *   N        a byte count with an optional K, M or G suffix (powers of 2).
 *   SECTOR   a 512-byte sector number.
 *   PATH     Windows form without a drive, '\' separated, UTF-8.  Because
 *            '\' separates components, a single UTF-16 code unit is written
 *            %uXXXX (four hex digits), e.g. %uD800 for an unpaired surrogate
 *            or %u0020 for a space; %% is a literal '%'.
 *   CONTENT  text:ESCAPED    the rest of the line; escapes \n \r \t \\ \0
 *                            \xNN and \uXXXX (UTF-8 of that code point)
 *            hex:HEXDIGITS
 *            from:FILE       relative to the spec file's directory
 *            size=N [fill=0xNN|fill=random:SEED|fill=from:FILE]
 *                            fill=from:FILE repeats FILE's bytes to N
 *   owner=   file, compressed and encrypted take "owner=SID" or
 *            "owner=none" before CONTENT (see tests/fixtures/README).
 *   times    ISO-8601 UTC 2021-03-03T06:49:42[.fffffff]Z, or '-' to keep.
 *
 * Lines may be up to 256 KiB long.  Trailing "  # comment" text is removed
 * from every directive except the CONTENT of text: (which runs to the end
 * of the line).  Content directives
 * apply to the most recent ntfs partition.  "times" is applied after all
 * other content of the partition, so later writes cannot disturb it.
 * With "disk none" no table is written: partitions are placed at their start
 * offsets in a plain file (start=0 gives a bare partition image).
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/logging.h>

#include "exhume/core.h"

extern char **environ;

#define MAXLINE		(256 * 1024)
#define MAXPARTS	16
#define MAXCOMP		4096
#define CHUNK		(64 * 1024)
#define NTFS_EPOCH_DELTA 11644473600LL

enum part_kind { PK_NTFS, PK_FAT, PK_BITLOCKER, PK_RAW };
enum op_kind {
	OP_MKDIR, OP_FILE, OP_ADS, OP_COMPRESSED, OP_ENCRYPTED, OP_TIMES,
	OP_ATTRIB, OP_HARDLINK, OP_DELETE, OP_JUNCTION, OP_CORRUPT_FIXUP,
	OP_CORRUPT_ATTRLEN, OP_CORRUPT_INDEX, OP_CORRUPT_DATASIZE,
	OP_CORRUPT_SII
};
enum content_kind { CK_BYTES, CK_FILL, CK_RANDOM, CK_REPEAT };

struct upath {
	size_t		 ncomp;
	ntfschar	**comp;		/* Little-endian UTF-16 names. */
	size_t		*len;		/* In code units. */
	ntfschar	*stream;	/* ADS name, or NULL. */
	size_t		 stream_len;
	char		*text;		/* The path as written, for messages. */
};

struct content {
	enum content_kind kind;
	uint8_t		*bytes;		/* CK_REPEAT: shared, see struct tmpl. */
	size_t		 len;
	uint64_t	 size;
	uint8_t		 fill;
	uint64_t	 seed;
	uint64_t	 hole;		/* hex:/from: bytes start here. */
};

struct op {
	enum op_kind	 kind;
	int		 line;
	int		 part;
	struct upath	 path;
	struct upath	 path2;		/* hardlink new path. */
	char		*target;	/* junction target (UTF-8). */
	struct content	 content;
	uint32_t	 attrib;
	int		 has_si, has_fn;
	int64_t		 si[4], fn[4];	/* NTFS time; -1 keeps the value. */
	uint8_t		 si_set[4], fn_set[4];
	int		 has_owner;	/* 1: owner=SID, 2: owner=none. */
	uint8_t		 owner[8 + 4 * 15];	/* Binary SID. */
	size_t		 owner_len;
	uint64_t	 offset;	/* Damage: absolute record offset. */
	uint32_t	 recsize;
	uint32_t	 sii_size;	/* corrupt-sii: forged block size. */
};

struct part {
	enum part_kind	 kind;
	uint64_t	 start;		/* Sectors. */
	uint64_t	 size;		/* Bytes. */
	uint64_t	 hidden;
	int		 has_hidden;
	char		 label[64];
	char		 type[64];
	char		 guid[40];	/* GPT unique partition GUID or "". */
	int		 fill_kind;	/* 0 zero, 1 byte, 2 random. */
	uint8_t		 fill;
	uint64_t	 seed;
	char		 tmp[PATH_MAX];
	int		 line;
};

/*
 * A fill=from: file, read once however many directives repeat it: the bench
 * image fills thousands of files from a handful of samples.
 */
struct tmpl {
	char		*path;
	uint8_t		*bytes;
	size_t		 len;
	struct tmpl	*next;
};

struct spec {
	char		 dir[PATH_MAX];
	struct tmpl	*tmpls;
	const char	*name;
	char		 label[8];	/* gpt, dos or none. */
	char		 label_id[40];	/* sfdisk label-id: or "". */
	uint64_t	 size;
	int		 have_disk;
	struct part	 parts[MAXPARTS];
	size_t		 nparts;
	struct op	*ops;
	size_t		 nops, capops;
	uint64_t	 truncate;
	int		 have_truncate;
};

static void say(const struct spec *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(const struct spec *sp, int line, const char *fmt, ...)
{
	va_list ap;

	if (line > 0)
		fprintf(stderr, "mkfixture: %s:%d: ", sp->name, line);
	else
		fprintf(stderr, "mkfixture: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL) {
		fprintf(stderr, "mkfixture: out of memory\n");
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xcalloc(n, 1);

	memcpy(p, s, n);
	return p;
}

/* Cuts the next blank-separated word off *s. */
static char *
word(char **s)
{
	char *a = *s, *b;

	while (isspace((unsigned char)*a))
		a++;
	if (*a == '\0')
		return NULL;
	for (b = a; *b != '\0' && !isspace((unsigned char)*b); b++)
		;
	if (*b != '\0')
		*b++ = '\0';
	while (isspace((unsigned char)*b))
		b++;
	*s = b;
	return a;
}

static void
strip_comment(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
}

/* Parses a byte count with an optional K/M/G suffix. */
static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		mul = 1024ULL, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024ULL * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end != '\0' || __builtin_mul_overflow((uint64_t)v, mul, out))
		return -1;
	return 0;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
hexn(const char *s, int n, uint32_t *out)
{
	uint32_t v = 0;
	int i, h;

	for (i = 0; i < n; i++) {
		if ((h = exh_hexval((unsigned char)s[i])) < 0)
			return -1;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return 0;
}

static size_t
put_utf8(uint8_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | cp >> 6);
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xe0 | cp >> 12);
		o[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | cp >> 18);
	o[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes the C-style escapes of text: content. */
static int
unescape_text(const char *s, uint8_t **out, size_t *outlen)
{
	size_t n = strlen(s), k = 0;
	uint8_t *o = xcalloc(n + 1, 1);
	uint32_t v;

	while (*s != '\0') {
		if (*s != '\\') {
			o[k++] = (uint8_t)*s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': o[k++] = '\n'; s++; break;
		case 'r': o[k++] = '\r'; s++; break;
		case 't': o[k++] = '\t'; s++; break;
		case '0': o[k++] = '\0'; s++; break;
		case '\\': o[k++] = '\\'; s++; break;
		case 'x':
			if (hexn(s + 1, 2, &v) != 0)
				goto bad;
			o[k++] = (uint8_t)v;
			s += 3;
			break;
		case 'u':
			/* At most 3 bytes of UTF-8 for a 4-digit escape. */
			if (hexn(s + 1, 4, &v) != 0)
				goto bad;
			k += put_utf8(o + k, v);
			s += 5;
			break;
		default:
			goto bad;
		}
	}
	*out = o;
	*outlen = k;
	return 0;
bad:
	free(o);
	return -1;
}

static int
parse_fill(const char *v, int *kind, uint8_t *fill, uint64_t *seed)
{
	uint64_t x;

	if (strncmp(v, "random:", 7) == 0) {
		if (parse_u64(v + 7, seed) != 0)
			return -1;
		*kind = 2;
		return 0;
	}
	if (parse_u64(v, &x) != 0 || x > 255)
		return -1;
	*fill = (uint8_t)x;
	*kind = 1;
	return 0;
}

static int
read_whole(const char *path, uint8_t **out, size_t *len)
{
	FILE *f;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, r;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (cap - n < CHUNK) {
			cap = cap ? cap * 2 : CHUNK;
			buf = realloc(buf, cap);
			if (buf == NULL) {
				fclose(f);
				return -1;
			}
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* Points c at the bytes of FILE (relative to the spec), loaded once. */
static int
load_tmpl(struct spec *sp, int line, const char *file, struct content *c)
{
	char path[PATH_MAX];
	struct tmpl *t;
	int r;

	for (t = sp->tmpls; t != NULL; t = t->next)
		if (strcmp(t->path, file) == 0)
			break;
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		t->path = xstrdup(file);
		r = snprintf(path, sizeof(path), "%s/%s", sp->dir, file);
		if (r < 0 || (size_t)r >= sizeof(path) ||
		    read_whole(path, &t->bytes, &t->len) != 0) {
			say(sp, line, "cannot read %s: %s", file,
			    strerror(errno));
			free(t->path);
			free(t);
			return -1;
		}
		t->next = sp->tmpls;
		sp->tmpls = t;
	}
	if (t->len == 0) {
		say(sp, line, "fill=from:%s: the file is empty", file);
		return -1;
	}
	c->kind = CK_REPEAT;
	c->bytes = t->bytes;
	c->len = t->len;
	return 0;
}

static int
parse_content(struct spec *sp, int line, char *s, struct content *c)
{
	char path[PATH_MAX], *tok, *p;
	uint64_t x;
	int kind = 0, r;

	memset(c, 0, sizeof(*c));
	/* "hole=N hex:..." leaves the first N bytes unwritten: a sparse
	 * head, as $UsnJrnl:$J keeps one. */
	if (strncmp(s, "hole=", 5) == 0) {
		tok = word(&s);
		if (parse_size(tok + 5, &x) != 0 || x == 0 ||
		    (strncmp(s, "hex:", 4) != 0 &&
		    strncmp(s, "from:", 5) != 0)) {
			say(sp, line, "hole=N needs a size and hex: or from:");
			return -1;
		}
		if (parse_content(sp, line, s, c) != 0)
			return -1;
		c->hole = x;
		return 0;
	}
	if (strncmp(s, "text:", 5) == 0) {
		if (unescape_text(s + 5, &c->bytes, &c->len) != 0) {
			say(sp, line, "bad escape in text:");
			return -1;
		}
		return 0;
	}
	/* The other forms take no spaces: drop a trailing comment. */
	for (p = s; *p != '\0'; p++)
		if (*p == '#' && p > s && isspace((unsigned char)p[-1])) {
			*p = '\0';
			break;
		}
	if (strncmp(s, "hex:", 4) == 0) {
		size_t n, i;
		uint32_t v;

		s += 4;
		while ((p = s + strlen(s)) > s && isspace((unsigned char)p[-1]))
			p[-1] = '\0';
		n = strlen(s);
		if (n % 2 != 0) {
			say(sp, line, "odd number of hex digits");
			return -1;
		}
		c->bytes = xcalloc(n / 2 + 1, 1);
		for (i = 0; i < n / 2; i++) {
			if (hexn(s + 2 * i, 2, &v) != 0) {
				say(sp, line, "bad hex digit");
				return -1;
			}
			c->bytes[i] = (uint8_t)v;
		}
		c->len = n / 2;
		return 0;
	}
	if (strncmp(s, "from:", 5) == 0) {
		s += 5;
		while ((p = s + strlen(s)) > s && isspace((unsigned char)p[-1]))
			p[-1] = '\0';
		r = snprintf(path, sizeof(path), "%s/%s", sp->dir, s);
		if (r < 0 || (size_t)r >= sizeof(path) ||
		    read_whole(path, &c->bytes, &c->len) != 0) {
			say(sp, line, "cannot read %s: %s", s, strerror(errno));
			return -1;
		}
		return 0;
	}
	c->kind = CK_FILL;
	while ((tok = word(&s)) != NULL) {
		if (strncmp(tok, "size=", 5) == 0 &&
		    parse_size(tok + 5, &x) == 0)
			c->size = x;
		else if (strncmp(tok, "fill=from:", 10) == 0) {
			if (load_tmpl(sp, line, tok + 10, c) != 0)
				return -1;
		} else if (strncmp(tok, "fill=", 5) == 0 &&
		    parse_fill(tok + 5, &kind, &c->fill, &c->seed) == 0)
			c->kind = kind == 2 ? CK_RANDOM : CK_FILL;
		else {
			say(sp, line, "bad content '%s' (want text:, hex:, "
			    "from: or size=N [fill=])", tok);
			return -1;
		}
	}
	return 0;
}

/* Appends one UTF-16 code unit to a name being built. */
static int
push_unit(ntfschar *buf, size_t *n, uint32_t u)
{
	if (*n >= 255)
		return -1;
	buf[(*n)++] = cpu_to_le16((u16)u);
	return 0;
}

/* Converts one UTF-8 path component with %uXXXX escapes to UTF-16. */
static int
component(const char *s, size_t len, ntfschar **out, size_t *outlen)
{
	ntfschar buf[256];
	size_t n = 0, i = 0, need, j;
	uint32_t cp;
	unsigned char c;

	while (i < len) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 1 < len && s[i + 1] == '%') {
				if (push_unit(buf, &n, '%') != 0)
					return -1;
				i += 2;
				continue;
			}
			if (i + 6 > len || s[i + 1] != 'u' ||
			    hexn(s + i + 2, 4, &cp) != 0)
				return -1;
			if (push_unit(buf, &n, cp) != 0)
				return -1;
			i += 6;
			continue;
		}
		if (c < 0x80) {
			cp = c;
			need = 0;
		} else if ((c & 0xe0) == 0xc0) {
			cp = c & 0x1f;
			need = 1;
		} else if ((c & 0xf0) == 0xe0) {
			cp = c & 0x0f;
			need = 2;
		} else if ((c & 0xf8) == 0xf0) {
			cp = c & 0x07;
			need = 3;
		} else
			return -1;
		if (i + need >= len + (need == 0))
			return -1;
		for (j = 1; j <= need; j++) {
			if (((unsigned char)s[i + j] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | ((unsigned char)s[i + j] & 0x3f);
		}
		i += need + 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (push_unit(buf, &n, 0xd800 | cp >> 10) != 0 ||
			    push_unit(buf, &n, 0xdc00 | (cp & 0x3ff)) != 0)
				return -1;
		} else if (push_unit(buf, &n, cp) != 0)
			return -1;
	}
	if (n == 0)
		return -1;
	*out = xcalloc(n, sizeof(ntfschar));
	memcpy(*out, buf, n * sizeof(ntfschar));
	*outlen = n;
	return 0;
}

/* Reallocates *pp to n elements; keeps the larger block if that fails. */
static void
shrink(void **pp, size_t n, size_t size)
{
	void *q = realloc(*pp, (n ? n : 1) * size);

	if (q != NULL)
		*pp = q;
}

/* Splits "\a\b\c[:stream]" into UTF-16 components. */
static int
parse_path(struct spec *sp, int line, const char *s, int allow_stream,
    struct upath *p)
{
	const char *a, *b, *colon = NULL;
	size_t end;

	memset(p, 0, sizeof(*p));
	p->text = xstrdup(s);
	if (s[0] != '\\') {
		say(sp, line, "path must start with '\\': %s", s);
		return -1;
	}
	end = strlen(s);
	if (allow_stream) {
		colon = strrchr(s, ':');
		if (colon == NULL) {
			say(sp, line, "ads needs PATH:STREAM");
			return -1;
		}
		if (component(colon + 1, strlen(colon + 1), &p->stream,
		    &p->stream_len) != 0) {
			say(sp, line, "bad stream name");
			return -1;
		}
		end = (size_t)(colon - s);
	}
	p->comp = xcalloc(MAXCOMP, sizeof(*p->comp));
	p->len = xcalloc(MAXCOMP, sizeof(*p->len));
	for (a = s + 1; a < s + end; a = b + 1) {
		b = memchr(a, '\\', (size_t)(s + end - a));
		if (b == NULL)
			b = s + end;
		if (p->ncomp >= MAXCOMP) {
			say(sp, line, "path too deep");
			return -1;
		}
		if (component(a, (size_t)(b - a), &p->comp[p->ncomp],
		    &p->len[p->ncomp]) != 0) {
			say(sp, line, "bad path component (empty, bad UTF-8, "
			    "bad %%u escape or over 255 UTF-16 units) in %s",
			    s);
			return -1;
		}
		p->ncomp++;
	}
	/* Give back the MAXCOMP slots: the bench spec has 20,000 paths. */
	shrink((void **)&p->comp, p->ncomp, sizeof(*p->comp));
	shrink((void **)&p->len, p->ncomp, sizeof(*p->len));
	return 0;
}

/* Parses 2021-03-03T06:49:42.1234567Z into NTFS time (100 ns since 1601). */
static int
parse_time(const char *s, int64_t *out)
{
	struct tm tm;
	char *end;
	time_t t;
	int64_t frac = 0;
	int digits = 0;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	if (*end == '.') {
		for (end++; isdigit((unsigned char)*end); end++) {
			if (digits++ >= 7)
				return -1;
			frac = frac * 10 + (*end - '0');
		}
		for (; digits < 7; digits++)
			frac *= 10;
	}
	if (*end != 'Z' || end[1] != '\0')
		return -1;
	t = timegm(&tm);
	*out = ((int64_t)t + NTFS_EPOCH_DELTA) * 10000000LL + frac;
	return 0;
}

static int
parse_times(char *v, int64_t t[4], uint8_t set[4])
{
	char *tok;
	int i = 0;

	while ((tok = strsep(&v, ",")) != NULL) {
		if (i >= 4)
			return -1;
		if (strcmp(tok, "-") == 0)
			set[i] = 0;
		else if (parse_time(tok, &t[i]) != 0)
			return -1;
		else
			set[i] = 1;
		i++;
	}
	return i == 4 ? 0 : -1;
}

static int
parse_attrib(char *v, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "readonly", 0x1 }, { "hidden", 0x2 }, { "system", 0x4 },
		{ "archive", 0x20 }, { "temporary", 0x100 },
		{ "offline", 0x1000 }, { "notindexed", 0x2000 },
	};
	char *tok;
	size_t i;

	*out = 0;
	while ((tok = strsep(&v, ",")) != NULL) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(tok, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1;
		*out |= names[i].bit;
	}
	return 0;
}

static struct op *
new_op(struct spec *sp, enum op_kind kind, int line)
{
	struct op *o;

	if (sp->nops == sp->capops) {
		sp->capops = sp->capops ? sp->capops * 2 : 64;
		sp->ops = realloc(sp->ops, sp->capops * sizeof(*sp->ops));
		if (sp->ops == NULL) {
			fprintf(stderr, "mkfixture: out of memory\n");
			exit(1);
		}
	}
	o = &sp->ops[sp->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->line = line;
	return o;
}

/*
 * A disk or partition identity for sfdisk: "0x" and 8 hex digits (MBR disk
 * signature) or a GUID in its 8-4-4-4-12 text form.
 */
static int
valid_id(const char *v, int guid)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	size_t i, n;

	if (!guid)
		return strncmp(v, "0x", 2) == 0 && strlen(v) == 10 &&
		    strspn(v + 2, "0123456789abcdefABCDEF") == 8;
	for (i = 0; i < 5; i++) {
		n = strspn(v, "0123456789abcdefABCDEF");
		if (n != (size_t)groups[i] || v[n] != (i < 4 ? '-' : '\0'))
			return 0;
		v += n + (i < 4);
	}
	return 1;
}

static int
parse_disk(struct spec *sp, int line, char **tok, int ntok)
{
	int i;

	if (sp->have_disk) {
		say(sp, line, "second disk directive");
		return -1;
	}
	if (ntok < 2) {
		say(sp, line, "disk needs gpt, mbr or none");
		return -1;
	}
	if (strcmp(tok[1], "gpt") == 0)
		memcpy(sp->label, "gpt", 4);
	else if (strcmp(tok[1], "mbr") == 0)
		memcpy(sp->label, "dos", 4);
	else if (strcmp(tok[1], "none") == 0)
		memcpy(sp->label, "none", 5);
	else {
		say(sp, line, "unknown disk label %s", tok[1]);
		return -1;
	}
	for (i = 2; i < ntok; i++) {
		if (strncmp(tok[i], "id=", 3) == 0 &&
		    strcmp(sp->label, "none") != 0 &&
		    valid_id(tok[i] + 3, strcmp(sp->label, "gpt") == 0)) {
			memcpy(sp->label_id, tok[i] + 3, strlen(tok[i] + 3) + 1);
			continue;
		}
		if (strncmp(tok[i], "size=", 5) != 0 ||
		    parse_size(tok[i] + 5, &sp->size) != 0) {
			say(sp, line, "bad disk option %s", tok[i]);
			return -1;
		}
	}
	sp->have_disk = 1;
	return 0;
}

static int
parse_part(struct spec *sp, int line, char **tok, int ntok)
{
	struct part *p;
	int i, k, have_start = 0;
	size_t n;

	if (!sp->have_disk) {
		say(sp, line, "part before the disk directive");
		return -1;
	}
	if (sp->nparts >= MAXPARTS ||
	    (strcmp(sp->label, "dos") == 0 && sp->nparts >= 4)) {
		say(sp, line, "too many partitions (mbr: 4, else %d)",
		    MAXPARTS);
		return -1;
	}
	p = &sp->parts[sp->nparts];
	memset(p, 0, sizeof(*p));
	p->line = line;
	if (ntok < 2)
		goto bad;
	if (strcmp(tok[1], "ntfs") == 0)
		p->kind = PK_NTFS;
	else if (strcmp(tok[1], "fat") == 0)
		p->kind = PK_FAT;
	else if (strcmp(tok[1], "bitlocker") == 0)
		p->kind = PK_BITLOCKER;
	else if (strcmp(tok[1], "raw") == 0)
		p->kind = PK_RAW;
	else
		goto bad;
	for (i = 2; i < ntok; i++) {
		char *v = strchr(tok[i], '=');

		if (v == NULL)
			goto bad;
		*v++ = '\0';
		n = strlen(v);
		if (strcmp(tok[i], "start") == 0) {
			if (parse_u64(v, &p->start) != 0)
				goto bad;
			have_start = 1;
		} else if (strcmp(tok[i], "size") == 0) {
			if (parse_size(v, &p->size) != 0 || p->size % 512)
				goto bad;
		} else if (strcmp(tok[i], "hidden") == 0) {
			if (parse_u64(v, &p->hidden) != 0)
				goto bad;
			p->has_hidden = 1;
		} else if (strcmp(tok[i], "label") == 0 &&
		    n < sizeof(p->label) && strspn(v, "ABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n) {
			memcpy(p->label, v, n + 1);
		} else if (strcmp(tok[i], "type") == 0 &&
		    n < sizeof(p->type)) {
			memcpy(p->type, v, n + 1);
		} else if (strcmp(tok[i], "guid") == 0 &&
		    strcmp(sp->label, "gpt") == 0 && valid_id(v, 1)) {
			memcpy(p->guid, v, n + 1);
		} else if (strcmp(tok[i], "fill") == 0) {
			if (parse_fill(v, &k, &p->fill, &p->seed) != 0)
				goto bad;
			p->fill_kind = k;
		} else
			goto bad;
	}
	if (!have_start || p->size == 0) {
		say(sp, line, "part needs start= and size= (a multiple of 512)");
		return -1;
	}
	sp->nparts++;
	return 0;
bad:
	say(sp, line, "bad part directive (part ntfs|fat|bitlocker|raw "
	    "start=SECTOR size=N [label=] [type=] [guid=] [hidden=] [fill=])");
	return -1;
}

/* Returns the last ntfs partition index, or -1. */
static int
last_ntfs(const struct spec *sp)
{
	int i;

	for (i = (int)sp->nparts - 1; i >= 0; i--)
		if (sp->parts[i].kind == PK_NTFS)
			return i;
	return -1;
}

/*
 * "S-1-5-21-1-2-3-500" into a binary SID: revision 1, sub-authority
 * count, 48-bit big-endian authority, little-endian sub-authorities.
 * "none" asks for a record without any security descriptor.
 */
static int
parse_owner(const char *s, struct op *o)
{
	unsigned long long v;
	char *end;
	int n = 0, i;

	if (strcmp(s, "none") == 0) {
		o->has_owner = 2;
		return 0;
	}
	if (strncmp(s, "S-1-", 4) != 0)
		return -1;
	errno = 0;
	v = strtoull(s + 4, &end, 10);
	if (errno != 0 || end == s + 4 || v >> 48)
		return -1;
	o->owner[0] = 1;
	for (i = 0; i < 6; i++)
		o->owner[2 + i] = (uint8_t)(v >> (8 * (5 - i)));
	while (*end == '-') {
		s = end + 1;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno != 0 || end == s || v > 0xffffffffULL || n == 15)
			return -1;
		for (i = 0; i < 4; i++)
			o->owner[8 + 4 * n + i] = (uint8_t)(v >> (8 * i));
		n++;
	}
	if (*end != '\0')
		return -1;
	o->owner[1] = (uint8_t)n;
	o->owner_len = 8 + 4 * (size_t)n;
	o->has_owner = 1;
	return 0;
}

static int
parse_op(struct spec *sp, int line, const char *verb, char *rest)
{
	static const struct {
		const char *verb;
		enum op_kind kind;
	} verbs[] = {
		{ "mkdir", OP_MKDIR }, { "file", OP_FILE }, { "ads", OP_ADS },
		{ "compressed", OP_COMPRESSED },
		{ "encrypted", OP_ENCRYPTED }, { "times", OP_TIMES },
		{ "attrib", OP_ATTRIB }, { "hardlink", OP_HARDLINK },
		{ "delete", OP_DELETE },
		{ "junction", OP_JUNCTION },
		{ "corrupt-fixup", OP_CORRUPT_FIXUP },
		{ "corrupt-attrlen", OP_CORRUPT_ATTRLEN },
		{ "corrupt-datasize", OP_CORRUPT_DATASIZE },
		{ "corrupt-index", OP_CORRUPT_INDEX },
		{ "corrupt-sii", OP_CORRUPT_SII },
	};
	struct op *o;
	char *path, *w;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i].verb) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		say(sp, line, "unknown directive %s", verb);
		return -1;
	}
	o = new_op(sp, verbs[i].kind, line);
	if ((o->part = last_ntfs(sp)) < 0) {
		say(sp, line, "%s needs an ntfs partition before it", verb);
		return -1;
	}
	if (o->kind != OP_FILE && o->kind != OP_ADS &&
	    o->kind != OP_COMPRESSED && o->kind != OP_ENCRYPTED)
		strip_comment(rest);
	if ((path = word(&rest)) == NULL) {
		say(sp, line, "%s needs a path", verb);
		return -1;
	}
	if (parse_path(sp, line, path, o->kind == OP_ADS, &o->path) != 0)
		return -1;
	if (o->kind != OP_ADS && o->kind != OP_MKDIR &&
	    strncmp(rest, "owner=", 6) == 0) {
		w = word(&rest);
		if (o->kind != OP_FILE && o->kind != OP_COMPRESSED &&
		    o->kind != OP_ENCRYPTED) {
			say(sp, line, "owner= only goes with file, compressed "
			    "and encrypted");
			return -1;
		}
		if (parse_owner(w + 6, o) != 0) {
			say(sp, line, "bad owner %s (want owner=S-1-5-... or "
			    "owner=none)", w + 6);
			return -1;
		}
	}
	if (o->kind == OP_CORRUPT_SII) {
		uint64_t n = 0x90000000u;

		if ((w = word(&rest)) != NULL && (strncmp(w, "size=", 5) != 0 ||
		    parse_size(w + 5, &n) != 0 || n > UINT32_MAX)) {
			say(sp, line, "bad corrupt-sii value %s (want size=N)",
			    w);
			return -1;
		}
		o->sii_size = (uint32_t)n;
		return 0;
	}
	switch (o->kind) {
	case OP_FILE:
	case OP_ADS:
	case OP_COMPRESSED:
	case OP_ENCRYPTED:
		return parse_content(sp, line, rest, &o->content);
	case OP_TIMES:
		while ((w = word(&rest)) != NULL) {
			if (strncmp(w, "si=", 3) == 0 &&
			    parse_times(w + 3, o->si, o->si_set) == 0)
				o->has_si = 1;
			else if (strncmp(w, "fn=", 3) == 0 &&
			    parse_times(w + 3, o->fn, o->fn_set) == 0)
				o->has_fn = 1;
			else {
				say(sp, line, "bad times value %s (want "
				    "si=C,M,E,A fn=C,M,E,A, ISO-8601 UTC)", w);
				return -1;
			}
		}
		break;
	case OP_ATTRIB:
		if ((w = word(&rest)) == NULL ||
		    parse_attrib(w, &o->attrib) != 0) {
			say(sp, line, "bad attrib flags");
			return -1;
		}
		break;
	case OP_HARDLINK:
		if ((w = word(&rest)) == NULL ||
		    parse_path(sp, line, w, 0, &o->path2) != 0) {
			say(sp, line, "hardlink needs EXISTING NEWPATH");
			return -1;
		}
		break;
	case OP_JUNCTION:
		if ((w = word(&rest)) == NULL || w[0] != '\\') {
			say(sp, line, "junction needs PATH \\TARGET");
			return -1;
		}
		o->target = xstrdup(w);
		break;
	default:
		break;
	}
	if (word(&rest) != NULL) {
		say(sp, line, "trailing words after %s", verb);
		return -1;
	}
	return 0;
}

static int
parse_line(struct spec *sp, int line, char *s)
{
	char *tok[32], *verb, *rest = s, *w;
	int ntok = 0;

	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == '\0' || *rest == '#')
		return 0;
	verb = word(&rest);
	if (strcmp(verb, "disk") == 0 || strcmp(verb, "part") == 0 ||
	    strcmp(verb, "truncate") == 0) {
		strip_comment(rest);
		tok[ntok++] = verb;
		while ((w = word(&rest)) != NULL && ntok < 32)
			tok[ntok++] = w;
		if (strcmp(verb, "disk") == 0)
			return parse_disk(sp, line, tok, ntok);
		if (strcmp(verb, "part") == 0)
			return parse_part(sp, line, tok, ntok);
		if (ntok != 2 || strncmp(tok[1], "size=", 5) != 0 ||
		    parse_size(tok[1] + 5, &sp->truncate) != 0) {
			say(sp, line, "truncate needs size=N");
			return -1;
		}
		sp->have_truncate = 1;
		return 0;
	}
	return parse_op(sp, line, verb, rest);
}

static int
parse_spec(struct spec *sp, const char *path)
{
	FILE *f;
	char *buf, *slash;
	size_t n;
	int line = 0, rc = 0;

	sp->name = path;
	n = strlen(path);
	if (n >= sizeof(sp->dir))
		return -1;
	memcpy(sp->dir, path, n + 1);
	if ((slash = strrchr(sp->dir, '/')) != NULL)
		*slash = '\0';
	else
		memcpy(sp->dir, ".", 2);
	if ((f = fopen(path, "r")) == NULL) {
		say(sp, 0, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xcalloc(MAXLINE, 1);
	while (fgets(buf, MAXLINE, f) != NULL) {
		line++;
		n = strlen(buf);
		if (n == MAXLINE - 1 && buf[n - 1] != '\n') {
			say(sp, line, "line longer than %d bytes", MAXLINE - 2);
			rc = -1;
			break;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if ((rc = parse_line(sp, line, buf)) != 0)
			break;
	}
	free(buf);
	fclose(f);
	if (rc == 0 && !sp->have_disk) {
		say(sp, 0, "%s: no disk directive", path);
		rc = -1;
	}
	return rc;
}

/* ---- helpers: processes, files -------------------------------------- */

/*
 * Runs argv, optionally feeding it stdin_text.  The child's chatter is
 * collected and shown only when it fails.
 */
static int
run(char *const argv[], const char *stdin_text)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int in[2] = { -1, -1 }, out[2], st, rc;
	size_t len, off = 0, nlog = 0;
	ssize_t w;
	char log[8192];

	if (pipe(out) != 0 || (stdin_text != NULL && pipe(in) != 0))
		return -1;
	posix_spawn_file_actions_init(&fa);
	if (stdin_text != NULL) {
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
		posix_spawn_file_actions_addclose(&fa, in[1]);
		posix_spawn_file_actions_addclose(&fa, in[0]);
	}
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, out[1]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (stdin_text != NULL) {
		/* Scripts are far smaller than a pipe buffer. */
		close(in[0]);
		len = strlen(stdin_text);
		while (rc == 0 && off < len) {
			w = write(in[1], stdin_text + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(in[1]);
	}
	if (rc != 0) {
		close(out[0]);
		fprintf(stderr, "mkfixture: cannot run %s: %s\n", argv[0],
		    strerror(rc));
		return -1;
	}
	for (;;) {
		char junk[512];

		if (nlog < sizeof(log) - 1)
			w = read(out[0], log + nlog, sizeof(log) - 1 - nlog);
		else
			w = read(out[0], junk, sizeof(junk));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		if (nlog < sizeof(log) - 1)
			nlog += (size_t)w;
	}
	close(out[0]);
	log[nlog] = '\0';
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "mkfixture: %s failed:\n%s", argv[0], log);
		return -1;
	}
	return 0;
}

static int
pwrite_all(int fd, const void *buf, size_t n, uint64_t off)
{
	const uint8_t *p = buf;
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int
pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* A small deterministic generator for fill=random:SEED. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z;

	*s += 0x9e3779b97f4a7c15ULL;
	z = *s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
fill_chunk(uint8_t *buf, size_t n, int kind, uint8_t fill, uint64_t *state)
{
	size_t i;
	uint64_t r;

	if (kind != CK_RANDOM) {
		memset(buf, fill, n);
		return;
	}
	for (i = 0; i < n; i += 8) {
		r = rng_next(state);
		memcpy(buf + i, &r, n - i < 8 ? n - i : 8);
	}
}

static int
make_sized(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- filesystems ------------------------------------------------------ */

static int
make_ntfs(const struct spec *sp, struct part *p)
{
	char sectors[32], hidden[32];
	int fd, r1, r2;
	char *argv[] = { "mkntfs", "-F", "-Q", "-q", "-T", "-c", "4096",
	    "-L", p->label, "-p", hidden, "-H", "255", "-S", "63",
	    p->tmp, sectors, NULL };

	if ((fd = make_sized(p->tmp, p->size)) < 0)
		return -1;
	close(fd);
	r1 = snprintf(sectors, sizeof(sectors), "%llu",
	    (unsigned long long)(p->size / 512));
	r2 = snprintf(hidden, sizeof(hidden), "%llu",
	    (unsigned long long)(p->has_hidden ? p->hidden : p->start));
	if (r1 < 0 || (size_t)r1 >= sizeof(sectors) || r2 < 0 ||
	    (size_t)r2 >= sizeof(hidden))
		return -1;
	if (p->label[0] == '\0') {
		/* mkntfs needs a value after -L; drop both words. */
		memmove(&argv[7], &argv[9], sizeof(argv) - 9 * sizeof(*argv));
	}
	if (run(argv, NULL) != 0) {
		say(sp, p->line, "mkntfs failed");
		return -1;
	}
	return 0;
}

static int
make_fat(const struct spec *sp, struct part *p)
{
	char hidden[32];
	int fd, r;
	char *argv[] = { "mkfs.fat", "-i", "1234ABCD", "-h", hidden,
	    "-n", p->label, p->tmp, NULL };

	if ((fd = make_sized(p->tmp, p->size)) < 0)
		return -1;
	close(fd);
	r = snprintf(hidden, sizeof(hidden), "%llu",
	    (unsigned long long)(p->has_hidden ? p->hidden : p->start));
	if (r < 0 || (size_t)r >= sizeof(hidden))
		return -1;
	if (p->label[0] == '\0')
		argv[5] = p->tmp, argv[6] = NULL, argv[7] = NULL;
	if (run(argv, NULL) != 0) {
		say(sp, p->line, "mkfs.fat failed");
		return -1;
	}
	return 0;
}

/*
 * A Windows 7 style BitLocker boot sector ("\xeb\x58\x90-FVE-FS-") whose
 * field at byte 176 points at an FVE metadata block that starts with the
 * same signature; that is what libblkid checks before it says TYPE=BitLocker.
 */
static int
make_bitlocker(const struct spec *sp, struct part *p)
{
	uint8_t boot[512], fve[512];
	uint64_t meta = 0x10000;
	int fd;

	memset(boot, 0, sizeof(boot));
	memcpy(boot, "\xeb\x58\x90-FVE-FS-", 11);
	boot[11] = 0x00, boot[12] = 0x02;	/* 512 bytes per sector */
	boot[13] = 8;				/* sectors per cluster */
	boot[21] = 0xf8;			/* media descriptor */
	for (int i = 0; i < 8; i++)
		boot[176 + i] = (uint8_t)(meta >> (8 * i));
	boot[510] = 0x55, boot[511] = 0xaa;
	memset(fve, 0, sizeof(fve));
	memcpy(fve, "-FVE-FS-", 8);
	fve[8] = 0x40;				/* header size */
	fve[10] = 2;				/* version 2 (Windows 7+) */
	if (p->size < meta + sizeof(fve)) {
		say(sp, p->line, "bitlocker partition too small");
		return -1;
	}
	if ((fd = make_sized(p->tmp, p->size)) < 0)
		return -1;
	if (pwrite_all(fd, boot, sizeof(boot), 0) != 0 ||
	    pwrite_all(fd, fve, sizeof(fve), meta) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
make_raw(struct part *p)
{
	uint8_t *buf;
	uint64_t off, state = p->seed;
	size_t n;
	int fd, rc = 0;

	if ((fd = make_sized(p->tmp, p->size)) < 0)
		return -1;
	if (p->fill_kind != 0) {
		buf = xcalloc(CHUNK, 1);
		for (off = 0; off < p->size && rc == 0; off += n) {
			n = p->size - off < CHUNK ? p->size - off : CHUNK;
			fill_chunk(buf, n, p->fill_kind == 2 ? CK_RANDOM :
			    CK_FILL, p->fill, &state);
			rc = pwrite_all(fd, buf, n, off);
		}
		free(buf);
	}
	close(fd);
	return rc;
}

/* ---- NTFS content ------------------------------------------------------ */

struct vol {
	const struct spec *sp;
	ntfs_volume	*vol;
	int		 line;
};

static ntfs_inode *
open_path(struct vol *v, const struct upath *p, size_t ncomp)
{
	ntfs_inode *ni, *next;
	u64 mref;
	size_t i;

	ni = ntfs_inode_open(v->vol, FILE_root);
	for (i = 0; ni != NULL && i < ncomp; i++) {
		mref = ntfs_inode_lookup_by_name(ni, p->comp[i],
		    (int)p->len[i]);
		if (mref == (u64)-1) {
			say(v->sp, v->line, "%s: component %zu not found",
			    p->text, i + 1);
			ntfs_inode_close(ni);
			return NULL;
		}
		next = ntfs_inode_open(v->vol, MREF(mref));
		ntfs_inode_close(ni);
		ni = next;
	}
	if (ni == NULL)
		say(v->sp, v->line, "%s: cannot open: %s", p->text,
		    strerror(errno));
	return ni;
}

/* Opens the parent of the last component, creating directories (mkdir -p). */
static ntfs_inode *
open_parent(struct vol *v, const struct upath *p, size_t ncomp)
{
	ntfs_inode *ni, *next;
	u64 mref;
	size_t i;

	ni = ntfs_inode_open(v->vol, FILE_root);
	for (i = 0; ni != NULL && i < ncomp; i++) {
		mref = ntfs_inode_lookup_by_name(ni, p->comp[i],
		    (int)p->len[i]);
		if (mref == (u64)-1)
			next = ntfs_create(ni, const_cpu_to_le32(0),
			    p->comp[i], (u8)p->len[i], S_IFDIR);
		else
			next = ntfs_inode_open(v->vol, MREF(mref));
		if (next == NULL)
			say(v->sp, v->line, "%s: cannot make directory: %s",
			    p->text, strerror(errno));
		ntfs_inode_close(ni);
		ni = next;
	}
	return ni;
}

/* The bytes at [off, off + n) of src repeated without end. */
static void
repeat_chunk(uint8_t *buf, size_t n, const uint8_t *src, size_t len,
    uint64_t off)
{
	size_t at = (size_t)(off % len), k, i;

	for (i = 0; i < n; i += k) {
		k = len - at < n - i ? len - at : n - i;
		memcpy(buf + i, src + at, k);
		at = 0;
	}
}

static int
write_content(struct vol *v, ntfs_attr *na, const struct content *c)
{
	uint8_t *buf;
	uint64_t off, state = c->seed;
	size_t n;
	s64 w;

	if (c->kind == CK_BYTES) {
		for (off = 0; off < c->len; off += (uint64_t)w) {
			w = ntfs_attr_pwrite(na, (s64)(c->hole + off),
			    (s64)(c->len - off), c->bytes + off);
			if (w <= 0)
				goto fail;
		}
		return 0;
	}
	buf = xcalloc(CHUNK, 1);
	for (off = 0; off < c->size; off += n) {
		n = c->size - off < CHUNK ? c->size - off : CHUNK;
		if (c->kind == CK_REPEAT)
			repeat_chunk(buf, n, c->bytes, c->len, off);
		else
			fill_chunk(buf, n, c->kind, c->fill, &state);
		if (ntfs_attr_pwrite(na, (s64)off, (s64)n, buf) != (s64)n) {
			free(buf);
			goto fail;
		}
	}
	free(buf);
	return 0;
fail:
	say(v->sp, v->line, "write failed: %s", strerror(errno));
	return -1;
}

static int
op_mkdir(struct vol *v, const struct op *o)
{
	ntfs_inode *ni = open_parent(v, &o->path, o->path.ncomp);

	if (ni == NULL)
		return -1;
	return ntfs_inode_close(ni);
}

static void
put_le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

/*
 * owner=SID: a self-relative descriptor with that owner and group and a
 * DACL letting Everyone read, stored by libntfs-3g the v3 way (in
 * $Secure:$SDS, the record's $STANDARD_INFORMATION naming its
 * security_id, the old attribute removed), as Windows stores it.
 * owner=none: the record keeps no descriptor at all.
 */
static int
set_owner(struct vol *v, ntfs_inode *ni, const struct op *o)
{
	static const uint8_t everyone[12] = { 1, 1, 0, 0, 0, 0, 0, 1 };
	struct SECURITY_CONTEXT scx;
	uint8_t sd[20 + 2 * sizeof(o->owner) + 8 + 20];
	size_t off = 20, acl;

	if (o->has_owner == 2) {
		if (ntfs_attr_remove(ni, AT_SECURITY_DESCRIPTOR, AT_UNNAMED,
		    0) != 0) {
			say(v->sp, v->line, "%s: cannot remove the security "
			    "descriptor: %s", o->path.text, strerror(errno));
			return -1;
		}
		return 0;
	}
	memset(sd, 0, sizeof(sd));
	sd[0] = 1;				/* revision */
	put_le16(sd + 2, 0x8004);		/* self-relative, DACL present */
	put_le32(sd + 4, (uint32_t)off);	/* owner */
	memcpy(sd + off, o->owner, o->owner_len);
	off += o->owner_len;
	put_le32(sd + 8, (uint32_t)off);	/* group: the same SID */
	memcpy(sd + off, o->owner, o->owner_len);
	off += o->owner_len;
	acl = off;
	put_le32(sd + 16, (uint32_t)acl);	/* DACL */
	sd[acl] = 2;				/* ACL revision */
	put_le16(sd + acl + 2, 8 + 20);		/* ACL size */
	put_le16(sd + acl + 4, 1);		/* one ACE */
	sd[acl + 8] = 0;			/* ACCESS_ALLOWED */
	put_le16(sd + acl + 10, 20);		/* ACE size */
	put_le32(sd + acl + 12, 0x120089);	/* FILE_GENERIC_READ */
	memcpy(sd + acl + 16, everyone, sizeof(everyone));
	off = acl + 28;
	memset(&scx, 0, sizeof(scx));
	scx.vol = v->vol;
	if (ntfs_set_ntfs_acl(&scx, ni, (const char *)sd, off, 0) != 0) {
		say(v->sp, v->line, "%s: cannot set the security descriptor: "
		    "%s", o->path.text, strerror(errno));
		return -1;
	}
	return 0;
}

static int
op_file(struct vol *v, const struct op *o)
{
	const struct upath *p = &o->path;
	ntfs_inode *dir, *ni;
	ntfs_attr *na;
	int rc;

	if (p->ncomp == 0 || (dir = open_parent(v, p, p->ncomp - 1)) == NULL)
		return -1;
	ni = ntfs_create(dir, const_cpu_to_le32(0), p->comp[p->ncomp - 1],
	    (u8)p->len[p->ncomp - 1], S_IFREG);
	if (ni == NULL) {
		say(v->sp, v->line, "%s: cannot create: %s", p->text,
		    strerror(errno));
		ntfs_inode_close(dir);
		return -1;
	}
	if (o->kind == OP_COMPRESSED) {
		/*
		 * libntfs-3g compresses (LZNT1) on write when the $DATA
		 * attribute carries ATTR_IS_COMPRESSED and the volume allows
		 * compression, as ntfs-3g does for files in compressed
		 * directories.
		 */
		ni->flags |= FILE_ATTR_COMPRESSED;
		if (ntfs_attr_set_flags(ni, AT_DATA, AT_UNNAMED, 0,
		    ATTR_IS_COMPRESSED, ATTR_COMPRESSION_MASK) != 0) {
			say(v->sp, v->line, "%s: cannot set compression: %s",
			    p->text, strerror(errno));
			goto fail;
		}
	}
	if ((na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0)) == NULL)
		goto fail;
	if (o->kind == OP_ENCRYPTED && ntfs_attr_force_non_resident(na) != 0) {
		ntfs_attr_close(na);
		goto fail;
	}
	rc = write_content(v, na, &o->content);
	if (o->kind == OP_COMPRESSED && ntfs_attr_pclose(na) != 0)
		rc = -1;
	ntfs_attr_close(na);
	if (rc != 0)
		goto fail;
	if (o->kind == OP_ENCRYPTED) {
		/*
		 * Flag only: real EFS adds a $EFS logged utility stream with
		 * the wrapped keys.  With the flags alone libntfs-3g refuses
		 * to read the stream, which is what the fixture needs.
		 */
		if (ntfs_attr_set_flags(ni, AT_DATA, AT_UNNAMED, 0,
		    ATTR_IS_ENCRYPTED, ATTR_IS_ENCRYPTED) != 0)
			goto fail;
		ni->flags |= FILE_ATTR_ENCRYPTED;
		set_nino_flag(ni, FileNameDirty);
		ntfs_inode_mark_dirty(ni);
	}
	if (o->has_owner && set_owner(v, ni, o) != 0)
		goto fail;
	rc = ntfs_inode_close_in_dir(ni, dir);
	ntfs_inode_close(dir);
	return rc;
fail:
	say(v->sp, v->line, "%s: failed: %s", p->text, strerror(errno));
	ntfs_inode_close_in_dir(ni, dir);
	ntfs_inode_close(dir);
	return -1;
}

static int
op_ads(struct vol *v, const struct op *o)
{
	ntfs_inode *ni = open_path(v, &o->path, o->path.ncomp);
	ntfs_attr *na;
	int rc;

	if (ni == NULL)
		return -1;
	if (ntfs_attr_add(ni, AT_DATA, o->path.stream,
	    (u8)o->path.stream_len, NULL, 0) != 0 ||
	    (na = ntfs_attr_open(ni, AT_DATA, o->path.stream,
	    (u32)o->path.stream_len)) == NULL) {
		say(v->sp, v->line, "%s: cannot add stream: %s", o->path.text,
		    strerror(errno));
		ntfs_inode_close(ni);
		return -1;
	}
	rc = write_content(v, na, &o->content);
	ntfs_attr_close(na);
	if (ntfs_inode_close(ni) != 0)
		rc = -1;
	return rc;
}

static int
op_attrib(struct vol *v, const struct op *o)
{
	const uint32_t mask = 0x1 | 0x2 | 0x4 | 0x20 | 0x100 | 0x1000 | 0x2000;
	ntfs_inode *ni = open_path(v, &o->path, o->path.ncomp);

	if (ni == NULL)
		return -1;
	ni->flags = (ni->flags & ~cpu_to_le32(mask)) | cpu_to_le32(o->attrib);
	set_nino_flag(ni, FileNameDirty);
	ntfs_inode_mark_dirty(ni);
	return ntfs_inode_close(ni);
}

static int
op_hardlink(struct vol *v, const struct op *o)
{
	const struct upath *p = &o->path2;
	ntfs_inode *ni, *dir;
	int rc;

	if ((ni = open_path(v, &o->path, o->path.ncomp)) == NULL)
		return -1;
	if (p->ncomp == 0 || (dir = open_parent(v, p, p->ncomp - 1)) == NULL) {
		ntfs_inode_close(ni);
		return -1;
	}
	rc = ntfs_link(ni, dir, p->comp[p->ncomp - 1],
	    (u8)p->len[p->ncomp - 1]);
	if (rc != 0)
		say(v->sp, v->line, "%s: cannot link: %s", p->text,
		    strerror(errno));
	ntfs_inode_close_in_dir(ni, dir);
	ntfs_inode_close(dir);
	return rc;
}

/* Unlinks the last name of a record as Windows does; libntfs-3g frees the
 * record (in-use flag cleared, sequence number raised) and its clusters
 * but leaves the attributes in place, which is what recovery reads. */
static int
op_delete(struct vol *v, const struct op *o)
{
	const struct upath *p = &o->path;
	ntfs_inode *ni, *dir;
	u64 mref;

	if (p->ncomp == 0 || (dir = open_path(v, p, p->ncomp - 1)) == NULL)
		return -1;
	/* The name is looked up in dir itself: a second in-memory copy of
	 * dir (as open_path would make) goes stale once the name is gone
	 * and may be written back over the change. */
	mref = ntfs_inode_lookup_by_name(dir, p->comp[p->ncomp - 1],
	    (int)p->len[p->ncomp - 1]);
	if (mref == (u64)-1 || (ni = ntfs_inode_open(v->vol, MREF(mref))) ==
	    NULL) {
		say(v->sp, v->line, "%s: cannot open: %s", p->text,
		    strerror(errno));
		ntfs_inode_close(dir);
		return -1;
	}
	/* ntfs_delete closes ni and dir whatever it returns. */
	if (ntfs_delete(v->vol, NULL, ni, dir, p->comp[p->ncomp - 1],
	    (u8)p->len[p->ncomp - 1]) != 0) {
		say(v->sp, v->line, "%s: cannot delete: %s", p->text,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Appends the UTF-16LE form of an ASCII/UTF-8 string (no escapes). */
static size_t
utf16_append(uint8_t *buf, size_t off, const char *s)
{
	ntfschar *u = NULL;
	int n = ntfs_mbstoucs(s, &u);

	if (n < 0)
		return (size_t)-1;
	memcpy(buf + off, u, (size_t)n * 2);
	free(u);
	return (size_t)n * 2;
}

/*
 * A mount-point reparse buffer: substitute name \??\C:\target, print name
 * C:\target, each followed by a NUL that the lengths do not count.
 */
static int
op_junction(struct vol *v, const struct op *o)
{
	uint8_t buf[16384];
	char sub[4096], prn[4096];
	size_t sl, pl, dl;
	ntfs_inode *ni;
	int r1, r2, rc;

	r1 = snprintf(sub, sizeof(sub), "\\??\\C:%s", o->target);
	r2 = snprintf(prn, sizeof(prn), "C:%s", o->target);
	if (r1 < 0 || (size_t)r1 >= sizeof(sub) || r2 < 0 ||
	    (size_t)r2 >= sizeof(prn))
		return -1;
	memset(buf, 0, sizeof(buf));
	if ((sl = utf16_append(buf, 16, sub)) == (size_t)-1 ||
	    (pl = utf16_append(buf, 16 + sl + 2, prn)) == (size_t)-1)
		return -1;
	dl = 8 + sl + 2 + pl + 2;
	buf[0] = 0x03, buf[1] = 0x00, buf[2] = 0x00, buf[3] = 0xa0;
	buf[4] = (uint8_t)dl, buf[5] = (uint8_t)(dl >> 8);
	buf[8] = 0, buf[9] = 0;				/* sub offset */
	buf[10] = (uint8_t)sl, buf[11] = (uint8_t)(sl >> 8);
	buf[12] = (uint8_t)(sl + 2), buf[13] = (uint8_t)((sl + 2) >> 8);
	buf[14] = (uint8_t)pl, buf[15] = (uint8_t)(pl >> 8);
	if ((ni = open_parent(v, &o->path, o->path.ncomp)) == NULL)
		return -1;
	rc = ntfs_set_ntfs_reparse_data(ni, (const char *)buf, 8 + dl, 0);
	if (rc != 0)
		say(v->sp, v->line, "%s: cannot set reparse data: %s",
		    o->path.text, strerror(errno));
	if (ntfs_inode_close(ni) != 0)
		rc = -1;
	return rc;
}

static void
set_times_fn(FILE_NAME_ATTR *fn, const struct op *o)
{
	if (o->fn_set[0])
		fn->creation_time = cpu_to_sle64(o->fn[0]);
	if (o->fn_set[1])
		fn->last_data_change_time = cpu_to_sle64(o->fn[1]);
	if (o->fn_set[2])
		fn->last_mft_change_time = cpu_to_sle64(o->fn[2]);
	if (o->fn_set[3])
		fn->last_access_time = cpu_to_sle64(o->fn[3]);
}

/* Rewrites the FILE_NAME copy in one parent's $I30 index. */
static int
patch_index_entry(struct vol *v, const struct op *o, FILE_NAME_ATTR *fn,
    size_t fnlen)
{
	ntfs_index_context *ictx;
	ntfs_inode *dir;
	int rc = -1;

	dir = ntfs_inode_open(v->vol, MREF_LE(fn->parent_directory));
	if (dir == NULL)
		return -1;
	ictx = ntfs_index_ctx_get(dir, NTFS_INDEX_I30, 4);
	if (ictx != NULL && ntfs_index_lookup(fn, (int)fnlen, ictx) == 0) {
		set_times_fn(&ictx->entry->key.file_name, o);
		ntfs_index_entry_mark_dirty(ictx);
		rc = 0;
	}
	if (ictx != NULL)
		ntfs_index_ctx_put(ictx);
	if (ntfs_inode_close(dir) != 0)
		rc = -1;
	return rc;
}

/*
 * $STANDARD_INFORMATION comes from the inode fields when it is synced; the
 * $FILE_NAME values are patched in the record and in every parent index
 * entry afterwards, because libntfs-3g copies the SI times there on sync.
 */
static int
op_times(struct vol *v, const struct op *o)
{
	ntfs_attr_search_ctx *ctx;
	ntfs_inode *ni;
	FILE_NAME_ATTR *fn, *copies[16];
	size_t lens[16], ncopies = 0, i, len;
	int rc = 0;

	if ((ni = open_path(v, &o->path, o->path.ncomp)) == NULL)
		return -1;
	if (o->has_si) {
		if (o->si_set[0])
			ni->creation_time = cpu_to_sle64(o->si[0]);
		if (o->si_set[1])
			ni->last_data_change_time = cpu_to_sle64(o->si[1]);
		if (o->si_set[2])
			ni->last_mft_change_time = cpu_to_sle64(o->si[2]);
		if (o->si_set[3])
			ni->last_access_time = cpu_to_sle64(o->si[3]);
		ntfs_inode_mark_dirty(ni);
	}
	if (ntfs_inode_close(ni) != 0 || !o->has_fn)
		return 0;
	if ((ni = open_path(v, &o->path, o->path.ncomp)) == NULL)
		return -1;
	if ((ctx = ntfs_attr_get_search_ctx(ni, NULL)) == NULL) {
		ntfs_inode_close(ni);
		return -1;
	}
	while (ncopies < 16 && ntfs_attr_lookup(AT_FILE_NAME, NULL, 0,
	    CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		fn = (FILE_NAME_ATTR *)((uint8_t *)ctx->attr +
		    le16_to_cpu(ctx->attr->value_offset));
		set_times_fn(fn, o);
		len = sizeof(*fn) + fn->file_name_length * sizeof(ntfschar);
		copies[ncopies] = xcalloc(1, len);
		memcpy(copies[ncopies], fn, len);
		lens[ncopies++] = len;
	}
	ntfs_attr_put_search_ctx(ctx);
	ntfs_inode_mark_dirty(ni);
	if (ntfs_inode_close(ni) != 0)
		rc = -1;
	for (i = 0; i < ncopies; i++) {
		if (patch_index_entry(v, o, copies[i], lens[i]) != 0) {
			say(v->sp, v->line, "%s: index entry not updated",
			    o->path.text);
			rc = -1;
		}
		free(copies[i]);
	}
	return rc;
}

/* Remembers where a damaged record lives, relative to the partition. */
static int
locate(struct vol *v, struct op *o)
{
	ntfs_inode *ni = open_path(v, &o->path, o->path.ncomp);

	if (ni == NULL)
		return -1;
	o->offset = (uint64_t)v->vol->mft_lcn * v->vol->cluster_size +
	    ni->mft_no * v->vol->mft_record_size;
	o->recsize = v->vol->mft_record_size;
	return ntfs_inode_close(ni);
}

static int
fill_ntfs(struct spec *sp, int pi)
{
	struct vol v;
	struct op *o;
	size_t i;
	int rc = 0, pass;

	memset(&v, 0, sizeof(v));
	v.sp = sp;
	v.vol = ntfs_mount(sp->parts[pi].tmp, NTFS_MNT_NONE);
	if (v.vol == NULL) {
		say(sp, sp->parts[pi].line, "cannot mount new ntfs: %s",
		    strerror(errno));
		return -1;
	}
	NVolSetCompression(v.vol);
	/* Pass 0: content; pass 1: times; pass 2: locate damage targets. */
	for (pass = 0; pass < 3 && rc == 0; pass++) {
		for (i = 0; i < sp->nops && rc == 0; i++) {
			o = &sp->ops[i];
			if (o->part != pi)
				continue;
			v.line = o->line;
			switch (o->kind) {
			case OP_MKDIR:
				rc = pass == 0 ? op_mkdir(&v, o) : 0;
				break;
			case OP_FILE:
			case OP_COMPRESSED:
			case OP_ENCRYPTED:
				rc = pass == 0 ? op_file(&v, o) : 0;
				break;
			case OP_ADS:
				rc = pass == 0 ? op_ads(&v, o) : 0;
				break;
			case OP_ATTRIB:
				rc = pass == 0 ? op_attrib(&v, o) : 0;
				break;
			case OP_HARDLINK:
				rc = pass == 0 ? op_hardlink(&v, o) : 0;
				break;
			case OP_DELETE:
				rc = pass == 0 ? op_delete(&v, o) : 0;
				break;
			case OP_JUNCTION:
				rc = pass == 0 ? op_junction(&v, o) : 0;
				break;
			case OP_TIMES:
				rc = pass == 1 ? op_times(&v, o) : 0;
				break;
			case OP_CORRUPT_FIXUP:
			case OP_CORRUPT_ATTRLEN:
			case OP_CORRUPT_INDEX:
			case OP_CORRUPT_DATASIZE:
			case OP_CORRUPT_SII:
				rc = pass == 2 ? locate(&v, o) : 0;
				break;
			}
		}
	}
	if (ntfs_umount(v.vol, FALSE) != 0) {
		say(sp, 0, "unmounting partition %d failed", pi + 1);
		rc = -1;
	}
	return rc;
}

/* ---- assembling --------------------------------------------------------- */

static const char *
part_type(const struct spec *sp, const struct part *p)
{
	int gpt = strcmp(sp->label, "gpt") == 0;

	if (p->type[0] != '\0')
		return p->type;
	switch (p->kind) {
	case PK_FAT:
		return gpt ? "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" : "0c";
	case PK_RAW:
		return gpt ? "0FC63DAF-8483-4772-8E79-3D69D8477DE4" : "83";
	default:
		return gpt ? "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" : "07";
	}
}

static int
write_table(const struct spec *sp, const char *out)
{
	char script[8192];
	size_t off;
	int r;
	size_t i;
	int gpt = strcmp(sp->label, "gpt") == 0;
	char *argv[] = { "sfdisk", "-q", "--no-reread", "--no-tell-kernel",
	    (char *)out, NULL };

	r = snprintf(script, sizeof(script), "label: %s\nunit: sectors\n%s%s%s",
	    sp->label, sp->label_id[0] ? "label-id: " : "", sp->label_id,
	    sp->label_id[0] ? "\n" : "");
	if (r < 0 || (size_t)r >= sizeof(script))
		return -1;
	off = (size_t)r;
	for (i = 0; i < sp->nparts; i++) {
		/* Labels are plain words (no quotes or commas) by grammar. */
		r = snprintf(script + off, sizeof(script) - off,
		    "start=%llu, size=%llu, type=%s%s%s%s%s\n",
		    (unsigned long long)sp->parts[i].start,
		    (unsigned long long)(sp->parts[i].size / 512),
		    part_type(sp, &sp->parts[i]),
		    gpt && sp->parts[i].label[0] ? ", name=" : "",
		    gpt ? sp->parts[i].label : "",
		    sp->parts[i].guid[0] ? ", uuid=" : "", sp->parts[i].guid);
		if (r < 0 || (size_t)r >= sizeof(script) - off)
			return -1;
		off += (size_t)r;
	}
	return run(argv, script);
}

static int
all_zero(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

/* Copies the data regions of a partition file, skipping holes and zeroes. */
static int
copy_part(int out, const struct part *p)
{
	uint8_t *buf;
	off_t data, hole;
	uint64_t base = p->start * 512, off;
	size_t n;
	int in, rc = 0;

	if ((in = open(p->tmp, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	buf = xcalloc(CHUNK, 1);
	data = 0;
	while (rc == 0 && (data = lseek(in, data, SEEK_DATA)) >= 0) {
		if ((hole = lseek(in, data, SEEK_HOLE)) < 0)
			hole = (off_t)p->size;
		for (off = (uint64_t)data; off < (uint64_t)hole && rc == 0;
		    off += n) {
			n = (uint64_t)hole - off < CHUNK ?
			    (size_t)((uint64_t)hole - off) : CHUNK;
			if (pread_all(in, buf, n, off) != 0)
				rc = -1;
			else if (!all_zero(buf, n))
				rc = pwrite_all(out, buf, n, base + off);
		}
		data = hole;
	}
	if (data < 0 && errno != ENXIO)
		rc = -1;
	free(buf);
	close(in);
	return rc;
}

static uint64_t
disk_size(const struct spec *sp)
{
	uint64_t end, max = sp->size;
	size_t i;

	for (i = 0; i < sp->nparts; i++) {
		end = sp->parts[i].start * 512 + sp->parts[i].size;
		if (strcmp(sp->label, "gpt") == 0)
			end += 34 * 512;
		if (end > max)
			max = end;
	}
	return max;
}

/* ---- damage ------------------------------------------------------------ */

/* Undoes (restore=1) or redoes (restore=0) the update sequence array. */
static int
fixup(uint8_t *rec, uint32_t size, int restore)
{
	uint16_t usa_ofs = (uint16_t)(rec[4] | rec[5] << 8);
	uint16_t usa_cnt = (uint16_t)(rec[6] | rec[7] << 8);
	uint16_t i;
	uint8_t *end;

	if (usa_cnt == 0 || (uint32_t)usa_ofs + usa_cnt * 2u > size ||
	    (uint32_t)(usa_cnt - 1) * 512 > size)
		return -1;
	for (i = 1; i < usa_cnt; i++) {
		end = rec + i * 512 - 2;
		if (restore)
			memcpy(end, rec + usa_ofs + 2 * i, 2);
		else {
			memcpy(rec + usa_ofs + 2 * i, end, 2);
			memcpy(end, rec + usa_ofs, 2);
		}
	}
	return 0;
}

/* Finds an attribute of the given type in an un-fixed-up record. */
static uint8_t *
find_attr(uint8_t *rec, uint32_t size, uint32_t type)
{
	uint32_t off = (uint32_t)(rec[20] | rec[21] << 8), t, len;

	while (off + 8 <= size) {
		t = (uint32_t)rec[off] | (uint32_t)rec[off + 1] << 8 |
		    (uint32_t)rec[off + 2] << 16 | (uint32_t)rec[off + 3] << 24;
		len = (uint32_t)rec[off + 4] | (uint32_t)rec[off + 5] << 8 |
		    (uint32_t)rec[off + 6] << 16 | (uint32_t)rec[off + 7] << 24;
		if (t == 0xffffffffu || len < 16 || off + len > size)
			return NULL;
		if (t == type)
			return rec + off;
		off += len;
	}
	return NULL;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/*
 * corrupt-sii: the $SII INDEX_ROOT of $Secure (the one whose name is
 * "$SII"; $SDH comes first) claims index blocks of `forged` bytes
 * (default 0x90000000, the size a libntfs-3g without a bound allocates
 * for each block it reads).
 */
static int
forge_sii(uint8_t *rec, uint32_t size, uint32_t forged)
{
	static const uint8_t sii[8] = { '$', 0, 'S', 0, 'I', 0, 'I', 0 };
	uint32_t off = (uint32_t)(rec[20] | rec[21] << 8), len;
	uint16_t voff, noff;
	uint8_t *a;

	while (off + 24 <= size) {
		a = rec + off;
		len = (uint32_t)a[4] | (uint32_t)a[5] << 8 |
		    (uint32_t)a[6] << 16 | (uint32_t)a[7] << 24;
		if (a[0] == 0xff || len < 24 || len > size - off)
			return -1;
		noff = (uint16_t)(a[10] | a[11] << 8);
		voff = (uint16_t)(a[20] | a[21] << 8);
		if (a[0] == 0x90 && a[8] == 0 && a[9] == 4 &&
		    noff + 8u <= len && memcmp(a + noff, sii, 8) == 0 &&
		    voff + 16u <= len) {
			put32(a + voff + 8, forged);
			return 0;
		}
		off += len;
	}
	return -1;
}

static int
damage(const struct spec *sp, int fd, const struct op *o)
{
	uint64_t off = sp->parts[o->part].start * 512 + o->offset;
	uint8_t *rec = xcalloc(o->recsize, 1), *a;
	uint16_t voff;
	int rc = -1;

	if (pread_all(fd, rec, o->recsize, off) != 0)
		goto out;
	if (o->kind == OP_CORRUPT_FIXUP) {
		/* The sector tail no longer matches the update sequence number. */
		rec[510] ^= 0xa5;
		rc = pwrite_all(fd, rec, o->recsize, off);
		goto out;
	}
	if (fixup(rec, o->recsize, 1) != 0)
		goto out;
	if (o->kind == OP_CORRUPT_ATTRLEN) {
		/* The $DATA attribute claims to run far past the record. */
		if ((a = find_attr(rec, o->recsize, 0x80)) == NULL)
			a = rec + (rec[20] | rec[21] << 8);
		put32(a + 4, 0x7ffffff0u);
	} else if (o->kind == OP_CORRUPT_DATASIZE) {
		/* A non-resident $DATA claims 2^48-1 bytes on the clusters
		 * it really has; its initialized size stays true, so a
		 * reader that trusts the size reads zeros for ever. */
		if ((a = find_attr(rec, o->recsize, 0x80)) == NULL ||
		    a[8] != 1) {
			say(sp, o->line, "%s: no non-resident $DATA",
			    o->path.text);
			goto out;
		}
		put32(a + 0x30, 0xffffffffu);
		put32(a + 0x34, 0xffffu);
	} else if (o->kind == OP_CORRUPT_SII) {
		if (forge_sii(rec, o->recsize, o->sii_size) != 0) {
			say(sp, o->line, "%s: no resident $SII index root",
			    o->path.text);
			goto out;
		}
	} else {
		/*
		 * The $I30 root's index header says its entries start far
		 * outside the attribute and the list is longer than the record.
		 */
		if ((a = find_attr(rec, o->recsize, 0x90)) == NULL ||
		    a[8] != 0) {
			say(sp, o->line, "%s: no resident index root",
			    o->path.text);
			goto out;
		}
		voff = (uint16_t)(a[20] | a[21] << 8);
		put32(a + voff + 16, 0x00fffff0u);	/* entries offset */
		put32(a + voff + 20, 0x01000000u);	/* index length */
	}
	if (fixup(rec, o->recsize, 0) != 0)
		goto out;
	rc = pwrite_all(fd, rec, o->recsize, off);
out:
	if (rc != 0)
		say(sp, o->line, "%s: cannot damage record", o->path.text);
	free(rec);
	return rc;
}

static int
build(struct spec *sp, const char *out)
{
	struct part *p;
	size_t i;
	int fd, rc = 0, r;

	for (i = 0; i < sp->nparts && rc == 0; i++) {
		p = &sp->parts[i];
		r = snprintf(p->tmp, sizeof(p->tmp), "%s.part%zu.tmp", out, i);
		if (r < 0 || (size_t)r >= sizeof(p->tmp))
			return -1;
		switch (p->kind) {
		case PK_NTFS:
			rc = make_ntfs(sp, p);
			if (rc == 0)
				rc = fill_ntfs(sp, (int)i);
			break;
		case PK_FAT:
			rc = make_fat(sp, p);
			break;
		case PK_BITLOCKER:
			rc = make_bitlocker(sp, p);
			break;
		case PK_RAW:
			rc = make_raw(p);
			break;
		}
	}
	if (rc != 0)
		return rc;
	if ((fd = make_sized(out, disk_size(sp))) < 0) {
		say(sp, 0, "%s: %s", out, strerror(errno));
		return -1;
	}
	if (strcmp(sp->label, "none") != 0 && sp->nparts > 0)
		rc = write_table(sp, out);
	for (i = 0; i < sp->nparts && rc == 0; i++)
		rc = copy_part(fd, &sp->parts[i]);
	for (i = 0; i < sp->nops && rc == 0; i++)
		if (sp->ops[i].kind >= OP_CORRUPT_FIXUP)
			rc = damage(sp, fd, &sp->ops[i]);
	if (rc == 0 && sp->have_truncate &&
	    ftruncate(fd, (off_t)sp->truncate) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char *argv[])
{
	struct spec *sp;
	char newpath[8192];
	const char *path;
	size_t i;
	int rc, r;

	if (argc != 3) {
		fprintf(stderr, "usage: mkfixture SPEC OUT.img\n");
		return 2;
	}
	/* libntfs-3g logs to stderr; keep only its errors. */
	ntfs_log_set_levels(NTFS_LOG_LEVEL_ERROR | NTFS_LOG_LEVEL_CRITICAL);
	ntfs_log_clear_levels(NTFS_LOG_LEVEL_INFO | NTFS_LOG_LEVEL_QUIET |
	    NTFS_LOG_LEVEL_VERBOSE | NTFS_LOG_LEVEL_PROGRESS |
	    NTFS_LOG_LEVEL_WARNING);
	/* mkntfs and sfdisk live in sbin, which a user's PATH may lack. */
	path = getenv("PATH");
	r = snprintf(newpath, sizeof(newpath), "%s%s/usr/sbin:/sbin",
	    path != NULL ? path : "/usr/bin:/bin", ":");
	if (r < 0 || (size_t)r >= sizeof(newpath) ||
	    setenv("PATH", newpath, 1) != 0) {
		fprintf(stderr, "mkfixture: PATH too long\n");
		return 1;
	}
	sp = xcalloc(1, sizeof(*sp));
	if (parse_spec(sp, argv[1]) != 0)
		return 1;
	rc = build(sp, argv[2]);
	for (i = 0; i < sp->nparts; i++)
		if (sp->parts[i].tmp[0] != '\0')
			unlink(sp->parts[i].tmp);
	if (rc != 0) {
		unlink(argv[2]);
		fprintf(stderr, "mkfixture: %s: build failed\n", argv[1]);
		return 1;
	}
	return 0;
}
