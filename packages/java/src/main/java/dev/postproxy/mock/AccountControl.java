package dev.postproxy.mock;

import java.util.List;
import java.util.Map;

/** {@link Control}'s per-account operations with the account id filled in ({@link Account#control()}), one for one. */
public final class AccountControl {
    private final Control control;
    private final String accountId;

    AccountControl(Control control, String accountId) {
        this.control = control;
        this.accountId = accountId;
    }

    /** The account these calls are about. */
    public String accountId() {
        return accountId;
    }

    /** One account. */
    public AccountInfo account() {
        return control.account(accountId);
    }

    /** Removes an account; its keys stop working at once. */
    public void deleteAccount() {
        control.deleteAccount(accountId);
    }

    /** Puts an account back as it was created. */
    public AccountInfo resetAccount() {
        return control.resetAccount(accountId);
    }

    /** The account's state as a fixture. */
    public Map<String, Object> exportFixture() {
        return control.exportFixture(accountId);
    }

    /** Replaces the account's data with a fixture, all or nothing. */
    public AccountInfo importFixture(Object fixture) {
        return control.importFixture(accountId, fixture);
    }

    /** Adds a profile group. */
    public Group addGroup(GroupInject group) {
        return control.addGroup(accountId, group);
    }

    /** Renames a profile group. */
    public Group renameGroup(String group, String name) {
        return control.renameGroup(accountId, group, name);
    }

    /**
     * Adds a profile (the fixture format: {@code id}, {@code name}, {@code platform}, {@code status},
     * {@code expires_at}, {@code post_count}, {@code avatar_url}, {@code placements}, {@code stats}) to a group.
     */
    public Profile addProfile(String group, Map<String, ?> profile) {
        return control.addProfile(accountId, group, profile);
    }

    /** Changes a profile. */
    public Profile patchProfile(String profile, ProfilePatch patch) {
        return control.patchProfile(accountId, profile, patch);
    }

    /** Adds a placement to a profile; all of its placements. */
    public List<Placement> addPlacement(String profile, Placement placement) {
        return control.addPlacement(accountId, profile, placement);
    }

    /** Adds a stats snapshot ({@code stats}, {@code recorded_at}, and {@code placement_id} on facebook, linkedin and telegram). */
    public void addSnapshot(String profile, Map<String, ?> snapshot) {
        control.addSnapshot(accountId, profile, snapshot);
    }

    /** The account's clock. */
    public ClockInfo clock() {
        return control.clock(accountId);
    }

    /** Sets, freezes or resumes the account's clock. */
    public ClockReport setClock(ClockUpdate update) {
        return control.setClock(accountId, update);
    }

    /** Moves the account's clock forward: every 23 hours stats are polled, and profiles whose expires_at passes expire. */
    public ClockReport advanceClock(ClockAdvance by) {
        return control.advanceClock(accountId, by);
    }

    /** The account's armed faults. */
    public List<Fault> faults() {
        return control.faults(accountId);
    }

    /** Arms a fault. */
    public Fault addFault(FaultSpec fault) {
        return control.addFault(accountId, fault);
    }

    /** Disarms one fault. */
    public void removeFault(String fault) {
        control.removeFault(accountId, fault);
    }

    /** Disarms every fault of the account. */
    public void clearFaults() {
        control.clearFaults(accountId);
    }

    /** The account's product-API requests, filtered. */
    public JournalPage journal(JournalFilter filter) {
        return control.journal(accountId, filter);
    }

    /** Empties the account's journal. */
    public void clearJournal() {
        control.clearJournal(accountId);
    }

    /** Whether the journal keeps request bodies. */
    public void recordBodies(boolean record) {
        control.recordBodies(accountId, record);
    }

    /** The account's pending connections. */
    public List<Connection> connections() {
        return control.connections(accountId);
    }

    /** Completes a pending connection as if the user clicked Authorize. */
    public ConnectionOutcome authorizeConnection(String token) {
        return control.authorizeConnection(accountId, token);
    }

    /** Ends a pending connection as if the user clicked Deny. */
    public ConnectionOutcome denyConnection(String token) {
        return control.denyConnection(accountId, token);
    }
}
