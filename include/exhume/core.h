/* Core of exhume: status codes, the error record, growable buffers, escaping and time. */
#ifndef EXHUME_CORE_H
#define EXHUME_CORE_H

#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Convenience: escape a NUL-terminated string for the terminal into a
 * caller buffer, truncating with "..." when it does not fit. */
const char *exh_esc_term_str(const char *s, char *dst, size_t dstlen);

/* Decodes one UTF-8 sequence; returns its length, or 0 for an invalid
 * byte (overlong, surrogate, truncated). */
size_t exh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
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

/* "2021-03-03T06:49:42.1620000Z"; "" for 0.  buf must hold 32 bytes. */
const char *exh_filetime_iso(int64_t ft, char buf[32]);
/* Seconds since the Unix epoch (floor); for body files. */
int64_t exh_filetime_to_unix(int64_t ft);
int64_t exh_unix_to_filetime(int64_t secs);
/* Parses "YYYY-MM-DD[T ]hh:mm:ss[.fffffff][Z]" (UTC) to FILETIME.
 * Returns EXH_OK or EXH_EUSAGE. */
int exh_iso_to_filetime(const char *s, int64_t *out);

/*
 * A pull-style reader, so analysers and the bundle can consume a stream
 * from a volume, a local file or memory alike.  *got is 0 at the end.
 */
typedef int (*exh_read_fn)(void *ctx, void *buf, size_t len, size_t *got,
    struct exh_err *err);

/* Case-insensitive ASCII helpers (Windows paths compare this way). */
bool exh_ascii_iequal(const char *a, const char *b);
bool exh_ascii_istarts(const char *s, const char *prefix);
bool exh_ascii_iends(const char *s, const char *suffix);
const char *exh_ascii_istrstr(const char *hay, const char *needle);

/* Value of one hex digit (either case), -1 when c is not one. */
int exh_hexval(int c);

/* Hex encoding of a digest into dst (2*n+1 bytes). */
void exh_hex(const unsigned char *p, size_t n, char *dst);

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
 * are looked up in $EXHUME_LOCALE_DIR, else the compiled-in directory.
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

#endif /* EXHUME_CORE_H */
