//! What every response and request goes through: the Host header must name this server (a
//! DNS-rebinding page cannot talk to it: 421, or 400 without a Host), a POST with an `Origin`
//! from elsewhere is refused (403), and every response carries the security headers: a
//! Content-Security-Policy without inline script (only same-origin files: the live-values
//! bundles and, in preview, the reload script), `frame-ancestors 'none'`, `nosniff`, no referrer to other origins, and no caching of pages
//! that hold answers. The CSRF token itself is compared where the body is read
//! ([`same_token`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::App;

/// The policy of every response: `script-src 'self'`, the files this server writes itself
/// (the live-values bundles of the forms, the preview's reload script), never inline script;
/// uploaded files are served as attachments with `nosniff`, so none can run as a script.
pub fn content_security_policy() -> String {
    let script = "'self'";
    // Themes place their CSS in <style> elements and KERN links its stylesheet from a CDN;
    // styles cannot run script, so inline styles are allowed, inline scripts never.
    format!(
        "default-src 'none'; script-src {script}; style-src 'self' 'unsafe-inline' https:; img-src 'self' data: https:; \
         font-src 'self' https: data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Host values this server answers to: its address, and `localhost` for a loopback one,
/// plus those allowed with `--allow-host`.
pub fn allowed_hosts(addr: std::net::SocketAddr, extra: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        hosts.push(format!("localhost:{port}"));
        hosts.push(format!("127.0.0.1:{port}"));
        hosts.push(format!("[::1]:{port}"));
    }
    for host in extra {
        hosts.push(host.to_ascii_lowercase());
        if !host.contains(':') || host.ends_with(']') {
            hosts.push(format!("{}:{port}", host.to_ascii_lowercase()));
        }
    }
    hosts
}

/// The middleware: Host and Origin checks before the handler, headers after it.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    let Some(host) = host else {
        return with_headers((StatusCode::BAD_REQUEST, "missing Host header").into_response());
    };
    if !app.hosts.contains(&host) {
        return with_headers((StatusCode::MISDIRECTED_REQUEST, "unknown Host").into_response());
    }
    if request.method() == Method::POST {
        if let Some(origin) = request.headers().get(header::ORIGIN) {
            let expected = format!("http://{host}");
            if origin.to_str().ok() != Some(expected.as_str()) {
                return with_headers((StatusCode::FORBIDDEN, "cross-origin request").into_response());
            }
        }
    }
    let response = next.run(request).await;
    with_headers(response)
}

fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &content_security_policy());
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    // `same-origin`, not `no-referrer`: with `no-referrer` a browser sends `Origin: null` on a
    // form POST, which the Origin check must refuse.
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CACHE_CONTROL, "no-store");
    set(header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::same_token("abc", "abc"));
        assert!(!super::same_token("abc", "abd"));
        assert!(!super::same_token("abc", "ab"));
        assert!(!super::content_security_policy().contains("unsafe-inline';"));
        assert!(super::content_security_policy().contains("script-src 'self';"));
    }
}
