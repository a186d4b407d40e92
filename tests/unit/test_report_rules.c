/* The rule-set section: counts, the set's SHA-256, each file's SHA-256 and every rejected entry. */
#include "rules_fixture.h"

#include "exhume/report.h"

#define RULE "rule t { condition: false }\n"
#define MD5A "0123456789abcdef0123456789abcdef"
/* SHA-256 of RULE, computed with sha256sum. */
#define RULE_SHA256 \
	"e25887d94f4872eaaff235b7266343e872b2f143bd2079da4900a5dc1729317f"

static void
each_rule_file_is_listed_with_its_sha256_and_rejected_lines(void **state)
{
	struct exh_report_input in = { .lang = "en" };
	struct exh_buf out = { 0 };
	struct exh_err err = { 0 };
	struct exh_rules *r = NULL;
	struct fx x;
	char want[256];

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "iocs/hash-iocs.txt", MD5A ";bad\n<i>zz;x\n");
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	in.rules = r;
	assert_int_equal(exh_report_text(&in, &out), EXH_OK);
	assert_non_null(strstr(out.data, "YARA rules:"));
	assert_non_null(strstr(out.data, RULE_SHA256));
	assert_non_null(strstr(out.data, exh_rules_set_sha256(r)));
	snprintf(want, sizeof(want), "%s, line 2: ",
	    fx_file(r, "hash-iocs.txt")->path);
	assert_non_null(strstr(out.data, want));
	exh_buf_free(&out);
	/* The rejected line's markup is escaped in the page. */
	assert_int_equal(exh_report_html(&in, &out), EXH_OK);
	assert_null(strstr(out.data, "<i>"));
	exh_buf_free(&out);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    each_rule_file_is_listed_with_its_sha256_and_rejected_lines),
	};

	exh_i18n_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
