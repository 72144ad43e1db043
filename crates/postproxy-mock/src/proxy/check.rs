//! The checks of one exchange against the contract: the request's route, parameters and body
//! before it is forwarded; the answer's status, content type and body when it is back.

use http::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};

use super::report::{Found, Kind, Side};
use crate::contract::{Contract, RequestParts, Route, Violation};

/// The request-side violations: an unknown path or an undocumented method, or what
/// [`Contract::check_request`] finds (`body` is `None` when it was too long to check).
pub(super) fn request(
    contract: &Contract,
    route: &Route<'_>,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> Vec<Found> {
    let operation = match route {
        Route::Operation { id, .. } => *id,
        Route::UnknownPath => {
            return vec![found_request(
                Kind::UnknownPath,
                format!("the spec documents no path {path}"),
            )];
        }
        Route::UndocumentedMethod {
            template,
            documented,
        } => {
            return vec![found_request(
                Kind::UndocumentedMethod,
                format!(
                    "the spec documents only {} for {template}",
                    documented.join(", ")
                ),
            )];
        }
    };
    // An unchecked body is read as none, so it is not reported missing.
    let unchecked = body.is_none();
    let parts = RequestParts {
        path,
        query,
        headers,
        body: body.unwrap_or_default(),
    };
    contract
        .check_request(operation, &parts)
        .into_iter()
        .filter(|v| !(unchecked && is_body_kind(v)))
        .map(|v| from_violation(Side::Request, None, v))
        .collect()
}

fn is_body_kind(violation: &Violation) -> bool {
    use crate::contract::ViolationKind;
    matches!(
        violation.kind,
        ViolationKind::NotJson | ViolationKind::InvalidJson
    )
}

fn found_request(kind: Kind, message: String) -> Found {
    Found {
        side: Side::Request,
        kind,
        status: None,
        pointer: None,
        message,
    }
}

fn from_violation(side: Side, status: Option<u16>, violation: Violation) -> Found {
    Found {
        side,
        kind: violation.kind.into(),
        status,
        pointer: violation.pointer,
        message: violation.message,
    }
}

/// The answer-side violations of an answer to `operation`: what [`Contract::check`] finds,
/// and a 429 as [`Kind::RateLimited`].
pub(super) fn response(
    contract: &Contract,
    operation: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Found> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()));
    let mut found: Vec<Found> = contract
        .check(operation, status, content_type.as_deref(), body)
        .into_iter()
        .map(|v| from_violation(Side::Response, Some(status), v))
        .collect();
    if status == 429 {
        let wait = match headers.get(RETRY_AFTER).map(|v| v.to_str()) {
            Some(Ok(after)) => format!("Retry-After: {after}"),
            Some(Err(_)) => "an unreadable Retry-After".to_string(),
            None => "no Retry-After".to_string(),
        };
        found.push(Found {
            side: Side::Upstream,
            kind: Kind::RateLimited,
            status: Some(429),
            pointer: None,
            message: format!("the upstream rate-limited the request ({wait})"),
        });
    }
    found
}

/// The `{name}` segment of `path` under `template`, percent-decoded.
pub(super) fn path_param(template: &str, path: &str, name: &str) -> Option<String> {
    let wanted = format!("{{{name}}}");
    let index = template.split('/').position(|part| part == wanted)?;
    let segment = path.split('/').nth(index)?;
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned(),
    )
}
