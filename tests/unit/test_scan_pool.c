/* The scan module's worker pool: every item once, on workers; progress on the calling thread; errors keep their cause. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/scan_int.h"

#define NITEMS 500

struct probe {
	pthread_t caller;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned seen[NITEMS];
	unsigned worked_on_caller;	/* work calls on the calling thread */
	unsigned ticks, ticks_elsewhere;
	unsigned cancelled, freed;
	int fail_at;			/* item that fails; -1 = none */
	bool wait_for_tick;		/* item 0 waits until a tick came */
};

static void
probe_init(struct probe *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->caller = pthread_self();
	pr->fail_at = -1;
	pthread_mutex_init(&pr->mu, NULL);
	pthread_cond_init(&pr->cv, NULL);
}

static void
probe_fini(struct probe *pr)
{
	pthread_mutex_destroy(&pr->mu);
	pthread_cond_destroy(&pr->cv);
}

static int
work(void *ctx, struct pool_worker *w, void *item, struct exh_err *err)
{
	struct probe *pr = ctx;
	int k = *(int *)item;

	(void)w;
	pthread_mutex_lock(&pr->mu);
	pr->seen[k]++;
	if (pthread_equal(pthread_self(), pr->caller))
		pr->worked_on_caller++;
	/* Keeps a worker busy until the calling thread has reported. */
	while (k == 0 && pr->wait_for_tick && pr->ticks == 0)
		pthread_cond_wait(&pr->cv, &pr->mu);
	pthread_mutex_unlock(&pr->mu);
	if (k == pr->fail_at)
		return exh_err_set(err, EXH_EIO, 5, "C:\\x.log: read failed: "
		    "Input/output error");
	return EXH_OK;
}

static void
tick(void *ctx)
{
	struct probe *pr = ctx;

	pthread_mutex_lock(&pr->mu);
	pr->ticks++;
	if (!pthread_equal(pthread_self(), pr->caller))
		pr->ticks_elsewhere++;
	pthread_cond_broadcast(&pr->cv);
	pthread_mutex_unlock(&pr->mu);
}

static void
on_cancel(void *ctx, struct pool_worker *w, void *item)
{
	struct probe *pr = ctx;

	(void)w;
	(void)item;
	pthread_mutex_lock(&pr->mu);
	pr->cancelled++;
	pthread_mutex_unlock(&pr->mu);
}

static struct probe *freed_probe;

static void
item_free(void *item)
{
	(void)item;
	pthread_mutex_lock(&freed_probe->mu);
	freed_probe->freed++;
	pthread_mutex_unlock(&freed_probe->mu);
}

static struct pool *
make_pool(struct probe *pr, volatile int *cancel, size_t cap)
{
	struct pool_config pc;
	struct exh_err err;
	struct pool *p = NULL;

	memset(&pc, 0, sizeof(pc));
	pc.nthreads = 4;
	pc.item_size = sizeof(int);
	pc.queue_cap = cap;
	pc.work = work;
	pc.cancelled = on_cancel;
	pc.item_free = item_free;
	pc.tick = tick;
	pc.ctx = pr;
	pc.cancel = cancel;
	freed_probe = pr;
	assert_int_equal(pool_create(&pc, &p, &err), EXH_OK);
	assert_int_equal(pool_start(p, &err), EXH_OK);
	return p;
}

static void
every_item_is_worked_on_exactly_once_and_never_on_the_calling_thread(
    void **state)
{
	struct probe pr;
	struct exh_err err;
	struct pool *p;
	int k;

	(void)state;
	probe_init(&pr);
	p = make_pool(&pr, NULL, 0);
	for (k = 0; k < NITEMS; k++)
		assert_int_equal(pool_push(p, &k), EXH_OK);
	assert_int_equal(pool_finish(p, &err), EXH_OK);
	pool_destroy(p);
	for (k = 0; k < NITEMS; k++)
		assert_int_equal(pr.seen[k], 1);
	assert_int_equal(pr.worked_on_caller, 0);
	assert_int_equal(pr.freed, NITEMS);
	probe_fini(&pr);
}

static void
progress_is_reported_on_the_calling_thread_while_workers_are_busy(
    void **state)
{
	struct probe pr;
	struct exh_err err;
	struct pool *p;
	int k;

	(void)state;
	probe_init(&pr);
	pr.wait_for_tick = true;
	p = make_pool(&pr, NULL, 2);
	for (k = 0; k < 8; k++)
		assert_int_equal(pool_push(p, &k), EXH_OK);
	/* Item 0 finishes only after a tick: pool_finish must deliver it. */
	assert_int_equal(pool_finish(p, &err), EXH_OK);
	pool_destroy(p);
	assert_true(pr.ticks >= 1);
	assert_int_equal(pr.ticks_elsewhere, 0);
	probe_fini(&pr);
}

static void
a_worker_failure_keeps_its_cause_and_stops_the_pool(void **state)
{
	struct probe pr;
	struct exh_err err;
	struct pool *p;
	int k, rc = EXH_OK;

	(void)state;
	probe_init(&pr);
	pr.fail_at = 3;
	p = make_pool(&pr, NULL, 0);
	for (k = 0; k < NITEMS && rc == EXH_OK; k++)
		rc = pool_push(p, &k);
	memset(&err, 0, sizeof(err));
	assert_int_equal(pool_finish(p, &err), EXH_EIO);
	assert_int_equal(err.status, EXH_EIO);
	assert_int_equal(err.sys_errno, 5);
	assert_string_equal(err.msg, "C:\\x.log: read failed: "
	    "Input/output error");
	pool_destroy(p);
	/* Every item pushed is freed, whether worked on or dropped. */
	assert_int_equal(pr.freed, (unsigned)k);
	probe_fini(&pr);
}

static void
after_a_cancel_items_go_to_the_cancel_hook_instead_of_work(void **state)
{
	volatile int cancel = 1;
	struct probe pr;
	struct exh_err err;
	struct pool *p;
	int k;

	(void)state;
	probe_init(&pr);
	p = make_pool(&pr, &cancel, 0);
	for (k = 0; k < 20; k++)
		assert_int_equal(pool_push(p, &k), EXH_OK);
	assert_int_equal(pool_finish(p, &err), EXH_OK);
	pool_destroy(p);
	for (k = 0; k < 20; k++)
		assert_int_equal(pr.seen[k], 0);
	assert_int_equal(pr.cancelled, 20);
	assert_int_equal(pr.freed, 20);
	probe_fini(&pr);
}

static void
a_pool_without_threads_or_work_is_a_usage_error(void **state)
{
	struct pool_config pc;
	struct exh_err err;
	struct pool *p = NULL;

	(void)state;
	memset(&pc, 0, sizeof(pc));
	pc.item_size = sizeof(int);
	pc.work = work;
	assert_int_equal(pool_create(&pc, &p, &err), EXH_EUSAGE);
	pc.nthreads = 2;
	pc.work = NULL;
	assert_int_equal(pool_create(&pc, &p, &err), EXH_EUSAGE);
	assert_null(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    every_item_is_worked_on_exactly_once_and_never_on_the_calling_thread),
		cmocka_unit_test(
		    progress_is_reported_on_the_calling_thread_while_workers_are_busy),
		cmocka_unit_test(a_worker_failure_keeps_its_cause_and_stops_the_pool),
		cmocka_unit_test(
		    after_a_cancel_items_go_to_the_cancel_hook_instead_of_work),
		cmocka_unit_test(a_pool_without_threads_or_work_is_a_usage_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
