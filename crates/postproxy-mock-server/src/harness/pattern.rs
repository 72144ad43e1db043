//! The one path-pattern dialect of the control plane: a fault's `path` ([`super::faults`]) and
//! the journal filter's `path` ([`super::journal`]) both match request paths with [`matches()`].
//!
//! A pattern is a path, split at `/` into segments, in which:
//!
//! - `*` matches any characters within one segment, never a `/`: the segment `*` is any one
//!   segment, `grp_*` any segment starting with `grp_`;
//! - a segment that is exactly `**` matches any number of whole segments, none included:
//!   `/api/**` matches `/api`, `/api/profiles` and `/api/profiles/p1/stats`;
//! - anything else matches itself, case and all.
//!
//! Trailing slashes are ignored on both sides, so `/api/profile_groups/` and
//! `/api/profile_groups` are the same pattern and the same path.
//!
//! ```text
//! /api/profiles/*        /api/profiles/p1              but not /api/profiles or /api/profiles/p1/stats
//! /api/profiles/**       /api/profiles, /api/profiles/p1, /api/profiles/p1/stats
//! /api/profiles/*/stats  /api/profiles/p1/stats
//! /api/profile*          /api/profiles, /api/profile_groups   but not /api/profiles/p1
//! ```
//!
//! Why this dialect: faults had it already (`*` one segment, a final `**` the rest), while the
//! journal filter read a final `*` as a prefix of any rest. The two disagreed on
//! `/api/profiles/*` against `/api/profiles/p1/stats` (the journal matched it, faults did not);
//! this dialect keeps the faults' answer because it can say both "one segment" (`*`) and
//! "anything below" (`**`), which a prefix cannot tell apart. A journal filter for everything
//! under a path is now written `/api/profiles/**`; a `*` closing a segment still matches the
//! rest of that segment, as the prefix did (`/api/profile_groups/grp_*`).

/// Whether `path` matches `pattern` (see the module documentation).
///
/// Greedy, going back only to the last `**` passed, so it takes at most (pattern segments ×
/// path segments) segment comparisons, however many `**` a pattern holds.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = segments(pattern).collect();
    let path: Vec<&str> = segments(path).collect();
    let (mut p, mut s) = (0, 0);
    // After the last `**` passed: where the pattern goes on, and the path segment it resumes
    // at (the `**` has swallowed those before it).
    let mut resume: Option<(usize, usize)> = None;
    while s < path.len() {
        match pattern.get(p) {
            Some(&"**") => {
                p += 1;
                resume = Some((p, s));
            }
            Some(segment) if segment_matches(segment, path[s]) => {
                p += 1;
                s += 1;
            }
            _ => match resume {
                // The `**` swallows one more segment; the rest of the pattern starts again.
                Some((after, from)) => {
                    p = after;
                    s = from + 1;
                    resume = Some((after, s));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|segment| *segment == "**")
}

/// The segments of a pattern or path, trailing slashes ignored; a leading `/` gives an empty
/// first segment on both sides.
fn segments(text: &str) -> std::str::Split<'_, char> {
    text.trim_end_matches('/').split('/')
}

/// Whether one path segment matches one pattern segment, whose `*`s match any characters.
fn segment_matches(pattern: &str, segment: &str) -> bool {
    let Some((first, wild)) = pattern.split_once('*') else {
        return pattern == segment;
    };
    let Some(mut rest) = segment.strip_prefix(first) else {
        return false;
    };
    let (middle, last) = wild.rsplit_once('*').unwrap_or(("", wild));
    // The parts between `*`s, each at its first place after the one before: if any placing
    // works, this one does, and it leaves the most room for the next.
    for part in middle.split('*') {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_is_one_segment() {
        assert!(matches("/api/profiles/*", "/api/profiles/p1"));
        assert!(!matches("/api/profiles/*", "/api/profiles/p1/stats"));
        assert!(!matches("/api/profiles/*", "/api/profiles"));
        assert!(matches("/api/profiles/*/stats", "/api/profiles/p1/stats"));
        assert!(!matches(
            "/api/profiles/*/stats",
            "/api/profiles/p1/placements"
        ));
    }

    #[test]
    fn double_star_is_any_number_of_segments() {
        assert!(matches("/api/**", "/api/profiles/p1/stats"));
        assert!(matches("/api/profiles/**", "/api/profiles"));
        assert!(matches("/**", "/api/profiles"));
        assert!(matches("/api/**/stats", "/api/profiles/p1/stats"));
        assert!(matches("/api/**/stats", "/api/stats"));
        assert!(!matches("/api/**/stats", "/api/profiles/p1/placements"));
        assert!(matches("/api/**/p1/**", "/api/profiles/p1/stats"));
        assert!(!matches("/api/**", "/other/api"));
    }

    #[test]
    fn star_within_a_segment() {
        assert!(matches("/api/profile*", "/api/profiles"));
        assert!(matches("/api/profile*", "/api/profile_groups"));
        assert!(!matches("/api/profile*", "/api/profiles/p1"));
        assert!(matches(
            "/api/profile_groups/grp_*",
            "/api/profile_groups/grp_1"
        ));
        assert!(matches("/api/*_groups", "/api/profile_groups"));
        assert!(matches("/api/p*f*s", "/api/profiles"));
        assert!(!matches("/api/ab*ba", "/api/aba"));
        assert!(matches("/api/a*", "/api/a"));
    }

    #[test]
    fn literals_and_slashes() {
        assert!(matches("/api/profile_groups", "/api/profile_groups/"));
        assert!(matches("/api/profile_groups/", "/api/profile_groups"));
        assert!(!matches("/api/profile_groups", "/api/profiles"));
        assert!(!matches("/api/Profiles", "/api/profiles"));
        assert!(matches("/", "/"));
        assert!(!matches("/", "/api"));
    }

    #[test]
    fn many_double_stars_stay_cheap() {
        let pattern = format!("{}/x", "/**".repeat(200));
        let path = "/a".repeat(2000);
        assert!(!matches(&pattern, &path));
        assert!(matches(&pattern, &format!("{path}/x")));
    }
}
