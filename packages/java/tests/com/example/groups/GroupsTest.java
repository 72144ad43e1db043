package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postproxy.mock.Account;
import dev.postproxy.mock.FaultSpec;
import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.PostproxyMockExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostproxyMockExtension.class)
class GroupsTest {
    // mock: one server for the whole run; account: a fresh copy of the demo data, deleted after the test
    @Test
    void listsTheGroups(PostproxyMock mock, Account account) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/api/profile_groups"))
                .header("Authorization", "Bearer " + account.fullAccessKey())
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"name\":\"Main Brand\""), response.body());

        // Set the stage through the control API: the next GET of a profile is rate-limited.
        account.control().addFault(FaultSpec.status(429).retryAfter(7).on("GET", "/api/profiles/*"));
    }
}
