/* The triage handle: options, opened sources and volumes, notes, results. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage_int.h"

int
triage_push(char ***v, size_t *n, const char *s)
{
	return exh_strvec_push(v, n, s);
}

/*
 * Keeps a note twice: as English text (JSON, front ends) and as a message
 * the report renders in its own language.  The two lists stay parallel:
 * a note that cannot be kept in both is counted, never lost unseen.
 */
static void
keep_note(struct exh_triage *t, const char *text, const struct exh_msg *m)
{
	if (triage_push(&t->notes, &t->nnotes, text) != EXH_OK)
		t->notes_lost++;
	else if (exh_msgs_push(&t->note_msgs, &t->nnote_msgs, m) != EXH_OK) {
		free(t->notes[--t->nnotes]);
		t->notes_lost++;
	}
	if (t->opt.note != NULL)
		t->opt.note(t->opt.ctx, text);
}

void
triage_note(struct exh_triage *t, const char *fmt, ...)
{
	struct exh_msg m;
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	exh_msg_vsetf(&m, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	/* A note is display text: one longer than text is cut. */
	if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	keep_note(t, text, &m);
}

void
triage_note_msg(struct exh_triage *t, const struct exh_msg *m)
{
	struct exh_buf text = { 0 };

	if (exh_msg_render(m, false, &text) != EXH_OK)
		t->notes_lost++;
	else
		keep_note(t, text.data, m);
	exh_buf_free(&text);
}

bool
triage_rules_path(const struct exh_triage *t, const char *name, char *buf,
    size_t len)
{
	int n = snprintf(buf, len, "%s/%s", t->opt.rules_dir, name);

	return n >= 0 && (size_t)n < len;
}

int
exh_triage_create(const struct exh_triage_options *opt,
    struct exh_triage **out, struct exh_err *err)
{
	struct exh_triage *t;

	if (opt == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "triage: no options");
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	t->opt = *opt;
	/* Commands that need no rules (files) still work without them:
	 * only loading the rules reports what is missing. */
	if (t->opt.rules_dir == NULL) {
		(void)exh_data_rules_dir(t->rules_dir, sizeof(t->rules_dir),
		    &t->rules_dir_err);
		t->opt.rules_dir = t->rules_dir;
	}
	t->started = exh_unix_to_filetime((int64_t)time(NULL));
	if (exh_findings_create(&t->fs, err) != EXH_OK) {
		free(t);
		return err->status;
	}
	*out = t;
	return EXH_OK;
}

void
exh_triage_destroy(struct exh_triage *t)
{
	size_t i;

	if (t == NULL)
		return;
	/* The hashing thread reads the sources' files: it ends first. */
	triage_image_stop(t);
	free(t->img);
	for (i = 0; i < t->nvols; i++) {
		triage_snapshots_close(&t->vols[i]);
		exh_volume_close(t->vols[i].vol);
		free(t->vols[i].why);
		free(t->vols[i].snapshots_note);
		free(t->vols[i].history);
	}
	free(t->nothing_examined);
	free(t->exchange_dir);
	/* Nothing reads the devices any more: they get their flag back,
	 * unless the boot image asks to keep them read-only. */
	for (i = 0; i < t->nsrcs; i++)
		exh_source_release(t->srcs[i]);
	for (i = 0; i < t->nfailed; i++) {
		free(t->failed[i].source_path);
		free(t->failed[i].error);
	}
	free(t->failed);
	free(t->vols);
	free(t->srcs);
	exh_strvec_free(t->notes, t->nnotes);
	exh_msgs_free(t->note_msgs);
	exh_strvec_free(t->scope, t->nscope);
	free(t->cov);
	exh_profile_free(t->prof);
	exh_findings_destroy(t->fs);
	exh_rules_destroy(t->rules);
	free(t);
}

int
exh_triage_load_rules(struct exh_triage *t, struct exh_err *err)
{
	struct exh_rules_options ro;

	/* The data tables (scope.txt first) are needed with or without
	 * the default rules: no rule option can stand in for them. */
	if (t->rules_dir_err.status != EXH_OK) {
		if (err != NULL)
			*err = t->rules_dir_err;
		return t->rules_dir_err.status;
	}
	memset(&ro, 0, sizeof(ro));
	ro.default_dir = t->opt.rules_dir;
	ro.no_default = t->opt.no_default_rules;
	ro.yara_paths = t->opt.yara_paths;
	ro.n_yara = t->opt.n_yara;
	ro.ioc_paths = t->opt.ioc_paths;
	ro.n_ioc = t->opt.n_ioc;
	ro.cache_dir = t->opt.cache_dir;
	ro.no_prefilter = t->opt.no_prefilter;
	exh_rules_destroy(t->rules);
	t->rules = NULL;
	return exh_rules_load(&ro, &t->rules, err);
}

static int
add_volume(struct exh_triage *t, struct exh_source *src, int part,
    struct exh_volume *vol)
{
	struct triage_volume *grown;

	grown = realloc(t->vols, (t->nvols + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	t->vols = grown;
	t->vols[t->nvols++] = (struct triage_volume){ .src = src,
	    .part = part, .vol = vol };
	return EXH_OK;
}

static int
add_failed(struct exh_triage *t, struct exh_source *src, int part,
    const char *why)
{
	struct triage_failed *grown;

	grown = realloc(t->failed, (t->nfailed + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	t->failed = grown;
	grown[t->nfailed].source_path = strdup(exh_source_path(src));
	grown[t->nfailed].part = part;
	grown[t->nfailed].error = strdup(why);
	t->nfailed++;
	return EXH_OK;
}

/* One whole sentence per case, so that each is one message id. */
static void
not_examined(struct exh_triage *t, struct exh_source *src,
    const struct exh_partition *p)
{
	const char *path = exh_source_path(src);

	if (p->fs_type[0] != '\0' && p->note[0] != '\0')
		triage_note(t, "%s: partition %d (%s): not examined: %s", path,
		    p->number, p->fs_type, p->note);
	else if (p->fs_type[0] != '\0')
		triage_note(t, "%s: partition %d (%s): not examined", path,
		    p->number, p->fs_type);
	else if (p->note[0] != '\0')
		triage_note(t, "%s: partition %d (unknown): not examined: %s",
		    path, p->number, p->note);
	else
		triage_note(t, "%s: partition %d (unknown): not examined", path,
		    p->number);
}

static int
open_source_volumes(struct exh_triage *t, struct exh_source *src)
{
	struct exh_volume *vol;
	struct exh_err err;
	size_t i;

	for (i = 0; i < exh_source_partition_count(src); i++) {
		const struct exh_partition *p = exh_source_partition(src, i);

		if (p->fs != EXH_FS_NTFS) {
			/* BitLocker, FAT, unknown: on the record, not silent. */
			not_examined(t, src, p);
			continue;
		}
		if (exh_volume_open(src, p->number, &vol, &err) != EXH_OK) {
			triage_note(t, "%s: partition %d: %s",
			    exh_source_path(src), p->number, err.msg);
			if (add_failed(t, src, p->number, err.msg) != EXH_OK)
				return EXH_ENOMEM;
			continue;
		}
		/* A damaged $SII leaves owners unknown: say so once. */
		if (exh_volume_info(vol)->secure_note[0] != '\0')
			triage_note(t, "%s: partition %d: %s",
			    exh_source_path(src), p->number,
			    exh_volume_info(vol)->secure_note);
		if (add_volume(t, src, p->number, vol) != EXH_OK) {
			exh_volume_close(vol);
			return EXH_ENOMEM;
		}
	}
	return EXH_OK;
}

/* --volume N keeps only the Nth NTFS volume. */
static int
keep_only(struct exh_triage *t, int only, struct exh_err *err)
{
	size_t i;

	if (only <= 0)
		return EXH_OK;
	if ((size_t)only > t->nvols)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "--volume %d: there are %zu NTFS volumes", only, t->nvols);
	for (i = 0; i < t->nvols; i++)
		if (i != (size_t)only - 1)
			exh_volume_close(t->vols[i].vol);
	t->vols[0] = t->vols[only - 1];
	t->nvols = 1;
	return EXH_OK;
}

static int
letter_volumes(struct exh_triage *t, struct exh_err *err)
{
	struct exh_msg *notes = NULL;
	size_t i, n = 0;
	int rc;

	rc = triage_letter_volumes(t->vols, t->nvols, t->opt.letters, &notes,
	    &n, err);
	for (i = 0; i < n; i++)
		triage_note_msg(t, &notes[i]);
	exh_msgs_free(notes);
	return rc;
}

static void
build_profile(struct exh_triage *t)
{
	struct exh_volume **vols;
	struct exh_err err;
	size_t i;

	if ((vols = calloc(t->nvols ? t->nvols : 1, sizeof(*vols))) == NULL)
		return;
	for (i = 0; i < t->nvols; i++)
		vols[i] = t->vols[i].vol;
	if (exh_profile_build(vols, t->nvols, t->opt.rules_dir, &t->prof,
	    &err) != EXH_OK)
		triage_note(t, "host profile: %s", err.msg);
	free(vols);
}

int
exh_triage_open(struct exh_triage *t, char *const *paths, size_t n,
    struct exh_err *err)
{
	struct exh_source_options so = {
		.parents = t->opt.parents,
		.nparents = t->opt.n_parents,
	};
	size_t i;
	int rc;

	if ((t->srcs = calloc(n ? n : 1, sizeof(*t->srcs))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	for (i = 0; i < n; i++) {
		if ((rc = exh_source_open_with(paths[i], &so,
		    &t->srcs[t->nsrcs], err)) != EXH_OK)
			return rc;
		t->nsrcs++;
		if (exh_source_ro_state(t->srcs[i])->is_block_device)
			triage_note(t, "%s: set read-only (BLKROSET) for this "
			    "run; %s", paths[i], exh_source_keep_read_only() ?
			    "it stays read-only afterwards "
			    "(EXHUME_KEEP_READONLY)" : "its previous flag is "
			    "restored when the run ends");
		if (open_source_volumes(t, t->srcs[i]) != EXH_OK)
			return exh_err_set(err, EXH_ENOMEM, 0,
			    "out of memory");
	}
	/* The files are hashed while the volumes are opened and scanned. */
	if ((rc = triage_image_start(t, err)) != EXH_OK)
		return rc;
	if ((rc = letter_volumes(t, err)) != EXH_OK ||
	    (rc = keep_only(t, t->opt.only_volume, err)) != EXH_OK)
		return rc;
	if (t->nvols == 0)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "no NTFS volume to examine");
	if (!t->opt.no_profile)
		build_profile(t);
	return EXH_OK;
}

const struct exh_rules *
exh_triage_rules(const struct exh_triage *t)
{
	return t->rules;
}

const struct exh_profile *
exh_triage_profile(const struct exh_triage *t)
{
	return t->prof;
}

const struct exh_findings *
exh_triage_findings(const struct exh_triage *t)
{
	return t->fs;
}

size_t
exh_triage_coverage_count(const struct exh_triage *t)
{
	return t->ncov;
}

const struct exh_log_coverage *
exh_triage_coverage(const struct exh_triage *t, size_t i)
{
	return i < t->ncov ? &t->cov[i] : NULL;
}

size_t
exh_triage_note_count(const struct exh_triage *t)
{
	return t->nnotes;
}

const char *
exh_triage_note(const struct exh_triage *t, size_t i)
{
	return i < t->nnotes ? t->notes[i] : NULL;
}

struct exh_volume *
triage_volume_for(const struct exh_triage *t, char letter)
{
	size_t i;

	for (i = 0; i < t->nvols; i++)
		if ((exh_volume_info(t->vols[i].vol)->letter & ~0x20) ==
		    (letter & ~0x20))
			return t->vols[i].vol;
	return NULL;
}

size_t
exh_triage_volume_count(const struct exh_triage *t)
{
	return t->nvols;
}

struct exh_volume *
exh_triage_volume(const struct exh_triage *t, size_t i)
{
	return i < t->nvols ? t->vols[i].vol : NULL;
}

/* A stream in scope that was too large to read whole was examined only in
 * part (its name, its head and tail): the run is not complete. */
static bool
size_skips(const struct exh_findings *fs)
{
	size_t i, n = exh_findings_skip_count(fs);

	for (i = 0; i < n; i++)
		if (strcmp(exh_findings_skip(fs, i)->reason, "too-large") == 0)
			return true;
	return false;
}

int
exh_triage_verdict_status(const struct exh_triage *t)
{
	struct exh_stats st = exh_findings_stats(t->fs);
	size_t counts[4];

	exh_findings_level_counts(t->fs, counts);
	if (counts[EXH_LEVEL_WARNING] + counts[EXH_LEVEL_ALERT] > 0)
		return 1;
	if (st.streams_unreadable > 0 || exh_findings_partial(t->fs) != NULL ||
	    size_skips(t->fs) || t->nothing_examined != NULL)
		return 3;
	return 0;
}
