//! Memberships, always within one tenant (`TenantTx`), except a user's own list (`UserTx`).

use super::{
    built_once::BuiltOnce,
    scope::{TenantTx, UserTx},
};
use crate::backend::entities::{membership, tenant, user};
use crate::roles::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationDef, SelectTwoModel, SelectorTrait,
    Set,
};
use uuid::Uuid;

/// A member as the member list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
}

fn role_of(m: &membership::Model) -> Result<Role, DbErr> {
    Role::parse(&m.role).ok_or_else(|| DbErr::Custom(format!("unknown role {:?}", m.role)))
}

/// # Errors
/// Database errors.
pub async fn list(tx: &TenantTx) -> Result<Vec<Member>, DbErr> {
    let rows = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .all(tx.conn())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Email)
        .all(tx.conn())
        .await?;
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        if let Some(m) = rows.iter().find(|m| m.user_id == u.id) {
            out.push(Member {
                user_id: u.id,
                email: u.email,
                name: u.name,
                role: role_of(m)?,
            });
        }
    }
    Ok(out)
}

/// # Errors
/// Database errors.
pub async fn role(tx: &TenantTx, user_id: Uuid) -> Result<Option<Role>, DbErr> {
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .filter(membership::Column::UserId.eq(user_id))
        .one(tx.conn())
        .await?
        .map(|m| role_of(&m))
        .transpose()
}

/// # Errors
/// Database errors.
pub async fn count(tx: &TenantTx) -> Result<u64, DbErr> {
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .count(tx.conn())
        .await
}

/// # Errors
/// Database errors.
pub async fn count_role(tx: &TenantTx, role: Role) -> Result<u64, DbErr> {
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .filter(membership::Column::Role.eq(role.as_str()))
        .count(tx.conn())
        .await
}

/// # Errors
/// Database errors, including a duplicate membership.
pub async fn insert(tx: &TenantTx, user_id: Uuid, role: Role) -> Result<(), DbErr> {
    let now = chrono::Utc::now();
    membership::ActiveModel {
        tenant_id: Set(tx.tenant_id()),
        user_id: Set(user_id),
        role: Set(role.as_str().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

/// Returns false when the user is not a member of this tenant.
///
/// # Errors
/// Database errors.
pub async fn set_role(tx: &TenantTx, user_id: Uuid, role: Role) -> Result<bool, DbErr> {
    let result = membership::Entity::update_many()
        .col_expr(
            membership::Column::Role,
            sea_orm::sea_query::Expr::value(role.as_str()),
        )
        .col_expr(
            membership::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .filter(membership::Column::UserId.eq(user_id))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Returns false when the user is not a member of this tenant.
///
/// # Errors
/// Database errors.
pub async fn delete(tx: &TenantTx, user_id: Uuid) -> Result<bool, DbErr> {
    let result = membership::Entity::delete_many()
        .filter(membership::Column::TenantId.eq(tx.tenant_id()))
        .filter(membership::Column::UserId.eq(user_id))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// A user's tenants, for the picker and `/me`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyTenant {
    pub tenant_id: Uuid,
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub suspended: bool,
    /// Members must sign in through the tenant's SSO.
    pub require_sso: bool,
}

/// The tenant named `slug` and the user's role in it, when they are a member: one statement,
/// so that resolving a request's tenant costs a single round trip.
///
/// # Errors
/// Database errors; a stored role Parley does not know.
pub async fn in_tenant_named(
    tx: &UserTx,
    slug: &str,
) -> Result<Option<(tenant::Model, Role)>, DbErr> {
    // Every request in a tenant starts here: its SQL is built once.
    static SQL: BuiltOnce = BuiltOnce::new();
    let backend = tx.conn().get_database_backend();
    let build = || {
        let tenant_members: RelationDef = membership::Entity::belongs_to(tenant::Entity)
            .from(membership::Column::TenantId)
            .to(tenant::Column::Id)
            .into();
        tenant::Entity::find()
            .join(JoinType::InnerJoin, tenant_members.rev())
            .filter(tenant::Column::Slug.eq(slug))
            .filter(membership::Column::UserId.eq(tx.user_id()))
            .select_also(membership::Entity)
            .limit(1)
            .build(backend)
    };
    let statement = SQL.statement(
        backend,
        build,
        vec![slug.into(), tx.user_id().into(), 1_u64.into()],
    );
    let found = tx
        .conn()
        .query_one(statement)
        .await?
        .map(SelectTwoModel::<tenant::Model, membership::Model>::from_raw_query_result)
        .transpose()?;
    match found {
        Some((tenant, Some(membership))) => Ok(Some((tenant, role_of(&membership)?))),
        _ => Ok(None),
    }
}

/// # Errors
/// Database errors.
pub async fn of_user(tx: &UserTx) -> Result<Vec<MyTenant>, DbErr> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.eq(tx.user_id()))
        .all(tx.conn())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.tenant_id).collect();
    let tenants = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(ids))
        .order_by_asc(tenant::Column::Name)
        .all(tx.conn())
        .await?;
    let mut out = Vec::with_capacity(tenants.len());
    for t in tenants {
        if let Some(m) = rows.iter().find(|m| m.tenant_id == t.id) {
            out.push(MyTenant {
                tenant_id: t.id,
                slug: t.slug,
                name: t.name,
                role: role_of(m)?,
                suspended: t.status == "suspended",
                require_sso: t.require_sso,
            });
        }
    }
    Ok(out)
}
