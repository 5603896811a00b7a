//! The OpenAPI 3.1 document, generated from the endpoint table so it always matches the
//! router.

use super::{endpoints, Access, PREFIX};
use axum::Json;
use serde_json::{json, Map, Value};

pub async fn document() -> Json<Value> {
    Json(build())
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
        if e.access == Access::Public {
            op["security"] = json!([]);
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
