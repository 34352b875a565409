#!/bin/sh
# Vendor swagger-ui-dist (the API docs page's assets) into the package, from the npm registry,
# checked against the registry's integrity digest; writes SHA256SUMS of what it keeps.
# Usage: scripts/vendor-swagger-ui.sh VERSION SHA512_BASE64   (see the registry's dist.integrity)
set -eu
version=$1
integrity=$2
dest=$(dirname "$0")/../src/kamcore_server/static/swagger-ui
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL -o "$work/dist.tgz" "https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-$version.tgz"
got=$(openssl dgst -sha512 -binary "$work/dist.tgz" | base64 -w0)
[ "$got" = "$integrity" ] || { echo "integrity mismatch: $got" >&2; exit 1; }
tar -xzf "$work/dist.tgz" -C "$work"
mkdir -p "$dest"
for name in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE package.json; do
    cp "$work/package/$name" "$dest/$name"
done
(cd "$dest" && sha256sum swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE package.json > SHA256SUMS)
echo "swagger-ui-dist $version vendored into $dest"
