//! A request's credential (a session or an API token) by the hash of its secret, with its
//! user and, for a request to a tenant's URL, the user's membership there: one statement,
//! as every authenticated request starts here.
//!
//! The membership is read along only on SQLite. On PostgreSQL row-level security hides
//! memberships until the user is known, so there `TenantCtx::resolve` reads it after, in
//! the user's scope.

use super::{built_once::BuiltOnce, users::User};
use crate::backend::entities::{membership, tenant, user};
use crate::roles::Role;
use sea_orm::{
    sea_query::{Expr, IntoCondition},
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType, QueryFilter,
    QuerySelect, QueryTrait, RelationDef, SelectThreeModel, SelectTwoModel, SelectorTrait,
};

/// The SQL of one credential kind's lookups, built once each.
pub struct LookupSql {
    alone: BuiltOnce,
    in_tenant: BuiltOnce,
}

impl LookupSql {
    pub const fn new() -> Self {
        Self {
            alone: BuiltOnce::new(),
            in_tenant: BuiltOnce::new(),
        }
    }
}

impl Default for LookupSql {
    fn default() -> Self {
        Self::new()
    }
}

/// The tenant a request's URL names, as read with its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantLookup {
    pub slug: String,
    /// The tenant and the user's role in it; `None` when there is no such tenant or the
    /// user is not a member.
    pub membership: Option<(tenant::Model, Role)>,
}

/// What one credential lookup found.
pub struct Found<M> {
    pub credential: M,
    pub user: User,
    /// Read when a slug was given and the database is SQLite.
    pub tenant: Option<TenantLookup>,
}

/// The credential whose secret hashes to `hash`, in the table of `E`, with its user; with
/// `in_tenant`, on SQLite, also the user's membership in the tenant of that slug.
///
/// # Errors
/// Database errors; a stored role Parley does not know.
pub async fn find<E: EntityTrait>(
    db: &impl ConnectionTrait,
    sql: &LookupSql,
    hash_column: E::Column,
    hash: String,
    user_column: E::Column,
    in_tenant: Option<&str>,
) -> Result<Option<Found<E::Model>>, DbErr> {
    let backend = db.get_database_backend();
    // The credential with its user: both lookups start with it.
    let with_user = || {
        let owner: RelationDef = E::belongs_to(user::Entity)
            .from(user_column)
            .to(user::Column::Id)
            .into();
        E::find()
            .filter(hash_column.eq(hash.as_str()))
            .join(JoinType::InnerJoin, owner)
            .select_also(user::Entity)
    };
    let slug = match in_tenant {
        Some(slug) if backend == DbBackend::Sqlite => slug,
        _ => {
            let build = || with_user().limit(1).build(backend);
            let values = vec![hash.as_str().into(), 1_u64.into()];
            let found = db
                .query_one(sql.alone.statement(backend, build, values))
                .await?
                .map(SelectTwoModel::<E::Model, User>::from_raw_query_result)
                .transpose()?;
            return Ok(found.and_then(|(credential, user)| {
                Some(Found {
                    credential,
                    user: user?,
                    tenant: None,
                })
            }));
        }
    };
    let build = || {
        let mut select = with_user();
        QueryTrait::query(&mut select)
            .join(
                JoinType::LeftJoin,
                tenant::Entity,
                Expr::col((tenant::Entity, tenant::Column::Slug))
                    .eq(slug)
                    .into_condition(),
            )
            .join(
                JoinType::LeftJoin,
                membership::Entity,
                Expr::col((membership::Entity, membership::Column::TenantId))
                    .equals((tenant::Entity, tenant::Column::Id))
                    .and(
                        Expr::col((membership::Entity, membership::Column::UserId))
                            .equals((user::Entity, user::Column::Id)),
                    )
                    .into_condition(),
            );
        select
            .select_also(tenant::Entity)
            .column_as(
                Expr::col((membership::Entity, membership::Column::Role)),
                ROLE,
            )
            .limit(1)
            .build(backend)
    };
    let values = vec![slug.into(), hash.as_str().into(), 1_u64.into()];
    let Some(row) = db
        .query_one(sql.in_tenant.statement(backend, build, values))
        .await?
    else {
        return Ok(None);
    };
    let role: Option<String> = row.try_get("", ROLE)?;
    let (credential, user, tenant) =
        SelectThreeModel::<E::Model, User, tenant::Model>::from_raw_query_result(row)?;
    let Some(user) = user else {
        return Ok(None);
    };
    let membership = match (tenant, role) {
        (Some(tenant), Some(role)) => Some((
            tenant,
            Role::parse(&role).ok_or_else(|| DbErr::Custom(format!("unknown role {role:?}")))?,
        )),
        _ => None,
    };
    Ok(Some(Found {
        credential,
        user,
        tenant: Some(TenantLookup {
            slug: slug.to_string(),
            membership,
        }),
    }))
}

/// The column that carries the membership's role.
const ROLE: &str = "membership_role";
