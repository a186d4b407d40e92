/* The YARA compiler as every scan needs it (our externals), and compacting compiled rules. */
#include <stdlib.h>
#include <string.h>

#include <yara.h>

#include "exhume/core.h"
#include "exhume/rules.h"
#include "rules_int.h"

/* The externals signature-base and THOR rules use, with neutral values. */
static const char *const string_externals[] = {
	"filename", "filepath", "extension", "filetype", "owner",
	"timezone", "language", "group", "osversion", "md5",
};

/* A compiler with the externals defined, as every scan sets them. */
int
yara_compiler(YR_COMPILER **out)
{
	YR_COMPILER *c;
	size_t i;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return EXH_ENOMEM;
	for (i = 0; i < sizeof(string_externals) / sizeof(*string_externals);
	    i++)
		if (yr_compiler_define_string_variable(c, string_externals[i],
		    "") != ERROR_SUCCESS)
			goto fail;
	if (yr_compiler_define_integer_variable(c, "filemode", 0) !=
	    ERROR_SUCCESS)
		goto fail;
	/* exhume's own: the extension is one IIS hands to a script engine. */
	if (yr_compiler_define_boolean_variable(c, "iis_script", 0) !=
	    ERROR_SUCCESS)
		goto fail;
	*out = c;
	return EXH_OK;
fail:
	yr_compiler_destroy(c);
	return EXH_ENOMEM;
}

/* An in-memory YR_STREAM. */
struct mem_stream {
	struct exh_buf b;
	size_t off;
};

static size_t
mem_write(const void *p, size_t size, size_t count, void *ud)
{
	struct mem_stream *m = ud;

	return exh_buf_append(&m->b, p, size * count) == EXH_OK ? count : 0;
}

static size_t
mem_read(void *p, size_t size, size_t count, void *ud)
{
	struct mem_stream *m = ud;

	if (size * count > m->b.len - m->off)
		return 0;
	memcpy(p, m->b.data + m->off, size * count);
	m->off += size * count;
	return count;
}

/*
 * Freshly compiled rules keep the compiler's generously sized tables
 * (about 10 MB for our rules); saved and loaded again they take what they
 * use (a few hundred KB).  When loading fails *rules stays as it was; when
 * saving fails it is destroyed and NULL (EXH_ENOMEM): libyara's save turns
 * the arena's pointers into offsets and leaves them so when a write fails,
 * and scanning with those rules crashes inside libyara.
 */
int
yara_compact(YR_RULES **rules)
{
	struct mem_stream m = { 0 };
	YR_STREAM ws = { .user_data = &m, .write = mem_write };
	YR_STREAM rs = { .user_data = &m, .read = mem_read };
	YR_RULES *loaded;
	int rc = EXH_OK;

	if (yr_rules_save_stream(*rules, &ws) != ERROR_SUCCESS) {
		yr_rules_destroy(*rules);
		*rules = NULL;
		rc = EXH_ENOMEM;
	} else if (yr_rules_load_stream(&rs, &loaded) == ERROR_SUCCESS) {
		yr_rules_destroy(*rules);
		*rules = loaded;
	}
	exh_buf_free(&m.b);
	return rc;
}
