package postproxymock

// This file is Control's per-account operations, one for one and in the same order.

// AccountControl is Control's per-account operations with the account id filled in
// (Account.Control).
type AccountControl struct {
	c  *Control
	ID string
}

// Account is one account.
func (a *AccountControl) Account() (AccountInfo, error) {
	return a.c.Account(a.ID)
}

// DeleteAccount removes an account; its keys stop working at once.
func (a *AccountControl) DeleteAccount() error {
	return a.c.DeleteAccount(a.ID)
}

// ResetAccount puts an account back as it was created.
func (a *AccountControl) ResetAccount() (AccountInfo, error) {
	return a.c.ResetAccount(a.ID)
}

// ExportFixture is the account's state as a fixture.
func (a *AccountControl) ExportFixture() (AccountFixture, error) {
	return a.c.ExportFixture(a.ID)
}

// ImportFixture replaces the account's data with a fixture (an AccountFixture, a map or
// JSON), all or nothing.
func (a *AccountControl) ImportFixture(fixture any) (AccountInfo, error) {
	return a.c.ImportFixture(a.ID, fixture)
}

// AddGroup adds a profile group (an empty ID is generated).
func (a *AccountControl) AddGroup(group GroupInject) (Group, error) {
	return a.c.AddGroup(a.ID, group)
}

// RenameGroup renames a profile group.
func (a *AccountControl) RenameGroup(group, name string) (Group, error) {
	return a.c.RenameGroup(a.ID, group, name)
}

// AddProfile adds a profile to a group.
func (a *AccountControl) AddProfile(group string, profile ProfileFixture) (Profile, error) {
	return a.c.AddProfile(a.ID, group, profile)
}

// PatchProfile changes a profile.
func (a *AccountControl) PatchProfile(profile string, patch ProfilePatch) (Profile, error) {
	return a.c.PatchProfile(a.ID, profile, patch)
}

// AddPlacement adds a placement to a profile; the answer is all of its placements.
func (a *AccountControl) AddPlacement(profile string, placement Placement) ([]Placement, error) {
	return a.c.AddPlacement(a.ID, profile, placement)
}

// AddSnapshot adds a stats snapshot to a profile.
func (a *AccountControl) AddSnapshot(profile string, snapshot SnapshotFixture) error {
	return a.c.AddSnapshot(a.ID, profile, snapshot)
}

// Clock is the account's clock.
func (a *AccountControl) Clock() (ClockInfo, error) {
	return a.c.Clock(a.ID)
}

// SetClock sets, freezes or resumes the account's clock.
func (a *AccountControl) SetClock(update ClockUpdate) (ClockReport, error) {
	return a.c.SetClock(a.ID, update)
}

// AdvanceClock moves the account's clock forward; every 23 hours stats are polled, and
// profiles whose expires_at passes expire.
func (a *AccountControl) AdvanceClock(by ClockAdvance) (ClockReport, error) {
	return a.c.AdvanceClock(a.ID, by)
}

// Faults lists the account's armed faults.
func (a *AccountControl) Faults() ([]Fault, error) {
	return a.c.Faults(a.ID)
}

// AddFault arms a fault.
func (a *AccountControl) AddFault(fault FaultSpec) (Fault, error) {
	return a.c.AddFault(a.ID, fault)
}

// RemoveFault disarms one fault.
func (a *AccountControl) RemoveFault(fault string) error {
	return a.c.RemoveFault(a.ID, fault)
}

// ClearFaults disarms every fault of the account.
func (a *AccountControl) ClearFaults() error {
	return a.c.ClearFaults(a.ID)
}

// Journal is the account's product-API requests, filtered.
func (a *AccountControl) Journal(filter JournalFilter) (JournalPage, error) {
	return a.c.Journal(a.ID, filter)
}

// ClearJournal empties the account's journal.
func (a *AccountControl) ClearJournal() error {
	return a.c.ClearJournal(a.ID)
}

// RecordBodies says whether the journal keeps request bodies.
func (a *AccountControl) RecordBodies(record bool) error {
	return a.c.RecordBodies(a.ID, record)
}

// Connections lists the account's pending connections.
func (a *AccountControl) Connections() ([]Connection, error) {
	return a.c.Connections(a.ID)
}

// AuthorizeConnection completes a pending connection as if the user clicked Authorize.
func (a *AccountControl) AuthorizeConnection(token string) (ConnectionOutcome, error) {
	return a.c.AuthorizeConnection(a.ID, token)
}

// DenyConnection ends a pending connection as if the user clicked Deny.
func (a *AccountControl) DenyConnection(token string) (ConnectionOutcome, error) {
	return a.c.DenyConnection(a.ID, token)
}
