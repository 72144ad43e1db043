package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postproxy.mock.Account;
import dev.postproxy.mock.AccountControl;
import dev.postproxy.mock.AccountInfo;
import dev.postproxy.mock.ClockAdvance;
import dev.postproxy.mock.ClockInfo;
import dev.postproxy.mock.ClockReport;
import dev.postproxy.mock.Connection;
import dev.postproxy.mock.ConnectionOutcome;
import dev.postproxy.mock.Control;
import dev.postproxy.mock.ClockUpdate;
import dev.postproxy.mock.ControlException;
import dev.postproxy.mock.Fault;
import dev.postproxy.mock.FaultSpec;
import dev.postproxy.mock.Group;
import dev.postproxy.mock.GroupInject;
import dev.postproxy.mock.JournalEntry;
import dev.postproxy.mock.JournalFilter;
import dev.postproxy.mock.JournalPage;
import dev.postproxy.mock.Placement;
import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.PostproxyMockException;
import dev.postproxy.mock.PostproxyMockExtension;
import dev.postproxy.mock.Profile;
import dev.postproxy.mock.ProfilePatch;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every control operation at least once, checked through the product API, and their errors. */
@ExtendWith(PostproxyMockExtension.class)
class ControlTest {
    static Account fresh(PostproxyMock mock) {
        return mock.newAccount(Map.of("profile_groups", List.of(Map.of("id", "grp_1", "name", "One"))));
    }

    static Map<String, Object> youtube(String id) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("name", "@" + id);
        p.put("platform", "youtube");
        p.put("status", "active");
        return p;
    }

    static ControlException refused(int status, String part, org.junit.jupiter.api.function.Executable call) {
        ControlException e = assertThrows(ControlException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.serverMessage().contains(part), e.serverMessage());
        assertTrue(e instanceof PostproxyMockException);
        return e;
    }

    @Test
    void resetAll() {
        try (PostproxyMock mock = PostproxyMock.start()) {
            assertEquals(200, Api.call(mock, mock.fullAccessKey(), "DELETE", "/api/profiles/prof123abc", null).status());
            Account account = mock.newAccount();
            mock.control().resetAll();
            List<AccountInfo> all = mock.control().accounts();
            assertEquals(List.of("acct_demo"), all.stream().map(AccountInfo::id).toList());
            assertEquals(200, Api.get(mock, mock.fullAccessKey(), "/api/profiles/prof123abc").status());
            assertEquals(401, Api.get(mock, account.fullAccessKey(), "/api/profile_groups").status());
        }
    }

    @Test
    void accountsCreateAccountAccountDeleteAccount(PostproxyMock mock) {
        Control c = mock.control();
        AccountInfo info = c.createAccount(Map.of("profile_groups", List.of(Map.of("id", "grp_1", "name", "One", "profiles", List.of(youtube("prof_1"), youtube("prof_2"))))));
        assertTrue(info.id().startsWith("acct_"), info.id());
        assertEquals(1, info.apiKeys().size());
        assertNull(info.apiKeys().get(0).profileGroupId());
        assertEquals(1, info.profileGroups());
        assertEquals(2, info.profiles());
        assertEquals(false, info.clock().frozen());
        assertEquals(info, c.account(info.id()));
        assertTrue(c.accounts().stream().anyMatch(a -> a.id().equals(info.id())));
        c.deleteAccount(info.id());
        assertEquals(401, Api.get(mock, info.apiKeys().get(0).key(), "/api/profile_groups").status());
        refused(404, "No account \"" + info.id() + "\"", () -> c.deleteAccount(info.id()));
        ControlException e = refused(404, "No account \"acct_nope\"", () -> c.account("acct_nope"));
        assertEquals("GET", e.method());
        assertEquals("/__mock/accounts/acct_nope", e.path());
        assertEquals("control API answered 404 to GET /__mock/accounts/acct_nope: No account \"acct_nope\"", e.getMessage());
        refused(422, "Invalid account at profile_groups[0].name: must not be blank",
                () -> c.createAccount(Map.of("profile_groups", List.of(Map.of("id", "g", "name", " ")))));
        refused(400, "at profile_groups[0].profiles[0].status: unknown variant `sleeping`",
                () -> c.createAccount(Map.of("profile_groups", List.of(Map.of("id", "g", "name", "G",
                        "profiles", List.of(Map.of("id", "p", "name", "n", "platform", "twitter", "status", "sleeping")))))));
        AccountInfo empty = c.createAccount(Map.of());
        assertEquals(0, empty.profileGroups());
        c.deleteAccount(empty.id());
    }

    @Test
    void resetAccount(PostproxyMock mock) {
        Account account = fresh(mock);
        assertEquals(201, Api.call(mock, account.fullAccessKey(), "POST", "/api/profile_groups", Map.of("profile_group", Map.of("name", "Made"))).status());
        AccountInfo info = account.control().resetAccount();
        assertEquals(1, info.profileGroups());
        assertEquals(List.of("grp_1"), Api.groupIds(mock, account.fullAccessKey()));
        refused(404, "acct_nope", () -> mock.control().resetAccount("acct_nope"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void exportFixtureAndImportFixture(PostproxyMock mock) {
        Account account = fresh(mock);
        Map<String, Object> exported = account.control().exportFixture();
        assertEquals(account.id(), exported.get("id"));
        List<Object> groups = new ArrayList<>((List<Object>) exported.get("profile_groups"));
        Map<String, Object> first = new HashMap<>((Map<String, Object>) groups.get(0));
        first.put("name", "Imported");
        groups.set(0, first);
        groups.add(Map.of("id", "grp_2", "name", "Two", "profiles", List.of(youtube("prof_1"))));
        Map<String, Object> changed = new HashMap<>(exported);
        changed.put("profile_groups", groups);
        assertEquals(2, account.control().importFixture(changed).profileGroups());
        assertEquals(List.of("grp_1", "grp_2"), Api.groupIds(mock, account.fullAccessKey()));
        // A refused import changes nothing.
        groups.set(1, Map.of("id", "grp_2", "name", "Two", "profiles", List.of(youtube("prof_1"), youtube("prof_1"))));
        refused(422, "profile_groups[1].profiles[1].id", () -> account.control().importFixture(changed));
        assertEquals(2, Api.groupIds(mock, account.fullAccessKey()).size());
        refused(404, "acct_nope", () -> mock.control().exportFixture("acct_nope"));
    }

    @Test
    void addGroupAndRenameGroup(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        Group group = c.addGroup(GroupInject.named("Injected"));
        assertEquals("Injected", group.name());
        assertEquals(0, group.profilesCount());
        assertEquals("grp/with space", c.addGroup(new GroupInject("grp/with space", "Given")).id());
        assertEquals(new Group("grp/with space", "Renamed", 0), c.renameGroup("grp/with space", "Renamed"));
        assertEquals(3, Api.groupIds(mock, account.fullAccessKey()).size());
        refused(422, "name", () -> c.addGroup(GroupInject.named(" ")));
        refused(404, "grp_nope", () -> c.renameGroup("grp_nope", "x"));
    }

    @Test
    void addProfileAndPatchProfile(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        Map<String, Object> p = youtube("prof_yt");
        p.put("expires_at", "2030-01-01T00:00:00Z");
        Profile profile = c.addProfile("grp_1", p);
        assertEquals(new Profile("prof_yt", "@prof_yt", "youtube", "active", "grp_1", "2030-01-01T00:00:00Z", 0, null), profile);
        Profile patched = c.patchProfile("prof_yt", ProfilePatch.create().status("expired").postCount(9).expiresAt(null));
        assertEquals("expired", patched.status());
        assertEquals(9, patched.postCount());
        assertNull(patched.expiresAt());
        assertEquals("expired", Api.get(mock, account.fullAccessKey(), "/api/profiles/prof_yt").map().get("status"));
        refused(409, "prof_yt", () -> c.addProfile("grp_1", youtube("prof_yt")));
        ControlException e = assertThrows(ControlException.class, () -> c.patchProfile("prof_yt", ProfilePatch.create().status("sleeping")));
        assertTrue(e.status() >= 400);
    }

    @Test
    void addPlacementAndAddSnapshot(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        c.addProfile("grp_1", Map.of("id", "prof_tg", "name", "Bot", "platform", "telegram", "status", "active"));
        List<Placement> all = c.addPlacement("prof_tg", new Placement("-100555", "New channel"));
        assertEquals(List.of(new Placement("-100555", "New channel")), all);
        assertEquals(List.of(Map.of("id", "-100555", "name", "New channel")), Api.get(mock, account.fullAccessKey(), "/api/profiles/prof_tg/placements").map().get("data"));
        refused(404, "prof_nope", () -> c.addPlacement("prof_nope", new Placement("1", "x")));

        c.addProfile("grp_1", youtube("prof_yt"));
        c.addSnapshot("prof_yt", Map.of("stats", Map.of("subscriberCount", 15400), "recorded_at", "2026-05-12T08:00:00Z"));
        Map<?, ?> data = (Map<?, ?>) Api.get(mock, account.fullAccessKey(), "/api/profiles/prof_yt/stats").map().get("data");
        assertEquals(List.of(Map.of("stats", Map.of("subscriberCount", 15400L), "recorded_at", "2026-05-12T08:00:00Z")), data.get("records"));
        ControlException e = assertThrows(ControlException.class, () -> c.addSnapshot("prof_yt", Map.of("stats", Map.of(), "recorded_at", "yesterday")));
        assertTrue(e.status() >= 400);
    }

    @Test
    void clockSetClockAdvanceClock(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        assertEquals(false, c.clock().frozen());
        ClockReport set = c.setClock(new ClockUpdate("2026-06-30T12:00:00Z", true));
        assertEquals(new ClockInfo("2026-06-30T12:00:00Z", true), set.clock());
        Map<String, Object> shortLived = youtube("prof_short");
        shortLived.put("expires_at", "2026-07-01T00:00:00Z");
        c.addProfile("grp_1", shortLived);
        c.addProfile("grp_1", youtube("prof_long"));
        ClockReport moved = c.advanceClock(ClockAdvance.days(1).plusHours(1));
        assertEquals(new ClockInfo("2026-07-01T13:00:00Z", true), moved.clock());
        assertEquals(1, moved.effects().profilesExpired());
        assertTrue(moved.effects().snapshotsRecorded() >= 1, moved.toString());
        assertEquals("expired", Api.get(mock, account.fullAccessKey(), "/api/profiles/prof_short").map().get("status"));
        assertEquals(new ClockInfo("2026-07-01T13:00:00Z", true), c.clock());
        assertEquals(false, c.setClock(ClockUpdate.frozen(false)).clock().frozen());
        refused(422, "", () -> c.advanceClock(ClockAdvance.days(-1)));
        refused(422, "now: expected an RFC 3339 timestamp", () -> c.setClock(ClockUpdate.at("tomorrow")));
    }

    @Test
    void faultsAddFaultRemoveFaultClearFaults(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        Fault fault = c.addFault(FaultSpec.status(503).on("GET", "/api/profile_groups").times(5).error("Down for a test"));
        assertEquals(503, fault.status());
        assertEquals(5, fault.remaining());
        assertEquals("Down for a test", fault.error());
        assertNull(fault.retryAfter());
        Api.Answer answer = Api.get(mock, account.fullAccessKey(), "/api/profile_groups");
        assertEquals(503, answer.status());
        assertEquals("Down for a test", answer.map().get("error"));
        assertEquals(4, c.faults().get(0).remaining());
        c.removeFault(fault.id());
        assertEquals(List.of(), c.faults());
        refused(404, fault.id(), () -> c.removeFault(fault.id()));
        c.addFault(FaultSpec.status(429).path("/api/**").retryAfter(2));
        c.addFault(FaultSpec.latency(10).times(3));
        assertEquals(2, c.faults().size());
        c.clearFaults();
        assertEquals(List.of(), c.faults());
        assertEquals(200, Api.get(mock, account.fullAccessKey(), "/api/profile_groups").status());
        ControlException e = refused(422, "status must be 400–599, not 200", () -> c.addFault(FaultSpec.status(200)));
        assertEquals("/__mock/accounts/" + account.id() + "/faults", e.path());
        assertEquals("POST", e.method());
    }

    @Test
    void journalClearJournalRecordBodies(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        Api.get(mock, account.fullAccessKey(), "/api/profile_groups");
        Api.get(mock, account.fullAccessKey(), "/api/profile_groups/grp_1");
        Api.get(mock, account.fullAccessKey(), "/api/profile_groups/grp_nope");
        JournalPage page = c.journal(JournalFilter.all());
        assertEquals(List.of("GET /api/profile_groups 200", "GET /api/profile_groups/grp_1 200", "GET /api/profile_groups/grp_nope 404"),
                page.entries().stream().map(e -> e.method() + " " + e.path() + " " + e.status()).toList());
        assertEquals(1000, page.cap());
        assertEquals(false, page.recordBodies());
        assertEquals(account.keys().get(0).keyId(), page.entries().get(0).keyId());
        assertEquals(1, c.journal(JournalFilter.all().status(404)).entries().size());
        assertEquals(2, c.journal(JournalFilter.all().path("/api/profile_groups/*")).entries().size());
        assertEquals(List.of(3L), c.journal(JournalFilter.all().after(2)).entries().stream().map(JournalEntry::seq).toList());
        assertEquals(0, mock.control().journal(account.id(), JournalFilter.all().method("delete")).entries().size());
        c.clearJournal();
        assertEquals(List.of(), c.journal(JournalFilter.all()).entries());

        c.recordBodies(true);
        Api.call(mock, account.fullAccessKey(), "POST", "/api/profile_groups", Map.of("profile_group", Map.of("name", "With a body")));
        JournalEntry entry = c.journal(JournalFilter.all().method("POST")).entries().get(0);
        assertEquals(201, entry.status());
        assertEquals("{\"profile_group\":{\"name\":\"With a body\"}}", entry.body());
        c.recordBodies(false);
        refused(404, "acct_nope", () -> mock.control().journal("acct_nope", JournalFilter.all()));
        refused(404, "acct_nope", () -> mock.control().clearJournal("acct_nope"));
    }

    @Test
    void connectionsAuthorizeConnectionDenyConnection(PostproxyMock mock) {
        Account account = fresh(mock);
        AccountControl c = account.control();
        Map<String, Object> connect = new HashMap<>(Map.of("platform", "instagram", "redirect_url", "https://app.example/cb"));
        Api.Answer started = Api.call(mock, account.fullAccessKey(), "POST", "/api/profile_groups/grp_1/initialize_connection", connect);
        assertEquals(200, started.status());
        List<Connection> pending = c.connections();
        assertEquals(1, pending.size());
        assertEquals("instagram", pending.get(0).platform());
        assertEquals("grp_1", pending.get(0).profileGroupId());
        assertTrue(((String) started.map().get("url")).contains(pending.get(0).token()));
        ConnectionOutcome outcome = c.authorizeConnection(pending.get(0).token());
        assertTrue(outcome.redirectTo().startsWith("https://app.example/cb?status=success&profile_id="), outcome.redirectTo());
        assertEquals("instagram", outcome.profile().platform());
        assertEquals(List.of(), c.connections());

        connect.put("platform", "tiktok");
        Api.call(mock, account.fullAccessKey(), "POST", "/api/profile_groups/grp_1/initialize_connection", connect);
        Connection second = c.connections().get(0);
        ConnectionOutcome denied = c.denyConnection(second.token());
        assertTrue(denied.redirectTo().contains("error=access_denied"), denied.redirectTo());
        assertNull(denied.profile());
        ControlException e = assertThrows(ControlException.class, () -> c.authorizeConnection(second.token()));
        assertTrue(e.status() >= 400);
    }

    /** The bound control is the unbound one less the three server-wide operations, with the account id filled in. */
    @Test
    void accountControlHasEveryPerAccountOperation(PostproxyMock mock, Account account) {
        TreeSet<String> control = new TreeSet<>();
        for (Method m : Control.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("request")) control.add(m.getName());
        }
        assertEquals(27, control.size(), control.toString());
        TreeSet<String> bound = new TreeSet<>();
        for (Method m : AccountControl.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !m.getName().equals("accountId")) bound.add(m.getName());
        }
        control.removeAll(List.of("resetAll", "accounts", "createAccount"));
        assertEquals(control, bound);
        assertEquals(mock.control().account(account.id()), account.control().account());
    }
}
