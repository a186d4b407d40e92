/* The one JSON writer: automatic commas, escaped keys and strings, numbers, times. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exhume/core.h"

void
exh_json_init(struct exh_json *w, struct exh_buf *out)
{
	w->out = out;
	w->rc = EXH_OK;
	w->first = true;
}

void
exh_json_raw(struct exh_json *w, const char *text)
{
	if (w->rc == EXH_OK)
		w->rc = exh_buf_puts(w->out, text);
}

/* Keys are escaped like values: finding fields carry names from rules. */
static void
quoted(struct exh_json *w, const char *s, size_t n)
{
	exh_json_raw(w, "\"");
	if (w->rc == EXH_OK)
		w->rc = exh_esc_json(w->out, s, n);
	exh_json_raw(w, "\"");
}

void
exh_json_key(struct exh_json *w, const char *key)
{
	if (!w->first)
		exh_json_raw(w, ",");
	w->first = false;
	if (key != NULL) {
		quoted(w, key, strlen(key));
		exh_json_raw(w, ":");
	}
}

void
exh_json_open(struct exh_json *w, const char *key, char bracket)
{
	char s[2] = { bracket, '\0' };

	exh_json_key(w, key);
	exh_json_raw(w, s);
	w->first = true;
}

void
exh_json_close(struct exh_json *w, char bracket)
{
	char s[2] = { bracket, '\0' };

	exh_json_raw(w, s);
	/* The container just closed is a value of the level around it. */
	w->first = false;
}

void
exh_json_str(struct exh_json *w, const char *key, const char *s)
{
	exh_json_key(w, key);
	if (s == NULL)
		exh_json_raw(w, "null");
	else
		quoted(w, s, strlen(s));
}

void
exh_json_text(struct exh_json *w, const char *key, const char *s)
{
	exh_json_str(w, key, s != NULL ? s : "");
}

static void
printf_value(struct exh_json *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
printf_value(struct exh_json *w, const char *key, const char *fmt, ...)
{
	va_list ap;

	exh_json_key(w, key);
	if (w->rc != EXH_OK)
		return;
	va_start(ap, fmt);
	w->rc = exh_buf_vprintf(w->out, fmt, ap);
	va_end(ap);
}

void
exh_json_int(struct exh_json *w, const char *key, int64_t v)
{
	printf_value(w, key, "%" PRId64, v);
}

void
exh_json_uint(struct exh_json *w, const char *key, uint64_t v)
{
	printf_value(w, key, "%" PRIu64, v);
}

void
exh_json_bool(struct exh_json *w, const char *key, bool v)
{
	exh_json_key(w, key);
	exh_json_raw(w, v ? "true" : "false");
}

void
exh_json_null(struct exh_json *w, const char *key)
{
	exh_json_key(w, key);
	exh_json_raw(w, "null");
}

void
exh_json_time(struct exh_json *w, const char *key, int64_t ft,
    enum exh_json_absent absent)
{
	char iso[32];

	if (ft == 0 && absent == EXH_JSON_ABSENT_NULL)
		exh_json_null(w, key);
	else
		exh_json_str(w, key, exh_filetime_iso(ft, iso));
}

void
exh_json_macb(struct exh_json *w, const char *key, const struct exh_macb *m,
    enum exh_json_absent absent)
{
	exh_json_open(w, key, '{');
	exh_json_time(w, "created", m->created, absent);
	exh_json_time(w, "modified", m->modified, absent);
	exh_json_time(w, "mft_changed", m->mft_changed, absent);
	exh_json_time(w, "accessed", m->accessed, absent);
	exh_json_close(w, '}');
}

int
exh_json_status(const struct exh_json *w)
{
	return w->rc;
}
