package com.example.groups;

import dev.postproxy.mock.Json;
import dev.postproxy.mock.PostproxyMock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The product API through java.net.http (the official Java SDK is not on Maven Central), for the tests. */
final class Api {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Answer(int status, Object json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            return (Map<String, Object>) json;
        }

        List<String> ids() {
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) map().get("data")) out.add((String) ((Map<?, ?>) o).get("id"));
            return out;
        }
    }

    static Answer call(PostproxyMock mock, String key, String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mock.baseUrl() + path)).header("Authorization", "Bearer " + key);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body().isEmpty() ? null : Json.parse(r.body()));
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        }
    }

    static Answer get(PostproxyMock mock, String key, String path) {
        return call(mock, key, "GET", path, null);
    }

    static List<String> groupIds(PostproxyMock mock, String key) {
        Answer a = get(mock, key, "/api/profile_groups");
        if (a.status() != 200) throw new AssertionError("GET /api/profile_groups: " + a.status() + " " + a.json());
        return a.ids();
    }

    static Map<String, Object> smallFixtures(String suffix) {
        return Map.of("accounts", List.of(Map.of(
                "id", "acct_small" + suffix,
                "api_keys", List.of(Map.of("key", "pp_small_full" + suffix), Map.of("key", "pp_small_scoped" + suffix, "profile_group_id", "grp_small")),
                "profile_groups", List.of(
                        Map.of("id", "grp_small", "name", "Small", "profiles", List.of(Map.of("id", "prof_small", "name", "@small", "platform", "bluesky", "status", "active"))),
                        Map.of("id", "grp_other", "name", "Other")))));
    }

    private Api() {}
}
