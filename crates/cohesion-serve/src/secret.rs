//! Random join codes and secrets, and the hashes under which secrets are stored.
//!
//! A join code is 10 characters from a 30-letter alphabet without look-alikes (no 0/O, 1/I/L,
//! U): 10 · log2(30) ≈ 49 bits of randomness, short enough to type from a projector. Facilitator secrets and
//! participant tokens are 256-bit random hex strings; the database keeps only their SHA-256,
//! so a copied database file does not let anyone act as a facilitator.

use sha2::{Digest, Sha256};

/// Letters of a join code: 30 symbols, about 4.9 bits each.
pub const CODE_ALPHABET: &[u8; 30] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
/// Characters in a join code (≈ 49 bits).
pub const CODE_LEN: usize = 10;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS random source failing is not something a server can work around.
    getrandom::fill(&mut b).expect("the operating system's random source is unavailable");
    b
}

/// A fresh join code. Bytes ≥ 240 are rejected so every letter is equally likely
/// (240 = 8 × 30).
pub fn join_code() -> String {
    let mut out = String::with_capacity(CODE_LEN);
    while out.len() < CODE_LEN {
        for b in random_bytes::<16>() {
            if b < 240 && out.len() < CODE_LEN {
                out.push(CODE_ALPHABET[(b % 30) as usize] as char);
            }
        }
    }
    out
}

/// Normalise what a participant typed: upper case, spaces and dashes dropped.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// A well-formed code has the right length and only alphabet letters (checked before any
/// database lookup, so junk does not reach SQL).
pub fn is_well_formed(code: &str) -> bool {
    code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// A fresh 256-bit secret as 64 hex digits.
pub fn token() -> String {
    hex(&random_bytes::<32>())
}

/// SHA-256 of a secret, hex.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabet_has_30_distinct_unambiguous_letters() {
        let mut a = CODE_ALPHABET.to_vec();
        a.sort();
        a.dedup();
        assert_eq!(a.len(), 30);
        for bad in b"01OILU" {
            assert!(!a.contains(bad), "{}", *bad as char);
        }
    }

    #[test]
    fn codes_are_well_formed_and_differ() {
        let a = join_code();
        let b = join_code();
        assert!(is_well_formed(&a) && is_well_formed(&b));
        assert_ne!(a, b);
        assert_eq!(
            normalise_code(&format!(" {}-{} ", &a[..5].to_lowercase(), &a[5..])),
            a
        );
        assert!(!is_well_formed("ABCDEFGHJ0"));
        assert!(!is_well_formed("ABC"));
    }

    #[test]
    fn hash_is_stable_and_hides_the_secret() {
        let t = token();
        assert_eq!(t.len(), 64);
        assert_eq!(hash(&t), hash(&t));
        assert_ne!(hash(&t), t);
        assert_ne!(hash(&t), hash(&token()));
    }
}
