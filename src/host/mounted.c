/* SYSTEM\MountedDevices: the drive letters the host gave its partitions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exhume/host.h"
#include "host_int.h"

#define SYSTEM_PATH "\\Windows\\System32\\config\\SYSTEM"

#define DOSDEV		"\\DosDevices\\"
#define DOSDEV_LEN	(sizeof(DOSDEV) - 1)
#define MBR_LEN		12	/* signature (4) + offset (8) */
#define GPT_LEN		24	/* "DMIO:ID:" + GUID (16) */

/* An escaped, bounded copy of a value name for a message. */
static const char *
shown(const char *name, char *buf, size_t len)
{
	return exh_esc_term_str(name, buf, len);
}

/* The 16 GUID bytes in Windows order: Data1-3 little-endian, Data4 as is. */
static void
guid_text(const unsigned char *g, char *out, size_t len)
{
	(void)snprintf(out, len, "%08x-%04x-%04x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", (unsigned)exh_le32(g),
	    (unsigned)exh_le16(g + 4), (unsigned)exh_le16(g + 6), g[8], g[9],
	    g[10], g[11], g[12], g[13], g[14], g[15]);
}

int
exh_mounted_decode(const char *name, const void *data, size_t len,
    struct exh_mounted_device *out, struct exh_err *err)
{
	const unsigned char *d = data;
	char nm[96], letter;

	if (name == NULL || strncasecmp(name, DOSDEV, DOSDEV_LEN) != 0)
		return exh_err_set(err, EXH_ENOTFOUND, 0,
		    "not a drive letter value");
	if (strlen(name) != DOSDEV_LEN + 2 || name[DOSDEV_LEN + 1] != ':')
		return exh_err_set(err, EXH_ECORRUPT, 0, "%s: not a drive "
		    "letter name", shown(name, nm, sizeof(nm)));
	letter = name[DOSDEV_LEN];
	if (letter >= 'a' && letter <= 'z')
		letter = (char)(letter - 'a' + 'A');
	if (letter < 'C' || letter > 'Z')
		return exh_err_set(err, EXH_ECORRUPT, 0, "%s: letter outside "
		    "C..Z", shown(name, nm, sizeof(nm)));
	if (d == NULL)
		len = 0;
	memset(out, 0, sizeof(*out));
	out->letter = letter;
	if (len == MBR_LEN) {
		out->kind = EXH_MOUNT_MBR;
		out->mbr_signature = exh_le32(d);
		out->mbr_offset = exh_le64(d + 4);
		return EXH_OK;
	}
	if (len == GPT_LEN && memcmp(d, "DMIO:ID:", 8) == 0) {
		out->kind = EXH_MOUNT_GPT;
		guid_text(d + 8, out->gpt_guid, sizeof(out->gpt_guid));
		return EXH_OK;
	}
	/* Removable media and virtual disks carry a UTF-16 device path
	 * ("\??\USBSTOR#..."): no partition of a given disk. */
	if (len >= 8 && len % 2 == 0 && d[0] == '_' && d[1] == 0 &&
	    d[2] == '?' && d[3] == 0)
		return exh_err_set(err, EXH_ECORRUPT, 0, "%s: a device path "
		    "(removable media or a virtual disk), not a disk partition",
		    shown(name, nm, sizeof(nm)));
	return exh_err_set(err, EXH_ECORRUPT, 0, "%s: %zu bytes of data, "
	    "neither an MBR signature and offset (12) nor a GPT partition "
	    "GUID (24)", shown(name, nm, sizeof(nm)), len);
}

void
exh_mounted_free(struct exh_mounted_devices *m)
{
	if (m == NULL)
		return;
	free(m->devs);
	exh_strvec_free(m->notes, m->nnotes);
	free(m);
}

static int
note(struct exh_mounted_devices *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
note(struct exh_mounted_devices *m, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = exh_strvec_vpushf(&m->notes, &m->nnotes, fmt, ap);
	va_end(ap);
	return rc;
}

/* Adds d unless its letter is taken: the first value for a letter wins,
 * as hivex lists them (the order in the key). */
static int
add_dev(struct exh_mounted_devices *m, const struct exh_mounted_device *d)
{
	struct exh_mounted_device *grown;
	size_t i;

	for (i = 0; i < m->ndevs; i++)
		if (m->devs[i].letter == d->letter)
			return note(m, "MountedDevices: a second value for "
			    "%c: ignored (the first one is used)", d->letter);
	grown = realloc(m->devs, (m->ndevs + 1) * sizeof(*grown));
	if (grown == NULL)
		return EXH_ENOMEM;
	m->devs = grown;
	m->devs[m->ndevs++] = *d;
	return EXH_OK;
}

static int
by_letter(const void *a, const void *b)
{
	const struct exh_mounted_device *x = a, *y = b;

	return (x->letter > y->letter) - (x->letter < y->letter);
}

static int
read_values(hive_h *h, hive_node_h key, struct exh_mounted_devices *m)
{
	hive_value_h *vals;
	struct exh_mounted_device d;
	struct exh_err err;
	size_t i, n, len;
	hive_type t;
	char *name, *data;
	int rc = EXH_OK;

	if ((vals = hivex_node_values(h, key)) == NULL)
		return note(m, "MountedDevices: values cannot be listed: %s",
		    exh_strerror(errno));
	for (n = 0; vals[n] != 0; n++)
		;
	if (n > EXH_MOUNTED_MAX_VALUES)
		rc = note(m, "MountedDevices: %zu values, only the first %u "
		    "examined", n, EXH_MOUNTED_MAX_VALUES);
	for (i = 0; i < n && i < EXH_MOUNTED_MAX_VALUES && rc == EXH_OK;
	    i++) {
		if ((name = hivex_value_key(h, vals[i])) == NULL)
			continue;
		data = NULL;
		len = 0;
		if (strncasecmp(name, DOSDEV, DOSDEV_LEN) == 0 &&
		    (data = hivex_value_value(h, vals[i], &t, &len)) == NULL)
			rc = note(m, "MountedDevices: a drive letter value "
			    "cannot be read: ignored");
		else if (exh_mounted_decode(name, data, len, &d, &err) ==
		    EXH_OK)
			rc = add_dev(m, &d);
		else if (err.status == EXH_ECORRUPT)
			rc = note(m, "MountedDevices: %s: ignored", err.msg);
		free(data);
		free(name);
	}
	free(vals);
	if (m->ndevs > 1)
		qsort(m->devs, m->ndevs, sizeof(*m->devs), by_letter);
	return rc;
}

int
exh_mounted_from_hive(const void *hive, size_t len,
    struct exh_mounted_devices **out, struct exh_err *err)
{
	struct exh_mounted_devices *m;
	hive_node_h key;
	hive_h *h;
	int rc;

	if ((h = host_hive_open(hive, len, err)) == NULL)
		return exh_err_prefix(err, "SYSTEM hive");
	key = hivex_node_get_child(h, hivex_root(h), "MountedDevices");
	if (key == 0) {
		hivex_close(h);
		return exh_err_set(err, EXH_ENOTFOUND, 0, "SYSTEM hive: no "
		    "MountedDevices key");
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		hivex_close(h);
		return exh_err_set(err, EXH_ENOMEM, errno, "out of memory");
	}
	rc = read_values(h, key, m);
	hivex_close(h);
	if (rc != EXH_OK) {
		exh_mounted_free(m);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	*out = m;
	return EXH_OK;
}

/* Replays SYSTEM.LOG1/.LOG2 over a dirty SYSTEM copy in b (see hivelog.c);
 * the outcome goes to *replay.  EXH_OK or EXH_ENOMEM. */
static int
replay_system_logs(struct exh_volume *sys, struct exh_buf *b,
    struct exh_hive_replay *replay, struct exh_err *err)
{
	struct exh_buf log[2] = { { 0 }, { 0 } };
	struct exh_err e;
	char path[64];
	int i, rc;

	replay->log_names[0] = "SYSTEM.LOG1";
	replay->log_names[1] = "SYSTEM.LOG2";
	replay->note[0] = '\0';
	if (!exh_hive_is_dirty(b->data, b->len))
		return EXH_OK;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s.LOG%d", SYSTEM_PATH, i + 1);
		/* A log that cannot be read counts as absent: the note
		 * says the hive was read as is. */
		if (exh_volume_read_file(sys, path, "",
		    EXH_HIVE_LOG_MAX_BYTES, &log[i], &e) == EXH_ENOMEM) {
			exh_buf_free(&log[0]);
			exh_buf_free(&log[1]);
			return exh_err_set(err, EXH_ENOMEM, ENOMEM,
			    "SYSTEM hive: out of memory");
		}
	}
	rc = exh_hive_replay_logs(b, log[0].data, log[0].len, log[1].data,
	    log[1].len, replay, err);
	for (i = 0; i < 2; i++)
		exh_buf_free(&log[i]);
	return rc;
}

int
exh_mounted_read(struct exh_volume *sys, struct exh_mounted_devices **out,
    struct exh_err *err)
{
	struct exh_buf b = { 0 };
	struct exh_hive_replay replay = { 0 };
	int rc;

	rc = exh_volume_read_file(sys, SYSTEM_PATH, "", EXH_HIVE_MAX_BYTES,
	    &b, err);
	if (rc == EXH_OK)
		rc = replay_system_logs(sys, &b, &replay, err);
	else
		exh_err_prefix(err, "SYSTEM hive");
	if (rc == EXH_OK)
		rc = exh_mounted_from_hive(b.data, b.len, out, err);
	if (rc == EXH_OK && replay.note[0] != '\0' &&
	    note(*out, "SYSTEM hive: %s", replay.note) != EXH_OK) {
		exh_mounted_free(*out);
		*out = NULL;
		rc = exh_err_set(err, EXH_ENOMEM, ENOMEM, "out of memory");
	}
	exh_buf_free(&b);
	return rc;
}

/* The MBR signature of a partition's table, when it has one. */
static bool
mbr_signature(const struct exh_partition *p, uint32_t *sig)
{
	unsigned long v;
	char *end;

	if (p->part_guid[0] != '\0' || strlen(p->table_id) != 8)
		return false;
	errno = 0;
	v = strtoul(p->table_id, &end, 16);
	if (errno != 0 || *end != '\0' || v > 0xffffffffUL)
		return false;
	*sig = (uint32_t)v;
	return true;
}

char
exh_mounted_letter(const struct exh_mounted_devices *m,
    const struct exh_partition *p, size_t *nmatch)
{
	uint32_t sig = 0;
	bool mbr;
	size_t i, n = 0;
	char letter = 0;

	if (m == NULL || p == NULL) {
		if (nmatch != NULL)
			*nmatch = 0;
		return 0;
	}
	mbr = mbr_signature(p, &sig);
	for (i = 0; i < m->ndevs; i++) {
		const struct exh_mounted_device *d = &m->devs[i];
		bool hit;

		if (d->kind == EXH_MOUNT_MBR)
			hit = mbr && d->mbr_signature == sig &&
			    d->mbr_offset == p->offset;
		else
			hit = p->part_guid[0] != '\0' &&
			    strcmp(d->gpt_guid, p->part_guid) == 0;
		if (hit && n++ == 0)
			letter = d->letter;
	}
	if (nmatch != NULL)
		*nmatch = n;
	return letter;
}

void
exh_mounted_describe(const struct exh_mounted_device *d, char *buf,
    size_t len)
{
	if (d->kind == EXH_MOUNT_MBR)
		(void)snprintf(buf, len, "MBR disk %08x at offset %llu",
		    (unsigned)d->mbr_signature,
		    (unsigned long long)d->mbr_offset);
	else
		(void)snprintf(buf, len, "GPT partition {%s}", d->gpt_guid);
}
