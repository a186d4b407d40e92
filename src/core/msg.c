/* Messages kept apart from their language: an English id plus arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

/* One conversion of a printf format, as far as we need to know it. */
struct conv {
	size_t len;		/* bytes from '%' to the conversion letter */
	unsigned pos;		/* N of "%N$", 0 when not positional */
	char letter;		/* 'd', 's', ...; 0 when not understood */
	char length[3];		/* "", "h", "hh", "l", "ll", "z", "j", "t", "L" */
	int stars;		/* '*' width and precision taken as ints */
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads the conversion that starts at s (s[0] == '%', s[1] != '%'). */
static struct conv
parse_conv(const char *s)
{
	struct conv c = { 0 };
	size_t i = 1, j;
	unsigned n = 0;

	for (j = i; is_digit(s[j]) && n < 1000; j++)
		n = n * 10 + (unsigned)(s[j] - '0');
	if (j > i && s[j] == '$') {
		c.pos = n;
		i = j + 1;
	}
	while (s[i] != '\0' && strchr("-+ #0'", s[i]) != NULL)
		i++;
	for (; s[i] == '*' || is_digit(s[i]) || s[i] == '.' || s[i] == '$';
	    i++)
		c.stars += s[i] == '*';
	for (j = 0; j < 2 && s[i] != '\0' && strchr("hlzjtL", s[i]) != NULL;
	    j++)
		c.length[j] = s[i++];
	if (s[i] != '\0' && strchr("diouxXcspeEfFgGaA", s[i]) != NULL) {
		c.letter = s[i];
		c.len = i + 1;
	} else
		c.len = i;
	return c;
}

/* Formats one argument with its own conversion spec into buf. */
static void
format_one(const char *spec, const struct conv *c, va_list *ap, char *buf,
    size_t len)
{
	int star[2] = { 0, 0 }, k;
	char fmt[64];
	const char *l = c->length;

	for (k = 0; k < c->stars && k < 2; k++)
		star[k] = va_arg(*ap, int);
	/* spec is at most what parse_conv read: short by construction. */
	(void)snprintf(fmt, sizeof(fmt), "%.*s", (int)c->len, spec);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define EMIT(v) do {							\
	if (c->stars == 2)						\
		(void)snprintf(buf, len, fmt, star[0], star[1], v);	\
	else if (c->stars == 1)						\
		(void)snprintf(buf, len, fmt, star[0], v);		\
	else								\
		(void)snprintf(buf, len, fmt, v);			\
} while (0)
	switch (c->letter) {
	case 's':
		EMIT(va_arg(*ap, const char *));
		break;
	case 'p':
		EMIT(va_arg(*ap, void *));
		break;
	case 'e': case 'E': case 'f': case 'F':
	case 'g': case 'G': case 'a': case 'A':
		if (l[0] == 'L')
			EMIT(va_arg(*ap, long double));
		else
			EMIT(va_arg(*ap, double));
		break;
	case 'd': case 'i':
		if (strcmp(l, "ll") == 0)
			EMIT(va_arg(*ap, long long));
		else if (l[0] == 'l')
			EMIT(va_arg(*ap, long));
		else if (l[0] == 'z')
			EMIT(va_arg(*ap, ptrdiff_t));
		else if (l[0] == 'j')
			EMIT(va_arg(*ap, intmax_t));
		else if (l[0] == 't')
			EMIT(va_arg(*ap, ptrdiff_t));
		else
			EMIT(va_arg(*ap, int));
		break;
	default:	/* c o u x X */
		if (strcmp(l, "ll") == 0)
			EMIT(va_arg(*ap, unsigned long long));
		else if (l[0] == 'l' && c->letter != 'c')
			EMIT(va_arg(*ap, unsigned long));
		else if (l[0] == 'z')
			EMIT(va_arg(*ap, size_t));
		else if (l[0] == 'j')
			EMIT(va_arg(*ap, uintmax_t));
		else if (l[0] == 't')
			EMIT(va_arg(*ap, size_t));
		else
			EMIT(va_arg(*ap, unsigned));
		break;
	}
#undef EMIT
#pragma GCC diagnostic pop
}

void
exh_msg_vaddf(struct exh_msg *m, const char *id, va_list ap)
{
	unsigned nargs = m->first[m->nparts];
	const char *s;
	va_list cp;

	if (m->nparts == EXH_MSG_PARTS)
		return;
	m->id[m->nparts] = id;
	va_copy(cp, ap);
	for (s = id; s != NULL && *s != '\0'; s++) {
		struct conv c;

		if (*s != '%')
			continue;
		if (s[1] == '%') {
			s++;
			continue;
		}
		c = parse_conv(s);
		/* Unknown conversions (and %n) end the list: no guessing
		 * at the type of what the caller passed. */
		if (c.letter == 0 || nargs == EXH_MSG_ARGS)
			break;
		m->arg[nargs++] = m->used;
		format_one(s, &c, &cp, m->text + m->used,
		    sizeof(m->text) - m->used);
		m->used += (unsigned short)strlen(m->text + m->used);
		if (m->used < sizeof(m->text) - 1)
			m->used++;
		s += c.len - 1;
	}
	va_end(cp);
	m->first[++m->nparts] = (unsigned char)nargs;
}

void
exh_msg_vsetf(struct exh_msg *m, const char *id, va_list ap)
{
	memset(m->id, 0, sizeof(m->id));
	m->nparts = 0;
	m->first[0] = 0;
	m->used = 0;
	m->text[0] = '\0';
	exh_msg_vaddf(m, id, ap);
}

void
exh_msg_setf(struct exh_msg *m, const char *id, ...)
{
	va_list ap;

	va_start(ap, id);
	exh_msg_vsetf(m, id, ap);
	va_end(ap);
}

void
exh_msg_addf(struct exh_msg *m, const char *id, ...)
{
	va_list ap;

	va_start(ap, id);
	exh_msg_vaddf(m, id, ap);
	va_end(ap);
}

bool
exh_msg_empty(const struct exh_msg *m)
{
	return m == NULL || m->nparts == 0 || m->id[0] == NULL;
}

/* One part: fmt with the conversions replaced by the part's arguments. */
static int
render_part(const struct exh_msg *m, unsigned part, const char *fmt,
    struct exh_buf *out)
{
	unsigned next = 0, nargs = m->first[part + 1] - m->first[part];
	const unsigned short *arg = m->arg + m->first[part];
	const char *s, *run;
	int rc = EXH_OK;

	for (s = run = fmt; *s != '\0' && rc == EXH_OK; s++) {
		struct conv c;
		unsigned i;

		if (*s != '%')
			continue;
		rc = exh_buf_append(out, run, (size_t)(s - run));
		if (s[1] == '%') {
			rc = rc == EXH_OK ? exh_buf_putc(out, '%') : rc;
			run = ++s + 1;
			continue;
		}
		c = parse_conv(s);
		i = c.pos > 0 ? c.pos - 1 : next++;
		if (rc == EXH_OK && c.letter != 0 && i < nargs)
			rc = exh_buf_puts(out, m->text + arg[i]);
		else if (rc == EXH_OK)
			rc = exh_buf_append(out, s, c.len > 0 ? c.len : 1);
		s += (c.len > 0 ? c.len : 1) - 1;
		run = s + 1;
	}
	if (rc == EXH_OK)
		rc = exh_buf_append(out, run, strlen(run));
	return rc;
}

int
exh_msg_render(const struct exh_msg *m, bool translate, struct exh_buf *out)
{
	unsigned i;
	int rc = exh_buf_append(out, "", 0);

	for (i = 0; i < m->nparts && rc == EXH_OK; i++) {
		const char *id = m->id[i] != NULL ? m->id[i] : "";

		rc = render_part(m, i, translate && *id != '\0' ? _(id) : id,
		    out);
	}
	return rc;
}

int
exh_msgs_push(struct exh_msg **v, size_t *n, const struct exh_msg *m)
{
	struct exh_msg *nv;
	size_t bytes;

	if (!exh_mul_ok(*n + 1, sizeof(**v), &bytes) ||
	    (nv = realloc(*v, bytes)) == NULL)
		return EXH_ENOMEM;
	nv[*n] = *m;
	*v = nv;
	(*n)++;
	return EXH_OK;
}

void
exh_msgs_free(struct exh_msg *v)
{
	free(v);
}
