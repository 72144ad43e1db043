#!/usr/bin/env bash
# Tests the jar as users get it: installs DIST_DIR/postproxy-mock-VERSION.jar (with its pom) into
# a Maven repository under $TMPDIR, makes a fresh Maven project there that depends on
# dev.postproxy:postproxy-mock and JUnit 5, copies tests/ in as its test sources, and runs them
# with Surefire (in parallel: tests/junit-platform.properties); then prints the start-up figures
# (MeasureTest, alone). Maven's own downloads go to its default local repository; so does its
# copy of the jar from this run's repository, after the copy of an earlier run (the same version,
# so Maven would not fetch it again) is removed from there.
#
#   bash packages/java/test-installed.sh DIST_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIST_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
dist=$(cd "$1" && pwd)
shopt -s nullglob
jars=("$dist"/postproxy-mock-[0-9]*.jar)
[ ${#jars[@]} -eq 1 ] || { echo "expected one postproxy-mock jar in $dist, found ${#jars[@]}" >&2; exit 1; }
jar=${jars[0]}
version=$(basename "$jar" .jar)
version=${version#postproxy-mock-}
pom="$dist/postproxy-mock-$version.pom"
junit=$(sed -n 's|^ *<junit.version>\(.*\)</junit.version>.*$|\1|p' "$here/pom.xml")

project=$(mktemp -d "${TMPDIR:-/tmp}/postproxy-mock-java.XXXXXX")
trap 'rm -rf "$project"' EXIT
# The repository: the layout Maven reads (group/artifact/version/files).
repo="$project/repository"
mkdir -p "$repo/dev/postproxy/postproxy-mock/$version"
cp "$jar" "$repo/dev/postproxy/postproxy-mock/$version/postproxy-mock-$version.jar"
cp "$pom" "$repo/dev/postproxy/postproxy-mock/$version/postproxy-mock-$version.pom"
# With their checksums, as a real repository serves them (Maven warns, with a stack trace,
# about a download it cannot check).
for file in "$repo/dev/postproxy/postproxy-mock/$version"/*; do
    sha1sum "$file" | cut -d' ' -f1 > "$file.sha1"
done
repo_id="postproxy-mock-built"

cd "$project"
mkdir -p src/test/java/com/example/groups src/test/resources
cp "$here"/tests/com/example/groups/*.java src/test/java/com/example/groups/
cp "$here/tests/junit-platform.properties" src/test/resources/
cat > pom.xml <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>groups</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <repositories>
    <repository>
      <id>$repo_id</id>
      <url>file://$repo</url>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      <groupId>dev.postproxy</groupId>
      <artifactId>postproxy-mock</artifactId>
      <version>$version</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>$junit</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.2.5</version>
        <configuration>
          <trimStackTrace>false</trimStackTrace>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM

mvn=(mvn -B --no-transfer-progress -Dstyle.color=never)
local_repo=$("${mvn[@]}" -q help:evaluate -Dexpression=settings.localRepository -DforceStdout | sed "s/\x1b\[[0-9;]*m//g" | tail -1)
case "$local_repo" in
    /*) rm -rf "$local_repo/dev/postproxy/postproxy-mock/$version" ;;
    *) echo "cannot tell Maven's local repository (got: $local_repo)" >&2; exit 1 ;;
esac
echo "==> $(java -version 2>&1 | head -1); the jar: $jar ($(stat -c %s "$jar") bytes)"
# Unset, so that the tests run the jar's program with its defaults.
for name in $(compgen -e | grep '^POSTPROXY_MOCK_' || true); do unset "$name"; done
# The program is unpacked into a folder of this run's own, so the first unpacking is tested too.
export POSTPROXY_MOCK_CACHE_DIR="$project/cache"
export PACKAGE_README="$here/README.md" REPO_README="${REPO_README:-$here/../../README.md}"
echo "==> mvn test (JUnit 5, Surefire; the installed jar)"
"${mvn[@]}" test
echo "==> figures (MeasureTest alone)"
POSTPROXY_MOCK_MEASURE=1 "${mvn[@]}" -q surefire:test -Dtest=MeasureTest -Djunit.jupiter.execution.parallel.enabled=false 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^\[' || true
echo "==> size: $(basename "$jar") $(awk -v b="$(stat -c %s "$jar")" 'BEGIN { printf "%.2f MB", b / 1048576 }')"
