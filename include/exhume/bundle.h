/* Evidence bundle: the zip a responder carries out, its manifest, hashes and verify. */
#ifndef EXHUME_BUNDLE_H
#define EXHUME_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhume/core.h"

/* Cap for collected stream bytes when the options leave it 0: 4 GiB, so a
 * bundle fits a common USB stick next to the tool.  UINT64_MAX = no cap. */
#define EXH_BUNDLE_DEFAULT_CAP (4ULL << 30)
/* Free space a bundle needs beyond its estimate (zip headers, manifest,
 * documents); front ends show it so the refusal matches their figure. */
#define EXH_BUNDLE_SPACE_MARGIN (32ULL << 20)

/* Per-file cap for event logs planned by exh_bundle_plan_system: a larger
 * log keeps its first 256 MiB (header and the chunks stored first) and is
 * listed "incomplete" with EXH_BUNDLE_EVTX_CAP_WHY, so one huge Security
 * log cannot crowd out every other log under the bundle's cap. */
#define EXH_BUNDLE_EVTX_CAP (256ULL << 20)
#define EXH_BUNDLE_EVTX_CAP_WHY "event log over the per-file cap of " \
    "256 MiB: the first 256 MiB of the file are kept"

/* Longest entry path component we write (Windows and most zip tools). */
#define EXH_BUNDLE_NAME_MAX 255
/* Longest whole entry name: well inside what zip, unzip and PATH_MAX take,
 * so an attacker's deep path can neither overflow a writer nor make the
 * bundle uncheckable (the original path is kept in the manifest). */
#define EXH_BUNDLE_PATH_MAX 1024

/*
 * Files produced for opt->path = "D/case.zip":
 *   without encrypt_certs:  D/case.zip, D/case.zip.sha256
 *   with encrypt_certs:     D/case.zip.p7m (CMS enveloped data, DER,
 *                           AES-256-CBC, one recipient per certificate),
 *                           D/case.zip.p7m.sha256, and D/case.zip.sha256,
 *                           which holds the hash of the inner zip so the
 *                           output of "openssl cms -decrypt -out case.zip"
 *                           checks with "sha256sum -c case.zip.sha256".
 * While writing, only D/case.zip.partial-XXXXXX (and .p7m.partial-XXXXXX)
 * exist; nothing appears under a final name before it is complete.
 */
struct exh_bundle_options {
	const char *path;		/* final PATH.zip; must not exist */
	const char *zip_password;	/* NULL = none; AES-256 entries */
	const char *const *encrypt_certs; /* PEM X.509 recipient certs */
	size_t n_encrypt_certs;
	const char *sign_key;		/* PEM private key; with sign_cert */
	const char *sign_cert;		/* PEM certificate of the signer */
	const char *sign_key_password;	/* NULL when the key is clear */
	uint64_t max_collect_bytes;	/* 0 = EXH_BUNDLE_DEFAULT_CAP */
	/* Why a stream over the cap is left out, in the manifest and the
	 * report; NULL = "size cap".  "space" when the cap was lowered to
	 * the free space of the destination (exh_bundle_room). */
	const char *cap_reason;
};

/*
 * One stream to collect; metadata comes from the volume layer.  file is
 * borrowed for the call (the bundle copies what it keeps): path raw and
 * attacker-chosen, stream "" or NULL for the unnamed stream, size the
 * declared size (used for the cap); owner_sid is not used.
 */
struct exh_bundle_item {
	char drive;			/* 'C' */
	struct exh_fileref file;
	const char *reason;		/* "finding", "iis-log", "hive", ... */
	const char *const *finding_ids;
	size_t n_finding_ids;
	/* 0: the whole stream.  Else at most max_bytes are stored; a longer
	 * stream is "incomplete" with max_why (and counts max_bytes against
	 * the bundle's cap). */
	uint64_t max_bytes;
	const char *max_why;
};

struct exh_bundle;

/*
 * Preflight, called before any evidence is opened, so that a run does not
 * end after a long scan on something that was wrong from the start.
 * Checks, in this order: opt->path and its side files do not exist; the
 * directory exists and is a directory; it is not on a disk being
 * examined (sources: the paths of the sources to be read; a block device
 * source rules out every file system on the same disk, also through LVM,
 * dm-crypt or md; an image file source rules out nothing more, since the
 * image itself exists and is refused as a name); a file can be created
 * there (and is removed again); the zip password is not empty; the
 * signing key (with sign_key_password), its certificate and the recipient
 * certificates load; and, when estimated_bytes > 0, the free space as
 * exh_bundle_create computes it.  Nothing is left behind.  EXH_OK,
 * EXH_EUSAGE with a message naming the problem, EXH_EIO (free space
 * cannot be read) or EXH_ENOMEM.
 */
int exh_bundle_check(const struct exh_bundle_options *opt,
    const char *const *sources, size_t nsources, uint64_t estimated_bytes,
    struct exh_err *err);

/*
 * The stream bytes a bundle at opt->path can collect so that it fits the
 * free space of its directory: free space less BUNDLE_MARGIN (zip
 * headers, manifest) and reserve (the documents), halved when encrypting
 * (the clear zip and the envelope exist side by side); 0 when not even
 * that fits.  EXH_OK, EXH_EUSAGE (no path), EXH_EIO (statvfs failed).
 */
int exh_bundle_room(const struct exh_bundle_options *opt, uint64_t reserve,
    uint64_t *room, struct exh_err *err);

/*
 * The free bytes exh_bundle_create demands for an estimate of estimated
 * bytes: min(estimated, cap), doubled when encrypting, plus
 * EXH_BUNDLE_SPACE_MARGIN.  The same figure as its refusal uses.
 */
uint64_t exh_bundle_space_needed(const struct exh_bundle_options *opt,
    uint64_t estimated);

/*
 * Checks free space on the destination file system against
 * min(estimated_bytes, cap) plus a margin (twice that when encrypting,
 * since the clear zip exists until the envelope is written) and opens
 * PATH.zip.partial-XXXXXX (O_EXCL, 0600).  *out is set only on success.
 * EXH_EUSAGE: bad options, PATH exists, not enough space (message says
 * "need X, have Y"); EXH_EIO: the destination cannot be written.
 */
int exh_bundle_create(const struct exh_bundle_options *opt,
    uint64_t estimated_bytes, struct exh_bundle **out, struct exh_err *err);

/*
 * Streams the item's bytes from rd into files/<drive>/<safe path>,
 * hashing MD5, SHA-1 and SHA-256 as they come from the source, and
 * records a manifest line.  Returns:
 *   EXH_OK     stored (or left out because of the cap: status "left-out",
 *              why "size cap"; nothing is read then);
 *   EXH_EIO    rd failed mid-stream: what was read is stored, the entry is
 *              "incomplete" with the error; go on with the next item;
 *   EXH_EUSAGE bad item or the same entry added twice;
 *   EXH_EFATAL writing the bundle failed (disk full, file too large, I/O):
 *              the partial file is already removed; only abort is left.
 */
int exh_bundle_add_stream(struct exh_bundle *b,
    const struct exh_bundle_item *it, exh_read_fn rd, void *rctx,
    struct exh_err *err);

/* Lists the item in the manifest as "left-out" with why; stores nothing. */
int exh_bundle_add_skipped(struct exh_bundle *b,
    const struct exh_bundle_item *it, const char *why, struct exh_err *err);

/*
 * A generated document at the bundle root ("report.html",
 * "acquisition.json", "findings.jsonl", "timeline.csv", ...).  The name
 * must be a plain safe file name, not one of the names the bundle writes
 * itself (manifest.jsonl, SHA256SUMS, SHA256SUMS.p7s) and not "files".
 * Documents do not count against the cap.
 */
int exh_bundle_add_document(struct exh_bundle *b, const char *name,
    const void *data, size_t len, struct exh_err *err);

/*
 * The same document rendered straight into its entry: render writes it
 * to out in bounded pieces (exh_sink_flush), which are compressed and
 * hashed as they come, so the whole text is never held.  render returns
 * EXH_OK or a status; a failed render makes the call fail with it (the
 * bundle is then only fit for exh_bundle_abort); EXH_EFATAL when writing
 * the bundle failed (the partial file is already removed).
 */
typedef int (*exh_render_fn)(void *ctx, struct exh_sink *out);
int exh_bundle_add_document_render(struct exh_bundle *b, const char *name,
    exh_render_fn render, void *rctx, struct exh_err *err);

struct exh_bundle_result {
	char zip_sha256[65];	/* the zip (also in PATH.zip.sha256) */
	char p7m_sha256[65];	/* the envelope; "" when not encrypting */
	size_t collected, incomplete, left_out, documents;
	uint64_t collected_bytes;
};

/*
 * Writes manifest.jsonl, SHA256SUMS and (when asked) SHA256SUMS.p7s,
 * closes and fsyncs the archive, reads it back and checks every entry
 * against the hashes taken from the source, writes PATH.zip.sha256,
 * renames the zip to its final name (or writes the envelope), and fsyncs
 * the directory.  b is consumed whatever the outcome.  On any failure
 * nothing is left under a final name.  sha256_hex (may be NULL) gets the
 * zip's SHA-256.  EXH_EFATAL on write/read-back failures, EXH_EUSAGE on
 * unusable signing/encryption material.
 */
int exh_bundle_finish(struct exh_bundle *b, char sha256_hex[65],
    struct exh_err *err);
int exh_bundle_finish_result(struct exh_bundle *b,
    struct exh_bundle_result *res, struct exh_err *err);

/* Removes the partial output and frees b; accepts NULL. */
void exh_bundle_abort(struct exh_bundle *b);

/*
 * The one function that builds entry names for collected streams:
 * "files/<DRIVE>/<component>/.../<component>[%3A<stream>]".  Components
 * never are "." or "..", never hold control characters, invalid UTF-8,
 * '/', '\\', '%' or <>:"|?* raw, never end in '.' or ' ', are never
 * Windows device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, CONIN$,
 * CONOUT$ with any extension) and are at most EXH_BUNDLE_NAME_MAX bytes.
 * Such bytes are written as %XX, so a regular path ("<DRIVE>:\\..." with
 * no empty, overlong or ':'-holding components) decodes back to its
 * original.  Any other path ("\\\\?\\", UNC, relative, other drive,
 * overlong) gets "%~" and 16 hex digits of the SHA-256 of the original
 * appended to its last component, so distinct originals stay distinct.
 * The whole name is at most EXH_BUNDLE_PATH_MAX bytes: a deeper path keeps
 * its leading components, replaces the middle ones by one "%~N" component
 * (N of them left out) and is tagged.
 * EXH_EUSAGE when drive is not a letter or winpath is NULL or empty.
 */
int exh_bundle_entry_name(char drive, const char *winpath, const char *stream,
    struct exh_buf *out);

/*
 * Lists the partial files an interrupted run left next to the bundle at
 * path (PATH.partial-XXXXXX, PATH.sha256.partial-XXXXXX,
 * PATH.p7m.partial-XXXXXX): their names without the directory, in *out
 * (free with exh_bundle_free_names), their number in *n.  EXH_OK,
 * EXH_EIO (the directory cannot be read), EXH_ENOMEM.
 */
int exh_bundle_stale_partials(const char *path, char ***out, size_t *n,
    struct exh_err *err);
void exh_bundle_free_names(char **v, size_t n);

struct exh_verify_result {
	size_t entries, ok, altered, missing, extra;
	size_t stale_partials;	/* left by interrupted runs; see "stale" */
	bool side_hash_ok, side_hash_present;
	bool signature_present, signature_ok;
	/* signature_ok and its signer checked against ca_cert: without a
	 * CA, a valid signature only says which key signed (any key can). */
	bool signature_trusted;
	char signer[256];	/* the signer's subject (RFC 2253), raw; "" */
	bool manifest_ok;
};

/* what: "altered", "missing", "extra", "side-hash", "signature",
 * "manifest", "archive", or "stale" (a partial file next to the bundle:
 * reported, not counted as a problem of the bundle); name: the entry (raw bytes from the archive; escape before
 * printing) or NULL; detail: a short explanation. */
typedef void (*exh_verify_report_fn)(void *ctx, const char *what,
    const char *name, const char *detail);

/*
 * Verifies a bundle zip: the side hash PATH.sha256 when present, every
 * entry against SHA256SUMS and manifest.jsonl, and SHA256SUMS.p7s when
 * present (against ca_cert when given; a given ca_cert makes a missing
 * signature a failure).  Streams entry data; memory grows with the number
 * of entries, not their size.  EXH_OK when everything holds,
 * EXH_ECORRUPT when something does not (each problem goes to fn), EXH_EIO
 * or EXH_EUSAGE (wrong or missing password, unreadable file) otherwise.
 */
int exh_bundle_verify(const char *path, const char *zip_password,
    const char *ca_cert, exh_verify_report_fn fn, void *ctx,
    struct exh_verify_result *res, struct exh_err *err);

/*
 * The collection plan: what goes into a bundle, in order.  Flagged
 * streams come first, then the artefacts of each system volume.  When
 * the planned bytes exceed the bundle's cap, exh_bundle_plan_collect
 * chooses what to keep before reading anything: the streams of findings
 * before the artefacts, and within each, smaller before larger, so the
 * largest streams are left out first and the most items are kept.  A stream is planned once, keyed
 * by (volume, MFT record, stream name as stored), however often it is
 * asked for; planning n items costs O(n) expected.  Volumes are borrowed
 * and must stay open until the plan is destroyed.
 */
struct exh_volume;
struct exh_finding;
struct exh_bundle_plan;

int exh_bundle_plan_create(struct exh_bundle_plan **out, struct exh_err *err);
void exh_bundle_plan_destroy(struct exh_bundle_plan *p);

/*
 * Plans the stream of a file finding (kind FILE, level notice or above;
 * other findings are ignored) on vol, by the MFT record, sequence and
 * stream the finding carries, never by its display path.  Several
 * findings on one stream make one item that lists all their ids.
 * EXH_OK or EXH_ENOMEM.
 */
int exh_bundle_plan_finding(struct exh_bundle_plan *p, struct exh_volume *vol,
    const struct exh_finding *f, struct exh_err *err);

/*
 * Plans what a later analysis of a system volume needs: the registry
 * hives with their transaction logs, applicationHost.config and the
 * default web.config, every event log (*.evtx) under
 * System32\winevt\Logs, archived ones too, each up to EXH_BUNDLE_EVTX_CAP,
 * the IIS logs, $MFT, $LogFile and $UsnJrnl:$J.  What does not exist is
 * not planned.  EXH_OK or EXH_ENOMEM.
 */
int exh_bundle_plan_system(struct exh_bundle_plan *p, struct exh_volume *vol,
    struct exh_err *err);
/*
 * Plans the Logging folder below the Exchange folder install_dir ("X:\...\"
 * with its trailing backslash) on vol, the volume that holds it (the
 * Exchange folder is often on a data volume, E:\Exchange).  EXH_OK or
 * EXH_ENOMEM; a missing folder is not planned.
 */
int exh_bundle_plan_exchange(struct exh_bundle_plan *p, struct exh_volume *vol,
    const char *install_dir, struct exh_err *err);

size_t exh_bundle_plan_count(const struct exh_bundle_plan *p);
/* Declared bytes of every planned stream (before the cap). */
uint64_t exh_bundle_plan_bytes(const struct exh_bundle_plan *p);

typedef void (*exh_bundle_progress_fn)(void *ctx, size_t done, size_t total,
    const char *winpath);

/*
 * Reads every planned stream from its volume (by MFT reference) into b,
 * in plan order, calling progress (may be NULL) before each.  A stream
 * that cannot be collected (the record now holds another file, read
 * error, no entry name, size cap) is listed in the manifest as
 * "left-out" or "incomplete" with the reason, never dropped; one left
 * out to stay under the cap has the cap's reason (cap_reason).  Returns
 * EXH_OK, or what exh_bundle_add_stream returned when the bundle itself
 * failed (then only exh_bundle_abort is left).
 */
int exh_bundle_plan_collect(struct exh_bundle_plan *p, struct exh_bundle *b,
    exh_bundle_progress_fn progress, void *ctx, struct exh_err *err);

/* What became of one planned item; strings are borrowed from the plan. */
struct exh_bundle_outcome {
	const char *entry;		/* name in the zip; "" when none */
	const char *winpath;		/* raw original path */
	const char *stream;		/* "" = unnamed */
	uint64_t size;
	const char *sha256;		/* hex; "" when nothing was stored */
	const char *reason;		/* "finding", "hive", ... */
	const char *status;		/* "collected", "incomplete", "left-out" */
	const char *why;		/* NULL when collected */
};

/* Item i (< exh_bundle_plan_count) as collected so far: before
 * exh_bundle_plan_collect every item is "left-out". */
void exh_bundle_plan_outcome(const struct exh_bundle_plan *p, size_t i,
    struct exh_bundle_outcome *out);

#endif /* EXHUME_BUNDLE_H */
