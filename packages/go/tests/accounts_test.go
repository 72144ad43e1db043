package groups_test

// NewAccount: isolated accounts on the shared server, in parallel tests.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func TestNewAccountCopiesTheDemoDataWithKeysOfItsOwn(t *testing.T) {
	t.Parallel()
	mock := postproxymock.Start(t)
	account := mock.NewAccount(t)
	if account.ID == "acct_demo" || !strings.HasPrefix(account.FullAccessKey, "pp_test_") {
		t.Fatal(account.ID, account.FullAccessKey)
	}
	equal(t, len(account.ScopedKeys), 1)
	equal(t, account.ScopedKey, account.ScopedKeys["grp456def"])
	equal(t, account.Control.ID, account.ID)
	equal(t, strings.Join(groupIDs(t, mock, account.FullAccessKey), ","), "grp456xyz,grp123abc,grp456def,grp789ghi")
	equal(t, strings.Join(groupIDs(t, mock, account.ScopedKey), ","), "grp456def")
	status, body := api(t, mock, account.FullAccessKey, "GET", "/api/profiles", nil)
	equal(t, status, 200)
	equal(t, len(body["data"].([]any)), 15)
}

// Parallel tests, each in its own account, each deleting what the others still need.
func TestParallelTestsDoNotSeeEachOther(t *testing.T) {
	mock := postproxymock.Start(t)
	var accounts []string
	t.Run("group", func(t *testing.T) {
		for i := 0; i < 8; i++ {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				account := mock.NewAccount(t)
				appendLocked(&accounts, account.ID)
				status, _ := api(t, mock, account.FullAccessKey, "DELETE", "/api/profiles/prof_li_001", nil)
				equal(t, status, 200)
				status, _ = api(t, mock, account.FullAccessKey, "GET", "/api/profiles/prof_li_001", nil)
				equal(t, status, 404)
				name := fmt.Sprintf("Made by %d", i)
				status, _ = api(t, mock, account.FullAccessKey, "POST", "/api/profile_groups", map[string]any{"profile_group": map[string]any{"name": name}})
				equal(t, status, 201)
				groups := groupIDs(t, mock, account.FullAccessKey)
				equal(t, len(groups), 5)
				_, err := account.Control.AddFault(postproxymock.FaultSpec{Status: 500, Path: "/api/profiles"})
				ok(t, err)
				status, _ = api(t, mock, account.FullAccessKey, "GET", "/api/profiles", nil)
				equal(t, status, 500)
			})
		}
	})
	// Each was deleted when its test ended; the demo account never saw a thing.
	equal(t, len(accounts), 8)
	for _, id := range accounts {
		_, err := mock.Control.Account(id)
		var cerr *postproxymock.ControlError
		if !errors.As(err, &cerr) || cerr.Status != 404 {
			t.Fatalf("account %s: %v", id, err)
		}
	}
	status, _ := api(t, mock, mock.FullAccessKey, "GET", "/api/profiles/prof_li_001", nil)
	equal(t, status, 200)
	equal(t, len(groupIDs(t, mock, mock.FullAccessKey)), 4)
}

func TestNewAccountFromAFixture(t *testing.T) {
	t.Parallel()
	mock := postproxymock.Start(t)
	empty := mock.NewAccountFrom(t, postproxymock.AccountFixture{})
	equal(t, len(empty.Keys), 1)
	equal(t, empty.ScopedKey, "")
	equal(t, len(groupIDs(t, mock, empty.FullAccessKey)), 0)

	mine := mock.NewAccountFrom(t, map[string]any{
		"api_keys":       []any{map[string]any{"key": "pp_acc_full"}, map[string]any{"key": "pp_acc_b", "profile_group_id": "grp_b"}},
		"profile_groups": []any{map[string]any{"id": "grp_a", "name": "A"}, map[string]any{"id": "grp_b", "name": "B"}},
	})
	equal(t, mine.FullAccessKey, "pp_acc_full")
	equal(t, mine.ScopedKeys["grp_b"], "pp_acc_b")
	equal(t, strings.Join(groupIDs(t, mock, "pp_acc_b"), ","), "grp_b")

	// A fixture of a server started with fixtures: NewAccount copies its first account.
	small := postproxymock.Start(t, postproxymock.WithFixtures(smallFixtures("_na")))
	copy := small.NewAccount(t)
	equal(t, strings.Join(groupIDs(t, small, copy.FullAccessKey), ","), "grp_small,grp_other")
	equal(t, strings.Join(groupIDs(t, small, copy.ScopedKey), ","), "grp_small")
}
