//! Text helpers for Vietnamese: canonical form (NFC, single spaces), case folding and the accent-insensitive
//! key used by search ("ban le" finds "Bán lẻ").

use unicode_normalization::UnicodeNormalization;

/// Every lower-case Vietnamese letter that carries a diacritic, grouped by the plain letter it folds to.
const DIACRITIC_LETTERS: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

/// The text in Unicode NFC with surrounding space removed and inner runs of white space collapsed to one
/// space. Phones differ in what their keyboards send (precomposed or combining marks); after this, two
/// spellings that look the same compare equal.
#[must_use]
pub fn canonical(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `c` is a letter of the Vietnamese alphabet, with or without tone marks, or one of F, J, W, Z
/// (which NĐ 168/2025 art. 86.1 also allows in names). Upper or lower case.
#[must_use]
pub fn is_vietnamese_letter(c: char) -> bool {
    if c.is_ascii_alphabetic() {
        return true;
    }
    c.to_lowercase()
        .all(|lower| DIACRITIC_LETTERS.iter().any(|(_, set)| set.contains(lower)))
}

/// Folds one lower-case letter to its plain ASCII base (`ặ` → `a`, `đ` → `d`); other characters are
/// returned unchanged.
fn fold_char(c: char) -> char {
    DIACRITIC_LETTERS
        .iter()
        .find(|(_, set)| set.contains(c))
        .map_or(c, |(base, _)| *base)
}

/// The accent-insensitive search key: lower case, without Vietnamese diacritics (đ → d), anything that
/// is not a letter or digit turned into a space, spaces collapsed. `"Bán lẻ (trừ ô tô)"` → `"ban le tru o to"`.
#[must_use]
pub fn fold(raw: &str) -> String {
    let lower: String = raw.nfc().flat_map(char::to_lowercase).collect();
    let folded: String = lower
        .chars()
        // Combining marks left over (letters with no precomposed form) are dropped.
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(fold_char)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether every word of the query starts a word of the text, accent- and case-insensitively
/// (`"ban le"` matches `"Bán lẻ lương thực"`, `"le ban"` too; `"an"` does not match `"Bán"`).
#[must_use]
pub fn matches_words(query_folded: &str, text_folded: &str) -> bool {
    let words: Vec<&str> = text_folded.split(' ').collect();
    query_folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

/// Removes every character that is not an ASCII digit, for numbers typed with spaces, dots or hyphens.
#[must_use]
pub(crate) fn digits_only(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_to_plain_ascii() {
        assert_eq!(fold("Bán lẻ"), "ban le");
        assert_eq!(fold("ĐẶC KHU LÝ SƠN"), "dac khu ly son");
        assert_eq!(fold("  Bán   lẻ (trừ ô tô) "), "ban le tru o to");
        // Decomposed input (base letter + combining marks) folds the same way.
        assert_eq!(fold("Ba\u{301}n le\u{309}"), "ban le");
    }

    #[test]
    fn canonical_composes_and_collapses_spaces() {
        assert_eq!(canonical("  Hộ   kinh\tdoanh "), "Hộ kinh doanh");
        assert_eq!(canonical("Ba\u{301}n"), "Bán");
    }

    #[test]
    fn word_prefix_matching() {
        assert!(matches_words("ban le", "ban le luong thuc"));
        assert!(matches_words("le ban", "ban le luong thuc"));
        assert!(!matches_words("an", "ban le"));
        assert!(matches_words("", "anything"));
    }

    #[test]
    fn vietnamese_letters() {
        for c in "aăâbcdđeêghiklmnopqrstuưvxyfjwzÁẶỆỰĐ".chars() {
            assert!(is_vietnamese_letter(c), "{c}");
        }
        for c in "1-&ñçß中".chars() {
            assert!(!is_vietnamese_letter(c), "{c}");
        }
    }
}
