package com.example.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The READMEs' Java examples are GroupsTest.java, verbatim (and GroupsTest runs with the rest):
 * packages/java/README.md ($PACKAGE_README) and, once it has a Java section, the repository's ($REPO_README).
 */
class ReadmeTest {
    static final String MARKER = "<!-- example: packages/java/tests/com/example/groups/GroupsTest.java";

    static void check(String env, boolean required) throws Exception {
        String path = System.getenv(env);
        Assumptions.assumeTrue(path != null && !path.isEmpty(), env + " is not set (test-installed.sh sets it)");
        String readme = Files.readString(Path.of(path));
        int at = readme.indexOf(MARKER);
        if (!required) Assumptions.assumeTrue(at >= 0, path + " has no Java example marker yet");
        assertTrue(at >= 0, path + " has no " + MARKER);
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme.substring(at));
        assertTrue(block.find(), "no java block after the marker in " + path);
        assertEquals(Files.readString(Path.of("src/test/java/com/example/groups/GroupsTest.java")), block.group(1));
    }

    @Test
    void thePackageReadmeExampleIsGroupsTest() throws Exception {
        check("PACKAGE_README", true);
    }

    @Test
    void theRepositoryReadmeExampleIsGroupsTest() throws Exception {
        check("REPO_README", false);
    }
}
