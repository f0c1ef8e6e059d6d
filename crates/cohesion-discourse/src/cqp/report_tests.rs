//! Output commands (`size`, `cat`, `count`, `group`, `tabulate`) on the hand-built corpus of
//! [`super::script_tests`], whose token positions are listed there; every expected count
//! below is worked out from that listing.

use super::script_tests::corpus;
use super::{run_script_with, ScriptOptions, Strategy};
use crate::index::open::Corpus;
use cohesion_io::{Cell, Table};

fn options(window: u32) -> ScriptOptions {
    ScriptOptions {
        strategy: Strategy::Shortest,
        limit: None,
        window,
        reports_last: true,
    }
}

/// The last output command's table.
fn table(c: &Corpus, q: &str) -> Table {
    let mut o = run_script_with(c, q, &options(2)).unwrap_or_else(|e| panic!("{q}: {e}"));
    assert!(o.ends_with_report, "{q}");
    o.reports.pop().unwrap().table
}

fn rows(t: &Table) -> Vec<Vec<String>> {
    t.rows
        .iter()
        .map(|r| r.iter().map(Cell::text).collect())
        .collect()
}

fn error(c: &Corpus, q: &str) -> String {
    match run_script_with(c, q, &options(2)) {
        Ok(_) => panic!("{q} should fail"),
        Err(e) => e.message().to_string(),
    }
}

fn strs(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn size_and_cat_show_a_named_result() {
    let (c, dir) = corpus();
    // `wij` at 0, 10, 14, 23, 25.
    let t = table(&c, r#"W = [lower="wij"]; size W"#);
    assert_eq!(rows(&t), strs(&[&["W", "5"]]));
    let t = table(&c, r#"W = [lower="wij"] []; cat W 1 2"#);
    assert_eq!(
        t.columns,
        ["line", "position", "text", "speaker", "left", "match", "right"]
    );
    // Lines 1 and 2 are the matches at 10 and 14, both by Bas in text a; context 2 tokens.
    assert_eq!(
        rows(&t),
        strs(&[
            &["1", "10", "a", "Bas", "niet .", "Wij kunnen", "het ."],
            &["2", "14", "a", "Bas", "het .", "Wij moeten", "wachten ."],
        ])
    );
    // `from … to …` and `..` spell the same range; a range past the end is clipped.
    let same = table(&c, r#"W = [lower="wij"] []; cat W from 1 to 2"#);
    assert_eq!(rows(&same), rows(&t));
    let t = table(&c, r#"W = [lower="wij"] []; cat W 3..9"#);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(table(&c, r#"W = [lower="wij"]; cat W"#).rows.len(), 5);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn count_tallies_matched_strings_most_frequent_first() {
    let (c, dir) = corpus();
    // Matches: Wij moeten (0), Wij kunnen (10), Wij moeten (14), Wij moeten (23), wij helpen (25).
    let w = r#"W = [lower="wij"] [];"#;
    let t = table(&c, &format!("{w} count W by word"));
    assert_eq!(t.columns, ["word", "freq", "first"]);
    assert_eq!(
        rows(&t),
        strs(&[
            &["Wij moeten", "3", "0"],
            &["Wij kunnen", "1", "1"],
            &["wij helpen", "1", "4"],
        ])
    );
    // `%c` folds case, so ties are ordered by the folded strings.
    let t = table(&c, &format!("{w} count W by word %c"));
    assert_eq!(
        rows(&t),
        strs(&[
            &["wij moeten", "3", "0"],
            &["wij helpen", "1", "4"],
            &["wij kunnen", "1", "1"],
        ])
    );
    // `on matchend`: the last token only.
    let t = table(&c, &format!("{w} count W by lower on matchend"));
    assert_eq!(
        rows(&t),
        strs(&[
            &["moeten", "3", "0"],
            &["helpen", "1", "4"],
            &["kunnen", "1", "1"]
        ])
    );
    // The token before each match; at corpus position 0 it is clipped to the match itself.
    let t = table(&c, &format!("{w} count W by word match[-1]"));
    assert_eq!(
        rows(&t),
        strs(&[&[".", "3", "1"], &["Wij", "1", "0"], &["moeten", "1", "4"]])
    );
    // A range from the token before: `wij` (clipped at 0), `. wij` three times, `moeten wij`;
    // the threshold keeps strings seen at least twice.
    let t = table(
        &c,
        &format!("{w} count W by lower on match[-1] .. match cut 2"),
    );
    assert_eq!(rows(&t), strs(&[&[". wij", "3", "1"]]));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn group_counts_values_at_an_anchor_and_pairs() {
    let (c, dir) = corpus();
    // `moet…` at 1, 15, 20, 24; the tokens before: Wij (0), Wij (14), land (19), Wij (23).
    let m = r#"M = [lower="moet.*"];"#;
    let t = table(&c, &format!("{m} group M match[-1] lower"));
    assert_eq!(t.columns, ["match[-1].lower", "freq"]);
    assert_eq!(rows(&t), strs(&[&["wij", "3"], &["land", "1"]]));
    // A lone attribute is read at `match`.
    let t = table(&c, &format!("{m} group M lower"));
    assert_eq!(rows(&t), strs(&[&["moeten", "3"], &["moet", "1"]]));
    // Pairs: the `by` value comes first, as CWB prints it.
    let t = table(&c, &format!("{m} group M match[-1] lower by match text_id"));
    assert_eq!(t.columns, ["match.text_id", "match[-1].lower", "freq"]);
    assert_eq!(
        rows(&t),
        strs(&[&["a", "wij", "2"], &["b", "land", "1"], &["b", "wij", "1"]])
    );
    let t = table(
        &c,
        &format!("{m} group M matchend[1] word by match u_speaker cut 1"),
    );
    assert_eq!(
        rows(&t),
        strs(&[
            &["Anna", "nu", "1"],
            &["Bas", "wachten", "1"],
            &["Cor", "sterker", "1"],
            &["Cor", "wij", "1"],
        ])
    );
    // `within`: regions holding the value, not matches. `wij` at 0 (Anna), 10 and 14 (Bas),
    // 23 and 25 (Cor): 5 matches, 3 utterances, 2 texts.
    let w = r#"W = [lower="wij"];"#;
    assert_eq!(
        rows(&table(&c, &format!("{w} group W lower"))),
        strs(&[&["wij", "5"]])
    );
    let t = table(&c, &format!("{w} group W lower within u"));
    assert_eq!(rows(&t), strs(&[&["wij", "3"]]));
    assert_eq!(
        t.notes,
        ["group W lower within u:", "freq: number of `u` regions"]
    );
    let t = table(&c, &format!("{w} group W lower within text cut 3"));
    assert!(t.rows.is_empty(), "2 texts are under the cut of 3");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn tabulate_lists_positions_values_and_ranges_per_match() {
    let (c, dir) = corpus();
    let w = r#"W = [lower="wij"] [];"#;
    let t = table(
        &c,
        &format!("{w} tabulate W 1 2 match, matchend, match[-1] word, match .. matchend lower, match..matchend"),
    );
    assert_eq!(
        t.columns,
        [
            "match",
            "matchend",
            "match[-1] word",
            "match..matchend lower",
            "match..matchend"
        ]
    );
    assert_eq!(t.rows[0][0], Cell::Int(10));
    assert_eq!(
        rows(&t),
        strs(&[
            &["10", "11", ".", "wij kunnen", "10 11"],
            &["14", "15", ".", "wij moeten", "14 15"],
        ])
    );
    // A backwards range is empty; points off the corpus are clipped to it.
    let t = table(
        &c,
        &format!("{w} tabulate W 0 0 matchend .. match word, match[-5], matchend[1000] word"),
    );
    assert_eq!(rows(&t), strs(&[&["", "0", "."]]));
    // Labels are anchors too; an unbound label gives an empty cell.
    let t = table(
        &c,
        r#"set MatchingStrategy longest; L = "Wij" (b:"moeten")?; tabulate L match, b word, b[1] word"#,
    );
    assert_eq!(
        rows(&t),
        strs(&[
            &["0", "moeten", "nu"],
            &["10", "", ""],
            &["14", "moeten", "wachten"],
            &["23", "moeten", "wij"],
        ])
    );
    assert_eq!(t.rows[1][1], Cell::Empty);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn earlier_output_commands_come_before_the_final_result() {
    let (c, dir) = corpus();
    let o = run_script_with(
        &c,
        r#"W = [lower="wij"]; size W; M = "moeten"; count M by word; W within (<s/> containing M)"#,
        &options(2),
    )
    .unwrap();
    assert!(!o.ends_with_report);
    let sizes: Vec<_> = o.reports.iter().map(|r| r.command.as_str()).collect();
    assert_eq!(sizes, ["size W", "count M by word"]);
    assert_eq!(o.reports[1].table.rows[0][1], Cell::Int(3));
    // Sentences with `moeten`: 0–5, 14–18 and 23–28; the `wij` inside them.
    let starts: Vec<u32> = o.matches.iter().map(|m| m.start).collect();
    assert_eq!(starts, [0, 14, 23, 25]);
    // `run_script` (for kwic, collocates, coding) needs a query last.
    let e = super::run_script(&c, r#"W = "Wij"; size W"#, Strategy::Shortest, None)
        .err()
        .unwrap();
    assert!(
        e.message()
            .contains("at 12: expected a query or a result name as the last statement"),
        "{e}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn errors_name_the_position_and_what_was_expected() {
    let (c, dir) = corpus();
    let cases = [
        // Unknown result (at parse time).
        (
            r#"count X by word"#,
            "at 7: expected the name of a result assigned earlier",
        ),
        // Unknown attribute and anchor (when the script runs).
        (
            r#"W = "Wij"; count W by lemmax"#,
            "at 23: expected an attribute of the corpus (word, lower",
        ),
        (
            r#"W = "Wij"; group W target word"#,
            "at 20: expected an anchor: `match`, `matchend`, found `target`",
        ),
        (
            r#"W = a:"Wij" []; tabulate W c word"#,
            "at 28: expected an anchor: `match`, `matchend` or a label of the result (a), found `c`",
        ),
        (
            r#"W = "Wij"; group W lower within para"#,
            "at 33: expected a structure name (text, u, s), found `para`",
        ),
        // Syntax.
        (r#"W = "Wij"; count W lemma"#, "at 20: expected `by` and an attribute"),
        (
            r#"W = "Wij"; tabulate W match[x]"#,
            "at 29: expected an offset between -1000 and 1000",
        ),
        (r#"W = "Wij"; cat W 5 2"#, "at 20: expected a last line of at least 5"),
        (
            r#"W = "Wij"; count W by word cut"#,
            "at 31: expected a minimum frequency after `cut`",
        ),
        (
            r#"W = "Wij"; tabulate W match word word"#,
            "at 34: expected `,`, an attribute or `;`",
        ),
        (r#"W = "Wij"; size W W"#, "at 19: expected `;` after `size NAME`"),
        (
            r#"W = "Wij"; count W by word on cut 2"#,
            "at 31: expected an anchor after `on`",
        ),
    ];
    for (q, want) in cases {
        let e = error(&c, q);
        assert!(e.contains(want), "{q}: {e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
