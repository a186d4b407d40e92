/* Testing one row against the rules and turning a match into a finding. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

static void
getf(struct logscan_filestate *sc, int id, const char **p, size_t *n)
{
	int col;

	if (id == LOGSCAN_FIELD_LINE) {
		*p = sc->line;
		*n = sc->linelen;
		return;
	}
	col = sc->col_of[id];
	if (col >= 0 && (size_t)col >= sc->nf)
		logscan_more_columns(sc, (size_t)col + 1);
	if (col < 0 || (size_t)col >= sc->nf) {
		*p = "";
		*n = 0;
		return;
	}
	*p = sc->f[col].p;
	*n = sc->f[col].n;
}

static const char *
ifind(const char *hay, size_t hn, const char *nd, size_t nn)
{
	size_t i;

	for (i = 0; nn <= hn && i <= hn - nn; i++)
		if (logscan_iequal(hay + i, nn, nd, nn))
			return hay + i;
	return NULL;
}

static bool
ip_listed(struct logscan_filestate *sc, const char *v, size_t n)
{
	const char *src, *colon;

	if (n > 2 && v[0] == '[') {
		const char *rb = memchr(v, ']', n);

		if (rb != NULL) {
			n = (size_t)(rb - v) - 1;
			v++;
		}
	}
	/* "a.b.c.d:port": drop the port; IPv6 has more than one colon. */
	colon = memchr(v, ':', n);
	if (colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - v) -
	    1) == NULL && memchr(v, '.', n) != NULL)
		n = (size_t)(colon - v);
	if ((src = logscan_strset_get(&sc->ls->ips, v, n)) == NULL)
		return false;
	/* hit is display text (the finding's detail): may be cut. */
	(void)snprintf(sc->hit, sizeof(sc->hit), "%.*s listed by %s", (int)n, v,
	    src[0] ? src : "attacker-ips.txt");
	return true;
}

static bool
url_flagged(struct logscan_filestate *sc, const char *v, size_t n)
{
	char dec[2048];
	const char *id;
	size_t i, k = 0;

	if ((id = logscan_strset_get(&sc->ls->flagged, v, n)) == NULL) {
		if (n >= sizeof(dec) || memchr(v, '%', n) == NULL)
			return false;
		for (i = 0; i < n; i++) {
			if (v[i] == '%' && i + 2 < n && exh_hexval(v[i + 1]) >= 0 &&
			    exh_hexval(v[i + 2]) >= 0) {
				dec[k++] = (char)(exh_hexval(v[i + 1]) * 16 +
				    exh_hexval(v[i + 2]));
				i += 2;
			} else {
				dec[k++] = v[i];
			}
		}
		if ((id = logscan_strset_get(&sc->ls->flagged, dec, k)) == NULL)
			return false;
	}
	/* hit is display text (the finding's detail): may be cut. */
	(void)snprintf(sc->hit, sizeof(sc->hit), "request for a file the file "
	    "scan flagged%s%s", id[0] ? ": " : "", id);
	return true;
}

/* CVE-2021-26858: the capture between BEFORE and AFTER must start with
 * "'" + install path + SUBDIR, as Test-ProxyLogon checks it. */
static bool
oab_outside(struct logscan_filestate *sc, const struct logscan_clause *c,
    const char *v,
    size_t n)
{
	const char *a, *b, *cap, *inst = sc->ls->install;
	size_t capn;
	char want[4200];
	int w;

	if ((a = ifind(v, n, c->alts[0], c->altlen[0])) == NULL)
		return false;
	cap = a + c->altlen[0];
	if ((b = ifind(cap, n - (size_t)(cap - v), c->alts[1],
	    c->altlen[1])) == NULL)
		return false;
	capn = (size_t)(b - cap);
	sc->capp = cap;
	sc->capn = capn;
	if (inst == NULL) {
		/* Without the install path, accept any ...\<SUBDIR>\ path;
		 * the finding says the check ran in this weaker form. */
		sc->cap_fallback = true;
		w = snprintf(want, sizeof(want), "\\%s", c->alts[2]);
		if (w < 0 || (size_t)w >= sizeof(want))
			return true;	/* as below: never a cut needle */
		return ifind(cap, capn, want, strlen(want)) == NULL;
	}
	sc->cap_fallback = false;
	w = snprintf(want, sizeof(want), "'%s%s", inst, c->alts[2]);
	if (w < 0 || (size_t)w >= sizeof(want))
		return true;
	return !(capn >= (size_t)w && logscan_iequal(cap, (size_t)w, want,
	    (size_t)w));
}

/* True when stem is one of the pages exchange-pages.tsv lists. */
bool
logscan_own_page(const struct exh_logscan *ls, const char *stem, size_t n)
{
	size_t dlen = n, i;

	while (dlen > 0 && stem[dlen - 1] != '/')
		dlen--;
	if (dlen == 0)
		return false;
	dlen--;			/* the folder, without the last '/' */
	for (i = 0; i < ls->npages; i++) {
		const struct logscan_page *p = &ls->pages[i];
		bool in;

		if (p->below)
			in = dlen >= p->flen && logscan_iequal(stem, p->flen,
			    p->folder, p->flen) && (dlen == p->flen ||
			    stem[p->flen] == '/');
		else
			in = dlen == p->flen && logscan_iequal(stem, dlen,
			    p->folder, p->flen);
		if (in && logscan_like_match(&p->name, stem + dlen + 1,
		    n - dlen - 1))
			return true;
	}
	return false;
}

static bool
value_test(struct logscan_filestate *sc, const struct logscan_clause *c,
    const char *v, size_t n)
{
	size_t i;
	bool r = false;

	switch (c->op) {
	case LOGSCAN_OP_LIKE:
		r = logscan_like_match(c, v, n);
		break;
	case LOGSCAN_OP_REGEX:
		r = logscan_regex_match(c, &sc->rx, v, n);
		break;
	case LOGSCAN_OP_SUBSTR:
		r = logscan_icontains(v, n, c->pat, c->plen);
		break;
	case LOGSCAN_OP_EQUALS:
		r = logscan_iequal(v, n, c->pat, c->plen);
		break;
	case LOGSCAN_OP_PREFIX:
		r = n >= c->plen && logscan_iequal(v, c->plen, c->pat, c->plen);
		break;
	case LOGSCAN_OP_IN:
		for (i = 0; i < c->nalts && !r; i++)
			r = logscan_iequal(v, n, c->alts[i], c->altlen[i]);
		break;
	case LOGSCAN_OP_EMPTY:
		r = n == 0;
		break;
	case LOGSCAN_OP_NONEMPTY:
		r = n > 0;
		break;
	case LOGSCAN_OP_INSET: {
		const struct logscan_pset *set = &sc->ls->sets[c->set];

		if (set->needs != NULL && sc->ls->prefilter &&
		    !logscan_guard_holds(set->needs, v, n))
			break;
		for (i = 0; i < set->n && !r; i++) {
			const struct logscan_clause *it = &set->items[i];

			r = it->op == LOGSCAN_OP_REGEX ?
			    logscan_regex_match(it, &sc->rx, v, n) :
			    logscan_like_match(it, v, n);
		}
		break;
	}
	case LOGSCAN_OP_IPLIST:
		r = n > 0 && ip_listed(sc, v, n);
		break;
	case LOGSCAN_OP_FLAGGED:
		r = n > 0 && url_flagged(sc, v, n);
		break;
	case LOGSCAN_OP_OAB_OUTSIDE:
		r = oab_outside(sc, c, v, n);
		break;
	case LOGSCAN_OP_OWNPAGE:
		r = logscan_own_page(sc->ls, v, n);
		break;
	default:
		break;
	}
	return r;
}

/* A clause's test on this row's value, from the value cache when the
 * value was seen before (valcache.c).  iplist and flagged leave a detail behind when
 * they hold, so only their misses are remembered. */
static bool
clause_test(struct logscan_filestate *sc, const struct logscan_clause *c)
{
	struct logscan_vslot *slot;
	const char *v;
	size_t n;
	uint64_t bit;
	bool r;

	getf(sc, c->field, &v, &n);
	/* EXHUME_LOGSCAN_PREFILTER=off also works every value out, so the
	 * identity tests cover the cache. */
	if (c->vc < 0 || !sc->ls->prefilter || (slot = logscan_vcache_slot(
	    &sc->vcache, c->field, sc->lineno, v, n)) == NULL)
		return value_test(sc, c, v, n);
	bit = (uint64_t)1 << c->vc;
	if (slot->known & bit)
		return (slot->val & bit) != 0;
	r = value_test(sc, c, v, n);
	if (!r || (c->op != LOGSCAN_OP_IPLIST && c->op != LOGSCAN_OP_FLAGGED)) {
		slot->known |= bit;
		if (r)
			slot->val |= bit;
	}
	return r;
}

static bool
clause_true(struct logscan_filestate *sc, const struct logscan_clause *c)
{
	bool r;

	if (c->memo < 0)
		return clause_test(sc, c) != c->neg;
	if (sc->memo_at[c->memo] != sc->lineno) {
		sc->memo_val[c->memo] = clause_test(sc, c);
		sc->memo_at[c->memo] = sc->lineno;
	}
	r = sc->memo_val[c->memo];
	return r != c->neg;
}

static bool
rule_true(struct logscan_filestate *sc, const struct logscan_rule *r)
{
	size_t i;

	for (i = 0; i < r->ncl; i++)
		if (!clause_true(sc, &r->cl[r->order[i]]))
			return false;
	return true;
}

static char *
dupn(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static int
set_n(char **field, const char *p, size_t n)
{
	char *s = dupn(p, n);
	int rc;

	if (s == NULL)
		return EXH_ENOMEM;
	rc = exh_finding_set(field, s);
	free(s);
	return rc;
}

static int
add_field_n(struct exh_finding *f, const char *key, const char *p, size_t n)
{
	char *s = dupn(p, n);
	int rc;

	if (s == NULL)
		return EXH_ENOMEM;
	rc = exh_finding_add_field(f, key, s);
	free(s);
	return rc;
}

static bool
seen(const int *ids, size_t n, int id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int
add_row_fields(struct logscan_filestate *sc, struct exh_finding *f,
    const struct logscan_rule *r,
    const struct logscan_check *chk)
{
	int done[64];
	size_t nd = 0, i;
	int rc = EXH_OK;

	for (i = 0; i < chk->nshow + r->ncl && rc == EXH_OK; i++) {
		int id = i < chk->nshow ? chk->show[i] :
		    r->cl[i - chk->nshow].field;
		const char *v;
		size_t n;

		if (id < 0 || sc->col_of[id] < 0 || seen(done, nd, id))
			continue;
		if (nd < 64)
			done[nd++] = id;
		getf(sc, id, &v, &n);
		rc = add_field_n(f, sc->ls->fields[id], v, n);
	}
	return rc;
}

/* Scores f and adds it to the results; rc is how building it went. */
int
logscan_hand_over(struct logscan_filestate *sc, struct exh_finding *f, int rc)
{
	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	}
	exh_finding_rescore(f);
	return exh_findings_add(sc->out, f, sc->err);
}

/*
 * Repeated hits of one check on one client and URI are one finding
 * (findings/group.c); the key is "client<US>uri", the URI folded to
 * lower case since IIS serves it without regard to case.
 */
static int
group_hit(struct logscan_filestate *sc, struct exh_finding *f, int rc)
{
	char key[EXH_GROUP_KEY_MAX];
	size_t k = 0, i;

	if (rc != EXH_OK) {
		exh_finding_free(f);
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	}
	exh_finding_rescore(f);
	if (f->client_ip != NULL)
		for (i = 0; f->client_ip[i] != '\0' && k + 2 < sizeof(key);
		    i++)
			key[k++] = f->client_ip[i];
	key[k++] = '\x1f';
	if (sc->have_hdr && sc->c_stem >= 0 && (size_t)sc->c_stem < sc->nf)
		for (i = 0; i < sc->f[sc->c_stem].n && k + 1 < sizeof(key);
		    i++)
			{
			char c = sc->f[sc->c_stem].p[i];

			key[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
	key[k] = '\0';
	return exh_group_add(sc->groups, key, f, sc->err);
}

static int
emit(struct logscan_filestate *sc, const struct logscan_rule *r,
    const char *hit)
{
	const struct logscan_check *chk = &sc->ls->checks[r->check];
	struct exh_finding *f;
	struct exh_buf detail = { 0 };
	const char *ip;
	size_t ipn;
	int rc;

	if (sc->have_hdr)
		logscan_more_columns(sc, LOGSCAN_MAXCOLS);
	if ((f = exh_finding_new(EXH_FIND_LOG)) == NULL)
		return exh_err_set(sc->err, EXH_ENOMEM, 0,
		    "log: finding: out of memory");
	f->line = sc->lineno;
	f->time = sc->t;
	rc = exh_finding_set(&f->check, chk->id);
	if (rc == EXH_OK)
		rc = exh_finding_set(&f->file.path, sc->winpath);
	if (rc == EXH_OK && sc->c_ip >= 0 && (size_t)sc->c_ip < sc->nf &&
	    sc->have_hdr) {
		ip = sc->f[sc->c_ip].p;
		ipn = sc->f[sc->c_ip].n;
		if (ipn > 0)
			rc = set_n(&f->client_ip, ip, ipn);
	}
	if (rc == EXH_OK)
		rc = set_n(&f->excerpt, sc->line, sc->linelen < LOGSCAN_EXCERPT_MAX ?
		    sc->linelen : LOGSCAN_EXCERPT_MAX);
	if (rc == EXH_OK && sc->have_hdr)
		rc = add_row_fields(sc, f, r, chk);
	if (rc == EXH_OK && chk->family == EXH_LOG_OABGEN && sc->capp != NULL)
		rc = add_field_n(f, "DownloadPath", sc->capp, sc->capn);
	if (rc == EXH_OK && r->label != NULL)
		rc = exh_buf_printf(&detail, "%s; ", r->label);
	if (rc == EXH_OK && hit[0] != '\0')
		rc = exh_buf_printf(&detail, "%s; ", hit);
	if (rc == EXH_OK && chk->family == EXH_LOG_OABGEN && sc->cap_fallback)
		rc = exh_buf_puts(&detail, "install path unknown, checked "
		    "against any ClientAccess\\OAB folder; ");
	if (rc == EXH_OK)
		rc = exh_buf_printf(&detail, "rule %s", r->src);
	if (rc == EXH_OK)
		rc = exh_finding_add_reason(f, "log", chk->id, r->score,
		    chk->desc, chk->ref, detail.data);
	exh_buf_free(&detail);
	return group_hit(sc, f, rc);
}

int
logscan_run_rules(struct logscan_filestate *sc)
{
	struct exh_logscan *ls = sc->ls;
	size_t i = ls->fam_first[sc->family];
	size_t end = i + ls->fam_count[sc->family];
	char besthit[sizeof(sc->hit)];
	int status;

	if (ls->prefilter)
		logscan_prefilter_line(sc);
	while (i < end) {
		int check = ls->rules[i].check;
		const struct logscan_rule *best = NULL;

		/* Alternatives of one check: the best-scoring match wins,
		 * one finding per line and check. */
		for (; i < end && ls->rules[i].check == check; i++) {
			const struct logscan_rule *r = &ls->rules[i];

			if ((best != NULL && r->score <= best->score) ||
			    !logscan_rule_possible(sc, r))
				continue;
			sc->hit[0] = '\0';
			if (rule_true(sc, r)) {
				best = r;
				memcpy(besthit, sc->hit, sizeof(besthit));
			}
		}
		if (best != NULL && (status = emit(sc, best, besthit)) !=
		    EXH_OK)
			return status;
	}
	return EXH_OK;
}
