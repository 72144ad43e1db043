package dev.postproxy.mock;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension: injects a running {@link PostproxyMock} and a per-test {@link Account}
 * into test methods, lifecycle methods and constructors.
 *
 * <pre>{@code
 * @ExtendWith(PostproxyMockExtension.class)
 * class GroupsTest {
 *     @Test
 *     void listsGroups(PostproxyMock mock, Account account) { ... }
 * }
 * }</pre>
 *
 * <p>The server is started on first use and shared by every test of the run with the same
 * options (parallel ones too), and stopped when the run ends. Each test gets its own
 * {@link Account}, a fresh copy of the server's first account (the demo data by default) with
 * keys of its own, deleted after the test; a test's {@code @BeforeEach}, {@code @Test} and
 * {@code @AfterEach} get the same one. Options come from {@link PostproxyMockSettings} on the test
 * class, or from an instance registered with
 * {@code @RegisterExtension static PostproxyMockExtension mock = new PostproxyMockExtension(Options.defaults().fixtures(map))}.
 */
public class PostproxyMockExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostproxyMockExtension.class);

    private final Options options;

    /** Options from {@link PostproxyMockSettings}, or the defaults. */
    public PostproxyMockExtension() {
        this(null);
    }

    /** These options (for {@code @RegisterExtension}); they win over {@link PostproxyMockSettings}. */
    public PostproxyMockExtension(Options options) {
        this.options = options;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PostproxyMock.class || type == Account.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PostproxyMock mock = server(context);
        if (parameter.getParameter().getType() == PostproxyMock.class) return mock;
        // One account per test (or per class, for a constructor or @BeforeAll), deleted when
        // its context closes.
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return store.getOrComputeIfAbsent("account:" + mock.baseUrl(), k -> new ScopedAccount(mock.newAccount()), ScopedAccount.class).account;
    }

    /** The run's server for the test's options. */
    public PostproxyMock server(ExtensionContext context) {
        Options resolved = options != null ? options : settings(context);
        ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
        try {
            return root.getOrComputeIfAbsent("server:" + resolved.key(), k -> new SharedServer(PostproxyMock.start(resolved)), SharedServer.class).mock;
        } catch (PostproxyMockException e) {
            throw e;
        } catch (RuntimeException e) {
            // JUnit wraps what the factory threw; the cause says why the server did not start.
            if (e.getCause() instanceof PostproxyMockException cause) throw cause;
            throw e;
        }
    }

    private static Options settings(ExtensionContext context) {
        Options o = Options.defaults();
        Optional<Class<?>> type = context.getTestClass();
        while (type.isPresent()) {
            PostproxyMockSettings s = ((AnnotatedElement) type.get()).getAnnotation(PostproxyMockSettings.class);
            if (s != null) {
                if (!s.fixtures().isEmpty()) o = o.fixtures(Path.of(s.fixtures()));
                if (s.seed() >= 0) o = o.seed(s.seed());
                return o;
            }
            type = Optional.ofNullable(type.get().getEnclosingClass());
        }
        return o;
    }

    private static final class SharedServer implements ExtensionContext.Store.CloseableResource {
        final PostproxyMock mock;

        SharedServer(PostproxyMock mock) {
            this.mock = mock;
        }

        @Override
        public void close() {
            mock.close();
        }
    }

    private static final class ScopedAccount implements ExtensionContext.Store.CloseableResource {
        final Account account;

        ScopedAccount(Account account) {
            this.account = account;
        }

        @Override
        public void close() {
            try {
                account.delete();
            } catch (PostproxyMockException alreadyGone) {
                // Deleted by the test, or the server is gone: the next use says so.
            }
        }
    }
}
