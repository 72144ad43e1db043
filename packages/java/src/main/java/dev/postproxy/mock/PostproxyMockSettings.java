package dev.postproxy.mock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options of the server {@link PostproxyMockExtension} injects into a test class (on the class
 * or an enclosing one): {@code @PostproxyMockSettings(fixtures = "src/test/resources/data.json", seed = 7)}.
 * Classes with the same settings share one server.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PostproxyMockSettings {
    /** A fixture file (JSON, or YAML ending in .yaml), relative to the working folder; empty: the demo data. */
    String fixtures() default "";

    /** The seed of generated ids, keys and stats; negative: none. */
    long seed() default -1;
}
