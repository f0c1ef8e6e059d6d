use super::run_query;
use crate::testutil::{conllu, transcripts};

fn words(c: &crate::index::open::Corpus, q: &str) -> Vec<String> {
    let w = c.attr("word").unwrap();
    run_query(c, q, None)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .0
        .iter()
        .map(|m| {
            (m.start..m.end)
                .map(|p| w.at(p))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

const DOCS: &[(&str, &str)] = &[
    ("a", "Anna (burger): Wij moeten het doen. Wij kunnen het ook niet. Zij moeten betalen.\nBas (expert): Wij denken dat burgers moeten kiezen. Café of cafe?"),
    ("b", "Cor (burger): Ons land moet sterker. De overheid moet wij helpen."),
];

#[test]
fn bare_strings_regex_flags_and_negation() {
    let (c, dir) = transcripts(DOCS);
    assert_eq!(words(&c, "\"Wij\"").len(), 3);
    assert_eq!(words(&c, "\"wij\"%c").len(), 4);
    assert_eq!(
        words(&c, "[word=\"moet.*\"]"),
        ["moeten", "moeten", "moeten", "moet", "moet"]
    );
    assert_eq!(words(&c, "[lower=\"cafe\"%d]"), ["Café", "cafe"]);
    assert_eq!(
        words(&c, "[word=\"cafe\"%d]"),
        ["cafe"],
        "%d alone keeps case"
    );
    assert_eq!(words(&c, "[lower=\"wij\" & word!=\"Wij\"]"), ["wij"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sequences_quantifiers_alternation_within() {
    let (c, dir) = transcripts(DOCS);
    assert_eq!(
        words(&c, "[lower=\"wij\"] []{0,3} [word=\"moeten\"]"),
        ["Wij moeten", "Wij denken dat burgers moeten"]
    );
    // Shortest match per start; `within s` stops the third `Wij` reaching into the next sentence.
    assert_eq!(words(&c, "\"Wij\" []* \"moeten\" within s").len(), 2);
    assert_eq!(
        words(&c, "(\"Wij\"|\"Zij\") \"moeten\""),
        ["Wij moeten", "Zij moeten"]
    );
    assert_eq!(words(&c, "\"Wij\" \"kunnen\"? \"het\""), ["Wij kunnen het"]);
    assert_eq!(
        words(&c, "\"moeten\" [word!=\"\\.\"]+ \"\\.\" within s"),
        ["moeten het doen .", "moeten betalen .", "moeten kiezen ."]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn regions_metadata_labels_and_constraints() {
    let (c, dir) = transcripts(DOCS);
    assert_eq!(words(&c, "<s> \"Wij\""), ["Wij", "Wij", "Wij"]);
    assert_eq!(words(&c, "\"\\?\" </u>"), ["?"]);
    assert_eq!(words(&c, "<u speaker=\"Bas\"> []"), ["Wij"]);
    assert_eq!(words(&c, "<u_role=\"burger\"> []"), ["Wij", "Ons"]);
    assert_eq!(
        words(&c, "\"Wij\" :: match.u_speaker = \"Anna\""),
        ["Wij", "Wij"]
    );
    assert_eq!(words(&c, "\"Wij\" :: match.u_speaker != \"Anna\""), ["Wij"]);
    assert_eq!(
        words(
            &c,
            "a:[] \"moeten\" b:[] :: a.word = \"Zij\" | b.word = \"kiezen\""
        ),
        ["Zij moeten betalen", "burgers moeten kiezen"]
    );
    assert_eq!(
        words(&c, "a:[lower=\"wij|zij\"] [] :: a.lower = \"zij\""),
        ["Zij moeten"]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn labels_compare_attributes_across_tokens() {
    let src = "1\tde\tde\tDET\t_\t_\t2\tdet\t_\t_\n2\tman\tman\tNOUN\t_\t_\t0\troot\t_\t_\n3\ten\ten\tCCONJ\t_\t_\t5\tcc\t_\t_\n4\tde\tde\tDET\t_\t_\t5\tdet\t_\t_\n5\tmannen\tman\tNOUN\t_\t_\t2\tconj\t_\t_\n6\tvrouw\tvrouw\tNOUN\t_\t_\t2\tconj\t_\t_\n";
    let (c, dir) = conllu(src);
    assert_eq!(
        words(
            &c,
            "a:[pos=\"NOUN\"] []{1,2} b:[pos=\"NOUN\"] :: a.lemma = b.lemma"
        ),
        ["man en de mannen"]
    );
    assert_eq!(
        words(
            &c,
            "a:[pos=\"NOUN\"] b:[pos=\"NOUN\"] :: a.lemma != b.lemma"
        ),
        ["mannen vrouw"]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unknown_attribute_and_bad_regex_are_input_errors() {
    let (c, dir) = transcripts(DOCS);
    let e = run_query(&c, "[lemma=\"x\"]", None).unwrap_err();
    assert!(e.message().contains("no attribute `lemma`"), "{e}");
    let e = run_query(&c, "[word=\"(\"]", None).unwrap_err();
    assert!(e.message().contains("bad regular expression"), "{e}");
    assert_eq!(e.exit_code(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

mod fuzz {
    use super::super::parse::parse;
    use super::super::run_query;
    use crate::testutil::transcripts;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Arbitrary text never panics the parser: it parses or gives a located error.
        #[test]
        fn parser_never_panics(q in "\\PC{0,40}") {
            if let Err(e) = parse(&q) {
                prop_assert!(e.message().starts_with("query:"), "{}", e);
            }
        }

        /// Plain token sequences, answered from the postings, match exactly where the
        /// backtracking matcher does.
        #[test]
        fn sequences_from_postings_equal_the_matcher(
            toks in proptest::collection::vec(prop_oneof![
                Just("[]"), Just("\"wij\""), Just("[lower=\"wij|zij\"]"), Just("\"moeten\""),
                Just("[lower!=\"wij\"]"), Just("[lower=\"m.*\"]"), Just("\".\""),
            ], 1..5),
        ) {
            let (c, dir) = transcripts(&[
                ("a", "A (x): wij moeten nu. zij moeten ook wij.\nB (y): Wij moeten? Ja wij."),
                ("b", "C (z): moeten wij zij. mij"),
            ]);
            let q = toks.join(" ");
            let m = super::super::eval::Matcher::new(&c, &parse(&q).unwrap()).unwrap();
            let fast = m.find_all(None).unwrap();
            let slow: Vec<_> = (0..c.len()).filter_map(|p| m.match_at(p).unwrap()).collect();
            std::fs::remove_dir_all(dir).unwrap();
            prop_assert_eq!(fast, slow, "{}", q);
        }

        /// Queries built from the grammar's pieces never panic the evaluator.
        #[test]
        fn evaluator_never_panics(parts in proptest::collection::vec(prop_oneof![
            Just("[]"), Just("\"wij\""), Just("[lower=\"m.*\"%c]"), Just("[word!=\"\\\\.\"]"), Just("<s>"), Just("</s>"),
            Just("[]*"), Just("[]{0,3}"), Just("a:[]"), Just("(\"wij\"|\"zij\")+"), Just("<u role=\"x\">"), Just("\"?\"")
        ], 1..6), within in proptest::bool::ANY) {
            let (c, dir) = transcripts(&[("a", "A (x): wij moeten nu. zij moeten ook.\nB (y): Wij? Ja.")]);
            let mut q = parts.join(" ");
            if within { q.push_str(" within s"); }
            let _ = run_query(&c, &q, Some(50));
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}
