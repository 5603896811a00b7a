//! What the error boundary shows when a page fails. Each kind of failure says what happened
//! and what the person can do: signed out → the sign-in page; not allowed → who may, and
//! who can help; suspended → read-only until the platform administrator reactivates it;
//! not found; and "reload" only for failures that may pass. Every case has a title.

use crate::components::current_user::tenant_slug_of;
use crate::error::{AppError, ErrorCode};
use crate::roles::{Permission, Role};
use leptos::prelude::*;
use leptos_meta::Title;

/// The boundary's errors as `AppError`s (anything else counts as internal), distinct by
/// sentence, in order.
fn app_errors(errors: &Errors) -> Vec<AppError> {
    let mut seen: Vec<AppError> = Vec::new();
    for (_, error) in errors.iter() {
        let app = error
            .downcast_ref::<AppError>()
            .cloned()
            .unwrap_or_else(|| AppError::new(ErrorCode::Internal, error.to_string()));
        if !seen.iter().any(|s| s.to_string() == app.to_string()) {
            seen.push(app);
        }
    }
    seen
}

/// The permission an organisation page needs, for pages only some roles may open.
fn page_permission(path: &str) -> Option<Permission> {
    let (_, page) = path.strip_prefix("/t/")?.split_once('/')?;
    match page.trim_end_matches('/') {
        "chat" => Some(Permission::UseWorkspace),
        "settings/ai" => Some(Permission::ManageAi),
        "settings/sso" => Some(Permission::ManageSso),
        _ => None,
    }
}

/// The roles holding `permission`, weakest first, as a phrase: "admins and owners".
fn holders(permission: Permission, conjunction: &str) -> String {
    let roles: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| r.can(permission))
        .map(|r| format!("{}s", r.as_str()))
        .collect();
    match roles.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// "Only … may …", who can help, and where to go. `message` is the server's sentence when
/// the page's permission is not known (an invitation for someone else, say).
pub fn refused(
    permission: Option<Permission>,
    slug: Option<String>,
    message: Option<String>,
) -> AnyView {
    let (what, help) = match permission {
        Some(p) => {
            let granters = holders(
                if p.min_role() == Role::Owner {
                    Permission::ManageOwners
                } else {
                    Permission::ManageMembers
                },
                "or",
            );
            (
                format!(
                    "Only {} of this organisation may {}.",
                    holders(p, "and"),
                    lower_first(p.describe())
                ),
                Some(format!(
                    "Ask one of its {granters} for the {} role.",
                    p.min_role().as_str()
                )),
            )
        }
        None => (
            message.unwrap_or_else(|| AppError::forbidden().message),
            None,
        ),
    };
    view! {
        <Title text="Not allowed"/>
        <h1>"You cannot use this page"</h1>
        <p>{what}</p>
        {help.map(|h| view! { <p>{h}</p> })}
        {match slug {
            Some(s) => view! {
                <div class="button-row">
                    <a class="button" href=format!("/t/{s}/members")>"See who the admins are"</a>
                    <a class="button button-secondary" href=format!("/t/{s}")>"Back to the organisation"</a>
                </div>
            }.into_any(),
            None => view! { <a class="button" href="/">"Back to the home page"</a> }.into_any(),
        }}
    }
    .into_any()
}

pub fn suspended(slug: Option<String>) -> AnyView {
    view! {
        <Title text="Organisation suspended"/>
        <h1>"This organisation is suspended"</h1>
        <p>"While it is suspended it is read-only, so this page is not available. The platform administrator can reactivate it."</p>
        {slug.map(|s| view! { <a class="button" href=format!("/t/{s}")>"Back to the organisation"</a> })}
    }
    .into_any()
}

fn signed_out(path: &str) -> AnyView {
    // The server's page guard redirects before rendering; this covers a session that ended
    // while the page was open. The link serves visitors without JavaScript.
    Effect::new(move |_| crate::session::send_to_sign_in());
    view! {
        <Title text="Sign in"/>
        <h1>"Please sign in"</h1>
        <p>"Your session has ended. Sign in to come back to this page."</p>
        <a class="button" href=crate::session::sign_in_href(path)>"Sign in"</a>
    }
    .into_any()
}

fn not_found() -> AnyView {
    view! {
        <Title text="Not found"/>
        <h1>"We could not find that"</h1>
        <p>"It may have been removed, or you are not a member of the organisation it belongs to."</p>
        <a class="button" href="/">"Back to the home page"</a>
    }
    .into_any()
}

fn failed(errors: &[AppError]) -> AnyView {
    let may_pass = errors.iter().any(|e| {
        matches!(
            e.code,
            ErrorCode::Internal
                | ErrorCode::Unavailable
                | ErrorCode::ProviderFailed
                | ErrorCode::ProviderTimeout
                | ErrorCode::RateLimited
        )
    });
    view! {
        <Title text="Something went wrong"/>
        <h1>"Something went wrong"</h1>
        <ul class="error-list">
            {errors.iter().map(|e| view! { <li>{e.to_string()}</li> }).collect_view()}
        </ul>
        {if may_pass {
            view! { <a class="button" href="">"Reload the page"</a> }.into_any()
        } else {
            view! { <a class="button" href="/">"Back to the home page"</a> }.into_any()
        }}
    }
    .into_any()
}

fn platform_only() -> AnyView {
    view! {
        <Title text="Not allowed"/>
        <h1>"You cannot use this page"</h1>
        <p>"Only platform administrators may open the platform admin page. Ask whoever runs this Parley server."</p>
        <a class="button" href="/">"Back to the home page"</a>
    }
    .into_any()
}

/// `pathname` is the router's current path, for "sign in and come back here".
///
/// Everything here reads the boundary's `ArcRwSignal` (reference-counted) rather than
/// signals owned by this panel: while a streamed page resolves, the boundary may replace
/// the panel, disposing what the panel owned, as the old view is still being rendered.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>, pathname: Memo<String>) -> impl IntoView {
    let content = move || {
        let path = pathname.try_get().unwrap_or_default();
        let list = app_errors(&errors.get());
        let first = |code: ErrorCode| list.iter().find(|e| e.code == code);
        if first(ErrorCode::Unauthenticated).is_some() {
            signed_out(&path)
        } else if first(ErrorCode::TenantSuspended).is_some() {
            suspended(tenant_slug_of(&path))
        } else if let Some(forbidden) = first(ErrorCode::Forbidden) {
            if path.trim_end_matches('/') == "/admin" {
                platform_only()
            } else {
                refused(
                    page_permission(&path),
                    tenant_slug_of(&path),
                    Some(forbidden.message.clone()),
                )
            }
        } else if first(ErrorCode::NotFound).is_some() {
            not_found()
        } else {
            failed(&list)
        }
    };
    view! {
        <section class="page page-centered" role="alert">
            <div class="empty-state">{content}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_who_holds_a_permission() {
        assert_eq!(holders(Permission::ManageAi, "and"), "admins and owners");
        assert_eq!(holders(Permission::ManageMembers, "or"), "admins or owners");
        assert_eq!(
            holders(Permission::UseWorkspace, "and"),
            "members, admins and owners"
        );
        assert_eq!(holders(Permission::ManageOwners, "and"), "owners");
    }

    #[test]
    fn knows_which_pages_need_which_permission() {
        assert_eq!(
            page_permission("/t/a/settings/sso"),
            Some(Permission::ManageSso)
        );
        assert_eq!(page_permission("/t/a/chat"), Some(Permission::UseWorkspace));
        assert_eq!(page_permission("/t/a/members"), None);
        assert_eq!(page_permission("/account"), None);
    }
}
