/* exhume verify: side hash, SHA256SUMS, manifest.jsonl and signature of a bundle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exhume/bundle.h"
#include "bundle_int.h"

/* Bounds for the parts held in memory; they grow with entries, not bytes. */
#define SUMS_MAX (1ULL << 30)
#define SIG_MAX (16U << 20)
#define LINE_MAX_BYTES (16U << 20)

struct vctx {
	struct bundle_names t;
	struct exh_buf sums, sig, line;
	bool sums_seen, sig_seen, manifest_seen, too_big;
	size_t manifest_lineno;
	exh_verify_report_fn fn;
	void *fnctx;
	struct exh_verify_result *res;
	size_t problems;
	bool nomem;
};

static void
report(struct vctx *v, const char *what, const char *name, const char *detail)
{
	v->problems++;
	if (v->fn != NULL)
		v->fn(v->fnctx, what, name, detail);
}

static int
unhex(const char *s, size_t n, unsigned char *out, size_t outlen)
{
	size_t i;
	int hi, lo;

	if (n != outlen * 2)
		return -1;
	for (i = 0; i < outlen; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' : hi >= 'a' && hi <= 'f' ?
		    hi - 'a' + 10 : hi >= 'A' && hi <= 'F' ? hi - 'A' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'a' && lo <= 'f' ?
		    lo - 'a' + 10 : lo >= 'A' && lo <= 'F' ? lo - 'A' + 10 : -1;
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* ---- a small JSON reader, enough for our own manifest lines ---------- */

struct jp {
	const char *p, *end;
};

static void
ws(struct jp *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p) != NULL)
		j->p++;
}


static int
hex4(struct jp *j, unsigned *c)
{
	unsigned char b[2];
	char h[4];

	if (j->end - j->p < 4)
		return -1;
	memcpy(h, j->p, 4);
	if (unhex(h, 4, b, 2) != 0)
		return -1;
	*c = (unsigned)b[0] << 8 | b[1];
	j->p += 4;
	return 0;
}

/* Parses a JSON string at j->p into out (out may be NULL to skip). */
static int
jstring(struct jp *j, struct exh_buf *out)
{
	unsigned c, lo;
	char e;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	if (out != NULL && exh_buf_append(out, "", 0) != EXH_OK)
		return -1;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p != '\\') {
			if (out != NULL && exh_buf_putc(out, *j->p) != EXH_OK)
				return -1;
			j->p++;
			continue;
		}
		if (++j->p >= j->end)
			return -1;
		e = *j->p++;
		c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' :
		    e == 'b' ? '\b' : e == 'f' ? '\f' : (unsigned char)e;
		if (e == 'u') {
			if (hex4(j, &c) != 0)
				return -1;
			if (c >= 0xd800 && c < 0xdc00 && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				if (hex4(j, &lo) != 0)
					return -1;
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
		} else if (strchr("\"\\/ntrbf", e) == NULL)
			return -1;
		if (out != NULL && exh_buf_put_utf8(out, c) != EXH_OK)
			return -1;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	return 0;
}

/* Skips any JSON value. */
static int
jskip(struct jp *j)
{
	int depth = 0;

	ws(j);
	if (j->p < j->end && *j->p == '"')
		return jstring(j, NULL);
	if (j->p < j->end && *j->p != '{' && *j->p != '[') {
		while (j->p < j->end && strchr(",}] \t\r\n", *j->p) == NULL)
			j->p++;
		return 0;
	}
	while (j->p < j->end) {
		if (*j->p == '"') {
			if (jstring(j, NULL) != 0)
				return -1;
			continue;
		}
		if (*j->p == '{' || *j->p == '[')
			depth++;
		else if ((*j->p == '}' || *j->p == ']') && --depth == 0) {
			j->p++;
			return 0;
		}
		j->p++;
	}
	return -1;
}

/* Reads "entry" and "sha256" (each string or null) from one line. */
static int
parse_line(const char *s, size_t n, struct exh_buf *entry,
    struct exh_buf *sha, bool *has_entry, bool *has_sha)
{
	struct jp j = { s, s + n };
	struct exh_buf key = { 0 };
	int rc = -1;

	*has_entry = *has_sha = false;
	ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return -1;
	for (;;) {
		ws(&j);
		exh_buf_reset(&key);
		if (jstring(&j, &key) != 0)
			break;
		ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			break;
		ws(&j);
		if (j.p >= j.end)
			break;
		if (strcmp(key.data, "entry") == 0 && *j.p == '"') {
			if (jstring(&j, entry) != 0)
				break;
			*has_entry = true;
		} else if (strcmp(key.data, "sha256") == 0 && *j.p == '"') {
			if (jstring(&j, sha) != 0)
				break;
			*has_sha = true;
		} else if (jskip(&j) != 0)
			break;
		ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			ws(&j);
			rc = j.p == j.end ? 0 : -1;
		}
		break;
	}
	exh_buf_free(&key);
	return rc;
}

static void
manifest_line(struct vctx *v, const char *s, size_t n)
{
	struct exh_buf entry = { 0 }, sha = { 0 };
	struct bundle_names_ent *e;
	bool has_entry, has_sha, created;
	char detail[80];

	v->manifest_lineno++;
	if (n == 0)
		return;
	if (parse_line(s, n, &entry, &sha, &has_entry, &has_sha) != 0) {
		/* A number and a literal: detail[80] holds them. */
		(void)snprintf(detail, sizeof(detail),
		    "line %zu is not valid JSON", v->manifest_lineno);
		report(v, "manifest", BUNDLE_MANIFEST, detail);
		v->res->manifest_ok = false;
	} else if (has_entry) {
		if (bundle_names_get(&v->t, entry.data, &e, &created) != EXH_OK) {
			v->nomem = true;
		} else if (e->in_manifest) {
			report(v, "manifest", entry.data,
			    "listed twice in manifest.jsonl");
			v->res->manifest_ok = false;
		} else if (!has_sha ||
		    unhex(sha.data, sha.len, e->manifest, 32) != 0) {
			e->in_manifest = true;
			report(v, "manifest", entry.data,
			    "no valid sha256 in manifest.jsonl");
			v->res->manifest_ok = false;
		} else
			e->in_manifest = true;
	}
	exh_buf_free(&entry);
	exh_buf_free(&sha);
}

static int
manifest_data(struct vctx *v, const char *p, size_t n)
{
	const char *nl;

	while (n > 0) {
		if ((nl = memchr(p, '\n', n)) == NULL) {
			if (v->line.len + n > LINE_MAX_BYTES) {
				v->too_big = true;
				return EXH_OK;
			}
			return exh_buf_append(&v->line, p, n);
		}
		if (v->too_big) {
			report(v, "manifest", BUNDLE_MANIFEST,
			    "a line is longer than 16 MiB");
			v->res->manifest_ok = false;
			v->too_big = false;
		} else if (v->line.len > 0) {
			if (exh_buf_append(&v->line, p, (size_t)(nl - p)) !=
			    EXH_OK)
				return EXH_ENOMEM;
			manifest_line(v, v->line.data, v->line.len);
		} else
			manifest_line(v, p, (size_t)(nl - p));
		exh_buf_reset(&v->line);
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return v->nomem ? EXH_ENOMEM : EXH_OK;
}

static bool
want(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, BUNDLE_SUMS) == 0 || strcmp(name, BUNDLE_SIG) == 0 ||
	    strcmp(name, BUNDLE_MANIFEST) == 0;
}

static int
data(void *ctx, const char *name, const void *p, size_t n)
{
	struct vctx *v = ctx;

	if (strcmp(name, BUNDLE_MANIFEST) == 0)
		return manifest_data(v, p, n);
	if (strcmp(name, BUNDLE_SUMS) == 0) {
		if (v->sums.len + n > SUMS_MAX)
			return EXH_ENOMEM;
		return exh_buf_append(&v->sums, p, n);
	}
	if (v->sig.len + n > SIG_MAX)
		return EXH_ENOMEM;
	return exh_buf_append(&v->sig, p, n);
}

static int
entry(void *ctx, const char *name, const unsigned char sha[32],
    const char *detail)
{
	struct vctx *v = ctx;
	struct bundle_names_ent *e;
	bool created;

	v->res->entries++;
	if (strcmp(name, BUNDLE_SUMS) == 0)
		v->sums_seen = true;
	else if (strcmp(name, BUNDLE_SIG) == 0)
		v->sig_seen = true;
	else if (strcmp(name, BUNDLE_MANIFEST) == 0) {
		v->manifest_seen = true;
		if (v->line.len > 0)	/* a last line without newline */
			manifest_line(v, v->line.data, v->line.len);
		exh_buf_reset(&v->line);
	}
	if (bundle_names_get(&v->t, name, &e, &created) != EXH_OK)
		return EXH_ENOMEM;
	if (e->in_zip) {
		e->dup = true;
		report(v, "extra", name, "the name occurs twice in the archive");
		return EXH_OK;
	}
	e->in_zip = true;
	memcpy(e->zip, sha, 32);
	if (detail != NULL) {
		e->bad_data = true;
		report(v, "altered", name, detail);
	}
	return EXH_OK;
}

static void
parse_sums(struct vctx *v)
{
	const char *p = v->sums.data, *end, *nl, *name;
	struct bundle_names_ent *e;
	char detail[80];
	size_t lineno = 0;
	bool created;

	if (p == NULL)		/* an empty SHA256SUMS: nothing listed */
		return;
	end = p + v->sums.len;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		name = p + 66;
		if (nl - p < 67 || p[64] != ' ' || (p[65] != ' ' &&
		    p[65] != '*')) {
			/* A number and a literal: detail[80] holds them. */
			(void)snprintf(detail, sizeof(detail),
			    "line %zu is not in sha256sum format", lineno);
			report(v, "altered", BUNDLE_SUMS, detail);
		} else {
			char *n = strndup(name, (size_t)(nl - name));

			if (n == NULL || bundle_names_get(&v->t, n, &e,
			    &created) != EXH_OK) {
				v->nomem = true;
			} else if (e->in_sums) {
				report(v, "altered", BUNDLE_SUMS,
				    "a name is listed twice");
			} else if (unhex(p, 64, e->sums, 32) != 0) {
				(void)snprintf(detail, sizeof(detail),
				    "line %zu has a bad hash", lineno);
				report(v, "altered", BUNDLE_SUMS, detail);
			} else
				e->in_sums = true;
			free(n);
		}
		p = nl + 1;
	}
}

static void
check_signature(struct vctx *v, const char *ca_cert)
{
	struct exh_err e = { 0 };

	v->res->signature_present = v->sig_seen;
	if (!v->sig_seen) {
		if (ca_cert != NULL)
			report(v, "signature", BUNDLE_SIG,
			    "a trusted certificate was given but the bundle "
			    "is not signed");
		return;
	}
	if (bundle_check_signature(v->sig.data, v->sig.len,
	    v->sums.data ? v->sums.data : "", v->sums.len, ca_cert,
	    v->res->signer, sizeof(v->res->signer), &e) == EXH_OK) {
		v->res->signature_ok = true;
		v->res->signature_trusted = ca_cert != NULL;
	} else
		report(v, "signature", BUNDLE_SIG, e.msg);
}

static bool
own_file(const char *name)
{
	return strcmp(name, BUNDLE_SUMS) == 0 || strcmp(name, BUNDLE_SIG) == 0;
}

/* Compares what is in the zip with SHA256SUMS and manifest.jsonl. */
static void
compare(struct vctx *v)
{
	struct bundle_names_ent *e;
	size_t i;

	if (!v->sums_seen)
		report(v, "missing", BUNDLE_SUMS, "no checksum list in bundle");
	if (!v->manifest_seen) {
		report(v, "missing", BUNDLE_MANIFEST, "no manifest in bundle");
		v->res->manifest_ok = false;
	}
	for (i = 0; i < v->t.n; i++) {
		e = &v->t.v[i];
		if (own_file(e->name))
			continue;
		if (e->in_zip && !e->in_sums && v->sums_seen) {
			v->res->extra++;
			report(v, "extra", e->name, "not listed in SHA256SUMS");
		} else if (!e->in_zip && (e->in_sums || e->in_manifest)) {
			v->res->missing++;
			report(v, "missing", e->name, e->in_sums ?
			    "listed in SHA256SUMS, not in the archive" :
			    "listed in manifest.jsonl, not in the archive");
			continue;
		} else if (e->in_zip && e->in_sums) {
			if (e->bad_data || memcmp(e->zip, e->sums, 32) != 0) {
				v->res->altered++;
				if (!e->bad_data)
					report(v, "altered", e->name,
					    "content differs from SHA256SUMS");
				continue;
			}
		}
		if (!e->in_zip)
			continue;
		if (strcmp(e->name, BUNDLE_MANIFEST) == 0) {
			if (e->in_sums)
				v->res->ok++;
			continue;
		}
		if (!e->in_manifest) {
			v->res->manifest_ok = false;
			report(v, "manifest", e->name,
			    "not described in manifest.jsonl");
		} else if (memcmp(e->zip, e->manifest, 32) != 0) {
			v->res->manifest_ok = false;
			report(v, "manifest", e->name,
			    "sha256 in manifest.jsonl differs from the entry");
			continue;
		}
		if (e->in_sums && !e->dup)
			v->res->ok++;
	}
}

static void
check_side_hash(struct vctx *v, const char *path, struct exh_err *err)
{
	struct exh_buf side = { 0 };
	unsigned char want_sha[32], got[32];
	char buf[256];
	ssize_t n;
	int fd;

	if (exh_buf_printf(&side, "%s.sha256", path) != EXH_OK) {
		v->nomem = true;
		return;
	}
	fd = open(side.data, O_RDONLY | O_CLOEXEC);
	exh_buf_free(&side);
	if (fd < 0)
		return;
	v->res->side_hash_present = true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 64 || unhex(buf, 64, want_sha, 32) != 0 ||
	    (n > 64 && buf[64] != ' ')) {
		report(v, "side-hash", path, "the .sha256 file is not in "
		    "sha256sum format");
		return;
	}
	if (bundle_hash_file(path, got, err) != EXH_OK) {
		report(v, "side-hash", path, err->msg);
		return;
	}
	if (memcmp(got, want_sha, 32) != 0)
		report(v, "side-hash", path, "the archive's SHA-256 differs "
		    "from the .sha256 file");
	else
		v->res->side_hash_ok = true;
}

/* Partial files of interrupted runs are named, but they are not part of
 * the bundle, so they do not fail its verification. */
static void
report_stale(struct vctx *v, const char *path)
{
	struct exh_err e = { 0 };
	char **names;
	size_t n, i;

	if (exh_bundle_stale_partials(path, &names, &n, &e) != EXH_OK)
		return;
	v->res->stale_partials = n;
	for (i = 0; i < n && v->fn != NULL; i++)
		v->fn(v->fnctx, "stale", names[i], "a partial file left by an "
		    "interrupted run; not part of this bundle");
	exh_bundle_free_names(names, n);
}

/* A zip begins with a local header, or with the end record when empty;
 * anything else was never a bundle (exit 2 in exhume verify, not 1). */
static int
check_is_zip(const char *path, struct exh_err *err)
{
	unsigned char head[4];
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return exh_err_set(err, EXH_EIO, errno, "%s: %s", path,
		    exh_strerror(errno));
	got = read(fd, head, sizeof(head));
	close(fd);
	if (got == (ssize_t)sizeof(head) && head[0] == 'P' && head[1] == 'K' &&
	    ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
		return EXH_OK;
	return exh_err_set(err, EXH_EUSAGE, 0, "%s: not a zip archive (no "
	    "zip header at its start), so not an exhume bundle", path);
}

/* inner's message without a leading "path: " (report names the path). */
static const char *
without_prefix(const char *msg, const char *path)
{
	size_t n = strlen(path);

	return strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ' ?
	    msg + n + 2 : msg;
}

static void
zip_problem(void *ctx, const char *name, const char *detail)
{
	struct vctx *v = ctx;

	v->res->manifest_ok = false;
	report(v, "archive", *name != '\0' ? name : "(zip structure)", detail);
}

int
exh_bundle_verify(const char *path, const char *zip_password,
    const char *ca_cert, exh_verify_report_fn fn, void *ctx,
    struct exh_verify_result *res, struct exh_err *err)
{
	struct exh_verify_result dummy;
	struct bundle_walk w = { 0 };
	struct exh_err inner = { 0 };
	struct vctx v = { 0 };
	size_t nzip = 0;
	int rc;

	if (path == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "verify: no bundle given");
	if (res == NULL)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->manifest_ok = true;
	v.fn = fn;
	v.fnctx = ctx;
	v.res = res;
	if (access(path, R_OK) != 0) {
		rc = exh_err_set(err, EXH_EIO, errno, "%s: %s", path,
		    exh_strerror(errno));
		report_stale(&v, path);
		return rc;
	}
	if (exh_ascii_iends(path, ".p7m"))
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "%s: an encrypted bundle; decrypt it first with "
		    "openssl cms -decrypt -binary -inform DER -in %s -recip "
		    "CERT.pem -inkey KEY.pem -out BUNDLE.zip, then verify "
		    "BUNDLE.zip", path, path);
	report_stale(&v, path);
	if ((rc = check_is_zip(path, err)) != EXH_OK)
		goto out;
	check_side_hash(&v, path, &inner);
	memset(&inner, 0, sizeof(inner));
	if ((rc = bundle_check_zip_structure(path, zip_problem, &v, &nzip,
	    &inner)) != EXH_OK) {
		exh_err_set(err, rc, inner.sys_errno, "%s: %s", path,
		    without_prefix(inner.msg, path));
		goto out;
	}
	memset(&inner, 0, sizeof(inner));
	w.ctx = &v;
	w.want = want;
	w.data = data;
	w.entry = entry;
	rc = bundle_read_zip(path, zip_password, &w, &inner);
	if (rc == EXH_ECORRUPT) {
		report(&v, "archive", path, without_prefix(inner.msg, path));
		res->manifest_ok = false;
	} else if (rc != EXH_OK) {
		exh_err_set(err, rc, inner.sys_errno, "%s: %s", path,
		    without_prefix(inner.msg, path));
		goto out;
	}
	if (rc == EXH_OK) {
		parse_sums(&v);
		check_signature(&v, ca_cert);
		compare(&v);
	}
	if (v.nomem) {
		rc = exh_err_set(err, EXH_ENOMEM, 0, "%s: out of memory",
		    path);
		goto out;
	}
	if (v.problems > 0)
		rc = exh_err_set(err, EXH_ECORRUPT, 0,
		    "%s: %zu problems found", path, v.problems);
	else
		rc = EXH_OK;
out:
	bundle_names_free(&v.t);
	exh_buf_free(&v.sums);
	exh_buf_free(&v.sig);
	exh_buf_free(&v.line);
	return rc;
}
