package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postproxy.mock.Account;
import dev.postproxy.mock.ControlException;
import dev.postproxy.mock.FaultSpec;
import dev.postproxy.mock.Options;
import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.PostproxyMockExtension;
import dev.postproxy.mock.PostproxyMockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 extension: what it injects, what it shares, what it cleans up. */
@ExtendWith(PostproxyMockExtension.class)
class ExtensionTest {
    static final Set<String> ACCOUNTS = ConcurrentHashMap.newKeySet();
    static final Set<String> SERVERS = ConcurrentHashMap.newKeySet();
    static volatile PostproxyMock seen;

    Account before;

    @BeforeEach
    void before(Account account) {
        before = account;
    }

    @Test
    void injectsTheServerWithTheDemoData(PostproxyMock mock) {
        SERVERS.add(mock.baseUrl());
        assertTrue(mock.baseUrl().startsWith("http://127.0.0.1:"), mock.baseUrl());
        assertEquals(mock.baseUrl() + "/__mock", mock.controlUrl());
        assertEquals("pp_demo_full_0123456789abcdef", mock.fullAccessKey());
        assertEquals("pp_demo_scoped_0123456789abcdef", mock.scopedKey());
        assertEquals("acct_demo", mock.account().id());
        assertEquals(Map.of("grp456def", mock.scopedKey()), mock.account().scopedKeys());
        assertEquals(List.of("grp456xyz", "grp123abc", "grp456def", "grp789ghi"), Api.groupIds(mock, mock.fullAccessKey()));
        assertEquals(List.of("grp456def"), Api.groupIds(mock, mock.scopedKey()));
        assertTrue(ProcessHandle.of(mock.pid()).isPresent());
    }

    @Test
    void oneAccountPerTestTheSameInBeforeEach(PostproxyMock mock, Account account) {
        ACCOUNTS.add(account.id());
        assertSame(before, account);
        assertNotEquals("acct_demo", account.id());
        assertTrue(account.fullAccessKey().startsWith("pp_test_"), account.fullAccessKey());
        assertEquals(Set.of("grp456def"), account.scopedKeys().keySet());
        assertEquals(account.id(), account.control().accountId());
        assertEquals(List.of("grp456xyz", "grp123abc", "grp456def", "grp789ghi"), Api.groupIds(mock, account.fullAccessKey()));
        assertEquals(15, ((List<?>) Api.get(mock, account.fullAccessKey(), "/api/profiles").map().get("data")).size());
    }

    /** Runs in parallel (junit-platform.properties): each repetition in its own account. */
    @RepeatedTest(8)
    void parallelTestsDoNotSeeEachOther(PostproxyMock mock, Account account) {
        ACCOUNTS.add(account.id());
        SERVERS.add(mock.baseUrl());
        assertEquals(200, Api.call(mock, account.fullAccessKey(), "DELETE", "/api/profiles/prof_li_001", null).status());
        assertEquals(404, Api.get(mock, account.fullAccessKey(), "/api/profiles/prof_li_001").status());
        assertEquals(201, Api.call(mock, account.fullAccessKey(), "POST", "/api/profile_groups", Map.of("profile_group", Map.of("name", "Mine"))).status());
        assertEquals(5, Api.groupIds(mock, account.fullAccessKey()).size());
        account.control().addFault(FaultSpec.status(500).path("/api/profiles"));
        assertEquals(500, Api.get(mock, account.fullAccessKey(), "/api/profiles").status());
        // The demo account sees none of it.
        assertEquals(200, Api.get(mock, mock.fullAccessKey(), "/api/profiles/prof_li_001").status());
        assertEquals(4, Api.groupIds(mock, mock.fullAccessKey()).size());
        seen = mock;
    }

    @AfterAll
    static void everyAccountWasDeletedAndTheServerShared() {
        assertEquals(9, ACCOUNTS.size());
        assertEquals(1, SERVERS.size());
        for (String id : ACCOUNTS) {
            ControlException e = assertThrows(ControlException.class, () -> seen.control().account(id));
            assertEquals(404, e.status());
        }
    }

    /** Another class with the same options: the same server. */
    @Nested
    class Nested1 {
        @Test
        void sharesTheServer(PostproxyMock mock) {
            SERVERS.add(mock.baseUrl());
        }
    }
}

/** @PostproxyMockSettings: a fixture file and a seed. */
@ExtendWith(PostproxyMockExtension.class)
@PostproxyMockSettings(fixtures = "target/small-fixtures.json", seed = 7)
class SettingsTest {
    static {
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/small-fixtures.json"), dev.postproxy.mock.Json.write(Api.smallFixtures("_settings")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void startsWithTheFixturesAndSeed(PostproxyMock mock, Account account) {
        assertEquals("pp_small_full_settings", mock.fullAccessKey());
        assertEquals(List.of("grp_small", "grp_other"), Api.groupIds(mock, account.fullAccessKey()));
        assertEquals(List.of("grp_small"), Api.groupIds(mock, account.scopedKey()));
        // The same seed draws the same ids and keys; another seed others.
        Options seven = Options.defaults().fixtures(Path.of("target/small-fixtures.json")).seed(7);
        try (PostproxyMock one = PostproxyMock.start(seven);
                PostproxyMock two = PostproxyMock.start(seven);
                PostproxyMock eight = PostproxyMock.start(seven.seed(8))) {
            Account a = one.newAccount(), b = two.newAccount(), c = eight.newAccount();
            assertEquals(a.id(), b.id());
            assertEquals(a.fullAccessKey(), b.fullAccessKey());
            assertTrue(a.fullAccessKey().startsWith("pp_test_"), a.fullAccessKey());
            assertNotEquals(a.id(), c.id());
            assertNotEquals(a.fullAccessKey(), c.fullAccessKey());
        }
    }
}

/** @RegisterExtension with options of Java values. */
class RegisteredTest {
    @RegisterExtension
    static final PostproxyMockExtension MOCK = new PostproxyMockExtension(Options.defaults().fixtures(Api.smallFixtures("_registered")));

    @Test
    void startsWithTheMap(PostproxyMock mock, Account account) {
        assertEquals("pp_small_full_registered", mock.fullAccessKey());
        assertEquals("pp_small_scoped_registered", mock.scopedKey());
        assertEquals(List.of("grp_small", "grp_other"), Api.groupIds(mock, account.fullAccessKey()));
    }
}
