//! Every fact the mock knows about a network, in one table: what the reference docs say of
//! its placements and stats, how initialize_connection connects it (by OAuth, as the reference
//! says, or with credentials, as the official SDKs do), and what a newly connected profile
//! looks like. Rules elsewhere ask [`facts`] instead of listing networks themselves.

use postproxy_models::Platform;

/// What the mock knows about one network.
#[derive(Debug)]
pub struct Facts {
    /// Its name as people write it ("TikTok", "X").
    pub title: &'static str,
    /// Whether list_profile_placements answers for it (otherwise 422).
    pub has_placements: bool,
    /// Whether it keeps one stats series per placement: the stats endpoint then needs
    /// `placement_id`, and get_profile sums the placements into `summary_stats`.
    pub stats_per_placement: bool,
    /// Whether the service polls it for stats (google_business has no stats fields in the
    /// reference, so it is never polled).
    pub polled: bool,
    /// Whether initialize_connection connects it through an OAuth consent page (the
    /// reference's seven platforms; `redirect_url` required).
    pub oauth: bool,
    /// What initialize_connection needs to connect it at once, without OAuth (the official
    /// SDKs' bluesky and telegram); `None` when it cannot be connected so.
    pub credentials: Option<Credentials>,
    /// Whether a connected profile's token expires (`expires_at` set, [`TOKEN_LIFETIME`]).
    ///
    /// [`TOKEN_LIFETIME`]: super::connections::TOKEN_LIFETIME
    pub token_expires: bool,
    /// The stats keys polling starts a series with, and the size of their first values.
    pub stats_keys: &'static [(&'static str, u64)],
}

/// How a network is connected with credentials: the body fields it needs and what the
/// answer adds.
#[derive(Debug)]
pub struct Credentials {
    /// The body fields, in the order they are checked; each is required.
    pub fields: &'static [Credential],
    /// The answer's `next_step`, if it has one.
    pub next_step: Option<&'static str>,
}

/// One credential field of initialize_connection's body.
#[derive(Debug)]
pub struct Credential {
    /// Its name in the body (and in `Missing <name>`).
    pub name: &'static str,
    /// What it must look like, and what it says of the account.
    pub form: Form,
}

/// The forms a credential takes (checked in `super::credentials`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Any non-blank text the mock cannot check and does not keep (a password).
    Secret,
    /// A Bluesky handle or the account's email: names the account by its handle.
    HandleOrEmail,
    /// A bot token from @BotFather, `<bot id>:<secret>`: names the bot by its id.
    BotToken,
}

/// Every network, in the order messages list them.
pub static TABLE: [(Platform, Facts); 11] = [
    (
        Platform::Facebook,
        Facts {
            title: "Facebook",
            has_placements: true,
            stats_per_placement: true,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: true,
            stats_keys: &[
                ("fan_count", 100),
                ("followers_count", 110),
                ("page_impressions", 400),
                ("page_views_total", 30),
                ("page_fan_adds", 2),
                ("page_fan_removes", 0),
            ],
        },
    ),
    (
        Platform::Instagram,
        Facts {
            title: "Instagram",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: true,
            stats_keys: &[
                ("followers_count", 300),
                ("follows_count", 100),
                ("media_count", 20),
                ("reach_1d", 150),
                ("profile_views_1d", 12),
            ],
        },
    ),
    (
        Platform::Tiktok,
        Facts {
            title: "TikTok",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: false,
            stats_keys: &[
                ("follower_count", 400),
                ("following_count", 20),
                ("likes_count", 3000),
                ("video_count", 10),
            ],
        },
    ),
    (
        Platform::Linkedin,
        Facts {
            title: "LinkedIn",
            has_placements: true,
            stats_per_placement: true,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: true,
            stats_keys: &[
                ("followerCount", 200),
                ("shareCount", 2),
                ("likeCount", 10),
                ("commentCount", 3),
                ("clickCount", 40),
                ("allPageViews", 500),
            ],
        },
    ),
    (
        Platform::Youtube,
        Facts {
            title: "YouTube",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: false,
            stats_keys: &[
                ("subscriberCount", 120),
                ("viewCount", 5000),
                ("videoCount", 4),
            ],
        },
    ),
    (
        Platform::Twitter,
        Facts {
            title: "X",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: false,
            stats_keys: &[
                ("followers_count", 250),
                ("following_count", 80),
                ("tweet_count", 60),
                ("listed_count", 1),
                ("like_count", 90),
            ],
        },
    ),
    (
        Platform::Threads,
        Facts {
            title: "Threads",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: true,
            credentials: None,
            token_expires: true,
            stats_keys: &[
                ("followers_count", 150),
                ("views", 900),
                ("likes", 40),
                ("replies", 5),
                ("reposts", 2),
                ("quotes", 0),
            ],
        },
    ),
    (
        Platform::Pinterest,
        Facts {
            title: "Pinterest",
            has_placements: true,
            stats_per_placement: false,
            polled: true,
            oauth: false,
            credentials: None,
            token_expires: false,
            stats_keys: &[
                ("follower_count", 80),
                ("following_count", 30),
                ("pin_count", 25),
                ("board_count", 2),
                ("monthly_views", 1500),
            ],
        },
    ),
    (
        Platform::Bluesky,
        Facts {
            title: "Bluesky",
            has_placements: false,
            stats_per_placement: false,
            polled: true,
            oauth: false,
            credentials: Some(Credentials {
                fields: &[
                    Credential {
                        name: "identifier",
                        form: Form::HandleOrEmail,
                    },
                    Credential {
                        name: "app_password",
                        form: Form::Secret,
                    },
                ],
                next_step: None,
            }),
            token_expires: false,
            stats_keys: &[
                ("followersCount", 40),
                ("followsCount", 60),
                ("postsCount", 12),
            ],
        },
    ),
    (
        Platform::Telegram,
        Facts {
            title: "Telegram",
            has_placements: true,
            stats_per_placement: true,
            polled: true,
            oauth: false,
            credentials: Some(Credentials {
                fields: &[Credential {
                    name: "bot_token",
                    form: Form::BotToken,
                }],
                // The Node SDK's own tests' text: the real service's words are not documented.
                next_step: Some("Add bot as admin to channels"),
            }),
            token_expires: false,
            stats_keys: &[("followers_count", 50)],
        },
    ),
    (
        Platform::GoogleBusiness,
        Facts {
            title: "Google Business",
            has_placements: true,
            stats_per_placement: false,
            polled: false,
            oauth: false,
            credentials: None,
            token_expires: false,
            stats_keys: &[],
        },
    ),
];

impl Facts {
    /// Whether initialize_connection can connect it at all (by OAuth or with credentials).
    pub fn connectable(&self) -> bool {
        self.oauth || self.credentials.is_some()
    }
}

/// The facts of `platform`.
pub fn facts(platform: Platform) -> &'static Facts {
    TABLE
        .iter()
        .find(|(p, _)| *p == platform)
        .map(|(_, facts)| facts)
        .unwrap_or(&TABLE[0].1)
}

/// The networks whose facts pass `filter`, in table order.
pub fn where_(filter: impl Fn(&Facts) -> bool) -> impl Iterator<Item = Platform> {
    TABLE
        .iter()
        .filter(move |(_, facts)| filter(facts))
        .map(|(p, _)| *p)
}

/// Their names as a list for a message: `a, b, c` (or `a, b and c` with `and`).
pub fn list(platforms: impl Iterator<Item = Platform>, and: bool) -> String {
    let names: Vec<String> = platforms.map(|p| p.to_string()).collect();
    match names.split_last() {
        Some((last, rest)) if and && !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_is_in_the_table_once() {
        for (platform, _) in &TABLE {
            assert_eq!(TABLE.iter().filter(|(p, _)| p == platform).count(), 1);
            assert!(std::ptr::eq(
                facts(*platform),
                &TABLE.iter().find(|(p, _)| p == platform).unwrap().1
            ));
        }
        assert_eq!(
            list(where_(|f| f.has_placements), true),
            "facebook, linkedin, pinterest, telegram and google_business"
        );
        assert_eq!(
            list(where_(|f| f.oauth), false),
            "facebook, instagram, tiktok, linkedin, youtube, twitter, threads"
        );
        assert_eq!(
            list(where_(|f| f.credentials.is_some()), true),
            "bluesky and telegram"
        );
        // A network is connected one way or the other, never both.
        assert!(TABLE
            .iter()
            .all(|(_, f)| !(f.oauth && f.credentials.is_some())));
    }
}
