//! One marker type per permission of the role matrix, for `TenantCtx::require`.

use crate::roles::Permission;

/// A permission as a type, so a service can demand proof of it in its signature.
pub trait Grant {
    const PERMISSION: Permission;
}

macro_rules! grants {
    ($($name:ident),+ $(,)?) => {
        $(
            #[derive(Debug, Clone, Copy)]
            pub struct $name;
            impl Grant for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )+
    };
}

grants!(
    ViewTenant,
    LeaveTenant,
    UseWorkspace,
    UpdateTenant,
    ManageInvitations,
    ManageMembers,
    ManageAi,
    ManageSso,
    ViewAuditLog,
    ManageOwners,
);
