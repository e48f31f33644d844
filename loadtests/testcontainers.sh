#!/usr/bin/env bash
# The Testcontainers ITs (dev.perch.it.ContainerKafkaIT) against a Kafka image built here, with no
# container registry: a Debian root filesystem with a Java runtime (mmdebstrap, from Debian's
# packages), Kafka's jars from Maven Central (loadtests/kafka-image/pom.xml) and an entrypoint that
# does what apache/kafka's does for Testcontainers (loadtests/kafka-image/run), `docker import`ed as
# perch/kafka-local:KAFKA_VERSION. Installs docker.io and mmdebstrap from Debian if missing, starts
# dockerd if none answers (and stops it at the end), disables Ryuk (its image is in a registry).
#
#   loadtests/testcontainers.sh            build the image if it is missing, then run the ITs
#   loadtests/testcontainers.sh --rebuild  build it again first
#   loadtests/testcontainers.sh --image-only
#
# Needs root (apt-get, dockerd, mmdebstrap). The image is the property the IT reads:
# -Dperch.it.kafka.image=perch/kafka-local:4.1.2 (docs/testing.md). With an engine of your own, run
# the IT as the last step below does (TESTCONTAINERS_HOST_OVERRIDE only where Perch runs in a container).
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=false
run_tests=true
for arg in "$@"; do
    case "$arg" in
        --rebuild) rebuild=true ;;
        --image-only) run_tests=false ;;
        *) echo "usage: $0 [--rebuild] [--image-only]" >&2; exit 2 ;;
    esac
done

kafka_version=$(sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' pom.xml | head -1)
image=${PERCH_KAFKA_LOCAL_IMAGE:-perch/kafka-local:$kafka_version}
suite=${PERCH_DEBIAN_SUITE:-bookworm}
work=target/testcontainers
mkdir -p "$work"
say() { echo "testcontainers.sh: $*" >&2; }
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

install_missing() { # command package
    if ! command -v "$1" >/dev/null 2>&1; then
        say "installing $2 (for $1)"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
    fi
}
install_missing dockerd docker.io
install_missing docker docker.io
install_missing mmdebstrap mmdebstrap

dockerd_pid=""
stop_dockerd() {
    if [ -n "$dockerd_pid" ]; then
        say "stopping the dockerd this script started (pid $dockerd_pid)"
        kill "$dockerd_pid" 2>/dev/null || true
        wait "$dockerd_pid" 2>/dev/null || true
    fi
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
    say "no Docker engine answers: starting dockerd (log: $work/dockerd.log)"
    # Published ports on loopback only: the ITs reach the broker at 127.0.0.1.
    dockerd --ip=127.0.0.1 >"$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$dockerd_pid" 2>/dev/null || { say "dockerd ended; its log:"; tail -20 "$work/dockerd.log" >&2; exit 1; }
        sleep 1
    done
    docker info >/dev/null 2>&1 || { say "dockerd did not answer within 60 s"; exit 1; }
fi

if $rebuild || ! docker image inspect "$image" >/dev/null 2>&1; then
    say "building $image: Kafka $kafka_version's jars from Maven Central"
    rm -rf "$work/libs"
    mvn -B -q -f loadtests/kafka-image/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
        -Dkafka.version="$kafka_version" -DoutputDirectory="$PWD/$work/libs" >"$work/libs.log" 2>&1 \
        || { say "copying Kafka's jars failed; its log:"; tail -20 "$work/libs.log" >&2; exit 1; }
    say "building $image: Debian $suite with openjdk-17-jre-headless (mmdebstrap), $(elapsed) so far"
    rm -f "$work/kafka-rootfs.tar"
    mmdebstrap --variant=essential --include=openjdk-17-jre-headless \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='mkdir -p "$1/opt/kafka" "$1/etc/kafka/docker"' \
        --customize-hook="copy-in $PWD/$work/libs /opt/kafka" \
        --customize-hook="copy-in $PWD/loadtests/kafka-image/run /etc/kafka/docker" \
        --customize-hook='chmod 0755 "$1/etc/kafka/docker/run"' \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
        "$suite" "$work/kafka-rootfs.tar" >"$work/mmdebstrap.log" 2>&1 \
        || { say "mmdebstrap failed; its log:"; tail -20 "$work/mmdebstrap.log" >&2; exit 1; }
    say "importing $work/kafka-rootfs.tar ($(du -h "$work/kafka-rootfs.tar" | cut -f1)) as $image"
    docker import \
        --change 'ENV KAFKA_HOME=/opt/kafka' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'EXPOSE 9092' \
        --change 'CMD ["/etc/kafka/docker/run"]' \
        "$work/kafka-rootfs.tar" "$image" >/dev/null
    rm -f "$work/kafka-rootfs.tar"
    say "built $image in $(elapsed)"
else
    say "$image is there (--rebuild builds it again)"
fi

if $run_tests; then
    say "running ContainerKafkaIT against $image"
    status=0
    # This machine may itself be a container: Testcontainers would then reach the broker at the
    # bridge's gateway (172.17.0.1), where dockerd --ip=127.0.0.1 publishes nothing.
    TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 mvn -B -o verify -Dit.test=ContainerKafkaIT -Dtest=NoSuchTest \
        -Dsurefire.failIfNoSpecifiedTests=false -Dperch.it.kafka.image="$image" >"$work/verify.log" 2>&1 || status=$?
    grep -E 'Tests run:|ERROR|FAIL|BUILD' "$work/verify.log" | grep -v '^\[INFO\] *$' >&2 || true
    # Without Ryuk nothing removes a container the tests left behind (a killed run).
    leftover=$(docker ps -aq --filter ancestor="$image")
    [ -z "$leftover" ] || docker rm -f $leftover >/dev/null
    say "mvn verify exited $status after $(elapsed) (log: $work/verify.log)"
    exit "$status"
fi
