#!/usr/bin/env bash
# Vendor the Swagger UI and ReDoc files that /docs and /redoc serve, so the docs work offline.
#
# Fetches each npm package at an exact version with `npm pack`, checks its sha512 against the
# one pinned here, and copies the files the pages load, with their licence files, into
# mlpy/server/static/. Run it from anywhere; rerun it after changing a version (and its
# integrity, from `npm view PACKAGE@VERSION dist.integrity`), then run tests/server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATIC="$ROOT/mlpy/server/static"

SWAGGER_UI_VERSION="5.36.0"
SWAGGER_UI_INTEGRITY="sha512-Lt6/Kb0gXmLdiabLhvso4VdJP9V7qJWB0zh0gzeXUV3+CMOTzMmvpJRSXN7EAjfwixwmoi9ezDbLHiexC7lA9A=="
REDOC_VERSION="2.5.4"
REDOC_INTEGRITY="sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ=="

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION INTEGRITY: unpack the package into $work/NAME/package
fetch() {
    local name="$1" version="$2" integrity="$3" tarball actual
    (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
    tarball="$work/$name-$version.tgz"
    actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [[ "$actual" != "$integrity" ]]; then
        echo "fetch-docs-assets: $name@$version has integrity $actual, expected $integrity" >&2
        exit 1
    fi
    mkdir -p "$work/$name"
    tar xzf "$tarball" -C "$work/$name"
}

fetch swagger-ui-dist "$SWAGGER_UI_VERSION" "$SWAGGER_UI_INTEGRITY"
fetch redoc "$REDOC_VERSION" "$REDOC_INTEGRITY"

rm -rf "$STATIC/swagger-ui" "$STATIC/redoc"
mkdir -p "$STATIC/swagger-ui" "$STATIC/redoc"
src="$work/swagger-ui-dist/package"
cp "$src/swagger-ui-bundle.js" "$src/swagger-ui-bundle.js.LICENSE.txt" "$src/swagger-ui.css" \
    "$src/favicon-32x32.png" "$src/LICENSE" "$src/NOTICE" "$STATIC/swagger-ui/"
src="$work/redoc/package"
cp "$src/bundles/redoc.standalone.js" "$src/bundles/redoc.standalone.js.LICENSE.txt" "$src/LICENSE" \
    "$STATIC/redoc/"
cat > "$STATIC/VERSIONS" <<VERSIONS
swagger-ui-dist $SWAGGER_UI_VERSION $SWAGGER_UI_INTEGRITY
redoc $REDOC_VERSION $REDOC_INTEGRITY
VERSIONS
echo "fetch-docs-assets: swagger-ui-dist $SWAGGER_UI_VERSION and redoc $REDOC_VERSION are in $STATIC"
