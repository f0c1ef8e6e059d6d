//! Opening a corpus folder: the manifest is checked (format and version), then every index
//! file is memory-mapped, so opening costs microseconds whatever the corpus size and the
//! operating system pages in only what a query touches.

use super::{Manifest, FORMAT_NAME, FORMAT_VERSION, NO_HEAD};
use cohesion_io::{Error, Result};
use memmap2::Mmap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A read-only mapped file; empty files are not mapped (mapping zero bytes fails on Linux).
struct Mapped(Option<Mmap>);

impl Mapped {
    fn open(path: &Path) -> Result<Self> {
        let f = File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::input(format!(
                    "{}: index file missing: the corpus is damaged or was written by another build; re-import the sources",
                    path.display()
                ))
            } else {
                Error::io(path, "open index file", e)
            }
        })?;
        let len = f
            .metadata()
            .map_err(|e| Error::io(path, "open index file", e))?
            .len();
        if len == 0 {
            return Ok(Mapped(None));
        }
        // SAFETY: the index is written once into a fresh folder and never modified in place
        // (a rebuild swaps folders), so the mapped bytes do not change under us.
        let m = unsafe { Mmap::map(&f) }.map_err(|e| Error::io(path, "map index file", e))?;
        Ok(Mapped(Some(m)))
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }
}

fn cast<'a, T: Copy>(bytes: &'a [u8], path: &Path) -> Result<&'a [T]> {
    // SAFETY: u32 and u64 have no invalid bit patterns; alignment is checked below (mappings
    // are page-aligned, so a misaligned prefix means a corrupt or foreign file).
    let (pre, mid, post) = unsafe { bytes.align_to::<T>() };
    if !pre.is_empty() || !post.is_empty() {
        return Err(Error::input(format!(
            "{}: index file is damaged (bad length)",
            path.display()
        )));
    }
    Ok(mid)
}

/// One positional attribute: lexicon, token ids and postings.
pub struct Attribute {
    pub name: String,
    lex: Mapped,
    lexoff: Mapped,
    ids: Mapped,
    postoff: Mapped,
    post: Mapped,
}

impl Attribute {
    fn open(dir: &Path, name: &str, tokens: u64) -> Result<Self> {
        let f = |ext: &str| Mapped::open(&dir.join(format!("{name}.{ext}")));
        let a = Attribute {
            name: name.to_string(),
            lex: f("lex")?,
            lexoff: f("lexoff")?,
            ids: f("ids")?,
            postoff: f("postoff")?,
            post: f("post")?,
        };
        let p = dir.join(name);
        let ok = cast::<u32>(a.ids.bytes(), &p)?.len() as u64 == tokens
            && cast::<u32>(a.post.bytes(), &p)?.len() as u64 == tokens
            && cast::<u64>(a.lexoff.bytes(), &p)?.len()
                == cast::<u64>(a.postoff.bytes(), &p)?.len()
            && cast::<u64>(a.lexoff.bytes(), &p)?
                .last()
                .copied()
                .unwrap_or(0)
                == a.lex.bytes().len() as u64;
        if !ok {
            return Err(Error::input(format!(
                "{}: index files of `{name}` disagree in size; re-import the corpus",
                dir.display()
            )));
        }
        Ok(a)
    }

    fn lexoff(&self) -> &[u64] {
        cast(self.lexoff.bytes(), Path::new("")).unwrap_or(&[])
    }
    fn postoff(&self) -> &[u64] {
        cast(self.postoff.bytes(), Path::new("")).unwrap_or(&[])
    }
    /// Type id per corpus position.
    pub fn ids(&self) -> &[u32] {
        cast(self.ids.bytes(), Path::new("")).unwrap_or(&[])
    }
    pub fn types(&self) -> usize {
        self.lexoff().len().saturating_sub(1)
    }
    /// The concatenated type strings and the offsets of each (type `i` is
    /// `bytes[offsets[i]..offsets[i + 1]]`), for scanning the whole lexicon.
    pub fn lexicon_bytes(&self) -> (&[u8], &[u64]) {
        (self.lex.bytes(), self.lexoff())
    }
    /// The bytes of a type id's string (no UTF-8 check: for scanning the whole lexicon).
    pub fn bytes_of(&self, id: u32) -> &[u8] {
        let off = self.lexoff();
        &self.lex.bytes()[off[id as usize] as usize..off[id as usize + 1] as usize]
    }
    /// The string of a type id. Lexicon strings are valid UTF-8 by construction.
    pub fn str_of(&self, id: u32) -> &str {
        let off = self.lexoff();
        let (a, b) = (off[id as usize] as usize, off[id as usize + 1] as usize);
        std::str::from_utf8(&self.lex.bytes()[a..b]).unwrap_or("\u{fffd}")
    }
    /// Binary search in the sorted lexicon.
    pub fn id_of(&self, s: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.types());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.str_of(mid as u32).as_bytes().cmp(s.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }
    pub fn id_at(&self, pos: u32) -> u32 {
        self.ids()[pos as usize]
    }
    pub fn at(&self, pos: u32) -> &str {
        self.str_of(self.id_at(pos))
    }
    /// Ascending corpus positions of a type.
    pub fn postings(&self, id: u32) -> &[u32] {
        let off = self.postoff();
        let all: &[u32] = cast(self.post.bytes(), Path::new("")).unwrap_or(&[]);
        &all[off[id as usize] as usize..off[id as usize + 1] as usize]
    }
    pub fn freq(&self, id: u32) -> u64 {
        let off = self.postoff();
        off[id as usize + 1] - off[id as usize]
    }
}

/// A structural attribute: ascending, non-overlapping regions with metadata. The metadata
/// TSV is memory-mapped with a row-offset index, so reading one region's value costs one
/// line split, however many regions there are (a KWIC page must not load a million rows).
pub struct Structure {
    pub name: String,
    rgn: Mapped,
    columns: Vec<String>,
    tsv: Mapped,
    rows: Mapped,
}

impl Structure {
    /// Region starts and ends, interleaved: `[start0, end0, start1, end1, …]`.
    pub fn spans(&self) -> &[u32] {
        cast(self.rgn.bytes(), Path::new("")).unwrap_or(&[])
    }
    pub fn len(&self) -> usize {
        self.spans().len() / 2
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }
    /// `(start, end)` of region `i`, end exclusive.
    pub fn span(&self, i: usize) -> (u32, u32) {
        let s = self.spans();
        (s[2 * i], s[2 * i + 1])
    }
    /// The region containing `pos`, by binary search on the starts.
    pub fn find(&self, pos: u32) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.span(mid).0 <= pos {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let i = lo.checked_sub(1)?;
        (pos < self.span(i).1).then_some(i)
    }
    /// Metadata value `key` of region `i` (empty string when absent).
    pub fn value(&self, i: usize, key: &str) -> Result<&str> {
        let c = self.columns.iter().position(|c| c == key).ok_or_else(|| {
            Error::input(format!(
                "structure `{}` has no attribute `{key}` (it has: {})",
                self.name,
                self.columns.join(", ")
            ))
        })?;
        let rows: &[u64] = cast(self.rows.bytes(), Path::new("")).unwrap_or(&[]);
        let (Some(&a), Some(&b)) = (rows.get(i), rows.get(i + 1)) else {
            return Ok("");
        };
        let line = self.tsv.bytes().get(a as usize..b as usize).unwrap_or(&[]);
        let line = std::str::from_utf8(line)
            .unwrap_or("")
            .trim_end_matches('\n');
        Ok(line.split('\t').nth(c).unwrap_or(""))
    }
}

pub struct Corpus {
    pub dir: PathBuf,
    pub manifest: Manifest,
    attrs: Vec<Attribute>,
    heads: Option<Mapped>,
    structures: Vec<Structure>,
}

impl Corpus {
    pub fn open(dir: &Path) -> Result<Self> {
        let mpath = dir.join("corpus.json");
        if !dir.is_dir() {
            return Err(Error::input(format!(
                "{}: no such corpus folder",
                dir.display()
            )));
        }
        let text = std::fs::read_to_string(&mpath)
            .map_err(|_| Error::input(format!("{}: not a corpus folder (no corpus.json); create one with `cohesion corpus import`", dir.display())))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::at(&mpath, Some(e.line()), None, e))?;
        if v["format"] != FORMAT_NAME {
            return Err(Error::at(
                &mpath,
                None,
                Some("format"),
                "not a cohesion corpus",
            ));
        }
        if v["version"] != FORMAT_VERSION {
            return Err(Error::at(
                &mpath,
                None,
                Some("version"),
                format!("corpus format version {} but this program reads version {FORMAT_VERSION}; re-import the sources", v["version"]),
            ));
        }
        let manifest: Manifest =
            serde_json::from_value(v).map_err(|e| Error::at(&mpath, None, None, e))?;
        let attrs = manifest
            .attributes
            .iter()
            .map(|a| Attribute::open(dir, a, manifest.tokens))
            .collect::<Result<_>>()?;
        let heads = if manifest.has_heads {
            Some(Mapped::open(&dir.join("head.pos"))?)
        } else {
            None
        };
        let structures = manifest
            .structures
            .iter()
            .map(|s| {
                Ok(Structure {
                    name: s.name.clone(),
                    rgn: Mapped::open(&dir.join(format!("{}.rgn", s.name)))?,
                    columns: s.columns.clone(),
                    tsv: Mapped::open(&dir.join(format!("{}.meta.tsv", s.name)))?,
                    rows: Mapped::open(&dir.join(format!("{}.meta.rows", s.name)))?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Corpus {
            dir: dir.to_path_buf(),
            manifest,
            attrs,
            heads,
            structures,
        })
    }

    pub fn len(&self) -> u32 {
        self.manifest.tokens as u32
    }
    pub fn is_empty(&self) -> bool {
        self.manifest.tokens == 0
    }

    pub fn attr(&self, name: &str) -> Result<&Attribute> {
        self.attrs.iter().find(|a| a.name == name).ok_or_else(|| {
            Error::input(format!(
                "the corpus has no attribute `{name}` (it has: {})",
                self.manifest.attributes.join(", ")
            ))
        })
    }
    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name == name)
    }

    pub fn structure(&self, name: &str) -> Result<&Structure> {
        // `utterance` and `sentence` are accepted as long names of `u` and `s`.
        let name = match name {
            "utterance" => "u",
            "sentence" => "s",
            n => n,
        };
        self.structures
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                Error::input(format!(
                    "the corpus has no structure `{name}` (it has: text, u, s)"
                ))
            })
    }

    /// Absolute position of the head of `pos`, if the corpus has a parse and `pos` has one.
    pub fn head(&self, pos: u32) -> Option<u32> {
        let h: &[u32] = cast(self.heads.as_ref()?.bytes(), Path::new("")).ok()?;
        h.get(pos as usize).copied().filter(|&h| h != NO_HEAD)
    }
}
