//! CQP values: whole-value regular expressions with the `%c` (case) and `%d` (diacritics)
//! flags, shared by token tests, region tags and global constraints.

use super::parse::Value;
use cohesion_io::{Error, Result};
use regex::{Regex, RegexBuilder};

/// Strip diacritics from Latin letters (for `%d`): `é` → `e`, `ï` → `i`, `ç` → `c`.
pub fn fold_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// A compiled CQP value: whole-value regex match, honouring `%c` and `%d`.
pub struct ValueMatcher {
    re: Regex,
    fold: bool,
}

impl ValueMatcher {
    pub fn new(v: &Value) -> Result<Self> {
        let pat = if v.ignore_diacritics {
            fold_diacritics(&v.text)
        } else {
            v.text.clone()
        };
        let re = RegexBuilder::new(&format!("^(?:{pat})$"))
            .case_insensitive(v.ignore_case)
            .build()
            .map_err(|e| {
                Error::input(format!("query: bad regular expression \"{}\": {e}", v.text))
            })?;
        Ok(ValueMatcher {
            re,
            fold: v.ignore_diacritics,
        })
    }
    pub fn is_match(&self, s: &str) -> bool {
        if self.fold {
            self.re.is_match(&fold_diacritics(s))
        } else {
            self.re.is_match(s)
        }
    }
}
