//! The queue of model runs behind the dashboard: one worker thread takes jobs in order, so a
//! second request while one runs waits its turn instead of being lost; each job reports
//! progress (years simulated) and can be cancelled between years.
//!
//! A run is `seeds` replications of one future (or five force values) under one policy
//! package; its result holds, per key indicator and group, the mean over seeds and the range
//! (min..max) per year: the bands the charts draw. A heatmap job runs every future × package
//! once and reports the final cohesion index. Jobs live in memory only (results are cheap to
//! recompute; workshop answers are what the database keeps).

use crate::app::{AppState, JsonBody};
use crate::download::{self, SeededRows};
use crate::error::{ApiError, ApiResult};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cohesion_model::{indicators, Params, RunConfig, World};
use cohesion_scenarios::{forces, policies, Forces, Package, Scenario};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// The futures of `data/futures.toml`, in the order the pages list them.
pub const FUTURES: [&str; 5] = [
    "baseline",
    "user-utopia",
    "wild-west",
    "big-brother",
    "big-business",
];
/// Indicators the charts offer.
pub const KEY_INDICATORS: [&str; 8] = [
    "cohesion_index",
    "generalised_trust",
    "institutional_trust",
    "lonely_share",
    "social_participation",
    "digital_outcomes",
    "affective_distance",
    "income_gini",
];
/// Groups the charts offer (DESIGN §4: education, income quintile, age, top 10 %, top 1 %).
pub const GROUPS: [&str; 15] = [
    "all",
    "edu_low",
    "edu_middle",
    "edu_high",
    "income_q1",
    "income_q2",
    "income_q3",
    "income_q4",
    "income_q5",
    "age_18_34",
    "age_35_54",
    "age_55_74",
    "age_75_plus",
    "top10",
    "top1",
];
pub const MAX_AGENTS: usize = 20_000;
pub const MAX_SEEDS: u32 = 10;
pub const MAX_PENDING: usize = 20;
/// Finished runs kept for their results and downloads (a 10-seed run of 2 000 agents holds
/// about 300 000 rows, some 20 MB).
const KEEP_FINISHED: usize = 20;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    #[serde(default)]
    pub future: Option<String>,
    /// The five forces in 0..1 (replaces the future's own values).
    #[serde(default)]
    pub forces: Option<BTreeMap<String, f64>>,
    pub package: String,
    pub agents: usize,
    pub seeds: u32,
    #[serde(default = "default_years")]
    pub years: u32,
    #[serde(default)]
    pub label: Option<String>,
}
fn default_years() -> u32 {
    25
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeatmapRequest {
    pub agents: usize,
    #[serde(default = "default_years")]
    pub years: u32,
    #[serde(default)]
    pub seed: u64,
}

enum Work {
    Run {
        scenario: Box<Scenario>,
        package: Package,
        agents: usize,
        seeds: u32,
        years: u32,
    },
    Heatmap {
        agents: usize,
        years: u32,
        seed: u64,
    },
}

struct Job {
    label: String,
    work: Option<Work>,
    state: &'static str,
    error: Option<String>,
    done: Arc<AtomicU64>,
    total: u64,
    cancel: Arc<AtomicBool>,
    result: Option<Arc<Value>>,
    rows: Option<Arc<SeededRows>>,
}

#[derive(Clone)]
pub struct Queue {
    jobs: Arc<Mutex<BTreeMap<u64, Job>>>,
    tx: Arc<Mutex<mpsc::Sender<u64>>>,
    next: Arc<AtomicU64>,
}

impl Queue {
    /// Start the worker thread.
    pub fn start() -> Queue {
        let (tx, rx) = mpsc::channel::<u64>();
        let q = Queue {
            jobs: Arc::new(Mutex::new(BTreeMap::new())),
            tx: Arc::new(Mutex::new(tx)),
            next: Arc::new(AtomicU64::new(1)),
        };
        let jobs = q.jobs.clone();
        std::thread::Builder::new()
            .name("cohesion-runs".into())
            .spawn(move || {
                for id in rx {
                    work_on(&jobs, id);
                }
            })
            .expect("spawn the run worker");
        q
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, label: String, work: Work, total: u64) -> ApiResult<(u64, usize)> {
        let mut jobs = self.lock();
        let ahead = jobs
            .values()
            .filter(|j| j.state == "queued" || j.state == "running")
            .count();
        if ahead >= MAX_PENDING {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "the run queue is full; wait for runs to finish",
            ));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        jobs.insert(
            id,
            Job {
                label,
                work: Some(work),
                state: "queued",
                error: None,
                done: Arc::new(AtomicU64::new(0)),
                total,
                cancel: Arc::new(AtomicBool::new(false)),
                result: None,
                rows: None,
            },
        );
        let finished: Vec<u64> = jobs
            .iter()
            .filter(|(_, j)| !matches!(j.state, "queued" | "running"))
            .map(|(&k, _)| k)
            .collect();
        for k in finished
            .iter()
            .take(finished.len().saturating_sub(KEEP_FINISHED))
        {
            jobs.remove(k);
        }
        drop(jobs);
        self.tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(id)
            .map_err(|_| ApiError::internal("the run worker has stopped"))?;
        Ok((id, ahead))
    }
}

fn work_on(jobs: &Mutex<BTreeMap<u64, Job>>, id: u64) {
    let lock = || jobs.lock().unwrap_or_else(|p| p.into_inner());
    let (work, done, cancel) = {
        let mut j = lock();
        let Some(job) = j.get_mut(&id) else { return };
        if job.cancel.load(Ordering::Relaxed) {
            job.state = "cancelled";
            return;
        }
        job.state = "running";
        (job.work.take(), job.done.clone(), job.cancel.clone())
    };
    let Some(work) = work else { return };
    // a panic in the model must not kill the worker: the job fails, the queue goes on
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match work {
        Work::Run {
            scenario,
            package,
            agents,
            seeds,
            years,
        } => run_bands(&scenario, &package, agents, seeds, years, &done, &cancel),
        Work::Heatmap {
            agents,
            years,
            seed,
        } => heatmap_grid(agents, years, seed, &done, &cancel),
    }));
    let mut j = lock();
    let Some(job) = j.get_mut(&id) else { return };
    match outcome {
        Ok(Ok(Some((value, rows)))) => {
            job.state = "done";
            job.result = Some(Arc::new(value));
            job.rows = rows.map(Arc::new);
        }
        Ok(Ok(None)) => job.state = "cancelled",
        Ok(Err(e)) => {
            job.state = "failed";
            job.error = Some(e);
        }
        Err(_) => {
            eprintln!("cohesion serve: run {id} panicked");
            job.state = "failed";
            job.error = Some("the model failed on this input; the server log has details".into());
        }
    }
}

/// One replication, year by year so a cancel takes effect within a year. `None` if cancelled.
fn simulate(
    sched: &[Params],
    agents: usize,
    years: u32,
    seed: u64,
    done: &AtomicU64,
    cancel: &AtomicBool,
) -> Option<Vec<cohesion_model::Row>> {
    let cfg = RunConfig {
        agents,
        years,
        seed,
        ..RunConfig::default()
    };
    let mut w = World::new(&cfg, &sched[0]);
    let mut rows = indicators::compute(&w, &sched[0]);
    for y in 1..=years as usize {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let p = &sched[y.min(sched.len() - 1)];
        w.advance(p);
        rows.extend(indicators::compute(&w, p));
        done.fetch_add(1, Ordering::Relaxed);
    }
    Some(rows)
}

type Outcome = Result<Option<(Value, Option<SeededRows>)>, String>;

fn run_bands(
    scenario: &Scenario,
    package: &Package,
    agents: usize,
    seeds: u32,
    years: u32,
    done: &AtomicU64,
    cancel: &AtomicBool,
) -> Outcome {
    let sched =
        cohesion_scenarios::schedule(scenario, package, years).map_err(|e| e.to_string())?;
    let mut per_seed = Vec::new();
    for seed in 1..=seeds as u64 {
        match simulate(&sched, agents, years, seed, done, cancel) {
            Some(rows) => per_seed.push(rows),
            None => return Ok(None),
        }
    }
    let start = RunConfig::default().start_year;
    let year_list: Vec<i32> = (0..=years as i32).map(|y| start + y).collect();
    let mut series = serde_json::Map::new();
    for ind in KEY_INDICATORS {
        let mut by_group = serde_json::Map::new();
        for g in GROUPS {
            let mut mean = Vec::new();
            let (mut lo, mut hi) = (Vec::new(), Vec::new());
            for &y in &year_list {
                let vals: Vec<f64> = per_seed
                    .iter()
                    .filter_map(|rows| {
                        rows.iter()
                            .find(|r| r.year == y && r.group == g && r.indicator == ind)
                    })
                    .map(|r| r.value)
                    .filter(|v| v.is_finite())
                    .collect();
                if vals.is_empty() {
                    break;
                }
                mean.push(vals.iter().sum::<f64>() / vals.len() as f64);
                lo.push(vals.iter().copied().fold(f64::INFINITY, f64::min));
                hi.push(vals.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            }
            if mean.len() == year_list.len() {
                by_group.insert(g.into(), json!({"mean": mean, "lo": lo, "hi": hi}));
            }
        }
        series.insert(ind.into(), Value::Object(by_group));
    }
    let rows: SeededRows = per_seed
        .into_iter()
        .enumerate()
        .flat_map(|(s, rows)| rows.into_iter().map(move |r| (s as u32 + 1, r)))
        .collect();
    let value = json!({"kind": "run", "future": scenario.name, "forces": scenario.forces.values().iter().map(|(n, v)| (n.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "package": package.name, "agents": agents, "seeds": seeds, "years": year_list, "series": series,
        "units": KEY_INDICATORS.iter().map(|i| (i.to_string(), indicators::unit(i))).collect::<BTreeMap<_, _>>()});
    Ok(Some((value, Some(rows))))
}

fn package_names() -> Vec<String> {
    policies::catalogue()
        .map(|c| c.package.iter().map(|p| p.name.clone()).collect())
        .unwrap_or_default()
}

fn heatmap_grid(
    agents: usize,
    years: u32,
    seed: u64,
    done: &AtomicU64,
    cancel: &AtomicBool,
) -> Outcome {
    let packages = package_names();
    let mut values = Vec::new();
    for p in &packages {
        let package = policies::package(p).map_err(|e| e.to_string())?;
        let mut row = Vec::new();
        for f in FUTURES {
            let scenario = forces::future(f).map_err(|e| e.to_string())?;
            let sched = cohesion_scenarios::schedule(&scenario, &package, years)
                .map_err(|e| e.to_string())?;
            let Some(rows) = simulate(&sched, agents, years, seed.max(1), done, cancel) else {
                return Ok(None);
            };
            let last = RunConfig::default().start_year + years as i32;
            let v = rows
                .iter()
                .find(|r| r.year == last && r.group == "all" && r.indicator == "cohesion_index")
                .map(|r| r.value);
            row.push(v);
        }
        values.push(row);
    }
    let value = json!({"kind": "heatmap", "indicator": "cohesion_index", "year": RunConfig::default().start_year + years as i32,
        "futures": FUTURES, "packages": packages, "values": values, "agents": agents});
    Ok(Some((value, None)))
}

/// Names, labels and forces of the futures, packages, indicators and groups.
pub async fn meta() -> ApiResult<Json<Value>> {
    let futures: Vec<Value> = FUTURES
        .iter()
        .filter_map(|f| forces::future(f).ok())
        .map(|s| json!({"name": s.name, "label": s.label, "description": s.description,
                        "forces": s.forces.values().iter().map(|(n, v)| (n.to_string(), *v)).collect::<BTreeMap<_, _>>()}))
        .collect();
    let packages: Vec<Value> = policies::catalogue()?
        .package
        .iter()
        .map(|p| json!({"name": p.name, "description": p.description}))
        .collect();
    let study =
        cohesion_cib::format_toml::parse(cohesion_cib::STUDY_TOML, std::path::Path::new("study"))?;
    let descriptors: Vec<Value> = study
        .descriptors
        .iter()
        .map(|d| {
            json!({"name": d.name, "variants": d.variants, "description": d.description,
                        "force": cohesion_cib::FORCES.contains(&d.name.as_str())})
        })
        .collect();
    Ok(Json(
        json!({"futures": futures, "packages": packages, "forces": cohesion_scenarios::FORCE_NAMES,
        "indicators": KEY_INDICATORS, "groups": GROUPS, "descriptors": descriptors,
        "limits": {"agents": [100, MAX_AGENTS], "seeds": [1, MAX_SEEDS], "years": [1, 50]}}),
    ))
}

fn resolve(req: &RunRequest) -> ApiResult<(Scenario, Package)> {
    if !(100..=MAX_AGENTS).contains(&req.agents) {
        return Err(ApiError::unprocessable(format!(
            "agents must be in 100..{MAX_AGENTS}"
        )));
    }
    if !(1..=MAX_SEEDS).contains(&req.seeds) {
        return Err(ApiError::unprocessable(format!(
            "seeds must be in 1..{MAX_SEEDS}"
        )));
    }
    if !(1..=50).contains(&req.years) {
        return Err(ApiError::unprocessable("years must be in 1..50"));
    }
    let mut scenario = forces::future(req.future.as_deref().unwrap_or("baseline"))?;
    if let Some(f) = &req.forces {
        let mut v = scenario.forces;
        for (name, &x) in f {
            if !(0.0..=1.0).contains(&x) {
                return Err(ApiError::unprocessable(format!(
                    "force `{name}` = {x} is outside 0..1"
                )));
            }
            match name.as_str() {
                "public_values" => v.public_values = x,
                "digital_autonomy" => v.digital_autonomy = x,
                "data_driven_influence" => v.data_driven_influence = x,
                "private_infrastructure" => v.private_infrastructure = x,
                "tech_optimism" => v.tech_optimism = x,
                other => return Err(ApiError::unprocessable(format!("unknown force `{other}`"))),
            }
        }
        scenario.forces = v;
        scenario.name = "custom".into();
    }
    let _: Forces = scenario.forces;
    let package = policies::package(&req.package)?;
    Ok((scenario, package))
}

pub fn enqueue(st: &AppState, req: RunRequest) -> ApiResult<Response> {
    let (scenario, package) = resolve(&req)?;
    let label = req
        .label
        .clone()
        .unwrap_or_else(|| format!("{} × {}", scenario.name, package.name));
    let total = req.seeds as u64 * req.years as u64;
    let work = Work::Run {
        scenario: Box::new(scenario),
        package,
        agents: req.agents,
        seeds: req.seeds,
        years: req.years,
    };
    let (id, ahead) = st.runs.push(label, work, total)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "queued_ahead": ahead})),
    )
        .into_response())
}

pub async fn submit(
    State(st): State<AppState>,
    JsonBody(req): JsonBody<RunRequest>,
) -> ApiResult<Response> {
    enqueue(&st, req)
}

pub async fn heatmap(
    State(st): State<AppState>,
    JsonBody(req): JsonBody<HeatmapRequest>,
) -> ApiResult<Response> {
    if !(100..=5_000).contains(&req.agents) || !(1..=50).contains(&req.years) {
        return Err(ApiError::unprocessable(
            "heatmap: agents must be in 100..5000 and years in 1..50",
        ));
    }
    let total = (package_names().len() * FUTURES.len()) as u64 * req.years as u64;
    let work = Work::Heatmap {
        agents: req.agents,
        years: req.years,
        seed: req.seed,
    };
    let (id, ahead) = st
        .runs
        .push("policy × future heatmap".into(), work, total)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "queued_ahead": ahead})),
    )
        .into_response())
}

pub async fn status(State(st): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<Value>> {
    let jobs = st.runs.lock();
    let j = jobs
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))?;
    let ahead = jobs
        .iter()
        .filter(|(&k, o)| k < id && matches!(o.state, "queued" | "running"))
        .count();
    Ok(Json(
        json!({"id": id, "label": j.label, "state": j.state, "error": j.error,
        "progress": {"done": j.done.load(Ordering::Relaxed), "total": j.total},
        "queued_ahead": if j.state == "queued" { ahead } else { 0 },
        "result": j.result.as_deref()}),
    ))
}

pub async fn cancel(State(st): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<Value>> {
    let mut jobs = st.runs.lock();
    let j = jobs
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))?;
    j.cancel.store(true, Ordering::Relaxed);
    if j.state == "queued" {
        j.state = "cancelled";
    }
    Ok(Json(json!({"id": id, "state": j.state})))
}

fn finished_rows(st: &AppState, id: u64) -> ApiResult<Arc<SeededRows>> {
    let jobs = st.runs.lock();
    let j = jobs
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no run {id}")))?;
    j.rows.clone().ok_or_else(|| {
        ApiError::conflict("this run has no rows to download (not finished, or a heatmap)")
    })
}

pub async fn csv(State(st): State<AppState>, Path(id): Path<u64>) -> ApiResult<Response> {
    let rows = finished_rows(&st, id)?;
    let body = tokio::task::spawn_blocking(move || download::csv(&rows))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(crate::workshop::download(
        &format!("run-{id}.csv"),
        "text/csv; charset=utf-8",
        body,
    ))
}

pub async fn parquet(State(st): State<AppState>, Path(id): Path<u64>) -> ApiResult<Response> {
    let rows = finished_rows(&st, id)?;
    let body = tokio::task::spawn_blocking(move || download::parquet(&rows))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(crate::workshop::download(
        &format!("run-{id}.parquet"),
        "application/vnd.apache.parquet",
        body,
    ))
}
