/* The collection plan: one item per (volume, MFT record, stream), every finding id kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/bundle.h"
#include "exhume/findings.h"
#include "bundle/bundle_int.h"

/* Planning never reads a volume; distinct addresses stand for two. */
static char vol_c, vol_d;
#define VOL_C ((struct exh_volume *)(void *)&vol_c)
#define VOL_D ((struct exh_volume *)(void *)&vol_d)

static struct exh_finding *
finding(const char *id, const char *path, const char *stream, uint64_t mft,
    int level)
{
	struct exh_finding *f = exh_finding_new(EXH_FIND_FILE);

	assert_non_null(f);
	assert_int_equal(exh_finding_set(&f->file.path, path), EXH_OK);
	assert_int_equal(exh_finding_set(&f->file.stream, stream), EXH_OK);
	(void)snprintf(f->id, sizeof(f->id), "%s", id);
	f->file.mft = mft;
	f->file.seq = 1;
	f->file.size = 100;
	f->level = level;
	return f;
}

static void
several_findings_on_one_stream_make_one_item(void **state)
{
	struct exh_finding *f[5];
	struct exh_bundle_plan *p;
	struct exh_bundle_outcome o;
	struct exh_err err;
	size_t i;

	(void)state;
	/* Two display paths, one record: a lossy name and its hard link. */
	f[0] = finding("F0001", "C:\\a\\sh", "", 107, EXH_LEVEL_ALERT);
	f[1] = finding("F0002", "C:\\b\\copy", "", 107, EXH_LEVEL_WARNING);
	f[2] = finding("F0003", "C:\\a\\sh", "x", 107, EXH_LEVEL_ALERT);
	f[3] = finding("F0004", "D:\\a\\sh", "", 107, EXH_LEVEL_ALERT);
	f[4] = finding("F0005", "C:\\a\\info", "", 9, EXH_LEVEL_INFO);
	assert_int_equal(exh_bundle_plan_create(&p, &err), EXH_OK);
	for (i = 0; i < 5; i++)
		assert_int_equal(exh_bundle_plan_finding(p, i == 3 ? VOL_D :
		    VOL_C, f[i], &err), EXH_OK);
	assert_int_equal(exh_bundle_plan_count(p), 3);
	assert_int_equal(exh_bundle_plan_bytes(p), 300);
	exh_bundle_plan_outcome(p, 0, &o);
	assert_string_equal(o.winpath, "C:\\a\\sh");
	assert_int_equal(p->items[0].nids, 2);
	assert_string_equal(p->items[0].ids[0], "F0001");
	assert_string_equal(p->items[0].ids[1], "F0002");
	assert_string_equal(o.reason, "finding");
	assert_string_equal(o.status, "left-out");
	exh_bundle_plan_outcome(p, 1, &o);
	assert_string_equal(o.stream, "x");
	exh_bundle_plan_outcome(p, 2, &o);
	assert_string_equal(o.winpath, "D:\\a\\sh");
	exh_bundle_plan_destroy(p);
	for (i = 0; i < 5; i++)
		exh_finding_free(f[i]);
}

static void
many_records_are_each_planned_once(void **state)
{
	struct exh_bundle_plan *p;
	struct exh_finding *f;
	struct exh_err err;
	uint64_t i;

	(void)state;
	f = finding("F0001", "C:\\x", "", 0, EXH_LEVEL_NOTICE);
	assert_int_equal(exh_bundle_plan_create(&p, &err), EXH_OK);
	for (i = 0; i < 40000; i++) {
		f->file.mft = 24 + i % 20000;
		assert_int_equal(exh_bundle_plan_finding(p, VOL_C, f, &err),
		    EXH_OK);
	}
	assert_int_equal(exh_bundle_plan_count(p), 20000);
	exh_bundle_plan_destroy(p);
	exh_finding_free(f);
}

static void
a_plan_without_a_volume_is_refused(void **state)
{
	struct exh_bundle_plan *p;
	struct exh_finding *f = finding("F0001", "C:\\x", "", 30,
	    EXH_LEVEL_ALERT);
	struct exh_err err;

	(void)state;
	assert_int_equal(exh_bundle_plan_create(&p, &err), EXH_OK);
	assert_int_equal(exh_bundle_plan_finding(p, NULL, f, &err),
	    EXH_EUSAGE);
	assert_int_equal(exh_bundle_plan_finding(NULL, VOL_C, f, &err),
	    EXH_EUSAGE);
	exh_bundle_plan_destroy(p);
	exh_bundle_plan_destroy(NULL);
	exh_finding_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(several_findings_on_one_stream_make_one_item),
		cmocka_unit_test(many_records_are_each_planned_once),
		cmocka_unit_test(a_plan_without_a_volume_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
