/* Tests: decoding VBScript.Encode blocks in classic ASP pages, with pages encoded by our own encoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "../tools/vbe_encode.h"

#define SHELL_PAGE "<%@ Language=\"VBScript.Encode\" %>\r\n<html><%\r\n" \
	"Set sh = Server.CreateObject(\"WScript.Shell\")\r\n" \
	"Response.Write sh.Exec(\"cmd /c \" & Request(\"c\")).StdOut.ReadAll\r\n" \
	"' <b>tags</b> @ and tabs\there\r\n%></html>\r\n"

static void
encode(const char *page, struct exh_buf *out)
{
	assert_int_equal(vbe_encode_page(page, strlen(page), out), EXH_OK);
}

static void
decode(const void *in, size_t len, size_t max, struct exh_buf *out,
    struct exh_vbe_stats *st)
{
	struct exh_err err = { 0 };

	assert_int_equal(exh_vbe_decode(in, len, max, out, st, &err), EXH_OK);
}

static void
an_encoded_page_decodes_to_the_original_text(void **state)
{
	struct exh_buf enc = { 0 }, dec = { 0 };
	struct exh_vbe_stats st;

	(void)state;
	encode(SHELL_PAGE, &enc);
	assert_non_null(memmem(enc.data, enc.len, "#@~^", 4));
	assert_null(strstr(enc.data, "WScript.Shell"));
	decode(enc.data, enc.len, 1 << 20, &dec, &st);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.broken, 0);
	assert_false(st.truncated);
	assert_string_equal(dec.data, SHELL_PAGE);
	exh_buf_free(&enc);
	exh_buf_free(&dec);
}

static void
every_position_and_character_round_trips(void **state)
{
	unsigned char plain[300];
	struct exh_buf enc = { 0 }, dec = { 0 };
	struct exh_vbe_stats st;
	size_t i;

	(void)state;
	/* Every printable character at every one of the 64 positions. */
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)(32 + (i * 7) % 95);
	plain[5] = '\t';
	plain[9] = 0xe9;	/* a Latin-1 byte passes and takes no position */
	assert_int_equal(vbe_encode_block(plain, sizeof(plain), &enc), EXH_OK);
	decode(enc.data, enc.len, 1 << 20, &dec, &st);
	assert_int_equal(st.broken, 0);
	assert_int_equal(dec.len, sizeof(plain));
	assert_memory_equal(dec.data, plain, sizeof(plain));
	exh_buf_free(&enc);
	exh_buf_free(&dec);
}

static void
length_and_checksum_fields_are_base64_of_little_endian_values(void **state)
{
	uint32_t v = 0;

	(void)state;
	/* 0x12345678 as the bytes 78 56 34 12 in base64. */
	assert_true(exh_vbe_field("eFY0Eg==", 8, &v));
	assert_int_equal(v, 0x12345678);
	assert_false(exh_vbe_field("eFY0Eg=x", 8, &v));
	assert_false(exh_vbe_field("eF*0Eg==", 8, &v));
	assert_false(exh_vbe_field("eFY0", 4, &v));
}

static void
a_wrong_checksum_is_noted_and_the_text_still_decoded(void **state)
{
	struct exh_buf enc = { 0 }, dec = { 0 };
	struct exh_vbe_stats st;
	char *trl;

	(void)state;
	encode("<%Response.Write(1)%>", &enc);
	trl = strstr(enc.data, "^#~@");
	assert_non_null(trl);
	trl[-8] = trl[-8] == 'A' ? 'B' : 'A';
	decode(enc.data, enc.len, 1 << 20, &dec, &st);
	assert_int_equal(st.broken, 1);
	assert_string_equal(st.note, "block checksum does not match its text");
	assert_string_equal(dec.data, "<%Response.Write(1)%>");
	exh_buf_free(&enc);
	exh_buf_free(&dec);
}

static void
a_cut_off_block_is_decoded_as_far_as_it_goes(void **state)
{
	struct exh_buf enc = { 0 }, dec = { 0 };
	struct exh_vbe_stats st;
	size_t cut;

	(void)state;
	encode("<%Execute Request(\"x\")%>", &enc);
	cut = (size_t)(strstr(enc.data, "^#~@") - enc.data) - 8;
	decode(enc.data, cut, 1 << 20, &dec, &st);
	assert_int_equal(st.blocks, 1);
	assert_int_equal(st.broken, 1);
	assert_string_equal(st.note,
	    "block without its checksum and end marker");
	assert_string_equal(dec.data, "<%Execute Request(\"x\")");
	exh_buf_free(&enc);
	exh_buf_free(&dec);
}

static void
a_marker_without_a_length_field_is_kept_as_text(void **state)
{
	const char *in = "a #@~^ b #@~^zz c";
	struct exh_buf dec = { 0 };
	struct exh_vbe_stats st;

	(void)state;
	decode(in, strlen(in), 1 << 20, &dec, &st);
	assert_int_equal(st.blocks, 0);
	assert_int_equal(st.broken, 2);
	assert_string_equal(dec.data, in);
	exh_buf_free(&dec);
}

static void
decoded_output_stops_at_the_cap(void **state)
{
	struct exh_buf enc = { 0 }, dec = { 0 };
	struct exh_vbe_stats st;

	(void)state;
	encode(SHELL_PAGE, &enc);
	decode(enc.data, enc.len, 40, &dec, &st);
	assert_true(st.truncated);
	assert_int_equal(dec.len, 40);
	assert_memory_equal(dec.data, SHELL_PAGE, 40);
	exh_buf_free(&enc);
	exh_buf_free(&dec);
}

static void
text_without_blocks_comes_back_unchanged(void **state)
{
	struct exh_buf dec = { 0 };
	struct exh_vbe_stats st;

	(void)state;
	decode("<% x = 1 %>", 11, 100, &dec, &st);
	assert_int_equal(st.blocks, 0);
	assert_string_equal(dec.data, "<% x = 1 %>");
	decode("", 0, 100, &dec, &st);
	assert_int_equal(dec.len, 0);
	exh_buf_free(&dec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_encoded_page_decodes_to_the_original_text),
		cmocka_unit_test(every_position_and_character_round_trips),
		cmocka_unit_test(
		    length_and_checksum_fields_are_base64_of_little_endian_values),
		cmocka_unit_test(
		    a_wrong_checksum_is_noted_and_the_text_still_decoded),
		cmocka_unit_test(a_cut_off_block_is_decoded_as_far_as_it_goes),
		cmocka_unit_test(a_marker_without_a_length_field_is_kept_as_text),
		cmocka_unit_test(decoded_output_stops_at_the_cap),
		cmocka_unit_test(text_without_blocks_comes_back_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
