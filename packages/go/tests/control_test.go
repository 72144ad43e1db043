package groups_test

// Every control operation at least once, checked through the product API, and its errors.

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

// fresh is a new account with one group, on the shared server.
func fresh(t *testing.T) (*postproxymock.Server, *postproxymock.Account) {
	mock := postproxymock.Start(t)
	return mock, mock.NewAccountFrom(t, postproxymock.AccountFixture{
		ProfileGroups: []postproxymock.GroupFixture{{ID: "grp_1", Name: "One"}},
	})
}

func youtube(id string) postproxymock.ProfileFixture {
	return postproxymock.ProfileFixture{ID: id, Name: "@" + id, Platform: "youtube", Status: "active"}
}

// refused asserts err is a *ControlError with status and a message containing part.
func refused(t *testing.T, err error, status int, part string) *postproxymock.ControlError {
	t.Helper()
	var cerr *postproxymock.ControlError
	if !errors.As(err, &cerr) {
		t.Fatalf("want a ControlError, got %T %v", err, err)
	}
	equal(t, cerr.Status, status)
	contains(t, cerr.Message, part)
	return cerr
}

func TestResetAll(t *testing.T) {
	t.Parallel()
	mock := must[*postproxymock.Server](t)(postproxymock.New())
	defer mock.Close()
	status, _ := api(t, mock, mock.FullAccessKey, "DELETE", "/api/profiles/prof123abc", nil)
	equal(t, status, 200)
	account := must[*postproxymock.Account](t)(mock.CreateAccount(nil))
	ok(t, mock.Control.ResetAll())
	infos := must[[]postproxymock.AccountInfo](t)(mock.Control.Accounts())
	equal(t, len(infos), 1)
	equal(t, infos[0].ID, "acct_demo")
	status, _ = api(t, mock, mock.FullAccessKey, "GET", "/api/profiles/prof123abc", nil)
	equal(t, status, 200)
	status, _ = api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups", nil)
	equal(t, status, 401)
}

func TestAccountsCreateAccountAccountDeleteAccount(t *testing.T) {
	t.Parallel()
	mock := postproxymock.Start(t)
	info := must[postproxymock.AccountInfo](t)(mock.Control.CreateAccount(postproxymock.AccountFixture{
		ProfileGroups: []postproxymock.GroupFixture{{ID: "grp_1", Name: "One", Profiles: []postproxymock.ProfileFixture{youtube("prof_1"), youtube("prof_2")}}},
	}))
	if !strings.HasPrefix(info.ID, "acct_") || len(info.APIKeys) != 1 || info.APIKeys[0].ProfileGroupID != nil {
		t.Fatalf("%+v", info)
	}
	equal(t, info.ProfileGroups, 1)
	equal(t, info.Profiles, 2)
	equal(t, info.Clock.Frozen, false)
	equalJSON(t, must[postproxymock.AccountInfo](t)(mock.Control.Account(info.ID)), info)
	var seen bool
	for _, a := range must[[]postproxymock.AccountInfo](t)(mock.Control.Accounts()) {
		seen = seen || a.ID == info.ID
	}
	equal(t, seen, true)
	ok(t, mock.Control.DeleteAccount(info.ID))
	status, _ := api(t, mock, info.APIKeys[0].Key, "GET", "/api/profile_groups", nil)
	equal(t, status, 401)
	refused(t, mock.Control.DeleteAccount(info.ID), 404, `No account "`+info.ID+`"`)
	_, err := mock.Control.Account("acct_nope")
	cerr := refused(t, err, 404, `No account "acct_nope"`)
	equal(t, cerr.Method, "GET")
	equal(t, cerr.Path, "/__mock/accounts/acct_nope")
	equal(t, cerr.Error(), `postproxymock: control API answered 404 to GET /__mock/accounts/acct_nope: No account "acct_nope"`)
	_, err = mock.Control.CreateAccount(map[string]any{"profile_groups": []any{map[string]any{"id": "g", "name": " "}}})
	refused(t, err, 422, "Invalid account at profile_groups[0].name: must not be blank")
	_, err = mock.Control.CreateAccount(map[string]any{"profile_groups": []any{map[string]any{"id": "g", "name": "G",
		"profiles": []any{map[string]any{"id": "p", "name": "n", "platform": "twitter", "status": "sleeping"}}}}})
	refused(t, err, 400, "at profile_groups[0].profiles[0].status: unknown variant `sleeping`")
	_, err = mock.Control.Accounts()
	ok(t, err)
}

func TestResetAccount(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	status, _ := api(t, mock, account.FullAccessKey, "POST", "/api/profile_groups", map[string]any{"profile_group": map[string]any{"name": "Made"}})
	equal(t, status, 201)
	info := must[postproxymock.AccountInfo](t)(account.Control.ResetAccount())
	equal(t, info.ProfileGroups, 1)
	equal(t, strings.Join(groupIDs(t, mock, account.FullAccessKey), ","), "grp_1")
	_, err := mock.Control.ResetAccount("acct_nope")
	refused(t, err, 404, "acct_nope")
}

func TestExportFixtureAndImportFixture(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	exported := must[postproxymock.AccountFixture](t)(account.Control.ExportFixture())
	equal(t, exported.ID, account.ID)
	equal(t, exported.ProfileGroups[0].Name, "One")
	exported.ProfileGroups[0].Name = "Imported"
	exported.ProfileGroups = append(exported.ProfileGroups, postproxymock.GroupFixture{ID: "grp_2", Name: "Two", Profiles: []postproxymock.ProfileFixture{youtube("prof_1")}})
	info := must[postproxymock.AccountInfo](t)(account.Control.ImportFixture(exported))
	equal(t, info.ProfileGroups, 2)
	equal(t, strings.Join(groupIDs(t, mock, account.FullAccessKey), ","), "grp_1,grp_2")
	// A refused import changes nothing.
	exported.ProfileGroups[1].Profiles = append(exported.ProfileGroups[1].Profiles, youtube("prof_1"))
	_, err := account.Control.ImportFixture(exported)
	refused(t, err, 422, "profile_groups[1].profiles[1].id")
	equal(t, len(groupIDs(t, mock, account.FullAccessKey)), 2)
	_, err = mock.Control.ExportFixture("acct_nope")
	refused(t, err, 404, "acct_nope")
}

func TestAddGroupAndRenameGroup(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	group := must[postproxymock.Group](t)(account.Control.AddGroup(postproxymock.GroupInject{Name: "Injected"}))
	equal(t, group.Name, "Injected")
	equal(t, group.ProfilesCount, int64(0))
	given := must[postproxymock.Group](t)(account.Control.AddGroup(postproxymock.GroupInject{ID: "grp/with space", Name: "Given"}))
	equal(t, given.ID, "grp/with space")
	renamed := must[postproxymock.Group](t)(account.Control.RenameGroup("grp/with space", "Renamed"))
	equal(t, renamed, postproxymock.Group{ID: "grp/with space", Name: "Renamed"})
	equal(t, len(groupIDs(t, mock, account.FullAccessKey)), 3)
	_, err := account.Control.AddGroup(postproxymock.GroupInject{Name: " "})
	refused(t, err, 422, "name")
	_, err = account.Control.RenameGroup("grp_nope", "x")
	refused(t, err, 404, "grp_nope")
}

func TestAddProfileAndPatchProfile(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	p := youtube("prof_yt")
	p.ExpiresAt = postproxymock.String("2030-01-01T00:00:00Z")
	profile := must[postproxymock.Profile](t)(account.Control.AddProfile("grp_1", p))
	equalJSON(t, profile, postproxymock.Profile{ID: "prof_yt", Name: "@prof_yt", Platform: "youtube", Status: "active",
		ProfileGroupID: "grp_1", ExpiresAt: postproxymock.String("2030-01-01T00:00:00Z")})
	patched := must[postproxymock.Profile](t)(account.Control.PatchProfile("prof_yt", postproxymock.ProfilePatch{
		Status: postproxymock.String("expired"), PostCount: postproxymock.Int64(9), ClearExpiresAt: true,
	}))
	equal(t, patched.Status, "expired")
	equal(t, patched.PostCount, int64(9))
	equal(t, patched.ExpiresAt, (*string)(nil))
	_, body := api(t, mock, account.FullAccessKey, "GET", "/api/profiles/prof_yt", nil)
	equal(t, body["status"], any("expired"))
	_, err := account.Control.AddProfile("grp_1", youtube("prof_yt"))
	refused(t, err, 409, "prof_yt")
	_, err = account.Control.PatchProfile("prof_yt", postproxymock.ProfilePatch{Status: postproxymock.String("sleeping")})
	var cerr *postproxymock.ControlError
	if !errors.As(err, &cerr) || cerr.Status < 400 {
		t.Fatal(err)
	}
}

func TestAddPlacementAndAddSnapshot(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	must[postproxymock.Profile](t)(account.Control.AddProfile("grp_1", postproxymock.ProfileFixture{ID: "prof_tg", Name: "Bot", Platform: "telegram", Status: "active"}))
	all := must[[]postproxymock.Placement](t)(account.Control.AddPlacement("prof_tg", postproxymock.Placement{ID: postproxymock.String("-100555"), Name: "New channel"}))
	equalJSON(t, all, []postproxymock.Placement{{ID: postproxymock.String("-100555"), Name: "New channel"}})
	_, body := api(t, mock, account.FullAccessKey, "GET", "/api/profiles/prof_tg/placements", nil)
	equalJSON(t, body["data"], all)
	_, err := account.Control.AddPlacement("prof_nope", postproxymock.Placement{ID: postproxymock.String("1"), Name: "x"})
	refused(t, err, 404, "prof_nope")

	must[postproxymock.Profile](t)(account.Control.AddProfile("grp_1", youtube("prof_yt")))
	ok(t, account.Control.AddSnapshot("prof_yt", postproxymock.SnapshotFixture{Stats: map[string]any{"subscriberCount": 15400}, RecordedAt: "2026-05-12T08:00:00Z"}))
	_, body = api(t, mock, account.FullAccessKey, "GET", "/api/profiles/prof_yt/stats", nil)
	equalJSON(t, body["data"].(map[string]any)["records"], []any{map[string]any{"recorded_at": "2026-05-12T08:00:00Z", "stats": map[string]any{"subscriberCount": 15400}}})
	err = account.Control.AddSnapshot("prof_yt", postproxymock.SnapshotFixture{Stats: map[string]any{}, RecordedAt: "yesterday"})
	var cerr *postproxymock.ControlError
	if !errors.As(err, &cerr) || cerr.Status < 400 {
		t.Fatal(err)
	}
}

func TestClockSetClockAdvanceClock(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	c := account.Control
	equal(t, must[postproxymock.ClockInfo](t)(c.Clock()).Frozen, false)
	set := must[postproxymock.ClockReport](t)(c.SetClock(postproxymock.ClockUpdate{Now: postproxymock.String("2026-06-30T12:00:00Z"), Frozen: postproxymock.Bool(true)}))
	equal(t, set.Clock, postproxymock.ClockInfo{Now: "2026-06-30T12:00:00Z", Frozen: true})
	short := youtube("prof_short")
	short.ExpiresAt = postproxymock.String("2026-07-01T00:00:00Z")
	must[postproxymock.Profile](t)(c.AddProfile("grp_1", short))
	must[postproxymock.Profile](t)(c.AddProfile("grp_1", youtube("prof_long")))
	moved := must[postproxymock.ClockReport](t)(c.AdvanceClock(postproxymock.ClockAdvance{Days: 1, Hours: 1}))
	equal(t, moved.Clock, postproxymock.ClockInfo{Now: "2026-07-01T13:00:00Z", Frozen: true})
	equal(t, moved.Effects.ProfilesExpired, int64(1))
	if moved.Effects.SnapshotsRecorded < 1 {
		t.Fatalf("%+v", moved.Effects)
	}
	_, body := api(t, mock, account.FullAccessKey, "GET", "/api/profiles/prof_short", nil)
	equal(t, body["status"], any("expired"))
	equal(t, must[postproxymock.ClockInfo](t)(c.Clock()), postproxymock.ClockInfo{Now: "2026-07-01T13:00:00Z", Frozen: true})
	_, err := c.AdvanceClock(postproxymock.ClockAdvance{Days: -1})
	refused(t, err, 422, "")
	_, err = c.SetClock(postproxymock.ClockUpdate{Now: postproxymock.String("tomorrow")})
	refused(t, err, 422, "now: expected an RFC 3339 timestamp")
}

func TestFaultsAddFaultRemoveFaultClearFaults(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	c := account.Control
	fault := must[postproxymock.Fault](t)(c.AddFault(postproxymock.FaultSpec{Method: "GET", Path: "/api/profile_groups", Status: 503, Times: 5, Error: "Down for a test"}))
	equal(t, *fault.Status, 503)
	equal(t, fault.Remaining, 5)
	equal(t, *fault.Error, "Down for a test")
	equal(t, fault.RetryAfter, (*int)(nil))
	status, body := api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups", nil)
	equal(t, status, 503)
	equal(t, body["error"], any("Down for a test"))
	faults := must[[]postproxymock.Fault](t)(c.Faults())
	equal(t, faults[0].Remaining, 4)
	ok(t, c.RemoveFault(fault.ID))
	equal(t, len(must[[]postproxymock.Fault](t)(c.Faults())), 0)
	refused(t, c.RemoveFault(fault.ID), 404, fault.ID)
	must[postproxymock.Fault](t)(c.AddFault(postproxymock.FaultSpec{Path: "/api/**", Status: 429, RetryAfter: 2}))
	must[postproxymock.Fault](t)(c.AddFault(postproxymock.FaultSpec{LatencyMS: 10, Times: 3}))
	equal(t, len(must[[]postproxymock.Fault](t)(c.Faults())), 2)
	ok(t, c.ClearFaults())
	equal(t, len(must[[]postproxymock.Fault](t)(c.Faults())), 0)
	status, _ = api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups", nil)
	equal(t, status, 200)
	_, err := c.AddFault(postproxymock.FaultSpec{Status: 200})
	cerr := refused(t, err, 422, "status must be 400–599, not 200")
	equal(t, cerr.Path, "/__mock/accounts/"+account.ID+"/faults")
}

func TestJournalClearJournalRecordBodies(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	c := account.Control
	api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups", nil)
	api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups/grp_1", nil)
	api(t, mock, account.FullAccessKey, "GET", "/api/profile_groups/grp_nope", nil)
	page := must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{}))
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.Method+" "+e.Path+" "+itoa(e.Status))
	}
	equal(t, strings.Join(got, "; "), "GET /api/profile_groups 200; GET /api/profile_groups/grp_1 200; GET /api/profile_groups/grp_nope 404")
	equal(t, page.Cap, 1000)
	equal(t, page.RecordBodies, false)
	equal(t, page.Entries[0].KeyID, account.Keys[0].KeyID)
	equal(t, len(must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{Status: 404})).Entries), 1)
	equal(t, len(must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{Path: "/api/profile_groups/*"})).Entries), 2)
	equal(t, must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{After: 2})).Entries[0].Seq, uint64(3))
	equal(t, len(must[postproxymock.JournalPage](t)(mock.Control.Journal(account.ID, postproxymock.JournalFilter{Method: "delete"})).Entries), 0)
	ok(t, c.ClearJournal())
	equal(t, len(must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{})).Entries), 0)

	ok(t, c.RecordBodies(true))
	api(t, mock, account.FullAccessKey, "POST", "/api/profile_groups", map[string]any{"profile_group": map[string]any{"name": "With a body"}})
	entry := must[postproxymock.JournalPage](t)(c.Journal(postproxymock.JournalFilter{Method: "POST"})).Entries[0]
	equal(t, entry.Status, 201)
	equal(t, *entry.Body, `{"profile_group":{"name":"With a body"}}`)
	ok(t, c.RecordBodies(false))
	_, err := mock.Control.Journal("acct_nope", postproxymock.JournalFilter{})
	refused(t, err, 404, "acct_nope")
	refused(t, mock.Control.ClearJournal("acct_nope"), 404, "acct_nope")
}

func TestConnectionsAuthorizeConnectionDenyConnection(t *testing.T) {
	t.Parallel()
	mock, account := fresh(t)
	c := account.Control
	connect := map[string]any{"platform": "instagram", "redirect_url": "https://app.example/cb"}
	status, started := api(t, mock, account.FullAccessKey, "POST", "/api/profile_groups/grp_1/initialize_connection", connect)
	equal(t, status, 200)
	pending := must[[]postproxymock.Connection](t)(c.Connections())
	equal(t, len(pending), 1)
	equal(t, pending[0].Platform, "instagram")
	equal(t, pending[0].ProfileGroupID, "grp_1")
	contains(t, started["url"].(string), pending[0].Token)
	outcome := must[postproxymock.ConnectionOutcome](t)(c.AuthorizeConnection(pending[0].Token))
	if !strings.HasPrefix(outcome.RedirectTo, "https://app.example/cb?status=success&profile_id=") || outcome.Profile == nil {
		t.Fatalf("%+v", outcome)
	}
	equal(t, outcome.Profile.Platform, "instagram")
	equal(t, len(must[[]postproxymock.Connection](t)(c.Connections())), 0)

	connect["platform"] = "tiktok"
	api(t, mock, account.FullAccessKey, "POST", "/api/profile_groups/grp_1/initialize_connection", connect)
	second := must[[]postproxymock.Connection](t)(c.Connections())[0]
	denied := must[postproxymock.ConnectionOutcome](t)(c.DenyConnection(second.Token))
	contains(t, denied.RedirectTo, "error=access_denied")
	equal(t, denied.Profile, (*postproxymock.Profile)(nil))
	_, err := c.AuthorizeConnection(second.Token)
	var cerr *postproxymock.ControlError
	if !errors.As(err, &cerr) || cerr.Status < 400 {
		t.Fatal(err)
	}
}

// The bound control is the unbound one with the account id filled in: the same methods, less
// the three about the whole server.
func TestAccountControlHasEveryPerAccountOperation(t *testing.T) {
	t.Parallel()
	names := func(v any) []string {
		var out []string
		ty := reflect.TypeOf(v)
		for i := 0; i < ty.NumMethod(); i++ {
			out = append(out, ty.Method(i).Name)
		}
		sort.Strings(out)
		return out
	}
	control := names(&postproxymock.Control{})
	equal(t, len(control), 28) // the 27 operations and Do
	var perAccount []string
	for _, n := range control {
		switch n {
		case "Do", "ResetAll", "Accounts", "CreateAccount":
		default:
			perAccount = append(perAccount, n)
		}
	}
	equal(t, strings.Join(names(&postproxymock.AccountControl{}), ","), strings.Join(perAccount, ","))
	mock, account := fresh(t)
	equalJSON(t, must[postproxymock.AccountInfo](t)(account.Control.Account()), must[postproxymock.AccountInfo](t)(mock.Control.Account(account.ID)))
}
