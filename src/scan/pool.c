/* The one worker pool of the scan module: a bounded queue, N threads, each with its own volume handles. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan_int.h"

#define MAX_THREADS	64
#define TICK_NS		(100L * 1000 * 1000)

struct pool_worker {
	struct pool *p;
	unsigned index;
	pthread_t tid;
	bool started;
	struct exh_volume **orig, **clone;	/* own handle per volume */
	size_t nvols;
};

struct pool {
	struct pool_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full, exited;
	unsigned char *ring;
	size_t cap, head, n;
	bool closed;
	unsigned running;	/* started threads that have not exited */
	struct pool_worker *workers;
	/* The first failure of any worker; later items are dropped. */
	int rc;
	struct exh_err err;
	struct timespec last_tick;	/* calling thread only */
};

unsigned
exh_scan_thread_count(unsigned asked)
{
	long n;

	if (asked == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		asked = n > 0 ? (unsigned)n : 1;
	}
	return asked > MAX_THREADS ? MAX_THREADS : asked;
}

static void *
slot(struct pool *p, size_t i)
{
	return p->ring + (i % p->cap) * p->cfg.item_size;
}

static bool
cancel_requested(const struct pool *p)
{
	return p->cfg.cancel != NULL && *p->cfg.cancel != 0;
}

int
pool_create(const struct pool_config *cfg, struct pool **out,
    struct exh_err *err)
{
	pthread_condattr_t ca;
	struct pool *p;
	unsigned i;

	if (cfg->nthreads == 0 || cfg->item_size == 0 || cfg->work == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0, "pool: invalid call");
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	p->cfg = *cfg;
	p->cap = cfg->queue_cap ? cfg->queue_cap : (size_t)cfg->nthreads * 4;
	p->ring = calloc(p->cap, cfg->item_size);
	p->workers = calloc(cfg->nthreads, sizeof(*p->workers));
	if (p->ring == NULL || p->workers == NULL) {
		free(p->ring);
		free(p->workers);
		free(p);
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	}
	for (i = 0; i < cfg->nthreads; i++) {
		p->workers[i].p = p;
		p->workers[i].index = i;
	}
	pthread_mutex_init(&p->lock, NULL);
	/* The calling thread waits with a deadline to deliver progress. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, &ca);
	pthread_cond_init(&p->exited, &ca);
	pthread_condattr_destroy(&ca);
	clock_gettime(CLOCK_MONOTONIC, &p->last_tick);
	*out = p;
	return EXH_OK;
}

unsigned
pool_threads(const struct pool *p)
{
	return p->cfg.nthreads;
}

struct pool_worker *
pool_worker(struct pool *p, unsigned i)
{
	return i < p->cfg.nthreads ? &p->workers[i] : NULL;
}

unsigned
pool_worker_index(const struct pool_worker *w)
{
	return w->index;
}

int
pool_volume(struct pool_worker *w, struct exh_volume *vol,
    struct exh_volume **out, struct exh_err *err)
{
	struct exh_volume **orig, **clone;
	size_t i;
	int rc;

	for (i = 0; i < w->nvols; i++)
		if (w->orig[i] == vol) {
			*out = w->clone[i];
			return EXH_OK;
		}
	orig = realloc(w->orig, (w->nvols + 1) * sizeof(*orig));
	if (orig != NULL)
		w->orig = orig;
	clone = realloc(w->clone, (w->nvols + 1) * sizeof(*clone));
	if (clone != NULL)
		w->clone = clone;
	if (orig == NULL || clone == NULL)
		return exh_err_set(err, EXH_ENOMEM, 0, "out of memory");
	if ((rc = exh_volume_clone(vol, &w->clone[w->nvols], err)) != EXH_OK)
		return rc;
	w->orig[w->nvols] = vol;
	*out = w->clone[w->nvols++];
	return EXH_OK;
}

/* An item the pool will not work on: after a cancel, or a failure. */
static void
drop(struct pool *p, struct pool_worker *w, void *item, bool is_cancel)
{
	if (is_cancel && p->cfg.cancelled != NULL)
		p->cfg.cancelled(p->cfg.ctx, w, item);
	if (p->cfg.item_free != NULL)
		p->cfg.item_free(item);
}

static void *
worker_main(void *arg)
{
	struct pool_worker *w = arg;
	struct pool *p = w->p;
	unsigned char *item;
	struct exh_err e;
	bool failed;
	int rc;

	/* One item's bytes live on this thread while it is worked on. */
	if ((item = malloc(p->cfg.item_size)) == NULL) {
		pthread_mutex_lock(&p->lock);
		if (p->rc == EXH_OK)
			p->rc = exh_err_set(&p->err, EXH_ENOMEM, 0,
			    "worker: out of memory");
		goto exit;
	}
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n == 0 && !p->closed)
			pthread_cond_wait(&p->not_empty, &p->lock);
		if (p->n == 0)
			break;
		memcpy(item, slot(p, p->head), p->cfg.item_size);
		p->head = (p->head + 1) % p->cap;
		p->n--;
		pthread_cond_signal(&p->not_full);
		failed = p->rc != EXH_OK;
		pthread_mutex_unlock(&p->lock);
		if (failed || cancel_requested(p))
			drop(p, w, item, !failed);
		else {
			exh_err_clear(&e);
			rc = p->cfg.work(p->cfg.ctx, w, item, &e);
			if (p->cfg.item_free != NULL)
				p->cfg.item_free(item);
			if (rc != EXH_OK) {
				pthread_mutex_lock(&p->lock);
				if (p->rc == EXH_OK) {
					p->rc = rc;
					p->err = e;
					p->err.status = rc;
				}
				pthread_mutex_unlock(&p->lock);
			}
		}
		pthread_mutex_lock(&p->lock);
	}
exit:
	p->running--;
	pthread_cond_signal(&p->exited);
	pthread_mutex_unlock(&p->lock);
	free(item);
	return NULL;
}

int
pool_start(struct pool *p, struct exh_err *err)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < p->cfg.nthreads; i++) {
		struct pool_worker *w = &p->workers[i];

		pthread_mutex_lock(&p->lock);
		p->running++;
		pthread_mutex_unlock(&p->lock);
		if ((rc = pthread_create(&w->tid, NULL, worker_main, w)) != 0) {
			pthread_mutex_lock(&p->lock);
			p->running--;
			pthread_mutex_unlock(&p->lock);
			break;
		}
		w->started = true;
	}
	/* Threads that did start work through the whole queue. */
	if (i == 0)
		return exh_err_set(err, EXH_EFATAL, rc,
		    "pool: cannot start a thread: %s", exh_strerror(rc));
	return EXH_OK;
}

static bool
tick_due(struct pool *p, struct timespec *deadline)
{
	int64_t ns = exh_mono_ns_since(&p->last_tick, NULL);

	if (deadline != NULL) {
		*deadline = p->last_tick;
		deadline->tv_nsec += TICK_NS;
		if (deadline->tv_nsec >= 1000000000L) {
			deadline->tv_sec++;
			deadline->tv_nsec -= 1000000000L;
		}
	}
	return ns >= TICK_NS;
}

/* Progress, on the calling thread, outside the lock. */
static void
tick(struct pool *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->last_tick);
	if (p->cfg.tick != NULL)
		p->cfg.tick(p->cfg.ctx);
}

/* Waits on cv (lock held) until woken or the next tick is due. */
static void
wait_or_tick(struct pool *p, pthread_cond_t *cv)
{
	struct timespec deadline;

	if (tick_due(p, &deadline)) {
		pthread_mutex_unlock(&p->lock);
		tick(p);
		pthread_mutex_lock(&p->lock);
		return;
	}
	(void)pthread_cond_timedwait(cv, &p->lock, &deadline);
}

int
pool_push(struct pool *p, void *item)
{
	int rc;

	pthread_mutex_lock(&p->lock);
	while (p->n == p->cap && p->running > 0)
		wait_or_tick(p, &p->not_full);
	if (p->running == 0) {
		/* No thread left to take it (none started, or all gone). */
		rc = p->rc != EXH_OK ? p->rc : EXH_EFATAL;
		pthread_mutex_unlock(&p->lock);
		drop(p, NULL, item, false);
		return rc;
	}
	memcpy(slot(p, p->head + p->n), item, p->cfg.item_size);
	p->n++;
	pthread_cond_signal(&p->not_empty);
	rc = p->rc;
	pthread_mutex_unlock(&p->lock);
	if (tick_due(p, NULL))
		tick(p);
	return rc;
}

int
pool_finish(struct pool *p, struct exh_err *err)
{
	unsigned i;
	int rc;

	pthread_mutex_lock(&p->lock);
	p->closed = true;
	pthread_cond_broadcast(&p->not_empty);
	while (p->running > 0)
		wait_or_tick(p, &p->exited);
	rc = p->rc;
	if (rc != EXH_OK && err != NULL)
		*err = p->err;
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->cfg.nthreads; i++)
		if (p->workers[i].started) {
			pthread_join(p->workers[i].tid, NULL);
			p->workers[i].started = false;
		}
	return rc;
}

void
pool_destroy(struct pool *p)
{
	unsigned i;
	size_t k;

	if (p == NULL)
		return;
	(void)pool_finish(p, NULL);
	while (p->n > 0) {
		drop(p, NULL, slot(p, p->head), false);
		p->head = (p->head + 1) % p->cap;
		p->n--;
	}
	for (i = 0; i < p->cfg.nthreads; i++) {
		struct pool_worker *w = &p->workers[i];

		for (k = 0; k < w->nvols; k++)
			exh_volume_close(w->clone[k]);
		free(w->orig);
		free(w->clone);
	}
	free(p->workers);
	free(p->ring);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->not_empty);
	pthread_cond_destroy(&p->not_full);
	pthread_cond_destroy(&p->exited);
	free(p);
}
