//! The Content-Security-Policy of HTML pages: scripts only from our origin or carrying this
//! response's nonce (Leptos puts it on its hydration script), no inline styles, no framing.
//! Non-HTML responses get the stricter default set in the server's header layer.

use leptos::prelude::use_context;

/// Builds the page policy for a nonce.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page policy on the current SSR response. Called from the document shell.
pub fn apply_page_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce.to_string())) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::page_policy;

    #[test]
    fn page_policy_never_allows_inline_script_or_framing() {
        let policy = page_policy("abc");
        assert!(policy.contains("'nonce-abc'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
