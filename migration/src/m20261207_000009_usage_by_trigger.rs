//! Daily usage counted by the database: when an answer's end is stored (its latency, set
//! once and only by the instance that streamed it), a trigger adds the request to the
//! day's `usage_daily` row in the same statement. Storing the end of an answer is then one
//! statement, atomic without a transaction around it, instead of a transaction of two.
//!
//! As before, an answer swept after a crash (no latency was measured) is not counted, and
//! the instance that streamed an answer whose chat was deleted meanwhile (no row left to
//! update) counts it itself.

use super::per_backend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns the trigger fills; the conflict target is the table's primary key.
const INSERT_USAGE: &str = "INSERT INTO usage_daily
      (tenant_id, day, user_id, model, requests, errors, prompt_tokens, completion_tokens,
       latency_ms_total)";

const SQLITE_UP: &str = "CREATE TRIGGER chat_messages_usage
  AFTER UPDATE OF latency_ms ON chat_messages
  FOR EACH ROW WHEN OLD.latency_ms IS NULL AND NEW.latency_ms IS NOT NULL
  BEGIN
    {INSERT}
    SELECT NEW.tenant_id, strftime('%Y-%m-%d', 'now'), c.user_id,
           substr(coalesce(NEW.model, ''), 1, 300), 1, NEW.status = 'error',
           coalesce(NEW.prompt_tokens, 0), coalesce(NEW.completion_tokens, 0), NEW.latency_ms
      FROM chats c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.chat_id
    ON CONFLICT (tenant_id, day, user_id, model) DO UPDATE SET
      requests = requests + excluded.requests,
      errors = errors + excluded.errors,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      latency_ms_total = latency_ms_total + excluded.latency_ms_total;
  END";

// SECURITY INVOKER (the default): the insert is subject to the caller's row-level security,
// so it can only count usage in the tenant the transaction is scoped to.
const POSTGRES_UP: &str = "CREATE FUNCTION chat_messages_usage() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    {INSERT}
    SELECT NEW.tenant_id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), c.user_id,
           left(coalesce(NEW.model, ''), 300), 1,
           CASE WHEN NEW.status = 'error' THEN 1 ELSE 0 END,
           coalesce(NEW.prompt_tokens, 0), coalesce(NEW.completion_tokens, 0), NEW.latency_ms
      FROM chats c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.chat_id
    ON CONFLICT (tenant_id, day, user_id, model) DO UPDATE SET
      requests = usage_daily.requests + EXCLUDED.requests,
      errors = usage_daily.errors + EXCLUDED.errors,
      prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
      completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
      latency_ms_total = usage_daily.latency_ms_total + EXCLUDED.latency_ms_total;
    RETURN NULL;
  END $$;
CREATE TRIGGER chat_messages_usage
  AFTER UPDATE OF latency_ms ON chat_messages
  FOR EACH ROW WHEN (OLD.latency_ms IS NULL AND NEW.latency_ms IS NOT NULL)
  EXECUTE FUNCTION chat_messages_usage()";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        per_backend::execute(
            manager,
            &SQLITE_UP.replace("{INSERT}", INSERT_USAGE),
            &POSTGRES_UP.replace("{INSERT}", INSERT_USAGE),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        per_backend::execute(
            manager,
            "DROP TRIGGER chat_messages_usage",
            "DROP TRIGGER chat_messages_usage ON chat_messages;
             DROP FUNCTION chat_messages_usage()",
        )
        .await
    }
}
