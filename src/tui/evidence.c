/* Evidence: write the bundle (never onto a source disk), show its SHA-256, verify it; verify any bundle. */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui_int.h"

struct bundle_run {
	struct tui *t;
	struct exh_triage_bundle_options bo;
	struct exh_bundle_result res;
	const char *certs[1];
	pthread_mutex_t mu;
	size_t done, total;
	char current[TUI_LINE];
};

struct verify_run {
	const char *path;
	const char *password;
	struct exh_verify_result res;
	struct exh_buf problems;
};

/* ---- running a job with a progress window -------------------------- */

typedef void (*draw_fn)(struct tui *t, void *ctx, newtComponent label,
    newtComponent scale);

static void
wait_job(struct tui *t, struct tui_job *j, const char *title, draw_fn draw,
    void *ctx)
{
	newtComponent f, label, scale;
	struct newtExitStruct es;
	enum tui_event ev;

	newtCenteredWindow(TUI_TEXT_W, 5, title);
	f = tui_form(t);
	label = newtLabel(1, 1, "");
	scale = newtScale(1, 3, TUI_WIN_W - 6, 1000);
	newtFormAddComponents(f, label, scale, NULL);
	newtFormSetTimer(f, 250);
	newtFormWatchFd(f, j->done_fd[0], NEWT_FD_READ);
	do {
		if (draw != NULL)
			draw(t, ctx, label, scale);
		newtRefresh();
		ev = tui_run_form(t, f, &es);
	} while (ev != TUI_EV_FD);
	newtFormDestroy(f);
	newtPopWindow();
	tui_job_join(j);
}

/* ---- verify ------------------------------------------------------- */

static void
on_problem(void *ctx, const char *what, const char *name, const char *detail)
{
	struct verify_run *v = ctx;

	(void)exh_buf_printf(&v->problems, "%s\t%s\t%s\n", what,
	    name ? name : "", detail ? detail : "");
}

static int
verify_job(void *ctx, struct exh_err *err)
{
	struct verify_run *v = ctx;

	memset(&v->res, 0, sizeof(v->res));
	return exh_bundle_verify(v->path, v->password, NULL, on_problem, v,
	    &v->res, err);
}

/* Problem lines are raw: split them and escape each field. */
static void
problems_text(struct tui *t, const struct exh_buf *p, struct exh_buf *b)
{
	char *copy, *line, *save = NULL, *name, *detail;

	if (p->data == NULL || (copy = strdup(p->data)) == NULL)
		return;
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((name = strchr(line, '\t')) != NULL)
			*name++ = '\0';
		if (name != NULL && (detail = strchr(name, '\t')) != NULL)
			*detail++ = '\0';
		else
			detail = NULL;
		(void)exh_buf_printf(b, "%s: ", line);
		(void)tui_wrap(t, b, "", name ? name : "", TUI_WIN_W - 16);
		if (detail != NULL && *detail)
			(void)tui_wrap(t, b, "    ", detail, TUI_WIN_W - 8);
	}
	free(copy);
}

/* Runs the verifier; the summary goes to b.  True when it holds. */
static bool
verify_bundle(struct tui *t, const char *path, const char *password,
    struct exh_buf *b)
{
	struct verify_run v = { path, password, { 0 }, { 0 } };
	struct tui_job j = { 0 };
	char line[TUI_LINE];

	j.fn = verify_job;
	j.ctx = &v;
	if (tui_job_start(&j) != EXH_OK)
		return false;
	wait_job(t, &j, _("Verifying"), NULL, NULL);
	if (j.rc == EXH_OK) {
		tui_printf(line, sizeof(line), _("VERIFIED: all %zu entries "
		    "match SHA256SUMS and the manifest%s."), v.res.entries,
		    v.res.side_hash_present ? _(", the side hash matches") :
		    "");
		tui_para(t, b, line, TUI_TEXT_W);
	} else if (j.rc == EXH_ECORRUPT) {
		tui_printf(line, sizeof(line), _("NOT VERIFIED: %zu altered, "
		    "%zu missing, %zu extra."), v.res.altered, v.res.missing,
		    v.res.extra);
		tui_para(t, b, line, TUI_TEXT_W);
		problems_text(t, &v.problems, b);
	} else {
		tui_para(t, b, _("NOT VERIFIED: the bundle cannot be read."),
		    TUI_TEXT_W);
		(void)tui_wrap(t, b, "", j.err.msg, TUI_TEXT_W);
	}
	exh_buf_free(&v.problems);
	return j.rc == EXH_OK;
}

/*
 * The file this session wrote: the .zip, or for a bundle encrypted for
 * a certificate the .zip.p7m, the only one left on the disk (the
 * verifier then says how to decrypt it); "" when neither exists.
 */
static const char *
written_file(const struct tui *t, char *dst, size_t dstlen)
{
	dst[0] = '\0';
	if (!t->bundle_written)
		return dst;
	if (access(t->bundle_path, F_OK) == 0)
		tui_printf(dst, dstlen, "%s", t->bundle_path);
	else if (tui_printf(dst, dstlen, "%s.p7m", t->bundle_path) >= 0 &&
	    access(dst, F_OK) != 0)
		dst[0] = '\0';
	return dst;
}

void
tui_verify_screen(struct tui *t)
{
	newtComponent f, path, pw, go, back;
	struct newtExitStruct es;
	struct exh_buf b = { 0 };
	enum tui_event ev;
	char p[PATH_MAX], secret[256];

	tui_root(t, _("Verify a bundle"), _("Tab: next   F10: verify   "
	    "Esc: back"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Verify a bundle"));
	f = tui_form(t);
	newtFormAddComponent(f, newtTextboxReflowed(1, 0, _("Checks every "
	    "file of a bundle against SHA256SUMS and the manifest, and the "
	    "bundle against its .sha256 file."), TUI_TEXT_W, 0, 0, 0));
	path = newtEntry(22, 4, written_file(t, p, sizeof(p)),
	    TUI_WIN_W - 24, NULL, NEWT_FLAG_SCROLL);
	pw = newtEntry(22, 6, "", 30, NULL, NEWT_FLAG_PASSWORD |
	    NEWT_FLAG_SCROLL);
	go = newtButton(16, TUI_WIN_H - 5, _("Verify"));
	back = newtButton(44, TUI_WIN_H - 5, _("Back"));
	newtFormAddComponents(f, newtLabel(1, 4, _("Bundle file:")), path,
	    newtLabel(1, 6, _("Zip password:")), pw, go, back, NULL);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
	do
		ev = tui_run_form(t, f, &es);
	while (ev == TUI_EV_TIMER || ev == TUI_EV_FD);
	tui_printf(p, sizeof(p), "%s", newtEntryGetValue(path));
	tui_printf(secret, sizeof(secret), "%s", newtEntryGetValue(pw));
	newtFormDestroy(f);
	newtPopWindow();
	if (!((ev == TUI_EV_COMPONENT && es.u.co != back) ||
	    (ev == TUI_EV_KEY && es.u.key == NEWT_KEY_F10)) || p[0] == '\0')
		return;
	(void)verify_bundle(t, p, secret[0] ? secret : NULL, &b);
	explicit_bzero(secret, sizeof(secret));
	tui_text_screen(t, _("Verify a bundle"), b.data ? b.data : "");
	exh_buf_free(&b);
}

/* ---- where the bundle may go ------------------------------------- */

/* The disk (sda, nvme0n1) that holds the file system of path, or "". */
static void
disk_of(const char *path, char *dst, size_t dstlen)
{
	char link[64], real[PATH_MAX], part[PATH_MAX];
	struct stat st;

	dst[0] = '\0';
	if (stat(path, &st) != 0)
		return;
	tui_printf(link, sizeof(link), "/sys/dev/block/%u:%u",
	    major(st.st_dev), minor(st.st_dev));
	if (realpath(link, real) == NULL)
		return;
	tui_printf(part, sizeof(part), "%s/partition", real);
	if (access(part, F_OK) == 0)
		tui_printf(dst, dstlen, "%s", basename(dirname(real)));
	else
		tui_printf(dst, dstlen, "%s", basename(real));
}

/* NULL when the directory may take the bundle, else why not. */
static const char *
bad_destination(struct tui *t, const char *dir)
{
	struct stat st, root;
	char disk[64];
	size_t i;

	if (dir[0] == '\0')
		return _("No destination directory is given.");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return _("The destination is not a directory.");
	if (access(dir, W_OK) != 0)
		return _("The destination directory is not writable.");
	/* In the boot image "/" is RAM: a bundle there dies at power off. */
	if (t->in_image && stat("/", &root) == 0 && root.st_dev == st.st_dev)
		return _("The destination is in memory, not on a disk: the "
		    "bundle would be lost at power off. Is the evidence "
		    "partition mounted?");
	disk_of(dir, disk, sizeof(disk));
	for (i = 0; disk[0] != '\0' && i < t->nsrcs; i++)
		if (t->srcs[i].selected && t->srcs[i].from_sysfs &&
		    strcmp(t->srcs[i].disk.name, disk) == 0)
			return _("The destination is on a disk being examined. "
			    "Evidence is never written to a source disk.");
	return NULL;
}

static void
default_name(struct tui *t, char *dst, size_t dstlen)
{
	char stamp[32], safe[64];
	time_t now = time(NULL);
	struct tm tm;
	size_t i, n = 0;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Only plain characters of the case number go into the name. */
	for (i = 0; t->kase.case_id[i] != '\0' && n < sizeof(safe) - 1; i++) {
		char c = t->kase.case_id[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			safe[n++] = c;
	}
	safe[n] = '\0';
	tui_printf(dst, dstlen, "exhume-%s%s%s.zip", safe, n ? "-" : "", stamp);
}

/* ---- writing ------------------------------------------------------ */

static void
on_collect(void *ctx, size_t done, size_t total, const char *winpath)
{
	struct bundle_run *r = ctx;

	pthread_mutex_lock(&r->mu);
	r->done = done;
	r->total = total;
	tui_printf(r->current, sizeof(r->current), "%s",
	    winpath ? winpath : "");
	pthread_mutex_unlock(&r->mu);
}

static void
draw_collect(struct tui *t, void *ctx, newtComponent label,
    newtComponent scale)
{
	struct bundle_run *r = ctx;
	char line[TUI_LINE], fit[TUI_LINE];

	pthread_mutex_lock(&r->mu);
	tui_printf(line, sizeof(line), "%zu/%zu %s", r->done, r->total,
	    tui_fit(t, r->current, TUI_WIN_W - 22, fit));
	if (r->total > 0)
		newtScaleSet(scale, r->done * 1000 / r->total);
	pthread_mutex_unlock(&r->mu);
	newtLabelSetText(label, line);
}

static int
bundle_job(void *ctx, struct exh_err *err)
{
	struct bundle_run *r = ctx;

	return exh_triage_write_bundle(r->t->triage, &r->bo, &r->res, err);
}

/* The hash in groups of four, eight groups a line: for paper. */
static void
hash_text(const char *hex, struct exh_buf *b)
{
	size_t i;

	for (i = 0; i < 64 && hex[i] != '\0'; i += 4) {
		if (i % 32 == 0)
			(void)exh_buf_puts(b, "\n        ");
		else if (i % 16 == 0)
			(void)exh_buf_puts(b, "   ");
		else
			(void)exh_buf_putc(b, ' ');
		(void)exh_buf_append(b, hex + i, 4);
	}
	(void)exh_buf_putc(b, '\n');
}

static void
written_screen(struct tui *t, struct bundle_run *r, const char *verify)
{
	struct exh_buf b = { 0 };
	char size[32];

	tui_para(t, &b, _("The evidence bundle is written and synced "
	    "to disk.\n\n"), TUI_TEXT_W);
	(void)tui_wrap(t, &b, _("File: "), r->bo.bundle.path, TUI_TEXT_W);
	tui_size(r->res.collected_bytes, size, sizeof(size));
	(void)exh_buf_printf(&b, _("Collected: %zu files (%s), %zu "
	    "incomplete, %zu left out, %zu documents\n\n"), r->res.collected,
	    size, r->res.incomplete, r->res.left_out, r->res.documents);
	tui_para(t, &b, _("SHA-256 of the bundle - copy it onto the "
	    "chain-of-custody form:\n"), TUI_TEXT_W);
	hash_text(r->res.zip_sha256, &b);
	if (r->res.p7m_sha256[0] != '\0') {
		tui_para(t, &b, _("\nSHA-256 of the encrypted "
		    "envelope (.p7m):\n"), TUI_TEXT_W);
		hash_text(r->res.p7m_sha256, &b);
	}
	(void)exh_buf_puts(&b, "\n");
	(void)exh_buf_puts(&b, verify);
	tui_text_screen(t, _("Evidence bundle written"), b.data ? b.data : "");
	exh_buf_free(&b);
}

static void
write_bundle(struct tui *t, struct bundle_run *r, const char *password)
{
	struct tui_job j = { 0 };
	struct exh_buf b = { 0 }, v = { 0 };

	r->t = t;
	r->bo.progress = on_collect;
	r->bo.ctx = r;
	/* As the space line says: the UI has no cap field, so a destination
	 * too small for everything gets the largest files left out (each
	 * listed with the reason "space"), never the refusal to lower a
	 * cap; check_form has refused one too small for the documents. */
	r->bo.fit_space = true;
	/* The UI's language, pinned by tui_job_start: rendering the report
	 * in it on the job thread switches nothing process-wide. */
	r->bo.lang = exh_i18n_lang();
	pthread_mutex_init(&r->mu, NULL);
	j.fn = bundle_job;
	j.ctx = r;
	if (tui_job_start(&j) == EXH_OK)
		wait_job(t, &j, _("Writing the evidence bundle"), draw_collect,
		    r);
	else
		j.rc = exh_err_set(&j.err, EXH_ENOMEM, 0, "cannot start");
	pthread_mutex_destroy(&r->mu);
	if (j.rc != EXH_OK) {
		(void)tui_wrap(t, &b, "", j.err.msg, 60);
		tui_msg(t, _("The bundle was not written"), b.data ?
		    b.data : "");
		exh_buf_free(&b);
		return;
	}
	sync();
	t->bundle_written = true;
	tui_printf(t->bundle_path, sizeof(t->bundle_path), "%s", r->bo.bundle.path);
	tui_printf(t->bundle_sha256, sizeof(t->bundle_sha256), "%s",
	    r->res.zip_sha256);
	if (r->bo.bundle.n_encrypt_certs > 0)
		tui_para(t, &v, _("Encrypted for the certificate: it was "
		    "read back and checked while writing; verify the .zip "
		    "after decrypting it.\n"), TUI_TEXT_W);
	else
		t->bundle_verified = verify_bundle(t, r->bo.bundle.path, password, &v);
	written_screen(t, r, v.data ? v.data : "");
	exh_buf_free(&v);
}

/* ---- the form ------------------------------------------------------ */

struct evidence_form {
	newtComponent dir, name, pw, pw2, cert, info, write, check, back;
};

/* Free bytes in dir; false when statvfs fails. */
static bool
free_space(const char *dir, uint64_t *have)
{
	struct statvfs vfs;

	if (statvfs(dir, &vfs) != 0)
		return false;
	*have = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return true;
}

/*
 * The space the bundle writer will demand, the same figure it refuses
 * with: the estimate (capped) plus its working margin, twice while
 * encrypting.  least is what a bundle of the documents alone needs;
 * between the two, the largest files are left out to fit.
 */
static bool
space_needed(struct tui *t, bool encrypt, uint64_t *est, uint64_t *need,
    uint64_t *least)
{
	struct exh_bundle_options o = { 0 };
	struct exh_err err;

	if (exh_triage_bundle_estimate(t->triage, 0, est, &err) != EXH_OK)
		return false;
	o.n_encrypt_certs = encrypt ? 1 : 0;
	*need = exh_bundle_space_needed(&o, *est);
	*least = exh_bundle_space_needed(&o, 1u << 20);
	return true;
}

static void
space_info(struct tui *t, const char *dir, bool encrypt, char *dst,
    size_t dstlen)
{
	uint64_t est, need, least, have;
	char e[32], m[32], n[32], h[32];
	const char *bad = bad_destination(t, dir);

	if (bad != NULL) {
		tui_printf(dst, dstlen, "%s", bad);
		return;
	}
	if (!space_needed(t, encrypt, &est, &need, &least) ||
	    !free_space(dir, &have)) {
		tui_printf(dst, dstlen, "%s", _("Free space unknown."));
		return;
	}
	tui_size(est, e, sizeof(e));
	tui_size(EXH_BUNDLE_SPACE_MARGIN, m, sizeof(m));
	tui_size(need, n, sizeof(n));
	tui_size(have, h, sizeof(h));
	tui_printf(dst, dstlen, _("Bundle about %s; with %s working margin%s "
	    "it needs %s. Free: %s%s"), e, m, encrypt ? _(" and room for the "
	    "encrypted copy") : "", n, h, have >= need ? "" : have >= least ?
	    _(". Too little for everything: the largest files are left out "
	    "first.") : _(". NOT ENOUGH: choose a directory on another "
	    "disk."));
}

/* Why the bundle cannot go to dir for lack of space, or NULL. */
static const char *
space_refusal(struct tui *t, const char *dir, bool encrypt, char *dst,
    size_t dstlen)
{
	uint64_t est, need, least, have;
	char l[32], h[32];

	if (!space_needed(t, encrypt, &est, &need, &least) ||
	    !free_space(dir, &have) || have >= least)
		return NULL;
	tui_size(least, l, sizeof(l));
	tui_size(have, h, sizeof(h));
	tui_printf(dst, dstlen, _("Not enough space: even without the "
	    "collected files the bundle needs %s, and %s is free. Choose a "
	    "directory on another disk."), l, h);
	return dst;
}

static void
build_form(struct tui *t, newtComponent f, struct evidence_form *e,
    const char *name)
{
	static const struct { int row; const char *label; } rows[] = {
		{ 2, N_("Directory:") }, { 4, N_("File name:") },
		{ 6, N_("Zip password:") }, { 7, N_("Password again:") },
		{ 9, N_("Encrypt for cert:") },
	};
	size_t i;
	int x = 20, w;

	/* Entries start after the widest label of the language shown, so
	 * "Passwort wiederholen:" is never cut. */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if ((w = tui_columns(_(rows[i].label)) + 2) > x)
			x = w;
	newtFormAddComponent(f, newtTextboxReflowed(1, 0, _("Default: the "
	    "evidence partition of the exhume stick. Password and "
	    "certificate are optional."), TUI_TEXT_W, 0, 0, 0));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		newtFormAddComponent(f, newtLabel(1, rows[i].row,
		    _(rows[i].label)));
	e->dir = newtEntry(x, 2, t->evidence_dir, TUI_WIN_W - x - 2, NULL,
	    NEWT_FLAG_SCROLL);
	e->name = newtEntry(x, 4, name, TUI_WIN_W - x - 2, NULL,
	    NEWT_FLAG_SCROLL);
	e->pw = newtEntry(x, 6, "", 30, NULL, NEWT_FLAG_PASSWORD |
	    NEWT_FLAG_SCROLL);
	e->pw2 = newtEntry(x, 7, "", 30, NULL, NEWT_FLAG_PASSWORD |
	    NEWT_FLAG_SCROLL);
	e->cert = newtEntry(x, 9, "", TUI_WIN_W - x - 2, NULL,
	    NEWT_FLAG_SCROLL);
	e->info = newtTextbox(1, 11, TUI_WIN_W - 2, 3, NEWT_FLAG_WRAP);
	e->write = newtButton(6, TUI_WIN_H - 5, _("Write"));
	e->check = newtButton(28, TUI_WIN_H - 5, _("Check space"));
	e->back = newtButton(52, TUI_WIN_H - 5, _("Back"));
	newtFormAddComponents(f, e->dir, e->name, e->pw, e->pw2, e->cert,
	    e->info, e->write, e->check, e->back, NULL);
	newtFormAddHotKey(f, NEWT_KEY_F10);
	newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
}

/* Checks the form; NULL when the bundle may be written, else why not. */
static const char *
check_form(struct tui *t, struct evidence_form *e, char *path, size_t plen,
    char *why, size_t whylen)
{
	const char *dir = newtEntryGetValue(e->dir);
	const char *name = newtEntryGetValue(e->name);
	const char *bad;
	struct stat st;
	int n;

	if ((bad = bad_destination(t, dir)) != NULL)
		return bad;
	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return _("The file name must be a plain name.");
	if (strcmp(newtEntryGetValue(e->pw), newtEntryGetValue(e->pw2)) != 0)
		return _("The two passwords differ.");
	n = tui_printf(path, plen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= plen)
		return _("The path is too long.");
	if (lstat(path, &st) == 0)
		return _("A file of that name exists; it is never "
		    "overwritten.");
	return space_refusal(t, dir, newtEntryGetValue(e->cert)[0] != '\0',
	    why, whylen);
}

void
tui_evidence_screen(struct tui *t)
{
	struct evidence_form e;
	struct bundle_run r;
	struct newtExitStruct es;
	enum tui_event ev;
	newtComponent f;
	char name[256], path[PATH_MAX], cert[PATH_MAX], pw[256], info[TUI_LINE];
	char why[TUI_LINE];
	const char *bad = NULL;
	bool go = false;

	if (t->bundle_written && !tui_ask(t, _("Evidence"), _("A bundle was "
	    "already written from this scan. Write another one?"), _("Yes"),
	    _("Back")))
		return;
	default_name(t, name, sizeof(name));
	tui_root(t, _("Write the evidence bundle"), _("Tab: next   F10: write"
	    "   Esc: back"));
	newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Evidence bundle"));
	f = tui_form(t);
	build_form(t, f, &e, name);
	for (;;) {
		space_info(t, newtEntryGetValue(e.dir),
		    newtEntryGetValue(e.cert)[0] != '\0', info, sizeof(info));
		newtTextboxSetText(e.info, bad ? bad : info);
		ev = tui_run_form(t, f, &es);
		if (ev == TUI_EV_TIMER || ev == TUI_EV_FD)
			continue;
		go = (ev == TUI_EV_COMPONENT && es.u.co == e.write) ||
		    (ev == TUI_EV_KEY && es.u.key == NEWT_KEY_F10);
		if (!go && ev == TUI_EV_COMPONENT && es.u.co != e.back) {
			bad = NULL;	/* Enter in a field, or "Check" */
			continue;
		}
		if (!go || (bad = check_form(t, &e, path, sizeof(path), why,
		    sizeof(why))) == NULL)
			break;
	}
	tui_printf(pw, sizeof(pw), "%s", newtEntryGetValue(e.pw));
	tui_printf(cert, sizeof(cert), "%s", newtEntryGetValue(e.cert));
	tui_printf(t->evidence_dir, sizeof(t->evidence_dir), "%s",
	    newtEntryGetValue(e.dir));
	newtFormDestroy(f);
	newtPopWindow();
	if (go && bad == NULL) {
		memset(&r, 0, sizeof(r));
		r.bo.bundle.path = path;
		r.bo.bundle.zip_password = pw[0] ? pw : NULL;
		if (cert[0] != '\0') {
			r.certs[0] = cert;
			r.bo.bundle.encrypt_certs = r.certs;
			r.bo.bundle.n_encrypt_certs = 1;
		}
		write_bundle(t, &r, pw[0] ? pw : NULL);
	}
	explicit_bzero(pw, sizeof(pw));
}
