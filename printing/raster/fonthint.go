package raster

import (
	"fmt"
	"strings"

	"github.com/go-text/typesetting/language"
)

// fontPackage is what a font_missing error suggests installing: a Debian
// and Ubuntu package that has the character, or nothing when none is known.
type fontPackage struct {
	name   string // Debian package, "" when none is known
	script string // what the character is, for people ("Thai", "emoji")
}

// notoCoreScripts are the scripts (ISO 15924) Debian's fonts-noto-core has
// a Noto Sans or Noto Serif font for.
const notoCoreScripts = "Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Brah Bugi " +
	"Buhd Cakm Cans Cari Cham Cher Copt Cprt Deva Dogr Dsrt Dupl Egyp Elba Elym Ethi Geor Glag Gong " +
	"Gonm Goth Gran Gujr Guru Hano Hatr Hebr Hmng Hung Ital Java Kali Khar Khmr Khoj Knda Kthi Lana " +
	"Laoo Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Mand Mani Marc Medf Mend Merc Mlym Modi Mong Mroo " +
	"Mtei Mult Mymr Narb Nbat Newa Nkoo Nshu Ogam Olck Orkh Orya Osge Osma Palm Pauc Perm Phag Phli " +
	"Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sinh Sogd Sogo Sora " +
	"Soyo Sund Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Telu Tfng Tglg Thaa Thai Tibt Tirh Ugar " +
	"Vaii Wara Wcho Xpeo Xsux Yezi Yiii Zanb"

// scriptNames names the scripts people meet most on labels.
var scriptNames = map[string]string{
	"Arab": "Arabic", "Hebr": "Hebrew", "Thai": "Thai", "Deva": "Devanagari", "Beng": "Bengali",
	"Taml": "Tamil", "Telu": "Telugu", "Knda": "Kannada", "Mlym": "Malayalam", "Gujr": "Gujarati",
	"Guru": "Gurmukhi", "Khmr": "Khmer", "Laoo": "Lao", "Mymr": "Myanmar", "Sinh": "Sinhala",
	"Geor": "Georgian", "Armn": "Armenian", "Ethi": "Ethiopic", "Tibt": "Tibetan", "Hang": "Korean",
	"Hani": "Chinese/Japanese (Han)", "Hira": "Japanese (Hiragana)", "Kana": "Japanese (Katakana)",
	"Bopo": "Bopomofo", "Latn": "Latin", "Grek": "Greek", "Cyrl": "Cyrillic",
}

// fontPackageFor returns the Debian font package that covers r.
func fontPackageFor(r rune) fontPackage {
	if emojiChar(r) && !ignorable(r) {
		return fontPackage{name: "fonts-noto-color-emoji", script: "emoji"}
	}
	code := language.LookupScript(r).String()
	name := scriptNames[code]
	if name == "" {
		name = code
	}
	switch {
	case code == "Hang":
		return fontPackage{name: "fonts-nanum", script: name}
	case code == "Hani" || code == "Hira" || code == "Kana" || code == "Bopo":
		return fontPackage{name: "fonts-noto-cjk", script: name}
	case code == "Latn" || code == "Grek" || code == "Cyrl":
		return fontPackage{name: "fonts-dejavu-core", script: name}
	case len(code) == 4 && strings.Contains(notoCoreScripts, code):
		return fontPackage{name: "fonts-noto-core", script: name}
	}
	return fontPackage{}
}

// advice is the end of the error message.
func (p fontPackage) advice() string {
	if p.name == "" {
		return "no font package known to Labelbridge has it: list a font file that does in the config's \"fonts\""
	}
	return fmt.Sprintf("install %s (%s) or set \"fonts\" in config", p.name, p.script)
}

// hint is the error's hint.
func (p fontPackage) hint(r rune) string {
	if p.name == "" {
		return fmt.Sprintf("No font package known to Labelbridge has %U: find a font file that has it, list it in the config's \"fonts\" or name it in the element's \"font\", or remove the character.", r)
	}
	return fmt.Sprintf("Install a font with %s characters: on Debian or Ubuntu `apt-get install %s`; on Windows or macOS any font that has them. Then list it in the config's \"fonts\" or name it in the element's \"font\" (installed fonts are found by themselves).", p.script, p.name)
}
