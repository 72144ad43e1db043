package postproxymock

import "encoding/json"

// The control API's bodies and answers, as its OpenAPI document (/__mock/openapi.json)
// describes them and as the Rust ControlClient's types name them.

// Fixtures is a fixture file: the accounts a server starts with (WithFixtures).
type Fixtures struct {
	Description string           `json:"description,omitempty"`
	Accounts    []AccountFixture `json:"accounts"`
}

// AccountFixture is one account in the fixture format (`postproxy-mock fixture-schema`). An
// absent ID or key is generated (the same for the same seed).
type AccountFixture struct {
	ID            string          `json:"id,omitempty"`
	Description   string          `json:"description,omitempty"`
	APIKeys       []APIKeyFixture `json:"api_keys,omitempty"`
	ProfileGroups []GroupFixture  `json:"profile_groups,omitempty"`
	Clock         *ClockFixture   `json:"clock,omitempty"`
}

// APIKeyFixture is an API key: full access (no ProfileGroupID) or scoped to one group.
type APIKeyFixture struct {
	Key            string `json:"key,omitempty"`
	ProfileGroupID string `json:"profile_group_id,omitempty"`
	Description    string `json:"description,omitempty"`
}

// ClockFixture is an account's clock when it is created (and reset).
type ClockFixture struct {
	Now    string `json:"now"`
	Frozen bool   `json:"frozen,omitempty"`
}

// GroupFixture is a profile group and its profiles.
type GroupFixture struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Profiles []ProfileFixture `json:"profiles,omitempty"`
}

// ProfileFixture is a profile, with its placements and stats snapshots.
type ProfileFixture struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Platform   string            `json:"platform"` // "instagram", "twitter", ...
	Status     string            `json:"status"`   // "active", "expired" or "inactive"
	ExpiresAt  *string           `json:"expires_at,omitempty"`
	PostCount  int64             `json:"post_count,omitempty"`
	AvatarURL  *string           `json:"avatar_url,omitempty"`
	Placements []Placement       `json:"placements,omitempty"`
	Stats      []SnapshotFixture `json:"stats,omitempty"`
}

// Placement is a page, organisation, board or channel of a profile; ID is nil only for the
// LinkedIn personal profile.
type Placement struct {
	ID   *string `json:"id"`
	Name string  `json:"name"`
}

// SnapshotFixture is one stats snapshot.
type SnapshotFixture struct {
	PlacementID *string        `json:"placement_id,omitempty"` // facebook, linkedin and telegram
	Stats       map[string]any `json:"stats"`
	RecordedAt  string         `json:"recorded_at"` // RFC 3339
}

// APIKey is a key of a running account.
type APIKey struct {
	Key            string  `json:"key"`
	KeyID          string  `json:"key_id"`
	ProfileGroupID *string `json:"profile_group_id"` // nil: full access
}

// AccountInfo is an account as the control API shows it.
type AccountInfo struct {
	ID            string    `json:"id"`
	APIKeys       []APIKey  `json:"api_keys"`
	ProfileGroups int       `json:"profile_groups"`
	Profiles      int       `json:"profiles"`
	Clock         ClockInfo `json:"clock"`
}

// Group is a profile group as the API shows it.
type Group struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	ProfilesCount int64  `json:"profiles_count"`
}

// GroupInject is a group to add (AddGroup); an empty ID is generated.
type GroupInject struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Profile is a profile as the API shows it.
type Profile struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Platform       string  `json:"platform"`
	Status         string  `json:"status"`
	ProfileGroupID string  `json:"profile_group_id"`
	ExpiresAt      *string `json:"expires_at"`
	PostCount      int64   `json:"post_count"`
	AvatarURL      *string `json:"avatar_url"`
}

// ProfilePatch changes a profile (PatchProfile); nil fields stay as they are.
// ClearExpiresAt and ClearAvatarURL set them to null.
type ProfilePatch struct {
	Name           *string
	Status         *string
	ExpiresAt      *string
	ClearExpiresAt bool
	PostCount      *int64
	AvatarURL      *string
	ClearAvatarURL bool
}

// MarshalJSON writes only the fields to change (an explicit null to clear).
func (p ProfilePatch) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if p.Name != nil {
		m["name"] = *p.Name
	}
	if p.Status != nil {
		m["status"] = *p.Status
	}
	if p.ClearExpiresAt {
		m["expires_at"] = nil
	} else if p.ExpiresAt != nil {
		m["expires_at"] = *p.ExpiresAt
	}
	if p.PostCount != nil {
		m["post_count"] = *p.PostCount
	}
	if p.ClearAvatarURL {
		m["avatar_url"] = nil
	} else if p.AvatarURL != nil {
		m["avatar_url"] = *p.AvatarURL
	}
	return json.Marshal(m)
}

// ClockInfo is an account's clock.
type ClockInfo struct {
	Now    string `json:"now"`
	Frozen bool   `json:"frozen"`
}

// ClockUpdate sets (Now, RFC 3339), freezes or resumes a clock (SetClock); nil fields stay.
type ClockUpdate struct {
	Now    *string `json:"now,omitempty"`
	Frozen *bool   `json:"frozen,omitempty"`
}

// ClockAdvance is how far to move a clock forward (AdvanceClock).
type ClockAdvance struct {
	Days    int64 `json:"days"`
	Hours   int64 `json:"hours"`
	Minutes int64 `json:"minutes"`
	Seconds int64 `json:"seconds"`
}

// ClockReport is a clock after a change, and what polling and expiry did.
type ClockReport struct {
	Clock   ClockInfo  `json:"clock"`
	Effects TickReport `json:"effects"`
}

// TickReport is what a clock move did to an account.
type TickReport struct {
	SnapshotsRecorded int64 `json:"snapshots_recorded"`
	ProfilesExpired   int64 `json:"profiles_expired"`
}

// FaultSpec is a fault to arm (AddFault): the next Times (default 1) requests of the account
// matching Method and Path (`*` within a segment, a `**` segment any number of them) are
// answered with Status (and Error, RetryAfter), delayed by LatencyMS, or cut off.
type FaultSpec struct {
	Method         string `json:"method,omitempty"`
	Path           string `json:"path,omitempty"`
	Times          int    `json:"times,omitempty"`
	Status         int    `json:"status,omitempty"`
	Error          string `json:"error,omitempty"`
	RetryAfter     int    `json:"retry_after,omitempty"`
	LatencyMS      int    `json:"latency_ms,omitempty"`
	DropConnection bool   `json:"drop_connection,omitempty"`
}

// Fault is an armed fault.
type Fault struct {
	ID             string  `json:"id"`
	Method         *string `json:"method"`
	Path           *string `json:"path"`
	Times          *int    `json:"times"`
	Status         *int    `json:"status"`
	Error          *string `json:"error"`
	RetryAfter     *int    `json:"retry_after"`
	LatencyMS      *int    `json:"latency_ms"`
	DropConnection bool    `json:"drop_connection"`
	Remaining      int     `json:"remaining"`
}

// JournalFilter narrows Journal; zero fields do not filter.
type JournalFilter struct {
	Method string // case-insensitive
	Path   string // a pattern, as FaultSpec's
	Status int
	After  uint64 // only entries with a greater Seq
}

// JournalPage is an account's journal.
type JournalPage struct {
	Entries      []JournalEntry `json:"entries"`
	Dropped      uint64         `json:"dropped"`
	Cap          int            `json:"cap"`
	RecordBodies bool           `json:"record_bodies"`
}

// JournalEntry is one product-API request.
type JournalEntry struct {
	Seq    uint64  `json:"seq"`
	Method string  `json:"method"`
	Path   string  `json:"path"`
	Query  *string `json:"query"`
	Status int     `json:"status"`
	At     string  `json:"at"`
	KeyID  string  `json:"key_id"`
	Body   *string `json:"body"`
}

// Connection is a pending connection (from initialize_connection).
type Connection struct {
	Token             string `json:"token"`
	AccountID         string `json:"account_id"`
	ProfileGroupID    string `json:"profile_group_id"`
	Platform          string `json:"platform"`
	RedirectURL       string `json:"redirect_url"`
	RefreshConnection bool   `json:"refresh_connection"`
	ExpiresAt         string `json:"expires_at"`
}

// ConnectionOutcome is where the browser would be sent, and the profile connected (nil when
// denied).
type ConnectionOutcome struct {
	RedirectTo string   `json:"redirect_to"`
	Profile    *Profile `json:"profile"`
}

// String returns a pointer to s, for the optional fields above.
func String(s string) *string { return &s }

// Int64 returns a pointer to n.
func Int64(n int64) *int64 { return &n }

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }
