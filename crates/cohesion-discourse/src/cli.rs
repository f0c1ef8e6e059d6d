//! The `cohesion corpus …` subcommands: argument definitions and dispatch. Each query or
//! statistic prints an aligned table and takes `--csv FILE` / `--json FILE` (`-` = stdout).

use crate::import::{import, Format, ImportOptions};
use crate::index::open::Corpus;
use crate::ops;
use crate::subcorpus::Spans;
use crate::tokenise::Lang;
use clap::{Args, Subcommand};
use cohesion_io::{Result, Table};
use std::path::PathBuf;

/// Corpus-assisted discourse analysis: import, concordance, statistics, CQP, CDA, coding.
#[derive(Args, Debug)]
pub struct CorpusArgs {
    #[command(subcommand)]
    pub command: CorpusCommand,
}

#[derive(Args, Debug, Clone)]
pub struct Output {
    /// Write the table as CSV (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the table as JSON (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum CorpusCommand {
    /// Import transcripts, ParlaMint TEI or CoNLL-U into a corpus folder.
    Import(ImportArgs),
    /// Show a corpus' size, attributes, structures and import warnings.
    Info { corpus: PathBuf },
    /// Keyword in context for a CQP query (a bare "word" works).
    Kwic(KwicArgs),
    /// Frequency list with range and dispersion.
    Wordlist(WordlistArgs),
    /// N-grams within sentences.
    Ngrams(NgramArgs),
    /// Collocates of a query in a window (MI, MI3, t, LL, logDice, ΔP).
    Collocates(CollocArgs),
    /// Keywords of a subcorpus against another or against a reference list.
    Keyness(KeynessArgs),
    /// Run a CQP query: list matches, count them by an attribute, or spread them over metadata.
    Query(QueryArgs),
    /// CDA marker profiles per speaker group, actors, and marker precision/recall on UD gold.
    Cda(CdaArgs),
    /// Code segments by codebook rules and/or import hand coding; frequencies per group.
    Code(CodeArgs),
    /// Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.
    Agreement(AgreementArgs),
}

#[derive(Args, Debug)]
pub struct CodeArgs {
    pub corpus: PathBuf,
    /// Codebook TOML: `[[code]]` with name, definition and an optional `cqp` rule.
    #[arg(long, value_name = "FILE")]
    pub codebook: PathBuf,
    /// Hand-coded segments to import (CSV: utterance,start,end,code,coder); repeatable.
    #[arg(long = "segments", value_name = "FILE")]
    pub segments: Vec<PathBuf>,
    /// Do not apply the codebook's CQP rules.
    #[arg(long)]
    pub no_rules: bool,
    /// Write all segments (rule-coded and imported) as stand-off CSV.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Speaker attribute for the frequency table.
    #[arg(long, value_name = "META", default_value = "speaker")]
    pub by: String,
    /// Write the code co-occurrence table as CSV.
    #[arg(long, value_name = "FILE")]
    pub cooccurrence: Option<PathBuf>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct AgreementArgs {
    /// CSV: `unit,coder,value` (long), `unit,CODER1,CODER2,…` (wide), or coded segments
    /// (`utterance,…,code,coder`: presence of each code per utterance).
    pub file: PathBuf,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct CdaArgs {
    pub corpus: PathBuf,
    /// Speaker attribute defining the groups (e.g. group, party, role).
    #[arg(long, value_name = "META", required_unless_present = "evaluate")]
    pub by: Option<String>,
    /// Marker definitions (default: the built-in data/markers.toml).
    #[arg(long, value_name = "FILE")]
    pub markers: Option<PathBuf>,
    /// Speakers with fewer tokens are left out of the comparison.
    #[arg(long, default_value_t = 100)]
    pub min_tokens: u64,
    #[arg(long, default_value_t = 9999)]
    pub permutations: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Concordance lines sampled per marker and group for close reading.
    #[arg(long, default_value_t = 5)]
    pub sample: usize,
    /// Write the sampled lines here as CSV (`-` for standard output) instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub lines: Option<PathBuf>,
    /// Ignore POS and features even when the corpus has them (word-level markers only).
    #[arg(long)]
    pub words_only: bool,
    /// Measure each marker's precision and recall against the corpus' UD gold annotation.
    #[arg(long)]
    pub evaluate: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Annotator {
    /// Frog (Debian packages frog, frogdata, uctodata), run as a separate program.
    Frog,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[arg(long, value_enum)]
    pub format: Format,
    /// Speaker metadata: CSV with a `speaker` column (text), or a ParlaMint `-meta.tsv` (tei).
    #[arg(long, value_name = "FILE")]
    pub meta: Option<PathBuf>,
    /// Replace speaker names by stable codes and mask the names inside the text.
    #[arg(long)]
    pub pseudonymise: bool,
    /// Pseudonym key file (default: CORPUS.pseudonym-key.csv beside the corpus folder).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Replace invalid UTF-8 instead of stopping with an error.
    #[arg(long)]
    pub lossy: bool,
    /// Annotate plain text (and TEI without CoNLL-U) with lemma, POS and a dependency parse.
    #[arg(long, value_enum)]
    pub annotate: Option<Annotator>,
    /// Language of plain text, for the tokeniser.
    #[arg(long, value_enum, default_value = "nl")]
    pub lang: Lang,
    /// Worker threads for parsing and interning (default: all cores; RAYON_NUM_THREADS is
    /// honoured). The corpus is byte-identical for any thread count.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Source files or folders.
    #[arg(required = true)]
    pub sources: Vec<PathBuf>,
    #[arg(long, value_name = "CORPUS")]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct KwicArgs {
    pub corpus: PathBuf,
    pub query: String,
    /// Context tokens on each side.
    #[arg(long, default_value_t = 8)]
    pub window: u32,
    #[arg(long, value_enum, default_value = "none")]
    pub sort: ops::kwic::Sort,
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    #[arg(long, default_value_t = 50)]
    pub page_size: usize,
    /// Matching strategy: one match per start position, the shortest or the longest (a
    /// script's `set MatchingStrategy …;` overrides it).
    #[arg(long, value_enum, default_value = "shortest")]
    pub strategy: crate::cqp::Strategy,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct WordlistArgs {
    pub corpus: PathBuf,
    /// Attribute to count (word, lower, lemma, pos, …).
    #[arg(long, default_value = "lower")]
    pub attr: String,
    /// Restrict to a subcorpus, e.g. `party=SP`.
    #[arg(long = "where", value_name = "META=VALUE")]
    pub filter: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub min_freq: u64,
    #[arg(long)]
    pub top: Option<usize>,
    /// Equal-sized corpus parts for Juilland's D.
    #[arg(long, default_value_t = 10)]
    pub parts: usize,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct NgramArgs {
    pub corpus: PathBuf,
    #[arg(short, long, default_value_t = 2)]
    pub n: usize,
    #[arg(long, default_value = "lower")]
    pub attr: String,
    #[arg(long = "where", value_name = "META=VALUE")]
    pub filter: Option<String>,
    #[arg(long, default_value_t = 2)]
    pub min_freq: u64,
    #[arg(long)]
    pub top: Option<usize>,
    /// Keep n-grams that contain punctuation.
    #[arg(long)]
    pub with_punct: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct CollocArgs {
    pub corpus: PathBuf,
    pub query: String,
    #[arg(long, default_value = "lower")]
    pub attr: String,
    #[arg(long, default_value_t = 5)]
    pub left: u32,
    #[arg(long, default_value_t = 5)]
    pub right: u32,
    #[arg(long, default_value_t = 2)]
    pub min_freq: u64,
    #[arg(long, value_enum, default_value = "log-dice")]
    pub sort: ops::colloc::Measure,
    #[arg(long)]
    pub top: Option<usize>,
    #[arg(long)]
    pub cross_sentences: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct KeynessArgs {
    pub corpus: PathBuf,
    /// The target subcorpus, e.g. `party=SP` or `u.role=chair`.
    #[arg(long, value_name = "META=VALUE")]
    pub target: String,
    /// The reference subcorpus (default: the rest of the corpus).
    #[arg(long, value_name = "META=VALUE", conflicts_with = "reference_list")]
    pub reference: Option<String>,
    /// A reference frequency list: `word<TAB>count` or `word<TAB>proportion` (wordfreq).
    #[arg(long, value_name = "FILE")]
    pub reference_list: Option<PathBuf>,
    /// Tokens a list of proportions stands for.
    #[arg(long, default_value_t = 1e9)]
    pub reference_size: f64,
    #[arg(long, default_value = "lower")]
    pub attr: String,
    /// Significance filter on the log-likelihood's p.
    #[arg(long, default_value_t = 0.05)]
    pub max_p: f64,
    /// Effect-size filter on |log ratio|.
    #[arg(long, default_value_t = 0.0)]
    pub min_log_ratio: f64,
    #[arg(long, default_value_t = 3)]
    pub min_freq: u64,
    /// Also list words under-used in the target.
    #[arg(long)]
    pub negative: bool,
    /// The constant of simple maths.
    #[arg(long, default_value_t = 1.0)]
    pub simple_maths_k: f64,
    #[arg(long)]
    pub top: Option<usize>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    pub corpus: PathBuf,
    pub cqp: String,
    /// Spread hits over a metadata attribute (e.g. `party`, `text.date`).
    #[arg(long, value_name = "META")]
    pub by: Option<String>,
    /// Count matches by the value of an attribute over the matched tokens (e.g. `lemma`).
    #[arg(long, value_name = "ATTR", conflicts_with = "by")]
    pub count: Option<String>,
    /// At most this many matches listed.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Matching strategy: one match per start position, the shortest or the longest (a
    /// script's `set MatchingStrategy …;` overrides it).
    #[arg(long, value_enum, default_value = "shortest")]
    pub strategy: crate::cqp::Strategy,
    /// Context tokens on each side of the lines that a script's `cat` prints.
    #[arg(long, default_value_t = 8)]
    pub window: u32,
    #[command(flatten)]
    pub out: Output,
}

/// Print the aligned view unless a machine-readable copy goes to standard output.
pub fn emit(t: &Table, out: &Output) -> Result<()> {
    t.emit(out.csv.as_deref(), out.json.as_deref(), 3)
}

fn spans(c: &Corpus, filter: &Option<String>) -> Result<Spans> {
    match filter {
        Some(f) => Spans::select(c, f),
        None => Ok(Spans::all(c)),
    }
}

pub fn run(args: &CorpusArgs) -> Result<()> {
    match &args.command {
        CorpusCommand::Import(a) => {
            let o = ImportOptions {
                format: a.format,
                meta: a.meta.clone(),
                pseudonymise: a.pseudonymise,
                key: a.key.clone(),
                lossy: a.lossy,
                lang: a.lang,
                annotate: a.annotate.is_some(),
            };
            let r = match a.threads {
                Some(n) => rayon::ThreadPoolBuilder::new()
                    .num_threads(n.max(1))
                    .build()
                    .map_err(|e| {
                        cohesion_io::Error::failure(format!("cannot start {n} threads: {e}"))
                    })?
                    .install(|| import(&a.sources, &a.out, &o))?,
                None => import(&a.sources, &a.out, &o)?,
            };
            for w in &r.manifest.warnings {
                eprintln!("warning: {w}");
            }
            eprintln!(
                "imported {} files, {} tokens into {}",
                r.files,
                r.manifest.tokens,
                a.out.display()
            );
            if let Some(k) = r.key {
                eprintln!(
                    "pseudonym key written to {} (keep it apart from the corpus)",
                    k.display()
                );
            }
            Ok(())
        }
        CorpusCommand::Info { corpus } => {
            let c = Corpus::open(corpus)?;
            let mut t = Table::new(["item", "value"]);
            t.push(vec!["tokens".into(), c.manifest.tokens.to_string().into()]);
            t.push(vec![
                "attributes".into(),
                c.manifest.attributes.join(", ").into(),
            ]);
            for s in &c.manifest.structures {
                t.push(vec![
                    format!("structure {}", s.name).into(),
                    format!("{} regions: {}", s.regions, s.columns.join(", ")).into(),
                ]);
            }
            t.push(vec![
                "pseudonymised".into(),
                c.manifest.pseudonymised.to_string().into(),
            ]);
            for w in &c.manifest.warnings {
                t.push(vec!["import warning".into(), w.clone().into()]);
            }
            print!("{}", t.aligned(0));
            Ok(())
        }
        CorpusCommand::Kwic(a) => {
            let c = Corpus::open(&a.corpus)?;
            let o = ops::kwic::KwicOptions {
                window: a.window,
                sort: a.sort,
                page: a.page,
                page_size: a.page_size,
                strategy: a.strategy,
            };
            let (mut t, total) = ops::kwic::kwic(&c, &a.query, &o)?;
            t.notes.push(match total {
                Some(total) => format!(
                    "{total} hits; page {} of {}",
                    a.page,
                    total.div_ceil(a.page_size.max(1))
                ),
                None => format!("page {}; more hits follow (sort to count them all)", a.page),
            });
            emit(&t, &a.out)
        }
        CorpusCommand::Wordlist(a) => {
            let c = Corpus::open(&a.corpus)?;
            let o = ops::freq::WordlistOptions {
                attr: a.attr.clone(),
                min_freq: a.min_freq,
                top: a.top,
                parts: a.parts,
            };
            emit(
                &ops::freq::wordlist(&c, &spans(&c, &a.filter)?, &o)?,
                &a.out,
            )
        }
        CorpusCommand::Ngrams(a) => {
            let c = Corpus::open(&a.corpus)?;
            let o = ops::freq::NgramOptions {
                attr: a.attr.clone(),
                n: a.n,
                min_freq: a.min_freq,
                top: a.top,
                skip_punct: !a.with_punct,
            };
            emit(&ops::freq::ngrams(&c, &spans(&c, &a.filter)?, &o)?, &a.out)
        }
        CorpusCommand::Collocates(a) => {
            let c = Corpus::open(&a.corpus)?;
            let o = ops::colloc::CollocOptions {
                attr: a.attr.clone(),
                left: a.left,
                right: a.right,
                min_freq: a.min_freq,
                sort: a.sort,
                top: a.top,
                cross_sentences: a.cross_sentences,
            };
            emit(&ops::colloc::collocates(&c, &a.query, &o)?, &a.out)
        }
        CorpusCommand::Keyness(a) => {
            let c = Corpus::open(&a.corpus)?;
            let target = Spans::select(&c, &a.target)?;
            let reference = match (&a.reference, &a.reference_list) {
                (_, Some(list)) => {
                    let (m, d) = ops::keyness::read_reference_list(list, a.reference_size)?;
                    ops::keyness::Reference::List(m, d)
                }
                (Some(r), None) => ops::keyness::Reference::Spans(Spans::select(&c, r)?),
                (None, None) => ops::keyness::Reference::Spans(target.complement(&c)),
            };
            let o = ops::keyness::KeynessOptions {
                attr: a.attr.clone(),
                max_p: a.max_p,
                min_log_ratio: a.min_log_ratio,
                min_freq: a.min_freq,
                negative: a.negative,
                simple_maths_k: a.simple_maths_k,
                top: a.top,
            };
            emit(&ops::keyness::keyness(&c, &target, &reference, &o)?, &a.out)
        }
        CorpusCommand::Query(a) if crate::cqp::script::has_output_commands(&a.cqp) => {
            run_report_script(a)
        }
        CorpusCommand::Query(a) => {
            let c = Corpus::open(&a.corpus)?;
            let t = match (&a.by, &a.count) {
                (Some(by), _) => ops::distribution::distribution(&c, &a.cqp, by, a.strategy)?,
                (None, Some(attr)) => ops::distribution::count_by(&c, &a.cqp, attr, a.strategy)?,
                (None, None) => ops::distribution::matches(&c, &a.cqp, a.limit, a.strategy)?,
            };
            emit(&t, &a.out)
        }
        CorpusCommand::Cda(a) => run_cda(a),
        CorpusCommand::Code(a) => {
            use crate::coding;
            let c = Corpus::open(&a.corpus)?;
            let cb = coding::Codebook::read(&a.codebook)?;
            let mut segs = if a.no_rules {
                Vec::new()
            } else {
                coding::auto_code(&c, &cb)?
            };
            for f in &a.segments {
                segs.extend(coding::read_segments(&c, &cb, f)?);
            }
            segs.sort();
            if let Some(p) = &a.export {
                coding::write_segments(p, &segs)?;
            }
            if let Some(p) = &a.cooccurrence {
                coding::cooccurrence(&segs).write_csv(p)?;
            }
            let mut t = coding::frequencies(&c, &cb, &segs, &a.by)?;
            t.notes.push(format!("{} segments", segs.len()));
            emit(&t, &a.out)
        }
        CorpusCommand::Agreement(a) => {
            let head = crate::import::read::read_text(&a.file, false)?;
            let first = head.lines().next().unwrap_or("");
            let cols: Vec<&str> = first.split(',').map(str::trim).collect();
            let r = if cols.contains(&"utterance")
                && cols.contains(&"code")
                && cols.contains(&"coder")
            {
                crate::coding::presence_reliability(&crate::coding::read_segments_plain(&a.file)?)
            } else {
                crate::agreement::Reliability::read_csv(&a.file)?
            };
            emit(&r.table(), &a.out)
        }
    }
}

/// A script with output commands: each command's table in order on the terminal, the last
/// statement's table (a command's, or the final query's matches) also to `--csv`/`--json`.
/// When one of those takes standard output, only the last table is written there.
fn run_report_script(a: &QueryArgs) -> Result<()> {
    if a.by.is_some() || a.count.is_some() {
        return Err(cohesion_io::Error::input(
            "--by and --count apply to a plain query; in a script with output commands use \
             `group` or `count` instead",
        ));
    }
    let c = Corpus::open(&a.corpus)?;
    let o = crate::cqp::ScriptOptions {
        strategy: a.strategy,
        limit: a.limit,
        window: a.window,
        reports_last: true,
    };
    let mut out = crate::cqp::run_script_with(&c, &a.cqp, &o)?;
    let final_command = if out.ends_with_report {
        out.reports.pop()
    } else {
        None
    };
    let last = match final_command {
        Some(r) => r.table,
        None => ops::distribution::matches_table(&c, &out.matches, &out.labels)?,
    };
    let to_stdout = |p: &Option<PathBuf>| p.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout(&a.out.csv) && !to_stdout(&a.out.json) {
        for r in &out.reports {
            print!("{}", r.table.aligned(3));
            println!();
        }
    }
    emit(&last, &a.out)
}

fn run_cda(a: &CdaArgs) -> Result<()> {
    use crate::cda::{gold, markers::Markers, profile};
    let c = Corpus::open(&a.corpus)?;
    let m = Markers::load(a.markers.as_deref())?;
    if a.evaluate {
        return emit(&gold::evaluate(&c, &m.marker)?, &a.out);
    }
    let o = profile::ProfileOptions {
        by: a.by.clone().unwrap_or_default(),
        min_tokens: a.min_tokens,
        permutations: a.permutations,
        seed: a.seed,
        sample: a.sample,
        window: 8,
        use_annotation: !a.words_only,
    };
    // Actors are profiled per group like markers (named `actor:NAME`), and listed again below
    // with their grammatical roles.
    let mut all = m.marker.clone();
    all.extend(m.actor.iter().cloned().map(|mut a| {
        a.name = format!("actor:{}", a.name);
        a
    }));
    let (t, lines) = profile::profile(&c, &all, &o)?;
    emit(&t, &a.out)?;
    let quiet = a.out.csv.as_ref().is_some_and(|p| p.as_os_str() == "-")
        || a.out.json.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if !quiet {
        println!();
        print!("{}", profile::actors(&c, &m.actor)?.aligned(2));
        let who = crate::cda::agency::who_must(&c)?;
        if !who.rows.is_empty() {
            println!();
            print!("{}", who.aligned(0));
        }
    }
    match &a.lines {
        Some(p) => lines.write_csv(p),
        None if !quiet => {
            println!();
            print!("{}", lines.aligned(0));
            Ok(())
        }
        None => Ok(()),
    }
}
