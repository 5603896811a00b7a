//! Members and invitations of an organisation. Everyone sees the list; admins change
//! roles, remove people and create invitation links; only owners touch owners.

use super::tenant::{use_slug, with_article};
use crate::api::members::{
    list_members, pending_invitations, ChangeMemberRole, CreateInvitation, LeaveTenant,
    RemoveMember, RevokeInvitation,
};
use crate::api::tenants::open_tenant;
use crate::components::clipboard::CopyButton;
use crate::components::confirm::{use_confirm, Ask};
use crate::components::date_text::iso_date;
use crate::components::form::{field_error, general_error, successes, Field, Notice};
use crate::components::skeleton::Skeleton;
use crate::dto::account::MemberDto;
use crate::roles::{Permission, Role};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MembersPage() -> impl IntoView {
    let slug = use_slug();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let invite = ServerAction::<CreateInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let tenant = Resource::new(move || slug.get(), open_tenant);
    let changes = [successes(change.value()), successes(remove.value())];
    let members = Resource::new(
        move || (slug.get(), changes.map(|c| c.get())),
        |(slug, _)| list_members(slug),
    );
    let problem = Signal::derive(move || {
        general_error(change.value())
            .get()
            .or_else(|| general_error(remove.value()).get())
    });

    view! {
        <Title text="Members"/>
        <section class="page">
            <header class="page-header">
                <p class="eyebrow">
                    <a href=move || format!("/t/{}", slug.get())>"Organisation"</a>
                </p>
                <h1>"Members"</h1>
                <p class="lede">"Who is in this organisation, and what each person may do."</p>
            </header>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || change.value().get().and_then(Result::ok).map(|m| view! {
                <Notice kind="success">{format!("{} is now {}.", m.name, with_article(m.role.label()))}</Notice>
            })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    let me = tenant.await?;
                    let list = members.await?;
                    Ok::<_, crate::error::AppError>(view! {
                        <MemberTable members=list my_role=me.role slug=me.slug.clone() change remove/>
                        {me.role.can(Permission::ManageInvitations).then(|| view! {
                            <Invitations slug=me.slug.clone() my_role=me.role invite revoke/>
                        })}
                        <LeaveCard slug=me.slug.clone() name=me.name.clone()/>
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn MemberTable(
    members: Vec<MemberDto>,
    my_role: Role,
    slug: String,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let confirm = use_confirm();
    let manage = my_role.can(Permission::ManageMembers);
    view! {
        // Scrolls sideways on phones: reachable and named for keyboard users.
        <div class="card table-card" tabindex="0" role="region" aria-label="Members">
            <table class="table">
                <caption class="visually-hidden">"Members"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="col-email">"E-mail"</th>
                        <th scope="col">"Role"</th>
                        {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {members.into_iter().map(|m| {
                        let may_touch = manage && (m.role != Role::Owner || my_role.can(Permission::ManageOwners));
                        let choices: Vec<Role> = Role::ALL
                            .into_iter()
                            .filter(|r| *r != Role::Owner || my_role.can(Permission::ManageOwners))
                            .collect();
                        let (slug_a, slug_b) = (slug.clone(), slug.clone());
                        let user_id = m.user_id;
                        let name = m.name.clone();
                        view! {
                            <tr>
                                <td>
                                    <span>{m.name.clone()}</span>
                                    // Phones drop the e-mail column and show it here.
                                    <span class="member-email muted">{m.email.clone()}</span>
                                </td>
                                <td class="col-email">{m.email.clone()}</td>
                                <td>
                                    {if may_touch {
                                        view! {
                                            <label class="visually-hidden" for=format!("role-{user_id}")>{format!("Role of {}", m.name)}</label>
                                            <select
                                                id=format!("role-{user_id}")
                                                class="select"
                                                on:change=move |ev| {
                                                    if let Some(role) = Role::parse(&event_target_value(&ev)) {
                                                        change.dispatch(ChangeMemberRole { slug: slug_a.clone(), user_id, role });
                                                    }
                                                }
                                            >
                                                {choices.into_iter().map(|r| view! {
                                                    <option value=r.as_str() selected=r == m.role>{r.label()}</option>
                                                }).collect_view()}
                                            </select>
                                        }.into_any()
                                    } else {
                                        view! { <span class="badge">{m.role.label()}</span> }.into_any()
                                    }}
                                </td>
                                {manage.then(|| view! {
                                    <td class="actions">
                                        {may_touch.then(|| view! {
                                            <button
                                                type="button"
                                                class="button button-danger button-small"
                                                on:click=move |_| {
                                                    let slug = slug_b.clone();
                                                    let question = format!("Remove {name} from this organisation?");
                                                    confirm.ask(Ask { question, action: "Remove" }, move || {
                                                        remove.dispatch(RemoveMember { slug: slug.clone(), user_id });
                                                    });
                                                }
                                            >
                                                "Remove"
                                            </button>
                                        })}
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Invitations(
    slug: String,
    my_role: Role,
    invite: ServerAction<CreateInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let confirm = use_confirm();
    let pending = Resource::new(
        {
            let slug = slug.clone();
            let changes = [successes(invite.value()), successes(revoke.value())];
            move || (slug.clone(), changes.map(|c| c.get()))
        },
        |(slug, _)| pending_invitations(slug),
    );
    let created = invite.value();
    let roles: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Owner || my_role.can(Permission::ManageOwners))
        .collect();
    let slug_for_form = slug.clone();
    view! {
        <article class="card form-card">
            <h2>"Invite someone"</h2>
            <p class="muted">"Create a link and send it to them. It works once and expires in 7 days."</p>
            {move || general_error(created).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <ActionForm action=invite attr:class="stack">
                <input type="hidden" name="slug" value=slug_for_form/>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role" class="select">
                        {roles.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == Role::Member>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field label="E-mail (optional)" name="email" kind="email" hint="Only this address can use the link when set." error=field_error(created, "email")/>
                <button class="button" type="submit" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { "Creating…" } else { "Create invitation link" }}
                </button>
            </ActionForm>
            {move || created.get().and_then(Result::ok).map(|inv| view! {
                <div class="secret-box" role="status">
                    <label for="invite-link">{format!("Invitation link for a new {}", inv.role.label().to_ascii_lowercase())}</label>
                    <div class="copy-row">
                        <input id="invite-link" class="secret copy-value" readonly value=inv.url.clone()/>
                        <CopyButton text=inv.url.clone() label="Copy invitation link"/>
                    </div>
                    <p class="muted">"Copy it now: for your security it is not shown again."</p>
                </div>
            })}
        </article>
        <article class="card">
            <h2>"Pending invitations"</h2>
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        pending.await.map(|list| {
                            if list.is_empty() {
                                return view! { <p class="muted">"No pending invitations."</p> }.into_any();
                            }
                            view! {
                                <ul class="plain-list">
                                    {list.into_iter().map(|inv| {
                                        let slug = slug.clone();
                                        view! {
                                            <li class="row">
                                                <span>
                                                    <strong>{inv.role.label()}</strong>
                                                    {inv.email.clone().map(|e| format!(" · {e}"))}
                                                    <span class="muted">" · expires "<time datetime=inv.expires_at.to_rfc3339()>{iso_date(inv.expires_at.naive_utc())}</time></span>
                                                </span>
                                                <button
                                                    type="button"
                                                    class="button button-secondary button-small"
                                                    on:click=move |_| {
                                                        let (slug, id) = (slug.clone(), inv.id);
                                                        let question = "Revoke this invitation? The link stops working.".to_string();
                                                        confirm.ask(Ask { question, action: "Revoke" }, move || {
                                                            revoke.dispatch(RevokeInvitation { slug: slug.clone(), id });
                                                        });
                                                    }
                                                >
                                                    "Revoke"
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })
                    })
                }}
            </Transition>
        </article>
    }
    .into_any()
}

/// Leaving: anyone may, except the last owner (the answer says so). A full page load
/// afterwards, so nothing of the organisation stays on screen.
#[component]
fn LeaveCard(slug: String, name: String) -> impl IntoView {
    let confirm = use_confirm();
    let leave = ServerAction::<LeaveTenant>::new();
    let result = leave.value();
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(()))) {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().location().assign("/");
            }
        }
    });
    let problem = general_error(result);
    let pending = leave.pending();
    let question =
        format!("Leave {name}? You lose access to its chats until someone invites you again.");
    view! {
        <article class="card" aria-labelledby="leave-title">
            <h2 id="leave-title">"Leave this organisation"</h2>
            <p class="muted">"You lose access to its chats and settings. An admin can invite you again."</p>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <button
                type="button"
                class="button button-danger"
                disabled=move || pending.get()
                on:click=move |_| {
                    let slug = slug.clone();
                    confirm.ask(Ask { question: question.clone(), action: "Leave" }, move || {
                        leave.dispatch(LeaveTenant { slug: slug.clone() });
                    });
                }
            >
                {move || if pending.get() { "Leaving…" } else { "Leave organisation" }}
            </button>
        </article>
    }
}
