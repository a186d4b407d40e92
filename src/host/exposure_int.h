/* What the exposure files share (exposure.c, exposure_xml.c, exposure_checks.c); private to src/host. */
#ifndef EXHUME_HOST_EXPOSURE_INT_H
#define EXHUME_HOST_EXPOSURE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "exhume/host.h"
#include "host_int.h"

/* What one IIS XML file says, by element kind. */
struct xml_item {
	char *scope;	/* location path or the web.config's site/app */
	char *a, *b, *c, *d;	/* kind-specific, see scan_element */
	bool disabled;
	char *file;	/* borrowed: the file's Windows path */
};

struct xml_list {
	struct xml_item *v;
	size_t n;
};

struct iis_scan {
	struct xml_list ep;	/* a tokenChecking */
	struct xml_list ipsec;	/* a allowUnlisted */
	struct xml_list gmod;	/* a name, b image */
	struct xml_list filter;	/* a name, b path */
	struct xml_list mmod;	/* a name, b type */
	struct xml_list rule;	/* a name, b serverVariable, c action
				   type, d action value */
	int rc;
};

/* Gathers the elements of one XML file (data[0..len)) into s; scope is the
 * web.config's site/app ("" for applicationHost.config), file its path. */
int expo_xml_read(struct exh_profile *p, struct iis_scan *s, const char *data,
    size_t len, const char *scope, const char *file);
void expo_xml_free(struct iis_scan *s);

int expo_signing_check(struct exh_profile *p, const struct host_cfg *c);
int expo_eems_check(struct exh_profile *p, const struct host_cfg *c);
int expo_ep_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, const char *path);
int expo_tokencache_check(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, exh_profile_read_fn read, void *ctx,
    const char *path);
int expo_module_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s);
int expo_mitigation_checks(struct exh_profile *p, const struct host_cfg *c,
    const struct iis_scan *s, const char *path);

#endif /* EXHUME_HOST_EXPOSURE_INT_H */
