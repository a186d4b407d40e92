/* Aggregation of repeated hits: count, time span, clients, samples, the strongest hit as face, "other" when full. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/findings.h"

static struct exh_finding *
hit(const char *check, const char *ip, uint64_t line, int score)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_LOG);
	char text[64];

	assert_non_null(f);
	snprintf(text, sizeof(text), "line %llu", (unsigned long long)line);
	assert_int_equal(exh_finding_set(&f->check, check), EXH_OK);
	assert_int_equal(exh_finding_set(&f->client_ip, ip), EXH_OK);
	assert_int_equal(exh_finding_set(&f->excerpt, text), EXH_OK);
	assert_int_equal(exh_finding_add_reason(f, "log", check, score, "d",
	    "r", text), EXH_OK);
	f->line = line;
	f->time = (int64_t)(1000 + line);
	exh_finding_rescore(f);
	return f;
}

static struct exh_findings *
flushed(struct exh_group_table *t)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	assert_int_equal(exh_group_flush(t, fs, &err), EXH_OK);
	exh_findings_sort(fs);
	return fs;
}

static void
ten_hits_on_one_key_are_one_finding_with_five_samples(void **state)
{
	struct exh_group_table *t = NULL;
	struct exh_findings *fs;
	struct exh_err err = { 0 };
	const struct exh_finding *f;
	char ip[32];
	uint64_t i;

	(void)state;
	assert_int_equal(exh_group_create(8, 4, "client and URI", &t, &err),
	    EXH_OK);
	for (i = 1; i <= 10; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%u", (unsigned)(i % 3));
		assert_int_equal(exh_group_add(t, "k", hit("c/x", ip, i,
		    i == 7 ? 90 : 60), &err), EXH_OK);
	}
	fs = flushed(t);
	assert_int_equal(exh_findings_count(fs), 1);
	f = exh_findings_get(fs, 0);
	assert_int_equal(f->count, 10);
	assert_int_equal(f->first, 1001);
	assert_int_equal(f->last, 1010);
	assert_int_equal(f->nclients, 3);
	assert_int_equal(f->nsamples, EXH_GROUP_SAMPLES);
	assert_int_equal(f->samples[0].line, 1);
	/* The strongest hit speaks for the group. */
	assert_int_equal(f->line, 7);
	assert_int_equal(f->score, 90);
	assert_non_null(strstr(f->grouped, "client and URI"));
	/* findings.jsonl carries the group. */
	{
		struct exh_buf js = { 0 };

		assert_int_equal(exh_finding_to_json(f, &js), EXH_OK);
		assert_non_null(strstr(js.data, "\"count\":10"));
		assert_non_null(strstr(js.data, "\"clients\":[\"192.0.2.1\""));
		assert_non_null(strstr(js.data, "\"samples\":[{\"line\":1,"));
		assert_non_null(strstr(js.data, "\"text\":\"line 1\""));
		exh_buf_free(&js);
	}
	exh_findings_destroy(fs);
	exh_group_destroy(t);
}

static void
single_hit_goes_out_unchanged(void **state)
{
	struct exh_group_table *t = NULL;
	struct exh_findings *fs;
	struct exh_err err = { 0 };
	const struct exh_finding *f;

	(void)state;
	assert_int_equal(exh_group_create(8, 4, "URI", &t, &err), EXH_OK);
	assert_int_equal(exh_group_add(t, "k", hit("c/x", "192.0.2.1", 3, 60),
	    &err), EXH_OK);
	fs = flushed(t);
	f = exh_findings_get(fs, 0);
	assert_int_equal(f->count, 0);
	assert_null(f->grouped);
	assert_int_equal(f->nsamples, 0);
	assert_int_equal(f->line, 3);
	exh_findings_destroy(fs);
	exh_group_destroy(t);
}

static void
keys_over_the_limits_fold_into_other_per_check(void **state)
{
	struct exh_group_table *t = NULL;
	struct exh_findings *fs;
	struct exh_err err = { 0 };
	char key[32];
	size_t i, others = 0, total = 0;

	(void)state;
	/* 2 groups per check, 5 in all: check a gets 2 own + other; check b
	 * 2 own + other; check c finds the table nearly full. */
	assert_int_equal(exh_group_create(5, 2, "URI", &t, &err), EXH_OK);
	for (i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "u%zu", i % 10);
		assert_int_equal(exh_group_add(t, key, hit(i < 10 ? "a" : i < 20 ?
		    "b" : "c", "192.0.2.1", i + 1, 60), &err), EXH_OK);
	}
	fs = flushed(t);
	for (i = 0; i < exh_findings_count(fs); i++) {
		const struct exh_finding *f = exh_findings_get(fs, i);

		total += f->count > 0 ? (size_t)f->count : 1;
		if (f->grouped != NULL && strncmp(f->grouped, "other", 5) == 0)
			others++;
	}
	assert_int_equal(total, 30);
	assert_int_equal(others, 3);
	assert_int_equal(exh_findings_count(fs), 8);
	exh_findings_destroy(fs);
	exh_group_destroy(t);
}

static void
bad_arguments_are_usage_errors(void **state)
{
	struct exh_group_table *t = NULL;
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(exh_group_create(0, 1, NULL, &t, &err), EXH_EUSAGE);
	assert_null(t);
	assert_int_equal(exh_group_add(NULL, "k", hit("a", "x", 1, 1), &err),
	    EXH_EUSAGE);
	exh_group_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ten_hits_on_one_key_are_one_finding_with_five_samples),
		cmocka_unit_test(single_hit_goes_out_unchanged),
		cmocka_unit_test(keys_over_the_limits_fold_into_other_per_check),
		cmocka_unit_test(bad_arguments_are_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
