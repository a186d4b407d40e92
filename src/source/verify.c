/* Temporary stand-in: s8-ewf writes the real image check. */
#include "source_int.h"

int
exh_source_verify_image(struct exh_source *src, exh_source_progress_fn fn,
    void *ctx, const volatile bool *stop, struct exh_image_check *out,
    struct exh_err *err)
{
	(void)src;
	(void)fn;
	(void)ctx;
	(void)stop;
	(void)out;
	return exh_err_set(err, EXH_EUSAGE, 0,
	    "image check: not built");
}
