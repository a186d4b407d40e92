/* Unit tests: a dirty SYSTEM hive is read with its .LOG1/.LOG2 replayed in memory, and every outcome is a profile note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hosttest.h"
#include "../lib/hivelogspec.h"

#define HOST	"e2016-cu19-mar21"
#define SYSTEM	"C:\\Windows\\System32\\config\\SYSTEM"
#define OLD_NAME "ComputerName=EXCH16"
#define NEW_NAME "ComputerName=EXCH16-RENAMED"

/*
 * The fixture host's SYSTEM spec, and the same hive after a rename and a
 * new 6 KB value: enough changed pages for three log entries.
 */
static void
specs(char **old_spec, char **new_spec)
{
	char path[4096];
	unsigned char *text;
	size_t len;
	struct exh_buf b = { 0 };
	char *at;
	int i;

	snprintf(path, sizeof(path), "%s/tests/fixtures/hosts/%s/system.spec",
	    ht_top(), HOST);
	assert_int_equal(ht_slurp(path, &text, &len), 0);
	*old_spec = (char *)text;
	at = strstr(*old_spec, OLD_NAME);
	assert_non_null(at);
	assert_int_equal(exh_buf_append(&b, *old_spec,
	    (size_t)(at - *old_spec)), EXH_OK);
	assert_int_equal(exh_buf_printf(&b, "%s%s\nsz \\ControlSet001\\"
	    "Services\\Added Filler=", NEW_NAME, at + strlen(OLD_NAME)),
	    EXH_OK);
	for (i = 0; i < 3000; i++)
		assert_int_equal(exh_buf_putc(&b, 'x'), EXH_OK);
	assert_int_equal(exh_buf_putc(&b, '\n'), EXH_OK);
	*new_spec = exh_buf_take(&b);
}

static void
build_set(struct hl_set *s)
{
	char *old_spec, *new_spec, why[300];

	specs(&old_spec, &new_spec);
	if (hl_build(old_spec, new_spec, 3, s, why, sizeof(why)) != 0)
		fail_msg("hl_build: %s", why);
	free(old_spec);
	free(new_spec);
}

/* The fixture host with the dirty SYSTEM in place of its own. */
static void
dirty_host(struct ht_host *h, const struct hl_set *s)
{
	struct ht_file *f;

	assert_int_equal(ht_load(HOST, HT_E15, h), 0);
	f = ht_find(h, "\\config\\SYSTEM");
	assert_non_null(f);
	free(f->data);
	f->data = malloc(s->hive_len);
	assert_non_null(f->data);
	memcpy(f->data, s->hive, s->hive_len);
	f->len = s->hive_len;
}

static void
add_log(struct ht_host *h, const char *name, const struct hl_set *s,
    unsigned from, unsigned to)
{
	unsigned char *log;
	size_t len;
	char path[128];

	assert_int_equal(hl_log(s, from, to, &log, &len), 0);
	snprintf(path, sizeof(path), "%s.%s", SYSTEM, name);
	ht_add(h, path, log, len);
}

static struct exh_profile *
profile_of(struct ht_host *h)
{
	struct exh_profile *p = ht_profile(h, NULL);

	assert_non_null(p);
	return p;
}

static void
dirty_hive_with_log1_is_read_with_the_logged_computer_name(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16-RENAMED");
	assert_true(ht_has_note(p, "SYSTEM hive: dirty hive: replayed 3 log "
	    "entries ("));
	assert_true(ht_has_note(p, " pages) from SYSTEM.LOG1"));
	/* The SOFTWARE hive is clean: nothing said about it. */
	assert_false(ht_has_note(p, "SOFTWARE hive: dirty"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
dirty_hive_without_logs_keeps_the_old_name_and_says_so(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	dirty_host(&h, &s);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16");
	assert_true(ht_has_note(p, "SYSTEM hive: dirty hive (sequence numbers "
	    "8/7) without transaction logs: read as is, recent changes may be "
	    "missing"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
entries_are_applied_in_sequence_order_across_log2_and_log1(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	dirty_host(&h, &s);
	/* LOG2 holds the first entry, LOG1 the two after it. */
	add_log(&h, "LOG1", &s, 1, 3);
	add_log(&h, "LOG2", &s, 0, 1);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16-RENAMED");
	assert_true(ht_has_note(p, "replayed 3 log entries"));
	assert_true(ht_has_note(p, "from SYSTEM.LOG1/SYSTEM.LOG2"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_corrupt_entry_stops_the_replay_with_a_note_naming_file_and_offset(
    void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;
	char want[200];

	(void)state;
	build_set(&s);
	/* One flipped byte in the second entry's page data. */
	s.entries[1].data[s.entries[1].len - 100] ^= 0x40;
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_true(ht_has_note(p, "replayed 1 log entry ("));
	snprintf(want, sizeof(want), "SYSTEM.LOG1: log entry at offset %zu "
	    "(sequence 8): data hash mismatch: replay stopped there",
	    512 + s.entries[0].len);
	assert_true(ht_has_note(p, want));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_gap_in_the_sequence_stops_before_the_newer_log(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	dirty_host(&h, &s);
	/* Entry 8 is lost: LOG2 holds 7, LOG1 holds 9 alone. */
	add_log(&h, "LOG1", &s, 2, 3);
	add_log(&h, "LOG2", &s, 0, 1);
	p = profile_of(&h);
	assert_true(ht_has_note(p, "replayed 1 log entry ("));
	assert_true(ht_has_note(p, "SYSTEM.LOG1: entries from sequence 9 not "
	    "replayed: sequence 8 is in neither log"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_forged_page_count_with_valid_hashes_changes_nothing(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	hs_put32(s.entries[0].data + 20, 0x10000000u);
	hl_rehash(s.entries[0].data);
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16");
	assert_true(ht_has_note(p, "SYSTEM.LOG1: log entry at offset 512 "
	    "(sequence 7): 268435456 dirty pages cannot fit"));
	assert_true(ht_has_note(p, "no log entry of SYSTEM.LOG1/SYSTEM.LOG2 "
	    "could be replayed: read as is"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_torn_base_block_is_taken_from_the_log_and_the_hive_read(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	s.hive[100] ^= 0x55;	/* the checksum no longer matches */
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16-RENAMED");
	assert_true(ht_has_note(p, "SYSTEM hive: dirty hive: replayed 3 log "
	    "entries"));
	assert_true(ht_has_note(p, "base block damaged: taken from "
	    "SYSTEM.LOG1"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_log_older_than_the_hive_is_not_replayed(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;

	(void)state;
	build_set(&s);
	/* The hive's last complete write (19) is newer than the log (7). */
	hs_put32(s.hive + 4, 20);
	hs_put32(s.hive + 8, 19);
	hl_checksum(s.hive);
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16");
	assert_true(ht_has_note(p, "dirty hive (sequence numbers 20/19): no "
	    "log entry"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
a_clean_hive_ignores_its_logs(void **state)
{
	struct hl_set s;
	struct ht_host h;
	struct exh_profile *p;
	size_t i;

	(void)state;
	build_set(&s);
	hs_put32(s.hive + 4, 7);
	hl_checksum(s.hive);
	dirty_host(&h, &s);
	add_log(&h, "LOG1", &s, 0, 3);
	p = profile_of(&h);
	assert_string_equal(p->computer_name, "EXCH16");
	for (i = 0; i < p->nnotes; i++)
		assert_null(strstr(p->notes[i], "dirty"));
	exh_profile_free(p);
	ht_free(&h);
	hl_free(&s);
}

static void
the_replayed_image_is_consistent_and_the_evidence_copy_untouched(
    void **state)
{
	struct hl_set s;
	struct exh_hive_replay r = { .log_names = { "A.LOG1", "A.LOG2" } };
	struct exh_buf img = { 0 };
	struct exh_err err = { 0 };
	unsigned char *log;
	size_t len;

	(void)state;
	build_set(&s);
	assert_int_equal(hl_log(&s, 0, 3, &log, &len), 0);
	assert_int_equal(exh_buf_append(&img, s.hive, s.hive_len), EXH_OK);
	assert_int_equal(exh_hive_replay_logs(&img, log, len, NULL, 0, &r,
	    &err), EXH_OK);
	assert_true(r.dirty);
	assert_int_equal(r.entries, 3);
	assert_false(exh_hive_is_dirty(img.data, img.len));
	/* Sequence numbers continue after the last entry (7, 8, 9). */
	assert_int_equal(hl_get32((unsigned char *)img.data + 4), 10);
	assert_int_equal(hl_get32((unsigned char *)img.data + 40) + 4096,
	    img.len);
	assert_true(exh_hive_is_dirty(s.hive, s.hive_len));
	exh_buf_free(&img);
	free(log);
	hl_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    dirty_hive_with_log1_is_read_with_the_logged_computer_name),
		cmocka_unit_test(
		    dirty_hive_without_logs_keeps_the_old_name_and_says_so),
		cmocka_unit_test(
		    entries_are_applied_in_sequence_order_across_log2_and_log1),
		cmocka_unit_test(
	    a_corrupt_entry_stops_the_replay_with_a_note_naming_file_and_offset),
		cmocka_unit_test(
		    a_gap_in_the_sequence_stops_before_the_newer_log),
		cmocka_unit_test(
		    a_forged_page_count_with_valid_hashes_changes_nothing),
		cmocka_unit_test(
		    a_torn_base_block_is_taken_from_the_log_and_the_hive_read),
		cmocka_unit_test(a_log_older_than_the_hive_is_not_replayed),
		cmocka_unit_test(a_clean_hive_ignores_its_logs),
		cmocka_unit_test(
	    the_replayed_image_is_consistent_and_the_evidence_copy_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
