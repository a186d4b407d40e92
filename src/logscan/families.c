/* Log families: names, and which family a log path belongs to. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/logscan.h"
#include "logscan_int.h"

static const char *const family_names[EXH_LOG_NFAMILIES] = {
	"unknown", "httpproxy", "ecp-server", "oabgen", "iis", "rps-http",
};

const char *
exh_log_family_name(int family)
{
	if (family <= EXH_LOG_UNKNOWN || family >= EXH_LOG_NFAMILIES)
		return family_names[0];
	return family_names[family];
}

int
exh_log_family_parse(const char *name)
{
	int i;

	for (i = 1; i < EXH_LOG_NFAMILIES; i++)
		if (strcmp(name, family_names[i]) == 0)
			return i;
	return EXH_LOG_UNKNOWN;
}

static bool
ends_log(const char *name)
{
	return exh_ascii_iends(name, ".log") || exh_ascii_iends(name, ".log.gz");
}

int
exh_log_family_for_path(const char *winpath, const char *install_path)
{
	char p[4096], inst[4096], *rel, *last, *parent, *gparent, *s;
	size_t n, i;

	if (winpath == NULL || (n = strlen(winpath)) >= sizeof(p))
		return EXH_LOG_UNKNOWN;
	for (i = 0; i <= n; i++)
		p[i] = winpath[i] == '/' ? '\\' : winpath[i];
	/* IIS: ...\LogFiles\W3SVC<id>\u_ex*.log, wherever the site logs. */
	last = strrchr(p, '\\');
	if (last != NULL) {
		*last = '\0';
		parent = strrchr(p, '\\');
		if (parent != NULL) {
			*parent = '\0';
			gparent = strrchr(p, '\\');
			gparent = gparent ? gparent + 1 : p;
			if (exh_ascii_iequal(gparent, "LogFiles") &&
			    exh_ascii_istarts(parent + 1, "W3SVC") &&
			    exh_ascii_istarts(last + 1, "u_ex") &&
			    ends_log(last + 1))
				return EXH_LOG_IIS;
			*parent = '\\';
		}
		*last = '\\';
	}
	rel = NULL;
	if (install_path != NULL && install_path[0] != '\0') {
		n = strlen(install_path);
		if (n + 2 > sizeof(inst))
			return EXH_LOG_UNKNOWN;
		for (i = 0; i <= n; i++)
			inst[i] = install_path[i] == '/' ? '\\' :
			    install_path[i];
		if (inst[n - 1] != '\\') {
			inst[n] = '\\';
			inst[n + 1] = '\0';
		}
		if (exh_ascii_istarts(p, inst))
			rel = p + strlen(inst);
	} else if ((s = (char *)exh_ascii_istrstr(p, "\\Logging\\")) != NULL) {
		rel = s + 1;
	}
	if (rel == NULL)
		return EXH_LOG_UNKNOWN;
	if (exh_ascii_istarts(rel, "Logging\\HttpProxy\\")) {
		s = rel + strlen("Logging\\HttpProxy\\");
		if (strchr(s, '\\') != NULL && ends_log(s))
			return EXH_LOG_HTTPPROXY;
	} else if (exh_ascii_istarts(rel, "Logging\\ECP\\Server\\")) {
		s = rel + strlen("Logging\\ECP\\Server\\");
		if (strchr(s, '\\') == NULL && ends_log(s))
			return EXH_LOG_ECP_SERVER;
	} else if (exh_ascii_istarts(rel, "Logging\\OABGeneratorLog\\")) {
		s = rel + strlen("Logging\\OABGeneratorLog\\");
		if (*s != '\0' && s[strlen(s) - 1] != '\\')
			return EXH_LOG_OABGEN;
	} else if (exh_ascii_istarts(rel,
	    "Logging\\CmdletInfra\\Powershell-Proxy\\Http\\")) {
		s = rel + strlen("Logging\\CmdletInfra\\Powershell-Proxy\\Http\\");
		if (*s != '\0' && strchr(s, '\\') == NULL)
			return EXH_LOG_RPS_HTTP;
	}
	return EXH_LOG_UNKNOWN;
}
