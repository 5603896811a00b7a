//! What a refused sign-in or sign-up form had in it (never the password), carried across
//! the redirect back to the form in a short-lived HttpOnly cookie rather than the URL, so
//! the page shows it again and the address stays out of logs and history.

use super::sessions::token_from_cookies;
use crate::backend::state::AppState;
use crate::dto::account::FormEchoDto;
use http::HeaderMap;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

const NAME: &str = "parley_form";
/// Long enough to come back from the redirect, short enough not to linger.
const MAX_AGE_SECS: u32 = 300;

fn attributes(state: &AppState) -> &'static str {
    if state.auth().secure_cookies {
        "; Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Lax"
    }
}

fn encode(echo: &FormEchoDto) -> String {
    format!(
        "email:{}|name:{}",
        utf8_percent_encode(&echo.email, NON_ALPHANUMERIC),
        utf8_percent_encode(&echo.name, NON_ALPHANUMERIC)
    )
}

/// `Set-Cookie` keeping `email` and `name` for the form's next showing.
pub fn set_cookie(state: &AppState, echo: &FormEchoDto) -> String {
    format!(
        "{NAME}={}; Max-Age={MAX_AGE_SECS}{}",
        encode(echo),
        attributes(state)
    )
}

/// `Set-Cookie` forgetting it (the form went through).
pub fn clear_cookie(state: &AppState) -> String {
    format!("{NAME}=; Max-Age=0{}", attributes(state))
}

/// The kept values, if the request carries them.
pub fn read(headers: &HeaderMap) -> Option<FormEchoDto> {
    let raw = token_from_cookies(headers, NAME)?;
    let mut echo = FormEchoDto::default();
    for part in raw.split('|') {
        let (key, value) = part.split_once(':')?;
        let value = percent_decode_str(value)
            .decode_utf8()
            .ok()?
            .chars()
            .take(254)
            .collect();
        match key {
            "email" => echo.email = value,
            "name" => echo.name = value,
            _ => {}
        }
    }
    Some(echo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_they_were_typed() {
        let round_trip = |echo: &FormEchoDto| {
            let mut headers = HeaderMap::new();
            headers.insert(
                http::header::COOKIE,
                format!("other=1; {NAME}={}", encode(echo)).parse().unwrap(),
            );
            read(&headers)
        };
        let typed = FormEchoDto {
            email: "zoë+x@example.com".into(),
            name: "Zoë; O'Brien | Ltd".into(),
        };
        assert_eq!(round_trip(&typed), Some(typed));
        assert_eq!(read(&HeaderMap::new()), None);
    }
}
