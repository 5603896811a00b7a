//! Audit events: tenant events in the tenant's own table (under its scope), platform
//! events (sign-ins, tenant creation, `SystemCtx` use) in the platform table.

use super::scope::TenantTx;
use crate::backend::entities::{audit_event, platform_audit_event};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

pub struct TenantEvent<'a> {
    pub actor: Option<Uuid>,
    pub action: &'static str,
    pub target: String,
    pub ip: &'a str,
    pub details: serde_json::Value,
}

/// Records an event in the transaction's tenant.
///
/// # Errors
/// Database errors.
pub async fn tenant(tx: &TenantTx, event: TenantEvent<'_>) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        tenant_id: Set(tx.tenant_id()),
        id: Set(Uuid::new_v4()),
        actor_user_id: Set(event.actor),
        action: Set(event.action.to_string()),
        target: Set(truncate(event.target, 300)),
        ip: Set(truncate(event.ip.to_string(), 64)),
        details: Set(event.details.to_string()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

pub struct PlatformEvent {
    pub actor: Option<Uuid>,
    pub action: &'static str,
    pub target: String,
    pub ip: String,
    pub details: serde_json::Value,
}

/// Records a platform event.
///
/// # Errors
/// Database errors.
pub async fn platform(db: &impl ConnectionTrait, event: PlatformEvent) -> Result<(), DbErr> {
    platform_audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        actor_user_id: Set(event.actor),
        action: Set(event.action.to_string()),
        target: Set(truncate(event.target, 300)),
        ip: Set(truncate(event.ip, 64)),
        details: Set(if event.details.is_null() {
            "{}".to_string()
        } else {
            event.details.to_string()
        }),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}
