//! The write checks (`--write`): create a throw-away group, get it, initialize_connection on
//! it, delete it. The group is deleted whatever happens between; when the create's outcome is
//! unknown (no answer, or a 5xx), the group is looked for by its unique name and deleted if
//! it was made after all.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;

use super::walk::{delete, get, ids, post, REDIRECT_URL};
use super::{Probe, Runner};

/// The OAuth platform initialize_connection is asked for (a fresh group has none connected).
const CONNECT_PLATFORM: &str = "linkedin";

impl Runner {
    /// Creates, reads, connects and deletes a throw-away group.
    pub(crate) async fn write(&mut self) {
        let name = group_name();
        let body = json!({ "profile_group": { "name": name } });
        let call = post(["api", "profile_groups"], body);
        let probe = Probe::new(
            format!("create group {name:?}"),
            "create_profile_group",
            call,
            201,
        );
        let exchange = self.exchange(&probe).await;
        let unknown_outcome = match &exchange.result {
            Err(_) => true,
            Ok(answer) => answer.status >= 500,
        };
        let created = self.record(probe, exchange);
        let id = created
            .as_ref()
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match id {
            Some(id) => {
                self.use_group(&id).await;
                self.delete_group(&id, "delete the new group").await;
            }
            None if unknown_outcome => self.clean_up(&name).await,
            None => {}
        }
    }

    async fn use_group(&mut self, id: &str) {
        let call = get(["api", "profile_groups", id], &[]);
        let probe = Probe::new(
            format!("get the new group {id}"),
            "get_profile_group",
            call,
            200,
        );
        self.check(probe).await;

        let body = json!({ "platform": CONNECT_PLATFORM, "redirect_url": REDIRECT_URL });
        let call = post(["api", "profile_groups", id, "initialize_connection"], body);
        let name = format!("initialize_connection on {id} ({CONNECT_PLATFORM})");
        self.check(Probe::new(name, "initialize_connection", call, 200))
            .await;
    }

    async fn delete_group(&mut self, id: &str, what: &str) {
        let call = delete(["api", "profile_groups", id]);
        let probe = Probe::new(format!("{what} {id}"), "delete_profile_group", call, 200);
        self.check(probe).await;
    }

    /// Deletes the group named `name` if the create made it although its answer was lost.
    async fn clean_up(&mut self, name: &str) {
        let call = get(["api", "profile_groups"], &[]);
        let probe = Probe::new(
            "list groups to find a group the create may have made".into(),
            "list_profile_groups",
            call,
            200,
        );
        let Some(listed) = self.check(probe).await else {
            return;
        };
        let named = json!({
            "data": listed
                .get("data")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|g| g.get("name").and_then(Value::as_str) == Some(name))
                .collect::<Vec<_>>()
        });
        for id in ids(Some(&named), usize::MAX) {
            self.delete_group(&id, "clean up").await;
        }
    }
}

/// `postproxy-mock verify <now, RFC 3339>`: unique enough, and says where it came from.
fn group_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now
        .format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string());
    format!("postproxy-mock verify {now}")
}
