/* Tests: loading the well-known SID names and looking owners up in them. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/rules.h"
#include "rules_fixture.h"

#define RULE "rule r { condition: false }\n"
#define MD5A "0123456789abcdef0123456789abcdef"

/* A shipped-style rules dir with sids as well-known-sids.tsv (NULL: none). */
static int
load_default(struct fx *x, const char *sids, struct exh_rules **r,
    struct exh_err *err)
{
	struct exh_rules_options o = { 0 };
	char dir[600];

	fx_init(x);
	fx_write(x, "rules/yara/r.yar", RULE);
	fx_write(x, "rules/hashes/exchange-hashes.txt", MD5A ";x\n");
	if (sids != NULL)
		fx_write(x, "rules/well-known-sids.tsv", sids);
	snprintf(dir, sizeof(dir), "%s/rules", x->dir);
	o.default_dir = dir;
	return exh_rules_load(&o, r, err);
}

static void
shipped_sid_list_names_well_known_owners(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	assert_int_equal(load_default(&x, "# names\n"
	    "S-1-5-18\tNT AUTHORITY\\SYSTEM\n"
	    "\n"
	    "S-1-5-32-544\tBUILTIN\\Administrators  \r\n"
	    "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
	    "\tNT SERVICE\\TrustedInstaller\n", &r, &err), EXH_OK);
	f = fx_file(r, "well-known-sids.tsv");
	assert_non_null(f);
	assert_int_equal(f->kind, EXH_RF_SIDNAMES);
	assert_string_equal(exh_rules_file_kind_name(f->kind), "sid-names");
	assert_int_equal(f->loaded, 3);
	assert_int_equal(f->nrejects, 0);
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-18"),
	    "NT AUTHORITY\\SYSTEM");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-32-544"),
	    "BUILTIN\\Administrators");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-80-956008885-"
	    "3418522649-1831038044-1853292631-2271478464"),
	    "NT SERVICE\\TrustedInstaller");
	assert_null(exh_rules_sid_name(r, "S-1-5-21-1111-2222-3333-1105"));
	assert_null(exh_rules_sid_name(r, ""));
	assert_null(exh_rules_sid_name(r, NULL));
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
missing_sid_list_is_no_names_not_an_error(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(load_default(&x, NULL, &r, &err), EXH_OK);
	assert_null(fx_file(r, "well-known-sids.tsv"));
	assert_null(exh_rules_sid_name(r, "S-1-5-18"));
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
malformed_sid_lines_are_rejected_with_their_line_numbers(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	assert_int_equal(load_default(&x, "S-1-5-18\tNT AUTHORITY\\SYSTEM\n"
	    "S-1-5-19 NT AUTHORITY\\LOCAL SERVICE\n"	/* 2: no tab */
	    "s-1-5-20\tlower case\n"			/* 3 */
	    "S-1-5-020\tleading zero\n"			/* 4 */
	    "S-1-5-32-\ttrailing dash\n"		/* 5 */
	    "S-1-5-4294967296\tsub-authority too big\n"	/* 6 */
	    "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16\tsixteen\n" /* 7 */
	    "S-1-5-11\tbad\001name\n"			/* 8 */
	    "S-1-5-18\tagain\n"				/* 9 */
	    "S-1-0x000000000005-18\thex authority\n"	/* 10 */
	    "S-1-281474976710656-1\tauthority too big\n"	/* 11 */
	    "S-1-5-32-545\tBUILTIN\\Users\n", &r, &err), EXH_OK);
	f = fx_file(r, "well-known-sids.tsv");
	assert_non_null(f);
	assert_int_equal(f->loaded, 2);
	assert_int_equal(f->nrejects, 10);
	assert_int_equal(f->rejects[0].line, 2);
	assert_string_equal(f->rejects[0].reason, "expected SID<TAB>NAME");
	assert_int_equal(f->rejects[1].line, 3);
	assert_int_equal(f->rejects[2].line, 4);
	assert_string_equal(f->rejects[2].reason,
	    "SID not in canonical form; write S-1-5-20");
	assert_int_equal(f->rejects[3].line, 5);
	assert_int_equal(f->rejects[4].line, 6);
	assert_int_equal(f->rejects[5].line, 7);
	assert_int_equal(f->rejects[6].line, 8);
	assert_string_equal(f->rejects[6].reason,
	    "control character in the account name");
	assert_int_equal(f->rejects[7].line, 9);
	assert_string_equal(f->rejects[7].reason, "duplicate of line 1");
	assert_int_equal(f->rejects[8].line, 10);
	assert_string_equal(f->rejects[8].reason,
	    "SID not in canonical form; write S-1-5-18");
	assert_int_equal(f->rejects[9].line, 11);
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-18"),
	    "NT AUTHORITY\\SYSTEM");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-32-545"),
	    "BUILTIN\\Users");
	assert_null(exh_rules_sid_name(r, "S-1-5-19"));
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
responder_sid_list_given_with_iocs_adds_domain_names(void **state)
{
	struct fx x;
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", RULE);
	fx_write(&x, "iocs/hash-iocs.txt", MD5A ";x\n");
	fx_write(&x, "iocs/case-sids.tsv",
	    "S-1-5-21-1111-2222-3333-1105\tCONTOSO\\svc-backup\n");
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	assert_int_equal(fx_file(r, "case-sids.tsv")->kind, EXH_RF_SIDNAMES);
	assert_string_equal(exh_rules_sid_name(r,
	    "S-1-5-21-1111-2222-3333-1105"), "CONTOSO\\svc-backup");
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

static void
shipped_well_known_sids_file_loads_without_rejects(void **state)
{
	struct exh_rules *r = NULL;
	struct exh_rules_options o = { 0 };
	struct exh_err err = { 0 };
	const struct exh_rules_file *f;

	(void)state;
	o.default_dir = EXH_RULES_DIR;
	assert_int_equal(exh_rules_load(&o, &r, &err), EXH_OK);
	f = fx_file(r, "well-known-sids.tsv");
	assert_non_null(f);
	assert_int_equal(f->nrejects, 0);
	assert_true(f->loaded >= 20);
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-18"),
	    "NT AUTHORITY\\SYSTEM");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-19"),
	    "NT AUTHORITY\\LOCAL SERVICE");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-20"),
	    "NT AUTHORITY\\NETWORK SERVICE");
	assert_string_equal(exh_rules_sid_name(r, "S-1-5-32-568"),
	    "BUILTIN\\IIS_IUSRS");
	assert_string_equal(exh_rules_sid_name(r, "S-1-1-0"), "Everyone");
	exh_rules_destroy(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_sid_list_names_well_known_owners),
		cmocka_unit_test(missing_sid_list_is_no_names_not_an_error),
		cmocka_unit_test(
		    malformed_sid_lines_are_rejected_with_their_line_numbers),
		cmocka_unit_test(
		    responder_sid_list_given_with_iocs_adds_domain_names),
		cmocka_unit_test(
		    shipped_well_known_sids_file_loads_without_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
