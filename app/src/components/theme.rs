//! Light / dark theme. `System` follows the OS (`prefers-color-scheme`); an explicit choice
//! is kept in a cookie so the server renders the right theme on the first byte, without an
//! inline script and without a flash.

use leptos::prelude::*;

pub const THEME_COOKIE: &str = "parley_theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Self {
        match value {
            "light" => Self::Light,
            "dark" => Self::Dark,
            _ => Self::System,
        }
    }

    /// The order a single toggle button cycles through.
    pub fn next(self) -> Self {
        match self {
            Self::System => Self::Light,
            Self::Light => Self::Dark,
            Self::Dark => Self::System,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System theme",
            Self::Light => "Light theme",
            Self::Dark => "Dark theme",
        }
    }

    /// The theme the page is rendered with: from the request cookie on the server, from the
    /// `<html data-theme>` attribute the server wrote when hydrating in the browser.
    pub fn from_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| {
                    parts
                        .headers
                        .get_all(http::header::COOKIE)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .flat_map(|v| v.split(';'))
                        .filter_map(|pair| pair.trim().split_once('='))
                        .find(|(name, _)| *name == THEME_COOKIE)
                        .map(|(_, value)| Self::parse(value))
                })
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|html| html.get_attribute("data-theme"))
                .map(|value| Self::parse(&value))
                .unwrap_or_default()
        }
    }
}

/// Puts the current theme in context as a signal for the toggle.
pub fn provide_theme() {
    provide_context(RwSignal::new(Theme::from_request()));
}

/// Applies a theme in the browser: the `<html>` attribute and the cookie (one year).
pub fn apply_theme(theme: Theme) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("data-theme", theme.as_str());
        }
        if let Ok(html_doc) = doc.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html_doc.set_cookie(&format!(
                "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                theme.as_str()
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = theme;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycling_visits_every_theme_and_returns() {
        let mut seen = vec![Theme::System];
        let mut t = Theme::System.next();
        while t != Theme::System {
            seen.push(t);
            t = t.next();
        }
        assert_eq!(seen, vec![Theme::System, Theme::Light, Theme::Dark]);
    }

    #[test]
    fn unknown_cookie_values_fall_back_to_system() {
        assert_eq!(Theme::parse("dark"), Theme::Dark);
        assert_eq!(Theme::parse("<script>"), Theme::System);
        assert_eq!(Theme::parse(Theme::Light.as_str()), Theme::Light);
    }
}
