//! The system status page: is the database reachable, are migrations current.

use crate::{api::system::system_status, dto::system::SystemReport};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StatusPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| system_status());
    view! {
        <Title text="System status"/>
        <section class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>"System status"</h1>
                    <p class="lede">"What this Parley server reports about itself right now."</p>
                </div>
                <button class="button button-secondary" type="button" on:click=move |_| status.refetch()>
                    "Check again"
                </button>
            </header>
            <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Checking…"</p> }>
                {move || Suspend::new(async move {
                    status.await.map(|s| view! { <StatusCards status=s/> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatusCards(status: SystemReport) -> impl IntoView {
    let migrations_current = status.migrations_applied == status.migrations_total;
    view! {
        <dl class="card-grid status-grid">
            <StatusCard
                label="Database"
                ok=status.database_ok
                value=if status.database_ok {
                    format!("Reachable ({:.1} ms)", status.database_latency_us as f64 / 1000.0)
                } else {
                    "Unreachable".to_string()
                }
            />
            <StatusCard
                label="Migrations"
                ok=migrations_current
                value=format!("{} of {} applied", status.migrations_applied, status.migrations_total)
            />
            <StatusCard label="Uptime" ok=true value=format_uptime(status.uptime_seconds)/>
        </dl>
    }
}

#[component]
fn StatusCard(label: &'static str, ok: bool, value: String) -> impl IntoView {
    view! {
        <div class="card status-card" data-ok=ok.to_string()>
            <dt>{label}</dt>
            <dd>
                <span class="status-dot" aria-hidden="true"></span>
                <span class="visually-hidden">{if ok { "OK: " } else { "Problem: " }}</span>
                {value}
            </dd>
        </div>
    }
}

fn format_uptime(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::format_uptime;

    #[test]
    fn uptime_reads_naturally() {
        assert_eq!(format_uptime(42), "42 s");
        assert_eq!(format_uptime(125), "2 min");
        assert_eq!(format_uptime(3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(format_uptime(2 * 86_400 + 3 * 3600), "2 d 3 h");
    }
}
