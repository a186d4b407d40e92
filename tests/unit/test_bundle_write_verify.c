/* Bundle writer and verifier: outcomes a responder relies on, in process. */
#include <sys/resource.h>
#include <sys/wait.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhume/bundle.h"

/* A generated stream: size bytes, optionally failing at fail_at. */
struct mem {
	uint64_t size, pos, fail_at;
	int calls;
	uint32_t x;
};

static int
mem_read(void *ctx, void *buf, size_t len, size_t *got, struct exh_err *err)
{
	struct mem *m = ctx;
	unsigned char *p = buf;
	size_t i, n = len;

	m->calls++;
	*got = 0;
	if (m->fail_at != 0 && m->pos >= m->fail_at)
		return exh_err_set(err, EXH_EIO, 5, "sector %llu unreadable",
		    (unsigned long long)m->pos / 512);
	if (m->size - m->pos < n)
		n = (size_t)(m->size - m->pos);
	if (m->fail_at != 0 && m->fail_at - m->pos < n)
		n = (size_t)(m->fail_at - m->pos);
	for (i = 0; i < n; i++) {
		/* xorshift: incompressible, so size limits bite. */
		m->x ^= m->x << 13;
		m->x ^= m->x >> 17;
		m->x ^= m->x << 5;
		p[i] = (unsigned char)m->x;
	}
	m->pos += n;
	*got = n;
	return EXH_OK;
}

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/exh-bundle-XXXXXX");
	if (f == NULL || mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/case.zip", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *d;
	char p[512];
	DIR *dir = opendir(f->dir);

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, d->d_name);
		unlink(p);
	}
	if (dir != NULL)
		closedir(dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int
count_files(const char *dir)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	while (dp != NULL && (d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	if (dp != NULL)
		closedir(dp);
	return n;
}

static void
item(struct exh_bundle_item *it, const char *winpath, uint64_t size)
{
	static const char *const ids[] = { "F-0007" };

	memset(it, 0, sizeof(*it));
	it->drive = 'C';
	it->file.path = (char *)winpath;	/* borrowed for the call */
	it->file.stream = "";
	it->file.mft = 42;
	it->file.seq = 3;
	it->file.size = size;
	it->file.attributes = 0x22;
	it->file.si.modified = 132588000000000000LL;
	it->reason = "finding";
	it->finding_ids = ids;
	it->n_finding_ids = 1;
}

static struct exh_bundle *
open_bundle(struct fixture *f, uint64_t cap, const char *password)
{
	struct exh_bundle_options o = { 0 };
	struct exh_bundle *b = NULL;
	struct exh_err err = { 0 };

	o.path = f->path;
	o.max_collect_bytes = cap;
	o.zip_password = password;
	assert_int_equal(exh_bundle_create(&o, 1 << 20, &b, &err), EXH_OK);
	assert_non_null(b);
	return b;
}

static void
bundle_of_memory_streams_verifies_entry_by_entry(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_bundle_item it;
	struct exh_bundle_result res;
	struct exh_verify_result vr;
	struct exh_err err = { 0 };
	struct mem m1 = { .size = 100000, .x = 1 }, m2 = { .size = 0, .x = 2 };

	item(&it, "C:\\inetpub\\wwwroot\\a.aspx", m1.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m1, &err),
	    EXH_OK);
	item(&it, "C:\\empty.txt", 0);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m2, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_add_document(b, "report.txt", "hello", 5,
	    &err), EXH_OK);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(strlen(res.zip_sha256), 64);
	assert_int_equal(res.collected, 2);
	assert_int_equal(res.documents, 1);
	assert_int_equal(res.collected_bytes, 100000);
	assert_int_equal(count_files(f->dir), 2);	/* zip and .sha256 */
	assert_int_equal(exh_bundle_verify(f->path, NULL, NULL, NULL, NULL,
	    &vr, &err), EXH_OK);
	assert_int_equal(vr.entries, 5);
	assert_int_equal(vr.ok, 4);
	assert_true(vr.side_hash_present && vr.side_hash_ok);
	assert_true(vr.manifest_ok);
	assert_false(vr.signature_present);
}

static void
read_error_mid_stream_keeps_what_was_read_and_returns_eio(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_bundle_item it;
	struct exh_bundle_result res;
	struct exh_err err = { 0 };
	struct mem bad = { .size = 300000, .fail_at = 70000, .x = 3 };
	struct mem good = { .size = 10, .x = 4 };

	item(&it, "C:\\bad.log", bad.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &bad, &err),
	    EXH_EIO);
	assert_non_null(strstr(err.msg, "after 70000 bytes"));
	item(&it, "C:\\good.log", good.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &good, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(res.incomplete, 1);
	assert_int_equal(res.collected, 1);
	assert_int_equal(exh_bundle_verify(f->path, NULL, NULL, NULL, NULL,
	    NULL, &err), EXH_OK);
}

static void
stream_over_the_cap_is_left_out_without_reading(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 1000, NULL);
	struct exh_bundle_item it;
	struct exh_bundle_result res;
	struct exh_err err = { 0 };
	struct mem big = { .size = 5000, .x = 5 };

	item(&it, "C:\\huge.edb", big.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &big, &err),
	    EXH_OK);
	assert_int_equal(big.calls, 0);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(res.left_out, 1);
	assert_int_equal(res.collected, 0);
}

static void
stream_longer_than_declared_stops_at_the_cap_as_incomplete(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 1000, NULL);
	struct exh_bundle_item it;
	struct exh_bundle_result res;
	struct exh_err err = { 0 };
	struct mem liar = { .size = 50000, .x = 6 };

	item(&it, "C:\\liar.bin", 10);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &liar, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(res.incomplete, 1);
	assert_int_equal(res.collected_bytes, 1000);
}

/* An event log over its per-file cap keeps its first max_bytes, is
 * "incomplete" with the cap's reason in the manifest, and the rest of
 * the bundle's cap stays for other files. */
static void
stream_over_its_per_file_cap_is_cut_with_the_reason_on_record(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 100000, NULL);
	struct exh_bundle_item it;
	struct exh_bundle_result res;
	struct exh_err err = { 0 };
	struct mem big = { .size = 50000, .x = 8 }, small = { .size = 3000,
	    .x = 9 };
	char cmd[512];

	item(&it, "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx",
	    big.size);
	it.reason = "evtx";
	it.max_bytes = 20000;
	it.max_why = "event log over the per-file cap";
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &big, &err),
	    EXH_OK);
	item(&it, "C:\\Windows\\System32\\winevt\\Logs\\System.evtx",
	    small.size);
	it.reason = "evtx";
	it.max_bytes = 20000;
	it.max_why = "event log over the per-file cap";
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &small,
	    &err), EXH_OK);
	assert_int_equal(exh_bundle_finish_result(b, &res, &err), EXH_OK);
	assert_int_equal(res.incomplete, 1);
	assert_int_equal(res.collected, 1);
	assert_int_equal(res.collected_bytes, 23000);
	snprintf(cmd, sizeof(cmd), "unzip -p %s manifest.jsonl | grep "
	    "Security.evtx | grep -q '\"why\":\"event log over the "
	    "per-file cap\"'", f->path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(exh_bundle_verify(f->path, NULL, NULL, NULL, NULL,
	    NULL, &err), EXH_OK);
}

static void
same_stream_twice_is_a_usage_error(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_bundle_item it;
	struct exh_err err = { 0 };
	struct mem m = { .size = 10, .x = 7 }, m2 = { .size = 10, .x = 7 };

	item(&it, "C:\\x", 10);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m2, &err),
	    EXH_EUSAGE);
	exh_bundle_abort(b);
}

static void
unsafe_or_reserved_document_names_are_refused(void **state)
{
	static const char *const bad[] = { "", "../x", "a/b", "SHA256SUMS",
	    "SHA256SUMS.p7s", "manifest.jsonl", "files", "con.txt", ".hidden",
	    "x.", "r\x01" };
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_err err = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(exh_bundle_add_document(b, bad[i], "x", 1,
		    &err), EXH_EUSAGE);
	assert_int_equal(exh_bundle_add_document(b, "timeline.csv", "x", 1,
	    &err), EXH_OK);
	assert_int_equal(exh_bundle_add_document(b, "timeline.csv", "x", 1,
	    &err), EXH_EUSAGE);
	exh_bundle_abort(b);
}

static void
existing_bundle_is_never_overwritten(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle_options o = { 0 };
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_err err = { 0 };
	struct exh_verify_result vr;

	assert_int_equal(exh_bundle_finish(b, NULL, &err), EXH_OK);
	b = NULL;
	o.path = f->path;
	assert_int_equal(exh_bundle_create(&o, 0, &b, &err), EXH_EUSAGE);
	assert_null(b);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(count_files(f->dir), 2);
	assert_int_equal(exh_bundle_verify(f->path, NULL, NULL, NULL, NULL,
	    &vr, &err), EXH_OK);
}

static void
estimate_beyond_free_space_is_refused_with_need_and_have(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle_options o = { 0 };
	struct exh_bundle *b = NULL;
	struct exh_err err = { 0 };

	o.path = f->path;
	o.max_collect_bytes = UINT64_MAX;
	assert_int_equal(exh_bundle_create(&o, UINT64_MAX / 4, &b, &err),
	    EXH_EUSAGE);
	assert_non_null(strstr(err.msg, "not enough space"));
	assert_non_null(strstr(err.msg, "need"));
	assert_non_null(strstr(err.msg, "have"));
	assert_int_equal(count_files(f->dir), 0);
}

static void
abort_removes_the_partial_file(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, NULL);
	struct exh_bundle_item it;
	struct exh_err err = { 0 };
	struct mem m = { .size = 1000, .x = 8 };

	assert_int_equal(count_files(f->dir), 1);
	item(&it, "C:\\x", m.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m, &err),
	    EXH_OK);
	exh_bundle_abort(b);
	exh_bundle_abort(NULL);
	assert_int_equal(count_files(f->dir), 0);
}

/* A child with RLIMIT_FSIZE hits EFBIG mid-write; it exits with the
 * status of the failing call. */
static void
file_size_limit_mid_write_leaves_nothing_under_the_final_name(void **state)
{
	struct fixture *f = *state;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 256 * 1024, 256 * 1024 };
		struct exh_bundle_options o = { 0 };
		struct exh_bundle *b = NULL;
		struct exh_bundle_item it;
		struct exh_err err = { 0 };
		struct mem m = { .size = 4 << 20, .x = 9 };
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		o.path = f->path;
		if (exh_bundle_create(&o, 0, &b, &err) != EXH_OK)
			_exit(100);
		item(&it, "C:\\big.bin", m.size);
		rc = exh_bundle_add_stream(b, &it, mem_read, &m, &err);
		if (rc == EXH_OK)
			rc = exh_bundle_finish(b, NULL, &err);
		else {
			if (strstr(err.msg, "too large") == NULL)
				_exit(101);
			exh_bundle_abort(b);
		}
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), EXH_EFATAL);
	assert_int_equal(count_files(f->dir), 0);
}

static void
password_bundle_needs_its_password_to_verify(void **state)
{
	struct fixture *f = *state;
	struct exh_bundle *b = open_bundle(f, 0, "infected");
	struct exh_bundle_item it;
	struct exh_err err = { 0 };
	struct mem m = { .size = 5000, .x = 10 };

	item(&it, "C:\\x.aspx", m.size);
	assert_int_equal(exh_bundle_add_stream(b, &it, mem_read, &m, &err),
	    EXH_OK);
	assert_int_equal(exh_bundle_finish(b, NULL, &err), EXH_OK);
	assert_int_equal(exh_bundle_verify(f->path, "infected", NULL, NULL,
	    NULL, NULL, &err), EXH_OK);
	assert_int_equal(exh_bundle_verify(f->path, NULL, NULL, NULL, NULL,
	    NULL, &err), EXH_EUSAGE);
	assert_int_equal(exh_bundle_verify(f->path, "wrong", NULL, NULL, NULL,
	    NULL, &err), EXH_EUSAGE);
}

static void
misuse_is_reported_not_crashed(void **state)
{
	struct exh_err err = { 0 };
	struct exh_bundle *b = NULL;
	struct exh_bundle_options o = { 0 };

	(void)state;
	assert_int_equal(exh_bundle_finish(NULL, NULL, &err), EXH_EUSAGE);
	assert_int_equal(exh_bundle_create(&o, 0, &b, &err), EXH_EUSAGE);
	assert_int_equal(exh_bundle_verify("/nonexistent/x.zip", NULL, NULL,
	    NULL, NULL, NULL, &err), EXH_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(bundle_of_memory_streams_verifies_entry_by_entry),
		T(read_error_mid_stream_keeps_what_was_read_and_returns_eio),
		T(stream_over_the_cap_is_left_out_without_reading),
		T(stream_over_its_per_file_cap_is_cut_with_the_reason_on_record),
		T(stream_longer_than_declared_stops_at_the_cap_as_incomplete),
		T(same_stream_twice_is_a_usage_error),
		T(unsafe_or_reserved_document_names_are_refused),
		T(existing_bundle_is_never_overwritten),
		T(estimate_beyond_free_space_is_refused_with_need_and_have),
		T(abort_removes_the_partial_file),
		T(file_size_limit_mid_write_leaves_nothing_under_the_final_name),
		T(password_bundle_needs_its_password_to_verify),
		cmocka_unit_test(misuse_is_reported_not_crashed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
