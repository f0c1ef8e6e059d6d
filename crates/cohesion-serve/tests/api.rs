//! API tests in process: the router answers real HTTP requests (no network), with an
//! in-memory database.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use cohesion_serve::store::Db;
use cohesion_serve::{router, AppState};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Client {
    app: Router,
}

struct Reply {
    status: StatusCode,
    cookies: Vec<String>,
    json: Value,
}

impl Client {
    fn new() -> Client {
        let st = AppState::new(Db::memory(), "http://test".into(), false).unwrap();
        Client { app: router(st) }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        extra: &[(&str, &str)],
        body: Option<String>,
    ) -> Reply {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::HOST, "test");
        if method != Method::GET {
            b = b.header("x-cohesion-csrf", "1");
        }
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(s) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(s))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .collect();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            cookies,
            json,
        }
    }

    async fn post(&self, path: &str, cookie: Option<&str>, body: Value) -> Reply {
        self.send(Method::POST, path, cookie, &[], Some(body.to_string()))
            .await
    }

    /// Posts a consenting nickname: a join, or a participant added by the facilitator.
    async fn post_nickname(&self, path: &str, cookie: Option<&str>, nick: &str) -> Reply {
        self.post(path, cookie, json!({"nickname": nick, "consent": true}))
            .await
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        self.send(Method::GET, path, cookie, &[], None).await
    }

    async fn get_status(&self, path: &str, cookie: Option<&str>) -> StatusCode {
        self.get(path, cookie).await.status
    }

    async fn put_answers(&self, path: &str, cookie: &str, key: &str, body: Value) -> Reply {
        self.send(
            Method::PUT,
            path,
            Some(cookie),
            &[("idempotency-key", key)],
            Some(body.to_string()),
        )
        .await
    }

    /// A workshop over two forces and one outcome where everyone scores every pair.
    async fn workshop(&self) -> (String, String) {
        let r = self
            .post(
                "/api/workshops",
                None,
                json!({"name": "Test <b>session</b>", "group": "citizens",
                       "descriptors": ["public_values", "digital_autonomy", "horizontal_cohesion"],
                       "pairs_per_participant": 6}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let code = r.json["code"].as_str().unwrap().to_string();
        assert_eq!(r.cookies.len(), 1);
        (code, r.cookies[0].clone())
    }

    async fn join(&self, code: &str, nick: &str) -> (i64, String) {
        let r = self
            .post_nickname(&format!("/api/workshops/{code}/join"), None, nick)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        (
            r.json["participant"].as_i64().unwrap(),
            r.cookies[0].clone(),
        )
    }
}

fn answers(v: i64) -> Value {
    json!({"forces": [{"descriptor": "public_values", "importance": 5, "uncertainty": 2, "direction": 1}],
           "impacts": [{"src": "public_values", "src_variant": "strong", "dst": "digital_autonomy", "dst_variant": "high", "value": v},
                       {"src": "digital_autonomy", "src_variant": "high", "dst": "public_values", "dst_variant": "strong", "value": 2}]})
}

fn error_of(r: &Reply) -> &str {
    r.json["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message in {}", r.json))
}

#[tokio::test]
async fn create_join_submit_and_see_the_aggregate() {
    let c = Client::new();
    let (code, fac) = c.workshop().await;
    assert_eq!(code.len(), 10);
    let (p1, c1) = c.join(&code, "Ann").await;
    let (_p2, c2) = c.join(&code, "Bob").await;
    let base = format!("/api/workshops/{code}");
    assert_eq!(
        c.put_answers(
            &format!("{base}/me/answers"),
            &c1,
            "key-ann-0001",
            answers(3)
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        c.put_answers(
            &format!("{base}/me/answers"),
            &c2,
            "key-bob-0001",
            answers(1)
        )
        .await
        .status,
        StatusCode::OK
    );
    let me = c.get(&format!("{base}/me"), Some(&c1)).await;
    assert_eq!(me.json["participant"], p1);
    assert_eq!(me.json["answers"]["impacts"].as_array().unwrap().len(), 2);
    let s = c.get(&format!("{base}/summary"), Some(&fac)).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.json);
    assert_eq!(s.json["participants"].as_array().unwrap().len(), 2);
    let cell = s.json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["src"] == "public_values")
        .unwrap()
        .clone();
    assert_eq!(cell["mean"], 2.0);
    assert_eq!(cell["min"], 1.0);
    assert_eq!(cell["max"], 3.0);
    assert!((cell["sd"].as_f64().unwrap() - 2f64.sqrt()).abs() < 1e-12);
    let mean = &s.json["cib"]["mean"];
    assert!(mean["count"].as_u64().unwrap() >= 1);
    assert_eq!(mean["space"], 2 * 2 * 3);
    // strong public values and high autonomy support each other in both matrices
    assert!(mean["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["variants"][0] == 0 && s["variants"][1] == 0));
    assert_eq!(
        s.json["cib"]["per_participant"].as_array().unwrap().len(),
        2
    );
    // the force score aggregate
    assert_eq!(s.json["forces"][0]["importance"]["mean"], 5.0);
    // a participant is not the facilitator
    assert_eq!(
        c.get_status(&format!("{base}/summary"), Some(&c1)).await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_retried_submission_is_stored_once() {
    let c = Client::new();
    let (code, fac) = c.workshop().await;
    let (_, c1) = c.join(&code, "Ann").await;
    let path = format!("/api/workshops/{code}/me/answers");
    let first = c.put_answers(&path, &c1, "retry-key-42", answers(3)).await;
    assert_eq!(first.json["stored"], true);
    // the same key with a different body: a replay, nothing changes
    let again = c.put_answers(&path, &c1, "retry-key-42", answers(-3)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["replayed"], true);
    let s = c
        .get(&format!("/api/workshops/{code}/summary"), Some(&fac))
        .await;
    let cell = s.json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["src"] == "public_values")
        .unwrap()
        .clone();
    assert_eq!(cell["mean"], 3.0);
    assert_eq!(cell["n"], 1);
    // a new key changes the answer
    c.put_answers(&path, &c1, "retry-key-43", answers(-3)).await;
    let s = c
        .get(&format!("/api/workshops/{code}/summary"), Some(&fac))
        .await;
    let cell = s.json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["src"] == "public_values")
        .unwrap()
        .clone();
    assert_eq!(cell["mean"], -3.0);
}

#[tokio::test]
async fn participants_see_and_change_only_their_own_answers() {
    let c = Client::new();
    let (code, fac) = c.workshop().await;
    let (p1, c1) = c.join(&code, "Ann").await;
    let (p2, c2) = c.join(&code, "Bob").await;
    let base = format!("/api/workshops/{code}");
    c.put_answers(
        &format!("{base}/me/answers"),
        &c1,
        "key-ann-0001",
        answers(3),
    )
    .await;
    let own = c
        .get(&format!("{base}/participants/{p1}/answers"), Some(&c1))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let other = c
        .get(&format!("{base}/participants/{p1}/answers"), Some(&c2))
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(error_of(&other).contains("own answers"));
    let write = c
        .put_answers(
            &format!("{base}/participants/{p1}/answers"),
            &c2,
            "key-bob-evil",
            answers(-3),
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    let anon = c
        .get(&format!("{base}/participants/{p2}/answers"), None)
        .await;
    assert_eq!(anon.status, StatusCode::FORBIDDEN);
    // the facilitator may read and write for anyone, and add a participant without a phone
    assert_eq!(
        c.get_status(&format!("{base}/participants/{p1}/answers"), Some(&fac))
            .await,
        StatusCode::OK
    );
    let add = c
        .post_nickname(&format!("{base}/participants"), Some(&fac), "Cor (paper)")
        .await;
    assert_eq!(add.status, StatusCode::CREATED);
    let p3 = add.json["participant"].as_i64().unwrap();
    let w = c
        .put_answers(
            &format!("{base}/participants/{p3}/answers"),
            &fac,
            "fac-for-cor-1",
            answers(2),
        )
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.json);
    let s = c.get(&format!("{base}/summary"), Some(&fac)).await;
    let cor = s.json["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == p3)
        .unwrap()
        .clone();
    assert_eq!(cor["by_facilitator"], true);
    assert_eq!(cor["impacts_done"], 2);
    // a participant cannot add participants
    let bad = c
        .post_nickname(&format!("{base}/participants"), Some(&c1), "x")
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_the_server_keeps_serving() {
    let c = Client::new();
    let (code, fac) = c.workshop().await;
    let (_, c1) = c.join(&code, "Ann").await;
    let path = format!("/api/workshops/{code}/me/answers");
    // malformed JSON
    let r = c
        .send(
            Method::PUT,
            &path,
            Some(&c1),
            &[("idempotency-key", "bad-json-01")],
            Some("{\"forces\": [".into()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(error_of(&r).contains("invalid JSON"), "{}", error_of(&r));
    // unknown field
    let r = c
        .put_answers(&path, &c1, "bad-field-01", json!({"forcez": []}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(error_of(&r).contains("forcez"));
    // out of range
    let r = c.put_answers(&path, &c1, "range-0001", answers(7)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(&r).contains("outside -3..3"), "{}", error_of(&r));
    let r = c.put_answers(&path, &c1, "range-0002", json!({"forces": [{"descriptor": "public_values", "importance": 9, "uncertainty": 1, "direction": 0}]})).await;
    assert!(error_of(&r).contains("importance = 9"));
    // unknown descriptor / variant
    let r = c.put_answers(&path, &c1, "range-0003", json!({"forces": [{"descriptor": "nope", "importance": 1, "uncertainty": 1, "direction": 0}]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // missing idempotency key
    let r = c
        .send(
            Method::PUT,
            &path,
            Some(&c1),
            &[],
            Some(answers(1).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(error_of(&r).contains("Idempotency-Key"));
    // unknown code (well-formed and not)
    let r = c
        .post_nickname("/api/workshops/ABCDEFGHJK/join", None, "x")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(error_of(&r).contains("no workshop"));
    let r = c.post_nickname("/api/workshops/../join", None, "x").await;
    assert!(r.status.is_client_error());
    // no consent, empty or duplicate nickname
    let j = format!("/api/workshops/{code}/join");
    assert_eq!(
        c.post(&j, None, json!({"nickname": "Zed", "consent": false}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        c.post_nickname(&j, None, "  ").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        c.post_nickname(&j, None, "Ann").await.status,
        StatusCode::CONFLICT
    );
    // oversized body
    let big = format!(
        "{{\"nickname\": \"{}\", \"consent\": true}}",
        "x".repeat(100_000)
    );
    let r = c.send(Method::POST, &j, None, &[], Some(big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error_of(&r).contains("too large"));
    // wrong content type
    let r = c
        .send(
            Method::POST,
            &j,
            None,
            &[(header::CONTENT_TYPE.as_str(), "text/plain")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // a closed workshop refuses joins and answers
    let r = c
        .post(
            &format!("/api/workshops/{code}/close"),
            Some(&fac),
            json!({"closed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c.post_nickname(&j, None, "Late").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(error_of(&r).contains("closed"));
    let r = c.put_answers(&path, &c1, "after-close-1", answers(1)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // bad workshop definitions
    let r = c.post("/api/workshops", None, json!({"name": "x", "group": "aliens", "descriptors": ["public_values", "tech_optimism"]})).await;
    assert!(error_of(&r).contains("group"));
    let r = c
        .post(
            "/api/workshops",
            None,
            json!({"name": "x", "group": "experts", "descriptors": ["public_values", "unknown"]}),
        )
        .await;
    assert!(error_of(&r).contains("unknown descriptor"));
    // unknown API path
    let r = c.get("/api/nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // still serving
    assert_eq!(
        c.get_status(&format!("/api/workshops/{code}/summary"), Some(&fac))
            .await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn state_changes_need_the_csrf_header_and_a_same_origin() {
    let c = Client::new();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/workshops")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"name": "x", "group": "citizens", "descriptors": ["public_values", "tech_optimism"]}).to_string()))
        .unwrap();
    let res = c.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let r = c
        .send(Method::POST, "/api/workshops", None, &[("origin", "http://evil.example")],
              Some(json!({"name": "x", "group": "citizens", "descriptors": ["public_values", "tech_optimism"]}).to_string()))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(error_of(&r).contains("cross-origin"));
}

#[tokio::test]
async fn failed_joins_are_rate_limited() {
    let c = Client::new();
    let (code, _) = c.workshop().await;
    for _ in 0..cohesion_serve::app::JOIN_FAILURES_ALLOWED {
        let r = c
            .post_nickname("/api/workshops/ZZZZZZZZZZ/join", None, "x")
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = c
        .post_nickname("/api/workshops/ZZZZZZZZZZ/join", None, "x")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // even the right code is refused while blocked
    let r = c
        .post_nickname(&format!("/api/workshops/{code}/join"), None, "x")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn exports_qr_and_delete() {
    let c = Client::new();
    let (code, fac) = c.workshop().await;
    let (p1, c1) = c.join(&code, "=cmd|x").await;
    c.put_answers(
        &format!("/api/workshops/{code}/me/answers"),
        &c1,
        "key-export-1",
        answers(3),
    )
    .await;
    let base = format!("/api/workshops/{code}");
    let raw = |path: String, cookie: Option<String>| {
        let app = c.app.clone();
        async move {
            let mut b = Request::builder().uri(path);
            if let Some(ck) = cookie {
                b = b.header(header::COOKIE, ck);
            }
            let res = app.oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
            let s = res.status();
            (
                s,
                String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
                    .unwrap(),
            )
        }
    };
    let (s, csv) = raw(format!("{base}/export.csv"), Some(fac.clone())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("workshop,participant,kind"));
    assert!(
        csv.contains("'=cmd|x"),
        "formula-like nickname neutralised: {csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 1 + 2);
    let (s, _) = raw(format!("{base}/export.csv"), Some(c1.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, toml) = raw(
        format!("{base}/export.toml?participant={p1}"),
        Some(fac.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let cib = cohesion_cib::format_toml::parse(&toml, std::path::Path::new("export.toml")).unwrap();
    assert_eq!(cib.descriptors.len(), 3);
    assert_eq!(cib.cell(0, 2), 3, "strong public values → high autonomy");
    let (s, mean) = raw(format!("{base}/export.toml"), Some(fac.clone())).await;
    assert_eq!(s, StatusCode::OK);
    assert!(mean.contains("rounded"));
    let (s, svg) = raw(format!("{base}/qr.svg"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(svg.contains("<svg"));
    let r = c.send(Method::DELETE, &base, Some(&fac), &[], None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        c.get_status(&format!("{base}/me"), Some(&c1)).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn compare_needs_both_facilitator_cookies() {
    let c = Client::new();
    let (a, fa) = c.workshop().await;
    let (b, fb) = c.workshop().await;
    let both = format!("{fa}; {fb}");
    let r = c
        .get(&format!("/api/compare?a={a}&b={b}"), Some(&both))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["a"]["workshop"]["code"], a.as_str());
    assert_eq!(r.json["b"]["workshop"]["code"], b.as_str());
    assert_eq!(
        c.get_status(&format!("/api/compare?a={a}&b={b}"), Some(&fa))
            .await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_run_is_queued_reports_progress_and_finishes_with_bands() {
    let c = Client::new();
    let r = c.post("/api/runs", None, json!({"future": "wild-west", "package": "none", "agents": 300, "seeds": 2, "years": 3})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.json);
    let first = r.json["id"].as_u64().unwrap();
    // a second request while the first runs is queued, not lost
    let r2 = c.post("/api/runs", None, json!({"forces": {"public_values": 0.9}, "package": "broad", "agents": 300, "seeds": 1, "years": 2})).await;
    let second = r2.json["id"].as_u64().unwrap();
    assert_ne!(first, second);
    let mut last = Value::Null;
    for id in [first, second] {
        for _ in 0..600 {
            last = c.get(&format!("/api/runs/{id}"), None).await.json;
            if last["state"] == "done" || last["state"] == "failed" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(last["state"], "done", "{}", last["error"]);
        assert_eq!(last["progress"]["done"], last["progress"]["total"]);
    }
    let first_result = c.get(&format!("/api/runs/{first}"), None).await.json;
    let s = &first_result["result"]["series"]["cohesion_index"];
    let all = &s["all"];
    assert_eq!(all["mean"].as_array().unwrap().len(), 4);
    for ((lo, m), hi) in all["lo"]
        .as_array()
        .unwrap()
        .iter()
        .zip(all["mean"].as_array().unwrap())
        .zip(all["hi"].as_array().unwrap())
    {
        assert!(
            lo.as_f64().unwrap() <= m.as_f64().unwrap()
                && m.as_f64().unwrap() <= hi.as_f64().unwrap()
        );
    }
    assert!(s["edu_low"].is_object() && s["income_q5"].is_object() && s["top1"].is_object());
    assert_eq!(last["result"]["forces"]["public_values"], 0.9);
    // downloads: CSV rows for both seeds, Parquet with the same number of rows
    let fetch = |path: String| {
        let app = c.app.clone();
        async move {
            let res = app
                .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            (
                res.status(),
                res.into_body().collect().await.unwrap().to_bytes(),
            )
        }
    };
    let (s, csv) = fetch(format!("/api/runs/{first}/csv")).await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    let data_lines = csv.lines().count() - 1;
    assert!(csv
        .lines()
        .any(|l| l.starts_with("2,2028,all,cohesion_index,")));
    let (s, pq) = fetch(format!("/api/runs/{first}/parquet")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(&pq[..4], b"PAR1");
    assert!(pq.len() > 1000 && data_lines > 1000);
    // bad run requests
    let r = c
        .post(
            "/api/runs",
            None,
            json!({"future": "mars", "package": "none", "agents": 300, "seeds": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(&r).contains("unknown future"));
    let r = c
        .post(
            "/api/runs",
            None,
            json!({"package": "none", "agents": 10, "seeds": 1}),
        )
        .await;
    assert!(error_of(&r).contains("agents"));
    let r = c
        .post(
            "/api/runs",
            None,
            json!({"forces": {"public_values": 2.0}, "package": "none", "agents": 300, "seeds": 1}),
        )
        .await;
    assert!(error_of(&r).contains("outside 0..1"));
}

#[tokio::test]
async fn a_queued_run_can_be_cancelled() {
    let c = Client::new();
    let long = c.post("/api/runs", None, json!({"future": "baseline", "package": "none", "agents": 2000, "seeds": 10, "years": 25})).await;
    let queued = c
        .post(
            "/api/runs",
            None,
            json!({"future": "baseline", "package": "none", "agents": 300, "seeds": 1, "years": 1}),
        )
        .await;
    let (a, b) = (
        long.json["id"].as_u64().unwrap(),
        queued.json["id"].as_u64().unwrap(),
    );
    let r = c
        .send(Method::DELETE, &format!("/api/runs/{b}"), None, &[], None)
        .await;
    assert_eq!(r.json["state"], "cancelled");
    c.send(Method::DELETE, &format!("/api/runs/{a}"), None, &[], None)
        .await;
    let mut state = Value::Null;
    for _ in 0..400 {
        state = c.get(&format!("/api/runs/{a}"), None).await.json["state"].clone();
        if state == "cancelled" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, "cancelled");
    assert_eq!(
        c.get(&format!("/api/runs/{b}"), None).await.json["state"],
        "cancelled"
    );
}
