/* Test helper: builds registry hive files from a small text spec (used by mkhive and unit tests). */
#ifndef EXHUME_TESTS_HIVESPEC_H
#define EXHUME_TESTS_HIVESPEC_H

/*
 * Spec lines (one per line, '#' starts a comment):
 *   key      \Path\To\Key
 *   sz       \Path\To\Key Name=text
 *   expandsz \Path Name=%SystemDrive%\x
 *   multisz  \Path Name=one|two|three
 *   dword    \Path Name=123        (or 0x7b)
 *   qword    \Path Name=132588...
 *   binary   \Path Name=hex:01,02,ff
 *   typed    \Path Name=0x3e9:hex:01,02  (any type number: the SAM keeps
 *                                         RIDs as value types)
 * A path containing spaces is written in double quotes.  Name "@" is the
 * default value.  In text, \x{HHHH} inserts that UTF-16 code unit, so
 * tests can store control characters and lone surrogates.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hivex.h>

#define HS_UNUSED __attribute__((unused))

static void
hs_put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static void
hs_put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

/*
 * A minimal empty hive: a 4096-byte regf base block with its XOR
 * checksum, one 4096-byte hbin holding the root nk cell, the sk cell
 * hivex copies from the parent on add_child, and one free cell.
 * buf must hold 8192 bytes.
 */
static HS_UNUSED void
hs_empty_hive(unsigned char *buf)
{
	unsigned char *h = buf, *bin = buf + 4096, *nk, *sk, *fr;
	uint32_t sum = 0;
	const char *rootname = "ROOT";
	size_t i;

	memset(buf, 0, 8192);
	memcpy(h, "regf", 4);
	hs_put32(h + 4, 1);		/* primary sequence */
	hs_put32(h + 8, 1);		/* secondary sequence */
	hs_put32(h + 20, 1);		/* major version */
	hs_put32(h + 24, 3);		/* minor version */
	hs_put32(h + 28, 0);		/* primary file */
	hs_put32(h + 32, 1);		/* direct memory load */
	hs_put32(h + 36, 0x20);		/* root cell offset */
	hs_put32(h + 40, 4096);		/* hive bins data size */
	hs_put32(h + 44, 1);		/* clustering factor */
	for (i = 0; i < 508; i += 4)
		sum ^= (uint32_t)h[i] | (uint32_t)h[i + 1] << 8 |
		    (uint32_t)h[i + 2] << 16 | (uint32_t)h[i + 3] << 24;
	hs_put32(h + 508, sum);

	memcpy(bin, "hbin", 4);
	hs_put32(bin + 4, 0);		/* offset of this bin */
	hs_put32(bin + 8, 4096);	/* size of this bin */

	/* Root nk at 0x20: 80-byte fixed part + name, 8-aligned: 88. */
	nk = bin + 0x20;
	hs_put32(nk, (uint32_t)-88);
	memcpy(nk + 4, "nk", 2);
	hs_put16(nk + 6, 0x2c);		/* no-delete, root, ASCII name */
	hs_put32(nk + 20, 0);		/* parent */
	hs_put32(nk + 32, 0xffffffff);	/* subkey list */
	hs_put32(nk + 36, 0xffffffff);
	hs_put32(nk + 44, 0xffffffff);	/* value list */
	hs_put32(nk + 48, 0x20 + 88);	/* sk */
	hs_put32(nk + 52, 0xffffffff);	/* class name */
	hs_put16(nk + 76, (uint16_t)strlen(rootname));
	memcpy(nk + 80, rootname, strlen(rootname));

	/* sk cell: 24-byte header + 20-byte self-relative descriptor. */
	sk = nk + 88;
	hs_put32(sk, (uint32_t)-48);
	memcpy(sk + 4, "sk", 2);
	hs_put32(sk + 8, 0x20 + 88);	/* next: itself */
	hs_put32(sk + 12, 0x20 + 88);	/* previous: itself */
	hs_put32(sk + 16, 1);		/* reference count */
	hs_put32(sk + 20, 20);
	sk[24] = 1;			/* revision */
	hs_put16(sk + 26, 0x8000);	/* self-relative */

	fr = sk + 48;
	hs_put32(fr, (uint32_t)(4096 - (size_t)(fr - bin)));
}

/* Decodes UTF-8 text with \x{HHHH} escapes to UTF-16LE plus a NUL unit. */
static int
hs_utf16(const char *s, size_t n, char **out, size_t *outlen)
{
	unsigned char *o = malloc(n * 2 + 2);
	size_t i = 0, k = 0;

	if (o == NULL)
		return -1;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		char *end;

		if (c == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    s[i + 2] == '{') {
			cp = (uint32_t)strtoul(s + i + 3, &end, 16);
			if (*end != '}')
				goto bad;
			i = (size_t)(end - s) + 1;
			hs_put16(o + k, (uint16_t)cp);
			k += 2;
			continue;
		}
		if (c < 0x80) {
			cp = c;
			i++;
		} else if ((c & 0xe0) == 0xc0 && i + 1 < n) {
			cp = (uint32_t)(c & 0x1f) << 6 | (s[i + 1] & 0x3f);
			i += 2;
		} else if ((c & 0xf0) == 0xe0 && i + 2 < n) {
			cp = (uint32_t)(c & 0x0f) << 12 |
			    (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
			i += 3;
		} else
			goto bad;
		hs_put16(o + k, (uint16_t)cp);
		k += 2;
	}
	hs_put16(o + k, 0);
	*out = (char *)o;
	*outlen = k + 2;
	return 0;
bad:
	free(o);
	return -1;
}

/* Finds or creates the key at path (backslash-separated, from the root). */
static hive_node_h
hs_node(hive_h *h, const char *path)
{
	hive_node_h node = hivex_root(h), child;
	char comp[256];
	const char *p = path, *e;

	while (*p == '\\')
		p++;
	while (*p != '\0') {
		e = strchr(p, '\\');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) >= sizeof(comp))
			return 0;
		memcpy(comp, p, (size_t)(e - p));
		comp[e - p] = '\0';
		errno = 0;
		child = hivex_node_get_child(h, node, comp);
		if (child == 0) {
			if (errno != 0)
				return 0;
			child = hivex_node_add_child(h, node, comp);
			if (child == 0)
				return 0;
		}
		node = child;
		p = *e == '\\' ? e + 1 : e;
	}
	return node;
}

static int
hs_hexbytes(const char *s, char **out, size_t *outlen)
{
	size_t n = strlen(s), k = 0;
	unsigned char *o = malloc(n / 2 + 1);
	char pair[3] = { 0, 0, 0 };
	char *end;

	if (o == NULL)
		return -1;
	while (*s != '\0') {
		if (*s == ',' || *s == ' ') {
			s++;
			continue;
		}
		if (s[1] == '\0')
			goto bad;
		pair[0] = s[0];
		pair[1] = s[1];
		o[k++] = (unsigned char)strtoul(pair, &end, 16);
		if (*end != '\0')
			goto bad;
		s += 2;
	}
	*out = (char *)o;
	*outlen = k;
	return 0;
bad:
	free(o);
	return -1;
}

/* Applies one spec line; returns 0, or -1 with a message in why. */
static int
hs_line(hive_h *h, char *line, char *why, size_t whylen)
{
	char *kind, *path, *rest, *name, *text, *end;
	hive_set_value v;
	hive_node_h node;
	unsigned long long num;
	int rc = -1;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	kind = line;
	rest = strpbrk(line, " \t");
	if (rest == NULL) {
		snprintf(why, whylen, "no path");
		return -1;
	}
	*rest++ = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '"') {
		path = rest + 1;
		rest = strchr(path, '"');
		if (rest == NULL) {
			snprintf(why, whylen, "unterminated quote");
			return -1;
		}
		*rest++ = '\0';
	} else {
		path = rest;
		rest = strpbrk(rest, " \t");
		if (rest != NULL)
			*rest++ = '\0';
	}
	node = hs_node(h, path);
	if (node == 0) {
		snprintf(why, whylen, "cannot create key %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (strcmp(kind, "key") == 0)
		return 0;
	if (rest == NULL) {
		snprintf(why, whylen, "no value");
		return -1;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	name = rest;
	text = strchr(rest, '=');
	if (text == NULL) {
		snprintf(why, whylen, "value without '='");
		return -1;
	}
	*text++ = '\0';
	v.key = strcmp(name, "@") == 0 ? (char *)"" : name;
	v.value = NULL;
	if (strcmp(kind, "sz") == 0 || strcmp(kind, "expandsz") == 0) {
		v.t = kind[0] == 's' ? hive_t_REG_SZ : hive_t_REG_EXPAND_SZ;
		if (hs_utf16(text, strlen(text), &v.value, &v.len) != 0)
			goto badtext;
	} else if (strcmp(kind, "multisz") == 0) {
		char *p, *o;
		size_t total = 0, l;

		v.t = hive_t_REG_MULTI_SZ;
		o = malloc(strlen(text) * 2 + 4);
		if (o == NULL)
			goto badtext;
		for (p = text;; p = end + 1) {
			end = strchr(p, '|');
			if (end == NULL)
				end = p + strlen(p);
			if (hs_utf16(p, (size_t)(end - p), &v.value, &l) != 0) {
				free(o);
				goto badtext;
			}
			memcpy(o + total, v.value, l);
			total += l;
			free(v.value);
			if (*end == '\0')
				break;
		}
		o[total] = o[total + 1] = 0;
		v.value = o;
		v.len = total + 2;
	} else if (strcmp(kind, "dword") == 0 || strcmp(kind, "qword") == 0) {
		errno = 0;
		num = strtoull(text, &end, 0);
		if (errno != 0 || *end != '\0' || end == text) {
			snprintf(why, whylen, "bad number %s", text);
			return -1;
		}
		v.len = kind[0] == 'd' ? 4 : 8;
		v.t = kind[0] == 'd' ? hive_t_REG_DWORD : hive_t_REG_QWORD;
		v.value = calloc(1, 8);
		if (v.value == NULL)
			goto badtext;
		hs_put32((unsigned char *)v.value, (uint32_t)num);
		hs_put32((unsigned char *)v.value + 4, (uint32_t)(num >> 32));
	} else if (strcmp(kind, "binary") == 0) {
		v.t = hive_t_REG_BINARY;
		if (strncmp(text, "hex:", 4) != 0 ||
		    hs_hexbytes(text + 4, &v.value, &v.len) != 0)
			goto badtext;
	} else if (strcmp(kind, "typed") == 0) {
		errno = 0;
		num = strtoull(text, &end, 0);
		if (errno != 0 || end == text || num > 0xffffffffULL ||
		    strncmp(end, ":hex:", 5) != 0 ||
		    hs_hexbytes(end + 5, &v.value, &v.len) != 0)
			goto badtext;
		v.t = (hive_type)num;
	} else {
		snprintf(why, whylen, "unknown line kind %s", kind);
		return -1;
	}
	if (hivex_node_set_value(h, node, &v, 0) != 0)
		snprintf(why, whylen, "set %s: %s", name, strerror(errno));
	else
		rc = 0;
	free(v.value);
	return rc;
badtext:
	snprintf(why, whylen, "bad value text for %s", name);
	return -1;
}

/*
 * Writes a hive built from spec (NUL-terminated text) to out_path.
 * Returns 0, or -1 with a message naming the spec line in why.
 */
static HS_UNUSED int
hs_build(const char *spec, const char *out_path, char *why, size_t whylen)
{
	unsigned char empty[8192];
	FILE *f;
	hive_h *h;
	char *copy, *line, *next;
	int lineno = 0, rc = 0;
	char msg[200];

	hs_empty_hive(empty);
	f = fopen(out_path, "wb");
	if (f == NULL || fwrite(empty, 1, sizeof(empty), f) != sizeof(empty)) {
		snprintf(why, whylen, "%s: %s", out_path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	h = hivex_open(out_path, HIVEX_OPEN_WRITE);
	if (h == NULL) {
		snprintf(why, whylen, "hivex_open: %s", strerror(errno));
		return -1;
	}
	copy = strdup(spec);
	if (copy == NULL) {
		hivex_close(h);
		return -1;
	}
	for (line = copy; line != NULL && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (hs_line(h, line, msg, sizeof(msg)) != 0) {
			snprintf(why, whylen, "line %d: %s", lineno, msg);
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0 && hivex_commit(h, out_path, 0) != 0) {
		snprintf(why, whylen, "hivex_commit: %s", strerror(errno));
		rc = -1;
	}
	hivex_close(h);
	return rc;
}

#endif /* EXHUME_TESTS_HIVESPEC_H */
