//! What the command palette offers: every page the caller may open, in every organisation
//! they belong to, and a new chat; matched against what is typed.

use crate::dto::account::MeDto;
use crate::roles::Permission;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub label: String,
    /// Where it belongs (an organisation's name, or "Parley").
    pub group: String,
    pub href: String,
}

impl Command {
    fn new(label: impl Into<String>, group: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            group: group.into(),
            href: href.into(),
        }
    }

    /// Every word typed appears in the label or the group, in any order and case.
    pub fn matches(&self, query: &str) -> bool {
        let haystack = format!("{} {}", self.label, self.group).to_lowercase();
        query
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word))
    }
}

/// The pages of the caller, the current organisation's first.
pub fn commands(me: &MeDto, current: Option<&str>) -> Vec<Command> {
    let mut tenants: Vec<_> = me.tenants.iter().collect();
    tenants.sort_by_key(|t| Some(t.slug.as_str()) != current);
    let mut list = Vec::new();
    for t in tenants {
        let base = format!("/t/{}", t.slug);
        if t.may(Permission::UseWorkspace) {
            list.push(Command::new(
                "New chat",
                &t.name,
                format!("{base}/chat?chat=new"),
            ));
            list.push(Command::new("Chat", &t.name, format!("{base}/chat")));
        }
        list.push(Command::new("Overview", &t.name, base.clone()));
        list.push(Command::new("Members", &t.name, format!("{base}/members")));
        if t.may(Permission::ManageAi) {
            list.push(Command::new(
                crate::labels::AI_SETTINGS,
                &t.name,
                format!("{base}/settings/ai"),
            ));
        }
        if t.may(Permission::ManageSso) {
            list.push(Command::new(
                "Single sign-on",
                &t.name,
                format!("{base}/settings/sso"),
            ));
        }
    }
    list.push(Command::new("Home", "Parley", "/"));
    list.push(Command::new("Account", "Parley", "/account"));
    list.push(Command::new("New organisation", "Parley", "/new"));
    if me.is_super_admin {
        list.push(Command::new("Platform admin", "Parley", "/admin"));
    }
    list.push(Command::new("System status", "Parley", "/status"));
    list
}

/// The keyboard shortcuts, as the palette lists them.
pub const SHORTCUTS: [(&str, &str); 5] = [
    ("Ctrl/⌘ K", "Open this palette"),
    ("Enter", "Send a message (Shift+Enter: new line)"),
    ("Delete", "Close the chat tab that has focus"),
    ("↑ ↓", "Move in menus and in this list"),
    ("Escape", "Close a menu, a drawer or this palette"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::account::MyTenantDto;
    use crate::roles::Role;
    use uuid::Uuid;

    fn me(tenants: &[(&str, Role)], super_admin: bool) -> MeDto {
        MeDto {
            id: Uuid::nil(),
            email: "a@b.test".into(),
            name: "A".into(),
            is_super_admin: super_admin,
            tenants: tenants
                .iter()
                .map(|(slug, role)| MyTenantDto {
                    slug: (*slug).into(),
                    name: slug.to_uppercase(),
                    role: *role,
                    suspended: false,
                })
                .collect(),
            last_tenant: None,
        }
    }

    fn hrefs(list: &[Command]) -> Vec<&str> {
        list.iter().map(|c| c.href.as_str()).collect()
    }

    #[test]
    fn offers_only_what_the_role_may_open() {
        let list = commands(
            &me(&[("acme", Role::Viewer), ("beta", Role::Admin)], false),
            None,
        );
        let offered = hrefs(&list);
        assert!(!offered.contains(&"/t/acme/chat"), "viewers do not chat");
        assert!(!offered.contains(&"/t/acme/settings/ai"));
        assert!(offered.contains(&"/t/acme/members"));
        assert!(offered.contains(&"/t/beta/settings/ai"));
        assert!(offered.contains(&"/t/beta/chat?chat=new"));
        assert!(!offered.contains(&"/admin"));
        assert!(hrefs(&commands(&me(&[], true), None)).contains(&"/admin"));
    }

    #[test]
    fn the_current_organisation_comes_first() {
        let list = commands(
            &me(&[("acme", Role::Member), ("beta", Role::Member)], false),
            Some("beta"),
        );
        assert_eq!(list[0].href, "/t/beta/chat?chat=new");
    }

    #[test]
    fn every_word_must_match_in_any_order() {
        let command = Command::new("Members", "Acme Corp", "/t/acme/members");
        assert!(command.matches("acme mem"));
        assert!(command.matches("MEMBERS"));
        assert!(command.matches(""));
        assert!(!command.matches("acme chat"));
    }
}
