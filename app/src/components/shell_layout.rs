//! The application layout every page lives in: top bar, collapsible sidebar, content area.
//! Pages render inside an error boundary, so a failing page never takes the shell down.

use super::{
    command_palette::CommandPalette, confirm::ConfirmDialog, sidebar::Sidebar, toast::ToastRegion,
    top_bar::TopBar,
};
use crate::routes::error_page::ErrorPanel;
use leptos::prelude::*;

#[component]
pub fn ShellLayout(children: Children) -> impl IntoView {
    // Desktop: `true` collapses the sidebar to icons. Phone: `true` opens it as a drawer.
    let toggled = RwSignal::new(false);
    let close_drawer = move || toggled.set(false);
    // Read here, inside the router: the boundary's fallback may be built where the router's
    // context is out of reach (seen while a streamed response resolved).
    let pathname = leptos_router::hooks::use_location().pathname;
    reload_user_for_unknown_tenants(pathname);

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="shell" data-sidebar=move || if toggled.get() { "toggled" } else { "default" }>
            <TopBar on_toggle_sidebar=move || toggled.update(|t| *t = !*t)/>
            <Sidebar on_navigate=close_drawer/>
            <div class="scrim" on:click=move |_| close_drawer() aria-hidden="true"></div>
            <main id="main" class="content" tabindex="-1">
                <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors pathname/> }>
                    {children()}
                </ErrorBoundary>
            </main>
        </div>
        <ToastRegion/>
        <ConfirmDialog/>
        <CommandPalette/>
    }
    // Erased so release builds (which do not erase component types) stay within the
    // compiler's type-depth limits as pages grow.
    .into_any()
}

/// The shell's user lists the caller's organisations and roles. When the URL names one it
/// does not list (just created or joined, perhaps in another tab), ask the server again —
/// once per organisation, so a stranger's 404 cannot loop.
fn reload_user_for_unknown_tenants(pathname: Memo<String>) {
    use super::current_user::{tenant_slug_of, use_current_user};
    let user = use_current_user();
    let asked = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(slug) = tenant_slug_of(&pathname.get()) else {
            return;
        };
        let Some(Ok(Some(me))) = user.get() else {
            return;
        };
        let known = me.tenants.iter().any(|t| t.slug == slug);
        if !known && asked.get_value().as_deref() != Some(slug.as_str()) {
            asked.set_value(Some(slug));
            user.refetch();
        }
    });
}
