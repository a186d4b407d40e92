/* Tests: path IOC literals and the automaton give the same reasons as one pcre2_match per IOC. */
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
#include "exhume/rules.h"
#include "rules/rules_int.h"
#include "rules_fixture.h"
#include "../tools/sigbase_shape.h"

#define NIOCS 3828
#define NPATHS 3000

static void
lit_is(const char *re, size_t n, const char *first)
{
	struct pathlit_set s;

	pathlit_extract(re, &s);
	if (s.n != n)
		fail_msg("%s: %zu literals, expected %zu", re, s.n, n);
	if (first != NULL && (s.len[0] != strlen(first) ||
	    memcmp(s.lit[0], first, s.len[0]) != 0))
		fail_msg("%s: literal '%.*s', expected '%s'", re,
		    (int)s.len[0], (const char *)s.lit[0], first);
}

/* The literal read from a regex is one every match holds. */
static void
test_literals(void **state)
{
	(void)state;
	lit_is("\\\\inetpub\\\\x\\.aspx$", 1, "\\inetpub\\x.aspx");
	lit_is("(?i)\\\\Temp\\\\[a-z]{8}\\.exe", 1, "\\temp\\");
	lit_is("svchosts?\\.exe", 1, "svchost");
	lit_is("ab{0,2}cdef", 1, "cdef");
	lit_is("shel+xyzw", 1, "lxyzw");
	lit_is("\\x41bcd", 1, "bcd");
	lit_is("\\cXabc", 1, "abc");
	lit_is("\\g{1}wxyz", 1, "wxyz");
	lit_is("nc\\.exe|ncat\\.exe", 2, "nc.exe");
	lit_is("(?#a(b)xyzw", 1, "xyzw");
	lit_is("[]x]abc", 1, "abc");
	lit_is("\\.(?:bat|vbs)$", 2, "bat");	/* a group's alternatives */
	lit_is("\\.(?:bat|vbs)?$", 0, NULL);	/* an optional group */
	lit_is("ab(?=cdefg)", 0, NULL);		/* a lookahead is skipped */
	lit_is("(?i)\\\\(inetpub|aspnet_client)\\\\(.+\\\\)?x", 2,
	    "inetpub");
	lit_is("\\\\aspnet_client\\\\(ab|cd)", 1,
	    "\\aspnet_client\\");
	lit_is("abc|.*", 0, NULL);		/* one branch has none */
	lit_is("(?x) a b c d", 0, NULL);	/* extended mode */
	lit_is("\\Qa.b\\E", 0, NULL);
	lit_is("[[:alpha:]_]abcd", 1, "abcd");
	lit_is("[[a]abcd", 0, NULL);		/* '[' in a class: gives up */
	lit_is("Привет", 0, NULL);		/* non-ASCII ends runs */
	/* The tail of a long run: file names tell paths apart. */
	lit_is("\\\\Program Files\\\\Microsoft\\\\Exchange Server", 1,
	    "\\exchange server");
}

static bool
same_reasons(const struct exh_finding *a, const struct exh_finding *b)
{
	size_t i;

	if (a->nreasons != b->nreasons)
		return false;
	for (i = 0; i < a->nreasons; i++)
		if (strcmp(a->reasons[i].name, b->reasons[i].name) != 0 ||
		    a->reasons[i].score != b->reasons[i].score ||
		    strcmp(a->reasons[i].detail, b->reasons[i].detail) != 0)
			return false;
	return true;
}

/*
 * A signature-base-sized list (3,828 regexes, false-positive entries with
 * negative scores and FP regexes among them) over 3,000 generated paths,
 * with and without an ADS name: the automaton finds exactly the reasons,
 * in the same order, that one pcre2_match per IOC finds.
 */
static void
test_same_as_every_regex(void **state)
{
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	struct sb_rng g = { 0x5eedf00dcafe1234ull };
	struct exh_buf list = { 0 };
	struct fx x;
	char line[1024], path[1024], ads[1100];
	const char *cand[2];
	size_t i, hits = 0, loaded;
	int rc;

	(void)state;
	for (i = 0; i < NIOCS; i++) {
		sb_ioc_line(&g, line, sizeof(line), i % 2 == 0);
		assert_int_equal(exh_buf_printf(&list, "%s\n", line), EXH_OK);
	}
	fx_init(&x);
	fx_write(&x, "yara/r.yar", "rule t { condition: false }\n");
	fx_write(&x, "iocs/filename-iocs.txt", list.data);
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	loaded = exh_rules_counts(r).path_iocs;
	assert_true(loaded > NIOCS * 9 / 10);
	assert_true(r->pauto.built);
	assert_true(r->pauto.nslow < loaded / 4);
	for (i = 0; i < NPATHS; i++) {
		struct exh_finding *every = exh_finding_new(EXH_FIND_FILE);
		struct exh_finding *fast = exh_finding_new(EXH_FIND_FILE);

		assert_non_null(every);
		assert_non_null(fast);
		sb_path(&g, path, sizeof(path));
		snprintf(ads, sizeof(ads), "%s:%s", path, "x.aspx");
		cand[0] = path;
		cand[1] = ads;
		rc = rules_match_path_regexes(r, cand, 1 + i % 2, true, every,
		    &err);
		assert_int_equal(rc, EXH_OK);
		rc = rules_match_path_regexes(r, cand, 1 + i % 2, false, fast,
		    &err);
		assert_int_equal(rc, EXH_OK);
		if (!same_reasons(every, fast))
			fail_msg("%s: %zu reasons one by one, %zu by the "
			    "automaton", path, every->nreasons,
			    fast->nreasons);
		hits += every->nreasons;
		exh_finding_free(every);
		exh_finding_free(fast);
	}
	/* The comparison means something only when paths do match. */
	assert_true(hits > NPATHS / 10);
	exh_rules_destroy(r);
	exh_buf_free(&list);
	fx_cleanup(&x);
}

/* KELVIN SIGN is 'k' to caseless PCRE2: its literal must not miss it. */
static void
test_kelvin_sign(void **state)
{
	struct exh_rules *r = NULL;
	struct exh_err err = { 0 };
	struct exh_finding *f;
	struct fx x;

	(void)state;
	fx_init(&x);
	fx_write(&x, "yara/r.yar", "rule t { condition: false }\n");
	fx_write(&x, "iocs/filename-iocs.txt", "(?i)\\\\kill\\.aspx$;80\n");
	assert_int_equal(fx_load(&x, "yara", "iocs", NULL, &r, &err), EXH_OK);
	f = exh_finding_new(EXH_FIND_FILE);
	assert_non_null(f);
	assert_int_equal(exh_rules_match_path(r,
	    "C:\\x\\\xe2\x84\xaaill.aspx", NULL, f, &err), EXH_OK);
	assert_int_equal(f->nreasons, 1);
	exh_finding_free(f);
	exh_rules_destroy(r);
	fx_cleanup(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_same_as_every_regex),
		cmocka_unit_test(test_kelvin_sign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
