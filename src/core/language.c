/* language.c - ISO 639 codes and names (see language.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "hubtop/language.h"

static const struct lang { const char *code, *name; } langs[] = {
	{ "en", "English" }, { "zh", "Chinese" }, { "fr", "French" }, { "de", "German" },
	{ "es", "Spanish" }, { "ru", "Russian" }, { "ja", "Japanese" }, { "ko", "Korean" },
	{ "ar", "Arabic" }, { "pt", "Portuguese" }, { "it", "Italian" }, { "nl", "Dutch" },
	{ "pl", "Polish" }, { "tr", "Turkish" }, { "vi", "Vietnamese" }, { "id", "Indonesian" },
	{ "hi", "Hindi" }, { "bn", "Bengali" }, { "ur", "Urdu" }, { "fa", "Persian" },
	{ "he", "Hebrew" }, { "th", "Thai" }, { "sv", "Swedish" }, { "fi", "Finnish" },
	{ "da", "Danish" }, { "no", "Norwegian" }, { "nb", "Norwegian Bokmal" },
	{ "nn", "Norwegian Nynorsk" }, { "cs", "Czech" }, { "sk", "Slovak" },
	{ "hu", "Hungarian" }, { "ro", "Romanian" }, { "bg", "Bulgarian" }, { "el", "Greek" },
	{ "uk", "Ukrainian" }, { "hr", "Croatian" }, { "sr", "Serbian" }, { "sl", "Slovenian" },
	{ "et", "Estonian" }, { "lv", "Latvian" }, { "lt", "Lithuanian" }, { "ca", "Catalan" },
	{ "eu", "Basque" }, { "gl", "Galician" }, { "ga", "Irish" }, { "cy", "Welsh" },
	{ "is", "Icelandic" }, { "mt", "Maltese" }, { "sq", "Albanian" }, { "mk", "Macedonian" },
	{ "hy", "Armenian" }, { "ka", "Georgian" }, { "az", "Azerbaijani" }, { "kk", "Kazakh" },
	{ "uz", "Uzbek" }, { "ky", "Kyrgyz" }, { "tg", "Tajik" }, { "mn", "Mongolian" },
	{ "ms", "Malay" }, { "tl", "Tagalog" }, { "jv", "Javanese" }, { "su", "Sundanese" },
	{ "ta", "Tamil" }, { "te", "Telugu" }, { "kn", "Kannada" }, { "ml", "Malayalam" },
	{ "mr", "Marathi" }, { "gu", "Gujarati" }, { "pa", "Punjabi" }, { "ne", "Nepali" },
	{ "si", "Sinhala" }, { "my", "Burmese" }, { "km", "Khmer" }, { "lo", "Lao" },
	{ "sw", "Swahili" }, { "am", "Amharic" }, { "yo", "Yoruba" }, { "ig", "Igbo" },
	{ "ha", "Hausa" }, { "zu", "Zulu" }, { "xh", "Xhosa" }, { "af", "Afrikaans" },
	{ "so", "Somali" }, { "la", "Latin" }, { "eo", "Esperanto" }, { "be", "Belarusian" },
	{ "ps", "Pashto" }, { "ku", "Kurdish" }, { "yue", "Cantonese" }, { "fil", "Filipino" },
	{ "code", "programming code" },
};
#define N_LANGS (sizeof langs / sizeof langs[0])

const char *language_name(const char *code)
{
	size_t n = strcspn(code, "-_");
	for (size_t i = 0; i < N_LANGS; i++)
		if (strlen(langs[i].code) == n && !strncasecmp(langs[i].code, code, n))
			return langs[i].name;
	return NULL;
}

const char *language_code_of(const char *name)
{
	for (size_t i = 0; i < N_LANGS; i++)
		if (!strcasecmp(langs[i].name, name))
			return langs[i].code;
	return NULL;
}

int language_code_valid(const char *s)
{
	size_t n = 0, part = 1;
	if (strlen(s) > 15)
		return 0;
	if (language_name(s) && !strchr(s, '-') && !strchr(s, '_'))
		return 1; /* "code" and the like */
	while (isascii((unsigned char)s[n]) && isalpha((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 3)
		return 0;
	for (s += n; *s; s++) {
		if (*s == '-' || *s == '_') {
			if (!part)
				return 0;
			part = 0;
		} else if (isascii((unsigned char)*s) && isalnum((unsigned char)*s)) {
			if (++part > 8)
				return 0;
		} else {
			return 0;
		}
	}
	return part > 0;
}

const char *language_table_code(size_t i)
{
	return i < N_LANGS ? langs[i].code : NULL;
}
