//! The router, shared state and the guards every request passes.
//!
//! Guards: state-changing API requests must carry the header `X-Cohesion-CSRF: 1` (a
//! cross-site form or image cannot set a custom header, and no CORS is offered, so another
//! site cannot make a browser send one) and, when the browser names an `Origin`, it must be
//! this server; cookies are `SameSite=Strict` on top. Bodies are capped at
//! [`MAX_BODY_BYTES`]. Every response carries a strict Content-Security-Policy (scripts and
//! styles only from this server, no inline script), so text a participant typed cannot run
//! even if some view forgot to escape it. A panic in a handler becomes a JSON 500.

use crate::error::ApiError;
use crate::runs::Queue;
use crate::store::Db;
use crate::{assets, runs, workshop};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use cohesion_cib::Cib;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The header a state-changing request must carry.
pub const CSRF_HEADER: &str = "x-cohesion-csrf";
/// Failed join attempts allowed per address within [`JOIN_WINDOW`].
pub const JOIN_FAILURES_ALLOWED: u32 = 10;
pub const JOIN_WINDOW: Duration = Duration::from_secs(600);

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub study: Arc<Cib>,
    pub runs: Queue,
    /// Base URL put in join QR codes (`http://127.0.0.1:8080`, or the LAN address).
    pub public_base: Arc<String>,
    /// Mark cookies `Secure` (when serving HTTPS).
    pub secure_cookies: bool,
    join_failures: Arc<Mutex<HashMap<IpAddr, (u32, Instant)>>>,
}

impl AppState {
    pub fn new(db: Db, public_base: String, secure_cookies: bool) -> cohesion_io::Result<Self> {
        let study = cohesion_cib::format_toml::parse(
            cohesion_cib::STUDY_TOML,
            std::path::Path::new("data/cib/study.toml (embedded)"),
        )?;
        Ok(AppState {
            db,
            study: Arc::new(study),
            runs: Queue::start(),
            public_base: Arc::new(public_base),
            secure_cookies,
            join_failures: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// Refuse an address that failed to join too often recently.
    pub fn check_join_allowed(&self, ip: IpAddr) -> Result<(), ApiError> {
        let map = self.join_failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&(n, since)) = map.get(&ip) {
            if n >= JOIN_FAILURES_ALLOWED && since.elapsed() < JOIN_WINDOW {
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many wrong join codes from this device; wait ten minutes",
                ));
            }
        }
        Ok(())
    }

    pub fn record_join_failure(&self, ip: IpAddr) {
        let mut map = self.join_failures.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(ip).or_insert((0, Instant::now()));
        if e.1.elapsed() >= JOIN_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }
}

/// The client's address (unspecified when the server runs without connection info, as in
/// in-process tests).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let plain = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let tls = parts
            .extensions
            .get::<ConnectInfo<crate::tls::Peer>>()
            .map(|c| c.0 .0);
        Ok(ClientIp(
            plain
                .or(tls)
                .map(|a| a.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(assets::openapi))
        .route("/meta", get(runs::meta))
        .route("/workshops", post(workshop::create))
        .route(
            "/workshops/{code}",
            get(workshop::info).delete(workshop::delete),
        )
        .route("/workshops/{code}/summary", get(workshop::summary))
        .route("/workshops/{code}/join", post(workshop::join))
        .route("/workshops/{code}/me", get(workshop::me))
        .route("/workshops/{code}/me/answers", put(workshop::submit_own))
        .route(
            "/workshops/{code}/participants",
            post(workshop::add_participant),
        )
        .route(
            "/workshops/{code}/participants/{id}/answers",
            get(workshop::answers_of).put(workshop::submit_for),
        )
        .route("/workshops/{code}/close", post(workshop::close))
        .route("/workshops/{code}/qr.svg", get(workshop::qr))
        .route("/workshops/{code}/export.csv", get(workshop::export_csv))
        .route("/workshops/{code}/export.toml", get(workshop::export_toml))
        .route("/workshops/{code}/run", post(workshop::run_scenario))
        .route("/compare", get(workshop::compare))
        .route("/runs", post(runs::submit))
        .route("/runs/{id}", get(runs::status).delete(runs::cancel))
        .route("/runs/{id}/csv", get(runs::csv))
        .route("/runs/{id}/parquet", get(runs::parquet))
        .route("/heatmap", post(runs::heatmap))
        .fallback(|| async { ApiError::not_found("no such API endpoint") })
        .layer(middleware::from_fn(csrf_guard));
    Router::new()
        .nest("/api", api)
        .fallback(assets::serve)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(security_headers))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .with_state(state)
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a request handler panicked").into_response()
}

async fn csrf_guard(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        if let Err(e) = check_csrf(req.headers()) {
            return e.into_response();
        }
    }
    next.run(req).await
}

/// The CSRF rule for a state-changing request (see the module doc).
pub fn check_csrf(h: &HeaderMap) -> Result<(), ApiError> {
    if h.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
        return Err(ApiError::forbidden(
            "missing X-Cohesion-CSRF header: state-changing requests come from this app's pages",
        ));
    }
    if let (Some(origin), Some(host)) = (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let bare = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or("");
        if bare != host {
            return Err(ApiError::forbidden("cross-origin request refused"));
        }
    }
    Ok(())
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Value of cookie `name` from the request headers.
pub fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, whole site, 30 days.
pub fn set_cookie(state: &AppState, name: &str, value: &str) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000{secure}"
    ))
    .expect("cookie names and values are ASCII tokens")
}

/// JSON request bodies: parse errors name the line and column and come back as 400.
pub struct JsonBody<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))
    }
}
