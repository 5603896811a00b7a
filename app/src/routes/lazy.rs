//! Pages loaded on demand. With `cargo leptos build --split` every page but the start page
//! is in one wasm chunk, fetched when the first such page is visited (the server preloads
//! it with the page it renders), so the first load of `/` carries only the shell and the
//! start page, and any other page needs one chunk more. Without splitting they behave like
//! ordinary routes.
//!
//! A chunk per page, or per group of pages, costs more requests than it saves bytes: the
//! split tool gives the code that chunks share chunks of their own (fourteen pages made
//! nearly seventy; three groups, four shared chunks more each).

use leptos::prelude::*;
use leptos_router::ChooseView;

/// Every page but the start page, as the route table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Status,
    SignIn,
    SignUp,
    Invitation,
    TenantSignIn,
    SsoProblem,
    Account,
    Admin,
    NewTenant,
    Tenant,
    Members,
    AiSettings,
    SsoSettings,
    Chat,
}

#[leptos::lazy]
fn page_view(page: Page) -> AnyView {
    use super::{
        account, admin, ai_settings, auth, chat, invite, members, new_tenant, sso_login,
        sso_settings, status, tenant,
    };
    crate::mark_hydrated();
    match page {
        Page::Status => view! { <status::StatusPage/> }.into_any(),
        Page::SignIn => view! { <auth::SignInPage/> }.into_any(),
        Page::SignUp => view! { <auth::SignUpPage/> }.into_any(),
        Page::Invitation => view! { <invite::AcceptInvitationPage/> }.into_any(),
        Page::TenantSignIn => view! { <sso_login::TenantSignInPage/> }.into_any(),
        Page::SsoProblem => view! { <sso_login::SsoProblemPage/> }.into_any(),
        Page::Account => view! { <account::AccountPage/> }.into_any(),
        Page::Admin => view! { <admin::AdminPage/> }.into_any(),
        Page::NewTenant => view! { <new_tenant::NewTenantPage/> }.into_any(),
        Page::Tenant => view! { <tenant::TenantHome/> }.into_any(),
        Page::Members => view! { <members::MembersPage/> }.into_any(),
        Page::AiSettings => view! { <ai_settings::AiSettingsPage/> }.into_any(),
        Page::SsoSettings => view! { <sso_settings::SsoSettingsPage/> }.into_any(),
        Page::Chat => view! { <chat::ChatPage/> }.into_any(),
    }
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        page_view(self).await
    }

    /// Fetches the pages' chunk ahead of a navigation (the router asks on hover).
    async fn preload(&self) {
        #[cfg(target_arch = "wasm32")]
        __preload_page_view().await;
    }
}
