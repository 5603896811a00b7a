//! Presentational components: props in, callbacks out, no server calls.

pub mod icons;
pub mod shell_layout;
pub mod sidebar;
pub mod theme;
pub mod top_bar;
