package dev.enrich.backend.s3;

import dev.enrich.backend.MediaKeys;
import dev.enrich.session.MediaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * Store media as objects in one bucket: {@code [<prefix>/]<tenant>/<session>/<random>}, derived files under
 * {@code [<prefix>/]<tenant>/<session>/derived/<name>} (segments as {@link MediaKeys} lays them out; the store's keys
 * leave the prefix out). Uploads stream part by part (see {@link ObjectUpload}); reads are GETs, random access ranged
 * GETs.
 */
final class S3MediaStore implements MediaStore {

    /** S3 deletes at most this many keys per DeleteObjects request. */
    static final int DELETE_BATCH = 1000;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[A-Za-z0-9_-][A-Za-z0-9_./-]*");

    private final S3AsyncClient s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;
    private final int readAhead;

    S3MediaStore(S3AsyncClient s3, S3MediaProperties settings) {
        this.s3 = s3;
        this.bucket = settings.bucket();
        this.prefix = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        this.partSize = (int) settings.partSize().toBytes();
        this.readAhead = (int) settings.readAhead().toBytes();
    }

    @Override
    public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
        String key = MediaKeys.session(tenant, sessionId) + "/" + UUID.randomUUID();
        return Mono.usingWhen(Mono.fromSupplier(() -> new ObjectUpload(s3, bucket, objectKey(key))),
                upload -> Parts.of(MediaKeys.limit(content, maxBytes), partSize)
                        .concatMap(upload::send, 1)
                        .then(Mono.defer(upload::complete))
                        .map(size -> new Stored(key, size)),
                upload -> Mono.empty(),
                (upload, error) -> upload.abort(),
                ObjectUpload::abort);
    }

    @Override
    public InputStream open(String key) throws IOException {
        String object = objectKey(key);
        return S3Calls.await(s3.getObject(b -> b.bucket(bucket).key(object),
                AsyncResponseTransformer.toBlockingInputStream()), key);
    }

    @Override
    public SeekableByteChannel openChannel(String key) throws IOException {
        String object = objectKey(key);
        long size = S3Calls.await(s3.headObject(b -> b.bucket(bucket).key(object)), key).contentLength();
        return new RangedObjectChannel(s3, bucket, object, size, readAhead);
    }

    /** Buffer the derived file (small: at most one part) and put it when the stream closes. */
    @Override
    public OutputStream createDerived(String tenant, String sessionId, String name) throws IOException {
        String object = prefix + MediaKeys.derived(tenant, sessionId, name);
        return new DerivedOutputStream(name, partSize,
                bytes -> S3Calls.await(s3.putObject(b -> b.bucket(bucket).key(object).contentLength((long) bytes.length),
                        AsyncRequestBody.fromBytesUnsafe(bytes)), name));
    }

    @Override
    public InputStream openDerived(String tenant, String sessionId, String name) throws IOException {
        String object = prefix + MediaKeys.derived(tenant, sessionId, name);
        return S3Calls.await(s3.getObject(b -> b.bucket(bucket).key(object),
                AsyncResponseTransformer.toBlockingInputStream()), name);
    }

    /** Ask for the bucket (HEAD): it exists and these credentials may use it. */
    @Override
    public Mono<Void> check() {
        return Mono.fromFuture(() -> s3.headBucket(b -> b.bucket(bucket)))
                .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
                .then();
    }

    @Override
    public Mono<Void> deleteSession(String tenant, String sessionId) {
        String folder = prefix + MediaKeys.session(tenant, sessionId) + "/";
        return Flux.from(s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(folder)).contents())
                .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
                .map(object -> ObjectIdentifier.builder().key(object.key()).build())
                .buffer(DELETE_BATCH)
                .concatMap(this::delete)
                .then();
    }

    private Mono<DeleteObjectsResponse> delete(List<ObjectIdentifier> batch) {
        return Mono.fromFuture(() -> s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true))))
                .doOnNext(response -> {
                    if (!response.errors().isEmpty()) {
                        throw new IllegalStateException("could not delete " + response.errors().size()
                                + " objects, e.g. " + response.errors().get(0).key() + ": "
                                + response.errors().get(0).message());
                    }
                });
    }

    // Keys come from store(); the check keeps any other text from naming an object outside the sessions.
    private String objectKey(String key) {
        if (!KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a media key of this store: " + key);
        }
        return prefix + key;
    }
}
