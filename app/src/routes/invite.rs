//! Accepting an invitation link: who invites you to what, then join (signed in) or sign
//! up / sign in first and come back here.

use crate::api::invitations::{invitation_preview, AcceptInvitation};
use crate::components::{
    current_user::use_current_user,
    form::{general_error, Notice},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Signal::derive(move || params.read().get("token").unwrap_or_default());
    let preview = Resource::new(move || token.get(), invitation_preview);
    let user = use_current_user();
    let accept = ServerAction::<AcceptInvitation>::new();
    let value = accept.value();
    Effect::new(move |_| {
        if let Some(Ok(joined)) = value.get() {
            // The shell's user lists the new membership before the organisation opens.
            user.refetch();
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/t/{}", joined.slug), Default::default());
        }
    });
    view! {
        <Title text="Invitation"/>
        <section class="auth-page">
            <div class="card auth-card">
                <Transition fallback=|| view! { <p class="muted" aria-busy="true">"Checking the invitation…"</p> }>
                    {move || Suspend::new(async move {
                        let me = user.await.ok().flatten();
                        let view = match preview.await {
                            Err(e) => view! {
                                <h1>"This invitation cannot be used"</h1>
                                <Notice kind="error">{e.message.clone()}</Notice>
                                <p class="muted">"Ask the person who invited you for a new link."</p>
                            }.into_any(),
                            Ok(p) => {
                                let token = token.get_untracked();
                                view! {
                                    <p class="eyebrow">"Invitation"</p>
                                    <h1>{format!("Join {}", p.tenant_name)}</h1>
                                    <p class="lede">{format!("You are invited as {}.", p.role.label().to_ascii_lowercase())}</p>
                                    {p.email.clone().map(|e| view! { <p class="muted">{format!("This invitation is for {e}.")}</p> })}
                                    {move || general_error(value).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                                    {match me.clone() {
                                        Some(me) => {
                                            let token = token.clone();
                                            view! {
                                                <p class="muted">{format!("Signed in as {}.", me.email)}</p>
                                                <button
                                                    class="button button-wide"
                                                    type="button"
                                                    disabled=move || accept.pending().get()
                                                    on:click=move |_| { accept.dispatch(AcceptInvitation { token: token.clone() }); }
                                                >
                                                    {move || if accept.pending().get() { "Joining…" } else { "Accept and join" }}
                                                </button>
                                            }.into_any()
                                        }
                                        None => view! {
                                            <div class="stack">
                                                <a class="button button-wide" href=format!("/signup?invitation={token}")>"Create an account to join"</a>
                                                <a class="button button-secondary button-wide" href=format!("/login?next=/invite/{token}")>"I already have an account"</a>
                                            </div>
                                        }.into_any(),
                                    }}
                                }.into_any()
                            }
                        };
                        Ok::<_, crate::error::AppError>(view)
                    })}
                </Transition>
            </div>
        </section>
    }
    .into_any()
}
