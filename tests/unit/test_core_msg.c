/* Messages kept apart from their language: the English rendering is what
 * printf gives, the German one comes from the catalog with the same
 * arguments, and neither a hostile argument nor a broken id can crash it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"

/* Renders m into a fresh string (English or in the current language). */
static char *
render(const struct exh_msg *m, bool translate)
{
	struct exh_buf b = { 0 };

	assert_int_equal(exh_msg_render(m, translate, &b), EXH_OK);
	return exh_buf_take(&b);
}

static void
english_rendering_is_what_printf_gives(void **state)
{
	struct exh_msg m;
	char want[256], *got;

	(void)state;
	exh_msg_setf(&m, "%s: %d|%5s|%-4d|%.3s|%.*s|%zu %llu %c %x%% %lld",
	    "a.img", -7, "ab", 42, "abcdef", 2, "xyz", (size_t)9,
	    18446744073709551615ULL, 'E', 255u, -5LL);
	(void)snprintf(want, sizeof(want),
	    "%s: %d|%5s|%-4d|%.3s|%.*s|%zu %llu %c %x%% %lld",
	    "a.img", -7, "ab", 42, "abcdef", 2, "xyz", (size_t)9,
	    18446744073709551615ULL, 'E', 255u, -5LL);
	got = render(&m, false);
	assert_string_equal(got, want);
	free(got);
}

static void
german_rendering_uses_the_catalog_and_the_same_arguments(void **state)
{
	struct exh_msg m;
	char *got;

	(void)state;
	assert_int_equal(exh_i18n_set_lang("de"), EXH_OK);
	exh_msg_setf(&m, "%s: partition %d: drive letter %c: from --letter",
	    "disk.E01", 2, 'E');
	got = render(&m, true);
	assert_string_equal(got,
	    "disk.E01: Partition 2: Laufwerksbuchstabe E: aus --letter");
	free(got);
	got = render(&m, false);
	assert_string_equal(got,
	    "disk.E01: partition 2: drive letter E: from --letter");
	free(got);
	assert_int_equal(exh_i18n_set_lang("en"), EXH_OK);
	got = render(&m, true);
	assert_string_equal(got,
	    "disk.E01: partition 2: drive letter E: from --letter");
	free(got);
}

static void
parts_are_translated_each_and_joined(void **state)
{
	struct exh_msg m;
	char *got;

	(void)state;
	assert_int_equal(exh_i18n_set_lang("de"), EXH_OK);
	exh_msg_setf(&m, "no Exchange update fixes it; protection depends "
	    "on %s", "host: Extended Protection");
	exh_msg_addf(&m, "; protection also needs %s (not examined)", "X");
	got = render(&m, true);
	assert_string_equal(got, "kein Exchange-Update behebt sie; der Schutz "
	    "hängt ab von host: Extended Protection; der Schutz erfordert "
	    "außerdem X (nicht untersucht)");
	free(got);
	assert_int_equal(exh_i18n_set_lang("en"), EXH_OK);
}

static void
a_hostile_argument_stays_text(void **state)
{
	struct exh_msg m;
	char *got;

	(void)state;
	exh_msg_setf(&m, "Exchange folder %s from %s", "C:\\%s%n%x%1$s",
	    "HKLM\\%%");
	got = render(&m, false);
	assert_string_equal(got, "Exchange folder C:\\%s%n%x%1$s from HKLM\\%%");
	free(got);
	assert_false(exh_msg_empty(&m));
}

static void
a_huge_argument_is_cut_and_later_ones_stay_bounded(void **state)
{
	struct exh_msg m;
	char *big, *got;

	(void)state;
	big = malloc(10000);
	assert_non_null(big);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	exh_msg_setf(&m, "<%s> <%s> <%d>", big, big, 7);
	got = render(&m, false);
	assert_true(strlen(got) < EXH_MSG_TEXT + 16);
	assert_int_equal(strncmp(got, "<aaaa", 5), 0);
	assert_non_null(strstr(got, "> <"));
	free(got);
	free(big);
}

static void
a_broken_id_is_shown_not_followed(void **state)
{
	/* Not literals: the compiler would reject them, a catalog may not. */
	const char *unknown = "rate %q then %s", *many =
	    "%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d|%d";
	struct exh_msg m;
	char *got;

	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	exh_msg_setf(&m, unknown, "x");
	got = render(&m, false);
	/* An unknown conversion ends the arguments: nothing is guessed. */
	assert_string_equal(got, "rate %q then %s");
	free(got);
	exh_msg_setf(&m, many, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6,
	    7);
#pragma GCC diagnostic pop
	got = render(&m, false);
	assert_string_equal(got, "1234567890123456|%d");
	free(got);
	memset(&m, 0, sizeof(m));
	assert_true(exh_msg_empty(&m));
	got = render(&m, true);
	assert_string_equal(got, "");
	free(got);
}

static void
a_list_of_messages_keeps_copies(void **state)
{
	struct exh_msg m, *v = NULL;
	size_t n = 0;
	char *got;

	(void)state;
	exh_msg_setf(&m, "traces: %s", "one");
	assert_int_equal(exh_msgs_push(&v, &n, &m), EXH_OK);
	exh_msg_setf(&m, "traces: %s", "two");
	assert_int_equal(exh_msgs_push(&v, &n, &m), EXH_OK);
	assert_int_equal(n, 2);
	got = render(&v[0], false);
	assert_string_equal(got, "traces: one");
	free(got);
	exh_msgs_free(v);
	exh_msgs_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(english_rendering_is_what_printf_gives),
		cmocka_unit_test(
		    german_rendering_uses_the_catalog_and_the_same_arguments),
		cmocka_unit_test(parts_are_translated_each_and_joined),
		cmocka_unit_test(a_hostile_argument_stays_text),
		cmocka_unit_test(
		    a_huge_argument_is_cut_and_later_ones_stay_bounded),
		cmocka_unit_test(a_broken_id_is_shown_not_followed),
		cmocka_unit_test(a_list_of_messages_keeps_copies),
	};

	exh_i18n_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
