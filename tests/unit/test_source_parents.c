/* The parent a differencing child names is looked for only beside it or
 * among the files the user gave; hostile names, loops and deep chains are
 * refused. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "source/source_int.h"

static char dir[] = "/tmp/exhume-parents-XXXXXX";

static void
touch(const char *rel)
{
	char path[512];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
}

static int
setup(void **state)
{
	char path[512];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/case", dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/case/sub", dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	touch("case/child.vhdx");
	touch("case/sub/p.vhdx");
	touch("outside.vhdx");
	touch("Base.VHDX");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
find(const char *stored, const struct exh_source_options *opt, char **out,
    bool *given, struct exh_err *err)
{
	char child[512];

	(void)snprintf(child, sizeof(child), "%s/case/child.vhdx", dir);
	return parent_find(child, stored, opt, "VHDX differencing image", out,
	    given, err);
}

static void
a_given_parent_matches_by_file_name_without_case(void **state)
{
	char given_path[512], *out = NULL;
	const char *parents[1] = { given_path };
	struct exh_source_options opt = { parents, 1 };
	struct exh_err err;
	bool given = false;

	(void)state;
	(void)snprintf(given_path, sizeof(given_path), "%s/Base.VHDX", dir);
	assert_int_equal(find("C:\\VMs\\base.vhdx", &opt, &out, &given, &err),
	    EXH_OK);
	assert_true(given);
	assert_string_equal(out, given_path);
	free(out);
}

static void
a_relative_path_is_resolved_beside_the_child(void **state)
{
	char want[512], *out = NULL;
	struct exh_err err;
	bool given = true;

	(void)state;
	(void)snprintf(want, sizeof(want), "%s/case/sub/p.vhdx", dir);
	assert_int_equal(find(".\\sub\\p.vhdx", NULL, &out, &given, &err),
	    EXH_OK);
	assert_false(given);
	assert_string_equal(out, want);
	free(out);
}

static void
a_name_never_leads_out_of_the_childs_directory(void **state)
{
	char abs[512], *out = NULL;
	struct exh_err err;
	bool given;

	(void)state;
	assert_int_equal(find("..\\outside.vhdx", NULL, &out, &given, &err),
	    EXH_ENOTFOUND);
	assert_null(out);
	assert_non_null(strstr(err.msg, "needs its parent ..\\outside.vhdx; "
	    "not found beside it (tried "));
	assert_non_null(strstr(err.msg, "/case/outside.vhdx); give it with "
	    "--parent FILE"));
	assert_int_equal(find("../outside.vhdx", NULL, &out, &given, &err),
	    EXH_ENOTFOUND);
	/* An absolute name: only its file name, beside the child. */
	(void)snprintf(abs, sizeof(abs), "%s/outside.vhdx", dir);
	assert_int_equal(find(abs, NULL, &out, &given, &err), EXH_ENOTFOUND);
	assert_int_equal(find("\\\\server\\share\\outside.vhdx", NULL, &out,
	    &given, &err), EXH_ENOTFOUND);
}

static void
hostile_names_are_refused(void **state)
{
	static char longname[PARENT_NAME_MAX + 2];
	struct exh_err err;

	(void)state;
	assert_int_equal(parent_name_check("a\x01.vhdx", 7, &err),
	    EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "control characters"));
	assert_int_equal(parent_name_check("a\0b.vhdx", 8, &err),
	    EXH_ECORRUPT);
	assert_int_equal(parent_name_check("", 0, &err), EXH_ECORRUPT);
	assert_int_equal(parent_name_check("C:\\dir\\", 7, &err),
	    EXH_ECORRUPT);
	memset(longname, 'a', sizeof(longname) - 1);
	assert_int_equal(parent_name_check(longname, strlen(longname), &err),
	    EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(parent_name_check("C:\\VMs\\base.vhdx", 16, &err),
	    EXH_OK);
}

static void
a_loop_and_a_deep_chain_are_refused(void **state)
{
	struct parent_seen seen;
	struct exh_err err;
	char path[512];
	int i;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	(void)snprintf(path, sizeof(path), "%s/case/child.vhdx", dir);
	assert_int_equal(parent_visit(&seen, path, &err), EXH_OK);
	assert_int_equal(parent_visit(&seen, path, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "loops"));

	/* Distinct inodes: the same file cannot stand for all of them, so
	 * fake them once the first is in. */
	for (i = 1; i <= PARENT_DEPTH_MAX; i++) {
		seen.dev[seen.n] = 0;
		seen.ino[seen.n] = (ino_t)i;
		seen.n++;
	}
	(void)snprintf(path, sizeof(path), "%s/outside.vhdx", dir);
	assert_int_equal(parent_visit(&seen, path, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "deeper than 16"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_given_parent_matches_by_file_name_without_case),
		cmocka_unit_test(a_relative_path_is_resolved_beside_the_child),
		cmocka_unit_test(
		    a_name_never_leads_out_of_the_childs_directory),
		cmocka_unit_test(hostile_names_are_refused),
		cmocka_unit_test(a_loop_and_a_deep_chain_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
