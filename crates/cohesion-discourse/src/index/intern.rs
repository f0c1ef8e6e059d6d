//! Interning the strings of one attribute while an index is built: each distinct string gets
//! the next id.
//!
//! The strings live end to end in one buffer (no allocation per type: a file's builder and
//! the merge into the corpus' builder each see hundreds of thousands of types). The hash table
//! holds per type its length and first eight bytes beside the id, so most lookups (most words
//! are short) are decided inside the table, without reading the buffer at a random place.

use hashbrown::hash_table::{Entry, HashTable};

#[derive(Clone, Copy)]
struct Slot {
    head: u64,
    len: u32,
    id: u32,
}

#[derive(Default)]
pub(super) struct Interner {
    table: HashTable<Slot>,
    text: String,
    /// End of each type's string in `text`; it starts where the previous one ends.
    ends: Vec<usize>,
}

/// The first eight bytes of a string, zero-padded.
fn head(b: &[u8]) -> u64 {
    let mut h = [0u8; 8];
    let n = b.len().min(8);
    h[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(h)
}

/// FxHash (rustc's hasher) over eight bytes at a time; SipHash's DoS resistance buys nothing
/// for a local index build. The result is rotated: the table takes its bucket from the low
/// bits, which a multiplication fills from the input's low bits only (the first letters).
fn hash(b: &[u8]) -> u64 {
    let mut h = 0u64;
    let mut add = |w: u64| h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        add(head(c));
    }
    add(head(chunks.remainder()) ^ (b.len() as u64) << 59);
    h.rotate_left(26)
}

impl Interner {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The strings in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len() as u32).map(|i| self.get(i))
    }

    /// The id of `v`, a new one if it was not seen before.
    pub fn intern(&mut self, v: &str) -> u32 {
        let b = v.as_bytes();
        let (h, len) = (head(b), b.len() as u32);
        let (text, ends) = (&self.text, &self.ends);
        let string = |id: u32| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &text.as_bytes()[start..ends[i]]
        };
        let entry = self.table.entry(
            hash(b),
            |s| s.len == len && s.head == h && (len <= 8 || string(s.id)[8..] == b[8..]),
            |s| hash(string(s.id)),
        );
        match entry {
            Entry::Occupied(e) => e.get().id,
            Entry::Vacant(e) => {
                let id = self.ends.len() as u32;
                e.insert(Slot { head: h, len, id });
                self.text.push_str(v);
                self.ends.push(self.text.len());
                id
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// Ids are dense and first-seen, and equal strings (short, long, sharing their first
        /// eight bytes) get equal ids: what a map from string to id gives.
        #[test]
        fn interning_matches_a_map(words in proptest::collection::vec(
            prop_oneof!["[ab]{0,3}", "abcdefgh[ab]{0,4}", "\\PC{0,12}"], 0..200)
        ) {
            let mut map: HashMap<String, u32> = HashMap::new();
            let mut it = Interner::default();
            for w in &words {
                let next = map.len() as u32;
                let want = *map.entry(w.clone()).or_insert(next);
                prop_assert_eq!(it.intern(w), want);
            }
            prop_assert_eq!(it.len(), map.len());
            for (w, &id) in &map {
                prop_assert_eq!(it.get(id), w.as_str());
            }
        }
    }
}
