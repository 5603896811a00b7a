//! Daily usage counters, added to atomically (`INSERT … ON CONFLICT DO UPDATE`). The
//! database itself counts an answer when its end is stored (trigger `chat_messages_usage`);
//! `record` counts the rare answer whose row was gone by then.

use super::{built_once::BuiltOnce, scope::TenantTx};
use crate::backend::entities::usage_daily;
use sea_orm::{
    sea_query::{Alias, Expr, OnConflict},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set,
};
use uuid::Uuid;

pub use usage_daily::Model as UsageRow;

/// One request's contribution.
pub struct Usage<'a> {
    pub user_id: Uuid,
    pub model: &'a str,
    pub failed: bool,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub latency_ms: i64,
}

/// Adds one request to the day's row, as the trigger does.
///
/// # Errors
/// Database errors.
pub async fn record(tx: &TenantTx, usage: Usage<'_>) -> Result<(), DbErr> {
    use usage_daily::Column as C;
    static SQL: BuiltOnce = BuiltOnce::new();
    let day = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let model: String = usage.model.chars().take(300).collect();
    let errors = i64::from(usage.failed);
    let backend = tx.conn().get_database_backend();
    let build = || {
        let row = usage_daily::ActiveModel {
            tenant_id: Set(tx.tenant_id()),
            day: Set(day.clone()),
            user_id: Set(usage.user_id),
            model: Set(model.clone()),
            requests: Set(1),
            errors: Set(errors),
            prompt_tokens: Set(usage.prompt_tokens),
            completion_tokens: Set(usage.completion_tokens),
            latency_ms_total: Set(usage.latency_ms),
        };
        let add = |c: C| {
            (
                c,
                Expr::col((usage_daily::Entity, c)).add(Expr::col((Alias::new("excluded"), c))),
            )
        };
        usage_daily::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([C::TenantId, C::Day, C::UserId, C::Model])
                    .values([
                        add(C::Requests),
                        add(C::Errors),
                        add(C::PromptTokens),
                        add(C::CompletionTokens),
                        add(C::LatencyMsTotal),
                    ])
                    .to_owned(),
            )
            .build(backend)
    };
    let values = vec![
        tx.tenant_id().into(),
        day.clone().into(),
        usage.user_id.into(),
        model.clone().into(),
        1_i64.into(),
        errors.into(),
        usage.prompt_tokens.into(),
        usage.completion_tokens.into(),
        usage.latency_ms.into(),
    ];
    tx.conn()
        .execute(SQL.statement(backend, build, values))
        .await?;
    Ok(())
}

/// The tenant's usage rows, newest day first.
///
/// # Errors
/// Database errors.
pub async fn list(tx: &TenantTx) -> Result<Vec<UsageRow>, DbErr> {
    usage_daily::Entity::find()
        .filter(usage_daily::Column::TenantId.eq(tx.tenant_id()))
        .order_by_desc(usage_daily::Column::Day)
        .all(tx.conn())
        .await
}
