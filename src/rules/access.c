/* The rule-set accessors: files, counts, notes and what the scan must compute. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

static bool
valid(const struct exh_rules *r)
{
	return r != NULL && r->magic == EXH_RULES_MAGIC;
}

size_t
exh_rules_file_count(const struct exh_rules *r)
{
	return valid(r) ? r->nfiles : 0;
}

const struct exh_rules_file *
exh_rules_file(const struct exh_rules *r, size_t i)
{
	if (!valid(r) || i >= r->nfiles)
		return NULL;
	return &r->files[i];
}

const char *
exh_rules_file_kind_name(int kind)
{
	switch (kind) {
	case EXH_RF_YARA:
		return "yara";
	case EXH_RF_HASH:
		return "hash";
	case EXH_RF_HASH_ALLOW:
		return "hash-allow";
	case EXH_RF_PATHIOC:
		return "path-ioc";
	case EXH_RF_MSTIC:
		return "mstic-csv";
	case EXH_RF_FILETYPE:
		return "file-type";
	case EXH_RF_IGNORED:
		return "ignored";
	case EXH_RF_SIDNAMES:
		return "sid-names";
	case EXH_RF_SCOREMAP:
		return "score-map";
	case EXH_RF_SCRIPTEXT:
		return "script-extensions";
	default:
		return "unknown";
	}
}

static size_t
count_kind(const struct hash_tab *t, bool allow)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (t->v[i].allow == allow)
			n++;
	return n;
}

struct exh_rules_counts
exh_rules_counts(const struct exh_rules *r)
{
	struct exh_rules_counts c = { 0 };
	size_t i;

	if (!valid(r))
		return c;
	c.yara_rules = r->yara_rules;
	c.md5 = count_kind(&r->md5, false);
	c.sha1 = count_kind(&r->sha1, false);
	c.sha256 = count_kind(&r->sha256, false);
	c.allow_hashes = count_kind(&r->md5, true) +
	    count_kind(&r->sha1, true) + count_kind(&r->sha256, true);
	c.path_iocs = r->npioc + r->npsuf;
	c.path_iocs_every = r->pauto.built ? r->pauto.nslow : r->npioc;
	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].error != NULL)
			c.files_rejected++;
	return c;
}

const char *
exh_rules_set_sha256(const struct exh_rules *r)
{
	return valid(r) ? r->setsha : "";
}

bool
exh_rules_cache_used(const struct exh_rules *r)
{
	return valid(r) && r->cache_used;
}

const char *
exh_rules_cache_note(const struct exh_rules *r)
{
	return valid(r) ? r->cache_note : NULL;
}

const char *
exh_rules_prefilter_note(const struct exh_rules *r)
{
	if (!valid(r))
		return NULL;
	return r->prefilter_note != NULL ? r->prefilter_note :
	    "off: no YARA rules";
}

bool
exh_rules_wants_md5(const struct exh_rules *r)
{
	return valid(r) && r->md5.n > 0;
}

bool
exh_rules_wants_sha1(const struct exh_rules *r)
{
	return valid(r) && r->sha1.n > 0;
}
