/* Host profile: assembly from hives, ExSetup.exe and IIS config; notes and fallbacks; exposure windows. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

#define SYSTEM_HIVE	"C:\\Windows\\System32\\config\\SYSTEM"
#define SOFTWARE_HIVE	"C:\\Windows\\System32\\config\\SOFTWARE"

static struct exh_profile *
profile_new(void)
{
	struct exh_profile *p = calloc(1, sizeof(*p));
	char **strs[] = {
		&p->computer_name, &p->domain, &p->product_name,
		&p->current_build, &p->timezone_name, &p->exchange_version_key,
		&p->install_path, &p->install_path_source,
		&p->env_install_path, &p->registry_build, &p->exsetup_build,
		&p->exsetup_path, &p->product_display_version,
		&p->msupdate_image, &p->msert_detail,
	};
	size_t i;
	int f;

	if (p == NULL)
		return NULL;
	p->rtc_is_utc = -1;
	/* -3: the hive that holds the value was not read. */
	p->eems_start = -3;
	p->serialization_signing = -3;
	p->system_root = strdup("C:\\Windows");
	if (p->system_root == NULL)
		goto fail;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if ((*strs[i] = strdup("")) == NULL)
			goto fail;
	for (f = 0; f < EXH_FAM_COUNT; f++) {
		struct exh_family_verdict *v = &p->verdicts[f];

		v->family = f;
		v->build = strdup("");
		v->cu = strdup("");
		v->fixed_build = strdup("");
		v->evidence = strdup("");
		v->reason = strdup("not evaluated");
		exh_msg_setf(&v->why, "not evaluated");
		if (v->build == NULL || v->cu == NULL || v->fixed_build == NULL ||
		    v->evidence == NULL || v->reason == NULL)
			goto fail;
	}
	return p;
fail:
	exh_profile_free(p);
	return NULL;
}

void
exh_profile_free(struct exh_profile *p)
{
	size_t i, k;
	int f;

	if (p == NULL)
		return;
	free(p->computer_name);
	free(p->domain);
	free(p->product_name);
	free(p->current_build);
	free(p->system_root);
	free(p->timezone_name);
	free(p->exchange_version_key);
	free(p->install_path);
	free(p->install_path_source);
	free(p->env_install_path);
	free(p->registry_build);
	free(p->exsetup_build);
	free(p->exsetup_path);
	free(p->product_display_version);
	free(p->msupdate_image);
	free(p->msert_detail);
	exh_strvec_free(p->roles, p->nroles);
	for (i = 0; p->updates != NULL && i < p->nupdates; i++) {
		free(p->updates[i].kb);
		free(p->updates[i].display_name);
		free(p->updates[i].source);
	}
	free(p->updates);
	for (i = 0; p->sites != NULL && i < p->nsites; i++) {
		for (k = 0; k < p->sites[i].nbindings; k++) {
			free(p->sites[i].bindings[k].protocol);
			free(p->sites[i].bindings[k].info);
		}
		free(p->sites[i].bindings);
		free(p->sites[i].name);
		free(p->sites[i].log_dir);
		free(p->sites[i].log_dir_resolved);
	}
	free(p->sites);
	for (i = 0; p->vdirs != NULL && i < p->nvdirs; i++) {
		free(p->vdirs[i].site);
		free(p->vdirs[i].app_path);
		free(p->vdirs[i].vdir_path);
		free(p->vdirs[i].physical_path);
		free(p->vdirs[i].physical_resolved);
		free(p->vdirs[i].app_pool);
	}
	free(p->vdirs);
	exh_strvec_free(p->rewrite_rules, p->nrewrite_rules);
	host_exposures_free(p->exposures, p->nexposures);
	for (f = 0; f < EXH_FAM_COUNT; f++) {
		free(p->verdicts[f].build);
		free(p->verdicts[f].cu);
		free(p->verdicts[f].fixed_build);
		free(p->verdicts[f].evidence);
		free(p->verdicts[f].reason);
	}
	exh_strvec_free(p->notes, p->nnotes);
	exh_msgs_free(p->note_msgs);
	exh_builds_free(p->builds);
	free(p->cves);
	exh_cvemap_free(p->cvemap);
	free(p);
}

static bool
same_dir(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && a[la - 1] == '\\')
		la--;
	while (lb > 0 && b[lb - 1] == '\\')
		lb--;
	if (la != lb)
		return false;
	for (; la > 0; la--, a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return true;
}

/* Copies dir with exactly one trailing backslash. */
static char *
with_slash(const char *dir)
{
	struct exh_buf b = { 0 };
	size_t n = strlen(dir);

	while (n > 0 && dir[n - 1] == '\\')
		n--;
	if (exh_buf_append(&b, dir, n) != EXH_OK || exh_buf_putc(&b, '\\')) {
		exh_buf_free(&b);
		return NULL;
	}
	return exh_buf_take(&b);
}

/* Default install directories: scope.txt default-exchange lines, else
 * the Exchange 2013+ and 2010 defaults. */
static int
default_dirs(const char *rules_dir, char ***dirs, size_t *n)
{
	char path[4096], *line;
	struct exh_lines *lr = NULL;
	struct exh_err err;
	size_t len;
	FILE *f;
	int rc = EXH_OK, got;

	/* Shorter than the build table path exh_profile_build checked. */
	if (snprintf(path, sizeof(path), "%s/scope.txt", rules_dir) >=
	    (int)sizeof(path))
		return EXH_EUSAGE;
	if ((f = fopen(path, "re")) != NULL)
		rc = exh_lines_open(f, path, EXH_LINES_TRIM |
		    EXH_LINES_SKIP_BLANK | EXH_LINES_SKIP_COMMENT, &lr, &err);
	/* A damaged line or a read error only costs the lines it hides:
	 * the scope reader reports them, and the defaults remain. */
	while (lr != NULL && rc == EXH_OK &&
	    (got = exh_lines_next(lr, &line, &len, &err)) != EXH_STOP &&
	    got != EXH_EIO) {
		char *s = line, *d;

		if (got == EXH_ENOMEM) {
			rc = got;
			break;
		}
		if (got != EXH_OK ||
		    strncmp(s, "default-exchange", 16) != 0 ||
		    (s[16] != ' ' && s[16] != '\t'))
			continue;
		for (s += 16; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0')
			continue;
		if ((d = with_slash(s)) == NULL)
			rc = EXH_ENOMEM;
		else {
			rc = exh_strvec_push(dirs, n, d);
			free(d);
		}
	}
	exh_lines_close(lr);
	if (f != NULL)
		fclose(f);
	if (rc == EXH_OK && *n == 0) {
		rc = exh_strvec_push(dirs, n, "C:\\Program Files\\Microsoft\\"
		    "Exchange Server\\V15\\");
		if (rc == EXH_OK)
			rc = exh_strvec_push(dirs, n, "C:\\Program Files\\"
			    "Microsoft\\Exchange Server\\V14\\");
	}
	return rc;
}

struct profile_reader {
	exh_profile_read_fn fn;
	void *ctx;
};

/* Reads path; on failure records "what: not read: why" and returns the
 * local status (EXH_ENOMEM passes through as ENOMEM). */
static int
fetch(struct exh_profile *p, const struct profile_reader *r, const char *what,
    const char *path, size_t max, struct exh_buf *out, bool quiet_missing)
{
	struct exh_err e = { 0 };
	int rc;

	exh_buf_reset(out);
	rc = r->fn(r->ctx, path, max, out, &e);
	if (rc == EXH_OK)
		return EXH_OK;
	if (rc == EXH_ENOMEM)
		return EXH_ENOMEM;
	if (!(quiet_missing && rc == EXH_ENOTFOUND) &&
	    host_note(p, "%s: not read: %s", what, e.msg[0] != '\0' ? e.msg :
	    exh_status_name(rc)) != EXH_OK)
		return EXH_ENOMEM;
	return rc == EXH_OK ? EXH_EIO : rc;
}

static int
read_exsetup(struct exh_profile *p, const struct profile_reader *r,
    const char *dir, bool quiet_missing)
{
	struct exh_buf b = { 0 }, path = { 0 };
	struct exh_err e = { 0 };
	uint16_t v[4];
	char build[32];
	int rc;

	if (exh_buf_printf(&path, "%sBin\\ExSetup.exe", dir) != EXH_OK)
		return EXH_ENOMEM;
	rc = fetch(p, r, "ExSetup.exe", path.data, EXH_PE_MAX_BYTES, &b,
	    quiet_missing);
	if (rc == EXH_OK) {
		rc = exh_pe_file_version((const unsigned char *)b.data, b.len,
		    v, &e);
		if (rc == EXH_OK) {
			/* Four 16-bit numbers always fit build[32]. */
			if (snprintf(build, sizeof(build), "%u.%u.%u.%u",
			    v[0], v[1], v[2], v[3]) >= (int)sizeof(build))
				rc = EXH_EUSAGE;
			else
				rc = host_set_str(&p->exsetup_build, build);
			if (rc == EXH_OK)
				rc = host_set_str(&p->exsetup_path, path.data);
		} else {
			rc = host_note(p, "%s: no version: %s", path.data,
			    e.msg) != EXH_OK ? EXH_ENOMEM : EXH_ECORRUPT;
			/* The file exists even though it is damaged. */
			if (rc == EXH_ECORRUPT &&
			    host_set_str(&p->exsetup_path, path.data) != EXH_OK)
				rc = EXH_ENOMEM;
		}
	}
	exh_buf_free(&b);
	exh_buf_free(&path);
	return rc;
}

/* Install path from the registry, the environment, or the defaults. */
static int
locate_exchange(struct exh_profile *p, const struct profile_reader *r,
    const char *rules_dir)
{
	char **dirs = NULL, *d;
	size_t n = 0, i;
	int rc;

	if (p->install_path[0] != '\0') {
		if ((d = with_slash(p->install_path)) == NULL)
			return EXH_ENOMEM;
		free(p->install_path);
		p->install_path = d;
		if (p->env_install_path[0] != '\0' &&
		    !same_dir(p->env_install_path, p->install_path) &&
		    host_note(p, "install path disagreement: MsiInstallPath "
		    "%s, ExchangeInstallPath %s", p->install_path,
		    p->env_install_path) != EXH_OK)
			return EXH_ENOMEM;
		rc = read_exsetup(p, r, p->install_path, false);
		return rc == EXH_ENOMEM ? rc : EXH_OK;
	}
	if (p->env_install_path[0] != '\0') {
		if ((d = with_slash(p->env_install_path)) == NULL)
			return EXH_ENOMEM;
		free(p->install_path);
		p->install_path = d;
		if (host_set_str(&p->install_path_source, "SYSTEM\\CurrentControlSet\\"
		    "Control\\Session Manager\\Environment\\"
		    "ExchangeInstallPath (MsiInstallPath missing)") != EXH_OK)
			return EXH_ENOMEM;
		p->exchange_present = true;
		rc = read_exsetup(p, r, p->install_path, false);
		return rc == EXH_ENOMEM ? rc : EXH_OK;
	}
	if ((rc = default_dirs(rules_dir, &dirs, &n)) != EXH_OK)
		goto out;
	for (i = 0; i < n; i++) {
		rc = read_exsetup(p, r, dirs[i], true);
		if (rc == EXH_ENOMEM)
			goto out;
		if (rc == EXH_OK || rc == EXH_ECORRUPT)
			break;
	}
	rc = EXH_OK;
	if (i == n) {
		rc = host_note(p, "Exchange not found: no install path in the "
		    "hives and no Bin\\ExSetup.exe under the default paths");
		goto out;
	}
	p->exchange_present = true;
	if (host_set_str(&p->install_path, dirs[i]) != EXH_OK ||
	    host_set_str(&p->install_path_source, "default path: no MsiInstallPath "
	    "or ExchangeInstallPath in the hives; Bin\\ExSetup.exe found "
	    "there") != EXH_OK)
		rc = EXH_ENOMEM;
	else
		rc = host_note(p, "install path %s is a default path, not "
		    "read from the registry", dirs[i]);
out:
	exh_strvec_free(dirs, n);
	return rc;
}

/*
 * A dirty hive (a write Windows did not finish) gets its transaction logs
 * replayed over the copy in b; what happened becomes a note either way.
 * what is SYSTEM or SOFTWARE, so the names always fit.
 */
static int
replay_logs(struct exh_profile *p, const struct profile_reader *r,
    const char *what, const char *path, struct exh_buf *b)
{
	struct exh_buf log[2] = { { 0 }, { 0 } }, lpath = { 0 };
	char names[2][32];
	struct exh_hive_replay out = { .log_names = { names[0], names[1] } };
	struct exh_err e = { 0 };
	int i, rc = EXH_OK;

	if (!exh_hive_is_dirty(b->data, b->len))
		return EXH_OK;
	for (i = 0; i < 2 && rc != EXH_ENOMEM; i++) {
		snprintf(names[i], sizeof(names[i]), "%s.LOG%d", what, i + 1);
		exh_buf_reset(&lpath);
		if (exh_buf_printf(&lpath, "%s.LOG%d", path, i + 1) != EXH_OK)
			rc = EXH_ENOMEM;
		else
			rc = fetch(p, r, names[i], lpath.data,
			    EXH_HIVE_LOG_MAX_BYTES, &log[i], true);
	}
	if (rc != EXH_ENOMEM)
		rc = exh_hive_replay_logs(b, log[0].data, log[0].len,
		    log[1].data, log[1].len, &out, &e);
	if (rc == EXH_OK && out.note[0] != '\0')
		rc = host_note(p, "%s hive: %s", what, out.note);
	for (i = 0; i < 2; i++)
		exh_buf_free(&log[i]);
	exh_buf_free(&lpath);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}

static int
read_hive(struct exh_profile *p, const struct profile_reader *r, const char *what,
    const char *path)
{
	struct exh_buf b = { 0 };
	char label[32];
	int rc;

	/* what is SYSTEM or SOFTWARE: the label always fits. */
	if (snprintf(label, sizeof(label), "%s hive", what) >=
	    (int)sizeof(label))
		return EXH_EUSAGE;
	rc = fetch(p, r, label, path, EXH_HIVE_MAX_BYTES, &b, false);
	if (rc == EXH_OK)
		rc = replay_logs(p, r, what, path, &b);
	if (rc == EXH_OK)
		rc = what[1] == 'O' ? host_read_software(p, b.data, b.len) :
		    host_read_system(p, b.data, b.len);
	exh_buf_free(&b);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}

static int
read_iis(struct exh_profile *p, const struct profile_reader *r)
{
	struct exh_buf b = { 0 }, path = { 0 };
	int rc;

	if (exh_buf_printf(&path, "%s\\System32\\inetsrv\\config\\"
	    "applicationHost.config", p->system_root) != EXH_OK)
		return EXH_ENOMEM;
	rc = fetch(p, r, "applicationHost.config", path.data,
	    EXH_IISCONF_MAX_BYTES, &b, false);
	if (rc == EXH_OK)
		rc = host_read_iis(p, b.data, b.len);
	exh_buf_free(&b);
	exh_buf_free(&path);
	return rc == EXH_ENOMEM ? rc : EXH_OK;
}

int
exh_profile_build_from(exh_profile_read_fn read, void *ctx,
    const char *rules_dir, struct exh_profile **out, struct exh_err *err)
{
	struct exh_profile *p;
	struct profile_reader r = { read, ctx };
	struct exh_err e = { 0 };
	char path[4096];
	int rc;

	if (read == NULL || rules_dir == NULL || out == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "profile: no reader or rules directory");
	if ((p = profile_new()) == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "profile: out of memory");
	if (snprintf(path, sizeof(path), "%s/exchange-builds.tsv",
	    rules_dir) >= (int)sizeof(path)) {
		exh_profile_free(p);
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "profile: rules directory path too long");
	}
	rc = exh_builds_load(path, &p->builds, &e);
	if (rc == EXH_ENOMEM)
		goto nomem;
	if (rc != EXH_OK && host_note(p, "build table: %s; verdicts unknown",
	    e.msg) != EXH_OK)
		goto nomem;
	if (host_load_cvemap(p, rules_dir) != EXH_OK ||
	    read_hive(p, &r, "SYSTEM", SYSTEM_HIVE) != EXH_OK ||
	    read_hive(p, &r, "SOFTWARE", SOFTWARE_HIVE) != EXH_OK ||
	    locate_exchange(p, &r, rules_dir) != EXH_OK ||
	    read_iis(p, &r) != EXH_OK ||
	    host_compute_verdicts(p, p->builds) != EXH_OK ||
	    host_read_exposures(p, read, ctx, rules_dir) != EXH_OK ||
	    host_read_owa(p, read, ctx, rules_dir) != EXH_OK)
		goto nomem;
	*out = p;
	return EXH_OK;
nomem:
	exh_profile_free(p);
	return exh_err_set(err, EXH_ENOMEM, ENOMEM, "profile: out of memory");
}
