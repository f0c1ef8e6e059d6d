//! The `cohesion corpus` command line, run through clap as the binary does: every
//! subcommand on the shipped fixtures, with CSV/JSON output and exit statuses.

use clap::Parser;
use cohesion_discourse::cli::{run, CorpusArgs};
use std::path::{Path, PathBuf};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: CorpusArgs,
}

fn corpus(args: &[&str]) -> cohesion_io::Result<()> {
    let mut v = vec!["corpus"];
    v.extend_from_slice(args);
    let cli = Cli::try_parse_from(v).unwrap_or_else(|e| panic!("{e}"));
    run(&cli.args)
}

fn fixture(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cd-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_subcommand_on_the_fixtures() {
    let d = scratch("all");
    let s = |p: &str| d.join(p).display().to_string();
    let ws = s("ws");
    corpus(&[
        "import",
        "--format",
        "text",
        "--meta",
        &fixture("transcripts/speakers.csv"),
        &fixture("transcripts/workshop.txt"),
        "--out",
        &ws,
    ])
    .unwrap();
    corpus(&[
        "kwic",
        &ws,
        "[lower=\"wij\"]",
        "--window",
        "3",
        "--sort",
        "right",
        "--csv",
        &s("kwic.csv"),
        "--json",
        &s("kwic.json"),
    ])
    .unwrap();
    let csv = std::fs::read_to_string(s("kwic.csv")).unwrap();
    assert!(
        csv.starts_with("position,text,speaker,left,match,right\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3, "two hits of `wij`");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s("kwic.json")).unwrap()).unwrap();
    assert_eq!(json[0]["match"], "Wij");
    corpus(&[
        "wordlist",
        &ws,
        "--top",
        "5",
        "--where",
        "group=citizens",
        "--csv",
        &s("wl.csv"),
    ])
    .unwrap();
    assert!(std::fs::read_to_string(s("wl.csv"))
        .unwrap()
        .starts_with("rank,type,freq,per_million,range,juilland_d,dp\n"));
    corpus(&[
        "ngrams",
        &ws,
        "-n",
        "2",
        "--min-freq",
        "1",
        "--csv",
        &s("ng.csv"),
    ])
    .unwrap();
    corpus(&[
        "collocates",
        &ws,
        "\"moeten\"",
        "--min-freq",
        "1",
        "--csv",
        &s("co.csv"),
    ])
    .unwrap();
    corpus(&[
        "keyness",
        &ws,
        "--target",
        "group=experts",
        "--max-p",
        "1",
        "--min-freq",
        "1",
        "--csv",
        &s("key.csv"),
    ])
    .unwrap();
    corpus(&[
        "query",
        &ws,
        "[lower=\"wij|we\"]",
        "--by",
        "group",
        "--json",
        &s("dist.json"),
    ])
    .unwrap();
    let dist: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s("dist.json")).unwrap()).unwrap();
    assert_eq!(dist[0]["group"], "citizens");
    corpus(&[
        "cda",
        &ws,
        "--by",
        "group",
        "--min-tokens",
        "1",
        "--permutations",
        "99",
        "--lines",
        &s("lines.csv"),
        "--csv",
        &s("cda.csv"),
    ])
    .unwrap();
    assert!(std::fs::read_to_string(s("lines.csv"))
        .unwrap()
        .starts_with("marker,group,position"));
    std::fs::write(
        s("codebook.toml"),
        "[[code]]\nname = \"WE\"\ndefinition = \"in-group\"\ncqp = '[lower=\"wij\"]'\n",
    )
    .unwrap();
    corpus(&[
        "code",
        &ws,
        "--codebook",
        &s("codebook.toml"),
        "--by",
        "group",
        "--export",
        &s("segments.csv"),
        "--csv",
        &s("codes.csv"),
    ])
    .unwrap();
    let seg = std::fs::read_to_string(s("segments.csv")).unwrap();
    assert!(
        seg.starts_with("utterance,start,end,code,coder\nworkshop.u1,0,1,WE,rule\n"),
        "{seg}"
    );
    std::fs::write(s("ratings.csv"), "unit,ann,bob\n1,a,a\n2,b,a\n3,b,b\n").unwrap();
    corpus(&["agreement", &s("ratings.csv"), "--json", &s("agree.json")]).unwrap();
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s("agree.json")).unwrap()).unwrap();
    assert_eq!(a[1]["measure"], "cohen_kappa");
    corpus(&["info", &ws]).unwrap();
    // One thread or two: the same bytes. Six source files of different sizes, so the
    // workers finish out of order.
    let src = d.join("many");
    std::fs::create_dir_all(&src).unwrap();
    let workshop = std::fs::read_to_string(fixture("transcripts/workshop.txt")).unwrap();
    for k in 0..6 {
        let body: String = workshop
            .lines()
            .cycle()
            .skip(k)
            .take(3 + 7 * (5 - k))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(
            src.join(format!("w{k}.txt")),
            format!("Spreker {k} (x): Begin {k}.\n{body}\n"),
        )
        .unwrap();
    }
    let src = src.display().to_string();
    let (one, two) = (s("one"), s("two"));
    for (dir, n) in [(&one, "1"), (&two, "2")] {
        corpus(&[
            "import",
            "--format",
            "text",
            "--threads",
            n,
            &src,
            "--out",
            dir,
        ])
        .unwrap();
    }
    // Every index file, not a sample: parsing, tokenising and interning run on the worker
    // threads, and the merge must not depend on which finished first.
    let mut files: Vec<_> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() > 15, "{files:?}");
    for f in files {
        assert_eq!(
            std::fs::read(d.join("one").join(&f)).unwrap(),
            std::fs::read(d.join("two").join(&f)).unwrap(),
            "{f:?}"
        );
    }
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn user_mistakes_exit_with_status_2_and_a_located_message() {
    let d = scratch("mistakes").join("m");
    let ws = d.display().to_string();
    corpus(&[
        "import",
        "--format",
        "text",
        &fixture("transcripts/workshop.txt"),
        "--out",
        &ws,
    ])
    .unwrap();
    let e = corpus(&["kwic", &ws, "[lower=\"wij\" \"x\"]"]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.message().contains("at 14: expected"), "{e}");
    let e = corpus(&["keyness", &ws, "--target", "party=SP"]).unwrap_err();
    assert!(
        e.message().contains("no structure has metadata `party`"),
        "{e}"
    );
    let e = corpus(&["kwic", "/nonexistent/corpus", "\"x\""]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = corpus(&["cda", &ws, "--evaluate"]).unwrap_err();
    assert!(e.message().contains("needs UD annotation"), "{e}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn query_scripts_and_the_matching_strategy_on_the_command_line() {
    let d = scratch("script");
    let ws = d.join("ws").display().to_string();
    let json = d.join("m.json").display().to_string();
    corpus(&[
        "import",
        "--format",
        "text",
        &fixture("transcripts/workshop.txt"),
        "--out",
        &ws,
    ])
    .unwrap();
    let matches = |args: &[&str]| -> Vec<String> {
        let mut v = vec!["query", ws.as_str()];
        v.extend_from_slice(args);
        v.extend_from_slice(&["--json", json.as_str()]);
        corpus(&v).unwrap();
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        j.as_array()
            .unwrap()
            .iter()
            .map(|r| r["match"].as_str().unwrap().to_string())
            .collect()
    };
    // Sentences with `moeten` but without `wij`: a named result, a region query, a filter.
    assert_eq!(
        matches(&[r#"M = <s/> containing [lower="moet.*"]; M not containing [lower="wij"]"#]),
        [
            "Maar de overheid moet burgers beter informeren .",
            "Bedrijven moeten verantwoording afleggen ."
        ]
    );
    assert_eq!(
        matches(&[r#""moeten" []+ within s"#]),
        ["moeten zelf", "moeten verantwoording"]
    );
    assert_eq!(
        matches(&[r#""moeten" []+ within s"#, "--strategy", "longest"]),
        [
            "moeten zelf kunnen kiezen wat er met onze gegevens gebeurt .",
            "moeten verantwoording afleggen ."
        ]
    );
    let e = corpus(&["query", &ws, r#"A = "wij"; union A B"#]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(
        e.message()
            .contains("at 20: expected a token pattern or a result"),
        "{e}"
    );
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn output_commands_in_query_scripts() {
    let d = scratch("reports");
    let ws = d.join("ws").display().to_string();
    let json = d.join("r.json").display().to_string();
    let csv = d.join("r.csv").display().to_string();
    corpus(&[
        "import",
        "--format",
        "text",
        &fixture("transcripts/workshop.txt"),
        "--out",
        &ws,
    ])
    .unwrap();
    let rows = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut v = vec!["query", ws.as_str()];
        v.extend_from_slice(args);
        v.extend_from_slice(&["--json", json.as_str()]);
        corpus(&v).unwrap();
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        j.as_array().unwrap().clone()
    };
    // The script's `count` agrees with the `--count` option on the same query.
    let q = r#"[lower="wij|we|ze|zij"] [word!="[.,]"]"#;
    let by_option = rows(&[q, "--count", "lower"]);
    let by_script = rows(&[&format!("A = {q}; count A by lower")]);
    assert!(!by_option.is_empty());
    assert_eq!(by_option.len(), by_script.len());
    for (o, s) in by_option.iter().zip(&by_script) {
        assert_eq!(o["lower"], s["lower"]);
        assert_eq!(o["hits"], s["freq"]);
    }
    // The last output command goes to --json; a final query's matches do when it ends the
    // script.
    let size = rows(&[r#"A = [lower="wij"]; count A by word; size A"#]);
    let n = size[0]["size"].as_i64().unwrap();
    let matches = rows(&[r#"A = [lower="wij"]; size A; A"#]);
    assert_eq!(matches.len() as i64, n);
    let cat = rows(&[r#"A = [lower="wij"]; cat A 0 1"#, "--window", "1"]);
    assert_eq!(cat.len(), 2.min(n as usize));
    assert_eq!(cat[0]["match"].as_str().unwrap().to_lowercase(), "wij");
    corpus(&[
        "query",
        &ws,
        r#"A = [lower="wij"] []; tabulate A match, matchend word"#,
        "--csv",
        &csv,
    ])
    .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("match,matchend word\n"), "{text}");
    assert_eq!(text.lines().count() as i64, n + 1);
    // Options for plain queries are refused with output commands; errors exit with 2.
    let e = corpus(&["query", &ws, r#"A = "wij"; size A"#, "--by", "speaker"]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = corpus(&["query", &ws, r#"A = "wij"; group A nothing"#]).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.message().contains("at 20: expected an attribute"), "{e}");
    std::fs::remove_dir_all(d).unwrap();
}
