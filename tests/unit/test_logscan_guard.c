/* The literal guard of a set ("needs") and the shipped shell-commands needs line. */
#include "logscan_test.h"
#include "logscan/logscan_int.h"

static const struct logscan_pset *
set_named(const struct exh_logscan *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->nsets; i++)
		if (strcmp(ls->sets[i].name, name) == 0)
			return &ls->sets[i];
	fail_msg("no set %s", name);
	return NULL;
}

static bool
any_member(const struct logscan_pset *set, struct logscan_rx *rx,
    const char *v)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->items[i].op == LOGSCAN_OP_REGEX ?
		    logscan_regex_match(&set->items[i], rx, v, strlen(v)) :
		    logscan_like_match(&set->items[i], v, strlen(v)))
			return true;
	return false;
}

static void
guard_finds_a_literal_in_any_case_anywhere(void **state)
{
	struct logscan_guard *g = NULL;

	(void)state;
	assert_int_equal(logscan_guard_build("eval(|ab|x", &g), EXH_OK);
	assert_true(logscan_guard_holds(g, "q=EvAl(1)", 9));
	assert_true(logscan_guard_holds(g, "zzaB", 4));	/* at the end */
	assert_true(logscan_guard_holds(g, "X", 1));	/* one byte */
	assert_false(logscan_guard_holds(g, "a", 1));
	assert_false(logscan_guard_holds(g, "", 0));
	assert_false(logscan_guard_holds(g, "evl(eva", 7));
	logscan_guard_free(g);
	assert_int_equal(logscan_guard_build("a||b", &g), EXH_EUSAGE);
}

/* Shapes of published web-shell queries, and text that only looks close. */
static const char *const fragments[] = {
	"cmd=whoami", "c=ipconfig+%2fall", "x=SystemInfo", "nltest+/dclist:",
	"quser", "TaskList", "netstat+-ano", "mimikatz", "procdump64", "lsass",
	"comsvcs.dll", "cmd.exe", "powershell%2eexe", "pwsh.EXE", "net+user",
	"net1%20localgroup", "NET+GROUP&", "/c+dir", "%2fC%20type", "/c+cd+",
	"echo+[S]", "echo%5bs%5d", "Response.Write", "request%2eItem",
	"System.Diagnostics", "ProcessStartInfo", "FromBase64String",
	"WScript.Shell", "ActiveXObject", "system%2eio%2efile",
	"System.Reflection", "eval(", "EVAL%28", "&", "=", "a", "+", "%20",
	"ru=%2fowa%2f", "cafeReqId=3ff8", "&CorrelationID=<empty>;", "x",
	"notnet", "cmdx", "whoamix", "layout=mouse", "echoes", "/cx",
	"ExchangeServicesClient", "Q=%2FC+PING", ";", "evaluate(",
};

/* Every query a shell-commands pattern matches holds a word of the set's
 * needs line: otherwise the guard would lose that hit. */
static void
shipped_shell_commands_needs_covers_every_match(void **state)
{
	struct exh_logscan *ls = new_ls();
	const struct logscan_pset *set = set_named(ls, "shell-commands");
	struct logscan_rx rx;
	size_t nf = sizeof(fragments) / sizeof(fragments[0]);
	unsigned long x = 12345, i, matched = 0;
	char q[256];

	(void)state;
	assert_non_null(set->needs);
	assert_int_equal(logscan_rx_init(&rx), EXH_OK);
	for (i = 0; i < 20000; i++) {
		size_t k = 0, parts = 1 + i % 4, j;

		q[0] = '\0';
		for (j = 0; j < parts; j++) {
			const char *f;

			x = x * 6364136223846793005ul + 1442695040888963407ul;
			f = fragments[(x >> 33) % nf];
			if (k + strlen(f) + 1 >= sizeof(q))
				break;
			memcpy(q + k, f, strlen(f) + 1);
			k += strlen(f);
		}
		if (!any_member(set, &rx, q))
			continue;
		matched++;
		if (!logscan_guard_holds(set->needs, q, k))
			fail_msg("needs misses a match: %s", q);
	}
	assert_true(matched > 1000);
	logscan_rx_free(&rx);
	exh_logscan_destroy(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guard_finds_a_literal_in_any_case_anywhere),
		cmocka_unit_test(shipped_shell_commands_needs_covers_every_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
