//! Pages loaded on demand. With `cargo leptos build --split` each becomes its own wasm chunk,
//! fetched when the route is first visited, so the first load carries only the shell and
//! the start page. Without splitting they behave like ordinary routes.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

macro_rules! lazy_page {
    ($($route:ident => $page:path;)+) => {
        $(
            #[derive(Debug)]
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(_this: Self) -> AnyView {
                    crate::mark_hydrated();
                    view! { <$page/> }.into_any()
                }
            }
        )+
    };
}

lazy_page! {
    StatusRoute => super::status::StatusPage;
    SignInRoute => super::auth::SignInPage;
    SignUpRoute => super::auth::SignUpPage;
    InvitationRoute => super::invite::AcceptInvitationPage;
    AccountRoute => super::account::AccountPage;
    AdminRoute => super::admin::AdminPage;
    TenantRoute => super::tenant::TenantHome;
    MembersRoute => super::members::MembersPage;
    NewTenantRoute => super::new_tenant::NewTenantPage;
    ChatRoute => super::chat::ChatPage;
    AiSettingsRoute => super::ai_settings::AiSettingsPage;
    SsoSettingsRoute => super::sso_settings::SsoSettingsPage;
    TenantSignInRoute => super::sso_login::TenantSignInPage;
    SsoProblemRoute => super::sso_login::SsoProblemPage;
}
