package dev.enrich.backend.s3;

import dev.enrich.backend.s3.Parts.Part;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;

/**
 * Write one object from its parts, one part at a time: a single part goes up as one PutObject; more open a multipart
 * upload on the first and complete it after the last. {@link #abort()} removes an unfinished multipart upload, so a
 * failed or cancelled write leaves nothing behind (what an abort cannot reach, the orphan sweep does).
 */
final class ObjectUpload {

    private static final Logger log = LoggerFactory.getLogger(ObjectUpload.class);

    private final S3AsyncClient s3;
    private final String bucket;
    private final String key;
    private final List<CompletedPart> completed = new ArrayList<>();
    private volatile @Nullable CompletableFuture<CreateMultipartUploadResponse> created;
    private volatile long size;

    ObjectUpload(S3AsyncClient s3, String bucket, String key) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
    }

    /** Send one part; parts come in order, the next only after this one is stored. */
    Mono<Void> send(Part part) {
        size += part.length();
        ByteBuffer body = ByteBuffer.wrap(part.bytes(), 0, part.length());
        if (part.last() && part.number() == 1) {
            return Mono.fromFuture(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) part.length()),
                    AsyncRequestBody.fromRemainingByteBufferUnsafe(body))).then();
        }
        return uploadId().flatMap(id -> Mono.fromFuture(() -> s3.uploadPart(b -> b.bucket(bucket).key(key)
                                .uploadId(id).partNumber(part.number()).contentLength((long) part.length()),
                        AsyncRequestBody.fromRemainingByteBufferUnsafe(body))))
                .doOnNext(response -> completed.add(
                        CompletedPart.builder().partNumber(part.number()).eTag(response.eTag()).build()))
                .then();
    }

    /** Finish the object after its last part; return its size. */
    Mono<Long> complete() {
        CompletableFuture<CreateMultipartUploadResponse> multipart = created;
        if (multipart == null) {
            return Mono.fromSupplier(() -> size);
        }
        return Mono.fromFuture(multipart, true)
                .flatMap(upload -> Mono.fromFuture(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                        .uploadId(upload.uploadId()).multipartUpload(m -> m.parts(completed)))))
                .then(Mono.fromSupplier(() -> size));
    }

    /** Abort the multipart upload, if one was opened; never fails (a leftover is the sweep's). */
    Mono<Void> abort() {
        CompletableFuture<CreateMultipartUploadResponse> multipart = created;
        if (multipart == null) {
            return Mono.empty();
        }
        return Mono.fromFuture(multipart, true)
                .flatMap(upload -> Mono.fromFuture(() -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(key)
                        .uploadId(upload.uploadId()))))
                .then()
                .onErrorResume(e -> {
                    log.warn("Could not abort an unfinished upload to {}; the orphan sweep will: {}", key, e.toString());
                    return Mono.empty();
                });
    }

    private Mono<String> uploadId() {
        return Mono.defer(() -> {
            CompletableFuture<CreateMultipartUploadResponse> multipart = created;
            if (multipart == null) {
                multipart = s3.createMultipartUpload(b -> b.bucket(bucket).key(key));
                created = multipart;
            }
            return Mono.fromFuture(multipart, true).map(CreateMultipartUploadResponse::uploadId);
        });
    }
}
