/* Helpers every host file uses: string copies, profile notes, environment variables in paths. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/host.h"
#include "host_int.h"

#define MAX_NOTES	256

char *
host_strdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

int
host_note(struct exh_profile *p, const char *fmt, ...)
{
	struct exh_buf b = { 0 };
	struct exh_msg m;
	size_t n;
	va_list ap;
	int rc;

	if (p->nnotes >= MAX_NOTES)
		return EXH_OK;
	va_start(ap, fmt);
	exh_msg_vsetf(&m, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	rc = exh_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* The two lists stay parallel: both notes or neither. */
	n = p->nnotes;
	if (rc == EXH_OK)
		rc = exh_msgs_push(&p->note_msgs, &n, &m);
	if (rc == EXH_OK && (rc = exh_strvec_push(&p->notes, &p->nnotes,
	    b.data)) != EXH_OK)
		p->note_msgs[p->nnotes].id[0] = NULL;
	exh_buf_free(&b);
	return rc;
}

/* Replaces *field with a copy of s. */
int
host_set_str(char **field, const char *s)
{
	char *c = host_strdup(s);

	if (c == NULL)
		return EXH_ENOMEM;
	free(*field);
	*field = c;
	return EXH_OK;
}

void
host_reason(char *buf, size_t len, struct exh_msg *m, bool append,
    const char *fmt, ...)
{
	size_t used = append ? strnlen(buf, len) : 0;
	va_list ap;

	va_start(ap, fmt);
	if (append)
		exh_msg_vaddf(m, fmt, ap);
	else
		exh_msg_vsetf(m, fmt, ap);
	va_end(ap);
	if (used >= len)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static char
system_drive(const struct exh_profile *p)
{
	const char *r = p->system_root;

	if (r != NULL && ((r[0] >= 'A' && r[0] <= 'Z') ||
	    (r[0] >= 'a' && r[0] <= 'z')) && r[1] == ':')
		return (char)(r[0] & ~0x20);
	return 'C';
}

char *
host_expand_env(const struct exh_profile *p, const char *s)
{
	struct exh_buf b = { 0 };
	char drive[3] = { system_drive(p), ':', '\0' };
	int rc = exh_buf_append(&b, "", 0);

	while (rc == EXH_OK && *s != '\0') {
		const char *end = s[0] == '%' ? strchr(s + 1, '%') : NULL;
		char var[40];
		size_t n;

		if (end == NULL || (n = (size_t)(end - s - 1)) >= sizeof(var)) {
			rc = exh_buf_putc(&b, *s++);
			continue;
		}
		memcpy(var, s + 1, n);
		var[n] = '\0';
		if (exh_ascii_iequal(var, "SystemDrive"))
			rc = exh_buf_puts(&b, drive);
		else if (exh_ascii_iequal(var, "SystemRoot") ||
		    exh_ascii_iequal(var, "windir"))
			rc = exh_buf_puts(&b, p->system_root);
		else if (exh_ascii_iequal(var, "ProgramFiles"))
			rc = exh_buf_printf(&b, "%s\\Program Files", drive);
		else if (exh_ascii_iequal(var, "ProgramData") ||
		    exh_ascii_iequal(var, "ALLUSERSPROFILE"))
			rc = exh_buf_printf(&b, "%s\\ProgramData", drive);
		else if (exh_ascii_iequal(var, "ExchangeInstallPath") &&
		    p->install_path != NULL && p->install_path[0] != '\0')
			rc = exh_buf_puts(&b, p->install_path);
		else {
			rc = exh_buf_append(&b, s, n + 2);
		}
		s = end + 1;
	}
	if (rc != EXH_OK) {
		exh_buf_free(&b);
		return NULL;
	}
	return exh_buf_take(&b);
}
