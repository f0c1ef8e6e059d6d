//! The pages, embedded in the binary (no CDN, works offline): one HTML shell, one script,
//! one stylesheet, and the OpenAPI description of the JSON API.

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub const INDEX_HTML: &str = include_str!("../assets/index.html");
pub const APP_JS: &str = include_str!("../assets/app.js");
pub const STYLE_CSS: &str = include_str!("../assets/style.css");
pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");

/// Paths the script routes itself; each gets the shell.
const PAGES: [&str; 7] = [
    "/",
    "/new",
    "/join",
    "/participate",
    "/facilitate",
    "/dashboard",
    "/compare",
];

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path();
    match path {
        "/app.js" => (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            APP_JS,
        )
            .into_response(),
        "/style.css" => (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            STYLE_CSS,
        )
            .into_response(),
        p if PAGES.contains(&p) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            INDEX_HTML,
        )
            .into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found",
        )
            .into_response(),
    }
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn openapi_is_valid_json_and_lists_every_routed_path() {
        let v: serde_json::Value = serde_json::from_str(super::OPENAPI_JSON).unwrap();
        let paths = v["paths"].as_object().unwrap();
        let routes = include_str!("app.rs");
        for line in routes
            .lines()
            .filter(|l| l.trim_start().starts_with(".route(\""))
        {
            let p = line.split('"').nth(1).unwrap();
            assert!(
                paths.contains_key(&format!("/api{p}")),
                "openapi.json lacks /api{p}"
            );
        }
        assert!(paths.len() >= 15);
    }
}
