package postproxymock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Control is every operation of a server's control API (/__mock/), named as the Rust
// ControlClient's. Operations on one account take its id first; an Account's Control is the
// same, bound to that account. A refusal is a *ControlError; a server that has exited gives an
// *ExitedError with its last stderr lines.
type Control struct {
	url  string // the server's bound address, + "/__mock"
	http *http.Client
	proc *process // nil: a server this package did not start
}

// NewControl is a Control of a postproxy-mock server running elsewhere (baseURL is its base
// URL, e.g. http://127.0.0.1:8080).
func NewControl(baseURL string) *Control {
	return newControl(baseURL, nil)
}

func newControl(baseURL string, proc *process) *Control {
	for len(baseURL) > 0 && baseURL[len(baseURL)-1] == '/' {
		baseURL = baseURL[:len(baseURL)-1]
	}
	return &Control{
		url: baseURL + "/__mock",
		// Never through a proxy from the environment: the server is on this machine.
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16}},
		proc: proc,
	}
}

// Do is one control API call: path below /__mock, body marshalled to JSON (nil: none), and
// the answer decoded into out (nil: ignored).
func (c *Control) Do(method, path string, body any, out any) error {
	var data []byte
	if body != nil {
		var err error
		if raw, ok := body.(json.RawMessage); ok {
			data = raw
		} else if data, err = json.Marshal(body); err != nil {
			return fmt.Errorf("postproxymock: %s /__mock%s: %w", method, path, err)
		}
	}
	if c.proc != nil && c.proc.hasExited(0) {
		return c.proc.exitedError(fmt.Sprintf("before %s /__mock%s", method, path))
	}
	req, err := http.NewRequest(method, c.url+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	if data != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	var raw []byte
	if err == nil {
		raw, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		if c.proc != nil && c.proc.hasExited(exitWait) {
			return c.proc.exitedError(fmt.Sprintf("before it answered %s /__mock%s", method, path))
		}
		return fmt.Errorf("postproxymock: control API request %s /__mock%s failed: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		e := &ControlError{Method: method, Path: "/__mock" + path, Status: resp.StatusCode, Body: raw}
		var body struct {
			Error *string `json:"error"`
		}
		if json.Unmarshal(raw, &body) == nil && body.Error != nil {
			e.Message = *body.Error
		} else if len(raw) > 0 {
			e.Message = string(raw)
		} else {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return e
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if r, ok := out.(*json.RawMessage); ok {
		*r = append((*r)[:0], raw...)
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("postproxymock: %s /__mock%s: cannot read the answer: %w", method, path, err)
	}
	return nil
}

func seg(s string) string { return url.PathEscape(s) }

func acct(id string, rest ...string) string {
	p := "/accounts/" + seg(id)
	for _, r := range rest {
		p += r
	}
	return p
}

var emptyObject = json.RawMessage("{}")

// ResetAll puts the whole server back as it started; accounts created since are removed.
func (c *Control) ResetAll() error { return c.Do("POST", "/reset", emptyObject, nil) }

// Accounts lists every account.
func (c *Control) Accounts() ([]AccountInfo, error) {
	var out []AccountInfo
	return out, c.Do("GET", "/accounts", nil, &out)
}

// CreateAccount creates an isolated account from a fixture: an AccountFixture, a map, or
// JSON (json.RawMessage). A missing id or key is generated; nil makes an empty account with
// one full-access key.
func (c *Control) CreateAccount(fixture any) (AccountInfo, error) {
	if fixture == nil {
		fixture = emptyObject
	}
	var out AccountInfo
	return out, c.Do("POST", "/accounts", fixture, &out)
}

// Account is one account.
func (c *Control) Account(account string) (AccountInfo, error) {
	var out AccountInfo
	return out, c.Do("GET", acct(account), nil, &out)
}

// DeleteAccount removes an account; its keys stop working at once.
func (c *Control) DeleteAccount(account string) error {
	return c.Do("DELETE", acct(account), nil, nil)
}

// ResetAccount puts an account back as it was created.
func (c *Control) ResetAccount(account string) (AccountInfo, error) {
	var out AccountInfo
	return out, c.Do("POST", acct(account, "/reset"), emptyObject, &out)
}

// ExportFixture is the account's state as a fixture.
func (c *Control) ExportFixture(account string) (AccountFixture, error) {
	var out AccountFixture
	return out, c.Do("GET", acct(account, "/fixture"), nil, &out)
}

// ImportFixture replaces the account's data with a fixture (an AccountFixture, a map or
// JSON), all or nothing.
func (c *Control) ImportFixture(account string, fixture any) (AccountInfo, error) {
	var out AccountInfo
	return out, c.Do("PUT", acct(account, "/fixture"), fixture, &out)
}

// AddGroup adds a profile group (an empty ID is generated).
func (c *Control) AddGroup(account string, group GroupInject) (Group, error) {
	var out Group
	return out, c.Do("POST", acct(account, "/profile_groups"), group, &out)
}

// RenameGroup renames a profile group.
func (c *Control) RenameGroup(account, group, name string) (Group, error) {
	var out Group
	return out, c.Do("PATCH", acct(account, "/profile_groups/", seg(group)), map[string]string{"name": name}, &out)
}

// AddProfile adds a profile to a group.
func (c *Control) AddProfile(account, group string, profile ProfileFixture) (Profile, error) {
	var out Profile
	return out, c.Do("POST", acct(account, "/profile_groups/", seg(group), "/profiles"), profile, &out)
}

// PatchProfile changes a profile.
func (c *Control) PatchProfile(account, profile string, patch ProfilePatch) (Profile, error) {
	var out Profile
	return out, c.Do("PATCH", acct(account, "/profiles/", seg(profile)), patch, &out)
}

// AddPlacement adds a placement to a profile; the answer is all of its placements.
func (c *Control) AddPlacement(account, profile string, placement Placement) ([]Placement, error) {
	var out []Placement
	return out, c.Do("POST", acct(account, "/profiles/", seg(profile), "/placements"), placement, &out)
}

// AddSnapshot adds a stats snapshot to a profile.
func (c *Control) AddSnapshot(account, profile string, snapshot SnapshotFixture) error {
	return c.Do("POST", acct(account, "/profiles/", seg(profile), "/stats"), snapshot, nil)
}

// Clock is the account's clock.
func (c *Control) Clock(account string) (ClockInfo, error) {
	var out ClockInfo
	return out, c.Do("GET", acct(account, "/clock"), nil, &out)
}

// SetClock sets, freezes or resumes the account's clock.
func (c *Control) SetClock(account string, update ClockUpdate) (ClockReport, error) {
	var out ClockReport
	return out, c.Do("PUT", acct(account, "/clock"), update, &out)
}

// AdvanceClock moves the account's clock forward; every 23 hours stats are polled, and
// profiles whose expires_at passes expire.
func (c *Control) AdvanceClock(account string, by ClockAdvance) (ClockReport, error) {
	var out ClockReport
	return out, c.Do("POST", acct(account, "/clock/advance"), by, &out)
}

// Faults lists the account's armed faults.
func (c *Control) Faults(account string) ([]Fault, error) {
	var out []Fault
	return out, c.Do("GET", acct(account, "/faults"), nil, &out)
}

// AddFault arms a fault.
func (c *Control) AddFault(account string, fault FaultSpec) (Fault, error) {
	var out Fault
	return out, c.Do("POST", acct(account, "/faults"), fault, &out)
}

// RemoveFault disarms one fault.
func (c *Control) RemoveFault(account, fault string) error {
	return c.Do("DELETE", acct(account, "/faults/", seg(fault)), nil, nil)
}

// ClearFaults disarms every fault of the account.
func (c *Control) ClearFaults(account string) error {
	return c.Do("DELETE", acct(account, "/faults"), nil, nil)
}

// Journal is the account's product-API requests, filtered.
func (c *Control) Journal(account string, filter JournalFilter) (JournalPage, error) {
	q := url.Values{}
	if filter.Method != "" {
		q.Set("method", filter.Method)
	}
	if filter.Path != "" {
		q.Set("path", filter.Path)
	}
	if filter.Status != 0 {
		q.Set("status", strconv.Itoa(filter.Status))
	}
	if filter.After != 0 {
		q.Set("after", strconv.FormatUint(filter.After, 10))
	}
	path := acct(account, "/journal")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out JournalPage
	return out, c.Do("GET", path, nil, &out)
}

// ClearJournal empties the account's journal.
func (c *Control) ClearJournal(account string) error {
	return c.Do("DELETE", acct(account, "/journal"), nil, nil)
}

// RecordBodies says whether the journal keeps request bodies.
func (c *Control) RecordBodies(account string, record bool) error {
	return c.Do("PUT", acct(account, "/journal/settings"), map[string]bool{"record_bodies": record}, nil)
}

// Connections lists the account's pending connections.
func (c *Control) Connections(account string) ([]Connection, error) {
	var out []Connection
	return out, c.Do("GET", acct(account, "/connections"), nil, &out)
}

// AuthorizeConnection completes a pending connection as if the user clicked Authorize.
func (c *Control) AuthorizeConnection(account, token string) (ConnectionOutcome, error) {
	var out ConnectionOutcome
	return out, c.Do("POST", acct(account, "/connections/", seg(token), "/authorize"), emptyObject, &out)
}

// DenyConnection ends a pending connection as if the user clicked Deny.
func (c *Control) DenyConnection(account, token string) (ConnectionOutcome, error) {
	var out ConnectionOutcome
	return out, c.Do("POST", acct(account, "/connections/", seg(token), "/deny"), emptyObject, &out)
}
