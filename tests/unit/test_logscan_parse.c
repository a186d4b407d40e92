/* Log parsing: headers, BOM, CSV quoting, damage, gzip, chunking, coverage. */
#include <zlib.h>

#include "logscan_test.h"

#define HPPATH "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\" \
    "Logging\\HttpProxy\\Owa\\HttpProxy_2021030306-1.LOG"
#define IISPATH "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex210303.log"
#define HIT "ServerInfo~a]@exch01:444/mapi/emsmdb/?#"
#define T26855 "CVE-2021-26855/test-proxylogon"

static struct exh_findings *
analyse_n(const char *t, size_t n, size_t step, int expect)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	assert_int_equal(run_mem(ls, HPPATH, EXH_LOG_HTTPPROXY, t, n, step,
	    &fs, &err), expect);
	exh_logscan_destroy(ls);
	return fs;
}

static struct exh_findings *
analyse(const char *t, int expect)
{
	return analyse_n(t, strlen(t), 0, expect);
}

static void
header_change_mid_file_remaps_the_columns(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse("#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\n"
	    "#Fields: DateTime,HttpStatus,UrlStem,AnchorMailbox\n"
	    "2021-03-03T06:00:01.000Z,200,/ecp/y.js," HIT "\n"
	    "2021-03-03T06:00:02.000Z,200," HIT ",Smtp:u@c.com\n"
	    "DateTime,AnchorMailbox,HttpStatus,UrlStem\n"
	    "2021-03-03T06:00:03.000Z," HIT ",200,/ecp/y.js\n", EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_non_null(find_hit(fs, T26855, 4));
	assert_null(find_hit(fs, T26855, 5));
	assert_non_null(find_hit(fs, T26855, 7));
	assert_string_equal(field_of(find_hit(fs, T26855, 7), "UrlStem"),
	    "/ecp/y.js");
	assert_int_equal(count_check(fs, "logscan/damaged"), 0);
	exh_findings_destroy(fs);
}

static void
bare_header_first_then_w3c_lines_and_a_repeated_header(void **state)
{
	struct exh_findings *fs;

	(void)state;
	/* The Import-Csv layout: a bare header, then the # lines. */
	fs = analyse("DateTime,AnchorMailbox,HttpStatus\n"
	    "#Software: Microsoft Exchange Server\n#Version: 15.01.2176.002\n"
	    "#Log-type: HttpProxy Logs\n#Date: 2021-03-03T00:00:00.000Z\n"
	    "#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\n"
	    "DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:01.000Z," HIT ",200\n", EXH_OK);
	assert_int_equal(count_check(fs, T26855), 2);
	assert_non_null(find_hit(fs, T26855, 9));
	assert_int_equal(count_check(fs, "logscan/damaged"), 0);
	exh_findings_destroy(fs);
}

static void
utf8_bom_before_the_header_is_ignored(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse("\xef\xbb\xbf" "DateTime,AnchorMailbox,HttpStatus\r\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\r\n", EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_string_equal(field_of(find_hit(fs, T26855, 2), "HttpStatus"),
	    "200");
	exh_findings_destroy(fs);
	fs = analyse("\xef\xbb\xbf#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\n", EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	exh_findings_destroy(fs);
}

static void
quoted_fields_with_commas_and_doubled_quotes_are_unquoted(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *f;

	(void)state;
	fs = analyse("#Fields: DateTime,UserAgent,AnchorMailbox,HttpStatus,"
	    "GenericInfo\n"
	    "2021-03-03T06:00:00.000Z,\"Mozilla/5.0 (KHTML, like Gecko), "
	    "\"\"x\"\"\",\"ServerInfo~a]@e,x:444/ecp/\"\"q\"\"?#\",200,"
	    "\"S:a=1,b=2\"\n", EXH_OK);
	f = find_hit(fs, T26855, 2);
	assert_non_null(f);
	assert_string_equal(field_of(f, "AnchorMailbox"),
	    "ServerInfo~a]@e,x:444/ecp/\"q\"?#");
	assert_string_equal(field_of(f, "UserAgent"),
	    "Mozilla/5.0 (KHTML, like Gecko), \"x\"");
	assert_string_equal(field_of(f, "HttpStatus"), "200");
	exh_findings_destroy(fs);
}

static void
truncated_last_line_is_skipped_with_a_note(void **state)
{
	struct exh_findings *fs;
	const struct exh_finding *note;

	(void)state;
	fs = analyse("#Fields: DateTime,AnchorMailbox,HttpStatus,UrlStem\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200,/ecp/y.js\n"
	    "2021-03-03T06:00:01.000Z," HIT ",2", EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_null(find_hit(fs, T26855, 3));
	note = find_hit(fs, "logscan/damaged", 3);
	assert_non_null(note);
	assert_int_equal(note->level, EXH_LEVEL_INFO);
	assert_non_null(strstr(note->reasons[0].detail, "cut-off last line 1"));
	exh_findings_destroy(fs);
}

static void
complete_last_line_without_newline_is_analysed(void **state)
{
	struct exh_findings *fs;

	(void)state;
	fs = analyse("#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:01.000Z," HIT ",200", EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_int_equal(count_check(fs, "logscan/damaged"), 0);
	exh_findings_destroy(fs);
}

static void
binary_junk_lines_are_counted_and_the_rest_analysed(void **state)
{
	static const char t[] = "#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "\x00\x00\x00\x00\x00\x00\n"
	    "\x8f\x13\xfe,\x01\x02zz,\xff\n"
	    "2021-03-03T06:00:01.000Z," HIT ",200\n"
	    "\x00\x00\x00";
	struct exh_findings *fs;
	const struct exh_finding *note;

	(void)state;
	fs = analyse_n(t, sizeof(t) - 1, 0, EXH_OK);
	assert_non_null(find_hit(fs, T26855, 4));
	note = find_hit(fs, "logscan/damaged", 2);
	assert_non_null(note);
	assert_non_null(strstr(note->reasons[0].detail, "3 of 5 lines"));
	exh_findings_destroy(fs);
}

static void
log_without_header_is_reported_corrupt(void **state)
{
	struct exh_findings *fs;
	struct exh_logscan *ls = new_ls();
	struct exh_err err = { 0 };
	static const char iis[] = "2021-03-03 05:01:02 10.0.0.5 POST /ecp/y.js "
	    "- 443 - 1.2.3.4 x - 200 0 0 31\n";

	(void)state;
	fs = analyse("2021-03-03T06:00:00.000Z," HIT ",200\n"
	    "2021-03-03T06:00:01.000Z," HIT ",200\n", EXH_ECORRUPT);
	assert_int_equal(count_check(fs, T26855), 0);
	assert_non_null(strstr(find_hit(fs, "logscan/damaged",
	    1)->reasons[0].detail, "before any header 2"));
	exh_findings_destroy(fs);
	fs = NULL;
	assert_int_equal(run_mem(ls, IISPATH, EXH_LOG_UNKNOWN, iis,
	    strlen(iis), 0, &fs, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "no header"));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

static void
over_long_line_is_skipped_and_memory_stays_bounded(void **state)
{
	struct exh_buf b = { 0 };
	struct exh_findings *fs;
	size_t i;

	(void)state;
	assert_int_equal(exh_buf_puts(&b, "#Fields: DateTime,AnchorMailbox,"
	    "HttpStatus\n2021-03-03T06:00:00.000Z,"), EXH_OK);
	for (i = 0; i < 3 * 1024 * 1024 / 64; i++)
		assert_int_equal(exh_buf_puts(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), EXH_OK);
	assert_int_equal(exh_buf_puts(&b, "\n2021-03-03T06:00:01.000Z," HIT
	    ",200\n"), EXH_OK);
	fs = analyse_n(b.data, b.len, 0, EXH_OK);
	assert_non_null(find_hit(fs, T26855, 3));
	assert_non_null(strstr(find_hit(fs, "logscan/damaged",
	    2)->reasons[0].detail, "over 1 MiB 1"));
	exh_findings_destroy(fs);
	exh_buf_free(&b);
}

static void
tiny_reads_give_the_same_result_as_one_read(void **state)
{
	static const char t[] = "DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z,Smtp:a@b.c,200\n"
	    "2021-03-03T06:00:01.000Z,\"" HIT "\",200\n"
	    "2021-03-03T06:00:02.000Z," HIT ",500\n";
	struct exh_findings *fs;
	size_t step;

	(void)state;
	for (step = 1; step < 9; step++) {
		fs = analyse_n(t, sizeof(t) - 1, step, EXH_OK);
		/* Same client and URI: one finding for both lines, and
		 * the successful one (alert) speaks for it. */
		assert_int_equal(count_check(fs, T26855), 2);
		assert_int_equal(count_findings(fs, T26855), 1);
		assert_int_equal(find_hit(fs, T26855, 3)->level,
		    EXH_LEVEL_ALERT);
		assert_ptr_equal(find_hit(fs, T26855, 4),
		    find_hit(fs, T26855, 3));
		exh_findings_destroy(fs);
	}
}

static size_t
gzip(const char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static void
gzip_compressed_log_is_inflated_on_the_fly(void **state)
{
	static const char t1[] = "#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\n";
	static const char t2[] = "2021-03-03T06:00:01.000Z," HIT ",200\n";
	unsigned char gz[1024];
	size_t n;
	struct exh_findings *fs;

	(void)state;
	n = gzip(t1, sizeof(t1) - 1, gz, sizeof(gz));
	/* A second member, as "gzip -c >> file" makes. */
	n += gzip(t2, sizeof(t2) - 1, gz + n, sizeof(gz) - n);
	fs = analyse_n((const char *)gz, n, 3, EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_non_null(find_hit(fs, T26855, 3));
	assert_int_equal(count_check(fs, "logscan/damaged"), 0);
	exh_findings_destroy(fs);
}

static void
cut_off_gzip_is_analysed_as_far_as_it_goes(void **state)
{
	struct exh_buf b = { 0 };
	unsigned char *gz;
	size_t n, i;
	struct exh_findings *fs;

	(void)state;
	assert_int_equal(exh_buf_puts(&b, "#Fields: DateTime,AnchorMailbox,"
	    "HttpStatus\n2021-03-03T06:00:00.000Z," HIT ",200\n"), EXH_OK);
	for (i = 0; i < 5000; i++)
		assert_int_equal(exh_buf_printf(&b, "2021-03-03T06:00:01.000Z,"
		    "Smtp:user%zu@contoso.com,200\n", i * 7919 % 100003), EXH_OK);
	gz = malloc(b.len);
	assert_non_null(gz);
	n = gzip(b.data, b.len, gz, b.len);
	fs = analyse_n((const char *)gz, n / 2, 0, EXH_OK);
	assert_non_null(find_hit(fs, T26855, 2));
	assert_non_null(first_of(fs, "logscan/damaged"));
	assert_non_null(strstr(first_of(fs, "logscan/damaged")->reasons[0].detail,
	    "gzip: stream cut off"));
	exh_findings_destroy(fs);
	free(gz);
	exh_buf_free(&b);
}

static void
read_error_is_returned_as_eio(void **state)
{
	static const char t[] = "#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z," HIT ",200\n";
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	struct memrd m = { t, sizeof(t) - 1, 0, 4, 8 };

	(void)state;
	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	assert_int_equal(exh_logscan_file(ls, HPPATH, EXH_LOG_HTTPPROXY,
	    mem_read, &m, fs, &err), EXH_EIO);
	assert_non_null(strstr(err.msg, "test: read error"));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

static void
empty_log_is_fine_and_unknown_family_is_a_usage_error(void **state)
{
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(run_mem(ls, HPPATH, EXH_LOG_UNKNOWN, "", 0, 0, &fs,
	    &err), EXH_OK);
	assert_int_equal(exh_findings_count(fs), 0);
	assert_int_equal(run_mem(ls, "C:\\temp\\notes.txt", EXH_LOG_UNKNOWN,
	    "x\n", 2, 0, &fs, &err), EXH_EUSAGE);
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

static void
coverage_reports_span_lines_and_bad_lines_per_family(void **state)
{
	static const char hp[] = "#Fields: DateTime,AnchorMailbox,HttpStatus\n"
	    "2021-03-03T06:00:00.000Z,Smtp:a@b.c,200\n"
	    "2021-01-02T06:00:00.500Z,Smtp:a@b.c,200\n"
	    "garbage\n";
	static const char iis[] = "#Fields: date time c-ip cs-uri-stem "
	    "sc-status\n2021-03-04 05:00:00 10.0.0.1 /owa/ 200\n";
	struct exh_logscan *ls = new_ls();
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	const struct exh_log_coverage *c;
	int64_t t;

	(void)state;
	assert_int_equal(exh_logscan_coverage_count(ls), 0);
	assert_int_equal(run_mem(ls, HPPATH, EXH_LOG_UNKNOWN, hp,
	    sizeof(hp) - 1, 0, &fs, &err), EXH_OK);
	assert_int_equal(run_mem(ls, HPPATH, EXH_LOG_UNKNOWN, hp,
	    sizeof(hp) - 1, 0, &fs, &err), EXH_OK);
	assert_int_equal(run_mem(ls, IISPATH, EXH_LOG_UNKNOWN, iis,
	    sizeof(iis) - 1, 0, &fs, &err), EXH_OK);
	assert_int_equal(exh_logscan_coverage_count(ls), 2);
	c = exh_logscan_coverage(ls, 0);
	assert_int_equal(c->family, EXH_LOG_HTTPPROXY);
	assert_int_equal(c->files, 2);
	assert_int_equal(c->lines, 8);
	assert_int_equal(c->bad_lines, 2);
	assert_int_equal(exh_iso_to_filetime("2021-01-02T06:00:00.5Z", &t),
	    EXH_OK);
	assert_int_equal(c->first, t);
	assert_int_equal(exh_iso_to_filetime("2021-03-03T06:00:00Z", &t),
	    EXH_OK);
	assert_int_equal(c->last, t);
	c = exh_logscan_coverage(ls, 1);
	assert_int_equal(c->family, EXH_LOG_IIS);
	assert_int_equal(exh_iso_to_filetime("2021-03-04T05:00:00Z", &t),
	    EXH_OK);
	assert_int_equal(c->first, t);
	assert_null(exh_logscan_coverage(ls, 2));
	assert_int_equal(exh_findings_stats(fs).log_files, 3);
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_change_mid_file_remaps_the_columns),
		cmocka_unit_test(bare_header_first_then_w3c_lines_and_a_repeated_header),
		cmocka_unit_test(utf8_bom_before_the_header_is_ignored),
		cmocka_unit_test(quoted_fields_with_commas_and_doubled_quotes_are_unquoted),
		cmocka_unit_test(truncated_last_line_is_skipped_with_a_note),
		cmocka_unit_test(complete_last_line_without_newline_is_analysed),
		cmocka_unit_test(binary_junk_lines_are_counted_and_the_rest_analysed),
		cmocka_unit_test(log_without_header_is_reported_corrupt),
		cmocka_unit_test(over_long_line_is_skipped_and_memory_stays_bounded),
		cmocka_unit_test(tiny_reads_give_the_same_result_as_one_read),
		cmocka_unit_test(gzip_compressed_log_is_inflated_on_the_fly),
		cmocka_unit_test(cut_off_gzip_is_analysed_as_far_as_it_goes),
		cmocka_unit_test(read_error_is_returned_as_eio),
		cmocka_unit_test(empty_log_is_fine_and_unknown_family_is_a_usage_error),
		cmocka_unit_test(coverage_reports_span_lines_and_bad_lines_per_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
