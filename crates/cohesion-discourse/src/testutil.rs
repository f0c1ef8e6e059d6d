//! Helpers for unit tests: build a small corpus in a fresh temporary folder.

use crate::import::conllu::parse_conllu;
use crate::import::text::parse_transcript;
use crate::index::build::IndexBuilder;
use crate::index::open::Corpus;
use crate::model::Text;
use crate::tokenise::Lang;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "cd-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn build(texts: &[Text]) -> (Corpus, PathBuf) {
    let dir = scratch("corpus");
    let out = dir.join("c");
    let mut b = IndexBuilder::new();
    for t in texts {
        b.add(t).unwrap();
    }
    b.finish(&out).unwrap();
    (Corpus::open(&out).unwrap(), dir)
}

/// A corpus from transcripts given as `(text id, content)`.
pub fn transcripts(docs: &[(&str, &str)]) -> (Corpus, PathBuf) {
    let texts: Vec<Text> = docs
        .iter()
        .map(|(id, c)| parse_transcript(Path::new(id), c, id, Lang::Nl, None).unwrap())
        .collect();
    build(&texts)
}

pub fn conllu(content: &str) -> (Corpus, PathBuf) {
    build(&[parse_conllu(Path::new("t.conllu"), content, "t").unwrap()])
}
