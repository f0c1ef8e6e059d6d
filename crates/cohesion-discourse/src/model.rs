//! The in-memory document model every importer produces and the indexer consumes:
//! texts contain utterances (speaker turns) contain sentences contain tokens.

/// One token with whatever annotation its source carried (`None` = not annotated).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Token {
    pub word: String,
    pub lemma: Option<String>,
    pub upos: Option<String>,
    pub xpos: Option<String>,
    pub feats: Option<String>,
    pub deprel: Option<String>,
    /// 1-based index of the head within the sentence, 0 for the root (CoNLL-U convention).
    pub head: Option<u32>,
}

impl Token {
    pub fn plain(word: impl Into<String>) -> Self {
        Token {
            word: word.into(),
            ..Token::default()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sentence {
    pub id: String,
    pub tokens: Vec<Token>,
}

/// A speaker turn. `meta` holds the speaker's attributes (`speaker`, `role`, `party`, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Utterance {
    pub id: String,
    pub meta: Vec<(String, String)>,
    pub sentences: Vec<Sentence>,
    /// Plain text not yet tokenised: the indexer tokenises it into slices, so a large
    /// transcript never holds one `String` per token. [`Utterance::materialise`] turns it
    /// into `sentences` for code that edits tokens.
    pub raw: Option<(String, crate::tokenise::Lang)>,
}

impl Utterance {
    /// Tokenise `raw` (if any) into `sentences`.
    pub fn materialise(&mut self) {
        if let Some((body, lang)) = self.raw.take() {
            for words in crate::tokenise::tokenise(&body, lang) {
                let id = format!("{}.s{}", self.id, self.sentences.len() + 1);
                self.sentences.push(Sentence {
                    id,
                    tokens: words.into_iter().map(Token::plain).collect(),
                });
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.meta.push((key.to_string(), value)),
        }
    }
}

/// One source document (a transcript file, a ParlaMint sitting, a CoNLL-U file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub id: String,
    pub meta: Vec<(String, String)>,
    pub utterances: Vec<Utterance>,
}

impl Text {
    pub fn tokens(&self) -> impl Iterator<Item = &Token> {
        self.utterances
            .iter()
            .flat_map(|u| u.sentences.iter().flat_map(|s| s.tokens.iter()))
    }
}
