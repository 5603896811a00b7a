//! The HTML document shell and the one route table of the application.

use crate::components::{shell_layout::ShellLayout, theme::Theme};
use crate::routes::{
    account::AccountPage,
    admin::AdminPage,
    auth::{SignInPage, SignUpPage},
    home::HomePage,
    invite::AcceptInvitationPage,
    members::MembersPage,
    not_found::NotFound,
    status::StatusPage,
    tenant::TenantHome,
};
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
    mark_hydrated();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Parley".to_string() } else { format!("{page} · Parley") }
        }/>
        <Router>
            <Routes fallback=|| view! { <ShellLayout><NotFound/></ShellLayout> }>
                <ParentRoute path=path!("") view=|| view! { <ShellLayout><Outlet/></ShellLayout> }>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("status") view=StatusPage/>
                    <Route path=path!("login") view=SignInPage/>
                    <Route path=path!("signup") view=SignUpPage/>
                    <Route path=path!("invite/:token") view=AcceptInvitationPage/>
                    <Route path=path!("account") view=AccountPage/>
                    <Route path=path!("admin") view=AdminPage/>
                    <Route path=path!("t/:slug") view=TenantHome/>
                    <Route path=path!("t/:slug/members") view=MembersPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once hydration ran, so browser tests know the page is
/// live, and a `parley-hydrated` performance mark for the first-load benchmark.
fn mark_hydrated() {
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
