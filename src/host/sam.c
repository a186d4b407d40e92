/* SAM hive: members of the local Administrators alias (the "C" value), local users and their times (T2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hivex.h>

#include "exhume/host.h"
#include "exhume/volume.h"
#include "host_int.h"
#include "traces_int.h"

#define SAM_HIVE	"C:\\Windows\\System32\\config\\SAM"
#define REF_SAM		"exchange-2023-2026.md section 6.2"
#define ADMINS_KEY	"SAM\\Domains\\Builtin\\Aliases\\00000220"
#define NAMES_KEY	"SAM\\Domains\\Account\\Users\\Names"
#define USERS_KEY	"SAM\\Domains\\Account\\Users"
#define C_HEADER	52	/* fixed part of an alias C value */
#define SID_MAX_SUB	15
#define MAX_USERS	100000

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int64_t
le64(const unsigned char *p)
{
	return (int64_t)((uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32);
}

/*
 * SID bytes as text through the one SID decoder (exh_volume_sd_owner):
 * the SID goes behind a minimal self-relative descriptor header.
 */
static int
sid_text(const unsigned char *sid, size_t len, char out[EXH_SID_MAX])
{
	unsigned char sd[20 + 8 + 4 * SID_MAX_SUB];
	struct exh_err err;

	if (len > sizeof(sd) - 20)
		len = sizeof(sd) - 20;
	memset(sd, 0, 20);
	sd[0] = 1;			/* revision */
	sd[3] = 0x80;			/* SE_SELF_RELATIVE */
	sd[4] = 20;			/* owner offset */
	memcpy(sd + 20, sid, len);
	return exh_volume_sd_owner(sd, 20 + len, out, EXH_SID_MAX, &err);
}

int
traces_alias_members(const unsigned char *c, size_t len, char ***sids,
    size_t *n, struct exh_err *err)
{
	uint32_t off, count, i;
	size_t pos;
	char text[EXH_SID_MAX];

	if (c == NULL || len < C_HEADER)
		return exh_err_set(err, EXH_ECORRUPT, 0, "C value of %zu "
		    "bytes, shorter than its %d-byte header", len, C_HEADER);
	off = le32(c + 40);
	count = le32(c + 48);
	/* Subtraction, not addition: off and count are forged at will. */
	if (off > len - C_HEADER)
		return exh_err_set(err, EXH_ECORRUPT, 0, "member list offset "
		    "%u outside the value's %zu bytes", off, len);
	if (count > TRACES_SAM_MAX_MEMBERS)
		return exh_err_set(err, EXH_ECORRUPT, 0, "%u members, more "
		    "than the %d examined", count, TRACES_SAM_MAX_MEMBERS);
	pos = C_HEADER + off;
	for (i = 0; i < count; i++) {
		size_t need;

		if (len - pos < 8)
			return exh_err_set(err, EXH_ECORRUPT, 0, "member %u of "
			    "%u runs past the value's end", i + 1, count);
		if (c[pos] != 1 || c[pos + 1] > SID_MAX_SUB)
			return exh_err_set(err, EXH_ECORRUPT, 0, "member %u of "
			    "%u is no SID (revision %u, %u sub-authorities)",
			    i + 1, count, c[pos], c[pos + 1]);
		need = 8 + 4 * (size_t)c[pos + 1];
		if (len - pos < need)
			return exh_err_set(err, EXH_ECORRUPT, 0, "member %u of "
			    "%u runs past the value's end", i + 1, count);
		if (sid_text(c + pos, need, text) != EXH_OK)
			return exh_err_set(err, EXH_ECORRUPT, 0, "member %u of "
			    "%u: SID not decodable", i + 1, count);
		if (exh_strvec_push(sids, n, text) != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, ENOMEM,
			    "out of memory");
		pos += need;
	}
	return EXH_OK;
}

bool
traces_machine_sid(const unsigned char *v, size_t len, char out[EXH_SID_MAX])
{
	const unsigned char *p;

	out[0] = '\0';
	if (v == NULL || len < 12)
		return false;
	p = v + len - 12;
	/* Three 32-bit numbers always fit EXH_SID_MAX. */
	return snprintf(out, EXH_SID_MAX, "S-1-5-21-%u-%u-%u",
	    (unsigned)le32(p), (unsigned)le32(p + 4), (unsigned)le32(p + 8)) <
	    EXH_SID_MAX;
}

/* A local user as the SAM describes it. */
struct sam_user {
	uint32_t rid;
	char *name;
	int64_t names_written;	/* last write of Names\<name>: creation */
};

struct sam {
	hive_h *h;
	char machine[EXH_SID_MAX];
	struct sam_user *users;
	size_t nusers;
};

static void
sam_free(struct sam *s)
{
	size_t i;

	for (i = 0; i < s->nusers; i++)
		free(s->users[i].name);
	free(s->users);
}

/* Users\Names\<name>: the RID is the type of the key's default value. */
static void
read_users(struct traces_out *o, struct sam *s)
{
	hive_node_h names = host_reg_node(s->h, hivex_root(s->h), NAMES_KEY);
	hive_node_h *kids;
	size_t i;

	if (names == 0) {
		traces_note(o, "SAM hive: no %s key; local account names "
		    "unknown", NAMES_KEY);
		return;
	}
	if ((kids = hivex_node_children(s->h, names)) == NULL) {
		traces_note(o, "SAM hive: %s: subkeys not readable",
		    NAMES_KEY);
		return;
	}
	for (i = 0; kids[i] != 0 && s->nusers < MAX_USERS; i++) {
		hive_value_h dv = hivex_node_get_value(s->h, kids[i], "");
		hive_type t;
		size_t len;
		struct sam_user *u;

		if (dv == 0 || hivex_value_type(s->h, dv, &t, &len) != 0)
			continue;
		u = realloc(s->users, (s->nusers + 1) * sizeof(*s->users));
		if (u == NULL) {
			o->rc = EXH_ENOMEM;
			break;
		}
		s->users = u;
		u = &s->users[s->nusers];
		u->rid = (uint32_t)t;
		u->names_written = hivex_node_timestamp(s->h, kids[i]);
		if ((u->name = hivex_node_name(s->h, kids[i])) == NULL)
			continue;
		s->nusers++;
	}
	free(kids);
}

static const struct sam_user *
user_by_rid(const struct sam *s, uint32_t rid)
{
	size_t i;

	for (i = 0; i < s->nusers; i++)
		if (s->users[i].rid == rid)
			return &s->users[i];
	return NULL;
}

/* Times from Users\<RID>\F: last logon @8, password set @24. */
static void
user_times(struct traces_out *o, struct exh_finding *f, const struct sam *s,
    uint32_t rid)
{
	char key[64];
	hive_node_h n;
	hive_value_h v;
	hive_type t;
	size_t len = 0;
	char *raw;

	/* A RID in hex always fits key[64]. */
	if (snprintf(key, sizeof(key), "%s\\%08X", USERS_KEY, rid) >=
	    (int)sizeof(key))
		return;
	if ((n = host_reg_node(s->h, hivex_root(s->h), key)) == 0 ||
	    (v = hivex_node_get_value(s->h, n, "F")) == 0 ||
	    (raw = hivex_value_value(s->h, v, &t, &len)) == NULL)
		return;
	if (len >= 56) {
		const unsigned char *u = (const unsigned char *)raw;

		traces_time_field(o, f, "last logon (F)", le64(u + 8));
		traces_time_field(o, f, "password last set (F)", le64(u + 24));
		if (len >= 60 && (le32(u + 56) & 1))
			traces_field(o, f, "account", "disabled");
	}
	free(raw);
}

static bool
starts_sid(const char *sid, const char *prefix, uint32_t *rid)
{
	size_t n = strlen(prefix);
	char *end;
	unsigned long r;

	if (prefix[0] == '\0' || strncmp(sid, prefix, n) != 0 ||
	    sid[n] != '-')
		return false;
	errno = 0;
	r = strtoul(sid + n + 1, &end, 10);
	if (errno != 0 || *end != '\0' || r > 0xffffffffUL)
		return false;
	*rid = (uint32_t)r;
	return true;
}

/* The domain part and RID of "S-1-5-21-a-b-c-RID". */
static bool
domain_sid(const char *sid, uint32_t *rid)
{
	const char *last = strrchr(sid, '-');
	char *end;
	unsigned long r;
	int dashes = 0;
	const char *p;

	if (strncmp(sid, "S-1-5-21-", 9) != 0 || last == NULL)
		return false;
	for (p = sid; *p != '\0'; p++)
		dashes += *p == '-';
	errno = 0;
	r = strtoul(last + 1, &end, 10);
	if (dashes != 7 || errno != 0 || *end != '\0' || r > 0xffffffffUL)
		return false;
	*rid = (uint32_t)r;
	return true;
}

static void
member(struct traces_out *o, const struct sam *s, const char *sid,
    int64_t written)
{
	const struct sam_user *u;
	struct exh_finding *f;
	uint32_t rid;
	char ridtext[16];

	if (starts_sid(sid, s->machine, &rid)) {
		if (rid == 500)
			return;
		u = user_by_rid(s, rid);
		f = traces_new(o, "T2/local-admin", SAM_HIVE, u != NULL ?
		    u->names_written : written);
		traces_field(o, f, "registry value", "SAM\\" ADMINS_KEY "\\C");
		traces_field(o, f, "member SID", sid);
		traces_field(o, f, "account", u != NULL ? u->name :
		    "(no such local user: deleted, or a local group)");
		if (u != NULL)
			traces_time_field(o, f, "created (last write of "
			    "Users\\Names\\<name>)", u->names_written);
		user_times(o, f, s, rid);
		traces_time_field(o, f, "Administrators last changed", written);
		traces_reason(o, f, NULL, 75, "local account in the local "
		    "Administrators group other than the built-in "
		    "Administrator (RID 500)", REF_SAM, sid);
		traces_emit(o, f, false);
		return;
	}
	if (domain_sid(sid, &rid)) {
		/* Domain Admins is there by design on a member server. */
		if (rid == 512)
			return;
		/* A RID always fits ridtext[16]. */
		if (snprintf(ridtext, sizeof(ridtext), "%u", (unsigned)rid) >=
		    (int)sizeof(ridtext))
			ridtext[0] = '\0';
		f = traces_new(o, "T2/local-admin-domain", SAM_HIVE, written);
		traces_field(o, f, "registry value", "SAM\\" ADMINS_KEY "\\C");
		traces_field(o, f, "member SID", sid);
		traces_field(o, f, "RID", ridtext);
		traces_time_field(o, f, "Administrators last changed", written);
		traces_reason(o, f, NULL, 30, "domain member of the local "
		    "Administrators group, verify (Exchange setup adds "
		    "Exchange Trusted Subsystem and Organization Management)",
		    REF_SAM, sid);
		traces_emit(o, f, true);
		return;
	}
	if (strcmp(sid, "S-1-5-32-544") == 0)
		return;
	f = traces_new(o, "T2/local-admin", SAM_HIVE, written);
	traces_field(o, f, "registry value", "SAM\\" ADMINS_KEY "\\C");
	traces_field(o, f, "member SID", sid);
	traces_time_field(o, f, "Administrators last changed", written);
	traces_reason(o, f, NULL, strcmp(sid, "S-1-1-0") == 0 ||
	    strcmp(sid, "S-1-5-11") == 0 || strcmp(sid, "S-1-5-32-545") == 0 ||
	    strcmp(sid, "S-1-5-7") == 0 ? 85 : 60, "well-known or foreign "
	    "SID in the local Administrators group (Everyone, Authenticated "
	    "Users, Users and Anonymous give every account admin rights)",
	    REF_SAM, sid);
	traces_emit(o, f, false);
}

static void
machine_sid(struct traces_out *o, struct sam *s)
{
	hive_node_h acct = host_reg_node(s->h, hivex_root(s->h),
	    "SAM\\Domains\\Account");
	hive_value_h v = acct != 0 ? hivex_node_get_value(s->h, acct, "V") : 0;
	hive_type t;
	size_t len = 0;
	char *raw = v != 0 ? hivex_value_value(s->h, v, &t, &len) : NULL;

	if (raw == NULL || !traces_machine_sid((const unsigned char *)raw,
	    len, s->machine))
		traces_note(o, "SAM hive: no machine SID in SAM\\Domains\\"
		    "Account V; local and domain members cannot be told "
		    "apart");
	free(raw);
}

void
traces_sam_check(struct traces_out *o, const void *data, size_t len)
{
	struct sam s;
	struct exh_err err = { 0 };
	hive_node_h admins;
	hive_value_h cv;
	hive_type t;
	size_t clen = 0, n = 0, i;
	char *c = NULL, **sids = NULL;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((s.h = host_hive_open(data, len, &err)) == NULL) {
		traces_note(o, "SAM hive: %s; local administrators not "
		    "checked", err.msg);
		return;
	}
	machine_sid(o, &s);
	read_users(o, &s);
	admins = host_reg_node(s.h, hivex_root(s.h), ADMINS_KEY);
	cv = admins != 0 ? hivex_node_get_value(s.h, admins, "C") : 0;
	if (cv != 0)
		c = hivex_value_value(s.h, cv, &t, &clen);
	if (c == NULL) {
		traces_note(o, "SAM hive: no readable %s value C; local "
		    "administrators not checked", ADMINS_KEY);
		goto out;
	}
	rc = traces_alias_members((const unsigned char *)c, clen, &sids, &n,
	    &err);
	if (rc == EXH_ENOMEM) {
		o->rc = rc;
		goto out;
	}
	if (rc != EXH_OK)
		traces_note(o, "SAM hive: %s\\C: %s; %zu members read before "
		    "the damage", ADMINS_KEY, err.msg, n);
	for (i = 0; i < n && o->rc == EXH_OK; i++)
		member(o, &s, sids[i], hivex_node_timestamp(s.h, admins));
out:
	exh_strvec_free(sids, n);
	free(c);
	sam_free(&s);
	hivex_close(s.h);
}
