//! Inline SVG icons (stroke icons on a 24-unit grid), so the shell needs no icon font.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    Menu,
    Home,
    Activity,
    Sun,
    Moon,
    Monitor,
    Compass,
    Users,
    User,
    Shield,
    Chat,
    Sliders,
    Key,
    Plus,
    More,
    Pin,
    Pencil,
    Trash,
    Close,
    Search,
    Check,
    Alert,
}

impl IconKind {
    fn path(self) -> &'static str {
        match self {
            Self::Menu => "M4 6h16M4 12h16M4 18h16",
            Self::Home => "M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10",
            Self::Activity => "M3 12h4l3-8 4 16 3-8h4",
            Self::Sun => "M12 4V2M12 22v-2M4 12H2M22 12h-2M5.6 5.6 4.2 4.2M19.8 19.8l-1.4-1.4M5.6 18.4l-1.4 1.4M19.8 4.2l-1.4 1.4M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
            Self::Moon => "M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z",
            Self::Monitor => "M3 4h18v12H3zM8 20h8M12 16v4",
            Self::Compass => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM15.5 8.5l-2 5-5 2 2-5z",
            Self::Users => "M16 20v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18.5V20M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM20 20v-1.5a3.5 3.5 0 0 0-2.6-3.4M15.5 4.2a3.5 3.5 0 0 1 0 6.6",
            Self::User => "M19 20v-1.5a4 4 0 0 0-4-4H9a4 4 0 0 0-4 4V20M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
            Self::Shield => "M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6z",
            Self::Chat => "M4 5h16v11H9l-5 4zM8 9.5h8M8 12.5h5",
            Self::Sliders => "M4 7h10M18 7h2M4 17h4M12 17h8M16 5v4M10 15v4",
            Self::Key => "M15 7a4 4 0 1 1-3.9 4.9L4 19v-3h3v-3h3l1.1-1.1A4 4 0 0 1 15 7zM16 9.5h.01",
            Self::Plus => "M12 5v14M5 12h14",
            Self::More => "M5 12h.01M12 12h.01M19 12h.01",
            Self::Pin => "M9 4h6M10 4v5l-3 4h10l-3-4V4M12 13v7",
            Self::Pencil => "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
            Self::Trash => "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
            Self::Close => "M6 6l12 12M18 6 6 18",
            Self::Check => "M5 12.5l4.5 4.5L19 7.5",
            Self::Alert => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 8v5M12 16.5h.01",
            Self::Search => "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4",
        }
    }
}

/// A decorative icon; the control that holds it carries the accessible name.
#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            <path d=kind.path()/>
        </svg>
    }
}
