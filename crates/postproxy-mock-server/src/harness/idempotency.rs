//! `Idempotency-Key`: every rule, for every operation that honours it. Which operations do,
//! the key's length limit and what the fingerprint covers come from the spec (the generated
//! [`Operation::idempotency`]); the request path (`crate::service::path`) calls this module at
//! three points and nothing else knows of keys:
//!
//! 1. [`Idempotency::claim`] when the request is first looked at, before any fault's delay: a
//!    key whose first request is still running is refused ([`Refusal::InFlight`], 409).
//! 2. [`Idempotency::decide`] once the body is read and the fault is past: a key used within
//!    [`IDEMPOTENCY_TTL`] for another request is refused ([`Refusal::Reused`], 422); for the
//!    same request the first successful answer is replayed; otherwise the operation runs.
//! 3. [`Idempotency::keep`] (a 2xx answer) and [`Idempotency::release`] when it is answered
//!    (or dropped mid-way).
//!
//! Keys live per API key (its key id), never per account, so a replay only ever answers the
//! key that got the first answer, and only while that key's scope is what it was: a replay is
//! authorised exactly as the request itself was, and never shows a key what it could not get.
//! Bounded by [`MAX_IDEMPOTENCY_KEYS`] per account.

use std::collections::VecDeque;

use bytes::Bytes;
use time::{Duration, OffsetDateTime};

use crate::domain::FastMap;
use crate::generated::Operation;
use crate::limits::MAX_IDEMPOTENCY_KEYS;

/// How long a successful answer is replayed for the same key.
pub const IDEMPOTENCY_TTL: Duration = Duration::hours(24);

/// Where a key is remembered: the API key's id and the `Idempotency-Key`.
pub type Slot = (String, String);

/// Why a request with a key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The key's first request is still running (409).
    InFlight,
    /// The key was used within [`IDEMPOTENCY_TTL`] for a different request (422).
    Reused,
}

impl Refusal {
    /// The status the spec documents.
    pub fn status(self) -> u16 {
        match self {
            Self::InFlight => 409,
            Self::Reused => 422,
        }
    }

    /// The message the spec documents.
    pub fn message(self) -> &'static str {
        match self {
            Self::InFlight => "A request with this Idempotency-Key is already in progress",
            Self::Reused => "Idempotency-Key has already been used with a different request",
        }
    }
}

/// What [`Idempotency::decide`] says of a claimed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Carry the operation out.
    Run,
    /// Answer with the first answer again: its status and JSON body.
    Replay(u16, Bytes),
    /// Refuse it.
    Refuse(Refusal),
}

/// A successful answer kept for replay.
#[derive(Debug, Clone)]
struct Kept {
    fingerprint: String,
    /// The scope of the key that got it (its group, or empty for full access).
    scope: String,
    status: u16,
    body: Bytes,
    at: OffsetDateTime,
    /// Its place in [`Idempotency::order`], to tell it from an older entry of the same slot.
    seq: u64,
}

/// One account's keys: those in flight, and the answers kept.
#[derive(Debug, Clone, Default)]
pub struct Idempotency {
    /// Keys whose first request is still running, with that request's claim.
    in_flight: FastMap<Slot, u64>,
    last_claim: u64,
    kept: FastMap<Slot, Kept>,
    /// Slots in the order their answers were kept (with each entry's `seq`), oldest first:
    /// expired and surplus entries are dropped from the front.
    order: VecDeque<(u64, Slot)>,
    seq: u64,
}

impl Idempotency {
    /// Records `slot` as in flight, before the request waits or works; refused if another
    /// request holds it. The claim goes back with [`Self::release`].
    pub fn claim(&mut self, slot: &Slot) -> Result<u64, Refusal> {
        if self.in_flight.contains_key(slot) {
            return Err(Refusal::InFlight);
        }
        self.last_claim += 1;
        self.in_flight.insert(slot.clone(), self.last_claim);
        Ok(self.last_claim)
    }

    /// Ends a claim from [`Self::claim`] (nothing if it no longer holds the slot).
    pub fn release(&mut self, slot: &Slot, claim: u64) {
        if self.in_flight.get(slot) == Some(&claim) {
            self.in_flight.remove(slot);
        }
    }

    /// What to do with the request holding `slot`, whose fingerprint is `fingerprint` and
    /// whose key has `scope`, at `now` (the account's clock).
    pub fn decide(
        &self,
        slot: &Slot,
        fingerprint: &str,
        scope: &str,
        now: OffsetDateTime,
    ) -> Decision {
        match self.kept.get(slot) {
            Some(kept) if now - kept.at < IDEMPOTENCY_TTL => {
                if kept.fingerprint != fingerprint {
                    Decision::Refuse(Refusal::Reused)
                } else if kept.scope == scope {
                    Decision::Replay(kept.status, kept.body.clone())
                } else {
                    // The key's scope changed since (an import gave its id another scope):
                    // the request is carried out as itself, never replayed.
                    Decision::Run
                }
            }
            _ => Decision::Run,
        }
    }

    /// Keeps a successful answer for replay.
    pub fn keep(
        &mut self,
        slot: Slot,
        fingerprint: String,
        scope: &str,
        answer: (u16, Bytes),
        now: OffsetDateTime,
    ) {
        self.seq += 1;
        let (status, body) = answer;
        self.kept.insert(
            slot.clone(),
            Kept {
                fingerprint,
                scope: scope.to_string(),
                status,
                body,
                at: now,
                seq: self.seq,
            },
        );
        self.order.push_back((self.seq, slot));
        self.forget(now);
    }

    /// How many answers are kept (at most [`MAX_IDEMPOTENCY_KEYS`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Drops expired entries and, beyond [`MAX_IDEMPOTENCY_KEYS`], the oldest ones, from the
    /// front of the order: amortised O(1) per kept answer. Entries are in clock order unless
    /// the clock was set back; an unexpired entry at the front then holds older expired ones
    /// back, but the cap still bounds them.
    fn forget(&mut self, now: OffsetDateTime) {
        while let Some((seq, slot)) = self.order.front() {
            let current = self.kept.get(slot).filter(|e| e.seq == *seq);
            let drop = match current {
                // A stale place: the slot was kept again since.
                None => true,
                Some(entry) => {
                    self.kept.len() > MAX_IDEMPOTENCY_KEYS || now - entry.at >= IDEMPOTENCY_TTL
                }
            };
            if !drop {
                break;
            }
            if current.is_some() {
                self.kept.remove(slot);
            }
            self.order.pop_front();
        }
    }
}

/// The fingerprint of a request to `op`: the operation, its path, the query parameters the spec
/// says count (an empty value counts as absent) and the body as the operation's model reads it.
pub fn fingerprint(op: &Operation, path: &str, query: Option<&str>, body: &[u8]) -> String {
    let mut fingerprint = format!("{} {path}", op.operation_id);
    let counted = op.idempotency.map_or(&[][..], |i| i.query);
    for name in counted {
        let value = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        fingerprint.push_str(&format!(" {name}={value}"));
    }
    if let Some(body) = op.canonical_body(body) {
        fingerprint.push(' ');
        fingerprint.push_str(&body);
    }
    fingerprint
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(key_id: &str, key: &str) -> Slot {
        (key_id.to_string(), key.to_string())
    }

    fn at(hours: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::hours(hours)
    }

    fn answer(body: &'static str) -> (u16, Bytes) {
        (200, Bytes::from_static(body.as_bytes()))
    }

    #[test]
    fn a_key_is_replayed_for_24_hours_then_runs_again() {
        let mut keys = Idempotency::default();
        let k = slot("key_a", "k1");
        keys.keep(k.clone(), "f".into(), "", answer("{}"), at(0));
        assert_eq!(
            keys.decide(&k, "f", "", at(23)),
            Decision::Replay(200, Bytes::from_static(b"{}"))
        );
        assert_eq!(
            keys.decide(&k, "other", "", at(23)),
            Decision::Refuse(Refusal::Reused)
        );
        assert_eq!(keys.decide(&k, "other", "", at(24)), Decision::Run);
    }

    #[test]
    fn keys_are_per_api_key_and_held_while_in_flight() {
        let mut keys = Idempotency::default();
        let (mine, theirs) = (slot("key_a", "k"), slot("key_b", "k"));
        let claim = keys.claim(&mine).unwrap();
        assert_eq!(keys.claim(&mine), Err(Refusal::InFlight));
        assert!(keys.claim(&theirs).is_ok(), "another API key's slot");
        keys.release(&mine, claim + 1);
        assert_eq!(
            keys.claim(&mine),
            Err(Refusal::InFlight),
            "not the holder's claim"
        );
        keys.release(&mine, claim);
        assert!(keys.claim(&mine).is_ok());
    }

    #[test]
    fn a_replay_needs_the_scope_the_answer_was_made_for() {
        let mut keys = Idempotency::default();
        let k = slot("key_a", "k1");
        keys.keep(k.clone(), "f".into(), "grp_1", answer("{}"), at(0));
        assert_eq!(keys.decide(&k, "f", "", at(1)), Decision::Run);
        assert!(matches!(
            keys.decide(&k, "f", "grp_1", at(1)),
            Decision::Replay(..)
        ));
    }

    #[test]
    fn the_oldest_answers_are_forgotten_past_the_cap() {
        let mut keys = Idempotency::default();
        for n in 0..=MAX_IDEMPOTENCY_KEYS {
            keys.keep(
                slot("key_a", &n.to_string()),
                "f".into(),
                "",
                answer("{}"),
                at(0),
            );
        }
        assert_eq!(keys.len(), MAX_IDEMPOTENCY_KEYS);
        assert_eq!(
            keys.decide(&slot("key_a", "0"), "f", "", at(0)),
            Decision::Run
        );
    }

    #[test]
    fn the_fingerprint_covers_what_the_spec_lists() {
        let delete = Operation::find("DELETE", "/api/profiles/p1").unwrap();
        let plain = fingerprint(delete, "/api/profiles/p1", None, b"");
        assert_eq!(
            plain,
            fingerprint(delete, "/api/profiles/p1", Some("profile_group_id="), b"")
        );
        assert_eq!(
            plain,
            fingerprint(delete, "/api/profiles/p1", Some("other=1"), b"")
        );
        assert_ne!(
            plain,
            fingerprint(delete, "/api/profiles/p1", Some("profile_group_id=g"), b"")
        );
        let create = Operation::find("POST", "/api/profile_groups").unwrap();
        let a = fingerprint(
            create,
            "/api/profile_groups",
            None,
            br#"{"name": "A", "x": 1}"#,
        );
        assert_eq!(
            a,
            fingerprint(create, "/api/profile_groups", None, br#"{"name":"A"}"#)
        );
        assert_ne!(
            a,
            fingerprint(create, "/api/profile_groups", None, br#"{"name":"B"}"#)
        );
    }
}
