//! The HTML document shell and the one route table of the application.

use crate::components::{shell_layout::ShellLayout, theme::Theme};
use crate::routes::{home::HomePage, lazy::Page, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path,
};

/// The full HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::backend::csp::apply_page_policy();
    let theme = Theme::from_request();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="parley-css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::components::theme::provide_theme();
    crate::components::current_user::provide_current_user();
    crate::components::toast::provide_toasts();
    crate::components::confirm::provide_confirm();
    crate::components::command_palette::provide_palette();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Parley".to_string() } else { format!("{page} · Parley") }
        }/>
        <Router>
            <Routes fallback=|| view! { <ShellLayout><NotFound/></ShellLayout> }>
                <ParentRoute path=path!("") view=|| view! { <ShellLayout><Outlet/></ShellLayout> }>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("status") view=Page::Status/>
                    <Route path=path!("login") view=Page::SignIn/>
                    <Route path=path!("signup") view=Page::SignUp/>
                    <Route path=path!("invite/:token") view=Page::Invitation/>
                    <Route path=path!("new") view=Page::NewTenant/>
                    <Route path=path!("account") view=Page::Account/>
                    <Route path=path!("admin") view=Page::Admin/>
                    <Route path=path!("t/:slug") view=Page::Tenant/>
                    <Route path=path!("t/:slug/members") view=Page::Members/>
                    <Route path=path!("t/:slug/chat") view=Page::Chat/>
                    <Route path=path!("t/:slug/settings/ai") view=Page::AiSettings/>
                    <Route path=path!("t/:slug/settings/sso") view=Page::SsoSettings/>
                    <Route path=path!("t/:slug/login") view=Page::TenantSignIn/>
                    <Route path=path!("sso/problem") view=Page::SsoProblem/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the page's own code has hydrated (pages call it;
/// with lazy-loaded pages the shell is live before the page is), so browser tests know the
/// page is interactive, and a `parley-hydrated` performance mark for the first-load bench.
pub fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
            if let Some(performance) = window().performance() {
                let _ = performance.mark("parley-hydrated");
            }
        }
    });
}
