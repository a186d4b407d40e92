/* Rule loading: finding rule and IOC files by name, reading and hashing them, building the rule set. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

/* Rule and IOC files are small; anything larger is a mistake. */
#define RULE_FILE_MAX (256u * 1024 * 1024)
#define WALK_DEPTH_MAX 32

/* "Test-compiled with these externals" is part of the cache key. */
#define SET_HASH_VERSION "exhume-rules-1 externals-11"

enum walk_mode { WALK_YARA, WALK_IOC };

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s == NULL ? path : s + 1;
}

static bool
has_ext(const char *name, const char *ext)
{
	return exh_ascii_iends(name, ext);
}

/*
 * Loki/THOR name conventions.  *note is set for ignored files.  Returns
 * the kind, or -1 when the name says nothing.
 */
static int
classify_ioc(const char *name, const char **note)
{
	*note = NULL;
	if (has_ext(name, ".yar") || has_ext(name, ".yara"))
		return EXH_RF_YARA;
	if (exh_ascii_istrstr(name, "file-type-signatures") != NULL)
		return EXH_RF_FILETYPE;
	if (exh_ascii_istrstr(name, "score-map") != NULL &&
	    has_ext(name, ".tsv"))
		return EXH_RF_SCOREMAP;
	if (exh_ascii_istrstr(name, "script-extensions") != NULL &&
	    has_ext(name, ".txt"))
		return EXH_RF_SCRIPTEXT;
	if (has_ext(name, ".csv"))
		return RF_CSV;
	/* Names for SIDs: the shipped list, or the responder's own with the
	 * domain accounts of this case. */
	if (exh_ascii_istrstr(name, "sids") != NULL && has_ext(name, ".tsv"))
		return EXH_RF_SIDNAMES;
	if (exh_ascii_istrstr(name, "hash") != NULL) {
		if (exh_ascii_istrstr(name, "falsepositive") != NULL ||
		    exh_ascii_istrstr(name, "trusted") != NULL)
			return EXH_RF_HASH_ALLOW;
		return EXH_RF_HASH;
	}
	if (exh_ascii_istrstr(name, "filename") != NULL)
		return EXH_RF_PATHIOC;
	if (exh_ascii_istrstr(name, "c2") != NULL ||
	    exh_ascii_istrstr(name, "keyword") != NULL ||
	    exh_ascii_istrstr(name, "domain") != NULL) {
		*note = "not used offline";
		return EXH_RF_IGNORED;
	}
	return -1;
}

static int
grow_files(struct exh_rules *r)
{
	struct exh_rules_file *nf;
	struct rfile_int *ni;
	size_t cap;

	if (r->nfiles < r->capfiles)
		return EXH_OK;
	cap = r->capfiles == 0 ? 32 : r->capfiles * 2;
	nf = realloc(r->files, cap * sizeof(*nf));
	if (nf == NULL)
		return EXH_ENOMEM;
	r->files = nf;
	ni = realloc(r->fint, cap * sizeof(*ni));
	if (ni == NULL)
		return EXH_ENOMEM;
	r->fint = ni;
	r->capfiles = cap;
	return EXH_OK;
}

static int
add_file(struct exh_rules *r, const char *path, const char *name, int kind,
    const char *note, const struct stat *st, struct exh_err *err)
{
	struct exh_rules_file *f;
	struct rfile_int *fi;
	size_t i;

	/* The same file reached twice would count every match twice. */
	if (st != NULL && kind != EXH_RF_IGNORED)
		for (i = 0; i < r->nfiles; i++)
			if (r->files[i].kind != EXH_RF_IGNORED &&
			    r->fint[i].dev == st->st_dev &&
			    r->fint[i].ino == st->st_ino)
				return EXH_OK;
	if (grow_files(r) != EXH_OK)
		goto nomem;
	f = &r->files[r->nfiles];
	fi = &r->fint[r->nfiles];
	memset(f, 0, sizeof(*f));
	memset(fi, 0, sizeof(*fi));
	r->nfiles++;
	f->kind = kind;
	fi->shipped = r->adding_shipped;
	fi->smap = -1;
	if (st != NULL) {
		fi->dev = st->st_dev;
		fi->ino = st->st_ino;
	}
	if ((f->path = strdup(path)) == NULL ||
	    (f->name = strdup(name)) == NULL)
		goto nomem;
	if (note != NULL && (f->note = strdup(note)) == NULL)
		goto nomem;
	return EXH_OK;
nomem:
	return exh_err_set(err, EXH_ENOMEM, ENOMEM, "rules: out of memory");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of dir (without "." and ".."), so loading order and
 * the set hash do not depend on the file system. */
static int
list_dir(const char *dir, char ***out, size_t *nout, struct exh_err *err)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if ((d = opendir(dir)) == NULL)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "rules: cannot open directory '%s': %s", dir,
		    exh_strerror(errno));
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (exh_strvec_push(&v, &n, de->d_name) != EXH_OK)
			goto nomem;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*nout = n;
	return EXH_OK;
nomem:
	closedir(d);
	exh_strvec_free(v, n);
	return exh_err_set(err, EXH_ENOMEM, ENOMEM, "rules: out of memory");
}

static int
join(char *dst, size_t dstlen, const char *a, const char *b,
    struct exh_err *err)
{
	int n;

	if (a[0] == '\0')
		n = snprintf(dst, dstlen, "%s", b);
	else
		n = snprintf(dst, dstlen, "%s/%s", a, b);
	if (n < 0 || (size_t)n >= dstlen)
		return exh_err_set(err, EXH_EUSAGE, ENAMETOOLONG,
		    "rules: path too long: '%s/%s'", a, b);
	return EXH_OK;
}

static int classify_and_add(struct exh_rules *, const char *, const char *,
    enum walk_mode, bool, const struct stat *, struct exh_err *);

/* Walks dir recursively; rel is the part shown in reasons ("" at the top). */
static int
walk(struct exh_rules *r, const char *dir, const char *rel,
    enum walk_mode mode, int depth, struct exh_err *err)
{
	char **names = NULL;
	size_t n = 0, i;
	char path[4096], relpath[4096];
	struct stat st;
	int rc;

	if (depth > WALK_DEPTH_MAX)
		return add_file(r, dir, rel, EXH_RF_IGNORED,
		    "directories nested too deep (symlink loop?)", NULL, err);
	if ((rc = list_dir(dir, &names, &n, err)) != EXH_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const char *nm = names[i];

		if ((rc = join(path, sizeof(path), dir, nm, err)) != EXH_OK ||
		    (rc = join(relpath, sizeof(relpath), rel, nm, err)) !=
		    EXH_OK)
			break;
		if (stat(path, &st) != 0) {
			rc = add_file(r, path, relpath, EXH_RF_IGNORED,
			    exh_strerror(errno), NULL, err);
		} else if (S_ISDIR(st.st_mode)) {
			/* A hidden directory (.git) is listed once, not walked. */
			if (nm[0] == '.')
				rc = add_file(r, path, relpath, EXH_RF_IGNORED,
				    "hidden directory", NULL, err);
			else
				rc = walk(r, path, relpath, mode, depth + 1,
				    err);
		} else if (!S_ISREG(st.st_mode)) {
			rc = add_file(r, path, relpath, EXH_RF_IGNORED,
			    "not a regular file", NULL, err);
		} else if (nm[0] == '.' || nm[0] == '~' || nm[0] == '_') {
			/* Loki's convention for disabled files. */
			rc = add_file(r, path, relpath, EXH_RF_IGNORED,
			    "name starts with '.', '~' or '_'", NULL, err);
		} else {
			rc = classify_and_add(r, path, relpath, mode, false,
			    &st, err);
		}
		if (rc != EXH_OK)
			break;
	}
	exh_strvec_free(names, n);
	return rc;
}

static int
classify_and_add(struct exh_rules *r, const char *path, const char *name,
    enum walk_mode mode, bool explicit, const struct stat *st,
    struct exh_err *err)
{
	const char *note = NULL;
	int kind;

	if (mode == WALK_YARA) {
		if (explicit || has_ext(name, ".yar") || has_ext(name, ".yara"))
			return add_file(r, path, name, EXH_RF_YARA, NULL, st,
			    err);
		return add_file(r, path, name, EXH_RF_IGNORED,
		    "not a .yar or .yara file", st, err);
	}
	kind = classify_ioc(base_name(path), &note);
	if (kind < 0) {
		if (explicit)
			return exh_err_set(err, EXH_EUSAGE, 0,
			    "rules: '%s': cannot tell the IOC kind from the "
			    "file name; put 'hash', 'filename' or "
			    "'falsepositive-hash' in the name, or use .yar",
			    path);
		note = "name does not say which IOC kind it holds";
		kind = EXH_RF_IGNORED;
	}
	return add_file(r, path, name, kind, note, st, err);
}

/* A --rules or --iocs argument: a file or a directory. */
static int
add_root(struct exh_rules *r, const char *path, enum walk_mode mode,
    struct exh_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "rules: cannot use '%s': %s", path, exh_strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk(r, path, "", mode, 0, err);
	if (!S_ISREG(st.st_mode))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: '%s' is neither a file nor a directory", path);
	return classify_and_add(r, path, base_name(path), mode, true, &st,
	    err);
}

/* The shipped layout: yara/, hashes/, iocs/, file-type-signatures.txt. */
static int
add_default(struct exh_rules *r, const char *dir, struct exh_err *err)
{
	static const struct {
		const char *name;
		enum walk_mode mode;
	} sub[] = {
		{ "yara", WALK_YARA },
		{ "hashes", WALK_IOC },
		{ "iocs", WALK_IOC },
	};
	static const struct {
		const char *name;
		int kind;
	} data[] = {
		{ "score-map.tsv", EXH_RF_SCOREMAP },
		{ "iis-script-extensions.txt", EXH_RF_SCRIPTEXT },
	};
	char path[4096];
	struct stat st;
	size_t i;
	int rc;

	if (dir == NULL || dir[0] == '\0' || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return exh_err_set(err, EXH_EUSAGE, errno,
		    "rules: shipped rule directory '%s' not found; set "
		    "EXHUME_RULES_DIR to exhume's rules folder",
		    dir == NULL ? "" : dir);
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if ((rc = join(path, sizeof(path), dir, sub[i].name, err)) !=
		    EXH_OK)
			return rc;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((rc = walk(r, path, sub[i].name, sub[i].mode, 0, err)) !=
		    EXH_OK)
			return rc;
	}
	if ((rc = join(path, sizeof(path), dir, "file-type-signatures.txt",
	    err)) != EXH_OK)
		return rc;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (rc = add_file(r, path, "file-type-signatures.txt",
	    EXH_RF_FILETYPE, NULL, &st, err)) != EXH_OK)
		return rc;
	/* Optional: without it owners are shown as SIDs. */
	if ((rc = join(path, sizeof(path), dir, "well-known-sids.tsv", err)) !=
	    EXH_OK)
		return rc;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (rc = add_file(r, path, "well-known-sids.tsv",
	    EXH_RF_SIDNAMES, NULL, &st, err)) != EXH_OK)
		return rc;
	/* Optional too: the score map and the IIS script extensions. */
	for (i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		if ((rc = join(path, sizeof(path), dir, data[i].name, err)) !=
		    EXH_OK)
			return rc;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (rc = add_file(r, path, data[i].name, data[i].kind, NULL,
		    &st, err)) != EXH_OK)
			return rc;
	}
	return EXH_OK;
}

/* dir NULL: the one exh_data_rules_dir finds. */
static int
add_shipped(struct exh_rules *r, const char *dir, struct exh_err *err)
{
	char found[EXH_PATH_MAX];
	int rc;

	if (dir == NULL) {
		if ((rc = exh_data_rules_dir(found, sizeof(found), err)) !=
		    EXH_OK)
			return rc;
		dir = found;
	}
	return add_default(r, dir, err);
}

static int
read_all(const char *path, char **out, size_t *outlen, char *errbuf,
    size_t errlen)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	/* errbuf is display text for an error message: it may be cut. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(errbuf, errlen, "cannot open: %s",
		    exh_strerror(errno));
		return EXH_EIO;
	}
	if (fstat(fd, &st) != 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size > RULE_FILE_MAX) {
		snprintf(errbuf, errlen, "cannot read: %s",
		    errno != 0 ? exh_strerror(errno) : "larger than 256 MiB");
		close(fd);
		return EXH_EIO;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return EXH_ENOMEM;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(errbuf, errlen, "read error: %s",
			    exh_strerror(errno));
			free(buf);
			close(fd);
			return EXH_EIO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return EXH_OK;
}

static int
sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return EXH_EFATAL;
	exh_hex(md, 32, hex);
	return EXH_OK;
}

/* Reads every file, records its hash and parses the non-YARA ones. */
static int
read_files(struct exh_rules *r, struct exh_err *err)
{
	char msg[256];
	size_t i;
	int rc;

	for (i = 0; i < r->nfiles; i++) {
		struct exh_rules_file *f = &r->files[i];
		struct rfile_int *fi = &r->fint[i];

		if (f->kind == EXH_RF_IGNORED)
			continue;
		rc = read_all(f->path, &fi->text, &fi->len, msg, sizeof(msg));
		if (rc == EXH_ENOMEM)
			return exh_err_set(err, rc, ENOMEM,
			    "rules: out of memory");
		if (rc != EXH_OK) {
			if ((f->error = strdup(msg)) == NULL)
				return exh_err_set(err, EXH_ENOMEM, ENOMEM,
				    "rules: out of memory");
			continue;
		}
		if (sha256_hex(fi->text, fi->len, f->sha256) != EXH_OK)
			return exh_err_set(err, EXH_EFATAL, 0,
			    "rules: SHA-256 unavailable in libcrypto");
		if (f->kind == RF_CSV) {
			if (iocs_is_mstic(fi->text, fi->len)) {
				f->kind = EXH_RF_MSTIC;
			} else {
				f->kind = EXH_RF_IGNORED;
				f->sha256[0] = '\0';
				if ((f->note = strdup("CSV without the MSTIC "
				    "header")) == NULL)
					return exh_err_set(err, EXH_ENOMEM,
					    ENOMEM, "rules: out of memory");
			}
		}
		if (f->kind == EXH_RF_YARA || f->kind == EXH_RF_IGNORED)
			continue;
		if ((rc = iocs_parse(r, i, fi->text, fi->len, err)) != EXH_OK)
			return exh_err_prefix(err, "%s", f->path);
		free(fi->text);
		fi->text = NULL;
	}
	return EXH_OK;
}

static int
set_hash(struct exh_rules *r, struct exh_err *err)
{
	EVP_MD_CTX *ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "rules: out of memory");
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, SET_HASH_VERSION "\n",
	    strlen(SET_HASH_VERSION "\n")) == 1 &&
	    EVP_DigestUpdate(ctx, YR_VERSION "\n",
	    strlen(YR_VERSION "\n")) == 1;
	for (i = 0; ok && i < r->nfiles; i++) {
		const struct exh_rules_file *f = &r->files[i];
		char kind[16];

		if (f->sha256[0] == '\0')
			continue;
		/* An int always fits kind[16]. */
		(void)snprintf(kind, sizeof(kind), "%d", f->kind);
		ok = EVP_DigestUpdate(ctx, kind, strlen(kind) + 1) == 1 &&
		    EVP_DigestUpdate(ctx, f->path, strlen(f->path) + 1) == 1 &&
		    EVP_DigestUpdate(ctx, f->sha256, 64) == 1 &&
		    EVP_DigestUpdate(ctx, "\n", 1) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return exh_err_set(err, EXH_EFATAL, 0,
		    "rules: SHA-256 unavailable in libcrypto");
	exh_hex(md, 32, r->setsha);
	return EXH_OK;
}

static int
scoremap_finish(struct exh_rules *r, struct exh_err *err)
{
	if (rules_scoremap_finish(r) != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "rules: out of memory");
	return EXH_OK;
}

/* The first compiler message, so "no YARA rules" says why. */
static const char *
first_yara_error(const struct exh_rules *r, size_t *nbad, size_t *nyara)
{
	const char *first = NULL;
	size_t i;

	*nbad = *nyara = 0;
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].kind != EXH_RF_YARA)
			continue;
		(*nyara)++;
		if (r->files[i].error != NULL) {
			(*nbad)++;
			if (first == NULL)
				first = r->files[i].error;
		}
	}
	return first;
}

/*
 * A YARA-only or an IOC-only set is a normal use; refused are a set with
 * nothing at all and one whose YARA files all failed to compile (the
 * rules the user gave would silently not run).
 */
static int
check_counts(const struct exh_rules *r, struct exh_err *err)
{
	struct exh_rules_counts c = exh_rules_counts(r);
	const char *first;
	size_t nbad, nyara, niocs = c.md5 + c.sha1 + c.sha256 + c.path_iocs;

	if (c.yara_rules > 0)
		return EXH_OK;
	first = first_yara_error(r, &nbad, &nyara);
	if (first != NULL && nbad == nyara)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: no YARA rules loaded; %zu of %zu rule files "
		    "failed, first: %s", nbad, nyara, first);
	if (niocs == 0)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: no YARA rules and no hash or path IOC entries loaded "
		    "(%zu rule files found); give --rules with .yar files "
		    "or --iocs with hash or filename IOC files", nyara);
	return EXH_OK;
}

int
exh_rules_load(const struct exh_rules_options *opt, struct exh_rules **out,
    struct exh_err *err)
{
	struct exh_rules *r;
	size_t i;
	int rc;

	if (opt == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "rules: load: no options given");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "rules: out of memory");
	r->magic = EXH_RULES_MAGIC;
	r->md5.dlen = 16;
	r->sha1.dlen = 20;
	r->sha256.dlen = 32;
	if (yr_initialize() != ERROR_SUCCESS) {
		rc = exh_err_set(err, EXH_EFATAL, 0,
		    "rules: libyara failed to initialise");
		goto fail;
	}
	r->yr_initialized = true;
	if ((rc = iocs_empty_digests(r, err)) != EXH_OK)
		goto fail;
	r->adding_shipped = true;
	if (!opt->no_default && (rc = add_shipped(r, opt->default_dir, err)) !=
	    EXH_OK)
		goto fail;
	r->adding_shipped = false;
	for (i = 0; i < opt->n_yara; i++)
		if ((rc = add_root(r, opt->yara_paths[i], WALK_YARA, err)) !=
		    EXH_OK)
			goto fail;
	for (i = 0; i < opt->n_ioc; i++)
		if ((rc = add_root(r, opt->ioc_paths[i], WALK_IOC, err)) !=
		    EXH_OK)
			goto fail;
	if ((rc = read_files(r, err)) != EXH_OK ||
	    (rc = iocs_finish(r, err)) != EXH_OK ||
	    (rc = scoremap_finish(r, err)) != EXH_OK ||
	    (rc = set_hash(r, err)) != EXH_OK ||
	    (rc = yara_build(r, opt->cache_dir, err)) != EXH_OK ||
	    (rc = check_counts(r, err)) != EXH_OK)
		goto fail;
	if (prefilter_build(r, opt->no_prefilter) != EXH_OK) {
		rc = exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "rules: out of memory");
		goto fail;
	}
	/* Reduced rule sets are compiled from the sources during the scan. */
	for (i = 0; i < r->nfiles; i++) {
		if (r->subsets_on && r->files[i].kind == EXH_RF_YARA)
			continue;
		free(r->fint[i].text);
		r->fint[i].text = NULL;
	}
	if ((rc = subset_init(r)) != EXH_OK) {
		exh_err_set(err, rc, 0, "rules: cannot set up the reduced "
		    "rule sets");
		goto fail;
	}
	*out = r;
	return EXH_OK;
fail:
	exh_rules_destroy(r);
	return rc;
}

void
exh_rules_destroy(struct exh_rules *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	iocs_free(r);
	rules_scoremap_free(r);
	for (i = 0; i < r->nfiles; i++) {
		struct exh_rules_file *f = &r->files[i];

		free(f->path);
		free(f->name);
		free(f->note);
		free(f->error);
		for (j = 0; j < f->nrejects; j++)
			free(f->rejects[j].reason);
		free(f->rejects);
		free(r->fint[i].text);
	}
	free(r->files);
	free(r->fint);
	free(r->cache_note);
	free(r->prefilter_note);
	if (r->yr != NULL)
		yr_rules_destroy(r->yr);
	if (r->gates != NULL)
		yr_rules_destroy(r->gates);
	free(r->bodies);
	subset_free(r);
	if (r->yr_initialized)
		yr_finalize();
	r->magic = 0;
	free(r);
}
