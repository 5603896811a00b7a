//! The claim → role mapping: which tenant role a signed-in identity gets. Evaluated at every
//! sign-in, so a role removed at the identity provider is removed here too.

use crate::{dto::sso::RoleMapping, roles::Role};
use serde_json::Value;

/// The strings in claim `name` of a token payload: a string claim gives one, an array its
/// string members; anything else none.
pub fn claim_values(payload: &Value, name: &str) -> Vec<String> {
    match payload.get(name) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The first mapping (in priority order) whose value the claim holds; otherwise
/// `fallback`. `None` means the sign-in is refused (fail closed).
pub fn evaluate(
    values: &[String],
    mappings: &[RoleMapping],
    fallback: Option<Role>,
) -> Option<Role> {
    mappings
        .iter()
        .find(|m| values.iter().any(|v| v == &m.value))
        .map(|m| m.role)
        .or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(value: &str, role: Role) -> RoleMapping {
        RoleMapping {
            value: value.into(),
            role,
        }
    }

    #[test]
    fn claims_read_as_strings_or_arrays() {
        let payload = json!({"roles": ["A", 3, "B"], "dept": "sales", "n": 1});
        assert_eq!(claim_values(&payload, "roles"), ["A", "B"]);
        assert_eq!(claim_values(&payload, "dept"), ["sales"]);
        assert!(claim_values(&payload, "n").is_empty());
        assert!(claim_values(&payload, "groups").is_empty());
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = [
            rule("Parley.Owner", Role::Owner),
            rule("Parley.Admin", Role::Admin),
            rule("Parley.User", Role::Member),
        ];
        let values = vec!["Parley.User".to_string(), "Parley.Admin".to_string()];
        assert_eq!(evaluate(&values, &rules, None), Some(Role::Admin));
        assert_eq!(
            evaluate(&["Parley.User".into()], &rules, None),
            Some(Role::Member)
        );
    }

    #[test]
    fn no_match_falls_back_or_fails_closed() {
        let rules = [rule("Parley.Admin", Role::Admin)];
        assert_eq!(evaluate(&["Other".into()], &rules, None), None);
        assert_eq!(
            evaluate(&[], &rules, Some(Role::Viewer)),
            Some(Role::Viewer)
        );
        // Values match exactly: no case folding, no prefixes.
        assert_eq!(evaluate(&["parley.admin".into()], &rules, None), None);
    }
}
