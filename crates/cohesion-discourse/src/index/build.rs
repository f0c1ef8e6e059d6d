//! Building the index: tokens are interned per attribute as texts stream in, so memory is
//! four bytes per token per attribute plus the lexicons; `finish` sorts each lexicon, renumbers
//! ids in that order, derives postings with a counting sort, and swaps the finished folder
//! into place so a failed build never damages an existing corpus.

use super::intern::Interner;
use super::write::{write_column, write_meta, write_u32s};
use super::{Manifest, StructureInfo, FORMAT_NAME, FORMAT_VERSION, NO_HEAD};
use crate::model::{Text, Token};
use cohesion_io::{Error, Result};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Positional attributes, in manifest order. `lower` is the lower-cased word, so
/// case-insensitive counts need no regex.
pub const ATTRIBUTES: &[&str] = &["word", "lower", "lemma", "pos", "xpos", "feats", "deprel"];

#[derive(Default)]
struct Column {
    types: Interner,
    ids: Vec<u32>,
    /// Whether any token carried a real value (not `_`).
    seen: bool,
    /// Id of `_`, the value of unannotated tokens.
    missing: Option<u32>,
    /// Unannotated tokens counted but not stored, while `seen` is false.
    unseen: usize,
}

impl Column {
    fn push(&mut self, value: Option<&str>) {
        // Unannotated tokens are the common case for plain text: until a column sees a real
        // value it only counts them, so plain text costs no memory for lemma, pos, etc.
        let Some(v) = value else {
            if !self.seen {
                self.unseen += 1;
                return;
            }
            let id = self.missing_id();
            self.ids.push(id);
            return;
        };
        self.fill();
        let id = self.intern(v);
        self.ids.push(id);
    }

    fn missing_id(&mut self) -> u32 {
        match self.missing {
            Some(id) => id,
            None => self.intern("_"),
        }
    }

    /// Turn the counted unannotated tokens into `_` ids, once a real value appears.
    fn fill(&mut self) {
        if !self.seen {
            self.seen = true;
            let id = self.missing_id();
            self.ids.extend(std::iter::repeat_n(id, self.unseen));
            self.unseen = 0;
        }
    }

    fn intern(&mut self, v: &str) -> u32 {
        let id = self.types.intern(v);
        if v == "_" {
            self.missing = Some(id);
        }
        id
    }

    /// The `lower` column from the `word` column: lower-case each word type once and map
    /// the token ids through that table.
    fn lowered(word: &Column) -> Column {
        let mut lower = Column::default();
        let table: Vec<u32> = word
            .types
            .iter()
            .map(|t| lower.intern(&t.to_lowercase()))
            .collect();
        lower.ids = word.ids.iter().map(|&i| table[i as usize]).collect();
        lower.seen = true;
        lower
    }
}

#[derive(Default)]
struct Regions {
    spans: Vec<(u32, u32)>,
    columns: Vec<String>,
    rows: Vec<Vec<(String, String)>>,
    /// Per row, `(utterance region, k)` when the row's only value is the id `UTT.s{k+1}`,
    /// written out at the end instead of held as strings (millions of sentences), else
    /// [`NOT_DERIVED`].
    derived: Vec<(u32, u32)>,
}

const NOT_DERIVED: (u32, u32) = (u32::MAX, 0);

impl Regions {
    fn push(&mut self, start: u32, end: u32, meta: Vec<(String, String)>) {
        for (k, _) in &meta {
            if !self.columns.contains(k) {
                self.columns.push(k.clone());
            }
        }
        self.spans.push((start, end));
        self.rows.push(meta);
        self.derived.push(NOT_DERIVED);
    }

    fn push_derived(&mut self, start: u32, end: u32, utterance: u32, k: u32) {
        if !self.columns.iter().any(|c| c == "id") {
            self.columns.push("id".into());
        }
        self.spans.push((start, end));
        self.rows.push(Vec::new());
        self.derived.push((utterance, k));
    }
}

#[derive(Default)]
pub struct IndexBuilder {
    columns: Vec<Column>,
    heads: Vec<u32>,
    any_head: bool,
    /// Tokens added so far.
    n: usize,
    structures: [Regions; 3],
    pub warnings: Vec<String>,
    pub pseudonymised: bool,
}

fn value<'a>(t: &'a Token, attr: &str) -> Option<&'a str> {
    match attr {
        "lemma" => t.lemma.as_deref(),
        "pos" => t.upos.as_deref(),
        "xpos" => t.xpos.as_deref(),
        "feats" => t.feats.as_deref(),
        "deprel" => t.deprel.as_deref(),
        _ => None,
    }
}

impl IndexBuilder {
    pub fn new() -> Self {
        IndexBuilder {
            columns: ATTRIBUTES.iter().map(|_| Column::default()).collect(),
            ..Default::default()
        }
    }

    pub fn tokens(&self) -> usize {
        self.n
    }

    /// Append one text. Fails only if the corpus would exceed 2³² − 2 tokens.
    pub fn add(&mut self, text: &Text) -> Result<()> {
        let text_start = self.tokens();
        // Raw text has at most one token per byte: a safe bound without tokenising twice.
        let raw: usize = text
            .utterances
            .iter()
            .filter_map(|u| u.raw.as_ref())
            .map(|r| r.0.len())
            .sum();
        if text_start as u64 + (text.tokens().count() + raw) as u64 >= u32::MAX as u64 - 1 {
            return Err(Error::input("corpus too large: more than 4 billion tokens"));
        }
        for u in &text.utterances {
            let u_start = self.tokens() as u32;
            if let Some((body, lang)) = &u.raw {
                self.add_raw(body, *lang);
            }
            for s in &u.sentences {
                let s_start = self.tokens() as u32;
                for t in &s.tokens {
                    // Whitespace inside a token (possible in CoNLL-U) becomes `_`, so every
                    // type prints as one word; allocate only when needed. `lower` is derived
                    // from the word types at the end, not interned per token.
                    if t.word.contains(char::is_whitespace) {
                        self.columns[0].push(Some(&t.word.replace(char::is_whitespace, "_")));
                    } else {
                        self.columns[0].push(Some(&t.word));
                    }
                    for (k, attr) in ATTRIBUTES.iter().enumerate().skip(2) {
                        self.columns[k].push(value(t, attr));
                    }
                    if t.head.is_some() && !self.any_head {
                        // First parsed token: back-fill "no head" for everything before it.
                        self.any_head = true;
                        self.heads = vec![NO_HEAD; self.n];
                    }
                    if self.any_head {
                        self.heads.push(match t.head {
                            Some(h) if h > 0 => s_start + h - 1,
                            _ => NO_HEAD,
                        });
                    }
                    self.n += 1;
                }
                let end = self.tokens() as u32;
                if end > s_start {
                    self.structures[2].push(s_start, end, vec![("id".into(), s.id.clone())]);
                }
            }
            let end = self.tokens() as u32;
            if end > u_start {
                let mut meta = vec![("id".to_string(), u.id.clone())];
                meta.extend(u.meta.iter().cloned());
                self.structures[1].push(u_start, end, meta);
            }
        }
        let end = self.tokens() as u32;
        if end as usize > text_start {
            let mut meta = vec![("id".to_string(), text.id.clone())];
            meta.extend(text.meta.iter().cloned());
            self.structures[0].push(text_start as u32, end, meta);
        }
        Ok(())
    }

    /// Tokenise and add an utterance's raw text: tokens are slices, interned without copying.
    fn add_raw(&mut self, body: &str, lang: crate::tokenise::Lang) {
        // The utterance's region is pushed after its sentences: its index is the current count.
        let u_index = self.structures[1].spans.len() as u32;
        let (mut s_start, mut k) = (self.n as u32, 0u32);
        crate::tokenise::for_each_token(body, lang, |w, starts_sentence| {
            if starts_sentence {
                self.structures[2].push_derived(s_start, self.n as u32, u_index, k);
                (s_start, k) = (self.n as u32, k + 1);
            }
            self.columns[0].push(Some(w));
            for c in self.columns.iter_mut().skip(2) {
                c.push(None);
            }
            if self.any_head {
                self.heads.push(NO_HEAD);
            }
            self.n += 1;
        });
        if self.n as u32 > s_start {
            self.structures[2].push_derived(s_start, self.n as u32, u_index, k);
        }
    }

    /// Append another builder's tokens (built from other texts, e.g. on another thread):
    /// each of its types is interned here once, and its token ids are mapped through that
    /// table, so merging costs one array lookup per token and one hash lookup per type.
    pub fn append(&mut self, other: IndexBuilder) -> Result<()> {
        let offset = self.n as u32;
        if self.n as u64 + other.n as u64 >= u32::MAX as u64 - 1 {
            return Err(Error::input("corpus too large: more than 4 billion tokens"));
        }
        for (mine, theirs) in self.columns.iter_mut().zip(other.columns) {
            if !theirs.seen {
                if mine.seen {
                    let id = mine.missing_id();
                    mine.ids.extend(std::iter::repeat_n(id, theirs.unseen));
                } else {
                    mine.unseen += theirs.unseen;
                }
                continue;
            }
            mine.fill();
            let table: Vec<u32> = theirs.types.iter().map(|t| mine.intern(t)).collect();
            mine.ids
                .extend(theirs.ids.iter().map(|&i| table[i as usize]));
        }
        if other.any_head && !self.any_head {
            self.any_head = true;
            self.heads = vec![NO_HEAD; self.n];
        }
        if self.any_head {
            if other.any_head {
                self.heads.extend(other.heads.iter().map(|&h| {
                    if h == NO_HEAD {
                        h
                    } else {
                        h + offset
                    }
                }));
            } else {
                self.heads.extend(std::iter::repeat_n(NO_HEAD, other.n));
            }
        }
        let u_offset = self.structures[1].spans.len() as u32;
        for (mine, theirs) in self.structures.iter_mut().zip(other.structures) {
            for (((a, b), meta), d) in theirs
                .spans
                .into_iter()
                .zip(theirs.rows)
                .zip(theirs.derived)
            {
                if d == NOT_DERIVED {
                    mine.push(a + offset, b + offset, meta);
                } else {
                    mine.push_derived(a + offset, b + offset, d.0 + u_offset, d.1);
                }
            }
        }
        self.n += other.n;
        Ok(())
    }

    /// Write the index into `out`, replacing a previous corpus there only once the new one
    /// is complete. Refuses to replace a non-empty folder that is not a corpus.
    pub fn finish(self, out: &Path) -> Result<Manifest> {
        if out.exists() {
            let is_corpus = out.join("corpus.json").exists();
            let empty = fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !out.is_dir() || !(is_corpus || empty) {
                return Err(Error::input(format!(
                    "{}: exists and is not a corpus folder; choose another --out",
                    out.display()
                )));
            }
        }
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create folder", e))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "corpus".into());
        let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, "create folder", e))?;
        let result = self.write_all(&staging).and_then(|m| {
            swap_into_place(&staging, out)?;
            Ok(m)
        });
        if result.is_err() {
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    /// Heads and the regions with their metadata.
    fn write_regions(&mut self, dir: &Path) -> Result<Vec<StructureInfo>> {
        if self.any_head {
            write_u32s(&dir.join("head.pos"), &self.heads)?;
        }
        let mut structures = Vec::new();
        let u_ids: Vec<String> = self.structures[1]
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .find(|(k, _)| k == "id")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        for (name, r) in ["text", "u", "s"]
            .iter()
            .zip(std::mem::take(&mut self.structures))
        {
            let flat: Vec<u32> = r.spans.iter().flat_map(|&(a, b)| [a, b]).collect();
            write_u32s(&dir.join(format!("{name}.rgn")), &flat)?;
            let derived_id = |i: usize| -> Option<String> {
                let (u, k) = *r.derived.get(i)?;
                (u != u32::MAX).then(|| {
                    format!(
                        "{}.s{}",
                        u_ids.get(u as usize).map(String::as_str).unwrap_or(""),
                        k + 1
                    )
                })
            };
            write_meta(
                &dir.join(format!("{name}.meta.tsv")),
                &r.columns,
                &r.rows,
                &derived_id,
            )?;
            structures.push(StructureInfo {
                name: name.to_string(),
                regions: r.spans.len() as u64,
                columns: r.columns,
            });
        }
        Ok(structures)
    }

    fn write_all(mut self, dir: &Path) -> Result<Manifest> {
        let n = self.tokens();
        // The columns are written on the cores beside the regions and heads: every file is
        // written whole by one thread, so the bytes do not depend on the thread count.
        // Peak memory holds the postings of as many columns as there are cores.
        self.columns[1] = Column::lowered(&self.columns[0]);
        let columns = std::mem::take(&mut self.columns);
        let (attributes, structures) = rayon::join(
            || -> Result<Vec<String>> {
                let written: Vec<Option<String>> = columns
                    .into_par_iter()
                    .enumerate()
                    .with_max_len(1)
                    .map(|(k, col)| {
                        if k >= 2 && !col.seen {
                            return Ok(None);
                        }
                        let types: Vec<&str> = col.types.iter().collect();
                        write_column(dir, ATTRIBUTES[k], &types, col.ids, n)?;
                        Ok(Some(ATTRIBUTES[k].to_string()))
                    })
                    .collect::<Result<_>>()?;
                Ok(written.into_iter().flatten().collect())
            },
            || self.write_regions(dir),
        );
        let (attributes, structures) = (attributes?, structures?);
        let manifest = Manifest {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
            tokens: n as u64,
            attributes,
            has_heads: self.any_head,
            structures,
            pseudonymised: self.pseudonymised,
            warnings: self.warnings,
        };
        let json =
            serde_json::to_vec_pretty(&manifest).map_err(|e| Error::failure(e.to_string()))?;
        let p = dir.join("corpus.json");
        fs::write(&p, json).map_err(|e| Error::io(&p, "write", e))?;
        Ok(manifest)
    }
}

/// Replace `out` by `staging`: move the old folder aside, move the new one in, delete the old.
fn swap_into_place(staging: &Path, out: &Path) -> Result<()> {
    let old: Option<PathBuf> = if out.exists() {
        let aside = staging.with_extension("old");
        let _ = fs::remove_dir_all(&aside);
        fs::rename(out, &aside).map_err(|e| Error::io(out, "move the previous corpus aside", e))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = fs::rename(staging, out) {
        if let Some(aside) = &old {
            let _ = fs::rename(aside, out);
        }
        return Err(Error::io(out, "move the new corpus into place", e));
    }
    if let Some(aside) = old {
        let _ = fs::remove_dir_all(aside);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::conllu::parse_conllu;
    use crate::import::text::parse_transcript;
    use crate::testutil::scratch;
    use crate::tokenise::Lang;

    /// Merging per-file builders (the parallel import) gives byte-identical files to adding
    /// the texts to one builder, also when only some texts carry a parse and for raw text
    /// (whose sentence ids are derived at write time).
    #[test]
    fn append_equals_sequential_add() {
        let a = crate::import::text::parse_transcript_raw(
            Path::new("a"),
            "Ann (x): Wij Gaan. zij ook\nBen: ja",
            "a",
            Lang::Nl,
            None,
        )
        .unwrap();
        let b = parse_conllu(
            Path::new("b"),
            "1\tZe\tze\tPRON\t_\t_\t2\tnsubj\t_\t_\n2\tgaan\tgaan\tVERB\t_\t_\t0\troot\t_\t_\n",
            "b",
        )
        .unwrap();
        let d = scratch("append");
        let mut one = IndexBuilder::new();
        // The parsed text first, so the raw one's derived ids need the utterance offset.
        one.add(&b).unwrap();
        one.add(&a).unwrap();
        one.finish(&d.join("one")).unwrap();
        let mut merged = IndexBuilder::new();
        for t in [&b, &a] {
            let mut local = IndexBuilder::new();
            local.add(t).unwrap();
            merged.append(local).unwrap();
        }
        merged.finish(&d.join("two")).unwrap();
        let mut names: Vec<_> = fs::read_dir(d.join("one"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(names.len() > 20);
        for n in names {
            assert_eq!(
                fs::read(d.join("one").join(&n)).unwrap(),
                fs::read(d.join("two").join(&n)).unwrap(),
                "{n:?}"
            );
        }
        fs::remove_dir_all(d).unwrap();
    }

    /// The allocation-free raw-text path indexes exactly what the tokenised path does.
    #[test]
    fn raw_text_path_equals_tokenised_path() {
        use crate::import::text::parse_transcript_raw;
        let src =
            "Ann (x): 's Avonds gaan we o.a. naar \"de stad\". Zo'n 1.000 mensen!\nBen: Ja? (ok)";
        let d = scratch("raw");
        for (name, t) in [
            (
                "tok",
                parse_transcript(Path::new("a"), src, "a", Lang::Nl, None).unwrap(),
            ),
            (
                "raw",
                parse_transcript_raw(Path::new("a"), src, "a", Lang::Nl, None).unwrap(),
            ),
        ] {
            let mut b = IndexBuilder::new();
            b.add(&t).unwrap();
            b.finish(&d.join(name)).unwrap();
        }
        for e in fs::read_dir(d.join("tok")).unwrap() {
            let n = e.unwrap().file_name();
            assert_eq!(
                fs::read(d.join("tok").join(&n)).unwrap(),
                fs::read(d.join("raw").join(&n)).unwrap(),
                "{n:?}"
            );
        }
        fs::remove_dir_all(d).unwrap();
    }
}
