//! The shell (top bar, sidebar, palette, toasts, dialogs) and the building blocks pages
//! are made of. Building blocks take props and give callbacks; they make no server calls.

pub mod clipboard;
pub mod command_palette;
pub mod confirm;
pub mod current_user;
pub mod date_text;
pub mod empty_state;
pub mod form;
pub mod icons;
pub mod local_time;
pub mod org_switcher;
pub mod shell_layout;
pub mod sidebar;
pub mod skeleton;
pub mod theme;
pub mod toast;
pub mod top_bar;
pub mod user_menu;
