#!/usr/bin/env bash
# Build the container image's base: a distroless-like Java runtime, as a `docker save` tarball that Jib reads with
# from.image=tar://… (see the "image" profile in pom.xml). No Docker daemon and no registry are needed: the runtime is
# jlinked from this machine's JDK (its jmods) and the shared libraries it links to are copied from this machine,
# Debian 12's glibc and friends. No shell, no package manager; user 65532 (nonroot), /tmp writable.
#
#   image/build-base.sh [OUT_DIR]       default target/image-base; writes OUT_DIR/base.tar
#
# Skips the work when OUT_DIR/base.tar was built from the same JDK, module list and script.
set -euo pipefail

out=$(realpath -m "${1:-target/image-base}")   # absolute: ldd reports absolute paths
java_home=${BASE_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
# jdeps --print-module-deps over the application and its libraries, plus service providers it cannot see:
# EC crypto for TLS, DNS for JNDI lookups, extra charsets, and jcmd for thread and heap dumps in a running pod.
modules=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.prefs,java.scripting
modules+=,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.net,jdk.unsupported
modules+=,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.jcmd
uid=65532

stamp="$("$java_home/bin/java" -version 2>&1 | tr '\n' ' ')|$modules|$(sha256sum "$0" | cut -d' ' -f1)"
if [[ -f "$out/base.tar" && -f "$out/stamp" && "$(cat "$out/stamp")" == "$stamp" ]]; then
  echo "base image up to date: $out/base.tar"
  exit 0
fi
[[ -d "$java_home/jmods" ]] || { echo "no jmods in $java_home (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }

rm -rf "$out"
root="$out/rootfs"
mkdir -p "$root"/{etc,tmp,proc,sys,dev,home/nonroot,usr/lib/x86_64-linux-gnu,usr/lib64,usr/bin}
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s usr/bin "$root/bin"

# Uncompressed modules load faster at start-up; the layer is gzipped anyway. The CDS archive of the JDK's own
# classes is made here, so every start maps it instead of parsing those classes again.
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --generate-cds-archive --output "$root/opt/java"
# Headless only: no X11 window toolkit, splash screen or sound, so none of their libraries are pulled in.
rm -f "$root"/opt/java/lib/{libawt_xawt.so,libjawt.so,libsplashscreen.so,libjsound.so}
# Debian's JDK links these to /etc; the image gets real files.
for f in cacerts blocked.certs default.policy public_suffix_list.dat; do
  src="$java_home/lib/security/$f"
  if [[ -e "$src" ]]; then rm -f "$root/opt/java/lib/security/$f"; cp -L "$src" "$root/opt/java/lib/security/$f"; fi
done

# Every shared library the runtime's programs and libraries need, from this machine.
declare -A seen=()
while IFS= read -r -d '' elf; do
  deps=$(LD_LIBRARY_PATH="$root/opt/java/lib:$root/opt/java/lib/server" ldd "$elf" 2>/dev/null || true)
  if grep -q 'not found' <<<"$deps"; then echo "$elf needs a library this machine lacks:" >&2; echo "$deps" >&2; exit 1; fi
  for lib in $(awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }' <<<"$deps"); do
    [[ -n "${seen[$lib]:-}" ]] && continue
    seen[$lib]=1
    case "$lib" in
      "$root"/*) ;;                                                    # the runtime's own (libjli, libjvm …)
      */ld-linux-x86-64.so.2) cp -L "$lib" "$root/usr/lib64/ld-linux-x86-64.so.2" ;;
      *) cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
  done
done < <(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0)

cat > "$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:$uid:$uid:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$root/etc/group" <<EOF
root:x:0:
nonroot:x:$uid:
EOF
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"

# One layer: sorted, epoch times, owned by root except the home directory and /tmp (sticky). Byte for byte the same
# on every build but for the CDS archives, which JDK 17 does not dump deterministically.
img="$out/image"
mkdir -p "$img"
tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=gnu)
tar "${tar_opts[@]}" --owner=0 --group=0 --exclude=./home/nonroot --exclude=./tmp -C "$root" -cf "$img/layer.tar" .
chmod 1777 "$root/tmp"
tar "${tar_opts[@]}" --owner=0 --group=0 --no-recursion -C "$root" -rf "$img/layer.tar" ./tmp
tar "${tar_opts[@]}" --owner=$uid --group=$uid -C "$root" -rf "$img/layer.tar" ./home/nonroot

diff_id="sha256:$(sha256sum "$img/layer.tar" | cut -d' ' -f1)"
cat > "$img/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
           "User":"$uid:$uid","WorkingDir":"/home/nonroot"},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"image/build-base.sh: jlink $modules"}]}
EOF
echo '[{"Config":"config.json","RepoTags":["enrich-base:local"],"Layers":["layer.tar"]}]' > "$img/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$img" -cf "$out/base.tar" \
  manifest.json config.json layer.tar
rm -rf "$img"
echo "$stamp" > "$out/stamp"
echo "base image: $out/base.tar ($(du -h "$out/base.tar" | cut -f1), runtime $(du -sh "$root/opt/java" | cut -f1))"
