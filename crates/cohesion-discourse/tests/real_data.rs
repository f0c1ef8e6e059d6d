//! End-to-end tests on real Dutch data shipped in `tests/fixtures` (see its README for
//! sources and licences): import, index, query, pseudonymisation, CDA evaluation and the
//! guarantees for bad input.

use cohesion_discourse::cda::{gold, markers::Markers};
use cohesion_discourse::cqp::run_query;
use cohesion_discourse::import::{import, Format, ImportOptions};
use cohesion_discourse::index::open::Corpus;
use cohesion_discourse::tokenise::Lang;
use cohesion_io::Cell;
use std::path::{Path, PathBuf};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cd-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn opts(format: Format) -> ImportOptions {
    ImportOptions {
        format,
        meta: None,
        pseudonymise: false,
        key: None,
        lossy: false,
        lang: Lang::Nl,
        annotate: false,
    }
}

#[test]
fn parlamint_tei_with_metadata_and_annotation() {
    let d = scratch("tei");
    let out = d.join("pm");
    let r = import(&[fixture("parlamint")], &out, &opts(Format::Tei)).unwrap();
    // Tokens come from the sibling CoNLL-U (308 tokens), metadata from the TSV.
    assert_eq!(r.manifest.tokens, 308);
    assert!(r.manifest.attributes.contains(&"lemma".to_string()));
    assert!(
        r.manifest
            .warnings
            .iter()
            .any(|w| w.contains("Body = `Eerste Kamer`") && w.contains("`Tweede Kamer`")),
        "{:?}",
        r.manifest.warnings
    );
    let c = Corpus::open(&out).unwrap();
    let text = c.structure("text").unwrap();
    assert_eq!(
        text.value(0, "house").unwrap(),
        "Tweede Kamer",
        "the TEI wins over the TSV"
    );
    assert_eq!(text.value(0, "date").unwrap(), "2019-05-16");
    let u = c.structure("u").unwrap();
    assert_eq!(u.value(0, "speaker").unwrap(), "Arib, Khadija");
    assert_eq!(u.value(0, "birth").unwrap(), "1960");
    assert_eq!(u.value(0, "party").unwrap(), "PvdA");
    let (hits, _) = run_query(&c, "[lemma=\"Chemours\"] :: match.u_party = \"SP\"", None).unwrap();
    assert!(!hits.is_empty());
    let (all, _) = run_query(&c, "[lemma=\"Chemours\"]", None).unwrap();
    assert!(
        all.len() > hits.len(),
        "the chair (PvdA) also names Chemours"
    );
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn pseudonymised_corpus_contains_no_speaker_names() {
    let d = scratch("pseudo");
    let out = d.join("pm");
    let mut o = opts(Format::Tei);
    o.pseudonymise = true;
    let r = import(&[fixture("parlamint")], &out, &o).unwrap();
    let key = std::fs::read_to_string(r.key.unwrap()).unwrap();
    assert!(key.contains("Laçin") && key.contains("S00"));
    for f in std::fs::read_dir(&out).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        let s = String::from_utf8_lossy(&bytes);
        for name in ["Laçin", "Arib", "Khadija", "CemLaçin"] {
            assert!(!s.contains(name), "{name} leaked");
        }
    }
    // The transcript importer masks names inside the text too ("met Jan eens").
    let out2 = d.join("ws");
    let mut o = opts(Format::Text);
    o.pseudonymise = true;
    o.meta = Some(fixture("transcripts/speakers.csv"));
    import(&[fixture("transcripts/workshop.txt")], &out2, &o).unwrap();
    let c = Corpus::open(&out2).unwrap();
    let w = c.attr("word").unwrap();
    let words: Vec<&str> = (0..c.len()).map(|p| w.at(p)).collect();
    assert!(!words.contains(&"Jan") && !words.contains(&"Anna"));
    let u = c.structure("u").unwrap();
    assert_eq!(
        u.value(0, "group").unwrap(),
        "citizens",
        "attributes other than names stay"
    );
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn markers_against_ud_gold() {
    let d = scratch("ud");
    let out = d.join("ud");
    import(&[fixture("ud")], &out, &opts(Format::Conllu)).unwrap();
    let c = Corpus::open(&out).unwrap();
    let m = Markers::load(None).unwrap();
    let t = gold::evaluate(&c, &m.marker).unwrap();
    let get = |name: &str, variant: &str, col: usize| match t
        .rows
        .iter()
        .find(|r| r[0] == name.into() && r[1] == variant.into())
        .unwrap()[col]
    {
        Cell::Float(f) => f,
        _ => f64::NAN,
    };
    // On this excerpt: POS disambiguation of ze/zij raises precision without losing much recall.
    assert!(get("they", "pos", 6) > get("they", "words", 6));
    assert!(get("they", "pos", 7) >= 0.8);
    assert!(get("we", "words", 6) >= 0.9);
    assert!(get("agentless_passive", "pos", 7) >= 0.5);
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn bad_input_leaves_the_existing_corpus_intact() {
    let d = scratch("bad");
    let out = d.join("c");
    import(
        &[fixture("transcripts/workshop.txt")],
        &out,
        &opts(Format::Text),
    )
    .unwrap();
    let before = Corpus::open(&out).unwrap().manifest.tokens;

    let bad = d.join("bad.txt");
    std::fs::write(&bad, b"Anna: goed\nBen: caf\xe9 au lait\n").unwrap();
    let e = import(std::slice::from_ref(&bad), &out, &opts(Format::Text)).unwrap_err();
    assert!(
        e.message().contains("bad.txt:2:") && e.message().contains("byte offset 19"),
        "{e}"
    );
    assert_eq!(e.exit_code(), 2);
    assert_eq!(Corpus::open(&out).unwrap().manifest.tokens, before);
    let mut lossy = opts(Format::Text);
    lossy.lossy = true;
    let other = d.join("lossy");
    import(&[bad], &other, &lossy).unwrap();

    let xml = d.join("broken.xml");
    std::fs::write(
        &xml,
        "<TEI xml:id=\"x\">\n<text>\n<u who=\"#a\"><seg>hoi</u>\n</text></TEI>\n",
    )
    .unwrap();
    let e = import(&[xml], &out, &opts(Format::Tei)).unwrap_err();
    assert!(
        e.message().contains("broken.xml:3:") && e.message().contains("malformed XML"),
        "{e}"
    );

    let conllu = d.join("broken.conllu");
    std::fs::write(
        &conllu,
        "1\tWij\twij\tPRON\t_\t_\t0\troot\t_\t_\n3\tgaan\tgaan\tVERB\t_\t_\t1\txcomp\t_\t_\n",
    )
    .unwrap();
    let e = import(&[conllu], &out, &opts(Format::Conllu)).unwrap_err();
    assert!(e.message().contains("broken.conllu:2: field `ID`"), "{e}");

    assert_eq!(Corpus::open(&out).unwrap().manifest.tokens, before);
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");

    // A folder from another format version is refused with a clear message.
    let manifest = out.join("corpus.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\"version\": 1", "\"version\": 99");
    std::fs::write(&manifest, text).unwrap();
    let e = Corpus::open(&out).err().unwrap();
    assert!(
        e.message().contains("version 99") && e.message().contains("re-import"),
        "{e}"
    );
    // And a non-corpus folder is never overwritten.
    let e = import(
        &[fixture("transcripts/workshop.txt")],
        &fixture("ud"),
        &opts(Format::Text),
    )
    .unwrap_err();
    assert!(e.message().contains("not a corpus folder"), "{e}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn transcript_profile_end_to_end() {
    let d = scratch("profile");
    let out = d.join("ws");
    let mut o = opts(Format::Text);
    o.meta = Some(fixture("transcripts/speakers.csv"));
    import(&[fixture("transcripts/workshop.txt")], &out, &o).unwrap();
    let c = Corpus::open(&out).unwrap();
    let m = Markers::load(None).unwrap();
    let po = cohesion_discourse::cda::profile::ProfileOptions {
        by: "group".into(),
        min_tokens: 1,
        permutations: 99,
        seed: 3,
        sample: 2,
        window: 4,
        use_annotation: true,
    };
    let (t, lines) = cohesion_discourse::cda::profile::profile(&c, &m.marker, &po).unwrap();
    let row = |marker: &str, group: &str| {
        t.rows
            .iter()
            .find(|r| r[0] == marker.into() && r[1] == group.into())
            .unwrap()
            .clone()
    };
    assert_eq!(row("we", "citizens")[4], Cell::Int(3), "Wij, onze, ons");
    assert_eq!(
        row("agentless_passive", "officials")[4],
        Cell::Int(1),
        "`wordt aangepast`; `is door de gemeente geregeld` has an agent"
    );
    assert!(lines.rows.iter().all(|r| r[1] != Cell::Empty));
    let actors = cohesion_discourse::cda::profile::actors(&c, &m.actor).unwrap();
    let big = actors
        .rows
        .iter()
        .find(|r| r[0] == "big_tech".into())
        .unwrap();
    assert_eq!(big[1], Cell::Int(1));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn parlamint_party_names_come_from_the_list_org_registry() {
    let d = scratch("listorg");
    let src = d.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let sitting = "ParlaMint-NL_2019-05-16-tweedekamer-11";
    for f in [
        format!("{sitting}.xml"),
        "ParlaMint-NL-listPerson.xml".into(),
        "ParlaMint-NL-listOrg.xml".into(),
    ] {
        std::fs::copy(fixture("parlamint").join(&f), src.join(&f)).unwrap();
    }
    // Without the TSV, the chair's party comes from listPerson and its name from listOrg.
    let out = d.join("no-tsv");
    import(std::slice::from_ref(&src), &out, &opts(Format::Tei)).unwrap();
    let c = Corpus::open(&out).unwrap();
    let u = c.structure("u").unwrap();
    assert_eq!(u.value(0, "party").unwrap(), "PvdA");
    assert_eq!(u.value(0, "party_name").unwrap(), "Partij van de Arbeid");
    // With a TSV whose party name is wrong, the registry wins and the import says so.
    let tsv = std::fs::read_to_string(fixture("parlamint").join(format!("{sitting}-meta.tsv")))
        .unwrap()
        .replace("\tSocialistische Partij\t", "\tSocialist Party\t");
    std::fs::write(src.join(format!("{sitting}-meta.tsv")), tsv).unwrap();
    let out = d.join("tsv");
    let r = import(&[src], &out, &opts(Format::Tei)).unwrap();
    assert!(
        r.manifest.warnings.iter().any(|w| w.contains(
            "the TSV says party_name = `Socialist Party`, the listOrg registry says `Socialistische Partij`"
        )),
        "{:?}",
        r.manifest.warnings
    );
    let c = Corpus::open(&out).unwrap();
    let u = c.structure("u").unwrap();
    assert_eq!(u.value(1, "party").unwrap(), "SP");
    assert_eq!(u.value(1, "party_name").unwrap(), "Socialistische Partij");
    std::fs::remove_dir_all(d).unwrap();
}
