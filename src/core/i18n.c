/* Language selection for gettext: German or English, switchable at run time. */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exhume/core.h"

/*
 * glibc ignores LANGUAGE while LC_MESSAGES is "C" or "POSIX"; C.UTF-8
 * behaves the same but lets LANGUAGE choose the catalog.
 */
static void
messages_take_language(void)
{
	const char *cur = setlocale(LC_MESSAGES, NULL);

	if (cur == NULL || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		(void)setlocale(LC_MESSAGES, "C.UTF-8");
}

/*
 * glibc ignores LANGUAGE in the "C" locale, and a boot image has no
 * other locale than C.UTF-8; that one is enough for LANGUAGE to work.
 */
void
exh_i18n_init(void)
{
	char dir[EXH_PATH_MAX];

	if (setlocale(LC_ALL, "") == NULL)
		(void)setlocale(LC_ALL, "C.UTF-8");
	messages_take_language();
	/* Numbers and dates stay machine-readable whatever the language. */
	(void)setlocale(LC_NUMERIC, "C");
	(void)setlocale(LC_TIME, "C");
	exh_data_locale_dir(dir, sizeof(dir));
	(void)bindtextdomain(EXH_TEXTDOMAIN, dir);
	(void)bind_textdomain_codeset(EXH_TEXTDOMAIN, "UTF-8");
}

int
exh_i18n_set_lang(const char *lang)
{
	const char *cur;
	char name[128];

	if (lang == NULL || *lang == '\0')
		return EXH_OK;
	if (strcmp(lang, "de") != 0 && strcmp(lang, "en") != 0)
		return EXH_EUSAGE;
	/*
	 * Already in effect: write nothing.  setenv and setlocale are not
	 * safe while another thread calls gettext (which reads both), so a
	 * front end pins the language on its own thread before it starts a
	 * worker (tui_job_start), and the worker's switch to the same
	 * language (report rendering) ends here.
	 */
	if ((cur = getenv("LANGUAGE")) != NULL && strcmp(cur, lang) == 0)
		return EXH_OK;
	if (setenv("LANGUAGE", lang, 1) != 0)
		return EXH_ENOMEM;
	/*
	 * A library may have reset the locale since exh_i18n_init (newtInit
	 * runs setlocale(LC_ALL, ""), which gives "C" under LANG=C): take
	 * the language again, or the switch would do nothing.
	 */
	messages_take_language();
	/* Re-setting the locale drops gettext's cached translations. */
	if ((cur = setlocale(LC_MESSAGES, NULL)) != NULL &&
	    snprintf(name, sizeof(name), "%s", cur) < (int)sizeof(name))
		(void)setlocale(LC_MESSAGES, name);
	/*
	 * glibc keeps the cache when the locale name did not change (it is
	 * C.UTF-8 either way); a successful textdomain() call is its other
	 * signal that catalogs changed (the gettext manual's advice).
	 */
	if ((cur = textdomain(NULL)) != NULL &&
	    snprintf(name, sizeof(name), "%s", cur) < (int)sizeof(name))
		(void)textdomain(name);
	return EXH_OK;
}

static bool
starts_de(const char *v)
{
	return v != NULL && strncmp(v, "de", 2) == 0 &&
	    (v[2] == '\0' || v[2] == '_' || v[2] == '.' || v[2] == ':' ||
	    v[2] == '@');
}

const char *
exh_i18n_lang(void)
{
	const char *v;

	if ((v = getenv("LANGUAGE")) != NULL && *v != '\0')
		return starts_de(v) ? "de" : "en";
	if ((v = getenv("LC_ALL")) != NULL && *v != '\0')
		return starts_de(v) ? "de" : "en";
	if ((v = getenv("LC_MESSAGES")) != NULL && *v != '\0')
		return starts_de(v) ? "de" : "en";
	return starts_de(getenv("LANG")) ? "de" : "en";
}
