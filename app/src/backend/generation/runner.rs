//! The task that streams one answer from the provider into the database and to followers.

use super::{
    live::{Live, StopReason},
    registry::Generations,
};
use crate::backend::{
    authz::{grants, Authorized},
    llm::{AnswerEvent, AnswerStream, ChatRequest, Connection, ProviderFailure},
    repo::{chats, messages, scope::TenantTx, usage},
    services::chat_view::message_dto,
    state::AppState,
};
use crate::dto::chat::MessageStatus;
use futures_util::StreamExt;
use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// How often streamed text is written while it arrives. Also the heartbeat that tells the
/// sweeper the writer is alive (at least every `HEARTBEAT`).
const FLUSH_EVERY: Duration = Duration::from_millis(250);
pub(super) const HEARTBEAT: Duration = Duration::from_secs(5);
/// Waiting longer than this for the provider's first byte is treated as a timeout.
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(120);

/// Everything a generation needs, prepared by the send service.
pub struct Job {
    pub answer: Answer,
    pub connection: Connection,
    pub request: ChatRequest,
}

/// The answer being generated. Kept for as long as it streams, unlike the rest of its
/// `Job`: the prompt (a long chat's context can be large) and the connection are dropped
/// once the request has been sent.
pub struct Answer {
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub chat_id: Uuid,
    pub message_id: Uuid,
    /// The model's id as stored on the message (`<provider>/<name>`).
    pub model_id: String,
    /// Set the chat's title from this question when the answer completes (the chat is still
    /// "New chat": its earlier answers, if any, did not complete).
    pub auto_title: Option<String>,
}

impl Job {
    /// Only a caller allowed to use the workspace can start one.
    pub fn tenant_of(auth: &Authorized<grants::UseWorkspace>) -> (Uuid, Uuid) {
        (auth.tenant_id(), auth.ctx().user_id())
    }
}

/// Starts the generation as its own task and returns its handle.
pub fn spawn(state: &AppState, job: Job) -> Arc<Live> {
    let live = Live::new(
        job.answer.tenant_id,
        job.answer.chat_id,
        job.answer.message_id,
    );
    let generations = state.generations().clone();
    generations.register(live.clone());
    let state = state.clone();
    let handle = live.clone();
    tokio::spawn(async move {
        run(&state, &generations, job, &live).await;
    });
    handle
}

struct Ending {
    status: MessageStatus,
    failure: Option<ProviderFailure>,
    prompt_tokens: Option<i64>,
    completion_tokens: Option<i64>,
}

async fn run(state: &AppState, generations: &Generations, job: Job, live: &Arc<Live>) {
    let started = Instant::now();
    let Job {
        answer: job,
        connection,
        request,
    } = job;
    // This task lives as long as its answer streams, and a future is as large as its
    // largest await: the database and provider calls made once (open, flush, store) are
    // boxed, so their space is taken only while they run.
    let retrying = Arc::clone(live);
    let on_retry: crate::backend::llm::OnRetry = Arc::new(move |wait| retrying.retrying(wait));
    let opening = Box::pin(async move { connection.stream_chat(&request, Some(on_retry)).await });
    let ending = stream_answer(state, &job, opening, live).await;
    let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let text = live.text();
    let final_message = match Box::pin(store_ending(state, &job, &text, &ending, latency_ms)).await
    {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!(error = %e, message_id = %job.message_id, "could not store the end of an answer");
            Box::pin(load(state, &job)).await
        }
    };
    generations.remove(job.message_id);
    if let Some(message) = final_message {
        live.finish(message_dto(message));
    }
}

async fn stream_answer(
    state: &AppState,
    job: &Answer,
    opening: impl Future<Output = Result<AnswerStream, ProviderFailure>>,
    live: &Live,
) -> Ending {
    let mut ending = Ending {
        status: MessageStatus::Complete,
        failure: None,
        prompt_tokens: None,
        completion_tokens: None,
    };
    let opened = tokio::select! {
        biased;
        () = live.cancelled() => None,
        opened = tokio::time::timeout(FIRST_BYTE_TIMEOUT, opening) => Some(opened),
    };
    let mut stream = match opened {
        None => return stopped(ending, live),
        Some(Err(_)) => return failed(ending, ProviderFailure::Timeout),
        Some(Ok(Err(failure))) => return failed(ending, failure),
        Some(Ok(Ok(stream))) => stream,
    };
    let mut finished = false;
    let mut dirty = false;
    let mut last_flush = Instant::now();
    let mut ticker = tokio::time::interval(FLUSH_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            () = live.cancelled() => return stopped(ending, live),
            _ = ticker.tick() => {
                if dirty || last_flush.elapsed() >= HEARTBEAT {
                    if !Box::pin(flush(state, job, live)).await {
                        // Stopped from another instance: the row is no longer streaming.
                        live.stop(StopReason::Stopped);
                        return stopped(ending, live);
                    }
                    dirty = false;
                    last_flush = Instant::now();
                }
            }
            event = stream.next() => match event {
                Some(Ok(AnswerEvent::Text(text))) => {
                    live.push(&text);
                    dirty = true;
                }
                Some(Ok(AnswerEvent::Usage(u))) => {
                    ending.prompt_tokens = u.prompt_tokens;
                    ending.completion_tokens = u.completion_tokens;
                }
                Some(Ok(AnswerEvent::Finished)) => finished = true,
                Some(Err(failure)) => return failed(ending, failure),
                None if finished => return ending,
                None => return failed(ending, ProviderFailure::Cut),
            }
        }
    }
}

fn stopped(mut ending: Ending, live: &Live) -> Ending {
    ending.status = match live.stop_reason() {
        Some(StopReason::Interrupted) => MessageStatus::Interrupted,
        _ => MessageStatus::Stopped,
    };
    ending
}

fn failed(mut ending: Ending, failure: ProviderFailure) -> Ending {
    tracing::warn!(code = failure.code(), detail = %failure, "provider call failed");
    ending.status = MessageStatus::Error;
    ending.failure = Some(failure);
    ending
}

/// Writes the text so far; false when the row is no longer `streaming`.
async fn flush(state: &AppState, job: &Answer, live: &Live) -> bool {
    let text = live.text();
    let result = async {
        let one = TenantTx::write_one_background(state, job.tenant_id).await?;
        let still = messages::save_progress(&one, job.message_id, &text).await?;
        one.commit().await?;
        Ok::<_, sea_orm::DbErr>(still)
    }
    .await;
    match result {
        Ok(still) => still,
        Err(e) => {
            // Keep streaming: the final write retries, and the text is in memory.
            tracing::warn!(error = %e, "could not store streamed text");
            true
        }
    }
}

/// Stores the end of the answer. Its usage is counted by the database as the end (with
/// its latency) is stored: usually one statement, no transaction around it.
async fn store_ending(
    state: &AppState,
    job: &Answer,
    text: &str,
    ending: &Ending,
    latency_ms: i32,
) -> Result<Option<messages::Message>, sea_orm::DbErr> {
    let to_i32 = |v: Option<i64>| v.and_then(|n| i32::try_from(n).ok());
    let message = ending.failure.as_ref().map(ProviderFailure::message);
    let outcome = messages::Outcome {
        status: ending.status,
        content: text,
        prompt_tokens: to_i32(ending.prompt_tokens),
        completion_tokens: to_i32(ending.completion_tokens),
        latency_ms: Some(latency_ms),
        error: ending
            .failure
            .as_ref()
            .map(ProviderFailure::code)
            .zip(message.as_deref()),
    };
    let stored = match (&job.auto_title, ending.status) {
        (Some(title), MessageStatus::Complete) => {
            // Its first statement is `finish`, a write.
            let tx = TenantTx::begin_background(state, job.tenant_id).await?;
            let stored = messages::finish(&tx, job.message_id, outcome).await?;
            chats::set_title_if(
                &tx,
                job.chat_id,
                crate::backend::services::chats::NEW_CHAT_TITLE,
                title,
            )
            .await?;
            tx.commit().await?;
            stored
        }
        _ => {
            let one = TenantTx::write_one_background(state, job.tenant_id).await?;
            let stored = messages::finish(&one, job.message_id, outcome).await?;
            one.commit().await?;
            stored
        }
    };
    // The chat is not touched again: its `updated_at` is when it was last sent to, set by
    // the send, so the sidebar does not reorder when answers end.
    if stored.is_none() {
        // The chat was purged while its answer streamed: no row for the database to count
        // from, but the provider was still used.
        let tx = TenantTx::begin_background(state, job.tenant_id).await?;
        usage::record(
            &tx,
            usage::Usage {
                user_id: job.user_id,
                model: &job.model_id,
                failed: ending.status == MessageStatus::Error,
                prompt_tokens: ending.prompt_tokens.unwrap_or(0),
                completion_tokens: ending.completion_tokens.unwrap_or(0),
                latency_ms: i64::from(latency_ms),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(stored)
}

/// The answer as stored, when storing its end failed (the text streamed so far is kept).
async fn load(state: &AppState, job: &Answer) -> Option<messages::Message> {
    let tx = TenantTx::begin(state, job.tenant_id).await.ok()?;
    let row = messages::get(&tx, job.chat_id, job.message_id)
        .await
        .ok()??;
    tx.commit().await.ok()?;
    Some(row)
}
