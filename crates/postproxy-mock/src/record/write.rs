//! The fixture file, written as the account is read: a temporary file beside `--out`, one
//! line per profile, renamed over `--out` only once complete. Nothing of the account is held
//! beyond the profile being written.
//!
//! The layout (JSON, valid for `postproxy-mock --fixtures`):
//!
//! ```text
//! {
//!   "description": "Recorded from https://api.postproxy.dev by postproxy-mock record at ...",
//!   "accounts": [{
//!     "id": "acct_recorded",
//!     "profile_groups": [
//!       {"id": "grp1", "name": "Main Brand", "profiles": [
//!         {"id": "prof1", "name": "@acme", "platform": "instagram", ..., "stats": [...]},
//!         ...
//!       ]},
//!       ...
//!     ],
//!     "api_keys": [{"key": "pp_rec_full_...", ...}, {"key": "pp_rec_scoped_...", "profile_group_id": "grp1", ...}]
//!   }]
//! }
//! ```
//!
//! The keys come last: only groups that were recorded get one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use postproxy_mock_server::fixtures::{ApiKeyFixture, ProfileFixture};
use serde_json::to_writer as json;

/// A fixture being written; the temporary file is removed if it is dropped unfinished.
pub(crate) struct FixtureWriter {
    out: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    groups: usize,
    /// Profiles written in the open group; `None` when no group is open.
    open_group: Option<usize>,
}

impl FixtureWriter {
    /// Starts the temporary file beside `out` with the fixture's head.
    pub(crate) fn create(
        out: &Path,
        description: &str,
        account_id: &str,
        recorded_at: &str,
    ) -> std::io::Result<Self> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "fixture".into());
        let tmp = out.with_file_name(format!(".{name}.record-{}.tmp", std::process::id()));
        let file = File::options().write(true).create_new(true).open(&tmp)?;
        let mut writer = Self {
            out: out.to_path_buf(),
            tmp,
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
            groups: 0,
            open_group: None,
        };
        let w = writer.w();
        w.write_all(b"{\n  \"description\": ")?;
        json(&mut *w, description)?;
        w.write_all(b",\n  \"accounts\": [{\n    \"id\": ")?;
        json(&mut *w, account_id)?;
        // Frozen at the recording's moment: no stats polling, statuses as they were then.
        w.write_all(b",\n    \"clock\": {\"now\": ")?;
        json(&mut *w, recorded_at)?;
        w.write_all(b", \"frozen\": true},\n    \"profile_groups\": [")?;
        Ok(writer)
    }

    fn w(&mut self) -> &mut BufWriter<File> {
        self.file
            .as_mut()
            .expect("the file is open until finish or drop")
    }

    /// Opens a group (closing the one before); its profiles follow.
    pub(crate) fn group(&mut self, id: &str, name: &str) -> std::io::Result<()> {
        self.close_group()?;
        let first = self.groups == 0;
        let w = self.w();
        w.write_all(if first { b"\n      " } else { b",\n      " })?;
        w.write_all(b"{\"id\": ")?;
        json(&mut *w, id)?;
        w.write_all(b", \"name\": ")?;
        json(&mut *w, name)?;
        w.write_all(b", \"profiles\": [")?;
        self.groups += 1;
        self.open_group = Some(0);
        Ok(())
    }

    /// A profile of the open group, on a line of its own.
    pub(crate) fn profile(&mut self, profile: &ProfileFixture) -> std::io::Result<()> {
        let count = self
            .open_group
            .expect("a profile is written inside a group");
        let w = self.w();
        w.write_all(if count == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        json(&mut *w, profile)?;
        self.open_group = Some(count + 1);
        Ok(())
    }

    fn close_group(&mut self) -> std::io::Result<()> {
        match self.open_group.take() {
            Some(0) => self.w().write_all(b"]}"),
            Some(_) => self.w().write_all(b"\n      ]}"),
            None => Ok(()),
        }
    }

    /// Ends the document with the keys, flushes it to disk and puts it at `out`: replacing
    /// what is there with `force`, otherwise only if `out` still does not exist.
    pub(crate) fn finish(mut self, keys: &[ApiKeyFixture], force: bool) -> std::io::Result<()> {
        self.close_group()?;
        let groups = self.groups;
        let w = self.w();
        w.write_all(if groups == 0 { b"],\n" } else { b"\n    ],\n" })?;
        w.write_all(b"    \"api_keys\": [")?;
        for (i, key) in keys.iter().enumerate() {
            w.write_all(if i == 0 { b"\n      " } else { b",\n      " })?;
            json(&mut *w, key)?;
        }
        w.write_all(b"\n    ]\n  }]\n}\n")?;
        let file = self
            .file
            .take()
            .expect("open until now")
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        if force {
            std::fs::rename(&self.tmp, &self.out)
        } else {
            // A hard link fails if `out` appeared meanwhile, where a rename would replace it.
            match std::fs::hard_link(&self.tmp, &self.out) {
                Ok(()) => std::fs::remove_file(&self.tmp),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
                Err(_) if !self.out.exists() => std::fs::rename(&self.tmp, &self.out),
                Err(e) => Err(e),
            }
        }
    }
}

impl Drop for FixtureWriter {
    fn drop(&mut self) {
        self.file.take();
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A new API key, `pp_rec_{kind}_` and 24 random lowercase letters and digits.
pub(crate) fn new_key(kind: &str) -> std::io::Result<String> {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const LEN: usize = 24;
    let mut random = String::with_capacity(LEN);
    let mut bytes = [0u8; 64];
    while random.len() < LEN {
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        // 252 = 7 × 36: larger bytes are dropped so that every character is equally likely.
        let wanted = LEN - random.len();
        random.extend(
            bytes
                .iter()
                .filter(|&&b| b < 252)
                .take(wanted)
                .map(|b| char::from(ALPHABET[usize::from(b % 36)])),
        );
    }
    Ok(format!("pp_rec_{kind}_{random}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_new_and_shaped_like_the_demo_ones() {
        let a = new_key("full").unwrap();
        let b = new_key("full").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pp_rec_full_"), "{a}");
        assert_eq!(a.len(), "pp_rec_full_".len() + 24);
        assert!(a.bytes().all(|b| b.is_ascii_graphic()));
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("pp-record-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("f.json");
        let mut w = FixtureWriter::create(&out, "d", "acct", "2026-05-01T00:00:00Z").unwrap();
        w.group("g", "G").unwrap();
        drop(w);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir(&dir).unwrap();
    }
}
