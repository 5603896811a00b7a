//! The top bar: navigation toggle, product name, organisation switcher, theme switch.

use super::icons::{Icon, IconKind};
use super::theme::{apply_theme, Theme};
use leptos::prelude::*;

#[component]
pub fn TopBar(on_toggle_sidebar: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
    <header class="top-bar">
        <button
            class="icon-button"
            type="button"
            aria-label="Toggle navigation"
            aria-controls="sidebar"
            on:click=move |_| on_toggle_sidebar()
        >
            <Icon kind=IconKind::Menu/>
        </button>
        <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">"P"</span>
            <span class="brand-name">"Parley"</span>
        </a>
        <super::org_switcher::OrgSwitcher/>
        <div class="top-bar-actions">
            <super::command_palette::PaletteButton/>
            <ThemeToggle/>
            <super::user_menu::UserMenu/>
        </div>
    </header>
    }
    .into_any()
}

#[component]
fn ThemeToggle() -> impl IntoView {
    let theme = use_context::<RwSignal<Theme>>().unwrap_or_else(|| RwSignal::new(Theme::System));
    let icon = move || match theme.get() {
        Theme::System => IconKind::Monitor,
        Theme::Light => IconKind::Sun,
        Theme::Dark => IconKind::Moon,
    };
    view! {
        <button
            class="icon-button theme-toggle"
            type="button"
            data-theme-choice=move || theme.get().as_str()
            aria-label=move || format!("{} (switch to {})", theme.get().label(), theme.get().next().label().to_ascii_lowercase())
            title=move || theme.get().label()
            on:click=move |_| {
                let next = theme.get_untracked().next();
                theme.set(next);
                apply_theme(next);
            }
        >
            {move || view! { <Icon kind=icon()/> }}
        </button>
    }
}
