//! The role matrix: what each tenant role may do, written once. The backend's typed guards
//! (`backend::authz`) read it, the UI uses it to hide what a role cannot use, and the
//! README table is checked against it by a test.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's role in one tenant, weakest first: each role may do all a weaker one may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Member,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Member, Role::Admin, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Member => "member",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Viewer => "Viewer",
            Self::Member => "Member",
            Self::Admin => "Admin",
            Self::Owner => "Owner",
        }
    }

    /// May this role do `permission`?
    pub fn can(self, permission: Permission) -> bool {
        self >= permission.min_role()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! permissions {
    ($($name:ident => $role:ident, $writes:literal, $doc:literal;)+) => {
        /// Everything a tenant role can be allowed to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Permission {
            $(#[doc = $doc] $name,)+
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$name,)+];

            /// The weakest role that holds this permission.
            pub fn min_role(self) -> Role {
                match self { $(Self::$name => Role::$role,)+ }
            }

            /// Whether it changes data (refused in a suspended tenant).
            pub fn writes(self) -> bool {
                match self { $(Self::$name => $writes,)+ }
            }

            pub fn describe(self) -> &'static str {
                match self { $(Self::$name => $doc,)+ }
            }
        }
    };
}

permissions! {
    ViewTenant => Viewer, false, "See the organisation, its settings and its members";
    LeaveTenant => Viewer, true, "Leave the organisation";
    UseWorkspace => Member, true, "Create and use their own chats, prompts and files";
    UpdateTenant => Admin, true, "Rename the organisation, change branding and settings";
    ManageInvitations => Admin, true, "Invite people with the member, viewer or admin role";
    ManageMembers => Admin, true, "Change the role of and remove members, viewers and admins";
    ManageAi => Admin, true, "Configure AI providers, their keys and models, and chat defaults";
    ManageSso => Admin, true, "Configure single sign-on: connections, role mappings, requiring SSO";
    ViewAuditLog => Admin, false, "Read the organisation's audit log";
    ManageOwners => Owner, true, "Make someone an owner, demote or remove an owner, invite owners";
}

/// Why a member may not do something in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Their role lacks the permission.
    Role,
    /// The organisation is suspended, and the permission changes data.
    Suspended,
}

/// The one rule for "may this role do this here": the server's `TenantCtx::require` applies
/// it, and pages use it to offer only what the server will allow.
pub fn refusal(role: Role, suspended: bool, permission: Permission) -> Option<Refusal> {
    if !role.can(permission) {
        Some(Refusal::Role)
    } else if suspended && permission.writes() {
        Some(Refusal::Suspended)
    } else {
        None
    }
}

/// The matrix as a Markdown table (rows: permissions; columns: roles).
pub fn matrix_markdown() -> String {
    let mut out =
        String::from("| may… | viewer | member | admin | owner |\n|---|---|---|---|---|\n");
    for p in Permission::ALL {
        out.push_str("| ");
        out.push_str(p.describe());
        for role in Role::ALL {
            out.push_str(if role.can(*p) { " | ✓" } else { " | –" });
        }
        out.push_str(" |\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parse_back() {
        assert!(
            Role::Viewer < Role::Member && Role::Member < Role::Admin && Role::Admin < Role::Owner
        );
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(serde_json::to_value(Role::Admin).unwrap(), "admin");
    }

    #[test]
    fn the_matrix_is_monotonic() {
        for p in Permission::ALL {
            let holders: Vec<bool> = Role::ALL.iter().map(|r| r.can(*p)).collect();
            // Once a role may, every stronger role may too.
            assert!(holders.windows(2).all(|w| !w[0] || w[1]), "{p:?}");
            assert!(Role::Owner.can(*p), "owners may do everything: {p:?}");
        }
    }

    #[test]
    fn key_rights_are_where_the_readme_says() {
        assert!(!Role::Viewer.can(Permission::UseWorkspace));
        assert!(Role::Member.can(Permission::UseWorkspace));
        assert!(!Role::Member.can(Permission::ManageInvitations));
        assert!(Role::Admin.can(Permission::ManageMembers));
        assert!(!Role::Admin.can(Permission::ManageOwners));
        assert!(Role::Owner.can(Permission::ManageOwners));
    }

    #[test]
    fn readme_shows_the_current_matrix() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&matrix_markdown()),
            "README.md's role matrix is out of date; paste:\n{}",
            matrix_markdown()
        );
    }
}
