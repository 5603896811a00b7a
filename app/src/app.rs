//! The HTML document shell and the one route table of the application.

use crate::components::{shell_layout::ShellLayout, theme::Theme};
use crate::routes::{
    home::HomePage,
    lazy::{
        AccountRoute, AdminRoute, AiSettingsRoute, ChatRoute, InvitationRoute, MembersRoute,
        NewTenantRoute, SignInRoute, SignUpRoute, SsoProblemRoute, SsoSettingsRoute, StatusRoute,
        TenantRoute, TenantSignInRoute,
    },
    not_found::NotFound,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Outlet, ParentRoute, Route, Router, Routes},
    path, Lazy,
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

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Parley".to_string() } else { format!("{page} · Parley") }
        }/>
        <Router>
            <Routes fallback=|| view! { <ShellLayout><NotFound/></ShellLayout> }>
                <ParentRoute path=path!("") view=|| view! { <ShellLayout><Outlet/></ShellLayout> }>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("status") view={Lazy::<StatusRoute>::new()}/>
                    <Route path=path!("login") view={Lazy::<SignInRoute>::new()}/>
                    <Route path=path!("signup") view={Lazy::<SignUpRoute>::new()}/>
                    <Route path=path!("invite/:token") view={Lazy::<InvitationRoute>::new()}/>
                    <Route path=path!("new") view={Lazy::<NewTenantRoute>::new()}/>
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()}/>
                    <Route path=path!("admin") view={Lazy::<AdminRoute>::new()}/>
                    <Route path=path!("t/:slug") view={Lazy::<TenantRoute>::new()}/>
                    <Route path=path!("t/:slug/members") view={Lazy::<MembersRoute>::new()}/>
                    <Route path=path!("t/:slug/chat") view={Lazy::<ChatRoute>::new()}/>
                    <Route path=path!("t/:slug/settings/ai") view={Lazy::<AiSettingsRoute>::new()}/>
                    <Route path=path!("t/:slug/settings/sso") view={Lazy::<SsoSettingsRoute>::new()}/>
                    <Route path=path!("t/:slug/login") view={Lazy::<TenantSignInRoute>::new()}/>
                    <Route path=path!("sso/problem") view={Lazy::<SsoProblemRoute>::new()}/>
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
