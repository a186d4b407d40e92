/* The error record: one status, the errno seen, and a message read outer to inner. */
#include <stdio.h>
#include <string.h>

#include "exhume/core.h"

const char *
exh_strerror(int e)
{
	const char *s = strerrordesc_np(e);

	return s != NULL ? s : "unknown error";
}

int
exh_err_set(struct exh_err *err, int status, int sys_errno, const char *fmt,
    ...)
{
	va_list ap;

	if (err == NULL)
		return status;
	err->status = status;
	err->sys_errno = sys_errno;
	va_start(ap, fmt);
	/* A message is display text: one too long for msg is cut. */
	if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
		err->msg[0] = '\0';
	va_end(ap);
	return status;
}

int
exh_err_prefix(struct exh_err *err, const char *fmt, ...)
{
	char ctx[EXH_ERR_MSG_MAX], old[EXH_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (err == NULL)
		return EXH_EFATAL;
	va_start(ap, fmt);
	n = vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (n < 0)
		return err->status;
	memcpy(old, err->msg, sizeof(old));
	/* Display text, like exh_err_set: a context too long is cut. */
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", ctx, old) < 0)
		err->msg[0] = '\0';
	return err->status;
}

void
exh_err_clear(struct exh_err *err)
{
	if (err == NULL)
		return;
	err->status = EXH_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

bool
exh_status_is_local(int status)
{
	return status == EXH_ECORRUPT || status == EXH_EIO ||
	    status == EXH_ENOTFOUND;
}

const char *
exh_status_name(int status)
{
	static const char *const names[] = {
		"ok", "stopped", "corrupt", "io-error", "out-of-memory",
		"usage", "fatal", "not-found",
	};

	if (status < 0 || (size_t)status >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[status];
}
