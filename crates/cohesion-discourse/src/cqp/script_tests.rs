//! Scripts, set operations, `expand`, `containing`/`within`, `meet` and the matching
//! strategy on a hand-built corpus whose token positions are listed below.

use super::{run_script, Strategy};
use crate::import::text::parse_transcript;
use crate::index::open::Corpus;
use crate::testutil::build;
use crate::tokenise::Lang;
use std::path::{Path, PathBuf};

// Positions: text a (2019-05-16) — u Anna: s[Wij0 moeten1 nu2 werken3 .4]
// s[Zij5 willen6 dat7 niet8 .9]; u Bas: s[Wij10 kunnen11 het12 .13] s[Wij14 moeten15
// wachten16 .17]. Text b (2022-07-12) — u Cor: s[Ons18 land19 moet20 sterker21 .22]
// s[Wij23 moeten24 wij25 helpen26 .27].
pub(super) fn corpus() -> (Corpus, PathBuf) {
    let docs = [
        ("a", "2019-05-16", "Anna (burger): Wij moeten nu werken. Zij willen dat niet.\nBas (expert): Wij kunnen het. Wij moeten wachten."),
        ("b", "2022-07-12", "Cor (burger): Ons land moet sterker. Wij moeten wij helpen."),
    ];
    let texts: Vec<_> = docs
        .iter()
        .map(|(id, date, body)| {
            let mut t = parse_transcript(Path::new(id), body, id, Lang::Nl, None).unwrap();
            t.meta.push(("date".into(), date.to_string()));
            t
        })
        .collect();
    build(&texts)
}

fn spans(c: &Corpus, q: &str) -> Vec<(u32, u32)> {
    run_script(c, q, Strategy::Shortest, None)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .matches
        .iter()
        .map(|m| (m.start, m.end))
        .collect()
}

fn error(c: &Corpus, q: &str) -> String {
    match run_script(c, q, Strategy::Shortest, None) {
        Ok(_) => panic!("{q} should fail"),
        Err(e) => e.message().to_string(),
    }
}

#[test]
fn the_corpus_is_laid_out_as_the_comment_says() {
    let (c, dir) = corpus();
    let w = c.attr("word").unwrap();
    assert_eq!(c.len(), 28);
    assert_eq!((w.at(15), w.at(18), w.at(25)), ("moeten", "Ons", "wij"));
    assert_eq!(spans(&c, "<s/>").len(), 6);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn named_results_and_set_operations_on_overlapping_matches() {
    let (c, dir) = corpus();
    let defs = r#"A = [lower="wij"] []; B = [] "moeten"; C = "moeten" [];"#;
    assert_eq!(
        spans(&c, &format!("{defs} A")),
        [(0, 2), (10, 12), (14, 16), (23, 25), (25, 27)]
    );
    assert_eq!(
        spans(&c, &format!("{defs} intersect A B")),
        [(0, 2), (14, 16), (23, 25)]
    );
    assert_eq!(spans(&c, &format!("{defs} diff A B")), [(10, 12), (25, 27)]);
    assert_eq!(spans(&c, &format!("{defs} difference B A")), []);
    assert_eq!(
        spans(&c, &format!("{defs} union A C")),
        [
            (0, 2),
            (1, 3),
            (10, 12),
            (14, 16),
            (15, 17),
            (23, 25),
            (24, 26),
            (25, 27)
        ]
    );
    // Overlapping but different spans are different matches.
    assert_eq!(spans(&c, &format!("{defs} inter A C")), []);
    // An assignment as the last statement shows its result; `join` is CQP's other spelling.
    assert_eq!(spans(&c, &format!("{defs} D = join B C;")).len(), 6);
    // Operands may be parenthesised queries and regions.
    assert_eq!(
        spans(
            &c,
            r#"intersect ("Wij") ([lower="wij"] within <u speaker="Bas"/>)"#
        ),
        [(10, 11), (14, 15)]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn expand_to_regions_and_tokens_clips_at_borders() {
    let (c, dir) = corpus();
    assert_eq!(
        spans(&c, r#""moeten" expand to s"#),
        [(0, 5), (14, 18), (23, 28)]
    );
    assert_eq!(
        spans(&c, r#""moeten" expand left to s"#),
        [(0, 2), (14, 16), (23, 25)]
    );
    assert_eq!(
        spans(&c, r#""moeten" expand right to s"#),
        [(1, 5), (15, 18), (24, 28)]
    );
    // Two hits in one sentence become one region; a match across sentences takes both.
    assert_eq!(
        spans(&c, r#"[lower="wij"] expand to s"#),
        [(0, 5), (10, 14), (14, 18), (23, 28)]
    );
    assert_eq!(
        spans(&c, r#""\." "Wij" expand to s"#),
        [(5, 14), (10, 18), (18, 28)]
    );
    assert_eq!(
        spans(&c, r#""Wij" expand to u"#),
        [(0, 10), (10, 18), (18, 28)]
    );
    // Token counts stop at the text's border: `Ons` opens text b.
    assert_eq!(spans(&c, r#""Ons" expand to 3"#), [(18, 22)]);
    assert_eq!(spans(&c, r#""\." expand right to 5"#)[3], (17, 18));
    assert_eq!(spans(&c, r#""sterker" expand left to 30"#), [(18, 22)]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn containing_and_within_regions_with_content_and_metadata() {
    let (c, dir) = corpus();
    assert_eq!(
        spans(&c, r#"<s/> containing "Wij""#),
        [(0, 5), (10, 14), (14, 18), (23, 28)]
    );
    assert_eq!(
        spans(&c, r#"<s/> not containing [lower="wij"]"#),
        [(5, 10), (18, 23)]
    );
    assert_eq!(spans(&c, r#"<u/> containing "Zij""#), [(0, 10)]);
    assert_eq!(spans(&c, r#"<u/> containing ("Wij" "kunnen")"#), [(10, 18)]);
    assert_eq!(
        spans(&c, r#""moeten" within <u speaker="Bas"/>"#),
        [(15, 16)]
    );
    assert_eq!(
        spans(&c, r#""moeten" within <u_speaker="Bas"/>"#),
        [(15, 16)]
    );
    assert_eq!(
        spans(&c, r#""moeten" within (<s/> containing "nu")"#),
        [(1, 2)]
    );
    assert_eq!(
        spans(&c, r#"("Wij" "moeten") within (<u/> containing "nu")"#),
        [(0, 2)]
    );
    assert_eq!(
        spans(&c, r#""Wij" not within <u speaker="Anna"/>"#),
        [(10, 11), (14, 15), (23, 24)]
    );
    assert_eq!(spans(&c, r#"<text date="2019.*"/>"#), [(0, 18)]);
    assert_eq!(
        spans(&c, r#""moeten" within <text date="2019.*"/>"#),
        [(1, 2), (15, 16)]
    );
    assert_eq!(
        spans(&c, r#"[lower="wij"] within <text date="2022.*"/>"#),
        [(23, 24), (25, 26)]
    );
    // A named result filtered by a region; the region test also bounds the matcher.
    assert_eq!(
        spans(&c, r#"A = "moeten" []*; A within <s/>"#),
        [(1, 2), (15, 16), (24, 25)]
    );
    assert_eq!(
        spans(&c, r#""Wij" []* "moeten" within <u speaker="Bas"/>"#),
        [(10, 16), (14, 16)]
    );
    let e = error(&c, r#""moeten" within <text nope="x"/>"#);
    assert!(e.contains("no attribute `nope`"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn meet_windows_regions_and_nesting() {
    let (c, dir) = corpus();
    let starts = |q: &str| spans(&c, q).iter().map(|s| s.0).collect::<Vec<_>>();
    assert_eq!(
        starts(r#"(meet [lower="wij"] [lower="moeten"] -3 3)"#),
        [0, 14, 23, 25]
    );
    assert_eq!(
        starts(r#"(meet [lower="wij"] [lower="moeten"] 1 1)"#),
        [0, 14, 23]
    );
    assert_eq!(starts(r#"(meet [lower="wij"] "moeten" -1 -1)"#), [25]);
    assert_eq!(
        starts(r#"(meet [lower="wij"] "moeten" s)"#),
        [0, 14, 23, 25]
    );
    assert_eq!(starts(r#"(meet [lower="wij"] "Zij" u)"#), [0]);
    // The same token never meets itself.
    assert_eq!(
        starts(r#"(meet [lower="wij"] [lower="wij"] -4 4)"#),
        [10, 14, 23, 25]
    );
    assert_eq!(
        starts(r#"(meet [lower="wij"] [lower="wij"] -3 3)"#),
        [23, 25]
    );
    assert_eq!(
        starts(r#"(meet (meet [lower="wij"] "moeten" 1 1) "nu" 2 2)"#),
        [0]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn longest_and_shortest_strategies() {
    let (c, dir) = corpus();
    let q = r#""moeten" []+ within s"#;
    assert_eq!(spans(&c, q), [(1, 3), (15, 17), (24, 26)]);
    let longest = |q: &str| {
        run_script(&c, q, Strategy::Longest, None)
            .unwrap()
            .matches
            .iter()
            .map(|m| (m.start, m.end))
            .collect::<Vec<_>>()
    };
    assert_eq!(longest(q), [(1, 5), (15, 18), (24, 28)]);
    assert_eq!(
        spans(&c, &format!("set MatchingStrategy longest; {q}")),
        longest(q)
    );
    // A script can switch back; the last setting before a statement applies to it.
    assert_eq!(
        longest(&format!("set MatchingStrategy shortest; {q}")),
        spans(&c, q)
    );
    // Without `within`, the longest match runs to the last `moeten` in reach.
    assert_eq!(longest(r#""Wij" []* "moeten""#)[0], (0, 25));
    assert_eq!(spans(&c, r#""Wij" []* "moeten""#)[0], (0, 2));
    // Constraints are honoured: the longest match whose last token is `.`.
    assert_eq!(
        longest(r#"a:"Wij" []* b:[] :: b.word = "\." "#)[0],
        (0, 28),
        "longest reaches the final full stop"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn script_errors_name_the_position_and_what_was_expected() {
    let (c, dir) = corpus();
    let cases = [
        (
            r#"A = "wij"; intersect A B"#,
            "at 24: expected a token pattern or a result named earlier (`NAME = …;`), found `B`",
        ),
        (r#""x" expand to"#, "at 14: expected a structure name"),
        (r#""x" expand s"#, "at 12: expected `to`"),
        (
            r#"set MatchingStrategy greedy; "x""#,
            "at 22: expected `shortest` or `longest`",
        ),
        (
            r#"set Foo longest; "x""#,
            "at 5: expected `MatchingStrategy`",
        ),
        (
            r#"(meet "a" "b" 3 1)"#,
            "at 17: expected a window end of at least 3, found `1`",
        ),
        (r#"(meet "a" "b" -3)"#, "at 17: expected a window offset"),
        (
            r#""x" not "y""#,
            "at 9: expected `containing` or `within` after `not`",
        ),
        (r#""x" containing"#, "at 15: expected a token pattern"),
        (
            r#"<s/> containing <s"#,
            "at 19: expected `>` or an attribute test, found end of query",
        ),
        (r#"union "a" "b""#, "at 7: expected a result name"),
        (
            r#"A = "x"; set MatchingStrategy longest"#,
            "expected a query after",
        ),
        (
            r#"within = "x""#,
            "at 1: expected a result name that is not a keyword",
        ),
        (r#""a" "b" junk"#, "at 9: expected end of query, `;`"),
    ];
    for (q, want) in cases {
        let e = error(&c, q);
        assert!(e.contains(want), "{q}: got {e:?}, want {want:?}");
        assert!(e.starts_with("query: "), "{e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Large candidate lists are matched on all cores; the result must not depend on how many.
#[test]
fn parallel_matching_gives_the_same_matches_for_any_thread_count() {
    let words = ["de", "van", "wij", "moeten", "het", "land", "burgers", "nu"];
    let mut body = String::from("A (x):");
    // A fixed pseudo-random walk over the words, about 60 000 tokens.
    let mut x = 12345u64;
    for i in 0..60_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        body.push(' ');
        body.push_str(words[(x >> 33) as usize % words.len()]);
        if i % 17 == 16 {
            body.push('.');
        }
    }
    let (c, dir) = crate::testutil::transcripts(&[("big", &body)]);
    for q in [
        // Every position is a candidate: matched in parallel chunks.
        r#"[lower!="de"] [lower!="van"]"#,
        r#"[lower!="wij"] []{0,2} [lower="moeten"]"#,
        // Candidates from postings.
        r#"[lower="de"] [] [lower="van"]"#,
        r#"[lower="de|van"] "land""#,
    ] {
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| spans(&c, q))
        };
        let one = run(1);
        assert!(one.len() > 500, "{q}: {}", one.len());
        assert_eq!(one, run(2), "{q}");
        assert_eq!(one, run(3), "{q}");
        // The limited (sequential) path finds the same first matches.
        let first: Vec<(u32, u32)> = run_script(&c, q, Strategy::Shortest, Some(100))
            .unwrap()
            .matches
            .iter()
            .map(|m| (m.start, m.end))
            .collect();
        assert_eq!(first[..], one[..100], "{q}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

mod identities {
    use super::{corpus, spans};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const PIECES: &[&str] = &[
        r#"[lower="wij"]"#,
        r#""moeten""#,
        "[]",
        r#"[word!="\."]"#,
        r#"[lower="m.*"]"#,
        "[]{0,2}",
        r#"("Wij"|"Zij")"#,
        "<s/>",
    ];

    fn query(parts: &[usize]) -> String {
        let q: Vec<&str> = parts.iter().map(|&i| PIECES[i]).collect();
        // A region stands alone; otherwise a sequence of token patterns.
        if q.contains(&"<s/>") {
            "<s/>".into()
        } else {
            format!("({})", q.join(" "))
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A plain token sequence (answered from postings by merging) finds exactly what the
        /// backtracking matcher finds; `[]{0}` matches nothing and forces the matcher.
        #[test]
        fn fixed_sequences_agree_with_the_general_matcher(
            parts in proptest::collection::vec(0..6usize, 1..5),
            constrained in proptest::bool::ANY,
        ) {
            const TOKENS: &[&str] = &[
                r#"[lower="wij"]"#, r#""moeten""#, "[]", r#"[word!="\."]"#,
                r#"[lower="m.*|w.*"]"#, r#"[lower="wij" & word="Wij"]"#,
            ];
            let (c, dir) = corpus();
            let mut q: Vec<String> = parts.iter().map(|&i| TOKENS[i].to_string()).collect();
            q[0] = format!("a:{}", q[0]);
            let tail = if constrained { r#" :: a.lower = "wij""# } else { "" };
            let slow = format!("{} []{{0}} {}{tail}", q[0], q[1..].join(" "));
            let q = format!("{}{tail}", q.join(" "));
            prop_assert_eq!(spans(&c, &q), spans(&c, &slow), "{} vs {}", q, slow);
            std::fs::remove_dir_all(dir).unwrap();
        }

        /// Union, intersection and difference of two random queries' results agree with the
        /// same operations on sets of spans, and satisfy the set identities.
        #[test]
        fn set_operations_are_set_operations(
            a in proptest::collection::vec(0..PIECES.len(), 1..4),
            b in proptest::collection::vec(0..PIECES.len(), 1..4),
        ) {
            let (c, dir) = corpus();
            let (qa, qb) = (query(&a), query(&b));
            let defs = format!("A = {qa}; B = {qb};");
            let run = |s: &str| spans(&c, &format!("{defs} {s}"));
            let sa: BTreeSet<_> = run("A").into_iter().collect();
            let sb: BTreeSet<_> = run("B").into_iter().collect();
            let union = run("union A B");
            let inter = run("intersect A B");
            let diff = run("diff A B");
            prop_assert_eq!(&union, &sa.union(&sb).copied().collect::<Vec<_>>());
            prop_assert_eq!(&inter, &sa.intersection(&sb).copied().collect::<Vec<_>>());
            prop_assert_eq!(&diff, &sa.difference(&sb).copied().collect::<Vec<_>>());
            prop_assert_eq!(union.len() + inter.len(), sa.len() + sb.len());
            prop_assert_eq!(&inter, &run("intersect B A"));
            prop_assert_eq!(&union, &run("union B A"));
            prop_assert_eq!(&run("A = union (diff A B) (intersect A B); A"), &run("A"));
            prop_assert_eq!(run("intersect (diff A B) B"), vec![]);
            prop_assert_eq!(&run("union A A"), &run("A"));
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
