package com.example.groups;

import dev.postproxy.mock.PostproxyMock;
import dev.postproxy.mock.Program;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Start-up figures (printed, not asserted); test-installed.sh runs this alone with POSTPROXY_MOCK_MEASURE=1. */
@EnabledIfEnvironmentVariable(named = "POSTPROXY_MOCK_MEASURE", matches = "1")
class MeasureTest {
    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    @Test
    void measure() {
        Program.path(); // unpacked once, as the first test of a run does
        for (int i = 0; i < 3; i++) PostproxyMock.start().close(); // the JIT's warm-up
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long began = System.nanoTime();
            PostproxyMock mock = PostproxyMock.start();
            starts.add((System.nanoTime() - began) / 1e6);
            mock.close();
        }
        List<Double> copies = new ArrayList<>();
        List<Double> empties = new ArrayList<>();
        try (PostproxyMock mock = PostproxyMock.start()) {
            for (int i = 0; i < 20; i++) mock.newAccount();
            for (int i = 0; i < 100; i++) {
                long began = System.nanoTime();
                mock.newAccount();
                copies.add((System.nanoTime() - began) / 1e6);
                began = System.nanoTime();
                mock.newAccount(Map.of());
                empties.add((System.nanoTime() - began) / 1e6);
            }
        }
        System.out.printf("PostproxyMock.start(): median %.1f ms of 20 (target ≤ 150 ms)%n", median(starts));
        System.out.printf("newAccount() (a copy of the demo data): median %.2f ms of 100 (target ≤ 5 ms)%n", median(copies));
        System.out.printf("newAccount(Map.of()) (empty): median %.2f ms of 100%n", median(empties));
    }
}
