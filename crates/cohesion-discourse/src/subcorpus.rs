//! Subcorpora chosen by metadata (`party=SP`, `u.role=chair`, `text.house=Tweede Kamer`):
//! the union of the regions whose attribute equals the value, as sorted token spans.

use crate::index::open::{Corpus, Structure};
use cohesion_io::{Error, Result};

/// Parse `[STRUCT.]ATTR=VALUE` and find which structure holds ATTR (u before text).
pub fn resolve<'c>(corpus: &'c Corpus, spec: &str) -> Result<(&'c Structure, String, String)> {
    let (key, value) = spec.split_once('=').ok_or_else(|| {
        Error::input(format!(
            "`{spec}`: expected META=VALUE, e.g. party=SP or u.role=chair"
        ))
    })?;
    let (structs, attr): (Vec<&str>, &str) = match key.trim().split_once('.') {
        Some((s, a)) => (vec![s], a),
        None => (vec!["u", "text", "s"], key.trim()),
    };
    for s in structs {
        let st = corpus.structure(s)?;
        if st.has_column(attr) {
            return Ok((st, attr.to_string(), value.trim().to_string()));
        }
    }
    Err(Error::input(format!(
        "`{spec}`: no structure has metadata `{attr}`"
    )))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spans(pub Vec<(u32, u32)>);

impl Spans {
    pub fn all(corpus: &Corpus) -> Self {
        Spans(vec![(0, corpus.len())])
    }

    pub fn select(corpus: &Corpus, spec: &str) -> Result<Self> {
        let (st, attr, value) = resolve(corpus, spec)?;
        let spans: Vec<(u32, u32)> = (0..st.len())
            .filter_map(|i| match st.value(i, &attr) {
                Ok(v) if v == value => Some(Ok(st.span(i))),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_>>()?;
        if spans.is_empty() {
            return Err(Error::input(format!(
                "`{spec}`: no {} region has {attr} = `{value}`",
                st.name
            )));
        }
        Ok(Spans(spans))
    }

    /// Everything not in `self`.
    pub fn complement(&self, corpus: &Corpus) -> Self {
        let mut out = Vec::new();
        let mut at = 0;
        for &(a, b) in &self.0 {
            if a > at {
                out.push((at, a));
            }
            at = b;
        }
        if at < corpus.len() {
            out.push((at, corpus.len()));
        }
        Spans(out)
    }

    pub fn size(&self) -> u64 {
        self.0.iter().map(|(a, b)| (b - a) as u64).sum()
    }

    pub fn contains(&self, pos: u32) -> bool {
        let i = self.0.partition_point(|&(a, _)| a <= pos);
        i > 0 && pos < self.0[i - 1].1
    }

    pub fn positions(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().flat_map(|&(a, b)| a..b)
    }
}
