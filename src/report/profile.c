/* The host profile as a document: JSON (fixed key order) and terminal text. */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

static void
jlist(struct exh_json *w, const char *key, char *const *l, size_t n)
{
	size_t i;

	exh_json_open(w, key, '[');
	for (i = 0; i < n; i++)
		exh_json_text(w, NULL, l[i]);
	exh_json_close(w, ']');
}

/* Support state, the table's date and the per-CVE verdicts. */
static void
json_cves(struct exh_json *w, const struct exh_profile *p)
{
	const struct exh_support_state *s = &p->support;
	size_t i;

	exh_json_open(w, "knowledge", '{');
	exh_json_text(w, "as_of", p->knowledge_as_of);
	exh_json_text(w, "last_update", p->knowledge_last_update);
	exh_json_close(w, '}');
	exh_json_open(w, "support", '{');
	exh_json_text(w, "product", s->product);
	exh_json_text(w, "version", s->version);
	exh_json_text(w, "cu", s->cu);
	exh_json_text(w, "update", s->update);
	exh_json_text(w, "released", s->released);
	exh_json_text(w, "channel", s->channel);
	exh_json_text(w, "state", s->state);
	exh_json_text(w, "ended", s->ended);
	exh_json_text(w, "reason", s->reason);
	exh_json_close(w, '}');
	exh_json_open(w, "cves", '[');
	for (i = 0; i < p->ncves; i++) {
		const struct exh_cve_verdict *v = &p->cves[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "cve", v->cve);
		exh_json_text(w, "title", v->title);
		exh_json_text(w, "group", v->group);
		exh_json_text(w, "verdict", exh_verdict_name(v->verdict));
		exh_json_bool(w, "not_assessed", v->not_assessed);
		exh_json_text(w, "fixed_by", v->fixed_by_list);
		exh_json_text(w, "fix_update", v->fix_update);
		exh_json_text(w, "fix_build", v->fix_build);
		exh_json_text(w, "fix_released", v->fix_released);
		exh_json_time(w, "fix_installed", v->fix_installed,
		    EXH_JSON_ABSENT_NULL);
		exh_json_text(w, "kev_added", v->kev);
		exh_json_text(w, "exploited_since", v->exploited_since);
		exh_json_text(w, "depends_on", v->depends);
		exh_json_text(w, "reason", v->reason);
		exh_json_text(w, "note", v->note);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

static void
json_iis(struct exh_json *w, const struct exh_profile *p)
{
	size_t i, k;

	exh_json_open(w, "iis", '{');
	exh_json_bool(w, "config_found", p->iis_config_found);
	exh_json_open(w, "sites", '[');
	for (i = 0; i < p->nsites; i++) {
		const struct exh_iis_site *s = &p->sites[i];

		exh_json_open(w, NULL, '{');
		exh_json_int(w, "id", s->id);
		exh_json_text(w, "name", s->name);
		exh_json_open(w, "bindings", '[');
		for (k = 0; k < s->nbindings; k++) {
			exh_json_open(w, NULL, '{');
			exh_json_text(w, "protocol", s->bindings[k].protocol);
			exh_json_text(w, "info", s->bindings[k].info);
			exh_json_close(w, '}');
		}
		exh_json_close(w, ']');
		exh_json_text(w, "log_dir", s->log_dir);
		exh_json_text(w, "log_dir_resolved", s->log_dir_resolved);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
	exh_json_open(w, "vdirs", '[');
	for (i = 0; i < p->nvdirs; i++) {
		const struct exh_iis_vdir *v = &p->vdirs[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "site", v->site);
		exh_json_text(w, "app_path", v->app_path);
		exh_json_text(w, "vdir_path", v->vdir_path);
		exh_json_text(w, "app_pool", v->app_pool);
		exh_json_text(w, "physical_path", v->physical_path);
		exh_json_text(w, "physical_resolved", v->physical_resolved);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
	jlist(w, "rewrite_rules", p->rewrite_rules, p->nrewrite_rules);
	exh_json_close(w, '}');
}

static void
json_exposures(struct exh_json *w, const struct exh_profile *p)
{
	size_t i;

	exh_json_open(w, "exposures", '[');
	for (i = 0; i < p->nexposures; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "area", x->area);
		exh_json_text(w, "subject", x->subject);
		exh_json_text(w, "state", exh_expo_state_name(x->state));
		exh_json_text(w, "expected", x->expected);
		exh_json_text(w, "actual", x->actual);
		exh_json_text(w, "cves", x->cves);
		exh_json_text(w, "path", x->path);
		exh_json_text(w, "reason", x->reason);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
}

void
report_profile_json(struct exh_json *w, const char *key,
    const struct exh_profile *p)
{
	size_t i;
	int f;

	exh_json_open(w, key, '{');
	exh_json_open(w, "windows", '{');
	exh_json_text(w, "computer_name", p->computer_name);
	exh_json_text(w, "domain", p->domain);
	exh_json_text(w, "product_name", p->product_name);
	exh_json_text(w, "current_build", p->current_build);
	exh_json_time(w, "install_date", p->install_date,
	    EXH_JSON_ABSENT_NULL);
	exh_json_text(w, "system_root", p->system_root);
	exh_json_text(w, "timezone_name", p->timezone_name);
	exh_json_int(w, "timezone_bias_minutes", p->timezone_bias_minutes);
	exh_json_int(w, "rtc_is_utc", p->rtc_is_utc);
	exh_json_time(w, "last_shutdown", p->last_shutdown,
	    EXH_JSON_ABSENT_NULL);
	exh_json_int(w, "control_set", p->control_set);
	exh_json_close(w, '}');

	exh_json_open(w, "exchange", '{');
	exh_json_bool(w, "present", p->exchange_present);
	exh_json_int(w, "version", p->exchange_version);
	exh_json_text(w, "version_key", p->exchange_version_key);
	exh_json_text(w, "install_path", p->install_path);
	exh_json_text(w, "install_path_source", p->install_path_source);
	exh_json_text(w, "env_install_path", p->env_install_path);
	exh_json_text(w, "registry_build", p->registry_build);
	exh_json_text(w, "exsetup_build", p->exsetup_build);
	exh_json_text(w, "exsetup_path", p->exsetup_path);
	exh_json_text(w, "product_display_version", p->product_display_version);
	jlist(w, "roles", p->roles, p->nroles);
	exh_json_bool(w, "um_installed", p->um_installed);
	exh_json_bool(w, "um_services_disabled", p->um_services_disabled);
	exh_json_bool(w, "msupdate_service", p->msupdate_service);
	exh_json_text(w, "msupdate_image", p->msupdate_image);
	exh_json_bool(w, "msert_patchstate", p->msert_patchstate);
	exh_json_text(w, "msert_detail", p->msert_detail);
	exh_json_open(w, "updates", '[');
	for (i = 0; i < p->nupdates; i++) {
		exh_json_open(w, NULL, '{');
		exh_json_text(w, "kb", p->updates[i].kb);
		exh_json_text(w, "display_name", p->updates[i].display_name);
		exh_json_time(w, "install_date", p->updates[i].install_date,
		    EXH_JSON_ABSENT_NULL);
		exh_json_text(w, "source", p->updates[i].source);
		exh_json_bool(w, "failed", p->updates[i].failed);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
	exh_json_close(w, '}');

	json_iis(w, p);

	exh_json_open(w, "verdicts", '[');
	for (f = 0; f < EXH_FAM_COUNT; f++) {
		const struct exh_family_verdict *v = &p->verdicts[f];

		exh_json_open(w, NULL, '{');
		exh_json_text(w, "family", exh_family_name(v->family));
		exh_json_text(w, "verdict", exh_verdict_name(v->verdict));
		exh_json_text(w, "build", v->build);
		exh_json_text(w, "cu", v->cu);
		exh_json_text(w, "fixed_build", v->fixed_build);
		exh_json_time(w, "fix_installed_since", v->fix_installed_since,
		    EXH_JSON_ABSENT_NULL);
		exh_json_bool(w, "still_vulnerable", v->still_vulnerable);
		exh_json_text(w, "reason", v->reason);
		exh_json_text(w, "evidence", v->evidence);
		exh_json_close(w, '}');
	}
	exh_json_close(w, ']');
	json_cves(w, p);
	json_exposures(w, p);
	jlist(w, "notes", p->notes, p->nnotes);
	exh_json_close(w, '}');
}

int
exh_report_profile_json(const struct exh_profile *p, struct exh_buf *out)
{
	struct exh_json w;

	exh_json_init(&w, out);
	report_profile_json(&w, NULL, p);
	return exh_json_status(&w);
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
		/* "site " and a long fit label. */
		(void)snprintf(label, sizeof(label), "site %ld",
		    p->sites[i].id);
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

/* One line per CVE that applies; counts for the rest. */
static int
text_cves(const struct exh_profile *p, struct exh_buf *b)
{
	size_t i, na = 0, nas = 0;
	int rc;

	if (p->cvemap == NULL)
		return EXH_OK;
	rc = exh_buf_puts(b, "\nSupport and CVEs\n");
	if (rc == EXH_OK)
		rc = line(b, "knowledge as of", p->knowledge_as_of);
	if (rc == EXH_OK && p->support.product[0] != '\0')
		rc = line(b, "support", p->support.reason);
	for (i = 0; i < p->ncves && rc == EXH_OK; i++) {
		const struct exh_cve_verdict *v = &p->cves[i];

		if (v->verdict == EXH_VERDICT_NOT_AFFECTED) {
			na++;
			continue;
		}
		if (v->not_assessed) {
			nas++;
			continue;
		}
		rc = exh_buf_printf(b, "%-22s %s", v->cve,
		    exh_verdict_name(v->verdict));
		if (rc == EXH_OK && v->fix_update[0] != '\0')
			rc = exh_buf_printf(b, " (%s %s, released %s)",
			    v->fix_update, v->fix_build, v->fix_released[0] ?
			    v->fix_released : "unknown");
		if (rc == EXH_OK && v->exploited_since[0] != '\0')
			rc = exh_buf_printf(b, "; exploited since %s",
			    v->exploited_since);
		if (rc == EXH_OK)
			rc = exh_buf_putc(b, '\n');
		if (rc == EXH_OK)
			rc = line(b, "  why", v->reason);
	}
	if (rc == EXH_OK && (na > 0 || nas > 0))
		rc = exh_buf_printf(b, "%-22s %zu not affected, %zu not assessed "
		    "(published after the version left support)\n", "others",
		    na, nas);
	return rc;
}

/* One line per exposure that is not as expected; a count for the rest. */
static int
text_exposures(const struct exh_profile *p, struct exh_buf *b)
{
	size_t i, ok = 0;
	int rc;

	if (p->nexposures == 0)
		return EXH_OK;
	rc = exh_buf_puts(b, "\nConfiguration exposures\n");
	for (i = 0; i < p->nexposures && rc == EXH_OK; i++) {
		const struct exh_exposure *x = &p->exposures[i];

		if (x->state == EXH_EXPO_OK || x->state == EXH_EXPO_NOT_NEEDED) {
			ok++;
			continue;
		}
		rc = exh_buf_printf(b, "%-22s ", exh_expo_state_name(x->state));
		if (rc == EXH_OK)
			rc = exh_esc_term(b, x->reason, strlen(x->reason));
		if (rc == EXH_OK)
			rc = exh_buf_putc(b, '\n');
	}
	if (rc == EXH_OK && ok > 0)
		rc = exh_buf_printf(b, "%-22s %zu as expected or not needed\n",
		    "ok", ok);
	return rc;
}

int
exh_report_profile_text(const struct exh_profile *p, struct exh_buf *out)
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
	/* An int and the longest RTC text fit num[64]. */
	(void)snprintf(num, sizeof(num), "%d min (UTC = local + bias); RTC %s",
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
		/* "update " and an ISO time (at most 31) fit num[64]. */
		(void)snprintf(num, sizeof(num), "update %s",
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
	if (rc == EXH_OK)
		rc = text_cves(p, out);
	if (rc == EXH_OK)
		rc = text_exposures(p, out);
	if (rc == EXH_OK && p->nnotes > 0)
		rc = exh_buf_puts(out, "\nNotes\n");
	for (i = 0; i < p->nnotes && rc == EXH_OK; i++)
		rc = line(out, "note", p->notes[i]);
	return rc;
}
