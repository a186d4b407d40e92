/* Private to src/bundle: name table, archive reading, CMS helpers. */
#ifndef EXHUME_BUNDLE_INT_H
#define EXHUME_BUNDLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <archive.h>
#include <openssl/x509.h>

#include "exhume/core.h"
#include "exhume/bundle.h"

#define BUNDLE_MANIFEST "manifest.jsonl"
#define BUNDLE_SUMS "SHA256SUMS"
#define BUNDLE_SIG "SHA256SUMS.p7s"

/* One name seen by the writer or the verifier, with the digests known. */
struct bundle_names_ent {
	char *name;
	unsigned char zip[32];		/* as stored (computed on reading) */
	unsigned char sums[32];		/* as listed in SHA256SUMS */
	unsigned char manifest[32];	/* as listed in manifest.jsonl */
	bool in_zip, in_sums, in_manifest, dup, bad_data;
};

/* Insertion-ordered table of entries with a hash index on the name. */
struct bundle_names {
	struct bundle_names_ent *v;
	size_t n, cap;
	size_t *slot;			/* index + 1; 0 = empty */
	size_t nslot;
};

/* Finds name or adds it (zeroed); *created says which.  EXH_ENOMEM. */
int bundle_names_get(struct bundle_names *t, const char *name,
    struct bundle_names_ent **out, bool *created);
struct bundle_names_ent *bundle_names_find(const struct bundle_names *t,
    const char *name);
void bundle_names_free(struct bundle_names *t);

/* True when the base name (before the first '.') is a Windows device. */
bool bundle_is_device_name(const char *s, size_t n);

/*
 * Reads every entry of a zip in archive order and hands its SHA-256 to
 * fn; data also goes to data_fn (may be NULL) for entries it wants
 * (returns true from want_fn).  A damaged entry is reported through fn
 * with a detail; a damaged archive structure ends the walk with
 * EXH_ECORRUPT.  EXH_EUSAGE for a missing or wrong password.
 */
struct bundle_walk {
	void *ctx;
	/* Return false to skip data streaming to data_fn for this entry. */
	bool (*want)(void *ctx, const char *name);
	int (*data)(void *ctx, const char *name, const void *p, size_t n);
	/* detail is NULL when the entry read cleanly. */
	int (*entry)(void *ctx, const char *name, const unsigned char sha[32],
	    const char *detail);
};
int bundle_read_zip(const char *path, const char *password,
    const struct bundle_walk *w, struct exh_err *err);

/* SHA-256 of a whole file, streamed. */
int bundle_hash_file(const char *path, unsigned char sha[32],
    struct exh_err *err);

/* PEM loading; errors are EXH_EUSAGE with the file named. */
int bundle_load_cert(const char *path, X509 **out, struct exh_err *err);
int bundle_load_key(const char *path, const char *pass, EVP_PKEY **out,
    struct exh_err *err);

/* DER detached CMS signature over what fd holds from its current offset
 * to its end, read in chunks, into out. */
int bundle_sign(X509 *cert, EVP_PKEY *key, int fd, struct exh_buf *out,
    struct exh_err *err);
/* Streams in_path into out_path as DER CMS enveloped data (AES-256-CBC). */
int bundle_envelope(STACK_OF(X509) *certs, int in_fd, int out_fd,
    struct exh_err *err);
/* Verifies a detached DER signature; ca_cert NULL checks the signature
 * only.  The first signer's subject (RFC 2253) goes into signer (""
 * when there is none).  EXH_OK, EXH_ECORRUPT (detail in err), EXH_EUSAGE
 * (bad CA file). */
int bundle_check_signature(const void *sig, size_t siglen, const void *data,
    size_t len, const char *ca_cert, char *signer, size_t signer_len,
    struct exh_err *err);

/* Last OpenSSL error as text, for messages. */
const char *bundle_ssl_error(char *buf, size_t len);

/* Bytes of the stream the bundle stores at most (max_bytes or size). */
uint64_t bundle_item_bytes(const struct exh_bundle_item *it);

/* One manifest.jsonl line. */
struct manifest_line {
	const char *entry;		/* NULL: not stored */
	const struct exh_bundle_item *item; /* NULL: a document */
	uint64_t stored;		/* bytes in the entry */
	bool have_digests;
	unsigned char md5[16], sha1[20], sha256[32];
	const char *status;		/* "collected", "left-out", "incomplete" */
	const char *why;		/* NULL when collected cleanly */
};

/* Appends one line (with '{' ... "}\n") to b.  EXH_ENOMEM. */
int manifest_put(struct exh_buf *b, const struct manifest_line *m);


/*
 * A document that grows with the findings (manifest.jsonl, SHA256SUMS),
 * kept in an unlinked file until it goes into the zip: memory stays
 * bounded however many entries there are.
 */
struct bundle_spool {
	int fd;				/* -1: not open */
	struct exh_buf buf;		/* lines not yet written */
	uint64_t len;			/* bytes written to fd */
	const char *what;		/* for messages */
};

void bundle_spool_init(struct bundle_spool *s);
/* An unlinked file in dir (O_TMPFILE, else mkstemp and unlink).
 * EXH_EFATAL names what and dir. */
int bundle_spool_open(struct bundle_spool *s, const char *dir,
    const char *what, struct exh_err *err);
void bundle_spool_close(struct bundle_spool *s);
/* Writes the gathered lines once there are 64 KiB (all: any).  EFATAL. */
int bundle_spool_flush(struct bundle_spool *s, bool all, struct exh_err *err);
/* Flushes everything and goes back to the start for reading. */
int bundle_spool_rewind(struct bundle_spool *s, struct exh_err *err);
/* read(2) of the spool file; *got 0 at its end.  EFATAL. */
int bundle_spool_read(struct bundle_spool *s, void *buf, size_t len,
    size_t *got, struct exh_err *err);

/* The writer's state; shared by write.c and finish.c. */
#define BUNDLE_MAGIC 0x45584842u	/* "EXHB" */
#define BUNDLE_CHUNK (64 * 1024)
/* Room for zip headers, manifest and documents beyond the estimate. */
#define BUNDLE_MARGIN EXH_BUNDLE_SPACE_MARGIN

enum bundle_state { BUNDLE_OPEN, BUNDLE_FAILED };

struct exh_bundle {
	unsigned magic;
	enum bundle_state state;
	char *path, *dir, *partial;
	char *password;
	int fd;
	struct archive *zip;
	STACK_OF(X509) *recipients;
	X509 *sign_cert;
	EVP_PKEY *sign_key;
	uint64_t cap, collected_bytes;
	char cap_why[64];		/* why a stream over the cap is left out */
	size_t collected, incomplete, left_out, documents;
	struct bundle_names names;		/* entries written, with their SHA-256 */
	struct bundle_spool manifest;	/* manifest.jsonl so far */
	unsigned char *chunk;
};

/* Loads the signing key and certificate (checking that they belong
 * together) and the recipient certificates of opt into b.  EXH_EUSAGE
 * names the file that cannot be used; EXH_ENOMEM. */
int bundle_load_material(struct exh_bundle *b,
    const struct exh_bundle_options *opt, struct exh_err *err);

/* EXH_EUSAGE when PATH or one of the side files the bundle writes
 * (PATH.sha256, PATH.p7m, PATH.p7m.sha256) exists already. */
int bundle_check_targets(const char *path, struct exh_err *err);
/* Bytes the destination must have free for an estimate: the estimate
 * capped by the collection cap, twice when encrypting (the clear zip and
 * its envelope exist side by side for a moment), plus BUNDLE_MARGIN. */
uint64_t bundle_space_needed(const struct exh_bundle_options *opt,
    uint64_t estimated);
/* EXH_EUSAGE ("need X, have Y") or EXH_EIO when statvfs fails. */
int bundle_check_space(const char *dir, uint64_t need, struct exh_err *err);

/* Removes the partial file and marks b dead (EFATAL from then on). */
void bundle_fail(struct exh_bundle *b);
void bundle_destroy(struct exh_bundle *b);
/* Turns a libarchive write error into EXH_EFATAL and removes the file. */
int bundle_write_failed(struct exh_bundle *b, const char *what,
    struct exh_err *err);
/* Writes a whole in-memory entry; m (may be NULL) gets the digests. */
int bundle_put_whole(struct exh_bundle *b, const char *name, const void *data,
    size_t len, struct manifest_line *m, struct exh_err *err);
/* Writes the spool's contents as entry name, in chunks, hashing them as
 * they go (for SHA256SUMS and the read-back). */
int bundle_put_spool(struct exh_bundle *b, const char *name,
    struct bundle_spool *s, struct exh_err *err);

/* Reports one structural problem of a zip; name is "" for the archive. */
typedef void (*bundle_zip_problem_fn)(void *ctx, const char *name,
    const char *detail);

/*
 * Checks the zip at path as exhume writes it: every central-directory
 * entry agrees with its local header (name, flags, method, time, CRC,
 * sizes, data descriptor), the entries tile the file from offset 0 to the
 * central directory, and the end record closes the file (no comment, no
 * trailing data).  Each disagreement is passed to fn and counted in
 * *problems.  EXH_OK when the check ran (problems or not); EXH_EIO or
 * EXH_ENOMEM when it could not.
 */
int bundle_check_zip_structure(const char *path, bundle_zip_problem_fn fn,
    void *ctx, size_t *problems, struct exh_err *err);

/*
 * exh_bundle_entry_name for a stream whose display path does not lead
 * back to it (a name holding '\\', '/', NUL or an unpaired surrogate):
 * salt (the MFT reference as text) forces the "%~" tag and goes into it,
 * so two such streams never share an entry name.  NULL: the plain name.
 */
int bundle_entry_name_salted(char drive, const char *winpath,
    const char *stream, const char *salt, struct exh_buf *out);

/* exh_bundle_add_stream under the entry name bundle_entry_name_salted
 * gives for salt (NULL: the plain name). */
int bundle_add_stream(struct exh_bundle *b, const struct exh_bundle_item *it,
    const char *salt, exh_read_fn rd, void *rctx, struct exh_err *err);

/* One stream in the collection plan, with the metadata the walk gave. */
struct plan_item {
	struct exh_volume *vol;
	struct exh_fileref file;	/* owned; stream never NULL */
	const char *reason;
	const char **ids;
	size_t nids;
	uint64_t max_bytes;		/* 0: whole stream (per-file cap) */
	const char *max_why;
	size_t next;			/* index + 1 of the record's next stream */
	/* After collection, for the report. */
	char *entry;
	char sha256[65];
	const char *status;
	char *why;
	bool over_cap;			/* chosen to be left out for the cap */
};

#define PLAN_MAGIC 0x504c414eu

struct exh_bundle_plan {
	unsigned magic;
	struct plan_item *items;
	size_t n, cap;
	uint64_t bytes;
	struct exh_volume **vols;	/* distinct volumes, for the keys */
	size_t nvols;
	struct exh_set64 first;		/* (volume, record) -> first item */
};

#endif /* EXHUME_BUNDLE_INT_H */
