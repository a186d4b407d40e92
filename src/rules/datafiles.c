/* The file-type magic table and the well-known SID names. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_int.h"

/* "HEX BYTES;LABEL", spaces in the hex ignored. */
int
rules_filetype_line(struct exh_rules *r, size_t fi, const struct rules_line *l)
{
	const char *semi = memchr(l->s, ';', l->n), *label;
	unsigned char magic[64];
	size_t i, nmagic = 0, labellen;
	struct ftype e;
	int hi = -1, v;

	if (semi == NULL)
		return rules_reject(r, fi, l->no, "expected HEX;TYPE");
	for (i = 0; l->s + i < semi; i++) {
		if (rules_is_blank(l->s[i]))
			continue;
		if ((v = exh_hexval((unsigned char)l->s[i])) < 0)
			return rules_reject(r, fi, l->no,
			    "magic is not hexadecimal");
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (nmagic == sizeof(magic))
			return rules_reject(r, fi, l->no,
			    "magic longer than 64 bytes");
		magic[nmagic++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0 || nmagic == 0)
		return rules_reject(r, fi, l->no,
		    "magic needs an even, non-zero number of hex digits");
	label = semi + 1;
	labellen = l->n - (size_t)(label - l->s);
	rules_trim(&label, &labellen);
	if (labellen == 0)
		return rules_reject(r, fi, l->no, "no type label");
	if (r->nft == r->capft) {
		size_t cap = r->capft == 0 ? 64 : r->capft * 2;
		struct ftype *nv = realloc(r->ft, cap * sizeof(*nv));

		if (nv == NULL)
			return EXH_ENOMEM;
		r->ft = nv;
		r->capft = cap;
	}
	if ((e.magic = malloc(nmagic)) == NULL)
		return EXH_ENOMEM;
	memcpy(e.magic, magic, nmagic);
	e.len = nmagic;
	if ((e.label = rules_strndup(label, labellen)) == NULL) {
		free(e.magic);
		return EXH_ENOMEM;
	}
	r->ft[r->nft++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
}

/*
 * Parses SID text strictly and writes it back in canonical form (decimal
 * authority below 2^32, else 0x and 12 upper-case hex digits, no leading
 * zeros), the form the volume layer produces.  False when malformed.
 */
static bool
canonical_sid(const char *s, size_t n, char *out, size_t outlen)
{
	const char *p = s, *end = s + n;
	uint64_t v;
	size_t used;
	int count = 0, w, digits;
	bool hex;

	if (n < 5 || memcmp(s, "S-1-", 4) != 0)
		return false;
	p += 4;
	w = snprintf(out, outlen, "S-1-");
	for (;;) {
		hex = count == 0 && end - p > 2 && p[0] == '0' &&
		    (p[1] == 'x' || p[1] == 'X');
		if (hex)
			p += 2;
		v = 0;
		for (digits = 0; p < end && *p != '-'; p++, digits++) {
			int d = hex ? exh_hexval((unsigned char)*p) :
			    (*p >= '0' && *p <= '9' ? *p - '0' : -1);

			if (d < 0 || digits >= 15)
				return false;
			v = v * (hex ? 16 : 10) + (uint64_t)d;
		}
		if (digits == 0 || (count == 0 && v >> 48) ||
		    (count > 0 && v > UINT32_MAX) || count > 15)
			return false;
		used = (size_t)w;
		if (count == 0 && v >> 32)
			w = snprintf(out + used, outlen - used, "0x%012llX",
			    (unsigned long long)v);
		else
			w = snprintf(out + used, outlen - used, "%s%llu",
			    count > 0 ? "-" : "", (unsigned long long)v);
		if (w < 0 || (size_t)w >= outlen - used)
			return false;
		w += (int)used;
		count++;
		if (p == end)
			return true;
		p++;			/* the '-' */
		if (p == end)
			return false;
	}
}

/* "SID<TAB>NAME", as Windows shows the account. */
int
rules_sid_line(struct exh_rules *r, size_t fi, const struct rules_line *l)
{
	const char *tab = memchr(l->s, '\t', l->n), *name;
	char canon[200], sid[200];
	size_t sidlen, namelen, i;
	struct sid_name e;

	if (tab == NULL)
		return rules_reject(r, fi, l->no, "expected SID<TAB>NAME");
	sidlen = (size_t)(tab - l->s);
	name = tab + 1;
	namelen = l->n - sidlen - 1;
	rules_trim(&name, &namelen);
	if (sidlen >= sizeof(sid) ||
	    !canonical_sid(l->s, sidlen, canon, sizeof(canon)))
		return rules_reject(r, fi, l->no, "not a SID (S-1-AUTHORITY"
		    "-SUBAUTHORITY..., at most 15 sub-authorities)");
	memcpy(sid, l->s, sidlen);
	sid[sidlen] = '\0';
	if (strcmp(sid, canon) != 0)
		return rules_reject(r, fi, l->no, "SID not in canonical form; "
		    "write %s", canon);
	if (namelen == 0)
		return rules_reject(r, fi, l->no, "no account name");
	for (i = 0; i < namelen; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return rules_reject(r, fi, l->no,
			    "control character in the account name");
	if (r->nsidn == r->capsidn) {
		size_t cap = r->capsidn == 0 ? 64 : r->capsidn * 2;
		struct sid_name *nv = realloc(r->sidn, cap * sizeof(*nv));

		if (nv == NULL)
			return EXH_ENOMEM;
		r->sidn = nv;
		r->capsidn = cap;
	}
	e.file = (uint32_t)fi;
	e.line = (uint32_t)l->no;
	if ((e.sid = rules_strdup(canon)) == NULL)
		return EXH_ENOMEM;
	if ((e.name = rules_strndup(name, namelen)) == NULL) {
		free(e.sid);
		return EXH_ENOMEM;
	}
	r->sidn[r->nsidn++] = e;
	r->files[fi].loaded++;
	return EXH_OK;
}
