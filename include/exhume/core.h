/* Core of exhume: status codes, the error record, growable buffers, escaping and time. */
#ifndef EXHUME_CORE_H
#define EXHUME_CORE_H

#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define EXH_VERSION "0.1.0"

/*
 * Every fallible function returns one of these and fills a struct exh_err.
 * Values are appended, never renumbered.
 */
enum exh_status {
	EXH_OK = 0,
	EXH_STOP = 1,		/* stopped on request; not an error */
	EXH_ECORRUPT = 2,	/* this object is damaged; count it, go on */
	EXH_EIO = 3,		/* this object could not be read; count it, go on */
	EXH_ENOMEM = 4,		/* unwind */
	EXH_EUSAGE = 5,		/* caller or user error; unwind */
	EXH_EFATAL = 6,		/* unwind; the handle may only be closed */
	EXH_ENOTFOUND = 7,	/* the object asked for does not exist */
};

#define EXH_ERR_MSG_MAX 512

struct exh_err {
	int status;		/* enum exh_status */
	int sys_errno;		/* errno seen, 0 if none */
	char msg[EXH_ERR_MSG_MAX];
};

/* The English text of errno e, whatever the locale: messages land in the
 * run's record and JSON, which are English in every report language. */
const char *exh_strerror(int e);

/* Fills err (err may be NULL) and returns status, so callers can write
 * "return exh_err_set(err, EXH_EIO, errno, "...")". */
int exh_err_set(struct exh_err *err, int status, int sys_errno,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prepends "<context>: " to err->msg and returns err->status. */
int exh_err_prefix(struct exh_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void exh_err_clear(struct exh_err *err);

/* True for statuses that concern one object only (ECORRUPT, EIO, ENOTFOUND). */
bool exh_status_is_local(int status);

const char *exh_status_name(int status);

/* Growable byte buffer, always NUL-terminated when data != NULL. */
struct exh_buf {
	char *data;
	size_t len;
	size_t cap;
};

int exh_buf_append(struct exh_buf *b, const void *p, size_t n);
int exh_buf_puts(struct exh_buf *b, const char *s);
int exh_buf_putc(struct exh_buf *b, char c);
int exh_buf_printf(struct exh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int exh_buf_vprintf(struct exh_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void exh_buf_reset(struct exh_buf *b);
void exh_buf_free(struct exh_buf *b);
/* Hands the data over to the caller (who frees it); b is left empty. */
char *exh_buf_take(struct exh_buf *b);

/*
 * Where a document is written in bounded pieces (a file, a bundle entry):
 * the renderer appends to buf and calls exh_sink_flush between records;
 * once buf holds EXH_SINK_CHUNK bytes or more they are handed to write
 * and buf is emptied, so memory does not grow with the document.  With
 * write NULL nothing is handed on and buf keeps the whole document (the
 * exh_buf forms of the renderers).  write returns EXH_OK or a status;
 * the first failure is kept in rc and returned by every later flush.
 */
#define EXH_SINK_CHUNK (64u * 1024)

typedef int (*exh_write_fn)(void *ctx, const void *data, size_t len);

struct exh_sink {
	struct exh_buf *buf;
	exh_write_fn write;	/* NULL: keep everything in buf */
	void *ctx;
	int rc;			/* first failure, EXH_OK so far */
};

/* Hands buf on when it is at least EXH_SINK_CHUNK (all of it when force). */
int exh_sink_flush(struct exh_sink *s, bool force);

/*
 * Escapers, one per output format.  Input is any byte string (n bytes);
 * attacker-chosen bytes never reach the output raw.  All return EXH_OK or
 * EXH_ENOMEM.
 *
 * term: printable UTF-8 passes; control characters, invalid UTF-8, bidi
 *       overrides and other format characters become \xNN or \u{XXXX}.
 * json: the inside of a JSON string (no quotes added); control
 *       characters as \u00NN; each invalid UTF-8 byte as the text \xNN
 *       (written "\\xNN" in JSON) so the output stays valid UTF-8.
 * csv:  one complete field, always quoted, quotes doubled, with a leading
 *       apostrophe when the value starts with = + - @ TAB or CR (formula
 *       injection guard); control characters escaped as in term.
 * html: &<>"' as entities; control characters and invalid UTF-8 as in term.
 */
int exh_esc_term(struct exh_buf *out, const char *s, size_t n);
int exh_esc_json(struct exh_buf *out, const char *s, size_t n);
int exh_esc_csv(struct exh_buf *out, const char *s, size_t n);
int exh_esc_html(struct exh_buf *out, const char *s, size_t n);
/*
 * One word for a POSIX shell, so a recorded command line can be pasted
 * back: bytes that need no quoting pass, anything else goes inside single
 * quotes ('' for the empty word, ' as '\'').  The bytes are not made
 * safe for a terminal; escape the result for its output format.
 */
int exh_esc_shell(struct exh_buf *out, const char *s, size_t n);

/* Convenience: escape a NUL-terminated string for the terminal into a
 * caller buffer, truncating with "..." when it does not fit. */
const char *exh_esc_term_str(const char *s, char *dst, size_t dstlen);

/* Decodes one UTF-8 sequence; returns its length, or 0 for an invalid
 * byte (overlong, surrogate, truncated). */
size_t exh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Little-endian integers of on-disk structures (zip, EVTX, NTFS); the
 * caller has checked that the bytes are there. */
static inline uint16_t
exh_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
exh_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
exh_le64(const unsigned char *p)
{
	return (uint64_t)exh_le32(p) | (uint64_t)exh_le32(p + 4) << 32;
}
/* Appends code point cp as UTF-8. */
int exh_buf_put_utf8(struct exh_buf *b, uint32_t cp);
/* Controls and the invisible format characters (bidi overrides, zero
 * width) that must never reach a terminal, a page or a file name raw. */
bool exh_cp_is_unsafe(uint32_t cp);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool exh_utf8_valid(const char *s, size_t n);

/*
 * UTF-16LE (as NTFS and the registry store names) to UTF-8.  Unpaired
 * surrogates cannot be represented in UTF-8; they are written as the
 * text "%uXXXX" (upper-case hex) so names stay distinct and recognisable.
 */
int exh_utf16le_to_utf8(const uint16_t *s, size_t nunits, struct exh_buf *out);
int exh_utf16le_bytes_to_utf8(const unsigned char *s, size_t nbytes,
    struct exh_buf *out);

/*
 * A set of 64-bit keys that can also map each key to a 64-bit value
 * (MFT record numbers seen, a record's first entry in a plan).  Start
 * from a zeroed struct; lookups and inserts are O(1) expected.  Every
 * key but UINT64_MAX can be a member (that one is EXH_EUSAGE).  put and
 * add return EXH_OK or EXH_ENOMEM, and the set is unchanged on failure;
 * add keeps the value of a key already present.
 */
struct exh_set64 {
	uint64_t *keys;		/* key + 1; 0 marks a free slot */
	uint64_t *values;
	size_t cap, n;
};

int exh_set64_add(struct exh_set64 *s, uint64_t key);
int exh_set64_put(struct exh_set64 *s, uint64_t key, uint64_t value);
bool exh_set64_has(const struct exh_set64 *s, uint64_t key);
/* True when key is a member; *value (when not NULL) gets its value. */
bool exh_set64_get(const struct exh_set64 *s, uint64_t key, uint64_t *value);
void exh_set64_free(struct exh_set64 *s);

/* Windows FILETIME: 100 ns units since 1601-01-01 UTC.  0 means absent. */
#define EXH_FILETIME_UNIX_EPOCH 116444736000000000LL

/* The four NTFS timestamps of $STANDARD_INFORMATION or $FILE_NAME. */
struct exh_macb {
	int64_t created;
	int64_t modified;
	int64_t mft_changed;
	int64_t accessed;
};

/*
 * The identity of one stream of one file, as every layer describes it: the
 * walk's metadata travels in it from the scan to the findings, the
 * collection plan and the bundle.  Owning form: the strings belong to the
 * struct and are freed by exh_fileref_free.  A struct that only lends one
 * (an item handed to a call, a row pointing into a finding) says so where
 * it embeds it, and never frees it.  Strings may be NULL ("" and NULL are
 * written alike); all bytes are raw and attacker-chosen.
 */
struct exh_fileref {
	char *path;		/* Windows form, "C:\\inetpub\\x.aspx" */
	char *stream;		/* "" for the unnamed $DATA stream */
	uint64_t mft;		/* MFT record number */
	uint16_t seq;		/* its sequence number */
	uint64_t size;		/* declared size of the stream */
	uint32_t attributes;	/* NTFS FILE_ATTR_* bits */
	struct exh_macb si;	/* $STANDARD_INFORMATION */
	struct exh_macb fn;	/* $FILE_NAME of this name */
	char *owner_sid;	/* "S-1-5-18"; "" or NULL when unknown */
};

/* Deep copy of src into dst (whose old contents are not freed).  EXH_OK, or
 * EXH_ENOMEM with dst left empty (zeroed). */
int exh_fileref_copy(struct exh_fileref *dst, const struct exh_fileref *src);
/* Frees the strings and zeroes f.  Accepts a zeroed struct. */
void exh_fileref_free(struct exh_fileref *f);

/* "2021-03-03T06:49:42.1620000Z"; "" for 0.  buf must hold 32 bytes. */
const char *exh_filetime_iso(int64_t ft, char buf[32]);
/* Seconds since the Unix epoch (floor); for body files. */
int64_t exh_filetime_to_unix(int64_t ft);
/* Nanoseconds from *then to the monotonic clock's now (stored in *now when
 * not NULL): the one interval measure of progress reporting. */
int64_t exh_mono_ns_since(const struct timespec *then, struct timespec *now);
int64_t exh_unix_to_filetime(int64_t secs);
/* Parses "YYYY-MM-DD[T ]hh:mm:ss[.fffffff][Z]" (UTC) to FILETIME.
 * Returns EXH_OK or EXH_EUSAGE. */
int exh_iso_to_filetime(const char *s, int64_t *out);

/*
 * The JSON writer every document uses.  It appends to out; a container
 * (object '{' or array '[') is opened with a key inside an object and
 * with key NULL inside an array or at the top, and commas are put between
 * the values of one level automatically.  Keys and strings are escaped
 * with exh_esc_json, so hostile bytes come out as valid JSON and valid
 * UTF-8.  The first failure (EXH_ENOMEM) is kept and makes every later
 * call a no-op; exh_json_status returns it.  The writer does not check
 * that brackets match.
 */
struct exh_json {
	struct exh_buf *out;
	int rc;			/* first failure, EXH_OK so far */
	bool first;		/* no value yet at the current level */
};

/* How an absent time (FILETIME 0) is written: null, or an empty string
 * (findings.jsonl, acquisition.json and the host profile kept "" when
 * they were first published). */
enum exh_json_absent {
	EXH_JSON_ABSENT_NULL,
	EXH_JSON_ABSENT_EMPTY,
};

void exh_json_init(struct exh_json *w, struct exh_buf *out);
void exh_json_open(struct exh_json *w, const char *key, char bracket);
void exh_json_close(struct exh_json *w, char bracket);
/* The comma and "key": before a value written with exh_json_raw. */
void exh_json_key(struct exh_json *w, const char *key);
/* Appends text as it is (ready JSON, a newline between lines). */
void exh_json_raw(struct exh_json *w, const char *text);
/* s NULL is written as null. */
void exh_json_str(struct exh_json *w, const char *key, const char *s);
/* s NULL is written as "". */
void exh_json_text(struct exh_json *w, const char *key, const char *s);
void exh_json_int(struct exh_json *w, const char *key, int64_t v);
void exh_json_uint(struct exh_json *w, const char *key, uint64_t v);
void exh_json_bool(struct exh_json *w, const char *key, bool v);
void exh_json_null(struct exh_json *w, const char *key);
/* "2021-03-03T06:49:42.1620000Z" (exh_filetime_iso). */
void exh_json_time(struct exh_json *w, const char *key, int64_t ft,
    enum exh_json_absent absent);
/* {"created":..,"modified":..,"mft_changed":..,"accessed":..} */
void exh_json_macb(struct exh_json *w, const char *key,
    const struct exh_macb *m, enum exh_json_absent absent);
/* EXH_OK, or EXH_ENOMEM when anything could not be appended. */
int exh_json_status(const struct exh_json *w);

/*
 * A pull-style reader, so analysers and the bundle can consume a stream
 * from a volume, a local file or memory alike.  *got is 0 at the end.
 */
typedef int (*exh_read_fn)(void *ctx, void *buf, size_t len, size_t *got,
    struct exh_err *err);

/*
 * Line reader for rules and data files (one place for CR, comments, tabs,
 * length bounds and "file:line: message" errors).  A reader reads a FILE
 * the caller opened and closes (exh_lines_open) or text in memory
 * (exh_lines_open_mem); the text is borrowed and must outlive the reader.
 * Each line loses its '\n' and exactly one '\r' before it; the flags
 * below decide what else happens.  Line numbers count every line, skipped
 * or not, from 1.
 */
#define EXH_LINE_MAX 65536	/* longest line accepted, in bytes */

enum exh_lines_flag {
	EXH_LINES_TRIM = 1 << 0,	/* strip leading/trailing ' ', '\t' */
	EXH_LINES_SKIP_BLANK = 1 << 1,	/* skip lines empty (after TRIM) */
	EXH_LINES_SKIP_COMMENT = 1 << 2, /* skip lines starting with '#' */
	EXH_LINES_BOM = 1 << 3,		/* drop a UTF-8 BOM before line 1 */
};

struct exh_lines;

/* name (copied) is what error messages call the file.  EXH_OK or
 * EXH_ENOMEM. */
int exh_lines_open(FILE *fp, const char *name, unsigned flags,
    struct exh_lines **out, struct exh_err *err);
int exh_lines_open_mem(const char *text, size_t len, const char *name,
    unsigned flags, struct exh_lines **out, struct exh_err *err);
/*
 * The next line: *line is NUL-terminated and writable (callers split it
 * in place), *len its length; both are borrowed until the next call.
 * EXH_OK, EXH_STOP at the end, EXH_ECORRUPT for a line longer than
 * EXH_LINE_MAX or one holding a NUL byte (the reader has moved past it,
 * so the caller may go on), EXH_EIO for a read error, EXH_ENOMEM.
 */
int exh_lines_next(struct exh_lines *lr, char **line, size_t *len,
    struct exh_err *err);
/* Number of the line last returned (or refused). */
size_t exh_lines_no(const struct exh_lines *lr);
/* Why the last line was refused, without the "file:line: " prefix. */
const char *exh_lines_why(const struct exh_lines *lr);
/* Fills err with "name:line: <message>" and returns status. */
int exh_lines_fail(const struct exh_lines *lr, struct exh_err *err,
    int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void exh_lines_close(struct exh_lines *lr);

/* Splits line in place at tabs into at most max fields (the last keeps any
 * further tabs); returns the count, at least 1.  Empty fields stay. */
size_t exh_fields_split(char *line, char **fields, size_t max);

/*
 * A vector of owned strings, kept as (char **v, size_t n) so it can live
 * in public structs.  push appends a copy of s (NULL is stored as "");
 * EXH_OK or EXH_ENOMEM, and on failure the vector is unchanged.  free
 * frees every string and the array and accepts NULL.
 */
int exh_strvec_push(char ***v, size_t *n, const char *s);
/* Appends a formatted note: display text, so one longer than 2 KiB is
 * cut; EXH_OK or EXH_ENOMEM as exh_strvec_push. */
int exh_strvec_pushf(char ***v, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int exh_strvec_vpushf(char ***v, size_t *n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
void exh_strvec_free(char **v, size_t n);

/*
 * A message kept apart from its language: each part's id is an English
 * msgid (a printf format, static, the catalog's key) and the arguments are
 * kept formatted one by one.  Attacker-reachable text (paths, names,
 * library messages) stays an argument and is never part of an id.  A
 * sentence built in steps ("<verdict>; <remark>") is up to EXH_MSG_PARTS
 * parts, each translated on its own and joined as they are.  Machine
 * output (JSON) uses the English rendering, the report renders the
 * translated ids with the same arguments, so --lang changes only the
 * report.  A value type: copy it, nothing to free; arguments beyond
 * EXH_MSG_TEXT bytes in all are cut (display text).
 *
 * exh_msg_setf starts the message, exh_msg_addf appends a part (one more
 * than EXH_MSG_PARTS is dropped).  Conversions: d i u x X o c s p e f g a
 * (with flags, width, precision, * and the length modifiers); %n and
 * unknown ones end the argument list.  exh_msg_render writes each part
 * (translated with gettext when translate) with "%s", "%N$s" or any
 * conversion replaced by the argument it stands for, in order or by
 * position; a conversion naming no argument is copied as it is, so a
 * damaged translation shows, never crashes.  EXH_OK or EXH_ENOMEM.
 */
#define EXH_MSG_ARGS 16
#define EXH_MSG_PARTS 4
#define EXH_MSG_TEXT 2048
struct exh_msg {
	const char *id[EXH_MSG_PARTS];	/* id[0] NULL: no message */
	unsigned nparts;
	unsigned char first[EXH_MSG_PARTS + 1]; /* part i: args first[i].. */
	unsigned short arg[EXH_MSG_ARGS]; /* offsets into text */
	unsigned short used;		/* bytes of text taken */
	char text[EXH_MSG_TEXT];
};
void exh_msg_setf(struct exh_msg *m, const char *id, ...)
    __attribute__((format(printf, 2, 3)));
void exh_msg_vsetf(struct exh_msg *m, const char *id, va_list ap)
    __attribute__((format(printf, 2, 0)));
void exh_msg_addf(struct exh_msg *m, const char *id, ...)
    __attribute__((format(printf, 2, 3)));
void exh_msg_vaddf(struct exh_msg *m, const char *id, va_list ap)
    __attribute__((format(printf, 2, 0)));
bool exh_msg_empty(const struct exh_msg *m);
int exh_msg_render(const struct exh_msg *m, bool translate,
    struct exh_buf *out);

/* An owned list of messages (run notes); push keeps the list unchanged
 * on failure (EXH_ENOMEM); free accepts NULL. */
int exh_msgs_push(struct exh_msg **v, size_t *n, const struct exh_msg *m);
void exh_msgs_free(struct exh_msg *v);

/* Case-insensitive ASCII helpers (Windows paths compare this way). */
bool exh_ascii_iequal(const char *a, const char *b);
bool exh_ascii_istarts(const char *s, const char *prefix);
bool exh_ascii_iends(const char *s, const char *suffix);
const char *exh_ascii_istrstr(const char *hay, const char *needle);

/* Value of one hex digit (either case), -1 when c is not one. */
int exh_hexval(int c);

/* Hex encoding of a digest into dst (2*n+1 bytes). */
void exh_hex(const unsigned char *p, size_t n, char *dst);

/* A size for people: "512 B", "1.5 KiB" ... "2.3 TiB" (binary units, one
 * decimal), cut to dstlen; returns dst. */
const char *exh_size_text(uint64_t bytes, char *dst, size_t dstlen);

/*
 * Content hashes computed in one pass (OpenSSL EVP).  SHA-256 always;
 * MD5 and SHA-1 when asked.  Results are lower-case hex, "" when off.
 */
struct exh_hasher;

int exh_hasher_create(bool md5, bool sha1, struct exh_hasher **out);
int exh_hasher_update(struct exh_hasher *h, const void *p, size_t n);
/* Finishes and fills the hex strings; the hasher may then be reset. */
/* md5 and sha1 may be NULL when not wanted. */
int exh_hasher_final(struct exh_hasher *h, char md5[33], char sha1[41],
    char sha256[65]);
int exh_hasher_reset(struct exh_hasher *h);
void exh_hasher_destroy(struct exh_hasher *h);

/* SHA-256 (hex) of the running binary, for the record; "" when it
 * cannot be read. */
void exh_hash_self(char out[65]);

/* The first max bytes of a local text file, NUL-terminated and malloc'd
 * (as a string it ends at the first NUL byte); NULL when it cannot be
 * opened or memory runs out.  For notes and settings, never evidence. */
char *exh_file_read_small(const char *path, size_t max);

/* Reads exactly len bytes at off from fd (pread, again after EINTR and
 * short reads); false on an error or the end of the file first. */
bool exh_pread_full(int fd, void *buf, size_t len, uint64_t off);

/* Safe multiply/add helpers; return false on overflow. */
static inline bool
exh_mul_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

static inline bool
exh_add_ok(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

/*
 * Translations.  Every user-visible sentence goes through _() (gettext,
 * domain "exhume"); N_() marks strings translated later.  The catalogs
 * are looked up where exh_data_locale_dir says.
 * exh_i18n_set_lang switches the language of the whole process ("de",
 * "en"; NULL or "" = from the environment): gettext keeps the language
 * in the environment, which is the one process-wide state we accept.
 * Switching is for one thread only; a call for the language already set
 * ($LANGUAGE equal) writes nothing and is safe while other threads call
 * gettext.  EXH_EUSAGE for a language without a catalog.
 */
#define EXH_TEXTDOMAIN "exhume"
#define _(s) dgettext(EXH_TEXTDOMAIN, s)
#define N_(s) (s)
void exh_i18n_init(void);
int exh_i18n_set_lang(const char *lang);
/* The language in effect: "de" or "en". */
const char *exh_i18n_lang(void);

/*
 * exhume's own data.  The shipped rules directory is, in this order:
 * $EXHUME_RULES_DIR when set; PREFIX/share/exhume/rules next to the
 * running binary (PREFIX/bin/exhume: an installed tree, wherever it was
 * unpacked); the build tree's rules/ (build/rel/exhume); the path
 * compiled in by `make install`.  A directory counts when it holds
 * scope.txt.  Fills buf and returns EXH_OK, or EXH_EUSAGE with err saying
 * where it looked and what to do (buf then holds the compiled-in path).
 */
#define EXH_PATH_MAX 4096
int exh_data_rules_dir(char *buf, size_t len, struct exh_err *err);
/* The message catalogs, in the same order: $EXHUME_LOCALE_DIR (absolute),
 * PREFIX/share/locale next to the binary, the build tree's build/locale,
 * the compiled-in path. */
void exh_data_locale_dir(char *buf, size_t len);

#endif /* EXHUME_CORE_H */
