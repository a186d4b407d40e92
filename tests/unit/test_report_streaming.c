/* Documents in bounded pieces: byte-identical to the whole rendering; repeated findings listed once with a count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/report.h"

/* Collects what a sink hands on and the largest piece. */
struct pieces {
	struct exh_buf all;
	size_t calls, largest;
};

static int
collect(void *ctx, const void *data, size_t len)
{
	struct pieces *p = ctx;

	p->calls++;
	if (len > p->largest)
		p->largest = len;
	return exh_buf_append(&p->all, data, len);
}

static struct exh_findings *
many(size_t n, const char *folder)
{
	struct exh_findings *fs;
	struct exh_err err;
	char path[128];
	size_t i;

	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	for (i = 0; i < n; i++) {
		struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);

		assert_non_null(f);
		snprintf(path, sizeof(path), "%s\\s%05zu.aspx", folder, i);
		assert_int_equal(exh_finding_set(&f->file.path, path), EXH_OK);
		assert_int_equal(exh_finding_add_reason(f, "yara",
		    "EXH_SUSP_ASPX_In_ASPNet_Client", 75, "d", NULL, NULL),
		    EXH_OK);
		f->level = EXH_LEVEL_ALERT;
		f->score = 75;
		f->file.si.created = 132591000000000000LL + (int64_t)i;
		assert_int_equal(exh_findings_add(fs, f, &err), EXH_OK);
	}
	exh_findings_sort(fs);
	return fs;
}

static void
streamed_documents_equal_whole_ones_in_pieces_of_64k(void **state)
{
	struct exh_findings *fs = many(3000, "C:\\inetpub\\wwwroot\\aspnet_client");
	struct exh_report_input in = { 0 };
	struct exh_buf whole = { 0 }, scratch = { 0 };
	struct pieces p = { 0 };
	struct exh_sink s = { &scratch, collect, &p, EXH_OK };
	int k;

	(void)state;
	in.lang = "en";
	in.findings = fs;
	for (k = 0; k < 4; k++) {
		exh_buf_reset(&whole);
		exh_buf_reset(&p.all);
		p.calls = p.largest = 0;
		s.rc = EXH_OK;
		switch (k) {
		case 0:
			assert_int_equal(exh_report_findings_jsonl(fs, &whole),
			    EXH_OK);
			assert_int_equal(exh_report_findings_jsonl_to(fs, &s),
			    EXH_OK);
			break;
		case 1:
			assert_int_equal(exh_report_timeline_csv(fs, &whole),
			    EXH_OK);
			assert_int_equal(exh_report_timeline_csv_to(fs, &s),
			    EXH_OK);
			break;
		case 2:
			assert_int_equal(exh_report_html(&in, &whole), EXH_OK);
			assert_int_equal(exh_report_html_to(&in, &s), EXH_OK);
			break;
		default:
			assert_int_equal(exh_report_summary_text(&in, &whole),
			    EXH_OK);
			assert_int_equal(exh_report_summary_text_to(&in, &s),
			    EXH_OK);
		}
		assert_int_equal(p.all.len, whole.len);
		assert_memory_equal(p.all.data, whole.data, whole.len);
		assert_true(scratch.len == 0);
		/* A record or element may end a little past the chunk. */
		assert_true(p.largest < EXH_SINK_CHUNK + 16384);
		if (whole.len > 2 * EXH_SINK_CHUNK)
			assert_true(p.calls > 1);
	}
	exh_buf_free(&whole);
	exh_buf_free(&scratch);
	exh_buf_free(&p.all);
	exh_findings_destroy(fs);
}

static int
fail_write(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return EXH_EIO;
}

static void
a_failed_write_stops_the_document_with_its_status(void **state)
{
	struct exh_findings *fs = many(2000, "C:\\x");
	struct exh_buf scratch = { 0 };
	struct exh_sink s = { &scratch, fail_write, NULL, EXH_OK };

	(void)state;
	assert_int_equal(exh_report_findings_jsonl_to(fs, &s), EXH_EIO);
	assert_true(scratch.len < 2 * EXH_SINK_CHUNK);
	exh_buf_free(&scratch);
	exh_findings_destroy(fs);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
report_lists_21_same_rule_findings_in_one_folder_as_20_and_a_count(void **state)
{
	struct exh_findings *fs = many(21, "C:\\inetpub\\wwwroot\\aspnet_client");
	struct exh_report_input in = { 0 };
	struct exh_buf out = { 0 };

	(void)state;
	in.lang = "en";
	in.findings = fs;
	assert_int_equal(exh_report_text(&in, &out), EXH_OK);
	assert_non_null(strstr(out.data, "EXH_SUSP_ASPX_In_ASPNet_Client: 21 "
	    "findings in C:\\inetpub\\wwwroot\\aspnet_client (first 20 listed; "
	    "all in findings.jsonl)"));
	assert_non_null(strstr(out.data, "more than 20 findings with the "
	    "same rules are in one folder"));
	assert_int_equal(count(out.data, "\nF0"), 20);
	assert_null(strstr(out.data, "F0021"));
	exh_buf_free(&out);
	exh_findings_destroy(fs);
}

static void
report_lists_20_same_rule_findings_in_full(void **state)
{
	struct exh_findings *fs = many(20, "C:\\inetpub\\wwwroot\\aspnet_client");
	struct exh_report_input in = { 0 };
	struct exh_buf out = { 0 };

	(void)state;
	in.lang = "en";
	in.findings = fs;
	assert_int_equal(exh_report_text(&in, &out), EXH_OK);
	assert_null(strstr(out.data, "findings in C:"));
	assert_null(strstr(out.data, "more than 20 findings"));
	assert_int_equal(count(out.data, "\nF0"), 20);
	exh_buf_free(&out);
	exh_findings_destroy(fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    streamed_documents_equal_whole_ones_in_pieces_of_64k),
		cmocka_unit_test(
		    a_failed_write_stops_the_document_with_its_status),
		cmocka_unit_test(
		    report_lists_21_same_rule_findings_in_one_folder_as_20_and_a_count),
		cmocka_unit_test(report_lists_20_same_rule_findings_in_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
