//! Messages of a chat, in `seq` order. Callers have already checked that the chat belongs
//! to the caller (`chats::get`); every query still filters on the tenant.

use super::{
    built_once::{returning_all, BuiltOnce},
    scope::{SystemTx, TenantTx},
};
use crate::backend::entities::chat_message;
use crate::dto::chat::MessageStatus;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    FromQueryResult, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

pub use chat_message::Model as Message;

/// The part of a message an answer's context is made of: what a send reads of each of the
/// chat's latest messages (`chats::get_with_context`) instead of whole rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub seq: i64,
    pub role: String,
    pub content: String,
    pub status: String,
}

impl From<Message> for Context {
    fn from(m: Message) -> Self {
        Self {
            seq: m.seq,
            role: m.role,
            content: m.content,
            status: m.status,
        }
    }
}

fn in_chat(tx: &TenantTx, chat_id: Uuid) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(chat_message::Column::TenantId.eq(tx.tenant_id()))
        .add(chat_message::Column::ChatId.eq(chat_id))
}

/// # Errors
/// Database errors (a duplicate client id is a unique violation).
pub async fn insert(tx: &TenantTx, mut row: Message) -> Result<Message, DbErr> {
    row.tenant_id = tx.tenant_id();
    row.into_active_model().reset_all().insert(tx.conn()).await
}

/// Inserts a question and its answer in one statement.
///
/// # Errors
/// Database errors (a duplicate client id or `seq` is a unique violation).
pub async fn insert_pair(tx: &TenantTx, question: &Message, answer: &Message) -> Result<(), DbErr> {
    let rows = [question, answer].map(|row| {
        let mut row = row.clone();
        row.tenant_id = tx.tenant_id();
        row.into_active_model().reset_all()
    });
    chat_message::Entity::insert_many(rows)
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// # Errors
/// Database errors.
pub async fn get(tx: &TenantTx, chat_id: Uuid, id: Uuid) -> Result<Option<Message>, DbErr> {
    chat_message::Entity::find()
        .filter(in_chat(tx, chat_id))
        .filter(chat_message::Column::Id.eq(id))
        .one(tx.conn())
        .await
}

/// The message sent earlier with this client id, if any (idempotent sends).
///
/// # Errors
/// Database errors.
pub async fn by_client_id(
    tx: &TenantTx,
    chat_id: Uuid,
    client_id: &str,
) -> Result<Option<Message>, DbErr> {
    chat_message::Entity::find()
        .filter(in_chat(tx, chat_id))
        .filter(chat_message::Column::ClientMessageId.eq(client_id))
        .one(tx.conn())
        .await
}

/// The message right after `seq` (the answer to a user message).
///
/// # Errors
/// Database errors.
pub async fn after(tx: &TenantTx, chat_id: Uuid, seq: i64) -> Result<Option<Message>, DbErr> {
    chat_message::Entity::find()
        .filter(in_chat(tx, chat_id))
        .filter(chat_message::Column::Seq.gt(seq))
        .order_by_asc(chat_message::Column::Seq)
        .one(tx.conn())
        .await
}

/// Up to `limit` messages before `before` (or the latest), oldest first. Every send reads
/// the latest page (the answer's context) and every opening of a chat too, so the SQL of
/// both shapes is built once.
///
/// # Errors
/// Database errors.
pub async fn page(
    tx: &TenantTx,
    chat_id: Uuid,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Message>, DbErr> {
    static LATEST: BuiltOnce = BuiltOnce::new();
    static BEFORE: BuiltOnce = BuiltOnce::new();
    let backend = tx.conn().get_database_backend();
    let build = || {
        let mut select = chat_message::Entity::find().filter(in_chat(tx, chat_id));
        if let Some(before) = before {
            select = select.filter(chat_message::Column::Seq.lt(before));
        }
        select
            .order_by_desc(chat_message::Column::Seq)
            .limit(limit)
            .build(backend)
    };
    let mut values = vec![tx.tenant_id().into(), chat_id.into()];
    values.extend(before.map(Into::into));
    values.push(limit.into());
    let sql = if before.is_some() { &BEFORE } else { &LATEST };
    let mut rows = Message::find_by_statement(sql.statement(backend, build, values))
        .all(tx.conn())
        .await?;
    rows.reverse();
    Ok(rows)
}

/// Deletes the messages from `seq` on (regenerate, edit and resend).
///
/// # Errors
/// Database errors.
pub async fn delete_from(tx: &TenantTx, chat_id: Uuid, seq: i64) -> Result<u64, DbErr> {
    let result = chat_message::Entity::delete_many()
        .filter(in_chat(tx, chat_id))
        .filter(chat_message::Column::Seq.gte(seq))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected)
}

/// Stores the text streamed so far. Returns false when the answer is no longer streaming
/// (stopped from elsewhere, or swept as interrupted).
///
/// # Errors
/// Database errors.
pub async fn save_progress(tx: &TenantTx, id: Uuid, content: &str) -> Result<bool, DbErr> {
    let result = chat_message::Entity::update_many()
        .col_expr(chat_message::Column::Content, Expr::value(content))
        .col_expr(
            chat_message::Column::UpdatedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(chat_message::Column::TenantId.eq(tx.tenant_id()))
        .filter(chat_message::Column::Id.eq(id))
        .filter(chat_message::Column::Status.eq(MessageStatus::Streaming.as_str()))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// How an answer ended.
pub struct Outcome<'a> {
    pub status: MessageStatus,
    pub content: &'a str,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub latency_ms: Option<i32>,
    pub error: Option<(&'a str, &'a str)>,
}

/// Stores how an answer ended; returns the stored row (`None` when it no longer exists, e.g.
/// its chat was deleted meanwhile).
///
/// # Errors
/// Database errors.
pub async fn finish(
    tx: &TenantTx,
    id: Uuid,
    outcome: Outcome<'_>,
) -> Result<Option<Message>, DbErr> {
    // Every answer ends here: the SQL is built once.
    static SQL: BuiltOnce = BuiltOnce::new();
    let (code, message) = outcome.error.unzip();
    let now = chrono::Utc::now();
    let backend = tx.conn().get_database_backend();
    let build = || {
        let update = chat_message::Entity::update_many()
            .col_expr(
                chat_message::Column::Status,
                Expr::value(outcome.status.as_str()),
            )
            .col_expr(chat_message::Column::Content, Expr::value(outcome.content))
            .col_expr(
                chat_message::Column::PromptTokens,
                Expr::value(outcome.prompt_tokens),
            )
            .col_expr(
                chat_message::Column::CompletionTokens,
                Expr::value(outcome.completion_tokens),
            )
            .col_expr(
                chat_message::Column::LatencyMs,
                Expr::value(outcome.latency_ms),
            )
            .col_expr(chat_message::Column::ErrorCode, Expr::value(code))
            .col_expr(chat_message::Column::ErrorMessage, Expr::value(message))
            .col_expr(chat_message::Column::UpdatedAt, Expr::value(now))
            .filter(chat_message::Column::TenantId.eq(tx.tenant_id()))
            .filter(chat_message::Column::Id.eq(id))
            .into_query();
        returning_all::<chat_message::Entity>(update, backend)
    };
    let values = vec![
        outcome.status.as_str().into(),
        outcome.content.into(),
        outcome.prompt_tokens.into(),
        outcome.completion_tokens.into(),
        outcome.latency_ms.into(),
        code.into(),
        message.into(),
        now.into(),
        tx.tenant_id().into(),
        id.into(),
    ];
    Message::find_by_statement(SQL.statement(backend, build, values))
        .all(tx.conn())
        .await
        .map(|rows| rows.into_iter().next())
}

/// Marks `streaming` answers last written before `cutoff` as `interrupted`, in every
/// tenant: their writer is gone (crash, `kill -9`, lost instance).
///
/// # Errors
/// Database errors.
pub async fn sweep_abandoned(
    tx: &SystemTx,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let result = chat_message::Entity::update_many()
        .col_expr(
            chat_message::Column::Status,
            Expr::value(MessageStatus::Interrupted.as_str()),
        )
        .col_expr(
            chat_message::Column::ErrorCode,
            Expr::value("interrupted"),
        )
        .col_expr(
            chat_message::Column::ErrorMessage,
            Expr::value("The server restarted while this answer was being written. The text so far is kept; regenerate to get a full answer."),
        )
        .filter(chat_message::Column::Status.eq(MessageStatus::Streaming.as_str()))
        .filter(chat_message::Column::UpdatedAt.lt(cutoff))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected)
}
