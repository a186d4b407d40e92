/* The time left shown during a scan: by bytes, per phase, nothing before a minimum sample. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/scan.h"

#define MIB	((uint64_t)1 << 20)

static struct exh_scan_progress
report(const char *phase, uint64_t files_done, uint64_t files_total,
    uint64_t done, uint64_t total)
{
	struct exh_scan_progress p;

	memset(&p, 0, sizeof(p));
	p.phase = phase;
	p.streams_done = files_done;
	p.streams_total = files_total;
	p.bytes_done = done;
	p.bytes_total = total;
	return p;
}

/* 100 MiB read in 10 s of a 1000 MiB phase: 90 s left, whatever the
 * number of files says (one huge file left, many small ones done). */
static void
eta_is_by_bytes(void **state)
{
	struct exh_scan_eta e;
	struct exh_scan_progress p;

	(void)state;
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 1000, 0, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 50.0);
	p = report("scanning", 999, 1000, 100 * MIB, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 60.0);
	assert_true(exh_scan_eta_left(&e) > 89.9 &&
	    exh_scan_eta_left(&e) < 90.1);
	assert_true(exh_scan_eta_rate(&e) > 10.0 * MIB - 1 &&
	    exh_scan_eta_rate(&e) < 10.0 * MIB + 1);
}

/* The logs phase does not inherit the file scan's time: 6 hours for 2
 * seconds of work came from dividing the whole run's time by files. */
static void
eta_is_per_phase(void **state)
{
	struct exh_scan_eta e;
	struct exh_scan_progress p;

	(void)state;
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 10, 0, 100 * MIB);
	exh_scan_eta_update(&e, &p, 0.0);
	p = report("scanning", 10, 10, 100 * MIB, 100 * MIB);
	exh_scan_eta_update(&e, &p, 3600.0);
	p = report("done", 10, 10, 100 * MIB, 100 * MIB);
	exh_scan_eta_update(&e, &p, 3600.1);
	assert_true(exh_scan_eta_left(&e) < 0);
	p = report("logs", 0, 4, 0, 40 * MIB);
	exh_scan_eta_update(&e, &p, 3601.0);
	p = report("logs", 1, 4, 10 * MIB, 40 * MIB);
	exh_scan_eta_update(&e, &p, 3603.0);
	/* 10 MiB in 2 s of this phase: 30 MiB left take 6 s. */
	assert_true(exh_scan_eta_left(&e) > 5.9 &&
	    exh_scan_eta_left(&e) < 6.1);
	assert_true(exh_scan_eta_elapsed(&e) > 1.9 &&
	    exh_scan_eta_elapsed(&e) < 2.1);
}

/* Nothing before EXH_SCAN_ETA_MIN_SECS and EXH_SCAN_ETA_MIN_PERMILLE. */
static void
no_eta_before_minimum_sample(void **state)
{
	struct exh_scan_eta e;
	struct exh_scan_progress p;

	(void)state;
	exh_scan_eta_init(&e);
	assert_true(exh_scan_eta_left(&e) < 0);
	p = report("scanning", 0, 100, 0, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 0.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	/* Half the bytes, but in one second: too early. */
	p = report("scanning", 50, 100, 500 * MIB, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 1.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 100, 0, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 0.0);
	/* Long enough, but under 1 % of the bytes: too little. */
	p = report("scanning", 1, 100, 9 * MIB, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 30.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	p = report("scanning", 2, 100, 10 * MIB, 1000 * MIB);
	exh_scan_eta_update(&e, &p, 30.0);
	assert_true(exh_scan_eta_left(&e) > 2969 &&
	    exh_scan_eta_left(&e) < 2971);
}

/* Counting has no estimate, nor a phase without a byte total; all bytes
 * done is 0 s left. */
static void
no_eta_without_bytes(void **state)
{
	struct exh_scan_eta e;
	struct exh_scan_progress p;

	(void)state;
	exh_scan_eta_init(&e);
	p = report("counting", 0, 500, 0, 0);
	exh_scan_eta_update(&e, &p, 0.0);
	p = report("counting", 0, 900, 0, 900 * MIB);
	exh_scan_eta_update(&e, &p, 10.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 0, 0, 0);
	exh_scan_eta_update(&e, &p, 0.0);
	p = report("scanning", 5, 0, 50 * MIB, 0);
	exh_scan_eta_update(&e, &p, 10.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	assert_true(exh_scan_eta_rate(&e) > 5.0 * MIB - 1);
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 2, 0, 10 * MIB);
	exh_scan_eta_update(&e, &p, 0.0);
	p = report("scanning", 2, 2, 10 * MIB, 10 * MIB);
	exh_scan_eta_update(&e, &p, 5.0);
	assert_true(exh_scan_eta_left(&e) == 0);
}

/* The next volume's scan (fewer bytes done, another total) starts over. */
static void
next_volume_starts_over(void **state)
{
	struct exh_scan_eta e;
	struct exh_scan_progress p;

	(void)state;
	exh_scan_eta_init(&e);
	p = report("scanning", 0, 10, 0, 100 * MIB);
	exh_scan_eta_update(&e, &p, 0.0);
	p = report("scanning", 5, 10, 50 * MIB, 100 * MIB);
	exh_scan_eta_update(&e, &p, 100.0);
	p = report("scanning", 0, 10, 0, 200 * MIB);
	exh_scan_eta_update(&e, &p, 101.0);
	assert_true(exh_scan_eta_left(&e) < 0);
	p = report("scanning", 1, 10, 20 * MIB, 200 * MIB);
	exh_scan_eta_update(&e, &p, 103.0);
	/* 20 MiB in 2 s: 180 MiB left take 18 s. */
	assert_true(exh_scan_eta_left(&e) > 17.9 &&
	    exh_scan_eta_left(&e) < 18.1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eta_is_by_bytes),
		cmocka_unit_test(eta_is_per_phase),
		cmocka_unit_test(no_eta_before_minimum_sample),
		cmocka_unit_test(no_eta_without_bytes),
		cmocka_unit_test(next_volume_starts_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
