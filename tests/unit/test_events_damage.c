/* Unit tests: big, dirty, truncated and corrupt .evtx files are read as far as possible and the damage is reported. */
#include "events_helper.h"

#define APP "C:\\Windows\\System32\\winevt\\Logs\\Application.evtx"
#define NEVENTS 3000

/*
 * NEVENTS events, one second apart from 2021-03-01, record ids 1..N;
 * every 500th is a CVE-2021-26857 error so findings can be located.
 */
static char *
big_spec(void)
{
	struct exh_buf b = { 0 };
	int i;

	for (i = 1; i <= NEVENTS; i++)
		assert_int_equal(exh_buf_printf(&b, "%s|Application|%d|%d|"
		    "2021-03-01T%02d:%02d:%02dZ|%d|UMWorkerProcess|%s|"
		    "padding to make the record a little longer\n",
		    i % 500 == 0 ? "MSExchange Unified Messaging" : "MSExchange "
		    "Common", i % 500 == 0 ? 1000 : 4999, i % 500 == 0 ? 2 : 4,
		    i / 3600, i / 60 % 60, i % 60, i, i % 500 == 0 ?
		    "System.InvalidCastException" : "ok"), EXH_OK);
	return exh_buf_take(&b);
}

static int64_t
at(int i)
{
	int64_t t;

	assert_int_equal(exh_iso_to_filetime("2021-03-01T00:00:00Z", &t),
	    EXH_OK);
	return t + (int64_t)i * 10000000;
}

static void
thousands_of_records_across_chunks_keep_exact_ids_and_times(void **state)
{
	const struct exh_finding *g;
	struct run r;
	char *spec = big_spec();
	size_t i, n;

	(void)state;
	run_scan(&r, APP, spec, NULL, -1);
	free(spec);
	assert_int_equal(r.rc, EXH_OK);
	assert_int_equal(r.st.records, NEVENTS);
	assert_int_equal(r.st.damaged, 0);
	assert_int_equal(r.st.recovered, 0);
	assert_int_equal(r.st.first, at(1));
	assert_int_equal(r.st.last, at(NEVENTS));
	assert_int_equal(exh_findings_skip_count(r.out), 0);
	/* Every 500th record is the same event: one finding counts them,
	 * from the first to the last, with their exact times. */
	g = find_check(&r, "CVE-2021-26857/um-invalidcast", &n);
	assert_int_equal(n, 1);
	assert_int_equal(g->count, NEVENTS / 500);
	assert_int_equal(g->first, at(500));
	assert_int_equal(g->last, at(NEVENTS));
	for (i = 0; i < exh_findings_count(r.out); i++) {
		const struct exh_finding *f = exh_findings_get(r.out, i);

		assert_int_equal(f->record % 500, 0);
		assert_int_equal(f->time, at((int)f->record));
	}
	assert_int_equal(exh_findings_stats(r.out).events, NEVENTS);
	run_free(&r);
}

static void
dirty_file_is_read_whole_and_the_flag_is_reported(void **state)
{
	struct evtxw_damage d = { 1, -1, 0 };
	struct run r;
	char *spec = big_spec();
	const struct exh_skip *s;

	(void)state;
	run_scan(&r, APP, spec, &d, -1);
	free(spec);
	assert_int_equal(r.rc, EXH_OK);
	assert_int_equal(r.st.records, NEVENTS);
	assert_int_equal(r.st.damaged, 1);
	s = find_skip(&r, "dirty");
	assert_non_null(s);
	assert_string_equal(s->reason, "evtx-damaged");
	assert_string_equal(s->path, APP);
	run_free(&r);
}

static void
file_cut_inside_a_chunk_keeps_the_earlier_chunks(void **state)
{
	struct evtxw_damage d = { 0, 2, 0 };
	struct run r;
	char *spec = big_spec();
	size_t n;

	(void)state;
	run_scan(&r, APP, spec, &d, -1);
	free(spec);
	assert_int_equal(r.rc, EXH_OK);
	/* Chunks 0 and 1 are whole: their records are all there, in order. */
	assert_true(r.st.records > 50 && r.st.records < NEVENTS);
	assert_int_equal(r.st.first, at(1));
	assert_int_equal(r.st.last, at((int)r.st.records));
	assert_non_null(find_skip(&r, "file ends inside chunk 2"));
	assert_int_equal(r.st.damaged, 1);
	find_check(&r, "CVE-2021-26857/um-invalidcast", &n);
	assert_int_equal(n, r.st.records / 500);
	run_free(&r);
}

static void
corrupt_record_is_reported_and_the_others_are_read(void **state)
{
	struct evtxw_damage d = { 0, -1, 1500 };
	struct run r;
	char *spec = big_spec();
	const struct exh_skip *s;
	size_t n;

	(void)state;
	run_scan(&r, APP, spec, &d, -1);
	free(spec);
	assert_int_equal(r.rc, EXH_OK);
	assert_int_equal(r.st.records, NEVENTS - 1);
	assert_non_null(find_skip(&r, "records checksum mismatch"));
	/* One note for the lost record: its id, chunk and offset, and the
	 * whole reason of libevtx (cause first, then where it was met). */
	s = find_skip(&r, "cannot be read, the record is lost");
	assert_non_null(s);
	assert_non_null(strstr(s->detail, "record 1500, chunk "));
	assert_non_null(strstr(s->detail, "in the chunk (0x"));
	assert_non_null(strstr(s->detail, "unsupported binary XML token"));
	assert_non_null(strstr(s->detail, "; "));
	assert_int_equal(r.st.lost, 1);
	assert_int_equal(r.st.damaged, 2);
	/* Record 1500 was a hit; it is gone, the other five are counted. */
	assert_int_equal(find_check(&r, "CVE-2021-26857/um-invalidcast",
	    &n)->count, NEVENTS / 500 - 1);
	assert_int_equal(n, 1);
	run_free(&r);
}

static void
file_that_is_not_evtx_is_corrupt_with_a_skip(void **state)
{
	struct exh_events *ev;
	struct exh_findings *out;
	struct exh_events_stats st;
	struct exh_err err;
	unsigned char junk[8192];
	int fd;

	(void)state;
	memset(junk, 'Z', sizeof(junk));
	fd = memfd_with(junk, sizeof(junk));
	assert_int_equal(exh_events_create(EXH_RULES_DIR, &ev, &err), EXH_OK);
	assert_int_equal(exh_findings_create(&out, &err), EXH_OK);
	assert_int_equal(exh_events_scan_fd(ev, fd, APP, out, &st, &err),
	    EXH_ECORRUPT);
	assert_int_equal(exh_findings_skip_count(out), 2);
	assert_string_equal(exh_findings_skip(out, 0)->detail,
	    "no evtx file signature");
	assert_int_equal(st.records, 0);
	close(fd);
	exh_findings_destroy(out);
	exh_events_destroy(ev);
}

static void
scan_with_bad_arguments_is_a_usage_error(void **state)
{
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_events_scan_fd(NULL, 0, APP, NULL, NULL, &err),
	    EXH_EUSAGE);
	assert_int_equal(exh_events_update_count(NULL), 0);
	assert_null(exh_events_update(NULL, 0));
	exh_events_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    thousands_of_records_across_chunks_keep_exact_ids_and_times),
		cmocka_unit_test(
		    dirty_file_is_read_whole_and_the_flag_is_reported),
		cmocka_unit_test(file_cut_inside_a_chunk_keeps_the_earlier_chunks),
		cmocka_unit_test(
		    corrupt_record_is_reported_and_the_others_are_read),
		cmocka_unit_test(file_that_is_not_evtx_is_corrupt_with_a_skip),
		cmocka_unit_test(scan_with_bad_arguments_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
