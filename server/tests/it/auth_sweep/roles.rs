//! The role matrix, generated: every endpoint and server function that acts in a tenant (or
//! on the platform), called by each role in a tenant of its own, and by a super-admin who is
//! not a member. A role without the permission gets exactly 403 and nothing changes; a role
//! with it gets past the guard (any answer but 401, 403, 404 or 500).

use super::*;

/// Who calls in the role sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Member(Role),
    /// A platform super-admin who is not a member of the tenant.
    SuperAdmin,
}

const SUBJECTS: [Subject; 5] = [
    Subject::Member(Role::Viewer),
    Subject::Member(Role::Member),
    Subject::Member(Role::Admin),
    Subject::Member(Role::Owner),
    Subject::SuperAdmin,
];

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(role) => write!(f, "{role}"),
            Self::SuperAdmin => f.write_str("super-admin (not a member)"),
        }
    }
}

impl Subject {
    fn slug(self, prefix: &str) -> String {
        match self {
            Self::Member(role) => format!("{prefix}-{role}"),
            Self::SuperAdmin => format!("{prefix}-root"),
        }
    }

    fn can(self, permission: Permission) -> bool {
        matches!(self, Self::Member(role) if role.can(permission))
    }
}

/// Calls that remove or replace what other calls name run after those calls. (A fresh
/// tenant per subject keeps one role's allowed deletions away from another role's calls.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Reads, and writes that leave every object in place.
    Early,
    /// Regenerating an answer deletes the last one.
    Replaces,
    /// Deleting members, invitations, providers, chats, SSO connections.
    Deletes,
    /// Restoring a chat needs it deleted first.
    Restores,
    /// The caller leaves the tenant.
    Leaves,
}

fn phase_of(method: &Method, path: &str) -> Phase {
    match path.rsplit('/').next().unwrap_or_default() {
        "regenerate" => Phase::Replaces,
        "leave" => Phase::Leaves,
        "restore" => Phase::Restores,
        "delete" | "remove" | "revoke" => Phase::Deletes,
        _ if *method == Method::DELETE => Phase::Deletes,
        _ => Phase::Early,
    }
}

/// One call of the role sweep.
struct Probe {
    /// Method and path template (and what the body changes, when it matters).
    what: String,
    needs: Access,
    /// A permission the service checks after the guard, and the status it refuses with
    /// (owner changes need `ManageOwners` on top of managing members or invitations).
    then: Option<(Permission, StatusCode)>,
    phase: Phase,
    request: Request<Body>,
}

impl Probe {
    fn new(what: String, needs: Access, phase: Phase, request: Request<Body>) -> Self {
        Self {
            what,
            needs,
            then: None,
            phase,
            request,
        }
    }

    fn then(mut self, permission: Permission, refusal: StatusCode) -> Self {
        self.then = Some((permission, refusal));
        self
    }

    /// The refusal the matrix demands for `subject`, with the reason; `None` when the call
    /// must get past the guard.
    fn refusal(&self, subject: Subject) -> Option<(StatusCode, String)> {
        match (self.needs, subject) {
            (Access::Tenant(_), Subject::SuperAdmin) => Some((
                StatusCode::NOT_FOUND,
                "a super-admin who is not a member sees no tenant data".into(),
            )),
            (Access::Tenant(p), Subject::Member(role)) if !role.can(p) => {
                Some((StatusCode::FORBIDDEN, format!("{role} lacks {p:?}")))
            }
            (Access::Tenant(_), Subject::Member(role)) => self
                .then
                .filter(|(p, _)| !role.can(*p))
                .map(|(p, status)| (status, format!("{role} lacks {p:?}"))),
            (Access::SuperAdmin, Subject::Member(role)) => Some((
                StatusCode::FORBIDDEN,
                format!("{role} is not a super-admin"),
            )),
            (Access::SuperAdmin, Subject::SuperAdmin) => None,
            (Access::Public | Access::SignedIn | Access::Account, _) => None,
        }
    }

    fn requirement(&self) -> String {
        let base = match self.needs {
            Access::Tenant(p) => format!("{p:?}"),
            other => format!("{other:?}"),
        };
        match self.then {
            Some((p, _)) => format!("{base}, then {p:?}"),
            None => base,
        }
    }
}

/// The users of the role sweep, registered once per database.
struct People {
    /// Creates, and owns, every tenant of the sweep.
    boss: As,
    /// A viewer in each tenant: the sweep changes their role and removes them.
    target: As,
    target_id: String,
    /// Super-admin, member of no tenant.
    root: As,
    /// The user the super-admin disables and resets (not a member anywhere).
    bystander_id: String,
    /// One user per role.
    members: Vec<(Role, As)>,
}

impl People {
    async fn register(app: &TestApp) -> Self {
        use sea_orm::ConnectionTrait;
        let boss = app.user("boss@matrix.example").await;
        let target = app.user("target@matrix.example").await;
        let bystander = app.user("bystander@matrix.example").await;
        let root = app.user("root@matrix.example").await;
        app.owner()
            .await
            .execute_unprepared(
                "UPDATE users SET is_super_admin = true WHERE email = 'root@matrix.example'",
            )
            .await
            .unwrap();
        let mut members = Vec::new();
        for role in Role::ALL {
            members.push((role, app.user(&format!("{role}@matrix.example")).await));
        }
        Self {
            target_id: app.user_id(&target).await,
            bystander_id: app.user_id(&bystander).await,
            boss,
            target,
            root,
            members,
        }
    }

    fn member(&self, role: Role) -> &As {
        &self.members.iter().find(|(r, _)| *r == role).unwrap().1
    }
}

/// A fresh tenant for one subject, with an object of every kind its calls name.
struct World {
    ids: Ids,
    subject: Subject,
    who: As,
    who_id: String,
}

impl World {
    async fn new(app: &TestApp, people: &People, subject: Subject, slug: &str) -> Self {
        let boss = &people.boss;
        app.tenant(boss, slug).await;
        app.join(boss, slug, &people.target, "viewer").await;
        let who = match subject {
            Subject::Member(role) => {
                let who = people.member(role);
                app.join(boss, slug, who, role.as_str()).await;
                who.clone()
            }
            Subject::SuperAdmin => people.root.clone(),
        };
        let made = |r: TestResponse, what: &str| {
            assert!(r.status.is_success(), "{slug}: {what}: {}", r.text());
            r.json()
        };
        let base = format!("/tenants/{slug}");
        let invitation = app
            .api(
                Method::POST,
                &format!("{base}/invitations"),
                boss,
                Some(json!({ "role": "member" })),
            )
            .await;
        let invitation = made(invitation, "invitation");
        let provider = app
            .api(
                Method::POST,
                &format!("{base}/providers"),
                boss,
                Some(json!({ "name": "Closed port", "kind": "openai_compatible",
                             "base_url": "http://127.0.0.1:9/v1", "models": ["m"] })),
            )
            .await;
        let provider = made(provider, "provider");
        // Chats are their owner's: the subject's own, when it may chat at all.
        let chatter = if subject.can(Permission::UseWorkspace) {
            &who
        } else {
            boss
        };
        let chat = app
            .api(
                Method::POST,
                &format!("{base}/chats"),
                chatter,
                Some(json!({})),
            )
            .await;
        let chat_id = made(chat, "chat")["id"].as_str().unwrap().to_string();
        let exchange = app
            .api(
                Method::POST,
                &format!("{base}/chats/{chat_id}/messages"),
                chatter,
                Some(json!({ "content": "hello" })),
            )
            .await;
        let exchange = made(exchange, "message");
        let ids = Ids {
            slug: slug.to_string(),
            // The super-admin's user calls act on a bystander, so the target (a member of
            // every sweep tenant) stays signed in.
            user_id: match subject {
                Subject::Member(_) => people.target_id.clone(),
                Subject::SuperAdmin => people.bystander_id.clone(),
            },
            invitation_id: invitation["id"].as_str().unwrap().into(),
            token_id: uuid::Uuid::nil().to_string(),
            invitation_token: UNKNOWN_INVITATION.into(),
            provider_id: provider["id"].as_str().unwrap().into(),
            chat_id,
            message_id: exchange["assistant_message"]["id"].as_str().unwrap().into(),
            sso_id: create_sso(app, boss, slug).await,
        };
        Self {
            ids,
            subject,
            who_id: app.user_id(&who).await,
            who,
        }
    }

    /// The tenant as its owner sees it, and the platform as the super-admin sees it, one
    /// answer per view. Chats are included when they are the owner's (the subject may not
    /// chat): a subject that may chat can start answers that finish while the sweep goes on.
    async fn seen(&self, app: &TestApp, people: &People) -> Vec<(String, String)> {
        let slug = &self.ids.slug;
        let mut paths = vec![
            (&people.boss, format!("/tenants/{slug}")),
            (&people.boss, format!("/tenants/{slug}/members")),
            (&people.boss, format!("/tenants/{slug}/invitations")),
            (&people.boss, format!("/tenants/{slug}/providers")),
            (&people.boss, format!("/tenants/{slug}/chat-settings")),
            (&people.root, format!("/admin/tenants?q={slug}")),
            (&people.root, "/admin/users".to_string()),
            (&people.root, "/admin/settings".to_string()),
        ];
        if !self.subject.can(Permission::UseWorkspace) {
            paths.push((&people.boss, format!("/tenants/{slug}/chats")));
            paths.push((
                &people.boss,
                format!("/tenants/{slug}/chats/{}/messages", self.ids.chat_id),
            ));
        }
        let mut seen = Vec::new();
        for (who, path) in paths {
            let text = app.api(Method::GET, &path, who, None).await.text();
            seen.push((format!("GET {path}"), text));
        }
        let sso = app
            .server_fn(&people.boss, "/api/sso/settings", &[("slug", slug.clone())])
            .await;
        seen.push(("POST /api/sso/settings".into(), sso.text()));
        seen
    }

    /// Runs `probes` (in phase order) as the subject; returns how many ran.
    async fn sweep(
        &self,
        app: &TestApp,
        people: &People,
        mut probes: Vec<Probe>,
        failures: &mut Vec<String>,
    ) -> usize {
        probes.sort_by_key(|p| p.phase);
        let count = probes.len();
        let subject = self.subject;
        let mut before: Option<Vec<(String, String)>> = None;
        for probe in probes {
            let refusal = probe.refusal(subject);
            if refusal.is_some() && before.is_none() {
                before = Some(self.seen(app, people).await);
            }
            let what = format!(
                "{subject} on {} (needs {})",
                probe.what,
                probe.requirement()
            );
            let r = app.send(probe.request).await;
            let body: String = r.text().chars().take(300).collect();
            match refusal {
                Some((status, why)) => {
                    if r.status != status {
                        failures.push(format!(
                            "{what}: expected {status} as {why}, got {}: {body}",
                            r.status
                        ));
                    }
                    let after = self.seen(app, people).await;
                    for ((view, was), (_, is)) in before.iter().flatten().zip(&after) {
                        if was != is {
                            failures.push(format!(
                                "{what}: answered {} and changed what {view} shows:\n  \
                                 before: {was}\n  after:  {is}",
                                r.status
                            ));
                        }
                    }
                    before = Some(after);
                }
                None => {
                    if matches!(r.status.as_u16(), 401 | 403 | 404 | 500) {
                        failures.push(format!(
                            "{what}: {subject} holds it, so the guard must let the call \
                             through; got {}: {body}",
                            r.status
                        ));
                    }
                    before = None;
                }
            }
        }
        count
    }
}

/// A probe for every REST endpoint of `endpoints` that acts in a tenant or on the platform.
fn endpoint_probes(endpoints: &[Endpoint], w: &World) -> Vec<Probe> {
    endpoints
        .iter()
        .filter(|e| matches!(e.access, Access::Tenant(_) | Access::SuperAdmin))
        .map(|e| {
            Probe::new(
                format!("{} {}", e.method, e.path),
                e.access,
                phase_of(&e.method, e.path),
                api_request(
                    e.method.clone(),
                    &concrete(e.path, &w.ids),
                    &w.who,
                    body_for(&e.method, e.path),
                ),
            )
        })
        .collect()
}

/// What the table alone does not say: owner changes need `ManageOwners` on top (the
/// services check it), and `DELETE …/members/{own id}` is leaving (`LeaveTenant`).
fn owner_and_leave_probes(w: &World) -> Vec<Probe> {
    use Permission::{LeaveTenant, ManageInvitations, ManageMembers, ManageOwners};
    let slug = &w.ids.slug;
    let rest = |method: Method, path: String, body: Option<serde_json::Value>| {
        api_request(method, &path, &w.who, body)
    };
    vec![
        Probe::new(
            "POST /tenants/{slug}/invitations {role: owner}".into(),
            Access::Tenant(ManageInvitations),
            Phase::Early,
            rest(
                Method::POST,
                format!("/tenants/{slug}/invitations"),
                Some(json!({ "role": "owner" })),
            ),
        )
        .then(ManageOwners, StatusCode::FORBIDDEN),
        Probe::new(
            "PATCH /tenants/{slug}/members/{user_id} {role: owner}".into(),
            Access::Tenant(ManageMembers),
            Phase::Early,
            rest(
                Method::PATCH,
                format!("/tenants/{slug}/members/{}", w.ids.user_id),
                Some(json!({ "role": "owner" })),
            ),
        )
        .then(ManageOwners, StatusCode::FORBIDDEN),
        Probe::new(
            "DELETE /tenants/{slug}/members/{own id}".into(),
            Access::Tenant(LeaveTenant),
            Phase::Leaves,
            rest(
                Method::DELETE,
                format!("/tenants/{slug}/members/{}", w.who_id),
                None,
            ),
        ),
    ]
}

async fn each_role_has_exactly_its_matrix_rights_on_every_endpoint(app: TestApp) {
    let people = People::register(&app).await;
    let endpoints = endpoints();
    let mut failures = Vec::new();
    let mut checked = 0;
    for subject in SUBJECTS {
        let w = World::new(&app, &people, subject, &subject.slug("rest")).await;
        let mut probes = endpoint_probes(&endpoints, &w);
        probes.extend(owner_and_leave_probes(&w));
        checked += w.sweep(&app, &people, probes, &mut failures).await;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} (endpoint, role) checks disagree with the role matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What each tenant-scoped server function requires: the guard on its first line
/// (`guard::in_tenant::<G>` or the admin page's `SystemCtx::for_super_admin`). A server
/// function that is neither public nor in `NOT_TENANT_SCOPED` must be listed here, or
/// `every_guarded_server_function_declares_its_permission` fails.
pub(super) const SERVER_FN_ACCESS: &[(&str, Access)] = {
    use Access::{SuperAdmin, Tenant};
    use Permission::{
        LeaveTenant, ManageAi, ManageInvitations, ManageMembers, ManageSso, UseWorkspace,
        ViewTenant,
    };
    &[
        ("/api/tenants/open", Tenant(ViewTenant)),
        ("/api/members/list", Tenant(ViewTenant)),
        ("/api/members/role", Tenant(ManageMembers)),
        ("/api/members/remove", Tenant(ManageMembers)),
        ("/api/members/leave", Tenant(LeaveTenant)),
        ("/api/invitations/create", Tenant(ManageInvitations)),
        ("/api/invitations/pending", Tenant(ManageInvitations)),
        ("/api/invitations/revoke", Tenant(ManageInvitations)),
        ("/api/ai/providers", Tenant(ManageAi)),
        ("/api/ai/providers/create", Tenant(ManageAi)),
        ("/api/ai/providers/models", Tenant(ManageAi)),
        ("/api/ai/providers/key", Tenant(ManageAi)),
        ("/api/ai/providers/delete", Tenant(ManageAi)),
        ("/api/ai/providers/test", Tenant(ManageAi)),
        ("/api/ai/settings", Tenant(ManageAi)),
        ("/api/ai/settings/save", Tenant(ManageAi)),
        // The chat page's header: what a viewer may see (nothing to chat with).
        ("/api/chat/context", Tenant(ViewTenant)),
        ("/api/chat/list", Tenant(UseWorkspace)),
        ("/api/chat/get", Tenant(UseWorkspace)),
        ("/api/chat/start", Tenant(UseWorkspace)),
        ("/api/chat/update", Tenant(UseWorkspace)),
        ("/api/chat/delete", Tenant(UseWorkspace)),
        ("/api/chat/restore", Tenant(UseWorkspace)),
        ("/api/chat/messages", Tenant(UseWorkspace)),
        ("/api/chat/message", Tenant(UseWorkspace)),
        ("/api/chat/send", Tenant(UseWorkspace)),
        ("/api/chat/regenerate", Tenant(UseWorkspace)),
        ("/api/chat/stop", Tenant(UseWorkspace)),
        ("/api/sso/settings", Tenant(ManageSso)),
        ("/api/sso/save", Tenant(ManageSso)),
        ("/api/sso/delete", Tenant(ManageSso)),
        ("/api/sso/test", Tenant(ManageSso)),
        ("/api/sso/require", Tenant(ManageSso)),
        ("/api/admin/tenants", SuperAdmin),
        ("/api/admin/users", SuperAdmin),
        ("/api/admin/tenants/suspend", SuperAdmin),
        ("/api/admin/tenants/platform-ai", SuperAdmin),
        ("/api/admin/tenants/domains", SuperAdmin),
        ("/api/admin/tenants/limit", SuperAdmin),
        ("/api/admin/users/disable", SuperAdmin),
        ("/api/admin/users/reset-password", SuperAdmin),
        ("/api/admin/settings", SuperAdmin),
        ("/api/admin/settings/update", SuperAdmin),
    ]
};

/// Registered server functions that are neither public nor exempt from the tenant sweeps.
fn guarded_server_fns() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| !PUBLIC_SERVER_FNS.contains(&p.as_str()))
        .filter(|p| !NOT_TENANT_SCOPED.contains(&p.as_str()))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn server_fn_access(path: &str) -> Option<Access> {
    SERVER_FN_ACCESS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, access)| *access)
}

/// A new server function cannot skip the role sweep: each guarded one names its
/// requirement in `SERVER_FN_ACCESS`, and the table names nothing else.
#[test]
fn every_guarded_server_function_declares_its_permission() {
    let guarded = guarded_server_fns();
    assert!(!guarded.is_empty(), "server functions are registered");
    let missing: Vec<&String> = guarded
        .iter()
        .filter(|p| server_fn_access(p).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "tenant-scoped server functions missing from SERVER_FN_ACCESS (add the permission \
         their guard requires, so the role sweep covers them): {missing:#?}"
    );
    for (path, access) in SERVER_FN_ACCESS {
        assert!(
            guarded.iter().any(|p| p == path),
            "SERVER_FN_ACCESS lists {path}, which is not a guarded server function"
        );
        assert!(
            matches!(access, Access::Tenant(_) | Access::SuperAdmin),
            "{path}: declare a tenant permission or SuperAdmin, not {access:?}"
        );
    }
}

/// The REST table states a requirement for every route that acts in a tenant or on the
/// platform (a tenant route declared `SignedIn` would escape the role sweep).
#[test]
fn every_tenant_endpoint_declares_its_permission() {
    for e in endpoints() {
        let in_tenant = e.path.starts_with("/tenants/{slug}");
        let on_platform = e.path.starts_with("/admin/");
        let consistent = match e.access {
            Access::Tenant(_) => in_tenant,
            Access::SuperAdmin => on_platform,
            Access::Public | Access::SignedIn | Access::Account => !in_tenant && !on_platform,
        };
        assert!(
            consistent,
            "{} {} declares {:?}: a route under /tenants/{{slug}} declares the permission its \
             guard requires, one under /admin/ SuperAdmin",
            e.method, e.path, e.access
        );
    }
}

/// The role sweep's call of server function `path`, with `overrides` replacing fields of
/// its form.
fn server_fn_probe(path: &str, access: Access, w: &World, overrides: &[(&str, &str)]) -> Probe {
    let mut form = server_fn_form(path, &w.ids);
    for (key, value) in overrides {
        if let Some(field) = form.iter_mut().find(|(k, _)| k == key) {
            field.1 = value.to_string();
        }
    }
    let what = if overrides.is_empty() {
        format!("POST {path}")
    } else {
        let changed: Vec<String> = overrides.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("POST {path} [{}]", changed.join(", "))
    };
    Probe::new(
        what,
        access,
        phase_of(&Method::POST, path),
        server_fn_request(path, &w.who, &form),
    )
}

async fn each_role_has_exactly_its_matrix_rights_on_every_server_function(app: TestApp) {
    use Permission::{ManageInvitations, ManageMembers, ManageOwners, ManageSso};
    let people = People::register(&app).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for subject in SUBJECTS {
        let w = World::new(&app, &people, subject, &subject.slug("fn")).await;
        let mut probes = Vec::new();
        for path in guarded_server_fns() {
            match server_fn_access(&path) {
                Some(access) => probes.push(server_fn_probe(&path, access, &w, &[])),
                None => failures.push(format!("{path} is missing from SERVER_FN_ACCESS")),
            }
        }
        // Owner changes need `ManageOwners` on top of the guard.
        let owner = [("role", "owner")];
        probes.push(
            server_fn_probe(
                "/api/invitations/create",
                Access::Tenant(ManageInvitations),
                &w,
                &owner,
            )
            .then(ManageOwners, StatusCode::FORBIDDEN),
        );
        probes.push(
            server_fn_probe(
                "/api/members/role",
                Access::Tenant(ManageMembers),
                &w,
                &owner,
            )
            .then(ManageOwners, StatusCode::FORBIDDEN),
        );
        // Mapping SSO identities to owner is refused as a validation error on the
        // `role_mappings` field (400), not 403 — how the service reports it today.
        probes.push(
            server_fn_probe(
                "/api/sso/save",
                Access::Tenant(ManageSso),
                &w,
                &[("role_mappings", "x = owner")],
            )
            .then(ManageOwners, StatusCode::BAD_REQUEST),
        );
        checked += w.sweep(&app, &people, probes, &mut failures).await;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} (server function, role) checks disagree with the role matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Declares `ManageAi` but only asks for `ViewTenant`, then renames the tenant: what a
/// weakened guard on a write looks like to the role sweep.
fn weakly_guarded(database_url: String) -> Endpoint {
    let handler =
        move |State(state): State<AppState>, Auth(caller): Auth, Path(slug): Path<String>| {
            let database_url = database_url.clone();
            async move {
                use sea_orm::ConnectionTrait;
                TenantCtx::resolve(&state, &caller, &slug)
                    .await?
                    .require::<grants::ViewTenant>()?;
                crate::support::owner_connection(&database_url)
                    .await
                    .execute_unprepared(&format!(
                        "UPDATE tenants SET name = 'Taken over' WHERE slug = '{slug}'"
                    ))
                    .await
                    .unwrap();
                Ok::<_, AppError>("renamed")
            }
        };
    Endpoint::new(
        Method::PATCH,
        "/tenants/{slug}/weak",
        Access::Tenant(Permission::ManageAi),
        "an endpoint whose guard asks for too little",
        patch(handler),
    )
}

/// The role sweep notices a guard weaker than the permission its endpoint declares, and
/// the change the refused role could make.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_sweep_catches_a_weak_guard() {
    let (url, db) = sqlite_url().await;
    let mut with_weak = endpoints();
    with_weak.push(weakly_guarded(url.clone()));
    let app = TestApp::start_with(url.clone(), db, with_weak).await;
    let people = People::register(&app).await;
    let mut failures = Vec::new();
    for subject in [Subject::Member(Role::Viewer), Subject::Member(Role::Admin)] {
        let w = World::new(&app, &people, subject, &subject.slug("weak")).await;
        let probes = endpoint_probes(&[weakly_guarded(url.clone())], &w);
        w.sweep(&app, &people, probes, &mut failures).await;
    }
    let expected = [
        "viewer on PATCH /tenants/{slug}/weak (needs ManageAi): expected 403 Forbidden as \
         viewer lacks ManageAi, got 200 OK: renamed",
        "viewer on PATCH /tenants/{slug}/weak (needs ManageAi): answered 200 OK and changed \
         what GET /tenants/weak-viewer shows:",
        "viewer on PATCH /tenants/{slug}/weak (needs ManageAi): answered 200 OK and changed \
         what GET /admin/tenants?q=weak-viewer shows:",
    ];
    assert_eq!(failures.len(), expected.len(), "{failures:#?}");
    for (failure, expected) in failures.iter().zip(expected) {
        assert!(failure.starts_with(expected), "{failure}");
    }
    assert!(
        failures[1].contains(r#""name":"Taken over""#),
        "{}",
        failures[1]
    );
}

on_both_databases! {
    role_matrix => each_role_has_exactly_its_matrix_rights_on_every_endpoint;
    server_fn_role_matrix => each_role_has_exactly_its_matrix_rights_on_every_server_function;
}
