//! The credentials initialize_connection takes for the networks it connects without OAuth
//! (bluesky and telegram: the official SDKs' flow, not the reference's). A mock cannot ask the
//! network whether they are right, so it checks only their form, and reads from them what the
//! network would tell of the account: a Bluesky handle, a Telegram bot's id. Which network
//! needs which field, in which form, is in the platform table (`super::platform`).

use super::platform::Form;

/// The longest Bluesky handle (the AT Protocol's limit).
const MAX_HANDLE: usize = 253;

/// The longest label of a handle or an email's domain.
const MAX_LABEL: usize = 63;

/// The most digits a Telegram bot id has here (it is a 64-bit number).
const MAX_BOT_ID: usize = 20;

/// What a credential tells of the account it connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The profile's display name.
    pub name: String,
    /// The account's username on the network (the answer's `external_username`).
    pub username: Option<String>,
}

/// Checks the credential `field` (trimmed, not blank) against its `form`, for a network named
/// `title`: the account it names, if the form names one, or the 422 message.
pub fn check(
    form: Form,
    field: &str,
    value: &str,
    title: &str,
) -> Result<Option<Identity>, String> {
    match form {
        Form::Secret => Ok(None),
        Form::HandleOrEmail => handle_or_email(value)
            .map(|handle| {
                Some(Identity {
                    name: handle.clone(),
                    username: Some(handle),
                })
            })
            .ok_or_else(|| {
                format!(
                    "Invalid {field}: expected a {title} handle (name.bsky.social) or the \
                     account's email"
                )
            }),
        Form::BotToken => bot_id(value)
            .map(|id| {
                Some(Identity {
                    name: format!("Mock {title} bot {id}"),
                    username: Some(format!("mock_{id}_bot")),
                })
            })
            .ok_or_else(|| {
                format!("Invalid {field}: expected <bot id>:<secret>, as @BotFather gives it")
            }),
    }
}

/// The handle an identifier names: a handle itself (without a leading `@`, lowercased), or
/// `<local part>.bsky.social` for an email.
fn handle_or_email(identifier: &str) -> Option<String> {
    if let Some((local, domain)) = identifier.split_once('@') {
        if local.is_empty() {
            // `@jane.bsky.social`: a handle written with its at sign.
            return is_domain(domain).then(|| domain.to_ascii_lowercase());
        }
        let plausible = !local.chars().any(char::is_whitespace) && is_domain(domain);
        return plausible.then(|| format!("{}.bsky.social", handle_label(local)));
    }
    is_domain(identifier).then(|| identifier.to_ascii_lowercase())
}

/// A DNS-style name as handles are: two or more labels of letters, digits and hyphens, no
/// label starting or ending with a hyphen, the last one starting with a letter.
fn is_domain(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=MAX_LABEL).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    name.len() <= MAX_HANDLE
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// An email's local part as a handle's first label: lowercased, anything but letters and
/// digits made a hyphen, no hyphen at either end.
fn handle_label(local: &str) -> String {
    let mapped: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(MAX_LABEL)
        .collect();
    let label = mapped.trim_matches('-');
    if label.is_empty() {
        "account".into()
    } else {
        label.into()
    }
}

/// The bot id of a token in @BotFather's form: digits, a colon, then letters, digits, `_`
/// or `-`.
fn bot_id(token: &str) -> Option<&str> {
    let (id, secret) = token.split_once(':')?;
    let id_ok = (1..=MAX_BOT_ID).contains(&id.len()) && id.chars().all(|c| c.is_ascii_digit());
    let secret_ok = !secret.is_empty()
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (id_ok && secret_ok).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(form: Form, value: &str) -> Result<Option<Identity>, String> {
        let title = if form == Form::BotToken {
            "Telegram"
        } else {
            "Bluesky"
        };
        check(form, "field", value, title)
    }

    fn named(name: &str, username: &str) -> Result<Option<Identity>, String> {
        Ok(Some(Identity {
            name: name.into(),
            username: Some(username.into()),
        }))
    }

    #[test]
    fn a_bluesky_identifier_is_a_handle_or_an_email() {
        for (identifier, handle) in [
            ("jane.bsky.social", "jane.bsky.social"),
            ("@Jane.Bsky.Social", "jane.bsky.social"),
            ("jane.example.com", "jane.example.com"),
            ("Jane.Doe+bsky@Example.com", "jane-doe-bsky.bsky.social"),
            ("__@example.com", "account.bsky.social"),
        ] {
            assert_eq!(
                identity(Form::HandleOrEmail, identifier),
                named(handle, handle),
                "{identifier}"
            );
        }
        let refused =
            "Invalid field: expected a Bluesky handle (name.bsky.social) or the account's email";
        let long_label = format!("{}.bsky.social", "a".repeat(64));
        for identifier in [
            "jane",
            "jane.",
            ".bsky.social",
            "-jane.bsky.social",
            "jane.bsky.123",
            "jane doe.bsky.social",
            "jane@",
            "jane@localhost",
            "ja ne@example.com",
            "did:plc:z72i7hdynmk6r22z27h6tvur",
            &long_label,
        ] {
            assert_eq!(
                identity(Form::HandleOrEmail, identifier),
                Err(refused.into()),
                "{identifier}"
            );
        }
    }

    #[test]
    fn a_bot_token_is_in_botfathers_form() {
        assert_eq!(
            identity(Form::BotToken, "123456789:ABCdef-GhIJklMnOpQrStUvWxYz"),
            named("Mock Telegram bot 123456789", "mock_123456789_bot")
        );
        // The Node SDK's own tests send this short one.
        assert_eq!(
            identity(Form::BotToken, "123:ABC"),
            named("Mock Telegram bot 123", "mock_123_bot")
        );
        let refused = "Invalid field: expected <bot id>:<secret>, as @BotFather gives it";
        for token in [
            "123456789",
            ":ABC",
            "123:",
            "abc:ABC",
            "123:AB C",
            "123:AB:C",
            "https://t.me/my_bot",
            "123456789012345678901:ABC",
        ] {
            assert_eq!(
                identity(Form::BotToken, token),
                Err(refused.into()),
                "{token}"
            );
        }
    }

    #[test]
    fn a_secret_is_taken_as_it_is() {
        assert_eq!(identity(Form::Secret, "xxxx-xxxx-xxxx-xxxx"), Ok(None));
        assert_eq!(identity(Form::Secret, "any old password"), Ok(None));
    }
}
