/* country_guess.c - what a user may type for a country that is not its
 * alpha-2 code (CHN, China, UK), mapped to the code, so that an error can
 * suggest it.  The alpha-3 codes are those of ISO 3166-1 (from the
 * iso-codes package's iso_3166-1.json); the names are country.c's. */
#include <string.h>
#include <strings.h>

#include "hubtop/country.h"

/* "ABWAW...": each entry is an alpha-3 code and its alpha-2 code, sorted. */
static const char alpha3[] =
	"ABWAWAFGAFAGOAOAIAAIALAAXALBALANDADAREAEARGARARMAMASMASATAAQATFTFATGAGAUSAUAUTATAZEAZ"
	"BDIBIBELBEBENBJBESBQBFABFBGDBDBGRBGBHRBHBHSBSBIHBABLMBLBLRBYBLZBZBMUBMBOLBOBRABRBRBBB"
	"BRNBNBTNBTBVTBVBWABWCAFCFCANCACCKCCCHECHCHLCLCHNCNCIVCICMRCMCODCDCOGCGCOKCKCOLCOCOMKM"
	"CPVCVCRICRCUBCUCUWCWCXRCXCYMKYCYPCYCZECZDEUDEDJIDJDMADMDNKDKDOMDODZADZECUECEGYEGERIER"
	"ESHEHESPESESTEEETHETFINFIFJIFJFLKFKFRAFRFROFOFSMFMGABGAGBRGBGEOGEGGYGGGHAGHGIBGIGINGN"
	"GLPGPGMBGMGNBGWGNQGQGRCGRGRDGDGRLGLGTMGTGUFGFGUMGUGUYGYHKGHKHMDHMHNDHNHRVHRHTIHTHUNHU"
	"IDNIDIMNIMINDINIOTIOIRLIEIRNIRIRQIQISLISISRILITAITJAMJMJEYJEJORJOJPNJPKAZKZKENKEKGZKG"
	"KHMKHKIRKIKNAKNKORKRKWTKWLAOLALBNLBLBRLRLBYLYLCALCLIELILKALKLSOLSLTULTLUXLULVALVMACMO"
	"MAFMFMARMAMCOMCMDAMDMDGMGMDVMVMEXMXMHLMHMKDMKMLIMLMLTMTMMRMMMNEMEMNGMNMNPMPMOZMZMRTMR"
	"MSRMSMTQMQMUSMUMWIMWMYSMYMYTYTNAMNANCLNCNERNENFKNFNGANGNICNINIUNUNLDNLNORNONPLNPNRUNR"
	"NZLNZOMNOMPAKPKPANPAPCNPNPERPEPHLPHPLWPWPNGPGPOLPLPRIPRPRKKPPRTPTPRYPYPSEPSPYFPFQATQA"
	"REUREROURORUSRURWARWSAUSASDNSDSENSNSGPSGSGSGSSHNSHSJMSJSLBSBSLESLSLVSVSMRSMSOMSOSPMPM"
	"SRBRSSSDSSSTPSTSURSRSVKSKSVNSISWESESWZSZSXMSXSYCSCSYRSYTCATCTCDTDTGOTGTHATHTJKTJTKLTK"
	"TKMTMTLSTLTONTOTTOTTTUNTNTURTRTUVTVTWNTWTZATZUGAUGUKRUAUMIUMURYUYUSAUSUZBUZVATVAVCTVC"
	"VENVEVGBVGVIRVIVNMVNVUTVUWLFWFWSMWSYEMYEZAFZAZMBZMZWEZW";

/* Names in common use that are neither code nor country.c's name. */
static const struct { const char *name, *code; } aliases[] = {
	{ "UK", "GB" }, { "Britain", "GB" }, { "Great Britain", "GB" }, { "England", "GB" },
	{ "USA", "US" }, { "America", "US" }, { "United States of America", "US" },
	{ "Korea", "KR" }, { "Russia", "RU" }, { "Holland", "NL" }, { "UAE", "AE" },
	{ "Mainland China", "CN" }, { "PRC", "CN" }, { "Czech Republic", "CZ" },
};

int country_guess(const char *text)
{
	size_t n = strlen(text);
	if (n == 2 && country_find(text) > 0)
		return country_find(text);
	if (n == 3) {
		for (size_t i = 0; i + 5 <= sizeof alpha3 - 1; i += 5)
			if (!strncasecmp(alpha3 + i, text, 3)) {
				char code[3] = { alpha3[i + 3], alpha3[i + 4], 0 };
				return country_find(code);
			}
	}
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcasecmp(aliases[i].name, text))
			return country_find(aliases[i].code);
	for (unsigned i = 1; i < country_count(); i++)
		if (!strcasecmp(country_name(i), text))
			return (int)i;
	return -1;
}
