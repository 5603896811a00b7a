//! Presentational components: props in, callbacks out, no server calls.

pub mod clipboard;
pub mod current_user;
pub mod date_text;
pub mod form;
pub mod icons;
pub mod local_time;
pub mod org_switcher;
pub mod shell_layout;
pub mod sidebar;
pub mod theme;
pub mod top_bar;
pub mod user_menu;
