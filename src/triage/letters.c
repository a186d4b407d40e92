/* Drive letters of every opened volume: default order, then the host's MountedDevices, then --letter. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "triage_int.h"

/* Why a volume's letter is what it is, one entry per volume. */
struct plan {
	char def;		/* default-order letter */
	char want;		/* from MountedDevices, 0 if none */
	char asked;		/* from --letter, 0 if none */
	char final;
	const struct exh_mounted_device *dev;	/* the value that matched */
	char why[160];		/* for a guess: why MountedDevices gave none */
};

struct letters {
	struct triage_volume *tv;
	size_t n;
	struct plan *p;
	struct exh_msg **notes;
	size_t *nnotes;
};

static int
lnote(struct letters *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
lnote(struct letters *l, const char *fmt, ...)
{
	struct exh_msg m;
	va_list ap;

	va_start(ap, fmt);
	exh_msg_vsetf(&m, fmt, ap);
	va_end(ap);
	return exh_msgs_push(l->notes, l->nnotes, &m);
}

static const struct exh_partition *
partition_of(const struct triage_volume *v)
{
	size_t i;

	for (i = 0; i < exh_source_partition_count(v->src); i++)
		if (exh_source_partition(v->src, i)->number == v->part)
			return exh_source_partition(v->src, i);
	return NULL;
}

static const struct exh_mounted_device *
device_for(const struct exh_mounted_devices *m, char letter)
{
	size_t i;

	for (i = 0; i < m->ndevs; i++)
		if (m->devs[i].letter == letter)
			return &m->devs[i];
	return NULL;
}

/*
 * The letters MountedDevices gives.  A partition named by two values
 * keeps the lowest letter; a letter matching two volumes (a cloned disk
 * signature, the same image given twice) goes to the first in order.
 */
static int
match(struct letters *l, const struct exh_mounted_devices *m)
{
	const struct exh_partition *part;
	size_t i, j, nmatch;
	int rc = EXH_OK;

	for (i = 0; i < l->n && rc == EXH_OK; i++) {
		struct plan *p = &l->p[i];

		if ((part = partition_of(&l->tv[i])) == NULL ||
		    (part->table_id[0] == '\0' && part->part_guid[0] == '\0')) {
			(void)snprintf(p->why, sizeof(p->why), "no partition "
			    "table identity (a partition image)");
			continue;
		}
		p->want = exh_mounted_letter(m, part, &nmatch);
		if (p->want == 0) {
			(void)snprintf(p->why, sizeof(p->why), "not named in "
			    "MountedDevices");
			continue;
		}
		p->dev = device_for(m, p->want);
		if (nmatch > 1)
			rc = lnote(l, "%s: partition %d: named by %zu drive "
			    "letters in MountedDevices: the lowest, %c:, is "
			    "used", exh_source_path(l->tv[i].src), l->tv[i].part,
			    nmatch, p->want);
		for (j = 0; j < i && rc == EXH_OK; j++)
			if (l->p[j].want == p->want) {
				rc = lnote(l, "%s: partition %d: %c: of "
				    "MountedDevices matches %s partition %d as "
				    "well (the same disk identity twice): it "
				    "stays with the first", exh_source_path(
				    l->tv[i].src), l->tv[i].part, p->want,
				    exh_source_path(l->tv[j].src),
				    l->tv[j].part);
				(void)snprintf(p->why, sizeof(p->why), "%c: of "
				    "MountedDevices went to another volume "
				    "with the same identity", p->want);
				p->want = 0;
				p->dev = NULL;
				break;
			}
	}
	return rc;
}

static bool
taken(const struct letters *l, char c)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->p[i].final == c)
			return true;
	return false;
}

/* --letter first, then MountedDevices, then default letters that are
 * still free, then the lowest free letter from D:. */
static int
settle(struct letters *l)
{
	size_t i, j;
	char c;
	int rc = EXH_OK;

	for (i = 0; i < l->n; i++)
		if (l->p[i].asked != 0)
			l->p[i].final = l->p[i].asked;
	for (i = 0; i < l->n && rc == EXH_OK; i++) {
		struct plan *p = &l->p[i];

		if (p->asked != 0 || p->want == 0)
			continue;
		for (j = 0; j < l->n; j++)
			if (l->p[j].asked == p->want)
				break;
		if (j < l->n) {
			rc = lnote(l, "%s: partition %d: MountedDevices names "
			    "it %c:, but --letter gives %c: to volume %zu",
			    exh_source_path(l->tv[i].src), l->tv[i].part,
			    p->want, p->want, j + 1);
			(void)snprintf(p->why, sizeof(p->why), "its "
			    "MountedDevices letter %c: went to volume %zu by "
			    "--letter", p->want, j + 1);
			p->want = 0;
			continue;
		}
		p->final = p->want;
	}
	for (i = 0; i < l->n; i++)
		if (l->p[i].final == 0 && l->p[i].def != '?' &&
		    !taken(l, l->p[i].def))
			l->p[i].final = l->p[i].def;
	for (i = 0; i < l->n; i++) {
		if (l->p[i].final != 0)
			continue;
		for (c = 'D'; c <= 'Z' && taken(l, c); c++)
			;
		l->p[i].final = c <= 'Z' ? c : '?';
	}
	return rc;
}

static int
apply(struct letters *l)
{
	char desc[96];
	size_t i;
	int rc = EXH_OK;

	for (i = 0; i < l->n && rc == EXH_OK; i++) {
		const struct plan *p = &l->p[i];
		const char *path = exh_source_path(l->tv[i].src);
		int part = l->tv[i].part;

		if (p->asked != 0) {
			exh_volume_set_letter(l->tv[i].vol, p->final,
			    EXH_LETTER_OPTION);
			rc = lnote(l, "%s: partition %d: drive letter %c: "
			    "from --letter", path, part, p->final);
		} else if (p->want != 0) {
			exh_volume_set_letter(l->tv[i].vol, p->final,
			    EXH_LETTER_MOUNTED);
			exh_mounted_describe(p->dev, desc, sizeof(desc));
			rc = lnote(l, "%s: partition %d: drive letter %c: "
			    "from MountedDevices (%s)", path, part, p->final,
			    desc);
		} else if (p->final != '?') {
			exh_volume_set_letter(l->tv[i].vol, p->final,
			    EXH_LETTER_DEFAULT);
			rc = lnote(l, "%s: partition %d: drive letter %c: by "
			    "default order, a guess (%s)", path, part,
			    p->final, p->why);
		} else {
			exh_volume_set_letter(l->tv[i].vol, '?',
			    EXH_LETTER_NONE);
			rc = lnote(l, "%s: partition %d: no drive letter left",
			    path, part);
		}
	}
	return rc;
}

int
triage_letter_volumes(struct triage_volume *tv, size_t n,
    const char *overrides, struct exh_msg **notes, size_t *nnotes,
    struct exh_err *err)
{
	struct letters l = { tv, n, NULL, notes, nnotes };
	struct exh_mounted_devices *m = NULL;
	struct exh_volume **vols = NULL, *sys = NULL;
	char *asked = NULL, why[160];
	struct exh_err e;
	size_t i;
	int rc;

	if ((vols = calloc(n ? n : 1, sizeof(*vols))) == NULL ||
	    (asked = calloc(n ? n : 1, 1)) == NULL ||
	    (l.p = calloc(n ? n : 1, sizeof(*l.p))) == NULL) {
		rc = exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		vols[i] = tv[i].vol;
	/* Default order first: it finds the system volume. */
	if ((rc = exh_volume_assign_letters(vols, n, NULL, err)) != EXH_OK ||
	    (rc = exh_volume_parse_letters(overrides, n, asked, err)) !=
	    EXH_OK)
		goto out;
	for (i = 0; i < n; i++) {
		l.p[i].def = exh_volume_info(vols[i])->letter;
		l.p[i].asked = asked[i];
		if (!exh_volume_is_system(vols[i]))
			continue;
		if (sys == NULL)
			sys = vols[i];
		else if ((rc = lnote(&l, "volume %zu holds a second Windows "
		    "installation (a SYSTEM hive): drive letters and the host "
		    "profile come from the first; it is scanned, not "
		    "profiled (--volume %zu examines it alone)", i + 1,
		    i + 1)) != EXH_OK) {
			rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
			goto out;
		}
	}
	why[0] = '\0';
	if (sys == NULL)
		(void)snprintf(why, sizeof(why), "no volume holds a SYSTEM "
		    "hive");
	else if (exh_mounted_read(sys, &m, &e) != EXH_OK)
		(void)snprintf(why, sizeof(why), "%.150s", e.msg);
	rc = EXH_OK;
	for (i = 0; m != NULL && i < m->nnotes && rc == EXH_OK; i++)
		rc = lnote(&l, "%s", m->notes[i]);
	if (rc == EXH_OK && m != NULL)
		rc = match(&l, m);
	for (i = 0; i < n; i++)
		if (why[0] != '\0')
			(void)snprintf(l.p[i].why, sizeof(l.p[i].why), "%s",
			    why);
	if (rc == EXH_OK)
		rc = settle(&l);
	if (rc == EXH_OK)
		rc = apply(&l);
	if (rc != EXH_OK)
		rc = exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
out:
	exh_mounted_free(m);
	free(l.p);
	free(asked);
	free(vols);
	return rc;
}
