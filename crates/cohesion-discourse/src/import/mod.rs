//! Importers: each turns source files into the [`crate::model`] texts, then the indexer
//! writes the corpus folder. Pseudonymisation happens between the two.

pub mod conllu;
pub mod frog;
pub mod orgs;
pub mod persons;
pub mod pseudo;
pub mod read;
pub mod tei;
pub mod text;

use crate::index::build::IndexBuilder;
use crate::index::Manifest;
use crate::model::{Sentence, Text};
use crate::tokenise::Lang;
use cohesion_io::{Error, Result};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Transcripts with `Name (role): text` turns.
    Text,
    /// ParlaMint TEI sittings (with `-meta.tsv` and, if present, `.conllu` beside them).
    Tei,
    /// CoNLL-U files.
    Conllu,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Tei => "xml",
            Format::Conllu => "conllu",
        }
    }
}

pub struct ImportOptions {
    pub format: Format,
    pub meta: Option<PathBuf>,
    pub pseudonymise: bool,
    /// Where the pseudonym key goes (default: beside the corpus folder, never inside it).
    pub key: Option<PathBuf>,
    pub lossy: bool,
    pub lang: Lang,
    /// Annotate with Frog (plain text and TEI without CoNLL-U).
    pub annotate: bool,
}

#[derive(Debug)]
pub struct ImportReport {
    pub manifest: Manifest,
    pub files: usize,
    pub key: Option<PathBuf>,
}

/// Files named on the command line, with folders expanded to their files of the format's
/// extension (sorted, so the corpus is the same whatever the directory order).
pub fn expand_sources(sources: &[PathBuf], format: Format) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for s in sources {
        if s.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(s)
                .map_err(|e| Error::io(s, "list", e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == format.extension()))
                // ParlaMint keeps its speaker and party registries and taxonomies beside the
                // sittings; they are read as metadata, not imported as texts.
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    format != Format::Tei
                        || !(n.ends_with("-listPerson.xml")
                            || n.ends_with("-listOrg.xml")
                            || n.contains("taxonomy"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else if s.exists() {
            files.push(s.clone());
        } else {
            return Err(Error::input(format!(
                "{}: no such file or folder",
                s.display()
            )));
        }
    }
    if files.is_empty() {
        return Err(Error::input(format!(
            "no .{} files among the sources",
            format.extension()
        )));
    }
    Ok(files)
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load(
    path: &Path,
    o: &ImportOptions,
    speaker_meta: Option<&text::SpeakerMeta>,
    warnings: &mut Vec<String>,
) -> Result<Text> {
    let content = read::read_text(path, o.lossy)?;
    match o.format {
        Format::Text => {
            text::parse_transcript_raw(path, &content, &stem(path), o.lang, speaker_meta)
        }
        Format::Conllu => conllu::parse_conllu(path, &content, &stem(path)),
        Format::Tei => {
            let meta_path = o
                .meta
                .clone()
                .unwrap_or_else(|| tei::sibling(path, "-meta.tsv"));
            let meta = if meta_path.exists() {
                Some(tei::read_meta_tsv(&meta_path, o.lossy)?)
            } else {
                None
            };
            if meta.is_none() {
                warnings.push(format!(
                    "{}: no {} beside it; speakers have ids but no party or role",
                    path.display(),
                    meta_path.display()
                ));
            }
            let conllu_path = tei::sibling(path, ".conllu");
            let annotated: Option<HashMap<String, Vec<Sentence>>> = if conllu_path.exists() {
                let c = read::read_text(&conllu_path, o.lossy)?;
                let t = conllu::parse_conllu(&conllu_path, &c, &stem(path))?;
                Some(
                    t.utterances
                        .into_iter()
                        .map(|u| (u.id, u.sentences))
                        .collect(),
                )
            } else {
                None
            };
            let persons = match persons::find_list_person(path) {
                Some(p) => Some(persons::read_list_person(&p, o.lossy)?),
                None => None,
            };
            let mut text = tei::parse_tei(
                path,
                &content,
                meta.as_ref(),
                annotated.as_ref(),
                persons.as_ref(),
                warnings,
            )?;
            if let Some(p) = persons::find_registry(path, "-listOrg.xml") {
                let orgs = orgs::read_list_org(&p, o.lossy)?;
                orgs::apply_party_names(&mut text, &orgs, path, warnings);
            }
            Ok(text)
        }
    }
}

/// Import `sources` into the corpus folder `out`.
pub fn import(sources: &[PathBuf], out: &Path, o: &ImportOptions) -> Result<ImportReport> {
    let files = expand_sources(sources, o.format)?;
    let speaker_meta = match (&o.meta, o.format) {
        (Some(m), Format::Text) => Some(text::read_speaker_meta(m, o.lossy)?),
        _ => None,
    };
    let warnings = std::sync::Mutex::new(Vec::new());
    let parse = |f: &PathBuf| -> Result<Text> {
        let mut w = Vec::new();
        let t = load(f, o, speaker_meta.as_ref(), &mut w)?;
        if let Ok(mut all) = warnings.lock() {
            all.extend(w);
        }
        Ok(t)
    };
    let mut key = None;
    let mut pseudonymiser = None;
    if o.pseudonymise {
        let key_path = o.key.clone().unwrap_or_else(|| {
            let name = out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "corpus".into());
            out.with_file_name(format!("{name}.pseudonym-key.csv"))
        });
        if key_path.starts_with(out) {
            return Err(Error::input("--key must be outside the corpus folder, so sharing the corpus never shares the key"));
        }
        let mut p = pseudo::Pseudonymiser::load(&key_path)?;
        // First pass: every speaker's name, before any text is masked.
        for f in &files {
            p.register(&parse(f)?);
        }
        pseudonymiser = Some(p);
        key = Some(key_path);
    }
    let parts = pseudonymiser
        .as_ref()
        .map(|p| (p.name_parts(), p.key().clone()));
    let mut b = IndexBuilder::new();
    b.pseudonymised = o.pseudonymise;
    let mut ids = HashSet::new();
    // Files are parsed in parallel in small batches (bounded memory) and added in order,
    // so the corpus is the same whatever the thread count.
    // Frog is slow to start (seconds), so annotation runs once over all files.
    let batch = if o.annotate {
        files.len().max(1)
    } else {
        2 * rayon::current_num_threads().max(1)
    };
    if o.annotate && o.format == Format::Conllu {
        return Err(Error::input(
            "--annotate frog is for plain text and TEI; CoNLL-U is annotated already",
        ));
    }
    for chunk in files.chunks(batch) {
        // Parsing, masking and interning happen on the worker threads; the main thread
        // only merges per-file lexicons and maps ids.
        let mut texts: Vec<Text> = chunk
            .par_iter()
            .map(|f| {
                let mut t = parse(f)?;
                if let Some((parts, key)) = &parts {
                    pseudo::Pseudonymiser::mask(&mut t, parts, key);
                }
                Ok(t)
            })
            .collect::<Result<_>>()?;
        if o.annotate {
            frog::annotate(&mut texts)?;
        }
        let built: Vec<Result<(String, IndexBuilder)>> = texts
            .into_par_iter()
            .map(|t| {
                let mut local = IndexBuilder::new();
                local.add(&t)?;
                Ok((t.id, local))
            })
            .collect();
        for (r, f) in built.into_iter().zip(chunk) {
            let (id, local) = r?;
            if !ids.insert(id.clone()) {
                return Err(Error::at(
                    f,
                    None,
                    None,
                    format!("text id `{id}` occurs twice among the sources"),
                ));
            }
            b.append(local)?;
        }
    }
    // Warnings in file order whatever the thread scheduling.
    let mut w = warnings.into_inner().unwrap_or_default();
    w.sort();
    b.warnings = w;
    let manifest = b.finish(out)?;
    // The key is written once the corpus is in place, so a failed import changes nothing.
    if let (Some(p), Some(k)) = (&pseudonymiser, &key) {
        p.write_key(k)?;
    }
    Ok(ImportReport {
        manifest,
        files: files.len(),
        key,
    })
}
