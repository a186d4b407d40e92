/* Entry names: hostile Windows paths stay inside files/<drive>/ and distinct. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/bundle.h"

static const char *const devices[] = {
	"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2",
	"COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
	"LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
};

/* Windows would open a device for this component (base before '.'). */
static int
names_device(const char *c, size_t n)
{
	size_t base = 0, i;

	while (base < n && c[base] != '.')
		base++;
	while (base > 0 && c[base - 1] == ' ')
		base--;
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (strlen(devices[i]) == base &&
		    strncasecmp(c, devices[i], base) == 0)
			return 1;
	return 0;
}

/* Asserts every property a responder relies on when unpacking. */
static void
assert_safe(const char *name, char drive)
{
	char prefix[16];
	const char *c, *e;
	size_t n;

	snprintf(prefix, sizeof(prefix), "files/%c/", drive);
	assert_true(strncmp(name, prefix, strlen(prefix)) == 0);
	assert_true(strlen(name) <= EXH_BUNDLE_PATH_MAX);
	assert_null(strstr(name, ".."));
	assert_null(strchr(name, '\\'));
	assert_true(exh_utf8_valid(name, strlen(name)));
	for (c = name; *c != '\0'; c++) {
		unsigned char u = (unsigned char)*c;

		assert_true(u >= 0x20 && u != 0x7f);
		assert_null(strchr("<>:\"|?*", u));
		if (u == '%')
			assert_true(c[1] == '~' ||
			    (isxdigit((unsigned char)c[1]) &&
			    isxdigit((unsigned char)c[2])));
		if (u == 0xc2)	/* no C1 controls */
			assert_false((unsigned char)c[1] >= 0x80 &&
			    (unsigned char)c[1] <= 0x9f);
	}
	for (c = name + strlen(prefix); ; c = e + 1) {
		if ((e = strchr(c, '/')) == NULL)
			e = c + strlen(c);
		n = (size_t)(e - c);
		assert_true(n > 0);
		assert_true(n <= EXH_BUNDLE_NAME_MAX);
		assert_true(c[n - 1] != '.' && c[n - 1] != ' ');
		assert_false(names_device(c, n));
		if (*e == '\0')
			break;
	}
}

static char *
name_of(char drive, const char *path, const char *stream)
{
	struct exh_buf b = { 0 };

	assert_int_equal(exh_bundle_entry_name(drive, path, stream, &b),
	    EXH_OK);
	assert_safe(b.data, (char)toupper((unsigned char)drive));
	return exh_buf_take(&b);
}

static void
check(char drive, const char *path, const char *stream, const char *want)
{
	char *got = name_of(drive, path, stream);

	assert_string_equal(got, want);
	free(got);
}

static void
regular_path_keeps_its_shape_under_the_drive(void **state)
{
	(void)state;
	check('C', "C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx", "",
	    "files/C/inetpub/wwwroot/aspnet_client/x.aspx");
	check('c', "C:\\$Extend\\$UsnJrnl", "$J",
	    "files/C/$Extend/$UsnJrnl%3A$J");
	check('C', "C:\\a\\b c\\d.e", NULL, "files/C/a/b c/d.e");
}

static void
dot_dot_components_cannot_climb_out(void **state)
{
	(void)state;
	check('C', "C:\\a\\..\\..\\x", "", "files/C/a/.%2E/.%2E/x");
	check('C', "C:\\.\\x", "", "files/C/%2E/x");
	check('C', "C:\\a..b\\...", "", "files/C/a.%2Eb/.%2E%2E");
}

static void
relative_and_foreign_drive_paths_are_tagged_and_contained(void **state)
{
	char *n1, *n2;

	(void)state;
	n1 = name_of('C', "..\\..\\x", "");
	assert_true(strncmp(n1, "files/C/.%2E/.%2E/x%~", 21) == 0);
	n2 = name_of('C', "C:\\..\\Windows", "");
	assert_true(strncmp(n2, "files/C/.%2E/Windows", 20) == 0);
	assert_string_equal(n2, "files/C/.%2E/Windows");
	free(n1);
	free(n2);
	n1 = name_of('C', "D:\\x", "");
	assert_true(strncmp(n1, "files/C/D%3A/x%~", 16) == 0);
	free(n1);
}

static void
control_and_invalid_bytes_are_percent_encoded(void **state)
{
	(void)state;
	check('C', "C:\\a\x01" "b\x1f\x7f", "", "files/C/a%01b%1F%7F");
	check('C', "C:\\\xff\xfe.aspx", "", "files/C/%FF%FE.aspx");
	check('C', "C:\\caf\xc3\xa9", "", "files/C/caf\xc3\xa9");
	/* U+202E RIGHT-TO-LEFT OVERRIDE disguises extensions. */
	check('C', "C:\\x\xe2\x80\xaegpj.aspx", "",
	    "files/C/x%E2%80%AEgpj.aspx");
	check('C', "C:\\100%", "", "files/C/100%25");
	check('C', "C:\\a<b>c\"d|e?f*g", "",
	    "files/C/a%3Cb%3Ec%22d%7Ce%3Ff%2Ag");
}

static void
windows_device_names_are_defused(void **state)
{
	(void)state;
	check('C', "C:\\CON", "", "files/C/%43ON");
	check('C', "C:\\con.txt", "", "files/C/%63on.txt");
	check('C', "C:\\AUX.aspx", "", "files/C/%41UX.aspx");
	check('C', "C:\\lpt9.a.b", "", "files/C/%6Cpt9.a.b");
	check('C', "C:\\CON .txt", "", "files/C/%43ON .txt");
	check('C', "C:\\CONSOLE", "", "files/C/CONSOLE");
	check('C', "C:\\COM\xc2\xb9", "", "files/C/%43OM\xc2\xb9");
}

static void
trailing_dots_and_spaces_are_encoded(void **state)
{
	(void)state;
	check('C', "C:\\x.", "", "files/C/x%2E");
	check('C', "C:\\x ", "", "files/C/x%20");
	check('C', "C:\\x", "s.", "files/C/x%3As%2E");
}

static void
overlong_components_are_cut_and_tagged(void **state)
{
	char path[700], *n;
	size_t i;

	(void)state;
	memcpy(path, "C:\\", 3);
	for (i = 0; i < 255; i++)
		path[3 + i] = 'a';
	path[258] = '\0';
	n = name_of('C', path, "");	/* exactly 255: regular */
	assert_int_equal(strlen(n), 8 + 255);
	free(n);
	/* 300 bytes of UTF-8 (150 x U+00E9): cut at a character boundary. */
	for (i = 0; i < 150; i++)
		memcpy(path + 3 + 2 * i, "\xc3\xa9", 2);
	path[303] = '\0';
	n = name_of('C', path, "");
	assert_non_null(strstr(n, "%~"));
	free(n);
	/* 200 control bytes grow threefold when encoded. */
	for (i = 0; i < 200; i++)
		path[3 + i] = '\x01';
	memcpy(path + 203, "\\y", 3);
	n = name_of('C', path, "");
	assert_non_null(strstr(n, "/y%~"));
	free(n);
}

static void
stream_suffix_and_colon_in_names_stay_apart(void **state)
{
	char *a, *b;

	(void)state;
	a = name_of('C', "C:\\a:b", "");
	b = name_of('C', "C:\\a", "b");
	assert_string_equal(b, "files/C/a%3Ab");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void
device_and_unc_prefixes_stay_under_the_drive(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = name_of('C', "\\\\?\\C:\\x", "");
	assert_true(strncmp(a, "files/C/x%~", 11) == 0);
	b = name_of('C', "\\\\server\\share\\x", "");
	assert_true(strncmp(b, "files/C/server/share/x%~", 24) == 0);
	c = name_of('C', "\\\\?\\UNC\\server\\share\\x", "");
	assert_string_not_equal(a, b);
	assert_string_not_equal(b, c);
	free(a);
	free(b);
	free(c);
	a = name_of('C', "\\\\", "");
	assert_true(strncmp(a, "files/C/%~", 10) == 0);
	free(a);
}

static void
bad_arguments_are_usage_errors(void **state)
{
	struct exh_buf b = { 0 };

	(void)state;
	assert_int_equal(exh_bundle_entry_name('1', "C:\\x", "", &b),
	    EXH_EUSAGE);
	assert_int_equal(exh_bundle_entry_name('C', "", "", &b), EXH_EUSAGE);
	assert_int_equal(exh_bundle_entry_name('C', NULL, "", &b), EXH_EUSAGE);
	exh_buf_free(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Property: over a generated set of hostile originals, every name is safe
 * and no two distinct (path, stream) pairs share a name.
 */
static void
distinct_originals_never_share_a_name(void **state)
{
	static const char *const frag[] = {
		"\\", "\\", "..", ".", "C:", "c:", ":", "CON", "con.txt", " ",
		"%", "%3A", "%~", "\x01", "\x7f", "\xff", "\xc3\xa9", "a", "A",
		"\\\\?\\", "\\??\\", "UNC", "*", "/", "x.", "D:\\", "LPT1",
	};
	static const char *const streams[] = { "", "s", ":", "%", "x.",
	    "%3A" };
	const size_t nf = sizeof(frag) / sizeof(frag[0]);
	enum { N = 20000 };
	char **keys = calloc(N, sizeof(char *));
	char **names = calloc(N, sizeof(char *));
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	size_t i, k, n = 0;

	(void)state;
	assert_non_null(keys);
	assert_non_null(names);
	for (i = 0; i < N; i++) {
		char path[256] = "C:\\", key[300];
		size_t len = 3, parts, sidx;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if ((seed >> 60) & 1)
			len = 0;	/* not always the regular prefix */
		path[len] = '\0';
		parts = 1 + (seed >> 33) % 6;
		for (k = 0; k < parts; k++) {
			seed = seed * 6364136223846793005ULL + 1;
			const char *f = frag[(seed >> 33) % nf];

			if (len + strlen(f) + 1 >= sizeof(path))
				break;
			memcpy(path + len, f, strlen(f) + 1);
			len += strlen(f);
		}
		if (len == 0)
			continue;
		sidx = (seed >> 20) % (sizeof(streams) / sizeof(streams[0]));
		snprintf(key, sizeof(key), "%s|%s", path, streams[sidx]);
		/* Skip exact duplicates of the original. */
		for (k = 0; k < n; k++)
			if (strcmp(keys[k], key) == 0)
				break;
		if (k < n)
			continue;
		keys[n] = strdup(key);
		names[n] = name_of('C', path, streams[sidx]);
		n++;
	}
	assert_true(n > 5000);
	qsort(names, n, sizeof(char *), cmp_str);
	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			fail_msg("collision: %s", names[i]);
	for (i = 0; i < n; i++) {
		free(keys[i]);
		free(names[i]);
	}
	free(keys);
	free(names);
}

/* A deep path of long components (about 128 KB, legal on NTFS) once made
 * the zip writer overflow; the whole name must stay bounded, keep where it
 * began and what it was, and stay distinct from its neighbours. */
static char *
deep_path(size_t depth, size_t comp_len, const char *last)
{
	struct exh_buf b = { 0 };
	size_t i, k;

	assert_int_equal(exh_buf_puts(&b, "C:\\inetpub"), EXH_OK);
	for (i = 0; i < depth; i++) {
		assert_int_equal(exh_buf_putc(&b, '\\'), EXH_OK);
		for (k = 0; k < comp_len; k++)
			assert_int_equal(exh_buf_putc(&b,
			    (char)('a' + (i + k) % 26)), EXH_OK);
	}
	assert_int_equal(exh_buf_printf(&b, "\\%s", last), EXH_OK);
	return exh_buf_take(&b);
}

static void
deep_paths_are_bounded_as_a_whole_and_stay_distinct(void **state)
{
	char *p1 = deep_path(512, 250, "shell.aspx");
	char *p2 = deep_path(512, 250, "shell2.aspx");
	char *p3 = deep_path(513, 250, "shell.aspx");
	char *n1, *n2, *n3, *n1s;

	(void)state;
	assert_true(strlen(p1) > 128000);
	n1 = name_of('C', p1, "");
	n2 = name_of('C', p2, "");
	n3 = name_of('C', p3, "");
	n1s = name_of('C', p1, "hidden");
	assert_true(strncmp(n1, "files/C/inetpub/", 16) == 0);
	assert_non_null(strstr(n1, "/%~"));	/* dropped middle marked */
	assert_non_null(strstr(n1, "/shell.aspx%~"));
	assert_non_null(strstr(n1s, "/shell.aspx%3Ahidden%~"));
	assert_string_not_equal(n1, n2);
	assert_string_not_equal(n1, n3);
	assert_string_not_equal(n1, n1s);
	free(n1);
	free(n2);
	free(n3);
	free(n1s);
	free(p1);
	free(p2);
	free(p3);
}

static void
a_path_just_within_the_bound_keeps_every_component(void **state)
{
	/* 3 components of 250: about 780 bytes, under the whole-name bound. */
	char *p = deep_path(3, 250, "x.aspx");
	char *n = name_of('C', p, "");

	(void)state;
	assert_null(strstr(n, "%~"));	/* regular: nothing dropped, no tag */
	assert_non_null(strstr(n, "/x.aspx"));
	free(n);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regular_path_keeps_its_shape_under_the_drive),
		cmocka_unit_test(dot_dot_components_cannot_climb_out),
		cmocka_unit_test(
		    relative_and_foreign_drive_paths_are_tagged_and_contained),
		cmocka_unit_test(control_and_invalid_bytes_are_percent_encoded),
		cmocka_unit_test(windows_device_names_are_defused),
		cmocka_unit_test(trailing_dots_and_spaces_are_encoded),
		cmocka_unit_test(overlong_components_are_cut_and_tagged),
		cmocka_unit_test(stream_suffix_and_colon_in_names_stay_apart),
		cmocka_unit_test(device_and_unc_prefixes_stay_under_the_drive),
		cmocka_unit_test(bad_arguments_are_usage_errors),
		cmocka_unit_test(distinct_originals_never_share_a_name),
		cmocka_unit_test(
		    deep_paths_are_bounded_as_a_whole_and_stay_distinct),
		cmocka_unit_test(
		    a_path_just_within_the_bound_keeps_every_component),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
