/* country.c - ISO 3166-1 alpha-2 codes, English short names (common form
 * where ISO's is formal: "South Korea", "Taiwan") and the Regions pane group
 * of each.
 *
 * Groups: the 27 EU member states; China = mainland, Hong Kong and Macao;
 * rest of Europe = the United Nations M49 "Europe" region outside the EU
 * (United Kingdom, Switzerland, Norway, Ukraine, Russia, the Balkans, the
 * microstates and Crown dependencies) plus Turkey; rest of Asia = M49 "Asia"
 * outside China (so the Middle East, Central Asia and the Caucasus), plus
 * Taiwan.  Overseas territories sit where their code's geography puts them
 * (Puerto Rico, Guam: rest of the world), not with their sovereign.
 *
 * The table is sorted by code so lookups are a binary search; index 0 is
 * "unknown".  249 codes + 1 fits the 256-bit country bitsets of filters.
 */
#include "hubtop/country.h"

#include <stddef.h>

struct country {
	char code[3];
	const char *name;
	enum country_group group;
};

static const struct country countries[] = {
	{"", "Unknown", CG_UNKNOWN},
	{"AD", "Andorra", CG_EUROPE_OTHER},
	{"AE", "United Arab Emirates", CG_ASIA_OTHER},
	{"AF", "Afghanistan", CG_ASIA_OTHER},
	{"AG", "Antigua and Barbuda", CG_WORLD_OTHER},
	{"AI", "Anguilla", CG_WORLD_OTHER},
	{"AL", "Albania", CG_EUROPE_OTHER},
	{"AM", "Armenia", CG_ASIA_OTHER},
	{"AO", "Angola", CG_WORLD_OTHER},
	{"AQ", "Antarctica", CG_WORLD_OTHER},
	{"AR", "Argentina", CG_WORLD_OTHER},
	{"AS", "American Samoa", CG_WORLD_OTHER},
	{"AT", "Austria", CG_EU},
	{"AU", "Australia", CG_WORLD_OTHER},
	{"AW", "Aruba", CG_WORLD_OTHER},
	{"AX", "Åland Islands", CG_EUROPE_OTHER},
	{"AZ", "Azerbaijan", CG_ASIA_OTHER},
	{"BA", "Bosnia and Herzegovina", CG_EUROPE_OTHER},
	{"BB", "Barbados", CG_WORLD_OTHER},
	{"BD", "Bangladesh", CG_ASIA_OTHER},
	{"BE", "Belgium", CG_EU},
	{"BF", "Burkina Faso", CG_WORLD_OTHER},
	{"BG", "Bulgaria", CG_EU},
	{"BH", "Bahrain", CG_ASIA_OTHER},
	{"BI", "Burundi", CG_WORLD_OTHER},
	{"BJ", "Benin", CG_WORLD_OTHER},
	{"BL", "Saint Barthélemy", CG_WORLD_OTHER},
	{"BM", "Bermuda", CG_WORLD_OTHER},
	{"BN", "Brunei Darussalam", CG_ASIA_OTHER},
	{"BO", "Bolivia", CG_WORLD_OTHER},
	{"BQ", "Bonaire, Sint Eustatius and Saba", CG_WORLD_OTHER},
	{"BR", "Brazil", CG_WORLD_OTHER},
	{"BS", "Bahamas", CG_WORLD_OTHER},
	{"BT", "Bhutan", CG_ASIA_OTHER},
	{"BV", "Bouvet Island", CG_WORLD_OTHER},
	{"BW", "Botswana", CG_WORLD_OTHER},
	{"BY", "Belarus", CG_EUROPE_OTHER},
	{"BZ", "Belize", CG_WORLD_OTHER},
	{"CA", "Canada", CG_WORLD_OTHER},
	{"CC", "Cocos (Keeling) Islands", CG_WORLD_OTHER},
	{"CD", "Congo, The Democratic Republic of the", CG_WORLD_OTHER},
	{"CF", "Central African Republic", CG_WORLD_OTHER},
	{"CG", "Congo", CG_WORLD_OTHER},
	{"CH", "Switzerland", CG_EUROPE_OTHER},
	{"CI", "Côte d'Ivoire", CG_WORLD_OTHER},
	{"CK", "Cook Islands", CG_WORLD_OTHER},
	{"CL", "Chile", CG_WORLD_OTHER},
	{"CM", "Cameroon", CG_WORLD_OTHER},
	{"CN", "China", CG_CN},
	{"CO", "Colombia", CG_WORLD_OTHER},
	{"CR", "Costa Rica", CG_WORLD_OTHER},
	{"CU", "Cuba", CG_WORLD_OTHER},
	{"CV", "Cabo Verde", CG_WORLD_OTHER},
	{"CW", "Curaçao", CG_WORLD_OTHER},
	{"CX", "Christmas Island", CG_WORLD_OTHER},
	{"CY", "Cyprus", CG_EU},
	{"CZ", "Czechia", CG_EU},
	{"DE", "Germany", CG_EU},
	{"DJ", "Djibouti", CG_WORLD_OTHER},
	{"DK", "Denmark", CG_EU},
	{"DM", "Dominica", CG_WORLD_OTHER},
	{"DO", "Dominican Republic", CG_WORLD_OTHER},
	{"DZ", "Algeria", CG_WORLD_OTHER},
	{"EC", "Ecuador", CG_WORLD_OTHER},
	{"EE", "Estonia", CG_EU},
	{"EG", "Egypt", CG_WORLD_OTHER},
	{"EH", "Western Sahara", CG_WORLD_OTHER},
	{"ER", "Eritrea", CG_WORLD_OTHER},
	{"ES", "Spain", CG_EU},
	{"ET", "Ethiopia", CG_WORLD_OTHER},
	{"FI", "Finland", CG_EU},
	{"FJ", "Fiji", CG_WORLD_OTHER},
	{"FK", "Falkland Islands (Malvinas)", CG_WORLD_OTHER},
	{"FM", "Micronesia, Federated States of", CG_WORLD_OTHER},
	{"FO", "Faroe Islands", CG_EUROPE_OTHER},
	{"FR", "France", CG_EU},
	{"GA", "Gabon", CG_WORLD_OTHER},
	{"GB", "United Kingdom", CG_EUROPE_OTHER},
	{"GD", "Grenada", CG_WORLD_OTHER},
	{"GE", "Georgia", CG_ASIA_OTHER},
	{"GF", "French Guiana", CG_WORLD_OTHER},
	{"GG", "Guernsey", CG_EUROPE_OTHER},
	{"GH", "Ghana", CG_WORLD_OTHER},
	{"GI", "Gibraltar", CG_EUROPE_OTHER},
	{"GL", "Greenland", CG_WORLD_OTHER},
	{"GM", "Gambia", CG_WORLD_OTHER},
	{"GN", "Guinea", CG_WORLD_OTHER},
	{"GP", "Guadeloupe", CG_WORLD_OTHER},
	{"GQ", "Equatorial Guinea", CG_WORLD_OTHER},
	{"GR", "Greece", CG_EU},
	{"GS", "South Georgia and the South Sandwich Islands", CG_WORLD_OTHER},
	{"GT", "Guatemala", CG_WORLD_OTHER},
	{"GU", "Guam", CG_WORLD_OTHER},
	{"GW", "Guinea-Bissau", CG_WORLD_OTHER},
	{"GY", "Guyana", CG_WORLD_OTHER},
	{"HK", "Hong Kong", CG_CN},
	{"HM", "Heard Island and McDonald Islands", CG_WORLD_OTHER},
	{"HN", "Honduras", CG_WORLD_OTHER},
	{"HR", "Croatia", CG_EU},
	{"HT", "Haiti", CG_WORLD_OTHER},
	{"HU", "Hungary", CG_EU},
	{"ID", "Indonesia", CG_ASIA_OTHER},
	{"IE", "Ireland", CG_EU},
	{"IL", "Israel", CG_ASIA_OTHER},
	{"IM", "Isle of Man", CG_EUROPE_OTHER},
	{"IN", "India", CG_ASIA_OTHER},
	{"IO", "British Indian Ocean Territory", CG_WORLD_OTHER},
	{"IQ", "Iraq", CG_ASIA_OTHER},
	{"IR", "Iran", CG_ASIA_OTHER},
	{"IS", "Iceland", CG_EUROPE_OTHER},
	{"IT", "Italy", CG_EU},
	{"JE", "Jersey", CG_EUROPE_OTHER},
	{"JM", "Jamaica", CG_WORLD_OTHER},
	{"JO", "Jordan", CG_ASIA_OTHER},
	{"JP", "Japan", CG_ASIA_OTHER},
	{"KE", "Kenya", CG_WORLD_OTHER},
	{"KG", "Kyrgyzstan", CG_ASIA_OTHER},
	{"KH", "Cambodia", CG_ASIA_OTHER},
	{"KI", "Kiribati", CG_WORLD_OTHER},
	{"KM", "Comoros", CG_WORLD_OTHER},
	{"KN", "Saint Kitts and Nevis", CG_WORLD_OTHER},
	{"KP", "North Korea", CG_ASIA_OTHER},
	{"KR", "South Korea", CG_ASIA_OTHER},
	{"KW", "Kuwait", CG_ASIA_OTHER},
	{"KY", "Cayman Islands", CG_WORLD_OTHER},
	{"KZ", "Kazakhstan", CG_ASIA_OTHER},
	{"LA", "Laos", CG_ASIA_OTHER},
	{"LB", "Lebanon", CG_ASIA_OTHER},
	{"LC", "Saint Lucia", CG_WORLD_OTHER},
	{"LI", "Liechtenstein", CG_EUROPE_OTHER},
	{"LK", "Sri Lanka", CG_ASIA_OTHER},
	{"LR", "Liberia", CG_WORLD_OTHER},
	{"LS", "Lesotho", CG_WORLD_OTHER},
	{"LT", "Lithuania", CG_EU},
	{"LU", "Luxembourg", CG_EU},
	{"LV", "Latvia", CG_EU},
	{"LY", "Libya", CG_WORLD_OTHER},
	{"MA", "Morocco", CG_WORLD_OTHER},
	{"MC", "Monaco", CG_EUROPE_OTHER},
	{"MD", "Moldova", CG_EUROPE_OTHER},
	{"ME", "Montenegro", CG_EUROPE_OTHER},
	{"MF", "Saint Martin (French part)", CG_WORLD_OTHER},
	{"MG", "Madagascar", CG_WORLD_OTHER},
	{"MH", "Marshall Islands", CG_WORLD_OTHER},
	{"MK", "North Macedonia", CG_EUROPE_OTHER},
	{"ML", "Mali", CG_WORLD_OTHER},
	{"MM", "Myanmar", CG_ASIA_OTHER},
	{"MN", "Mongolia", CG_ASIA_OTHER},
	{"MO", "Macao", CG_CN},
	{"MP", "Northern Mariana Islands", CG_WORLD_OTHER},
	{"MQ", "Martinique", CG_WORLD_OTHER},
	{"MR", "Mauritania", CG_WORLD_OTHER},
	{"MS", "Montserrat", CG_WORLD_OTHER},
	{"MT", "Malta", CG_EU},
	{"MU", "Mauritius", CG_WORLD_OTHER},
	{"MV", "Maldives", CG_ASIA_OTHER},
	{"MW", "Malawi", CG_WORLD_OTHER},
	{"MX", "Mexico", CG_WORLD_OTHER},
	{"MY", "Malaysia", CG_ASIA_OTHER},
	{"MZ", "Mozambique", CG_WORLD_OTHER},
	{"NA", "Namibia", CG_WORLD_OTHER},
	{"NC", "New Caledonia", CG_WORLD_OTHER},
	{"NE", "Niger", CG_WORLD_OTHER},
	{"NF", "Norfolk Island", CG_WORLD_OTHER},
	{"NG", "Nigeria", CG_WORLD_OTHER},
	{"NI", "Nicaragua", CG_WORLD_OTHER},
	{"NL", "Netherlands", CG_EU},
	{"NO", "Norway", CG_EUROPE_OTHER},
	{"NP", "Nepal", CG_ASIA_OTHER},
	{"NR", "Nauru", CG_WORLD_OTHER},
	{"NU", "Niue", CG_WORLD_OTHER},
	{"NZ", "New Zealand", CG_WORLD_OTHER},
	{"OM", "Oman", CG_ASIA_OTHER},
	{"PA", "Panama", CG_WORLD_OTHER},
	{"PE", "Peru", CG_WORLD_OTHER},
	{"PF", "French Polynesia", CG_WORLD_OTHER},
	{"PG", "Papua New Guinea", CG_WORLD_OTHER},
	{"PH", "Philippines", CG_ASIA_OTHER},
	{"PK", "Pakistan", CG_ASIA_OTHER},
	{"PL", "Poland", CG_EU},
	{"PM", "Saint Pierre and Miquelon", CG_WORLD_OTHER},
	{"PN", "Pitcairn", CG_WORLD_OTHER},
	{"PR", "Puerto Rico", CG_WORLD_OTHER},
	{"PS", "Palestine, State of", CG_ASIA_OTHER},
	{"PT", "Portugal", CG_EU},
	{"PW", "Palau", CG_WORLD_OTHER},
	{"PY", "Paraguay", CG_WORLD_OTHER},
	{"QA", "Qatar", CG_ASIA_OTHER},
	{"RE", "Réunion", CG_WORLD_OTHER},
	{"RO", "Romania", CG_EU},
	{"RS", "Serbia", CG_EUROPE_OTHER},
	{"RU", "Russian Federation", CG_EUROPE_OTHER},
	{"RW", "Rwanda", CG_WORLD_OTHER},
	{"SA", "Saudi Arabia", CG_ASIA_OTHER},
	{"SB", "Solomon Islands", CG_WORLD_OTHER},
	{"SC", "Seychelles", CG_WORLD_OTHER},
	{"SD", "Sudan", CG_WORLD_OTHER},
	{"SE", "Sweden", CG_EU},
	{"SG", "Singapore", CG_ASIA_OTHER},
	{"SH", "Saint Helena, Ascension and Tristan da Cunha", CG_WORLD_OTHER},
	{"SI", "Slovenia", CG_EU},
	{"SJ", "Svalbard and Jan Mayen", CG_EUROPE_OTHER},
	{"SK", "Slovakia", CG_EU},
	{"SL", "Sierra Leone", CG_WORLD_OTHER},
	{"SM", "San Marino", CG_EUROPE_OTHER},
	{"SN", "Senegal", CG_WORLD_OTHER},
	{"SO", "Somalia", CG_WORLD_OTHER},
	{"SR", "Suriname", CG_WORLD_OTHER},
	{"SS", "South Sudan", CG_WORLD_OTHER},
	{"ST", "Sao Tome and Principe", CG_WORLD_OTHER},
	{"SV", "El Salvador", CG_WORLD_OTHER},
	{"SX", "Sint Maarten (Dutch part)", CG_WORLD_OTHER},
	{"SY", "Syria", CG_ASIA_OTHER},
	{"SZ", "Eswatini", CG_WORLD_OTHER},
	{"TC", "Turks and Caicos Islands", CG_WORLD_OTHER},
	{"TD", "Chad", CG_WORLD_OTHER},
	{"TF", "French Southern Territories", CG_WORLD_OTHER},
	{"TG", "Togo", CG_WORLD_OTHER},
	{"TH", "Thailand", CG_ASIA_OTHER},
	{"TJ", "Tajikistan", CG_ASIA_OTHER},
	{"TK", "Tokelau", CG_WORLD_OTHER},
	{"TL", "Timor-Leste", CG_ASIA_OTHER},
	{"TM", "Turkmenistan", CG_ASIA_OTHER},
	{"TN", "Tunisia", CG_WORLD_OTHER},
	{"TO", "Tonga", CG_WORLD_OTHER},
	{"TR", "Türkiye", CG_EUROPE_OTHER},
	{"TT", "Trinidad and Tobago", CG_WORLD_OTHER},
	{"TV", "Tuvalu", CG_WORLD_OTHER},
	{"TW", "Taiwan", CG_ASIA_OTHER},
	{"TZ", "Tanzania", CG_WORLD_OTHER},
	{"UA", "Ukraine", CG_EUROPE_OTHER},
	{"UG", "Uganda", CG_WORLD_OTHER},
	{"UM", "United States Minor Outlying Islands", CG_WORLD_OTHER},
	{"US", "United States", CG_US},
	{"UY", "Uruguay", CG_WORLD_OTHER},
	{"UZ", "Uzbekistan", CG_ASIA_OTHER},
	{"VA", "Holy See (Vatican City State)", CG_EUROPE_OTHER},
	{"VC", "Saint Vincent and the Grenadines", CG_WORLD_OTHER},
	{"VE", "Venezuela", CG_WORLD_OTHER},
	{"VG", "Virgin Islands, British", CG_WORLD_OTHER},
	{"VI", "Virgin Islands, U.S.", CG_WORLD_OTHER},
	{"VN", "Vietnam", CG_ASIA_OTHER},
	{"VU", "Vanuatu", CG_WORLD_OTHER},
	{"WF", "Wallis and Futuna", CG_WORLD_OTHER},
	{"WS", "Samoa", CG_WORLD_OTHER},
	{"YE", "Yemen", CG_ASIA_OTHER},
	{"YT", "Mayotte", CG_WORLD_OTHER},
	{"ZA", "South Africa", CG_WORLD_OTHER},
	{"ZM", "Zambia", CG_WORLD_OTHER},
	{"ZW", "Zimbabwe", CG_WORLD_OTHER},
};

#define N_COUNTRIES (sizeof countries / sizeof countries[0])

_Static_assert(N_COUNTRIES <= 256, "country indexes must fit the 256-bit filter bitsets");

static const struct {
	const char *key;
	const char *name;
} groups[CG_COUNT] = {
	[CG_US] = {"us", "United States"},
	[CG_CN] = {"cn", "China"},
	[CG_EU] = {"eu", "European Union"},
	[CG_EUROPE_OTHER] = {"europe-other", "Rest of Europe"},
	[CG_ASIA_OTHER] = {"asia-other", "Rest of Asia"},
	[CG_WORLD_OTHER] = {"world-other", "Rest of the world"},
	[CG_UNKNOWN] = {"unknown", "Unknown"},
};

static int ascii_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

unsigned country_count(void)
{
	return (unsigned)N_COUNTRIES;
}

int country_find(const char *code)
{
	char want[3];
	size_t lo = 1, hi = N_COUNTRIES;

	if (!code || !code[0] || !code[1] || code[2])
		return -1;
	want[0] = (char)ascii_upper((unsigned char)code[0]);
	want[1] = (char)ascii_upper((unsigned char)code[1]);
	want[2] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *c = countries[mid].code;
		int cmp = c[0] != want[0] ? (unsigned char)c[0] - (unsigned char)want[0]
					  : (unsigned char)c[1] - (unsigned char)want[1];
		if (cmp == 0)
			return (int)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *country_code(unsigned idx)
{
	return idx < N_COUNTRIES ? countries[idx].code : "";
}

const char *country_name(unsigned idx)
{
	return idx < N_COUNTRIES ? countries[idx].name : "Unknown";
}

enum country_group country_group_of(unsigned idx)
{
	return idx < N_COUNTRIES ? countries[idx].group : CG_UNKNOWN;
}

const char *country_group_key(enum country_group g)
{
	return (unsigned)g < CG_COUNT ? groups[g].key : "unknown";
}

const char *country_group_name(enum country_group g)
{
	return (unsigned)g < CG_COUNT ? groups[g].name : "Unknown";
}

int country_group_find(const char *key)
{
	if (!key)
		return -1;
	for (int g = 0; g < CG_COUNT; g++) {
		const char *k = groups[g].key;
		size_t i = 0;
		while (k[i] && ascii_lower((unsigned char)key[i]) == k[i])
			i++;
		if (!k[i] && !key[i])
			return g;
	}
	return -1;
}
