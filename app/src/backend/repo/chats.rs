//! Chats of one user in one tenant. Every query filters on tenant *and* owner: a chat of
//! someone else, in this tenant or another, is simply not found.

use super::{built_once::BuiltOnce, messages::Context, scope::TenantTx};
use crate::backend::entities::{chat, chat_message};
use sea_orm::{
    sea_query::{Expr, Func, IntoCondition, LikeExpr, Query, SimpleExpr, SubQueryStatement},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait,
    FromQueryResult, IdenStatic, IntoActiveModel, JoinType, Order, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait, RelationDef, Select, SelectA, SelectB, Statement,
};
use uuid::Uuid;

pub use chat::Model as Chat;
use chat_message::Model as Message;

/// Who a chat query is for.
#[derive(Debug, Clone, Copy)]
pub struct Owner(pub Uuid);

fn mine(tx: &TenantTx, owner: Owner) -> Condition {
    Condition::all()
        .add(chat::Column::TenantId.eq(tx.tenant_id()))
        .add(chat::Column::UserId.eq(owner.0))
}

/// # Errors
/// Database errors.
pub async fn insert(tx: &TenantTx, mut row: Chat) -> Result<Chat, DbErr> {
    row.tenant_id = tx.tenant_id();
    row.into_active_model().reset_all().insert(tx.conn()).await
}

/// A live (not deleted) chat of `owner`.
///
/// # Errors
/// Database errors.
pub async fn get(tx: &TenantTx, owner: Owner, id: Uuid) -> Result<Option<Chat>, DbErr> {
    // Every send and every opening of a chat starts here: the SQL is built once.
    static SQL: BuiltOnce = BuiltOnce::new();
    let backend = tx.conn().get_database_backend();
    let build = || {
        chat::Entity::find()
            .filter(mine(tx, owner))
            .filter(chat::Column::Id.eq(id))
            .filter(chat::Column::DeletedAt.is_null())
            .limit(1)
            .build(backend)
    };
    let values = vec![
        tx.tenant_id().into(),
        owner.0.into(),
        id.into(),
        1_u64.into(),
    ];
    Chat::find_by_statement(SQL.statement(backend, build, values))
        .one(tx.conn())
        .await
}

/// A live chat of `owner` with its latest `limit` messages (oldest first), in one query:
/// opening a chat needs both.
///
/// # Errors
/// Database errors.
pub async fn get_with_latest(
    tx: &TenantTx,
    owner: Owner,
    id: Uuid,
    limit: u64,
) -> Result<Option<(Chat, Vec<Message>)>, DbErr> {
    static SQL: BuiltOnce = BuiltOnce::new();
    let rows = with_latest(tx, owner, id, limit, &SQL, |select, backend| {
        select.select_also(chat_message::Entity).build(backend)
    })
    .await?;
    // Each row repeats the chat's columns: they are read from the first only.
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let chat = Chat::from_query_result(first, SelectA.as_str())?;
    let messages = rows
        .iter()
        .filter_map(|row| Message::from_query_result_optional(row, SelectB.as_str()).transpose())
        .collect::<Result<_, _>>()?;
    Ok(Some((chat, messages)))
}

/// A live chat of `owner` with what the model is shown of its latest `limit` messages
/// (oldest first), in one query: every send needs both. Reading four columns of each
/// message instead of the whole row roughly halves the statement's cost, most of which is
/// copying and decoding the rows' values.
///
/// # Errors
/// Database errors.
pub async fn get_with_context(
    tx: &TenantTx,
    owner: Owner,
    id: Uuid,
    limit: u64,
) -> Result<Option<(Chat, Vec<Context>)>, DbErr> {
    static SQL: BuiltOnce = BuiltOnce::new();
    const SEQ: &str = "context_seq";
    const ROLE: &str = "context_role";
    const CONTENT: &str = "context_content";
    const STATUS: &str = "context_status";
    let rows = with_latest(tx, owner, id, limit, &SQL, |select, backend| {
        select
            .column_as(chat_message::Column::Seq, SEQ)
            .column_as(chat_message::Column::Role, ROLE)
            .column_as(chat_message::Column::Content, CONTENT)
            .column_as(chat_message::Column::Status, STATUS)
            .build(backend)
    })
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let chat = Chat::from_query_result(first, "")?;
    let mut context = Vec::with_capacity(rows.len());
    for row in &rows {
        // A chat without messages comes back as one row whose message columns are NULL.
        let Some(seq) = row.try_get::<Option<i64>>("", SEQ)? else {
            continue;
        };
        context.push(Context {
            seq,
            role: row.try_get("", ROLE)?,
            content: row.try_get("", CONTENT)?,
            status: row.try_get("", STATUS)?,
        });
    }
    Ok(Some((chat, context)))
}

/// The rows of a live chat of `owner` left-joined to its latest `limit` messages, oldest
/// first, with the columns `columns` adds to the query; its text is built once in `sql`.
async fn with_latest(
    tx: &TenantTx,
    owner: Owner,
    id: Uuid,
    limit: u64,
    sql: &BuiltOnce,
    columns: impl Fn(Select<chat::Entity>, DbBackend) -> Statement,
) -> Result<Vec<QueryResult>, DbErr> {
    let limit = limit.max(1);
    let backend = tx.conn().get_database_backend();
    let build = || {
        // The `seq` of the `limit`-th newest message, or 0 when there are fewer: the join is
        // then a range on the chat's `seq` index, however long the chat.
        let oldest = Query::select()
            .column(chat_message::Column::Seq)
            .from(chat_message::Entity)
            .and_where(chat_message::Column::TenantId.eq(tx.tenant_id()))
            .and_where(chat_message::Column::ChatId.eq(id))
            .order_by(chat_message::Column::Seq, Order::Desc)
            .limit(1)
            .offset(limit - 1)
            .to_owned();
        let from_seq = Func::coalesce([
            SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(oldest))),
            Expr::val(0_i64).into(),
        ]);
        // A join from the chat to its latest messages (a query's, not a schema relation).
        let latest: RelationDef = chat::Entity::belongs_to(chat_message::Entity)
            .from((chat::Column::TenantId, chat::Column::Id))
            .to((chat_message::Column::TenantId, chat_message::Column::ChatId))
            .on_condition(move |_chat, message| {
                Expr::col((message, chat_message::Column::Seq))
                    .gte(from_seq.clone())
                    .into_condition()
            })
            .into();
        let select = chat::Entity::find()
            .join(JoinType::LeftJoin, latest)
            .filter(mine(tx, owner))
            .filter(chat::Column::Id.eq(id))
            .filter(chat::Column::DeletedAt.is_null())
            .order_by_asc(chat_message::Column::Seq);
        columns(select, backend)
    };
    let values = vec![
        tx.tenant_id().into(),
        id.into(),
        1_u64.into(),
        (limit - 1).into(),
        0_i64.into(),
        tx.tenant_id().into(),
        owner.0.into(),
        id.into(),
    ];
    tx.conn()
        .query_all(sql.statement(backend, build, values))
        .await
}

/// Position in the sidebar order (pinned first, then most recent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub pinned: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn of(chat: &Chat) -> Self {
        Self {
            pinned: chat.pinned,
            updated_at: chat.updated_at,
            id: chat.id,
        }
    }

    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            u8::from(self.pinned),
            self.updated_at.timestamp_micros(),
            self.id.simple()
        )
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let pinned = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let micros: i64 = parts.next()?.parse().ok()?;
        let id = Uuid::parse_str(parts.next()?).ok()?;
        Some(Self {
            pinned,
            updated_at: chrono::DateTime::from_timestamp_micros(micros)?,
            id,
        })
    }
}

/// `%` and `_` typed by a person are literal characters, not wildcards.
fn like_pattern(query: &str) -> String {
    let escaped: String = query
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// `LOWER(column) LIKE pattern ESCAPE '\'`, with the pattern bound as a parameter on
/// every backend.
fn contains(
    column: impl sea_orm::sea_query::IntoColumnRef,
    pattern: &str,
) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

/// One page of `owner`'s chats in sidebar order; `query` searches titles and messages.
///
/// # Errors
/// Database errors.
pub async fn list(
    tx: &TenantTx,
    owner: Owner,
    query: Option<&str>,
    after: Option<Cursor>,
    limit: u64,
) -> Result<Vec<Chat>, DbErr> {
    let mut select = chat::Entity::find()
        .filter(mine(tx, owner))
        .filter(chat::Column::DeletedAt.is_null());
    if let Some(query) = query.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(query);
        let in_messages = Query::select()
            .expr(Expr::val(1))
            .from(chat_message::Entity)
            .and_where(chat_message::Column::TenantId.eq(tx.tenant_id()))
            .and_where(
                Expr::col((chat_message::Entity, chat_message::Column::ChatId))
                    .equals((chat::Entity, chat::Column::Id)),
            )
            .and_where(contains(
                (chat_message::Entity, chat_message::Column::Content),
                &pattern,
            ))
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(contains((chat::Entity, chat::Column::Title), &pattern))
                .add(Expr::exists(in_messages)),
        );
    }
    if let Some(c) = after {
        select = select.filter(
            Condition::any().add(chat::Column::Pinned.lt(c.pinned)).add(
                Condition::all().add(chat::Column::Pinned.eq(c.pinned)).add(
                    Condition::any()
                        .add(chat::Column::UpdatedAt.lt(c.updated_at))
                        .add(
                            Condition::all()
                                .add(chat::Column::UpdatedAt.eq(c.updated_at))
                                .add(chat::Column::Id.lt(c.id)),
                        ),
                ),
            ),
        );
    }
    select
        .order_by_desc(chat::Column::Pinned)
        .order_by_desc(chat::Column::UpdatedAt)
        .order_by_desc(chat::Column::Id)
        .limit(limit)
        .all(tx.conn())
        .await
}

/// Writes the editable columns of a chat loaded for `owner`.
///
/// # Errors
/// Database errors.
pub async fn save(tx: &TenantTx, owner: Owner, row: Chat) -> Result<Chat, DbErr> {
    if row.tenant_id != tx.tenant_id() || row.user_id != owner.0 {
        return Err(DbErr::RecordNotFound("chat".into()));
    }
    row.into_active_model().reset_all().update(tx.conn()).await
}

/// Soft delete (`deleted = true`) or undo it. Returns whether a chat of `owner` matched.
///
/// # Errors
/// Database errors.
pub async fn set_deleted(
    tx: &TenantTx,
    owner: Owner,
    id: Uuid,
    deleted: bool,
) -> Result<bool, DbErr> {
    let result = chat::Entity::update_many()
        .col_expr(
            chat::Column::DeletedAt,
            Expr::value(deleted.then(chrono::Utc::now)),
        )
        .filter(mine(tx, owner))
        .filter(chat::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// Sets the title unless the owner renamed the chat meanwhile (auto-title).
///
/// # Errors
/// Database errors.
pub async fn set_title_if(
    tx: &TenantTx,
    chat_id: Uuid,
    expected: &str,
    title: &str,
) -> Result<(), DbErr> {
    chat::Entity::update_many()
        .col_expr(chat::Column::Title, Expr::value(title))
        .filter(chat::Column::TenantId.eq(tx.tenant_id()))
        .filter(chat::Column::Id.eq(chat_id))
        .filter(chat::Column::Title.eq(expected))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Counts `owner`'s live chats (for tests and the empty state).
///
/// # Errors
/// Database errors.
pub async fn count(tx: &TenantTx, owner: Owner) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    chat::Entity::find()
        .filter(mine(tx, owner))
        .filter(chat::Column::DeletedAt.is_null())
        .count(tx.conn())
        .await
}

/// Removes chats deleted more than `grace` ago for good (their messages cascade).
///
/// # Errors
/// Database errors.
pub async fn purge_deleted(
    tx: &TenantTx,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let result = chat::Entity::delete_many()
        .filter(chat::Column::TenantId.eq(tx.tenant_id()))
        .filter(chat::Column::DeletedAt.lt(before))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            pinned: true,
            updated_at: chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("2.1.x"), None);
        assert_eq!(Cursor::decode(""), None);
    }

    #[test]
    fn wildcards_typed_by_people_are_literal() {
        assert_eq!(like_pattern("50%_Off"), "%50\\%\\_off%");
    }
}
