/*
 * faultinject.so: an LD_PRELOAD shim for the release binary that makes one
 * allocation or some reads fail, so a test can prove exhume answers every
 * failure with a clear status instead of a crash or a clean-looking result.
 *
 *   EXHUME_FAIL_ALLOC=N        the Nth allocation made by exhume's own code
 *                              returns NULL with errno ENOMEM (once).
 *   EXHUME_FAIL_ALLOC_COUNT=1  at exit, "faultinject: allocations: C" on
 *                              stderr: the range a test can walk.
 *   EXHUME_FAIL_ALLOC_TRAP=1   raise SIGTRAP at the failing allocation (for
 *                              a backtrace under gdb).
 *   EXHUME_FAIL_READ=PATH:OFFSET[:LEN]
 *                              pread/pread64 on a descriptor whose
 *                              /proc/self/fd link is PATH, overlapping
 *                              [OFFSET, OFFSET+LEN), fails with EIO.
 *                              Several specs may be joined with ','.
 *
 * Only allocations whose caller lies inside the main executable count:
 * third-party libraries' own out-of-memory handling is not what we test.
 * The shim never allocates itself; dlsym() may call calloc while we resolve
 * the real functions, and gets a small static buffer then.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_reallocarray)(void *, size_t, size_t);
static void (*real_free)(void *);
static char *(*real_strdup)(const char *);
static char *(*real_strndup)(const char *, size_t);
static int (*real_vasprintf)(char **, const char *, va_list);
static ssize_t (*real_getdelim)(char **, size_t *, int, FILE *);
static char *(*real_realpath)(const char *, char *);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);

/* dlsym's own calloc, before real_calloc is known. */
static _Alignas(16) unsigned char boot[8192];
static size_t boot_used;
static int resolving;

static int inited;
static uintptr_t exe_lo, exe_hi;	/* the executable's mappings */
static unsigned long fail_at;		/* 0: no allocation fails */
static int print_count;
static int trap;
static unsigned long nallocs;

#define MAXREAD 8
static struct {
	char path[4096];
	unsigned long long off, len;
} fail_read[MAXREAD];
static int nfail_read;

static void
resolve(void)
{
	if (real_free != NULL || resolving)
		return;
	resolving = 1;
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_reallocarray = (void *(*)(void *, size_t, size_t))
	    dlsym(RTLD_NEXT, "reallocarray");
	real_strdup = (char *(*)(const char *))dlsym(RTLD_NEXT, "strdup");
	real_strndup = (char *(*)(const char *, size_t))
	    dlsym(RTLD_NEXT, "strndup");
	real_vasprintf = (int (*)(char **, const char *, va_list))
	    dlsym(RTLD_NEXT, "vasprintf");
	real_getdelim = (ssize_t (*)(char **, size_t *, int, FILE *))
	    dlsym(RTLD_NEXT, "getdelim");
	real_realpath = (char *(*)(const char *, char *))
	    dlsym(RTLD_NEXT, "realpath");
	real_pread = (ssize_t (*)(int, void *, size_t, off_t))
	    dlsym(RTLD_NEXT, "pread");
	real_pread64 = (ssize_t (*)(int, void *, size_t, off64_t))
	    dlsym(RTLD_NEXT, "pread64");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

static unsigned long long
number(const char *s, const char *end, int *ok)
{
	unsigned long long v = 0;

	*ok = s < end;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9') {
			*ok = 0;
			return 0;
		}
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	return v;
}

static const char *
last_colon(const char *s, const char *end)
{
	while (end > s) {
		end--;
		if (*end == ':')
			return end;
	}
	return NULL;
}

/* One PATH:OFFSET[:LEN] spec in [s, end). */
static void
add_read_spec(const char *s, const char *end)
{
	const char *c1, *c2, *pend;
	unsigned long long off, len = 1;
	int ok1, ok2;

	if (nfail_read == MAXREAD || (c1 = last_colon(s, end)) == NULL)
		return;
	off = number(c1 + 1, end, &ok1);
	if (!ok1)
		return;
	pend = c1;
	if ((c2 = last_colon(s, c1)) != NULL) {
		unsigned long long o2 = number(c2 + 1, c1, &ok2);

		if (ok2) {
			len = off;
			off = o2;
			pend = c2;
		}
	}
	if ((size_t)(pend - s) >= sizeof(fail_read[0].path) || len == 0)
		return;
	memcpy(fail_read[nfail_read].path, s, (size_t)(pend - s));
	fail_read[nfail_read].path[pend - s] = '\0';
	fail_read[nfail_read].off = off;
	fail_read[nfail_read].len = len;
	nfail_read++;
}

/* The lowest and highest address mapped from the executable's file. */
static void
find_exe(void)
{
	char exe[4096], buf[8192], line[4096 + 256];
	size_t ll = 0;
	ssize_t n, k;
	int fd;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((k = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < k; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			/* "lo-hi perms off dev inode   path" */
			const char *p = strchr(line, '/');
			uintptr_t lo, hi;
			char *e;

			if (p == NULL || strcmp(p, exe) != 0)
				continue;
			lo = (uintptr_t)strtoull(line, &e, 16);
			if (*e != '-')
				continue;
			hi = (uintptr_t)strtoull(e + 1, NULL, 16);
			if (exe_lo == 0 || lo < exe_lo)
				exe_lo = lo;
			if (hi > exe_hi)
				exe_hi = hi;
		}
	}
	close(fd);
}

static void
init(void)
{
	const char *v, *s, *e;

	if (__atomic_exchange_n(&inited, 1, __ATOMIC_ACQ_REL))
		return;
	resolve();
	find_exe();
	if ((v = getenv("EXHUME_FAIL_ALLOC")) != NULL) {
		int ok;

		fail_at = (unsigned long)number(v, v + strlen(v), &ok);
		if (!ok)
			fail_at = 0;
	}
	if ((v = getenv("EXHUME_FAIL_ALLOC_COUNT")) != NULL && *v == '1')
		print_count = 1;
	if ((v = getenv("EXHUME_FAIL_ALLOC_TRAP")) != NULL && *v == '1')
		trap = 1;
	if ((v = getenv("EXHUME_FAIL_READ")) != NULL)
		for (s = v; *s != '\0'; s = *e == ',' ? e + 1 : e) {
			e = strchr(s, ',');
			if (e == NULL)
				e = s + strlen(s);
			add_read_spec(s, e);
		}
}

__attribute__((constructor)) static void
start(void)
{
	init();
}

__attribute__((destructor)) static void
finish(void)
{
	char msg[64], digits[24];
	size_t n = 0, d = 0;
	unsigned long c = __atomic_load_n(&nallocs, __ATOMIC_RELAXED);

	if (!print_count)
		return;
	do
		digits[d++] = (char)('0' + c % 10);
	while ((c /= 10) != 0 && d < sizeof(digits));
	memcpy(msg, "faultinject: allocations: ", 26);
	n = 26;
	while (d > 0)
		msg[n++] = digits[--d];
	msg[n++] = '\n';
	(void)!write(2, msg, n);
}

/*
 * True when this allocation, made from CALLER, is the one to fail.  Only
 * callers inside the executable are counted.
 */
static int
should_fail(void *caller)
{
	uintptr_t a = (uintptr_t)caller;
	unsigned long n;

	if (!inited)
		init();
	if (exe_hi == 0 || a < exe_lo || a >= exe_hi)
		return 0;
	n = __atomic_add_fetch(&nallocs, 1, __ATOMIC_RELAXED);
	if (fail_at != 0 && n == fail_at) {
		if (trap)
			raise(SIGTRAP);
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

static int
in_boot(const void *p)
{
	return (const unsigned char *)p >= boot &&
	    (const unsigned char *)p < boot + sizeof(boot);
}

static void *
boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(boot) - boot_used)
		return NULL;
	p = boot + boot_used;
	boot_used += n;
	return p;		/* static storage: already zero */
}

void *
malloc(size_t n)
{
	if (real_malloc == NULL) {
		resolve();
		if (real_malloc == NULL)
			return boot_alloc(n);
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_malloc(n);
}

void *
calloc(size_t nmemb, size_t size)
{
	size_t n;

	if (real_calloc == NULL) {
		resolve();
		if (real_calloc == NULL) {
			if (__builtin_mul_overflow(nmemb, size, &n))
				return NULL;
			return boot_alloc(n);
		}
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_calloc(nmemb, size);
}

void *
realloc(void *p, size_t n)
{
	if (in_boot(p)) {
		void *q = malloc(n);

		if (q != NULL)
			memcpy(q, p, n < sizeof(boot) -
			    (size_t)((unsigned char *)p - boot) ? n :
			    sizeof(boot) - (size_t)((unsigned char *)p - boot));
		return q;
	}
	if (real_realloc == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_realloc(p, n);
}

void *
reallocarray(void *p, size_t nmemb, size_t size)
{
	if (real_reallocarray == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_reallocarray(p, nmemb, size);
}

void
free(void *p)
{
	if (p == NULL || in_boot(p))
		return;
	if (real_free == NULL)
		resolve();
	real_free(p);
}

char *
strdup(const char *s)
{
	if (real_strdup == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_strdup(s);
}

char *
strndup(const char *s, size_t n)
{
	if (real_strndup == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_strndup(s, n);
}

int
vasprintf(char **out, const char *fmt, va_list ap)
{
	if (real_vasprintf == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return -1;
	return real_vasprintf(out, fmt, ap);
}

int
asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (real_vasprintf == NULL)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return -1;
	va_start(ap, fmt);
	r = real_vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

/* getline/getdelim count only when they must allocate the first buffer. */
ssize_t
getdelim(char **line, size_t *cap, int delim, FILE *f)
{
	if (real_getdelim == NULL)
		resolve();
	if (line != NULL && cap != NULL && (*line == NULL || *cap == 0) &&
	    should_fail(__builtin_return_address(0)))
		return -1;
	return real_getdelim(line, cap, delim, f);
}

ssize_t
getline(char **line, size_t *cap, FILE *f)
{
	if (real_getdelim == NULL)
		resolve();
	if (line != NULL && cap != NULL && (*line == NULL || *cap == 0) &&
	    should_fail(__builtin_return_address(0)))
		return -1;
	return real_getdelim(line, cap, '\n', f);
}

char *
realpath(const char *path, char *resolved)
{
	if (real_realpath == NULL)
		resolve();
	if (resolved == NULL && should_fail(__builtin_return_address(0)))
		return NULL;
	return real_realpath(path, resolved);
}

/* True when a read of LEN bytes at OFF on FD is to fail. */
static int
read_fails(int fd, size_t len, unsigned long long off)
{
	char link[64], target[4096];
	ssize_t n;
	int i, pos = 0;

	if (!inited)
		init();
	if (nfail_read == 0 || len == 0)
		return 0;
	/* "/proc/self/fd/" + decimal fd, without snprintf's locale work */
	memcpy(link, "/proc/self/fd/", 14);
	pos = 14;
	{
		char d[16];
		int k = 0;
		unsigned u = (unsigned)fd;

		do
			d[k++] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		while (k > 0)
			link[pos++] = d[--k];
		link[pos] = '\0';
	}
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return 0;
	target[n] = '\0';
	for (i = 0; i < nfail_read; i++)
		if (strcmp(target, fail_read[i].path) == 0 &&
		    off < fail_read[i].off + fail_read[i].len &&
		    fail_read[i].off < off + len)
			return 1;
	return 0;
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	if (real_pread == NULL)
		resolve();
	if (off >= 0 && read_fails(fd, len, (unsigned long long)off)) {
		errno = EIO;
		return -1;
	}
	return real_pread(fd, buf, len, off);
}

ssize_t
pread64(int fd, void *buf, size_t len, off64_t off)
{
	if (real_pread64 == NULL)
		resolve();
	if (off >= 0 && read_fails(fd, len, (unsigned long long)off)) {
		errno = EIO;
		return -1;
	}
	return real_pread64(fd, buf, len, off);
}
