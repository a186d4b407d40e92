/* Post-exploitation traces in the SOFTWARE and SYSTEM hives: Defender exclusions and switches, services. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hivex.h>

#include "exhume/host.h"
#include "host_int.h"
#include "traces_int.h"

#define REF_DEFENDER	"exchange-2023-2026.md section 6.1"
#define REF_SERVICES	"exchange-2023-2026.md sections 6.3, 6.4"
#define MAX_SERVICES	100000
#define MAX_VALUES	10000

/* ---- SOFTWARE: Defender exclusions and switches ------------------------- */

static const struct {
	const char *subkey;
	int kind;		/* TR_EXCL_*, or TR_EXCL_ROOT for "only base" */
	const char *what;
} excl_lists[] = {
	{ "Paths", TR_EXCL_PATH, "path" },
	{ "TemporaryPaths", TR_EXCL_PATH, "temporary path" },
	{ "Extensions", TR_EXCL_EXT, "extension" },
	{ "Processes", TR_EXCL_PROC, "process" },
	{ "IpAddresses", TR_EXCL_ROOT, "IP address" },
};

/* The rule deciding one excluded item, or the root's own. */
static const struct traces_rule *
excl_rule(struct traces_out *o, int kind, const char *item,
    const struct traces_rule *root)
{
	const struct traces_rule *r;
	const char *x = item;

	if (kind == TR_EXCL_ROOT)
		return root;
	if (kind == TR_EXCL_EXT && x[0] == '.')
		x++;
	if (kind == TR_EXCL_EXT && x[0] == '*' && x[1] == '.')
		x += 2;
	r = traces_match(o->t, kind, x);
	/* "...\Logging\..\..\..\ProgramData" is no Exchange folder. */
	if (r != NULL && r->score == 0 && strstr(item, "..") != NULL)
		return root;
	return r != NULL ? r : root;
}

static void
excl_item(struct traces_out *o, hive_h *h, hive_node_h list,
    const char *keypath, const struct traces_rule *root, size_t li,
    const char *raw, size_t *expected)
{
	const struct traces_rule *r;
	struct exh_finding *f;
	char *item;

	if ((item = traces_normal_path(o->p, raw)) == NULL) {
		o->rc = EXH_ENOMEM;
		return;
	}
	r = excl_rule(o, excl_lists[li].kind, item, root);
	if (r->score == 0) {
		(*expected)++;
		free(item);
		return;
	}
	f = traces_new(o, "T1/defender-exclusion", SOFTWARE_HIVE,
	    hivex_node_timestamp(h, list));
	traces_field(o, f, "registry key", keypath);
	traces_field(o, f, "excluded", raw);
	if (strcmp(item, raw) != 0)
		traces_field(o, f, "excluded (expanded)", item);
	traces_field(o, f, "exclusion type", excl_lists[li].what);
	traces_time_field(o, f, "key last written", hivex_node_timestamp(h,
	    list));
	traces_reason(o, f, r, r->score, r->description, REF_DEFENDER, raw);
	if (r != root)
		traces_reason(o, f, root, root->score, root->description,
		    REF_DEFENDER, keypath);
	traces_emit(o, f, false);
	free(item);
}

static void
excl_list(struct traces_out *o, hive_h *h, hive_node_h excl,
    const struct traces_rule *root, size_t li, size_t *expected)
{
	hive_node_h list = hivex_node_get_child(h, excl, excl_lists[li].subkey);
	hive_value_h *vals;
	struct exh_buf kp = { 0 };
	size_t i;

	if (list == 0)
		return;
	if (exh_buf_printf(&kp, "SOFTWARE\\%s\\%s", root->pattern,
	    excl_lists[li].subkey) != EXH_OK) {
		o->rc = EXH_ENOMEM;
		return;
	}
	if ((vals = hivex_node_values(h, list)) == NULL)
		traces_note(o, "SOFTWARE hive: %s: values not readable (%s)",
		    kp.data, exh_strerror(errno));
	for (i = 0; vals != NULL && vals[i] != 0 && o->rc == EXH_OK; i++) {
		char *name;

		if (i == MAX_VALUES) {
			traces_note(o, "SOFTWARE hive: %s: more than %d "
			    "exclusions; the rest not examined", kp.data,
			    MAX_VALUES);
			break;
		}
		if ((name = hivex_value_key(h, vals[i])) == NULL) {
			traces_note(o, "SOFTWARE hive: %s: value %zu: name not "
			    "readable", kp.data, i);
			continue;
		}
		if (name[0] != '\0')
			excl_item(o, h, list, kp.data, root, li, name,
			    expected);
		free(name);
	}
	free(vals);
	exh_buf_free(&kp);
}

static void
exclusions(struct traces_out *o, hive_h *h)
{
	size_t i, li, expected = 0;

	for (i = 0; i < o->t->n && o->rc == EXH_OK; i++) {
		const struct traces_rule *root = &o->t->rules[i];
		hive_node_h excl;

		if (root->kind != TR_EXCL_ROOT)
			continue;
		excl = host_reg_node(h, hivex_root(h), root->pattern);
		for (li = 0; excl != 0 && li < sizeof(excl_lists) /
		    sizeof(excl_lists[0]); li++)
			excl_list(o, h, excl, root, li, &expected);
	}
	if (expected > 0)
		traces_note(o, "Defender: %zu exclusions are on Microsoft's "
		    "Exchange antivirus-exclusion list and are not reported",
		    expected);
}

/* "SOFTWARE\Policies\...\DisableAntiSpyware=1" against its hive. */
static void
disabled_one(struct traces_out *o, hive_h *h, const char *hive_name,
    int control_set, const struct traces_rule *r)
{
	struct exh_buf key = { 0 }, shown = { 0 };
	const char *rest, *eq, *val;
	hive_node_h n;
	unsigned long want;
	uint32_t got;
	char *end;

	if (!exh_ascii_istarts(r->pattern, hive_name) ||
	    r->pattern[strlen(hive_name)] != '\\')
		return;
	rest = r->pattern + strlen(hive_name) + 1;
	eq = strrchr(rest, '=');
	for (val = eq; val > rest && val[-1] != '\\'; val--)
		;
	errno = 0;
	want = strtoul(eq + 1, &end, 0);
	if (val == rest || errno != 0 || *end != '\0' || want > 0xffffffffUL)
		return;
	if (exh_ascii_istarts(rest, "CurrentControlSet\\")) {
		/* "CurrentControlSet" is 17 characters. */
		if (control_set <= 0 || val - rest < 19 ||
		    exh_buf_printf(&key, "ControlSet%03d%.*s", control_set,
		    (int)(val - 1 - (rest + 17)), rest + 17) != EXH_OK)
			goto out;
	} else if (exh_buf_printf(&key, "%.*s", (int)(val - rest - 1), rest) !=
	    EXH_OK)
		goto nomem;
	n = host_reg_node(h, hivex_root(h), key.data);
	{
		char vname[256];
		size_t vl = (size_t)(eq - val);

		if (n == 0 || vl >= sizeof(vname))
			goto out;
		memcpy(vname, val, vl);
		vname[vl] = '\0';
		if (host_reg_dword(h, n, vname, &got) != 0 || got != want)
			goto out;
		if (exh_buf_printf(&shown, "%s\\%s\\%s", hive_name, key.data,
		    vname) != EXH_OK)
			goto nomem;
		{
			struct exh_finding *f = traces_new(o,
			    "T1/defender-disabled", strcmp(hive_name,
			    "SYSTEM") == 0 ? SYSTEM_HIVE : SOFTWARE_HIVE,
			    hivex_node_timestamp(h, n));
			char num[16];

			/* A 32-bit number always fits num[16]. */
			if (snprintf(num, sizeof(num), "%u", (unsigned)got) >=
			    (int)sizeof(num))
				num[0] = '\0';
			traces_field(o, f, "registry value", shown.data);
			traces_field(o, f, "data", num);
			traces_time_field(o, f, "key last written",
			    hivex_node_timestamp(h, n));
			traces_reason(o, f, r, r->score, r->description,
			    REF_DEFENDER, shown.data);
			traces_emit(o, f, false);
		}
	}
	goto out;
nomem:
	o->rc = EXH_ENOMEM;
out:
	exh_buf_free(&key);
	exh_buf_free(&shown);
}

static void
disabled(struct traces_out *o, hive_h *h, const char *hive_name,
    int control_set)
{
	size_t i;

	for (i = 0; i < o->t->n && o->rc == EXH_OK; i++)
		if (o->t->rules[i].kind == TR_DISABLED)
			disabled_one(o, h, hive_name, control_set,
			    &o->t->rules[i]);
}

static hive_h *
open_hive(struct traces_out *o, const char *what, const void *data,
    size_t len)
{
	struct exh_err err;
	hive_h *h = host_hive_open(data, len, &err);

	if (h == NULL)
		traces_note(o, "%s hive: %s; its traces not checked", what,
		    err.msg);
	return h;
}

void
traces_software_check(struct traces_out *o, const void *data, size_t len)
{
	hive_h *h = open_hive(o, "SOFTWARE", data, len);

	if (h == NULL)
		return;
	exclusions(o, h);
	disabled(o, h, "SOFTWARE", 0);
	traces_task_tree(o, h);
	hivex_close(h);
}

/* ---- SYSTEM: services --------------------------------------------------- */

static void
service_one(struct traces_out *o, hive_h *h, hive_node_h svc,
    const char *cs_name)
{
	const struct traces_rule *r;
	struct exh_finding *f;
	struct exh_buf key = { 0 };
	char *name, *image, *account, *prog = NULL, *args = NULL;
	char num[16];
	int nomem = 0;
	uint32_t start;
	int64_t written = hivex_node_timestamp(h, svc);

	if ((name = hivex_node_name(h, svc)) == NULL)
		return;
	image = host_reg_str(h, svc, "ImagePath", &nomem);
	account = host_reg_str(h, svc, "ObjectName", &nomem);
	r = traces_match(o->t, TR_SERVICE, name);
	if (nomem || exh_buf_printf(&key, "SYSTEM\\%s\\Services\\%s", cs_name,
	    name) != EXH_OK || (image != NULL &&
	    traces_split_image(image, &prog, &args) != EXH_OK)) {
		o->rc = EXH_ENOMEM;
		goto out;
	}
	if (image == NULL && r == NULL)
		goto out;
	f = traces_new(o, "T3/service", SYSTEM_HIVE, written);
	traces_field(o, f, "registry key", key.data);
	traces_field(o, f, "service", name);
	traces_field(o, f, "ImagePath", image);
	if (host_reg_dword(h, svc, "Start", &start) == 0 &&
	    snprintf(num, sizeof(num), "%u", (unsigned)start) <
	    (int)sizeof(num))
		traces_field(o, f, "Start", num);
	traces_field(o, f, "ObjectName", account);
	traces_time_field(o, f, "key last written", written);
	if (r != NULL && r->score > 0)
		traces_reason(o, f, r, r->score, r->description, REF_SERVICES,
		    name);
	if (prog != NULL)
		traces_command(o, f, prog, args, REF_SERVICES);
	traces_emit(o, f, false);
out:
	exh_buf_free(&key);
	free(name);
	free(image);
	free(account);
	free(prog);
	free(args);
}

static int
current_set(hive_h *h)
{
	uint32_t cur;

	if (host_reg_dword(h, host_reg_node(h, hivex_root(h), "Select"),
	    "Current", &cur) != 0 || cur == 0 || cur > 999)
		return 1;
	return (int)cur;
}

void
traces_system_check(struct traces_out *o, const void *data, size_t len)
{
	hive_h *h = open_hive(o, "SYSTEM", data, len);
	hive_node_h svc, *kids;
	char cs_name[32];
	int cs;
	size_t i;

	if (h == NULL)
		return;
	cs = current_set(h);
	/* cs is 1..999: the name always fits. */
	if (snprintf(cs_name, sizeof(cs_name), "ControlSet%03d", cs) >=
	    (int)sizeof(cs_name))
		cs_name[0] = '\0';
	disabled(o, h, "SYSTEM", cs);
	svc = host_reg_node(h, hivex_root(h), cs_name);
	svc = svc != 0 ? hivex_node_get_child(h, svc, "Services") : 0;
	if (svc == 0) {
		traces_note(o, "SYSTEM hive: no %s\\Services key; services "
		    "not checked", cs_name);
		hivex_close(h);
		return;
	}
	if ((kids = hivex_node_children(h, svc)) == NULL)
		traces_note(o, "SYSTEM hive: %s\\Services: subkeys not "
		    "readable; services not checked", cs_name);
	for (i = 0; kids != NULL && kids[i] != 0 && o->rc == EXH_OK; i++) {
		if (i == MAX_SERVICES) {
			traces_note(o, "SYSTEM hive: more than %d services; "
			    "the rest not examined", MAX_SERVICES);
			break;
		}
		service_one(o, h, kids[i], cs_name);
	}
	free(kids);
	hivex_close(h);
}
