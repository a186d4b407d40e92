/* Private declarations of the post-exploitation traces (traces.c, tasks.c, sam.c) and the registry helpers reg.c lends them. */
#ifndef EXHUME_TRACES_INT_H
#define EXHUME_TRACES_INT_H

#include <stdbool.h>

#include <hivex.h>

#include "exhume/host.h"
#include "exhume/volume.h"

/* Record kinds of rules/traces.tsv, in the file's vocabulary. */
enum traces_kind {
	TR_EXCL_ROOT = 0,
	TR_EXCL_PATH,
	TR_EXCL_EXT,
	TR_EXCL_PROC,
	TR_DISABLED,
	TR_PROGRAM,
	TR_COMMAND,
	TR_PLACE,
	TR_SERVICE,
	TR_NKINDS,
};

struct traces_rule {
	int kind;		/* enum traces_kind */
	char *pattern;
	int score;
	char *description;
	char name[48];		/* "traces.tsv:123", the reason's name */
};

struct exh_traces {
	struct traces_rule *rules;
	size_t n;
};

/* Glob match, ASCII case-insensitive: '*' any run, '?' one byte.  The
 * work is bounded (no backtracking blow-up). */
bool traces_glob(const char *pattern, const char *s);

/* The first rule of kind matching s, or NULL. */
const struct traces_rule *traces_match(const struct exh_traces *t, int kind,
    const char *s);

/* A task registered in TaskCache\Tree. */
struct traces_tree_task {
	char *name;		/* "\\Microsoft\\Windows\\Defrag\\X" */
	int64_t written;	/* its key's last write */
	bool seen;		/* the walk met its file */
};

/* Where a trace's findings and notes go. */
struct traces_out {
	const struct exh_traces *t;
	const struct exh_profile *p;	/* never NULL (a default one) */
	struct exh_findings *fs;
	char ***notes;
	size_t *nnotes;
	int rc;				/* first EXH_ENOMEM */
	/* Tasks registered in SOFTWARE's TaskCache\Tree ("\\A\\B"),
	 * sorted, and whether the walk of System32\Tasks met their file. */
	struct traces_tree_task *tree;
	size_t ntree;
	const char *tasks_dir;		/* during the walk */
	bool walk_cut;			/* the walk stopped at its cap */
};

/* Finding construction: tr_new gives NULL after a failure (o->rc set). */
struct exh_finding *traces_new(struct traces_out *o, const char *check,
    const char *path, int64_t time);
void traces_field(struct traces_out *o, struct exh_finding *f,
    const char *key, const char *value);
void traces_time_field(struct traces_out *o, struct exh_finding *f,
    const char *key, int64_t ft);
void traces_reason(struct traces_out *o, struct exh_finding *f,
    const struct traces_rule *r, int score, const char *description,
    const char *reference, const char *detail);
/* Scores f and hands it to the collector when it reaches a notice (or
 * always, as info, when info is true); frees it otherwise. */
void traces_emit(struct traces_out *o, struct exh_finding *f, bool info);
void traces_note(struct traces_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds the program / command / place reasons for a program and its
 * arguments (either may be ""); returns how many reasons were added. */
size_t traces_command(struct traces_out *o, struct exh_finding *f,
    const char *program, const char *args, const char *reference);

/* Scheduled tasks (tasks.c). */
/* TaskCache\Tree of the SOFTWARE hive: tasks whose security descriptor
 * was removed (T3/hidden-task) and the list of registered tasks. */
void traces_task_tree(struct traces_out *o, hive_h *h);
/* After the walk: registered tasks whose XML file is missing. */
void traces_task_tree_missing(struct traces_out *o);
void traces_task_tree_free(struct traces_out *o);
/* Marks the registered task of file path (below dir) as seen. */
void traces_task_tree_seen(struct traces_out *o, const char *dir,
    const char *path);
#define TRACES_TASK_MAX_EXEC	32
#define TRACES_TASK_MAX_BYTES	(1024u * 1024)

struct traces_exec {
	char *command;		/* owned, "" when absent */
	char *arguments;
	char *workdir;
};

struct traces_task {
	char *uri;		/* RegistrationInfo/URI, "" */
	char *author;
	char *date;		/* RegistrationInfo/Date as written */
	char *user;		/* Principals/Principal/UserId */
	bool hidden;		/* Settings/Hidden true */
	struct traces_exec exec[TRACES_TASK_MAX_EXEC];
	size_t nexec;
	size_t nother;		/* ComHandler, SendEmail, ShowMessage */
	size_t dropped;		/* Exec actions beyond TRACES_TASK_MAX_EXEC */
};

/*
 * Parses task XML (UTF-16 with BOM or UTF-8, as Task Scheduler writes it)
 * into out.  No network, no entity expansion, no DTD loading.  Returns
 * EXH_OK, EXH_ECORRUPT (not XML or not a Task document; err says why) or
 * EXH_ENOMEM.  out is filled only on EXH_OK; free with traces_task_free.
 */
int traces_task_parse(const void *xml, size_t len, struct traces_task *out,
    struct exh_err *err);
void traces_task_free(struct traces_task *t);
/* Checks one task file (T3/scheduled-task). */
void traces_task_check(struct traces_out *o, const struct exh_fileref *f,
    const void *data, size_t len);

/* SAM (sam.c).  Bounds for hostile counts. */
#define TRACES_SAM_MAX_MEMBERS	1024

/*
 * Member SIDs of an alias's "C" value c[0..len): header of 52 bytes, the
 * member list at 52 + offset (u32 at 40), count at 48.  Each SID checked
 * against len.  Returns EXH_OK, EXH_ECORRUPT (truncated or forged: the
 * members read before the damage are kept in *sids, err says why) or
 * EXH_ENOMEM.  *sids is a strvec the caller frees.
 */
int traces_alias_members(const unsigned char *c, size_t len, char ***sids,
    size_t *n, struct exh_err *err);
/* The machine SID "S-1-5-21-a-b-c" from the last 12 bytes of
 * SAM\Domains\Account value V; false when v is too short. */
bool traces_machine_sid(const unsigned char *v, size_t len,
    char out[EXH_SID_MAX]);
void traces_sam_check(struct traces_out *o, const void *data, size_t len);

/* Registry helpers (reg.c): a key by backslash path (0 when missing), a
 * string value as UTF-8 (NULL when absent; *nomem on ENOMEM), a DWORD
 * (0, or -1 when absent or not a DWORD). */
hive_node_h host_reg_node(hive_h *h, hive_node_h from, const char *path);
char *host_reg_str(hive_h *h, hive_node_h n, const char *name, int *nomem);
int host_reg_dword(hive_h *h, hive_node_h n, const char *name,
    uint32_t *out);

/* Shared by traces.c and traces_hives.c. */
#define SOFTWARE_HIVE	"C:\\Windows\\System32\\config\\SOFTWARE"
#define SYSTEM_HIVE	"C:\\Windows\\System32\\config\\SYSTEM"
#define SAM_HIVE	"C:\\Windows\\System32\\config\\SAM"
char *traces_normal_path(const struct exh_profile *p, const char *s);
int traces_split_image(const char *image, char **prog, char **args);
void traces_software_check(struct traces_out *o, const void *data,
    size_t len);
void traces_system_check(struct traces_out *o, const void *data,
    size_t len);

#endif /* EXHUME_TRACES_INT_H */
