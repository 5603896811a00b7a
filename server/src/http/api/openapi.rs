//! The OpenAPI 3.1 document, generated from the endpoint table so it always matches the
//! router.

use super::{endpoints, Access, PREFIX};
use app::roles::{Permission, Role};
use axum::Json;
use serde_json::{json, Map, Value};

pub async fn document() -> Json<Value> {
    Json(build())
}

/// A tenant endpoint's requirement in words, from the role matrix.
fn requirement(permission: Permission) -> String {
    let roles: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|role| role.can(permission))
        .map(Role::as_str)
        .collect();
    format!(
        "Requires the `{permission:?}` permission in the tenant `{{slug}}` ({}): {}. \
         Not a member: 404; a role without it: 403.",
        roles.join(", "),
        permission.describe()
    )
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for e in endpoints() {
        let path = format!("{PREFIX}{}", e.path);
        let params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut op = json!({
            "summary": e.summary,
            "parameters": params,
            "responses": {
                "default": { "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            },
        });
        match e.access {
            Access::Public => op["security"] = json!([]),
            Access::SignedIn => {}
            Access::Account => {
                op["x-parley-account-wide"] = json!(true);
                op["description"] = json!(
                    "Acts on the caller's whole account: a session, or an API token without a tenant limit."
                );
            }
            Access::Tenant(permission) => {
                op["x-parley-permission"] = json!(permission);
                op["description"] = json!(requirement(permission));
            }
            Access::SuperAdmin => {
                op["x-parley-super-admin"] = json!(true);
                op["description"] = json!(
                    "Platform super-admins only (a session, or an API token without a tenant limit)."
                );
            }
        }
        if matches!(e.method.as_str(), "POST" | "PATCH") {
            op["requestBody"] =
                json!({ "content": { "application/json": { "schema": { "type": "object" } } } });
        }
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[e.method.as_str().to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Parley API", "version": "1" },
        "paths": paths,
        "security": [{ "session": [] }, { "bearer": [] }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "__Host-parley_session" },
                "bearer": { "type": "http", "scheme": "bearer", "description": "A personal API token (pat_…)" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": { "type": "string" },
                            "message": { "type": "string" },
                            "field": { "type": "string" },
                            "reference": { "type": "string" }
                        }
                    } }
                }
            }
        }
    })
}
