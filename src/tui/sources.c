/* Sources: the disks (or images) with their partitions, warnings and the choice of what to scan. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

static void
probe_parts(struct tui_source *s)
{
	struct exh_volume *vol;
	struct exh_err err;
	size_t i, n = exh_source_partition_count(s->src);

	if ((s->parts = calloc(n ? n : 1, sizeof(*s->parts))) == NULL)
		return;
	s->nparts = n;
	for (i = 0; i < n; i++) {
		const struct exh_partition *p = exh_source_partition(s->src, i);
		struct tui_part *tp = &s->parts[i];

		tp->number = p->number;
		if (p->fs != EXH_FS_NTFS)
			continue;
		if (exh_volume_open(s->src, p->number, &vol, &err) != EXH_OK) {
			tui_printf(tp->error, sizeof(tp->error), "%s", err.msg);
			continue;
		}
		tp->ntfs_open = true;
		tp->vi = *exh_volume_info(vol);
		tp->system = exh_volume_is_system(vol);
		exh_volume_close(vol);
	}
}

static void
open_one(struct tui_source *s)
{
	if (s->from_sysfs && s->disk.is_boot_stick) {
		tui_printf(s->why_not, sizeof(s->why_not), "%s",
		    N_("the exhume boot stick: not examined"));
		return;
	}
	if (s->from_sysfs && exh_source_disk_in_use(NULL, s->disk.name)) {
		tui_printf(s->why_not, sizeof(s->why_not), "%s",
		    N_("in use by the running system: not examined"));
		return;
	}
	if (exh_source_open(s->path, &s->src, &s->open_err) != EXH_OK) {
		s->src = NULL;
		tui_printf(s->why_not, sizeof(s->why_not), "%s",
		    N_("cannot be opened (details below)"));
		return;
	}
	s->selectable = true;
	s->selected = true;
	probe_parts(s);
}

static int
add_source(struct tui *t, const char *path, const struct exh_disk_info *d)
{
	struct tui_source *grown, *s;

	grown = realloc(t->srcs, (t->nsrcs + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	t->srcs = grown;
	s = &t->srcs[t->nsrcs];
	memset(s, 0, sizeof(*s));
	if ((s->path = strdup(path)) == NULL)
		return EXH_ENOMEM;
	if (d != NULL) {
		s->from_sysfs = true;
		s->disk = *d;
	}
	t->nsrcs++;
	open_one(s);
	return EXH_OK;
}

/* NTFS volumes numbered as exh_triage_open numbers them: over the
 * chosen sources, in order, those that open. */
static void
number_volumes(struct tui *t)
{
	size_t i, j;
	int n = 0;

	for (i = 0; i < t->nsrcs; i++)
		for (j = 0; j < t->srcs[i].nparts; j++) {
			struct tui_part *p = &t->srcs[i].parts[j];

			p->volume = (t->srcs[i].selected && p->ntfs_open) ?
			    ++n : 0;
		}
	if (t->only_volume > n)
		t->only_volume = 0;
	t->nvolumes = n;
}

/*
 * (Re)reads the sources: the SOURCE arguments, or every disk in
 * /sys/block.  Every source is opened read-only at once, so the start
 * screen can show the real read-only state.
 */
int
tui_probe_sources(struct tui *t)
{
	struct exh_disk_info *disks = NULL;
	struct exh_err err;
	size_t i, n = 0;
	int rc = EXH_OK;

	tui_free_sources(t);
	for (i = 0; i < t->ngiven && rc == EXH_OK; i++)
		rc = add_source(t, t->given[i], NULL);
	if (t->ngiven == 0) {
		rc = exh_source_list_disks("/sys", t->boot_id[0] ?
		    t->boot_id : NULL, &disks, &n, &err);
		for (i = 0; i < n && rc == EXH_OK; i++)
			rc = add_source(t, disks[i].dev_path, &disks[i]);
		free(disks);
	}
	t->only_volume = 0;
	number_volumes(t);
	return rc;
}

void
tui_free_sources(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->nsrcs; i++) {
		exh_source_release(t->srcs[i].src);
		free(t->srcs[i].path);
		free(t->srcs[i].parts);
	}
	free(t->srcs);
	t->srcs = NULL;
	t->nsrcs = 0;
}

/* ---- the screen ------------------------------------------------- */

/* Listbox keys: source index in the high bits, partition + 1 below. */
#define KEY_OF(si, pi)	((void *)(intptr_t)((((si) + 1) << 12) | ((pi) + 1)))
#define KEY_SRC(k)	((size_t)((intptr_t)(k) >> 12) - 1)
#define KEY_PART(k)	((long)((intptr_t)(k) & 0xfff) - 1)

static void
source_row(struct tui *t, const struct tui_source *s, char *dst)
{
	char name[TUI_LINE], model[TUI_LINE], size[32];

	tui_size(s->src ? exh_source_size(s->src) : s->disk.size, size,
	    sizeof(size));
	tui_fit_pad(t, s->path, 26, name);
	tui_fit(t, s->from_sysfs ? s->disk.model : "", 20, model);
	tui_printf(dst, TUI_LINE, "%s %s %9s %s", !s->selectable ? "   " :
	    s->selected ? "[x]" : "[ ]", name, size, s->from_sysfs &&
	    s->disk.is_boot_stick ? _("BOOT STICK") : !s->selectable ?
	    _("not selectable") : s->from_sysfs || s->src == NULL ? model :
	    exh_source_container_name(s->src));
}

static const char *
part_flags(const struct exh_partition *p, const struct tui_part *tp)
{
	if (p->fs == EXH_FS_BITLOCKER)
		return _("BitLocker!");
	if (p->dynamic_disk || p->fs == EXH_FS_LDM)
		return _("dynamic disk!");
	if (tp->ntfs_open && tp->vi.hibernated)
		return _("hibernated!");
	if (tp->ntfs_open && tp->vi.dirty)
		return _("dirty!");
	if (tp->system)
		return _("Windows");
	return "";
}

static void
part_row(struct tui *t, const struct exh_partition *p,
    const struct tui_part *tp, char *dst)
{
	char label[TUI_LINE], size[32], mark[8];

	tui_size(p->size, size, sizeof(size));
	tui_fit_pad(t, tp->ntfs_open ? tp->vi.label : p->label, 16, label);
	if (tp->volume == 0)
		tui_printf(mark, sizeof(mark), "   ");
	else
		tui_printf(mark, sizeof(mark), "%s", t->only_volume == 0 ||
		    t->only_volume == tp->volume ? "[x]" : "[ ]");
	tui_printf(dst, TUI_LINE, "    %s #%-2d %-9s %s %9s %s", mark,
	    p->number, exh_fs_kind_name(p->fs), label, size, part_flags(p, tp));
}

static void
fill_list(struct tui *t, newtComponent lb)
{
	char line[TUI_LINE];
	size_t i, j;

	newtListboxClear(lb);
	for (i = 0; i < t->nsrcs; i++) {
		struct tui_source *s = &t->srcs[i];

		source_row(t, s, line);
		newtListboxAppendEntry(lb, line, KEY_OF(i, -1));
		for (j = 0; s->src != NULL && j < s->nparts; j++) {
			part_row(t, exh_source_partition(s->src, j),
			    &s->parts[j], line);
			newtListboxAppendEntry(lb, line, KEY_OF(i, (long)j));
		}
	}
}

static void
warn_text(struct tui *t, const struct exh_partition *p,
    const struct tui_part *tp, struct exh_buf *b)
{
	if (p->fs == EXH_FS_BITLOCKER)
		tui_para(t, b, _("BitLocker: encrypted. exhume cannot "
		    "read it without the recovery key; it is listed, not "
		    "scanned.\n"), TUI_TEXT_W);
	if (p->dynamic_disk || p->fs == EXH_FS_LDM)
		tui_para(t, b, _("Dynamic disk (LDM): volumes may span "
		    "disks; exhume reads only simple volumes.\n"),
		    TUI_TEXT_W);
	if (tp->ntfs_open && tp->vi.hibernated)
		tui_para(t, b, _("Hibernated or Fast Startup: the newest "
		    "changes may be only in hiberfil.sys. Read as it is on "
		    "disk.\n"), TUI_TEXT_W);
	if (tp->ntfs_open && tp->vi.dirty)
		tui_para(t, b, _("Dirty: not shut down cleanly. Changes "
		    "still in $LogFile are not visible; nothing is "
		    "replayed.\n"), TUI_TEXT_W);
}

static void
part_details(struct tui *t, const struct tui_source *s, size_t j,
    struct exh_buf *b)
{
	const struct exh_partition *p = exh_source_partition(s->src, j);
	const struct tui_part *tp = &s->parts[j];
	char line[TUI_LINE];

	tui_printf(line, sizeof(line), _("Partition %d at %" PRIu64 ", %s, "
	    "type %s"), p->number, p->offset, exh_fs_kind_name(p->fs),
	    p->table_type[0] ? p->table_type : "-");
	(void)tui_wrap(t, b, "", line, TUI_TEXT_W);
	(void)tui_wrap(t, b, _("Label: "), tp->ntfs_open ? tp->vi.label :
	    p->label, TUI_TEXT_W);
	if (tp->ntfs_open) {
		tui_printf(line, sizeof(line), _("NTFS %d.%d, serial %s%s"),
		    tp->vi.ntfs_major, tp->vi.ntfs_minor, tp->vi.serial,
		    tp->system ? _(", Windows system volume") : "");
		(void)tui_wrap(t, b, "", line, TUI_TEXT_W);
	}
	if (tp->error[0] != '\0')
		(void)tui_wrap(t, b, _("Cannot open NTFS: "), tp->error,
		    TUI_TEXT_W);
	if (p->note[0] != '\0')
		(void)tui_wrap(t, b, _("Note: "), p->note, TUI_TEXT_W);
	warn_text(t, p, tp, b);
}

/* The files the logical disk is read from: segments, extents, parents. */
static void
image_files(struct tui *t, const struct exh_source *src, struct exh_buf *b)
{
	char size[32], lead[TUI_LINE];
	size_t i;

	for (i = 0; i < exh_source_file_count(src); i++) {
		const struct exh_image_file *f = exh_source_file(src, i);

		tui_size(f->size, size, sizeof(size));
		tui_printf(lead, sizeof(lead), _("File (%s, %s): "), f->role,
		    size);
		(void)tui_wrap(t, b, lead, f->path, TUI_TEXT_W);
	}
}

static void
source_details(struct tui *t, const struct tui_source *s, struct exh_buf *b)
{
	char line[TUI_LINE];

	if (s->from_sysfs) {
		tui_printf(line, sizeof(line), _("Model %s, serial %s, bus %s"),
		    s->disk.model, s->disk.serial, s->disk.bus);
		(void)tui_wrap(t, b, "", line, TUI_TEXT_W);
	}
	if (s->why_not[0] != '\0')
		(void)tui_wrap(t, b, "", _(s->why_not), TUI_TEXT_W);
	if (s->src == NULL && s->open_err.msg[0] != '\0')
		(void)tui_wrap(t, b, "", s->open_err.msg, TUI_TEXT_W);
	if (s->src != NULL) {
		(void)tui_wrap(t, b, _("Read-only: "),
		    exh_source_ro_state(s->src)->method, TUI_TEXT_W);
		tui_printf(line, sizeof(line), _("Partition table: %s"),
		    exh_source_table(s->src)[0] ? exh_source_table(s->src) :
		    _("none"));
		(void)tui_wrap(t, b, "", line, TUI_TEXT_W);
		(void)tui_wrap(t, b, _("Container: "),
		    exh_source_format(s->src), TUI_TEXT_W);
		image_files(t, s->src, b);
	}
}

static void
show_details(struct tui *t, newtComponent lb, newtComponent tb)
{
	void *k = newtListboxGetCurrent(lb);
	struct exh_buf b = { 0 };
	size_t si = KEY_SRC(k);
	long pi = KEY_PART(k);

	if (k == NULL || si >= t->nsrcs)
		return;
	if (pi < 0)
		source_details(t, &t->srcs[si], &b);
	else
		part_details(t, &t->srcs[si], (size_t)pi, &b);
	newtTextboxSetText(tb, b.data ? b.data : "");
	exh_buf_free(&b);
}

/* Space: a disk in or out; on a volume: only this one, or all again. */
static void
toggle(struct tui *t, void *k)
{
	size_t si = KEY_SRC(k);
	long pi = KEY_PART(k);
	struct tui_source *s;

	if (k == NULL || si >= t->nsrcs)
		return;
	s = &t->srcs[si];
	if (pi < 0) {
		if (s->selectable)
			s->selected = !s->selected;
		t->only_volume = 0;
	} else if (s->parts[pi].volume > 0)
		t->only_volume = t->only_volume == s->parts[pi].volume ? 0 :
		    s->parts[pi].volume;
	number_volumes(t);
}

struct details_ctx {
	struct tui *t;
	newtComponent lb, tb;
};

static void
moved(newtComponent co, void *data)
{
	struct details_ctx *d = data;

	(void)co;
	show_details(d->t, d->lb, d->tb);
}

static bool
run_list(struct tui *t, newtComponent f, newtComponent lb, newtComponent tb)
{
	struct newtExitStruct es;
	enum tui_event ev;
	struct details_ctx d = { t, lb, tb };
	void *k;

	newtComponentAddCallback(lb, moved, &d);
	for (;;) {
		show_details(t, lb, tb);
		ev = tui_run_form(t, f, &es);
		if (ev == TUI_EV_TIMER || ev == TUI_EV_FD)
			continue;
		if (ev != TUI_EV_KEY && ev != TUI_EV_COMPONENT)
			return false;
		if (ev == TUI_EV_KEY && (es.u.key == NEWT_KEY_ESCAPE ||
		    es.u.key == NEWT_KEY_F10 || es.u.key == 'd' ||
		    es.u.key == 'D'))
			return false;
		if (ev == TUI_EV_KEY && (es.u.key == 'r' || es.u.key == 'R' ||
		    es.u.key == NEWT_KEY_F5))
			return true;
		k = newtListboxGetCurrent(lb);
		toggle(t, k);
		fill_list(t, lb);
		newtListboxSetCurrentByKey(lb, k);
	}
}

void
tui_sources_screen(struct tui *t)
{
	newtComponent f, lb, tb;
	bool rescan = true;

	while (rescan && !t->quit) {
		tui_root(t, _("Sources"), _("Space/Enter: choose   R/F5: "
		    "rescan   D/F10/Esc: done"));
		newtOpenWindow(2, 2, TUI_WIN_W, TUI_WIN_H, _("Sources"));
		newtFormAddComponent(f = tui_form(t), newtLabel(1, 0,
		    _("[x] is scanned. On a volume, Space scans only that "
		    "volume.")));
		lb = newtListbox(1, 1, 10, NEWT_FLAG_SCROLL |
		    NEWT_FLAG_RETURNEXIT | NEWT_FLAG_SHOWCURSOR);
		newtListboxSetWidth(lb, TUI_WIN_W - 2);
		fill_list(t, lb);
		tb = newtTextbox(1, 12, TUI_WIN_W - 2, TUI_WIN_H - 12, 0);
		newtComponentTakesFocus(tb, 0);
		newtFormAddComponents(f, lb, tb, NULL);
		newtFormAddHotKey(f, ' ');
		newtFormAddHotKey(f, 'r');
		newtFormAddHotKey(f, 'R');
		newtFormAddHotKey(f, 'd');
		newtFormAddHotKey(f, 'D');
		newtFormAddHotKey(f, NEWT_KEY_F5);
		newtFormAddHotKey(f, NEWT_KEY_F10);
		newtFormAddHotKey(f, NEWT_KEY_ESCAPE);
		rescan = run_list(t, f, lb, tb);
		newtFormDestroy(f);
		newtPopWindow();
		if (rescan) {
			exh_triage_destroy(t->triage);
			t->triage = NULL;
			t->scanned = false;
			(void)tui_probe_sources(t);
		}
	}
}
