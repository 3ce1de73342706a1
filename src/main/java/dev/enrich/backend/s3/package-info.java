/**
 * backend/s3: the media store on S3-compatible object storage ({@code enrich.media.store=s3}; AWS S3, MinIO, …)
 * through the AWS SDK's async client on Netty. Credentials come from the SDK's default provider chain.
 */
@NullMarked
package dev.enrich.backend.s3;

import org.jspecify.annotations.NullMarked;
