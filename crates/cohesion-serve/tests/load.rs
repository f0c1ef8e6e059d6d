//! Load test on loopback: 100 participants submit at once (each submission sent twice, as a
//! flaky network would), against a real server with a file database. Every submission must
//! be stored exactly once; the latency percentiles are printed (run with `--nocapture`).

use axum::http::{header, Method, Request, StatusCode};
use cohesion_serve::store::Db;
use cohesion_serve::{router, AppState};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const PARTICIPANTS: usize = 100;

async fn request(
    addr: SocketAddr,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Option<String>, Value) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, addr.to_string())
        .header("x-cohesion-csrf", "1");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    let body = body.map(|v| v.to_string()).unwrap_or_default();
    let req = b
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    let status = res.status();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        cookie,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize)
        .saturating_sub(1)
        .min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_participants_submit_at_once_and_each_submission_is_stored_once() {
    let dir = std::env::temp_dir().join(format!("cohesion-serve-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("workshops.sqlite");
    let _ = std::fs::remove_file(&db_path);
    let state = AppState::new(Db::open(&db_path).unwrap(), "http://test".into(), false).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });

    let (s, _, w) = request(addr, Method::POST, "/api/workshops", None, None,
        Some(json!({"name": "load", "group": "experts", "descriptors": ["public_values", "digital_autonomy"], "pairs_per_participant": 2}))).await;
    assert_eq!(s, StatusCode::CREATED);
    let code = w["code"].as_str().unwrap().to_string();
    let mut cookies = Vec::new();
    for i in 0..PARTICIPANTS {
        let (s, c, _) = request(
            addr,
            Method::POST,
            &format!("/api/workshops/{code}/join"),
            None,
            None,
            Some(json!({"nickname": format!("p{i}"), "consent": true})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        cookies.push(c.unwrap());
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, cookie) in cookies.iter().enumerate() {
        // each participant's submission goes out twice with the same key, concurrently
        for _ in 0..2 {
            let (cookie, code) = (cookie.clone(), code.clone());
            tasks.push(tokio::spawn(async move {
                let body = json!({"forces": [{"descriptor": "public_values", "importance": 1 + (i % 5) as i64, "uncertainty": 3, "direction": 0}],
                                  "impacts": [{"src": "public_values", "src_variant": "strong", "dst": "digital_autonomy", "dst_variant": "high", "value": (i % 7) as i64 - 3}]});
                let t0 = Instant::now();
                let (s, _, v) = request(addr, Method::PUT, &format!("/api/workshops/{code}/me/answers"), Some(&cookie), Some(&format!("load-key-{i:04}")), Some(body)).await;
                (s, v, t0.elapsed())
            }));
        }
    }
    let mut latencies = Vec::new();
    let mut stored = 0;
    for t in tasks {
        let (s, v, d) = t.await.unwrap();
        assert_eq!(s, StatusCode::OK, "{v}");
        stored += usize::from(v["stored"] == true);
        latencies.push(d);
    }
    let wall = started.elapsed();
    latencies.sort();
    println!(
        "load: {} requests ({PARTICIPANTS} participants × 2 sends) in {:.0} ms; latency p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(), wall.as_secs_f64() * 1e3, percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3, latencies.last().unwrap().as_secs_f64() * 1e3
    );
    assert_eq!(
        stored, PARTICIPANTS,
        "exactly one of each pair of sends is stored"
    );

    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM submission") as usize,
        PARTICIPANTS
    );
    assert_eq!(
        count("SELECT count(*) FROM force_score") as usize,
        PARTICIPANTS
    );
    assert_eq!(count("SELECT count(*) FROM impact") as usize, PARTICIPANTS);
    assert_eq!(
        count("SELECT count(DISTINCT participant) FROM impact") as usize,
        PARTICIPANTS
    );
    let expected: i64 = (0..PARTICIPANTS as i64).map(|i| i % 7 - 3).sum();
    assert_eq!(
        count("SELECT sum(value) FROM impact"),
        expected,
        "every participant's own value stored"
    );
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
