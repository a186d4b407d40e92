/* Registry part of the host profile: SOFTWARE and SYSTEM hives through hivex, opened from memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hivex.h>

#include "exhume/host.h"
#include "host_int.h"
#include "traces_int.h"

#define EXCH_PRODUCT_1619 "{CD981244-E9B8-405A-9026-6AEB9DCEF1F1}"
#define EXCH_PRODUCT_1013 "{4934D1EA-BE46-48B1-8847-F1AF20E892C1}"
#define MAX_SUBKEYS 100000

/* The hive in memory, or NULL with the reason as a profile note. */
static hive_h *
open_mem(const void *data, size_t len, const char *what,
    struct exh_profile *p, int *rc)
{
	struct exh_err err;
	hive_h *h;

	*rc = EXH_OK;
	if ((h = host_hive_open(data, len, &err)) == NULL)
		*rc = host_note(p, "%s hive: %s", what, err.msg);
	return h;
}

/* Follows a backslash-separated path of key names (case-insensitive). */
static hive_node_h
node_at(hive_h *h, hive_node_h from, const char *path)
{
	char comp[256];
	const char *s = path, *e;
	hive_node_h n = from;

	while (n != 0 && *s != '\0') {
		e = strchr(s, '\\');
		if (e == NULL)
			e = s + strlen(s);
		if ((size_t)(e - s) >= sizeof(comp))
			return 0;
		memcpy(comp, s, (size_t)(e - s));
		comp[e - s] = '\0';
		n = hivex_node_get_child(h, n, comp);
		s = *e == '\\' ? e + 1 : e;
	}
	return n;
}

/* Raw value bytes, or NULL when absent. */
static char *
raw_value(hive_h *h, hive_node_h n, const char *name, hive_type *t,
    size_t *len)
{
	hive_value_h v;

	if (n == 0)
		return NULL;
	v = hivex_node_get_value(h, n, name);
	if (v == 0)
		return NULL;
	return hivex_value_value(h, v, t, len);
}

/*
 * A string value as UTF-8 (REG_SZ / EXPAND_SZ, first string of a
 * MULTI_SZ, or a DWORD in decimal).  Values are converted by our own
 * UTF-16 decoder so lone surrogates stay visible.  NULL when absent or
 * out of memory (*nomem says which).
 */
static char *
str_value(hive_h *h, hive_node_h n, const char *name, int *nomem)
{
	hive_type t;
	size_t len = 0, units;
	char *raw = raw_value(h, n, name, &t, &len);
	struct exh_buf b = { 0 };
	const unsigned char *u;

	if (raw == NULL)
		return NULL;
	u = (const unsigned char *)raw;
	if ((t == hive_t_REG_DWORD) && len >= 4) {
		char num[16];

		/* A 32-bit number always fits num[16]. */
		if (snprintf(num, sizeof(num), "%u", (unsigned)(u[0] |
		    u[1] << 8 | u[2] << 16 | (unsigned)u[3] << 24)) >=
		    (int)sizeof(num))
			num[0] = '\0';
		free(raw);
		if (num[0] == '\0' || (raw = host_strdup(num)) == NULL)
			*nomem = 1;
		return raw;
	}
	if (t != hive_t_REG_SZ && t != hive_t_REG_EXPAND_SZ &&
	    t != hive_t_REG_MULTI_SZ) {
		free(raw);
		return NULL;
	}
	for (units = 0; units + 1 < len; units += 2)
		if (u[units] == 0 && u[units + 1] == 0)
			break;
	if (exh_utf16le_bytes_to_utf8(u, units, &b) != EXH_OK ||
	    (b.data == NULL && exh_buf_append(&b, "", 0) != EXH_OK)) {
		*nomem = 1;
		free(raw);
		exh_buf_free(&b);
		return NULL;
	}
	free(raw);
	return exh_buf_take(&b);
}

static int
dword_value(hive_h *h, hive_node_h n, const char *name, uint32_t *out)
{
	hive_type t;
	size_t len = 0;
	char *raw = raw_value(h, n, name, &t, &len);
	const unsigned char *u = (const unsigned char *)raw;

	if (raw == NULL)
		return -1;
	if (t != hive_t_REG_DWORD || len < 4) {
		free(raw);
		return -1;
	}
	*out = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	    (uint32_t)u[3] << 24;
	free(raw);
	return 0;
}

static int
qword_value(hive_h *h, hive_node_h n, const char *name, int64_t *out)
{
	hive_type t;
	size_t len = 0, i;
	char *raw = raw_value(h, n, name, &t, &len);
	uint64_t v = 0;

	if (raw == NULL)
		return -1;
	if (len < 8) {
		free(raw);
		return -1;
	}
	for (i = 0; i < 8; i++)
		v |= (uint64_t)(unsigned char)raw[i] << (8 * i);
	free(raw);
	*out = (int64_t)v;
	return 0;
}

/* Replaces *field with the string value when present; ENOMEM only. */
static int
set_str(char **field, hive_h *h, hive_node_h n, const char *name)
{
	int nomem = 0;
	char *s = str_value(h, n, name, &nomem);

	if (nomem)
		return EXH_ENOMEM;
	if (s == NULL)
		return EXH_OK;
	free(*field);
	*field = s;
	return EXH_OK;
}

/* "YYYYMMDD" (Uninstall InstallDate) to FILETIME at 00:00 UTC; 0 if bad. */
static int64_t
yyyymmdd(const char *s)
{
	char iso[32];
	int64_t ft;
	size_t i;

	if (s == NULL || strlen(s) != 8)
		return 0;
	for (i = 0; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT00:00:00Z", s, s + 4,
	    s + 6) >= (int)sizeof(iso))
		return 0;
	return exh_iso_to_filetime(iso, &ft) == EXH_OK ? ft : 0;
}

/* The first run of exactly seven digits, as EOMT finds KB numbers. */
static void
find_kb(const char *s, char kb[16])
{
	size_t i, n;

	kb[0] = '\0';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		for (n = 0; s[i + n] >= '0' && s[i + n] <= '9'; n++)
			;
		if (n == 7) {
			/* "KB" and seven digits always fit kb[16]. */
			if (snprintf(kb, 16, "KB%.7s", s + i) >= 16)
				kb[0] = '\0';
			return;
		}
		i += n - 1;
	}
}

static bool
is_exchange_update(const char *name)
{
	if (exh_ascii_istarts(name, "Security Update for Exchange Server"))
		return true;
	return exh_ascii_istarts(name, "Update Rollup ") &&
	    exh_ascii_istrstr(name, " for Exchange Server 2010") != NULL;
}

static int
add_update(struct exh_profile *p, const char *kb, const char *display,
    int64_t date, const char *source)
{
	struct exh_update *u, *grown;

	grown = realloc(p->updates, (p->nupdates + 1) * sizeof(*p->updates));
	if (grown == NULL)
		return EXH_ENOMEM;
	p->updates = grown;
	u = &p->updates[p->nupdates];
	memset(u, 0, sizeof(*u));
	u->kb = host_strdup(kb);
	u->display_name = host_strdup(display);
	u->source = host_strdup(source);
	u->install_date = date;
	p->nupdates++;
	if (u->kb == NULL || u->display_name == NULL || u->source == NULL)
		return EXH_ENOMEM;
	return EXH_OK;
}

static int
read_uninstall(struct exh_profile *p, hive_h *h, hive_node_h root)
{
	const char *base = "Microsoft\\Windows\\CurrentVersion\\Uninstall";
	hive_node_h un = node_at(h, root, base), *kids;
	size_t i;
	int rc = EXH_OK, nomem = 0;

	if (un == 0)
		return EXH_OK;
	kids = hivex_node_children(h, un);
	if (kids == NULL)
		return host_note(p, "SOFTWARE hive: corrupt: cannot list %s",
		    base);
	for (i = 0; kids[i] != 0 && i < MAX_SUBKEYS && rc == EXH_OK; i++) {
		char *kname = hivex_node_name(h, kids[i]);
		char *disp, *date, kb[16];
		struct exh_buf src = { 0 };

		if (kname == NULL)
			continue;
		if (exh_ascii_iequal(kname, EXCH_PRODUCT_1619) ||
		    exh_ascii_iequal(kname, EXCH_PRODUCT_1013))
			rc = set_str(&p->product_display_version, h, kids[i],
			    "DisplayVersion");
		disp = str_value(h, kids[i], "DisplayName", &nomem);
		if (disp != NULL && is_exchange_update(disp)) {
			date = str_value(h, kids[i], "InstallDate", &nomem);
			find_kb(disp, kb);
			if (kb[0] == '\0')
				find_kb(kname, kb);
			/* kname comes from the hive: any length. */
			rc = exh_buf_printf(&src, "SOFTWARE\\%s\\%s", base,
			    kname);
			if (rc == EXH_OK)
				rc = add_update(p, kb, disp, yyyymmdd(date),
				    src.data);
			if (rc == EXH_OK && yyyymmdd(date) == 0)
				rc = host_note(p, "update %s: no usable "
				    "InstallDate in %s", kb, src.data);
			exh_buf_free(&src);
			free(date);
		}
		free(disp);
		free(kname);
		if (nomem)
			rc = EXH_ENOMEM;
	}
	free(kids);
	return rc;
}

static int
read_roles(struct exh_profile *p, hive_h *h, hive_node_h ex)
{
	hive_node_h *kids = hivex_node_children(h, ex);
	size_t i;
	int rc = EXH_OK;

	if (kids == NULL)
		return host_note(p, "SOFTWARE hive: corrupt: cannot list the "
		    "Exchange roles");
	for (i = 0; kids[i] != 0 && i < MAX_SUBKEYS && rc == EXH_OK; i++) {
		char *name = hivex_node_name(h, kids[i]);
		struct exh_buf label = { 0 };

		if (name == NULL)
			continue;
		if (exh_ascii_iends(name, "Role")) {
			bool incomplete =
			    hivex_node_get_value(h, kids[i], "Action") != 0 ||
			    hivex_node_get_value(h, kids[i], "Watermark") != 0;

			/* name comes from the hive: any length. */
			rc = exh_buf_printf(&label, "%s%s", name,
			    incomplete ? " (setup incomplete)" : "");
			if (rc == EXH_OK)
				rc = exh_strvec_push(&p->roles, &p->nroles,
				    label.data);
			exh_buf_free(&label);
			if (exh_ascii_iequal(name, "UnifiedMessagingRole"))
				p->um_installed = true;
		}
		free(name);
	}
	free(kids);
	return rc;
}

static int
read_exchange(struct exh_profile *p, hive_h *h, hive_node_h root)
{
	static const char *const keys[] = { "v15", "v14" };
	hive_node_h ex = 0, setup;
	uint32_t part[4];
	size_t i;
	int rc;
	char buf[64];

	for (i = 0; i < 2 && ex == 0; i++) {
		ex = node_at(h, root, "Microsoft\\ExchangeServer");
		ex = ex != 0 ? hivex_node_get_child(h, ex, keys[i]) : 0;
		if (ex != 0) {
			free(p->exchange_version_key);
			p->exchange_version_key = host_strdup(keys[i]);
			if (p->exchange_version_key == NULL)
				return EXH_ENOMEM;
		}
	}
	if (ex == 0)
		return host_note(p, "SOFTWARE hive: no Microsoft\\"
		    "ExchangeServer\\v15 or v14 key");
	p->exchange_present = true;
	setup = hivex_node_get_child(h, ex, "Setup");
	if (setup != 0) {
		if ((rc = set_str(&p->install_path, h, setup,
		    "MsiInstallPath")) != EXH_OK)
			return rc;
		if (p->install_path[0] != '\0') {
			if (snprintf(buf, sizeof(buf), "SOFTWARE\\Microsoft\\"
			    "ExchangeServer\\%s\\Setup\\MsiInstallPath",
			    p->exchange_version_key) >= (int)sizeof(buf))
				return EXH_EUSAGE;
			free(p->install_path_source);
			if ((p->install_path_source = host_strdup(buf)) == NULL)
				return EXH_ENOMEM;
		}
		if (dword_value(h, setup, "MsiProductMajor", &part[0]) == 0 &&
		    dword_value(h, setup, "MsiProductMinor", &part[1]) == 0 &&
		    dword_value(h, setup, "MsiBuildMajor", &part[2]) == 0 &&
		    dword_value(h, setup, "MsiBuildMinor", &part[3]) == 0) {
			if (snprintf(buf, sizeof(buf), "%u.%u.%u.%u", part[0],
			    part[1], part[2], part[3]) >= (int)sizeof(buf))
				return EXH_EUSAGE;
			free(p->registry_build);
			if ((p->registry_build = host_strdup(buf)) == NULL)
				return EXH_ENOMEM;
		} else if ((rc = host_note(p, "SOFTWARE hive: Exchange Setup "
		    "key lacks the Msi version values")) != EXH_OK)
			return rc;
	} else if ((rc = host_note(p, "SOFTWARE hive: no Exchange %s\\Setup "
	    "key", p->exchange_version_key)) != EXH_OK)
		return rc;
	return read_roles(p, h, ex);
}

static int
read_msert(struct exh_profile *p, hive_h *h, hive_node_h root)
{
	hive_node_h ps = node_at(h, root, "MSERTBootstrap\\PatchState");
	hive_value_h *vals;
	struct exh_buf b = { 0 };
	size_t i;
	int nomem = 0;

	if (ps == 0)
		return EXH_OK;
	p->msert_patchstate = true;
	vals = hivex_node_values(h, ps);
	for (i = 0; vals != NULL && vals[i] != 0 && i < 64; i++) {
		char *k = hivex_value_key(h, vals[i]), *v;

		if (k == NULL)
			continue;
		v = str_value(h, ps, k, &nomem);
		if (exh_buf_printf(&b, "%s%s=%s", b.len ? "; " : "", k,
		    v != NULL ? v : "?") != EXH_OK)
			nomem = 1;
		free(v);
		free(k);
	}
	free(vals);
	if (nomem || (b.data == NULL && exh_buf_append(&b, "", 0) != EXH_OK)) {
		exh_buf_free(&b);
		return EXH_ENOMEM;
	}
	free(p->msert_detail);
	p->msert_detail = exh_buf_take(&b);
	return EXH_OK;
}

/* Exchange 2013's serialization-data signing switch (§4.4). */
static void
read_signing(struct exh_profile *p, hive_h *h, hive_node_h root)
{
	hive_node_h n = node_at(h, root, "Microsoft\\ExchangeServer\\v15\\"
	    "Diagnostics");
	uint32_t d;

	p->serialization_signing = -1;
	if (n != 0 && dword_value(h, n, "EnableSerializationDataSigning",
	    &d) == 0)
		p->serialization_signing = d != 0;
}

int
host_read_software(struct exh_profile *p, const void *data, size_t len)
{
	hive_h *h;
	hive_node_h root, cv;
	uint32_t d;
	int64_t q;
	int rc;

	h = open_mem(data, len, "SOFTWARE", p, &rc);
	if (h == NULL)
		return rc;
	root = hivex_root(h);
	cv = node_at(h, root, "Microsoft\\Windows NT\\CurrentVersion");
	if (cv == 0)
		rc = host_note(p, "SOFTWARE hive: no Microsoft\\Windows NT\\"
		    "CurrentVersion key");
	else {
		rc = set_str(&p->product_name, h, cv, "ProductName");
		if (rc == EXH_OK)
			rc = set_str(&p->current_build, h, cv, "CurrentBuild");
		if (rc == EXH_OK)
			rc = set_str(&p->system_root, h, cv, "SystemRoot");
		if (rc == EXH_OK && p->system_root[0] == '\0') {
			free(p->system_root);
			if ((p->system_root = host_strdup("C:\\Windows")) ==
			    NULL)
				rc = EXH_ENOMEM;
		}
		if (qword_value(h, cv, "InstallTime", &q) == 0 && q > 0)
			p->install_date = q;
		else if (dword_value(h, cv, "InstallDate", &d) == 0 && d != 0)
			p->install_date = exh_unix_to_filetime(d);
	}
	if (rc == EXH_OK)
		rc = read_exchange(p, h, root);
	if (rc == EXH_OK)
		rc = read_uninstall(p, h, root);
	if (rc == EXH_OK)
		rc = read_msert(p, h, root);
	if (rc == EXH_OK)
		read_signing(p, h, root);
	hivex_close(h);
	return rc;
}

static int
read_services(struct exh_profile *p, hive_h *h, hive_node_h cs)
{
	static const char *const um[] = { "MSExchangeUM", "MSExchangeUMCR" };
	hive_node_h svc = node_at(h, cs, "Services"), n;
	uint32_t start;
	size_t i;
	int seen = 0, disabled = 0;

	if (svc == 0)
		return host_note(p, "SYSTEM hive: no Services key");
	for (i = 0; i < 2; i++) {
		n = hivex_node_get_child(h, svc, um[i]);
		if (n == 0)
			continue;
		seen++;
		p->um_installed = true;
		if (dword_value(h, n, "Start", &start) == 0 && start == 4)
			disabled++;
	}
	p->um_services_disabled = seen > 0 && disabled == seen;
	n = hivex_node_get_child(h, svc, "MSExchangeMitigation");
	p->eems_start = -1;
	if (n != 0 && dword_value(h, n, "Start", &start) == 0)
		p->eems_start = (int)(start & 0xffff);
	else if (n != 0)
		p->eems_start = -2;
	n = hivex_node_get_child(h, svc, "msupdate");
	if (n != 0) {
		p->msupdate_service = true;
		return set_str(&p->msupdate_image, h, n, "ImagePath");
	}
	return EXH_OK;
}

int
host_read_system(struct exh_profile *p, const void *data, size_t len)
{
	hive_h *h;
	hive_node_h root, cs, n;
	uint32_t cur = 0, d;
	char name[32];
	int rc;

	h = open_mem(data, len, "SYSTEM", p, &rc);
	if (h == NULL)
		return rc;
	root = hivex_root(h);
	if (dword_value(h, node_at(h, root, "Select"), "Current", &cur) != 0 ||
	    cur == 0 || cur > 999) {
		cur = 1;
		rc = host_note(p, "SYSTEM hive: no usable Select\\Current; "
		    "using ControlSet001");
	}
	/* cur is 1..999: the name always fits. */
	if (snprintf(name, sizeof(name), "ControlSet%03u", cur) >=
	    (int)sizeof(name)) {
		hivex_close(h);
		return EXH_EUSAGE;
	}
	cs = hivex_node_get_child(h, root, name);
	if (cs == 0) {
		hivex_close(h);
		return rc != EXH_OK ? rc : host_note(p, "SYSTEM hive: "
		    "current control set %s missing", name);
	}
	p->control_set = (int)cur;
	n = node_at(h, cs, "Control\\ComputerName\\ComputerName");
	if (rc == EXH_OK)
		rc = set_str(&p->computer_name, h, n, "ComputerName");
	n = node_at(h, cs, "Services\\Tcpip\\Parameters");
	if (rc == EXH_OK)
		rc = set_str(&p->domain, h, n, "Domain");
	if (rc == EXH_OK && p->domain[0] == '\0')
		rc = set_str(&p->domain, h, n, "NV Domain");
	n = node_at(h, cs, "Control\\TimeZoneInformation");
	if (n != 0) {
		if (rc == EXH_OK)
			rc = set_str(&p->timezone_name, h, n, "StandardName");
		if (rc == EXH_OK)
			rc = set_str(&p->timezone_name, h, n,
			    "TimeZoneKeyName");
		if (dword_value(h, n, "Bias", &d) == 0)
			p->timezone_bias_minutes = (int32_t)d;
		/* Absent means the RTC keeps local time (Windows default). */
		p->rtc_is_utc = dword_value(h, n, "RealTimeIsUniversal",
		    &d) == 0 ? d != 0 : 0;
	}
	n = node_at(h, cs, "Control\\Windows");
	if (qword_value(h, n, "ShutdownTime", &p->last_shutdown) != 0)
		p->last_shutdown = 0;
	n = node_at(h, cs, "Control\\Session Manager\\Environment");
	if (rc == EXH_OK)
		rc = set_str(&p->env_install_path, h, n,
		    "ExchangeInstallPath");
	if (rc == EXH_OK)
		rc = read_services(p, h, cs);
	hivex_close(h);
	return rc;
}

/* The helpers above, lent to the post-exploitation traces (traces.c). */
hive_node_h
host_reg_node(hive_h *h, hive_node_h from, const char *path)
{
	return node_at(h, from, path);
}

char *
host_reg_str(hive_h *h, hive_node_h n, const char *name, int *nomem)
{
	return str_value(h, n, name, nomem);
}

int
host_reg_dword(hive_h *h, hive_node_h n, const char *name, uint32_t *out)
{
	return dword_value(h, n, name, out);
}
