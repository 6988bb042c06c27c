# sqs-trigger's container image: the static (musl) binary, a CA bundle for the AWS SDK (it reads
# the system's roots: SSL_CERT_FILE), a non-root user, nothing else: no shell, no package manager.
#
# Built from a context that scripts/container-context.sh lays out from dist's release archives
# (make dist-check, and the release workflow for linux/amd64 + linux/arm64):
#   linux/amd64/sqs-trigger, linux/arm64/sqs-trigger, ca-certificates.crt, passwd, group
FROM scratch

ARG TARGETPLATFORM
ARG VERSION=unknown
ARG SOURCE=https://github.com/sqs-trigger/sqs-trigger

LABEL org.opencontainers.image.title="sqs-trigger" \
      org.opencontainers.image.description="Provision and verify Amazon SQS -> AWS Lambda triggers, and explain why a queue is not polled" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}"

COPY passwd group /etc/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY ${TARGETPLATFORM}/sqs-trigger /usr/local/bin/sqs-trigger

ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    HOME=/home/sqs-trigger

# 65532: no user of the host; `docker run -u` can pick another.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/sqs-trigger"]
CMD ["--help"]
