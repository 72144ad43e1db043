//! `Idempotency-Key`s: claimed while a request is in flight, remembered per API key for
//! [`IDEMPOTENCY_TTL`] with the first successful response, replayed to the same request and
//! refused for a different one. Bounded by [`MAX_IDEMPOTENCY_KEYS`].

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::account::Account;
use super::auth::Principal;
use super::error::DomainError;
use crate::limits::MAX_IDEMPOTENCY_KEYS;

/// How long a successful response is replayed for the same `Idempotency-Key`.
pub const IDEMPOTENCY_TTL: Duration = Duration::hours(24);

/// Where an `Idempotency-Key` is remembered: per API key (its key id), not per account, so
/// one key's requests can never replay, block or collide with another key's.
pub(super) type IdempotencySlot = (String, String);

/// A successful response kept for replay under an `Idempotency-Key`. Kept as JSON so one
/// store serves every operation; the fingerprint (method, path, body) ties a key to one
/// operation, so a replay always deserialises into that operation's body type.
#[derive(Debug, Clone)]
pub(super) struct IdempotencyEntry {
    pub(super) fingerprint: String,
    pub(super) response: Value,
    /// The group the operation acted on: a replay is authorised against it as the operation
    /// itself would be, so it never shows a key what that key could not get.
    pub(super) group: Option<String>,
    pub(super) at: OffsetDateTime,
    /// Position in [`Account::idempotency_order`], to tell a key's current entry from an
    /// older one of the same key still queued.
    pub(super) seq: u64,
}

impl Account {
    /// Records `key` (of the API key `key_id`) as in flight, before the request waits or works;
    /// `None` if another request holds it. The claim goes back with
    /// [`Self::release_idempotency_key`].
    pub fn claim_idempotency_key(&mut self, key_id: &str, key: &str) -> Option<u64> {
        let slot = (key_id.to_string(), key.to_string());
        if self.in_flight.contains_key(&slot) {
            return None;
        }
        self.last_claim += 1;
        self.in_flight.insert(slot, self.last_claim);
        Some(self.last_claim)
    }

    /// Ends a claim from [`Self::claim_idempotency_key`] (no-op if it is not the holder).
    pub fn release_idempotency_key(&mut self, key_id: &str, key: &str, claim: u64) {
        let slot = (key_id.to_string(), key.to_string());
        if self.in_flight.get(&slot) == Some(&claim) {
            self.in_flight.remove(&slot);
        }
    }

    /// Runs `operation` for `who` under an optional `Idempotency-Key` (an empty one counts as
    /// none). Keys are remembered per API key. The caller authorises the operation's permission
    /// first; then, in this order: a key held in flight by another request (not `claim`) is
    /// 409; a key this API key used within [`IDEMPOTENCY_TTL`] for another request
    /// (`fingerprint`) is 422; for the same request the first successful response is replayed
    /// without running `operation`, if `who` can still access the group it acted on (the group
    /// `operation` returns beside its response). Only successful responses are kept.
    pub fn idempotent<T: serde::Serialize + serde::de::DeserializeOwned>(
        &mut self,
        who: &Principal,
        key: Option<&str>,
        claim: Option<u64>,
        fingerprint: String,
        operation: impl FnOnce(&mut Self) -> Result<(T, Option<String>), DomainError>,
    ) -> Result<T, DomainError> {
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return operation(self).map(|(response, _)| response);
        };
        let slot = (who.key_id.clone(), key.to_string());
        if self
            .in_flight
            .get(&slot)
            .is_some_and(|&holder| Some(holder) != claim)
        {
            return Err(DomainError::KeyInFlight);
        }
        let now = self.clock.now();
        if let Some(entry) = self.idempotency.get(&slot) {
            if now - entry.at < IDEMPOTENCY_TTL {
                if entry.fingerprint != fingerprint {
                    return Err(DomainError::rejected(
                        "Idempotency-Key has already been used with a different request",
                    ));
                }
                // A key's scope does not change, so this holds for its own entries; it is
                // checked anyway, so a replay can never be more than the key may see.
                if entry.group.as_deref().is_none_or(|g| who.can_access(g)) {
                    return serde_json::from_value(entry.response.clone())
                        .map_err(|_| DomainError::Internal);
                }
            }
        }
        let (response, group) = operation(self)?;
        // Our response types always serialise; one that did not would just not be replayed.
        if let Ok(value) = serde_json::to_value(&response) {
            self.idempotency_seq += 1;
            let seq = self.idempotency_seq;
            self.idempotency.insert(
                slot.clone(),
                IdempotencyEntry {
                    fingerprint,
                    response: value,
                    group,
                    at: now,
                    seq,
                },
            );
            self.idempotency_order.push_back((seq, slot));
        }
        self.forget_idempotency_keys(now);
        Ok(response)
    }

    /// Drops expired keys and, beyond [`MAX_IDEMPOTENCY_KEYS`], the oldest ones, from the
    /// front of the insertion order. The cost is amortised O(1) per stored key (a full scan
    /// per request, as before, made a long run quadratic). Entries are in clock order unless
    /// the clock was set back; an unexpired entry at the front then holds older expired ones
    /// back, but the cap still bounds them.
    pub(super) fn forget_idempotency_keys(&mut self, now: OffsetDateTime) {
        while let Some((seq, key)) = self.idempotency_order.front() {
            let current = self.idempotency.get(key).filter(|e| e.seq == *seq);
            let drop = match current {
                // A stale position: the key was stored again since.
                None => true,
                Some(entry) => {
                    self.idempotency.len() > MAX_IDEMPOTENCY_KEYS
                        || now - entry.at >= IDEMPOTENCY_TTL
                }
            };
            if !drop {
                break;
            }
            if current.is_some() {
                self.idempotency.remove(key);
            }
            self.idempotency_order.pop_front();
        }
    }
}
