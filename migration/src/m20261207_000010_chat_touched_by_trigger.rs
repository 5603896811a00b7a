//! A new message marks its chat active: a trigger sets the chat's `updated_at` (the
//! sidebar's order) to the message's time, in the statement that inserts it. A send then
//! stores its exchange with one statement, atomic without a transaction around it, and on
//! SQLite holds the writers' turn for that one statement only.

use super::per_backend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TOUCH_CHAT: &str = "UPDATE chats SET updated_at = NEW.created_at
      WHERE tenant_id = NEW.tenant_id AND id = NEW.chat_id";

const SQLITE_UP: &str = "CREATE TRIGGER chat_messages_touch_chat
  AFTER INSERT ON chat_messages
  FOR EACH ROW
  BEGIN
    {TOUCH_CHAT};
  END";

// SECURITY INVOKER (the default): the update is subject to the caller's row-level security.
const POSTGRES_UP: &str = "CREATE FUNCTION chat_messages_touch_chat() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    {TOUCH_CHAT};
    RETURN NULL;
  END $$;
CREATE TRIGGER chat_messages_touch_chat
  AFTER INSERT ON chat_messages
  FOR EACH ROW EXECUTE FUNCTION chat_messages_touch_chat()";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        per_backend::execute(
            manager,
            &SQLITE_UP.replace("{TOUCH_CHAT}", TOUCH_CHAT),
            &POSTGRES_UP.replace("{TOUCH_CHAT}", TOUCH_CHAT),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        per_backend::execute(
            manager,
            "DROP TRIGGER chat_messages_touch_chat",
            "DROP TRIGGER chat_messages_touch_chat ON chat_messages;
             DROP FUNCTION chat_messages_touch_chat()",
        )
        .await
    }
}
