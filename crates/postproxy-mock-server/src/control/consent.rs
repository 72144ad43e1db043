//! The OAuth connect flow a user goes through after initialize_connection: the URL it returns
//! opens a consent page (`GET /connect/{token}`) with Authorize and Deny buttons. Authorize
//! creates the profile in the group and redirects to `redirect_url` with
//! `status=success&profile_id=…`; Deny redirects with `error=access_denied`. A token works
//! once and for [`crate::domain::connections::CONNECTION_TTL`].
//!
//! `/__mock/connect/callback` is a page that shows the outcome, for trying the flow by hand
//! with `redirect_url` pointing back at the mock.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::domain::connections::ConnectionOutcome;
use crate::domain::error::DomainError;
use crate::rt::ApiError;
use crate::state::AppState;

/// The consent page, its two actions, and the demo callback page.
pub fn router(api: Arc<AppState>) -> Router {
    Router::new()
        .route("/connect/{token}", get(consent_page))
        .route("/connect/{token}/authorize", post(authorize))
        .route("/connect/{token}/deny", post(deny))
        .route("/__mock/connect/callback", get(callback_page))
        .with_state(api)
}

/// Escapes text for HTML element content and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}}\
         button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}}\
         dt{{font-weight:bold}}</style></head><body>{body}</body></html>\n",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

fn token_problem(e: DomainError) -> Response {
    let title = match e {
        DomainError::UnknownConnection => "Unknown connection link",
        DomainError::ConnectionExpired => "Expired connection link",
        DomainError::Full(_) => "Account full",
        DomainError::AlreadyConnected => "Platform already connected",
        _ => "Connection failed",
    };
    let message = e.to_string();
    page(
        ApiError::from(e).status(),
        title,
        &format!("<h1>{title}</h1><p>{}.</p>", escape(&message)),
    )
}

/// Looks a token up in the account that issued it.
fn with_token<T>(
    api: &AppState,
    token: &str,
    f: impl FnOnce(&mut crate::domain::account::Account) -> Result<T, DomainError>,
) -> Result<T, DomainError> {
    let mut store = api.store();
    let account_id = store
        .account_of_token(token)
        .ok_or(DomainError::UnknownConnection)?
        .to_string();
    let mut account = store
        .account_now(&account_id)
        .map_err(|_| DomainError::UnknownConnection)?;
    f(&mut account)
}

async fn consent_page(State(api): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    let found = with_token(&api, &token, |account| {
        let c = account.pending_connection(&token)?.clone();
        let group = account
            .group_name(&c.profile_group_id)
            .unwrap_or(&c.profile_group_id)
            .to_string();
        Ok((c, group))
    });
    let (c, group) = match found {
        Ok(found) => found,
        Err(e) => return token_problem(e),
    };
    let token = escape(&c.token);
    let body = format!(
        "<h1>Connect your {platform} account</h1>\
         <p>Postproxy (mock) asks for access to your {platform} account, to publish and read \
         stats on your behalf.</p>\
         <dl><dt>Platform</dt><dd id=\"platform\">{platform}</dd>\
         <dt>Profile group</dt><dd id=\"group\">{group}</dd>\
         <dt>Afterwards you go to</dt><dd id=\"redirect\">{redirect}</dd></dl>\
         <form method=\"post\" action=\"/connect/{token}/authorize\" style=\"display:inline\">\
         <button id=\"authorize\" type=\"submit\">Authorize</button></form>\
         <form method=\"post\" action=\"/connect/{token}/deny\" style=\"display:inline\">\
         <button id=\"deny\" type=\"submit\">Deny</button></form>",
        platform = escape(&c.platform.to_string()),
        group = escape(&group),
        redirect = escape(&c.redirect_url),
    );
    page(StatusCode::OK, "Connect an account", &body)
}

/// Sends the browser on to `redirect_to`, or, when that cannot be a `Location` header (it is
/// whatever the app gave as `redirect_url`), shows it as a link instead.
fn redirect(outcome: &ConnectionOutcome) -> Response {
    let target = &outcome.redirect_to;
    let absolute = target.starts_with("http://") || target.starts_with("https://");
    match HeaderValue::from_str(target) {
        Ok(value) if absolute => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response()
        }
        _ => page(
            StatusCode::OK,
            "Done",
            &format!(
                "<h1>Done</h1><p>Continue to <a id=\"continue\" href=\"{0}\">{0}</a></p>",
                escape(target)
            ),
        ),
    }
}

async fn authorize(State(api): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    match with_token(&api, &token, |account| account.authorize(&token)) {
        Ok(outcome) => redirect(&outcome),
        Err(e) => token_problem(e),
    }
}

async fn deny(State(api): State<Arc<AppState>>, Path(token): Path<String>) -> Response {
    match with_token(&api, &token, |account| account.deny(&token)) {
        Ok(outcome) => redirect(&outcome),
        Err(e) => token_problem(e),
    }
}

async fn callback_page(RawQuery(query): RawQuery) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let rows: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<dt>{}</dt><dd id=\"{}\">{}</dd>",
                escape(k),
                escape(k),
                escape(v)
            )
        })
        .collect();
    let ok = pairs.iter().any(|(k, v)| k == "status" && v == "success");
    let title = if ok { "Connected" } else { "Not connected" };
    page(
        StatusCode::OK,
        title,
        &format!("<h1 id=\"outcome\">{title}</h1><dl>{rows}</dl>"),
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
