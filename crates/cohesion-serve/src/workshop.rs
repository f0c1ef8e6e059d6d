//! Workshop handlers: create, join, answer, watch, export, delete, compare.
//!
//! Who may do what: the facilitator (cookie `cohesion_f_CODE`, set when the workshop is
//! created) may read everything of that workshop, enter answers for anyone, close, export,
//! delete and run; a participant (cookie `cohesion_p_CODE`, set on joining) may read and
//! change only their own answers. Both cookies are random 256-bit tokens kept as SHA-256
//! hashes. Answers are keyed by an `Idempotency-Key` header: a retried submission finds its
//! key already stored and changes nothing.

use crate::aggregate::{self, CibResult, Spread};
use crate::app::{cookie, set_cookie, AppState, ClientIp, JsonBody};
use crate::error::{ApiError, ApiResult};
use crate::secret;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cohesion_cib::{Cib, FORCES};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const IMPORTANCE: (i64, i64) = (1, 5);
pub const UNCERTAINTY: (i64, i64) = (1, 5);
pub const DIRECTION: (i64, i64) = (-2, 2);
const MAX_NAME: usize = 80;
const MAX_NICK: usize = 40;
/// Consistent scenarios listed per matrix (the count is always complete).
const SCENARIO_LIMIT: usize = 12;

fn fac_cookie(code: &str) -> String {
    format!("cohesion_f_{code}")
}
fn part_cookie(code: &str) -> String {
    format!("cohesion_p_{code}")
}

/// A workshop as stored.
#[derive(Debug, Clone)]
pub struct Workshop {
    pub code: String,
    pub name: String,
    pub group: String,
    pub descriptors: Vec<String>,
    pub range: (i32, i32),
    pub pairs_per_participant: usize,
    pub closed: bool,
    secret_hash: String,
}

impl Workshop {
    fn cib(&self, study: &Cib) -> ApiResult<Cib> {
        let mut c =
            aggregate::workshop_cib(study, &self.descriptors).map_err(ApiError::internal)?;
        c.range = self.range;
        c.title = Some(self.name.clone());
        Ok(c)
    }
    fn public(&self, study: &Cib) -> Value {
        let ds: Vec<Value> = self
            .descriptors
            .iter()
            .filter_map(|n| study.descriptor_index(n).map(|i| &study.descriptors[i]))
            .map(|d| {
                json!({"name": d.name, "variants": d.variants, "description": d.description,
                       "force": FORCES.contains(&d.name.as_str())})
            })
            .collect();
        json!({"code": self.code, "name": self.name, "group": self.group, "descriptors": ds,
               "range": [self.range.0, self.range.1], "closed": self.closed,
               "pairs_per_participant": self.pairs_per_participant,
               "scales": {"importance": IMPORTANCE, "uncertainty": UNCERTAINTY, "direction": DIRECTION}})
    }
}

fn checked_code(raw: &str) -> ApiResult<String> {
    let code = secret::normalise_code(raw);
    if !secret::is_well_formed(&code) {
        return Err(ApiError::not_found(format!(
            "no workshop with code `{}`",
            raw.chars().take(20).collect::<String>()
        )));
    }
    Ok(code)
}

fn load(conn: &Connection, code: &str) -> ApiResult<Workshop> {
    conn.query_row(
        "SELECT code, name, grp, descriptors, range_lo, range_hi, pairs_per_participant, closed, secret_hash
         FROM workshop WHERE code = ?1",
        [code],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i32>(4)?,
                r.get::<_, i32>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
            ))
        },
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found(format!("no workshop with code `{code}`")))
    .and_then(|(code, name, group, ds, lo, hi, k, closed, secret_hash)| {
        Ok(Workshop {
            code,
            name,
            group,
            descriptors: serde_json::from_str(&ds).map_err(ApiError::internal)?,
            range: (lo, hi),
            pairs_per_participant: k as usize,
            closed,
            secret_hash,
        })
    })
}

fn is_facilitator(h: &HeaderMap, w: &Workshop) -> bool {
    cookie(h, &fac_cookie(&w.code)).is_some_and(|s| secret::hash(&s) == w.secret_hash)
}

fn require_facilitator(h: &HeaderMap, w: &Workshop) -> ApiResult<()> {
    if is_facilitator(h, w) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "this needs the facilitator of the workshop (open it in the browser that created it)",
        ))
    }
}

/// Runs `f` on the database with workshop `code` once the caller is shown to be its
/// facilitator.
async fn as_facilitator<T, F>(st: &AppState, code: String, headers: HeaderMap, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection, &Workshop, &str) -> ApiResult<T> + Send + 'static,
{
    st.db
        .call(move |conn| {
            let w = load(conn, &code)?;
            require_facilitator(&headers, &w)?;
            f(conn, &w, &code)
        })
        .await
}

/// The participant id the request's cookie belongs to, within this workshop.
fn participant_of(conn: &Connection, h: &HeaderMap, code: &str) -> ApiResult<Option<i64>> {
    let Some(token) = cookie(h, &part_cookie(code)) else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            "SELECT id FROM participant WHERE workshop = ?1 AND token_hash = ?2",
            params![code, secret::hash(&token)],
            |r| r.get(0),
        )
        .optional()?)
}

fn check_text(what: &str, s: &str, max: usize) -> ApiResult<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ApiError::unprocessable(format!("{what} is empty")));
    }
    if t.chars().count() > max {
        return Err(ApiError::unprocessable(format!(
            "{what} is longer than {max} characters"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(format!(
            "{what} contains control characters"
        )));
    }
    Ok(t.to_string())
}

// ------------------------------------------------------------------ create / info / join

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkshop {
    pub name: String,
    pub group: String,
    pub descriptors: Vec<String>,
    #[serde(default = "default_range")]
    pub range: (i32, i32),
    #[serde(default = "default_pairs")]
    pub pairs_per_participant: usize,
}
fn default_range() -> (i32, i32) {
    (-3, 3)
}
fn default_pairs() -> usize {
    6
}

pub async fn create(
    State(st): State<AppState>,
    JsonBody(req): JsonBody<CreateWorkshop>,
) -> ApiResult<Response> {
    let name = check_text("name", &req.name, MAX_NAME)?;
    if req.group != "citizens" && req.group != "experts" {
        return Err(ApiError::unprocessable(
            "group must be `citizens` or `experts`",
        ));
    }
    aggregate::workshop_cib(&st.study, &req.descriptors).map_err(ApiError::unprocessable)?;
    let (lo, hi) = req.range;
    if !(lo < 0 && hi > 0 && lo >= -9 && hi <= 9) {
        return Err(ApiError::unprocessable(
            "range must run from a negative to a positive judgement, within -9..9",
        ));
    }
    if !(1..=200).contains(&req.pairs_per_participant) {
        return Err(ApiError::unprocessable(
            "pairs_per_participant must be in 1..200",
        ));
    }
    let code = secret::join_code();
    let fac = secret::token();
    let ds = serde_json::to_string(&req.descriptors).map_err(ApiError::internal)?;
    let (c, h) = (code.clone(), secret::hash(&fac));
    let group = req.group.clone();
    let k = req.pairs_per_participant as i64;
    st.db
        .call(move |conn| {
            conn.execute(
                "INSERT INTO workshop (code, name, grp, descriptors, range_lo, range_hi, pairs_per_participant, secret_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![c, name, group, ds, lo, hi, k, h],
            )?;
            Ok(())
        })
        .await?;
    let join_url = format!("{}/join?code={code}", st.public_base);
    let mut res = (
        StatusCode::CREATED,
        Json(json!({"code": code, "join_url": join_url, "facilitator_url": format!("/facilitate?code={code}")})),
    )
        .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&st, &fac_cookie(&code), &fac),
    );
    Ok(res)
}

/// Public facts about a workshop (what a join page shows); also says whether the caller is
/// its facilitator or a participant.
pub async fn info(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let w = load(conn, &code)?;
            let me = participant_of(conn, &headers, &code)?;
            let mut v = w.public(&study);
            v["facilitator"] = json!(is_facilitator(&headers, &w));
            v["participant"] = json!(me);
            Ok(Json(v))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub nickname: String,
    pub consent: bool,
}

pub async fn join(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    JsonBody(req): JsonBody<Join>,
) -> ApiResult<Response> {
    st.check_join_allowed(ip)?;
    let code = match checked_code(&code) {
        Ok(c) => c,
        Err(e) => {
            st.record_join_failure(ip);
            return Err(e);
        }
    };
    let nick = check_text("nickname", &req.nickname, MAX_NICK)?;
    if !req.consent {
        return Err(ApiError::unprocessable(
            "consent is needed to take part (only your nickname and answers are stored)",
        ));
    }
    let token = secret::token();
    let th = secret::hash(&token);
    let c = code.clone();
    let result = st
        .db
        .call(move |conn| {
            let w = load(conn, &c)?;
            if w.closed {
                return Err(ApiError::conflict("this workshop is closed"));
            }
            insert_participant(conn, &c, &nick, &th, false)
        })
        .await;
    let id = match result {
        Ok(id) => id,
        Err(e) => {
            if e.status == StatusCode::NOT_FOUND {
                st.record_join_failure(ip);
            }
            return Err(e);
        }
    };
    let mut res = (StatusCode::CREATED, Json(json!({"participant": id}))).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&st, &part_cookie(&code), &token),
    );
    Ok(res)
}

fn insert_participant(
    conn: &mut Connection,
    code: &str,
    nick: &str,
    token_hash: &str,
    by_facilitator: bool,
) -> ApiResult<i64> {
    let tx = conn.transaction()?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM participant WHERE workshop = ?1 AND nickname = ?2)",
        params![code, nick],
        |r| r.get(0),
    )?;
    if taken {
        return Err(ApiError::conflict(format!(
            "the nickname `{nick}` is taken in this workshop; choose another"
        )));
    }
    let seat: i64 = tx.query_row(
        "SELECT count(*) FROM participant WHERE workshop = ?1",
        [code],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO participant (workshop, nickname, token_hash, seat, consent, by_facilitator)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![code, nick, token_hash, seat, by_facilitator],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(id)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddParticipant {
    pub nickname: String,
    /// The facilitator confirms the participant agreed on paper or aloud.
    pub consent: bool,
}

/// The facilitator adds a participant without a phone and answers for them.
pub async fn add_participant(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AddParticipant>,
) -> ApiResult<Response> {
    let code = checked_code(&code)?;
    let nick = check_text("nickname", &req.nickname, MAX_NICK)?;
    if !req.consent {
        return Err(ApiError::unprocessable(
            "record the participant's consent first",
        ));
    }
    let th = secret::hash(&secret::token());
    let id = as_facilitator(&st, code, headers, move |conn, _, code| {
        insert_participant(conn, code, &nick, &th, true)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"participant": id}))).into_response())
}

// ------------------------------------------------------------------ answers

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForceScore {
    pub descriptor: String,
    pub importance: i64,
    pub uncertainty: i64,
    pub direction: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImpactScore {
    pub src: String,
    pub src_variant: String,
    pub dst: String,
    pub dst_variant: String,
    pub value: i64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    #[serde(default)]
    pub forces: Vec<ForceScore>,
    #[serde(default)]
    pub impacts: Vec<ImpactScore>,
}

/// Answers checked and turned into indices: (descriptor, imp, unc, dir) and (src, dst, value)
/// over the workshop's variant numbering.
type Checked = (Vec<(i64, i64, i64, i64)>, Vec<(i64, i64, i64)>);

fn in_range(what: &str, v: i64, (lo, hi): (i64, i64)) -> ApiResult<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(format!(
            "{what} = {v} is outside {lo}..{hi}"
        )))
    }
}

fn check_answers(w: &Workshop, cib: &Cib, seat: usize, a: &Answers) -> ApiResult<Checked> {
    let assigned = aggregate::assigned(seat, w.pairs_per_participant, cib.descriptors.len());
    let off = cib.offsets();
    let descriptor = |name: &str| {
        cib.descriptor_index(name).ok_or_else(|| {
            ApiError::unprocessable(format!("`{name}` is not a descriptor of this workshop"))
        })
    };
    let variant = |d: usize, v: &str| {
        cib.descriptors[d]
            .variants
            .iter()
            .position(|x| x == v)
            .ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "descriptor `{}` has no variant `{v}`",
                    cib.descriptors[d].name
                ))
            })
    };
    let mut forces = Vec::new();
    for f in &a.forces {
        let d = descriptor(&f.descriptor)?;
        if !FORCES.contains(&f.descriptor.as_str()) {
            return Err(ApiError::unprocessable(format!(
                "`{}` is an outcome, not a driving force",
                f.descriptor
            )));
        }
        in_range(
            &format!("{}: importance", f.descriptor),
            f.importance,
            IMPORTANCE,
        )?;
        in_range(
            &format!("{}: uncertainty", f.descriptor),
            f.uncertainty,
            UNCERTAINTY,
        )?;
        in_range(
            &format!("{}: direction", f.descriptor),
            f.direction,
            DIRECTION,
        )?;
        forces.push((d as i64, f.importance, f.uncertainty, f.direction));
    }
    let mut impacts = Vec::new();
    for i in &a.impacts {
        let (sd, dd) = (descriptor(&i.src)?, descriptor(&i.dst)?);
        if !assigned.contains(&(sd, dd)) {
            return Err(ApiError::forbidden(format!(
                "the impact of `{}` on `{}` is not among the pairs assigned to this participant",
                i.src, i.dst
            )));
        }
        let (sv, dv) = (variant(sd, &i.src_variant)?, variant(dd, &i.dst_variant)?);
        let what = format!(
            "impact {}={} on {}={}",
            i.src, i.src_variant, i.dst, i.dst_variant
        );
        in_range(&what, i.value, (w.range.0 as i64, w.range.1 as i64))?;
        impacts.push(((off[sd] + sv) as i64, (off[dd] + dv) as i64, i.value));
    }
    Ok((forces, impacts))
}

fn idempotency_key(h: &HeaderMap) -> ApiResult<String> {
    let k = h
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::bad_request("missing Idempotency-Key header"))?;
    if !(8..=100).contains(&k.len())
        || !k
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key must be 8..100 letters, digits, `-` or `_`",
        ));
    }
    Ok(k.to_string())
}

/// Store one submission once: the key and the answers in one transaction.
fn store_answers(
    conn: &mut Connection,
    study: &Cib,
    code: &str,
    participant: i64,
    key: &str,
    answers: &Answers,
) -> ApiResult<Value> {
    let w = load(conn, code)?;
    if w.closed {
        return Err(ApiError::conflict(
            "this workshop is closed; answers can no longer change",
        ));
    }
    let seat: i64 = conn
        .query_row(
            "SELECT seat FROM participant WHERE id = ?1 AND workshop = ?2",
            params![participant, code],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!("no participant {participant} in this workshop"))
        })?;
    let cib = w.cib(study)?;
    let (forces, impacts) = check_answers(&w, &cib, seat as usize, answers)?;
    let tx = conn.transaction()?;
    let fresh = tx.execute(
        "INSERT OR IGNORE INTO submission (participant, key) VALUES (?1, ?2)",
        params![participant, key],
    )? == 1;
    if fresh {
        for (d, i, u, dir) in forces {
            tx.execute(
                "INSERT INTO force_score VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (participant, descriptor) DO UPDATE SET
                 importance = excluded.importance, uncertainty = excluded.uncertainty, direction = excluded.direction",
                params![participant, d, i, u, dir],
            )?;
        }
        for (s, d, v) in impacts {
            tx.execute(
                "INSERT INTO impact VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (participant, src, dst) DO UPDATE SET value = excluded.value",
                params![participant, s, d, v],
            )?;
        }
    }
    tx.commit()?;
    Ok(json!({"stored": fresh, "replayed": !fresh}))
}

pub async fn submit_own(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonBody(answers): JsonBody<Answers>,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let key = idempotency_key(&headers)?;
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let me = participant_of(conn, &headers, &code)?
                .ok_or_else(|| ApiError::forbidden("join the workshop first"))?;
            store_answers(conn, &study, &code, me, &key, &answers).map(Json)
        })
        .await
}

pub async fn submit_for(
    State(st): State<AppState>,
    Path((code, id)): Path<(String, i64)>,
    headers: HeaderMap,
    JsonBody(answers): JsonBody<Answers>,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let key = idempotency_key(&headers)?;
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let w = load(conn, &code)?;
            let me = participant_of(conn, &headers, &code)?;
            if me != Some(id) && !is_facilitator(&headers, &w) {
                return Err(ApiError::forbidden("you can only change your own answers"));
            }
            store_answers(conn, &study, &code, id, &key, &answers).map(Json)
        })
        .await
}

/// A participant's answers and assignment as names, for their own page or the facilitator.
fn answers_json(conn: &Connection, w: &Workshop, cib: &Cib, id: i64) -> ApiResult<Value> {
    let (nick, seat, by_fac): (String, i64, bool) = conn
        .query_row(
            "SELECT nickname, seat, by_facilitator FROM participant WHERE id = ?1 AND workshop = ?2",
            params![id, w.code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("no participant {id} in this workshop")))?;
    let names = variant_names(cib);
    let mut stmt = conn.prepare(
        "SELECT descriptor, importance, uncertainty, direction FROM force_score WHERE participant = ?1 ORDER BY descriptor",
    )?;
    let forces: Vec<ForceScore> = stmt
        .query_map([id], |r| {
            Ok(ForceScore {
                descriptor: cib.descriptors[r.get::<_, i64>(0)? as usize].name.clone(),
                importance: r.get(1)?,
                uncertainty: r.get(2)?,
                direction: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn
        .prepare("SELECT src, dst, value FROM impact WHERE participant = ?1 ORDER BY src, dst")?;
    let impacts: Vec<ImpactScore> = stmt
        .query_map([id], |r| {
            let (s, d) = (
                &names[r.get::<_, i64>(0)? as usize],
                &names[r.get::<_, i64>(1)? as usize],
            );
            Ok(ImpactScore {
                src: s.0.clone(),
                src_variant: s.1.clone(),
                dst: d.0.clone(),
                dst_variant: d.1.clone(),
                value: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let assigned: Vec<(String, String)> = aggregate::assigned(
        seat as usize,
        w.pairs_per_participant,
        cib.descriptors.len(),
    )
    .into_iter()
    .map(|(a, b)| {
        (
            cib.descriptors[a].name.clone(),
            cib.descriptors[b].name.clone(),
        )
    })
    .collect();
    Ok(
        json!({"participant": id, "nickname": nick, "seat": seat, "by_facilitator": by_fac,
              "assigned": assigned, "answers": {"forces": forces, "impacts": impacts}}),
    )
}

/// (descriptor, variant) per variant index.
fn variant_names(cib: &Cib) -> Vec<(String, String)> {
    cib.descriptors
        .iter()
        .flat_map(|d| d.variants.iter().map(move |v| (d.name.clone(), v.clone())))
        .collect()
}

pub async fn me(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let w = load(conn, &code)?;
            let me = participant_of(conn, &headers, &code)?
                .ok_or_else(|| ApiError::forbidden("join the workshop first"))?;
            let mut v = answers_json(conn, &w, &w.cib(&study)?, me)?;
            v["workshop"] = w.public(&study);
            Ok(Json(v))
        })
        .await
}

pub async fn answers_of(
    State(st): State<AppState>,
    Path((code, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let w = load(conn, &code)?;
            let me = participant_of(conn, &headers, &code)?;
            if me != Some(id) && !is_facilitator(&headers, &w) {
                return Err(ApiError::forbidden("you can only see your own answers"));
            }
            answers_json(conn, &w, &w.cib(&study)?, id).map(Json)
        })
        .await
}

// ------------------------------------------------------------------ facilitator views

/// Everything stored for a workshop, read in one go.
struct Stored {
    participants: Vec<(i64, String, i64, bool)>,
    forces: Vec<(i64, usize, i64, i64, i64)>,
    impacts: Vec<(i64, usize, usize, i32)>,
}

fn read_all(conn: &Connection, code: &str) -> ApiResult<Stored> {
    let mut s = conn.prepare(
        "SELECT id, nickname, seat, by_facilitator FROM participant WHERE workshop = ?1 ORDER BY seat",
    )?;
    let participants = s
        .query_map([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut s = conn.prepare(
        "SELECT f.participant, f.descriptor, f.importance, f.uncertainty, f.direction
         FROM force_score f JOIN participant p ON p.id = f.participant WHERE p.workshop = ?1",
    )?;
    let forces = s
        .query_map([code], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? as usize,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut s = conn.prepare(
        "SELECT i.participant, i.src, i.dst, i.value
         FROM impact i JOIN participant p ON p.id = i.participant WHERE p.workshop = ?1",
    )?;
    let impacts = s
        .query_map([code], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? as usize,
                r.get::<_, i64>(2)? as usize,
                r.get(3)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(Stored {
        participants,
        forces,
        impacts,
    })
}

#[derive(Serialize)]
struct CellOut {
    src: String,
    src_variant: String,
    dst: String,
    dst_variant: String,
    #[serde(flatten)]
    spread: Spread,
}

fn judges(cib: &Cib, s: &Stored) -> Vec<(i64, String, Cib)> {
    s.participants
        .iter()
        .map(|(id, nick, _, _)| {
            let cells: Vec<(usize, usize, i32)> = s
                .impacts
                .iter()
                .filter(|i| i.0 == *id)
                .map(|i| (i.1, i.2, i.3))
                .collect();
            (*id, nick.clone(), aggregate::judge_cib(cib, nick, &cells))
        })
        .collect()
}

fn summarise(w: &Workshop, study: &Cib, s: &Stored) -> ApiResult<Value> {
    let cib = w.cib(study)?;
    let nd = cib.descriptors.len();
    let names = variant_names(&cib);
    let force_ds: Vec<usize> = (0..nd)
        .filter(|&d| FORCES.contains(&cib.descriptors[d].name.as_str()))
        .collect();
    let participants: Vec<Value> = s
        .participants
        .iter()
        .map(|(id, nick, seat, by_fac)| {
            let assigned = aggregate::assigned(*seat as usize, w.pairs_per_participant, nd);
            let cells_total: usize = assigned
                .iter()
                .map(|&(a, b)| {
                    cib.descriptors[a].variants.len() * cib.descriptors[b].variants.len()
                })
                .sum();
            json!({"id": id, "nickname": nick, "seat": seat, "by_facilitator": by_fac,
                   "forces_done": s.forces.iter().filter(|f| f.0 == *id).count(),
                   "forces_total": force_ds.len(),
                   "impacts_done": s.impacts.iter().filter(|i| i.0 == *id).count(),
                   "impacts_total": cells_total})
        })
        .collect();
    let forces: Vec<Value> = force_ds
        .iter()
        .map(|&d| {
            let col = |k: usize| -> Vec<f64> {
                s.forces
                    .iter()
                    .filter(|f| f.1 == d)
                    .map(|f| [f.2, f.3, f.4][k] as f64)
                    .collect()
            };
            json!({"descriptor": cib.descriptors[d].name,
                   "importance": aggregate::spread(&col(0)),
                   "uncertainty": aggregate::spread(&col(1)),
                   "direction": aggregate::spread(&col(2))})
        })
        .collect();
    let mut cells: Vec<(usize, usize)> = s.impacts.iter().map(|i| (i.1, i.2)).collect();
    cells.sort();
    cells.dedup();
    let cells: Vec<CellOut> = cells
        .into_iter()
        .filter_map(|(a, b)| {
            let vals: Vec<f64> = s
                .impacts
                .iter()
                .filter(|i| (i.1, i.2) == (a, b))
                .map(|i| i.3 as f64)
                .collect();
            aggregate::spread(&vals).map(|spread| CellOut {
                src: names[a].0.clone(),
                src_variant: names[a].1.clone(),
                dst: names[b].0.clone(),
                dst_variant: names[b].1.clone(),
                spread,
            })
        })
        .collect();
    let js = judges(&cib, s);
    let mats: Vec<Cib> = js.iter().map(|j| j.2.clone()).collect();
    let mean = aggregate::mean_cib(&cib, &mats);
    let per: Vec<Value> = js
        .iter()
        .map(|(id, nick, m)| json!({"id": id, "nickname": nick, "cib": aggregate::consistent(m, SCENARIO_LIMIT)}))
        .collect();
    let mean_result: CibResult = aggregate::consistent(&mean, SCENARIO_LIMIT);
    Ok(
        json!({"workshop": w.public(study), "participants": participants, "forces": forces,
              "cells": cells, "cib": {"mean": mean_result, "per_participant": per}}),
    )
}

pub async fn summary(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    let study = st.study.clone();
    as_facilitator(&st, code, headers, move |conn, w, code| {
        let s = read_all(conn, code)?;
        summarise(w, &study, &s).map(Json)
    })
    .await
}

#[derive(Deserialize)]
pub struct CompareQuery {
    pub a: String,
    pub b: String,
}

/// Two workshops side by side (the study compared its citizens' and experts' sessions);
/// needs the facilitator cookie of both.
pub async fn compare(
    State(st): State<AppState>,
    Query(q): Query<CompareQuery>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let (a, b) = (checked_code(&q.a)?, checked_code(&q.b)?);
    let study = st.study.clone();
    st.db
        .call(move |conn| {
            let mut out = Vec::new();
            for code in [a, b] {
                let w = load(conn, &code)?;
                require_facilitator(&headers, &w)?;
                out.push(summarise(&w, &study, &read_all(conn, &code)?)?);
            }
            Ok(Json(json!({"a": out[0], "b": out[1]})))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Close {
    pub closed: bool,
}

pub async fn close(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<Close>,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    as_facilitator(&st, code, headers, move |conn, _, code| {
        conn.execute(
            "UPDATE workshop SET closed = ?1 WHERE code = ?2",
            params![req.closed, code],
        )?;
        Ok(Json(json!({"closed": req.closed})))
    })
    .await
}

pub async fn delete(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let code = checked_code(&code)?;
    as_facilitator(&st, code, headers, move |conn, _, code| {
        conn.execute("DELETE FROM workshop WHERE code = ?1", [code])?;
        Ok(Json(json!({"deleted": code})))
    })
    .await
}

/// The join QR code as SVG (public: it only encodes the join URL).
pub async fn qr(State(st): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let code = checked_code(&code)?;
    let url = format!("{}/join?code={code}", st.public_base);
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(ApiError::internal)?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// [`as_facilitator`] with the workshop's CIB frame and everything stored for it: the
/// shared prologue of the export and run handlers.
async fn facilitator_view<T, F>(
    st: &AppState,
    code: String,
    headers: HeaderMap,
    f: F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Workshop, Cib, Stored) -> ApiResult<T> + Send + 'static,
{
    let study = st.study.clone();
    as_facilitator(st, code, headers, move |conn, w, code| {
        let cib = w.cib(&study)?;
        let s = read_all(conn, code)?;
        f(w, cib, s)
    })
    .await
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub async fn export_csv(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let code = checked_code(&code)?;
    let (name, body) = facilitator_view(&st, code, headers, move |w, cib, s| {
        let names = variant_names(&cib);
        let nick = |id: i64| {
            s.participants
                .iter()
                .find(|p| p.0 == id)
                .map(|p| p.1.clone())
                .unwrap_or_default()
        };
        let mut wtr = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| ApiError::internal(e);
        wtr.write_record([
            "workshop",
            "participant",
            "kind",
            "descriptor",
            "variant",
            "target",
            "target_variant",
            "importance",
            "uncertainty",
            "direction",
            "value",
        ])
        .map_err(io)?;
        for f in &s.forces {
            wtr.write_record([
                w.code.clone(),
                csv_safe(&nick(f.0)),
                "force".into(),
                cib.descriptors[f.1].name.clone(),
                String::new(),
                String::new(),
                String::new(),
                f.2.to_string(),
                f.3.to_string(),
                f.4.to_string(),
                String::new(),
            ])
            .map_err(io)?;
        }
        for i in &s.impacts {
            wtr.write_record([
                w.code.clone(),
                csv_safe(&nick(i.0)),
                "impact".into(),
                names[i.1].0.clone(),
                names[i.1].1.clone(),
                names[i.2].0.clone(),
                names[i.2].1.clone(),
                String::new(),
                String::new(),
                String::new(),
                i.3.to_string(),
            ])
            .map_err(io)?;
        }
        let bytes = wtr.into_inner().map_err(ApiError::internal)?;
        Ok((w.code.clone(), bytes))
    })
    .await?;
    Ok(download(
        &format!("workshop-{name}.csv"),
        "text/csv; charset=utf-8",
        body,
    ))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    pub participant: Option<i64>,
}

/// A CIB matrix file (`cohesion cib` reads it): one participant's own matrix, or the mean
/// rounded to integers (open cells stay `?`).
pub async fn export_toml(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let code = checked_code(&code)?;
    let (name, text) = facilitator_view(&st, code, headers, move |w, cib, s| {
        let js = judges(&cib, &s);
        let (label, m) = match q.participant {
            Some(id) => {
                let j = js
                    .iter()
                    .find(|j| j.0 == id)
                    .ok_or_else(|| ApiError::not_found(format!("no participant {id}")))?;
                (format!("p{id}"), j.2.clone())
            }
            None => {
                let mats: Vec<Cib> = js.iter().map(|j| j.2.clone()).collect();
                let mut m = aggregate::rounded(&aggregate::mean_cib(&cib, &mats));
                m.judge = Some(format!(
                    "mean of {} participants, rounded to integers",
                    mats.len()
                ));
                ("mean".to_string(), m)
            }
        };
        Ok((
            format!("{}-{label}", w.code),
            cohesion_cib::format_toml::write(&m),
        ))
    })
    .await?;
    Ok(download(
        &format!("workshop-{name}.toml"),
        "application/toml; charset=utf-8",
        text.into_bytes(),
    ))
}

pub fn download(file: &str, mime: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunScenario {
    /// Index of the consistent scenario of the mean matrix (0 = highest TIS).
    pub scenario: usize,
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub agents: Option<usize>,
    #[serde(default)]
    pub seeds: Option<u32>,
    #[serde(default)]
    pub years: Option<u32>,
}

/// Queue a model run of a consistent scenario of the mean matrix.
pub async fn run_scenario(
    State(st): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RunScenario>,
) -> ApiResult<Response> {
    let code = checked_code(&code)?;
    let (label, forces) = facilitator_view(&st, code, headers, move |w, cib, s| {
        let mats: Vec<Cib> = judges(&cib, &s).into_iter().map(|j| j.2).collect();
        let mean = aggregate::mean_cib(&cib, &mats);
        let r = aggregate::consistent(&mean, usize::MAX);
        let sc = r.scenarios.get(req.scenario).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "scenario {} does not exist (the mean matrix has {})",
                req.scenario, r.count
            ))
        })?;
        let baseline = cohesion_scenarios::forces::baseline()?.forces;
        Ok((
            format!("{}: scenario {}", w.name, req.scenario + 1),
            aggregate::forces_of(&mean, &sc.variants, baseline),
        ))
    })
    .await?;
    let spec = crate::runs::RunRequest {
        future: None,
        forces: Some(
            forces
                .values()
                .iter()
                .map(|(n, v)| (n.to_string(), *v))
                .collect(),
        ),
        package: req.package.unwrap_or_else(|| "none".into()),
        agents: req.agents.unwrap_or(2000),
        seeds: req.seeds.unwrap_or(3),
        years: req.years.unwrap_or(25),
        label: Some(label),
    };
    crate::runs::enqueue(&st, spec)
}
