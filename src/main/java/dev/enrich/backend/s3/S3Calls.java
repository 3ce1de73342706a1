package dev.enrich.backend.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Wait for an SDK call where the port is blocking, turning its failures into the port's I/O exceptions. */
final class S3Calls {

    private S3Calls() {}

    /**
     * Wait for {@code call}; a missing object becomes {@link NoSuchFileException} naming {@code key}, any other
     * failure an {@link IOException}.
     */
    static <T> T await(CompletableFuture<T> call, String key) throws IOException {
        try {
            return call.get();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + key);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NoSuchKeyException
                    || cause instanceof S3Exception s3 && s3.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("object storage call failed for " + key + ": " + cause.getMessage(), cause);
        }
    }
}
