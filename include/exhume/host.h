/* Exchange host profile from the offline disk: hives, ExSetup.exe, IIS config, patch verdicts. */
#ifndef EXHUME_HOST_H
#define EXHUME_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"
#include "exhume/findings.h"
#include "exhume/source.h"
#include "exhume/volume.h"

/* Size caps for evidence read whole into memory. */
#define EXH_HIVE_MAX_BYTES	(512u * 1024 * 1024)
#define EXH_HIVE_LOG_MAX_BYTES	(256u * 1024 * 1024)	/* each .LOG1/.LOG2 */
#define EXH_PE_MAX_BYTES	(64u * 1024 * 1024)
#define EXH_IISCONF_MAX_BYTES	(16u * 1024 * 1024)

/*
 * Replaying a dirty hive's transaction logs (hivelog.c).  The caller names
 * the logs for the notes ("SYSTEM.LOG1", "SYSTEM.LOG2"); the rest is the
 * outcome.  note is "" for a clean hive, else one line saying what was
 * replayed or why nothing was, then any damage (file, entry offset, why).
 */
#define EXH_HIVE_REPLAY_NOTE	768
struct exh_hive_replay {
	const char *log_names[2];	/* in */
	bool dirty;		/* primary != secondary sequence number */
	unsigned entries;	/* log entries applied */
	unsigned pages;		/* dirty pages (page runs) written */
	unsigned logs_used;	/* bit 0: first log, bit 1: second */
	char note[EXH_HIVE_REPLAY_NOTE];
};

/* True when hive's base block is sound and its sequence numbers differ, or
 * when hive bins follow a damaged base block (a log may hold a copy). */
bool exh_hive_is_dirty(const void *hive, size_t len);

/*
 * When the hive image in *hive (a copy, never the evidence) is dirty,
 * applies the new-format (HvLE) entries of the two logs (either may be
 * NULL) in sequence-number order, then makes the base block consistent
 * (equal sequence numbers, checksum); a damaged base block is first
 * replaced by a log's copy.  An entry with a bad hash, size or
 * page reference stops the replay there.  The image grows to the logged
 * hive bins size (at most EXH_HIVE_MAX_BYTES).  EXH_OK with the outcome in
 * *out, or EXH_ENOMEM.
 */
int exh_hive_replay_logs(struct exh_buf *hive, const void *log1, size_t len1,
    const void *log2, size_t len2, struct exh_hive_replay *out,
    struct exh_err *err);

/* Marvin32 with the seed the registry logs use (exposed for tests). */
uint64_t exh_hive_marvin32(const void *data, size_t len);

/* The vulnerability families the verdict covers, in output order. */
enum exh_family {
	EXH_FAM_PROXYLOGON = 0,		/* March 2021 SU / 2010 RU32 */
	EXH_FAM_PROXYSHELL = 1,		/* May 2021 SU level */
	EXH_FAM_PROXYNOTSHELL = 2,	/* November 2022 SU */
	EXH_FAM_COUNT = 3,
};

enum exh_verdict_kind {
	EXH_VERDICT_UNKNOWN = 0,
	EXH_VERDICT_VULNERABLE = 1,
	EXH_VERDICT_FIXED = 2,
	EXH_VERDICT_NOT_AFFECTED = 3,	/* the family does not apply */
};

/* The build table (rules/exchange-builds.tsv), opaque. */
struct exh_builds;

/* Result of looking one build up in the table for one family. */
struct exh_verdict {
	int family;		/* enum exh_family */
	int verdict;		/* enum exh_verdict_kind */
	char cu[32];		/* "CU19", "" when the build matches no CU */
	char fixed_build[48];	/* fixing build for that CU, "" if none */
	char reason[256];	/* why, in one phrase */
	struct exh_msg why;	/* the same, for the report's language */
};

struct exh_update {
	char *kb;		/* "KB5000871" or "" */
	char *display_name;
	int64_t install_date;	/* FILETIME (midnight UTC of the date), 0 */
	char *source;		/* "SOFTWARE\\...\\Uninstall\\<key>", or event */
	bool failed;		/* from an event saying the install failed */
};

/*
 * The update table (rules/exchange-updates.tsv): every build from Exchange
 * 2010 SP3 to SE, support states and the update -> CVE map.  Opaque.
 */
struct exh_cvemap;

/* What the table says about one build's version, CU and support. */
struct exh_support_state {
	char product[32];	/* "Exchange Server 2019", "" when unknown */
	char version[8];	/* "2010" ... "2019", "SE", "" */
	char cu[32];		/* "CU14", "RU32", "" */
	char update[32];	/* "Feb26SU"; "" for the CU's base build or an
				   unknown revision */
	char released[16];	/* release date of that exact build, "" */
	char channel[8];	/* cu, ru, su, hu, esu; "" unknown revision */
	char state[32];		/* "supported", "out of support",
				   "out of support (ESU)", "unknown" */
	char ended[16];		/* day support ended, "" */
	char reason[512];	/* one sentence for the responder */
	struct exh_msg why;	/* the same, for the report's language */
};

/* The verdict for one CVE.  The const strings point into the table and
 * live as long as it does; "" when absent, never NULL. */
struct exh_cve_verdict {
	const char *cve;
	const char *title;
	const char *group;	/* "ProxyLogon" ... or "" */
	const char *fixed_by_list; /* the table's FIXED_BY ("Mar21SU,...") */
	const char *kev;	/* day CISA listed it, "" */
	const char *exploited_since; /* first exploitation, "" */
	const char *published;	/* day Microsoft published it, "" */
	const char *depends;	/* "org: ..." / "host: ..." / "" */
	const char *note;
	int verdict;		/* enum exh_verdict_kind */
	bool not_assessed;	/* published after the version left support */
	char fix_update[32];	/* the fixing update for this build's CU or
				   the newest CU with one ("Feb23SU"), "" */
	char fix_build[24];	/* its build, "" */
	char fix_released[16];	/* when Microsoft first released the fix */
	int64_t fix_installed;	/* FILETIME the fix reached the disk (an
				   installed update of this CU), 0 unknown */
	char reason[384];
	struct exh_msg why;	/* the same, for the report's language */
};

struct exh_iis_binding {
	char *protocol;
	char *info;		/* "*:443:" */
};

struct exh_iis_site {
	long id;
	char *name;
	struct exh_iis_binding *bindings;
	size_t nbindings;
	char *log_dir;		/* base directory as configured */
	char *log_dir_resolved;	/* expanded, plus "\\W3SVC<id>": where this
				   site's W3C logs are */
};

struct exh_iis_vdir {
	char *site;
	char *app_path;		/* "/owa" */
	char *vdir_path;	/* "/" */
	char *physical_path;	/* as configured */
	char *physical_resolved;
	char *app_pool;
};

/* What the offline configuration says about one exposure. */
enum exh_expo_state {
	EXH_EXPO_OK = 0,	/* as expected; a mitigation is present */
	EXH_EXPO_WEAK = 1,	/* set, but weaker than expected */
	EXH_EXPO_MISSING = 2,	/* off, absent or not applied */
	EXH_EXPO_FAILING = 3,	/* present but reported as failing */
	EXH_EXPO_SUSPICIOUS = 4, /* not what Exchange ships: review */
	EXH_EXPO_UNKNOWN = 5,	/* the deciding data is not on the disk */
	EXH_EXPO_NOT_NEEDED = 6, /* the build is fixed or not affected */
};

/*
 * One configuration exposure or integrity result (exposure.c, owa.c):
 * Extended Protection per vdir, the TokenCacheModule, IIS modules and
 * filters, serialization signing, EEMS and the mitigation rules, the OWA
 * logon page.  Strings are owned and raw (attacker-reachable), never
 * NULL; "" when absent.
 */
struct exh_exposure {
	const char *area;	/* static: "extended-protection", ... */
	char *subject;		/* "Default Web Site/ecp", a module name */
	int state;		/* enum exh_expo_state */
	char *expected;		/* "Require" */
	char *actual;		/* "None" */
	char *cves;		/* "CVE-2024-21410", "" */
	char *path;		/* the file the evidence came from */
	char *reason;		/* one sentence for the responder */
	int score;		/* the finding's score when not OK and not
				   unknown; 0: no finding */
};

struct exh_family_verdict {
	int family;		/* enum exh_family */
	int verdict;		/* enum exh_verdict_kind */
	char *build;		/* the build the verdict used, "" if none */
	char *cu;		/* CU name from the table */
	char *fixed_build;	/* fixing build for that CU, "" if none */
	char *evidence;		/* which source gave which build; disagreements */
	char *reason;
	struct exh_msg why;	/* reason, for the report's language */
	int64_t fix_installed_since;	/* FILETIME of the earliest fixing
					   update's install, 0 if unknown */
	bool still_vulnerable;	/* vulnerable with no fix installed */
};

/*
 * The host profile: a transparent record.  Every string is owned by the
 * profile, never NULL after exh_profile_build* succeeds (possibly ""),
 * and raw: registry values and config text are attacker-reachable, so
 * escape them at output (exh_report_profile_json/_text do).
 */
struct exh_profile {
	/* Windows (SYSTEM and SOFTWARE hives). */
	char *computer_name;
	char *domain;
	char *product_name;
	char *current_build;		/* CurrentBuild, e.g. "17763" */
	int64_t install_date;		/* FILETIME, 0 if unknown */
	char *system_root;		/* SystemRoot, default "C:\\Windows" */
	char *timezone_name;
	int timezone_bias_minutes;	/* Bias: UTC = local + bias */
	int rtc_is_utc;			/* RealTimeIsUniversal: 1, 0, -1 */
	int64_t last_shutdown;		/* FILETIME, 0 if unknown */
	int control_set;		/* Select\Current, 0 if unknown */

	/* Exchange. */
	bool exchange_present;
	char *exchange_version_key;	/* "v15", "v14" or "" */
	int exchange_version;		/* 2010/2013/2016/2019, 0 unknown */
	char *install_path;		/* with trailing backslash */
	char *install_path_source;
	char *env_install_path;		/* ExchangeInstallPath, "" if absent */
	char *registry_build;		/* MsiProductMajor.Minor.BuildMajor.BuildMinor */
	char *exsetup_build;		/* ExSetup.exe VS_FIXEDFILEINFO */
	char *exsetup_path;
	char *product_display_version;	/* Uninstall product entry */
	char **roles;			/* "MailboxRole", or "X (setup incomplete)" */
	size_t nroles;
	bool um_installed;
	bool um_services_disabled;	/* MSExchangeUM(CR) Start = 4 */
	bool msupdate_service;		/* DearCry's service */
	char *msupdate_image;
	bool msert_patchstate;		/* SOFTWARE\MSERTBootstrap\PatchState */
	char *msert_detail;
	int eems_start;			/* MSExchangeMitigation Start; -1 no
					   service key, -2 no Start value,
					   -3 SYSTEM hive not read */
	int serialization_signing;	/* v15 Diagnostics value
					   EnableSerializationDataSigning:
					   1, 0, -1 absent, -3 SOFTWARE
					   hive not read */
	struct exh_update *updates;
	size_t nupdates;

	/* IIS (applicationHost.config). */
	bool iis_config_found;
	struct exh_iis_site *sites;
	size_t nsites;
	struct exh_iis_vdir *vdirs;
	size_t nvdirs;
	char **rewrite_rules;		/* rule names under any rewrite/rules */
	size_t nrewrite_rules;

	/* Configuration exposures and OWA logon-page integrity, in check
	 * order (exposure.c, owa.c). */
	struct exh_exposure *exposures;
	size_t nexposures;

	struct exh_family_verdict verdicts[EXH_FAM_COUNT];

	/* Per-CVE verdicts (rules/exchange-updates.tsv); ncves 0 without
	 * the table.  knowledge_as_of "" then. */
	struct exh_support_state support;
	char knowledge_as_of[16];	/* "2026-09" */
	char knowledge_last_update[32];	/* "Sep26SUv2" */
	struct exh_cve_verdict *cves;
	size_t ncves;
	struct exh_cvemap *cvemap;	/* owned */

	char **notes;
	size_t nnotes;
	struct exh_msg *note_msgs;	/* the same nnotes notes, for the
					   report's language */

	struct exh_builds *builds;	/* owned; for recomputing verdicts */
};

/*
 * Reads one file of the examined Windows installation (Windows-form path
 * with drive letter, "C:\\Windows\\System32\\config\\SOFTWARE") whole into
 * out, refusing more than max bytes.  Returns EXH_OK, EXH_ENOTFOUND, or a
 * local error (the profile records it as a note).
 */
typedef int (*exh_profile_read_fn)(void *ctx, const char *path, size_t max,
    struct exh_buf *out, struct exh_err *err);

/*
 * Builds the profile from whatever read() can deliver.  rules_dir holds
 * exchange-builds.tsv and (optional) scope.txt.  Missing or corrupt hives,
 * keys and files become notes and fallbacks, never a failure: the result
 * is EXH_OK with notes.  Returns EXH_ENOMEM or EXH_EUSAGE otherwise.  *out
 * is set only on success and freed with exh_profile_free.
 */
int exh_profile_build_from(exh_profile_read_fn read, void *ctx,
    const char *rules_dir, struct exh_profile **out, struct exh_err *err);

/*
 * The same for opened volumes: finds the system volume (the first with
 * \Windows\System32\config\SYSTEM) and reads through exh_volume_read_file.
 * Other volumes are used for paths on their drive letter (set with
 * exh_volume_set_letter).  No system volume is EXH_ENOTFOUND.
 */
int exh_profile_build(struct exh_volume *const *vols, size_t nvols,
    const char *rules_dir, struct exh_profile **out, struct exh_err *err);

void exh_profile_free(struct exh_profile *p);

/*
 * Records one update install seen elsewhere (MsiInstaller events) and
 * recomputes the exposure windows.  time is a FILETIME; kb "KB5000871".
 * Returns EXH_OK, EXH_ENOMEM or EXH_EUSAGE.
 */
int exh_profile_add_update_event(struct exh_profile *p, int64_t time,
    const char *kb, bool failed);

/*
 * Adds host findings (kind EXH_FIND_HOST) to out: suspicious vdir
 * physical paths, EOMT rewrite rules, disabled UM services, the msupdate
 * service, MSERT traces and "still vulnerable" verdicts.
 */
int exh_profile_findings(const struct exh_profile *p, struct exh_findings *out,
    struct exh_err *err);

/*
 * Drive letters as the host itself assigned them: the values
 * "\\DosDevices\\X:" of SYSTEM\MountedDevices.  A basic disk's partition
 * is named by the MBR disk signature and the partition's byte offset, a
 * GPT partition by its unique GUID.
 */
enum exh_mount_kind {
	EXH_MOUNT_MBR = 1,
	EXH_MOUNT_GPT = 2,
};

struct exh_mounted_device {
	char letter;			/* 'C'..'Z' */
	int kind;			/* enum exh_mount_kind */
	uint32_t mbr_signature;		/* EXH_MOUNT_MBR */
	uint64_t mbr_offset;		/* EXH_MOUNT_MBR: bytes from disk start */
	char gpt_guid[40];		/* EXH_MOUNT_GPT: lower-case text form */
};

/* Most values of MountedDevices examined; a real host has dozens. */
#define EXH_MOUNTED_MAX_VALUES	4096

struct exh_mounted_devices {
	struct exh_mounted_device *devs;	/* by letter, one per letter */
	size_t ndevs;
	char **notes;		/* values ignored and why (escaped text) */
	size_t nnotes;
};

/*
 * Decodes one MountedDevices value: name as hivex gives it, data[0..len)
 * raw.  Returns EXH_OK (out filled), EXH_ENOTFOUND (not a drive letter
 * value, e.g. "\\??\\Volume{...}": nothing to say) or EXH_ECORRUPT with
 * the reason in err (a drive letter value that names no disk partition:
 * a letter outside C..Z, data of another size, a device path of removable
 * media).  The data is attacker-controlled; any length is safe.
 */
int exh_mounted_decode(const char *name, const void *data, size_t len,
    struct exh_mounted_device *out, struct exh_err *err);

/*
 * Reads SYSTEM\MountedDevices from the SYSTEM hive bytes hive[0..len).
 * Values that are ignored (another form, bad size, second value for a
 * letter, beyond EXH_MOUNTED_MAX_VALUES) become notes.  Returns EXH_OK,
 * EXH_ENOTFOUND (no MountedDevices key), EXH_ECORRUPT (not a hive),
 * EXH_EIO or EXH_ENOMEM; *out is set only on EXH_OK, freed with
 * exh_mounted_free.
 */
int exh_mounted_from_hive(const void *hive, size_t len,
    struct exh_mounted_devices **out, struct exh_err *err);

/* The same from the system volume's \Windows\System32\config\SYSTEM. */
int exh_mounted_read(struct exh_volume *sys, struct exh_mounted_devices **out,
    struct exh_err *err);
void exh_mounted_free(struct exh_mounted_devices *m);

/*
 * The letter m gives partition p (its table identity, see struct
 * exh_partition), or 0.  *nmatch (when not NULL) is how many letters name
 * p: more than one is a conflict, and the lowest letter is returned.
 */
char exh_mounted_letter(const struct exh_mounted_devices *m,
    const struct exh_partition *p, size_t *nmatch);

/* "MBR disk 1234abcd at offset 1048576" or "GPT partition {guid}". */
void exh_mounted_describe(const struct exh_mounted_device *d, char *buf,
    size_t len);

/*
 * Lower-level pieces.  exh_pe_file_version reads VS_FIXEDFILEINFO from the
 * first RT_VERSION resource of a PE image held in memory; returns EXH_OK,
 * EXH_ECORRUPT (malformed, out of bounds, looping) or EXH_ENOTFOUND (a
 * valid PE without a version resource).
 */
int exh_pe_file_version(const unsigned char *pe, size_t len, uint16_t v[4],
    struct exh_err *err);

/* Loads the build table; EXH_OK, EXH_ENOTFOUND, EXH_ECORRUPT (with line),
 * EXH_ENOMEM.  *out set only on success. */
int exh_builds_load(const char *tsv_path, struct exh_builds **out,
    struct exh_err *err);
void exh_builds_free(struct exh_builds *b);

/*
 * Verdict for build ("15.1.2176.9") and family following HealthChecker's
 * rule: fixed when at or above the fixing build of the newest CU that
 * has one, or on a listed CU at or above that CU's fixing build.  Returns
 * EXH_OK (out filled) or EXH_EUSAGE (unparsable build).
 */
int exh_builds_verdict(const struct exh_builds *b, const char *build,
    int family, struct exh_verdict *out);

/* Loads rules/exchange-updates.tsv: EXH_OK, EXH_ENOTFOUND, EXH_ECORRUPT
 * (with line), EXH_ENOMEM.  *out set only on success. */
int exh_cvemap_load(const char *tsv_path, struct exh_cvemap **out,
    struct exh_err *err);
void exh_cvemap_free(struct exh_cvemap *m);
/* "2026-09" and "Sep26SUv2": the table's date and newest update. */
const char *exh_cvemap_as_of(const struct exh_cvemap *m);
const char *exh_cvemap_last_update(const struct exh_cvemap *m);
size_t exh_cvemap_count(const struct exh_cvemap *m);

/*
 * Version, CU, update and support state of build ("15.2.1544.4").
 * EXH_OK, or EXH_EUSAGE for an unparsable build (out says why).
 */
int exh_cvemap_support(const struct exh_cvemap *m, const char *build,
    struct exh_support_state *out);

/*
 * Verdict of build for the table's CVE number i (< exh_cvemap_count):
 * fixed when at or above the fixing build of the newest CU that has one
 * (SE continues 2019), or on a CU with a fixing build and at or above it;
 * vulnerable otherwise; not affected when Microsoft lists the version as
 * not affected or the version was released after the fix; unknown (and
 * not_assessed) when the CVE was published after the version left
 * support, or when no Exchange update fixes it.  EXH_OK or EXH_EUSAGE.
 */
int exh_cvemap_verdict(const struct exh_cvemap *m, const char *build,
    size_t i, struct exh_cve_verdict *out);

/*
 * A span during which the host ran a build exposed to an exploited
 * vulnerability: one per group ("ProxyLogon"), or per CVE outside a group.
 * start: the earliest first exploitation of the group's exposed CVEs (their
 * publication when no exploitation date is known); end: when the fix
 * reached the disk (the latest of the CVEs' fix_installed), 0 while a CVE
 * of the group is still vulnerable (open).
 */
#define EXH_WINDOWS_MAX	16
struct exh_exposure_window {
	char group[32];		/* "ProxyLogon" or "CVE-2021-42321" */
	char cves[128];		/* "CVE-2021-26855,CVE-2021-26857", cut
				   with ",..." */
	int64_t start;		/* FILETIME */
	bool start_published;	/* no exploitation date: publication */
	int64_t end;		/* FILETIME; 0 when open */
	bool open;		/* a CVE of the group is still vulnerable */
};

/*
 * The exposure windows of cves[0..n) (a profile's per-CVE verdicts) into
 * out[0..max), earliest start first; returns how many.  A CVE counts when
 * it has an exploitation date or a CISA KEV listing and the build is
 * vulnerable (open) or was fixed by an update installed after the start.
 * A fixed build with no recorded install time gives no window: it may
 * have been installed already fixed.  Pure: reads nothing but cves.
 */
size_t exh_exposure_windows(const struct exh_cve_verdict *cves, size_t n,
    struct exh_exposure_window *out, size_t max);

const char *exh_family_name(int family);	/* "ProxyLogon" ... */
const char *exh_verdict_name(int verdict);	/* "vulnerable" ... */
const char *exh_expo_state_name(int state);	/* "ok", "weaker", ... */

/*
 * Post-exploitation traces (issue 19 item 5; rules/traces.tsv): Defender
 * exclusions and protection switched off (SOFTWARE, SYSTEM), accounts in
 * the local Administrators group (SAM), services (SYSTEM) and scheduled
 * tasks (Windows\System32\Tasks) that run shells, script interpreters or
 * remote-management tools or programs in user-writable folders.  Each
 * trace is one EXH_FIND_HOST finding whose fields carry the evidence
 * (hive key, value, times; task file, author, registration date).
 */
struct exh_traces;

/* Loads rules/traces.tsv: EXH_OK, EXH_ENOTFOUND, EXH_ECORRUPT (with the
 * line), EXH_ENOMEM.  *out set only on success. */
int exh_traces_load(const char *tsv_path, struct exh_traces **out,
    struct exh_err *err);
void exh_traces_free(struct exh_traces *t);

/*
 * One file below a walked directory: f (borrowed) and its first len bytes,
 * or data NULL and problem saying why it was not read (damaged record,
 * larger than the cap).  Returns EXH_OK to go on, EXH_ENOMEM to stop.
 */
typedef int (*exh_traces_file_fn)(void *fctx, const struct exh_fileref *f,
    const void *data, size_t len, const char *problem);
/* Calls each for every file below dir (a Windows path with drive letter),
 * recursively, reading at most max bytes of each.  EXH_OK, EXH_ENOTFOUND
 * (no such directory) or an error. */
typedef int (*exh_traces_walk_fn)(void *ctx, const char *dir, size_t max,
    exh_traces_file_fn each, void *fctx, struct exh_err *err);

/*
 * Adds the traces found through read and walk to out.  p (may be NULL)
 * gives the control set, the Windows folder and the Exchange install path.
 * What could not be read or parsed becomes a line in *notes (a strvec the
 * caller owns).  Returns EXH_OK, EXH_ENOMEM or EXH_EUSAGE.
 */
int exh_traces_find_from(const struct exh_traces *t,
    const struct exh_profile *p, exh_profile_read_fn read,
    exh_traces_walk_fn walk, void *ctx, struct exh_findings *out,
    char ***notes, size_t *nnotes, struct exh_err *err);

/* The same over opened volumes (the system volume as exh_profile_build
 * finds it), with rules_dir/traces.tsv; a missing table is a note. */
int exh_traces_find(struct exh_volume *const *vols, size_t nvols,
    const char *rules_dir, const struct exh_profile *p,
    struct exh_findings *out, char ***notes, size_t *nnotes,
    struct exh_err *err);

/*
 * Extensions an IIS configuration (applicationHost.config, web.config)
 * hands to a script engine: every <add path="*.ext"> inside a <handlers>
 * section with a scriptProcessor or a managed handler type that runs code
 * (not HttpForbiddenHandler, StaticFileHandler and the like), outside XML
 * comments.  Appended to list as "|.ext|.ext|" in lower case, without
 * repeats; *added counts the new ones.  <remove> and <clear/> are not
 * followed: the list is for finding pages, so more is safer.  EXH_OK,
 * EXH_ENOMEM or EXH_EUSAGE.
 */
int exh_iis_script_handlers(const char *text, size_t len,
    struct exh_buf *list, size_t *added, struct exh_err *err);

#endif /* EXHUME_HOST_H */
