/* IIS handler mappings: which extensions a configuration's <handlers> sections hand to a script engine. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"
#include "exhume/host.h"

#define EXT_MAX		32
#define ATTR_MAX	512
#define ELEMENT_MAX	8192	/* an <add> longer than this is not one */

/*
 * The value of attribute name in the element text el[0..n) (the part
 * between "<add" and ">"), copied to out; false when absent or too long.
 * Plain scanning, no XML library: the file is hostile and only a few
 * attributes of one element type matter.
 */
static bool
attr_value(const char *el, size_t n, const char *name, char *out,
    size_t outlen)
{
	size_t nlen = strlen(name), i = 0, j, vlen;
	char q;

	while (i + nlen + 2 <= n) {
		if ((i == 0 || el[i - 1] == ' ' || el[i - 1] == '\t' ||
		    el[i - 1] == '\r' || el[i - 1] == '\n') &&
		    strncasecmp(el + i, name, nlen) == 0) {
			j = i + nlen;
			while (j < n && (el[j] == ' ' || el[j] == '\t'))
				j++;
			if (j < n && el[j] == '=') {
				j++;
				while (j < n && (el[j] == ' ' || el[j] == '\t'))
					j++;
				if (j >= n || (el[j] != '"' && el[j] != '\''))
					return false;
				q = el[j++];
				for (vlen = 0; j + vlen < n && el[j + vlen] != q;
				    vlen++)
					;
				if (j + vlen >= n || vlen >= outlen)
					return false;
				memcpy(out, el + j, vlen);
				out[vlen] = '\0';
				return true;
			}
		}
		i++;
	}
	return false;
}

/* ".ext" in lower case from a handler path "*.ext"; false otherwise. */
static bool
path_extension(const char *path, char *ext)
{
	size_t i;

	if (path[0] != '*' || path[1] != '.' || path[2] == '\0')
		return false;
	ext[0] = '.';
	for (i = 2; path[i] != '\0'; i++) {
		char c = path[i];

		if (i >= EXT_MAX - 1 || !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return false;
		ext[i - 1] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	ext[i - 1] = '\0';
	return true;
}

/*
 * A mapping runs code when it names a script processor (asp.dll,
 * aspnet_isapi.dll, a CGI/FastCGI interpreter) or a managed handler type
 * other than the ones that refuse or serve the file as it is (ASP.NET
 * maps .config, .cs, .asax to HttpForbiddenHandler).
 */
static bool
runs_code(const char *el, size_t n)
{
	static const char *const passive[] = {
		"HttpForbiddenHandler", "StaticFileHandler",
		"HttpMethodNotAllowedHandler", "HttpNotFoundHandler",
	};
	char v[ATTR_MAX];
	size_t i;

	if (attr_value(el, n, "modules", v, sizeof(v)) &&
	    strcasestr(v, "StaticFileModule") != NULL)
		return false;
	if (attr_value(el, n, "scriptProcessor", v, sizeof(v)) && v[0] != '\0')
		return true;
	if (!attr_value(el, n, "type", v, sizeof(v)) || v[0] == '\0')
		return false;
	for (i = 0; i < sizeof(passive) / sizeof(passive[0]); i++)
		if (strcasestr(v, passive[i]) != NULL)
			return false;
	return true;
}

/* Appends ".ext|" unless the list (starting with "|") has it already. */
static int
add_ext(struct exh_buf *list, const char *ext, size_t *added)
{
	char key[EXT_MAX + 2];
	int n = snprintf(key, sizeof(key), "|%s|", ext);

	if (n < 0 || (size_t)n >= sizeof(key))
		return EXH_OK;
	if (list->len == 0 && exh_buf_putc(list, '|') != EXH_OK)
		return EXH_ENOMEM;
	if (strstr(list->data, key) != NULL)
		return EXH_OK;
	if (exh_buf_puts(list, key + 1) != EXH_OK)
		return EXH_ENOMEM;
	(*added)++;
	return EXH_OK;
}

/* The end of the element starting at p, or NULL. */
static const char *
element_end(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (n > ELEMENT_MAX)
		n = ELEMENT_MAX;
	return memchr(p, '>', n);
}

/* One <handlers> section, body[0..n): every <add> that runs code. */
static int
scan_section(const char *body, size_t n, struct exh_buf *list, size_t *added)
{
	const char *p = body, *end = body + n, *gt;
	char path[ATTR_MAX], ext[EXT_MAX];
	int rc;

	while ((p = memmem(p, (size_t)(end - p), "<add", 4)) != NULL) {
		p += 4;
		if ((gt = element_end(p, end)) == NULL)
			break;
		if (attr_value(p, (size_t)(gt - p), "path", path, sizeof(path))
		    && path_extension(path, ext) &&
		    runs_code(p, (size_t)(gt - p)) &&
		    (rc = add_ext(list, ext, added)) != EXH_OK)
			return rc;
		p = gt;
	}
	return EXH_OK;
}

/* text with XML comments blanked, so a commented-out mapping is no mapping. */
static char *
without_comments(const char *text, size_t len)
{
	char *s = malloc(len + 1), *p, *q;

	if (s == NULL)
		return NULL;
	memcpy(s, text, len);
	s[len] = '\0';
	p = s;
	while ((p = memmem(p, len - (size_t)(p - s), "<!--", 4)) != NULL) {
		q = memmem(p + 4, len - (size_t)(p + 4 - s), "-->", 3);
		q = q != NULL ? q + 3 : s + len;
		memset(p, ' ', (size_t)(q - p));
		p = q;
	}
	return s;
}

int
exh_iis_script_handlers(const char *text, size_t len, struct exh_buf *list,
    size_t *added, struct exh_err *err)
{
	const char *p, *end, *close;
	char *s;
	int rc = EXH_OK;

	if ((text == NULL && len > 0) || list == NULL || added == NULL)
		return exh_err_set(err, EXH_EUSAGE, 0,
		    "iis handlers: bad argument");
	*added = 0;
	if ((s = without_comments(text != NULL ? text : "", len)) == NULL)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "iis handlers: out of memory");
	p = s;
	end = s + len;
	while (rc == EXH_OK &&
	    (p = memmem(p, (size_t)(end - p), "<handlers", 9)) != NULL) {
		p += 9;
		close = memmem(p, (size_t)(end - p), "</handlers>", 11);
		if (close == NULL)
			close = end;	/* cut off: take what is there */
		rc = scan_section(p, (size_t)(close - p), list, added);
		p = close;
	}
	free(s);
	if (rc != EXH_OK)
		return exh_err_set(err, EXH_ENOMEM, ENOMEM,
		    "iis handlers: out of memory");
	return EXH_OK;
}
