//! `/tenants/{slug}/chats…`: a member's own chats and messages, with answers streamed as
//! server-sent events (`curl -N`).

use super::{
    extract::{Auth, Body, Path, Query},
    providers::authorize,
};
use app::backend::{
    authz::grants,
    generation::{FollowEvent, Follower, Live, StopReason},
    services::{chat_messages, chats},
    state::AppState,
};
use app::dto::chat::{ExchangeDto, MessageDto, MessageStatus};
use app::error::AppError;
use axum::{
    extract::State,
    http::StatusCode,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
    Json,
};
use futures_util::Stream;
use serde::Deserialize;
use std::{convert::Infallible, sync::Arc, time::Duration};
use uuid::Uuid;

#[derive(Deserialize)]
pub struct NewChatBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    system_prompt: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
    Body(body): Body<NewChatBody>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let chat = chats::create(
        &state,
        &auth,
        chats::NewChat {
            title: body.title,
            model: body.model,
            system_prompt: body.system_prompt,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(chat)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<u64>,
}

pub async fn index(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let (items, next) = chats::list(
        &state,
        &auth,
        query.q.as_deref(),
        query.cursor.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await?;
    Ok(Json(
        serde_json::json!({ "items": items, "next_cursor": next }),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(chats::get(&state, &auth, id).await?))
}

#[derive(Deserialize)]
pub struct ChatPatchBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    pinned: Option<bool>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    system_prompt: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Body(body): Body<ChatPatchBody>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let patch = chats::ChatPatch {
        title: body.title,
        pinned: body.pinned,
        model: body.model,
        system_prompt: body.system_prompt,
    };
    Ok(Json(chats::update(&state, &auth, id, patch).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    chats::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn restore(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(chats::restore(&state, &auth, id).await?))
}

pub async fn messages(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(query): Query<ListQuery>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(
        chat_messages::list(
            &state,
            &auth,
            id,
            query.cursor.as_deref(),
            query.limit.unwrap_or(50),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct SendBody {
    content: String,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    stream: bool,
    #[serde(default)]
    client_message_id: Option<String>,
    #[serde(default)]
    temperature: Option<f32>,
    #[serde(default)]
    max_tokens: Option<i32>,
}

pub async fn send(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Body(body): Body<SendBody>,
) -> Result<Response, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let sent = chat_messages::send(
        &state,
        &auth,
        id,
        chat_messages::SendInput {
            content: body.content,
            model: body.model,
            client_message_id: body.client_message_id,
            temperature: body.temperature,
            max_tokens: body.max_tokens,
        },
    )
    .await?;
    Ok(respond(sent, body.stream).await)
}

#[derive(Deserialize)]
pub struct RedoBody {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    stream: bool,
}

/// `POST …/regenerate`: answer the last question again; with `content`, edit it first.
pub async fn regenerate(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
    Body(body): Body<RedoBody>,
) -> Result<Response, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let sent = match body.content {
        Some(content) => chat_messages::edit_last(&state, &auth, id, &content, body.model).await?,
        None => chat_messages::regenerate(&state, &auth, id, body.model).await?,
    };
    Ok(respond(sent, body.stream).await)
}

/// The answer to a started exchange: an SSE stream, or (waiting for the answer to end)
/// both messages as JSON.
async fn respond(sent: chat_messages::Sent, stream: bool) -> Response {
    if stream {
        return stream_exchange(sent.exchange, sent.live).into_response();
    }
    let assistant = match sent.live {
        Some(live) => wait_for(live)
            .await
            .unwrap_or(sent.exchange.assistant_message),
        None => sent.exchange.assistant_message,
    };
    (
        StatusCode::CREATED,
        Json(ExchangeDto {
            user_message: sent.exchange.user_message,
            assistant_message: assistant,
        }),
    )
        .into_response()
}

pub async fn stop(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, chat_id, message_id)): Path<(String, Uuid, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(
        chat_messages::stop(&state, &auth, chat_id, message_id).await?,
    ))
}

/// `GET …/messages/{id}/events`: follow an answer (the text so far, then new text).
/// Disconnecting does not stop it; this is how the chat page re-attaches after a reload.
pub async fn follow(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, chat_id, message_id)): Path<(String, Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    let message = chat_messages::get(&state, &auth, chat_id, message_id).await?;
    let live = state.generations().get(auth.tenant_id(), message_id);
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = match live
    {
        Some(live) => Box::pin(follow_live(live, false)),
        None if message.status == MessageStatus::Streaming => {
            Box::pin(poll_stored(state, auth, chat_id, message))
        }
        None => {
            let snapshot = (!message.content.is_empty()).then(|| delta_event(&message.content));
            Box::pin(futures_util::stream::iter(
                snapshot.into_iter().chain([final_event(&message)]).map(Ok),
            ))
        }
    };
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

struct Polling {
    state: AppState,
    auth: app::backend::authz::Authorized<grants::UseWorkspace>,
    chat_id: Uuid,
    message: Option<MessageDto>,
    sent: usize,
    ended: bool,
}

/// Following an answer streamed by another instance: read the stored text until it ends.
fn poll_stored(
    state: AppState,
    auth: app::backend::authz::Authorized<grants::UseWorkspace>,
    chat_id: Uuid,
    first: MessageDto,
) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    let polling = Polling {
        state,
        auth,
        chat_id,
        message: Some(first),
        sent: 0,
        ended: false,
    };
    futures_util::stream::unfold(polling, |mut p| async move {
        loop {
            if p.ended {
                return None;
            }
            let message = p.message.take()?;
            let new_text = message.content.get(p.sent..).unwrap_or_default();
            if !new_text.is_empty() {
                let event = delta_event(new_text);
                p.sent = message.content.len();
                p.message = Some(message);
                return Some((Ok(event), p));
            }
            if message.status != MessageStatus::Streaming {
                p.ended = true;
                return Some((Ok(final_event(&message)), p));
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            p.message = chat_messages::get(&p.state, &p.auth, p.chat_id, message.id)
                .await
                .ok();
        }
    })
}

fn delta_event(text: &str) -> Event {
    Event::default()
        .event("delta")
        .data(serde_json::json!({ "text": text }).to_string())
}

/// `retrying` `{"seconds": n}`: the provider is busy and is asked again after `n` seconds;
/// nothing is written meanwhile.
fn retrying_event(seconds: u64) -> Event {
    Event::default()
        .event("retrying")
        .data(serde_json::json!({ "seconds": seconds }).to_string())
}

/// `done` with the stored answer, or `error` with its code and sentence.
fn final_event(message: &MessageDto) -> Event {
    match (&message.status, &message.error) {
        (MessageStatus::Error, Some(error)) => Event::default()
            .event("error")
            .data(serde_json::json!({ "code": error.code, "message": error.message, "message_id": message.id }).to_string()),
        _ => Event::default()
            .event("done")
            .data(serde_json::to_string(message).unwrap_or_default()),
    }
}

async fn wait_for(live: Arc<Live>) -> Option<MessageDto> {
    let (mut follower, _) = Follower::new(live, false);
    while let Some(event) = follower.next().await {
        if let FollowEvent::Done(message) = event {
            return Some(*message);
        }
    }
    None
}

/// Stops the answer when the client goes away before it is finished (API.md: closing the
/// connection stops the upstream request and stores the partial answer as `stopped`).
struct StopOnDisconnect(Option<Arc<Live>>);

impl Drop for StopOnDisconnect {
    fn drop(&mut self) {
        if let Some(live) = self.0.take() {
            live.stop(StopReason::Stopped);
        }
    }
}

/// The SSE answer to a send: `message` (the stored user message), `delta`s, then `done`
/// or `error`.
fn stream_exchange(
    exchange: ExchangeDto,
    live: Option<Arc<Live>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + Send> {
    let first = Event::default()
        .event("message")
        .data(serde_json::to_string(&exchange.user_message).unwrap_or_default());
    let head = futures_util::stream::iter([Ok(first)]);
    let tail: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = match live {
        Some(live) => Box::pin(follow_live(live, true)),
        // A repeated send (same client id): the stored answer as it is now.
        None => Box::pin(futures_util::stream::iter([Ok(final_event(
            &exchange.assistant_message,
        ))])),
    };
    Sse::new(futures_util::StreamExt::chain(head, tail))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// A live answer as events: the text so far, new text, then `done` or `error`.
/// `stop_on_drop` cancels the answer if the stream is dropped (client gone) before the end.
fn follow_live(
    live: Arc<Live>,
    stop_on_drop: bool,
) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    let guard = StopOnDisconnect(stop_on_drop.then(|| live.clone()));
    let (follower, snapshot) = Follower::new(live, true);
    let first = (!snapshot.is_empty()).then(|| Ok(delta_event(&snapshot)));
    let follow =
        futures_util::stream::unfold((follower, guard), |(mut follower, mut guard)| async move {
            match follower.next().await? {
                FollowEvent::Delta(text) => Some((Ok(delta_event(&text)), (follower, guard))),
                FollowEvent::Retrying(seconds) => {
                    Some((Ok(retrying_event(seconds)), (follower, guard)))
                }
                FollowEvent::Done(message) => {
                    guard.0 = None; // finished: nothing to stop
                    Some((Ok(final_event(&message)), (follower, guard)))
                }
            }
        });
    futures_util::StreamExt::chain(futures_util::stream::iter(first), follow)
}
