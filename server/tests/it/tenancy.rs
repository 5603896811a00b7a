//! Tenants, members and invitations through the REST API alone, and the isolation between
//! tenants: every cross-tenant attempt is a 404 that changes nothing.

use crate::support::{on_both_databases, TestApp};
use http::{Method, StatusCode};
use serde_json::json;

async fn a_script_can_run_the_whole_membership_lifecycle(app: TestApp) {
    let owner = app.user("olga@example.com").await;
    let pat = app.user("pat@example.com").await;
    app.tenant(&owner, "acme").await;

    let me = app.api(Method::GET, "/me", &owner, None).await.json();
    assert_eq!(me["tenants"][0]["slug"], "acme");
    assert_eq!(me["tenants"][0]["role"], "owner");

    let invite = app
        .api(
            Method::POST,
            "/tenants/acme/invitations",
            &owner,
            Some(json!({ "role": "member", "email": "Pat@Example.com" })),
        )
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.text());
    let body = invite.json();
    let token = body["token"].as_str().unwrap();
    assert!(body["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/invite/{token}")));
    assert!(body["expires_at"].is_string());

    let accepted = app
        .api(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            &pat,
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.json(), json!({ "slug": "acme", "role": "member" }));
    let again = app
        .api(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            &pat,
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "single use");

    let pat_id = app.user_id(&pat).await;
    let members = app
        .api(Method::GET, "/tenants/acme/members", &pat, None)
        .await
        .json();
    assert_eq!(members["items"].as_array().unwrap().len(), 2);

    // A member cannot manage members; the owner can.
    let denied = app
        .api(
            Method::PATCH,
            &format!("/tenants/acme/members/{pat_id}"),
            &pat,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let promoted = app
        .api(
            Method::PATCH,
            &format!("/tenants/acme/members/{pat_id}"),
            &owner,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text());
    assert_eq!(promoted.json()["role"], "admin");

    // An admin cannot touch owners or make owners.
    let owner_id = app.user_id(&owner).await;
    let r = app
        .api(
            Method::PATCH,
            &format!("/tenants/acme/members/{owner_id}"),
            &pat,
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .api(
            Method::POST,
            "/tenants/acme/invitations",
            &pat,
            Some(json!({ "role": "owner" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The last owner can neither leave nor be demoted.
    let r = app
        .api(
            Method::DELETE,
            &format!("/tenants/acme/members/{owner_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = app
        .api(
            Method::PATCH,
            &format!("/tenants/acme/members/{owner_id}"),
            &owner,
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Removal.
    let r = app
        .api(
            Method::DELETE,
            &format!("/tenants/acme/members/{pat_id}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/tenants/acme", &pat, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Every step above left an audit event.
    let owner_db = app.owner().await;
    use sea_orm::{ConnectionTrait, Statement};
    let row = owner_db
        .query_one(Statement::from_string(
            owner_db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_events",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    assert!(n >= 5, "{n} audit events");
}

async fn invitations_respect_e_mail_expiry_and_the_member_limit(app: TestApp) {
    let owner = app.user("ida@example.com").await;
    let other = app.user("jo@example.com").await;
    app.tenant(&owner, "ida-co").await;
    let invite = app
        .api(
            Method::POST,
            "/tenants/ida-co/invitations",
            &owner,
            Some(json!({ "role": "viewer", "email": "someone@example.com" })),
        )
        .await
        .json();
    let token = invite["token"].as_str().unwrap();
    let r = app
        .api(
            Method::POST,
            &format!("/invitations/{token}/accept"),
            &other,
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "invitation for another address"
    );
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("another e-mail"));

    let r = app
        .api(
            Method::POST,
            "/invitations/inv_garbage/accept",
            &other,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A limit of 2 members: owner + one pending invitation fills it.
    let conn = app.owner().await;
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared("UPDATE tenants SET max_users = 2 WHERE slug = 'ida-co'")
        .await
        .unwrap();
    let r = app
        .api(
            Method::POST,
            "/tenants/ida-co/invitations",
            &owner,
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("limit of 2 members"));
}

async fn cross_tenant_attempts_are_404_and_change_nothing(app: TestApp) {
    let alice = app.user("alice@a.example").await;
    let bob = app.user("bob@b.example").await;
    app.tenant(&alice, "tenant-a").await;
    app.tenant(&bob, "tenant-b").await;
    let alice_id = app.user_id(&alice).await;
    let before = app
        .api(Method::GET, "/tenants/tenant-a/members", &alice, None)
        .await
        .json();
    let invite = app
        .api(
            Method::POST,
            "/tenants/tenant-a/invitations",
            &alice,
            Some(json!({ "role": "member" })),
        )
        .await
        .json();
    let invitation_id = invite["id"].as_str().unwrap();

    for (method, path, body) in [
        (Method::GET, "/tenants/tenant-a".to_string(), None),
        (
            Method::PATCH,
            "/tenants/tenant-a".to_string(),
            Some(json!({ "name": "pwned" })),
        ),
        (Method::GET, "/tenants/tenant-a/members".to_string(), None),
        (
            Method::PATCH,
            format!("/tenants/tenant-a/members/{alice_id}"),
            Some(json!({ "role": "viewer" })),
        ),
        (
            Method::DELETE,
            format!("/tenants/tenant-a/members/{alice_id}"),
            None,
        ),
        (
            Method::POST,
            "/tenants/tenant-a/invitations".to_string(),
            Some(json!({ "role": "owner" })),
        ),
        (
            Method::GET,
            "/tenants/tenant-a/invitations".to_string(),
            None,
        ),
        (
            Method::DELETE,
            format!("/tenants/tenant-a/invitations/{invitation_id}"),
            None,
        ),
        // Tenant B's own routes with tenant A's ids.
        (
            Method::PATCH,
            format!("/tenants/tenant-b/members/{alice_id}"),
            Some(json!({ "role": "viewer" })),
        ),
        (
            Method::DELETE,
            format!("/tenants/tenant-b/members/{alice_id}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/tenants/tenant-b/invitations/{invitation_id}"),
            None,
        ),
    ] {
        let r = app.api(method.clone(), &path, &bob, body).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.text()
        );
        assert!(
            !r.text().contains("tenant-a Inc."),
            "no data of tenant A in {path}"
        );
    }
    let after = app
        .api(Method::GET, "/tenants/tenant-a/members", &alice, None)
        .await
        .json();
    assert_eq!(before, after, "members unchanged");
    let pending = app
        .api(Method::GET, "/tenants/tenant-a/invitations", &alice, None)
        .await
        .json();
    assert_eq!(
        pending["items"].as_array().unwrap().len(),
        1,
        "invitation unchanged"
    );
    let a = app
        .api(Method::GET, "/tenants/tenant-a", &alice, None)
        .await
        .json();
    assert_eq!(a["name"], "tenant-a Inc.");
}

async fn suspended_tenants_are_read_only_and_say_why(app: TestApp) {
    let owner = app.user("kim@example.com").await;
    app.tenant(&owner, "kim-co").await;
    let conn = app.owner().await;
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared("UPDATE tenants SET status = 'suspended' WHERE slug = 'kim-co'")
        .await
        .unwrap();
    assert_eq!(
        app.api(Method::GET, "/tenants/kim-co", &owner, None)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .api(
            Method::PATCH,
            "/tenants/kim-co",
            &owner,
            Some(json!({ "name": "x" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "tenant_suspended");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("suspended"));
}

async fn super_admins_administer_the_platform_through_audited_calls(app: TestApp) {
    let admin = app.user("root@example.com").await;
    let conn = app.owner().await;
    use sea_orm::{ConnectionTrait, Statement};
    conn.execute_unprepared(
        "UPDATE users SET is_super_admin = true WHERE email = 'root@example.com'",
    )
    .await
    .unwrap();
    let user = app.user("lou@example.com").await;
    app.tenant(&user, "lou-co").await;

    assert_eq!(
        app.api(Method::GET, "/admin/tenants", &user, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let tenants = app
        .api(Method::GET, "/admin/tenants?q=LOU", &admin, None)
        .await;
    assert_eq!(tenants.status, StatusCode::OK, "{}", tenants.text());
    assert_eq!(tenants.json()["items"][0]["slug"], "lou-co");
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/lou-co",
            &admin,
            Some(json!({ "suspended": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let lou_id = app.user_id(&user).await;
    let reset = app
        .api(
            Method::POST,
            &format!("/admin/users/{lou_id}/password-reset"),
            &admin,
            None,
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    let one_time = reset.json()["password"].as_str().unwrap().to_string();
    assert_eq!(one_time.len(), 20);
    assert_eq!(
        app.api(Method::GET, "/me", &user, None).await.status,
        StatusCode::UNAUTHORIZED,
        "signed out by the reset"
    );
    let login = app
        .api(
            Method::POST,
            "/auth/login",
            &crate::support::api::As::Anonymous,
            Some(json!({ "email": "lou@example.com", "password": one_time })),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "the one-time password works");
    let user = crate::support::api::As::Cookie(crate::support::api::session_cookie(&login));
    let r = app
        .api(
            Method::PATCH,
            &format!("/admin/users/{lou_id}"),
            &admin,
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/me", &user, None).await.status,
        StatusCode::UNAUTHORIZED,
        "disabled users are signed out"
    );

    let row = conn
        .query_one(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM platform_audit_events WHERE action = 'system_context.opened'",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = row.try_get("", "n").unwrap();
    assert_eq!(n, 4, "every SystemCtx use is audited");
}

on_both_databases! {
    membership_lifecycle => a_script_can_run_the_whole_membership_lifecycle;
    invitation_rules => invitations_respect_e_mail_expiry_and_the_member_limit;
    cross_tenant => cross_tenant_attempts_are_404_and_change_nothing;
    suspended_tenant => suspended_tenants_are_read_only_and_say_why;
    platform_admin => super_admins_administer_the_platform_through_audited_calls;
}

async fn platform_settings_close_sign_up_and_tenant_creation(app: TestApp) {
    use crate::support::api::{As, PASSWORD};
    let admin = app.user("boss@example.com").await;
    let conn = app.owner().await;
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared(
        "UPDATE users SET is_super_admin = true WHERE email = 'boss@example.com'",
    )
    .await
    .unwrap();
    let user = app.user("worker@example.com").await;
    assert_eq!(
        app.api(Method::GET, "/admin/settings", &user, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let current = app.api(Method::GET, "/admin/settings", &admin, None).await;
    assert_eq!(
        current.json(),
        json!({ "signup": "open", "tenant_creation": "anyone" })
    );

    let bad = app
        .api(
            Method::PUT,
            "/admin/settings",
            &admin,
            Some(json!({ "signup": "closed", "tenant_creation": "anyone" })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "signup");

    let set = app
        .api(
            Method::PUT,
            "/admin/settings",
            &admin,
            Some(json!({ "signup": "invite_only", "tenant_creation": "super_admin" })),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());

    let r = app
        .api(
            Method::POST,
            "/auth/register",
            &As::Anonymous,
            Some(json!({ "email": "new@example.com", "password": PASSWORD, "name": "New" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "signup_closed");

    let r = app
        .api(
            Method::POST,
            "/tenants",
            &user,
            Some(json!({ "slug": "worker-co", "name": "W" })),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only super-admins create tenants now"
    );
    app.tenant(&admin, "boss-co").await;

    // An invitation still lets someone sign up.
    let invite = app
        .api(
            Method::POST,
            "/tenants/boss-co/invitations",
            &admin,
            Some(json!({ "role": "member" })),
        )
        .await
        .json();
    let r = app
        .api(
            Method::POST,
            "/auth/register",
            &As::Anonymous,
            Some(json!({ "email": "invited@example.com", "password": PASSWORD, "name": "Invited", "invitation": invite["token"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

    // Member limits: validated, enforced, removable. boss-co has its owner and one
    // pending invitation.
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/boss-co",
            &admin,
            Some(json!({ "max_users": 0 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "max_users");
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/boss-co",
            &admin,
            Some(json!({ "max_users": 2 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let full = app
        .api(
            Method::POST,
            "/tenants/boss-co/invitations",
            &admin,
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT, "{}", full.text());
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/boss-co",
            &admin,
            Some(json!({ "max_users": null })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let ok = app
        .api(
            Method::POST,
            "/tenants/boss-co/invitations",
            &admin,
            Some(json!({ "role": "member" })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "limit removed");
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/nope-co",
            &admin,
            Some(json!({ "max_users": 5 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

on_both_databases! {
    platform_settings => platform_settings_close_sign_up_and_tenant_creation;
}
