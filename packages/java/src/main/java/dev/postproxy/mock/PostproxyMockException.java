package dev.postproxy.mock;

/** Something went wrong starting, driving or stopping the mock: every exception of this package is one. */
public class PostproxyMockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PostproxyMockException(String message) {
        super(message);
    }

    public PostproxyMockException(String message, Throwable cause) {
        super(message, cause);
    }
}
