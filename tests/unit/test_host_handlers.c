/* Tests: the extensions an IIS configuration's <handlers> sections hand to a script engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/host.h"

static const char *
parse(const char *text, struct exh_buf *list, size_t *added)
{
	struct exh_err err = { 0 };

	assert_int_equal(exh_iis_script_handlers(text, strlen(text), list,
	    added, &err), EXH_OK);
	return list->data != NULL ? list->data : "";
}

static void
script_processors_and_code_running_types_are_listed(void **state)
{
	struct exh_buf l = { 0 };
	size_t n;

	(void)state;
	assert_string_equal(parse("<configuration><system.webServer><handlers>"
	    "<add name=\"ASPClassic\" path=\"*.asp\" modules=\"IsapiModule\" "
	    "scriptProcessor=\"%windir%\\system32\\inetsrv\\asp.dll\" />"
	    "<add name='Cer' path='*.CER' modules='IsapiModule' "
	    "scriptProcessor='asp.dll'/>"
	    "<add name=\"P\" path=\"*.aspx\" verb=\"*\" "
	    "type=\"System.Web.UI.PageHandlerFactory\" />"
	    "<add name=\"R\" path=\"*.rem\" type=\"System.Runtime.Remoting."
	    "Channels.Http.HttpRemotingHandlerFactory, System.Runtime."
	    "Remoting\" />"
	    "</handlers></system.webServer></configuration>", &l, &n),
	    "|.asp|.cer|.aspx|.rem|");
	assert_int_equal(n, 4);
	exh_buf_free(&l);
}

static void
forbidden_static_wildcard_and_commented_mappings_are_not(void **state)
{
	struct exh_buf l = { 0 };
	size_t n;

	(void)state;
	assert_string_equal(parse("<handlers>"
	    "<add path=\"*.config\" verb=\"*\" "
	    "type=\"System.Web.HttpForbiddenHandler\" />"
	    "<add path=\"*.js\" modules=\"StaticFileModule\" "
	    "scriptProcessor=\"x.dll\" />"
	    "<add path=\"*\" modules=\"IsapiModule\" scriptProcessor=\"a.dll\"/>"
	    "<add path=\"trace.axd\" type=\"System.Web.Handlers.TraceHandler\"/>"
	    "<!-- <add path=\"*.qqq\" scriptProcessor=\"asp.dll\" /> -->"
	    "<add path=\"*.a b\" scriptProcessor=\"asp.dll\" />"
	    "</handlers><add path=\"*.outside\" scriptProcessor=\"asp.dll\"/>",
	    &l, &n), "");
	assert_int_equal(n, 0);
	exh_buf_free(&l);
}

static void
extensions_already_listed_are_not_added_again(void **state)
{
	struct exh_buf l = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(exh_buf_puts(&l, "|.asp|"), EXH_OK);
	assert_string_equal(parse("<handlers><add path=\"*.ASP\" "
	    "scriptProcessor=\"asp.dll\"/><add path=\"*.xyz\" "
	    "scriptProcessor=\"asp.dll\"/></handlers>", &l, &n),
	    "|.asp|.xyz|");
	assert_int_equal(n, 1);
	exh_buf_free(&l);
}

static void
a_cut_off_section_or_element_ends_quietly(void **state)
{
	struct exh_buf l = { 0 };
	size_t n;

	(void)state;
	assert_string_equal(parse("<handlers><add path=\"*.asp\" "
	    "scriptProcessor=\"asp.dll\"/><add path=\"*.cer\" scriptPro",
	    &l, &n), "|.asp|");
	assert_string_equal(parse("<handlers><add path=\"*.x", &l, &n),
	    "|.asp|");
	exh_buf_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    script_processors_and_code_running_types_are_listed),
		cmocka_unit_test(
		    forbidden_static_wildcard_and_commented_mappings_are_not),
		cmocka_unit_test(extensions_already_listed_are_not_added_again),
		cmocka_unit_test(a_cut_off_section_or_element_ends_quietly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
