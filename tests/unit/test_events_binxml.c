/* Unit tests: our binary XML reader gives the records and the analysis libevtx gives, on every fixture shape, and leaves to libevtx what it declines. */
#include <sys/stat.h>

#include <zlib.h>

#include "events_helper.h"

#include "events/events_int.h"

#define SEC "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx"

/* Values of the shapes the checks read: paths, SIDs, markup, non-ASCII,
 * empty data, hostile bytes, many fields. */
static const char spec_mixed[] =
    "Microsoft-Windows-Security-Auditing|Security|4624|0|"
    "2021-03-03T06:49:42.162Z|1|S-1-5-18|SYSTEM|NT AUTHORITY|0x3e7|"
    "S-1-5-21-1000-500|administrator|CORP|0x1a2b3c|10|User32|"
    "Negotiate|WS01|-|-|0|0x4d0|C:\\Windows\\System32\\svchost.exe|"
    "10.1.2.3|49152\n"
    "Service Control Manager|System|7045|4|2021-03-03T07:00:00Z|2|"
    "evilsvc|%COMSPEC% /c \"echo <x> & del y\" 'q'|user mode service|"
    "demand start|LocalSystem\n"
    "MSExchange CmdletLogs|MSExchange Management|1|4|"
    "2021-03-03T07:00:01.5Z|3|New-MailboxExportRequest|"
    "{FilePath=\\\\127.0.0.1\\C$\\x.aspx}|\xc3\xa9t\xc3\xa9 \xe2\x82\xac "
    "\xf0\x9f\x98\x80\n"
    "MsiInstaller|Application|1022|4|2021-03-04T01:00:00Z|4|"
    "Microsoft Exchange Server|Security Update (KB5000871)||\n"
    "Microsoft-Windows-PowerShell|Windows PowerShell|400|4|"
    "2021-03-04T02:00:00Z|5|Available|None|\\x01\\x7f\\xff tail\n"
    "Empty|Application|0|0|2021-03-04T03:00:00Z|6\n";

/* Every record of fd, both readers: the same contents, none declined. */
static void
assert_readers_agree(int fd, uint64_t want_records)
{
	struct events_compare c;
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(events_compare_fd(fd, (uint64_t)sb.st_size, &c),
	    EXH_OK);
	if (c.differing != 0)
		fail_msg("%s", c.first_diff);
	assert_int_equal(c.records, want_records);
	assert_int_equal(c.identical, want_records);
	assert_int_equal(c.fell_back, 0);
	assert_int_equal(c.not_placed, 0);
}

/* The whole analysis of fd as text: counters, findings, skips. */
static char *
analysis(int fd, int libevtx_only, struct exh_events_stats *st)
{
	struct exh_events *ev = NULL;
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	struct exh_buf b = { 0 };
	size_t i;
	int rc;

	if (libevtx_only)
		assert_int_equal(setenv("EXHUME_EVTX_LIBEVTX", "1", 1), 0);
	assert_int_equal(exh_events_create(EXH_RULES_DIR, &ev, &err), EXH_OK);
	assert_int_equal(unsetenv("EXHUME_EVTX_LIBEVTX"), 0);
	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	rc = exh_events_scan_fd(ev, fd, SEC, fs, st, &err);
	assert_int_equal(exh_buf_printf(&b, "rc %d records %llu recovered %llu "
	    "damaged %llu first %lld last %lld lost %llu grouped %llu\n", rc,
	    (unsigned long long)st->records, (unsigned long long)st->recovered,
	    (unsigned long long)st->damaged, (long long)st->first,
	    (long long)st->last, (unsigned long long)st->lost,
	    (unsigned long long)st->grouped), EXH_OK);
	for (i = 0; i < exh_findings_count(fs); i++) {
		assert_int_equal(exh_finding_to_json(exh_findings_get(fs, i),
		    &b), EXH_OK);
		assert_int_equal(exh_buf_putc(&b, '\n'), EXH_OK);
	}
	for (i = 0; i < exh_findings_skip_count(fs); i++)
		assert_int_equal(exh_buf_printf(&b, "skip %s\n",
		    exh_findings_skip(fs, i)->detail), EXH_OK);
	exh_findings_destroy(fs);
	exh_events_destroy(ev);
	return exh_buf_take(&b);
}

/* The analysis with our reader is byte for byte the one with libevtx. */
static void
assert_analysis_same(int fd, uint64_t want_fell_back)
{
	struct exh_events_stats so, sl;
	char *ours = analysis(fd, 0, &so), *lib = analysis(fd, 1, &sl);

	assert_string_equal(ours, lib);
	assert_int_equal(so.fell_back, want_fell_back);
	assert_int_equal(sl.fell_back, 0);
	free(ours);
	free(lib);
}

static void
mixed_values_read_the_same_by_both_readers(void **state)
{
	int fd = evtx_fd(spec_mixed, NULL);

	(void)state;
	assert_readers_agree(fd, 6);
	assert_analysis_same(fd, 0);
	close(fd);
}

static void
templateless_records_read_the_same_by_both_readers(void **state)
{
	int fd = evtx_fd_shaped(spec_mixed, NULL, 1);

	(void)state;
	assert_readers_agree(fd, 6);
	assert_analysis_same(fd, 0);
	close(fd);
}

/* Many chunks and a dirty header (a log copied from a live system). */
static void
dirty_log_of_many_chunks_reads_the_same(void **state)
{
	struct evtxw_damage dirty = { 1, -1, 0 };
	struct exh_buf spec = { 0 };
	int fd, i;

	(void)state;
	for (i = 1; i <= 3000; i++)
		assert_int_equal(exh_buf_printf(&spec, "%s|Application|%d|%d|"
		    "2021-03-01T%02d:%02d:%02dZ|%d|UMWorkerProcess|%s|pad\n",
		    i % 500 == 0 ? "MSExchange Unified Messaging" :
		    "MSExchange Common", i % 500 == 0 ? 1000 : 4999,
		    i % 500 == 0 ? 2 : 4, i / 3600, i / 60 % 60, i % 60, i,
		    i % 500 == 0 ? "System.InvalidCastException" : "ok"),
		    EXH_OK);
	fd = evtx_fd(spec.data, &dirty);
	assert_readers_agree(fd, 3000);
	assert_analysis_same(fd, 0);
	close(fd);
	exh_buf_free(&spec);
}

/* Damaged files are read by libevtx alone, as before. */
static void
damaged_logs_analyse_as_before(void **state)
{
	struct evtxw_damage cut = { 0, 1, 0 }, bad = { 0, -1, 3 };
	struct exh_buf spec = { 0 };
	int fd, i;

	(void)state;
	for (i = 1; i <= 2000; i++)
		assert_int_equal(exh_buf_printf(&spec, "MSExchange Common|"
		    "Application|4999|2|2021-03-01T00:00:%02dZ|%d|x%d|"
		    "UMWorkerProcess\n", i % 60, i, i), EXH_OK);
	fd = evtx_fd(spec.data, &cut);
	assert_analysis_same(fd, 0);
	close(fd);
	fd = evtx_fd(spec.data, &bad);
	assert_analysis_same(fd, 0);
	close(fd);
	exh_buf_free(&spec);
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Offset of the UTF-16 text "abcd" in img. */
static size_t
utf16_abcd(const unsigned char *img, size_t len)
{
	const unsigned char *p = memmem(img, len, "a\0b\0c\0d\0", 8);

	assert_non_null(p);
	return (size_t)(p - img);
}

/*
 * Text our reader does not render (an unpaired UTF-16 surrogate) is left
 * to libevtx: the record is counted as fallen back and the analysis does
 * not change (libevtx 20240504 cannot decode it either: one lost record,
 * noted, as before).
 */
static void
record_our_reader_declines_is_read_by_libevtx(void **state)
{
	struct evtxw *w = evtxw_new();
	struct evtxw_damage none = { 0, -1, 0 };
	unsigned char *img, *c;
	size_t len, d;
	char msg[128];
	int fd;

	(void)state;
	assert_non_null(w);
	assert_int_equal(evtxw_add_spec_line(w, "Service Control Manager|"
	    "System|7045|4|2021-03-03T07:00:00Z|1|evilsvc|abcd", msg,
	    sizeof(msg)), 0);
	assert_int_equal(evtxw_add_spec_line(w, "Service Control Manager|"
	    "System|7045|4|2021-03-03T07:00:01Z|2|evilsvc|c:\\x.exe", msg,
	    sizeof(msg)), 0);
	assert_int_equal(evtxw_finish(w, &none, &img, &len), 0);
	evtxw_free(w);
	/* Record 1's "a" becomes a lone high surrogate; the records
	 * checksum is made right again, so the file is whole. */
	d = utf16_abcd(img, len);
	img[d] = 0x00;
	img[d + 1] = 0xd8;
	c = img + FILE_HDR;
	d = exh_le32(c + 48);
	d = crc32(0L, c + CHUNK_HDR, (uInt)(d - CHUNK_HDR));
	put_le32(c + 52, (uint32_t)d);
	d = crc32(crc32(0L, c, 120), c + 128, CHUNK_HDR - 128);
	put_le32(c + 124, (uint32_t)d);
	fd = memfd_with(img, len);
	assert_analysis_same(fd, 1);
	free(img);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mixed_values_read_the_same_by_both_readers),
		cmocka_unit_test(
		    templateless_records_read_the_same_by_both_readers),
		cmocka_unit_test(dirty_log_of_many_chunks_reads_the_same),
		cmocka_unit_test(damaged_logs_analyse_as_before),
		cmocka_unit_test(
		    record_our_reader_declines_is_read_by_libevtx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
