/* The -like matcher, path classification, and loading rules/logs/ (errors, additions). */
#include <sys/stat.h>

#include <unistd.h>

#include "logscan_test.h"
#include "logscan/logscan_int.h"

static bool
like(const char *s, const char *p)
{
	return exh_like(s, strlen(s), p, strlen(p));
}

static void
like_matches_whole_value_case_insensitively(void **state)
{
	(void)state;
	assert_true(like("ServerInfo~a]@x:444/mapi/?#", "ServerInfo~*/*"));
	assert_true(like("serverinfo~x/", "ServerInfo~*/*"));
	assert_false(like("xServerInfo~a/b", "ServerInfo~*/*"));
	assert_false(like("ServerInfo~ab", "ServerInfo~*/*"));
	assert_true(like("ServerInfo~a/b/Autodiscover/x", "ServerInfo~*/autodiscover*"));
	assert_true(like("a/ResetOABVirtualDirectory#", "*/*Reset*VirtualDirectory#"));
	assert_false(like("a/ResetOABVirtualDirectory#x", "*/*Reset*VirtualDirectory#"));
	assert_true(like("Server~e~1/ecp~2", "Server~*/*~*"));
	assert_true(like("", "*"));
	assert_false(like("", "?"));
	assert_true(like("abc", "a?c"));
}

static void
like_supports_sets_ranges_and_backtick_escape(void **state)
{
	(void)state;
	assert_true(like("241", "[23]??"));
	assert_true(like("302", "[23]??"));
	assert_false(like("401", "[23]??"));
	assert_true(like("m", "[a-z]"));
	assert_false(like("5", "[a-z]"));
	assert_true(like("a*b", "a`*b"));
	assert_false(like("axb", "a`*b"));
	/* An unclosed '[' is an ordinary character. */
	assert_true(like("[x", "[x"));
}

static void
log_families_are_recognised_by_windows_path(void **state)
{
	static const char inst[] = "D:\\Exchange Server\\V15\\";

	(void)state;
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG", inst),
	    EXH_LOG_HTTPPROXY);
	assert_int_equal(exh_log_family_for_path("d:/exchange server/v15/"
	    "logging/httpproxy/owa/HttpProxy_1.log.gz", inst),
	    EXH_LOG_HTTPPROXY);
	/* A file directly in HttpProxy is not in a protocol folder. */
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\HttpProxy\\x.log", inst), EXH_LOG_UNKNOWN);
	assert_int_equal(exh_log_family_for_path("C:\\Program Files\\Microsoft"
	    "\\Exchange Server\\V15\\Logging\\HttpProxy\\Ecp\\a.log", inst),
	    EXH_LOG_UNKNOWN);
	assert_int_equal(exh_log_family_for_path("C:\\Program Files\\Microsoft"
	    "\\Exchange Server\\V15\\Logging\\HttpProxy\\Ecp\\a.log", NULL),
	    EXH_LOG_HTTPPROXY);
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\ECP\\Server\\ECPServer20210303-1.LOG", inst),
	    EXH_LOG_ECP_SERVER);
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\ECP\\Server\\sub\\x.LOG", inst), EXH_LOG_UNKNOWN);
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\OABGeneratorLog\\2021\\OABGen.txt", inst),
	    EXH_LOG_OABGEN);
	assert_int_equal(exh_log_family_for_path("D:\\Exchange Server\\V15\\"
	    "Logging\\CmdletInfra\\Powershell-Proxy\\Http\\Rps_Http_1.log",
	    inst), EXH_LOG_RPS_HTTP);
	assert_int_equal(exh_log_family_for_path("E:\\IISLogs\\LogFiles\\"
	    "W3SVC2\\u_ex210303.log", inst), EXH_LOG_IIS);
	assert_int_equal(exh_log_family_for_path("C:\\inetpub\\logs\\LogFiles"
	    "\\W3SVC1\\u_ex210303_x.log", NULL), EXH_LOG_IIS);
	assert_int_equal(exh_log_family_for_path("C:\\inetpub\\logs\\LogFiles"
	    "\\HTTPERR\\httperr1.log", NULL), EXH_LOG_UNKNOWN);
	assert_int_equal(exh_log_family_for_path(NULL, NULL), EXH_LOG_UNKNOWN);
	assert_string_equal(exh_log_family_name(EXH_LOG_RPS_HTTP), "rps-http");
	assert_int_equal(exh_log_family_parse("ecp-server"), EXH_LOG_ECP_SERVER);
	assert_int_equal(exh_log_family_parse("nope"), EXH_LOG_UNKNOWN);
}

static const char *const rule_files[] = { "checks.tsv", "patterns.tsv",
	"iis-paths.tsv", "user-agents.txt", "attacker-ips.txt",
	"exchange-pages.tsv", "shell-params.tsv" };

static void
join(char *dst, size_t n, const char *dir, const char *file)
{
	int k = snprintf(dst, n, "%s/logs/%s", dir, file);

	assert_true(k > 0 && (size_t)k < n);
}

/* Copies rules/logs/ into a fresh temp dir; returns the rules dir. */
static char *
copy_rules(void)
{
	char *dir = strdup("/tmp/exh-logscan-rules-XXXXXX");
	char src[4096], dst[4096], buf[8192];
	size_t i, n;
	FILE *in, *out;

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	join(dst, sizeof(dst), dir, "");
	assert_int_equal(mkdir(dst, 0700), 0);
	for (i = 0; i < sizeof(rule_files) / sizeof(rule_files[0]); i++) {
		join(src, sizeof(src), rules_dir(), rule_files[i]);
		join(dst, sizeof(dst), dir, rule_files[i]);
		in = fopen(src, "r");
		out = fopen(dst, "w");
		assert_non_null(in);
		assert_non_null(out);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, n, out), n);
		fclose(in);
		assert_int_equal(fclose(out), 0);
	}
	return dir;
}

static void
remove_rules(char *dir)
{
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(rule_files) / sizeof(rule_files[0]); i++) {
		join(path, sizeof(path), dir, rule_files[i]);
		unlink(path);
	}
	join(path, sizeof(path), dir, "");
	rmdir(path);
	rmdir(dir);
	free(dir);
}

static void
append(const char *dir, const char *file, const char *text)
{
	char path[4096];
	FILE *fp;

	join(path, sizeof(path), dir, file);
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
responder_can_add_a_pattern_without_recompiling(void **state)
{
	static const char t[] = "#Fields: date time c-ip cs-method "
	    "cs-uri-stem sc-status\n"
	    "2021-03-05 03:06:27 192.0.2.44 GET /owa/auth/owaauth.aspx 200\n";
	char *dir = copy_rules();
	struct exh_logscan *ls = NULL;
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };
	const struct exh_finding *f;

	(void)state;
	append(dir, "checks.tsv", "local/owaauth\tiis\t65\twarning\tKnown "
	    "shell name from our incident\tIR ticket 42\tcs-uri-stem\n");
	append(dir, "patterns.tsv", "iis\tlocal/owaauth\tcs-uri-stem\tlike\t"
	    "/owa/auth/owaauth.aspx\tsc-status in 200|302\n");
	append(dir, "attacker-ips.txt", "192.0.2.44;our incident\n");
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_OK);
	assert_int_equal(run_mem(ls, "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\"
	    "u_ex210305.log", EXH_LOG_UNKNOWN, t, sizeof(t) - 1, 0, &fs, &err),
	    EXH_OK);
	f = find_hit(fs, "local/owaauth", 2);
	assert_non_null(f);
	assert_int_equal(f->score, 65);
	assert_string_equal(f->reasons[0].reference, "IR ticket 42");
	assert_non_null(strstr(find_hit(fs, "iis/attacker-ip",
	    2)->reasons[0].detail, "our incident"));
	exh_findings_destroy(fs);
	exh_logscan_destroy(ls);
	remove_rules(dir);
}

static void
bad_rule_line_is_rejected_with_file_and_line(void **state)
{
	char *dir = copy_rules();
	struct exh_logscan *ls = NULL;
	struct exh_err err = { 0 };

	(void)state;
	append(dir, "patterns.tsv", "iis\tiis/attacker-ip\tc-ip\tglob\tx\n");
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_ECORRUPT);
	assert_null(ls);
	assert_non_null(strstr(err.msg, "rules/logs/patterns.tsv:"));
	assert_non_null(strstr(err.msg, "unknown match type 'glob'"));
	remove_rules(dir);
}

static void
level_that_contradicts_the_score_is_rejected(void **state)
{
	char *dir = copy_rules();
	struct exh_logscan *ls = NULL;
	struct exh_err err = { 0 };

	(void)state;
	append(dir, "checks.tsv", "x/y\tiis\t30\talert\td\tr\n");
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "checks.tsv:"));
	remove_rules(dir);
}

static void
bad_regex_and_unknown_set_are_rejected(void **state)
{
	char *dir = copy_rules();
	struct exh_logscan *ls = NULL;
	struct exh_err err = { 0 };

	(void)state;
	append(dir, "patterns.tsv", "iis\tiis/attacker-ip\tc-ip\tregex\t([\n");
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "bad regex"));
	remove_rules(dir);
	dir = copy_rules();
	append(dir, "patterns.tsv", "iis\tiis/attacker-ip\tc-ip\tinset\tnope\n");
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_ECORRUPT);
	assert_non_null(strstr(err.msg, "unknown set 'nope'"));
	remove_rules(dir);
}

static void
missing_rules_or_zero_patterns_refuse_to_start(void **state)
{
	char *dir = copy_rules();
	char path[4096];
	struct exh_logscan *ls = NULL;
	struct exh_err err = { 0 };
	FILE *fp;

	(void)state;
	assert_int_equal(exh_logscan_create("/nonexistent", &ls, &err),
	    EXH_EIO);
	assert_null(ls);
	join(path, sizeof(path), dir, "patterns.tsv");
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# nothing\n", fp);
	fclose(fp);
	assert_int_equal(exh_logscan_create(dir, &ls, &err), EXH_EUSAGE);
	assert_non_null(strstr(err.msg, "zero rules"));
	assert_int_equal(exh_logscan_create(NULL, &ls, &err), EXH_EUSAGE);
	remove_rules(dir);
	exh_logscan_destroy(NULL);
}

static void
misuse_of_a_handle_is_reported_not_crashing(void **state)
{
	struct exh_findings *fs = NULL;
	struct exh_err err = { 0 };

	(void)state;
	assert_int_equal(exh_findings_create(&fs, &err), EXH_OK);
	assert_int_equal(exh_logscan_file(NULL, "x", EXH_LOG_IIS, mem_read,
	    NULL, fs, &err), EXH_EUSAGE);
	assert_int_equal(exh_logscan_add_flagged_url(NULL, "/x", "F1", &err),
	    EXH_EUSAGE);
	assert_int_equal(exh_logscan_coverage_count(NULL), 0);
	exh_findings_destroy(fs);
}

/* The reduced forms (exact, prefix, suffix, contains, prefiltered) are an
 * optimisation only: they must answer exactly as the wildcard matcher. */
static void
reduced_like_forms_agree_with_the_wildcard_matcher(void **state)
{
	static const char *pats[] = {
		"/owa/auth/x.js", "/ecp/*", "*/autodiscover.json",
		"*/autodiscover.json*", "*schema=Reset*VirtualDirectory*",
		"a`*b", "*`**", "[23]??", "/rpc/*?", "x=a*", "*$", "**ab**",
		"ab*cd", "*", "", "a[b", "[]]x", "*a]b*", "ab`", "?*ab",
		"Mozilla/5.0 (compatible; Googlebot/2.1*",
	};
	static const char *strs[] = {
		"/owa/auth/x.js", "/OWA/AUTH/X.JS", "/ecp/", "/ecp/y.js", "/ecp",
		"/x/autodiscover.json", "/autodiscover.json?a", "autodiscover.json",
		"&schema=ResetOABVirtualDirectory&x", "schema=Reset",
		"a*b", "axb", "*", "**", "241", "401", "/rpc/x", "/rpc/",
		"x=abc", "x=", "host$", "$", "ab", "xaby", "abcd", "abxxcd", "",
		"a[b", "]]x", "[]]x", "za]bz", "ab`", "zab",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://x)",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct logscan_clause c;

		memset(&c, 0, sizeof(c));
		c.pat = (char *)pats[i];
		c.plen = strlen(pats[i]);
		logscan_like_compile(&c);
		for (j = 0; j < sizeof(strs) / sizeof(strs[0]); j++)
			if (logscan_like_match(&c, strs[j], strlen(strs[j])) !=
			    like(strs[j], pats[i]))
				fail_msg("pattern '%s' on '%s' differs", pats[i],
				    strs[j]);
	}
}

static bool
rx_match(const char *re, const char *s, size_t n)
{
	struct logscan_clause c;
	struct logscan_rx rx;
	PCRE2_SIZE at;
	int code;
	bool r;

	memset(&c, 0, sizeof(c));
	c.re = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS, &code, &at, NULL);
	assert_non_null(c.re);
	(void)pcre2_jit_compile(c.re, PCRE2_JIT_COMPLETE);
	assert_int_equal(logscan_rx_init(&rx), EXH_OK);
	r = logscan_regex_match(&c, &rx, s, n);
	logscan_rx_free(&rx);
	pcre2_code_free(c.re);
	return r;
}

/* The ECP check's regex backtracks badly on a long line that almost
 * matches; the answer must still be right, not "no match" by limit. */
static void
regex_that_backtracks_badly_still_gives_the_right_answer(void **state)
{
	static const char re[] = "Set-.+VirtualDirectory.+Url.*<[[:alnum:]_]+"
	    ".*>.*</[[:alnum:]_]+>.+VirtualDirectory";
	size_t cap = 16384, k, i;
	char *line = malloc(cap);

	(void)state;
	assert_non_null(line);
	k = (size_t)snprintf(line, cap, "Set-x ");
	for (i = 0; i < 150; i++)
		k += (size_t)snprintf(line + k, cap - k, "VirtualDirectory "
		    "Url <a> ");
	for (i = 0; i < 150; i++)
		k += (size_t)snprintf(line + k, cap - k, "</a> ");
	/* No VirtualDirectory after a closing tag: no match. */
	assert_false(rx_match(re, line, k));
	k += (size_t)snprintf(line + k, cap - k, "VirtualDirectory");
	assert_true(rx_match(re, line, k));
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(like_matches_whole_value_case_insensitively),
		cmocka_unit_test(like_supports_sets_ranges_and_backtick_escape),
		cmocka_unit_test(reduced_like_forms_agree_with_the_wildcard_matcher),
		cmocka_unit_test(regex_that_backtracks_badly_still_gives_the_right_answer),
		cmocka_unit_test(log_families_are_recognised_by_windows_path),
		cmocka_unit_test(responder_can_add_a_pattern_without_recompiling),
		cmocka_unit_test(bad_rule_line_is_rejected_with_file_and_line),
		cmocka_unit_test(level_that_contradicts_the_score_is_rejected),
		cmocka_unit_test(bad_regex_and_unknown_set_are_rejected),
		cmocka_unit_test(missing_rules_or_zero_patterns_refuse_to_start),
		cmocka_unit_test(misuse_of_a_handle_is_reported_not_crashing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
