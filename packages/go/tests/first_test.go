package groups_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func TestListsTheGroups(t *testing.T) {
	t.Parallel()
	mock := postproxymock.Start(t) // one server for the test binary
	account := mock.NewAccount(t)  // a fresh copy of the demo data, deleted after the test

	req, _ := http.NewRequest("GET", mock.BaseURL+"/api/profile_groups", nil)
	req.Header.Set("Authorization", "Bearer "+account.FullAccessKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var groups struct{ Data []struct{ Name string } }
	json.NewDecoder(resp.Body).Decode(&groups)
	if len(groups.Data) != 4 || groups.Data[1].Name != "Main Brand" {
		t.Fatalf("groups: %+v", groups.Data)
	}

	// Set the stage through the control API: the next GET of a profile is rate-limited.
	_, err = account.Control.AddFault(postproxymock.FaultSpec{
		Method: "GET", Path: "/api/profiles/*", Status: 429, RetryAfter: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
}
