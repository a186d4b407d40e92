/* Finding records: construction, reasons, scoring. */
#include <stdlib.h>
#include <string.h>

#include "exhume/findings.h"

struct exh_finding *
exh_finding_new(int kind)
{
	struct exh_finding *f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->kind = kind;
	return f;
}

static void
free_reason(struct exh_reason *r)
{
	free(r->kind);
	free(r->name);
	free(r->description);
	free(r->reference);
	free(r->detail);
}

void
exh_finding_free(struct exh_finding *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nreasons; i++)
		free_reason(&f->reasons[i]);
	for (i = 0; i < f->nfields; i++) {
		free(f->fields[i].key);
		free(f->fields[i].value);
	}
	free(f->reasons);
	free(f->fields);
	free(f->check);
	exh_fileref_free(&f->file);
	free(f->owner);
	free(f->client_ip);
	free(f->excerpt);
	for (i = 0; i < f->nclients; i++)
		free(f->clients[i]);
	free(f->clients);
	for (i = 0; i < f->nsamples; i++)
		free(f->samples[i].text);
	free(f->samples);
	free(f->grouped);
	free(f->origin);
	free(f);
}

int
exh_finding_set(char **field, const char *value)
{
	char *copy = NULL;

	if (value != NULL && (copy = strdup(value)) == NULL)
		return EXH_ENOMEM;
	free(*field);
	*field = copy;
	return EXH_OK;
}

static int
dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return EXH_OK;
	return (*dst = strdup(src)) == NULL ? EXH_ENOMEM : EXH_OK;
}

int
exh_finding_add_reason(struct exh_finding *f, const char *kind,
    const char *name, int score, const char *description,
    const char *reference, const char *detail)
{
	struct exh_reason *r, *grown;
	size_t bytes;

	if (!exh_mul_ok(f->nreasons + 1, sizeof(*r), &bytes) ||
	    (grown = realloc(f->reasons, bytes)) == NULL)
		return EXH_ENOMEM;
	f->reasons = grown;
	r = &f->reasons[f->nreasons];
	memset(r, 0, sizeof(*r));
	r->score = score;
	if (dup_str(&r->kind, kind) != EXH_OK ||
	    dup_str(&r->name, name) != EXH_OK ||
	    dup_str(&r->description, description) != EXH_OK ||
	    dup_str(&r->reference, reference) != EXH_OK ||
	    dup_str(&r->detail, detail) != EXH_OK) {
		free_reason(r);
		return EXH_ENOMEM;
	}
	f->nreasons++;
	return EXH_OK;
}

int
exh_finding_add_field(struct exh_finding *f, const char *key,
    const char *value)
{
	struct exh_kv *grown;
	size_t bytes;
	char *k, *v;

	if (!exh_mul_ok(f->nfields + 1, sizeof(*grown), &bytes) ||
	    (grown = realloc(f->fields, bytes)) == NULL)
		return EXH_ENOMEM;
	f->fields = grown;
	k = strdup(key != NULL ? key : "");
	v = strdup(value != NULL ? value : "");
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return EXH_ENOMEM;
	}
	f->fields[f->nfields].key = k;
	f->fields[f->nfields].value = v;
	f->nfields++;
	return EXH_OK;
}

int
exh_finding_add_client(struct exh_finding *f, const char *client)
{
	char **grown;
	size_t i;

	if (client == NULL || client[0] == '\0')
		return EXH_OK;
	for (i = 0; i < f->nclients; i++)
		if (strcmp(f->clients[i], client) == 0)
			return EXH_OK;
	if (f->nclients >= EXH_GROUP_CLIENTS) {
		f->clients_cut = true;
		return EXH_OK;
	}
	if ((grown = realloc(f->clients, (f->nclients + 1) *
	    sizeof(*grown))) == NULL)
		return EXH_ENOMEM;
	f->clients = grown;
	if ((grown[f->nclients] = strdup(client)) == NULL)
		return EXH_ENOMEM;
	f->nclients++;
	return EXH_OK;
}

int
exh_finding_add_sample(struct exh_finding *f, uint64_t line, int64_t time,
    const char *text)
{
	struct exh_sample *grown;

	if (f->nsamples >= EXH_GROUP_SAMPLES)
		return EXH_OK;
	if ((grown = realloc(f->samples, (f->nsamples + 1) *
	    sizeof(*grown))) == NULL)
		return EXH_ENOMEM;
	f->samples = grown;
	grown[f->nsamples].line = line;
	grown[f->nsamples].time = time;
	if ((grown[f->nsamples].text = strdup(text != NULL ? text : "")) ==
	    NULL)
		return EXH_ENOMEM;
	f->nsamples++;
	return EXH_OK;
}

struct exh_finding *
exh_finding_dup(const struct exh_finding *f)
{
	struct exh_finding *d;
	size_t i;
	int rc = EXH_OK;

	if ((d = exh_finding_new(f->kind)) == NULL)
		return NULL;
	memcpy(d->id, f->id, sizeof(d->id));
	d->level = f->level;
	d->score = f->score;
	memcpy(d->md5, f->md5, sizeof(d->md5));
	memcpy(d->sha1, f->sha1, sizeof(d->sha1));
	memcpy(d->sha256, f->sha256, sizeof(d->sha256));
	d->line = f->line;
	d->record = f->record;
	d->time = f->time;
	rc |= exh_fileref_copy(&d->file, &f->file);
	rc |= dup_str(&d->check, f->check);
	rc |= dup_str(&d->owner, f->owner);
	rc |= dup_str(&d->client_ip, f->client_ip);
	rc |= dup_str(&d->excerpt, f->excerpt);
	for (i = 0; rc == EXH_OK && i < f->nreasons; i++) {
		const struct exh_reason *r = &f->reasons[i];

		rc = exh_finding_add_reason(d, r->kind, r->name, r->score,
		    r->description, r->reference, r->detail);
	}
	for (i = 0; rc == EXH_OK && i < f->nfields; i++)
		rc = exh_finding_add_field(d, f->fields[i].key,
		    f->fields[i].value);
	d->count = f->count;
	d->first = f->first;
	d->last = f->last;
	d->clients_cut = f->clients_cut;
	for (i = 0; rc == EXH_OK && i < f->nclients; i++)
		rc = exh_finding_add_client(d, f->clients[i]);
	for (i = 0; rc == EXH_OK && i < f->nsamples; i++)
		rc = exh_finding_add_sample(d, f->samples[i].line,
		    f->samples[i].time, f->samples[i].text);
	if (rc == EXH_OK)
		rc = dup_str(&d->grouped, f->grouped);
	if (rc == EXH_OK)
		rc = dup_str(&d->origin, f->origin);
	d->origin_time = f->origin_time;
	if (rc != EXH_OK) {
		exh_finding_free(d);
		return NULL;
	}
	return d;
}

static int
cmp_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

int
exh_score_combine(const int *scores, size_t n)
{
	int pos[64], npos = 0, neg = 0;
	double keep = 1.0, div = 1.0, total;
	size_t i;

	for (i = 0; i < n; i++) {
		if (scores[i] < 0)
			neg += scores[i];
		else if (npos < (int)(sizeof(pos) / sizeof(pos[0])))
			pos[npos++] = scores[i] > 100 ? 100 : scores[i];
	}
	qsort(pos, (size_t)npos, sizeof(pos[0]), cmp_desc);
	/* The strongest reason counts fully, each further one half as much. */
	for (i = 0; i < (size_t)npos; i++) {
		keep *= 1.0 - pos[i] / 100.0 / div;
		div *= 2.0;
	}
	total = 100.0 * (1.0 - keep) + neg;
	if (total < 0)
		total = 0;
	if (total > 100)
		total = 100;
	return (int)(total + 0.5);
}

int
exh_level_for(int total, const int *scores, size_t n)
{
	size_t i;
	bool strong = false;

	for (i = 0; i < n; i++)
		if (scores[i] > 75)
			strong = true;
	if (total >= 80 && strong)
		return EXH_LEVEL_ALERT;
	if (total >= 60)
		return EXH_LEVEL_WARNING;
	if (total >= 40)
		return EXH_LEVEL_NOTICE;
	return EXH_LEVEL_INFO;
}

void
exh_finding_rescore(struct exh_finding *f)
{
	int scores[64] = { 0 };
	size_t i, n = 0;

	for (i = 0; i < f->nreasons && n < 64; i++)
		scores[n++] = f->reasons[i].score;
	f->score = exh_score_combine(scores, n);
	f->level = exh_level_for(f->score, scores, n);
}

static const char *const level_names[] = {
	"info", "notice", "warning", "alert",
};

const char *
exh_level_name(int level)
{
	if (level < 0 || level > EXH_LEVEL_ALERT)
		return "unknown";
	return level_names[level];
}

int
exh_level_parse(const char *name)
{
	int i;

	for (i = 0; i <= EXH_LEVEL_ALERT; i++)
		if (exh_ascii_iequal(name, level_names[i]))
			return i;
	return -1;
}

const char *
exh_finding_kind_name(int kind)
{
	static const char *const names[] = { "file", "log", "event", "host" };

	if (kind < 0 || kind > EXH_FIND_HOST)
		return "unknown";
	return names[kind];
}
