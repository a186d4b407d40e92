/* Deleted records from a copy of $MFT: paths, orphans, torn records and
 * hostile record headers (records built here byte by byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/volume.h"

#define REC 1024u
#define NREC 40u

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A FILE record with one $FILE_NAME, protected by an update sequence
 * array as NTFS writes it. */
static void
make_record(unsigned char *mft, unsigned n, uint16_t seq, bool in_use,
    bool dir, uint64_t parent, uint16_t parent_seq, const char *name)
{
	unsigned char *r = mft + (size_t)n * REC, *a, *fn;
	size_t len = strlen(name), i;
	uint32_t vlen = 0x42 + 2 * (uint32_t)len, alen = (24 + vlen + 7) & ~7u;

	memset(r, 0, REC);
	memcpy(r, "FILE", 4);
	put16(r + 4, 0x30);		/* update sequence array */
	put16(r + 6, 3);
	put16(r + 0x10, seq);
	put16(r + 0x14, 0x38);		/* first attribute */
	put16(r + 0x16, (uint16_t)((in_use ? 1 : 0) | (dir ? 2 : 0)));
	put32(r + 0x1c, REC);
	a = r + 0x38;
	put32(a, 0x30);
	put32(a + 4, alen);
	put32(a + 16, vlen);
	put16(a + 20, 24);
	fn = a + 24;
	put64(fn, parent | (uint64_t)parent_seq << 48);
	fn[0x40] = (unsigned char)len;
	fn[0x41] = 1;			/* Win32 name */
	for (i = 0; i < len; i++)
		fn[0x42 + 2 * i] = (unsigned char)name[i];
	put32(a + alen, 0xffffffffu);
	/* The sector ends move into the array; the number takes their place. */
	put16(r + 0x30, 0x0007);
	memcpy(r + 0x32, r + 510, 2);
	memcpy(r + 0x34, r + 1022, 2);
	put16(r + 510, 0x0007);
	put16(r + 1022, 0x0007);
}

struct seen {
	char paths[8][128];
	bool orphan[8], torn[8];
	size_t n;
};

static int
collect(const struct exh_deleted *d, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		strncpy(s->paths[s->n], d->path, sizeof(s->paths[0]) - 1);
		s->orphan[s->n] = d->orphan;
		s->torn[s->n] = d->torn;
		s->n++;
	}
	return EXH_WALK_NEXT;
}

static unsigned char *
base_mft(void)
{
	unsigned char *m = calloc(NREC, REC);

	assert_non_null(m);
	make_record(m, 0, 1, true, false, 5, 5, "$MFT");
	make_record(m, 5, 5, true, true, 5, 5, ".");
	make_record(m, 30, 1, true, true, 5, 5, "inetpub");
	make_record(m, 31, 2, false, true, 30, 1, "aspnet_client");
	return m;
}

static void
deleted_paths_go_through_live_and_deleted_parents(void **state)
{
	unsigned char *m = base_mft();
	struct exh_deleted_counts c;
	struct exh_err err;
	struct seen s = { 0 };

	(void)state;
	/* shell.aspx sat in aspnet_client (31, sequence 1 while it lived). */
	make_record(m, 32, 2, false, false, 31, 1, "shell.aspx");
	assert_int_equal(exh_mft_deleted_walk(m, NREC * REC, 'E', collect, &s,
	    &c, &err), EXH_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.paths[0], "E:\\inetpub\\aspnet_client");
	assert_string_equal(s.paths[1], "E:\\inetpub\\aspnet_client\\shell.aspx");
	assert_false(s.orphan[1]);
	assert_int_equal(c.listed, 2);
	assert_int_equal(c.damaged, 0);
	free(m);
}

static void
a_file_whose_folder_record_was_reused_is_an_orphan(void **state)
{
	unsigned char *m = base_mft();
	struct exh_deleted_counts c;
	struct exh_err err;
	struct seen s = { 0 };

	(void)state;
	/* Record 33 was folder "old" (sequence 1); it is a live file now. */
	make_record(m, 33, 3, true, false, 5, 5, "new.txt");
	make_record(m, 34, 2, false, false, 33, 1, "x.aspx");
	assert_int_equal(exh_mft_deleted_walk(m, NREC * REC, 'C', collect, &s,
	    &c, &err), EXH_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.paths[1], "C:\\$OrphanFiles\\x.aspx");
	assert_true(s.orphan[1]);
	free(m);
}

static void
a_torn_record_is_listed_and_marked(void **state)
{
	unsigned char *m = base_mft();
	struct exh_deleted_counts c;
	struct exh_err err;
	struct seen s = { 0 };

	(void)state;
	make_record(m, 35, 2, false, false, 5, 5, "half.aspx");
	put16(m + 35 * REC + 1022, 0x0005);	/* second sector never written */
	assert_int_equal(exh_mft_deleted_walk(m, NREC * REC, 'C', collect, &s,
	    &c, &err), EXH_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.paths[1], "C:\\half.aspx");
	assert_true(s.torn[1]);
	assert_int_equal(c.torn, 1);
	free(m);
}

static void
hostile_headers_are_counted_not_followed(void **state)
{
	unsigned char *m = base_mft();
	struct exh_deleted_counts c;
	struct exh_err err;
	struct seen s = { 0 };

	(void)state;
	make_record(m, 36, 2, false, false, 5, 5, "a.aspx");
	put16(m + 36 * REC + 6, 900);		/* array past the record */
	make_record(m, 37, 2, false, false, 5, 5, "b.aspx");
	put32(m + 37 * REC + 0x38 + 4, 0xfffffff8u);	/* attribute length */
	make_record(m, 38, 2, false, false, 38, 2, "loop.aspx");
	assert_int_equal(exh_mft_deleted_walk(m, NREC * REC, 'C', collect, &s,
	    &c, &err), EXH_OK);
	assert_int_equal(c.damaged, 1);		/* record 36 */
	assert_int_equal(c.nameless, 1);	/* record 37: name unreadable */
	/* A file naming itself as its folder ends as an orphan. */
	assert_string_equal(s.paths[s.n - 1], "C:\\$OrphanFiles\\loop.aspx");
	/* Not an $MFT copy at all. */
	assert_int_equal(exh_mft_deleted_walk("junk", 4, 'C', collect, &s, &c,
	    &err), EXH_ECORRUPT);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    deleted_paths_go_through_live_and_deleted_parents),
		cmocka_unit_test(
		    a_file_whose_folder_record_was_reused_is_an_orphan),
		cmocka_unit_test(a_torn_record_is_listed_and_marked),
		cmocka_unit_test(hostile_headers_are_counted_not_followed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
