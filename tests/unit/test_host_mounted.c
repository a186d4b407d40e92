/* Unit tests: SYSTEM\MountedDevices values decoded, read from a hive and matched to partitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/host.h"
#include "../lib/hivespec.h"

static const unsigned char mbr_c[12] = {
	0xcd, 0xab, 0x34, 0x12,			/* signature 0x1234abcd */
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 1 MiB */
};

/* DMIO:ID: and {01234567-89ab-cdef-0011-223344556677} as Windows stores it. */
static const unsigned char gpt_e[24] = {
	'D', 'M', 'I', 'O', ':', 'I', 'D', ':',
	0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd,
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
};

static void
mbr_value_gives_signature_and_byte_offset(void **state)
{
	struct exh_mounted_device d;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_mounted_decode("\\DosDevices\\C:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_OK);
	assert_int_equal(d.letter, 'C');
	assert_int_equal(d.kind, EXH_MOUNT_MBR);
	assert_int_equal(d.mbr_signature, 0x1234abcdu);
	assert_int_equal(d.mbr_offset, 1048576u);
	/* Windows writes upper case; a lower-case letter means the same. */
	assert_int_equal(exh_mounted_decode("\\dosdevices\\z:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_OK);
	assert_int_equal(d.letter, 'Z');
}

static void
gpt_value_gives_the_guid_in_text_order(void **state)
{
	struct exh_mounted_device d;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_mounted_decode("\\DosDevices\\E:", gpt_e,
	    sizeof(gpt_e), &d, &err), EXH_OK);
	assert_int_equal(d.kind, EXH_MOUNT_GPT);
	assert_string_equal(d.gpt_guid, "01234567-89ab-cdef-0011-223344556677");
}

static void
other_names_are_not_drive_letters(void **state)
{
	struct exh_mounted_device d;
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_mounted_decode("\\??\\Volume{01234567-89ab-"
	    "cdef-0011-223344556677}", mbr_c, sizeof(mbr_c), &d, &err),
	    EXH_ENOTFOUND);
	assert_int_equal(exh_mounted_decode("#{guid}", gpt_e, sizeof(gpt_e),
	    &d, &err), EXH_ENOTFOUND);
	assert_int_equal(exh_mounted_decode(NULL, NULL, 0, &d, &err),
	    EXH_ENOTFOUND);
}

static void
hostile_values_are_refused_with_the_reason(void **state)
{
	static const unsigned char usb[14] = { '_', 0, '?', 0, '?', 0, '_', 0,
	    'U', 0, 'S', 0, 'B', 0 };
	unsigned char forged[24];
	unsigned char big[4096];
	struct exh_mounted_device d;
	struct exh_err err;
	size_t len;

	(void)state;
	assert_int_equal(exh_mounted_decode("\\DosDevices\\A:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "letter outside C..Z"));
	assert_int_equal(exh_mounted_decode("\\DosDevices\\1:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_ECORRUPT);
	assert_int_equal(exh_mounted_decode("\\DosDevices\\CC:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "not a drive letter name"));
	assert_int_equal(exh_mounted_decode("\\DosDevices\\C", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_ECORRUPT);
	assert_int_equal(exh_mounted_decode("\\DosDevices\\\x1b:", mbr_c,
	    sizeof(mbr_c), &d, &err), EXH_ECORRUPT);
	assert_null(strchr(err.msg, 0x1b));
	/* Every length but 12 and 24 (with the DMIO marker) is refused. */
	memset(big, 0x41, sizeof(big));
	for (len = 0; len < sizeof(big); len = len < 64 ? len + 1 : len * 2) {
		if (len == 12)
			continue;
		assert_int_equal(exh_mounted_decode("\\DosDevices\\D:", big,
		    len, &d, &err), EXH_ECORRUPT);
	}
	assert_int_equal(exh_mounted_decode("\\DosDevices\\D:", NULL, 12, &d,
	    &err), EXH_ECORRUPT);
	memcpy(forged, gpt_e, sizeof(forged));
	forged[7] = ';';
	assert_int_equal(exh_mounted_decode("\\DosDevices\\D:", forged,
	    sizeof(forged), &d, &err), EXH_ECORRUPT);
	assert_int_equal(exh_mounted_decode("\\DosDevices\\F:", usb,
	    sizeof(usb), &d, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "a device path"));
}

/* Builds a SYSTEM hive from spec lines and reads MountedDevices from it. */
static int
from_spec(const char *spec, struct exh_mounted_devices **out,
    struct exh_err *err)
{
	char path[] = "/tmp/exhume-mounted-XXXXXX", why[256];
	struct exh_buf b = { 0 };
	unsigned char chunk[4096];
	FILE *f;
	size_t n;
	int fd, rc;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hs_build(spec, path, why, sizeof(why)), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(exh_buf_append(&b, chunk, n), EXH_OK);
	fclose(f);
	unlink(path);
	rc = exh_mounted_from_hive(b.data, b.len, out, err);
	exh_buf_free(&b);
	return rc;
}

static bool
has_note(const struct exh_mounted_devices *m, const char *text)
{
	size_t i;

	for (i = 0; i < m->nnotes; i++)
		if (strstr(m->notes[i], text) != NULL)
			return true;
	return false;
}

static void
hive_values_are_sorted_by_letter_and_bad_ones_noted(void **state)
{
	struct exh_mounted_devices *m = NULL;
	struct exh_err err;

	(void)state;
	assert_int_equal(from_spec(
	    "binary \\MountedDevices \\DosDevices\\E:=hex:44,4d,49,4f,3a,49,"
	    "44,3a,67,45,23,01,ab,89,ef,cd,00,11,22,33,44,55,66,77\n"
	    "binary \\MountedDevices \\DosDevices\\C:=hex:cd,ab,34,12,00,00,"
	    "10,00,00,00,00,00\n"
	    "binary \\MountedDevices \\DosDevices\\B:=hex:cd,ab,34,12,00,00,"
	    "10,00,00,00,00,00\n"
	    "binary \\MountedDevices \\DosDevices\\G:=hex:01\n"
	    "binary \\MountedDevices \\??\\Volume{x}=hex:01,02\n", &m, &err),
	    EXH_OK);
	assert_int_equal(m->ndevs, 2);
	assert_int_equal(m->devs[0].letter, 'C');
	assert_int_equal(m->devs[1].letter, 'E');
	assert_true(has_note(m, "\\DosDevices\\B:: letter outside C..Z"));
	assert_true(has_note(m, "\\DosDevices\\G:: 1 bytes of data"));
	assert_int_equal(m->nnotes, 2);
	exh_mounted_free(m);
}

static void
hive_without_the_key_or_not_a_hive(void **state)
{
	struct exh_mounted_devices *m = NULL;
	struct exh_err err;

	(void)state;
	assert_int_equal(from_spec("dword \\Select Current=1\n", &m, &err),
	    EXH_ENOTFOUND);
	assert_null(m);
	assert_non_null(strstr(err.msg, "no MountedDevices key"));
	assert_int_equal(exh_mounted_from_hive("regf", 4, &m, &err),
	    EXH_ECORRUPT);
	assert_null(m);
}

static void
partitions_match_by_signature_offset_or_guid(void **state)
{
	struct exh_mounted_device devs[3];
	struct exh_mounted_devices m = { devs, 3, NULL, 0 };
	struct exh_partition p;
	struct exh_err err;
	size_t n;

	(void)state;
	assert_int_equal(exh_mounted_decode("\\DosDevices\\C:", mbr_c,
	    sizeof(mbr_c), &devs[0], &err), EXH_OK);
	assert_int_equal(exh_mounted_decode("\\DosDevices\\E:", gpt_e,
	    sizeof(gpt_e), &devs[1], &err), EXH_OK);
	assert_int_equal(exh_mounted_decode("\\DosDevices\\F:", mbr_c,
	    sizeof(mbr_c), &devs[2], &err), EXH_OK);

	memset(&p, 0, sizeof(p));
	memcpy(p.table_id, "1234abcd", 9);
	p.offset = 1048576;
	/* Two letters for one partition: the lowest, and the count. */
	assert_int_equal(exh_mounted_letter(&m, &p, &n), 'C');
	assert_int_equal(n, 2);
	p.offset = 2097152;
	assert_int_equal(exh_mounted_letter(&m, &p, &n), 0);
	assert_int_equal(n, 0);
	p.offset = 1048576;
	memcpy(p.table_id, "1234abce", 9);
	assert_int_equal(exh_mounted_letter(&m, &p, NULL), 0);

	memset(&p, 0, sizeof(p));
	memcpy(p.table_id, "aaaaaaaa-0000-0000-0000-000000000000", 37);
	memcpy(p.part_guid, "01234567-89ab-cdef-0011-223344556677", 37);
	p.offset = 1048576;
	assert_int_equal(exh_mounted_letter(&m, &p, &n), 'E');
	assert_int_equal(n, 1);

	/* A partition image: no identity, no letter. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(exh_mounted_letter(&m, &p, &n), 0);
	assert_int_equal(exh_mounted_letter(NULL, &p, &n), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mbr_value_gives_signature_and_byte_offset),
		cmocka_unit_test(gpt_value_gives_the_guid_in_text_order),
		cmocka_unit_test(other_names_are_not_drive_letters),
		cmocka_unit_test(hostile_values_are_refused_with_the_reason),
		cmocka_unit_test(
		    hive_values_are_sorted_by_letter_and_bad_ones_noted),
		cmocka_unit_test(hive_without_the_key_or_not_a_hive),
		cmocka_unit_test(partitions_match_by_signature_offset_or_guid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
