//! The web console at `/ui`: static files embedded in the binary (`origin/ui`), including the
//! npm package's browser build (`origin/ui/pkg`, refreshed by `scripts/build-console.sh`) for
//! validating payloads in the browser. The files need no key; the API calls they make do.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::ApiError;
use crate::service::ServiceError;

/// (path under /ui/, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../ui/index.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/app.js"),
    ),
    (
        "encryption.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/encryption.js"),
    ),
    (
        "llm.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/llm.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../ui/style.css"),
    ),
    (
        "pkg/browser.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/browser.js"),
    ),
    (
        "pkg/full.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/full.js"),
    ),
    (
        "pkg/core.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/core.js"),
    ),
    (
        "pkg/module.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/module.js"),
    ),
    (
        "pkg/client.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/client.js"),
    ),
    (
        "pkg/wasm/llm_schema_registry_wasm.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../ui/pkg/wasm/llm_schema_registry_wasm.js"),
    ),
    (
        "pkg/wasm/llm_schema_registry_wasm_bg.wasm",
        "application/wasm",
        include_bytes!("../../ui/pkg/wasm/llm_schema_registry_wasm_bg.wasm"),
    ),
];

pub async fn redirect() -> Redirect {
    Redirect::permanent("/ui/")
}

pub async fn page() -> Response {
    file("index.html")
}

pub async fn asset(Path(path): Path<String>) -> Response {
    file(&path)
}

fn file(path: &str) -> Response {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(p, _, _)| *p == path) else {
        return ApiError::from(ServiceError::NotFound(format!("No console file {path}")))
            .into_response();
    };
    // The page and script revalidate (they change with the server); the package is large
    // and changes only with a new build, so it may be kept for an hour.
    let cache = if path.starts_with("pkg/") {
        "public, max-age=3600"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        *bytes,
    )
        .into_response()
}
