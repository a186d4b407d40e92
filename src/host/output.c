/* Host profile output: JSON (stable key order) and terminal text, every string escaped. */
#include <stdio.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

struct jw {
	struct exh_buf *b;
	int rc;
	bool first;
};

static void
jraw(struct jw *w, const char *s)
{
	if (w->rc == EXH_OK)
		w->rc = exh_buf_puts(w->b, s);
}

static void
jkey(struct jw *w, const char *key)
{
	if (!w->first)
		jraw(w, ",");
	w->first = false;
	if (key != NULL && w->rc == EXH_OK)
		w->rc = exh_buf_printf(w->b, "\"%s\":", key);
}

static void
jstr(struct jw *w, const char *key, const char *val)
{
	jkey(w, key);
	jraw(w, "\"");
	if (w->rc == EXH_OK && val != NULL)
		w->rc = exh_esc_json(w->b, val, strlen(val));
	jraw(w, "\"");
}

static void
jint(struct jw *w, const char *key, long long v)
{
	jkey(w, key);
	if (w->rc == EXH_OK)
		w->rc = exh_buf_printf(w->b, "%lld", v);
}

static void
jbool(struct jw *w, const char *key, bool v)
{
	jkey(w, key);
	jraw(w, v ? "true" : "false");
}

static void
jtime(struct jw *w, const char *key, int64_t ft)
{
	char iso[32];

	if (ft == 0) {
		jkey(w, key);
		jraw(w, "null");
	} else
		jstr(w, key, exh_filetime_iso(ft, iso));
}

static void
jopen(struct jw *w, const char *key, const char *bracket)
{
	jkey(w, key);
	jraw(w, bracket);
	w->first = true;
}

static void
jclose(struct jw *w, const char *bracket)
{
	jraw(w, bracket);
	w->first = false;
}

static void
jlist(struct jw *w, const char *key, char *const *l, size_t n)
{
	size_t i;

	jopen(w, key, "[");
	for (i = 0; i < n; i++)
		jstr(w, NULL, l[i]);
	jclose(w, "]");
}

static void
json_iis(struct jw *w, const struct exh_profile *p)
{
	size_t i, k;

	jopen(w, "iis", "{");
	jbool(w, "config_found", p->iis_config_found);
	jopen(w, "sites", "[");
	for (i = 0; i < p->nsites; i++) {
		const struct exh_iis_site *s = &p->sites[i];

		jopen(w, NULL, "{");
		jint(w, "id", s->id);
		jstr(w, "name", s->name);
		jopen(w, "bindings", "[");
		for (k = 0; k < s->nbindings; k++) {
			jopen(w, NULL, "{");
			jstr(w, "protocol", s->bindings[k].protocol);
			jstr(w, "info", s->bindings[k].info);
			jclose(w, "}");
		}
		jclose(w, "]");
		jstr(w, "log_dir", s->log_dir);
		jstr(w, "log_dir_resolved", s->log_dir_resolved);
		jclose(w, "}");
	}
	jclose(w, "]");
	jopen(w, "vdirs", "[");
	for (i = 0; i < p->nvdirs; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		jopen(w, NULL, "{");
		jstr(w, "site", v->site);
		jstr(w, "app_path", v->app_path);
		jstr(w, "vdir_path", v->vdir_path);
		jstr(w, "app_pool", v->app_pool);
		jstr(w, "physical_path", v->physical_path);
		jstr(w, "physical_resolved", v->physical_resolved);
		jclose(w, "}");
	}
	jclose(w, "]");
	jlist(w, "rewrite_rules", p->rewrite_rules, p->nrewrite_rules);
	jclose(w, "}");
}

int
exh_profile_to_json(const struct exh_profile *p, struct exh_buf *out)
{
	struct jw w = { out, EXH_OK, true };
	size_t i;
	int f;

	jraw(&w, "{");
	w.first = true;
	jopen(&w, "windows", "{");
	jstr(&w, "computer_name", p->computer_name);
	jstr(&w, "domain", p->domain);
	jstr(&w, "product_name", p->product_name);
	jstr(&w, "current_build", p->current_build);
	jtime(&w, "install_date", p->install_date);
	jstr(&w, "system_root", p->system_root);
	jstr(&w, "timezone_name", p->timezone_name);
	jint(&w, "timezone_bias_minutes", p->timezone_bias_minutes);
	jint(&w, "rtc_is_utc", p->rtc_is_utc);
	jtime(&w, "last_shutdown", p->last_shutdown);
	jint(&w, "control_set", p->control_set);
	jclose(&w, "}");

	jopen(&w, "exchange", "{");
	jbool(&w, "present", p->exchange_present);
	jint(&w, "version", p->exchange_version);
	jstr(&w, "version_key", p->exchange_version_key);
	jstr(&w, "install_path", p->install_path);
	jstr(&w, "install_path_source", p->install_path_source);
	jstr(&w, "env_install_path", p->env_install_path);
	jstr(&w, "registry_build", p->registry_build);
	jstr(&w, "exsetup_build", p->exsetup_build);
	jstr(&w, "exsetup_path", p->exsetup_path);
	jstr(&w, "product_display_version", p->product_display_version);
	jlist(&w, "roles", p->roles, p->nroles);
	jbool(&w, "um_installed", p->um_installed);
	jbool(&w, "um_services_disabled", p->um_services_disabled);
	jbool(&w, "msupdate_service", p->msupdate_service);
	jstr(&w, "msupdate_image", p->msupdate_image);
	jbool(&w, "msert_patchstate", p->msert_patchstate);
	jstr(&w, "msert_detail", p->msert_detail);
	jopen(&w, "updates", "[");
	for (i = 0; i < p->nupdates; i++) {
		jopen(&w, NULL, "{");
		jstr(&w, "kb", p->updates[i].kb);
		jstr(&w, "display_name", p->updates[i].display_name);
		jtime(&w, "install_date", p->updates[i].install_date);
		jstr(&w, "source", p->updates[i].source);
		jbool(&w, "failed", p->updates[i].failed);
		jclose(&w, "}");
	}
	jclose(&w, "]");
	jclose(&w, "}");

	json_iis(&w, p);

	jopen(&w, "verdicts", "[");
	for (f = 0; f < EXH_FAM_COUNT; f++) {
		const struct exh_family_verdict *v = &p->verdicts[f];

		jopen(&w, NULL, "{");
		jstr(&w, "family", exh_family_name(v->family));
		jstr(&w, "verdict", exh_verdict_name(v->verdict));
		jstr(&w, "build", v->build);
		jstr(&w, "cu", v->cu);
		jstr(&w, "fixed_build", v->fixed_build);
		jtime(&w, "fix_installed_since", v->fix_installed_since);
		jbool(&w, "still_vulnerable", v->still_vulnerable);
		jstr(&w, "reason", v->reason);
		jstr(&w, "evidence", v->evidence);
		jclose(&w, "}");
	}
	jclose(&w, "]");
	jlist(&w, "notes", p->notes, p->nnotes);
	jraw(&w, "}");
	return w.rc;
}

/* "label: value\n" with value escaped for the terminal. */
static int
line(struct exh_buf *b, const char *label, const char *val)
{
	int rc = exh_buf_printf(b, "%-22s ", label);

	if (rc == EXH_OK)
		rc = exh_esc_term(b, val, strlen(val));
	if (rc == EXH_OK)
		rc = exh_buf_putc(b, '\n');
	return rc;
}

static const char *
when(int64_t ft, char iso[32])
{
	return ft == 0 ? "unknown" : exh_filetime_iso(ft, iso);
}

static int
text_iis(const struct exh_profile *p, struct exh_buf *b)
{
	size_t i, k;
	int rc = exh_buf_puts(b, "\nIIS\n");
	char label[32];

	for (i = 0; i < p->nsites && rc == EXH_OK; i++) {
		snprintf(label, sizeof(label), "site %ld", p->sites[i].id);
		rc = line(b, label, p->sites[i].name);
		for (k = 0; k < p->sites[i].nbindings && rc == EXH_OK; k++) {
			rc = line(b, "  binding protocol",
			    p->sites[i].bindings[k].protocol);
			if (rc == EXH_OK)
				rc = line(b, "  binding info",
				    p->sites[i].bindings[k].info);
		}
		if (rc == EXH_OK)
			rc = line(b, "  logs", p->sites[i].log_dir_resolved);
	}
	for (i = 0; i < p->nvdirs && rc == EXH_OK; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		rc = exh_buf_printf(b, "%-22s ", "vdir");
		if (rc == EXH_OK)
			rc = exh_esc_term(b, v->site, strlen(v->site));
		if (rc == EXH_OK)
			rc = exh_buf_putc(b, ' ');
		if (rc == EXH_OK)
			rc = exh_esc_term(b, v->app_path, strlen(v->app_path));
		if (rc == EXH_OK)
			rc = exh_buf_puts(b, " -> ");
		if (rc == EXH_OK)
			rc = exh_esc_term(b, v->physical_resolved,
			    strlen(v->physical_resolved));
		if (rc == EXH_OK)
			rc = exh_buf_putc(b, '\n');
	}
	for (i = 0; i < p->nrewrite_rules && rc == EXH_OK; i++)
		rc = line(b, "rewrite rule", p->rewrite_rules[i]);
	return rc;
}

int
exh_profile_to_text(const struct exh_profile *p, struct exh_buf *out)
{
	char iso[32], num[64];
	size_t i;
	int rc, f;

	rc = exh_buf_puts(out, "Windows\n");
	if (rc == EXH_OK)
		rc = line(out, "computer name", p->computer_name);
	if (rc == EXH_OK)
		rc = line(out, "domain", p->domain);
	if (rc == EXH_OK)
		rc = line(out, "product", p->product_name);
	if (rc == EXH_OK)
		rc = line(out, "build", p->current_build);
	if (rc == EXH_OK)
		rc = line(out, "installed", when(p->install_date, iso));
	if (rc == EXH_OK)
		rc = line(out, "time zone", p->timezone_name);
	snprintf(num, sizeof(num), "%d min (UTC = local + bias); RTC %s",
	    p->timezone_bias_minutes, p->rtc_is_utc == 1 ? "UTC" :
	    p->rtc_is_utc == 0 ? "local time" : "unknown");
	if (rc == EXH_OK)
		rc = line(out, "bias", num);
	if (rc == EXH_OK)
		rc = line(out, "last shutdown", when(p->last_shutdown, iso));
	if (rc == EXH_OK)
		rc = exh_buf_puts(out, "\nExchange\n");
	if (rc == EXH_OK)
		rc = line(out, "present", p->exchange_present ? "yes" : "no");
	if (rc == EXH_OK)
		rc = line(out, "install path", p->install_path);
	if (rc == EXH_OK)
		rc = line(out, "  from", p->install_path_source);
	if (rc == EXH_OK)
		rc = line(out, "ExSetup.exe build", p->exsetup_build);
	if (rc == EXH_OK)
		rc = line(out, "registry build", p->registry_build);
	for (i = 0; i < p->nroles && rc == EXH_OK; i++)
		rc = line(out, "role", p->roles[i]);
	if (rc == EXH_OK)
		rc = line(out, "Unified Messaging", p->um_installed ?
		    (p->um_services_disabled ? "installed, services disabled" :
		    "installed") : "not found");
	for (i = 0; i < p->nupdates && rc == EXH_OK; i++) {
		snprintf(num, sizeof(num), "update %s",
		    when(p->updates[i].install_date, iso));
		rc = line(out, num, p->updates[i].display_name);
	}
	if (rc == EXH_OK)
		rc = text_iis(p, out);
	if (rc == EXH_OK)
		rc = exh_buf_puts(out, "\nVerdicts\n");
	for (f = 0; f < EXH_FAM_COUNT && rc == EXH_OK; f++) {
		const struct exh_family_verdict *v = &p->verdicts[f];

		rc = exh_buf_printf(out, "%-22s %s", exh_family_name(f),
		    exh_verdict_name(v->verdict));
		if (rc == EXH_OK && v->fix_installed_since != 0)
			rc = exh_buf_printf(out, ", fix installed %s",
			    exh_filetime_iso(v->fix_installed_since, iso));
		if (rc == EXH_OK && v->still_vulnerable)
			rc = exh_buf_puts(out, ", STILL VULNERABLE");
		if (rc == EXH_OK)
			rc = exh_buf_putc(out, '\n');
		if (rc == EXH_OK)
			rc = line(out, "  why", v->reason);
		if (rc == EXH_OK)
			rc = line(out, "  evidence", v->evidence);
	}
	if (rc == EXH_OK && p->nnotes > 0)
		rc = exh_buf_puts(out, "\nNotes\n");
	for (i = 0; i < p->nnotes && rc == EXH_OK; i++)
		rc = line(out, "note", p->notes[i]);
	return rc;
}
