//! The OpenAI and Azure OpenAI routes. Checks run in the providers' order — key, then
//! request shape, then model — so clients see the same error for the same mistake.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::answer::{answer, tokens};
use crate::behaviour::{Behaviour, Ending, Failure};
use crate::completion::Completion;
use crate::errors::ApiError;
use crate::request::ChatRequest;
use crate::state::SharedState;
use crate::stream::{self, Tail};
use crate::Options;

/// `created` of every listed model: fixed, so answers snapshot well.
const MODEL_CREATED: u64 = 1_700_000_000;

/// The whole provider as a router, plus the state it shares with its [`crate::Handle`].
pub fn router(options: Options) -> (Router, SharedState) {
    let state = SharedState::new(options);
    let app = Router::new()
        .route("/v1/models", get(models))
        .route("/v1/chat/completions", post(chat))
        .route("/openai/models", get(azure_models))
        .route(
            "/openai/deployments/{deployment}/chat/completions",
            post(azure_chat),
        )
        .merge(crate::inspect::routes())
        .fallback(unknown)
        // The recording middleware already bounds the body.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), crate::record::record))
        .with_state(state.clone());
    (app, state)
}

/// Query string every Azure call must carry.
#[derive(Deserialize)]
struct AzureQuery {
    #[serde(rename = "api-version")]
    api_version: Option<String>,
}

impl AzureQuery {
    fn require(&self) -> Result<(), ApiError> {
        match self.api_version.as_deref() {
            Some(version) if !version.is_empty() => Ok(()),
            _ => Err(ApiError::missing_api_version()),
        }
    }
}

async fn models(
    State(state): State<SharedState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_key(&state, &headers, Scheme::Bearer)?;
    Ok(model_list(&state))
}

async fn azure_models(
    State(state): State<SharedState>,
    Query(query): Query<AzureQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_key(&state, &headers, Scheme::AzureKey)?;
    query.require()?;
    Ok(model_list(&state))
}

fn model_list(state: &SharedState) -> Response {
    let data: Vec<Value> = state
        .options()
        .models
        .iter()
        .map(|id| json!({ "id": id, "object": "model", "created": MODEL_CREATED, "owned_by": "parley-test" }))
        .collect();
    axum::Json(json!({ "object": "list", "data": data })).into_response()
}

async fn chat(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_key(&state, &headers, Scheme::Bearer)?;
    let request = parse(&body)?;
    let model = request
        .model
        .clone()
        .ok_or_else(|| ApiError::invalid_request("You must provide a model parameter."))?;
    if !has_model(&state, &model) {
        return Err(ApiError::model_not_found(&model));
    }
    complete(&state, &model, &request).await
}

async fn azure_chat(
    State(state): State<SharedState>,
    Path(deployment): Path<String>,
    Query(query): Query<AzureQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_key(&state, &headers, Scheme::AzureKey)?;
    query.require()?;
    if !has_model(&state, &deployment) {
        return Err(ApiError::deployment_not_found(&deployment));
    }
    let request = parse(&body)?;
    complete(&state, &deployment, &request).await
}

async fn unknown(method: Method, uri: Uri) -> ApiError {
    ApiError::unknown_url(method.as_str(), uri.path())
}

/// Answers a valid request, or misbehaves as its directives ask.
async fn complete(
    state: &SharedState,
    model: &str,
    request: &ChatRequest,
) -> Result<Response, ApiError> {
    let message = request.last_user_text();
    let behaviour = Behaviour::parse(&message);
    if let Some(failure) = behaviour.fail {
        return Err(simulated(failure));
    }
    if let Some(failure) = behaviour.fail_once {
        if state.first_time(&message) {
            return Err(simulated(failure));
        }
    }
    if behaviour.hang {
        // No headers, ever: only the client's timeout (or our shutdown) ends this.
        state.stopped().await;
        return Err(ApiError::simulated(StatusCode::SERVICE_UNAVAILABLE, None));
    }

    let text = answer(&behaviour);
    let mut tokens = tokens(&text);
    let mut finish_reason = "stop";
    if let Some(limit) = request.token_limit() {
        if limit < tokens.len() {
            tokens.truncate(limit);
            finish_reason = "length";
        }
    }
    let completion = Completion {
        id: state.next_id(),
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs()),
        model,
        tokens,
        finish_reason,
        prompt_tokens: request.prompt_words(),
    };
    if request.stream {
        let delay = behaviour.slow_ms.unwrap_or(state.options().chunk_delay_ms);
        streamed(
            state,
            &completion,
            behaviour.ending,
            request.include_usage(),
            delay,
        )
    } else {
        Ok(whole(state, &completion, behaviour.ending))
    }
}

fn streamed(
    state: &SharedState,
    completion: &Completion<'_>,
    ending: Ending,
    include_usage: bool,
    delay_ms: u64,
) -> Result<Response, ApiError> {
    let frames = completion
        .frames(ending, include_usage)
        .map_err(|_| ApiError::simulated(StatusCode::INTERNAL_SERVER_ERROR, None))?;
    let tail = match ending {
        Ending::Complete | Ending::Malformed => Tail::End,
        Ending::HangAfter(_) => Tail::Hang,
        Ending::CutAfter(_) => Tail::Abort,
    };
    let body = stream::body(state, frames, tail, Duration::from_millis(delay_ms));
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("text/event-stream")),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    Ok((headers, body).into_response())
}

/// A non-streamed answer; the stream endings map onto the single JSON body.
fn whole(state: &SharedState, completion: &Completion<'_>, ending: Ending) -> Response {
    let json = completion.object().to_string();
    let (frames, tail) = match ending {
        Ending::Complete => return ([(CONTENT_TYPE, "application/json")], json).into_response(),
        Ending::Malformed => (vec![Bytes::from_static(b"{not json")], Tail::End),
        Ending::HangAfter(_) => (Vec::new(), Tail::Hang),
        // Half the JSON, then an aborted connection: a body that can never parse.
        Ending::CutAfter(_) => {
            let json = Bytes::from(json);
            (vec![json.slice(..json.len() / 2)], Tail::Abort)
        }
    };
    let body = stream::body(state, frames, tail, Duration::ZERO);
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

fn simulated(failure: Failure) -> ApiError {
    let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::simulated(status, failure.retry_after)
}

fn parse(body: &[u8]) -> Result<ChatRequest, ApiError> {
    serde_json::from_slice(body).map_err(|err| {
        ApiError::invalid_request(format!(
            "We could not parse the JSON body of your request: {err}"
        ))
    })
}

fn has_model(state: &SharedState, model: &str) -> bool {
    state.options().models.iter().any(|known| known == model)
}

/// Where the key is expected: OpenAI's bearer token or Azure's `api-key` header.
#[derive(Clone, Copy)]
enum Scheme {
    Bearer,
    AzureKey,
}

fn check_key(state: &SharedState, headers: &HeaderMap, scheme: Scheme) -> Result<(), ApiError> {
    let Some(expected) = state.options().api_key.as_deref() else {
        return Ok(());
    };
    let given = match scheme {
        Scheme::Bearer => headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ")),
        Scheme::AzureKey => headers.get("api-key").and_then(|value| value.to_str().ok()),
    };
    if given == Some(expected) {
        Ok(())
    } else {
        Err(ApiError::invalid_api_key())
    }
}
