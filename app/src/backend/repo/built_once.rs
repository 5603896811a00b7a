//! SQL text built once for the queries every request runs.
//!
//! SeaORM's query builder writes every identifier of a statement anew on each call (for a
//! join of two entities, some forty quoted columns through `fmt`): measured with callgrind,
//! the two lookups that start every authenticated request spent more instructions building
//! their SQL than SQLite spent running it. For such a query, whose shape never changes,
//! the text is built by the same SeaORM code the first time on each kind of database and
//! reused after; each call binds its own values, in the order the builder put them. Debug
//! builds (and so every test) build the statement anyway and check that order.

use sea_orm::{
    sea_query::{Query, UpdateStatement},
    ColumnTrait, DbBackend, EntityTrait, Iterable, Statement, Value, Values,
};
use std::sync::OnceLock;

/// The SQL of one query shape, per database backend.
pub struct BuiltOnce {
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl BuiltOnce {
    pub const fn new() -> Self {
        Self {
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    /// The statement `build` makes, with its text from the first call on `backend` and
    /// `values` as its parameters (which must be the ones `build` binds, in its order).
    #[must_use]
    pub fn statement(
        &self,
        backend: DbBackend,
        build: impl Fn() -> Statement,
        values: Vec<Value>,
    ) -> Statement {
        let cell = match backend {
            DbBackend::Sqlite => &self.sqlite,
            DbBackend::Postgres => &self.postgres,
            // Parley runs on SQLite or PostgreSQL only; anything else is built every time.
            _ => return build(),
        };
        if cfg!(debug_assertions) {
            let built = build();
            debug_assert_eq!(
                built.values,
                Some(Values(values.clone())),
                "the values of {}",
                built.sql
            );
        }
        let sql = cell.get_or_init(|| build().sql).clone();
        Statement::from_sql_and_values(backend, sql, values)
    }
}

/// `update` as SeaORM's `exec_with_returning` sends it: returning every column of `E`.
pub fn returning_all<E: EntityTrait>(mut update: UpdateStatement, backend: DbBackend) -> Statement {
    update.returning(
        Query::returning()
            .exprs(E::Column::iter().map(|c| c.select_as(c.into_returning_expr(backend)))),
    );
    backend.build(&update)
}

impl Default for BuiltOnce {
    fn default() -> Self {
        Self::new()
    }
}
